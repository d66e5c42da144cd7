package main

import (
	"bytes"
	"image"
	pngenc "image/png"
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
)

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
	buildProject(t, dir, album.KindDDP)
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
	if names := entries(t, filepath.Join(dir, "elsewhere", "x")); !slices.Equal(names, []string{"MD5SUMS", "cd", "manifest.json", "report.html"}) {
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
	// Every default delivery is built, none skipped: the five delivery
	// folders, five tracks in each per-track one, and the manifest,
	// checksums and report beside them.
	if strings.Contains(stdout, "skipped") {
		t.Errorf("the demo skipped deliveries:\n%s", stdout)
	}
	out := filepath.Join(dir, "d", "out")
	if names := entries(t, out); !slices.Equal(names, []string{"MD5SUMS", "cue", "ddp", "flac", "manifest.json", "mp3", "report.html", "wav-cd"}) {
		t.Errorf("demo deliveries %v", names)
	}
	for _, del := range []struct{ name, ext, summary string }{
		{"wav-cd", ".wav", "  wav-cd (wav, 44100 Hz, 16-bit, tpdf dither): 5 files\n"},
		{"flac", ".flac", "  flac (flac, 96000 Hz, 24-bit, tpdf dither): 5 files\n"},
		{"mp3", ".mp3", "  mp3 (mp3, 44100 Hz, 32-bit float): 5 files\n"},
	} {
		files := entries(t, filepath.Join(out, del.name))
		if len(files) != 5 || files[0] != "01 The Synthesizers - Daybreak"+del.ext {
			t.Errorf("%s files %v", del.name, files)
		}
		if !strings.Contains(stdout, del.summary) {
			t.Errorf("stdout lacks %q:\n%s", del.summary, stdout)
		}
	}
}

// TestBuildCoverWarning: a cover that is not square and smaller than the
// stores ask for draws two warnings, naming the project and the picture,
// when a flac delivery embeds it; the build succeeds and the picture is
// in the files. Without a tagged flac or mp3 delivery selected, the cover
// is not read.
func TestBuildCoverWarning(t *testing.T) {
	dir := t.TempDir()
	buildProject(t, dir, album.KindFLAC)
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	var png bytes.Buffer
	if err := pngenc.Encode(&png, img); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "cover.png"), png.Bytes(), 0o644)
	project, _ := os.ReadFile(filepath.Join(dir, "album.toml"))
	os.WriteFile(filepath.Join(dir, "album.toml"), bytes.Replace(project, []byte("[album]\n"), []byte("[album]\ncover = \"cover.png\"\n"), 1), 0o644)
	code, _, stderr := lathe(t, dir, "-q", "build")
	// The picture is named as the project gives it, relative to the
	// folder lathe runs in.
	want := "album.toml: warning: cover cover.png: 300 x 200 pixels is not square; stores and players expect a square front cover\n" +
		"album.toml: warning: cover cover.png: 300 x 200 pixels; stores ask for at least 3000 x 3000\n"
	if code != 0 || stderr != want {
		t.Errorf("build: exit %d, stderr\n%s\nwant\n%s", code, stderr, want)
	}
	files := entries(t, filepath.Join(dir, "out", "other"))
	if len(files) != 2 {
		t.Fatalf("flac files %v", files)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "out", "other", files[0]))
	if !bytes.Contains(data, png.Bytes()) {
		t.Errorf("%s does not hold the cover", files[0])
	}
	if code, _, stderr := lathe(t, dir, "-q", "build", "--force", "--only", "cd"); code != 0 || stderr != "" {
		t.Errorf("build --only cd: exit %d, stderr %q", code, stderr)
	}
}
