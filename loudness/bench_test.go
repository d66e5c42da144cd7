package loudness

import (
	"fmt"
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
