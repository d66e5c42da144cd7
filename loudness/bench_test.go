package loudness

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkMeter meters 10 s of 44.1 kHz stereo programme in 16384-frame
// blocks and reports the realtime factor. scripts/bench-loudness.sh runs
// the whole-file comparison against FFmpeg.
func BenchmarkMeter(b *testing.B) {
	const rate, secs = 44100, 10
	x := program(rate, secs, 5)
	for _, mode := range []struct {
		name string
		tp   TruePeakMode
	}{{"accurate", TruePeakAccurate}, {"compat", TruePeakCompat}, {"off", TruePeakOff}} {
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", mode.name, workers), func(b *testing.B) {
				b.SetBytes(int64(len(x[0]) * 2 * 3)) // as 24-bit stereo
				for b.Loop() {
					meter(b, Config{Rate: rate, Channels: 2, TruePeak: mode.tp, Workers: workers}, x, 16384)
				}
				b.ReportMetric(secs*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
			})
		}
	}
}

// BenchmarkTruePeak runs the accurate true-peak trackers alone over 10 s
// of stereo programme in 16384-frame blocks, with the reference loops
// (path=reference) and with the paths the meter uses (path=fast), which
// return bit-identical results.
func BenchmarkTruePeak(b *testing.B) {
	const secs = 10
	for _, rate := range []int{44100, 96000} {
		x := program(rate, secs, 5)
		for _, fast := range []bool{false, true} {
			name := map[bool]string{false: "reference", true: "fast"}[fast]
			b.Run(fmt.Sprintf("rate=%d/path=%s", rate, name), func(b *testing.B) {
				defer setFastTruePeak(fast)()
				b.SetBytes(int64(len(x[0]) * 2 * 3)) // as 24-bit stereo
				for b.Loop() {
					for c := range x {
						p := newPeakTracker(TruePeakAccurate, rate)
						for i := 0; i < len(x[c]); i += 16384 {
							p.feed(x[c][i:min(i+16384, len(x[c]))])
						}
						p.final()
					}
				}
				b.ReportMetric(secs*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
			})
		}
	}
}

// BenchmarkTruePeakBound runs the accurate true-peak trackers alone over
// 30 s of stereo in 16384-frame blocks, with the fast paths and branch and
// bound off (bound=false) and on, on the programme of BenchmarkTruePeak
// and on music-like material (notes, drum hits, a modulated noise bed),
// and on steady white noise, where no sub-block can be skipped: the cost
// of trying.
// It reports the share of sub-blocks that skipped both stages and that
// skipped stage 2.
func BenchmarkTruePeakBound(b *testing.B) {
	const secs = 30
	for _, rate := range []int{44100, 96000} {
		for _, sig := range []struct {
			name string
			x    [][]float64
		}{{"programme", program(rate, secs, 5)}, {"music", music(rate, secs, 9)}, {"noise", steadyNoise(rate, secs)}} {
			for _, bound := range []bool{false, true} {
				b.Run(fmt.Sprintf("rate=%d/signal=%s/bound=%v", rate, sig.name, bound), func(b *testing.B) {
					defer setTruePeakPaths(hasAVX2, true, bound)()
					b.SetBytes(int64(len(sig.x[0]) * 2 * 3)) // as 24-bit stereo
					var st trackerStats
					for b.Loop() {
						st = trackerStats{}
						for c := range sig.x {
							p := newPeakTracker(TruePeakAccurate, rate)
							for i := 0; i < len(sig.x[c]); i += 16384 {
								p.feed(sig.x[c][i:min(i+16384, len(sig.x[c]))])
							}
							p.final()
							st.stages += p.stats.stages
							st.stage2 += p.stats.stage2
						}
					}
					b.ReportMetric(secs*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
					if bound {
						subs := float64(2 * (len(sig.x[0]) / boundBlock))
						b.ReportMetric(100*float64(st.stages)/subs, "%skip_both")
						b.ReportMetric(100*float64(st.stage2)/subs, "%skip_stage2")
					}
				})
			}
		}
	}
}

// BenchmarkHalfband runs one 2× stage over 16384 new input samples with the
// Go loop (vector=false) and with the AVX2 kernel where there is one.
func BenchmarkHalfband(b *testing.B) {
	const n = 16384
	for _, c := range [][]float64{hb1, hb2} {
		x := program(44100, float64(n+2*len(c))/44100, 3)[0][:n+2*len(c)-1]
		for _, vector := range []bool{false, true} {
			if vector && !hasAVX2 {
				continue
			}
			b.Run(fmt.Sprintf("pairs=%d/vector=%v", len(c), vector), func(b *testing.B) {
				defer setFastTruePeak(vector)()
				h := newHalfband(c)
				out := make([]float64, 2*n)
				b.SetBytes(n * 8)
				for b.Loop() {
					h.interpolate(x, out)
				}
			})
		}
	}
}

// BenchmarkSamplePeak runs the sample-peak scan over 16384 values of
// programme, with the Go loop (vector=false) and with the AVX2 kernel
// where there is one; rising=true starts from silence, so the peak rises
// in the block and the kernel also looks for its index.
func BenchmarkSamplePeak(b *testing.B) {
	x := program(44100, 1, 5)[0][:16384]
	for _, rising := range []bool{false, true} {
		for _, vector := range []bool{false, true} {
			if vector && !hasAVX2 {
				continue
			}
			b.Run(fmt.Sprintf("rising=%v/vector=%v", rising, vector), func(b *testing.B) {
				defer setMeterKernels(vector)()
				m := &Meter{}
				b.SetBytes(int64(len(x) * 8))
				for b.Loop() {
					ch := channel{peak: 2}
					if rising {
						ch.peak = 0
					}
					m.samplePeak(&ch, x)
				}
			})
		}
	}
}

// BenchmarkKWeight2 K-weights one second of 44.1 kHz stereo programme
// with energy2, in 10 ms sub-blocks as the meter calls it, with the Go
// loop (vector=false) and with the AVX2 two-lane kernel where there is
// one.
func BenchmarkKWeight2(b *testing.B) {
	const rate = 44100
	x := program(rate, 1, 5)
	f1, f2 := kWeighting(rate)
	for _, vector := range []bool{false, true} {
		if vector && !hasAVX2 {
			continue
		}
		b.Run(fmt.Sprintf("vector=%v", vector), func(b *testing.B) {
			defer setMeterKernels(vector)()
			b.SetBytes(int64(len(x[0]) * 2 * 8))
			for b.Loop() {
				var sa, sb kState
				for i := 0; i < len(x[0]); i += rate / 100 {
					e := min(i+rate/100, len(x[0]))
					energy2(&sa, &sb, x[0][i:e], x[1][i:e], 0, 0, &f1, &f2)
				}
			}
		})
	}
}

// steadyNoise is stereo white noise of amplitude 0.5 at rate, 24-bit.
func steadyNoise(rate int, seconds float64) [][]float64 {
	rng := rand.New(rand.NewPCG(1, 1))
	n := int(seconds * float64(rate))
	x := [][]float64{make([]float64, n), make([]float64, n)}
	for c := range x {
		for i := range x[c] {
			x[c][i] = 0.5 * (2*rng.Float64() - 1)
		}
		quantize24(x[c])
	}
	return x
}
