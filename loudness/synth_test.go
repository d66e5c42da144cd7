package loudness

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"testing"
)

// seg is one segment of a test signal: a sine of peak level dBFS (−Inf for
// silence) lasting sec seconds, restarted at phase 0 (docs/loudness.md §2.3).
type seg struct {
	dbfs float64
	sec  float64
}

const silence = -1000.0

// tones synthesizes back-to-back 1 kHz segments, the same on every
// channel, quantized to 24 bits.
func tones(rate, channels int, segs ...seg) [][]float64 {
	var x []float64
	for _, s := range segs {
		n := int(math.Round(s.sec * float64(rate)))
		a := 0.0
		if s.dbfs > silence {
			a = math.Pow(10, s.dbfs/20)
		}
		for i := range n {
			x = append(x, a*math.Sin(2*math.Pi*1000*float64(i)/float64(rate)))
		}
	}
	quantize24(x)
	out := make([][]float64, channels)
	for c := range out {
		out[c] = x
	}
	return out
}

// quantize24 rounds to 24-bit steps and clips, as a 24-bit file would.
func quantize24(x []float64) {
	for i, v := range x {
		q := math.Round(v * 8388608)
		q = math.Max(-8388608, math.Min(8388607, q))
		x[i] = q / 8388608
	}
}

// meter runs a meter over the whole signal in blocks of the given size.
func meter(t testing.TB, cfg Config, x [][]float64, block int) *Measurement {
	t.Helper()
	m, err := NewMeter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	feed(t, m, x, block)
	return m.Measure()
}

func feed(t testing.TB, m *Meter, x [][]float64, block int) {
	t.Helper()
	n := len(x[0])
	buf := make([][]float64, len(x))
	for i := 0; i < n; i += block {
		e := min(i+block, n)
		for c := range x {
			buf[c] = x[c][i:e]
		}
		if err := m.Write(buf); err != nil {
			t.Fatal(err)
		}
	}
}

// program synthesizes programme-like stereo material at rate: sections of
// decorrelated pink noise at different levels, with tremolo, a tonal
// section, a quiet section, and one section that is hard-clipped and then
// low-passed, which leaves inter-sample overs. Quantized to 24 bits.
func program(rate int, seconds float64, seed uint64) [][]float64 {
	n := int(seconds * float64(rate))
	out := [][]float64{make([]float64, n), make([]float64, n)}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	type section struct {
		gainDB, tremHz, tremDepth float64
		clip, tone                bool
	}
	secs := []section{
		{-20, 0.2, 0.6, false, false},
		{-12, 0.05, 0.3, false, false},
		{-35, 0.5, 0.5, false, false},
		{+9, 0, 0, true, false},
		{-16, 0.1, 0.9, false, true},
		{-26, 1.0, 0.4, false, false},
	}
	per := n / len(secs)
	gains := make([]float64, len(secs))
	for i, s := range secs {
		gains[i] = math.Pow(10, s.gainDB/20)
	}
	for c := range out {
		var b0, b1, b2, b3, b4, b5, b6 float64 // pink filter state
		var lp [2]kState                       // low-pass state for the clipped section
		lpf := lowpass(15000, float64(rate))
		for i := range n {
			s := min(i/per, len(secs)-1)
			sec := secs[s]
			w := rng.NormFloat64() * 0.1
			b0 = 0.99886*b0 + w*0.0555179
			b1 = 0.99332*b1 + w*0.0750759
			b2 = 0.96900*b2 + w*0.1538520
			b3 = 0.86650*b3 + w*0.3104856
			b4 = 0.55000*b4 + w*0.5329522
			b5 = -0.7616*b5 - w*0.0168980
			pink := b0 + b1 + b2 + b3 + b4 + b5 + b6 + w*0.5362
			b6 = w * 0.115926
			v := pink
			t := float64(i) / float64(rate)
			if sec.tone {
				v = 0.3*math.Sin(2*math.Pi*220*t) + 0.2*math.Sin(2*math.Pi*330*t+float64(c))
			}
			v *= gains[s]
			if sec.tremHz > 0 {
				v *= 1 - sec.tremDepth*0.5*(1+math.Sin(2*math.Pi*sec.tremHz*t))
			}
			if sec.clip {
				v = math.Max(-1, math.Min(1, v))
				v = biquadStep(&lp[0], lpf, v)
				v = biquadStep(&lp[1], lpf, v)
				v *= 0.999 // keep the samples inside 24-bit range
			}
			// 20 ms fades at section edges keep the sections apart.
			in := i - s*per
			if f := int(0.02 * float64(rate)); in < f {
				v *= float64(in) / float64(f)
			} else if left := per - in; s < len(secs)-1 && left < f {
				v *= float64(left) / float64(f)
			}
			out[c][i] = v
		}
		quantize24(out[c])
	}
	return out
}

// lowpass is an RBJ-cookbook second-order low-pass (Q = 1/√2).
func lowpass(f0, fs float64) biquad {
	w := 2 * math.Pi * f0 / fs
	alpha := math.Sin(w) / (2 / math.Sqrt2) // Q = 1/√2
	a0 := 1 + alpha
	cw := math.Cos(w)
	return biquad{
		b0: (1 - cw) / 2 / a0, b1: (1 - cw) / a0, b2: (1 - cw) / 2 / a0,
		a1: -2 * cw / a0, a2: (1 - alpha) / a0,
	}
}

func biquadStep(s *kState, f biquad, x float64) float64 {
	y := f.b0*x + f.b1*s.x1 + f.b2*s.x2 - f.a1*s.y1 - f.a2*s.y2
	s.x2, s.x1 = s.x1, x
	s.y2, s.y1 = s.y1, y
	return y
}

// writeWAV24 writes planar samples as a 24-bit PCM WAV file. (The project's
// pcm package has no writer yet; this helper is all the interop tests need.)
func writeWAV24(t testing.TB, path string, rate int, x [][]float64) {
	t.Helper()
	ch := len(x)
	n := len(x[0])
	data := 3 * ch * n
	b := make([]byte, 0, 44+data)
	b = append(b, "RIFF"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(36+data))
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, uint16(ch))
	b = binary.LittleEndian.AppendUint32(b, uint32(rate))
	b = binary.LittleEndian.AppendUint32(b, uint32(rate*ch*3))
	b = binary.LittleEndian.AppendUint16(b, uint16(ch*3))
	b = binary.LittleEndian.AppendUint16(b, 24)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(data))
	for i := range n {
		for c := range ch {
			v := int32(math.Round(x[c][i] * 8388608))
			v = max(-8388608, min(8388607, v))
			b = append(b, byte(v), byte(v>>8), byte(v>>16))
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
