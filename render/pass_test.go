package render

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// readTree returns every file under dir by its relative path.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		tree[rel], err = os.ReadFile(path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// meterFile measures a WAV file as a reader gets it, with accurate true
// peak, independently of the build.
func meterFile(t testing.TB, path string) *loudness.Measurement {
	t.Helper()
	x, f := readWAV(t, path)
	m, err := loudness.NewMeter(loudness.Config{Rate: f.Rate, Channels: 2, TruePeak: loudness.TruePeakAccurate})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(x); err != nil {
		t.Fatal(err)
	}
	return m.Measure()
}

// passProject is a 48 kHz program (one track at 44.1 kHz resampled into
// it) with per-track gains only (match = "off", or "album" without a
// target), whose second track gets gainB, and deliveries that resample,
// dither, keep the program rate and write float, a DDP among them.
func passProject(t testing.TB, dir, gainB string) *testProject {
	if _, err := os.Stat(filepath.Join(dir, "a.wav")); err != nil {
		writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(51, 48000, 2, 6*48000))
		writeSource(t, dir, "b.wav", 48000, 24, pcmtest.Music(52, 48000, 2, 7*48000))
		writeSource(t, dir, "c.wav", 44100, 16, pcmtest.Music(53, 44100, 2, 5*44100))
	}
	return loadProject(t, dir, `[album]
title = "P"
artist = "A"
[loudness]
match = "off"
max_true_peak = -1.0
over_ceiling = "limit"
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
gain = `+gainB+`
fade_out = "1s"
[[track]]
file = "c.wav"
gain = -2.5
crossfade = "1s"
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
files = "both"
[[delivery]]
name = "hires"
kind = "wav"
bits = 24
gaps = "prepend"
[delivery.loudness]
match = "album"
[[delivery]]
name = "float"
kind = "wav"
rate = 96000
bits = 32
[[delivery]]
name = "plant"
kind = "ddp"
`)
}

// TestOnePassMatchesTwoPass: when the gains do not depend on the analysis,
// the one-pass build (no analysis; the delivery's own measurement decides
// the limiter) writes byte for byte what the build from a precomputed
// analysis writes, both when no track is over the ceiling and when track 2
// is pushed far over it (the one-pass build then renders every delivery
// again, the analyzed one limits from the start).
func TestOnePassMatchesTwoPass(t *testing.T) {
	for _, c := range []struct {
		gainB  string
		passes int // of the one-pass build
	}{{"-2", 1}, {"9", 2}} {
		t.Run("gain "+c.gainB, func(t *testing.T) {
			p := passProject(t, t.TempDir(), c.gainB)
			one, out1 := build(t, p, func(o *BuildOptions) { o.Dest = filepath.Join(p.dir, "one") })
			an, err := Analyze(context.Background(), p.album, p.layout, p.paths, AnalyzeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			two, out2 := build(t, p, func(o *BuildOptions) { o.Dest = filepath.Join(p.dir, "two"); o.Analysis = an })
			if one.Analysis != nil {
				t.Error("the one-pass build analyzed the program")
			}
			// The negative control of the comparison: with an analysis,
			// the plan limits track 2 exactly when the gain pushes it over.
			plan, err := an.Plan(p.album.LoudnessFor(&p.album.Deliveries[0]))
			if err != nil {
				t.Fatal(err)
			}
			if over := len(plan.Overs) > 0; over != (c.passes == 2) {
				t.Fatalf("analysis overs %v with track 2 at %s dB", plan.Overs, c.gainB)
			}
			for j := range one.Deliveries {
				d1, d2 := &one.Deliveries[j], &two.Deliveries[j]
				if d1.Passes != c.passes || d2.Passes != 1 {
					t.Errorf("%s: %d passes without the analysis, %d with it; want %d and 1", d1.Name, d1.Passes, d2.Passes, c.passes)
				}
				for k := range d1.Tracks {
					t1, t2 := d1.Tracks[k], d2.Tracks[k]
					if t1.Limited != t2.Limited || t1.Limited != (c.passes == 2 && k == 1) || t1.LimitedFrames != t2.LimitedFrames ||
						t1.Gain != t2.Gain || !sameMeasurement(t1.Output, t2.Output) {
						t.Errorf("%s track %d: report %+v without the analysis, %+v with it", d1.Name, k+1, t1, t2)
					}
				}
			}
			tree1, tree2 := readTree(t, out1), readTree(t, out2)
			if len(tree1) != 4+3+3+7 || len(tree1) != len(tree2) {
				t.Errorf("%d and %d files, want 17", len(tree1), len(tree2))
			}
			for name, data := range tree1 {
				if !bytes.Equal(data, tree2[name]) {
					t.Errorf("%s differs between the one-pass and the analyzed build", name)
				}
			}
		})
	}
}

// TestSpeculativeLimit: two CD deliveries share the same gains; only the
// one whose ceiling track 2 passes is rendered again, with the limiter on
// track 2 alone. Its limited file keeps the ceiling (independent accurate
// meter), its other tracks are byte-identical to the other delivery's,
// which was rendered once and limits nothing.
func TestSpeculativeLimit(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(61, 48000, 2, 6*48000))
	writeSource(t, dir, "b.wav", 48000, 24, pcmtest.Music(62, 48000, 2, 6*48000))
	writeSource(t, dir, "c.wav", 48000, 24, pcmtest.Music(63, 48000, 2, 6*48000))
	p := loadProject(t, dir, `[album]
title = "S"
artist = "A"
[loudness]
match = "off"
max_true_peak = -1.0
over_ceiling = "limit"
[[track]]
file = "a.wav"
gain = -7
[[track]]
file = "b.wav"
[[track]]
file = "c.wav"
gain = -7
[[delivery]]
name = "loose"
kind = "wav"
rate = 44100
bits = 16
naming = "{track:02}"
[[delivery]]
name = "strict"
kind = "wav"
rate = 44100
bits = 16
naming = "{track:02}"
[delivery.loudness]
max_true_peak = -6.0
`)
	rep, out := build(t, p, nil)
	loose, strict := &rep.Deliveries[0], &rep.Deliveries[1]
	if loose.Passes != 1 || strict.Passes != 2 {
		t.Errorf("passes: loose %d, strict %d; want 1 and 2", loose.Passes, strict.Passes)
	}
	for k := range 3 {
		if loose.Tracks[k].Limited {
			t.Errorf("loose: track %d limited", k+1)
		}
		if got := strict.Tracks[k].Limited; got != (k == 1) {
			t.Errorf("strict: track %d limited %v", k+1, got)
		}
		name := itoa2(k+1) + ".wav"
		lf, _ := os.ReadFile(filepath.Join(out, "loose", name))
		sf, _ := os.ReadFile(filepath.Join(out, "strict", name))
		if same := bytes.Equal(lf, sf); same != (k != 1) {
			t.Errorf("track %d: the two deliveries' files equal: %v", k+1, same)
		}
		// The measurement that decided: the speculative rendering put
		// track 2 over -6.1 dBTP, the others under it.
		if tp := meterFile(t, filepath.Join(out, "loose", name)).TruePeak; (tp > -6-Margin) != (k == 1) {
			t.Errorf("track %d unlimited at %.2f dBTP", k+1, tp)
		}
	}
	if r := strict.Tracks[1]; r.LimitedFrames == 0 || r.MaxReductionDB <= 0 {
		t.Errorf("strict track 2: %+v", r)
	}
	m := meterFile(t, filepath.Join(out, "strict", "02.wav"))
	if m.TruePeak > -6 {
		t.Errorf("strict track 2: true peak %.3f dBTP, ceiling -6", m.TruePeak)
	}
	if m.TruePeak != strict.Tracks[1].Output.TruePeak {
		t.Errorf("strict track 2: reported true peak %.4f, file %.4f", strict.Tracks[1].Output.TruePeak, m.TruePeak)
	}
}

// TestCeilingErrorFromOutput: with over_ceiling = "error" and no analysis,
// the delivery's own measurement fails the build, naming the delivery,
// the track and the time of the peak within the track, and the build
// leaves nothing behind. A delivery whose ceiling the peak respects is
// not named.
func TestCeilingErrorFromOutput(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(71, 48000, 2, 5*48000))
	// Track 2: quiet music and a 5 ms Hann-windowed 1 kHz burst whose
	// crest, at 0.95 (-0.45 dBFS), is 1.5005 s into the track.
	x := pcmtest.Music(72, 48000, 2, 6*48000)
	t0 := 1.5005
	for c := range x {
		for i := range x[c] {
			x[c][i] *= 0.2
			dt := float64(i)/48000 - t0
			if math.Abs(dt) < 0.0025 {
				x[c][i] = 0.95 * math.Cos(2*math.Pi*1000*dt) * (0.5 + 0.5*math.Cos(2*math.Pi*dt/0.005))
			}
		}
	}
	writeSource(t, dir, "b.wav", 48000, 24, x)
	p := loadProject(t, dir, `[album]
title = "E"
artist = "A"
[loudness]
match = "off"
max_true_peak = -1.0
over_ceiling = "error"
[[track]]
file = "a.wav"
gain = -6
[[track]]
file = "b.wav"
[[delivery]]
name = "hires"
kind = "wav"
bits = 24
[delivery.loudness]
max_true_peak = 0.0
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
`)
	o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats, Dest: filepath.Join(dir, "out")}
	_, err := Build(context.Background(), o)
	var oe *loudness.OverError
	if !errors.As(err, &oe) || oe.Track != 1 {
		t.Fatalf("Build: %v, want an over-ceiling error for track 2", err)
	}
	for _, want := range []string{`render: delivery[2] "cd": `, "track 2: ", " at 0:01.500 ", "ceiling -1.00 dBTP"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if math.Abs(oe.TruePeak-20*math.Log10(0.95)) > 0.05 {
		t.Errorf("true peak %.3f dBTP, the burst's crest %.3f", oe.TruePeak, 20*math.Log10(0.95))
	}
	if names := listDir(t, dir); len(names) != 2 {
		t.Errorf("left %v", names)
	}
}

// TestOutputMeasured: the per-track measurements of every delivery equal
// an independent meter run on the written files, at 16, 24 and 32-bit
// float, resampled or not, in both gap modes, from an analyzed build and
// from a one-pass build that limited a track in its second pass; so does
// the album's, over the track files played back to back.
func TestOutputMeasured(t *testing.T) {
	for _, p := range []*testProject{determinismProject(t), passProject(t, t.TempDir(), "9")} {
		rep, out := build(t, p, nil)
		for _, d := range rep.Deliveries {
			del := &p.album.Deliveries[d.Number-1]
			if del.Kind != "wav" {
				continue
			}
			var parts [][][]float64
			for k, tr := range d.Tracks {
				name, err := del.FileName(p.album, k+1)
				if err != nil {
					t.Fatal(err)
				}
				x, _ := readWAV(t, filepath.Join(out, d.Name, name))
				parts = append(parts, x)
				want := meterFile(t, filepath.Join(out, d.Name, name))
				got := tr.Output
				if got == nil {
					t.Fatalf("%s track %d: no measurement", d.Name, k+1)
				}
				if !sameMeasurement(got, want) {
					t.Errorf("%s track %d: reported %+v\nfile %+v", d.Name, k+1, *got, *want)
				}
			}
			checkAlbum(t, d.Name, d.Album, meterStream(t, d.Rate, concat(parts...)))
		}
	}
}

// sameMeasurement compares the figures of two measurements exactly.
func sameMeasurement(a, b *loudness.Measurement) bool {
	same := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
	return a.Frames == b.Frames && same(a.Integrated, b.Integrated) && same(a.Range, b.Range) &&
		same(a.MaxMomentary, b.MaxMomentary) && same(a.MaxShortTerm, b.MaxShortTerm) &&
		a.SamplePeak == b.SamplePeak && a.SamplePeakPos == b.SamplePeakPos &&
		a.TruePeak == b.TruePeak && a.TruePeakPos == b.TruePeakPos
}

// TestNeedsAnalysis: the settings the build renders without an analysis
// are exactly those whose planned gains (loudness.PlanGains over a real
// analysis) are the tracks' offsets; every other setting moves some gain
// away from them, so it needs the analysis.
func TestNeedsAnalysis(t *testing.T) {
	p, _ := analysisProject(t)
	an, err := Analyze(context.Background(), p.album, p.layout, p.paths, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	target := -14.0
	ceiling := -12.0 // under the tracks' peaks, so that "reduce" must act
	offsets := offsetPlan(p.album).Gains
	if offsets[1] != -3 || offsets[0] != 0 {
		t.Fatalf("offsets %v, want the project's [0 -3 0]", offsets)
	}
	for _, m := range []album.Match{album.MatchOff, album.MatchAlbum, album.MatchTrack, album.MatchLoudest} {
		for _, tg := range []*float64{nil, &target} {
			for _, pol := range []album.Ceiling{album.CeilingLimit, album.CeilingError, album.CeilingReduce} {
				lo := album.Loudness{Match: m, Target: tg, MaxTruePeak: ceiling, OverCeiling: pol}
				want := pol == album.CeilingReduce || m == album.MatchTrack || m == album.MatchLoudest ||
					m == album.MatchAlbum && tg != nil
				if got := needsAnalysis(lo); got != want {
					t.Errorf("match %s, target %v, %s: needsAnalysis %v, want %v", m, tg != nil, pol, got, want)
				}
				plan, err := an.Plan(lo)
				var over *loudness.OverError
				if err != nil && !errors.As(err, &over) { // "error" fails, with the plan
					t.Fatal(err)
				}
				same := slices.Equal(plan.Gains, offsets)
				if same == want {
					t.Errorf("match %s, target %v, %s: planned gains %v, offsets %v", m, tg != nil, pol, plan.Gains, offsets)
				}
			}
		}
	}
}
