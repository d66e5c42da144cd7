package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
)

// runTool runs an external tool in dir and returns its combined output;
// a non-zero exit fails the test.
func runTool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// extractWorked builds the worked-example DDP, extracts it and returns the
// extraction folder (Disc.cue, Disc.wav, per-track WAVs).
func extractWorked(t *testing.T) string {
	t.Helper()
	d := workedDisc()
	dir := writeTestDDP(t, d, testImage(d))
	out := filepath.Join(t.TempDir(), "x")
	if code, _, stderr := lathe(t, t.TempDir(), "ddp", "extract", dir, "-o", out); code != 0 {
		t.Fatalf("extract: exit %d: %s", code, stderr)
	}
	return out
}

// TestInteropExtractFlac: flac accepts the extracted album cue as a CD-DA
// cue sheet ("is CD: true") with the §1 offsets: track 2 starts at its
// index 00, LBA 375 (220500 samples), track 3 at LBA 1050 (617400), each
// index 01 two seconds (88200 samples) after its index 00, the lead-out at
// LBA 1688 (992544); the MCN, the ISRCs and pre-emphasis on track 2.
func TestInteropExtractFlac(t *testing.T) {
	testtool.Require(t, "flac", "flac")
	testtool.Require(t, "metaflac", "flac")
	out := extractWorked(t)
	runTool(t, out, "flac", "-s", "-f", "--cuesheet=Disc.cue", "-o", "disc.flac", "Disc.wav")
	list := runTool(t, out, "metaflac", "--list", "--block-type=CUESHEET", "disc.flac")
	for _, w := range []string{
		"is CD: true", "media catalog number: 5012345678900",
		"ISRC: GBAAA2400001", "ISRC: GBAAA2400002", "pre-emphasis: true",
		"offset: 220500", "offset: 617400", "offset: 88200", "offset: 992544",
	} {
		if !strings.Contains(list, w) {
			t.Errorf("metaflac lacks %q:\n%s", w, list)
		}
	}
}

// TestInteropExtractCdrdao: cdrdao reads the extracted cue with no
// warning; its START and PREGAP sectors are the PQ A-times − 150 of §1
// (track 1: START 0; track 2: PREGAP 150, START 525; track 3: PREGAP 150,
// START 1200), and toc-size is DSL − 150 = 1688 blocks.
func TestInteropExtractCdrdao(t *testing.T) {
	testtool.Require(t, "cdrdao", "cdrdao")
	out := extractWorked(t)
	toc := runTool(t, out, "cdrdao", "show-toc", "Disc.cue")
	if strings.Contains(strings.ToLower(toc), "warning") {
		t.Errorf("cdrdao warns:\n%s", toc)
	}
	re := regexp.MustCompile(`(?m)^\s+(PREGAP|START)\s+\d\d:\d\d:\d\d\(\s*(\d+)\)`)
	var got []string
	for _, m := range re.FindAllStringSubmatch(toc, -1) {
		got = append(got, m[1]+" "+m[2])
	}
	if want := []string{"START 0", "PREGAP 150", "START 525", "PREGAP 150", "START 1200"}; !slices.Equal(got, want) {
		t.Errorf("cdrdao: %v, want %v\n%s", got, want, toc)
	}
	for _, w := range []string{"CATALOG NUMBER: 5012345678900", "ISRC GB AAA 24 00001", "ISRC GB AAA 24 00002", "\n          PRE-EMPHASIS\n"} {
		if !strings.Contains(toc, w) {
			t.Errorf("cdrdao show-toc lacks %q:\n%s", w, toc)
		}
	}
	if size := runTool(t, out, "cdrdao", "toc-size", "Disc.cue"); !strings.Contains(size, "\n1688\n") {
		t.Errorf("cdrdao toc-size = %q, want 1688 blocks", size)
	}
}

// TestInteropExtractCuebreakpoints: cuetools splits the album at tracks 2
// and 3's index 01, LBA 525 and 1200 (0:07.00, 0:16.00).
func TestInteropExtractCuebreakpoints(t *testing.T) {
	testtool.Require(t, "cuebreakpoints", "cuetools")
	out := extractWorked(t)
	if got := strings.Fields(runTool(t, out, "cuebreakpoints", "Disc.cue")); !slices.Equal(got, []string{"0:07.00", "0:16.00"}) {
		t.Errorf("cuebreakpoints = %q, want 0:07.00 0:16.00", got)
	}
}

// TestInteropExtractShninfo: every extracted WAV is canonical 16/44.1
// stereo and cut on a sector boundary.
func TestInteropExtractShninfo(t *testing.T) {
	testtool.Require(t, "shninfo", "shntool")
	out := extractWorked(t)
	for _, f := range []string{"Disc.wav", "01 Track One.wav", "02 Track Two.wav", "03 Track Three.wav"} {
		info := regexp.MustCompile(`[ \t]+`).ReplaceAllString(runTool(t, out, "shninfo", f), " ")
		for _, w := range []string{"Channels: 2\n", "Bits/sample: 16\n", "Samples/sec: 44100\n", "CD quality: yes\n",
			"Cut on sector boundary: yes\n", "Sector misalignment: 0 bytes\n", "Non-canonical header: no\n",
			"Extra RIFF chunks: no\n", "File probably truncated: no\n"} {
			if !strings.Contains(info, w) {
				t.Errorf("%s: shninfo lacks %q:\n%s", f, w, info)
			}
		}
	}
}
