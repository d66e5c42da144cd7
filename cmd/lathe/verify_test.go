package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/ddp"
)

func TestVerifyClean(t *testing.T) {
	d := workedDisc()
	dir := writeTestDDP(t, d, testImage(d))
	code, stdout, stderr := lathe(t, t.TempDir(), "verify", dir)
	if code != 0 || stdout != dir+": ok\n" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// A delivery folder with the DDP in its DDP subfolder is found too.
	parent := t.TempDir()
	if err := os.Rename(dir, filepath.Join(parent, "DDP")); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = lathe(t, t.TempDir(), "verify", parent)
	if want := filepath.Join(parent, "DDP") + ": ok\n"; code != 0 || stdout != want {
		t.Errorf("delivery folder: exit %d, stdout %q, want %q", code, stdout, want)
	}
}

// TestVerifyErrors: each damage is reported precisely, naming the file
// (and the CD-Text pack), with exit status 1 and no panic.
func TestVerifyErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, dir string)
		want  []string // lines of the listing, after the severity
	}{
		{"flipped image byte", func(t *testing.T, dir string) {
			patchFile(t, filepath.Join(dir, "IMAGE.DAT"), 700*cdda.SectorBytes+3, []byte{0})
		}, []string{"IMAGE.DAT: MD5 "}},
		{"cd-text crc", func(t *testing.T, dir string) {
			// Pack 3's CRC (bytes 16-17) is zeroed; the checksum file is
			// brought up to date so only the CRC is wrong.
			patchFile(t, filepath.Join(dir, "CDTEXT.BIN"), 3*18+16, []byte{0, 0})
			rewriteChecksums(t, dir)
		}, []string{"CDTEXT.BIN: pack 3: CRC 0000, want "}},
		{"cd-text text", func(t *testing.T, dir string) {
			// A changed character in pack 1 leaves its CRC stale.
			patchFile(t, filepath.Join(dir, "CDTEXT.BIN"), 1*18+6, []byte{'X'})
			rewriteChecksums(t, dir)
		}, []string{"CDTEXT.BIN: pack 1: CRC "}},
		{"truncated image", func(t *testing.T, dir string) {
			os.Truncate(filepath.Join(dir, "IMAGE.DAT"), 10)
		}, []string{"IMAGE.DAT: truncated: 10 bytes, DDPMS DSL 1838 sectors needs 4322976"}},
		{"missing cd-text", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "CDTEXT.BIN"))
		}, []string{"CDTEXT.BIN: missing (DDPMS names it)"}},
		{"bad pq time", func(t *testing.T, dir string) {
			// Packet 4 is track 2's index 01 at 000900; 00:61:00 is no time.
			patchFile(t, filepath.Join(dir, "PQDESCR"), 4*64+10, []byte("006100"))
			rewriteChecksums(t, dir)
		}, []string{"PQDESCR: packet 4: time \"006100\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := workedDisc()
			dir := writeTestDDP(t, d, testImage(d))
			tc.spoil(t, dir)
			code, stdout, stderr := lathe(t, t.TempDir(), "verify", dir)
			if code != 1 || !strings.Contains(stderr, "verification failed") {
				t.Errorf("exit %d, stderr %q", code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout, "  error   "+w) {
					t.Errorf("no %q in:\n%s", w, stdout)
				}
			}
		})
	}
}

func TestVerifyJSON(t *testing.T) {
	d := workedDisc()
	dir := writeTestDDP(t, d, testImage(d))
	patchFile(t, filepath.Join(dir, "IMAGE.DAT"), 1800*cdda.SectorBytes, []byte{1})
	code, stdout, _ := lathe(t, t.TempDir(), "verify", "--json", dir)
	var got struct {
		Schema, Path, Kind string
		OK                 bool
		Errors, Warnings   int
		Problems           []struct{ File, Severity, Message string }
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if code != 1 || got.Schema != "lathe/verify/1" || got.Path != dir || got.Kind != "ddp" || got.OK ||
		got.Errors != 1 || got.Warnings != 0 || len(got.Problems) != 1 {
		t.Fatalf("exit %d, %+v", code, got)
	}
	if p := got.Problems[0]; p.File != "IMAGE.DAT" || p.Severity != "error" || !strings.HasPrefix(p.Message, "MD5 ") {
		t.Errorf("problem %+v", p)
	}
}

// TestVerifyWarnings: forms readers accept but lathe's invariants pin
// down are warnings: one lead-out packet instead of two, a stream order
// other than CDTEXT, PQ, D0, hidden track audio. Exit status 0.
func TestVerifyWarnings(t *testing.T) {
	d := &cdda.Disc{
		Tracks:  []cdda.Track{{Pregap: 300, Index: []int{300}}, {Index: []int{900}}},
		LeadOut: 1500,
		Text:    workedDisc().Text,
	}
	d.Text.Tracks = d.Text.Tracks[:2]
	image := testImage(d)
	image[200*cdda.SectorBytes] = 9 // hidden track audio at A-time 200
	dir := writeTestDDP(t, d, image)
	// Drop the second lead-out packet and say so in DDPMS (packet 1 is
	// the PQ stream, DSL at offset 14).
	pq := filepath.Join(dir, "PQDESCR")
	st, _ := os.Stat(pq)
	os.Truncate(pq, st.Size()-64)
	ms := filepath.Join(dir, "DDPMS")
	patchFile(t, ms, 128+14, []byte(fmt.Sprintf("%8d", st.Size()-64)))
	// Swap the CDTEXT and PQ packets.
	b, _ := os.ReadFile(ms)
	swapped := append(append(append([]byte(nil), b[128:256]...), b[:128]...), b[256:]...)
	os.WriteFile(ms, swapped, 0o644)
	rewriteChecksums(t, dir)

	code, stdout, stderr := lathe(t, t.TempDir(), "verify", dir)
	if code != 0 {
		t.Errorf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{
		dir + ": 0 errors, 3 warnings\n",
		"  warning DDPMS: streams in the order PQ DESCR, CDTEXT, D0; DDP writers put them as CDTEXT, PQ DESCR, D0\n",
		"  warning PQDESCR: one lead-out packet; DDP writers write AA/01 twice\n",
		"  warning IMAGE.DAT: track 01's pregap holds audio between 00:02:00 and 00:04:00 (a hidden track)\n",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("no %q in:\n%s", w, stdout)
		}
	}
}

// foldFS opens names case-insensitively, like the default file systems
// of macOS and Windows, while ReadDir shows the names as stored.
type foldFS struct{ dir string }

func (f foldFS) Open(name string) (fs.File, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) {
			return os.Open(filepath.Join(f.dir, e.Name()))
		}
	}
	if name == "." {
		return os.Open(f.dir)
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (f foldFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(f.dir) }

// TestVerifyNameCase: a DDP whose IMAGE.DAT is stored as image.dat reads
// on a case-insensitive file system, but a Linux plant tool would not
// find it; the consistency check names it.
func TestVerifyNameCase(t *testing.T) {
	d := workedDisc()
	dir := writeTestDDP(t, d, testImage(d))
	os.Rename(filepath.Join(dir, "IMAGE.DAT"), filepath.Join(dir, "image.dat"))
	fsys := foldFS{dir}
	img, err := ddp.Read(hideChecksums{fsys})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	defer img.Close()
	probs := ddpConsistency(fsys, img)
	want := ddp.Problem{File: "DDPMS", Detail: `names "IMAGE.DAT", but the folder has no file of exactly that name (names are case-sensitive)`}
	if len(probs) != 1 || probs[0] != want {
		t.Errorf("problems %v, want [%v]", probs, want)
	}
}
