package ddp

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdda/cddatest"
)

// goldenCDText is the §4.7 vector of docs/cd-formats.md, in base64.
const goldenCDText = "gAAAAERpc2MAVHJhY2sgT0gEgAEBB25lAFRyYWNrIFR3b1XJgAICCQBUcmFjayBUaHJlZeZvgAMDCwAAAAAAAAAAAAAAAF33gQAEAEFydGlzdABBcnRpc/0igQEFBXQAQXJ0aXN0AEFydIwlgQMGA2lzdAAAAAAAAAAAAGKsjwAHAAABAwAEAwAAAAAAAED7jwEIAAAAAAAAAAADCQAAANamjwIJAAAAAAAJAAAAAAAAAApO"

// workedDisc is the album of docs/cd-formats.md §2.10 (cddatest.WorkedDisc).
func workedDisc() *cdda.Disc { return cddatest.WorkedDisc() }

// audio returns IMAGE.DAT content for d: zeros for track 1's pregap, then
// a deterministic non-zero pattern up to the lead-out, cut short by
// shortBy bytes (to exercise sector padding).
func audio(d *cdda.Disc, shortBy int) []byte {
	b := make([]byte, d.LeadOut*cdda.SectorBytes-shortBy)
	x := uint32(12345)
	for i := d.Tracks[0].Index[0] * cdda.SectorBytes; i < len(b); i++ {
		x = x*1664525 + 1013904223
		b[i] = byte(x>>24) | 1
	}
	return b
}

// writeDDP writes a DDP for d and a into a new temporary directory, in
// chunks of an awkward size, and returns the directory.
func writeDDP(t testing.TB, d *cdda.Disc, a []byte, opt *Options) string {
	t.Helper()
	dir := t.TempDir()
	w, err := NewWriter(dir, d, opt)
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	for len(a) > 0 {
		n := min(len(a), 81761)
		if _, err := w.Write(a[:n]); err != nil {
			t.Fatalf("Write: %v", err)
		}
		a = a[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return dir
}

func readFile(t testing.TB, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func golden(t testing.TB) []byte {
	b, err := base64.StdEncoding.DecodeString(goldenCDText)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pad returns s space-padded to n bytes.
func pad(s string, n int) string {
	return s + string(bytes.Repeat([]byte{' '}, n-len(s)))
}
