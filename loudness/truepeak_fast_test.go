package loudness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// setTruePeakPaths sets the true-peak switches and returns a func that
// restores them.
func setTruePeakPaths(vector, runs, bound bool) (restore func()) {
	vk, bs, bb := vectorKernels, blockScan, blockBound
	vectorKernels, blockScan, blockBound = vector, runs, bound
	return func() { vectorKernels, blockScan, blockBound = vk, bs, bb }
}

// setFastTruePeak turns the fast true-peak paths on (the vector kernels
// where the CPU has them) or off.
func setFastTruePeak(on bool) (restore func()) { return setTruePeakPaths(on && hasAVX2, on, on) }

// eachScreen runs f with the Go threshold screen and, where the CPU has
// AVX2, with the vector one.
func eachScreen(f func(vector bool)) {
	for _, vector := range []bool{false, true} {
		if vector && !hasAVX2 {
			continue
		}
		restore := setTruePeakPaths(vector, blockScan, blockBound)
		f(vector)
		restore()
	}
}

// kernelInput returns n random samples of a kind that stresses rounding:
// full-scale values, tiny and denormal values, zeros, signed zeros and
// mixtures of very different magnitudes.
func kernelInput(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		switch rng.IntN(10) {
		case 0:
			x[i] = 0
		case 1:
			x[i] = math.Copysign(0, -1)
		case 2:
			x[i] = []float64{1, -1, 8388607.0 / 8388608, -1.5, math.MaxFloat64 / 64}[rng.IntN(5)]
		case 3: // denormal
			x[i] = math.Float64frombits(rng.Uint64()&(1<<52-1)) * float64(1-2*rng.IntN(2))
		case 4:
			x[i] = math.Ldexp(rng.Float64()-0.5, -rng.IntN(1100))
		case 5:
			x[i] = math.Float64frombits(rng.Uint64()&^(0x7ff<<52) | uint64(rng.IntN(2046)+1)<<52)
		default:
			x[i] = 2*rng.Float64() - 1
		}
	}
	return x
}

// needAVX2 skips a test of the AVX2 kernels on a CPU without them.
func needAVX2(t *testing.T) {
	if !hasAVX2 {
		t.Skip("no vector kernels on this CPU")
	}
}

// lengths returns 0 … n and then more.
func lengths(n int, more ...int) []int {
	l := make([]int, 0, n+1+len(more))
	for i := 0; i <= n; i++ {
		l = append(l, i)
	}
	return append(l, more...)
}

// The AVX2 half-band kernels return what the Go loops return, bit for
// bit, for every length and any input.
func TestHalfbandKernelsExact(t *testing.T) {
	needAVX2(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range [][]float64{hb1, hb2} {
		for _, n := range lengths(200, 4096, 16384+5, 65536) {
			for range 3 {
				b := kernelInput(rng, len(c)*2-1+n)
				want := make([]float64, 2*n)
				got := make([]float64, 2*n+1) // one more: nothing is written past 2n
				got[2*n] = 42
				refHalfband(b, want, c)
				d := halfbandVec(b, got, c)
				if d != n&^7 {
					t.Fatalf("%d pairs, %d positions: vector kernel did %d", len(c), n, d)
				}
				refHalfband(b[d:], got[2*d:2*n], c)
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%d pairs, %d positions: o[%d] = %v (%#x), want %v (%#x)", len(c), n, i,
							got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
					}
				}
				if got[2*n] != 42 {
					t.Fatalf("%d pairs, %d positions: wrote past the output", len(c), n)
				}
			}
		}
	}
}

// refHalfband runs the Go loop of the stage with len(c) pairs.
func refHalfband(b, o, c []float64) {
	if len(c) == hb1K {
		runHalfband24(b, o, c)
	} else {
		runHalfband7(b, o, c)
	}
}

// tpSignals are the meter-equality test signals at rate, stereo, about a
// second each: sines near and above full scale up to near Nyquist, white
// noise, noise bursts rising and falling in level, a sine swelling from
// silence (the threshold keeps rising), denormal-level noise, silence,
// and the EBU true-peak and programme signals.
func tpSignals(rate int) map[string][][]float64 {
	n := rate
	gen := func(f func(i int, c int) float64) [][]float64 {
		x := [][]float64{make([]float64, n), make([]float64, n)}
		for c := range x {
			for i := range x[c] {
				x[c][i] = f(i, c)
			}
		}
		return x
	}
	rng := rand.New(rand.NewPCG(uint64(rate), 3))
	noise := func(a float64) float64 { return a * (2*rng.Float64() - 1) }
	sig := map[string][][]float64{
		"silence": gen(func(int, int) float64 { return 0 }),
		"noise":   gen(func(int, int) float64 { return noise(1) }),
		"denormal noise then a click": gen(func(i, c int) float64 {
			if i == n/2+c {
				return 0.5
			}
			return noise(1e-310)
		}),
		"bursts": gen(func(i, c int) float64 {
			k := i / (rate / 20) // 50 ms steps
			if k%2 == 1 {
				return 0
			}
			return noise(math.Pow(10, -float64((k*7)%60)/20))
		}),
		"swell": gen(func(i, c int) float64 {
			return float64(i) / float64(n) * math.Sin(2*math.Pi*1000*float64(i)/float64(rate)+float64(c))
		}),
		"case19":  tpSine(rate, 4, 45, 1.41),
		"burst":   tpBurst(rate, 1),
		"program": program(rate, 1.5, 11),
	}
	for _, f := range []float64{997, 0.25, 0.45, 0.49, 0.4999} {
		hz := f
		if f < 1 {
			hz = f * float64(rate)
		}
		sig[fmt.Sprintf("sine %.1f Hz", hz)] = gen(func(i, c int) float64 {
			return 0.99 * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)+0.7*float64(c))
		})
	}
	for k, x := range sig {
		if len(x[0]) > n { // the EBU signals last 4 s
			sig[k] = [][]float64{x[0][:n], x[1][:n]}
		}
	}
	return sig
}

// tpRun meters x in blocks of the given size and returns the measurement
// and the exact per-channel true peaks and positions as bit patterns.
func tpRun(t *testing.T, rate int, x [][]float64, block int) (string, []uint64) {
	t.Helper()
	m, err := NewMeter(Config{Rate: rate, Channels: len(x), TruePeak: TruePeakAccurate})
	if err != nil {
		t.Fatal(err)
	}
	feed(t, m, x, block)
	var raw []uint64
	for c := range m.ch {
		peak, pos := m.ch[c].tp.final()
		raw = append(raw, math.Float64bits(peak), math.Float64bits(pos))
	}
	return fmt.Sprintf("%#v", *m.Measure()), raw
}

// The meter measures exactly the same, every bit of every field and of the
// unrounded true peaks, with the fast true-peak paths (vector kernels
// where the CPU has them, blockwise scan, branch and bound) and with the
// reference loops, at any block size.
func TestTruePeakFastExact(t *testing.T) {
	paths := []struct {
		name               string
		vector, run, bound bool
	}{
		{"reference", false, false, false}, {"scan", false, true, false}, {"bound", false, false, true},
		{"vector", true, false, false}, {"fast", true, true, true},
	}
	if !hasAVX2 {
		paths = paths[:3]
	}
	for _, rate := range []int{44100, 48000, 96000} {
		for name, x := range tpSignals(rate) {
			for _, block := range []int{1, 7, 333, 4096, 4099, 16387} {
				y := x
				if block < 100 { // a quarter second: the meter is slow in tiny blocks
					y = [][]float64{x[0][:rate/4], x[1][:rate/4]}
				}
				var want string
				var wantRaw []uint64
				for _, p := range paths {
					restore := setTruePeakPaths(p.vector, p.run, p.bound)
					got, raw := tpRun(t, rate, y, block)
					restore()
					if p.name == "reference" {
						want, wantRaw = got, raw
						continue
					}
					if got != want || fmt.Sprint(raw) != fmt.Sprint(wantRaw) {
						t.Errorf("%d Hz, %s, blocks of %d: %s path differs\n got %s %x\nwant %s %x", rate, name, block, p.name, got, raw, want, wantRaw)
					}
				}
			}
		}
	}
}

// above skips only runs in which no value reaches t: every value before
// the offset it returns is below t (or NaN), the offset is a multiple of
// scanRun, and the AVX2 version stops exactly at the first run that
// reaches t (the Go version may also stop at a run with a NaN). notBelow,
// Go or AVX2, stops exactly at the first run that reaches t or holds a
// NaN.
func TestAboveExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	eachScreen(func(vector bool) {
		for n := 0; n <= 300; n++ {
			for range 20 {
				thr := []float64{math.SmallestNonzeroFloat64, 1e-310, 0.25, 0.5, 1, math.Inf(1), math.NaN()}[rng.IntN(7)]
				v := make([]float64, n)
				for i := range v {
					switch rng.IntN(40) {
					case 0:
						v[i] = thr // exactly at the threshold
					case 1:
						v[i] = -thr
					case 2:
						v[i] = math.Nextafter(thr, 0)
					case 3:
						v[i] = math.NaN()
					case 4:
						v[i] = math.Inf(-1)
					default:
						v[i] = (2*rng.Float64() - 1) * thr * 0.999
					}
				}
				if !math.IsNaN(thr) {
					// notBelow stops at the first run holding !(|v| < t).
					want := 0
					for want+scanRun <= n && !slices.ContainsFunc(v[want:want+scanRun], func(x float64) bool { return !(math.Abs(x) < thr) }) {
						want += scanRun
					}
					if got := notBelow(v, thr); got != want {
						t.Fatalf("vector=%v, n=%d, t=%v: notBelow = %d, want %d", vector, n, thr, got, want)
					}
				}
				got := above(v, thr)
				reach := func(x float64) bool { return math.Abs(x) >= thr }
				if got%scanRun != 0 || got > n {
					t.Fatalf("vector=%v, n=%d: above = %d", vector, n, got)
				}
				for i := range got {
					if reach(v[i]) {
						t.Fatalf("vector=%v, n=%d, t=%v: above = %d skips v[%d] = %v", vector, n, thr, got, i, v[i])
					}
				}
				if end := got + scanRun; end <= n {
					hit := false
					for _, x := range v[got:end] {
						hit = hit || reach(x) || (!vector && math.IsNaN(x))
					}
					if !hit {
						t.Fatalf("vector=%v, n=%d, t=%v: above = %d stops at a run below t", vector, n, thr, got)
					}
				}
			}
		}
	})
}

// scanRuns makes the refinements scanValues makes, and refinements that
// reuse the previous one's midpoint give what fresh ones give: the tracker
// state after scanning equals bit for bit, also when every candidate
// raises the peak (candidate factor 1) and when values sit exactly at the
// threshold.
func TestScanRunsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	eachScreen(func(vector bool) {
		for n := 2 * hb3K; n <= 400; n++ {
			for _, cf := range []float64{1, 0.9, math.Pow(10, -candidateDB/20), 0} {
				v := make([]float64, n)
				amp := 0.0
				for i := range v {
					amp += rng.Float64() * 0.01 // slowly rising level
					v[i] = amp * (2*rng.Float64() - 1)
					if rng.IntN(30) == 0 {
						v[i] = 0
					}
				}
				a := &peakTracker{mode: TruePeakAccurate, candFactor: cf, r0: int64(rng.IntN(1000)), pos: -1}
				if rng.IntN(2) == 0 {
					a.peak = rng.Float64() * 0.1
					a.thr = a.peak * cf
					v[n/2] = a.thr // a value exactly at the threshold
				}
				b, c := *a, *a
				a.scanValues(v, hb3K, n-hb3K, &midMemo{})
				b.scanRuns(v, hb3K, n-hb3K, &midMemo{})
				// c: every refinement computes both midpoints afresh.
				for j := hb3K; j < n-hb3K; j++ {
					if x := math.Abs(v[j]); x >= c.thr && x > 0 {
						c.refine(v, j, &midMemo{})
					}
				}
				for _, q := range []*peakTracker{&b, &c} {
					if math.Float64bits(a.peak) != math.Float64bits(q.peak) || math.Float64bits(a.thr) != math.Float64bits(q.thr) ||
						math.Float64bits(a.pos) != math.Float64bits(q.pos) {
						t.Fatalf("vector=%v, n=%d, factor %v: peak %v thr %v at %v, scanValues %v %v at %v",
							vector, n, cf, q.peak, q.thr, q.pos, a.peak, a.thr, a.pos)
					}
				}
			}
		}
	})
}
