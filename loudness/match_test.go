package loudness

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// The worked example of docs/loudness.md §7.2: the 60-minute test album
// (per-track I and compat TP from §3.4, album I −7.973 LUFS), target
// −14 LUFS, ceiling −1 dBTP, no margin.
var (
	albumI  = -7.973
	trackI  = []float64{-33.417, -24.910, -25.858, -47.002, -4.373, -29.509, -10.727, -30.137, -28.586, -10.844, -31.633, -9.186}
	trackTP = []float64{-17.150, -10.669, -11.862, -32.290, 1.219, -18.588, -8.992, -16.920, -23.705, -2.662, -14.854, -0.591}
)

func testAlbum() []TrackLevel {
	t := make([]TrackLevel, len(trackI))
	for k := range t {
		t[k] = TrackLevel{Integrated: trackI[k], TruePeak: trackTP[k], TruePeakPos: int64(1000 * (k + 1))}
	}
	return t
}

func settings(mode Match, policy Policy) MatchSettings {
	return MatchSettings{Mode: mode, Target: -14, Ceiling: -1, Policy: policy, Rate: 44100}
}

func TestPlanGainsAlbumAndLoudest(t *testing.T) {
	p, err := PlanGains(testAlbum(), albumI, settings(MatchAlbum, PolicyReduce))
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range p.Gains {
		near(t, "album gain", g, -6.027, 1e-9)
		if p.Reduced[k] != 0 {
			t.Errorf("album: track %d reduced by %v, want 0", k+1, p.Reduced[k])
		}
	}
	if len(p.Overs) != 0 {
		t.Errorf("album: overs %v, want none (max TP after gain -4.81 dBTP)", p.Overs)
	}
	p, err = PlanGains(testAlbum(), albumI, settings(MatchLoudest, PolicyError))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range p.Gains {
		near(t, "loudest gain", g, -9.627, 1e-9)
	}
}

func TestPlanGainsTrack(t *testing.T) {
	// Without the ceiling doing anything (limit): g_k = T − I_k, and six
	// tracks end above −1 dBTP, worst first.
	p, err := PlanGains(testAlbum(), albumI, settings(MatchTrack, PolicyLimit))
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range p.Gains {
		near(t, "track gain", g, -14-trackI[k], 1e-9)
	}
	near(t, "track 1 gain", p.Gains[0], 19.417, 1e-9)
	near(t, "track 4 gain", p.Gains[3], 33.002, 1e-9)
	wantOrder := []int{10, 0, 3, 1, 2, 7} // excess 3.779, 3.267, 1.712, 1.241, 0.996, 0.217
	wantAfter := map[int]float64{0: 2.267, 1: 0.241, 2: -0.004, 3: 0.712, 7: -0.783, 10: 2.779}
	if len(p.Overs) != len(wantOrder) {
		t.Fatalf("track/limit: %d overs, want %d: %+v", len(p.Overs), len(wantOrder), p.Overs)
	}
	for i, o := range p.Overs {
		if o.Track != wantOrder[i] {
			t.Errorf("over %d is track %d, want %d", i, o.Track+1, wantOrder[i]+1)
		}
		near(t, "TP after gain", o.TruePeak, wantAfter[o.Track], 1e-9)
		if o.Pos != int64(1000*(o.Track+1)) {
			t.Errorf("over of track %d at frame %d, want %d", o.Track+1, o.Pos, 1000*(o.Track+1))
		}
	}
	// reduce: those six tracks get C − TP_k; the others keep T − I_k.
	p, err = PlanGains(testAlbum(), albumI, settings(MatchTrack, PolicyReduce))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]float64{0: 16.150, 1: 9.669, 2: 10.862, 3: 31.290, 7: 15.920, 10: 13.854}
	for k, g := range p.Gains {
		w, ok := want[k]
		if !ok {
			w = -14 - trackI[k]
		}
		near(t, "track/reduce gain", g, w, 1e-9)
	}
	if len(p.Overs) != 0 {
		t.Errorf("track/reduce: overs %+v, want none", p.Overs)
	}
}

func TestPlanGainsReduceUniform(t *testing.T) {
	// Album mode at −6 LUFS: g = +1.973 would put track 5 at +3.192 dBTP.
	// reduce with a 0.1 dB margin lowers every track to
	// C − margin − max TP = −1 − 0.1 − 1.219 = −2.319 dB, plus offsets.
	tr := testAlbum()
	tr[1].Offset = 1.5
	s := settings(MatchAlbum, PolicyReduce)
	s.Target, s.Margin = -6, 0.1
	p, err := PlanGains(tr, albumI, s)
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range p.Gains {
		want := -2.319
		if k == 1 {
			want += 1.5
		}
		near(t, "reduced album gain", g, want, 1e-9)
		near(t, "reduction", p.Reduced[k], 4.292, 1e-9)
	}
	// error names the worst track and the time of its peak.
	s.Policy = PolicyError
	tr[4].TruePeakPos = 133*44100 + 20286 // 2:13.460
	_, err = PlanGains(tr, albumI, s)
	var oe *OverError
	if !errors.As(err, &oe) {
		t.Fatalf("error policy: err = %v, want *OverError", err)
	}
	if oe.Track != 4 || oe.Time != "2:13.460" {
		t.Errorf("OverError names track %d at %s, want track 5 at 2:13.460", oe.Track+1, oe.Time)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "loudness: track 5: true peak +3.19 dBTP at 2:13.460") {
		t.Errorf("message %q", msg)
	}
}

func TestPlanGainsOffAndUnsetTarget(t *testing.T) {
	tr := testAlbum()
	tr[2].Offset = -2
	s := settings(MatchOff, PolicyLimit)
	p, err := PlanGains(tr, albumI, s)
	if err != nil {
		t.Fatal(err)
	}
	for k, g := range p.Gains {
		want := 0.0
		if k == 2 {
			want = -2
		}
		if g != want {
			t.Errorf("off: track %d gain %v, want %v", k+1, g, want)
		}
	}
	// Unset target: album mode keeps the master where it is.
	s = settings(MatchAlbum, PolicyLimit)
	s.Target = math.NaN()
	p, err = PlanGains(testAlbum(), albumI, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range p.Gains {
		if g != 0 {
			t.Errorf("album with unset target: gain %v, want 0", g)
		}
	}
	if len(p.Overs) != 2 || p.Overs[0].Track != 4 || p.Overs[1].Track != 11 {
		t.Errorf("album with unset target: overs %+v, want tracks 5 (+1.219 dBTP) and 12 (-0.591)", p.Overs)
	}
	if _, err := PlanGains(testAlbum(), albumI, MatchSettings{Mode: "level", Policy: PolicyLimit}); err == nil {
		t.Error("unknown mode: no error")
	}
	if _, err := PlanGains(testAlbum(), albumI, MatchSettings{Mode: MatchAlbum, Policy: "clip"}); err == nil {
		t.Error("unknown policy: no error")
	}
}

// ReplayGain 2.0 values of the test album (docs/loudness.md §3.4, §7.3).
func TestReplayGain(t *testing.T) {
	rg := NewReplayGain(trackI[6], 20*math.Log10(0.988553), albumI, 20*math.Log10(1.150695))
	want := [][2]string{
		{"REPLAYGAIN_TRACK_GAIN", "-7.27 dB"},
		{"REPLAYGAIN_TRACK_PEAK", "0.988553"},
		{"REPLAYGAIN_ALBUM_GAIN", "-10.03 dB"},
		{"REPLAYGAIN_ALBUM_PEAK", "1.150695"},
	}
	got := rg.Tags()
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tag %d = %q, want %q", i, got[i], want[i])
		}
	}
	if g := FormatGain(NewReplayGain(trackI[3], 0, albumI, 0).TrackGain); g != "29.00 dB" {
		t.Errorf("track 4 gain %q, want 29.00 dB", g)
	}
	if g := FormatGain(NewReplayGain(-14, 0, -14, 0).AlbumGain); g != "-4.00 dB" {
		t.Errorf("-14 LUFS album gain %q, want -4.00 dB", g)
	}
	if g := FormatGain(-0.001); g != "0.00 dB" {
		t.Errorf("FormatGain(-0.001) = %q, want 0.00 dB", g)
	}
}
