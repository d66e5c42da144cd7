//go:build amd64

package dsp

import "golang.org/x/sys/cpu"

// hasTPDFKernel reports whether the machine runs tpdf2AVX2.
var hasTPDFKernel = cpu.X86.HasAVX2

// tpdfKernel selects tpdf2AVX2 (tpdf_amd64.s) for two-channel TPDF
// quantization. In every vector lane it performs the integer and IEEE
// double operations of xoshiro.next, tpdfValue and Quantizer.tpdfSpan in the
// same order, with VADDPD, VSUBPD, VMULPD and VROUNDPD only, never FMA, so
// its results are bit-identical (the tests compare it with the Go loop);
// without AVX2, or with tpdfKernel false, the Go loop runs.
var tpdfKernel = hasTPDFKernel

//go:noescape
func tpdf2AVX2(st *[8]uint64, k *[3]float64, x0, x1 *float64, d0, d1 *int32, n int) int

// tpdf2 quantizes two channels with TPDF dither: the kernel takes groups
// of four frames, and the Go loop the group where a value lies outside
// the integer range (or is NaN), to count the clip, and the last frames.
func (q *Quantizer) tpdf2(x0, x1 []float64, d0, d1 []int32) {
	n := len(x0)
	x1, d0, d1 = x1[:n], d0[:n], d1[:n]
	k := [3]float64{q.scale, q.lo, q.hi}
	for i := 0; i < n; {
		if n-i >= 4 {
			a, b := &q.rng[0], &q.rng[1]
			st := [8]uint64{a.s0, b.s0, a.s1, b.s1, a.s2, b.s2, a.s3, b.s3}
			i += tpdf2AVX2(&st, &k, &x0[i], &x1[i], &d0[i], &d1[i], n-i)
			*a = xoshiro{st[0], st[2], st[4], st[6]}
			*b = xoshiro{st[1], st[3], st[5], st[7]}
		}
		j := min(i+4, n)
		q.tpdfSpan(0, x0, d0, i, j)
		q.tpdfSpan(1, x1, d1, i, j)
		i = j
	}
}
