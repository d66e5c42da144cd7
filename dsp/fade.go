package dsp

import (
	"fmt"
	"math"
)

// Curve is a fade shape (loudness.md §6.1, design.md §2 `fade_curve`).
// Gain(t) is the fade-in gain at the normalized position t ∈ [0, 1]; a
// fade-out applies Gain(1 − t). Every curve has Gain(0) = 0, Gain(1) = 1 and
// is non-decreasing.
type Curve int

const (
	// Linear: g(t) = t (FFmpeg afade "tri").
	Linear Curve = iota
	// Sine, equal power: g(t) = sin(πt/2) (FFmpeg "qsin").
	Sine
	// Log, the inverse of Exp: g(t) = max(0, 1 + (20/R)·log10 t) with
	// R = 100 dB (FFmpeg "log").
	Log
	// Exp, dB-linear over R = 100 dB: g(t) = 10^(−R·(1 − t)/20) for t > 0,
	// g(0) = 0 (FFmpeg "exp", except at t = 0).
	Exp
	// SCurve: g(t) = (1 − cos πt)/2 (FFmpeg "hsin").
	SCurve
)

// FadeRangeDB is R, the range of the Exp and Log curves.
const FadeRangeDB = 100

var curveNames = [...]string{Linear: "linear", Sine: "sine", Log: "log", Exp: "exp", SCurve: "scurve"}

func (c Curve) String() string { return enumName(curveNames[:], int(c), "Curve") }

// ParseCurve parses a project-file curve name.
func ParseCurve(s string) (Curve, error) {
	i, err := parseEnum(curveNames[:], s, "fade curve")
	return Curve(i), err
}

// Gain returns the fade-in gain at t, clamped to [0, 1].
func (c Curve) Gain(t float64) float64 {
	if !(t > 0) { // also NaN
		return 0
	}
	if t >= 1 {
		return 1
	}
	switch c {
	case Sine:
		return math.Sin(math.Pi / 2 * t)
	case Log:
		return max(0, 1+20.0/FadeRangeDB*math.Log10(t))
	case Exp:
		return math.Pow(10, -FadeRangeDB*(1-t)/20)
	case SCurve:
		return (1 - math.Cos(math.Pi*t)) / 2
	}
	return t
}

// FadeIn applies a fade-in of length frames to block, whose first frame is
// frame offset of the fade region (offset may be negative, or reach past
// the region, when the block straddles its edges). Frame k of the region
// gets Gain(k/length); frames outside the region are left untouched, so a
// streamed fade gives the same samples for any block size.
func FadeIn(block [][]float64, c Curve, offset, length int64) {
	applyFade(block, c, offset, length, false)
}

// FadeOut applies a fade-out of length frames: frame k of the region gets
// Gain(1 − k/length), which starts at exactly 1 and reaches 0 at the first
// frame after the region. Frames outside the region are left untouched (the
// caller silences what follows).
func FadeOut(block [][]float64, c Curve, offset, length int64) {
	applyFade(block, c, offset, length, true)
}

func applyFade(block [][]float64, c Curve, offset, length int64, out bool) {
	if len(block) == 0 || length <= 0 {
		return
	}
	n := int64(len(block[0]))
	lo, hi := max(0, -offset), min(n, length-offset) // block indices in the region
	inv := 1 / float64(length)
	for i := lo; i < hi; i++ {
		k := offset + i
		t := float64(k) * inv
		if out {
			t = float64(length-k) * inv
		}
		g := c.Gain(t)
		for _, ch := range block {
			ch[i] *= g
		}
	}
}

// CrossfadeMode selects the gain pair of a crossfade (loudness.md §6.1
// rules for lathe, 1).
type CrossfadeMode int

const (
	// ConstantPower: g_in = sin(πt/2), g_out = cos(πt/2), so
	// g_in² + g_out² = 1. The default between different songs.
	ConstantPower CrossfadeMode = iota
	// ConstantAmplitude: g_in = t, g_out = 1 − t, so g_in + g_out = 1. For
	// edits within correlated material.
	ConstantAmplitude
)

// CrossfadeGains returns the gains of the outgoing and incoming signal at
// the normalized position t ∈ [0, 1].
func CrossfadeGains(m CrossfadeMode, t float64) (gOut, gIn float64) {
	t = min(max(t, 0), 1)
	if m == ConstantPower {
		s, c := math.Sincos(math.Pi / 2 * t)
		return c, s
	}
	return 1 - t, t
}

// Crossfade mixes the overlap of two signals into dst: dst = out·g_out +
// in·g_in, with t_k = k/length for region frame k = offset + i. dst may be
// the same slices as out or in. All blocks must have the same shape.
func Crossfade(dst, out, in [][]float64, m CrossfadeMode, offset, length int64) error {
	n, err := checkBlock(out, len(dst))
	if err != nil {
		return fmt.Errorf("dsp: crossfade: outgoing: %w", err)
	}
	if _, err := checkBlock(in, len(dst)); err != nil || len(in[0]) != n {
		return fmt.Errorf("dsp: crossfade: incoming block does not match the outgoing one (%d channels, %d frames)", len(out), n)
	}
	if _, err := checkBlock(dst, len(dst)); err != nil || (len(dst) > 0 && len(dst[0]) != n) {
		return fmt.Errorf("dsp: crossfade: destination block does not match the outgoing one (%d channels, %d frames)", len(out), n)
	}
	if length <= 0 {
		return fmt.Errorf("dsp: crossfade: length %d, want > 0", length)
	}
	inv := 1 / float64(length)
	for i := range n {
		go_, gi := CrossfadeGains(m, float64(offset+int64(i))*inv)
		for c := range dst {
			dst[c][i] = out[c][i]*go_ + in[c][i]*gi
		}
	}
	return nil
}

// DBToLinear converts a gain in dB to a linear factor.
func DBToLinear(db float64) float64 { return math.Pow(10, db/20) }

// LinearToDB converts a linear factor to dB (−Inf for 0).
func LinearToDB(g float64) float64 { return 20 * math.Log10(g) }

// ApplyGain multiplies every sample of block by g. A gain of exactly 1
// leaves the block untouched.
func ApplyGain(block [][]float64, g float64) {
	if g == 1 {
		return
	}
	for _, ch := range block {
		CopyGain(ch, ch, g)
	}
}

// CopyGain sets dst to the first len(dst) samples of src times g: a copy
// and ApplyGain in one pass. A gain of exactly 1 copies. dst and src may
// be the same slice.
func CopyGain(dst, src []float64, g float64) {
	if g == 1 {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = v * g
	}
}
