package dsp

import (
	"math"
	"slices"
	"testing"
)

// TestTPDFKernel: two channels quantized by the vector kernel give the Go
// loop's samples, clip statistics and generator states bit for bit, for
// 16 and 24 bits, for blocks of every length around the kernel's groups
// of four frames, fed one after another, with values over full scale, at
// the range's edges, NaN and infinities among them (each stops the kernel
// for its group).
func TestTPDFKernel(t *testing.T) {
	if !hasTPDFKernel {
		t.Skip("no vector TPDF kernel on this machine (needs amd64 with AVX2)")
	}
	t.Cleanup(func() { tpdfKernel = hasTPDFKernel })
	for _, bits := range []int{16, 24} {
		for _, size := range []int{1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 4096, 4099} {
			x := [][]float64{noise(3*size+45, 1.02, uint64(size)), noise(3*size+45, 0.9, uint64(size)+100)}
			scale := math.Ldexp(1, bits-1)
			x[0][17] = math.NaN()
			x[1][23] = math.Inf(1)
			x[1][30] = math.Inf(-1)
			x[0][33] = (scale - 1) / scale // the largest value, dither may push it over
			x[1][38] = -1
			x[0][39] = 1
			var got, want [2][]int32
			var qs [2]*Quantizer
			for v, kernel := range []bool{false, true} {
				tpdfKernel = kernel
				q := newQ(t, bits, DitherTPDF, 44100, 2)
				for off := 0; off < len(x[0]); off += size {
					end := min(off+size, len(x[0]))
					out := [][]int32{make([]int32, end-off), make([]int32, end-off)}
					if err := q.Quantize([][]float64{x[0][off:end], x[1][off:end]}, out); err != nil {
						t.Fatal(err)
					}
					for c := range out {
						if v == 0 {
							want[c] = append(want[c], out[c]...)
						} else {
							got[c] = append(got[c], out[c]...)
						}
					}
				}
				qs[v] = q
			}
			for c := range got {
				if i := firstDiff(got[c], want[c]); i >= 0 {
					t.Fatalf("%d-bit, blocks of %d: channel %d frame %d: kernel %d, Go loop %d", bits, size, c, i, got[c][i], want[c][i])
				}
			}
			gc, wc := qs[1].Clips(), qs[0].Clips()
			if !slices.Equal(gc.Count, wc.Count) || gc.First != wc.First || gc.Last != wc.Last {
				t.Errorf("%d-bit, blocks of %d: clips %+v, Go loop %+v", bits, size, gc, wc)
			}
			if wc.Total() == 0 {
				t.Errorf("%d-bit, blocks of %d: no clip to compare", bits, size)
			}
			if !slices.Equal(qs[1].rng, qs[0].rng) {
				t.Errorf("%d-bit, blocks of %d: generator state %v, Go loop %v", bits, size, qs[1].rng, qs[0].rng)
			}
		}
	}
}

func firstDiff(a, b []int32) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}
