package loudness

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// measureBits returns every bit of m's measurement (gating-block and
// short-term energies too) and of its channels' running sample peaks and
// filter states, NaNs canonical.
func measureBits(m *Meter) []uint64 {
	b := floatBits(nil, reflect.ValueOf(*m.Measure()))
	for c := range m.ch {
		k := m.ch[c].k
		b = append(b, math.Float64bits(m.ch[c].peak), uint64(m.ch[c].peakPos), math.Float64bits(m.ch[c].partial),
			math.Float64bits(k.x1), math.Float64bits(k.x2), math.Float64bits(k.y1), math.Float64bits(k.y2), math.Float64bits(k.z1), math.Float64bits(k.z2))
	}
	return canonNaN(b)
}

// WritePair leaves both meters exactly as a.Write and then b.Write do,
// every bit, with the four-lane kernel and with the Go loops: meters that
// started at different frames (their 10 ms sub-blocks out of phase), one
// with true peak and one without, in blocks of any length, on every test
// signal. Meters that cannot share a pass (other rates, more workers, a
// weight of zero) give the same too.
func TestWritePairExact(t *testing.T) {
	type pair struct {
		name string
		a, b Config
	}
	for _, rate := range []int{44100, 96000} {
		pairs := []pair{
			{"true peak and none", Config{Rate: rate, Channels: 2, TruePeak: TruePeakAccurate, Workers: 1}, Config{Rate: rate, Channels: 2, Workers: 1}},
			{"none and none", Config{Rate: rate, Channels: 2, Workers: 1}, Config{Rate: rate, Channels: 2, Workers: 1}},
			{"other rates", Config{Rate: rate, Channels: 2, Workers: 1}, Config{Rate: 48000, Channels: 2, Workers: 1}},
			{"two workers", Config{Rate: rate, Channels: 2, TruePeak: TruePeakCompat, Workers: 2}, Config{Rate: rate, Channels: 2, Workers: 1}},
			{"a channel weighted 0", Config{Rate: rate, Channels: 2, Workers: 1}, Config{Rate: rate, Channels: 2, Workers: 1, Weights: []float64{1, 0}}},
		}
		rng := rand.New(rand.NewPCG(uint64(rate), 29))
		for name, x := range meterSignals(rate) {
			for _, p := range pairs {
				for _, kernels := range []bool{false, true} {
					restore := setMeterKernels(kernels)
					// a and b are fed by WritePair, ra and rb one after the
					// other.
					a, errA := NewMeter(p.a)
					b, errB := NewMeter(p.b)
					ra, _ := NewMeter(p.a)
					rb, _ := NewMeter(p.b)
					if errA != nil || errB != nil {
						t.Fatal(errA, errB)
					}
					// b starts lead frames before a.
					lead := 1 + rng.IntN(rate/50)
					head := [][]float64{x[0][:lead], x[1][:lead]}
					if err := b.Write(head); err != nil {
						t.Fatal(err)
					}
					if err := rb.Write(head); err != nil {
						t.Fatal(err)
					}
					for i := lead; i < len(x[0]); {
						n := min(len(x[0])-i, []int{1, 7, 441, 4096, 16384}[rng.IntN(5)])
						blk := [][]float64{x[0][i : i+n], x[1][i : i+n]}
						if err := WritePair(a, b, blk); err != nil {
							t.Fatal(err)
						}
						if err := ra.Write(blk); err != nil {
							t.Fatal(err)
						}
						if err := rb.Write(blk); err != nil {
							t.Fatal(err)
						}
						i += n
					}
					restore()
					if !slices.Equal(measureBits(a), measureBits(ra)) || !slices.Equal(measureBits(b), measureBits(rb)) {
						t.Errorf("%d Hz, %s, %s, kernels %v: WritePair differs from Write", rate, name, p.name, kernels)
					}
				}
			}
		}
	}
}
