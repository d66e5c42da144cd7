package render

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// bwfProject is a project of three 44.1 kHz tracks, the last digital
// silence, with wav deliveries of both files with bwf (24-bit with tags at
// the source rate, float at 48 kHz) and one without.
func bwfProject(t testing.TB) *testProject {
	dir := t.TempDir()
	silence := constant(0, 4*44100)
	for i, x := range [][][]float64{pcmtest.Music(31, 44100, 2, 4*44100), pcmtest.Music(32, 44100, 2, 5*44100), {silence, silence}} {
		writeSource(t, dir, string(rune('a'+i))+".wav", 44100, 16, x)
	}
	return loadProject(t, dir, `[album]
title = "Loud"
artist = "A"
release_date = "2024-05-17"
[loudness]
match = "off"
[[track]]
file = "a.wav"
title = "Loud"
[[track]]
file = "b.wav"
title = "Softer"
gain = -3
gap = "1s"
[[track]]
file = "c.wav"
title = "Silence"
[[delivery]]
name = "bwf24"
kind = "wav"
bits = 24
files = "both"
bwf = true
tags = true
[[delivery]]
name = "bwffloat"
kind = "wav"
rate = 48000
bits = 32
files = "both"
bwf = true
[[delivery]]
name = "plain"
kind = "wav"
bits = 24
files = "both"
`)
}

// rawBEXT returns the version and the five loudness fields of a WAV
// file's bext chunk, read from its bytes (EBU Tech 3285: the version at
// byte 346 of the chunk's body, the loudness at 412), and the body's
// offset; -1 when the file has no bext chunk.
func rawBEXT(b []byte) (version uint16, l [5]int16, at int) {
	body, at := wavChunk(b, "bext")
	if body == nil {
		return 0, l, -1
	}
	for i := range l {
		l[i] = int16(binary.LittleEndian.Uint16(body[412+2*i:]))
	}
	return binary.LittleEndian.Uint16(body[346:]), l, at
}

// wavChunk returns the body of a WAV file's first chunk id, from the
// file's bytes, and its offset; nil and -1 when there is none.
func wavChunk(b []byte, id string) ([]byte, int) {
	for off := 12; off+8 <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[off+4:]))
		if string(b[off:off+4]) == id {
			return b[off+8 : off+8+n], off + 8
		}
		off += 8 + n + n%2
	}
	return nil, -1
}

// wantLoudness returns the bext loudness fields for the measurement m:
// round(100 × value), 0x7fff for a value that is not finite, and for the
// range when the integrated or short-term loudness has none.
func wantLoudness(m *loudness.Measurement) [5]int16 {
	field := func(v float64) int16 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0x7fff
		}
		return int16(math.Round(100 * v))
	}
	l := [5]int16{field(m.Integrated), field(m.Range), field(m.TruePeak), field(m.MaxMomentary), field(m.MaxShortTerm)}
	if l[0] == 0x7fff || l[4] == 0x7fff {
		l[1] = 0x7fff
	}
	return l
}

// TestBWFLoudness: every file of a wav delivery with bwf has a version 2
// bext chunk whose loudness fields are the measurement of its own audio
// (decoded from the file and metered here, track files and album file
// alike; the silent track's fields unknown), the file is the one pcm
// writes with that chunk from the start, and the delivery's sizes, hashes
// and PCM MD5s are those of the files on disk.
func TestBWFLoudness(t *testing.T) {
	p := bwfProject(t)
	rep, out := build(t, p, nil)
	known, unknown := 0, 0
	for _, dr := range rep.Deliveries {
		files := listDir(t, filepath.Join(out, dr.Name))
		if len(files) != 4 {
			t.Fatalf("%s: files %v, want 3 tracks and the album", dr.Name, files)
		}
		summed := map[string]bool{}
		for _, s := range dr.Sums {
			summed[s.Name] = true
			data, err := os.ReadFile(filepath.Join(out, dr.Name, s.Name))
			if err != nil {
				t.Fatal(err)
			}
			sha, m5 := sha256.Sum256(data), md5.Sum(data)
			if s.Size != int64(len(data)) || s.SHA256 != hex.EncodeToString(sha[:]) || s.MD5 != hex.EncodeToString(m5[:]) {
				t.Errorf("%s/%s: the delivery's sums %+v are not those of the file on disk", dr.Name, s.Name, s)
			}
		}
		for _, ps := range dr.PCM {
			fb := int64(frameBytes(dr.Bits))
			pcmData := wavData(t, filepath.Join(out, dr.Name, ps.File))
			if ps.End*fb > int64(len(pcmData)) {
				t.Fatalf("%s/%s: PCM span [%d, %d) past the data", dr.Name, ps.File, ps.Start, ps.End)
			}
			if sum := md5.Sum(pcmData[ps.Start*fb : ps.End*fb]); hex.EncodeToString(sum[:]) != ps.MD5 {
				t.Errorf("%s/%s: PCM MD5 of [%d, %d) differs from the data's", dr.Name, ps.File, ps.Start, ps.End)
			}
		}
		for _, name := range files {
			path := filepath.Join(out, dr.Name, name)
			if !summed[name] {
				t.Errorf("%s/%s: no sums from the writer", dr.Name, name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			version, raw, at := rawBEXT(data)
			info, err := pcm.Probe(path)
			if err != nil {
				t.Fatal(err)
			}
			if dr.Name == "plain" {
				if at >= 0 || info.BEXT != nil {
					t.Errorf("%s: a bext chunk without bwf", path)
				}
				continue
			}
			if at < 0 || info.BEXT == nil || info.BEXT.Loudness == nil {
				t.Errorf("%s: no version 2 bext chunk (%+v)", path, info.BEXT)
				continue
			}
			if version != 2 {
				t.Errorf("%s: bext version %d, want 2", path, version)
			}
			pl := info.BEXT.Loudness
			parsed := [5]int16{pl.Value, pl.Range, pl.MaxTruePeak, pl.MaxMomentary, pl.MaxShortTerm}
			x, f := readWAV(t, path)
			m, err := loudness.NewMeter(loudness.Config{Rate: f.Rate, Channels: f.Channels, TruePeak: loudness.TruePeakAccurate})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Write(x); err != nil {
				t.Fatal(err)
			}
			want := wantLoudness(m.Measure())
			if raw != want || parsed != want {
				t.Errorf("%s: bext loudness %v (bytes), %v (pcm), want %v", path, raw, parsed, want)
			}
			switch {
			case want == [5]int16{0x7fff, 0x7fff, 0x7fff, 0x7fff, 0x7fff}:
				unknown++
			case !slices.Contains(want[:], 0x7fff):
				known++
			}
			// Nothing but the loudness differs from what pcm writes with
			// the final chunk from the start.
			var again bytes.Buffer
			w, err := pcm.NewWAVWriter(&again, f, pcm.WAVOptions{Frames: info.Frames, BEXT: info.BEXT, Tags: info.Tags})
			if err == nil {
				if f.Float {
					err = w.WriteFloat(x)
				} else {
					err = w.WriteInt(pcmtest.Quantize(x, f.Bits))
				}
			}
			if err == nil {
				err = w.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again.Bytes(), data) {
				t.Errorf("%s: differs from the file pcm writes with its bext chunk and tags", path)
			}
		}
	}
	if known == 0 || unknown == 0 {
		t.Errorf("%d files with loudness, %d silent ones: want both", known, unknown)
	}
}

// TestBWFMediaInfo: MediaInfo reads the bext chunks lathe writes as
// version 2 with the loudness pcm parses, and leaves out the fields
// marked unknown.
func TestBWFMediaInfo(t *testing.T) {
	mediainfo := testtool.Require(t, "mediainfo", "mediainfo")
	p := bwfProject(t)
	_, out := build(t, p, func(o *BuildOptions) { o.Only = []string{"bwf24"} })
	names := []string{"LoudnessValue", "LoudnessRange", "MaxTruePeakLevel", "MaxMomentaryLoudness", "MaxShortTermLoudness"}
	for _, name := range listDir(t, filepath.Join(out, "bwf24")) {
		path := filepath.Join(out, "bwf24", name)
		b, err := exec.Command(mediainfo, "--Output=JSON", path).Output()
		if err != nil {
			t.Fatalf("mediainfo %s: %v", path, err)
		}
		var doc struct {
			Media struct {
				Track []struct {
					Type  string            `json:"@type"`
					Extra map[string]string `json:"extra"`
				} `json:"track"`
			} `json:"media"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("mediainfo %s: %v\n%s", path, err, b)
		}
		extra := map[string]string{}
		for _, tr := range doc.Media.Track {
			for k, v := range tr.Extra {
				extra[k] = v
			}
		}
		if extra["bext_Version"] != "2" {
			t.Errorf("%s: mediainfo bext_Version %q, want 2", name, extra["bext_Version"])
		}
		info, err := pcm.Probe(path)
		if err != nil || info.BEXT == nil || info.BEXT.Loudness == nil {
			t.Fatalf("%s: no bext loudness (%v)", name, err)
		}
		l := info.BEXT.Loudness
		for i, v := range []int16{l.Value, l.Range, l.MaxTruePeak, l.MaxMomentary, l.MaxShortTerm} {
			got, ok := extra[names[i]]
			if v == pcm.BEXTUnknown {
				if ok {
					t.Errorf("%s: mediainfo %s = %q for a field marked unknown", name, names[i], got)
				}
				continue
			}
			f, err := strconv.ParseFloat(got, 64)
			if !ok || err != nil || math.Abs(f-float64(v)/100) > 1e-9 {
				t.Errorf("%s: mediainfo %s = %q, want %.2f", name, names[i], got, float64(v)/100)
			}
		}
	}
}
