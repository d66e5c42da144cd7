package loudness

import "math"

// TruePeakMode selects how true peak is measured.
type TruePeakMode int

const (
	// TruePeakOff measures sample peak only; Result.TruePeak is NaN.
	TruePeakOff TruePeakMode = iota
	// TruePeakAccurate interpolates to 4× with two half-band stages
	// (flat within 0.006 dB to 20 kHz at 44.1 kHz) and refines every
	// candidate maximum on an 8× grid with a third half-band stage and a
	// parabolic vertex. For ceiling checks.
	TruePeakAccurate
	// TruePeakCompat is the libebur128 1.2 scheme: a 49-tap Hann-windowed
	// sinc, 4× below 96 kHz, 2× below 192 kHz, no oversampling above;
	// single-precision delay line; the result is at least the sample peak.
	TruePeakCompat
)

// Half-band stage designs: K coefficient pairs, Kaiser β. Stage 1 runs at
// the input rate and carries the passband (|error| ≤ 5.8e-4 up to
// 20 kHz at 44.1 kHz); stages 2 and 3 only see content below a quarter and
// an eighth of their input rate (|error| ≤ 9e-5 and 6e-5).
const (
	hb1K, hb1Beta = 24, 7.0
	hb2K, hb2Beta = 7, 9.0
	hb3K, hb3Beta = 6, 10.0
)

// candidateDB is how far below the running maximum a 4× value may lie and
// still be refined. A peak P of a signal band-limited to 0.6·fs falls by at
// most 1.02 dB at the nearest 4× point (Bernstein's inequality), so every
// local maximum that could raise the result is refined: the screen changes
// the cost, never the value.
const candidateDB = 1.5

var (
	hb1 = halfbandDesign(hb1K, hb1Beta)
	hb2 = halfbandDesign(hb2K, hb2Beta)
	hb3 = halfbandDesign(hb3K, hb3Beta)
)

// halfbandDesign returns the K coefficients c_k of a half-band
// interpolator: the value midway between x[m] and x[m+1] is
// Σ c_k·(x[m−k] + x[m+1+k]). c_k is a Kaiser-windowed sinc at k+½,
// normalized to unity gain at DC.
func halfbandDesign(k int, beta float64) []float64 {
	c := make([]float64, k)
	var sum float64
	for i := range c {
		t := float64(i) + 0.5
		r := t / float64(k)
		c[i] = math.Sin(math.Pi*t) / (math.Pi * t) * besselI0(beta*math.Sqrt(1-r*r)) / besselI0(beta)
		sum += 2 * c[i]
	}
	for i := range c {
		c[i] /= sum
	}
	return c
}

// besselI0 is the modified Bessel function of the first kind, order 0.
func besselI0(x float64) float64 {
	s, t := 1.0, 1.0
	for k := 1; k < 64; k++ {
		t *= x / 2 / float64(k)
		s += t * t
		if t*t < s*1e-17 {
			break
		}
	}
	return s
}

// halfband is one streaming 2× interpolation stage.
type halfband struct {
	c   []float64
	buf []float64 // the last 2K−1 inputs, then the new ones
}

func newHalfband(c []float64) halfband {
	return halfband{c: c, buf: make([]float64, 2*len(c)-1)}
}

// run appends to out, for every new input sample, the pair (sample,
// midpoint), delayed by K samples, and returns out.
func (h *halfband) run(x, out []float64) []float64 {
	w := 2*len(h.c) - 1
	if len(x) <= w {
		h.buf = append(h.buf, x...)
		return h.process(out)
	}
	// The w positions whose window reaches back into the history, and one
	// more, go through the buffer (history and the first w+1 inputs): 2K
	// positions, which the AVX2 kernel computes in groups of 8 whole. The
	// others read x in place, which spares copying it.
	out = grow(out, 2*len(x))
	o := out[len(out)-2*len(x):]
	h.buf = append(h.buf, x[:w+1]...)
	h.interpolate(h.buf, o[:2*(w+1)])
	h.interpolate(x[1:], o[2*(w+1):])
	h.buf = append(h.buf[:0], x[len(x)-w:]...)
	return out
}

// process is run for the new input samples already appended to h.buf.
func (h *halfband) process(out []float64) []float64 {
	w := 2*len(h.c) - 1
	b := h.buf
	n := len(b)
	out = grow(out, 2*(n-w))
	h.interpolate(b, out[len(out)-2*(n-w):])
	copy(b, b[n-w:])
	h.buf = b[:w]
	return out
}

// interpolate sets o[2j], o[2j+1] to the input sample and the midpoint of
// the window b[j : j+2K] for every j = 0 … len(b)−2K.
func (h *halfband) interpolate(b, o []float64) {
	k := len(h.c)
	switch k {
	case hb1K:
		d := halfbandVec(b, o, h.c)
		runHalfband24(b[d:], o[2*d:], h.c)
	case hb2K:
		d := halfbandVec(b, o, h.c)
		runHalfband7(b[d:], o[2*d:], h.c)
	default:
		c := h.c
		n := len(b)
		for m, j := k-1, 0; m <= n-k-1; m, j = m+1, j+2 {
			var acc float64
			for i, ci := range c {
				acc += ci * (b[m-i] + b[m+1+i])
			}
			o[j] = b[m]
			o[j+1] = acc
		}
	}
}

// runHalfband24 is the inner loop of the 24-pair stage, written out so the
// coefficients stay in registers' reach and bounds checks disappear. It
// computes the positions m = 23 … len(b)−25, so b[d:], o[2d:] resumes it
// at position 23+d. It is also the reference of the AVX2 kernel
// (truepeak_amd64.s), which must round exactly as this source does: Go
// evaluates a+b+c+d as ((a+b)+c)+d and never reassociates, and the
// compiler does not fuse these multiplies and adds into FMAs (it may fuse
// x*y+z elsewhere when built for GOAMD64=v3; the kernel equality test
// would catch it here).
func runHalfband24(b, o []float64, c []float64) {
	c = c[:24]
	n := len(b)
	for m, j := 23, 0; m <= n-25; m, j = m+1, j+2 {
		w := b[m-23 : m+25]
		acc0 := c[0]*(w[23]+w[24]) + c[1]*(w[22]+w[25]) + c[2]*(w[21]+w[26]) + c[3]*(w[20]+w[27])
		acc1 := c[4]*(w[19]+w[28]) + c[5]*(w[18]+w[29]) + c[6]*(w[17]+w[30]) + c[7]*(w[16]+w[31])
		acc2 := c[8]*(w[15]+w[32]) + c[9]*(w[14]+w[33]) + c[10]*(w[13]+w[34]) + c[11]*(w[12]+w[35])
		acc3 := c[12]*(w[11]+w[36]) + c[13]*(w[10]+w[37]) + c[14]*(w[9]+w[38]) + c[15]*(w[8]+w[39])
		acc4 := c[16]*(w[7]+w[40]) + c[17]*(w[6]+w[41]) + c[18]*(w[5]+w[42]) + c[19]*(w[4]+w[43])
		acc5 := c[20]*(w[3]+w[44]) + c[21]*(w[2]+w[45]) + c[22]*(w[1]+w[46]) + c[23]*(w[0]+w[47])
		oo := o[j : j+2]
		oo[0] = w[23]
		oo[1] = ((acc0 + acc1) + (acc2 + acc3)) + (acc4 + acc5)
	}
}

// runHalfband7 is the inner loop of the 7-pair stage.
func runHalfband7(b, o []float64, c []float64) {
	c = c[:7]
	n := len(b)
	for m, j := 6, 0; m <= n-8; m, j = m+1, j+2 {
		w := b[m-6 : m+8]
		acc0 := c[0]*(w[6]+w[7]) + c[1]*(w[5]+w[8]) + c[2]*(w[4]+w[9]) + c[3]*(w[3]+w[10])
		acc1 := c[4]*(w[2]+w[11]) + c[5]*(w[1]+w[12]) + c[6]*(w[0]+w[13])
		oo := o[j : j+2]
		oo[0] = w[6]
		oo[1] = acc0 + acc1
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s)-len(s) < n {
		t := make([]float64, len(s), 2*cap(s)+n)
		copy(t, s)
		s = t
	}
	return s[:len(s)+n]
}

// peakTracker is the true-peak state of one channel.
type peakTracker struct {
	mode TruePeakMode
	// accurate
	s1, s2     halfband
	pre        [hb2K]float64 // the K2 inputs before those in s1.buf
	x4         []float64     // scratch: 4× history + output
	r0         int64         // 4× index of x4[0]
	peak, thr  float64
	pos        float64 // input-sample time of peak
	candFactor float64
	stats      trackerStats
	// compat
	factor int
	phases [][]float64 // per non-trivial phase, taps for x[m], x[m−1], ...
	hist   []float64   // float32-rounded inputs: the last taps−1, then new ones
	m0     int64       // input index of hist[len(phases[0])-1]
}

func newPeakTracker(mode TruePeakMode, rate int) *peakTracker {
	p := &peakTracker{mode: mode, pos: -1}
	switch mode {
	case TruePeakAccurate:
		p.s1 = newHalfband(hb1)
		p.s2 = newHalfband(hb2)
		p.x4 = make([]float64, 2*hb3K)
		p.r0 = -2 * hb3K
		p.candFactor = math.Pow(10, -candidateDB/20)
	case TruePeakCompat:
		switch {
		case rate < 96000:
			p.factor = 4
		case rate < 192000:
			p.factor = 2
		default:
			p.factor = 1
			return p
		}
		p.phases = compatPhases(p.factor)
		p.hist = make([]float64, len(p.phases[0])-1)
		p.m0 = 0
	}
	return p
}

// compatPhases returns the non-trivial polyphase branches of libebur128's
// interpolator c[j] = sinc((j−24)/L)·½(1 − cos(2πj/48)), j = 0…48: branch f
// (1 ≤ f < L) holds c[f + L·i] for i = 0, 1, ..., the weight of x[m−i] in
// the output at time m + f/L − 24/L. Branch 0 is the delayed input itself.
func compatPhases(l int) [][]float64 {
	const taps = 49
	var ph [][]float64
	for f := 1; f < l; f++ {
		var b []float64
		for j := f; j < taps; j += l {
			t := float64(j-24) / float64(l)
			c := 1.0
			if t != 0 {
				c = math.Sin(math.Pi*t) / (math.Pi * t)
			}
			c *= 0.5 * (1 - math.Cos(2*math.Pi*float64(j)/(taps-1)))
			b = append(b, c)
		}
		ph = append(ph, b)
	}
	return ph
}

// feed processes the next input samples of the channel.
func (p *peakTracker) feed(x []float64) {
	switch p.mode {
	case TruePeakAccurate:
		if !blockBound {
			p.stages(x)
			return
		}
		for i := 0; i < len(x); {
			n := min(len(x)-i, boundBlock)
			p.bounded(x[:i+n], i)
			i += n
		}
	case TruePeakCompat:
		if p.factor > 1 {
			p.compat(x)
		}
	}
}

// Switches between the reference loops and the faster paths, which give
// bit-identical results; the tests turn them off to compare.
var (
	// vectorKernels selects the AVX2 half-band kernels and threshold
	// screen (amd64 with AVX2 only).
	vectorKernels = hasAVX2
	// blockScan lets scan skip runs of scanRun 4× values that all lie
	// below the threshold.
	blockScan = true
	// blockBound lets feed skip the interpolation of sub-blocks of
	// boundBlock inputs that cannot hold a candidate (see bounded).
	blockBound = true
)

// stages runs x through both interpolation stages and scans the new 4×
// values: the reference path, which bounded gives bit for bit.
func (p *peakTracker) stages(x []float64) {
	p.shiftPre(x)
	// Stage 1 appends its output to the input buffer of stage 2.
	p.s2.buf = p.s1.run(x, p.s2.buf)
	p.x4 = p.s2.process(p.x4)
	p.scan()
}

// Branch and bound. Every 4× value is a linear function of the inputs: it
// is Σ g_i·x_i, with g the impulse response, from the inputs, of its phase
// of the two stages in series, so |value| ≤ G·max|x_i| where G is the
// largest L1 norm Σ|g_i| of the four phases (2.69: the 24-pair stage's
// midpoint phase, whose sidelobes decay slowly; the two stages' norms
// multiply to 4.91, so the cascade is the bound to use). Likewise a value
// from the stage-2 inputs u is at most G2·max|u|, G2 = 2·Σ|c_k| = 1.82 of
// the 7-pair stage. If every input of a sub-block, and every input of the
// history its new 4× values depend on, lies below thr/G, no value that
// the sub-block's scan looks at reaches the threshold thr, so scan would
// refine nothing and change nothing but the history it keeps: bounded
// skips the stages and computes just that history, which is the same
// whatever the threshold. When the inputs are too loud for that but the
// stage-1 output of the sub-block lies below thr/G2, it skips stage 2 the
// same way.
//
// Rounding: every term of a stage output passes through at most 8
// roundings in stage 1 and 6 in stage 2 (pair sum, product, additions), so
// a computed 4× value differs from Σ g_i·x_i (exact arithmetic on the
// stored coefficients and the inputs) by at most 14·2^-53 times the sum of
// the magnitudes of the terms, itself at most 4.91·max|x| (the product of
// the stages' norms): below 1e-14·max|x|; where partial results are
// subnormal, add at most 2^-1075 for each rounding times the gain after it
// (71 roundings in a stage-1 midpoint, times 1.82, and 20 in stage 2):
// below 2^-1067. G, summed from the computed impulse response, is within
// 1e-13 of its exact value. The bounds carry a factor 1 + 1e-9, far more than
// all of it, and bounded only skips for thresholds from 2^-900 to 2^900,
// where the absolute error is negligible and no partial sum can overflow.
// A NaN or ±Inf input never lies below a bound, so its sub-block takes the
// reference path; thr = 0 never skips.
//
// The history: the 4× values scan has not looked at yet are the last K3
// of x4; bounded checks them against thr directly. The new values depend
// on s1.buf, on the sub-block and, through the stage-1 outputs in s2.buf,
// on the K2 inputs before s1.buf, kept in pre. Each FIR output depends
// only on the inputs in its window, and the AVX2 kernels round as the Go
// loops do, so outputs computed from a short suffix equal those of the
// whole sub-block bit for bit.

// boundBlock is the sub-block length of the bound (tuned by measurement);
// shorter pieces, at the end of a feed, take the reference path below
// boundMin inputs.
const (
	boundBlock = 256
	boundMin   = 16
)

// The skipped history: the last 2·K3 4× values come from the last K3
// stage-2 positions, which read the last tailS2 stage-1 outputs, which
// come from the last tailPos1 stage-1 positions, which read the last
// tailRaw inputs.
const (
	tailS2   = hb3K + 2*hb2K - 1
	tailPos1 = (tailS2 + 1) / 2
	tailRaw  = tailPos1 + 2*hb1K - 1
)

// Thresholds outside [boundThrMin, boundThrMax] are never bounded.
const (
	boundThrMin = 0x1p-900
	boundThrMax = 0x1p900
)

// boundStages and boundStage2 are G and G2 with the rounding margin.
var boundStages, boundStage2 = truePeakBounds()

// truePeakBounds returns the largest L1 norm of the four phases of the two
// stages in series, from their impulse response, and the L1 norm of the
// stage-2 midpoint (the other phase is the input itself), each times
// 1 + 1e-9.
func truePeakBounds() (stages, stage2 float64) {
	const safety = 1 + 1e-9
	x := make([]float64, 4*hb1K)
	x[0] = 1
	s1, s2 := newHalfband(hb1), newHalfband(hb2)
	g := s2.run(s1.run(x, nil), nil)
	var norm [4]float64
	for i, v := range g {
		norm[i%4] += math.Abs(v)
	}
	for _, c := range hb2 {
		stage2 += 2 * math.Abs(c)
	}
	return max(norm[0], norm[1], norm[2], norm[3]) * safety, max(stage2, 1) * safety
}

// trackerStats counts the work of an accurate tracker, for the tests and
// the benchmarks.
type trackerStats struct {
	blocks  int64 // sub-blocks bounded looked at
	stages  int64 // of which skipped both stages
	stage2  int64 // of which skipped stage 2
	refined int64 // calls of refine
}

// bounded is stages for the sub-block x[i:], which skips the
// interpolation that the bound shows cannot yield a candidate and computes
// only the state that stages leaves: s1.buf, pre, s2.buf, x4 and r0. The
// inputs x[:i] were fed before it, so the last of them are those in pre
// and s1.buf.
func (p *peakTracker) bounded(x []float64, i int) {
	const hist = hb2K + 2*hb1K - 1 // inputs in pre and s1.buf
	sub := x[i:]
	n := len(sub)
	thr := p.thr
	try := n >= boundMin && thr >= boundThrMin && thr <= boundThrMax && allBelow(p.x4[hb3K:], thr)
	if try {
		p.stats.blocks++
		t := thr / boundStages
		in := x[max(0, i-hist):] // the sub-block and what x holds of the history
		if allBelow(in, t) && (len(in)-n == hist || allBelow(p.s1.buf, t) && allBelow(p.pre[:], t)) {
			p.skipStages(sub)
			p.stats.stages++
			return
		}
	}
	p.shiftPre(sub)
	p.s2.buf = p.s1.run(sub, p.s2.buf)
	if try && allBelow(p.s2.buf, thr/boundStage2) {
		p.skipStage2(n)
		p.stats.stage2++
		return
	}
	p.x4 = p.s2.process(p.x4)
	p.scan()
}

// skipStages leaves the state stages would leave after x (at least
// tailPos1 inputs) when no candidate lies in it.
func (p *peakTracker) skipStages(x []float64) {
	const w1, w2 = 2*hb1K - 1, 2*hb2K - 1
	n := len(x)
	var raw [tailRaw]float64
	if n >= tailRaw {
		copy(raw[:], x[n-tailRaw:])
	} else {
		m := copy(raw[:], p.s1.buf[w1-(tailRaw-n):])
		copy(raw[m:], x)
	}
	var o1 [2 * tailPos1]float64
	p.s1.interpolate(raw[:], o1[:])
	p.x4 = p.x4[:2*hb3K]
	p.s2.interpolate(o1[len(o1)-tailS2:], p.x4)
	copy(p.pre[:], raw[tailRaw-w1-hb2K:])
	copy(p.s1.buf, raw[tailRaw-w1:])
	copy(p.s2.buf, o1[len(o1)-w2:])
	p.r0 += 4 * int64(n)
}

// skipStage2 leaves the state stages would leave after n inputs, whose
// stage-1 output is in s2.buf, when no candidate lies in it.
func (p *peakTracker) skipStage2(n int) {
	const w2 = 2*hb2K - 1
	b := p.s2.buf
	p.x4 = p.x4[:2*hb3K]
	p.s2.interpolate(b[len(b)-tailS2:], p.x4)
	copy(b, b[len(b)-w2:])
	p.s2.buf = b[:w2]
	p.r0 += 4 * int64(n)
}

// shiftPre sets pre to the K2 inputs before the last 2K1−1 of pre, s1.buf
// (2K1−1 inputs) and x.
func (p *peakTracker) shiftPre(x []float64) {
	w := len(p.s1.buf)
	var q [hb2K]float64
	for i := range q {
		switch j := len(x) + i; {
		case j < hb2K:
			q[i] = p.pre[j]
		case j < hb2K+w:
			q[i] = p.s1.buf[j-hb2K]
		default:
			q[i] = x[j-hb2K-w]
		}
	}
	p.pre = q
}

// allBelow reports whether every |v| is below t (a positive number): false
// for a NaN.
func allBelow(v []float64, t float64) bool {
	i := notBelow(v, t)
	if i+scanRun <= len(v) {
		return false
	}
	for _, x := range v[i:] {
		if !(math.Abs(x) < t) {
			return false
		}
	}
	return true
}

// scanRun is the run length of the blockwise scan.
const scanRun = 16

// scan looks at every 4× value whose neighbours are known and refines the
// candidates, then keeps the last 2·K3 values as history.
func (p *peakTracker) scan() {
	v := p.x4
	k := hb3K
	var memo midMemo
	if blockScan {
		p.scanRuns(v, k, len(v)-k, &memo)
	} else {
		p.scanValues(v, k, len(v)-k, &memo)
	}
	n := len(v)
	p.r0 += int64(n - 2*k)
	copy(v, v[n-2*k:])
	p.x4 = v[:2*k]
}

// scanValues refines, in order, every candidate among the 4× values
// v[from:to]: a value whose magnitude reaches the running threshold, which
// each refinement may raise.
func (p *peakTracker) scanValues(v []float64, from, to int, memo *midMemo) {
	thr := p.thr
	for j := from; j < to; j++ {
		a := v[j]
		if a < 0 {
			a = -a
		}
		if a >= thr && a > 0 {
			p.refine(v, j, memo)
			thr = p.thr
		}
	}
}

// scanRuns is scanValues, with the runs of scanRun values that hold no
// candidate skipped whole: above finds the next run that may hold one,
// and scanValues walks it. A run is skipped only if every value in it is
// below the threshold (or zero, or NaN) at the time it is reached, and the
// threshold only changes within refine, so the refinements and their
// order are those of scanValues.
func (p *peakTracker) scanRuns(v []float64, from, to int, memo *midMemo) {
	for j := from; j < to; {
		// |v| ≥ thr and |v| > 0 imply |v| ≥ the larger of thr and the
		// smallest positive double.
		j += above(v[j:to], max(p.thr, math.SmallestNonzeroFloat64))
		end := min(j+scanRun, to)
		p.scanValues(v, j, end, memo)
		j = end
	}
}

// aboveGo is above in Go: for a positive t, |x| ≥ t exactly when the bits
// of |x| (sign cleared), as an unsigned integer, exceed those of t less
// one, which sets the top bit of (bits(t)−1) − bits(|x|). NaN (bits above
// those of +Inf) is counted as a possible candidate, which costs a walk,
// never a refinement; a NaN t flags only NaN values and skips the rest,
// as scanValues would (NaN never reaches it).
func aboveGo(v []float64, t float64) int {
	tb := math.Float64bits(t) - 1
	i := 0
	for ; i+scanRun <= len(v); i += scanRun {
		var hit uint64
		for _, x := range v[i : i+scanRun] {
			hit |= tb - math.Float64bits(x)&^(1<<63)
		}
		if hit>>63 != 0 {
			break
		}
	}
	return i
}

// mid8 is the value midway between 4× points j and j+1.
func mid8(v []float64, j int) float64 {
	var acc float64
	for i, c := range hb3 {
		acc += c * (v[j-i] + v[j+1+i])
	}
	return math.Abs(acc)
}

// vertex returns the peak of the parabola through (−1, y0), (0, y1), (1, y2)
// and its abscissa, for y1 ≥ y0, y2.
func vertex(y0, y1, y2 float64) (float64, float64) {
	den := y0 - 2*y1 + y2
	if den >= 0 {
		return y1, 0
	}
	d := 0.5 * (y0 - y2) / den
	return y1 - 0.25*(y0-y2)*d, d
}

// midMemo is mid8 at the last refined 4× point of a scan, which is the
// left midpoint of a refinement at the next point (0: none). Candidates
// come in runs, so this spares about half the midpoints.
type midMemo struct {
	next int
	val  float64
}

// refine finds the local maximum on the 8× grid around 4× point j,
// refines it with a parabolic vertex and updates the running peak.
func (p *peakTracker) refine(v []float64, j int, memo *midMemo) {
	p.stats.refined++
	c := math.Abs(v[j])
	l := memo.val
	if memo.next != j {
		l = mid8(v, j-1)
	}
	r := mid8(v, j)
	*memo = midMemo{next: j + 1, val: r}
	var val, at float64 // at: position in 4× units relative to j
	switch {
	case c >= l && c >= r:
		var d float64
		val, d = vertex(l, c, r)
		at = d / 2
	case l > r:
		left := math.Abs(v[j-1])
		if l < left {
			return // the maximum lies further left; j−1 covers it
		}
		var d float64
		val, d = vertex(left, l, c)
		at = -0.5 + d/2
	default:
		right := math.Abs(v[j+1])
		if r < right {
			return
		}
		var d float64
		val, d = vertex(c, r, right)
		at = 0.5 + d/2
	}
	if val > p.peak {
		p.peak = val
		p.thr = val * p.candFactor
		p.pos = (float64(p.r0+int64(j))+at)/4 - hb1K - hb2K/2.0
	}
}

// compat runs libebur128's polyphase interpolator over x.
func (p *peakTracker) compat(x []float64) {
	taps := len(p.phases[0])
	for _, v := range x {
		p.hist = append(p.hist, float64(float32(v)))
	}
	h := p.hist
	l := float64(p.factor)
	delay := 24 / l
	peak := p.peak
	for m := taps - 1; m < len(h); m++ {
		w := h[m-taps+1 : m+1]
		for f, ph := range p.phases {
			var acc float64
			for i, c := range ph {
				acc += c * w[taps-1-i]
			}
			a := math.Abs(float64(float32(acc)))
			if a > peak {
				peak = a
				p.pos = float64(p.m0+int64(m-(taps-1))) + float64(f+1)/l - delay
			}
		}
	}
	p.peak = peak
	n := len(h)
	p.m0 += int64(n - (taps - 1))
	copy(h, h[n-(taps-1):])
	p.hist = h[:taps-1]
}

// final returns the peak (linear) and its input-sample time after flushing
// the interpolator with silence, without changing the tracker.
func (p *peakTracker) final() (float64, float64) {
	q := p.clone()
	var zeros [64]float64
	q.feed(zeros[:])
	return q.peak, q.pos
}

func (p *peakTracker) clone() *peakTracker {
	q := *p
	cp := func(s []float64) []float64 { return append([]float64(nil), s...) }
	q.s1.buf = cp(p.s1.buf)
	q.s2.buf = cp(p.s2.buf)
	q.x4 = cp(p.x4)
	q.hist = cp(p.hist)
	return &q
}
