package album

import (
	"fmt"
	"slices"
)

// SourceInfo is what the caller learned from a track's source file header.
type SourceInfo struct {
	Rate     int   // frames per second
	Channels int   // 1 (used as dual mono) or 2
	Bits     int   // bits per sample as stored
	Float    bool  // IEEE float samples
	Frames   int64 // length in frames
}

// Layout is the album laid out as one continuous program, the disc image
// from A-time 00:00:00 (the start of track 1's pregap) to the lead-out.
//
// Every index point lies on a CD sector boundary (1/75 s), which is a whole
// number of samples at every rate lathe works at, so one layout in sectors
// serves the CD (44.1 kHz) and every other delivery rate alike. The tracks'
// audio is placed sample-exactly at the program rate (and by At at each
// other source rate); the index points around it are rounded to sectors
// following docs/cd-formats.md §3:
//
//   - After a gap, the silence absorbs the rounding: index 00 is the first
//     sector boundary at or after the end of the previous track's audio, and
//     index 01 the first at or after the end of the requested gap, where the
//     track's audio begins. No audio is ever cut or moved.
//   - Gapless or crossfaded, the audio runs on unbroken and index 01 moves to
//     the sector boundary nearest the start of the track's audio (at most
//     half a sector, 294 samples at 44.1 kHz, 3.3 ms); such a track has no
//     index 00. A crossfaded track starts where its audio starts, at the
//     beginning of the overlap.
//   - The last sector is padded with digital silence up to the lead-out.
type Layout struct {
	Rate          int   // program rate: the sources' rate, or the highest when they differ
	SectorSamples int64 // samples per CD sector at Rate
	LeadOut       int64 // A-time of the lead-out in sectors: the disc's length
	Tracks        []TrackLayout
}

// TrackLayout places one track in the program.
type TrackLayout struct {
	Number int
	Index0 int64   // A-time sector of index 00; equal to Index[0] when the track has no pause
	Index  []int64 // A-time sectors of index 01, 02, ...

	Start     int64 // program sample where the track's audio begins
	Length    int64 // the track's audio in program samples
	Crossfade int64 // samples at the start that overlap the previous track's audio
	FadeIn    int64 // samples
	FadeOut   int64 // samples

	SourceRate   int   // the source's rate
	SourceStart  int64 // first source frame used (the trim)
	SourceLength int64 // source frames used
	Mono         bool  // the source is mono, played as dual mono
}

// Span is a range of the program in CD sectors, [Start, End).
type Span struct{ Start, End int64 }

// Samples converts a count of sectors to samples at rate.
func Samples(sectors int64, rate int) int64 { return sectors * int64(rate) / SectorsPerSecond }

// Samples returns the span in samples at rate.
func (s Span) Samples(rate int) (start, end int64) {
	return Samples(s.Start, rate), Samples(s.End, rate)
}

// HasPause reports whether the track has an index 00 before index 01.
func (t *TrackLayout) HasPause() bool { return t.Index0 < t.Index[0] }

// End returns the program sample after the track's last audio sample.
func (t *TrackLayout) End() int64 { return t.Start + t.Length }

// Album returns the span of the album WAV of a cue delivery: from LBA 0
// (A-time 150, two seconds into the pregap) to the lead-out.
func (l *Layout) Album() Span { return Span{minPregapSectors, l.LeadOut} }

// Cuts returns the span of each track's file for per-track deliveries.
// The files of GapsAppend and GapsPrepend tile the program from track 1's
// index 01 to the lead-out, so played back to back they reproduce it sample
// for sample. Track 1's pregap (silence before index 01) is never part of a
// file, as rippers and players skip it.
func (l *Layout) Cuts(mode GapMode) []Span {
	n := len(l.Tracks)
	cuts := make([]Span, n)
	for k := range l.Tracks {
		t := &l.Tracks[k]
		start, end := t.Index[0], l.LeadOut
		if mode == GapsPrepend && k > 0 {
			start = t.Index0
		}
		if k+1 < n {
			next := &l.Tracks[k+1]
			end = next.Index[0]
			if mode != GapsAppend {
				end = next.Index0
			}
		}
		cuts[k] = Span{start, end}
	}
	return cuts
}

// Plan lays the album out, given the sources of its tracks in order, and
// checks what needs the sources: trims, fades, crossfades, Red Book track
// and disc lengths, and extra index points. The Layout is nil when an error
// prevents it.
func Plan(a *Album, src []SourceInfo) (*Layout, Problems) {
	c := &problems{file: a.File, pos: a.pos}
	if len(src) != len(a.Tracks) {
		c.errorf("track", "%d tracks but %d sources", len(a.Tracks), len(src))
		return nil, c.list
	}
	if len(a.Tracks) == 0 {
		return nil, c.list
	}
	rate := 0
	for k, s := range src {
		p := trackPath(k+1) + ".file"
		switch {
		case !slices.Contains(standardRates, s.Rate):
			c.errorf(p, "%s: %d Hz is not a mastering rate (want 44100, 48000, 88200, 96000, 176400 or 192000)", a.Tracks[k].File, s.Rate)
		case s.Channels == 1:
			c.warnf(p, "%s is mono: it is used as dual mono (the same signal on both channels)", a.Tracks[k].File)
		case s.Channels != 2:
			c.errorf(p, "%s has %d channels; lathe masters stereo (or mono as dual mono)", a.Tracks[k].File, s.Channels)
		}
		rate = max(rate, s.Rate)
	}
	if len(c.list.Errors()) > 0 {
		return nil, c.list
	}
	l := &Layout{Rate: rate, SectorSamples: int64(rate) / SectorsPerSecond}
	S := l.SectorSamples
	ceilSector := func(x int64) int64 { return (x + S - 1) / S }
	nearestSector := func(x int64) int64 { return (x + S/2) / S }
	short := make([]bool, len(a.Tracks)) // reported as too short already
	for k := range a.Tracks {
		t, s := &a.Tracks[k], src[k]
		p := trackPath(k + 1)
		tl := TrackLayout{Number: k + 1, SourceRate: s.Rate, Mono: s.Channels == 1}
		tl.SourceStart = t.Start.Samples(s.Rate)
		end := s.Frames
		if t.End != nil {
			end = t.End.Samples(s.Rate)
			if end > s.Frames {
				c.errorf(p+".end", "end %s is past the end of %s (%s long)", *t.End, t.File, clock(s.Frames, s.Rate))
				end = s.Frames
			}
		}
		if tl.SourceStart >= end {
			if tl.SourceStart >= s.Frames {
				c.errorf(p+".start", "start %s is past the end of %s (%s long)", t.Start, t.File, clock(s.Frames, s.Rate))
			}
			return nil, c.list
		}
		tl.SourceLength = end - tl.SourceStart
		tl.Length = tl.SourceLength
		if s.Rate != rate {
			tl.Length = mulDivRound(tl.SourceLength, int64(rate), int64(s.Rate))
		}
		if tl.Length < minTrackSectors*S {
			c.errorf(p, "%s of audio; the Red Book minimum track length is 4 s", clock(tl.Length, rate))
			short[k] = true
		}
		tl.FadeIn, tl.FadeOut = t.FadeIn.Samples(rate), t.FadeOut.Samples(rate)
		switch {
		case tl.FadeIn > tl.Length:
			c.errorf(p+".fade_in", "fade-in %s is longer than the track's audio (%s)", t.FadeIn, clock(tl.Length, rate))
		case tl.FadeOut > tl.Length:
			c.errorf(p+".fade_out", "fade-out %s is longer than the track's audio (%s)", t.FadeOut, clock(tl.Length, rate))
		case tl.FadeIn+tl.FadeOut > tl.Length:
			c.errorf(p+".fade_out", "fade-in %s and fade-out %s together are longer than the track's audio (%s)", t.FadeIn, t.FadeOut, clock(tl.Length, rate))
		}
		if k == 0 {
			pregap := ceilSector(t.Gap.Samples(rate))
			tl.Index0, tl.Index, tl.Start = 0, []int64{pregap}, pregap*S
		} else {
			prev := &l.Tracks[k-1]
			prevEnd := prev.End()
			switch {
			case !t.Crossfade.IsZero():
				tl.Crossfade = t.Crossfade.Samples(rate)
				switch {
				case tl.Crossfade > prev.Length:
					c.errorf(p+".crossfade", "crossfade %s is longer than track %d's audio (%s)", t.Crossfade, k, clock(prev.Length, rate))
				case tl.Crossfade > tl.Length:
					c.errorf(p+".crossfade", "crossfade %s is longer than the track's audio (%s)", t.Crossfade, clock(tl.Length, rate))
				case prev.Crossfade+tl.Crossfade > prev.Length:
					c.errorf(p+".crossfade", "the crossfades into and out of track %d overlap (%s of audio)", k, clock(prev.Length, rate))
				}
				if len(c.list.Errors()) > 0 && tl.Crossfade > min(prev.Length-prev.Crossfade, tl.Length) {
					tl.Crossfade = 0 // lay the rest out as if gapless, to report only this
				}
				tl.Start = prevEnd - tl.Crossfade
				tl.Index = []int64{nearestSector(tl.Start)}
				tl.Index0 = tl.Index[0]
			case t.Gap.IsZero():
				tl.Start = prevEnd
				tl.Index = []int64{nearestSector(tl.Start)}
				tl.Index0 = tl.Index[0]
			default:
				tl.Index = []int64{ceilSector(prevEnd + t.Gap.Samples(rate))}
				tl.Index0 = min(ceilSector(prevEnd), tl.Index[0])
				tl.Start = tl.Index[0] * S
			}
		}
		for _, x := range t.Index {
			tl.Index = append(tl.Index, nearestSector(tl.Start+x.Samples(rate)))
		}
		l.Tracks = append(l.Tracks, tl)
	}
	// The lead-out follows the last audio at the program rate, and at each
	// other source rate, where a delivery at that rate lays the tracks out
	// again (At): the rounding of resampled lengths may move the end there
	// by a few samples.
	l.LeadOut = ceilSector(l.Tracks[len(l.Tracks)-1].End())
	for _, s := range src {
		if s.Rate != rate {
			r := l.At(a, s.Rate)
			l.LeadOut = max(l.LeadOut, (r.Tracks[len(r.Tracks)-1].End()+r.SectorSamples-1)/r.SectorSamples)
		}
	}
	checkLengths(c, a, l, short)
	if len(c.list.Errors()) > 0 {
		return nil, c.list
	}
	return l, c.list
}

// At returns the layout of the same disc at another rate: the same sectors
// (every index point and the lead-out), with the tracks' audio placed in
// samples at rate as Plan places it at the program rate. A source at rate
// is taken as it is and any other is resampled to rate once, rather than
// to the program rate and then again. Fades and crossfades are converted
// to samples at rate, and only shortened, by a sample's rounding, where
// that is needed to keep them within the audio.
//
// Plan sizes the lead-out so that the audio fits it at every source rate;
// at other rates the last track's audio may end up to a few samples past
// the lead-out, so At serves the sources' rates (Fits tells).
func (l *Layout) At(a *Album, rate int) *Layout {
	if rate == l.Rate {
		return l
	}
	r := &Layout{Rate: rate, SectorSamples: int64(rate) / SectorsPerSecond, LeadOut: l.LeadOut, Tracks: slices.Clone(l.Tracks)}
	for k := range r.Tracks {
		t, at := &r.Tracks[k], &a.Tracks[k]
		t.Length = t.SourceLength
		if t.SourceRate != rate {
			t.Length = mulDivRound(t.SourceLength, int64(rate), int64(t.SourceRate))
		}
		t.FadeIn = min(at.FadeIn.Samples(rate), t.Length)
		t.FadeOut = min(at.FadeOut.Samples(rate), t.Length-t.FadeIn)
		t.Crossfade = 0
		switch {
		case k == 0:
			t.Start = t.Index[0] * r.SectorSamples
		case !at.Crossfade.IsZero():
			prev := &r.Tracks[k-1]
			t.Crossfade = min(at.Crossfade.Samples(rate), prev.Length-prev.Crossfade, t.Length)
			t.Start = prev.End() - t.Crossfade
		case at.Gap.IsZero():
			t.Start = r.Tracks[k-1].End()
		default:
			t.Start = t.Index[0] * r.SectorSamples
		}
	}
	return r
}

// Fits reports whether every track's audio lies before the lead-out.
func (l *Layout) Fits() bool {
	return l.Tracks[len(l.Tracks)-1].End() <= Samples(l.LeadOut, l.Rate)
}

// checkLengths applies the Red Book length rules to a layout: every track at
// least 4 s measured from index 01 and from its first index, extra index
// points inside their track, and the disc's length.
func checkLengths(c *problems, a *Album, l *Layout, short []bool) {
	for k := range l.Tracks {
		t := &l.Tracks[k]
		p := trackPath(k + 1)
		next01, next00 := l.LeadOut, l.LeadOut
		if k+1 < len(l.Tracks) {
			next01, next00 = l.Tracks[k+1].Index[0], l.Tracks[k+1].Index0
		}
		switch n := next01 - t.Index[0]; {
		case short[k]:
		case n < minTrackSectors:
			c.errorf(p, "%d sectors from index 01 to the next track's index 01; the Red Book minimum is 300 (4 s)", n)
		case next00-t.Index0 < minTrackSectors:
			c.errorf(p, "%d sectors from its first index to the next track's; the Red Book minimum is 300 (4 s)", next00-t.Index0)
		}
		for j := 1; j < len(t.Index); j++ {
			ip := fmt.Sprintf("%s.index[%d]", p, j)
			x := a.Tracks[k].Index[j-1]
			switch {
			case t.Index[j] <= t.Index[j-1]:
				c.errorf(ip, "index %02d at %s falls on the same sector as index %02d or before it (%s)", j+1, x, j, MSF(t.Index[j]))
			case t.Index[j] >= next00:
				c.errorf(ip, "index %02d at %s is past the end of the track (%s of audio)", j+1, x, clock(t.Length, l.Rate))
			}
		}
	}
	switch lo := l.LeadOut; {
	case lo > maxMSFSectors:
		c.errorf("album", "the disc is %s long (lead-out), past 99:59:74, the largest time a CD address can hold", MSF(lo))
	case lo > a.Sequence.MaxLength.Samples(SectorsPerSecond):
		c.errorf("sequence.max_length", "the disc is %s long (lead-out), past %s; most plants press at most 79:59:74 without a waiver (raise [sequence] max_length if yours agrees)", MSF(lo), MSF(a.Sequence.MaxLength.Samples(SectorsPerSecond)))
	case lo > warnDiscSectors:
		c.warnf("album", "the disc is %s long (lead-out), past the 74:00:00 of the original Red Book; check that the plant accepts it", MSF(lo))
	}
}

// clock formats a sample count as m:ss.fff, truncated so that a length
// just short of a limit never prints as the limit.
func clock(samples int64, rate int) string {
	ms := samples * 1000 / int64(rate)
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}
