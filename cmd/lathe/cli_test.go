package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"frobnicate"}, {"check", "--nope"}, {"init", "a", "b"}, {"version", "x"}} {
		code, _, stderr := lathe(t, dir, args...)
		if code != exitUsage {
			t.Errorf("lathe %v: exit %d, want %d", args, code, exitUsage)
		}
		if !strings.HasPrefix(stderr, "lathe: error: ") || !strings.Contains(stderr, "lathe: hint: run 'lathe help' for usage") {
			t.Errorf("lathe %v: stderr %q", args, stderr)
		}
	}
	code, stdout, _ := lathe(t, dir, "help", "check")
	if code != 0 || !strings.Contains(stdout, "Exit status:") {
		t.Errorf("lathe help check: exit %d, usage without exit statuses:\n%s", code, stdout)
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := lathe(t, t.TempDir(), "version")
	if code != 0 || !strings.HasPrefix(stdout, "lathe 0.1.0-dev (go") {
		t.Errorf("lathe version: exit %d, %q", code, stdout)
	}
}

func TestCheckMonoIsAWarning(t *testing.T) {
	dir := t.TempDir()
	pcmtest.WriteWAVFile(t, filepath.Join(dir, "mono.wav"), pcm.Format{Rate: 44100, Channels: 1, Bits: 16},
		[][]float64{pcmtest.Sine(1000, -20, 44100, 5*44100)})
	os.WriteFile(filepath.Join(dir, "album.toml"), []byte(tracksFor("mono.wav")), 0o644)
	code, stdout, stderr := lathe(t, dir, "check")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "album.toml:6:8: warning: track[1].file: mono.wav is mono: it is used as dual mono (the same signal on both channels)\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if !strings.Contains(stdout, "album.toml: ok") {
		t.Errorf("stdout %q", stdout)
	}
}

func TestCheckSeveralProjects(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"good", "bad"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
		writeTone(t, filepath.Join(dir, d, "a.wav"), 44100, 5)
	}
	os.WriteFile(filepath.Join(dir, "good", "album.toml"), []byte(tracksFor("a.wav")), 0o644)
	os.WriteFile(filepath.Join(dir, "bad", "album.toml"), []byte(tracksFor("a.wav")+"gain = 99\n"), 0o644)
	code, stdout, stderr := lathe(t, dir, "check", "good", "bad/album.toml")
	if code != exitFailed {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stdout, filepath.Join("good", "album.toml")+": ok") {
		t.Errorf("stdout %q lacks the good project", stdout)
	}
	want := "bad/album.toml:7:8: track[1].gain: 99 dB is out of range (want -60 to +40 dB)\nlathe: 1 of 2 projects failed: bad/album.toml\n"
	if stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

func TestInit(t *testing.T) {
	dir := t.TempDir()
	writeTone(t, filepath.Join(dir, "02 - Second Song.wav"), 48000, 4.5)
	writeTone(t, filepath.Join(dir, "01 First.wav"), 44100, 6)
	pcmtest.WriteWAVFileOptions(t, filepath.Join(dir, "03.wav"), pcm.Format{Rate: 96000, Channels: 2, Bits: 24},
		pcm.WAVOptions{Frames: 96000 * 5, Tags: []pcm.InfoTag{{ID: "INAM", Text: "Tagged \"Title\""}}},
		pcmtest.SineStereo(100, 200, -6, 96000, 96000*5))
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	code, stdout, stderr := lathe(t, dir, "init")
	if code != 0 {
		t.Fatalf("lathe init: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "with 3 tracks") {
		t.Errorf("stdout %q", stdout)
	}
	data, err := os.ReadFile(filepath.Join(dir, "album.toml"))
	if err != nil {
		t.Fatal(err)
	}
	a, probs := album.Decode("album.toml", data)
	if a == nil || probs.Err() != nil {
		t.Fatalf("init wrote an invalid project: %v\n%s", probs.Err(), data)
	}
	wantTitles := []string{"First", "Second Song", `Tagged "Title"`}
	wantFiles := []string{"01 First.wav", "02 - Second Song.wav", "03.wav"}
	for k, tr := range a.Tracks {
		if tr.Title != wantTitles[k] || tr.File != wantFiles[k] {
			t.Errorf("track %d = %q %q, want %q %q", k+1, tr.File, tr.Title, wantFiles[k], wantTitles[k])
		}
	}
	for _, note := range []string{"# 0:06.000, 44100 Hz 16-bit integer stereo WAV", "# 0:04.500, 48000 Hz 16-bit integer stereo WAV", "# 0:05.000, 96000 Hz 24-bit integer stereo WAV"} {
		if !strings.Contains(string(data), note) {
			t.Errorf("album.toml lacks %q:\n%s", note, data)
		}
	}
	// The project checks, and init refuses to overwrite it.
	if code, _, stderr := lathe(t, dir, "check"); code != 0 {
		t.Errorf("check after init: exit %d: %s", code, stderr)
	}
	code, _, stderr = lathe(t, dir, "init")
	if code != exitFailed || !strings.Contains(stderr, "album.toml already exists; init does not overwrite it") {
		t.Errorf("second init: exit %d, %q", code, stderr)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "album.toml")); string(after) != string(data) {
		t.Error("second init changed album.toml")
	}
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := lathe(t, dir, "demo", "d")
	if code != 0 {
		t.Fatalf("lathe demo: exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr %q, want nothing", stderr)
	}
	for _, want := range []string{"wrote the demo project to d", "d/album.toml: ok", "5 tracks", "program at 96000 Hz", "ZZLTH2600005 Segue II"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	// The sources have the formats the demo promises.
	want := map[string]pcm.Format{
		"01 Daybreak.wav":      {Rate: 44100, Channels: 2, Bits: 16},
		"02 Hi-Res Study.wav":  {Rate: 96000, Channels: 2, Bits: 24},
		"03 Broadcast Cut.wav": {Rate: 48000, Channels: 2, Bits: 24},
	}
	for name, f := range want {
		info, err := pcm.Probe(filepath.Join(dir, "d", "audio", name))
		if err != nil || info.Format != f {
			t.Errorf("%s: %+v, %v; want %+v", name, info.Format, err, f)
		}
	}
	// Again: refused without --force, replaced with it.
	if code, _, _ := lathe(t, dir, "demo", "d"); code != exitFailed {
		t.Errorf("second demo: exit %d, want 1", code)
	}
	if code, _, stderr := lathe(t, dir, "demo", "--force", "d"); code != 0 {
		t.Errorf("demo --force: exit %d: %s", code, stderr)
	}
}

func TestSettings(t *testing.T) {
	dir := t.TempDir()
	writeTone(t, filepath.Join(dir, "a.wav"), 44100, 5)
	os.WriteFile(filepath.Join(dir, "album.toml"), []byte(tracksFor("a.wav")), 0o644)
	// Quiet from the environment.
	t.Setenv("LATHE_QUIET", "true")
	if code, stdout, _ := lathe(t, dir, "check"); code != 0 || stdout != "" {
		t.Errorf("LATHE_QUIET=true: exit %d, stdout %q", code, stdout)
	}
	t.Setenv("LATHE_QUIET", "")
	// A settings file with an unknown key is refused.
	cfg := filepath.Join(dir, "config.toml")
	os.WriteFile(cfg, []byte("quiet = true\ncolour = \"always\"\n"), 0o644)
	code, _, stderr := lathe(t, dir, "--config", cfg, "check")
	if code != exitUsage || !strings.Contains(stderr, `unknown setting "colour"`) {
		t.Errorf("bad settings file: exit %d, %q", code, stderr)
	}
	os.WriteFile(cfg, []byte("quiet = true\n"), 0o644)
	if code, stdout, _ := lathe(t, dir, "--config", cfg, "check"); code != 0 || stdout != "" {
		t.Errorf("quiet settings file: exit %d, stdout %q", code, stdout)
	}
}
