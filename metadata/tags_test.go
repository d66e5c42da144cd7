package metadata_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
)

var testRG = loudness.NewReplayGain(-10.73, -0.1, -7.97, 1.29)

func TestReplayGainFixture(t *testing.T) {
	// The values the tables below expect, worked by hand: -18 - (-10.73),
	// 10^(-0.1/20), -18 - (-7.97), 10^(1.29/20).
	got := testRG.Tags()
	want := [][2]string{{"REPLAYGAIN_TRACK_GAIN", "-7.27 dB"}, {"REPLAYGAIN_TRACK_PEAK", "0.988553"},
		{"REPLAYGAIN_ALBUM_GAIN", "-10.03 dB"}, {"REPLAYGAIN_ALBUM_PEAK", "1.160112"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ReplayGain tags %q, want %q", got, want)
	}
}

func TestVorbis(t *testing.T) {
	tags, err := metadata.ForTrack(metadatatest.Album(), 2, &testRG)
	if err != nil {
		t.Fatal(err)
	}
	want := []metadata.Field{
		{Name: "TITLE", Value: "Café Brûlée à l'Élysée"},
		{Name: "ARTIST", Value: "Les Éléments"},
		{Name: "ALBUM", Value: "Nachtfahrt — Ünïcödé"},
		{Name: "ALBUMARTIST", Value: "Les Éléments"},
		{Name: "TRACKNUMBER", Value: "2"},
		{Name: "TRACKTOTAL", Value: "3"},
		{Name: "DISCNUMBER", Value: "1"},
		{Name: "DISCTOTAL", Value: "2"},
		{Name: "DATE", Value: "2026-05-17"},
		{Name: "GENRE", Value: "Electronic"},
		{Name: "ISRC", Value: "FRXX02600002"},
		{Name: "BARCODE", Value: "0123456789012"},
		{Name: "LABEL", Value: "Lathe Records"},
		{Name: "CATALOGNUMBER", Value: "LATHE-001"},
		{Name: "COPYRIGHT", Value: "2026 Lathe Records"},
		{Name: "COMPOSER", Value: "Album Composer"},
		{Name: "SONGWRITER", Value: "Zoë Ångström"},
		{Name: "ARRANGER", Value: "Ørjan Ñúñez"},
		{Name: "REPLAYGAIN_TRACK_GAIN", Value: "-7.27 dB"},
		{Name: "REPLAYGAIN_TRACK_PEAK", Value: "0.988553"},
		{Name: "REPLAYGAIN_ALBUM_GAIN", Value: "-10.03 dB"},
		{Name: "REPLAYGAIN_ALBUM_PEAK", Value: "1.160112"},
	}
	if got := tags.Vorbis(); !reflect.DeepEqual(got, want) {
		t.Errorf("Vorbis() =\n%q\nwant\n%q", got, want)
	}
}

func TestID3(t *testing.T) {
	a := metadatatest.Album()
	tags, err := metadata.ForTrack(a, 1, &testRG)
	if err != nil {
		t.Fatal(err)
	}
	want := []metadata.Frame{
		{ID: "TIT2", Text: "夜明けの街 (Yoake)"},
		{ID: "TPE1", Text: "細野 晴臣"},
		{ID: "TPE2", Text: "Les Éléments"},
		{ID: "TALB", Text: "Nachtfahrt — Ünïcödé"},
		{ID: "TRCK", Text: "1/3"},
		{ID: "TPOS", Text: "1/2"},
		{ID: "TDRC", Text: "2026-05-17"},
		{ID: "TCON", Text: "Electronic"},
		{ID: "TSRC", Text: "JPXX02600001"},
		{ID: "TPUB", Text: "Lathe Records"},
		{ID: "TCOP", Text: "2026 Lathe Records"},
		{ID: "TPRO", Text: "2026 Les Éléments"},
		{ID: "TCOM", Text: "細野 晴臣"},
		{ID: "TXXX", Desc: "BARCODE", Text: "0123456789012"},
		{ID: "TXXX", Desc: "CATALOGNUMBER", Text: "LATHE-001"},
		{ID: "TXXX", Desc: "REPLAYGAIN_TRACK_GAIN", Text: "-7.27 dB"},
		{ID: "TXXX", Desc: "REPLAYGAIN_TRACK_PEAK", Text: "0.988553"},
		{ID: "TXXX", Desc: "REPLAYGAIN_ALBUM_GAIN", Text: "-10.03 dB"},
		{ID: "TXXX", Desc: "REPLAYGAIN_ALBUM_PEAK", Text: "1.160112"},
		{ID: "COMM", Lang: "eng", Text: "ライブ録音"},
	}
	if got := tags.ID3(); !reflect.DeepEqual(got, want) {
		t.Errorf("ID3() =\n%q\nwant\n%q", got, want)
	}

	// Track 2: an arranger (TIPL pair), a songwriter (TXXX), no message;
	// a language other than English marks the comment's language unknown.
	a.Language = "Japanese"
	a.Tracks[1].Message = "msg"
	tags, _ = metadata.ForTrack(a, 2, nil)
	got := tags.ID3()
	wantTail := []metadata.Frame{
		{ID: "TCOM", Text: "Album Composer"},
		{ID: "TIPL", Text: "arranger\x00Ørjan Ñúñez"},
		{ID: "TXXX", Desc: "BARCODE", Text: "0123456789012"},
		{ID: "TXXX", Desc: "CATALOGNUMBER", Text: "LATHE-001"},
		{ID: "TXXX", Desc: "SONGWRITER", Text: "Zoë Ångström"},
		{ID: "COMM", Lang: "XXX", Text: "msg"},
	}
	if len(got) < len(wantTail) || !reflect.DeepEqual(got[len(got)-len(wantTail):], wantTail) {
		t.Errorf("track 2 ID3() ends with\n%q\nwant\n%q", got, wantTail)
	}
}

// TestEmptyFields checks that unset fields are left out of every table and
// that a track without an artist takes the album's.
func TestEmptyFields(t *testing.T) {
	a := metadatatest.Album()
	a.Tracks[2].Artist = ""
	a.Tracks[2].ISRC = ""
	a.Genre, a.Label, a.Copyright, a.PhonographicCopyright, a.Composer = "", "", "", "", ""
	a.UPC, a.CatalogNumber = "", ""
	tags, err := metadata.ForTrack(a, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range tags.Vorbis() {
		names = append(names, f.Name+"="+f.Value)
	}
	want := "TITLE=Fireworks 🎆 and 👩\u200d🎤 ARTIST=Les Éléments ALBUM=Nachtfahrt — Ünïcödé ALBUMARTIST=Les Éléments " +
		"TRACKNUMBER=3 TRACKTOTAL=3 DISCNUMBER=1 DISCTOTAL=2 DATE=2026-05-17"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("Vorbis() = %s\nwant %s", got, want)
	}
	var ids []string
	for _, f := range tags.ID3() {
		ids = append(ids, f.ID)
	}
	if got := strings.Join(ids, " "); got != "TIT2 TPE1 TPE2 TALB TRCK TPOS TDRC" {
		t.Errorf("ID3() frames %s", got)
	}
}

func TestForTrackRange(t *testing.T) {
	a := metadatatest.Album()
	for _, n := range []int{0, 4, -1} {
		if _, err := metadata.ForTrack(a, n, nil); err == nil || !strings.Contains(err.Error(), "metadata: track") {
			t.Errorf("ForTrack(%d) error = %v", n, err)
		}
	}
}
