package flac

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refResidual is the LPC residual as RFC 9639 §9.2.6 defines it, with the
// refusal libFLAC's encoder applies: it returns the residuals and the
// index of the first one that is INT32_MIN or does not fit 32 bits, or -1.
func refResidual(data, qlp []int32, shift int) ([]int64, int) {
	order := len(qlp)
	out := make([]int64, len(data)-order)
	bad := -1
	for i := range out {
		var sum int64
		for j, q := range qlp {
			sum += int64(q) * int64(data[order+i-1-j])
		}
		out[i] = int64(data[order+i]) - sum>>shift
		if bad < 0 && (out[i] <= math.MinInt32 || out[i] > math.MaxInt32) {
			bad = i
		}
	}
	return out, bad
}

// checkResidual runs libFLAC's residual function, the encoder's (residual.c)
// and refResidual on one case and fails unless all three agree: the same
// answer, and the same residuals (before the refused one, when one is).
func checkResidual(t *testing.T, name string, data, qlp []int32, shift int) {
	t.Helper()
	n := len(data) - len(qlp)
	want, bad := refResidual(data, qlp, shift)
	for _, lib := range []bool{true, false} {
		out := make([]int32, n)
		ok := lpcResidual(lib, data, qlp, shift, out)
		who := map[bool]string{true: "libFLAC", false: "lathe"}[lib]
		if ok != (bad < 0) {
			t.Fatalf("%s: %s returned %v, want %v (first refused residual %d)", name, who, ok, bad < 0, bad)
		}
		upTo := n
		if bad >= 0 {
			upTo = bad
		}
		for i := range upTo {
			if int64(out[i]) != want[i] {
				t.Fatalf("%s: %s residual[%d] = %d, want %d", name, who, i, out[i], want[i])
			}
		}
	}
}

func TestResidualMatchesLibFLAC(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	lengths := []int{0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 47, 100, 1152, 4096 - 12, 4608}
	cases := 0
	for _, bits := range []int{16, 17, 24, 25, 32} {
		for order := 1; order <= 32; order++ {
			for _, n := range lengths {
				precision := 1 + r.IntN(15)
				shift := r.IntN(16)
				if r.IntN(8) == 0 {
					shift = 16 + r.IntN(16) // past what the fast path takes
				}
				qlp := make([]int32, order)
				for j := range qlp {
					qlp[j] = int32(r.IntN(1<<precision) - 1<<(precision-1))
				}
				data := make([]int32, order+n)
				for i := range data {
					data[i] = int32(r.Int64N(1<<bits) - 1<<(bits-1))
				}
				checkResidual(t, fmt.Sprintf("bits %d order %d n %d shift %d", bits, order, n, shift), data, qlp, shift)
				cases++
			}
		}
	}
	// Coefficients past 24 bits take libFLAC's function.
	qlp := []int32{1 << 26, -(1 << 25)}
	data := make([]int32, 40)
	for i := range data {
		data[i] = int32(r.IntN(1<<16) - 1<<15)
	}
	checkResidual(t, "wide coefficients", data, qlp, 20)
	t.Logf("%d random cases", cases)
}

// TestResidualRefusals puts a residual at each edge of the 32-bit range at
// every position of a block (the vector part and the tail): INT32_MIN and
// INT32_MAX + 1 are refused, -INT32_MAX and INT32_MAX are not.
func TestResidualRefusals(t *testing.T) {
	const n = 40
	qlp := []int32{1} // residual[i] = data[i] - data[i-1]
	edges := []struct {
		prev, cur int32
		ok        bool
	}{
		{math.MaxInt32, -1, false},            // INT32_MIN
		{math.MinInt32, 0, false},             // INT32_MAX + 1
		{math.MaxInt32, 0, true},              // -INT32_MAX
		{-math.MaxInt32, 0, true},             // INT32_MAX
		{math.MinInt32, math.MaxInt32, false}, // 2^32 - 1
	}
	for _, e := range edges {
		for at := range n {
			data := make([]int32, n+1)
			data[at], data[at+1] = e.prev, e.cur
			if at+2 <= n {
				data[at+2] = e.cur // keep the next residual in range
			}
			checkResidual(t, fmt.Sprintf("%d-%d at %d", e.cur, e.prev, at), data, qlp, 0)
			if _, bad := refResidual(data, qlp, 0); (bad < 0) != e.ok {
				t.Fatalf("%d-%d at %d: the case is not the edge it means to be", e.cur, e.prev, at)
			}
		}
	}
}

func BenchmarkResidual(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 4096
	for _, order := range []int{4, 8, 12} {
		data := make([]int32, n+order)
		for i := range data {
			data[i] = int32(r.IntN(1<<24) - 1<<23)
		}
		qlp := make([]int32, order)
		for j := range qlp {
			qlp[j] = int32(r.IntN(1<<12) - 1<<11)
		}
		out := make([]int32, n)
		for _, lib := range []bool{true, false} {
			b.Run(fmt.Sprintf("order=%d/lib=%v", order, lib), func(b *testing.B) {
				b.SetBytes(4 * n)
				for b.Loop() {
					lpcResidual(lib, data, qlp, 14, out)
				}
			})
		}
	}
}
