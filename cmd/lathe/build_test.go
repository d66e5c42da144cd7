package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
	"github.com/lathe-audio/lathe/render"
)

// unimplemented returns a delivery kind with no writer yet, or "".
func unimplemented() album.Kind {
	for _, k := range []album.Kind{album.KindMP3, album.KindFLAC, album.KindCue, album.KindDDP} {
		if !render.Implemented(k) {
			return k
		}
	}
	return ""
}

// buildProject writes two tones and a project with a 16/44.1 wav delivery
// and, as delivery 2, one of the given kind.
func buildProject(t *testing.T, dir string, kind album.Kind) {
	t.Helper()
	writeTone(t, filepath.Join(dir, "a.wav"), 44100, 5)
	writeTone(t, filepath.Join(dir, "b.wav"), 44100, 6)
	os.WriteFile(filepath.Join(dir, "album.toml"), []byte(tracksFor("a.wav", "b.wav")+`
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
files = "both"

[[delivery]]
name = "other"
kind = "`+string(kind)+`"
`), 0o644)
}

// entries lists dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestBuild(t *testing.T) {
	dir := t.TempDir()
	kind := unimplemented()
	if kind == "" {
		kind = album.KindDDP
	}
	buildProject(t, dir, kind)
	// A kind with no writer yet fails the build, naming it.
	if !render.Implemented(kind) {
		code, stdout, stderr := lathe(t, dir, "build")
		if want := "lathe: error: render: delivery[2] \"other\": the " + string(kind) + " kind is not implemented yet; use --only to build the others\n"; code != exitFailed || stdout != "" || stderr != want {
			t.Errorf("build with a %s: exit %d, stdout %q, stderr %q", kind, code, stdout, stderr)
		}
		if names := entries(t, dir); !slices.Equal(names, []string{"a.wav", "album.toml", "b.wav"}) {
			t.Errorf("a failed build left %v", names)
		}
	}
	code, stdout, stderr := lathe(t, dir, "build", "--only", "cd")
	if code != 0 || stderr != "" {
		t.Fatalf("build --only cd: exit %d: %s", code, stderr)
	}
	want := "built out\n  cd (wav, 44100 Hz, 16-bit, tpdf dither): 3 files\n    01  gain +0.00 dB\n    02  gain +0.00 dB\n"
	if stdout != want {
		t.Errorf("summary\n%s\nwant\n%s", stdout, want)
	}
	files := entries(t, filepath.Join(dir, "out", "cd"))
	if !slices.Equal(files, []string{"01 Tester -.wav", "02 Tester -.wav", "Tester - Test.wav"}) {
		t.Errorf("files %v", files)
	}
	// Untouched 16-bit sources come out bit-identical.
	info, err := pcm.Probe(filepath.Join(dir, "out", "cd", files[0]))
	if err != nil || info.Format != (pcm.Format{Rate: 44100, Channels: 2, Bits: 16}) {
		t.Errorf("%s: %+v, %v", files[0], info, err)
	}
	src, _ := pcm.Open(filepath.Join(dir, "a.wav"))
	got, _ := pcm.Open(filepath.Join(dir, "out", "cd", files[0]))
	a, b := pcmtest.ReadAll(t, src), pcmtest.ReadAll(t, got)
	src.Close()
	got.Close()
	if !slices.Equal(a[0], b[0][:len(a[0])]) {
		t.Error("track 1 differs from its source")
	}
	// Again: refused without --force; -q prints nothing; -o elsewhere.
	code, _, stderr = lathe(t, dir, "build", "--only", "cd")
	if code != exitFailed || !strings.Contains(stderr, "out: exists") || !strings.Contains(stderr, "lathe: hint: use --force") {
		t.Errorf("second build: exit %d, %q", code, stderr)
	}
	if code, stdout, stderr := lathe(t, dir, "-q", "build", "--only", "cd", "--force"); code != 0 || stdout != "" {
		t.Errorf("build --force -q: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := lathe(t, dir, "build", "--only=cd", "-o", "elsewhere/x"); code != 0 {
		t.Errorf("build -o: exit %d: %s", code, stderr)
	}
	if names := entries(t, filepath.Join(dir, "elsewhere", "x")); !slices.Equal(names, []string{"cd"}) {
		t.Errorf("-o elsewhere/x holds %v", names)
	}
	if code, _, stderr := lathe(t, dir, "build", "--only", "nope"); code != exitFailed || !strings.Contains(stderr, `no delivery named "nope"`) {
		t.Errorf("--only nope: exit %d, %q", code, stderr)
	}
}

// TestBuildTruncatedFLAC: a FLAC source whose header is sound but whose
// audio is cut short fails the build mid-render, naming the track and
// file, and leaves no output folder.
func TestBuildTruncatedFLAC(t *testing.T) {
	flac := testtool.Require(t, "flac", "flac")
	dir := t.TempDir()
	writeTone(t, filepath.Join(dir, "a.wav"), 44100, 5)
	writeTone(t, filepath.Join(dir, "b.wav"), 44100, 6)
	if out, err := exec.Command(flac, "-s", "-f", "-o", filepath.Join(dir, "b.flac"), filepath.Join(dir, "b.wav")).CombinedOutput(); err != nil {
		t.Fatalf("flac: %v: %s", err, out)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "b.flac"))
	os.WriteFile(filepath.Join(dir, "b.flac"), data[:len(data)*2/3], 0o644)
	os.Remove(filepath.Join(dir, "b.wav"))
	os.WriteFile(filepath.Join(dir, "album.toml"), []byte(tracksFor("a.wav", "b.flac")+"[[delivery]]\nname = \"cd\"\nkind = \"wav\"\n"), 0o644)
	code, stdout, stderr := lathe(t, dir, "build")
	if code != exitFailed || stdout != "" || !strings.HasPrefix(stderr, "lathe: error: render: track 2: ") ||
		!strings.Contains(stderr, "b.flac") || !strings.Contains(stderr, "truncated") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"a.wav", "album.toml", "b.flac"}) {
		t.Errorf("the failed build left %v", names)
	}
}

func TestDemoBuilds(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := lathe(t, dir, "demo", "d")
	if code != 0 || stderr != "" {
		t.Fatalf("lathe demo: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"built d/out\n", "  wav-cd (wav, 44100 Hz, 16-bit, tpdf dither): 5 files\n"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	// The demo's default deliveries: those lathe writes are built, the
	// others named as skipped.
	var skipped []string
	for i, k := range []album.Kind{album.KindDDP, album.KindCue, album.KindFLAC, album.KindMP3} {
		if render.Implemented(k) {
			if _, err := os.Stat(filepath.Join(dir, "d", "out", string(k))); err != nil {
				t.Errorf("the %s delivery was not built: %v", k, err)
			}
			continue
		}
		skipped = append(skipped, fmt.Sprintf("delivery[%d] %q (%s)", i+1, k, k))
	}
	if want := "  skipped (not implemented yet): " + strings.Join(skipped, ", ") + "\n"; len(skipped) > 0 && !strings.Contains(stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout)
	}
	files := entries(t, filepath.Join(dir, "d", "out", "wav-cd"))
	if len(files) != 5 || files[0] != "01 The Synthesizers - Daybreak.wav" {
		t.Errorf("demo files %v", files)
	}
}
