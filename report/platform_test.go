package report

import (
	"math"
	"testing"
)

func platform(t *testing.T, name string) Platform {
	t.Helper()
	for _, p := range Platforms {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no platform %q", name)
	return Platform{}
}

// The targets of docs/design.md §5.
func TestPlatformTargets(t *testing.T) {
	want := []struct {
		name   string
		target float64
	}{{"Spotify", -14}, {"Apple Music", -16}, {"YouTube", -14}, {"Amazon Music", -14}, {"Tidal", -14}, {"Deezer", -15}}
	if len(Platforms) != len(want) {
		t.Fatalf("%d platforms, want %d", len(Platforms), len(want))
	}
	for k, w := range want {
		if p := Platforms[k]; p.Name != w.name || p.Target != w.target {
			t.Errorf("Platforms[%d] = %s at %v LUFS, want %s at %v LUFS", k, p.Name, p.Target, w.name, w.target)
		}
	}
	for _, name := range []string{"Spotify", "Tidal"} {
		if !platform(t, name).Album {
			t.Errorf("%s does not normalize albums as albums", name)
		}
	}
}

// The rules and worked examples of docs/loudness.md §7.2 and §7.4.
func TestPlaybackGain(t *testing.T) {
	for _, c := range []struct {
		platform string
		i, tp    float64
		want     float64
		limited  bool
	}{
		// Spotify keeps 1 dB headroom: I = −20, TP = −5 → +4 dB → −16 LUFS.
		{"Spotify", -20, -5, 4, true},
		{"Spotify", -20, -10, 6, false}, // room for the full +6 dB
		{"Spotify", -20, -0.5, 0, true}, // no room at all: never a cut
		{"Spotify", -10, -0.3, -4, false},
		// Album context of the test album: I_A = −7.973, g = −6.027 dB.
		{"Spotify", -7.973, 1.219, -6.027, false},
		{"Tidal", -7.973, 1.219, -6.027, false},
		// YouTube only turns down.
		{"YouTube", -10, -1, -4, false},
		{"YouTube", -20, -5, 0, false},
		// The others apply T − I, up or down.
		{"Apple Music", -20, -5, 4, false},
		{"Apple Music", -10, -1, -6, false},
		{"Amazon Music", -18, -3, 4, false},
		{"Deezer", -9, -1, -6, false},
	} {
		p := platform(t, c.platform)
		if g := p.PlaybackGain(c.i, c.tp); math.Abs(g-c.want) > 1e-9 {
			t.Errorf("%s.PlaybackGain(%v, %v) = %v, want %v", c.platform, c.i, c.tp, g, c.want)
		}
		if l := p.Limited(c.i, c.tp); l != c.limited {
			t.Errorf("%s.Limited(%v, %v) = %v, want %v", c.platform, c.i, c.tp, l, c.limited)
		}
	}
	for _, p := range Platforms {
		for _, i := range []float64{math.Inf(-1), math.NaN()} {
			if g := p.PlaybackGain(i, -10); !math.IsNaN(g) {
				t.Errorf("%s.PlaybackGain(%v, -10) = %v, want NaN (silence)", p.Name, i, g)
			}
		}
	}
}

// Warn when TP > −1 dBTP, or > −2 dBTP when the master is louder than
// −14 LUFS (docs/loudness.md §7.4); Amazon's guidance is −2 dBTP (§7.1).
func TestPeakWarning(t *testing.T) {
	for _, c := range []struct {
		platform string
		i, tp    float64
		ceiling  float64
		warn     bool
	}{
		{"Spotify", -16, -0.5, -1, true},
		{"Spotify", -16, -1.5, -1, false},
		{"Spotify", -16, -1, -1, false}, // at the ceiling is under it
		{"Spotify", -12, -1.5, -2, true},
		{"Spotify", -12, -2.5, -2, false},
		{"Spotify", -14, -1.5, -1, false}, // −14 is not louder than −14
		{"YouTube", -9, -1.2, -2, true},
		{"Deezer", -20, -0.9, -1, true},
		{"Amazon Music", -16, -1.5, -2, true},
		{"Amazon Music", -16, -2.1, -2, false},
	} {
		p := platform(t, c.platform)
		if got := p.PeakCeiling(c.i); got != c.ceiling {
			t.Errorf("%s.PeakCeiling(%v) = %v, want %v", c.platform, c.i, got, c.ceiling)
		}
		if got := p.PeakWarning(c.i, c.tp); got != c.warn {
			t.Errorf("%s.PeakWarning(%v, %v) = %v, want %v", c.platform, c.i, c.tp, got, c.warn)
		}
	}
}
