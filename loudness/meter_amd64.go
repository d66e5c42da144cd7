//go:build amd64

package loudness

//go:noescape
func absMaxAVX2(x *float64, n int, v float64) float64

//go:noescape
func absIndexAVX2(x *float64, n int, v float64) int

//go:noescape
func kweight2AVX(st, k *[7][2]float64, xa, xb *float64, n int)

// absPeak returns what samplePeak's loop returns for x from peak (not
// NaN, not negative): the largest |x[i]| above peak and the first i that
// holds it, or peak and −1; NaN values count for nothing. It finds the
// maximum, then its index, with the AVX2 kernels; ok is false when they
// are not in use.
func absPeak(x []float64, peak float64) (top float64, at int, ok bool) {
	if !meterKernels {
		return 0, 0, false
	}
	if len(x) == 0 {
		return peak, -1, true
	}
	top = absMaxAVX2(&x[0], len(x), peak)
	if !(top > peak) {
		return peak, -1, true
	}
	return top, absIndexAVX2(&x[0], len(x), top), true
}

// energy2Vec is energy2 with both recursions in the two lanes of one
// vector register, bit-identical; ok is false when the AVX2 kernel is not
// in use.
func energy2Vec(sa, sb *kState, xa, xb []float64, acca, accb float64, f1, f2 *biquad) (ea, eb float64, ok bool) {
	if !meterKernels {
		return 0, 0, false
	}
	if len(xa) == 0 {
		return acca, accb, true
	}
	xb = xb[:len(xa)]
	st := [7][2]float64{
		{sa.x1, sb.x1}, {sa.x2, sb.x2}, {sa.y1, sb.y1}, {sa.y2, sb.y2},
		{sa.z1, sb.z1}, {sa.z2, sb.z2}, {acca, accb},
	}
	k := [7][2]float64{
		{f1.b0, f1.b0}, {f1.b1, f1.b1}, {f1.b2, f1.b2}, {f1.a1, f1.a1},
		{f1.a2, f1.a2}, {f2.a1, f2.a1}, {f2.a2, f2.a2},
	}
	kweight2AVX(&st, &k, &xa[0], &xb[0], len(xa))
	sa.x1, sa.x2, sa.y1, sa.y2, sa.z1, sa.z2 = st[0][0], st[1][0], st[2][0], st[3][0], st[4][0], st[5][0]
	sb.x1, sb.x2, sb.y1, sb.y2, sb.z1, sb.z2 = st[0][1], st[1][1], st[2][1], st[3][1], st[4][1], st[5][1]
	return st[6][0], st[6][1], true
}
