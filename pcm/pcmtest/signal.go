package pcmtest

import (
	"math"
	"math/rand/v2"
)

// Amplitude converts a level in dBFS to a linear peak amplitude (0 dBFS is
// 1.0).
func Amplitude(dBFS float64) float64 { return math.Pow(10, dBFS/20) }

// Sine returns frames samples of a sine of freq Hz at rate Hz, peaking at
// dBFS, starting at phase 0.
func Sine(freq, dBFS float64, rate, frames int) []float64 {
	a := Amplitude(dBFS)
	x := make([]float64, frames)
	w := 2 * math.Pi * freq / float64(rate)
	for i := range x {
		x[i] = a * math.Sin(w*float64(i))
	}
	return x
}

// SineStereo returns a stereo signal with independent channels: a sine of
// left Hz in channel 0 and one of right Hz in channel 1, both at dBFS.
func SineStereo(left, right, dBFS float64, rate, frames int) [][]float64 {
	return [][]float64{Sine(left, dBFS, rate, frames), Sine(right, dBFS, rate, frames)}
}

// newRand returns the generator every signal here draws from, so a seed
// names the same signal on every platform and Go release (PCG is specified).
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6c617468)) }

// WhiteNoise returns frames samples of uniform white noise peaking at most
// at dBFS, determined by seed.
func WhiteNoise(seed uint64, dBFS float64, frames int) []float64 {
	r := newRand(seed)
	a := Amplitude(dBFS)
	x := make([]float64, frames)
	for i := range x {
		x[i] = a * (2*r.Float64() - 1)
	}
	return x
}

// PinkNoise returns frames samples of pink (-3 dB per octave) noise,
// determined by seed and scaled so that its peak is exactly dBFS. It filters
// white noise with Paul Kellett's economy three-pole filter, accurate to
// about ±0.5 dB above 1/1000 of the sample rate.
func PinkNoise(seed uint64, dBFS float64, frames int) []float64 {
	r := newRand(seed)
	x := make([]float64, frames)
	var b0, b1, b2 float64
	for i := range x {
		w := 2*r.Float64() - 1
		b0 = 0.99765*b0 + w*0.0990460
		b1 = 0.96300*b1 + w*0.2965164
		b2 = 0.57000*b2 + w*1.0526913
		x[i] = b0 + b1 + b2 + w*0.1848
	}
	normalize(dBFS, x)
	return x
}

// normalize scales the channels together so that their common peak is at
// dBFS.
func normalize(dBFS float64, x ...[]float64) {
	peak := 0.0
	for _, ch := range x {
		for _, v := range ch {
			peak = math.Max(peak, math.Abs(v))
		}
	}
	if peak == 0 {
		return
	}
	g := Amplitude(dBFS) / peak
	for _, ch := range x {
		for i := range ch {
			ch[i] *= g
		}
	}
}

// Music returns a deterministic, music-like signal of the given channels
// (1 or 2) and frames at rate Hz, peaking at -3 dBFS: notes of a pentatonic
// scale that change at random times, each with a few harmonic partials, an
// attack and a decay, panned a little differently per note, under a slow
// swell. It gives loudness meters and codecs something closer to real
// program material than a sine, and the same seed gives the same samples.
func Music(seed uint64, rate, channels, frames int) [][]float64 {
	r := newRand(seed)
	out := make([][]float64, channels)
	for c := range out {
		out[c] = make([]float64, frames)
	}
	scale := []float64{0, 2, 4, 7, 9, 12, 14, 16, 19, 21} // semitones
	nyquist := float64(rate) / 2
	for start := 0; start < frames; {
		length := int(float64(rate) * (0.15 + 1.2*r.Float64()))
		freq := 110 * math.Pow(2, (scale[r.IntN(len(scale))]+12*float64(r.IntN(3)))/12)
		pan := 0.5 + 0.4*(r.Float64()-0.5)
		gain := 0.3 + 0.7*r.Float64()
		decay := 1.5 + 4*r.Float64() // per second
		for k := 1; k <= 6 && freq*float64(k) < nyquist*0.9; k++ {
			amp := gain / float64(k*k) * (0.6 + 0.4*r.Float64())
			w := 2 * math.Pi * freq * float64(k) * (1 + 0.001*(r.Float64()-0.5)) / float64(rate)
			phase := 2 * math.Pi * r.Float64()
			end := min(start+length+rate/4, frames) // notes ring on a little
			for i := start; i < end; i++ {
				t := float64(i-start) / float64(rate)
				env := math.Min(t/0.01, 1) * math.Exp(-decay*t)
				v := amp * env * math.Sin(phase+w*float64(i-start))
				if channels == 1 {
					out[0][i] += v
					continue
				}
				out[0][i] += v * (1 - pan)
				out[1][i] += v * pan
			}
		}
		start += length
	}
	for i := range frames {
		swell := 0.6 + 0.4*math.Sin(2*math.Pi*0.05*float64(i)/float64(rate))
		for c := range out {
			out[c][i] *= swell
		}
	}
	normalize(-3, out...)
	return out
}
