package dsp

import (
	"errors"
	"fmt"
	"math"
)

// LimiterConfig configures a Limiter.
type LimiterConfig struct {
	Rate      int     // sample rate in Hz
	Channels  int     //
	CeilingDB float64 // true-peak ceiling in dBTP, e.g. −1.0; at most 0
	AttackMs  float64 // gain ramp (look-ahead) length; 0 means 5 ms
	ReleaseMs float64 // release time constant; 0 means 100 ms
}

// Default limiter timing (loudness.md §1.7 quotes a 5 ms attack and a
// 100 ms decay for a streaming service's limiter).
const (
	DefaultAttackMs  = 5
	DefaultReleaseMs = 100
)

// LimiterMarginDB is how far below the ceiling the detector aims, to cover
// the residual under-read of its 16× grid (at most 0.042 dB at the
// Nyquist frequency of 44.1 kHz, loudness.md §1.6), the small overshoot
// a time-varying gain causes after reconstruction, and the differences
// between interpolators on content close to the Nyquist frequency
// (loudness.md §1.6 asks for ≥ 0.1 dB of margin in ceiling checks).
const LimiterMarginDB = 0.1

// LimiterStats reports what a Limiter did to the frames it output.
type LimiterStats struct {
	Frames         int64   // frames output
	Reduced        int64   // frames output with gain < 1
	MaxReductionDB float64 // largest gain reduction in dB (≥ 0)
	First, Last    int64   // first and last reduced frame (stream index); −1 if none
}

// Limiter is a look-ahead true-peak limiter (design.md §4: after
// resampling, before dither; loudness.md §1.7).
//
// Detection: every interval between two samples is evaluated at 16
// points by a polyphase interpolator (128-tap Kaiser-windowed sinc per
// phase, flat within 0.001 dB to 20 kHz at 44.1 kHz). A cheap bound
// (Σ|taps|·max|x|) skips the interpolation where the signal cannot reach
// the ceiling, and the odd 16× phases are evaluated only where the 8×
// value comes within 0.2 dB of it. The channels are linked: one gain for
// all.
//
// Gain: r = min(1, threshold/peak) per interval; the minimum of r is held
// over the 128 samples that feed the interpolator around each peak, then
// over the attack window, and smoothed by two moving averages of half the
// attack each, which gives an S-shaped ramp that reaches the required gain
// exactly when the peak arrives (a moving average of a look-ahead minimum
// never exceeds the minimum it looks at). The release is exponential with
// the release time constant. Where no reduction is needed the gain is
// exactly 1.0 and the samples pass bit-identical.
//
// The output is aligned with the input: the look-ahead delay (Latency
// frames) is removed, Flush drains it, and the output has exactly as many
// frames as the input. Results do not depend on the block sizes.
//
// A Limiter is not safe for concurrent use; use one per stream.
type Limiter struct {
	cfg       LimiterConfig
	ip        *interpolator
	threshold float64 // linear detection target
	nearOdd   float64 // 8× value above which the odd 16× phases are evaluated
	half      int     // moving-average length (attack/2)
	latency   int
	alpha     float64 // release factor per frame

	hist   [][]float64 // input history; hist[c][i] is frame base+i
	base   int64
	next   int64 // next input frame index
	window int   // frames of history kept

	peakQ monoDeque // sliding max of per-frame peaks (screening)
	redQ  monoDeque // sliding min of r (hold + attack window)
	ma1   movingSum
	ma2   movingSum
	rel   float64 // current reduction 1 − g after release

	out     [][]float64
	outView [][]float64
	gains   []float64
	flushed bool
	stats   LimiterStats
	minGain float64
}

// NewLimiter returns a Limiter for cfg.
func NewLimiter(cfg LimiterConfig) (*Limiter, error) {
	if cfg.Rate <= 0 || cfg.Channels < 1 {
		return nil, fmt.Errorf("dsp: limiter: bad format: %d Hz, %d channels", cfg.Rate, cfg.Channels)
	}
	if !(cfg.CeilingDB <= 0) || cfg.CeilingDB < -60 {
		return nil, fmt.Errorf("dsp: limiter: ceiling %g dBTP out of range [-60, 0]", cfg.CeilingDB)
	}
	if cfg.AttackMs == 0 {
		cfg.AttackMs = DefaultAttackMs
	}
	if cfg.ReleaseMs == 0 {
		cfg.ReleaseMs = DefaultReleaseMs
	}
	if !(cfg.AttackMs > 0 && cfg.AttackMs <= 100) || !(cfg.ReleaseMs > 0 && cfg.ReleaseMs <= 10000) {
		return nil, fmt.Errorf("dsp: limiter: attack %g ms or release %g ms out of range", cfg.AttackMs, cfg.ReleaseMs)
	}
	l := &Limiter{cfg: cfg, ip: newInterpolator()}
	l.threshold = DBToLinear(cfg.CeilingDB - LimiterMarginDB)
	l.nearOdd = l.threshold * DBToLinear(-0.2)
	l.half = max(1, int(math.Round(float64(cfg.Rate)*cfg.AttackMs/2000)))
	// r[m] is known once x[m+tpRight] is in. The gain of frame j needs r
	// up to interval j + tpLeft (the last interval frame j feeds) plus the
	// ramp, 2·half − 2 more.
	l.latency = tpLeft + 2*l.half - 2 + tpRight
	l.alpha = math.Exp(-1000 / (cfg.ReleaseMs * float64(cfg.Rate)))
	l.window = l.latency + tpLeft + 2
	l.hist = make([][]float64, cfg.Channels)
	for c := range l.hist {
		l.hist[c] = make([]float64, l.window, l.window+4096)
	}
	l.base = -int64(l.window)
	l.peakQ = newMonoDeque(tpTaps, true)
	l.redQ = newMonoDeque(tpTaps+2*l.half-1, false)
	l.ma1 = newMovingSum(l.half)
	l.ma2 = newMovingSum(l.half)
	l.out = make([][]float64, cfg.Channels)
	l.outView = make([][]float64, cfg.Channels)
	l.ResetStats()
	return l, nil
}

// Latency is the look-ahead in frames: how far the output lags the input
// inside Process. Flush returns the last Latency frames.
func (l *Limiter) Latency() int { return l.latency }

// Process consumes in and returns the output frames that are ready (the
// first Latency frames of the stream come later). The returned slices
// belong to the Limiter and stay valid until the next call; Gains returns
// the gain applied to each of them.
func (l *Limiter) Process(in [][]float64) ([][]float64, error) {
	if l.flushed {
		return nil, errors.New("dsp: limiter: process after flush")
	}
	n, err := checkBlock(in, l.cfg.Channels)
	if err != nil {
		return nil, fmt.Errorf("dsp: limiter: %w", err)
	}
	l.begin()
	for off := 0; off < n; {
		k := min(n-off, cap(l.hist[0])-len(l.hist[0]))
		if k == 0 {
			l.compact()
			continue
		}
		for c := range in {
			l.hist[c] = append(l.hist[c], in[c][off:off+k]...)
		}
		l.run(k)
		off += k
	}
	return l.finish(), nil
}

// Flush ends the stream and returns the last Latency frames.
func (l *Limiter) Flush() ([][]float64, error) {
	if l.flushed {
		return nil, errors.New("dsp: limiter: flushed twice")
	}
	l.flushed = true
	end := l.next // stream length
	l.begin()
	for left := l.latency; left > 0; {
		k := min(left, cap(l.hist[0])-len(l.hist[0]))
		if k == 0 {
			l.compact()
			continue
		}
		for c := range l.hist {
			for range k {
				l.hist[c] = append(l.hist[c], 0)
			}
		}
		l.run(k)
		left -= k
	}
	// Drop output frames past the end of the stream (the zero padding).
	extra := int(l.next - int64(l.latency) - end)
	keep := len(l.out[0]) - extra
	for c := range l.out {
		l.out[c] = l.out[c][:keep]
	}
	l.gains = l.gains[:keep]
	return l.finish(), nil
}

// Gains returns the gain applied to each frame of the last block returned,
// so a caller can attribute limiting to tracks at frame resolution.
func (l *Limiter) Gains() []float64 { return l.gains }

// Stats returns the statistics since the Limiter was made or last reset.
func (l *Limiter) Stats() LimiterStats {
	s := l.stats
	if s.Reduced > 0 {
		s.MaxReductionDB = -LinearToDB(l.minGain)
	}
	return s
}

// ResetStats clears the statistics, e.g. at a track boundary.
func (l *Limiter) ResetStats() {
	l.stats = LimiterStats{First: -1, Last: -1}
	l.minGain = 1
}

func (l *Limiter) begin() {
	for c := range l.out {
		l.out[c] = l.out[c][:0]
	}
	l.gains = l.gains[:0]
}

func (l *Limiter) finish() [][]float64 {
	n := len(l.gains)
	stats := &l.stats
	first := stats.Frames
	for i, g := range l.gains {
		if g < 1 {
			f := first + int64(i)
			stats.Reduced++
			if stats.First < 0 {
				stats.First = f
			}
			stats.Last = f
			l.minGain = min(l.minGain, g)
		}
	}
	stats.Frames += int64(n)
	copy(l.outView, l.out)
	return l.outView
}

// compact moves the history still needed to the front of the buffers.
func (l *Limiter) compact() {
	drop := len(l.hist[0]) - l.window
	for c := range l.hist {
		copy(l.hist[c], l.hist[c][drop:])
		l.hist[c] = l.hist[c][:l.window]
	}
	l.base += int64(drop)
}

// run processes the last k frames appended to the history.
func (l *Limiter) run(k int) {
	ip := l.ip
	for range k {
		f := l.next
		l.next++
		fi := int(f - l.base)

		// Screening: the largest magnitude in the 64 frames around the
		// interval m = f − tpRight.
		var a float64
		for c := range l.hist {
			a = max(a, math.Abs(l.hist[c][fi]))
		}
		l.peakQ.push(f, a)
		l.peakQ.expire(f - tpTaps + 1)

		m := f - tpRight
		r := 1.0
		if l.peakQ.front()*ip.l1max > l.threshold {
			r = l.required(int(m - l.base))
		}
		if r < 1 {
			l.redQ.push(m, r)
		}

		// Gain of frame j: min of r over [j−tpRight, j+tpLeft+2·half−2].
		j := f - int64(l.latency)
		l.redQ.expire(j - tpRight)
		u := 1.0
		if !l.redQ.empty() {
			u = l.redQ.front()
		}
		red := l.ma2.add(l.ma1.add(1-u) / float64(l.half))
		red /= float64(l.half)
		if decay := l.rel * l.alpha; decay > red {
			red = decay
		}
		if red < 1e-12 {
			red = 0
		}
		l.rel = red
		if j < 0 {
			continue
		}
		g := 1 - red
		ji := int(j - l.base)
		for c := range l.hist {
			l.out[c] = append(l.out[c], l.hist[c][ji]*g)
		}
		l.gains = append(l.gains, g)
	}
}

// required returns min(1, threshold/peak) for the interval that starts at
// history index mi.
func (l *Limiter) required(mi int) float64 {
	ip := l.ip
	var p float64
	for c := range l.hist {
		x := l.hist[c][mi-tpLeft:]
		p = max(p, math.Abs(l.hist[c][mi]))
		for ph := 2; ph < tpPhases; ph += 2 {
			p = max(p, math.Abs(dot(&ip.coef[ph], x)))
		}
	}
	if p > l.nearOdd {
		for c := range l.hist {
			x := l.hist[c][mi-tpLeft:]
			for ph := 1; ph < tpPhases; ph += 2 {
				p = max(p, math.Abs(dot(&ip.coef[ph], x)))
			}
		}
	}
	if p <= l.threshold {
		return 1
	}
	return l.threshold / p
}

// monoDeque keeps the running maximum (or minimum) of (index, value)
// pairs over a sliding window of at most size entries.
type monoDeque struct {
	idx        []int64
	val        []float64
	head, n    int
	mask       int
	wantLarger bool
}

func newMonoDeque(size int, max bool) monoDeque {
	c := 1
	for c < size+1 {
		c <<= 1
	}
	return monoDeque{idx: make([]int64, c), val: make([]float64, c), mask: c - 1, wantLarger: max}
}

func (d *monoDeque) empty() bool { return d.n == 0 }

func (d *monoDeque) front() float64 {
	if d.n == 0 {
		return 0
	}
	return d.val[d.head]
}

func (d *monoDeque) push(i int64, v float64) {
	for d.n > 0 {
		b := (d.head + d.n - 1) & d.mask
		if d.wantLarger && d.val[b] > v || !d.wantLarger && d.val[b] < v {
			break
		}
		d.n--
	}
	b := (d.head + d.n) & d.mask
	d.idx[b], d.val[b] = i, v
	d.n++
}

// expire drops entries with index < oldest.
func (d *monoDeque) expire(oldest int64) {
	for d.n > 0 && d.idx[d.head] < oldest {
		d.head = (d.head + 1) & d.mask
		d.n--
	}
}

// movingSum is the sum of the last n values pushed. It is reset to an
// exact 0 whenever the window holds only zeros, so rounding never
// accumulates across quiet stretches.
type movingSum struct {
	v       []float64
	pos     int
	sum     float64
	nonzero int
}

func newMovingSum(n int) movingSum { return movingSum{v: make([]float64, n)} }

func (s *movingSum) add(x float64) float64 {
	old := s.v[s.pos]
	if x == 0 && old == 0 && s.nonzero == 0 {
		s.pos++
		if s.pos == len(s.v) {
			s.pos = 0
		}
		return 0
	}
	s.v[s.pos] = x
	s.pos++
	if s.pos == len(s.v) {
		s.pos = 0
	}
	if old != 0 {
		s.nonzero--
	}
	if x != 0 {
		s.nonzero++
	}
	if s.nonzero == 0 {
		s.sum = 0
	} else {
		s.sum += x - old
	}
	return max(s.sum, 0)
}
