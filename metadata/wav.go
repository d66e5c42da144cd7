package metadata

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/lathe-audio/lathe/pcm"
)

// WAVInfo returns the LIST/INFO entries of the track's WAV master in a
// fixed order: INAM title, IART artist, IPRD album, IPRT track ("3/12"),
// ICRD date, IGNR genre, ICOP copyright (C-line, else P-line), ICMT the
// CD-Text message, ISFT "lathe". Text is UTF-8, as ffmpeg, sox and BWF
// MetaEdit read it. The ISRC is not written: the INFO ID "ISRC" means
// "source" (who supplied the material), not the recording code; the bext
// chunk carries the ISRC instead.
func (t *Tags) WAVInfo() []pcm.InfoTag {
	var tags []pcm.InfoTag
	add := func(id, text string) {
		text = strings.ReplaceAll(text, "\x00", "")
		if text != "" {
			tags = append(tags, pcm.InfoTag{ID: id, Text: text})
		}
	}
	add("INAM", t.Title)
	add("IART", t.Artist)
	add("IPRD", t.Album)
	add("IPRT", ofTotal(t.Track, t.Tracks))
	add("ICRD", t.Date)
	add("IGNR", t.Genre)
	add("ICOP", or(t.Copyright, t.Phonographic))
	add("ICMT", t.Comment)
	add("ISFT", "lathe")
	return tags
}

// BWF describes the audio of a WAV master, for its bext chunk.
type BWF struct {
	Rate     int // Hz
	Bits     int // valid bits per sample (32 for float)
	Channels int
	// TimeReference is the first sample's position, counted in samples at
	// Rate since midnight; lathe uses the track's start in the program.
	TimeReference uint64
	// Loudness, when not nil, makes a version 2 chunk (EBU R128 values).
	Loudness *pcm.BEXTLoudness
}

// BEXT returns the bext chunk of the track's WAV master (EBU Tech 3285):
//
//   - Description: "artist - title", folded to ASCII (accents dropped,
//     other characters outside printable ASCII as '?'), at most 256;
//   - Originator: the label, else the album artist, folded, at most 32;
//   - OriginatorReference: the ISRC;
//   - OriginationDate: the release date when it is a full YYYY-MM-DD, else
//     empty; OriginationTime is empty (lathe reads no clock);
//   - CodingHistory: one EBU R98 line, e.g.
//     "A=PCM,F=96000,W=24,M=stereo,T=lathe\r\n".
func (t *Tags) BEXT(f BWF) *pcm.BEXT {
	desc := t.Title
	if t.Artist != "" {
		desc = t.Artist + " - " + t.Title
	}
	x := &pcm.BEXT{
		Description:         ASCII(desc, 256),
		Originator:          ASCII(or(t.Label, t.AlbumArtist), 32),
		OriginatorReference: t.ISRC,
		TimeReference:       f.TimeReference,
		Loudness:            f.Loudness,
	}
	if len(t.Date) == len("2006-01-02") {
		x.OriginationDate = t.Date
	}
	mode := map[int]string{1: "mono", 2: "stereo"}[f.Channels]
	if mode == "" {
		mode = fmt.Sprintf("%d channels", f.Channels)
	}
	x.CodingHistory = fmt.Sprintf("A=PCM,F=%d,W=%d,M=%s,T=lathe\r\n", f.Rate, f.Bits, mode)
	return x
}

// ASCII folds s to printable ASCII of at most max bytes, for fields such
// as the bext text that allow nothing else: compatibility decomposition
// (NFKD) splits letters from their accents, which are dropped, so "Café"
// becomes "Cafe"; every other character outside 0x20-0x7E becomes '?'.
func ASCII(s string, max int) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if b.Len() >= max {
			break
		}
		switch {
		case unicode.Is(unicode.Mn, r):
		case r >= 0x20 && r <= 0x7E:
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
