package album

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFileName(t *testing.T) {
	a := &Album{Title: "Blue/Green", Artist: "The Band", UPC: "0012345678905", ReleaseDate: "2026-03-01",
		CatalogNumber: "CAT 1", Label: "L", Disc: 1, Discs: 2,
		Tracks: []Track{{Title: "One: the \"first\"?", Artist: "Guest", ISRC: "ZZLTH2600001"}, {Title: "  ...Two  ", Artist: "The Band"}}}
	d := &Delivery{Kind: KindWAV, Naming: DefaultNaming}
	for _, c := range []struct {
		tmpl  string
		track int
		ext   string
		want  string
	}{
		{DefaultNaming, 1, "wav", "01 Guest - One_ the _first__.wav"},
		{DefaultNaming, 2, "flac", "02 The Band - ...Two.flac"},
		{"{disc}-{track:03} of {tracks} {isrc} {upc} {catalog} {label} {year} {album} {albumartist}", 1, "",
			"1-001 of 2 ZZLTH2600001 0012345678905 CAT 1 L 2026 Blue_Green The Band"},
		{"{artist} - {album}", 0, "wav", "The Band - Blue_Green.wav"},
		{"{title}", 2, "", "Two"},
		{"x.{ext}", 1, "mp3", "x.mp3.mp3"},
	} {
		got, err := a.Name(c.tmpl, c.track, c.ext)
		if err != nil || got != c.want {
			t.Errorf("Name(%q, %d, %q) = %q, %v; want %q", c.tmpl, c.track, c.ext, got, err, c.want)
		}
	}
	if got, err := d.FileName(a, 1); err != nil || got != "01 Guest - One_ the _first__.wav" {
		t.Errorf("FileName = %q, %v", got, err)
	}
	if _, err := a.Name("{nope}", 1, ""); err == nil {
		t.Error("unknown field: no error")
	}
	if _, err := a.Name("{title}", 3, ""); err == nil {
		t.Error("track 3 of 2: no error")
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"a/b\\c":           "a_b_c",
		"tab\there":        "tab_here",
		"  many   spaces ": "many spaces",
		"..hidden":         "hidden",
		"trailing. . ":     "trailing",
		"CON":              "CON_",
		"nul.txt":          "nul.txt_",
		"COM3":             "COM3_",
		"COMA":             "COMA",
		"":                 "_",
		"...":              "_",
		"bad\xffbyte":      "bad_byte",
		"Ünïcödé ♪":        "Ünïcödé ♪",
	} {
		if got := SafeName(in, 100); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 150) // 300 bytes
	got := SafeName(long, 99)
	if len(got) > 99 || !utf8.ValidString(got) || len(got) != 98 {
		t.Errorf("SafeName(300 bytes, 99) = %d bytes, valid %v; want 98 valid bytes", len(got), utf8.ValidString(got))
	}
}
