package loudness

import (
	"fmt"
	"math"
	"testing"
)

// The series holds the live short-term reading every 100 ms, from the
// window ending at 3 s, and reads Tech 3341 case 9 (S constant at
// −23.0 ±0.1) at every point.
func TestShortTermSeries(t *testing.T) {
	for _, rate := range rates {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			var segs []seg
			for range 5 {
				segs = append(segs, seg{-20, 1.34}, seg{-30, 1.66})
			}
			x := tones(rate, 2, segs...)
			_, live := series(t, stereo(rate), x) // live[j]: S after (j+1)·10 ms
			got := meter(t, stereo(rate), x, 4096).ShortTermSeries()
			// 15 s: windows end at 3.0, 3.1, …, 15.0 s.
			if want := 121; len(got) != want {
				t.Fatalf("ShortTermSeries() has %d values, want %d", len(got), want)
			}
			for i, v := range got {
				j := 299 + 10*i // the 10 ms block that ends at 3 s + i·100 ms
				if v != live[j] {
					t.Errorf("value %d = %.6f, live short-term at %d ms = %.6f", i, v, (j+1)*10, live[j])
				}
				within(t, fmt.Sprintf("S at %d ms", 3000+100*i), v, -23, -0.1, 0.1)
			}
		})
	}
}

// A level step shows in the windows on either side of it; silence is −Inf;
// a stream shorter than a window has no value; the slice is a copy.
func TestShortTermSeriesStep(t *testing.T) {
	const rate = 48000
	m := meter(t, stereo(rate), tones(rate, 2, seg{-20, 5}, seg{-30, 5}, seg{silence, 4}), 1000)
	s := m.ShortTermSeries()
	if len(s) != 111 {
		t.Fatalf("%d values for 14 s, want 111", len(s))
	}
	// A 1 kHz sine at −20 dBFS peak in both channels reads −20 LUFS
	// (Tech 3341 case 1, shifted by 3 dB); windows in [0, 5) s are 0..20.
	for i := 0; i <= 20; i++ {
		within(t, fmt.Sprintf("S[%d]", i), s[i], -20, -0.1, 0.1)
	}
	for i := 50; i <= 70; i++ { // windows in [5, 10) s
		within(t, fmt.Sprintf("S[%d]", i), s[i], -30, -0.1, 0.1)
	}
	for i := 105; i < len(s); i++ { // windows from 10.5 s, past the filters' tail
		if !math.IsInf(s[i], -1) {
			t.Errorf("S[%d] = %v over silence, want -Inf", i, s[i])
		}
	}
	s[0] = 99
	if again := m.ShortTermSeries(); again[0] == 99 {
		t.Error("ShortTermSeries returns the measurement's own storage")
	}
	if n := len(meter(t, stereo(rate), tones(rate, 2, seg{-20, 2.99}), 1000).ShortTermSeries()); n != 0 {
		t.Errorf("2.99 s of audio: %d values, want 0", n)
	}
	g := m.WithGain(-6).ShortTermSeries()
	for i := 0; i <= 20; i++ {
		within(t, fmt.Sprintf("S[%d] after -6 dB", i), g[i], -26, -0.1, 0.1)
	}
}
