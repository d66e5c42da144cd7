package cdtext

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// golden is the 10-pack vector of docs/cd-formats.md §4.7 (cue2ddp 1.1
// output for "Disc"/"Artist" and three tracks), as printed there in base64.
const golden = "gAAAAERpc2MAVHJhY2sgT0gEgAEBB25lAFRyYWNrIFR3b1XJgAICCQBUcmFjayBUaHJlZeZvgAMDCwAAAAAAAAAAAAAAAF33gQAEAEFydGlzdABBcnRpc/0igQEFBXQAQXJ0aXN0AEFydIwlgQMGA2lzdAAAAAAAAAAAAGKsjwAHAAABAwAEAwAAAAAAAED7jwEIAAAAAAAAAAADCQAAANamjwIJAAAAAAAJAAAAAAAAAApO"

func goldenText() *Text {
	return &Text{
		Language: LanguageEnglish,
		Disc:     Strings{Title: "Disc", Performer: "Artist"},
		Tracks: []Strings{
			{Title: "Track One", Performer: "Artist"},
			{Title: "Track Two", Performer: "Artist"},
			{Title: "Track Three", Performer: "Artist"},
		},
	}
}

func TestEncodeGolden(t *testing.T) {
	want, err := base64.StdEncoding.DecodeString(golden)
	if err != nil {
		t.Fatal(err)
	}
	// The hex table of §4.7, first pack, as a cross-check of the base64.
	if got := hex.EncodeToString(want[:18]); got != "800000004469736300547261636b204f4804" {
		t.Fatalf("golden base64 first pack = %s", got)
	}
	got, err := Encode(goldenText())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Encode(golden text) differs from §4.7:\n got %x\nwant %x", got, want)
	}
}

func TestDecodeGolden(t *testing.T) {
	b, _ := base64.StdEncoding.DecodeString(golden)
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if want := goldenText(); !reflect.DeepEqual(got, want) {
		t.Errorf("Decode(§4.7) = %+v, want %+v", got, want)
	}
}

func TestCRCCheck(t *testing.T) {
	if got := CRC([]byte("123456789")); got != 0xCE3C {
		t.Errorf("CRC(123456789) = %04X, want CE3C", got)
	}
}

// TestCRCVectors runs the libburn vectors of §4.4: pack bytes 0..15, then
// the CRC bytes 16..17.
func TestCRCVectors(t *testing.T) {
	vectors := []string{
		"8f 00 2a 00 01 01 03 00 06 05 04 05 07 06 01 02 | 48 65",
		"8f 01 2b 00 00 00 00 00 00 00 06 03 2c 00 00 00 | c0 20",
		"8f 02 2c 00 00 00 00 00 09 00 00 00 00 00 00 00 | 11 45",
		"88 00 23 00 01 0e 00 3f 02 12 00 00 00 00 00 00 | 12 00",
		"89 01 28 00 01 04 00 00 00 00 02 29 30 02 34 3a | f3 0c",
	}
	for _, v := range vectors {
		data, crc, _ := strings.Cut(v, "|")
		p, _ := hex.DecodeString(strings.ReplaceAll(data, " ", ""))
		c, _ := hex.DecodeString(strings.ReplaceAll(crc, " ", ""))
		if got, want := CRC(p), uint16(c[0])<<8|uint16(c[1]); got != want {
			t.Errorf("CRC(%s) = %04X, want %04X", data, got, want)
		}
	}
	// Every pack of the golden vector carries a correct CRC.
	b, _ := base64.StdEncoding.DecodeString(golden)
	for i := 0; i < len(b); i += PackSize {
		if got, want := CRC(b[i:i+16]), uint16(b[i+16])<<8|uint16(b[i+17]); got != want {
			t.Errorf("golden pack %d: CRC %04X, stored %04X", i/PackSize, got, want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	texts := []*Text{
		goldenText(),
		{
			Language: 0x08,
			Disc: Strings{Title: "Grüße aus Köln", Performer: "Ensemble Ça Va", Songwriter: "A. B.",
				Composer: "C", Arranger: "D", Message: "Mastered ½ speed", Code: "5012345678900"},
			Tracks: []Strings{
				{Title: "Érste", Performer: "X", Code: "GBAAA2400001", Message: "A very long message that spans several packs of twelve bytes"},
				{Title: "", Performer: "Y", Code: "GBAAA2400002"},
				{Title: "Dritte « » ÿ", Composer: "Z"},
			},
			DiscID:    "CAT-001",
			Genre:     0x0012,
			GenreText: "Rock",
		},
	}
	for i, in := range texts {
		b, err := Encode(in)
		if err != nil {
			t.Fatalf("text %d: Encode: %v", i, err)
		}
		if len(b)%PackSize != 0 {
			t.Fatalf("text %d: %d bytes, not a whole number of packs", i, len(b))
		}
		out, err := Decode(b)
		if err != nil {
			t.Fatalf("text %d: Decode: %v", i, err)
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("text %d: Decode(Encode(x)) = %+v\nwant %+v", i, out, in)
		}
	}
}

// TestStructure checks the §8 items 12 and 13 invariants on an encoding.
func TestStructure(t *testing.T) {
	in := goldenText()
	in.Tracks[1].Message = strings.Repeat("m", 40)
	b, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	n := len(b) / PackSize
	last := byte(0)
	for i := 0; i < n; i++ {
		p := b[i*PackSize:]
		if p[2] != byte(i) {
			t.Errorf("pack %d: sequence %d", i, p[2])
		}
		if p[0] < last {
			t.Errorf("pack %d: type %02X after %02X", i, p[0], last)
		}
		last = p[0]
	}
	sz := b[(n-3)*PackSize:]
	for part := 0; part < 3; part++ {
		if p := sz[part*PackSize:]; p[0] != 0x8F || p[1] != byte(part) || p[3] != 0 {
			t.Errorf("size pack %d header = % x", part, p[:4])
		}
	}
	rec := append(append(append([]byte(nil), sz[4:16]...), sz[22:34]...), sz[40:52]...)
	if rec[0] != 0 || rec[1] != 1 || rec[2] != 3 {
		t.Errorf("size info charset/first/last = % x, want 00 01 03", rec[:3])
	}
	if rec[4+0x0F] != 3 {
		t.Errorf("0x8F count = %d, want 3", rec[4+0x0F])
	}
	if int(rec[20]) != n-1 {
		t.Errorf("last sequence = %d, want %d", rec[20], n-1)
	}
	if rec[28] != 0x09 {
		t.Errorf("language = %02X, want 09", rec[28])
	}
	// The message type is present, so all 4 strings (disc + 3 tracks) are in it:
	// 4 NULs + 40 chars = 44 bytes -> 4 packs.
	if rec[4+5] != 4 {
		t.Errorf("0x85 count = %d, want 4", rec[4+5])
	}
}

func TestRefuseNonLatin1(t *testing.T) {
	in := goldenText()
	in.Tracks[1].Title = "東京"
	b, err := Encode(in)
	if err == nil || b != nil {
		t.Fatalf("Encode(CJK title) = %d bytes, %v; want nil and an error", len(b), err)
	}
	if !strings.Contains(err.Error(), "track 2 title") || !strings.Contains(err.Error(), "ISO-8859-1") {
		t.Errorf("error %q does not name track 2 title and ISO-8859-1", err)
	}
	in = goldenText()
	in.Disc.Performer = "a\tb"
	if _, err := Encode(in); err == nil || !strings.Contains(err.Error(), "disc performer") {
		t.Errorf("Encode(TAB in disc performer) error = %v", err)
	}
	in = goldenText()
	in.Tracks[0].Code = "GBÄAA2400001"
	if _, err := Encode(in); err == nil || !strings.Contains(err.Error(), "track 1 upc/isrc") {
		t.Errorf("Encode(non-ASCII ISRC) error = %v", err)
	}
}

func TestPackBudget(t *testing.T) {
	// 253 text packs * 12 bytes = 3036 payload bytes is the limit.
	// 11 titles of 275 chars + NULs: 12*276-275 ... compute: disc "" + 11
	// tracks of 275 chars = 1 + 11*276 = 3037 bytes -> 254 packs.
	in := &Text{Tracks: make([]Strings, 11)}
	for i := range in.Tracks {
		in.Tracks[i].Title = strings.Repeat("x", 275)
	}
	if _, err := Encode(in); err == nil || !strings.Contains(err.Error(), "254 packs") {
		t.Errorf("Encode(3037 bytes of titles) error = %v, want 254 packs refused", err)
	}
	// One character less fits exactly: 3036 bytes = 253 packs + 3 size packs.
	in.Tracks[10].Title = strings.Repeat("x", 274)
	b, err := Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 256*PackSize {
		t.Errorf("Encode(3036 bytes) = %d packs, want 256", len(b)/PackSize)
	}
	if _, err := Decode(b); err != nil {
		t.Errorf("Decode(256 packs): %v", err)
	}
}

func TestDecodeBadCRC(t *testing.T) {
	b, _ := base64.StdEncoding.DecodeString(golden)
	b[4*PackSize+6] ^= 0x20 // pack 4: "Artist" -> "ArTist"
	b[8*PackSize+17] ^= 1   // pack 8: CRC byte
	txt, err := Decode(b)
	var ce *CRCError
	if !errors.As(err, &ce) || ce.Pack != 4 {
		t.Fatalf("Decode(bad pack 4) error = %v, want a CRCError for pack 4", err)
	}
	if !strings.Contains(err.Error(), "pack 4:") || !strings.Contains(err.Error(), "pack 8:") {
		t.Errorf("error %q does not name packs 4 and 8", err)
	}
	if txt == nil || txt.Disc.Performer != "ArTist" {
		t.Errorf("Decode with CRC errors returned text %+v, want the (damaged) text", txt)
	}
}

func TestDecodeTAB(t *testing.T) {
	// Title type with a TAB for track 2: "Disc\0One\0\t\0", built by hand.
	payload := []byte("Disc\x00One\x00\t\x00")
	var b []byte
	p := make([]byte, PackSize)
	p[0], p[1], p[2], p[3] = 0x80, 0, 0, 0
	copy(p[4:16], payload)
	b = append(b, p...)
	size := [36]byte{0: 0, 1: 1, 2: 2, 4: 1, 4 + 15: 3, 20: 3, 28: 9}
	for i := 0; i < 3; i++ {
		q := make([]byte, PackSize)
		q[0], q[1], q[2] = 0x8F, byte(i), byte(1+i)
		copy(q[4:16], size[i*12:])
		b = append(b, q...)
	}
	for i := 0; i < len(b); i += PackSize {
		c := CRC(b[i : i+16])
		b[i+16], b[i+17] = byte(c>>8), byte(c)
	}
	txt, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if txt.Tracks[0].Title != "One" || txt.Tracks[1].Title != "One" {
		t.Errorf("titles = %q, %q; want One, One", txt.Tracks[0].Title, txt.Tracks[1].Title)
	}
}

func TestDecodeRefuses(t *testing.T) {
	b, _ := base64.StdEncoding.DecodeString(golden)
	cases := map[string][]byte{
		"trailing byte": append(append([]byte(nil), b...), 0),
		"missing pack":  append(append([]byte(nil), b[:5*PackSize]...), b[6*PackSize:]...),
		"no size packs": b[:7*PackSize],
		"empty":         nil,
	}
	for name, in := range cases {
		if txt, err := Decode(in); err == nil || txt != nil {
			t.Errorf("Decode(%s) = %v, %v; want an error", name, txt, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	b, _ := base64.StdEncoding.DecodeString(golden)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		txt, err := Decode(b)
		if err == nil && txt == nil {
			t.Fatal("nil text without error")
		}
	})
}
