package cdda

import (
	"errors"
	"fmt"

	"github.com/lathe-audio/lathe/cdtext"
)

// Disc describes an audio CD (ref: docs/cd-formats.md §1, §3): what a DDP PQ descriptor, a cue sheet and a
// PQ sheet are written from. Every time is an A-time in sectors.
//
// Track 1's index 00 is always at A-time 0 (its pregap, at least 150
// sectors, is the start of the image), so for track 1 Pregap equals
// Index[0].
type Disc struct {
	UPC      string       // 13-digit EAN-13 (MCN), or empty
	MasterID string       // DDP master ID (DDPID), at most 48 printable ASCII characters; not on the disc
	Tracks   []Track      // 1..99 tracks, Tracks[i] is track i+1
	LeadOut  int          // A-time of the lead-out: the end of the program, in sectors
	Text     *cdtext.Text // CD-Text, or nil; len(Text.Tracks) == len(Tracks)

	// AllowOver80 lifts the 79:59:74 limit up to 99:59:74, for plants that
	// accept a waiver.
	AllowOver80 bool
}

// Track is one audio track. ref: docs/cd-formats.md §2.6 (index points,
// control flags), §3 (ISRC)
type Track struct {
	Pregap int   // sectors of index 00 before Index[0]; 0 = no index 00 (gapless)
	Index  []int // A-times of index 01, 02, …; Index[0] (index 01) is required

	ISRC          string // compact upper-case ISRC, or empty
	PreEmphasis   bool   // the audio is pre-emphasized (control bit 0)
	CopyPermitted bool   // digital copy permitted, DCP (control bit 1)
	SCMS          bool   // serial copy management; never with CopyPermitted
}

// Start returns the A-time where the track begins: its index 00 when it
// has one, else its index 01.
func (t *Track) Start() int { return t.Index[0] - t.Pregap }

// FieldError is one problem of a Disc, naming the track (0 = the disc) and
// the field.
type FieldError struct {
	Track int    // 1-based track number, 0 for the disc
	Field string // e.g. "isrc", "index 02", "lead-out"
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Track == 0 {
		return fmt.Sprintf("cdda: disc %s: %s", e.Field, e.Msg)
	}
	return fmt.Sprintf("cdda: track %d %s: %s", e.Track, e.Field, e.Msg)
}

// Validate checks d against the Red Book rules of docs/cd-formats.md §3 and
// §8 items 8–10 and 16 that concern the TOC, plus the CD-Text encoding
// (ISO-8859-1, pack budget). It returns every problem at once, joined, each
// a *FieldError.
func (d *Disc) Validate() error {
	var errs []error
	add := func(track int, field, format string, args ...any) {
		errs = append(errs, &FieldError{Track: track, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if d.UPC != "" {
		if err := upcProblem(d.UPC); err != nil {
			add(0, "upc", "%v", err)
		}
	}
	if len(d.MasterID) > 48 {
		add(0, "master id", "%d characters, at most 48", len(d.MasterID))
	}
	for _, c := range []byte(d.MasterID) {
		if c < 0x20 || c > 0x7E {
			add(0, "master id", "%q is not printable ASCII", d.MasterID)
			break
		}
	}
	n := len(d.Tracks)
	if n < 1 || n > 99 {
		add(0, "tracks", "%d tracks, want 1..99", n)
	}
	limit, limitText := MaxLength, "79:59:74 (set AllowOver80 to allow up to 99:59:74)"
	if d.AllowOver80 {
		limit, limitText = MaxSector, "99:59:74, the largest MSF address"
	}
	if d.LeadOut > limit {
		add(0, "lead-out", "%s is beyond %s", FormatMSF(d.LeadOut), limitText)
	}
	prev := -1 // the last index A-time of the previous track
	isrcs := map[string]int{}
	for i := range d.Tracks {
		t := &d.Tracks[i]
		num := i + 1
		if len(t.Index) == 0 {
			add(num, "index 01", "missing; every track needs index 01")
			continue
		}
		if len(t.Index) > 99 {
			add(num, "index", "%d index points, at most 99 (01..99)", len(t.Index))
		}
		if t.Pregap < 0 {
			add(num, "pregap", "%d sectors is negative", t.Pregap)
		}
		if i == 0 {
			if t.Index[0] < MinPregap {
				add(num, "index 01", "at %s, want 00:02:00 or later (track 1 pregap >= 150 sectors)", FormatMSF(t.Index[0]))
			}
			if t.Pregap != t.Index[0] {
				add(num, "pregap", "%d sectors, want %d: track 1 index 00 is at 00:00:00", t.Pregap, t.Index[0])
			}
		} else if t.Start() <= prev {
			add(num, "index 00", "at %s, not after the previous track's last index %s", FormatMSF(t.Start()), FormatMSF(prev))
		}
		for k := 1; k < len(t.Index); k++ {
			if t.Index[k] <= t.Index[k-1] {
				add(num, fmt.Sprintf("index %02d", k+1), "at %s, not after index %02d at %s",
					FormatMSF(t.Index[k]), k, FormatMSF(t.Index[k-1]))
			}
		}
		prev = t.Index[len(t.Index)-1]
		next, nextStart := d.LeadOut, d.LeadOut
		if i+1 < n && len(d.Tracks[i+1].Index) > 0 {
			next, nextStart = d.Tracks[i+1].Index[0], d.Tracks[i+1].Start()
		}
		if l := next - t.Index[0]; l < MinTrackLength {
			add(num, "length", "%d sectors from index 01 to the next index 01, want >= 300 (4 s)", l)
		}
		if i > 0 {
			if l := nextStart - t.Start(); l < MinTrackLength {
				add(num, "length", "%d sectors including its pause, want >= 300 (4 s)", l)
			}
		}
		if t.ISRC != "" {
			if err := isrcProblem(t.ISRC); err != nil {
				add(num, "isrc", "%v", err)
			} else if j, dup := isrcs[t.ISRC]; dup {
				add(num, "isrc", "%s is also track %d's", t.ISRC, j)
			} else {
				isrcs[t.ISRC] = num
			}
		}
		if t.CopyPermitted && t.SCMS {
			add(num, "flags", "copy permitted (DCP) and SCMS cannot be set together")
		}
	}
	if n > 0 && prev >= d.LeadOut {
		add(0, "lead-out", "at %s, not after the last index %s", FormatMSF(d.LeadOut), FormatMSF(prev))
	}
	if d.Text != nil {
		errs = append(errs, d.validateText()...)
	}
	return errors.Join(errs...)
}

// validateText checks that the CD-Text matches the tracks and codes and
// can be encoded.
func (d *Disc) validateText() []error {
	var errs []error
	add := func(track int, field, format string, args ...any) {
		errs = append(errs, &FieldError{Track: track, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if len(d.Text.Tracks) != len(d.Tracks) {
		add(0, "cd-text", "%d track entries for %d tracks", len(d.Text.Tracks), len(d.Tracks))
		return errs
	}
	if c := d.Text.Disc.Code; c != "" && c != d.UPC {
		add(0, "cd-text upc", "%q differs from the disc UPC %q", c, d.UPC)
	}
	for i, s := range d.Text.Tracks {
		if s.Code != "" && s.Code != d.Tracks[i].ISRC {
			add(i+1, "cd-text isrc", "%q differs from the track ISRC %q", s.Code, d.Tracks[i].ISRC)
		}
	}
	if _, err := cdtext.Encode(d.Text); err != nil {
		add(0, "cd-text", "%v", err)
	}
	return errs
}

// Warnings lists the problems that do not stop a delivery but that a
// mastering engineer should see: a disc longer than 74:00:00, and a track
// shorter than 4 s between its index 01 and the next track's index 00.
func (d *Disc) Warnings() []string {
	var w []string
	if d.LeadOut > WarnLength {
		w = append(w, fmt.Sprintf("disc: lead-out %s is beyond 74:00:00; some plants need a waiver", FormatMSF(d.LeadOut)))
	}
	for i := range d.Tracks {
		t := &d.Tracks[i]
		if len(t.Index) == 0 {
			continue
		}
		end := d.LeadOut
		if i+1 < len(d.Tracks) && len(d.Tracks[i+1].Index) > 0 {
			end = d.Tracks[i+1].Start()
		}
		if l := end - t.Index[0]; l < MinTrackLength {
			w = append(w, fmt.Sprintf("track %d: %d sectors from index 01 to the next track's index 00, shorter than 4 s", i+1, l))
		}
	}
	return w
}

// Control returns the Q-channel CONTROL nibble of t: bit 0 pre-emphasis,
// bit 1 digital copy permitted. ref: docs/cd-formats.md §2.6
func (t *Track) Control() byte {
	var c byte
	if t.PreEmphasis {
		c |= 1
	}
	if t.CopyPermitted {
		c |= 2
	}
	return c
}

// Flags names the track's flags as the cue FLAGS command does: "DCP",
// "PRE", "SCMS", in that order; nil when none is set.
func (t *Track) Flags() []string {
	var f []string
	if t.CopyPermitted {
		f = append(f, "DCP")
	}
	if t.PreEmphasis {
		f = append(f, "PRE")
	}
	if t.SCMS {
		f = append(f, "SCMS")
	}
	return f
}
