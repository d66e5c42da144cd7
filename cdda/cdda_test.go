package cdda

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdtext"
)

func TestMSFRoundTrip(t *testing.T) {
	for s := 0; s <= MaxSector; s++ {
		m, err := ToMSF(s)
		if err != nil {
			t.Fatalf("ToMSF(%d): %v", s, err)
		}
		if m.F >= 75 || m.S >= 60 || m.M > 99 {
			t.Fatalf("ToMSF(%d) = %+v, field out of range", s, m)
		}
		back, err := ParseMSF(m.Compact())
		if err != nil || back != s {
			t.Fatalf("ParseMSF(%q) = %d, %v; want %d", m.Compact(), back, err, s)
		}
		back, err = ParseMSF(m.String())
		if err != nil || back != s {
			t.Fatalf("ParseMSF(%q) = %d, %v; want %d", m.String(), back, err, s)
		}
	}
}

func TestMSFTable(t *testing.T) {
	// The worked example of docs/cd-formats.md §1 / §2.10.
	for _, c := range []struct {
		sectors int
		compact string
	}{{0, "000000"}, {150, "000200"}, {525, "000700"}, {675, "000900"}, {1838, "002438"}, {449999, "995974"}, {359999, "795974"}} {
		m, err := ToMSF(c.sectors)
		if err != nil || m.Compact() != c.compact {
			t.Errorf("ToMSF(%d) = %s, %v; want %s", c.sectors, m.Compact(), err, c.compact)
		}
	}
}

func TestMSFRefused(t *testing.T) {
	if _, err := ToMSF(MaxSector + 1); err == nil {
		t.Error("ToMSF(450000) succeeded, want an error beyond 99:59:74")
	}
	if _, err := ToMSF(-1); err == nil {
		t.Error("ToMSF(-1) succeeded")
	}
	for _, s := range []string{"100:00:00", "00:60:00", "00:00:75", "99:59:75", "0:2:00", "00:02:0x", "006000", "12345"} {
		if n, err := ParseMSF(s); err == nil {
			t.Errorf("ParseMSF(%q) = %d, want an error", s, n)
		}
	}
	if _, err := (MSF{100, 0, 0}).Sectors(); err == nil {
		t.Error("MSF{100,0,0}.Sectors() succeeded")
	}
}

func TestCodes(t *testing.T) {
	for in, want := range map[string]string{"gb-aaa-24-00001": "GBAAA2400001", "USRC17607839": "USRC17607839", "1BAAA2400001": ""} {
		got, err := NormalizeISRC(in)
		if want == "" {
			if err == nil {
				t.Errorf("NormalizeISRC(%q) = %q, want an error (country must be letters)", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("NormalizeISRC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"GBAAA240001", "GBAAA24000012", "GBAAA24A0001", "G1AAA2400001", "GB-AA2400001"} {
		if CheckISRC(bad) == nil {
			t.Errorf("CheckISRC(%q) = nil, want an error", bad)
		}
	}
	// 5012345678900 is valid (§3); 036000291452 is a UPC-A (check digit 2).
	if err := CheckUPC("5012345678900"); err != nil {
		t.Error(err)
	}
	if got, err := NormalizeUPC("036000291452"); err != nil || got != "0036000291452" {
		t.Errorf("NormalizeUPC(UPC-A) = %q, %v", got, err)
	}
	for _, bad := range []string{"5012345678901", "501234567890", "50123456789O0"} {
		if CheckUPC(bad) == nil {
			t.Errorf("CheckUPC(%q) = nil, want an error", bad)
		}
	}
}

// disc returns a valid 3-track disc: the worked example of §2.10.
func disc() *Disc {
	return &Disc{
		UPC: "5012345678900",
		Tracks: []Track{
			{Pregap: 150, Index: []int{150}, ISRC: "GBAAA2400001"},
			{Pregap: 150, Index: []int{675}, ISRC: "GBAAA2400002", PreEmphasis: true},
			{Pregap: 150, Index: []int{1350}},
		},
		LeadOut: 1838,
	}
}

func TestValidateOK(t *testing.T) {
	if err := disc().Validate(); err != nil {
		t.Fatal(err)
	}
	if w := disc().Warnings(); len(w) != 0 {
		t.Errorf("Warnings() = %q", w)
	}
}

func TestValidateErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(d *Disc)
		want []string
	}{
		{"bad upc", func(d *Disc) { d.UPC = "5012345678901" }, []string{"disc upc", "check digit"}},
		{"short pregap", func(d *Disc) { d.Tracks[0] = Track{Pregap: 149, Index: []int{149}} }, []string{"track 1 index 01"}},
		{"track 1 index 00 not at 0", func(d *Disc) { d.Tracks[0].Pregap = 100 }, []string{"track 1 pregap"}},
		{"no index 01", func(d *Disc) { d.Tracks[1].Index = nil }, []string{"track 2 index 01", "missing"}},
		{"isrc", func(d *Disc) { d.Tracks[2].ISRC = "gbaaa2400003" }, []string{"track 3 isrc"}},
		{"duplicate isrc", func(d *Disc) { d.Tracks[2].ISRC = "GBAAA2400001" }, []string{"track 3 isrc", "track 1"}},
		{"dcp+scms", func(d *Disc) { d.Tracks[1].CopyPermitted, d.Tracks[1].SCMS = true, true }, []string{"track 2 flags"}},
		{"short track", func(d *Disc) { d.Tracks[2].Index[0] = 1600 }, []string{"track 3 length", "index 01"}},
		{"short with pause", func(d *Disc) { d.Tracks[1].Index[0] = 400; d.Tracks[1].Pregap = 10 }, []string{"track 1 length"}},
		{"index order", func(d *Disc) { d.Tracks[1].Index = []int{675, 700, 690} }, []string{"track 2 index 03", "not after index 02"}},
		{"overlap", func(d *Disc) { d.Tracks[1].Pregap = 600 }, []string{"track 2 index 00"}},
		{"over 80", func(d *Disc) { d.LeadOut = 360000 }, []string{"disc lead-out", "79:59:74"}},
		{"100 tracks", func(d *Disc) {
			d.Tracks = nil
			for i := 0; i < 100; i++ {
				d.Tracks = append(d.Tracks, Track{Pregap: 150 * b2i(i == 0), Index: []int{150 + 300*i}})
			}
			d.LeadOut = 150 + 300*100
		}, []string{"disc tracks", "100 tracks"}},
		{"cd-text latin-1", func(d *Disc) {
			d.Text = &cdtext.Text{Tracks: make([]cdtext.Strings, 3)}
			d.Text.Tracks[1].Title = "Ω"
		}, []string{"track 2 title", "ISO-8859-1"}},
		{"cd-text count", func(d *Disc) { d.Text = &cdtext.Text{Tracks: make([]cdtext.Strings, 2)} }, []string{"2 track entries for 3 tracks"}},
		{"cd-text isrc", func(d *Disc) {
			d.Text = &cdtext.Text{Tracks: make([]cdtext.Strings, 3)}
			d.Text.Tracks[0].Code = "GBAAA2400009"
		}, []string{"track 1 cd-text isrc"}},
	}
	for _, c := range cases {
		d := disc()
		c.edit(d)
		err := d.Validate()
		if err == nil {
			t.Errorf("%s: Validate() = nil", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: Validate() = %q, want it to mention %q", c.name, err, w)
			}
		}
	}
}

func TestValidate99Over80(t *testing.T) {
	d := &Disc{LeadOut: 150 + 99*3700, AllowOver80: true}
	for i := 0; i < 99; i++ {
		d.Tracks = append(d.Tracks, Track{Pregap: 150 * b2i(i == 0), Index: []int{150 + 3700*i}})
	}
	if err := d.Validate(); err != nil {
		t.Fatalf("99 tracks, %s: %v", FormatMSF(d.LeadOut), err)
	}
	if w := d.Warnings(); len(w) != 1 || !strings.Contains(w[0], "74:00:00") {
		t.Errorf("Warnings() = %q, want the 74-minute warning", w)
	}
	d.AllowOver80 = false
	if err := d.Validate(); err == nil {
		t.Error("over 80 minutes without AllowOver80 passed")
	}
}

func TestWarnShortBeforePause(t *testing.T) {
	d := disc()
	// Track 2: index 01 at 675, track 3 index 00 at 900 (pause 450): 225 sectors
	// of program before the pause; 675 from index 01 to index 01.
	d.Tracks[2].Pregap = 450
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	w := d.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "track 2: 225 sectors") {
		t.Errorf("Warnings() = %q", w)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ExampleFormatMSF() {
	fmt.Println(FormatMSF(1838), FormatMSF(-150))
	// Output: 00:24:38 -00:02:00
}
