package metadata_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
	"github.com/lathe-audio/lathe/pcm"
)

func TestWAVInfo(t *testing.T) {
	tags, err := metadata.ForTrack(metadatatest.Album(), 1, &testRG)
	if err != nil {
		t.Fatal(err)
	}
	want := []pcm.InfoTag{
		{ID: "INAM", Text: "夜明けの街 (Yoake)"},
		{ID: "IART", Text: "細野 晴臣"},
		{ID: "IPRD", Text: "Nachtfahrt — Ünïcödé"},
		{ID: "IPRT", Text: "1/3"},
		{ID: "ICRD", Text: "2026-05-17"},
		{ID: "IGNR", Text: "Electronic"},
		{ID: "ICOP", Text: "2026 Lathe Records"},
		{ID: "ICMT", Text: "ライブ録音"},
		{ID: "ISFT", Text: "lathe"},
	}
	if got := tags.WAVInfo(); !reflect.DeepEqual(got, want) {
		t.Errorf("WAVInfo() =\n%q\nwant\n%q", got, want)
	}
}

func TestBEXT(t *testing.T) {
	tags, err := metadata.ForTrack(metadatatest.Album(), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	loud := &pcm.BEXTLoudness{Value: -1400, Range: 520, MaxTruePeak: -100, MaxMomentary: -900, MaxShortTerm: -1100}
	got := tags.BEXT(metadata.BWF{Rate: 96000, Bits: 24, Channels: 2, TimeReference: 123456, Loudness: loud})
	want := &pcm.BEXT{
		Description:         "Les Elements - Cafe Brulee a l'Elysee",
		Originator:          "Lathe Records",
		OriginatorReference: "FRXX02600002",
		OriginationDate:     "2026-05-17",
		TimeReference:       123456,
		Loudness:            loud,
		CodingHistory:       "A=PCM,F=96000,W=24,M=stereo,T=lathe\r\n",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("BEXT() =\n%+v\nwant\n%+v", got, want)
	}

	// A year-only date is no origination date; a Japanese title folds to
	// '?' per character; a missing label gives the album artist.
	a := metadatatest.Album()
	a.ReleaseDate, a.Label = "2026", ""
	tags, _ = metadata.ForTrack(a, 1, nil)
	got = tags.BEXT(metadata.BWF{Rate: 44100, Bits: 16, Channels: 1})
	if got.OriginationDate != "" || got.Description != "?? ?? - ????? (Yoake)" || got.Originator != "Les Elements" ||
		got.CodingHistory != "A=PCM,F=44100,W=16,M=mono,T=lathe\r\n" {
		t.Errorf("BEXT() = %+v", got)
	}
}

func TestASCII(t *testing.T) {
	for _, tt := range []struct {
		in   string
		max  int
		want string
	}{
		{"Café Brûlée", 100, "Cafe Brulee"},
		{"ﬁnal ½", 100, "final 1?2"}, // NFKD: the ligature splits; ½ becomes 1, U+2044, 2
		{"Ørjan Ñúñez", 100, "?rjan Nunez"},
		{"tab\there", 100, "tab?here"},
		{"abcdef", 3, "abc"},
		{"夜明け", 2, "??"},
	} {
		if got := metadata.ASCII(tt.in, tt.max); got != tt.want {
			t.Errorf("ASCII(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

// TestWAVRoundTrip writes a WAV master with the track's INFO and bext
// chunks through package pcm, which validates them, and reads them back
// with pcm.Probe and, when it is installed, ffprobe.
func TestWAVRoundTrip(t *testing.T) {
	tags, err := metadata.ForTrack(metadatatest.Album(), 3, &testRG)
	if err != nil {
		t.Fatal(err)
	}
	f := pcm.Format{Rate: 48000, Channels: 2, Bits: 24}
	bext := tags.BEXT(metadata.BWF{Rate: f.Rate, Bits: f.Bits, Channels: f.Channels, TimeReference: 48000 * 3600})
	x := metadatatest.Signal(5, f.Rate, 2, 4800, 24)
	path := filepath.Join(t.TempDir(), "master.wav")
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := pcm.NewWAVWriter(file, f, pcm.WAVOptions{Frames: 4800, BEXT: bext, Tags: tags.WAVInfo()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteInt(x); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	file.Close()
	info, err := pcm.Probe(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.Tags, tags.WAVInfo()) {
		t.Errorf("INFO read back %q, want %q", info.Tags, tags.WAVInfo())
	}
	if info.BEXT == nil || info.BEXT.Description != "Les Elements - Fireworks ? and ???" || info.BEXT.TimeReference != 48000*3600 {
		t.Errorf("bext read back %+v", info.BEXT)
	}

	ffprobe := testtool.Require(t, "ffprobe", "ffmpeg")
	var p struct {
		Format struct {
			Tags map[string]string `json:"tags"`
		} `json:"format"`
	}
	if err := json.Unmarshal(metadatatest.Run(t, ffprobe, "-v", "error", "-show_format", "-of", "json", path), &p); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"title":                "Fireworks 🎆 and 👩\u200d🎤",
		"artist":               "Les Éléments",
		"album":                "Nachtfahrt — Ünïcödé",
		"track":                "3/3",
		"date":                 "2026-05-17",
		"encoder":              "lathe",
		"comment":              "Les Elements - Fireworks ? and ???", // ffmpeg shows the bext description as comment
		"encoded_by":           "Lathe Records",                      // and the originator as encoded_by
		"originator_reference": "GBXXX2600003",
		"time_reference":       "172800000",
		"coding_history":       "A=PCM,F=48000,W=24,M=stereo,T=lathe\r\n",
	} {
		if got := p.Format.Tags[k]; got != v {
			t.Errorf("ffprobe %s = %q, want %q (all: %q)", k, got, v, p.Format.Tags)
		}
	}
}
