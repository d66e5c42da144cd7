package ddp

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
	"github.com/lathe-audio/lathe/internal/testtool"
)

// TestWorkedExample writes the album of docs/cd-formats.md §2.10 and
// compares every descriptor with the bytes printed there (with lathe's
// space padding for SIZ, §2.3).
func TestWorkedExample(t *testing.T) {
	d := workedDisc()
	dir := writeDDP(t, d, audio(d, cdda.SectorBytes/2), nil)

	// DDPID: DDP 2.00|5012345678900|8sp|8sp|1sp|TESTMASTER 001 (48)|sp|CD|4sp|2sp|33sp
	wantID := "DDP 2.00" + "5012345678900" + pad("", 8) + pad("", 8) + " " + pad("TESTMASTER 001", 48) + " " + "CD" + pad("", 4) + pad("", 2) + pad("", 33)
	if got := string(readFile(t, dir, "DDPID")); got != wantID {
		t.Errorf("DDPID:\n got %q\nwant %q", got, wantID)
	}

	// DDPMS: three 128-byte packets; fields at the offsets of §2.5.
	ms := func(dst, dsl, sub, cdm, ssm, scr, pre2, trk, dsi string) string {
		b := []byte(pad("", 128))
		put := func(off int, s string) { copy(b[off:], s) }
		put(0, "VVVM")
		put(4, dst)
		put(14, dsl)
		put(30, sub)
		put(38, cdm)
		put(40, ssm)
		put(41, scr)
		put(46, pre2)
		put(55, trk)
		put(71, " 17")
		put(74, dsi)
		return string(b)
	}
	wantMS := ms("S0", "     180", "CDTEXT", "", "", "", "", "00", "CDTEXT.BIN") +
		ms("S0", "     576", "PQ DESCR", "", "", "", "", "", "PQDESCR") +
		ms("D0", "    1838", "", "DA", "7", "0", " 150", "", "IMAGE.DAT")
	if got := string(readFile(t, dir, "DDPMS")); got != wantMS {
		for i := 0; i < len(wantMS) && i < len(got); i += 128 {
			if got[i:i+128] != wantMS[i:i+128] {
				t.Errorf("DDPMS packet %d:\n got %q\nwant %q", i/128, got[i:i+128], wantMS[i:i+128])
			}
		}
		if len(got) != len(wantMS) {
			t.Errorf("DDPMS is %d bytes, want %d", len(got), len(wantMS))
		}
	}

	// PQDESCR: the nine packets as printed in §2.10 (first 48 of 64 bytes).
	wantPQ := []string{
		"VVVS0000  00000001              5012345678900",
		"VVVS0100  00000001  GBAAA2400001",
		"VVVS0101  00020001  GBAAA2400001",
		"VVVS0200  00070011  GBAAA2400002",
		"VVVS0201  00090011  GBAAA2400002",
		"VVVS0300  00160001",
		"VVVS0301  00180001",
		"VVVSAA01  00243801",
		"VVVSAA01  00243801",
	}
	pq := readFile(t, dir, "PQDESCR")
	if len(pq) != len(wantPQ)*64 {
		t.Fatalf("PQDESCR is %d bytes, want %d", len(pq), len(wantPQ)*64)
	}
	for i, w := range wantPQ {
		if got := string(pq[i*64 : i*64+64]); got != pad(w, 64) {
			t.Errorf("PQ packet %d:\n got %q\nwant %q", i, got, pad(w, 64))
		}
	}

	if got := readFile(t, dir, "CDTEXT.BIN"); !bytes.Equal(got, golden(t)) {
		t.Errorf("CDTEXT.BIN differs from the §4.7 golden vector:\n got %x", got)
	}

	img := readFile(t, dir, "IMAGE.DAT")
	if len(img) != 4322976 {
		t.Errorf("IMAGE.DAT is %d bytes, want 4322976 (1838 sectors)", len(img))
	}
	if !bytes.Equal(img[:150*2352], make([]byte, 150*2352)) {
		t.Error("the first PRE2 sectors of IMAGE.DAT are not silent")
	}
	if tail := img[len(img)-1176:]; !bytes.Equal(tail, make([]byte, 1176)) {
		t.Error("the padding of the last sector is not zero")
	}
	if want := audio(d, 1176); !bytes.Equal(img[:len(want)], want) {
		t.Error("IMAGE.DAT does not hold the audio written")
	}

	checkSums(t, dir, []string{"DDPID", "DDPMS", "CDTEXT.BIN", "PQDESCR", "IMAGE.DAT"})
}

// checkSums checks CHECKSUM.MD5 against §8 item 7 and against MD5s
// computed here, and runs md5sum -c when it is installed.
func checkSums(t *testing.T, dir string, files []string) {
	t.Helper()
	sums := string(readFile(t, dir, "CHECKSUM.MD5"))
	lines := strings.Split(strings.TrimSuffix(sums, "\n"), "\n")
	if len(lines) != len(files) {
		t.Fatalf("CHECKSUM.MD5 has %d lines, want %d:\n%s", len(lines), len(files), sums)
	}
	re := regexp.MustCompile(`^[0-9a-f]{32} \*[A-Z0-9._]+$`)
	for i, name := range files {
		sum := md5.Sum(readFile(t, dir, name))
		want := hex.EncodeToString(sum[:]) + " *" + name
		if lines[i] != want || !re.MatchString(lines[i]) {
			t.Errorf("CHECKSUM.MD5 line %d = %q, want %q", i+1, lines[i], want)
		}
	}
	if _, err := exec.LookPath("md5sum"); err == nil {
		cmd := exec.Command("md5sum", "-c", "CHECKSUM.MD5")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("md5sum -c: %v\n%s", err, out)
		}
	}
}

// pqLines returns the PQ packets of a written DDP as strings.
func pqLines(t *testing.T, dir string) []string {
	pq := readFile(t, dir, "PQDESCR")
	var out []string
	for i := 0; i+64 <= len(pq); i += 64 {
		out = append(out, strings.TrimRight(string(pq[i:i+64]), " "))
	}
	return out
}

func TestPQFields(t *testing.T) {
	cases := []struct {
		name string
		disc func() *cdda.Disc
		opt  *Options
		want []string
	}{
		{
			name: "copy permitted, SCMS, extra index points, gapless, no UPC",
			disc: func() *cdda.Disc {
				return &cdda.Disc{
					Tracks: []cdda.Track{
						{Pregap: 150, Index: []int{150, 300, 420}, CopyPermitted: true},
						{Index: []int{800}, SCMS: true, ISRC: "USRC17607839"},        // gapless
						{Index: []int{1200}, PreEmphasis: true, CopyPermitted: true}, // gapless
					},
					LeadOut: 1600,
				}
			},
			want: []string{
				"VVVS0000  00000001",
				"VVVS0100  00000021",
				"VVVS0101  00020021",
				"VVVS0102  00040021",
				"VVVS0103  00054521",
				"VVVS0201  0010500S  USRC17607839",
				"VVVS0301  00160031",
				"VVVSAA01  00212501",
				"VVVSAA01  00212501",
			},
		},
		{
			name: "long track-1 pregap (hidden track), ISRC on the first packet only",
			disc: func() *cdda.Disc {
				return &cdda.Disc{
					UPC:     "0036000291452",
					Tracks:  []cdda.Track{{Pregap: 3000, Index: []int{3000}, ISRC: "GBAAA2400001"}, {Pregap: 75, Index: []int{3375}, ISRC: "GBAAA2400002"}},
					LeadOut: 3700,
				}
			},
			opt: &Options{ISRC: ISRCFirstPacket},
			want: []string{
				"VVVS0000  00000001              0036000291452",
				"VVVS0100  00000001  GBAAA2400001",
				"VVVS0101  00400001",
				"VVVS0200  00440001  GBAAA2400002",
				"VVVS0201  00450001",
				"VVVSAA01  00492501",
				"VVVSAA01  00492501",
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.disc()
			dir := writeDDP(t, d, audio(d, 0), c.opt)
			got := pqLines(t, dir)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("PQDESCR:\n got %q\nwant %q", got, c.want)
			}
			id := readFile(t, dir, "DDPID")
			if upc := string(id[8:21]); upc != pad(d.UPC, 13) {
				t.Errorf("DDPID UPC = %q, want %q", upc, d.UPC)
			}
			ms := readFile(t, dir, "DDPMS")
			if len(ms) != 2*128 {
				t.Fatalf("DDPMS is %d bytes, want 2 packets (no CD-Text)", len(ms))
			}
			if pre2 := string(ms[128+46 : 128+50]); pre2 != fmt.Sprintf("%4d", d.Tracks[0].Index[0]) {
				t.Errorf("PRE2 = %q, want %d", pre2, d.Tracks[0].Index[0])
			}
			if _, err := os.Stat(filepath.Join(dir, "CDTEXT.BIN")); err == nil {
				t.Error("CDTEXT.BIN written for a disc without CD-Text")
			}
			checkSums(t, dir, []string{"DDPID", "DDPMS", "PQDESCR", "IMAGE.DAT"})
		})
	}
}

// album99 is a 99-track album of 4-second tracks with 1-second gaps.
func album99() *cdda.Disc {
	d := &cdda.Disc{Text: &cdtext.Text{Language: cdtext.LanguageEnglish, Disc: cdtext.Strings{Title: "Ninety-nine"}}}
	at := 150
	for i := 0; i < 99; i++ {
		tr := cdda.Track{Pregap: 75, Index: []int{at}}
		if i == 0 {
			tr.Pregap = 150
		}
		d.Tracks = append(d.Tracks, tr)
		d.Text.Tracks = append(d.Text.Tracks, cdtext.Strings{Title: fmt.Sprintf("T%d", i+1)})
		at += 300 + 75
	}
	d.LeadOut = at - 75
	return d
}

func TestNinetyNineTracks(t *testing.T) {
	d := album99()
	dir := writeDDP(t, d, audio(d, 0), nil)
	got := pqLines(t, dir)
	if len(got) != 1+99*2+2 {
		t.Fatalf("%d PQ packets, want %d", len(got), 1+99*2+2)
	}
	// Track 99 (packets 197, 198): index 00 at 150+98*375-75 = 36825 = 08:11:00, index 01 at 36900 = 08:12:00.
	if got[197] != "VVVS9900  08110001" || got[198] != "VVVS9901  08120001" {
		t.Errorf("track 99 packets = %q, %q", got[197], got[198])
	}
	if got[199] != "VVVSAA01  08160001" {
		t.Errorf("lead-out = %q, want 08:16:00 (36900+300)", got[199])
	}
	img, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if len(img.Disc.Tracks) != 99 || img.Disc.Text.Tracks[98].Title != "T99" {
		t.Errorf("read back %d tracks, last title %q", len(img.Disc.Tracks), img.Disc.Text.Tracks[98].Title)
	}
}

func TestWriterRefuses(t *testing.T) {
	d := workedDisc()
	d.Tracks[1].Pregap = 550 // track 2 index 00 at 125, inside track 1's pregap
	dir := t.TempDir()
	if _, err := NewWriter(dir, d, nil); err == nil || !strings.Contains(err.Error(), "track 2 index 00") {
		t.Errorf("NewWriter(overlapping track 2) error = %v", err)
	}
	d = workedDisc()
	d.Text.Tracks[2].Title = "Трек"
	if _, err := NewWriter(dir, d, nil); err == nil || !strings.Contains(err.Error(), "track 3 title") {
		t.Errorf("NewWriter(Cyrillic title) error = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused disc left %d files", len(entries))
	}

	// Too little audio: Close fails and removes what it wrote.
	d = workedDisc()
	w, err := NewWriter(dir, d, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(make([]byte, 1837*2352))
	w.Write(make([]byte, 4))
	if err := w.Close(); err != nil {
		t.Fatalf("Close after 1837 sectors + 1 frame: %v (the last sector is padded)", err)
	}
	dir = t.TempDir()
	w, _ = NewWriter(dir, d, nil)
	w.Write(make([]byte, 1836*2352))
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "1836 sectors") {
		t.Errorf("Close after 1836 of 1838 sectors: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed Close left %d files", len(entries))
	}
	// Too much audio.
	dir = t.TempDir()
	w, _ = NewWriter(dir, d, nil)
	if _, err := w.Write(make([]byte, 1838*2352+4)); err == nil || !strings.Contains(err.Error(), "lead-out") {
		t.Errorf("Write beyond the lead-out: %v", err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed Write succeeded")
	}
	// Sound in the mandatory 2-second pregap.
	dir = t.TempDir()
	w, _ = NewWriter(dir, d, nil)
	a := make([]byte, 2352*200)
	a[149*2352+10] = 1
	if _, err := w.Write(a); err == nil || !strings.Contains(err.Error(), "byte 350458") {
		t.Errorf("Write(sound at byte 350458): %v", err)
	}
	w.Close()
	// Odd byte count.
	dir = t.TempDir()
	w, _ = NewWriter(dir, d, nil)
	w.Write(make([]byte, 1837*2352+2))
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "stereo frames") {
		t.Errorf("Close after half a frame: %v", err)
	}
}

// TestDeterministic writes the same disc and audio twice, in different
// chunk sizes, and wants byte-identical folders.
func TestDeterministic(t *testing.T) {
	d := workedDisc()
	a := audio(d, 1000)
	dir1 := writeDDP(t, d, a, nil)
	dir2 := t.TempDir()
	w, err := NewWriter(dir2, workedDisc(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(a); i += 787 {
		w.Write(a[i:min(i+787, len(a))])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	e1, _ := os.ReadDir(dir1)
	e2, _ := os.ReadDir(dir2)
	if len(e1) != 6 || len(e1) != len(e2) {
		t.Fatalf("%d and %d files, want 6", len(e1), len(e2))
	}
	for _, e := range e1 {
		if !bytes.Equal(readFile(t, dir1, e.Name()), readFile(t, dir2, e.Name())) {
			t.Errorf("%s differs between two runs", e.Name())
		}
	}
}

func TestMd5sumTool(t *testing.T) {
	testtool.Require(t, "md5sum", "coreutils")
	d := workedDisc()
	dir := writeDDP(t, d, audio(d, 0), nil)
	cmd := exec.Command("md5sum", "-c", "--strict", "CHECKSUM.MD5")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Count(string(out), ": OK") != 5 {
		t.Errorf("md5sum -c: %v\n%s", err, out)
	}
}
