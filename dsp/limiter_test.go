package dsp

import (
	"math"
	"testing"

	"github.com/lathe-audio/lathe/loudness"
)

// accurateTP measures x with the project's accurate true-peak meter
// (package loudness, TruePeakAccurate), in dBTP.
func accurateTP(t *testing.T, x [][]float64) float64 {
	t.Helper()
	m, err := loudness.NewMeter(loudness.Config{Rate: 44100, Channels: len(x), TruePeak: loudness.TruePeakAccurate, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(x); err != nil {
		t.Fatal(err)
	}
	return m.Measure().TruePeak
}

// lowpass removes everything above fc from x (length a power of two) in
// the frequency domain.
func lowpass(x []float64, rate, fc float64) {
	n := len(x)
	X := make([]complex128, n)
	for i, v := range x {
		X[i] = complex(v, 0)
	}
	fft(X, false)
	for k := range X {
		f := float64(min(k, n-k)) * rate / float64(n)
		if f > fc {
			X[k] = 0
		}
	}
	fft(X, true)
	for i := range x {
		x[i] = real(X[i]) / float64(n)
	}
}

// clippedNoise follows loudness.md §3.2 track 5 in small: noise,
// band-limited, driven into hard clipping, low-passed at 18 kHz and
// normalized to a 0 dBFS sample peak, which leaves inter-sample overs.
// 2^16 frames at 44.1 kHz with 4096 frames of silence at each end.
func clippedNoise(seed uint64) []float64 {
	x := paddedNoise(seed)
	lowpass(x, 44100, 15000)
	for i := range x {
		x[i] = math.Max(-1, math.Min(1, 12*x[i]))
	}
	lowpass(x, 44100, 18000)
	var peak float64
	for _, v := range x {
		peak = max(peak, math.Abs(v))
	}
	for i := range x {
		x[i] /= peak
	}
	return x
}

// paddedNoise is 2^16 frames of full-scale uniform noise with 4096
// frames of silence at each end.
func paddedNoise(seed uint64) []float64 {
	const n, pad = 1 << 16, 4096
	x := noise(n, 1, seed)
	clear(x[:pad])
	clear(x[n-pad:])
	return x
}

// hardClipped is noise band-limited to 20 kHz, driven 4× into hard
// clipping at ±1 and left as it is: runs of full-scale samples whose
// reconstruction overshoots full scale.
func hardClipped(seed uint64) []float64 {
	x := paddedNoise(seed)
	lowpass(x, 44100, 20000)
	for i := range x {
		x[i] = math.Max(-1, math.Min(1, 4*x[i]))
	}
	return x
}

// burst returns a·sin(2πf·k/rate + φ) under a Hann window of n frames,
// inside 2^16 frames of silence.
func burst(a, f, phase float64, n int) []float64 {
	x := make([]float64, 1<<16)
	off := (len(x) - n) / 2
	for k := range n {
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(k)/float64(n))
		x[off+k] = w * a * math.Sin(2*math.Pi*f*float64(k)/44100+phase)
	}
	return x
}

func limit(t *testing.T, cfg LimiterConfig, x [][]float64, size int) ([][]float64, []float64, LimiterStats) {
	t.Helper()
	l, err := NewLimiter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var gains []float64
	process := func(in [][]float64) ([][]float64, error) {
		y, err := l.Process(in)
		gains = append(gains, l.Gains()...)
		return y, err
	}
	flush := func() ([][]float64, error) {
		y, err := l.Flush()
		gains = append(gains, l.Gains()...)
		return y, err
	}
	y := blocks(t, x, size, process, flush)
	return y, gains, l.Stats()
}

// TestLimiterCeiling: signals with inter-sample overs come out with a true
// peak at or below the ceiling, and the limiter uses the headroom it has.
// Two independent meters judge the output: the project's accurate meter
// (package loudness) for every signal, and the ideal band-limited
// reconstruction (truePeakFFT) for signals without content above 20 kHz.
// Hard clipping without a low-pass leaves energy up to the Nyquist
// frequency, where every finite interpolator differs from the ideal one
// (the ideal reading of that output is about 0.5 dB higher), so only the
// accurate meter judges it.
func TestLimiterCeiling(t *testing.T) {
	const ceiling = -1.0
	signals := []struct {
		name      string
		x         [][]float64
		broadband bool
	}{
		{"clipped noise, low-passed (stereo)", [][]float64{clippedNoise(1), clippedNoise(2)}, false},
		{"hard-clipped noise at 0 dBFS (stereo)", [][]float64{hardClipped(1), hardClipped(2)}, true},
		{"fs/4 sine, 45°, Hann burst peaking at 1.41 FFS (as EBU 3341 case 19)", [][]float64{burst(1.41, 11025, math.Pi/4, 44100)}, false},
		{"19 kHz burst at +3 dB", [][]float64{burst(1.41, 19000, 0.3, 4000)}, false},
		{"1 kHz burst at +6 dB", [][]float64{burst(2, 1000, 0, 30000)}, false},
		{"20 kHz burst at 0 dB, half-sample crest", [][]float64{burst(1, 20000, math.Pi/2, 800)}, false},
	}
	for _, s := range signals {
		var ideal float64
		for _, c := range s.x {
			ideal = max(ideal, truePeakFFT(t, c))
		}
		tpIn := max(dB(ideal), accurateTP(t, s.x))
		y, gains, st := limit(t, LimiterConfig{Rate: 44100, Channels: len(s.x), CeilingDB: ceiling}, s.x, 4096)
		ideal = 0
		for _, c := range y {
			ideal = max(ideal, truePeakFFT(t, c))
		}
		acc := accurateTP(t, y)
		t.Logf("%s: TP in %+.3f dBTP; out %+.3f dBTP accurate meter, %+.3f ideal; max reduction %.3f dB over %d frames",
			s.name, tpIn, acc, dB(ideal), st.MaxReductionDB, st.Reduced)
		if len(y[0]) != len(s.x[0]) || len(gains) != len(s.x[0]) {
			t.Fatalf("%s: %d frames out (%d gains), want %d", s.name, len(y[0]), len(gains), len(s.x[0]))
		}
		tpOut := acc
		if !s.broadband {
			tpOut = max(acc, dB(ideal))
		}
		if tpOut > ceiling {
			t.Errorf("%s: output true peak %+.4f dBTP, above the %.1f dBTP ceiling", s.name, tpOut, ceiling)
		}
		if tpOut < ceiling-0.5 {
			t.Errorf("%s: output true peak %+.4f dBTP, more than 0.5 dB under the ceiling", s.name, tpOut)
		}
		// The report: about the reduction the ceiling needs.
		if need := tpIn - ceiling; math.Abs(st.MaxReductionDB-need) > 0.5 {
			t.Errorf("%s: max reduction %.3f dB, input needs %.3f dB", s.name, st.MaxReductionDB, need)
		}
		if st.Reduced == 0 || st.First < 0 || st.Last < st.First || st.Frames != int64(len(s.x[0])) {
			t.Errorf("%s: stats %+v", s.name, st)
		}
		for i, g := range gains {
			if g < 1 && (int64(i) < st.First || int64(i) > st.Last) {
				t.Fatalf("%s: gain %g at frame %d outside the reported span %d-%d", s.name, g, i, st.First, st.Last)
			}
			if g > 1 || !(g > 0) {
				t.Fatalf("%s: gain %g at frame %d", s.name, g, i)
			}
		}
	}
}

// TestLimiterUntouched: input whose true peak is under the ceiling comes
// out bit-identical, aligned, with the same length, and no reduction is
// reported.
func TestLimiterUntouched(t *testing.T) {
	x := [][]float64{clippedNoise(3), clippedNoise(4)}
	for c := range x {
		for i := range x[c] {
			x[c][i] *= DBToLinear(-3) // true peak about −1.8 dBTP
		}
	}
	for _, size := range []int{1, 787, 1 << 16} {
		y, gains, st := limit(t, LimiterConfig{Rate: 44100, Channels: 2, CeilingDB: -1}, x, size)
		for c := range x {
			if len(y[c]) != len(x[c]) {
				t.Fatalf("block size %d: %d frames out, want %d", size, len(y[c]), len(x[c]))
			}
			for i := range x[c] {
				if math.Float64bits(y[c][i]) != math.Float64bits(x[c][i]) {
					t.Fatalf("block size %d: channel %d frame %d changed: %v -> %v", size, c, i, x[c][i], y[c][i])
				}
			}
		}
		for i, g := range gains {
			if g != 1 {
				t.Fatalf("block size %d: gain %v at frame %d, want exactly 1", size, g, i)
			}
		}
		if st.Reduced != 0 || st.MaxReductionDB != 0 || st.First != -1 {
			t.Errorf("block size %d: stats %+v, want no reduction", size, st)
		}
	}
}

// TestLimiterLocal: one over in the middle of a quiet signal changes only
// the frames around it (look-ahead ramp before, release after); the rest
// passes bit-identical and aligned.
func TestLimiterLocal(t *testing.T) {
	const n, at = 1 << 16, 20000
	x := sine(n, 0.25, 440, 44100, 0)
	for k := range 200 {
		x[at+k] += 1.2 * math.Sin(math.Pi*float64(k)/200)
	}
	cfg := LimiterConfig{Rate: 44100, Channels: 1, CeilingDB: -1}
	y, _, st := limit(t, cfg, [][]float64{x}, 1000)
	l, _ := NewLimiter(cfg)
	ramp := int64(l.Latency())
	if st.First < at-ramp || st.First > at {
		t.Errorf("reduction starts at frame %d, want within the look-ahead (%d frames) before %d", st.First, ramp, at)
	}
	// Release: 100 ms time constant, finished (gain exactly 1) well within 3 s.
	if st.Last > at+200+3*44100 {
		t.Errorf("reduction lasts until frame %d", st.Last)
	}
	for i := range x {
		if (int64(i) < st.First || int64(i) > st.Last) && y[0][i] != x[i] {
			t.Fatalf("frame %d outside the reduced span %d-%d changed", i, st.First, st.Last)
		}
	}
}

// TestLimiterBlockSizes: identical output for any block size.
func TestLimiterBlockSizes(t *testing.T) {
	x := [][]float64{clippedNoise(5), clippedNoise(6)}
	cfg := LimiterConfig{Rate: 44100, Channels: 2, CeilingDB: -1}
	ref, refGains, refStats := limit(t, cfg, x, len(x[0]))
	for _, size := range []int{1, 7, 787, 81761} {
		y, gains, st := limit(t, cfg, x, size)
		if st != refStats {
			t.Errorf("block size %d: stats %+v, one block gives %+v", size, st, refStats)
		}
		for i := range gains {
			if gains[i] != refGains[i] {
				t.Fatalf("block size %d: gain at frame %d = %v, one block gives %v", size, i, gains[i], refGains[i])
			}
		}
		for c := range y {
			for i := range y[c] {
				if math.Float64bits(y[c][i]) != math.Float64bits(ref[c][i]) {
					t.Fatalf("block size %d: channel %d frame %d = %v, one block gives %v", size, c, i, y[c][i], ref[c][i])
				}
			}
		}
	}
}

// TestLimiterInterpolator checks the detector's filter against the
// accuracy loudness.md §1.6 asks of an accurate true-peak interpolator:
// every phase flat within 0.01 dB up to 20 kHz at 44.1 kHz.
func TestLimiterInterpolator(t *testing.T) {
	ip := newInterpolator()
	var worst float64
	for p := range tpPhases {
		for f := 0.0; f <= 20000; f += 250 {
			var re, im float64
			for j, c := range ip.coef[p] {
				s, co := math.Sincos(-2 * math.Pi * f / 44100 * float64(j))
				re += c * co
				im += c * s
			}
			worst = max(worst, math.Abs(dB(math.Hypot(re, im))))
		}
	}
	t.Logf("worst phase response 0-20 kHz at 44.1 kHz: %.5f dB", worst)
	if worst > 0.01 {
		t.Errorf("interpolator deviates by %.4f dB up to 20 kHz, want <= 0.01", worst)
	}
}

func TestLimiterConfigErrors(t *testing.T) {
	for _, cfg := range []LimiterConfig{
		{Rate: 0, Channels: 2, CeilingDB: -1}, {Rate: 44100, Channels: 0, CeilingDB: -1},
		{Rate: 44100, Channels: 2, CeilingDB: 0.5}, {Rate: 44100, Channels: 2, CeilingDB: math.NaN()},
		{Rate: 44100, Channels: 2, CeilingDB: -1, AttackMs: -1},
	} {
		if _, err := NewLimiter(cfg); err == nil {
			t.Errorf("NewLimiter(%+v): no error", cfg)
		}
	}
}

func benchmarkLimiter(b *testing.B, gainDB float64) {
	const block = 4096
	x := [][]float64{clippedNoise(1), clippedNoise(2)}
	for c := range x {
		ApplyGain(x[c:c+1], DBToLinear(gainDB))
	}
	l, err := NewLimiter(LimiterConfig{Rate: 44100, Channels: 2, CeilingDB: -1})
	if err != nil {
		b.Fatal(err)
	}
	in := make([][]float64, 2)
	b.SetBytes(block * 2 * 8)
	b.ReportAllocs()
	off := 0
	for b.Loop() {
		if off+block > len(x[0]) {
			off = 0
		}
		in[0], in[1] = x[0][off:off+block], x[1][off:off+block]
		off += block
		if _, err := l.Process(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*block/44100/b.Elapsed().Seconds(), "x-realtime")
}

// Material peaking 6 dB under the ceiling: mostly screened out.
func BenchmarkLimiterQuiet(b *testing.B) { benchmarkLimiter(b, -6) }

// Clipped material with inter-sample overs: full detection everywhere.
func BenchmarkLimiterLoud(b *testing.B) { benchmarkLimiter(b, 0) }
