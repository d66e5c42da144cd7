package loudness

import "math"

// biquad holds the coefficients of one second-order section with a0 = 1:
// y[n] = b0·x[n] + b1·x[n−1] + b2·x[n−2] − a1·y[n−1] − a2·y[n−2].
type biquad struct {
	b0, b1, b2, a1, a2 float64
}

// Analog prototypes fitted to the BS.1770 48 kHz table (the parameterization
// libebur128 and FFmpeg use, see docs/loudness.md §1.2).
const (
	shelfF0   = 1681.974450955533
	shelfGain = 3.999843853973347 // dB
	shelfQ    = 0.7071752369554196
	shelfVb   = 0.4996667741545416 // exponent of Vh that gives Vb
	hpF0      = 38.13547087602444
	hpQ       = 0.5003270373238773
)

// kWeighting returns the two K-weighting stages for sample rate fs: the
// high shelf (stage 1) and the RLB high-pass (stage 2, numerator 1, −2, 1,
// deliberately not normalized).
func kWeighting(fs float64) (shelf, highpass biquad) {
	k := math.Tan(math.Pi * shelfF0 / fs)
	vh := math.Pow(10, shelfGain/20)
	vb := math.Pow(vh, shelfVb)
	d := 1 + k/shelfQ + k*k
	shelf = biquad{
		b0: (vh + vb*k/shelfQ + k*k) / d,
		b1: 2 * (k*k - vh) / d,
		b2: (vh - vb*k/shelfQ + k*k) / d,
		a1: 2 * (k*k - 1) / d,
		a2: (1 - k/shelfQ + k*k) / d,
	}
	k = math.Tan(math.Pi * hpF0 / fs)
	d = 1 + k/hpQ + k*k
	highpass = biquad{
		b0: 1, b1: -2, b2: 1,
		a1: 2 * (k*k - 1) / d,
		a2: (1 - k/hpQ + k*k) / d,
	}
	return shelf, highpass
}

// kState is the direct-form-I state of the two K-weighting stages of one
// channel: x1, x2 inputs, y1, y2 shelf outputs, z1, z2 high-pass outputs.
type kState struct {
	x1, x2, y1, y2, z1, z2 float64
}

// tiny is the magnitude below which filter state is snapped to zero at
// sub-block boundaries, so digital silence never decays into denormals.
// 1e-20 of full scale is 400 dB below anything a file can hold.
const tiny = 1e-20

func (s *kState) flush() {
	snap := func(v *float64) {
		if math.Abs(*v) < tiny {
			*v = 0
		}
	}
	snap(&s.x1)
	snap(&s.x2)
	snap(&s.y1)
	snap(&s.y2)
	snap(&s.z1)
	snap(&s.z2)
}

// energy K-weights x, continuing from state s, and returns acc + Σ y²,
// added sample by sample so the sum does not depend on how the sub-block
// was split into calls.
func (s *kState) energy(x []float64, acc float64, f1, f2 *biquad) float64 {
	b0, b1, b2, a1, a2 := f1.b0, f1.b1, f1.b2, f1.a1, f1.a2
	c1, c2 := f2.a1, f2.a2
	x1, x2, y1, y2, z1, z2 := s.x1, s.x2, s.y1, s.y2, s.z1, s.z2
	for _, v := range x {
		y := (b0*v + b1*x1 + b2*x2 - a2*y2) - a1*y1
		z := (y - 2*y1 + y2 - c2*z2) - c1*z1
		x2, x1 = x1, v
		y2, y1 = y1, y
		z2, z1 = z1, z
		acc += z * z
	}
	s.x1, s.x2, s.y1, s.y2, s.z1, s.z2 = x1, x2, y1, y2, z1, z2
	return acc
}

// energy2 is energy for two channels at once; the two recursions are
// independent, so running them in one loop hides their latency.
func energy2(sa, sb *kState, xa, xb []float64, acca, accb float64, f1, f2 *biquad) (float64, float64) {
	if ea, eb, ok := energy2Vec(sa, sb, xa, xb, acca, accb, f1, f2); ok {
		return ea, eb
	}
	return energy2Go(sa, sb, xa, xb, acca, accb, f1, f2)
}

// energy2Go is energy2's Go loop. kweight4AVX follows its compiled code
// operand for operand (the Go compiler is free to swap the operands of an
// addition or multiplication, which decides the payload of a NaN result),
// so any edit here must be checked against TestKWeight2Exact.
func energy2Go(sa, sb *kState, xa, xb []float64, acca, accb float64, f1, f2 *biquad) (float64, float64) {
	b0, b1, b2, a1, a2 := f1.b0, f1.b1, f1.b2, f1.a1, f1.a2
	c1, c2 := f2.a1, f2.a2
	ax1, ax2, ay1, ay2, az1, az2 := sa.x1, sa.x2, sa.y1, sa.y2, sa.z1, sa.z2
	bx1, bx2, by1, by2, bz1, bz2 := sb.x1, sb.x2, sb.y1, sb.y2, sb.z1, sb.z2
	xb = xb[:len(xa)]
	for i, va := range xa {
		vb := xb[i]
		ya := (b0*va + b1*ax1 + b2*ax2 - a2*ay2) - a1*ay1
		yb := (b0*vb + b1*bx1 + b2*bx2 - a2*by2) - a1*by1
		za := (ya - 2*ay1 + ay2 - c2*az2) - c1*az1
		zb := (yb - 2*by1 + by2 - c2*bz2) - c1*bz1
		ax2, ax1 = ax1, va
		bx2, bx1 = bx1, vb
		ay2, ay1 = ay1, ya
		by2, by1 = by1, yb
		az2, az1 = az1, za
		bz2, bz1 = bz1, zb
		acca += za * za
		accb += zb * zb
	}
	sa.x1, sa.x2, sa.y1, sa.y2, sa.z1, sa.z2 = ax1, ax2, ay1, ay2, az1, az2
	sb.x1, sb.x2, sb.y1, sb.y2, sb.z1, sb.z2 = bx1, bx2, by1, by2, bz1, bz2
	return acca, accb
}
