package loudness

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Measurement is what a Meter measured. Loudness values are in LUFS, LRA
// in LU, peaks in dBFS (sample) and dBTP (true); −Inf stands for silence
// or for a window that never completed. Positions are frame indexes from
// the start of the stream (−1 for silence).
type Measurement struct {
	Rate         int
	Frames       int64
	Integrated   float64 // gated, BS.1770-4
	Range        float64 // LRA, EBU Tech 3342 (10 Hz short-term series)
	MaxMomentary float64 // on the 10 ms grid
	MaxShortTerm float64 // on the 10 ms grid

	SamplePeak        float64
	SamplePeakPos     int64
	SamplePeakChannel int

	TruePeak        float64 // NaN when the meter ran with TruePeakOff
	TruePeakPos     int64
	TruePeakChannel int

	// ChannelSamplePeak and ChannelTruePeak hold the per-channel peaks.
	ChannelSamplePeak []float64
	ChannelTruePeak   []float64

	blocks []float64 // gating-block energies, for album pooling
	short  []float64 // short-term energies at 10 Hz
}

// Measure returns the results so far. The meter can go on after it.
func (m *Meter) Measure() *Measurement {
	r := &Measurement{
		Rate:              m.cfg.Rate,
		Frames:            m.frames,
		MaxMomentary:      m.maxM,
		MaxShortTerm:      m.maxS,
		SamplePeak:        math.Inf(-1),
		SamplePeakPos:     -1,
		TruePeak:          math.NaN(),
		TruePeakPos:       -1,
		ChannelSamplePeak: make([]float64, len(m.ch)),
		blocks:            slices.Clone(m.blocks),
		short:             slices.Clone(m.short),
	}
	r.Integrated = gatedLoudness(r.blocks)
	r.Range = loudnessRange(r.short, 1)
	best := 0.0
	for c := range m.ch {
		ch := &m.ch[c]
		r.ChannelSamplePeak[c] = amplitudeDB(ch.peak)
		if ch.peak > best {
			best = ch.peak
			r.SamplePeak, r.SamplePeakPos, r.SamplePeakChannel = amplitudeDB(ch.peak), ch.peakPos, c
		}
	}
	if m.cfg.TruePeak == TruePeakOff {
		return r
	}
	r.ChannelTruePeak = make([]float64, len(m.ch))
	best = 0
	r.TruePeak = math.Inf(-1)
	for c := range m.ch {
		ch := &m.ch[c]
		peak, at := ch.tp.final()
		pos := int64(math.Round(at))
		if m.cfg.TruePeak == TruePeakCompat && ch.peak >= peak {
			peak, pos = ch.peak, ch.peakPos
		}
		pos = max(0, min(pos, m.frames-1))
		r.ChannelTruePeak[c] = amplitudeDB(peak)
		if peak > best {
			best = peak
			r.TruePeak, r.TruePeakPos, r.TruePeakChannel = amplitudeDB(peak), pos, c
		}
	}
	return r
}

func amplitudeDB(a float64) float64 {
	if a <= 0 {
		return math.Inf(-1)
	}
	return 20 * math.Log10(a)
}

// gatedLoudness applies the BS.1770 absolute (−70 LUFS) and relative
// (−10 LU) gates to gating-block energies and returns the integrated
// loudness.
func gatedLoudness(blocks []float64) float64 {
	var sum float64
	var n int
	for _, e := range blocks {
		if energyLUFS(e) > absoluteLUF {
			sum += e
			n++
		}
	}
	if n == 0 {
		return math.Inf(-1)
	}
	rel := energyLUFS(sum/float64(n)) - 10
	sum, n = 0, 0
	for _, e := range blocks {
		if l := energyLUFS(e); l > absoluteLUF && l > rel {
			sum += e
			n++
		}
	}
	if n == 0 {
		return math.Inf(-1)
	}
	return energyLUFS(sum / float64(n))
}

// RangeMode selects the short-term series loudness range is computed from.
type RangeMode int

const (
	// RangeTech3342 uses a short-term value every 100 ms (10 Hz), as EBU
	// Tech 3342 asks (windows overlapping by at least 2.9 s).
	RangeTech3342 RangeMode = iota
	// RangeCompat uses one short-term value per second (the first at 3 s),
	// as libebur128 does.
	RangeCompat
)

// LoudnessRange returns the loudness range (LU) in the given mode.
func (r *Measurement) LoudnessRange(mode RangeMode) float64 {
	if mode == RangeCompat {
		return loudnessRange(r.short, 10)
	}
	return loudnessRange(r.short, 1)
}

// loudnessRange computes EBU Tech 3342 LRA from every step-th short-term
// energy: −70 LUFS absolute gate, −20 LU relative gate below the power mean
// of the absolute-gated values, then P95 − P10 by nearest rank,
// index round((n−1)·p) on the ascending sort.
func loudnessRange(short []float64, step int) float64 {
	var vals []float64
	var sum float64
	for i := 0; i < len(short); i += step {
		if l := energyLUFS(short[i]); l > absoluteLUF {
			vals = append(vals, l)
			sum += short[i]
		}
	}
	if len(vals) == 0 {
		return 0
	}
	rel := energyLUFS(sum/float64(len(vals))) - 20
	kept := vals[:0]
	for _, l := range vals {
		if l > rel {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return 0
	}
	slices.Sort(kept)
	n := float64(len(kept) - 1)
	lo := kept[int(math.Round(n*0.10))]
	hi := kept[int(math.Round(n*0.95))]
	return hi - lo
}

// Album is the loudness of an album measured track by track.
type Album struct {
	Integrated float64 // pooled gating blocks of all tracks, gated once
	Range      float64 // LRA of the continuous album stream (NaN without one)

	SamplePeak    float64
	TruePeak      float64 // NaN when the tracks were measured without true peak
	TruePeakTrack int     // index into the tracks
	TruePeakPos   int64   // frame within that track
}

// MeasureAlbum combines per-track measurements. Album integrated loudness
// pools the gating blocks of every track (gaps belong to no track) and
// gates them once, as ReplayGain 2.0 and libebur128's
// ebur128_loudness_global_multiple do. stream, if not nil, is a
// measurement of the continuous album programme (tracks, gaps and
// crossfades as played); the album LRA is its loudness range. Peaks are
// the maxima over the tracks.
func MeasureAlbum(tracks []*Measurement, stream *Measurement) (*Album, error) {
	if len(tracks) == 0 {
		return nil, errors.New("loudness: album without tracks")
	}
	a := &Album{Range: math.NaN(), SamplePeak: math.Inf(-1), TruePeak: math.NaN(), TruePeakPos: -1}
	var pooled []float64
	for i, t := range tracks {
		if t == nil {
			return nil, fmt.Errorf("loudness: track %d: no measurement", i+1)
		}
		if t.Rate != tracks[0].Rate {
			return nil, fmt.Errorf("loudness: track %d: rate %d Hz, track 1 has %d Hz", i+1, t.Rate, tracks[0].Rate)
		}
		pooled = append(pooled, t.blocks...)
		a.SamplePeak = math.Max(a.SamplePeak, t.SamplePeak)
		if !math.IsNaN(t.TruePeak) && (math.IsNaN(a.TruePeak) || t.TruePeak > a.TruePeak) {
			a.TruePeak, a.TruePeakTrack, a.TruePeakPos = t.TruePeak, i, t.TruePeakPos
		}
	}
	a.Integrated = gatedLoudness(pooled)
	if stream != nil {
		a.Range = stream.Range
	}
	return a, nil
}

// WithGain returns the measurement of the same audio after a gain of db:
// every energy is scaled and the gates applied again (the absolute gate does
// not move with the gain, so integrated loudness and range are recomputed,
// not shifted). Album loudness after per-track gains is MeasureAlbum over
// the tracks' WithGain results.
func (m *Measurement) WithGain(db float64) *Measurement {
	r := *m
	scale := math.Pow(10, db/10)
	r.blocks = make([]float64, len(m.blocks))
	for i, e := range m.blocks {
		r.blocks[i] = e * scale
	}
	r.short = make([]float64, len(m.short))
	for i, e := range m.short {
		r.short[i] = e * scale
	}
	r.Integrated = gatedLoudness(r.blocks)
	r.Range = loudnessRange(r.short, 1)
	r.MaxMomentary += db
	r.MaxShortTerm += db
	r.SamplePeak += db
	r.TruePeak += db
	r.ChannelSamplePeak = make([]float64, len(m.ChannelSamplePeak))
	for i, p := range m.ChannelSamplePeak {
		r.ChannelSamplePeak[i] = p + db
	}
	r.ChannelTruePeak = make([]float64, len(m.ChannelTruePeak))
	for i, p := range m.ChannelTruePeak {
		r.ChannelTruePeak[i] = p + db
	}
	return &r
}
