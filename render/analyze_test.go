package render

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// analysisProject writes three tracks: a 44.1 kHz 16-bit 1 kHz sine at
// -20 dBFS, 48 kHz 24-bit music (resampled into the 48 kHz... program) and
// a quieter 44.1 kHz 24-bit music track, and returns the project at a
// 48 kHz program rate.
func analysisProject(t testing.TB) (*testProject, [][][]float64) {
	dir := t.TempDir()
	var src [][][]float64
	src = append(src, writeSource(t, dir, "a.wav", 48000, 16, pcmtest.SineStereo(997, 997, -20, 48000, 6*48000)))
	src = append(src, writeSource(t, dir, "b.wav", 48000, 24, pcmtest.Music(7, 48000, 2, 7*48000)))
	src = append(src, writeSource(t, dir, "c.wav", 44100, 24, pcmtest.Music(8, 44100, 2, 5*44100)))
	p := loadProject(t, dir, `[album]
title = "A"
artist = "B"
[sequence]
gap = "1500ms"
fade_in = 0
fade_out = 0
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
gain = -3
[[track]]
file = "c.wav"
gap = 0
`)
	return p, src
}

func TestAnalyze(t *testing.T) {
	p, src := analysisProject(t)
	an, err := Analyze(context.Background(), p.album, p.layout, p.paths, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if an.Rate != 48000 || len(an.Tracks) != 3 {
		t.Fatalf("rate %d, %d tracks", an.Rate, len(an.Tracks))
	}
	// A 997 Hz sine at -20 dBFS on both channels reads -20 LUFS (EBU Tech
	// 3341 case 1 scaled), less the gating blocks that straddle the gap
	// after it; its true peak is its amplitude.
	if got := an.Tracks[0].Integrated; math.Abs(got-(-20)) > 0.2 {
		t.Errorf("track 1 integrated %.3f LUFS, want -20 ±0.2", got)
	}
	if got := an.Tracks[0].TruePeak; math.Abs(got-(-20)) > 0.05 {
		t.Errorf("track 1 true peak %.3f dBTP, want -20 ±0.05", got)
	}
	// Each segment is the track's audio plus the silence after it up to
	// the next index 01: it measures as the source followed by that much
	// digital silence (tracks 1 and 2 are at the program rate).
	for k := range 2 {
		s0, s1 := an.Segments[k].Samples(48000)
		pad := int(s1-s0) - len(src[k][0])
		m, _ := loudness.NewMeter(loudness.Config{Rate: 48000, Channels: 2, TruePeak: loudness.TruePeakAccurate})
		m.Write(src[k])
		m.Write([][]float64{make([]float64, pad), make([]float64, pad)})
		want := m.Measure()
		got := an.Tracks[k]
		if got.Integrated != want.Integrated || got.TruePeak != want.TruePeak {
			t.Errorf("track %d integrated %.6f, true peak %.6f; source + %d frames of silence %.6f, %.6f",
				k+1, got.Integrated, got.TruePeak, pad, want.Integrated, want.TruePeak)
		}
		if math.Abs(got.Integrated-want.Integrated) > 0.05 {
			t.Errorf("track %d integrated %.3f, source %.3f", k+1, got.Integrated, want.Integrated)
		}
		if got.SamplePeak != want.SamplePeak {
			t.Errorf("track %d sample peak %.6f, source %.6f", k+1, got.SamplePeak, want.SamplePeak)
		}
		if s0, s1 := an.Segments[k].Samples(48000); got.Frames != s1-s0 {
			t.Errorf("track %d measured %d frames, segment %d", k+1, got.Frames, s1-s0)
		}
	}
	// Track 3 is resampled from 44.1 kHz: loudness is kept.
	m, _ := loudness.NewMeter(loudness.Config{Rate: 44100, Channels: 2})
	m.Write(src[2])
	if got, want := an.Tracks[2].Integrated, m.Measure().Integrated; math.Abs(got-want) > 0.05 {
		t.Errorf("resampled track 3 integrated %.3f, source %.3f", got, want)
	}
	if an.Stream == nil || math.IsNaN(an.Album.Range) || an.Album.Range <= 0 {
		t.Errorf("album range %v from stream %v", an.Album.Range, an.Stream)
	}
	// Plans: album mode moves every track by T - I_A plus its offset.
	target := -16.0
	plan, err := an.Plan(album.Loudness{Match: album.MatchAlbum, Target: &target, MaxTruePeak: -1, OverCeiling: album.CeilingLimit})
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range plan.Gains {
		want := target - an.Album.Integrated + []float64{0, -3, 0}[k]
		if math.Abs(g-want) > 1e-9 {
			t.Errorf("album plan: track %d gain %.4f, want %.4f", k+1, g, want)
		}
	}
	// An unset target keeps the album's loudness.
	plan, err = an.Plan(album.Loudness{Match: album.MatchAlbum, MaxTruePeak: -1, OverCeiling: album.CeilingReduce})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Gains[0] != 0 || plan.Gains[1] != -3 {
		t.Errorf("no target: gains %v, want [0 -3 0]", plan.Gains)
	}
}

// TestAnalyzeDeterministic: block sizes and GOMAXPROCS change nothing.
func TestAnalyzeDeterministic(t *testing.T) {
	p, _ := analysisProject(t)
	var results []*Analysis
	for _, c := range []struct{ procs, size int }{{1, 787}, {2, 81761}, {2, 0}} {
		old := runtime.GOMAXPROCS(c.procs)
		an, err := Analyze(context.Background(), p.album, p.layout, p.paths, AnalyzeOptions{BlockSize: c.size})
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		results = append(results, an)
	}
	dump := func(an *Analysis) string {
		s := fmt.Sprintf("%+v %+v %+v", *an.Album, *an.Stream, an.Segments)
		for _, m := range an.Tracks {
			s += fmt.Sprintf(" %+v", *m)
		}
		return s
	}
	for i := 1; i < len(results); i++ {
		if a, b := dump(results[0]), dump(results[i]); a != b {
			t.Errorf("run %d differs from run 0:\n%s\n%s", i, a, b)
		}
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	p, _ := analysisProject(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, p.album, p.layout, p.paths, AnalyzeOptions{}); err != context.Canceled {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}
