package cue

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// workedDisc is the album of docs/cd-formats.md §2.10, with a songwriter,
// an extra index point on track 3, a copy-permitted track and a `"` in a
// title.
func workedDisc() *cdda.Disc {
	return &cdda.Disc{
		UPC: "5012345678900",
		Tracks: []cdda.Track{
			{Pregap: 150, Index: []int{150}, ISRC: "GBAAA2400001"},
			{Pregap: 150, Index: []int{675}, ISRC: "GBAAA2400002", PreEmphasis: true},
			{Pregap: 150, Index: []int{1350, 1500}, CopyPermitted: true},
		},
		LeadOut: 1838,
		Text: &cdtext.Text{
			Language: cdtext.LanguageEnglish,
			Disc:     cdtext.Strings{Title: "Disc", Performer: "Artist", Songwriter: "Writer"},
			Tracks: []cdtext.Strings{
				{Title: "Track One", Performer: "Artist"},
				{Title: `Track "Two"`, Performer: "Artist"},
				{Title: "Track Three", Performer: "Artist", Songwriter: "Other"},
			},
		},
	}
}

// wantAlbum is the layout-1 cue of workedDisc. The times are the cue
// column of the docs/cd-formats.md §1 table (A-time − 150): track 2 INDEX 00
// 00:05:00 and INDEX 01 00:07:00; track 3 at A-times 1200/1350/1500.
const wantAlbum = `REM GENRE "Electronic"
REM DATE 2024
REM DISCID 1A0B2C03
REM COMMENT "Mastered with ''care''"
CATALOG 5012345678900
TITLE "Disc"
PERFORMER "Artist"
SONGWRITER "Writer"
FILE "Album.wav" WAVE
  TRACK 01 AUDIO
    TITLE "Track One"
    PERFORMER "Artist"
    ISRC GBAAA2400001
    INDEX 01 00:00:00
  TRACK 02 AUDIO
    TITLE "Track ''Two''"
    PERFORMER "Artist"
    FLAGS PRE
    ISRC GBAAA2400002
    INDEX 00 00:05:00
    INDEX 01 00:07:00
  TRACK 03 AUDIO
    TITLE "Track Three"
    PERFORMER "Artist"
    SONGWRITER "Other"
    FLAGS DCP
    INDEX 00 00:14:00
    INDEX 01 00:16:00
    INDEX 02 00:18:00
`

var rem = Rem{Genre: "Electronic", Date: "2024", DiscID: "1A0B2C03", Comment: `Mastered with "care"`}

func TestWriteAlbum(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, workedDisc(), Options{File: "Album.wav", Rem: rem}); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != wantAlbum {
		t.Errorf("Write:\n%s\nwant:\n%s", got, wantAlbum)
	}
	b.Reset()
	Write(&b, workedDisc(), Options{File: "Album.wav", Rem: rem, CRLF: true})
	if got, want := b.String(), strings.ReplaceAll(wantAlbum, "\n", "\r\n"); got != want {
		t.Errorf("Write with CRLF differs")
	}
	checkCueText(t, b.Bytes())
}

// checkCueText applies §8 item 18: upper-case keywords, quoted strings
// with no inner `"`, no BOM, lines under 254 characters, FILE … WAVE.
func checkCueText(t *testing.T, cue []byte) {
	t.Helper()
	if bytes.HasPrefix(cue, []byte("\xEF\xBB\xBF")) {
		t.Error("BOM")
	}
	for i, line := range strings.Split(strings.TrimRight(string(cue), "\r\n"), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if len(line) >= 254 {
			t.Errorf("line %d is %d characters", i+1, len(line))
		}
		kw, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
		if kw != strings.ToUpper(kw) {
			t.Errorf("line %d: keyword %q is not upper case", i+1, kw)
		}
		if strings.Contains(rest, `"`) && (strings.Count(rest, `"`) != 2 || kw == "REM" && strings.Count(rest, `"`) != 2) {
			t.Errorf("line %d: %q has a `\"` inside a string", i+1, line)
		}
		if kw == "FILE" && !strings.HasSuffix(rest, " WAVE") {
			t.Errorf("line %d: %q is not a WAVE file", i+1, line)
		}
	}
}

func TestParseRoundTrip(t *testing.T) {
	scms := gapless()
	scms.Tracks[2].SCMS = true
	for _, d := range []*cdda.Disc{workedDisc(), htoaDisc(), gapless(), scms} {
		var b bytes.Buffer
		if err := Write(&b, d, Options{File: "a.wav", Rem: rem}); err != nil {
			t.Fatal(err)
		}
		s, err := Parse(b.Bytes())
		if err != nil {
			t.Fatalf("Parse(Write(d)): %v\n%s", err, b.String())
		}
		got, err := s.Disc(d.LeadOut - 150)
		if err != nil {
			t.Fatal(err)
		}
		want := *d
		if want.Text != nil {
			// The cue carries only TITLE, PERFORMER and SONGWRITER, and `"` as `''`.
			txt := *want.Text
			txt.Tracks = append([]cdtext.Strings(nil), txt.Tracks...)
			for i := range txt.Tracks {
				txt.Tracks[i].Title = strings.ReplaceAll(txt.Tracks[i].Title, `"`, `''`)
			}
			want.Text = &txt
		}
		if !reflect.DeepEqual(got, &want) {
			t.Errorf("Parse(Write(d)).Disc():\n got %+v\nwant %+v", got, &want)
		}
		if !reflect.DeepEqual(s.Rem, []Remark{{"GENRE", "Electronic"}, {"DATE", "2024"}, {"DISCID", "1A0B2C03"}, {"COMMENT", "Mastered with ''care''"}}) {
			t.Errorf("REM = %q", s.Rem)
		}
	}
}

// htoaDisc has a 40-second track-1 pregap (hidden track audio).
func htoaDisc() *cdda.Disc {
	return &cdda.Disc{
		Tracks:  []cdda.Track{{Pregap: 3000, Index: []int{3000}}, {Pregap: 75, Index: []int{3375}}},
		LeadOut: 3700,
	}
}

// gapless has no index 00 after track 1.
func gapless() *cdda.Disc {
	return &cdda.Disc{
		Tracks:  []cdda.Track{{Pregap: 150, Index: []int{150}}, {Index: []int{500}}, {Index: []int{800}}},
		LeadOut: 1100,
	}
}

func TestWriteHTOA(t *testing.T) {
	// §1: INDEX 00 at 00:00:00, INDEX 01 at P−150 = 2850 sectors = 00:38:00.
	// Track 2: index 00 at A-time 3300 (cue 3150 = 00:42:00), index 01 at
	// 3375 (cue 3225 = 00:43:00).
	var b bytes.Buffer
	if err := Write(&b, htoaDisc(), Options{File: "a.wav"}); err != nil {
		t.Fatal(err)
	}
	want := "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 00 00:00:00\n    INDEX 01 00:38:00\n" +
		"  TRACK 02 AUDIO\n    INDEX 00 00:42:00\n    INDEX 01 00:43:00\n"
	if b.String() != want {
		t.Errorf("Write(HTOA):\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteTracks(t *testing.T) {
	d := workedDisc()
	d.Text = nil
	var b bytes.Buffer
	files := []string{"01.wav", "02.wav", "03.wav"}
	if err := WriteTracks(&b, d, files, Options{}); err != nil {
		t.Fatal(err)
	}
	// Layout 2: each file starts with the track's pause; INDEX 01 after 2 s.
	want := `CATALOG 5012345678900
FILE "01.wav" WAVE
  TRACK 01 AUDIO
    ISRC GBAAA2400001
    INDEX 01 00:00:00
FILE "02.wav" WAVE
  TRACK 02 AUDIO
    FLAGS PRE
    ISRC GBAAA2400002
    INDEX 00 00:00:00
    INDEX 01 00:02:00
FILE "03.wav" WAVE
  TRACK 03 AUDIO
    FLAGS DCP
    INDEX 00 00:00:00
    INDEX 01 00:02:00
    INDEX 02 00:04:00
`
	if b.String() != want {
		t.Errorf("WriteTracks:\n%s\nwant:\n%s", b.String(), want)
	}
	// Spans: [150,525) [525,1200) [1200,1838).
	if got := TrackSpans(d); !reflect.DeepEqual(got, []Span{{150, 525}, {525, 1200}, {1200, 1838}}) {
		t.Errorf("TrackSpans = %v", got)
	}
	if _, err := Parse(b.Bytes()); err != nil {
		t.Errorf("Parse(layout 2): %v", err)
	}
}

func TestWriteRefuses(t *testing.T) {
	d := workedDisc()
	d.Text.Tracks[0].Title = strings.Repeat("x", 250)
	if err := Write(&bytes.Buffer{}, d, Options{File: "a.wav"}); err == nil || !strings.Contains(err.Error(), "track 1 title") {
		t.Errorf("Write(250-char title) error = %v", err)
	}
	d = workedDisc()
	d.Tracks[1].ISRC = "GB-AAA-24-00002"
	if err := Write(&bytes.Buffer{}, d, Options{File: "a.wav"}); err == nil || !strings.Contains(err.Error(), "track 2 isrc") {
		t.Errorf("Write(dashed ISRC) error = %v", err)
	}
	if err := Write(&bytes.Buffer{}, workedDisc(), Options{File: "a.wav", Rem: Rem{Date: "12 May"}}); err == nil {
		t.Error("Write(two-word REM DATE) succeeded")
	}
	if err := Write(&bytes.Buffer{}, workedDisc(), Options{}); err == nil {
		t.Error("Write without a FILE name succeeded")
	}
}

func TestParseRefuses(t *testing.T) {
	cases := map[string]string{
		"BOM":                    "\xEF\xBB\xBFFILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
		"first index not zero":   "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:02:00\n",
		"track order":            "FILE \"a.wav\" WAVE\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n",
		"index order":            "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n    INDEX 03 00:09:00\n",
		"time order":             "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 01 00:00:00\n",
		"frames overflow":        "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:75\n",
		"ISRC after INDEX":       "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n    ISRC GBAAA2400001\n",
		"no INDEX 01":            "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 00 00:00:00\n",
		"lower-case keyword":     "file \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n",
		"non-compliant layout 4": "FILE \"1.wav\" WAVE\n  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    INDEX 00 03:00:00\nFILE \"2.wav\" WAVE\n    INDEX 01 00:00:00\n",
	}
	for name, in := range cases {
		if s, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%s) = %+v, want an error", name, s)
		} else if !strings.HasPrefix(err.Error(), "cue: ") {
			t.Errorf("Parse(%s) error %q lacks the cue: prefix", name, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(wantAlbum))
	f.Add([]byte("FILE \"1.wav\" WAVE\n  TRACK 01 AUDIO\n    PREGAP 00:02:00\n    INDEX 01 00:00:00\n    POSTGAP 00:01:00\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			return
		}
		if len(s.Tracks) == 0 || len(s.Tracks) > 99 {
			t.Fatalf("%d tracks", len(s.Tracks))
		}
		if len(s.Files) == 1 {
			s.Disc(100000)
		}
	})
}

func ExampleWrite() {
	d := &cdda.Disc{
		UPC:     "5012345678900",
		Tracks:  []cdda.Track{{Pregap: 150, Index: []int{150}, ISRC: "GBAAA2400001"}, {Pregap: 150, Index: []int{675}}},
		LeadOut: 1200,
	}
	Write(os.Stdout, d, Options{File: "Album.wav"})
	// Output:
	// CATALOG 5012345678900
	// FILE "Album.wav" WAVE
	//   TRACK 01 AUDIO
	//     ISRC GBAAA2400001
	//     INDEX 01 00:00:00
	//   TRACK 02 AUDIO
	//     INDEX 00 00:05:00
	//     INDEX 01 00:07:00
}
