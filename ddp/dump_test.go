package ddp

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"
)

// wantDump is Dump of the §2.10 worked example up to its checksum section.
// Every time was checked against the docs/cd-formats.md §1 table: PQ A-time
// (START), LBA = A-time − 150, and the time relative to index 01. Track 3
// runs 6.5 s, padded to 488 sectors = 00:06:38.
const wantDump = `DDP 2.00
Master ID "TESTMASTER 001"

DDPMS
  S0 CDTEXT        180 bytes   CDTEXT.BIN
  S0 PQ DESCR      576 bytes   PQDESCR
  D0 DA           1838 sectors IMAGE.DAT (PRE2 150)

PQ descriptor
  00/00 00:00:00 C1 01 UPC 5012345678900
  01/00 00:00:00 C1 01 ISRC GBAAA2400001
  01/01 00:02:00 C1 01 ISRC GBAAA2400001
  02/00 00:07:00 C1 11 ISRC GBAAA2400002
  02/01 00:09:00 C1 11 ISRC GBAAA2400002
  03/00 00:16:00 C1 01
  03/01 00:18:00 C1 01
  AA/01 00:24:38 C1 01
  AA/01 00:24:38 C1 01

PQ sheet
UPC/EAN   5012345678900
Tracks    3
Lead-out  00:24:38 (1838 sectors)

TRK IDX  START     RELATIVE      LBA  LENGTH    ISRC         FLAGS TITLE
01  00   00:00:00  -00:02:00    -150  00:02:00  GBAAA2400001 -     Track One
01  01   00:02:00  00:00:00        0  00:05:00  GBAAA2400001 -     Track One
02  00   00:07:00  -00:02:00     375  00:02:00  GBAAA2400002 PRE   Track Two
02  01   00:09:00  00:00:00      525  00:07:00  GBAAA2400002 PRE   Track Two
03  00   00:16:00  -00:02:00    1050  00:02:00  -            -     Track Three
03  01   00:18:00  00:00:00     1200  00:06:38  -            -     Track Three
AA  01   00:24:38               1688

CD-Text (language 0x09)
  disc  title      "Disc"
  disc  performer  "Artist"
  01    title      "Track One"
  01    performer  "Artist"
  02    title      "Track Two"
  02    performer  "Artist"
  03    title      "Track Three"
  03    performer  "Artist"

Checksums (CHECKSUM.MD5)
`

func TestDump(t *testing.T) {
	d := workedDisc()
	dir := writeDDP(t, d, audio(d, 0), nil)
	img, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	var b strings.Builder
	if err := Dump(&b, img); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	head, sums, _ := strings.Cut(got, "Checksums (CHECKSUM.MD5)\n")
	if head+"Checksums (CHECKSUM.MD5)\n" != wantDump {
		t.Errorf("Dump:\n%s\nwant:\n%s", head, wantDump)
	}
	var want strings.Builder
	for _, n := range []string{"DDPID", "DDPMS", "CDTEXT.BIN", "PQDESCR", "IMAGE.DAT"} {
		sum := md5.Sum(readFile(t, dir, n))
		fmt.Fprintf(&want, "  %-17s %s OK\n", n, hex.EncodeToString(sum[:]))
	}
	if sums != want.String() {
		t.Errorf("Dump checksums:\n%s\nwant:\n%s", sums, want.String())
	}
}

func TestDumpWarnings(t *testing.T) {
	d := workedDisc()
	dir := writeDDP(t, d, audio(d, 0), nil)
	os.Remove(dir + "/CHECKSUM.MD5")
	img, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	var b strings.Builder
	Dump(&b, img)
	if !strings.HasSuffix(b.String(), "Checksums: none\n\nWarnings\n  ddp: no checksum file (e.g. CHECKSUM.MD5)\n") {
		t.Errorf("Dump tail:\n%s", b.String()[len(b.String())-120:])
	}
}
