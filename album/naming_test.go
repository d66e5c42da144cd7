package album

import (
	"fmt"
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
		{"x.{ext}", 1, "mp3", "x.mp3"},
		{"{ext}-{title}", 1, "mp3", "mp3-One_ the _first__.mp3"},
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

func TestSafeNameUnicode(t *testing.T) {
	for in, want := range map[string]string{
		"夜明けの街":                    "夜明けの街",
		"Fireworks 🎆 and 👩\u200d🎤": "Fireworks 🎆 and 👩\u200d🎤", // a ZWJ sequence is not a control
		"Cafe\u0301":               "Caf\u00e9",                // NFD in, NFC out
		"right\u202eleft":          "right\u202eleft",          // format characters are kept
		"line\nbreak\r":            "line_break_",
		"del\x7f c1\u0085":         "del_ c1_",
		"COM0":                     "COM0",
		"lpt9.log":                 "lpt9.log_",
		"Aux ":                     "Aux_",
	} {
		if got := SafeName(in, 100); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	// Cuts fall on character boundaries, whatever their width.
	for _, r := range []string{"é", "街", "🎆"} {
		for limit := 40; limit < 48; limit++ {
			got := SafeName(strings.Repeat(r, 30), limit)
			if !utf8.ValidString(got) || len(got) > limit || len(got) <= limit-len(r) {
				t.Errorf("SafeName(30 x %q, %d) = %d bytes %q", r, limit, len(got), got)
			}
		}
	}
}

// testAlbum returns an album of n tracks titled by title(i), i from 1.
func testAlbum(n int, title func(i int) string) *Album {
	a := &Album{Title: "Album", Artist: "Artist", Disc: 1, Discs: 1}
	for i := 1; i <= n; i++ {
		a.Tracks = append(a.Tracks, Track{Title: title(i), Artist: "Artist"})
	}
	return a
}

// TestFileNames99 names a full disc of 99 tracks that share a title: the
// track number keeps every name distinct, and the widths line up.
func TestFileNames99(t *testing.T) {
	a := testAlbum(99, func(int) string { return "Untitled" })
	d := &Delivery{Name: "flac", Kind: KindFLAC, Naming: DefaultNaming}
	names, err := d.FileNames(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 99 {
		t.Fatalf("%d names, want 99", len(names))
	}
	for i, got := range names {
		if want := fmt.Sprintf("%02d Artist - Untitled.flac", i+1); got != want {
			t.Errorf("track %d: %q, want %q", i+1, got, want)
		}
	}
	d.Naming = "{disc}-{track:03} of {tracks:03} {title}"
	names, err = d.FileNames(a)
	if err != nil || names[0] != "1-001 of 099 Untitled.flac" || names[98] != "1-099 of 099 Untitled.flac" {
		t.Errorf("FileNames = %q ... %q, %v", names[0], names[len(names)-1], err)
	}
}

func TestFileNamesCollisions(t *testing.T) {
	tests := []struct {
		titles []string
		naming string
		want   string // "" when the names must be accepted
	}{
		{[]string{"Intro", "Song", "Intro"}, "{title}",
			`tracks 1 and 3 get the file name "Intro.mp3"`},
		{[]string{"Intro", "INTRO", "Outro", "intro"}, "{title}",
			`tracks 1, 2 and 4 get the file name "Intro.mp3" / "INTRO.mp3" / "intro.mp3"`},
		{[]string{"Café", "Cafe\u0301"}, "{title}", // NFC and NFD spellings
			`tracks 1 and 2 get the file name "Café.mp3"`},
		{[]string{"AC/DC", "AC_DC", "AC:DC"}, "{title}", // equal once sanitized
			`tracks 1, 2 and 3 get the file name "AC_DC.mp3"`},
		{[]string{"A", "B", "A", "B"}, "{title}",
			`tracks 1 and 3 get the file name "A.mp3"; tracks 2 and 4 get the file name "B.mp3"`},
		{[]string{"Straße", "STRASSE"}, "{title}", // full case folding
			`tracks 1 and 2 get the file name "Straße.mp3" / "STRASSE.mp3"`},
		{[]string{"Intro", "Intro", "intro"}, DefaultNaming, ""},
		{[]string{"Ω", "Ωmega"}, "{title}", ""},
	}
	for _, tt := range tests {
		a := testAlbum(len(tt.titles), func(i int) string { return tt.titles[i-1] })
		d := &Delivery{Name: "mp3", Kind: KindMP3, Naming: tt.naming}
		names, err := d.FileNames(a)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("titles %q: %v", tt.titles, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("titles %q: names %q, error %v; want an error containing %s", tt.titles, names, err, tt.want)
		case tt.want != "" && !strings.HasPrefix(err.Error(), `album: delivery "mp3": naming "{title}": `):
			t.Errorf("error %q does not name the delivery and template", err)
		}
	}
}

func TestFileNamesLimits(t *testing.T) {
	long := strings.Repeat("夜明け", 40) + " 🎆" // 360 bytes of Japanese, then an emoji
	a := testAlbum(2, func(i int) string { return fmt.Sprint(i, " ", long) })
	d := &Delivery{Name: "flac", Kind: KindFLAC, Naming: "{title}"}
	names, err := d.FileNames(a)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if len(n) > MaxNameBytes || !utf8.ValidString(n) || !strings.HasSuffix(n, ".flac") || len(n) < MaxNameBytes-3 {
			t.Errorf("%d-byte name %q: want valid UTF-8 of %d bytes at most, cut at most one character short, ending in .flac", len(n), n, MaxNameBytes)
		}
	}
	d.Naming = "{title"
	if _, err := d.FileNames(a); err == nil || !strings.Contains(err.Error(), `album: delivery "flac": naming "{title": has a { with no }`) {
		t.Errorf("bad template: error %v", err)
	}
}
