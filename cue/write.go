// Package cue writes and parses CDRWIN cue sheets (the format of the
// CDRWIN User's Guide, Appendix A, as summarized in docs/cd-formats.md §5).
//
// Write emits layout 1 of §5.3 (one FILE for the whole album, track 1
// INDEX 01 at 00:00:00, gaps as INDEX 00), which cdrdao, flac, libcdio and
// cuetools all accept; WriteTracks emits layout 2 (one FILE per track, each
// starting with the track's pause). The non-compliant layout (gaps appended
// to the previous FILE) is never written. Parse reads cue sheets, mainly to
// verify what Write produced.
//
// Not supported: data tracks (MODE1/MODE2), PREGAP/POSTGAP on output, and
// text outside ISO-8859-1.
package cue

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// File types of the FILE command. ref: docs/cd-formats.md §5.1
const (
	Wave     = "WAVE"     // RIFF WAVE
	Binary   = "BINARY"   // raw 16-bit little-endian (Intel) stereo PCM
	Motorola = "MOTOROLA" // raw 16-bit big-endian stereo PCM
)

// maxLine is the longest line cue2ddp accepts (254 characters with its
// line end); lines stay shorter. ref: docs/cd-formats.md §5.2
const maxLine = 253

// Options tune the cue sheet.
type Options struct {
	File       string // the FILE name, e.g. "Album.wav"; required for Write
	Type       string // Wave (default), Binary or Motorola
	CDTextFile string // CDTEXTFILE for a raw CD-Text file; leave empty in a player-facing cue
	Rem        Rem    // REM metadata, written in a fixed order
	CRLF       bool   // CRLF line ends instead of LF
}

// Rem is the de-facto REM metadata of a cue sheet, written in this order.
type Rem struct {
	Genre   string // REM GENRE "…"
	Date    string // REM DATE 2024 (one word)
	DiscID  string // REM DISCID 8 hex digits (one word)
	Comment string // REM COMMENT "…"
}

// Span is a range of A-time sectors [Start, End).
type Span struct {
	Start, End int
}

// Write writes the album cue of d (layout 1): one FILE that starts at
// LBA 0, so every cue time is the A-time minus 150; track 1's INDEX 01 is at
// 00:00:00 unless its pregap is longer than 150 sectors (hidden track
// audio), in which case INDEX 00 is at 00:00:00 and INDEX 01 at pregap−150.
// The file holds the program from A-time 150 to the lead-out.
//
// It writes CATALOG, the disc TITLE/PERFORMER/SONGWRITER, per track TITLE,
// PERFORMER, SONGWRITER, FLAGS (PRE, DCP, SCMS, only when set), ISRC and
// every index point. A `"` in text is written as `”`. d is validated first.
func Write(w io.Writer, d *cdda.Disc, opt Options) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if opt.File == "" {
		return fmt.Errorf("cue: no FILE name")
	}
	e := newEncoder(w, opt)
	e.header(d)
	e.file(opt.File)
	for i := range d.Tracks {
		t := &d.Tracks[i]
		e.track(d, i)
		if i == 0 && t.Pregap > cdda.MinPregap {
			e.index(0, 0)
		} else if i > 0 && t.Pregap > 0 {
			e.index(0, t.Start()-cdda.MinPregap)
		}
		for k, at := range t.Index {
			e.index(k+1, at-cdda.MinPregap)
		}
	}
	return e.flush()
}

// TrackSpans returns, for WriteTracks, the A-time span each track's file
// must hold: from the track's start (its index 00, or index 01 when it has
// no pause; A-time 150 for track 1) to the next track's start or the
// lead-out.
func TrackSpans(d *cdda.Disc) []Span {
	spans := make([]Span, len(d.Tracks))
	for i := range d.Tracks {
		start := d.Tracks[i].Start()
		if i == 0 {
			start = cdda.MinPregap
		}
		end := d.LeadOut
		if i+1 < len(d.Tracks) {
			end = d.Tracks[i+1].Start()
		}
		spans[i] = Span{start, end}
	}
	return spans
}

// WriteTracks writes a cue with one FILE per track (layout 2, "gaps
// prepended"): files[i] holds TrackSpans(d)[i], so each FILE begins with the
// track's INDEX 00 (or INDEX 01) at 00:00:00. opt.File is ignored.
func WriteTracks(w io.Writer, d *cdda.Disc, files []string, opt Options) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if len(files) != len(d.Tracks) {
		return fmt.Errorf("cue: %d file names for %d tracks", len(files), len(d.Tracks))
	}
	spans := TrackSpans(d)
	e := newEncoder(w, opt)
	e.header(d)
	for i := range d.Tracks {
		t := &d.Tracks[i]
		e.file(files[i])
		e.track(d, i)
		if (i == 0 && t.Pregap > cdda.MinPregap) || (i > 0 && t.Pregap > 0) {
			e.index(0, 0)
		}
		for k, at := range t.Index {
			e.index(k+1, at-spans[i].Start)
		}
	}
	return e.flush()
}

// encoder writes cue lines with a sticky error.
type encoder struct {
	w    *bufio.Writer
	eol  string
	opt  Options
	err  error
	line int
}

func newEncoder(w io.Writer, opt Options) *encoder {
	e := &encoder{w: bufio.NewWriter(w), eol: "\n", opt: opt}
	if opt.CRLF {
		e.eol = "\r\n"
	}
	if opt.Type == "" {
		e.opt.Type = Wave
	}
	switch e.opt.Type {
	case Wave, Binary, Motorola:
	default:
		e.err = fmt.Errorf("cue: file type %q, want WAVE, BINARY or MOTOROLA", opt.Type)
	}
	return e
}

// printf writes one line, refusing lines of maxLine characters or more.
func (e *encoder) printf(what, format string, args ...any) {
	if e.err != nil {
		return
	}
	s := fmt.Sprintf(format, args...)
	if len(s) > maxLine {
		e.err = fmt.Errorf("cue: %s: the line is %d bytes, cue lines must stay under 254", what, len(s))
		return
	}
	e.line++
	_, e.err = e.w.WriteString(s + e.eol)
}

// quote returns s in double quotes; a `"` becomes `”` (a cue string has
// no escape), and control characters are refused.
func (e *encoder) quote(what, s string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7F {
			if e.err == nil {
				e.err = fmt.Errorf("cue: %s: control character U+%04X", what, r)
			}
			return `""`
		}
	}
	return `"` + strings.ReplaceAll(s, `"`, `''`) + `"`
}

// word checks a one-word (unquoted) value.
func (e *encoder) word(what, s string) string {
	if strings.ContainsAny(s, " \t\"") || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 }) {
		if e.err == nil {
			e.err = fmt.Errorf("cue: %s %q must be one word", what, s)
		}
	}
	return s
}

// header writes the disc-level commands: REM in a fixed order, CATALOG,
// CDTEXTFILE, then the disc's CD-Text strings.
func (e *encoder) header(d *cdda.Disc) {
	r := e.opt.Rem
	if r.Genre != "" {
		e.printf("rem genre", "REM GENRE %s", e.quote("rem genre", r.Genre))
	}
	if r.Date != "" {
		e.printf("rem date", "REM DATE %s", e.word("rem date", r.Date))
	}
	if r.DiscID != "" {
		e.printf("rem discid", "REM DISCID %s", e.word("rem discid", r.DiscID))
	}
	if r.Comment != "" {
		e.printf("rem comment", "REM COMMENT %s", e.quote("rem comment", r.Comment))
	}
	if d.UPC != "" {
		e.printf("catalog", "CATALOG %s", d.UPC)
	}
	if e.opt.CDTextFile != "" {
		e.printf("cdtextfile", "CDTEXTFILE %s", e.quote("cdtextfile", e.opt.CDTextFile))
	}
	if d.Text != nil {
		e.strings("disc", "", d.Text.Disc)
	}
}

// strings writes TITLE, PERFORMER and SONGWRITER (the CDRWIN text commands).
func (e *encoder) strings(who, indent string, s cdtext.Strings) {
	for _, f := range []struct{ kw, v string }{{"TITLE", s.Title}, {"PERFORMER", s.Performer}, {"SONGWRITER", s.Songwriter}} {
		if f.v != "" {
			what := who + " " + strings.ToLower(f.kw)
			e.printf(what, "%s%s %s", indent, f.kw, e.quote(what, f.v))
		}
	}
}

func (e *encoder) file(name string) {
	e.printf("file", "FILE %s %s", e.quote("file", name), e.opt.Type)
}

// track writes TRACK, its text, FLAGS and ISRC (before any INDEX).
func (e *encoder) track(d *cdda.Disc, i int) {
	t := &d.Tracks[i]
	e.printf("track", "  TRACK %02d AUDIO", i+1)
	if d.Text != nil {
		e.strings(fmt.Sprintf("track %d", i+1), "    ", d.Text.Tracks[i])
	}
	flags := t.Flags()
	if len(flags) > 0 {
		e.printf("flags", "    FLAGS %s", strings.Join(flags, " "))
	}
	if t.ISRC != "" {
		e.printf("isrc", "    ISRC %s", t.ISRC)
	}
}

// index writes INDEX n at a cue time in sectors.
func (e *encoder) index(n, sectors int) {
	m, err := cdda.ToMSF(sectors)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("cue: index %02d: %w", n, err)
	}
	e.printf("index", "    INDEX %02d %s", n, m)
}

func (e *encoder) flush() error {
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}
