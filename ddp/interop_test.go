package ddp

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cue"
	"github.com/lathe-audio/lathe/internal/testtool"
)

// toCueBin converts a DDP to disc.cue + disc.bin + disc.cdt the way
// docs/cd-formats.md §6.4 describes, with lathe's own code: the bin is
// IMAGE.DAT without its first 150 sectors (LBA 0 onwards, little-endian
// under BINARY), every cue time is the PQ A-time − 150, and the CD-Text file
// of the DDP is referenced through CDTEXTFILE. cd-info opens <cue
// basename>.bin, hence the names.
func toCueBin(t *testing.T, ddpDir string) (string, *Image) {
	t.Helper()
	fsys := os.DirFS(ddpDir)
	img, err := Read(fsys)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { img.Close() })
	out := t.TempDir()
	prog := io.NewSectionReader(img.Audio(), cdda.MinPregap*cdda.SectorBytes, int64(img.Disc.LeadOut-cdda.MinPregap)*cdda.SectorBytes)
	bin, err := os.Create(filepath.Join(out, "disc.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(bin, prog); err != nil {
		t.Fatal(err)
	}
	bin.Close()
	opt := cue.Options{File: "disc.bin", Type: cue.Binary}
	for _, s := range img.Streams {
		if s.Sub == "CDTEXT" {
			b, err := fs.ReadFile(fsys, s.File)
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(out, "disc.cdt"), b, 0o644)
			opt.CDTextFile = "disc.cdt"
		}
	}
	var c bytes.Buffer
	if err := cue.Write(&c, &img.Disc, opt); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "disc.cue"), c.Bytes(), 0o644)
	return out, img
}

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

// TestInteropCDInfo: libcdio decodes the DDP's CD-Text and lists the
// tracks at MSF = PQ A-time and LSN = A-time − 150 (§1 table: 00:02:00/0,
// 00:09:00/525, 00:18:00/1200, lead-out 00:24:38/1688), with the MCN and
// pre-emphasis.
func TestInteropCDInfo(t *testing.T) {
	testtool.Require(t, "cd-info", "libcdio-utils")
	d := workedDisc()
	dir, _ := toCueBin(t, writeDDP(t, d, audio(d, 0), nil))
	out := runTool(t, dir, "cd-info", "--no-device-info", "--cue-file", "disc.cue")
	for _, w := range []string{
		"  1: 00:02:00  000000 audio  false  no    2        no",
		"  2: 00:09:00  000525 audio  false  no    2        yes",
		"  3: 00:18:00  001200 audio  false  no    2        no",
		"170: 00:24:38  001688 leadout",
		"Media Catalog Number (MCN): 5012345678900",
		"CD-TEXT for Disc:\n\tTITLE: Disc\n\tPERFORMER: Artist\n",
		"CD-TEXT for Track  1:\n\tTITLE: Track One\n\tPERFORMER: Artist\n",
		"CD-TEXT for Track  2:\n\tTITLE: Track Two\n\tPERFORMER: Artist\n",
		"CD-TEXT for Track  3:\n\tTITLE: Track Three\n\tPERFORMER: Artist\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("cd-info output lacks %q:\n%s", w, out)
		}
	}
}

// TestInteropCdrskin: libburn decodes CDTEXT.BIN to the same strings.
func TestInteropCdrskin(t *testing.T) {
	testtool.Require(t, "cdrskin", "cdrskin")
	d := workedDisc()
	d.Text.Tracks[1].Title = "Zweiter Titel: Grüße"
	dir := writeDDP(t, d, audio(d, 0), nil)
	out := runTool(t, dir, "cdrskin", "textfile_to_v07t=CDTEXT.BIN")
	// cdrskin prints the Latin-1 bytes as they are.
	out = string(bytes.ReplaceAll([]byte(out), []byte("Gr\xfc\xdfe"), []byte("Grüße")))
	for _, w := range []string{
		"Text Code           = 8859", "Language Code       = English",
		"Album Title         = Disc", "Artist Name         = Artist",
		"First Track Number  = 1", "Last Track Number   = 3",
		"Track 01 Title      = Track One", "Track 02 Title      = Zweiter Titel: Grüße",
		"Track 03 Title      = Track Three", "Track 03 Artist     = Artist",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("cdrskin output lacks %q:\n%s", w, out)
		}
	}
}

// TestInteropCdrdao: cdrdao reads the converted cue: START and PREGAP
// sectors equal the PQ A-times − 150; its only warning is the documented
// "ignoring CDTEXTFILE".
func TestInteropCdrdao(t *testing.T) {
	testtool.Require(t, "cdrdao", "cdrdao")
	for name, d := range map[string]*cdda.Disc{"worked example": workedDisc(), "99 tracks": album99()} {
		t.Run(name, func(t *testing.T) {
			dir, img := toCueBin(t, writeDDP(t, d, audio(d, 0), nil))
			out := runTool(t, dir, "cdrdao", "show-toc", "disc.cue")
			for _, line := range strings.Split(out, "\n") {
				if strings.Contains(strings.ToLower(line), "warning") && !strings.Contains(line, "ignoring CDTEXTFILE") {
					t.Errorf("cdrdao warns: %s", line)
				}
			}
			re := regexp.MustCompile(`(?m)^\s+(PREGAP|START)\s+\d\d:\d\d:\d\d\(\s*(\d+)\)`)
			var got, want []string
			for _, m := range re.FindAllStringSubmatch(out, -1) {
				got = append(got, m[1]+" "+m[2])
			}
			for _, e := range img.PQ {
				switch {
				case e.Track == 0 || e.Track == leadOutTrack || e.Track == 1 && e.Index == 0:
				case e.Index == 0:
					want = append(want, fmt.Sprintf("PREGAP %d", d.Tracks[e.Track-1].Pregap))
				case e.Index == 1:
					want = append(want, fmt.Sprintf("START %d", e.Time-150))
				}
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("cdrdao: %v\nwant %v", got, want)
			}
			size := runTool(t, dir, "cdrdao", "toc-size", "disc.cue")
			if !strings.Contains(size, fmt.Sprintf("\n%d\n", d.LeadOut-150)) {
				t.Errorf("cdrdao toc-size = %q, want %d blocks (DSL − 150)", size, d.LeadOut-150)
			}
		})
	}
}

// TestInteropCuebreakpoints: cuetools splits the converted cue at track 2
// and 3's index 01 (LBA 525 = 0:07.00, 1200 = 0:16.00, §1 table).
func TestInteropCuebreakpoints(t *testing.T) {
	testtool.Require(t, "cuebreakpoints", "cuetools")
	d := workedDisc()
	dir, _ := toCueBin(t, writeDDP(t, d, audio(d, 0), nil))
	if got := strings.Fields(runTool(t, dir, "cuebreakpoints", "disc.cue")); strings.Join(got, " ") != "0:07.00 0:16.00" {
		t.Errorf("cuebreakpoints = %q, want 0:07.00 0:16.00", got)
	}
}

// TestInteropFlac: flac takes the converted bin as raw little-endian PCM
// with the converted cue and calls it a CD; the bin holds the audio
// written from A-time 150 on.
func TestInteropFlac(t *testing.T) {
	testtool.Require(t, "flac", "flac")
	testtool.Require(t, "metaflac", "flac")
	d := workedDisc()
	a := audio(d, 0)
	dir, _ := toCueBin(t, writeDDP(t, d, a, nil))
	if bin, _ := os.ReadFile(filepath.Join(dir, "disc.bin")); !bytes.Equal(bin, a[150*2352:]) {
		t.Error("disc.bin is not the audio from A-time 150")
	}
	runTool(t, dir, "flac", "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "--channels=2",
		"--bps=16", "--sample-rate=44100", "--cuesheet=disc.cue", "-o", "disc.flac", "disc.bin")
	out := runTool(t, dir, "metaflac", "--list", "--block-type=CUESHEET", "disc.flac")
	for _, w := range []string{"is CD: true", "media catalog number: 5012345678900", "ISRC: GBAAA2400002", "pre-emphasis: true",
		"offset: 617400", // track 3 starts at its index 00: A-time 1200 − 150 = 1050 sectors × 588
		"offset: 992544", // lead-out: 1688 × 588
	} {
		if !strings.Contains(out, w) {
			t.Errorf("metaflac lacks %q:\n%s", w, out)
		}
	}
}
