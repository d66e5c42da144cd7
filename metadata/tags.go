package metadata

import (
	"fmt"
	"strconv"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
)

// Tags is the format-neutral tag table of one track of an album. Empty
// strings and zero numbers are left out of every format's table.
type Tags struct {
	Title       string
	Artist      string // the track's artist
	Album       string
	AlbumArtist string
	Track       int // 1-based
	Tracks      int
	Disc, Discs int // 1 of 1 for a single disc

	Date          string // YYYY, YYYY-MM or YYYY-MM-DD
	Genre         string
	ISRC          string // 12 characters, compact
	Barcode       string // the UPC/EAN as 13 digits
	Label         string
	CatalogNumber string
	Copyright     string // C-line
	Phonographic  string // P-line

	// The CD-Text credits. Composer, Songwriter and Arranger fall back to
	// the album's when the track has none; Comment is the track's CD-Text
	// message only, since the album's message speaks of the disc.
	Composer   string
	Songwriter string
	Arranger   string
	Comment    string
	Language   string // ISO 639-2 code of Comment: "eng", or "XXX" (unknown)

	// ReplayGain holds the ReplayGain 2.0 values of the delivered audio
	// (docs/loudness.md §7.3); nil writes none.
	ReplayGain *loudness.ReplayGain
}

// ForTrack returns the tags of track n (1-based) of a. rg, when not nil,
// gives the ReplayGain values of the delivery's audio of that track.
func ForTrack(a *album.Album, n int, rg *loudness.ReplayGain) (Tags, error) {
	if n < 1 || n > len(a.Tracks) {
		return Tags{}, fmt.Errorf("metadata: track %d: the album has %d tracks", n, len(a.Tracks))
	}
	tr := &a.Tracks[n-1]
	t := Tags{
		Title:         tr.Title,
		Artist:        tr.Artist,
		Album:         a.Title,
		AlbumArtist:   a.Artist,
		Track:         n,
		Tracks:        len(a.Tracks),
		Disc:          a.Disc,
		Discs:         a.Discs,
		Date:          a.ReleaseDate,
		Genre:         a.Genre,
		ISRC:          string(tr.ISRC),
		Barcode:       string(a.UPC),
		Label:         a.Label,
		CatalogNumber: a.CatalogNumber,
		Copyright:     a.Copyright,
		Phonographic:  a.PhonographicCopyright,
		Composer:      or(tr.Composer, a.Composer),
		Songwriter:    or(tr.Songwriter, a.Songwriter),
		Arranger:      or(tr.Arranger, a.Arranger),
		Comment:       tr.Message,
		Language:      "XXX",
	}
	if t.Artist == "" {
		t.Artist = a.Artist
	}
	if a.Language == "" || a.Language == "English" {
		t.Language = "eng"
	}
	if rg != nil {
		v := *rg
		t.ReplayGain = &v
	}
	return t, nil
}

func or(s, alt string) string {
	if s != "" {
		return s
	}
	return alt
}

// Field is one Vorbis comment: a field name and its UTF-8 value.
type Field struct {
	Name  string // printable ASCII 0x20-0x7D except '=', upper case here
	Value string
}

// Vorbis returns the Vorbis comments of t in a fixed order: the fields of
// the Xiph proposal and the tags MusicBrainz Picard and loudgain write
// (TRACKTOTAL, DISCTOTAL, ALBUMARTIST, BARCODE, LABEL, CATALOGNUMBER,
// REPLAYGAIN_*). COPYRIGHT holds the C-line, or the P-line when the album
// has no C-line; Vorbis comments have no field for a P-line next to it.
func (t *Tags) Vorbis() []Field {
	var fs []Field
	add := func(name, value string) {
		if value != "" {
			fs = append(fs, Field{name, value})
		}
	}
	add("TITLE", t.Title)
	add("ARTIST", t.Artist)
	add("ALBUM", t.Album)
	add("ALBUMARTIST", t.AlbumArtist)
	add("TRACKNUMBER", itoa(t.Track))
	add("TRACKTOTAL", itoa(t.Tracks))
	add("DISCNUMBER", itoa(t.Disc))
	add("DISCTOTAL", itoa(t.Discs))
	add("DATE", t.Date)
	add("GENRE", t.Genre)
	add("ISRC", t.ISRC)
	add("BARCODE", t.Barcode)
	add("LABEL", t.Label)
	add("CATALOGNUMBER", t.CatalogNumber)
	add("COPYRIGHT", or(t.Copyright, t.Phonographic))
	add("COMPOSER", t.Composer)
	add("SONGWRITER", t.Songwriter)
	add("ARRANGER", t.Arranger)
	add("COMMENT", t.Comment)
	for _, kv := range t.replayGain() {
		add(kv[0], kv[1])
	}
	return fs
}

func (t *Tags) replayGain() [][2]string {
	if t.ReplayGain == nil {
		return nil
	}
	return t.ReplayGain.Tags()
}

// Frame is one ID3v2.4 text frame. Text frames (T???) carry Text; TXXX
// also carries Desc, its description; COMM carries Lang and Desc; TIPL
// carries Text as NUL-separated role/name pairs.
type Frame struct {
	ID   string // four characters
	Desc string // TXXX and COMM
	Lang string // COMM: ISO 639-2 code
	Text string
}

// ID3 returns the ID3v2.4 frames of t in a fixed order (the cover is added
// by the encoder as APIC). TRCK and TPOS are "n/total", TDRC the release
// date, TCOP the C-line and TPRO the P-line, TPUB the label; BARCODE,
// CATALOGNUMBER, SONGWRITER and the ReplayGain values go into TXXX frames
// with upper-case descriptions, as Picard and loudgain write them. The
// arranger is a TIPL "arranger" pair.
func (t *Tags) ID3() []Frame {
	var fs []Frame
	add := func(id, value string) {
		if value != "" {
			fs = append(fs, Frame{ID: id, Text: value})
		}
	}
	txxx := func(desc, value string) {
		if value != "" {
			fs = append(fs, Frame{ID: "TXXX", Desc: desc, Text: value})
		}
	}
	add("TIT2", t.Title)
	add("TPE1", t.Artist)
	add("TPE2", t.AlbumArtist)
	add("TALB", t.Album)
	add("TRCK", ofTotal(t.Track, t.Tracks))
	add("TPOS", ofTotal(t.Disc, t.Discs))
	add("TDRC", t.Date)
	add("TCON", t.Genre)
	add("TSRC", t.ISRC)
	add("TPUB", t.Label)
	add("TCOP", t.Copyright)
	add("TPRO", t.Phonographic)
	add("TCOM", t.Composer)
	if t.Arranger != "" {
		add("TIPL", "arranger\x00"+t.Arranger)
	}
	txxx("BARCODE", t.Barcode)
	txxx("CATALOGNUMBER", t.CatalogNumber)
	txxx("SONGWRITER", t.Songwriter)
	for _, kv := range t.replayGain() {
		txxx(kv[0], kv[1])
	}
	if t.Comment != "" {
		fs = append(fs, Frame{ID: "COMM", Lang: t.Language, Text: t.Comment})
	}
	return fs
}

func itoa(n int) string {
	if n <= 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func ofTotal(n, total int) string {
	switch {
	case n <= 0:
		return ""
	case total <= 0:
		return strconv.Itoa(n)
	}
	return strconv.Itoa(n) + "/" + strconv.Itoa(total)
}
