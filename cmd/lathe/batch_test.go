package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// batchProjects writes three projects, a, b and c, each of two tones and
// one 16/44.1 wav delivery. b raises its second track by 15 dB with
// over_ceiling = "error", so its build fails after rendering, when the
// delivery measures the track over the ceiling.
func batchProjects(t *testing.T, dir string) {
	t.Helper()
	for _, name := range []string{"a", "b", "c"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(p, 0o755)
		writeTone(t, filepath.Join(p, "1.wav"), 44100, 5)
		writeTone(t, filepath.Join(p, "2.wav"), 44100, 5)
		project := tracksFor("1.wav", "2.wav")
		if name == "b" {
			project += "gain = 15\n\n[loudness]\nover_ceiling = \"error\"\n"
		}
		project += "\n[[delivery]]\nname = \"cd\"\nkind = \"wav\"\nrate = 44100\nbits = 16\n"
		if err := os.WriteFile(filepath.Join(p, "album.toml"), []byte(project), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// buildSummary is what lathe build prints for a project of
// batchProjects that builds into dest.
func buildSummary(dest string) string {
	return "built " + dest + "\n  cd (wav, 44100 Hz, 16-bit, tpdf dither): 2 files\n    01  gain +0.00 dB\n    02  gain +0.00 dB\n"
}

// TestBuildSeveralProjects: of three projects, the bad one fails and is
// reported with its name, the other two are built, in the order given at
// any -j, the exit status is 1, and the bad one leaves neither an output
// folder nor a temporary one.
func TestBuildSeveralProjects(t *testing.T) {
	for _, jobs := range []string{"1", "3"} {
		t.Run("j"+jobs, func(t *testing.T) {
			dir := t.TempDir()
			batchProjects(t, dir)
			code, stdout, stderr := lathe(t, dir, "build", "-j", jobs, "a", "b/album.toml", "c")
			if code != exitFailed {
				t.Errorf("exit %d, want %d", code, exitFailed)
			}
			if want := buildSummary("a/out") + buildSummary("c/out"); stdout != want {
				t.Errorf("stdout\n%s\nwant\n%s", stdout, want)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 2 ||
				!strings.HasPrefix(lines[0], `lathe: error: b/album.toml: render: delivery[1] "cd": loudness: track 2: true peak `) ||
				!strings.Contains(lines[0], "exceeds the ceiling -1.00 dBTP") ||
				lines[1] != "lathe: 1 of 3 projects failed: b/album.toml" {
				t.Errorf("stderr\n%s", stderr)
			}
			for _, name := range []string{"a", "c"} {
				if files := entries(t, filepath.Join(dir, name, "out", "cd")); len(files) != 2 {
					t.Errorf("%s/out/cd holds %v", name, files)
				}
			}
			if names := entries(t, filepath.Join(dir, "b")); !slices.Equal(names, []string{"1.wav", "2.wav", "album.toml"}) {
				t.Errorf("the failed build left %v in b", names)
			}
		})
	}
}

// TestBuildSeveralProjectsOutput: with several projects, -o DIR puts each
// release into DIR/<its folder name>; two projects with the same folder
// name are refused as a usage error before anything is built, and so is
// one project given twice.
func TestBuildSeveralProjectsOutput(t *testing.T) {
	dir := t.TempDir()
	batchProjects(t, dir)
	code, stdout, stderr := lathe(t, dir, "build", "-o", "dist", "a", "c/album.toml")
	if code != 0 || stderr != "" {
		t.Fatalf("build -o dist a c: exit %d: %s", code, stderr)
	}
	if want := buildSummary("dist/a") + buildSummary("dist/c"); stdout != want {
		t.Errorf("stdout\n%s\nwant\n%s", stdout, want)
	}
	if names := entries(t, filepath.Join(dir, "dist")); !slices.Equal(names, []string{"a", "c"}) {
		t.Errorf("dist holds %v", names)
	}

	os.MkdirAll(filepath.Join(dir, "x", "a"), 0o755)
	os.Rename(filepath.Join(dir, "c", "album.toml"), filepath.Join(dir, "x", "a", "album.toml"))
	code, stdout, stderr = lathe(t, dir, "build", "-o", "other", "a", "x/a")
	want := "lathe: error: projects a/album.toml and x/a/album.toml would both be built into other/a (with several projects, -o DIR puts each into DIR/<its folder name>)\n"
	if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, want) {
		t.Errorf("colliding folder names: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "other")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused batch created its output folder: %v", err)
	}
	code, _, stderr = lathe(t, dir, "build", "a", "a/album.toml")
	if code != exitUsage || !strings.HasPrefix(stderr, "lathe: error: projects a/album.toml and a/album.toml would both be built into a/out\n") {
		t.Errorf("one project twice: exit %d, stderr %q", code, stderr)
	}
}

// TestRunBatch: runBatch never runs more than jobs projects at once (and
// reaches that many), prints every project's output whole and in order,
// names each failure, and does not start projects once the context is
// cancelled.
func TestRunBatch(t *testing.T) {
	args := []string{"p0", "p1", "p2", "p3", "p4", "p5"}
	for _, jobs := range []int{1, 2, 4} {
		var mu sync.Mutex
		running, peak := 0, 0
		full := make(chan struct{})
		var once sync.Once
		do := func(_ context.Context, e *env, i int) error {
			mu.Lock()
			running++
			peak = max(peak, running)
			if running == jobs && peak == jobs && i < jobs {
				once.Do(func() { close(full) }) // the first jobs projects all run
			}
			mu.Unlock()
			select {
			case <-full:
			case <-time.After(10 * time.Second):
			}
			fmt.Fprintf(e.stdout, "out %d\n", i)
			fmt.Fprintf(e.stderr, "err %d\n", i)
			mu.Lock()
			running--
			mu.Unlock()
			if i == 3 {
				return errors.New("boom")
			}
			return nil
		}
		var stdout, stderr bytes.Buffer
		err := runBatch(context.Background(), &env{stdout: &stdout, stderr: &stderr}, args, jobs, do)
		if !errors.As(err, new(reportedError)) {
			t.Errorf("jobs %d: error %v, want a reported error", jobs, err)
		}
		if peak != jobs {
			t.Errorf("jobs %d: %d projects ran at once", jobs, peak)
		}
		if want := "out 0\nout 1\nout 2\nout 3\nout 4\nout 5\n"; stdout.String() != want {
			t.Errorf("jobs %d: stdout %q, want %q", jobs, stdout.String(), want)
		}
		want := "err 0\nerr 1\nerr 2\nerr 3\nlathe: error: p3: boom\nerr 4\nerr 5\nlathe: 1 of 6 projects failed: p3\n"
		if stderr.String() != want {
			t.Errorf("jobs %d: stderr %q, want %q", jobs, stderr.String(), want)
		}
	}

	// A cancelled batch starts nothing more.
	ctx, cancel := context.WithCancel(context.Background())
	started := 0
	do := func(_ context.Context, e *env, i int) error {
		started++
		cancel()
		return nil
	}
	var stdout, stderr bytes.Buffer
	err := runBatch(ctx, &env{stdout: &stdout, stderr: &stderr}, args[:3], 1, do)
	want := "lathe: error: p1: interrupted before it started\nlathe: error: p2: interrupted before it started\nlathe: 2 of 3 projects failed: p1, p2\n"
	if err == nil || started != 1 || stderr.String() != want {
		t.Errorf("cancelled batch: started %d, error %v, stderr %q", started, err, stderr.String())
	}
}

func TestJobsSetting(t *testing.T) {
	for _, c := range []struct {
		s         settings
		def, want int
	}{
		{settings{}, 1, 1},
		{settings{}, 8, 8},
		{settings{}, 0, 1},
		{settings{Jobs: 3}, 1, 3},
		{settings{Jobs: 3}, 8, 3},
	} {
		if got := c.s.jobs(c.def); got != c.want {
			t.Errorf("settings{Jobs: %d}.jobs(%d) = %d, want %d", c.s.Jobs, c.def, got, c.want)
		}
	}
	dir := t.TempDir()
	t.Setenv("LATHE_JOBS", "-2")
	if code, _, stderr := lathe(t, dir, "check"); code != exitUsage || !strings.Contains(stderr, "jobs: -2 is not a number of projects") {
		t.Errorf("LATHE_JOBS=-2: exit %d, stderr %q", code, stderr)
	}
}

// TestBuildJSON: build --json prints the manifest.json of the build, byte
// for byte, and no summary; with several projects, the manifest of each
// project built, in the order given, and none for a failed one.
func TestBuildJSON(t *testing.T) {
	dir := t.TempDir()
	batchProjects(t, dir)
	code, stdout, stderr := lathe(t, dir, "build", "--json", "a")
	if code != 0 || stderr != "" {
		t.Fatalf("build --json a: exit %d: %s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(dir, "a", "out", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if stdout != string(want) {
		t.Errorf("stdout is not a/out/manifest.json:\n%s", stdout)
	}
	var m struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal([]byte(stdout), &m); err != nil || m.Schema != "lathe/manifest/1" {
		t.Errorf("stdout: schema %q, %v", m.Schema, err)
	}

	code, stdout, _ = lathe(t, dir, "build", "--json", "-o", "dist", "c", "b", "a")
	if code != exitFailed {
		t.Errorf("build --json c b a: exit %d, want %d", code, exitFailed)
	}
	var got []string
	dec := json.NewDecoder(strings.NewReader(stdout))
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("stdout is not a sequence of JSON objects: %v\n%s", err, stdout)
		}
		got = append(got, string(raw))
	}
	var wants []string
	for _, name := range []string{"c", "a"} {
		data, err := os.ReadFile(filepath.Join(dir, "dist", name, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		wants = append(wants, strings.TrimSpace(string(data)))
	}
	if !slices.Equal(got, wants) {
		t.Errorf("stdout holds %d objects, want the manifests of c and a:\n%s", len(got), stdout)
	}
}
