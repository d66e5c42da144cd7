package render

import (
	"context"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/dsp"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// TestSilenceReachCoversResampler: between every two standard rates, the
// delivery resampler's response to impulses (at several positions, so at
// several phases of its internal chunks) is exactly zero farther than
// SilenceReachMs from them: what the silence rule writes as zeros holds
// nothing of the audio.
func TestSilenceReachCoversResampler(t *testing.T) {
	rates := []int{44100, 48000, 88200, 96000, 176400, 192000}
	for _, in := range rates {
		for _, out := range rates {
			if in == out {
				continue
			}
			n := in * 3 / 2
			x := [][]float64{make([]float64, n), make([]float64, n)}
			var at []float64 // impulse times (s)
			for _, f := range []int{in / 4, in/4 + in/3 + 4097, in/4 + 2*in/3 + 1234} {
				x[0][f], x[1][f] = 1, -0.5
				at = append(at, float64(f)/float64(in))
			}
			r, err := dsp.NewResampler(in, out, 2)
			if err != nil {
				t.Fatal(err)
			}
			y, err := r.Process(x)
			if err != nil {
				t.Fatal(err)
			}
			got := [][]float64{append([]float64(nil), y[0]...), append([]float64(nil), y[1]...)}
			y, err = r.Flush()
			if err != nil {
				t.Fatal(err)
			}
			r.Close()
			got = concat(got, y)
			reach, nonzero := 0.0, 0
			for i := range got[0] {
				d := math.Inf(1)
				for _, a := range at {
					d = min(d, math.Abs(float64(i)/float64(out)-a))
				}
				if got[0][i] != 0 || got[1][i] != 0 {
					reach = max(reach, d)
					nonzero++
				}
			}
			if reach > SilenceReachMs/1000.0 {
				t.Errorf("%d -> %d Hz: output %.2f ms from an impulse, bound %d ms", in, out, reach*1000, SilenceReachMs)
			}
			if nonzero < 3 {
				t.Errorf("%d -> %d Hz: %d non-zero output frames", in, out, nonzero)
			}
		}
	}
}

// gapProject is a 48 kHz program with a 3 s pregap, gaps of 2 s and
// 1.5 s and lead-out padding, built to 16-bit 44.1 kHz (resampled and
// dithered): a wav album file and a DDP.
func gapProject(t testing.TB) *testProject {
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(81, 48000, 2, 5*48000+17))
	writeSource(t, dir, "b.wav", 48000, 24, pcmtest.Music(82, 48000, 2, 6*48000+333))
	writeSource(t, dir, "c.wav", 48000, 24, pcmtest.Music(83, 48000, 2, 5*48000+1001))
	return loadProject(t, dir, `[album]
title = "G"
artist = "A"
[sequence]
pregap = "3s"
[loudness]
match = "off"
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
gap = "2s"
[[track]]
file = "c.wav"
gap = "1500ms"
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
files = "album"
[[delivery]]
name = "plant"
kind = "ddp"
`)
}

// readImage returns the samples of a DDP's IMAGE.DAT from A-time 0.
func readImage(t testing.TB, dir string) [][]int16 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, DDPFolder, "IMAGE.DAT"))
	if err != nil {
		t.Fatal(err)
	}
	x := [][]int16{make([]int16, len(b)/4), make([]int16, len(b)/4)}
	for i := range x[0] {
		x[0][i] = int16(binary.LittleEndian.Uint16(b[4*i:]))
		x[1][i] = int16(binary.LittleEndian.Uint16(b[4*i+2:]))
	}
	return x
}

// TestGapsDigitalSilence: in a 48 kHz project delivered at 16-bit
// 44.1 kHz, the pregap is digital silence, and so is every frame of the
// gaps and the lead-out padding farther than SilenceReachMs from audio
// (worked out here from the layout in seconds); the DDP writer takes the
// stream as it is. Without the rule those frames carry dither and the DDP
// fails (the negative control), and every frame near or in audio is the
// same with the rule and without it.
func TestGapsDigitalSilence(t *testing.T) {
	p := gapProject(t)
	l := p.layout
	_, out := build(t, p, nil)
	zeroSilence = false
	_, bare := build(t, p, func(o *BuildOptions) { o.Dest = filepath.Join(p.dir, "bare"); o.Only = []string{"cd"} })
	_, err := Build(context.Background(), BuildOptions{Album: p.album, Layout: l, Sources: p.paths, Formats: p.formats,
		Dest: filepath.Join(p.dir, "bareddp"), Only: []string{"plant"}})
	zeroSilence = true
	if err == nil || !strings.Contains(err.Error(), "pregap is not digital silence") {
		t.Errorf("DDP without the silence rule: %v, want a pregap error", err)
	}

	img := readImage(t, filepath.Join(out, "plant"))
	pregap := int(l.Tracks[0].Index[0] * 588)
	if want := int(l.LeadOut * 588); len(img[0]) != want {
		t.Fatalf("IMAGE.DAT has %d frames, want %d", len(img[0]), want)
	}
	for c := range 2 {
		for i := range pregap {
			if img[c][i] != 0 {
				t.Fatalf("pregap frame %d channel %d is %d", i, c, img[c][i])
			}
		}
	}
	// Each frame's distance (s) from the nearest audio frame, 0 inside.
	rate, bound := 44100.0, SilenceReachMs/1000.0
	dist := func(i int) float64 {
		t := float64(i) / rate
		d := math.Inf(1)
		for _, tl := range l.Tracks {
			a, b := float64(tl.Start)/48000, float64(tl.End()-1)/48000
			switch {
			case t < a:
				d = min(d, a-t)
			case t > b:
				d = min(d, t-b)
			default:
				return 0
			}
		}
		return d
	}
	cdWAV, _ := readWAV(t, filepath.Join(out, "cd", "A - G.wav"))
	bareWAV, _ := readWAV(t, filepath.Join(bare, "cd", "A - G.wav"))
	if len(cdWAV[0]) != len(img[0])-pregap || len(bareWAV[0]) != len(cdWAV[0]) {
		t.Fatalf("album files of %d and %d frames, image %d after the pregap", len(cdWAV[0]), len(bareWAV[0]), len(img[0])-pregap)
	}
	far, farNoise, near, nearSound := 0, 0, 0, 0
	for i := pregap; i < len(img[0]); i++ {
		d := dist(i)
		j := i - pregap // album file frame
		for c := range 2 {
			v := float64(img[c][i]) / 32768
			switch {
			case d > bound+1/rate:
				far++
				if v != 0 || cdWAV[c][j] != 0 {
					t.Fatalf("frame %d (%.4f s, %.1f ms from audio) channel %d: image %v, album file %v; want 0", i, float64(i)/rate, d*1000, c, v, cdWAV[c][j])
				}
				if bareWAV[c][j] != 0 {
					farNoise++
				}
			case d < bound-0.001:
				if cdWAV[c][j] != bareWAV[c][j] || v != cdWAV[c][j] {
					t.Fatalf("frame %d channel %d, %.1f ms from audio: %v with the rule, %v without, %v in the image", i, c, d*1000, cdWAV[c][j], bareWAV[c][j], v)
				}
				if d > 0 {
					near++
					if v != 0 {
						nearSound++
					}
				}
			}
		}
	}
	// The gaps are 2 s and 1.5 s and the padding is short, less 50 ms at
	// each end: at least 3.2 s of frames in two channels.
	if far < 2*int(3.2*rate) {
		t.Errorf("%d far silent samples, want at least %d", far, 2*int(3.2*rate))
	}
	// TPDF dither of ±1 LSB rounds a quarter of silent samples to ±1.
	if farNoise < far/10 {
		t.Errorf("without the rule, %d of %d far silent samples are not 0; want dither", farNoise, far)
	}
	if near == 0 || nearSound < near/10 {
		t.Errorf("%d of %d samples within the reach of audio are not 0; want the ringing, dithered", nearSound, near)
	}
	t.Logf("%d far samples (%d dithered without the rule), %d near (%d not 0)", far, farNoise, near, nearSound)
}
