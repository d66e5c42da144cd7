package dsp

import (
	"math"
	"math/rand/v2"
	"testing"
)

func newQ(t testing.TB, bits int, d Dither, rate, channels int) *Quantizer {
	t.Helper()
	q, err := NewQuantizer(QuantizerConfig{Bits: bits, Dither: d, Rate: rate, Channels: channels, Seed: 20240601, Track: 1})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// quantizeMono quantizes x in one block and returns the integer output.
func quantizeMono(t testing.TB, q *Quantizer, x []float64) []int32 {
	t.Helper()
	out := [][]int32{make([]int32, len(x))}
	if err := q.Quantize([][]float64{x}, out); err != nil {
		t.Fatal(err)
	}
	return out[0]
}

// errorPowerDB returns the power of y/scale − x in dB re full scale.
func errorPowerDB(x []float64, y []int32, bits int) float64 {
	scale := math.Ldexp(1, bits-1)
	var p float64
	for i := range x {
		e := float64(y[i])/scale - x[i]
		p += e * e
	}
	return 10 * math.Log10(p/float64(len(x)))
}

// TestTPDFNoiseLevel: total error power of TPDF ±1 LSB is LSB²/4, i.e.
// 10·log10(2^−30/4) = −96.33 dB re full scale at 16 bits (loudness.md
// §4.1, §8 item 9), and 48.16 dB lower at 24 bits.
func TestTPDFNoiseLevel(t *testing.T) {
	const n = 1 << 20
	cases := []struct {
		name string
		bits int
		x    []float64
		want float64
	}{
		{"16-bit silence", 16, make([]float64, n), -96.33},
		{"16-bit -60 dBFS sine", 16, sine(n, DBToLinear(-60), 1000, 44100, 0.1), -96.33},
		{"16-bit -20 dBFS noise", 16, noise(n, 0.1, 9), -96.33},
		{"24-bit -60 dBFS sine", 24, sine(n, DBToLinear(-60), 1000, 44100, 0.1), -96.33 - 20*math.Log10(256)},
	}
	for _, c := range cases {
		y := quantizeMono(t, newQ(t, c.bits, DitherTPDF, 44100, 1), c.x)
		got := errorPowerDB(c.x, y, c.bits)
		t.Logf("%s: error power %.3f dB re FS (want %.2f)", c.name, got, c.want)
		if math.Abs(got-c.want) > 0.1 {
			t.Errorf("%s: TPDF error power %.3f dB, want %.2f ± 0.1", c.name, got, c.want)
		}
	}
	// On digital silence a quarter of the samples become ±1 LSB.
	y := quantizeMono(t, newQ(t, 16, DitherTPDF, 44100, 1), make([]float64, n))
	var nz int
	for _, v := range y {
		if v != 0 {
			nz++
		}
		if v < -1 || v > 1 {
			t.Fatalf("TPDF on silence gave %d, want -1, 0 or 1", v)
		}
	}
	if f := float64(nz) / n; math.Abs(f-0.25) > 0.01 {
		t.Errorf("non-zero fraction on silence %.4f, want 0.25 ± 0.01", f)
	} else {
		t.Logf("non-zero fraction on silence %.4f", f)
	}
}

// TestTPDFSurvival: a −100 dBFS 1 kHz tone (0.33 LSB) survives TPDF
// quantization to 16 bits at its level; rounding without dither erases it
// (loudness.md §4.5 test 1 with its negative control).
func TestTPDFSurvival(t *testing.T) {
	const seconds = 20
	x := sine(44100*seconds, DBToLinear(-100), 1000, 44100, 0)
	for _, d := range []Dither{DitherTPDF, DitherShaped} {
		y := quantizeMono(t, newQ(t, 16, d, 44100, 1), x)
		amp, _, _ := toneFit(int32ToFloat(y, 16), 1000*seconds)
		t.Logf("%v: -100 dBFS tone comes out at %.3f dBFS", d, dB(amp))
		if math.Abs(dB(amp)+100) > 0.2 {
			t.Errorf("%v: tone at %.3f dBFS, want -100 ± 0.2", d, dB(amp))
		}
	}
	y := quantizeMono(t, newQ(t, 16, DitherNone, 44100, 1), x)
	for i, v := range y {
		if v != 0 {
			t.Fatalf("none: sample %d = %d, want all zero (the tone is below ½ LSB)", i, v)
		}
	}
}

// TestTPDFNoDistortion: at −90 dBFS every harmonic 2…9 stays below −120
// dBFS with TPDF; without dither H5 rises above −110 dBFS (loudness.md §4.5
// test 2 and its negative control).
func TestTPDFNoDistortion(t *testing.T) {
	const seconds = 20
	x := sine(44100*seconds, DBToLinear(-90), 1000, 44100, 0)
	harm := func(y []int32, h int) float64 {
		amp, _, _ := toneFit(int32ToFloat(y, 16), float64(1000*h*seconds))
		return dB(amp)
	}
	y := quantizeMono(t, newQ(t, 16, DitherTPDF, 44100, 1), x)
	worst := math.Inf(-1)
	for h := 2; h <= 9; h++ {
		worst = max(worst, harm(y, h))
	}
	t.Logf("TPDF at -90 dBFS: largest harmonic %.1f dBFS", worst)
	if worst > -120 {
		t.Errorf("TPDF: largest harmonic %.1f dBFS, want < -120", worst)
	}
	y = quantizeMono(t, newQ(t, 16, DitherNone, 44100, 1), x)
	h5 := harm(y, 5)
	t.Logf("none at -90 dBFS: H5 %.1f dBFS", h5)
	if h5 <= -110 {
		t.Errorf("none: H5 %.1f dBFS, want > -110 (rounding distortion)", h5)
	}
}

func int32ToFloat(y []int32, bits int) []float64 {
	s := math.Ldexp(1, 1-bits)
	x := make([]float64, len(y))
	for i, v := range y {
		x[i] = float64(v) * s
	}
	return x
}

// bandPower returns the mean power spectral density of e between lo and
// hi Hz (Welch: 4096-point Hann windows, 50 % overlap), in dB.
func bandPower(e []float64, rate, lo, hi float64) float64 {
	const m = 4096
	win := make([]float64, m)
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/m)
	}
	buf := make([]complex128, m)
	psd := make([]float64, m/2)
	segs := 0
	for off := 0; off+m <= len(e); off += m / 2 {
		for i := range buf {
			buf[i] = complex(e[off+i]*win[i], 0)
		}
		fft(buf, false)
		for k := range psd {
			psd[k] += real(buf[k])*real(buf[k]) + imag(buf[k])*imag(buf[k])
		}
		segs++
	}
	var sum float64
	var bins int
	for k := range psd {
		f := float64(k) * rate / m
		if f >= lo && f <= hi {
			sum += psd[k] / float64(segs)
			bins++
		}
	}
	return 10 * math.Log10(sum/float64(bins))
}

// TestShapedNoise: shaped dither raises the total noise by
// 10·log10(1 + Σc²) = 18.4 dB and lowers it in 2–5 kHz by at least 15 dB
// against TPDF (loudness.md §4.5 test 4, §8 item 10).
func TestShapedNoise(t *testing.T) {
	// The F-weighted coefficients as printed in loudness.md §4.2.
	c := []float64{2.412, -3.370, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847}
	gain := 1.0
	for _, v := range c {
		gain += v * v
	}
	wantRise := 10 * math.Log10(gain)
	const n = 1 << 20
	x := noise(n, DBToLinear(-70), 11)
	errOf := func(d Dither, rate int) ([]float64, float64) {
		y := quantizeMono(t, newQ(t, 16, d, rate, 1), x)
		e := make([]float64, n)
		for i := range e {
			e[i] = float64(y[i])/32768 - x[i]
		}
		return e, errorPowerDB(x, y, 16)
	}
	for _, rate := range []int{44100, 48000} {
		et, pt := errOf(DitherTPDF, rate)
		es, ps := errOf(DitherShaped, rate)
		rise := ps - pt
		bt := bandPower(et, float64(rate), 2000, 5000)
		bs := bandPower(es, float64(rate), 2000, 5000)
		t.Logf("%d Hz: shaped total noise %.2f dB (TPDF %.2f, rise %.2f, want %.2f); 2-5 kHz PSD %.1f dB below TPDF",
			rate, ps, pt, rise, wantRise, bt-bs)
		if math.Abs(rise-wantRise) > 0.2 {
			t.Errorf("%d Hz: shaped noise rises %.2f dB over TPDF, want %.2f ± 0.2", rate, rise, wantRise)
		}
		if bt-bs < 15 {
			t.Errorf("%d Hz: shaped PSD in 2-5 kHz only %.1f dB below TPDF, want >= 15", rate, bt-bs)
		}
	}
}

func TestShapedFallback(t *testing.T) {
	for rate, want := range map[int]Dither{44100: DitherShaped, 48000: DitherShaped, 43699: DitherTPDF,
		48301: DitherTPDF, 32000: DitherTPDF, 88200: DitherTPDF, 96000: DitherTPDF} {
		if got := newQ(t, 16, DitherShaped, rate, 2).Dither(); got != want {
			t.Errorf("shaped at %d Hz: method %v, want %v", rate, got, want)
		}
	}
	// The fallback is real TPDF: same noise power as TPDF.
	x := sine(1<<18, 0.01, 1000, 96000, 0)
	y := quantizeMono(t, newQ(t, 16, DitherShaped, 96000, 1), x)
	if p := errorPowerDB(x, y, 16); math.Abs(p+96.33) > 0.15 {
		t.Errorf("shaped at 96 kHz: noise %.2f dB, want TPDF's -96.33", p)
	}
}

// TestQuantizerNoDCBias: a constant 0.3 LSB comes out with a mean of 0.3
// LSB when dithered; rounding without dither turns it into 0.
func TestQuantizerNoDCBias(t *testing.T) {
	const n = 1 << 20
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.3 / 32768
	}
	for _, c := range []struct {
		d    Dither
		want float64
	}{{DitherTPDF, 0.3}, {DitherShaped, 0.3}, {DitherNone, 0}} {
		y := quantizeMono(t, newQ(t, 16, c.d, 44100, 1), x)
		var sum float64
		for _, v := range y {
			sum += float64(v)
		}
		mean := sum / n
		t.Logf("%v: mean output %.4f LSB for a 0.3 LSB input", c.d, mean)
		if math.Abs(mean-c.want) > 0.01 {
			t.Errorf("%v: mean %.4f LSB, want %.2f ± 0.01", c.d, mean, c.want)
		}
	}
}

// TestQuantizerBlockSizes: identical output for any block size, with an
// untouched region in the middle of a processed stream.
func TestQuantizerBlockSizes(t *testing.T) {
	const n, a, b = 200000, 70001, 130003
	x := [][]float64{noise(n, 0.5, 1), sine(n, 0.25, 440, 44100, 0)}
	r := rand.New(rand.NewPCG(5, 6))
	for c := range x { // frames [a, b) are exact 16-bit values
		for i := a; i < b; i++ {
			x[c][i] = float64(int32(r.Uint32()>>16)-32768) / 32768
		}
	}
	for _, d := range []Dither{DitherTPDF, DitherShaped, DitherNone} {
		var ref [][]int32
		for _, size := range []int{n, 1, 7, 787, 81761} {
			q := newQ(t, 16, d, 44100, 2)
			y := [][]int32{make([]int32, n), make([]int32, n)}
			for _, reg := range [][3]int{{0, a, 0}, {a, b, 1}, {b, n, 0}} {
				for off := reg[0]; off < reg[1]; off += size {
					end := min(off+size, reg[1])
					in := [][]float64{x[0][off:end], x[1][off:end]}
					out := [][]int32{y[0][off:end], y[1][off:end]}
					var err error
					if reg[2] == 1 {
						err = q.QuantizeUntouched(in, out)
					} else {
						err = q.Quantize(in, out)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
			}
			if ref == nil {
				ref = y
				continue
			}
			for c := range y {
				for i := range y[c] {
					if y[c][i] != ref[c][i] {
						t.Fatalf("%v, block size %d: channel %d frame %d = %d, one block gives %d", d, size, c, i, y[c][i], ref[c][i])
					}
				}
			}
		}
	}
}

// TestQuantizeUntouched: exact 16-bit input passes bit for bit with dither
// on, while the same samples sent through Quantize (as processed audio that
// happens to sit on the grid) get dither; off-grid input is refused.
func TestQuantizeUntouched(t *testing.T) {
	const n = 1 << 16
	r := rand.New(rand.NewPCG(1, 2))
	src := make([]int32, n)
	x := make([]float64, n)
	for i := range x {
		src[i] = int32(r.Uint32()>>16) - 32768
		x[i] = float64(src[i]) / 32768
	}
	for _, d := range []Dither{DitherTPDF, DitherShaped} {
		q := newQ(t, 16, d, 44100, 1)
		out := [][]int32{make([]int32, n)}
		if err := q.QuantizeUntouched([][]float64{x}, out); err != nil {
			t.Fatal(err)
		}
		for i := range src {
			if out[0][i] != src[i] {
				t.Fatalf("%v: untouched sample %d: %d -> %d", d, i, src[i], out[0][i])
			}
		}
		y := quantizeMono(t, newQ(t, 16, d, 44100, 1), x)
		changed := 0
		for i := range src {
			if y[i] != src[i] {
				changed++
			}
		}
		t.Logf("%v: %d of %d on-grid samples changed by dither when marked processed", d, changed, n)
		if changed < n/10 {
			t.Errorf("%v: only %d of %d processed on-grid samples got dither", d, changed, n)
		}
	}
	q := newQ(t, 16, DitherTPDF, 44100, 1)
	out := [][]int32{make([]int32, 1)}
	for _, v := range []float64{0.5 / 32768, 1.0, -1 - 1.0/32768, 1.0 / 8388608, math.NaN()} {
		if err := q.QuantizeUntouched([][]float64{{v}}, out); err == nil {
			t.Errorf("QuantizeUntouched(%g) at 16 bits: no error", v)
		}
	}
	// A 24-bit value passes untouched at 24 bits.
	q24 := newQ(t, 24, DitherTPDF, 44100, 1)
	if err := q24.QuantizeUntouched([][]float64{{-3.0 / 8388608}}, out); err != nil || out[0][0] != -3 {
		t.Errorf("24-bit untouched -3 LSB: %d, %v", out[0][0], err)
	}
}

func TestQuantizerClipping(t *testing.T) {
	for _, d := range []Dither{DitherTPDF, DitherShaped, DitherNone} {
		q := newQ(t, 16, d, 44100, 2)
		in := [][]float64{{0, 1.5, 0, -2, 0}, {0, 0, 0, math.NaN(), 0.999}}
		out := [][]int32{make([]int32, 5), make([]int32, 5)}
		if err := q.Quantize([][]float64{make([]float64, 5), make([]float64, 5)}, out); err != nil {
			t.Fatal(err)
		}
		if err := q.Quantize(in, out); err != nil {
			t.Fatal(err)
		}
		if out[0][1] != 32767 || out[0][3] != -32768 || out[1][3] != 0 {
			t.Errorf("%v: clipped values %d, %d, NaN -> %d; want 32767, -32768, 0", d, out[0][1], out[0][3], out[1][3])
		}
		s := q.Clips()
		if s.Count[0] != 2 || s.Count[1] != 1 || s.First != 6 || s.Last != 8 || s.Total() != 3 {
			t.Errorf("%v: clips %+v, want counts [2 1], first 6, last 8", d, s)
		}
		q.ResetClips()
		if s := q.Clips(); s.Total() != 0 || s.First != -1 {
			t.Errorf("%v: after ResetClips: %+v", d, s)
		}
	}
}

func TestQuantizerConfigErrors(t *testing.T) {
	for _, cfg := range []QuantizerConfig{
		{Bits: 8, Channels: 1}, {Bits: 32, Channels: 1}, {Bits: 16, Channels: 0},
		{Bits: 16, Channels: 1, Dither: Dither(7)}, {Bits: 16, Channels: 1, Dither: DitherShaped},
	} {
		if _, err := NewQuantizer(cfg); err == nil {
			t.Errorf("NewQuantizer(%+v): no error", cfg)
		}
	}
	for _, s := range []string{"tpdf", "shaped", "none"} {
		if d, err := ParseDither(s); err != nil || d.String() != s {
			t.Errorf("ParseDither(%q) = %v, %v", s, d, err)
		}
	}
	if _, err := ParseDither("TPDF "); err == nil {
		t.Error(`ParseDither("TPDF ") accepted`)
	}
}

func benchmarkQuantizer(b *testing.B, d Dither) {
	const block = 4096
	q := newQ(b, 16, d, 44100, 2)
	in := [][]float64{noise(block, 0.5, 1), noise(block, 0.5, 2)}
	out := [][]int32{make([]int32, block), make([]int32, block)}
	b.SetBytes(block * 2 * 8)
	b.ReportAllocs()
	for b.Loop() {
		if err := q.Quantize(in, out); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*block/44100/b.Elapsed().Seconds(), "x-realtime")
}

func BenchmarkQuantizerTPDF(b *testing.B)   { benchmarkQuantizer(b, DitherTPDF) }
func BenchmarkQuantizerShaped(b *testing.B) { benchmarkQuantizer(b, DitherShaped) }
func BenchmarkQuantizerNone(b *testing.B)   { benchmarkQuantizer(b, DitherNone) }
