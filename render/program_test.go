package render

import (
	"math"
	"testing"
)

// TestFadesSampleExact: fades start and end on the exact samples the
// layout gives, with the curve's gain at t = k/N (docs/loudness.md §6.1),
// computed here from the formulas.
func TestFadesSampleExact(t *testing.T) {
	dir := t.TempDir()
	const v = 0.5 // exact in 16 bits
	writeSource(t, dir, "a.wav", 44100, 16, [][]float64{constant(v, 5*44100), constant(-v, 5*44100)})
	writeSource(t, dir, "b.wav", 44100, 16, [][]float64{constant(v, 5*44100), constant(v, 5*44100)})
	p := loadProject(t, dir, `[album]
title = "F"
artist = "A"
[[track]]
file = "a.wav"
fade_in = "1s"
fade_out = "3s"
fade_curve = "linear"
[[track]]
file = "b.wav"
fade_in = "10ms"
fade_curve = "sine"
`)
	x, cls := programSamples(t, p, nil, 1000)
	formulas := map[int]func(t float64) float64{
		0: func(t float64) float64 { return t },
		1: func(t float64) float64 { return math.Sin(math.Pi / 2 * t) },
	}
	for k, tl := range p.layout.Tracks {
		g := formulas[k]
		for i := int64(-1); i <= tl.Length; i++ {
			f := tl.Start + i
			if f >= int64(len(x[0])) {
				break // the track ends at the lead-out
			}
			want := 0.0
			switch {
			case i < 0 || i == tl.Length:
				want = 0 // silence around the track
			case i < tl.FadeIn:
				want = v * g(float64(i)/float64(tl.FadeIn))
			case tl.FadeOut > 0 && i >= tl.Length-tl.FadeOut:
				want = v * g(1-float64(i-(tl.Length-tl.FadeOut))/float64(tl.FadeOut))
			default:
				want = v
			}
			if math.Abs(x[0][f]-want) > 1e-15 {
				t.Fatalf("track %d frame %d of %d: %.17g, want %.17g", k+1, i, tl.Length, x[0][f], want)
			}
		}
		// Only the frames outside the fades are untouched copies.
		if cls[tl.Start+tl.FadeIn-1] != classTouched || cls[tl.Start+tl.FadeIn] != 16 {
			t.Errorf("track %d: classes around the fade-in end %d %d", k+1, cls[tl.Start+tl.FadeIn-1], cls[tl.Start+tl.FadeIn])
		}
		if cls[tl.Start-1] != classSilence {
			t.Errorf("track %d: the gap before it is class %d", k+1, cls[tl.Start-1])
		}
	}
	// The middle sample of the 3 s linear fade-out is at exactly half.
	tl := p.layout.Tracks[0]
	if got := x[0][tl.End()-tl.FadeOut+66150]; got != v/2 {
		t.Errorf("fade-out middle %.17g, want %g", got, v/2)
	}
}

// TestCrossfadeEqualPower: across a sine crossfade the outgoing and
// incoming gains, read back from the program, satisfy g_in² + g_out² = 1
// within 1e-12, and a linear one g_in + g_out = 1.
func TestCrossfadeEqualPower(t *testing.T) {
	for _, curve := range []string{"sine", "linear"} {
		dir := t.TempDir()
		const v = 0.5
		// Track 1 only on the left, track 2 only on the right, so each
		// channel reads one side of the crossfade.
		writeSource(t, dir, "a.wav", 48000, 24, [][]float64{constant(v, 6*48000), constant(0, 6*48000)})
		writeSource(t, dir, "b.wav", 48000, 24, [][]float64{constant(0, 6*48000), constant(v, 6*48000)})
		p := loadProject(t, dir, `[album]
title = "X"
artist = "A"
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
crossfade = "1500ms"
crossfade_curve = "`+curve+`"
`)
		x, cls := programSamples(t, p, nil, 4097)
		tl := p.layout.Tracks[1]
		if tl.Crossfade != 72000 {
			t.Fatalf("crossfade %d frames, want 72000", tl.Crossfade)
		}
		worst := 0.0
		for i := range tl.Crossfade {
			f := tl.Start + i
			gOut, gIn := x[0][f]/v, x[1][f]/v
			if wantIn := float64(i) / float64(tl.Crossfade); curve == "linear" && math.Abs(gIn-wantIn) > 1e-15 {
				t.Fatalf("linear crossfade frame %d: g_in %.17g, want %.17g", i, gIn, wantIn)
			}
			sum := gIn + gOut
			if curve == "sine" {
				sum = gIn*gIn + gOut*gOut
			}
			worst = max(worst, math.Abs(sum-1))
			if cls[f] != classTouched {
				t.Fatalf("crossfade frame %d has class %d", i, cls[f])
			}
		}
		if worst > 1e-12 {
			t.Errorf("%s crossfade: worst |sum - 1| = %g, want <= 1e-12", curve, worst)
		}
		t.Logf("%s crossfade: worst deviation %.3g", curve, worst)
		// Before the overlap only track 1 plays, after it only track 2.
		if x[0][tl.Start-1] != v || x[1][tl.Start-1] != 0 || x[0][tl.Start+tl.Crossfade] != 0 || x[1][tl.Start+tl.Crossfade] != v {
			t.Errorf("around the overlap: %v %v / %v %v", x[0][tl.Start-1], x[1][tl.Start-1], x[0][tl.Start+tl.Crossfade], x[1][tl.Start+tl.Crossfade])
		}
	}
}
