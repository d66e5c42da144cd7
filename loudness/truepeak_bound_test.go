package loudness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// cascadeImpulse returns the 4× impulse response g of the two stages in
// series (an input 1 at index j adds g[i] to 4× value 4j+i) and the phase
// whose L1 norm is the largest.
func cascadeImpulse() (g []float64, phase int) {
	x := make([]float64, 4*hb1K)
	x[0] = 1
	s1, s2 := newHalfband(hb1), newHalfband(hb2)
	g = s2.run(s1.run(x, nil), nil)
	var norm [4]float64
	for i, v := range g {
		norm[i%4] += math.Abs(v)
	}
	for r := range norm {
		if norm[r] > norm[phase] {
			phase = r
		}
	}
	return g, phase
}

// worstCase returns the inputs of amplitude 1 that drive one 4× value of
// the given phase to the L1 norm of that phase, the bound: the signs of the
// phase's impulse response, reversed.
func worstCase(g []float64, phase int) []float64 {
	l := (len(g) - phase + 3) / 4
	q := make([]float64, l)
	for k := range q {
		q[k] = math.Copysign(1, g[4*(l-1-k)+phase])
	}
	return q
}

// interpolate4 returns the 4× values of x from silence.
func interpolate4(x []float64) []float64 {
	s1, s2 := newHalfband(hb1), newHalfband(hb2)
	return s2.run(s1.run(x, nil), nil)
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// The bounds hold and are tight: no 4× value exceeds boundStages times the
// largest input, nor a stage-2 output boundStage2 times its largest input,
// for random inputs of any magnitude; the worst-case input reaches each
// bound within 1e-6. A bound taken from the wrong phase or stage, or
// without the margin, fails here.
func TestTruePeakBoundHolds(t *testing.T) {
	g, phase := cascadeImpulse()
	q := worstCase(g, phase)
	for _, a := range []float64{1, 0.37, 1e-300, 3e-310, 1e250} {
		x := make([]float64, 300)
		for k, v := range q {
			x[100+k] = a * v
		}
		top := maxAbs(interpolate4(x))
		if top > boundStages*a || top < boundStages*a*(1-1e-6) {
			t.Errorf("worst case, amplitude %g: largest 4× value %v, bound %v", a, top, boundStages*a)
		}
	}
	// Stage 2 alone: the worst case is the signs of its coefficients.
	u := make([]float64, 100)
	for k, c := range hb2 {
		u[50-k] = math.Copysign(1, c)
		u[51+k] = math.Copysign(1, c)
	}
	h := newHalfband(hb2)
	if top := maxAbs(h.run(u, nil)); top > boundStage2 || top < boundStage2*(1-1e-6) {
		t.Errorf("stage 2 worst case: largest output %v, bound %v", top, boundStage2)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	for range 200 {
		n := 1 + rng.IntN(400)
		x := make([]float64, n)
		scale := math.Ldexp(1, rng.IntN(1800)-900)
		for i := range x {
			x[i] = scale * (2*rng.Float64() - 1)
			if rng.IntN(3) == 0 {
				x[i] = math.Copysign(scale, x[i])
			}
		}
		m := maxAbs(x)
		if top := maxAbs(interpolate4(append(x, make([]float64, 64)...))); top > boundStages*m {
			t.Fatalf("random input, max %g: largest 4× value %v > bound %v", m, top, boundStages*m)
		}
		h := newHalfband(hb2)
		if top := maxAbs(h.run(append(x, make([]float64, 16)...), nil)); top > boundStage2*m {
			t.Fatalf("random stage-2 input, max %g: largest output %v > bound %v", m, top, boundStage2*m)
		}
	}
}

// music synthesizes music-like stereo programme at rate: notes (decaying
// tones with two overtones) every 250 ms, drum hits (decaying noise
// bursts) every 500 ms and an amplitude-modulated noise bed, under a swell
// of 20 s period; 24-bit.
func music(rate int, seconds float64, seed uint64) [][]float64 {
	n := int(seconds * float64(rate))
	fs := float64(rate)
	out := [][]float64{make([]float64, n), make([]float64, n)}
	for c := range out {
		rng := rand.New(rand.NewPCG(seed, uint64(c)))
		note, hit := rate/4, rate/2
		var f, a, d float64
		for i := range out[c] {
			if i%note == 0 {
				f = 110 * math.Pow(2, float64(rng.IntN(36))/12)
				a = 0.15 + 0.3*rng.Float64()
			}
			if i%hit == 0 {
				d = 0.3 + 0.6*rng.Float64()
			}
			t := float64(i) / fs
			tn, th := float64(i%note)/fs, float64(i%hit)/fs
			w := 2 * math.Pi * f * tn
			tone := a * math.Exp(-tn/0.3) * (math.Sin(w) + 0.5*math.Sin(2*w) + 0.25*math.Sin(3*w))
			drum := d * math.Exp(-th/0.03) * (2*rng.Float64() - 1)
			bed := 0.05 * (2*rng.Float64() - 1) * (1 + 0.8*math.Sin(2*math.Pi*0.3*t))
			swell := 0.75 - 0.25*math.Cos(2*math.Pi*t/20)
			out[c][i] = (tone + drum + bed) * swell
		}
		quantize24(out[c])
	}
	return out
}

// boundSignals are mono test signals for branch and bound at rate, about
// a second long, each with what it stresses.
func boundSignals(rate int) map[string][]float64 {
	n := rate
	rng := rand.New(rand.NewPCG(uint64(rate), 21))
	noise := func(x []float64, a float64) []float64 {
		for i := range x {
			x[i] += a * (2*rng.Float64() - 1)
		}
		return x
	}
	bw := math.Min(20000, 0.45*float64(rate))
	cand := math.Pow(10, -candidateDB/20)
	sig := map[string][]float64{}

	// Most sub-blocks skipped: a loud burst, then a long quiet passage;
	// then a passage quiet enough to skip stage 2 only.
	x := noise(make([]float64, n), 0.002)
	noise(x[:n/30], 0.9)
	noise(x[n/2:], 0.2)
	sig["loud then quiet"] = x

	// Nothing to skip until the loud part; a medium part after it.
	x = noise(make([]float64, n), 0.01)
	noise(x[n/3:n/3+n/20], 0.9)
	noise(x[n/2:], 0.3)
	sig["quiet then loud"] = x

	// Pulses centred on and beside sub-block edges (at multiples of
	// boundBlock when the feed blocks are), whose true peaks sit just
	// below and above the threshold and the running peak, which some of
	// them raise.
	x = noise(make([]float64, n), 1e-4)
	addPulse(x, rate, 2000, bw, 0.8)
	peak := 0.8
	for k, i := 0, 12; i*boundBlock < n-400; k, i = k+1, i+3 {
		off := []float64{0, -1, 1, -0.5, 0.5, 127.5, -0.25, 0.25}[k%8]
		f := []float64{cand * (1 - 1e-3), cand * (1 + 1e-3), cand, 1 - 1e-4, 1 + 1e-4, 0.5}[k%6]
		addPulse(x, rate, float64(i*boundBlock)+off, bw, f*peak)
		peak = math.Max(peak, f*peak)
	}
	sig["pulses at sub-block edges"] = x

	// Inter-sample peaks near the threshold at random places.
	x = noise(make([]float64, n), 1e-3)
	addPulse(x, rate, 1000.5, bw, 0.7)
	for c := 2000.0; c < float64(n-400); c += 100 + 500*rng.Float64() {
		addPulse(x, rate, math.Floor(c)+0.5, bw, 0.7*cand*(1+0.01*(2*rng.Float64()-1)))
	}
	sig["inter-sample peaks near the threshold"] = x

	// The worst-case pattern in silence after a pulse, at amplitudes
	// around thr/G and peak/G, where the bound decides with the two
	// candidate factors TestTruePeakBoundExact uses.
	g, phase := cascadeImpulse()
	q := worstCase(g, phase)
	x = make([]float64, n)
	addPulse(x, rate, 500, bw, 0.9)
	i := 3 * boundBlock
	ref := newPeakTracker(TruePeakAccurate, rate)
	ref.feed(x[:i-len(q)])
	peak = ref.peak
	for _, c := range []float64{cand, 1} {
		for _, f := range []float64{1 - 1e-3, 1 - 1e-9, 1 - 1e-12, 1, 1 + 1e-12, 1 + 1e-9, 1 + 1e-6, 1.01} {
			for _, at := range []int{-len(q), -len(q) / 2, 0, 7} {
				for k, v := range q {
					if j := i + at + k; j < n {
						x[j] = f * c * peak / (boundStages / (1 + 1e-9)) * v
					}
				}
				i += 2 * boundBlock
			}
		}
	}
	sig["worst case at the bound"] = x

	sig["silence"] = make([]float64, n)

	// Clicks in silence, 40 to 64 inputs before sub-block edges: in the
	// next sub-block the click is among the inputs before s1.buf or feeds
	// the 4× values not yet scanned, which reach the threshold only with
	// a small candidate factor.
	x = make([]float64, n)
	for k := 1; 3*k*boundBlock < n; k++ {
		x[3*k*boundBlock-40-k%25] = 0.5
	}
	sig["clicks in silence"] = x

	x = noise(make([]float64, n), 1e-310)
	x[n/10] = 0.5
	sig["click then denormal noise"] = x
	x = noise(make([]float64, n), 1e-310)
	x[n/2] = 3e-310
	sig["denormal noise then a denormal click"] = x
	x = noise(make([]float64, n), 1e-262)
	addPulse(x, rate, 3000, bw, 1e-250)
	sig["tiny normal levels"] = x
	x = noise(make([]float64, n), 1e270)
	addPulse(x, rate, 3000, bw, 1e280)
	sig["huge levels"] = x

	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		x = noise(make([]float64, n), 1e-3)
		addPulse(x, rate, 1000, bw, 0.5)
		for _, j := range []int{8 * boundBlock, 20*boundBlock - 1, n / 2} {
			x[j] = bad
		}
		addPulse(x, rate, float64(n*3/4), bw, 0.7)
		sig[fmt.Sprintf("%v in quiet passages", bad)] = x
	}
	x = noise(make([]float64, n), 0.1)
	x[0] = math.NaN()
	sig["NaN first"] = x

	sig["programme"] = program(rate, 1, 13)[0]
	sig["music"] = music(rate, 1, 17)[1]
	return sig
}

// trackerBits is the state of an accurate tracker, every NaN alike (which
// NaN a sum of two NaNs gives may depend on the kernel, and never on a
// result).
func trackerBits(b []uint64, p *peakTracker) []uint64 {
	b = b[:0]
	add := func(v ...float64) {
		for _, x := range v {
			if math.IsNaN(x) {
				x = math.NaN()
			}
			b = append(b, math.Float64bits(x))
		}
	}
	add(p.s1.buf...)
	add(p.pre[:]...)
	add(p.s2.buf...)
	add(p.x4...)
	add(p.peak, p.thr, p.pos)
	return append(b, uint64(p.r0), uint64(len(p.s1.buf)), uint64(len(p.s2.buf)), uint64(len(p.x4)))
}

// Branch and bound leaves the tracker in exactly the state of the
// reference path after every block, whatever the block size, so the peak
// and its position are bit-identical too: at 44.1 to 192 kHz, on signals
// where most sub-blocks are skipped, where peaks sit on sub-block edges
// and near the threshold, where the worst-case input sits at the bound,
// and on silence, denormals, huge values, NaN and ±Inf. With candidate
// factor 1 (the threshold is the peak) a candidate missed in a skipped
// sub-block would raise the peak, so a bound that is too small fails;
// with factor 1e-10 almost every value is a candidate, and the counts of
// refinements show any that a skip missed.
func TestTruePeakBoundExact(t *testing.T) {
	blocks := []int{1, 7, 127, 128, 129, 255, 256, 257, 4096, 4099, 16384}
	rates := []int{44100, 48000, 96000, 192000}
	if testing.Short() {
		blocks, rates = []int{7, 129, 256, 4099}, []int{44100, 96000}
	}
	for _, rate := range rates {
		for name, x := range boundSignals(rate) {
			for _, block := range blocks {
				y := x
				if block < 100 { // a quarter second: the tracker is slow in tiny blocks
					y = x[:rate/4]
				}
				for _, cf := range []float64{math.Pow(10, -candidateDB/20), 1, 1e-10} {
					boundEqual(t, fmt.Sprintf("%d Hz, %s, blocks of %d, factor %.3f", rate, name, block, cf), y, block, cf)
				}
			}
		}
	}
}

// boundEqual feeds x in blocks to a tracker with branch and bound and to
// one without, compares their states and the number of refinements after
// every block and their results, and returns the bounded tracker's
// counts. Equal refinement counts mean that no skipped sub-block held a
// candidate: the bound is sound, not merely harmless to the result.
func boundEqual(t *testing.T, name string, x []float64, block int, cf float64) trackerStats {
	t.Helper()
	a := newPeakTracker(TruePeakAccurate, 48000)
	b := newPeakTracker(TruePeakAccurate, 48000)
	a.candFactor, b.candFactor = cf, cf
	var sa, sb []uint64
	for i := 0; i < len(x); i += block {
		c := x[i:min(i+block, len(x))]
		restore := setTruePeakPaths(vectorKernels, blockScan, true)
		a.feed(c)
		blockBound = false
		b.feed(c)
		restore()
		sa, sb = trackerBits(sa, a), trackerBits(sb, b)
		if !slices.Equal(sa, sb) {
			t.Fatalf("%s: states differ after %d samples\nbound     %x\nreference %x", name, i+len(c), sa, sb)
		}
		if a.stats.refined != b.stats.refined {
			t.Fatalf("%s: after %d samples, %d refinements with the bound, %d without (%+v)", name, i+len(c), a.stats.refined, b.stats.refined, a.stats)
		}
	}
	pa, qa := a.final()
	pb, qb := b.final()
	if math.Float64bits(pa) != math.Float64bits(pb) || math.Float64bits(qa) != math.Float64bits(qb) {
		t.Fatalf("%s: bound peak %v at %v, reference %v at %v", name, pa, qa, pb, qb)
	}
	if b.stats.blocks != 0 {
		t.Fatalf("%s: the reference path counted sub-blocks %+v", name, b.stats)
	}
	return a.stats
}

// The skip happens: on a loud burst followed by a quiet passage nearly
// every sub-block of the passage skips both stages, and on a passage a
// little louder most skip stage 2; so the bound cannot silently turn
// itself off.
func TestTruePeakBoundSkips(t *testing.T) {
	for _, rate := range []int{44100, 96000} {
		n := rate
		rng := rand.New(rand.NewPCG(3, 4))
		x := make([]float64, 3*n)
		for i := range x {
			switch {
			case i < n/10: // a loud sine: the peak is 0.9, the threshold 0.757
				x[i] = 0.9 * math.Sin(2*math.Pi*1000*float64(i)/float64(rate))
			case i < 2*n:
				x[i] = 0.01 * (2*rng.Float64() - 1)
			default: // 2.69·0.38 is above the threshold, 1.82·0.38 below
				x[i] = 0.38 * math.Sin(2*math.Pi*1000*float64(i)/float64(rate))
			}
		}
		cf := math.Pow(10, -candidateDB/20)
		quiet := boundEqual(t, "quiet", x[:2*n], 16384, cf)
		subs := int64((2*n - n/10) / boundBlock)
		if quiet.stages < subs*9/10 || quiet.blocks < quiet.stages {
			t.Errorf("%d Hz: quiet passage of %d sub-blocks: %+v, want most skipping both stages", rate, subs, quiet)
		}
		all := boundEqual(t, "medium", x, 16384, cf)
		subs = int64(n / boundBlock)
		if medium := all.stage2 - quiet.stage2; medium < subs*9/10 || all.stages-quiet.stages > subs/10 {
			t.Errorf("%d Hz: medium passage of %d sub-blocks: %d skipped stage 2 (all: %+v), want most", rate, subs, medium, all)
		}
	}
}

// bounded skips exactly when every value its bound covers lies strictly
// below the bound: the 4× values not yet scanned below thr, the inputs
// before s1.buf, in it and in the sub-block below thr/G for both stages,
// the stage-1 output and its history below thr/G2 for stage 2; NaN, ±Inf,
// thr = 0 and thresholds outside [2^-900, 2^900] never skip.
func TestTruePeakBoundDecision(t *testing.T) {
	cand := math.Pow(10, -candidateDB/20)
	thr := cand
	t1, t2 := thr/boundStages, thr/boundStage2
	below := func(v float64) float64 { return math.Nextafter(v, 0) }
	// A lone input u gives stage-1 outputs of at most |u| (itself, and
	// 0.63·u at the midpoints beside it), so it passes stage 2's test
	// when below thr/G2.
	cases := []struct {
		name string
		thr  float64
		set  func(p *peakTracker, x []float64)
		want trackerStats // blocks, stages, stage2
	}{
		{"silence", thr, func(p *peakTracker, x []float64) {}, trackerStats{1, 1, 0, 0}},
		{"input at thr/G", thr, func(p *peakTracker, x []float64) { x[100] = t1 }, trackerStats{1, 0, 1, 0}},
		{"input below thr/G", thr, func(p *peakTracker, x []float64) { x[255] = -below(t1) }, trackerStats{1, 1, 0, 0}},
		{"NaN input", thr, func(p *peakTracker, x []float64) { x[0] = math.NaN() }, trackerStats{1, 0, 0, 0}},
		{"Inf input", thr, func(p *peakTracker, x []float64) { x[17] = math.Inf(-1) }, trackerStats{1, 0, 0, 1}},
		{"s1.buf at thr/G", thr, func(p *peakTracker, x []float64) { p.s1.buf[0] = -t1 }, trackerStats{1, 0, 1, 0}},
		{"s1.buf below thr/G", thr, func(p *peakTracker, x []float64) { p.s1.buf[46] = below(t1) }, trackerStats{1, 1, 0, 0}},
		{"pre at thr/G", thr, func(p *peakTracker, x []float64) { p.pre[3] = t1 }, trackerStats{1, 0, 1, 0}},
		{"pre below thr/G", thr, func(p *peakTracker, x []float64) { p.pre[0] = below(t1) }, trackerStats{1, 1, 0, 0}},
		{"unscanned 4× value at thr", thr, func(p *peakTracker, x []float64) { p.x4[hb3K] = thr }, trackerStats{0, 0, 0, 1}},
		{"unscanned 4× value below thr", thr, func(p *peakTracker, x []float64) { p.x4[2*hb3K-1] = -below(thr) }, trackerStats{1, 1, 0, 0}},
		{"unscanned NaN", thr, func(p *peakTracker, x []float64) { p.x4[hb3K+2] = math.NaN() }, trackerStats{0, 0, 0, 0}},
		{"scanned 4× values", thr, func(p *peakTracker, x []float64) { p.x4[0], p.x4[hb3K-1] = 5, math.NaN() }, trackerStats{1, 1, 0, 0}},
		{"stage-2 history at thr/G2", thr, func(p *peakTracker, x []float64) { x[9], p.s2.buf[0] = t1, t2 }, trackerStats{1, 0, 0, 0}},
		{"stage-2 history below thr/G2", thr, func(p *peakTracker, x []float64) { x[9], p.s2.buf[12] = t1, -below(t2) }, trackerStats{1, 0, 1, 0}},
		{"stage-1 output at thr/G2", thr, func(p *peakTracker, x []float64) { x[200] = t2 }, trackerStats{1, 0, 0, 0}},
		{"stage-1 output below thr/G2", thr, func(p *peakTracker, x []float64) { x[200] = below(t2) }, trackerStats{1, 0, 1, 0}},
		{"thr 0", 0, func(p *peakTracker, x []float64) {}, trackerStats{}},
		{"thr below 2^-900", below(0x1p-900), func(p *peakTracker, x []float64) {}, trackerStats{}},
		{"thr 2^-900", 0x1p-900, func(p *peakTracker, x []float64) {}, trackerStats{1, 1, 0, 0}},
		{"thr above 2^900", math.Nextafter(0x1p900, math.Inf(1)), func(p *peakTracker, x []float64) {}, trackerStats{}},
		{"thr +Inf", math.Inf(1), func(p *peakTracker, x []float64) {}, trackerStats{}},
	}
	for _, c := range cases {
		// The history comes from the tracker alone (a sub-block at the
		// start of a feed) or also from the feed's slice.
		for _, inSlice := range []bool{false, true} {
			eachScreen(func(vector bool) {
				p := newPeakTracker(TruePeakAccurate, 48000)
				p.peak, p.thr = c.thr/cand, c.thr
				x := make([]float64, boundBlock)
				c.set(p, x)
				if inSlice {
					h := append(append(p.pre[:], p.s1.buf...), x...)
					p.bounded(h, len(h)-len(x))
				} else {
					p.bounded(x, 0)
				}
				got := p.stats
				got.refined = min(got.refined, 1)
				if got != c.want {
					t.Errorf("vector=%v, history in the slice %v, %s: %+v, want %+v", vector, inSlice, c.name, got, c.want)
				}
			})
		}
	}
}
