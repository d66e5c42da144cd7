package dsp

import (
	"math"
	"testing"

	"github.com/lathe-audio/lathe/internal/soxr"
)

// resampleAll converts mono x in one block and returns the output.
func resampleAll(t *testing.T, in, out int, x []float64) []float64 {
	t.Helper()
	r, err := NewResampler(in, out, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	return blocks(t, [][]float64{x}, max(1, len(x)), r.Process, r.Flush)[0]
}

var ratePairs = [][2]int{{96000, 44100}, {48000, 44100}, {44100, 96000}}

func TestResamplerLength(t *testing.T) {
	pairs := append(ratePairs, [2]int{88200, 44100}, [2]int{44100, 48000}, [2]int{44100, 44100})
	for _, p := range pairs {
		for _, n := range []int{0, 1, 2, 7, 100, 787, 8191, 8192, 8193, 81761} {
			y := resampleAll(t, p[0], p[1], noise(n, 0.5, uint64(n)))
			// round(n·out/in), computed here in floating point
			want := int(math.Floor(float64(n)*float64(p[1])/float64(p[0]) + 0.5))
			if len(y) != want {
				t.Errorf("%d -> %d Hz, %d frames in: %d frames out, want %d", p[0], p[1], n, len(y), want)
			}
		}
	}
}

func TestResamplerDeclaredLength(t *testing.T) {
	r, err := NewResampler(96000, 44100, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.SetInputLength(10); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Process([][]float64{make([]float64, 11), make([]float64, 11)}); err == nil {
		t.Error("Process accepted 11 frames after SetInputLength(10)")
	}
	if _, err := r.Process([][]float64{make([]float64, 4), make([]float64, 4)}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Flush(); err == nil {
		t.Error("Flush accepted a stream of 4 frames after SetInputLength(10)")
	}
	if _, err := r.Process([][]float64{make([]float64, 4)}); err == nil {
		t.Error("Process accepted a block with 1 channel on a 2-channel resampler")
	}
}

// TestResamplerBlockSizes feeds the same stereo stream in blocks of
// different sizes and requires bit-identical output.
func TestResamplerBlockSizes(t *testing.T) {
	const n = 96000 + 4321
	x := [][]float64{noise(n, 0.9, 1), sine(n, 0.5, 997, 96000, 0.3)}
	var ref [][]float64
	for _, size := range []int{n, 1, 7, 787, 81761} {
		r, err := NewResampler(96000, 44100, 2)
		if err != nil {
			t.Fatal(err)
		}
		y := blocks(t, x, size, r.Process, r.Flush)
		r.Close()
		if ref == nil {
			ref = y
			if len(y[0]) != 46085 || len(y[1]) != 46085 { // 100321·147/320 = 46084.96
				t.Fatalf("output length %d/%d, want 46085", len(y[0]), len(y[1]))
			}
			continue
		}
		for c := range y {
			if len(y[c]) != len(ref[c]) {
				t.Fatalf("block size %d: channel %d has %d frames, want %d", size, c, len(y[c]), len(ref[c]))
			}
			for i := range y[c] {
				if math.Float64bits(y[c][i]) != math.Float64bits(ref[c][i]) {
					t.Fatalf("block size %d: channel %d frame %d = %v, one block gives %v", size, c, i, y[c][i], ref[c][i])
				}
			}
		}
	}
}

// TestResamplerPassband converts steady tones and measures their level
// and phase over a window of whole cycles (loudness.md §5.2, §8 item 11).
func TestResamplerPassband(t *testing.T) {
	freqs := []float64{20, 100, 1000, 5000, 10000, 15000, 18000, 19000, 19500, 20000}
	for _, p := range ratePairs {
		in, out := float64(p[0]), float64(p[1])
		var worst, worstPhase float64
		for _, f := range freqs {
			y := resampleAll(t, p[0], p[1], sine(p[0]/2, 0.5, f, in, 0))
			n0, n := int(out*0.2), int(out*0.1) // 0.1 s window: whole cycles of multiples of 10 Hz
			amp, ph, _ := toneFit(y[n0:n0+n], f*0.1)
			level := dB(amp / 0.5)
			// Expected phase at the window start if output frame 0 is at
			// the time of input frame 0.
			want := math.Mod(2*math.Pi*f*float64(n0)/out, 2*math.Pi)
			dph := math.Remainder(ph-want, 2*math.Pi)
			shift := dph / (2 * math.Pi * f) * out // in output samples
			if math.Abs(level) > math.Abs(worst) {
				worst = level
			}
			worstPhase = max(worstPhase, math.Abs(shift))
			if math.Abs(level) > 0.01 {
				t.Errorf("%g -> %g Hz: %g Hz tone at %+.5f dB, want within ±0.01 dB", in, out, f, level)
			}
			if math.Abs(shift) > 0.001 {
				t.Errorf("%g -> %g Hz: %g Hz tone shifted by %.5f output samples, want aligned", in, out, f, shift)
			}
		}
		t.Logf("%g -> %g Hz: passband 20 Hz-20 kHz worst %+.5f dB, worst time offset %.2g samples", in, out, worst, worstPhase)
	}
}

// TestResamplerAliasing converts −1 dBFS tones above 22.05 kHz and requires
// everything left in the 44.1 kHz output to stay at or below −140 dBFS.
func TestResamplerAliasing(t *testing.T) {
	a := DBToLinear(-1)
	for _, p := range ratePairs[:2] {
		for _, f := range []float64{22500, 23000, 24000, 26000, 30000, 40000} {
			if f >= float64(p[0])/2 {
				continue
			}
			y := resampleAll(t, p[0], p[1], sine(p[0], a, f, float64(p[0]), 0))
			var peak float64
			for _, v := range y[int(0.3*44100):int(0.7*44100)] { // steady state
				peak = max(peak, math.Abs(v))
			}
			lvl := dB(peak)
			t.Logf("%d -> %d Hz: %g Hz at -1 dBFS leaves %.1f dBFS", p[0], p[1], f, lvl)
			if lvl > -140 {
				t.Errorf("%d -> %d Hz: %g Hz tone leaves %.1f dBFS, want <= -140", p[0], p[1], f, lvl)
			}
		}
	}
}

// TestResamplerTHDN measures a 1 kHz −1 dBFS tone over 2 s of whole cycles
// (loudness.md §5.2): level error, THD+N (everything but DC and the tone)
// and the error against the ideal, time-aligned sine.
func TestResamplerTHDN(t *testing.T) {
	a := DBToLinear(-1)
	for _, p := range ratePairs {
		out := float64(p[1])
		y := resampleAll(t, p[0], p[1], sine(4*p[0], a, 1000, float64(p[0]), 0))
		n0, n := int(out/2), int(2*out)
		w := y[n0 : n0+n]
		amp, ph, mean := toneFit(w, 2000)
		var res, ideal float64
		for i, v := range w {
			fit := amp*math.Sin(2*math.Pi*2000*float64(i)/float64(n)+ph) + mean
			res += (v - fit) * (v - fit)
			e := v - a*math.Sin(2*math.Pi*1000*float64(n0+i)/out)
			ideal += e * e
		}
		tone := amp * amp / 2 * float64(n)
		thdn := 10 * math.Log10(res/tone)
		errIdeal := 10 * math.Log10(ideal/tone)
		t.Logf("%d -> %d Hz: level error %+.6f dB, THD+N %.1f dB, error vs ideal sine %.1f dB", p[0], p[1], dB(amp/a), thdn, errIdeal)
		if math.Abs(dB(amp/a)) > 0.001 {
			t.Errorf("%d -> %d Hz: level error %+.6f dB, want within ±0.001", p[0], p[1], dB(amp/a))
		}
		if thdn > -140 {
			t.Errorf("%d -> %d Hz: THD+N %.1f dB, want <= -140", p[0], p[1], thdn)
		}
		if errIdeal > -130 {
			t.Errorf("%d -> %d Hz: error against the aligned ideal sine %.1f dB, want <= -130", p[0], p[1], errIdeal)
		}
	}
}

// TestResamplerImpulseAlignment: an impulse at input frame m comes out
// with its peak at output frame m·out/in (zero group-delay offset).
func TestResamplerImpulseAlignment(t *testing.T) {
	x := make([]float64, 96000)
	x[320*100] = 0.5 // 320 input frames at 96 kHz = 147 at 44.1 kHz
	y := resampleAll(t, 96000, 44100, x)
	best := 0
	for i := range y {
		if math.Abs(y[i]) > math.Abs(y[best]) {
			best = i
		}
	}
	if best != 147*100 {
		t.Errorf("impulse at input frame 32000 peaks at output frame %d, want 14700", best)
	}
	if d := math.Abs(y[best-1] - y[best+1]); d > 1e-9 {
		t.Errorf("impulse response not symmetric about its peak: %g vs %g", y[best-1], y[best+1])
	}
}

func TestResamplerSameRate(t *testing.T) {
	x := noise(1000, 1, 3)
	y := resampleAll(t, 44100, 44100, x)
	if len(y) != len(x) {
		t.Fatalf("%d frames out, want %d", len(y), len(x))
	}
	for i := range x {
		if y[i] != x[i] {
			t.Fatalf("frame %d changed: %v -> %v", i, x[i], y[i])
		}
	}
}

func BenchmarkResampler96kTo44k(b *testing.B) {
	const block = 4096
	x := [][]float64{noise(block, 0.5, 1), noise(block, 0.5, 2)}
	r, err := NewResampler(96000, 44100, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.SetBytes(block * 2 * 8)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := r.Process(x); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*block/96000/b.Elapsed().Seconds(), "x-realtime")
}

// TestResamplerChannelsAsOneStream checks the per-channel streams against
// libsoxr resampling all channels as one stream, in the same chunks: the
// output must be the same bit for bit, up to the exact length.
func TestResamplerChannelsAsOneStream(t *testing.T) {
	const n = 3*resampleChunk + 1234
	for _, p := range ratePairs {
		x := [][]float64{noise(n, 0.9, 7), sine(n, 0.5, 997, float64(p[0]), 0.3), noise(n, 0.2, 8)}
		r, err := NewResampler(p[0], p[1], len(x))
		if err != nil {
			t.Fatal(err)
		}
		got := blocks(t, x, 5000, r.Process, r.Flush)
		r.Close()

		outCap := resampleChunk*p[1]/p[0] + 256
		s, err := soxr.New(float64(p[0]), float64(p[1]), len(x), resampleChunk, outCap)
		if err != nil {
			t.Fatal(err)
		}
		want := make([][]float64, len(x))
		keep := func(k int) {
			for c := range want {
				want[c] = append(want[c], s.Out()[c][:k]...)
			}
		}
		for off := 0; off < n; off += resampleChunk {
			m := min(resampleChunk, n-off)
			for c := range x {
				copy(s.In()[c], x[c][off:off+m])
			}
			for done := 0; done < m; {
				used, k, err := s.Process(m-done, false)
				if err != nil {
					t.Fatal(err)
				}
				keep(k)
				for c := range x {
					copy(s.In()[c], s.In()[c][used:m-done])
				}
				done += used
			}
		}
		for {
			_, k, err := s.Process(0, true)
			if err != nil {
				t.Fatal(err)
			}
			if k == 0 {
				break
			}
			keep(k)
		}
		s.Close()

		exact := int(r.OutputLength(n))
		if len(want[0]) < exact {
			t.Fatalf("%d -> %d Hz: libsoxr gave %d frames, fewer than the %d expected", p[0], p[1], len(want[0]), exact)
		}
		for c := range x {
			if len(got[c]) != exact {
				t.Fatalf("%d -> %d Hz: channel %d has %d frames, want %d", p[0], p[1], c, len(got[c]), exact)
			}
			for i, v := range got[c] {
				if math.Float64bits(v) != math.Float64bits(want[c][i]) {
					t.Fatalf("%d -> %d Hz: channel %d frame %d = %v, one libsoxr stream gives %v", p[0], p[1], c, i, v, want[c][i])
				}
			}
		}
	}
}
