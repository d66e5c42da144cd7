package main

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdda/cddatest"
	"github.com/lathe-audio/lathe/cue"
	"github.com/lathe-audio/lathe/ddp"
	"github.com/lathe-audio/lathe/pcm"
)

// workedDisc is the album of docs/cd-formats.md §2.10 (cddatest.WorkedDisc).
func workedDisc() *cdda.Disc { return cddatest.WorkedDisc() }

// testImage returns IMAGE.DAT content for d: silence for track 1's pregap,
// then a deterministic pattern with no zero byte up to the lead-out.
func testImage(d *cdda.Disc) []byte {
	b := make([]byte, d.LeadOut*cdda.SectorBytes)
	x := uint32(2024)
	for i := d.Tracks[0].Index[0] * cdda.SectorBytes; i < len(b); i++ {
		x = x*1664525 + 1013904223
		b[i] = byte(x>>24) | 1
	}
	return b
}

// writeTestDDP writes a DDP of d and image into a new folder and returns it.
func writeTestDDP(t *testing.T, d *cdda.Disc, image []byte) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ddp")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := ddp.NewWriter(dir, d, nil)
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	if _, err := w.Write(image); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return dir
}

// rewriteChecksums rewrites CHECKSUM.MD5 for the files it names, after a
// test changed one of them on purpose.
func rewriteChecksums(t *testing.T, dir string) {
	t.Helper()
	old, err := os.ReadFile(filepath.Join(dir, "CHECKSUM.MD5"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(string(old)), "\n") {
		name := line[34:]
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		sum := md5.Sum(data)
		fmt.Fprintf(&b, "%s *%s\n", hex.EncodeToString(sum[:]), name)
	}
	os.WriteFile(filepath.Join(dir, "CHECKSUM.MD5"), []byte(b.String()), 0o644)
}

// patchFile overwrites bytes of a file at off.
func patchFile(t *testing.T, path string, off int64, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// wavData returns the format and the PCM bytes of a canonical WAV file
// (a 44-byte header, as pcm's writer makes with no options).
func wavData(t *testing.T, path string) (pcm.Format, []byte) {
	t.Helper()
	info, err := pcm.Probe(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[36:40]) != "data" || int(binary.LittleEndian.Uint32(b[40:])) != len(b)-44 {
		t.Fatalf("%s: not a canonical 44-byte-header WAV", path)
	}
	return info.Format, b[44:]
}

// sectors returns the image bytes of the A-time span [from, to).
func sectors(image []byte, from, to int) []byte {
	return image[from*cdda.SectorBytes : to*cdda.SectorBytes]
}

// TestDDPInfoText: the listing shows the §1 times of the worked example:
// track 2's index 00 at A-time 00:07:00 (LBA 375, 2 s before its index
// 01), index 01 at 00:09:00 (LBA 525), track 3's at 00:16:00/00:18:00,
// the lead-out at 00:24:38, a total of 00:22:38, the ISRCs, PRE on
// track 2, the CD-Text and the checksum status.
func TestDDPInfoText(t *testing.T) {
	d := workedDisc()
	dir := writeTestDDP(t, d, testImage(d))
	code, stdout, stderr := lathe(t, t.TempDir(), "ddp", "info", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(stdout, "\n")
	has := func(fields ...string) {
		t.Helper()
		for _, l := range lines {
			if slices.Equal(strings.Fields(l), fields) {
				return
			}
		}
		t.Errorf("no line %q in:\n%s", strings.Join(fields, " "), stdout)
	}
	has("DDP", "2.00", "master", "ID", `"TESTMASTER`, `001"`)
	has("Total", "00:22:38", "(3", "tracks)")
	has("Checksums", "CHECKSUM.MD5:", "5", "files", "OK")
	has("CD-Text", "English", "(0x09)")
	has("UPC/EAN", "5012345678900")
	has("Lead-out", "00:24:38", "(1838", "sectors)")
	// TRK IDX START RELATIVE LBA LENGTH ISRC FLAGS TITLE
	has("01", "00", "00:00:00", "-00:02:00", "-150", "00:02:00", "GBAAA2400001", "-", "Track", "One")
	has("01", "01", "00:02:00", "00:00:00", "0", "00:05:00", "GBAAA2400001", "-", "Track", "One")
	has("02", "00", "00:07:00", "-00:02:00", "375", "00:02:00", "GBAAA2400002", "PRE", "Track", "Two")
	has("02", "01", "00:09:00", "00:00:00", "525", "00:07:00", "GBAAA2400002", "PRE", "Track", "Two")
	has("03", "00", "00:16:00", "-00:02:00", "1050", "00:02:00", "-", "-", "Track", "Three")
	has("03", "01", "00:18:00", "00:00:00", "1200", "00:06:38", "-", "-", "Track", "Three")
	has("AA", "01", "00:24:38", "1688")
	has("disc", "title", `"Disc"`)
	has("disc", "performer", `"Artist"`)
	has("02", "title", `"Track`, `Two"`)
	has("03", "performer", `"Artist"`)
}

// TestDDPInfoJSON: the JSON listing carries the same facts, in the
// documented schema.
func TestDDPInfoJSON(t *testing.T) {
	d := workedDisc()
	dir := writeTestDDP(t, d, testImage(d))
	code, stdout, stderr := lathe(t, t.TempDir(), "ddp", "info", "--json", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Schema, Level, MasterID, UPC string
		Total                        struct{ Sectors int }
		LeadOut                      struct{ Sectors int } `json:"lead_out"`
		Pre2                         int
		Tracks                       []struct {
			Number        int
			ISRC          string
			PreEmphasis   bool `json:"pre_emphasis"`
			Pause, Length struct{ Sectors int }
			Indexes       []struct {
				Number             int
				Absolute, Relative struct {
					Sectors int
					MSF     string
				}
				LBA int
			}
			CDText struct{ Title, Performer string }
		}
		CDText struct {
			Language     int
			LanguageName string `json:"language_name"`
			Disc         struct{ Title, Performer string }
		}
		Checksums struct {
			Status, File string
			Entries      []struct {
				File string
				OK   bool
			}
		}
		Warnings []any
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode: %v\n%s", err, stdout)
	}
	if got.Schema != "lathe/ddp-info/1" || got.Level != "DDP 2.00" || got.UPC != "5012345678900" || got.Pre2 != 150 {
		t.Errorf("header: %+v", got)
	}
	if got.Total.Sectors != 1688 || got.LeadOut.Sectors != 1838 {
		t.Errorf("total %d, lead-out %d; want 1688, 1838", got.Total.Sectors, got.LeadOut.Sectors)
	}
	want := []struct {
		isrc          string
		pre           bool
		pause, length int
		idx           []int // A-times of index 00, 01
		title         string
	}{
		{"GBAAA2400001", false, 150, 525, []int{0, 150}, "Track One"},
		{"GBAAA2400002", true, 150, 675, []int{525, 675}, "Track Two"},
		{"", false, 150, 488, []int{1200, 1350}, "Track Three"},
	}
	if len(got.Tracks) != len(want) {
		t.Fatalf("%d tracks, want %d", len(got.Tracks), len(want))
	}
	for i, w := range want {
		g := got.Tracks[i]
		if g.Number != i+1 || g.ISRC != w.isrc || g.PreEmphasis != w.pre || g.Pause.Sectors != w.pause ||
			g.Length.Sectors != w.length || g.CDText.Title != w.title || g.CDText.Performer != "Artist" {
			t.Errorf("track %d: %+v, want %+v", i+1, g, w)
		}
		if len(g.Indexes) != 2 {
			t.Errorf("track %d: %d indexes, want 2", i+1, len(g.Indexes))
			continue
		}
		for k, at := range w.idx {
			x := g.Indexes[k]
			if x.Number != k || x.Absolute.Sectors != at || x.LBA != at-150 || x.Relative.Sectors != at-w.idx[1] {
				t.Errorf("track %d index %02d: %+v, want A-time %d", i+1, k, x, at)
			}
		}
	}
	if x := got.Tracks[1].Indexes[0]; x.Absolute.MSF != "00:07:00" || x.Relative.MSF != "-00:02:00" {
		t.Errorf("track 2 index 00: %+v, want 00:07:00 and -00:02:00", x)
	}
	if got.CDText.Language != 9 || got.CDText.LanguageName != "English" || got.CDText.Disc.Title != "Disc" {
		t.Errorf("cdtext: %+v", got.CDText)
	}
	if got.Checksums.Status != "ok" || got.Checksums.File != "CHECKSUM.MD5" || len(got.Checksums.Entries) != 5 {
		t.Errorf("checksums: %+v", got.Checksums)
	}
	if got.Warnings == nil || len(got.Warnings) != 0 {
		t.Errorf("warnings %v, want []", got.Warnings)
	}
}

// TestDDPInfoChecksumFailed: a flipped byte in IMAGE.DAT still gets the
// listing, marked FAILED, with the file named and exit status 1.
func TestDDPInfoChecksumFailed(t *testing.T) {
	d := workedDisc()
	dir := writeTestDDP(t, d, testImage(d))
	patchFile(t, filepath.Join(dir, "IMAGE.DAT"), 1000*cdda.SectorBytes+7, []byte{0})
	code, stdout, stderr := lathe(t, t.TempDir(), "ddp", "info", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(stdout, "Checksums FAILED") || !strings.Contains(stdout, "00:24:38") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if !strings.Contains(stderr, "lathe: error: ddp: IMAGE.DAT: MD5 ") {
		t.Errorf("stderr %q does not name IMAGE.DAT", stderr)
	}
	code, stdout, _ = lathe(t, t.TempDir(), "ddp", "info", "--json", dir)
	var got struct {
		Checksums struct {
			Status string
			Errors []struct{ File, Severity string }
		}
		Warnings []any
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil || code != 1 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if got.Checksums.Status != "failed" || len(got.Checksums.Errors) != 1 || got.Checksums.Errors[0].File != "IMAGE.DAT" {
		t.Errorf("checksums %+v", got.Checksums)
	}
	if len(got.Warnings) != 0 {
		t.Errorf("warnings %v, want none (the checksum file exists)", got.Warnings)
	}
}

// TestDDPUnreadable: broken filesets give one clear message per problem,
// exit 1, never a panic, and extract leaves nothing behind.
func TestDDPUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir string)
		want  string
	}{
		{"truncated image", func(t *testing.T, dir string) {
			os.Truncate(filepath.Join(dir, "IMAGE.DAT"), 1000*cdda.SectorBytes)
		}, "ddp: IMAGE.DAT: truncated: 2352000 bytes, DDPMS DSL 1838 sectors needs 4322976"},
		{"missing image", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "IMAGE.DAT"), filepath.Join(dir, "IMAGE.BAK"))
		}, "ddp: IMAGE.DAT: missing (DDPMS names it)"},
		{"missing pq", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "PQDESCR"))
		}, "ddp: PQDESCR: missing (DDPMS names it)"},
		{"empty ddpms", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "DDPMS"), nil, 0o644)
		}, "ddp: DDPMS: 0 bytes is not a whole number of 128-byte map packets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := workedDisc()
			dir := writeTestDDP(t, d, testImage(d))
			tc.spoil(t, dir)
			code, _, stderr := lathe(t, t.TempDir(), "ddp", "info", dir)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("info: exit %d, stderr %q; want 1 and %q", code, stderr, tc.want)
			}
			parent := t.TempDir()
			out := filepath.Join(parent, "out")
			code, _, stderr = lathe(t, parent, "ddp", "extract", dir, "-o", out)
			if code != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("extract: exit %d, stderr %q; want 1 and %q", code, stderr, tc.want)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("extract left %v behind", entries)
			}
		})
	}
}

// TestDDPExtract: the per-track WAVs hold IMAGE.DAT from each track's index
// 01 to the next one's (§1: A-times 150, 675, 1350, lead-out 1838), the
// album WAV holds A-time 150 to the lead-out, and the cue gives the §1
// cue times with CATALOG, ISRC, FLAGS PRE and the titles.
func TestDDPExtract(t *testing.T) {
	d := workedDisc()
	image := testImage(d)
	dir := writeTestDDP(t, d, image)
	parent := t.TempDir()
	out := filepath.Join(parent, "extracted")
	code, stdout, stderr := lathe(t, parent, "ddp", "extract", dir, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	wantFiles := []string{"01 Track One.wav", "02 Track Two.wav", "03 Track Three.wav", "Disc.cue", "Disc.wav"}
	var gotFiles []string
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		gotFiles = append(gotFiles, e.Name())
	}
	if !slices.Equal(gotFiles, wantFiles) {
		t.Fatalf("files %q, want %q", gotFiles, wantFiles)
	}
	if rest, _ := os.ReadDir(parent); len(rest) != 1 {
		t.Errorf("temporary folders left beside OUT: %v", rest)
	}
	for _, f := range wantFiles {
		if !strings.Contains(stdout, "  "+f+"\n") {
			t.Errorf("stdout does not list %q:\n%s", f, stdout)
		}
	}
	spans := [][2]int{{150, 675}, {675, 1350}, {1350, 1838}, {150, 1838}}
	for i, name := range []string{wantFiles[0], wantFiles[1], wantFiles[2], "Disc.wav"} {
		f, data := wavData(t, filepath.Join(out, name))
		if f != (pcm.Format{Rate: 44100, Channels: 2, Bits: 16}) {
			t.Errorf("%s: format %v", name, f)
		}
		if !bytes.Equal(data, sectors(image, spans[i][0], spans[i][1])) {
			t.Errorf("%s: PCM is not IMAGE.DAT sectors %d..%d", name, spans[i][0], spans[i][1])
		}
	}
	sheetBytes, _ := os.ReadFile(filepath.Join(out, "Disc.cue"))
	sheet, err := cue.Parse(sheetBytes)
	if err != nil {
		t.Fatalf("cue.Parse: %v\n%s", err, sheetBytes)
	}
	if sheet.Catalog != "5012345678900" || sheet.Title != "Disc" || sheet.Performer != "Artist" ||
		len(sheet.Files) != 1 || sheet.Files[0] != (cue.File{Name: "Disc.wav", Type: "WAVE"}) {
		t.Errorf("cue header: %+v", sheet)
	}
	wantIdx := [][]cue.Index{
		{{Number: 1, Time: 0}},
		{{Number: 0, Time: 375}, {Number: 1, Time: 525}}, // INDEX 00 00:05:00, INDEX 01 00:07:00
		{{Number: 0, Time: 1050}, {Number: 1, Time: 1200}},
	}
	wantISRC := []string{"GBAAA2400001", "GBAAA2400002", ""}
	if len(sheet.Tracks) != 3 {
		t.Fatalf("cue has %d tracks", len(sheet.Tracks))
	}
	for i, tr := range sheet.Tracks {
		if !slices.Equal(tr.Indexes, wantIdx[i]) || tr.ISRC != wantISRC[i] || tr.Title != d.Text.Tracks[i].Title {
			t.Errorf("cue track %d: %+v", i+1, tr)
		}
		if pre := slices.Contains(tr.Flags, "PRE"); pre != (i == 1) {
			t.Errorf("cue track %d: flags %v", i+1, tr.Flags)
		}
	}
	// OUT exists now: a second run refuses it and leaves it alone.
	code, _, stderr = lathe(t, parent, "ddp", "extract", dir, "-o", out)
	if code != 1 || !strings.Contains(stderr, out+" already exists") {
		t.Errorf("second extract: exit %d, %q", code, stderr)
	}
	if after, _ := os.ReadDir(out); len(after) != len(wantFiles) {
		t.Errorf("second extract changed OUT: %v", after)
	}
}

// TestDDPExtractNoCDText: without CD-Text the files are numbered only,
// and a hidden track in a 4-second pregap is in the album WAV (the cue
// gets INDEX 00 at 00:00:00 and INDEX 01 at 00:02:00, §1) but not in
// track 1's file.
func TestDDPExtractNoCDText(t *testing.T) {
	d := &cdda.Disc{
		Tracks:  []cdda.Track{{Pregap: 300, Index: []int{300}}, {Index: []int{900}}},
		LeadOut: 1500,
	}
	image := testImage(d)
	for i := 150 * cdda.SectorBytes; i < 300*cdda.SectorBytes; i++ {
		image[i] = 0x55 // hidden track audio after the silent 2 s
	}
	dir := writeTestDDP(t, d, image)
	out := filepath.Join(t.TempDir(), "x")
	if code, _, stderr := lathe(t, t.TempDir(), "ddp", "extract", dir, "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for name, span := range map[string][2]int{"01.wav": {300, 900}, "02.wav": {900, 1500}, "album.wav": {150, 1500}} {
		if _, data := wavData(t, filepath.Join(out, name)); !bytes.Equal(data, sectors(image, span[0], span[1])) {
			t.Errorf("%s: PCM is not IMAGE.DAT sectors %d..%d", name, span[0], span[1])
		}
	}
	sheetBytes, _ := os.ReadFile(filepath.Join(out, "album.cue"))
	sheet, err := cue.Parse(sheetBytes)
	if err != nil {
		t.Fatal(err)
	}
	if got := sheet.Tracks[0].Indexes; !slices.Equal(got, []cue.Index{{Number: 0, Time: 0}, {Number: 1, Time: 150}}) {
		t.Errorf("track 1 indexes %+v", got)
	}
	if got := sheet.Tracks[1].Indexes; !slices.Equal(got, []cue.Index{{Number: 1, Time: 750}}) {
		t.Errorf("track 2 indexes %+v", got)
	}
}

func TestDDPUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"ddp"}, {"ddp", "frob"}, {"ddp", "info"}, {"ddp", "extract", dir}, {"verify"}} {
		if code, _, stderr := lathe(t, dir, args...); code != exitUsage {
			t.Errorf("lathe %v: exit %d, want %d (%s)", args, code, exitUsage, stderr)
		}
	}
	code, _, stderr := lathe(t, dir, "ddp", "info", dir)
	if code != 1 || !strings.Contains(stderr, "not a DDP folder") {
		t.Errorf("info on an empty folder: exit %d, %q", code, stderr)
	}
}
