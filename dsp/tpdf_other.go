//go:build !amd64

package dsp

// hasTPDFKernel is false off amd64: the Go loop runs.
const hasTPDFKernel = false

var tpdfKernel = false

func (q *Quantizer) tpdf2(x0, x1 []float64, d0, d1 []int32) {
	panic("unreachable")
}
