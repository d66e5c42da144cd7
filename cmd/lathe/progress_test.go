package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vbauerster/mpb/v8/decor"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/render"
)

// TestBuildNoTerminal: when standard error is not a terminal, a build
// prints the summary on standard output and nothing else anywhere; with
// -q, nothing at all.
func TestBuildNoTerminal(t *testing.T) {
	dir := t.TempDir()
	buildProject(t, dir, album.KindFLAC)
	code, stdout, stderr := lathe(t, dir, "build")
	want := "built out\n" +
		"  cd (wav, 44100 Hz, 16-bit, tpdf dither): 3 files\n    01  gain +0.00 dB\n    02  gain +0.00 dB\n" +
		"  other (flac, 44100 Hz, 24-bit, tpdf dither): 2 files\n    01  gain +0.00 dB\n    02  gain +0.00 dB\n"
	if code != 0 || stdout != want || stderr != "" {
		t.Errorf("exit %d, stdout\n%s\nstderr %q; want the summary\n%s", code, stdout, stderr, want)
	}
	code, stdout, stderr = lathe(t, dir, "-q", "build", "--force")
	if code != 0 || stdout != "" || stderr != "" {
		t.Errorf("-q: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// barLine matches one line of a bar as the display draws it.
var barLine = regexp.MustCompile(`^\S+ +track \d\d/\d\d +\[[=>-]*\] +\d+ % +(ETA \S+|done)$`)

// TestBuildProgressBars: with standard error taken for a terminal, a
// build that analyzes draws an analysis bar, then a bar per selected
// delivery and none for the others; standard error holds nothing but
// bars (and the cursor movements that redraw and finally clear them),
// and standard output, not a terminal, the summary alone.
func TestBuildProgressBars(t *testing.T) {
	dir := t.TempDir()
	longProject(t, dir, 2, 20)
	project, _ := os.ReadFile(filepath.Join(dir, "album.toml"))
	project = bytes.Replace(project, []byte("[[track]]"), []byte("[loudness]\nmatch = \"track\"\ntarget = -16.0\n\n[[track]]"), 1)
	os.WriteFile(filepath.Join(dir, "album.toml"), project, 0o644)

	var stdout, stderr bytes.Buffer
	defer func(f func(io.Writer) bool, d time.Duration) { isTerminal, progressRefresh = f, d }(isTerminal, progressRefresh)
	isTerminal = func(w io.Writer) bool { return w == &stderr }
	progressRefresh = 10 * time.Millisecond
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Chdir(dir)
	if code := run([]string{"build", "--only", "cd"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "built out\n  cd (wav, 44100 Hz, 16-bit, tpdf dither): 2 files\n") || strings.Count(stdout.String(), "\n") != 4 {
		t.Errorf("stdout %q, want the summary of the cd delivery", stdout.String())
	}
	screen := stderr.String()
	if !strings.HasSuffix(screen, "A\x1b[J") {
		t.Errorf("the bars are not cleared at the end: %q", screen[max(0, len(screen)-200):])
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(regexp.MustCompile(`\x1b\[\d+A\x1b\[J`).ReplaceAllString(screen, ""), "\n") {
		if line == "" {
			continue
		}
		if !barLine.MatchString(line) {
			t.Errorf("standard error holds %q, which is not a bar", line)
			continue
		}
		seen[strings.Fields(line)[0]] = true
	}
	if !seen["analysis"] || !seen["cd"] || seen["hires"] || len(seen) != 2 {
		t.Errorf("bars for %v, want analysis and cd", seen)
	}
}

func TestStreamBarTrack(t *testing.T) {
	s := &streamBar{starts: []int64{88200, 300000, 500000}}
	for _, c := range []struct {
		current int64
		want    string
	}{
		{0, "track 01/03"}, // the pregap belongs to track 1
		{88200, "track 01/03"},
		{299999, "track 01/03"},
		{300000, "track 02/03"},
		{500000, "track 03/03"},
		{900000, "track 03/03"},
	} {
		if got := s.track(decor.Statistics{Current: c.current, Total: 900000}); got != c.want {
			t.Errorf("track at frame %d = %q, want %q", c.current, got, c.want)
		}
	}
}

func TestStreamBarETA(t *testing.T) {
	s := &streamBar{}
	s.start.Store(time.Now().Add(-10 * time.Second).UnixNano())
	for _, c := range []struct {
		current, total int64
		want           string
	}{
		{250, 1000, "ETA 0:30"}, // a quarter in 10 s: 30 s left
		{500, 1000, "ETA 0:10"},
		{10, 1000, "ETA 16:30"},
		{0, 1000, "ETA -:--"},
		{1000, 1000, "done"},
	} {
		if got := s.eta(decor.Statistics{Current: c.current, Total: c.total}); got != c.want {
			t.Errorf("eta at %d of %d after 10 s = %q, want %q", c.current, c.total, got, c.want)
		}
	}
	s.start.Store(time.Now().UnixNano())
	if got := s.eta(decor.Statistics{Current: 500, Total: 1000}); got != "ETA -:--" {
		t.Errorf("eta in the first second = %q, want no estimate", got)
	}
}

// TestBuildBarsReport: the Progress hook stores the figures of the
// analysis and of the selected deliveries, and ignores the others.
func TestBuildBarsReport(t *testing.T) {
	a := &album.Album{Deliveries: []album.Delivery{{Name: "ddp", Rate: 44100}, {Name: "flac"}, {Name: "mp3", Rate: 48000}}}
	l := &album.Layout{Rate: 96000, LeadOut: 750, Tracks: []album.TrackLayout{{Index: []int64{150}}, {Index: []int64{450}}}}
	d := &display{}
	b := d.add(&project{album: a, layout: l}, []string{"ddp", "mp3"}, "x: ")
	if len(b.streams) != 4 || b.streams[2] != nil {
		t.Fatalf("streams %v, want the analysis, ddp and mp3", b.streams)
	}
	if got := b.streams[0].label; got != "x: analysis" {
		t.Errorf("label %q", got)
	}
	if got := b.streams[3].starts; len(got) != 2 || got[0] != 96000 || got[1] != 288000 {
		t.Errorf("mp3 track starts %v, want [96000 288000] (sectors 150 and 450 at 48 kHz)", got)
	}
	if got := b.streams[0].starts; got[0] != 192000 {
		t.Errorf("analysis track 1 starts at %d, want 192000 (at the program rate)", got[0])
	}
	b.report(render.Progress{Delivery: -1, Frames: 10, Total: 100})
	b.report(render.Progress{Delivery: 1, Pass: 1, Frames: 20, Total: 200})
	b.report(render.Progress{Delivery: 2, Pass: 2, Frames: 30, Total: 300})
	if s := b.streams[0]; s.frames.Load() != 10 || s.total.Load() != 100 || s.pass.Load() != 1 {
		t.Errorf("analysis %d of %d, pass %d", s.frames.Load(), s.total.Load(), s.pass.Load())
	}
	if s := b.streams[3]; s.frames.Load() != 30 || s.total.Load() != 300 || s.pass.Load() != 3 {
		t.Errorf("mp3 %d of %d, pass %d", s.frames.Load(), s.total.Load(), s.pass.Load())
	}
	if s := b.streams[1]; s.pass.Load() != 0 {
		t.Errorf("ddp stored a report of the unselected flac delivery")
	}
}
