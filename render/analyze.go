package render

import (
	"context"
	"fmt"
	"math"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
)

// Margin is the headroom (dB) gain planning keeps below the true-peak
// ceiling (docs/loudness.md §1.6).
const Margin = 0.1

// AnalyzeOptions tune Analyze; the zero value is the default.
type AnalyzeOptions struct {
	BlockSize int // program frames per block; 0 = DefaultBlockSize
	// Progress, if set, is told how far the analysis is, as
	// BuildOptions.Progress is (Delivery -1, Pass 0, program frames), from
	// one of the analysis's goroutines.
	Progress func(p Progress)
}

// Analysis is the loudness of the album program at unity gain: pass 1 of
// docs/design.md §4.
//
// Each track is measured on its segment of the program, the cut of
// album.GapsAppend: from its index 01 to the next track's index 01 (the
// last to the lead-out). The segment therefore includes the gap after the
// track, which is digital silence below the absolute gate, and the
// crossfade into the next track, if any, counts in the next track's
// segment only from that track's index 01. This is exactly the audio of
// the per-track file most deliveries write, so the build's measurement of
// a delivered file can be compared with the prediction. The album's
// loudness pools the segments' gating blocks; its loudness range comes
// from the continuous stream from track 1's index 01 to the lead-out.
type Analysis struct {
	Rate     int                     // program rate
	Segments []album.Span            // each track's measured segment (sectors)
	Tracks   []*loudness.Measurement // per track, accurate true peak
	Stream   *loudness.Measurement   // index 01 of track 1 to the lead-out, no true peak
	Album    *loudness.Album
	Offsets  []float64 // per-track gain of the project (dB)
}

// Analyze renders the program with unity gains, through the same assembly
// as Build (decode, trim, resample to the program rate, fades and
// crossfades), and meters it. sources are the tracks' files in order;
// the caller resolves them against the project's folder.
//
// The program is assembled on one goroutine while the track segments and
// the album stream are metered on two others; every meter sees the same
// blocks in the same order, so the results equal those of a serial run
// exactly.
func Analyze(ctx context.Context, a *album.Album, l *album.Layout, sources []string, opts AnalyzeOptions) (*Analysis, error) {
	tp, err := newParams(a, l, sources, nil, nil)
	if err != nil {
		return nil, err
	}
	an := &Analysis{
		Rate:     l.Rate,
		Segments: l.Cuts(album.GapsAppend),
		Offsets:  make([]float64, len(a.Tracks)),
	}
	for k := range a.Tracks {
		an.Offsets[k] = a.Tracks[k].Gain
	}
	var segs []FrameSpan
	for _, sp := range an.Segments {
		a, b := sp.Samples(l.Rate)
		segs = append(segs, FrameSpan{a, b})
	}
	// Each meter is a consumer on its own goroutine. The track meter, with
	// true peak, is the slowest stage of the analysis: it takes a second
	// worker for one channel's true peak. The album stream's meter takes
	// one (see newOutMeter).
	tm := newSegmentMeter(segs, loudness.Config{Rate: l.Rate, Channels: 2, TruePeak: loudness.TruePeakAccurate, Workers: 2})
	sm := newSegmentMeter([]FrameSpan{albumSpan(l, l.Rate)}, loudness.Config{Rate: l.Rate, Channels: 2, Workers: 1})
	cs := []consumer{tm, sm}
	if opts.Progress != nil {
		total := album.Samples(l.LeadOut, l.Rate)
		cs[0] = progressConsumer{tm, newProgressor(opts.Progress, -1, 0, total, l.Rate)}
	}
	if err := stream(ctx, newProgram(l, tp), opts.BlockSize, cs); err != nil {
		return nil, err
	}
	an.Tracks = tm.out
	an.Stream = sm.out[0]
	an.Album, err = loudness.MeasureAlbum(an.Tracks, an.Stream)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return an, nil
}

// Levels returns what gain planning needs of each track.
func (an *Analysis) Levels() []loudness.TrackLevel {
	lv := make([]loudness.TrackLevel, len(an.Tracks))
	for k, m := range an.Tracks {
		lv[k] = loudness.TrackLevel{Integrated: m.Integrated, TruePeak: m.TruePeak, TruePeakPos: m.TruePeakPos, Offset: an.Offsets[k]}
	}
	return lv
}

// Plan returns the gains that the loudness settings l give the tracks
// (album.Album.LoudnessFor gives a delivery's settings).
func (an *Analysis) Plan(l album.Loudness) (*loudness.GainPlan, error) {
	return loudness.PlanGains(an.Levels(), an.Album.Integrated, MatchSettings(l, an.Rate))
}

// MatchSettings converts a project's loudness settings to the loudness
// package's: an unset target becomes NaN (keep the album's loudness), and
// the margin is Margin.
func MatchSettings(l album.Loudness, rate int) loudness.MatchSettings {
	target := math.NaN()
	if l.Target != nil {
		target = *l.Target
	}
	return loudness.MatchSettings{
		Mode:    loudness.Match(l.Match),
		Target:  target,
		Ceiling: l.MaxTruePeak,
		Margin:  Margin,
		Policy:  loudness.Policy(l.OverCeiling),
		Rate:    rate,
	}
}
