package render

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/lathe-audio/lathe/dsp"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// TestMixedRatesOneResampling: in an album of 44.1, 96 and 48 kHz sources
// (a 96 kHz program), a 44.1 kHz delivery is laid out at 44.1 kHz. The
// 16-bit 44.1 kHz source at 0 dB comes out of the 16-bit CD delivery bit
// for bit, its gap digital silence; the 48 kHz source reaches the float
// 44.1 kHz delivery resampled once, straight from 48 kHz: exactly what the
// resampler gives for the source alone. The 96 kHz delivery still carries
// every track at 96 kHz.
func TestMixedRatesOneResampling(t *testing.T) {
	dir := t.TempDir()
	a := writeSource(t, dir, "a.wav", 44100, 16, pcmtest.Music(31, 44100, 2, 5*44100+321))
	writeSource(t, dir, "b.wav", 96000, 24, pcmtest.Music(32, 96000, 2, 5*96000))
	c := writeSource(t, dir, "c.wav", 48000, 24, pcmtest.Music(33, 48000, 2, 5*48000+77))
	p := loadProject(t, dir, `[album]
title = "T"
artist = "A"
[loudness]
match = "off"
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
[[track]]
file = "c.wav"
gap = 0
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
[[delivery]]
name = "f44"
kind = "wav"
rate = 44100
bits = 32
files = "album"
[[delivery]]
name = "hires"
kind = "wav"
bits = 24
`)
	if p.layout.Rate != 96000 {
		t.Fatalf("program at %d Hz, want 96000", p.layout.Rate)
	}
	_, out := build(t, p, nil)

	files := listDir(t, filepath.Join(out, "cd"))
	if len(files) != 3 {
		t.Fatalf("cd: files %v", files)
	}
	got, _ := readWAV(t, filepath.Join(out, "cd", files[0]))
	checkUntouched(t, "cd, a 44.1 kHz source", got, a)

	// Track 3 follows track 2 gaplessly: in the 44.1 kHz layout it starts
	// where track 2's audio ends.
	l44 := p.layout.At(p.album, 44100)
	t3 := l44.Tracks[2]
	rs, err := dsp.NewResampler(48000, 44100, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	if err := rs.SetInputLength(int64(len(c[0]))); err != nil {
		t.Fatal(err)
	}
	want := [][]float64{nil, nil}
	for _, step := range []func() ([][]float64, error){func() ([][]float64, error) { return rs.Process(c) }, rs.Flush} {
		y, err := step()
		if err != nil {
			t.Fatal(err)
		}
		want[0], want[1] = append(want[0], y[0]...), append(want[1], y[1]...)
	}
	if int64(len(want[0])) != t3.Length {
		t.Fatalf("resampler gives %d frames, the 44.1 kHz layout %d", len(want[0]), t3.Length)
	}
	album, _ := readWAV(t, filepath.Join(out, "f44", "A - T.wav"))
	// The album file starts at LBA 0, 150 sectors into the program.
	at := t3.Start - 150*588
	worst := 0.0
	for ch := range 2 {
		for i, v := range want[ch] {
			if d := math.Abs(album[ch][at+int64(i)] - float64(float32(v))); d > worst {
				worst = d
			}
		}
	}
	if worst != 0 {
		t.Errorf("f44: track 3 differs from its source resampled once to 44.1 kHz by up to %.3g", worst)
	}

	hires := listDir(t, filepath.Join(out, "hires"))
	for _, f := range hires {
		if _, fm := readWAV(t, filepath.Join(out, "hires", f)); fm.Rate != 96000 || fm.Bits != 24 {
			t.Errorf("hires: %s is %d Hz %d-bit, want 96000 Hz 24-bit", f, fm.Rate, fm.Bits)
		}
	}
}
