//go:build !amd64

package loudness

// Off amd64 the Go loops of samplePeak and energy2 run.

func absPeak(x []float64, peak float64) (top float64, at int, ok bool) { return 0, 0, false }

func energy2Vec(sa, sb *kState, xa, xb []float64, acca, accb float64, f1, f2 *biquad) (ea, eb float64, ok bool) {
	return 0, 0, false
}

func energy4Vec(s *[4]*kState, xa, xb []float64, acc *[4]float64, f1, f2 *biquad) (ok bool) {
	return false
}
