// Package demo synthesizes lathe's demo release: five short music-like
// tracks at different loudness, rates and word lengths (one 96 kHz/24-bit
// source, one 48 kHz source, a gapless pair), and the album.toml that
// describes them with ISRCs, a UPC and CD-Text.
//
// The audio is deterministic: the same build of lathe writes the same
// bytes.
package demo

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/pcm"
)

// A piece is one synthesized source file.
type piece struct {
	file    string
	title   string
	rate    int
	bits    int
	seconds float64
	offset  float64 // seconds into the tune where the file starts (for the gapless pair)
	tune    tune
	extra   string // more keys for its [[track]] table
}

// tune is a short song: tempo, harmony and a level.
type tune struct {
	seed  uint64
	bpm   float64
	root  float64 // Hz
	level float64 // RMS of the mix in dBFS
	drums bool
}

// The UPC of the demo release: 12 digits of the GS1 range for restricted
// in-house use ("02" prefix), with its check digit computed.
func demoUPC() string {
	base := "002800001234"
	return base + string('0'+album.EANCheckDigit(base))
}

var pieces = []piece{
	{file: "01 Daybreak.wav", title: "Daybreak", rate: 44100, bits: 16, seconds: 24,
		tune:  tune{seed: 1, bpm: 112, root: 110, level: -10, drums: true},
		extra: "fade_in = \"20ms\"\n"},
	{file: "02 Hi-Res Study.wav", title: "Hi-Res Study", rate: 96000, bits: 24, seconds: 20,
		tune: tune{seed: 2, bpm: 72, root: 98, level: -19}},
	{file: "03 Broadcast Cut.wav", title: "Broadcast Cut", rate: 48000, bits: 24, seconds: 16,
		tune:  tune{seed: 3, bpm: 128, root: 123.47, level: -13, drums: true},
		extra: "index = [\"8s\"]\n"},
	{file: "04 Segue I.wav", title: "Segue I", rate: 44100, bits: 24, seconds: 14.3,
		tune: tune{seed: 4, bpm: 96, root: 87.31, level: -14, drums: true}},
	{file: "05 Segue II.wav", title: "Segue II", rate: 44100, bits: 24, seconds: 18, offset: 14.3,
		tune:  tune{seed: 4, bpm: 96, root: 87.31, level: -14, drums: true},
		extra: "gap = 0                      # gapless: Segue I runs straight into it\nfade_out = \"4s\"\n"},
}

// Write creates dir (if needed) and writes the demo's audio and album.toml
// into it. It refuses to overwrite an existing album.toml.
func Write(dir string) error {
	project := filepath.Join(dir, "album.toml")
	if _, err := os.Stat(project); err == nil {
		return fmt.Errorf("%s already exists; remove it or choose another folder", project)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "audio"), 0o755); err != nil {
		return err
	}
	for _, p := range pieces {
		if err := writePiece(filepath.Join(dir, "audio", p.file), p); err != nil {
			return err
		}
	}
	return os.WriteFile(project, []byte(projectText()), 0o644)
}

func projectText() string {
	s := fmt.Sprintf(`# The lathe demo release, written by "lathe demo". Edit it and run
# "lathe check" and "lathe build" in this folder.

[album]
title = "Lathe Demo"
artist = "The Synthesizers"
upc = %q
catalog_number = "LATHE-001"
label = "Lathe Demo Records"
genre = "Electronic"
release_date = "2026-01-01"
copyright = "2026 Lathe Demo Records"
phonographic_copyright = "2026 Lathe Demo Records"
master_id = "LATHE DEMO"
message = "Made by lathe demo"

[sequence]
gap = "2s"

[loudness]
match = "album"
max_true_peak = -1.0
`, demoUPC())
	for i, p := range pieces {
		s += fmt.Sprintf("\n[[track]]\nfile = %q\ntitle = %q\nisrc = \"ZZ-LTH-26-%05d\"\n%s",
			"audio/"+p.file, p.title, i+1, p.extra)
	}
	return s
}

func writePiece(path string, p piece) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<16)
	frames := int64(math.Round(p.seconds * float64(p.rate)))
	w, err := pcm.NewWAVWriter(bw, pcm.Format{Rate: p.rate, Channels: 2, Bits: p.bits}, pcm.WAVOptions{Frames: frames})
	if err != nil {
		return err
	}
	g := newSynth(p.tune, p.rate, int64(math.Round(p.offset*float64(p.rate))))
	const block = 4096
	buf := [][]float64{make([]float64, block), make([]float64, block)}
	out := [][]int32{make([]int32, block), make([]int32, block)}
	scale := float64(int64(1) << (p.bits - 1))
	for done := int64(0); done < frames; {
		n := int(min(block, frames-done))
		g.fill(buf[0][:n], buf[1][:n])
		for c := range 2 {
			for i, v := range buf[c][:n] {
				out[c][i] = int32(max(-scale, min(scale-1, math.Round(v*scale))))
			}
		}
		if err := w.WriteInt([][]int32{out[0][:n], out[1][:n]}); err != nil {
			return err
		}
		done += int64(n)
	}
	if err := w.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// synth renders a tune: a chord pad, a plucked bass line and, optionally,
// a kick and a noise snare, from an absolute sample position so that a tune
// split across two files continues without a seam.
type synth struct {
	t     tune
	rate  float64
	pos   int64
	gain  float64
	noise *rand.Rand
	chord [4][3]float64 // chord tone ratios per bar
}

func newSynth(t tune, rate int, start int64) *synth {
	s := &synth{t: t, rate: float64(rate), pos: start, noise: rand.New(rand.NewPCG(t.seed, uint64(start)))}
	r := rand.New(rand.NewPCG(t.seed, 99))
	progressions := [][4][3]float64{
		{{1, 5.0 / 4, 3.0 / 2}, {4.0 / 3, 5.0 / 3, 2}, {3.0 / 2, 15.0 / 8, 9.0 / 4}, {5.0 / 3, 2, 5.0 / 2}},
		{{1, 6.0 / 5, 3.0 / 2}, {4.0 / 5, 1, 6.0 / 5}, {2.0 / 3, 4.0 / 5, 1}, {3.0 / 4, 9.0 / 10, 9.0 / 8}},
	}
	s.chord = progressions[r.IntN(len(progressions))]
	// The parts below sum to an RMS near -9 dBFS; scale to the tune's level.
	s.gain = math.Pow(10, (t.level+9)/20)
	return s
}

func (s *synth) fill(left, right []float64) {
	beat := 60 / s.t.bpm
	for i := range left {
		t := float64(s.pos) / s.rate
		bar := int(t/(4*beat)) % 4
		inBeat := math.Mod(t, beat)
		beatN := int(t/beat) % 4
		var l, r float64
		// Pad: three chord tones, slightly detuned between the channels.
		for k, ratio := range s.chord[bar] {
			f := s.t.root * 2 * ratio
			a := 0.12 / float64(k+1)
			l += a * math.Sin(2*math.Pi*f*t)
			r += a * math.Sin(2*math.Pi*f*1.002*t+0.3)
		}
		// Bass: the chord root, plucked on every beat.
		env := math.Exp(-inBeat * 6)
		bass := 0.35 * env * math.Sin(2*math.Pi*s.t.root*s.chord[bar][0]*t)
		l += bass
		r += bass
		if s.t.drums {
			if beatN%2 == 0 { // kick: a falling sine
				k := 0.5 * math.Exp(-inBeat*20) * math.Sin(2*math.Pi*(50+80*math.Exp(-inBeat*30))*inBeat)
				l += k
				r += k
			} else { // snare: noise burst
				n := 0.25 * math.Exp(-inBeat*25) * (s.noise.Float64()*2 - 1)
				l += n
				r += n * 0.8
			}
		}
		left[i] = l * s.gain
		right[i] = r * s.gain
		s.pos++
	}
}
