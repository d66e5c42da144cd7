package render

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// TestQuantize: rounding to nearest, halves away from zero, +1.0 and
// beyond to the largest 24-bit integer, -1.0 and beyond to the smallest; a
// NaN is an error naming where it is.
func TestQuantize(t *testing.T) {
	lsb := math.Ldexp(1, -23)
	x := [][]float64{{0, 0.5, 1, -1, 1.5 * lsb, -1.5 * lsb, 0.49 * lsb, 1.0004}, {1 - lsb, -0.25, 0, 0, 0, 0, 0, -1 - lsb}}
	want := [][]int32{{0, 1 << 22, 1<<23 - 1, -1 << 23, 2, -2, 0, 1<<23 - 1}, {1<<23 - 1, -1 << 21, 0, 0, 0, 0, 0, -1 << 23}}
	got := [][]int32{make([]int32, 8), make([]int32, 8)}
	if err := quantize(got, x, 0, 8, 24); err != nil {
		t.Fatal(err)
	}
	for c := range want {
		for i := range want[c] {
			if got[c][i] != want[c][i] {
				t.Errorf("channel %d sample %d (%g): %d, want %d", c, i, x[c][i], got[c][i], want[c][i])
			}
		}
	}
	x = [][]float64{{0, 0, 0}, {0, 0, math.NaN()}}
	err := quantize([][]int32{make([]int32, 2), make([]int32, 2)}, x, 1, 3, 24)
	if err == nil || !strings.Contains(err.Error(), "+1 frames, channel 2: sample NaN") {
		t.Errorf("NaN: %v, want an error naming frame +1 of channel 2", err)
	}
}

// TestReplayGainsSilence: a silent track gets no ReplayGain values and
// leaves the album's untouched (its blocks are below the absolute gate);
// the tone's values are −18 − I of the tone alone, its true peak linear,
// for the track and the album; an album of silence gets none.
func TestReplayGainsSilence(t *testing.T) {
	meter := func(x []float64) *loudness.Measurement {
		m, err := loudness.NewMeter(loudness.Config{Rate: 48000, Channels: 2, TruePeak: loudness.TruePeakAccurate})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Write([][]float64{x, x}); err != nil {
			t.Fatal(err)
		}
		return m.Measure()
	}
	silence := meter(make([]float64, 5*48000))
	tone := meter(pcmtest.Sine(997, -20, 48000, 5*48000))
	rgs, err := replayGains([]*loudness.Measurement{silence, tone})
	if err != nil {
		t.Fatal(err)
	}
	if rgs[0] != nil {
		t.Errorf("silent track: %+v, want no values", *rgs[0])
	}
	// A stereo 997 Hz sine at -20 dBFS measures -20 LUFS (BS.1770's
	// calibration, +3 dB for two channels, -3.01 dB for the sine's RMS).
	if r := rgs[1]; r == nil || math.Abs(r.TrackGain-2) > 0.02 || math.Abs(r.AlbumGain-2) > 0.02 ||
		math.Abs(r.TrackPeak-0.1) > 0.0005 || r.AlbumPeak != r.TrackPeak {
		t.Errorf("tone: %+v, want gains +2 dB and peaks 0.1", rgs[1])
	}
	if rgs, err := replayGains([]*loudness.Measurement{silence, silence}); err != nil || rgs[0] != nil || rgs[1] != nil {
		t.Errorf("silent album: %v, %v", rgs, err)
	}
}

// TestMP3OverFullScaleRenderedAgain: a 48 kHz master at full scale whose
// inter-sample peaks reach +3 dBTP (a sine at a quarter of the rate,
// sampled at ±0.999 on its 45° points) gives samples far beyond full scale
// when the mp3 delivery resamples it to 44.1 kHz. The first rendering,
// without the limiter, must not fail on them: the track measures over the
// ceiling, the delivery is rendered again with the limiter on it, and the
// MP3's stream stays under the ceiling (-1 dBTP) as measured.
func TestMP3OverFullScaleRenderedAgain(t *testing.T) {
	dir := t.TempDir()
	n := 5 * 48000
	x := make([]float64, n)
	for i := range x {
		x[i] = []float64{0.999, 0.999, -0.999, -0.999}[i%4]
	}
	writeSource(t, dir, "hot.wav", 48000, 24, [][]float64{x, x})
	writeSource(t, dir, "calm.wav", 48000, 24, pcmtest.Music(71, 48000, 2, n))
	p := loadProject(t, dir, `[album]
title = "Hot"
artist = "A"
[loudness]
match = "off"
[[track]]
file = "hot.wav"
[[track]]
file = "calm.wav"
[[delivery]]
name = "mp3"
kind = "mp3"
`)
	rep, out := build(t, p, nil)
	d := rep.Deliveries[0]
	if d.Passes != 2 || !d.Tracks[0].Limited || d.Tracks[1].Limited {
		t.Errorf("passes %d, limited %v/%v; want 2 passes, the hot track limited", d.Passes, d.Tracks[0].Limited, d.Tracks[1].Limited)
	}
	if tp := d.Tracks[0].Output.TruePeak; tp > -1+1e-9 {
		t.Errorf("the hot track's stream peaks at %.3f dBTP, over the ceiling", tp)
	}
	if files := listDir(t, filepath.Join(out, "mp3")); len(files) != 2 {
		t.Errorf("files %v", files)
	}
}
