package loudness

import (
	"errors"
	"fmt"
	"math"
)

// Match is a loudness-matching mode (docs/loudness.md §7.2). The project
// file's enum converts to it.
type Match string

const (
	MatchAlbum   Match = "album"   // one gain for all tracks: target − album loudness
	MatchTrack   Match = "track"   // each track to the target
	MatchLoudest Match = "loudest" // one gain: the loudest track to the target
	MatchOff     Match = "off"     // per-track gains only
)

// Policy says what happens when a track's true peak after gain would pass
// the ceiling.
type Policy string

const (
	// PolicyLimit keeps the gains and hands the overs to the render
	// engine's true-peak limiter.
	PolicyLimit Policy = "limit"
	// PolicyReduce lowers the gain: uniformly for every track in album,
	// loudest and off modes (relations between tracks are kept), per track
	// in track mode.
	PolicyReduce Policy = "reduce"
	// PolicyError fails with an *OverError naming the worst track and the
	// time of its peak.
	PolicyError Policy = "error"
)

// TrackLevel is what gain planning needs to know about one track.
type TrackLevel struct {
	Integrated  float64 // LUFS
	TruePeak    float64 // dBTP, accurate mode
	TruePeakPos int64   // frame of the true peak within the track
	Offset      float64 // per-track gain (dB), always added
}

// MatchSettings are the [loudness] settings of a project or delivery.
type MatchSettings struct {
	Mode Match
	// Target is the integrated loudness (LUFS) to reach. NaN means unset:
	// the target is then the album's own loudness, so album mode moves
	// nothing.
	Target  float64
	Ceiling float64 // max true peak after gain, dBTP
	Margin  float64 // dB kept below the ceiling (docs/loudness.md §1.6: 0.1)
	Policy  Policy
	Rate    int // frames per second, to express peak positions as times
}

// Over is a track whose true peak after gain exceeds Ceiling − Margin.
type Over struct {
	Track    int     // index into the tracks
	Pos      int64   // frame of the true peak within the track
	TruePeak float64 // dBTP after the planned gain
	Excess   float64 // dB above Ceiling − Margin
}

// GainPlan is the result of PlanGains.
type GainPlan struct {
	Gains []float64 // dB per track, offsets included
	// Reduced is, per track, how many dB the reduce policy took off the
	// matching gain (0 elsewhere).
	Reduced []float64
	// Overs lists the tracks still above the ceiling after the plan, worst
	// first: with PolicyLimit the limiter must treat them.
	Overs []Over
}

// OverError is returned under PolicyError.
type OverError struct {
	Over
	Time    string // m:ss.fff of the peak within the track
	Ceiling float64
	Margin  float64
}

func (e *OverError) Error() string {
	return fmt.Sprintf("loudness: track %d: true peak %+.2f dBTP at %s exceeds the ceiling %+.2f dBTP (margin %.2f dB) by %.2f dB",
		e.Track+1, e.TruePeak, e.Time, e.Ceiling, e.Margin, e.Excess)
}

// PlanGains computes the gain of every track for a matching mode and
// applies the ceiling policy. albumIntegrated is the album loudness from
// pooled gating blocks (Album.Integrated). It is a pure function.
//
// Gains: album g = T − I_A; loudest g = T − max_k I_k; track g_k = T − I_k;
// off g = 0; each plus the track's offset. With the target unset, T = I_A.
// Silent tracks (I = −Inf) get their offset only in track mode and are not
// the loudest. A track's true peak after gain is TP_k + g_k (§1.7).
func PlanGains(tracks []TrackLevel, albumIntegrated float64, s MatchSettings) (*GainPlan, error) {
	if len(tracks) == 0 {
		return nil, errors.New("loudness: no tracks to match")
	}
	switch s.Policy {
	case PolicyLimit, PolicyReduce, PolicyError:
	default:
		return nil, fmt.Errorf("loudness: unknown ceiling policy %q", s.Policy)
	}
	if math.IsNaN(s.Ceiling) || math.IsInf(s.Ceiling, 0) || s.Margin < 0 || math.IsNaN(s.Margin) {
		return nil, fmt.Errorf("loudness: bad ceiling %v dBTP or margin %v dB", s.Ceiling, s.Margin)
	}
	target := s.Target
	if math.IsNaN(target) {
		target = albumIntegrated
	}
	finite := func(v float64) bool { return !math.IsInf(v, 0) && !math.IsNaN(v) }
	p := &GainPlan{Gains: make([]float64, len(tracks)), Reduced: make([]float64, len(tracks))}
	var common float64
	switch s.Mode {
	case MatchAlbum:
		if finite(albumIntegrated) {
			common = target - albumIntegrated
		}
	case MatchLoudest:
		loudest := math.Inf(-1)
		for _, t := range tracks {
			loudest = math.Max(loudest, t.Integrated)
		}
		if finite(loudest) && finite(target) {
			common = target - loudest
		}
	case MatchTrack, MatchOff:
	default:
		return nil, fmt.Errorf("loudness: unknown matching mode %q", s.Mode)
	}
	for k, t := range tracks {
		g := common
		if s.Mode == MatchTrack && finite(t.Integrated) && finite(target) {
			g = target - t.Integrated
		}
		p.Gains[k] = g + t.Offset
	}
	limit := s.Ceiling - s.Margin
	if s.Policy == PolicyReduce {
		if s.Mode == MatchTrack {
			for k, t := range tracks {
				if ex := t.TruePeak + p.Gains[k] - limit; ex > 0 {
					p.Gains[k] -= ex
					p.Reduced[k] = ex
				}
			}
		} else {
			worst := 0.0
			for k, t := range tracks {
				worst = math.Max(worst, t.TruePeak+p.Gains[k]-limit)
			}
			if worst > 0 {
				for k := range p.Gains {
					p.Gains[k] -= worst
					p.Reduced[k] = worst
				}
			}
		}
	}
	for k, t := range tracks {
		after := t.TruePeak + p.Gains[k]
		if ex := after - limit; ex > 1e-9 {
			o := Over{Track: k, Pos: t.TruePeakPos, TruePeak: after, Excess: ex}
			i := len(p.Overs)
			p.Overs = append(p.Overs, o)
			for i > 0 && p.Overs[i-1].Excess < ex { // worst first, stable
				p.Overs[i], p.Overs[i-1] = p.Overs[i-1], p.Overs[i]
				i--
			}
		}
	}
	if s.Policy == PolicyError && len(p.Overs) > 0 {
		o := p.Overs[0]
		return p, &OverError{Over: o, Time: clock(o.Pos, s.Rate), Ceiling: s.Ceiling, Margin: s.Margin}
	}
	return p, nil
}

// clock formats a frame position as m:ss.fff (rounded down to the
// millisecond), or as a frame count when the rate is unknown.
func clock(pos int64, rate int) string {
	if rate <= 0 || pos < 0 {
		return fmt.Sprintf("frame %d", pos)
	}
	ms := pos * 1000 / int64(rate)
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

// ReplayGainReference is the ReplayGain 2.0 reference loudness (LUFS).
const ReplayGainReference = -18.0

// ReplayGain holds ReplayGain 2.0 values: gains in dB, peaks linear.
type ReplayGain struct {
	TrackGain, TrackPeak float64
	AlbumGain, AlbumPeak float64
}

// NewReplayGain computes ReplayGain 2.0 values from the integrated loudness
// and true peak (dBTP) of a track and of its album (pooled gating blocks;
// the album peak is the largest track peak).
func NewReplayGain(trackI, trackTP, albumI, albumTP float64) ReplayGain {
	return ReplayGain{
		TrackGain: ReplayGainReference - trackI,
		TrackPeak: math.Pow(10, trackTP/20),
		AlbumGain: ReplayGainReference - albumI,
		AlbumPeak: math.Pow(10, albumTP/20),
	}
}

// Tags returns the four tags in the order REPLAYGAIN_TRACK_GAIN,
// REPLAYGAIN_TRACK_PEAK, REPLAYGAIN_ALBUM_GAIN, REPLAYGAIN_ALBUM_PEAK,
// formatted as loudgain writes them (docs/loudness.md §7.3): gains with two
// decimals and " dB", peaks with six decimals.
func (r ReplayGain) Tags() [][2]string {
	return [][2]string{
		{"REPLAYGAIN_TRACK_GAIN", FormatGain(r.TrackGain)},
		{"REPLAYGAIN_TRACK_PEAK", FormatPeak(r.TrackPeak)},
		{"REPLAYGAIN_ALBUM_GAIN", FormatGain(r.AlbumGain)},
		{"REPLAYGAIN_ALBUM_PEAK", FormatPeak(r.AlbumPeak)},
	}
}

// FormatGain formats a ReplayGain gain: "-7.27 dB", "15.42 dB"; never "-0.00".
func FormatGain(db float64) string {
	s := fmt.Sprintf("%.2f dB", db)
	if s == "-0.00 dB" {
		s = "0.00 dB"
	}
	return s
}

// FormatPeak formats a ReplayGain peak (linear): "0.988553".
func FormatPeak(linear float64) string { return fmt.Sprintf("%.6f", linear) }
