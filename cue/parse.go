package cue

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// Sheet is a parsed cue sheet. ref: docs/cd-formats.md §5.1, §5.2
type Sheet struct {
	Catalog    string
	CDTextFile string
	Title      string
	Performer  string
	Songwriter string
	Rem        []Remark // disc-level REM lines in order
	Files      []File
	Tracks     []Track
}

// Remark is one REM line: its first word and the rest (unquoted).
type Remark struct {
	Key, Value string
}

// File is one FILE command.
type File struct {
	Name, Type string
}

// Track is one TRACK command and what follows it.
type Track struct {
	Number     int
	Type       string // "AUDIO"
	File       int    // index into Sheet.Files of the FILE the track starts in
	Title      string
	Performer  string
	Songwriter string
	ISRC       string
	Flags      []string
	Pregap     int // PREGAP in sectors (0 = none)
	Postgap    int // POSTGAP in sectors
	Indexes    []Index
}

// Index is one INDEX command; Time is in sectors from the start of the
// FILE it is in.
type Index struct {
	Number int
	File   int // index into Sheet.Files
	Time   int
}

// Parse reads a cue sheet. Keywords must be upper case. A quoted argument
// runs to the last `"` on its line, an unquoted one is a single word. It
// checks the CDRWIN rules of docs/cd-formats.md §5.1: sequential track
// numbers 1–99, FLAGS and ISRC before the first INDEX, index numbers
// starting at 00 or 01 and going up by one, times increasing within a
// file, and the first index of each file at 00:00:00. Errors name the line.
func Parse(data []byte) (*Sheet, error) {
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		return nil, fmt.Errorf("cue: line 1: a UTF-8 byte order mark is not allowed")
	}
	s := &Sheet{}
	var cur *Track
	lines := strings.Split(string(data), "\n")
	for n, raw := range lines {
		ln := n + 1
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		if line == "" {
			continue
		}
		kw, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		fail := func(format string, args ...any) error {
			return fmt.Errorf("cue: line %d: %s: %s", ln, kw, fmt.Sprintf(format, args...))
		}
		arg := func() (string, error) {
			if strings.HasPrefix(rest, `"`) {
				end := strings.LastIndex(rest, `"`)
				if end == 0 {
					return "", fail("unterminated quoted string")
				}
				return rest[1:end], nil
			}
			w, _, _ := strings.Cut(rest, " ")
			return w, nil
		}
		text := func(disc, track *string) error {
			v, err := arg()
			if err != nil {
				return err
			}
			if cur != nil {
				*track = v
			} else {
				*disc = v
			}
			return nil
		}
		var err error
		switch kw {
		case "REM":
			k, v, _ := strings.Cut(rest, " ")
			v = strings.TrimSpace(v)
			if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
				v = v[1 : len(v)-1]
			}
			if cur == nil {
				s.Rem = append(s.Rem, Remark{k, v})
			}
		case "CATALOG":
			if cur != nil {
				return nil, fail("only before the first TRACK")
			}
			s.Catalog, err = arg()
		case "CDTEXTFILE":
			s.CDTextFile, err = arg()
		case "TITLE":
			err = text(&s.Title, trackField(cur, func(t *Track) *string { return &t.Title }))
		case "PERFORMER":
			err = text(&s.Performer, trackField(cur, func(t *Track) *string { return &t.Performer }))
		case "SONGWRITER":
			err = text(&s.Songwriter, trackField(cur, func(t *Track) *string { return &t.Songwriter }))
		case "FILE":
			name, e := arg()
			if e != nil {
				return nil, e
			}
			typ := strings.TrimSpace(rest[strings.LastIndex(rest, `"`)+1:])
			if !strings.HasPrefix(rest, `"`) {
				_, typ, _ = strings.Cut(rest, " ")
			}
			if len(s.Files) >= 99 {
				return nil, fail("more than 99 files")
			}
			s.Files = append(s.Files, File{Name: name, Type: strings.TrimSpace(typ)})
		case "TRACK":
			f := strings.Fields(rest)
			if len(f) != 2 {
				return nil, fail("want TRACK nn TYPE")
			}
			num, e := strconv.Atoi(f[0])
			if e != nil || num != len(s.Tracks)+1 || num > 99 {
				return nil, fail("track %q, want %02d (tracks are numbered 01..99 in order)", f[0], len(s.Tracks)+1)
			}
			if len(s.Files) == 0 {
				return nil, fail("TRACK before any FILE")
			}
			if cur != nil && len(cur.Indexes) == 0 {
				return nil, fail("track %02d has no INDEX", cur.Number)
			}
			s.Tracks = append(s.Tracks, Track{Number: num, Type: f[1], File: len(s.Files) - 1})
			cur = &s.Tracks[len(s.Tracks)-1]
		case "FLAGS", "ISRC", "PREGAP":
			if cur == nil {
				return nil, fail("only inside a TRACK")
			}
			if len(cur.Indexes) > 0 {
				return nil, fail("must come before the track's first INDEX")
			}
			switch kw {
			case "FLAGS":
				cur.Flags = strings.Fields(rest)
				for _, f := range cur.Flags {
					if f != "DCP" && f != "4CH" && f != "PRE" && f != "SCMS" {
						return nil, fail("unknown flag %q", f)
					}
				}
			case "ISRC":
				cur.ISRC = rest
			case "PREGAP":
				cur.Pregap, err = cdda.ParseMSF(rest)
			}
		case "POSTGAP":
			if cur == nil || len(cur.Indexes) == 0 {
				return nil, fail("only after a track's INDEX")
			}
			cur.Postgap, err = cdda.ParseMSF(rest)
		case "INDEX":
			if cur == nil {
				return nil, fail("INDEX outside a TRACK")
			}
			f := strings.Fields(rest)
			if len(f) != 2 {
				return nil, fail("want INDEX nn mm:ss:ff")
			}
			num, e := strconv.Atoi(f[0])
			if e != nil || num < 0 || num > 99 || len(f[0]) != 2 {
				return nil, fail("index number %q, want 00..99", f[0])
			}
			at, e := cdda.ParseMSF(f[1])
			if e != nil {
				return nil, fail("%v", e)
			}
			file := len(s.Files) - 1
			if len(cur.Indexes) == 0 {
				if num > 1 {
					return nil, fail("a track's first index is %02d, want 00 or 01", num)
				}
			} else if prev := cur.Indexes[len(cur.Indexes)-1]; num != prev.Number+1 {
				return nil, fail("index %02d follows %02d", num, prev.Number)
			}
			if last, ok := lastIndex(s); ok && last.File == file && at <= last.Time {
				return nil, fail("time %s is not after the previous index", f[1])
			} else if (!ok || last.File != file) && at != 0 {
				return nil, fail("the first index of FILE %q is at %s, want 00:00:00", s.Files[file].Name, f[1])
			}
			if len(cur.Indexes) > 0 && cur.Indexes[0].File != file {
				return nil, fail("track %02d: INDEX %02d is in a different FILE than INDEX %02d (the non-compliant layout: gaps appended to the previous file)",
					cur.Number, num, cur.Indexes[0].Number)
			}
			cur.Indexes = append(cur.Indexes, Index{Number: num, File: file, Time: at})
		default:
			return nil, fail("unknown command")
		}
		if err != nil {
			if strings.HasPrefix(err.Error(), "cue: line") {
				return nil, err
			}
			return nil, fail("%v", err)
		}
	}
	if len(s.Tracks) == 0 {
		return nil, fmt.Errorf("cue: no TRACK")
	}
	if cur != nil && (len(cur.Indexes) == 0 || cur.Indexes[len(cur.Indexes)-1].Number == 0) {
		return nil, fmt.Errorf("cue: track %02d has no INDEX 01", cur.Number)
	}
	for _, t := range s.Tracks {
		if !hasIndex01(t) {
			return nil, fmt.Errorf("cue: track %02d has no INDEX 01", t.Number)
		}
	}
	return s, nil
}

// trackField returns a pointer into the current track, or nil.
func trackField(cur *Track, f func(*Track) *string) *string {
	if cur == nil {
		return nil
	}
	return f(cur)
}

func lastIndex(s *Sheet) (Index, bool) {
	for i := len(s.Tracks) - 1; i >= 0; i-- {
		if n := len(s.Tracks[i].Indexes); n > 0 {
			return s.Tracks[i].Indexes[n-1], true
		}
	}
	return Index{}, false
}

func hasIndex01(t Track) bool {
	for _, x := range t.Indexes {
		if x.Number == 1 {
			return true
		}
	}
	return false
}

// Disc converts a single-FILE sheet (layout 1) back to a disc description:
// A-time = cue time + 150, the lead-out is the file length in sectors plus
// 150, and TITLE/PERFORMER/SONGWRITER become CD-Text. FLAGS DCP, PRE and
// SCMS become the track flags.
func (s *Sheet) Disc(fileSectors int) (*cdda.Disc, error) {
	if len(s.Files) != 1 {
		return nil, fmt.Errorf("cue: %d FILE commands; Disc needs a single-file sheet", len(s.Files))
	}
	d := &cdda.Disc{UPC: s.Catalog, LeadOut: fileSectors + cdda.MinPregap}
	hasText := s.Title != "" || s.Performer != "" || s.Songwriter != ""
	text := &cdtext.Text{Language: cdtext.LanguageEnglish, Disc: cdtext.Strings{Title: s.Title, Performer: s.Performer, Songwriter: s.Songwriter}}
	for i, t := range s.Tracks {
		tr := cdda.Track{ISRC: t.ISRC}
		for _, f := range t.Flags {
			switch f {
			case "DCP":
				tr.CopyPermitted = true
			case "PRE":
				tr.PreEmphasis = true
			case "SCMS":
				tr.SCMS = true
			}
		}
		idx00 := -1
		for _, x := range t.Indexes {
			at := x.Time + cdda.MinPregap
			if x.Number == 0 {
				idx00 = at
			} else {
				tr.Index = append(tr.Index, at)
			}
		}
		switch {
		case i == 0:
			tr.Pregap = tr.Index[0]
		case idx00 >= 0:
			tr.Pregap = tr.Index[0] - idx00
		}
		d.Tracks = append(d.Tracks, tr)
		text.Tracks = append(text.Tracks, cdtext.Strings{Title: t.Title, Performer: t.Performer, Songwriter: t.Songwriter})
		hasText = hasText || t.Title != "" || t.Performer != "" || t.Songwriter != ""
	}
	if hasText {
		d.Text = text
	}
	return d, nil
}
