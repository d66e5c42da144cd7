//go:build amd64

package loudness

import "golang.org/x/sys/cpu"

// hasAVX2 selects the AVX2 kernels of truepeak_amd64.s and meter_amd64.s.
// They perform, in every vector lane, the same IEEE double operations in
// the same order as the Go loops they replace (see runHalfband24), with
// VADDPD, VSUBPD and VMULPD only, never FMA, so their results are
// bit-identical; without AVX2 the Go loops run.
var hasAVX2 = cpu.X86.HasAVX2

//go:noescape
func halfband24AVX2(b, o, c *float64, n int)

//go:noescape
func halfband7AVX2(b, o, c *float64, n int)

//go:noescape
func aboveAVX2(v *float64, n int, t float64) int

//go:noescape
func notBelowAVX2(v *float64, n int, t float64) int

// halfbandVec computes the first positions of one half-band stage (b, o
// and c as for runHalfband24 and runHalfband7) with the AVX2 kernels, a
// multiple of 8 of them, and returns how many; the caller computes the
// rest with the Go loop.
func halfbandVec(b, o, c []float64) int {
	k := len(c)
	p := len(b) - 2*k + 1 // output positions
	if !vectorKernels || p < 8 || (k != hb1K && k != hb2K) {
		return 0
	}
	n := p &^ 7
	_, _ = b[n+2*k-2], o[2*n-1] // the kernels read and write no further
	if k == hb1K {
		halfband24AVX2(&b[0], &o[0], &c[0], n)
	} else {
		halfband7AVX2(&b[0], &o[0], &c[0], n)
	}
	return n
}

// above returns the offset i of the first run v[i:i+scanRun] (i a
// multiple of scanRun) that may hold a value with |v| ≥ t, or the offset
// of the last, shorter run. Every value before i is below t or NaN.
func above(v []float64, t float64) int { return screen(v, t, false) }

// notBelow returns the offset i of the first run v[i:i+scanRun] (i a
// multiple of scanRun) that holds a value with !(|v| < t), NaN included,
// or the offset of the last, shorter run; t is positive. It is aboveGo,
// which tests exactly that.
func notBelow(v []float64, t float64) int { return screen(v, t, true) }

// screen is above, or notBelow if nan, with the AVX2 kernels when they are
// in use.
func screen(v []float64, t float64, nan bool) int {
	switch {
	case !vectorKernels:
		return aboveGo(v, t)
	case len(v) < scanRun:
		return 0
	case nan:
		return notBelowAVX2(&v[0], len(v), t)
	}
	return aboveAVX2(&v[0], len(v), t)
}
