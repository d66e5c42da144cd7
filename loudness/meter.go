package loudness

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// Config describes the stream a Meter measures.
type Config struct {
	Rate     int // frames per second: a multiple of 100 from 32 000 to 384 000
	Channels int // channels in every block
	// Weights are the BS.1770 channel weights G_i, one per channel. Nil
	// selects the defaults of DefaultWeights.
	Weights  []float64
	TruePeak TruePeakMode
	// Workers bounds the goroutines that filter channels in parallel
	// within one Write. 0 means GOMAXPROCS; 1 filters on the caller's
	// goroutine only. A stereo stream with true peak uses two at most:
	// one channel's true peak beside the rest. It changes speed, never
	// results.
	Workers int
}

// DefaultWeights returns the BS.1770 channel weights for a channel count:
// mono and stereo 1.0; 5 channels L R C Ls Rs with 1.41 on the surrounds;
// 6 channels L R C LFE Ls Rs (WAV order) with the LFE excluded.
func DefaultWeights(channels int) ([]float64, error) {
	switch channels {
	case 1:
		return []float64{1}, nil
	case 2:
		return []float64{1, 1}, nil
	case 5:
		return []float64{1, 1, 1, 1.41, 1.41}, nil
	case 6:
		return []float64{1, 1, 1, 0, 1.41, 1.41}, nil
	}
	return nil, fmt.Errorf("loudness: no default channel weights for %d channels", channels)
}

// Window lengths and hops in 10 ms sub-blocks.
const (
	subPerM     = 40  // momentary window and gating block: 400 ms
	subPerS     = 300 // short-term window: 3 s
	subPerHop   = 10  // gating-block and short-term series hop: 100 ms
	absoluteLUF = -70.0
)

// ringSize is the length of the ring of sub-block energies: a power of
// two that holds a short-term window and the sub-blocks combine adds
// before evaluating their windows (at most ringSize − subPerS at a time).
const ringSize = 512

// Meter measures one stream. Its zero value is not usable; call NewMeter.
// A Meter is not safe for concurrent use.
type Meter struct {
	cfg     Config
	weights []float64
	sub     int   // samples per 10 ms sub-block
	frames  int64 // frames consumed
	fill    int   // samples of the current sub-block consumed

	f1, f2 biquad
	ch     []channel

	ring    [ringSize]float64 // weighted sub-block energies, by sub-block index mod ringSize
	nsub    int64             // completed sub-blocks
	lin     []float64         // scratch: ring entries in order, for slide
	sums    []float64         // scratch: window sums, for slide
	blocks  []float64         // mean-square energy of every 400 ms gating block
	short   []float64         // mean-square energy of every short-term window, 10 Hz
	curM    float64
	curS    float64
	maxM    float64
	maxS    float64
	workers int
}

type channel struct {
	k       kState
	partial float64   // Σ y² of the current sub-block so far
	done    []float64 // sub-block energies completed during this Write
	peak    float64   // sample peak (linear)
	peakPos int64
	tp      *peakTracker
}

// NewMeter returns a meter for the configured stream.
func NewMeter(cfg Config) (*Meter, error) {
	if cfg.Rate < 32000 || cfg.Rate > 384000 || cfg.Rate%100 != 0 {
		return nil, fmt.Errorf("loudness: unsupported sample rate %d Hz (want a multiple of 100 from 32000 to 384000)", cfg.Rate)
	}
	w := cfg.Weights
	if w == nil {
		var err error
		if w, err = DefaultWeights(cfg.Channels); err != nil {
			return nil, err
		}
	}
	if cfg.Channels < 1 || len(w) != cfg.Channels {
		return nil, fmt.Errorf("loudness: %d weights for %d channels", len(w), cfg.Channels)
	}
	for i, g := range w {
		if g < 0 || math.IsNaN(g) || math.IsInf(g, 0) {
			return nil, fmt.Errorf("loudness: channel %d: invalid weight %v", i, g)
		}
	}
	switch cfg.TruePeak {
	case TruePeakOff, TruePeakAccurate, TruePeakCompat:
	default:
		return nil, fmt.Errorf("loudness: unknown true-peak mode %d", cfg.TruePeak)
	}
	m := &Meter{
		cfg:     cfg,
		weights: append([]float64(nil), w...),
		sub:     cfg.Rate / 100,
		ch:      make([]channel, cfg.Channels),
		curM:    math.Inf(-1),
		curS:    math.Inf(-1),
		maxM:    math.Inf(-1),
		maxS:    math.Inf(-1),
		workers: cfg.Workers,
	}
	m.f1, m.f2 = kWeighting(float64(cfg.Rate))
	for i := range m.ch {
		m.ch[i].peakPos = -1
		if cfg.TruePeak != TruePeakOff {
			m.ch[i].tp = newPeakTracker(cfg.TruePeak, cfg.Rate)
		}
	}
	return m, nil
}

// ErrBlock reports a block whose shape does not match the meter.
var ErrBlock = errors.New("loudness: block shape does not match the meter")

// parallelMin is the block length below which channels are filtered on
// the caller's goroutine: shorter blocks cost more to hand over than to
// filter.
const parallelMin = 2048

// Write meters the next frames: block[c][:n] for every channel c, where n
// is len(block[0]). Every channel slice must have the same length. Blocks
// may have any length, including zero.
func (m *Meter) Write(block [][]float64) error {
	n, err := m.blockLen(block)
	if err != nil || n == 0 {
		return err
	}
	workers := m.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(m.ch) {
		workers = len(m.ch)
	}
	stereo := len(m.ch) == 2 && m.weights[0] != 0 && m.weights[1] != 0
	switch {
	case workers <= 1 || n < parallelMin:
		if stereo {
			m.stereo(block[0], block[1])
		} else {
			for c := range m.ch {
				m.channel(c, block[c])
			}
		}
	case stereo && m.ch[0].tp != nil:
		// True peak costs more than K-weighting both channels in one
		// loop: channel 0's true peak runs on a second goroutine, and
		// channel 1's and the levels on this one.
		var wg sync.WaitGroup
		wg.Go(func() { m.ch[0].tp.feed(block[0]) })
		m.ch[1].tp.feed(block[1])
		m.stereoLevels(block[0], block[1])
		wg.Wait()
	default:
		var wg sync.WaitGroup
		next := make(chan int, len(m.ch))
		for c := range m.ch {
			next <- c
		}
		close(next)
		for w := 1; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for c := range next {
					m.channel(c, block[c])
				}
			}()
		}
		for c := range next {
			m.channel(c, block[c])
		}
		wg.Wait()
	}
	m.frames += int64(n)
	m.fill = (m.fill + n) % m.sub
	m.combine()
	return nil
}

// blockLen returns the frames of block, or ErrBlock if its shape does
// not match the meter.
func (m *Meter) blockLen(block [][]float64) (int, error) {
	if len(block) != len(m.ch) {
		return 0, fmt.Errorf("%w: %d channels, want %d", ErrBlock, len(block), len(m.ch))
	}
	n := len(block[0])
	for c := range block {
		if len(block[c]) != n {
			return 0, fmt.Errorf("%w: channel %d has %d frames, channel 0 has %d", ErrBlock, c, len(block[c]), n)
		}
	}
	return n, nil
}

// channel runs K-weighting, sample peak and true peak over one channel's
// samples. It touches only m.ch[c] and reads shared configuration.
func (m *Meter) channel(c int, x []float64) {
	ch := &m.ch[c]
	ch.done = ch.done[:0]
	m.samplePeak(ch, x)
	if ch.tp != nil {
		ch.tp.feed(x)
	}
	if m.weights[c] == 0 {
		// Weight 0 (LFE) adds nothing, but the sub-block count must match.
		fill := m.fill
		for i := 0; i < len(x); {
			step := min(m.sub-fill, len(x)-i)
			i += step
			fill += step
			if fill == m.sub {
				ch.done = append(ch.done, 0)
				fill = 0
			}
		}
		return
	}
	fill := m.fill
	for i := 0; i < len(x); {
		step := min(m.sub-fill, len(x)-i)
		ch.partial = ch.k.energy(x[i:i+step], ch.partial, &m.f1, &m.f2)
		i += step
		fill += step
		if fill == m.sub {
			ch.done = append(ch.done, ch.partial)
			ch.partial = 0
			ch.k.flush()
			fill = 0
		}
	}
}

// stereo is channel for two weighted channels on one goroutine, with both
// K-weighting recursions in one loop. Its results equal channel's.
func (m *Meter) stereo(a, b []float64) {
	if m.ch[0].tp != nil {
		m.ch[0].tp.feed(a)
		m.ch[1].tp.feed(b)
	}
	m.stereoLevels(a, b)
}

// stereoLevels is stereo without the true peak: sample peaks and the
// K-weighted sub-block energies. It touches no true-peak state.
func (m *Meter) stereoLevels(a, b []float64) {
	ca, cb := &m.ch[0], &m.ch[1]
	ca.done, cb.done = ca.done[:0], cb.done[:0]
	m.samplePeak(ca, a)
	m.samplePeak(cb, b)
	fill := m.fill
	for i := 0; i < len(a); {
		step := min(m.sub-fill, len(a)-i)
		ca.partial, cb.partial = energy2(&ca.k, &cb.k, a[i:i+step], b[i:i+step], ca.partial, cb.partial, &m.f1, &m.f2)
		i += step
		fill += step
		if fill == m.sub {
			ca.partial, cb.partial = m.endSub(ca.partial, cb.partial)
			fill = 0
		}
	}
}

// endSub completes a sub-block of a stereo meter whose channels' energies
// are ea and eb, and returns the next sub-block's (zero).
func (m *Meter) endSub(ea, eb float64) (float64, float64) {
	ca, cb := &m.ch[0], &m.ch[1]
	ca.done = append(ca.done, ea)
	cb.done = append(cb.done, eb)
	ca.k.flush()
	cb.k.flush()
	return 0, 0
}

// meterKernels selects the AVX2 sample-peak and stereo K-weighting
// kernels (amd64 with AVX2 only), which give the Go loops' results bit
// for bit; the tests turn it off to compare.
var meterKernels = hasAVX2

// samplePeak raises ch.peak to the largest |x[i]| that exceeds it, at the
// first index that holds it; NaN values count for nothing.
func (m *Meter) samplePeak(ch *channel, x []float64) {
	peak, at, ok := absPeak(x, ch.peak)
	if !ok {
		peak, at = ch.peak, -1
		for i, v := range x {
			if v < 0 {
				v = -v
			}
			if v > peak {
				peak, at = v, i
			}
		}
	}
	if at >= 0 {
		ch.peak, ch.peakPos = peak, m.frames+int64(at)
	}
}

// combine forms the weighted energy of every sub-block completed during
// the last Write, in channel order, and updates the windows.
func (m *Meter) combine() {
	done := len(m.ch[0].done)
	inv := 1 / float64(m.sub)
	for k := 0; k < done; {
		n := min(done-k, ringSize-subPerS)
		for j := range n {
			var e float64
			for c := range m.ch {
				if g := m.weights[c]; g != 0 {
					e += g * m.ch[c].done[k+j]
				}
			}
			m.ring[(m.nsub+int64(j))%ringSize] = e
		}
		m.slide(n, subPerM, inv, &m.curM, &m.maxM, &m.blocks)
		m.slide(n, subPerS, inv, &m.curS, &m.maxS, &m.short)
		m.nsub += int64(n)
		k += n
	}
}

// slide evaluates, in order, the w-sub-block windows that end at each of
// the n sub-blocks after the first m.nsub, once a window is complete, and
// records a window's energy in series every 100 ms.
func (m *Meter) slide(n, w int, inv float64, cur, maxv *float64, series *[]float64) {
	j0 := 0 // the first whose window is complete
	if m.nsub < int64(w) {
		j0 = w - 1 - int(m.nsub)
	}
	if j0 >= n {
		return
	}
	first := m.nsub + int64(j0) + 1 - int64(w) // its window's oldest sub-block
	m.lin = slices.Grow(m.lin[:0], n-j0+w-1)[:n-j0+w-1]
	for t := range m.lin {
		m.lin[t] = m.ring[(first+int64(t))%ringSize]
	}
	m.sums = slices.Grow(m.sums[:0], n-j0)[:n-j0]
	windowSums(m.lin, w, m.sums)
	for q, s := range m.sums {
		en := s * inv / float64(w)
		*cur = energyLUFS(en)
		*maxv = math.Max(*maxv, *cur)
		if (first+int64(q))%subPerHop == 0 {
			*series = append(*series, en)
		}
	}
}

// windowSums sets out[q] to the sum of x[q : q+w], added oldest first.
// Each sum is a chain of dependent additions; four windows go side by
// side, so the chains overlap, and every sum keeps its order and its bits.
func windowSums(x []float64, w int, out []float64) {
	q := 0
	for ; q+4 <= len(out); q += 4 {
		y := x[q : q+w+3]
		var s0, s1, s2, s3 float64
		for i := range w {
			s0 += y[i]
			s1 += y[i+1]
			s2 += y[i+2]
			s3 += y[i+3]
		}
		out[q], out[q+1], out[q+2], out[q+3] = s0, s1, s2, s3
	}
	for ; q < len(out); q++ {
		var s float64
		for _, v := range x[q : q+w] {
			s += v
		}
		out[q] = s
	}
}

// energyLUFS converts a weighted mean square to LUFS (−Inf for silence).
func energyLUFS(e float64) float64 {
	if e <= 0 {
		return math.Inf(-1)
	}
	return -0.691 + 10*math.Log10(e)
}

// Momentary returns the momentary loudness (LUFS) of the last complete
// 400 ms window on the 10 ms grid, or −Inf before the first one.
func (m *Meter) Momentary() float64 { return m.curM }

// ShortTerm returns the short-term loudness (LUFS) of the last complete
// 3 s window on the 10 ms grid, or −Inf before the first one.
func (m *Meter) ShortTerm() float64 { return m.curS }

// Frames returns the number of frames written so far.
func (m *Meter) Frames() int64 { return m.frames }
