package render

import (
	"reflect"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// planned decodes a project and plans it over 16-bit 44.1 kHz stereo
// sources of the given lengths in seconds.
func planned(t *testing.T, project string, seconds ...int64) (*album.Album, *album.Layout) {
	t.Helper()
	a, probs := album.Decode("album.toml", []byte(project))
	if err := probs.Err(); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	var src []album.SourceInfo
	for _, s := range seconds {
		src = append(src, album.SourceInfo{Rate: 44100, Channels: 2, Bits: 16, Frames: s * 44100})
	}
	l, probs := album.Plan(a, src)
	if err := probs.Err(); err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return a, l
}

// TestDisc: the layout's sectors, worked out by hand from
// docs/decisions.md "Timeline": track 1 (5 s) after the 2 s pregap has
// index 00 at 0 and 01 at 150, audio to 525; track 2 (6 s) is gapless, so
// index 01 at 525 and no index 00, audio to 975; track 3 (5 s) after a
// 1 s gap has index 00 at 975 and 01 at 1050, extra index 02 2 s in at
// 1200, audio to 1425, the lead-out.
func TestDisc(t *testing.T) {
	a, l := planned(t, `[album]
title = "Album"
artist = "Band"
upc = "012345678905"
songwriter = "Writer"
composer = "Composer"
arranger = "Arranger"
message = "Hello"
language = "German"

[[track]]
file = "a.wav"
title = "One"
isrc = "DE-ABC-24-00001"
copy_permitted = true

[[track]]
file = "b.wav"
title = "Two"
artist = "Guest"
gap = 0
pre_emphasis = true
composer = "Other"

[[track]]
file = "c.wav"
title = "Three"
gap = "1s"
scms = true
index = ["2s"]
message = "Bye"
`, 5, 6, 5)
	got, err := Disc(a, l)
	if err != nil {
		t.Fatal(err)
	}
	want := &cdda.Disc{
		UPC:      "0012345678905",
		MasterID: "0012345678905", // no master_id: the UPC
		Tracks: []cdda.Track{
			{Pregap: 150, Index: []int{150}, ISRC: "DEABC2400001", CopyPermitted: true},
			{Pregap: 0, Index: []int{525}, PreEmphasis: true},
			{Pregap: 75, Index: []int{1050, 1200}, SCMS: true},
		},
		LeadOut: 1425,
		Text: &cdtext.Text{
			Language: 0x08,
			Disc: cdtext.Strings{Title: "Album", Performer: "Band", Songwriter: "Writer", Composer: "Composer",
				Arranger: "Arranger", Message: "Hello", Code: "0012345678905"},
			Tracks: []cdtext.Strings{
				{Title: "One", Performer: "Band", Code: "DEABC2400001"},
				{Title: "Two", Performer: "Guest", Composer: "Other"},
				{Title: "Three", Performer: "Band", Message: "Bye"},
			},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Disc:\n got %+v\n     %+v\nwant %+v\n     %+v", got, got.Text, want, want.Text)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// TestDiscNoCDText: cdtext = false gives no CD-Text; a master_id is kept.
func TestDiscNoCDText(t *testing.T) {
	a, l := planned(t, `[album]
title = "Album"
artist = "Band"
cdtext = false
master_id = "MASTER 7"

[[track]]
file = "a.wav"
title = "One"
`, 4)
	got, err := Disc(a, l)
	if err != nil {
		t.Fatal(err)
	}
	want := &cdda.Disc{MasterID: "MASTER 7", Tracks: []cdda.Track{{Pregap: 150, Index: []int{150}}}, LeadOut: 450}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Disc = %+v, want %+v", got, want)
	}
}
