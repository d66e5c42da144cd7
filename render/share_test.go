package render

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// shareProject writes three tracks at 44.1, 48 and 96 kHz (the program
// rate is 96 kHz) and decodes project text over them.
func shareProject(t *testing.T, text string) *testProject {
	t.Helper()
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 44100, 16, pcmtest.Music(71, 44100, 2, 5*44100))
	writeSource(t, dir, "b.wav", 48000, 24, pcmtest.Music(72, 48000, 2, 5*48000))
	writeSource(t, dir, "c.wav", 96000, 24, pcmtest.Music(73, 96000, 2, 4*96000+1234))
	return loadProject(t, dir, `[album]
title = "Share"
artist = "A"
`+text+`
[[track]]
file = "a.wav"
title = "One"
[[track]]
file = "b.wav"
title = "Two"
gap = "1s"
[[track]]
file = "c.wav"
title = "Three"
`)
}

// TestSharedChainsCount: the default deliveries of a 96 kHz program are
// rendered by two chains, one at 44.1 kHz (ddp, cue, mp3, wav-cd) and one
// at 96 kHz (flac), with three outputs: 16-bit and float at 44.1 kHz, and
// 24-bit at 96 kHz. Deliveries that differ in their ceiling share the
// chain while no limiter runs.
func TestSharedChainsCount(t *testing.T) {
	p := shareProject(t, "[loudness]\ntarget = -20.0\n")
	rep, _ := build(t, p, nil)
	if len(rep.Deliveries) != 5 {
		t.Fatalf("%d deliveries, want the 5 defaults", len(rep.Deliveries))
	}
	if rep.Chains != 2 || rep.Outputs != 3 {
		t.Errorf("%d chains and %d outputs, want 2 and 3", rep.Chains, rep.Outputs)
	}
	for _, d := range rep.Deliveries {
		if d.Passes != 1 {
			t.Errorf("%s: %d passes, want 1", d.Name, d.Passes)
		}
	}
}

// sharedText is every kind of delivery at 44.1 kHz, some sharing their
// stream, one in another gap mode and one at 24 bits, and a flac at the
// program rate. Track 2's offset of +9 dB pushes it over the ceiling in
// every delivery, so a build without analysis renders every delivery
// twice, the second time with the limiter on track 2.
const sharedText = `[loudness]
match = "off"
max_true_peak = -1.0
over_ceiling = "limit"
[[delivery]]
name = "ddp"
kind = "ddp"
[[delivery]]
name = "cue"
kind = "cue"
per_track = true
[[delivery]]
name = "flac"
kind = "flac"
[[delivery]]
name = "mp3"
kind = "mp3"
[[delivery]]
name = "wav-cd"
kind = "wav"
rate = 44100
bits = 16
files = "both"
[[delivery]]
name = "wav-prepend"
kind = "wav"
rate = 44100
bits = 16
gaps = "prepend"
[[delivery]]
name = "wav-24"
kind = "wav"
rate = 44100
bits = 24
`

// TestSharedDeliveriesMatchAlone: deliveries that share a chain or an
// output write exactly the bytes each writes when it is built alone
// (--only), with the same report, in one pass and when the limiter's
// second pass re-renders the shared group.
func TestSharedDeliveriesMatchAlone(t *testing.T) {
	for _, c := range []struct {
		name             string
		gain             float64 // dB, track 2's offset
		passes           int
		chains, outputs  int // of the build of every delivery
		aloneChains, out int // of each build alone
	}{
		// One pass: the 44.1 kHz chain has three outputs (16, 24, float),
		// the flac its own.
		{"one pass", -3, 1, 2, 4, 1, 1},
		// Two passes: each chain again, with the limiter on track 2.
		{"limited", 9, 2, 4, 8, 2, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := shareProject(t, sharedText)
			p.album.Tracks[1].Gain = c.gain
			all, outAll := build(t, p, func(o *BuildOptions) { o.Dest = filepath.Join(p.dir, "all") })
			if all.Chains != c.chains || all.Outputs != c.outputs {
				t.Errorf("all together: %d chains and %d outputs, want %d and %d", all.Chains, all.Outputs, c.chains, c.outputs)
			}
			treeAll := readTree(t, outAll)
			seen := 0
			for j, d := range all.Deliveries {
				if d.Passes != c.passes {
					t.Errorf("%s: %d passes, want %d", d.Name, d.Passes, c.passes)
				}
				if got := d.Tracks[1].Limited; got != (c.passes == 2) {
					t.Errorf("%s: track 2 limited %v with %g dB", d.Name, got, c.gain)
				}
				alone, outAlone := build(t, p, func(o *BuildOptions) {
					o.Dest = filepath.Join(p.dir, "alone-"+d.Name)
					o.Only = []string{d.Name}
				})
				if alone.Chains != c.aloneChains || alone.Outputs != c.out {
					t.Errorf("%s alone: %d chains and %d outputs, want %d and %d", d.Name, alone.Chains, alone.Outputs, c.aloneChains, c.out)
				}
				a := alone.Deliveries[0]
				if a.Passes != d.Passes || !slices.Equal(a.Files, d.Files) || a.Dither != d.Dither {
					t.Errorf("%s: alone %d passes, files %q, dither %v; together %d, %q, %v", d.Name, a.Passes, a.Files, a.Dither, d.Passes, d.Files, d.Dither)
				}
				for k := range d.Tracks {
					x, y := a.Tracks[k], all.Deliveries[j].Tracks[k]
					if x.Limited != y.Limited || x.LimitedFrames != y.LimitedFrames || x.MaxReductionDB != y.MaxReductionDB ||
						x.Clips != y.Clips || x.FirstClip != y.FirstClip || !sameMeasurement(x.Output, y.Output) {
						t.Errorf("%s track %d: alone %+v, together %+v", d.Name, k+1, x, y)
					}
				}
				if x, y := a.Album, d.Album; x == nil || y == nil || x.Range != y.Range || x.MaxShortTerm != y.MaxShortTerm || x.Integrated != y.Integrated {
					t.Errorf("%s: album alone %+v, together %+v", d.Name, x, y)
				}
				treeAlone := readTree(t, outAlone)
				if len(treeAlone) == 0 {
					t.Errorf("%s alone wrote nothing", d.Name)
				}
				for name, data := range treeAlone {
					seen++
					if !bytes.Equal(data, treeAll[name]) {
						t.Errorf("%s: %d bytes alone, %d built with the others, not the same", name, len(data), len(treeAll[name]))
					}
				}
			}
			if seen != len(treeAll) {
				t.Errorf("the builds alone wrote %d files, all together %d", seen, len(treeAll))
			}
		})
	}
}
