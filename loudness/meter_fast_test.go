package loudness

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// setMeterKernels turns the AVX2 sample-peak and K-weighting kernels on
// (where the CPU has them) or off and returns a func that restores them.
func setMeterKernels(on bool) (restore func()) {
	mk := meterKernels
	meterKernels = on && hasAVX2
	return func() { meterKernels = mk }
}

// nan returns a NaN with a random sign and payload, quiet or signalling.
func nan(rng *rand.Rand) float64 {
	b := 0x7ff<<52 | rng.Uint64()&(1<<52-1) | rng.Uint64()&(1<<63)
	if b&(1<<52-1) == 0 {
		b |= 1 << 51
	}
	return math.Float64frombits(b)
}

// meterInput is kernelInput with NaN of assorted payloads and ±Inf mixed
// in, one value in every 1/rate on average.
func meterInput(rng *rand.Rand, n int, rate float64) []float64 {
	x := kernelInput(rng, n)
	for i := range x {
		if rng.Float64() < rate {
			if rng.IntN(3) == 0 {
				x[i] = math.Inf(1 - 2*rng.IntN(2))
			} else {
				x[i] = nan(rng)
			}
		}
	}
	return x
}

// plantTies sets a few values of x to ±v, so that the maximum, when v
// is, occurs several times with either sign.
func plantTies(rng *rand.Rand, x []float64, v float64) {
	for range rng.IntN(4) {
		if len(x) > 0 {
			x[rng.IntN(len(x))] = math.Copysign(v, float64(1-2*rng.IntN(2)))
		}
	}
}

// samplePeak with the AVX2 kernels raises the peak to the same value, at
// the same index, as the Go loop, bit for bit, for any length, any
// running peak (including one the block ties and +Inf) and values with
// NaN, ±Inf, −0, denormals and ties.
func TestSamplePeakExact(t *testing.T) {
	needAVX2(t)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range lengths(300, 4096, 4099, 16387) {
		for range 30 {
			var x []float64
			switch rng.IntN(3) {
			case 0:
				x = meterInput(rng, n, 0.1)
			case 1: // small values, a few of them the maximum
				x = make([]float64, n)
				for i := range x {
					x[i] = float64(rng.IntN(9)-4) / 4
				}
			default:
				x = meterInput(rng, n, 0.01)
				for i := range x {
					x[i] = math.Mod(x[i], 1)
				}
			}
			top := 0.0
			for _, v := range x {
				if math.Abs(v) > top {
					top = math.Abs(v)
				}
			}
			plantTies(rng, x, top)
			m := &Meter{frames: rng.Int64N(1 << 40)}
			for _, start := range []float64{0, top, math.Nextafter(top, 0), math.Nextafter(top, 2), rng.Float64() * top, 0.5, math.Inf(1)} {
				ch := [2]channel{{peak: start, peakPos: 7}, {peak: start, peakPos: 7}}
				func() {
					defer setMeterKernels(false)()
					m.samplePeak(&ch[0], x)
				}()
				m.samplePeak(&ch[1], x)
				if math.Float64bits(ch[0].peak) != math.Float64bits(ch[1].peak) || ch[0].peakPos != ch[1].peakPos {
					t.Fatalf("n=%d, from %v: peak %v at %d, Go loop %v at %d\n%v",
						n, start, ch[1].peak, ch[1].peakPos, ch[0].peak, ch[0].peakPos, x)
				}
			}
		}
	}
}

// energy2 with the AVX2 two-lane kernel leaves the same filter state and
// returns the same sums as the Go loop, bit for bit, for any length, at
// several rates, from random states, with inputs that overflow, underflow
// and hold NaN of assorted payloads and ±Inf (even the NaN that comes out
// is the same).
func TestKWeight2Exact(t *testing.T) {
	needAVX2(t)
	rng := rand.New(rand.NewPCG(11, 12))
	bits := func(s *kState) []uint64 {
		var b []uint64
		for _, v := range []float64{s.x1, s.x2, s.y1, s.y2, s.z1, s.z2} {
			b = append(b, math.Float64bits(v))
		}
		return b
	}
	for _, rate := range []float64{32000, 44100, 48000, 96000, 384000} {
		f1, f2 := kWeighting(rate)
		for _, n := range lengths(64, 441, 4099) {
			for range 20 {
				var st [2]kState
				var acc [2]float64
				// Half the cases start from a random state, the rest from
				// silence or after a plain signal; inputs are anything,
				// NaN-free, or NaN-rich.
				if rng.IntN(2) == 0 {
					for c := range st {
						s := kernelInput(rng, 7)
						st[c] = kState{s[0], s[1], s[2], s[3], s[4], s[5]}
						acc[c] = math.Abs(s[6])
					}
				}
				var xa, xb []float64
				switch rng.IntN(3) {
				case 0:
					xa, xb = kernelInput(rng, n), kernelInput(rng, n)
				case 1:
					xa, xb = meterInput(rng, n, 0.05), meterInput(rng, n, 0.05)
				default:
					xa, xb = make([]float64, n), make([]float64, n)
					for i := range xa {
						xa[i], xb[i] = 2*rng.Float64()-1, 2*rng.Float64()-1
					}
				}
				want, got := st, st
				var wa, wb, ga, gb float64
				func() {
					defer setMeterKernels(false)()
					wa, wb = energy2(&want[0], &want[1], xa, xb, acc[0], acc[1], &f1, &f2)
				}()
				ga, gb = energy2(&got[0], &got[1], xa, xb, acc[0], acc[1], &f1, &f2)
				w := append(append(bits(&want[0]), bits(&want[1])...), math.Float64bits(wa), math.Float64bits(wb))
				g := append(append(bits(&got[0]), bits(&got[1])...), math.Float64bits(ga), math.Float64bits(gb))
				if !slices.Equal(w, g) {
					why := ""
					if slices.Equal(canonNaN(w), canonNaN(g)) {
						why = " (only NaN payloads differ: match kweight4AVX's operand order to the compiled energy2Go)"
					}
					t.Fatalf("%v Hz, %d frames: state and sums%s\n got %x\nwant %x", rate, n, why, g, w)
				}
			}
		}
	}
}

// canonNaN returns the float bits b with every NaN as the same NaN.
func canonNaN(b []uint64) []uint64 {
	c := slices.Clone(b)
	for i, v := range c {
		if math.IsNaN(math.Float64frombits(v)) {
			c[i] = math.Float64bits(math.NaN())
		}
	}
	return c
}

// floatBits appends the bits of every number in v (a struct, slice or
// number, exported or not) to b, floats as their IEEE bits.
func floatBits(b []uint64, v reflect.Value) []uint64 {
	switch v.Kind() {
	case reflect.Float64:
		return append(b, math.Float64bits(v.Float()))
	case reflect.Int, reflect.Int64:
		return append(b, uint64(v.Int()))
	case reflect.Slice:
		b = append(b, uint64(v.Len()))
		for i := range v.Len() {
			b = floatBits(b, v.Index(i))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			b = floatBits(b, v.Field(i))
		}
	default:
		panic(fmt.Sprintf("floatBits: %v", v.Kind()))
	}
	return b
}

// meterSignals are the test signals of tpSignals with some that stress
// the sample peak: the maximum reached again and again, within and across
// blocks, with either sign; NaN, ±Inf, −0 and denormals everywhere; and
// programme that turns to such values in its last quarter.
func meterSignals(rate int) map[string][][]float64 {
	sig := tpSignals(rate)
	n := rate
	rng := rand.New(rand.NewPCG(uint64(rate), 13))
	ties := [][]float64{make([]float64, n), make([]float64, n)}
	for c := range ties {
		for i := range ties[c] {
			ties[c][i] = float64(rng.IntN(2001)-1000) / 1024 // ±0.977 recurs
		}
	}
	sig["ties"] = ties
	sig["specials"] = [][]float64{meterInput(rng, n, 0.02), meterInput(rng, n, 0.02)}
	late := program(rate, 1, 17)
	for c := range late {
		tail := meterInput(rng, n/4, 0.01)
		copy(late[c][n-len(tail):], tail)
		plantTies(rng, late[c], 1)
	}
	sig["programme, then specials"] = late
	return sig
}

// The meter measures the same, every bit of every field (gating-block
// and short-term energies too) and of the running sample peaks, with the
// AVX2 sample-peak and K-weighting kernels and with the Go loops, at any
// block size, on one goroutine (stereo K-weighting) and on two.
func TestMeterKernelsExact(t *testing.T) {
	needAVX2(t)
	for _, rate := range []int{44100, 48000, 96000} {
		for name, x := range meterSignals(rate) {
			for _, block := range []int{1, 3, 4096, 4099, 16387} {
				for _, workers := range []int{1, 2} {
					if block < 100 && workers == 2 {
						continue // the same path as one worker
					}
					y := x
					if block < 100 { // a quarter second: the meter is slow in tiny blocks
						y = [][]float64{x[0][:rate/4], x[1][:rate/4]}
					}
					var runs [2][]uint64
					for k, on := range []bool{false, true} {
						restore := setMeterKernels(on)
						m, err := NewMeter(Config{Rate: rate, Channels: 2, TruePeak: TruePeakCompat, Workers: workers})
						if err != nil {
							t.Fatal(err)
						}
						feed(t, m, y, block)
						restore()
						runs[k] = floatBits(nil, reflect.ValueOf(*m.Measure()))
						for c := range m.ch {
							runs[k] = append(runs[k], math.Float64bits(m.ch[c].peak), uint64(m.ch[c].peakPos))
						}
					}
					if !slices.Equal(runs[0], runs[1]) {
						t.Errorf("%d Hz, %s, blocks of %d, %d workers: kernels give\n%x\nGo loops\n%x", rate, name, block, workers, runs[1], runs[0])
					}
				}
			}
		}
	}
}

// windowSums must give every window the sum a plain loop gives, oldest
// first, bit for bit: the meter's momentary and short-term values depend
// on that order.
func TestWindowSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, w := range []int{1, 3, subPerM, subPerS} {
		for _, n := range []int{1, 3, 4, 5, 17, ringSize - subPerS} {
			x := make([]float64, n+w-1)
			for i := range x {
				x[i] = rng.ExpFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
			}
			got := make([]float64, n)
			windowSums(x, w, got)
			for q := range got {
				var want float64
				for i := q; i < q+w; i++ {
					want += x[i]
				}
				if math.Float64bits(got[q]) != math.Float64bits(want) {
					t.Fatalf("w %d, n %d: window %d sums to %v, want %v", w, n, q, got[q], want)
				}
			}
		}
	}
}
