package dsp

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// fft is an in-place iterative radix-2 FFT; len(x) must be a power of two.
// inverse computes the unnormalized inverse transform.
func fft(x []complex128, inverse bool) {
	n := len(x)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			x[i], x[j] = x[j], x[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		step := cmplx.Rect(1, sign*2*math.Pi/float64(size))
		half := size / 2
		// Twiddles computed directly every 64 steps to bound drift.
		for start := 0; start < n; start += size {
			w := complex(1, 0)
			for k := range half {
				if k%64 == 0 {
					w = cmplx.Rect(1, sign*2*math.Pi*float64(k)/float64(size))
				}
				a, b := x[start+k], x[start+k+half]*w
				x[start+k], x[start+k+half] = a+b, a-b
				w *= step
			}
		}
	}
}

// toneFit returns the amplitude and phase of the component at exactly
// cycles cycles over x (rectangular window; exact when cycles is an
// integer), plus the mean, by projection.
func toneFit(x []float64, cycles float64) (amp, phase, mean float64) {
	var s, c float64
	w := 2 * math.Pi * cycles / float64(len(x))
	for i, v := range x {
		si, co := math.Sincos(w * float64(i))
		s += v * si
		c += v * co
		mean += v
	}
	n := float64(len(x))
	s, c = 2*s/n, 2*c/n
	return math.Hypot(s, c), math.Atan2(c, s), mean / n
}

// dB converts an amplitude ratio to dB.
func dB(x float64) float64 { return 20 * math.Log10(x) }

// sine returns n samples of a·sin(2πf·k/rate + phase).
func sine(n int, a, f, rate, phase float64) []float64 {
	x := make([]float64, n)
	for k := range x {
		x[k] = a * math.Sin(2*math.Pi*f*float64(k)/rate+phase)
	}
	return x
}

// truePeakFFT measures the true peak of x as the maximum of its ideal
// band-limited (periodic) interpolation: zero-padding in the frequency
// domain to 16×, then a parabolic refinement around the largest points.
// It is independent of the package's own interpolator. Pad x with
// silence at both ends so the periodic extension adds no transitions.
func truePeakFFT(t *testing.T, x []float64) float64 {
	t.Helper()
	n := 1
	for n < len(x) {
		n <<= 1
	}
	const os = 16
	X := make([]complex128, n)
	for i, v := range x {
		X[i] = complex(v, 0)
	}
	fft(X, false)
	Y := make([]complex128, n*os)
	half := n / 2
	copy(Y[:half], X[:half])
	copy(Y[len(Y)-half+1:], X[half+1:])
	Y[half] = X[half] / 2
	Y[len(Y)-half] = X[half] / 2
	fft(Y, true)
	scale := 1 / float64(n)
	var best float64
	for i := range Y {
		v := math.Abs(real(Y[i]) * scale)
		if v <= best {
			continue
		}
		// parabolic refinement of |y| around a local maximum
		a := math.Abs(real(Y[(i+len(Y)-1)%len(Y)]) * scale)
		c := math.Abs(real(Y[(i+1)%len(Y)]) * scale)
		p := v
		if a < v && c <= v {
			d := a - 2*v + c
			if d < 0 {
				off := 0.5 * (a - c) / d
				p = v - 0.25*(a-c)*off
			}
		}
		best = max(best, p)
	}
	return best
}

// noise returns n samples of uniform noise in [−a, a) from a fixed seed.
func noise(n int, a float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	x := make([]float64, n)
	for i := range x {
		x[i] = a * (2*r.Float64() - 1)
	}
	return x
}

// blocks feeds x (planar) to process in blocks of size and concatenates
// what it returns, then what flush returns.
func blocks(t *testing.T, x [][]float64, size int, process func([][]float64) ([][]float64, error), flush func() ([][]float64, error)) [][]float64 {
	t.Helper()
	out := make([][]float64, len(x))
	view := make([][]float64, len(x))
	for off := 0; off < len(x[0]); off += size {
		end := min(off+size, len(x[0]))
		for c := range x {
			view[c] = x[c][off:end]
		}
		y, err := process(view)
		if err != nil {
			t.Fatal(err)
		}
		for c := range y {
			out[c] = append(out[c], y[c]...)
		}
	}
	y, err := flush()
	if err != nil {
		t.Fatal(err)
	}
	for c := range y {
		out[c] = append(out[c], y[c]...)
	}
	return out
}

func TestFFTHelper(t *testing.T) {
	// A DFT computed directly must agree with the FFT.
	x := noise(256, 1, 7)
	X := make([]complex128, len(x))
	for i, v := range x {
		X[i] = complex(v, 0)
	}
	fft(X, false)
	for k := range 256 {
		var s complex128
		for i, v := range x {
			s += complex(v, 0) * cmplx.Rect(1, -2*math.Pi*float64(k*i)/256)
		}
		if cmplx.Abs(s-X[k]) > 1e-9 {
			t.Fatalf("bin %d: fft %v, dft %v", k, X[k], s)
		}
	}
	// The true-peak oracle on a sine whose crest falls between samples.
	y := sine(4096, 0.5, 44100.0/4*1.0, 44100, math.Pi/4)
	if tp := truePeakFFT(t, y); math.Abs(dB(tp/0.5)) > 0.001 {
		t.Errorf("truePeakFFT(fs/4 sine at 45°) = %.4f dB re amplitude, want 0 ± 0.001", dB(tp/0.5))
	}
}
