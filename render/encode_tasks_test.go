package render

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// taggedOnly are the tagged deliveries of the tagged project.
var taggedOnly = []string{"flac", "flac16", "flac-bare", "mp3", "mp3-vbr", "mp3-bare"}

// withTasks sets the encode task limit and hook for the rest of the test.
func withTasks(t *testing.T, limit int, hook func(running bool)) {
	t.Cleanup(func() { encodeLimit, encodeTaskHook = 0, nil })
	encodeLimit, encodeTaskHook = limit, hook
}

// withSpoolMemory sets the spools' memory for the rest of the test.
func withSpoolMemory(t *testing.T, bytes int) {
	old := spoolMemory
	t.Cleanup(func() { spoolMemory = old })
	spoolMemory = bytes
}

// spoolHeld returns the bytes the spools hold in memory.
func spoolHeld() int {
	encodeSlots.mu.Lock()
	defer encodeSlots.mu.Unlock()
	return encodeSlots.held
}

// checkSpoolsFreed fails the test if the spools still hold memory after
// a build.
func checkSpoolsFreed(t *testing.T) {
	t.Helper()
	if n := spoolHeld(); n != 0 {
		t.Errorf("the spools hold %d bytes after the build", n)
	}
}

// spillRoot makes the temporary folder, where spill folders go, an empty
// folder of the test's, and returns it.
func spillRoot(t *testing.T) string {
	root := t.TempDir()
	t.Setenv("TMPDIR", root)
	return root
}

// checkNoLeftovers fails the test if the build left its destination or
// its temporary folder in dir, or anything in the spill root.
func checkNoLeftovers(t *testing.T, dir, dest, root string) {
	t.Helper()
	if _, err := os.Stat(dest); err == nil {
		t.Errorf("the failed build left %s", dest)
	}
	for _, name := range listDir(t, dir) {
		if strings.Contains(name, ".tmp-") {
			t.Errorf("the failed build left %s", name)
		}
	}
	if names := listDir(t, root); len(names) != 0 {
		t.Errorf("spill files left: %v", names)
	}
}

// TestEncodeTasksBytes: the tagged deliveries are byte for byte the same,
// and report the same, whatever the number of encode tasks that may run
// at once (GOMAXPROCS, one, three) and wherever their samples wait (in
// memory; on disk, with no memory for the spools; both, with memory for
// one chunk), and no more tasks than that hold a slot at once. The tasks
// take 30 ms longer than their work, so that they overlap when they may.
func TestEncodeTasksBytes(t *testing.T) {
	dir := t.TempDir()
	p := taggedProject(t, dir)
	root := spillRoot(t)
	runs := []struct {
		limit, memory int
	}{{0, spoolMemory}, {1, spoolMemory}, {3, spoolMemory}, {0, 0}, {1, spoolChunk}}
	var trees []map[string][]byte
	var reports []string
	for i, run := range runs {
		withSpoolMemory(t, run.memory)
		var mu sync.Mutex
		running, most := 0, 0
		withTasks(t, run.limit, func(start bool) {
			mu.Lock()
			if start {
				running++
				most = max(most, running)
			} else {
				running--
			}
			mu.Unlock()
			if start {
				time.Sleep(30 * time.Millisecond)
			}
		})
		rep, out := build(t, p, func(o *BuildOptions) {
			o.Dest = filepath.Join(dir, "out"+itoa2(i))
			o.Only = taggedOnly
		})
		if want := max(run.limit, 1); run.limit > 0 && run.memory > 0 && most != want {
			t.Errorf("limit %d: %d tasks ran at once at most, want %d", run.limit, most, want)
		}
		if most > taskLimit() {
			t.Errorf("%d tasks ran at once, more than the limit (%d)", most, taskLimit())
		}
		checkSpoolsFreed(t)
		trees = append(trees, readTree(t, out))
		var albums []loudness.Measurement
		for i := range rep.Deliveries {
			albums = append(albums, *rep.Deliveries[i].Album)
			rep.Deliveries[i].Album = nil // no true peak: a NaN, which JSON cannot hold
		}
		b, err := json.Marshal(rep.Deliveries)
		if err != nil {
			t.Fatal(err)
		}
		reports = append(reports, string(b)+fmt.Sprint(albums))
	}
	if len(trees[0]) != 18 {
		t.Fatalf("%d files, want 18", len(trees[0]))
	}
	for i, run := range runs[1:] {
		for name, b := range trees[0] {
			if string(trees[i+1][name]) != string(b) {
				t.Errorf("%s differs with %d task(s) at once and %d bytes for the spools", name, run.limit, run.memory)
			}
		}
		if reports[i+1] != reports[0] {
			t.Errorf("the report differs with %d task(s) at once and %d bytes for the spools", run.limit, run.memory)
		}
	}
	if names := listDir(t, root); len(names) != 0 {
		t.Errorf("spill files left: %v", names)
	}
}

// TestEncodeTasksBackpressure: with one task at a time and the first
// task held (track 1's, with a slot), the stream of a six-track flac
// delivery (4 s tracks)
//   - with memory for the spools, keeps the next tracks in memory (their
//     tasks wait for a slot) and stops once the delivery has more than
//     spillLimit tracks spooled and not encoded, the next one begun at
//     most, writing no spill file;
//   - with memory for one chunk, stops within track 1, whose task holds
//     the slot, rather than write a spill file;
//   - with no memory, puts track 1's first chunk, taken before its task
//     had the slot, in a spill file and then stops within track 1 too.
//
// Cancelling the build then stops the waiting writer and the held task,
// and leaves no spill file, no output, no temporary folder and no memory
// held.
func TestEncodeTasksBackpressure(t *testing.T) {
	dir := t.TempDir()
	root := spillRoot(t)
	text := "[album]\ntitle = \"B\"\nartist = \"A\"\n[loudness]\nmatch = \"off\"\n"
	for k := range 6 {
		name := "t" + itoa2(k) + ".wav"
		writeSource(t, dir, name, 48000, 24, pcmtest.Music(uint64(80+k), 48000, 2, 4*48000))
		text += "[[track]]\nfile = \"" + name + "\"\n"
	}
	p := loadProject(t, dir, text+"[[delivery]]\nname = \"flac\"\nkind = \"flac\"\n")
	// The bytes of the first n tracks' cuts (the gaps appended).
	tracks := func(n int) int {
		var b int
		for _, c := range p.layout.Cuts(album.GapsAppend)[:n] {
			x, y := c.Samples(48000)
			b += int(y-x) * frameBytes(24)
		}
		return b
	}
	plenty := spoolMemory
	for _, memory := range []int{plenty, spoolChunk, 0} {
		withSpoolMemory(t, memory)
		ctx, cancel := context.WithCancel(t.Context())
		var first atomic.Bool
		most, files := 0, 0
		withTasks(t, 1, func(start bool) {
			if !start || first.Swap(true) {
				return
			}
			for range 40 {
				most = max(most, spoolHeld())
				spills, _ := filepath.Glob(filepath.Join(root, "*", "*"))
				files = max(files, len(spills))
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
		})
		o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats, Dest: filepath.Join(dir, "out"), BlockSize: 4096}
		_, err := Build(ctx, o)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("memory %d: Build: %v, want it cancelled", memory, err)
		}
		switch memory {
		case plenty:
			if lo, hi := tracks(spillLimit()), tracks(spillLimit()+1); most < lo || most > hi || files != 0 {
				t.Errorf("the spools held %d bytes at most while the first task was held, want %d to %d (%d or %d tracks), and wrote %d spill files", most, lo, hi, spillLimit(), spillLimit()+1, files)
			}
		case spoolChunk:
			if most != chunkBytes(24) || files != 0 {
				t.Errorf("memory for one chunk: the spools held %d bytes at most while the first task was held, want %d, and wrote %d spill files", most, chunkBytes(24), files)
			}
		case 0:
			if files != 1 || most != 0 {
				t.Errorf("no memory: %d spill files at most while the first task was held, want 1, and %d bytes in memory", files, most)
			}
		}
		checkNoLeftovers(t, dir, o.Dest, root)
		checkSpoolsFreed(t)
	}
}

// failingSpill fails every write, as a full disk does.
type failingSpill struct{ path string }

func (f failingSpill) Write([]byte) (int, error) {
	return 0, &fs.PathError{Op: "write", Path: f.path, Err: syscall.ENOSPC}
}

func (f failingSpill) Close() error { return os.Remove(f.path) }

// TestSpillFails: with no memory for the spools, so that every chunk goes
// to a spill file, a spill file that cannot be written (the second
// track's of a flac delivery, on a full disk) or a temporary folder that
// does not exist fails the build with one error naming the delivery, the
// track and its file, and the build leaves no output, no temporary
// folder, no spill file and no memory held, although the first track's
// task may have been running.
func TestSpillFails(t *testing.T) {
	dir := t.TempDir()
	p := taggedProject(t, dir)
	root := spillRoot(t)
	withSpoolMemory(t, 0)
	o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats,
		Dest: filepath.Join(dir, "out"), Only: []string{"flac"}, BlockSize: 4096}

	create := createSpill
	t.Cleanup(func() { createSpill = create })
	createSpill = func(path string) (io.WriteCloser, error) {
		f, err := create(path)
		if err != nil || !strings.HasSuffix(path, "002.pcm") {
			return f, err
		}
		f.Close()
		return failingSpill{path}, nil
	}
	_, err := Build(t.Context(), o)
	if err == nil || !strings.HasPrefix(err.Error(), `render: delivery[1] "flac": track 2: 02 Les Éléments - Zwei.flac: spill file: write `) ||
		!strings.HasSuffix(err.Error(), "no space left on device") || strings.Count(err.Error(), "track") != 1 {
		t.Errorf("Build: %v, want one error naming the track and the full disk", err)
	}
	checkNoLeftovers(t, dir, o.Dest, root)
	checkSpoolsFreed(t)
	createSpill = create

	t.Setenv("TMPDIR", filepath.Join(root, "missing"))
	_, err = Build(t.Context(), o)
	if err == nil || !strings.HasPrefix(err.Error(), `render: delivery[1] "flac": track 1: 01 Les Éléments - Eins.flac: spill folder: `) ||
		!strings.HasSuffix(err.Error(), "no such file or directory") {
		t.Errorf("Build: %v, want an error naming the track and the missing folder", err)
	}
	checkNoLeftovers(t, dir, o.Dest, root)
}

// TestTaggedProgress: a flac delivery whose tracks are encoded after the
// stream passes them (one task at a time, each 50 ms longer than its
// work) reports its progress held to what is encoded: frame counts that
// rise by at least a tenth of a second of audio, below the total until
// every track is encoded, then the total, once.
func TestTaggedProgress(t *testing.T) {
	dir := t.TempDir()
	p := taggedProject(t, dir)
	spillRoot(t)
	var ended atomic.Int32
	withTasks(t, 1, func(start bool) {
		if start {
			time.Sleep(50 * time.Millisecond)
		} else {
			ended.Add(1)
		}
	})
	type report struct {
		Progress
		ended int32
	}
	var mu sync.Mutex
	var got []report
	rep, _ := build(t, p, func(o *BuildOptions) {
		o.Only = []string{"flac"}
		o.BlockSize = 1000
		o.Progress = func(pr Progress) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, report{pr, ended.Load()})
		}
	})
	rate := int64(rep.Deliveries[0].Rate)
	if len(got) < 2 {
		t.Fatalf("%d progress reports", len(got))
	}
	for i, r := range got {
		last := i == len(got)-1
		if r.Frames > r.Total || (r.Frames == r.Total) != last {
			t.Errorf("report %d of %d: %d of %d frames", i+1, len(got), r.Frames, r.Total)
		}
		if last && r.ended != 3 {
			t.Errorf("the delivery reported %d of %d frames with %d of 3 tracks encoded", r.Frames, r.Total, r.ended)
		}
		if i > 0 && !last && r.Frames-got[i-1].Frames < rate/10 {
			t.Errorf("report %d: %d frames after %d, less than a tenth of a second", i+1, r.Frames, got[i-1].Frames)
		}
		if i > 0 && r.Frames <= got[i-1].Frames {
			t.Errorf("report %d: %d frames after %d", i+1, r.Frames, got[i-1].Frames)
		}
	}
}

// TestTaskSlotsLongestFirst: a free slot goes to a task resuming (one
// that gave its slot back to wait for the stream) before one starting,
// and within each group to the waiting task expected to take longest, by
// the seconds per frame its kind's finished tasks took; a kind with none
// finished goes first, and equals go in the order they were queued.
func TestTaskSlotsLongestFirst(t *testing.T) {
	withTasks(t, 1, nil)
	var s taskSlots
	var fast, slow, unknown taskCost
	if !s.acquire(nil, 100, &fast, false) {
		t.Fatal("no slot free")
	}
	s.release(&fast, 100, time.Second) // fast: 10 ms a frame
	if !s.acquire(nil, 10, &slow, false) {
		t.Fatal("no slot free")
	}
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	names := []struct {
		name   string
		frames int64
		cost   *taskCost
		resume bool
	}{
		{"fast 100", 100, &fast, false},       // 1 s
		{"slow 100", 100, &slow, false},       // 10 s
		{"resume fast 1", 1, &fast, true},     // resuming: before the others
		{"fast 2000", 2000, &fast, false},     // 20 s
		{"unknown 1", 1, &unknown, false},     // not known: first of those not resuming
		{"resume slow 1", 1, &slow, true},     // resuming, and longer than the other
		{"slow 100 again", 100, &slow, false}, // 10 s, queued after the other
	}
	for i, n := range names {
		wg.Go(func() {
			if !s.acquire(nil, n.frames, n.cost, n.resume) {
				t.Errorf("%s: no slot", n.name)
				return
			}
			mu.Lock()
			order = append(order, n.name)
			mu.Unlock()
			s.release(nil, 0, 0)
		})
		for waiting := 0; waiting != i+1; time.Sleep(time.Millisecond) {
			s.mu.Lock()
			waiting = len(s.waiting)
			s.mu.Unlock()
		}
	}
	s.release(&slow, 10, time.Second) // slow: 100 ms a frame
	wg.Wait()
	want := []string{"resume slow 1", "resume fast 1", "unknown 1", "fast 2000", "slow 100", "slow 100 again", "fast 100"}
	if !slices.Equal(order, want) {
		t.Errorf("slots given in the order %q, want %q", order, want)
	}
}

// TestTaskSlotsProcs: each task holding a slot has a P of the Go runtime
// of its own on top of GOMAXPROCS as it was, the number of slots stays
// what GOMAXPROCS was, and the last task to give its slot back restores
// GOMAXPROCS.
func TestTaskSlotsProcs(t *testing.T) {
	base := runtime.GOMAXPROCS(0)
	stop := make(chan struct{})
	cost := &taskCost{}
	s := &encodeSlots
	for i := 1; i <= base; i++ {
		if !s.acquire(stop, 1, cost, false) {
			t.Fatalf("task %d got no slot", i)
		}
		if got := runtime.GOMAXPROCS(0); got != base+i {
			t.Errorf("%d tasks running: GOMAXPROCS %d, want %d", i, got, base+i)
		}
		if got := taskLimit(); got != base {
			t.Errorf("%d tasks running: %d slots, want %d", i, got, base)
		}
	}
	waited := make(chan bool)
	go func() { waited <- s.acquire(stop, 1, cost, false) }()
	select {
	case <-waited:
		t.Fatalf("a task beyond the %d slots got one", base)
	case <-time.After(20 * time.Millisecond):
	}
	s.release(nil, 0, 0)
	if !<-waited {
		t.Fatal("the waiting task got no slot")
	}
	if got := runtime.GOMAXPROCS(0); got != 2*base {
		t.Errorf("after a hand-over: GOMAXPROCS %d, want %d", got, 2*base)
	}
	for i := base - 1; i >= 0; i-- {
		s.release(nil, 0, 0)
		if got := runtime.GOMAXPROCS(0); got != base+i {
			t.Errorf("%d tasks running: GOMAXPROCS %d, want %d", i, got, base+i)
		}
	}
}

// TestCheckFails: an MP3 whose check (its decoding, a task of its own
// after the encode) fails fails the build with one error naming the
// delivery, the track and its file, and the build leaves no output, no
// temporary folder, no spill file and no memory held; with one slot, the
// checks hold it as the encodes do, one at a time.
func TestCheckFails(t *testing.T) {
	dir := t.TempDir()
	p := taggedProject(t, dir)
	root := spillRoot(t)
	var running, most atomic.Int32
	withTasks(t, 1, func(start bool) {
		if start {
			n := running.Add(1)
			most.Store(max(most.Load(), n))
		} else {
			running.Add(-1)
		}
	})
	old := decodeMP3
	t.Cleanup(func() { decodeMP3 = old })
	var checks atomic.Int32
	decodeMP3 = func(path string, measure bool) (*DecodedFile, error) {
		checks.Add(1)
		if n := running.Load(); n != 1 {
			t.Errorf("%s checked with %d tasks holding a slot, want 1", filepath.Base(path), n)
		}
		if strings.HasPrefix(filepath.Base(path), "02 ") {
			return nil, errors.New("mp3: frame 7: lost sync")
		}
		return old(path, measure)
	}
	o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats,
		Dest: filepath.Join(dir, "out"), Only: []string{"mp3"}, BlockSize: 4096}
	_, err := Build(t.Context(), o)
	if err == nil || err.Error() != `render: delivery[6] "mp3": track 2: 02 Les Éléments - Zwei.mp3: decode: mp3: frame 7: lost sync` {
		t.Errorf("Build: %v, want one error naming the track and the decoding's failure", err)
	}
	if checks.Load() == 0 || most.Load() != 1 {
		t.Errorf("%d checks, at most %d slots held at once, want some and 1", checks.Load(), most.Load())
	}
	checkNoLeftovers(t, dir, o.Dest, root)
	checkSpoolsFreed(t)
}
