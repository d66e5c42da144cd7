package render

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// hooksProject: three 48 kHz tracks with gains only (no analysis), a
// delivery at the program rate, one resampled to 44.1 kHz, and one whose
// ceiling makes the limiter render it a second time.
func hooksProject(t testing.TB) *testProject {
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(71, 48000, 2, 5*48000))
	writeSource(t, dir, "b.wav", 48000, 24, pcmtest.Music(72, 48000, 2, 6*48000))
	writeSource(t, dir, "c.wav", 48000, 24, pcmtest.Music(73, 48000, 2, 5*48000+77))
	return loadProject(t, dir, `[album]
title = "H"
artist = "A"
[loudness]
match = "off"
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
name = "src"
kind = "wav"
bits = 24
naming = "{track:02}"
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
files = "both"
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
}

// TestFinishHook: Finish runs once, after every delivery, on the temporary
// folder that becomes Dest: it sees every file of the report's deliveries
// there, finished (each as long as in Dest), and what it adds lands in
// Dest beside the deliveries.
func TestFinishHook(t *testing.T) {
	p := hooksProject(t)
	calls := 0
	var seen map[string]int64
	var tmp string
	rep, out := build(t, p, func(o *BuildOptions) {
		o.Finish = func(dir string, r *Report) error {
			calls++
			tmp = dir
			if filepath.Dir(dir) != filepath.Dir(o.Dest) || dir == o.Dest {
				t.Errorf("Finish dir %s, not a folder beside %s", dir, o.Dest)
			}
			if len(r.Deliveries) != 3 {
				t.Errorf("Finish: report with %d deliveries, want 3", len(r.Deliveries))
			}
			seen = map[string]int64{}
			for _, d := range r.Deliveries {
				if len(d.Files) == 0 {
					t.Errorf("Finish: delivery %s has no files in the report", d.Name)
				}
				for _, f := range d.Files {
					fi, err := os.Stat(filepath.Join(dir, d.Name, f))
					if err != nil {
						t.Errorf("Finish: %v", err)
						continue
					}
					seen[filepath.Join(d.Name, f)] = fi.Size()
				}
				if d.Tracks[0].Output == nil {
					t.Errorf("Finish: delivery %s: no output measurement yet", d.Name)
				}
			}
			return os.WriteFile(filepath.Join(dir, "extra.txt"), []byte("from Finish\n"), 0o644)
		}
	})
	if calls != 1 {
		t.Fatalf("Finish called %d times, want 1", calls)
	}
	if rep.Deliveries[2].Passes != 2 {
		t.Errorf("strict: %d passes, want 2 (Finish must follow the second)", rep.Deliveries[2].Passes)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary folder %s is still there: %v", tmp, err)
	}
	// 2 + (3 tracks + album) + 3 WAVs.
	if len(seen) != 10 {
		t.Errorf("Finish saw %d files, want 10: %v", len(seen), seen)
	}
	tree := readTree(t, out)
	for name, size := range seen {
		if got := int64(len(tree[name])); got != size {
			t.Errorf("%s: %d bytes in Finish, %d in Dest", name, size, got)
		}
	}
	if string(tree["extra.txt"]) != "from Finish\n" {
		t.Errorf("extra.txt in Dest: %q", tree["extra.txt"])
	}
	if len(tree) != len(seen)+1 {
		t.Errorf("Dest holds %d files, want %d", len(tree), len(seen)+1)
	}
}

// TestFinishError: an error from Finish fails the build with that error
// and leaves nothing behind, neither Dest nor the temporary folder; with
// --force the old Dest is kept as it was.
func TestFinishError(t *testing.T) {
	p := hooksProject(t)
	errHook := errors.New("hook failed")
	dest := filepath.Join(p.dir, "out")
	o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats, Dest: dest,
		Only: []string{"src"},
		Finish: func(dir string, r *Report) error {
			if err := os.WriteFile(filepath.Join(dir, "half.json"), []byte("{"), 0o644); err != nil {
				t.Error(err)
			}
			return errHook
		}}
	before := listDir(t, p.dir)
	if _, err := Build(t.Context(), o); !errors.Is(err, errHook) {
		t.Fatalf("Build: %v, want the hook's error", err)
	}
	if after := listDir(t, p.dir); !slices.Equal(after, before) {
		t.Errorf("project folder after the failed build: %v, before: %v", after, before)
	}
	// Over an existing build, with Force.
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dest, "old"), []byte("old build"), 0o644); err != nil {
		t.Fatal(err)
	}
	before = listDir(t, p.dir)
	o.Force = true
	if _, err := Build(t.Context(), o); !errors.Is(err, errHook) {
		t.Fatalf("Build --force: %v, want the hook's error", err)
	}
	if after := listDir(t, p.dir); !slices.Equal(after, before) {
		t.Errorf("project folder after the failed build: %v, before: %v", after, before)
	}
	if tree := readTree(t, dest); len(tree) != 1 || string(tree["old"]) != "old build" {
		t.Errorf("the old build changed: %v", tree)
	}
}

// TestProgressHook: every delivery reports, for each of its renderings,
// frame counts that rise by at least a tenth of a second of its audio and
// end at its stream's length (A-time 0 to the lead-out at its rate); the
// analysis reports the program the same way.
func TestProgressHook(t *testing.T) {
	p := hooksProject(t)
	var mu sync.Mutex
	got := map[[2]int][]Progress{} // by delivery and pass
	o := func(o *BuildOptions) {
		o.BlockSize = 1000 // many blocks: reports must be thinned
		o.Progress = func(pr Progress) {
			mu.Lock()
			defer mu.Unlock()
			k := [2]int{pr.Delivery, pr.Pass}
			got[k] = append(got[k], pr)
		}
	}
	rep, _ := build(t, p, o)
	want := map[[2]int]int64{} // total frames per stream
	for _, d := range rep.Deliveries {
		for pass := 1; pass <= d.Passes; pass++ {
			want[[2]int{d.Number - 1, pass}] = album.Samples(p.layout.LeadOut, d.Rate)
		}
	}
	if len(want) != 4 { // src, cd, strict twice
		t.Fatalf("want 4 renderings, the report has %d", len(want))
	}
	check := func(t *testing.T, key [2]int, total int64, rate int) {
		prs := got[key]
		if len(prs) == 0 {
			t.Fatalf("delivery %d pass %d: no progress", key[0], key[1])
		}
		last := prs[len(prs)-1]
		if last.Frames != total || last.Total != total {
			t.Errorf("delivery %d pass %d: last report %+v, want %d of %d frames", key[0], key[1], last, total, total)
		}
		for i, pr := range prs {
			if pr.Total != total {
				t.Errorf("report %d: total %d, want %d", i, pr.Total, total)
			}
			if i > 0 && i < len(prs)-1 && pr.Frames-prs[i-1].Frames < int64(rate)/10 {
				t.Errorf("report %d: %d frames after %d, less than a tenth of a second at %d Hz", i, pr.Frames, prs[i-1].Frames, rate)
			}
			if i > 0 && pr.Frames <= prs[i-1].Frames {
				t.Errorf("report %d: %d frames after %d", i, pr.Frames, prs[i-1].Frames)
			}
		}
		// 1000-frame blocks and a report per tenth of a second: about
		// one report per 5 blocks, never one per block.
		if n := total / int64(rate/10); int64(len(prs)) > n+2 || int64(len(prs)) < n/2 {
			t.Errorf("delivery %d pass %d: %d reports for %d frames at %d Hz", key[0], key[1], len(prs), total, rate)
		}
	}
	for key, total := range want {
		t.Run(filepath.Join("delivery", itoa2(key[0]), "pass", itoa2(key[1])), func(t *testing.T) {
			check(t, key, total, rep.Deliveries[key[0]].Rate)
		})
	}
	// match = "off": no analysis.
	var keys [][2]int
	for k := range got {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
	})
	if len(keys) != len(want) {
		t.Errorf("progress for %v, want the 4 renderings only", keys)
	}

	// With an analysis: Delivery -1, Pass 0, over the program.
	got = map[[2]int][]Progress{}
	p.album.Loudness.Match = album.MatchTrack
	rep, _ = build(t, p, func(bo *BuildOptions) {
		o(bo)
		bo.Dest = filepath.Join(p.dir, "out2")
		bo.Only = []string{"cd"}
	})
	if rep.Analysis == nil {
		t.Fatal("no analysis")
	}
	check(t, [2]int{-1, 0}, album.Samples(p.layout.LeadOut, p.layout.Rate), p.layout.Rate)
	check(t, [2]int{1, 1}, album.Samples(p.layout.LeadOut, 44100), 44100)
}
