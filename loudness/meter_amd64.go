//go:build amd64

package loudness

//go:noescape
func absMaxAVX2(x *float64, n int, v float64) float64

//go:noescape
func absIndexAVX2(x *float64, n int, v float64) int

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

//go:noescape
func kweight4AVX(st *[7][4]float64, k *[7]float64, xa, xb *float64, n int)

// energy4Vec is energy2 for two pairs of states fed the same two
// channels, (sa, sb) and (sc, sd), all four recursions in the lanes of one
// register, bit-identical; ok is false when the kernel is not in use.
func energy4Vec(s *[4]*kState, xa, xb []float64, acc *[4]float64, f1, f2 *biquad) (ok bool) {
	if !meterKernels {
		return false
	}
	if len(xa) == 0 {
		return true
	}
	xb = xb[:len(xa)]
	var st [7][4]float64
	for i, k := range s {
		st[0][i], st[1][i], st[2][i], st[3][i], st[4][i], st[5][i] = k.x1, k.x2, k.y1, k.y2, k.z1, k.z2
		st[6][i] = acc[i]
	}
	k := [7]float64{f1.b0, f1.b1, f1.b2, f1.a1, f1.a2, f2.a1, f2.a2}
	kweight4AVX(&st, &k, &xa[0], &xb[0], len(xa))
	for i, k := range s {
		k.x1, k.x2, k.y1, k.y2, k.z1, k.z2 = st[0][i], st[1][i], st[2][i], st[3][i], st[4][i], st[5][i]
		acc[i] = st[6][i]
	}
	return true
}

// energy2Vec is energy2 with both recursions in two lanes of the
// four-lane kernel, bit-identical (the other two lanes run a copy, whose
// results are dropped: a YMM register costs what an XMM one does); ok is
// false when the kernel is not in use.
func energy2Vec(sa, sb *kState, xa, xb []float64, acca, accb float64, f1, f2 *biquad) (ea, eb float64, ok bool) {
	ca, cb := *sa, *sb
	acc := [4]float64{acca, accb, acca, accb}
	if !energy4Vec(&[4]*kState{sa, sb, &ca, &cb}, xa, xb, &acc, f1, f2) {
		return 0, 0, false
	}
	return acc[0], acc[1], true
}
