package dsp

import (
	"fmt"
	"math"
)

// Dither selects how Quantizer reduces float samples to integers
// (loudness.md §4.4, design.md §2 `[dither] type`).
type Dither int

const (
	// DitherTPDF adds triangular dither of ±1 LSB before rounding: the sum
	// of two independent uniform values on [-½, ½) LSB. Total error power
	// LSB²/4, flat (−96.33 dB re full scale at 16 bits).
	DitherTPDF Dither = iota
	// DitherShaped adds the same TPDF dither inside an error-feedback loop
	// with the 9-tap F-weighted filter of Wannamaker (1992), loudness.md
	// §4.2. The filter is designed for 46 kHz ±5 %; outside 43 700–48 300 Hz
	// the Quantizer falls back to DitherTPDF (see Quantizer.Dither).
	DitherShaped
	// DitherNone rounds to the nearest integer (ties to even), no noise.
	DitherNone
)

var ditherNames = [...]string{DitherTPDF: "tpdf", DitherShaped: "shaped", DitherNone: "none"}

func (d Dither) String() string { return enumName(ditherNames[:], int(d), "Dither") }

// ParseDither parses a project-file dither name: "tpdf", "shaped" or "none".
func ParseDither(s string) (Dither, error) {
	i, err := parseEnum(ditherNames[:], s, "dither")
	return Dither(i), err
}

// fWeighted holds c_1…c_9 of the F-weighted noise-shaping filter,
// loudness.md §4.2 (Wannamaker, "Psychoacoustically Optimal Noise
// Shaping", JAES 40(7/8), 1992, Table 3; the values SoX and FFmpeg use).
// The noise transfer function is NTF(z) = 1 − Σ c_j·z^−j.
var fWeighted = [9]float64{2.412, -3.370, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847}

// Rates at which DitherShaped applies: 46 kHz ±5 %.
const (
	ShapedMinRate = 43700
	ShapedMaxRate = 48300
)

// QuantizerConfig configures a Quantizer.
type QuantizerConfig struct {
	Bits     int    // target word length: 16 or 24
	Dither   Dither // requested method
	Rate     int    // sample rate in Hz (decides whether DitherShaped applies)
	Channels int
	Seed     uint64 // project seed (design.md §2 `[dither] seed`)
	Track    int    // first track; see StartTrack
}

// ClipStats reports the samples a Quantizer clipped to the integer range.
type ClipStats struct {
	Count       []int64 // clipped samples per channel (NaN counts and becomes 0)
	First, Last int64   // frame index (from the stream start) of the first and last clip; -1 if none
}

// Total returns the number of clipped samples over all channels.
func (s ClipStats) Total() int64 {
	var t int64
	for _, c := range s.Count {
		t += c
	}
	return t
}

// Quantizer converts planar float64 blocks (full scale ±1.0) to integer
// sample values of 16 or 24 bits, in the int32 planar form the writers
// take. See the package documentation for the transparency rule.
//
// A Quantizer is not safe for concurrent use; use one per stream.
type Quantizer struct {
	cfg    QuantizerConfig
	method Dither
	scale  float64 // 2^(bits−1)
	lo, hi float64 // integer range
	rng    []xoshiro
	hist   [][9]float64 // shaped: e[n−1] … e[n−9] per channel
	frame  int64        // frames quantized so far
	clips  ClipStats
}

// NewQuantizer returns a Quantizer for cfg.
func NewQuantizer(cfg QuantizerConfig) (*Quantizer, error) {
	if cfg.Bits != 16 && cfg.Bits != 24 {
		return nil, fmt.Errorf("dsp: quantizer: %d bits, want 16 or 24", cfg.Bits)
	}
	if cfg.Channels < 1 {
		return nil, fmt.Errorf("dsp: quantizer: bad channel count %d", cfg.Channels)
	}
	if cfg.Dither < DitherTPDF || cfg.Dither > DitherNone {
		return nil, fmt.Errorf("dsp: quantizer: unknown dither %d", int(cfg.Dither))
	}
	if cfg.Dither == DitherShaped && cfg.Rate <= 0 {
		return nil, fmt.Errorf("dsp: quantizer: shaped dither needs the sample rate, got %d", cfg.Rate)
	}
	q := &Quantizer{cfg: cfg, method: cfg.Dither}
	if q.method == DitherShaped && (cfg.Rate < ShapedMinRate || cfg.Rate > ShapedMaxRate) {
		q.method = DitherTPDF
	}
	q.scale = math.Ldexp(1, cfg.Bits-1)
	q.lo, q.hi = -q.scale, q.scale-1
	q.rng = make([]xoshiro, cfg.Channels)
	q.hist = make([][9]float64, cfg.Channels)
	q.clips.Count = make([]int64, cfg.Channels)
	q.clips.First, q.clips.Last = -1, -1
	q.StartTrack(cfg.Track)
	return q, nil
}

// Dither returns the method in effect: the requested one, except that
// DitherShaped becomes DitherTPDF outside ShapedMinRate…ShapedMaxRate. The
// caller reports that fallback.
func (q *Quantizer) Dither() Dither { return q.method }

// StartTrack reseeds the dither generators for track, one independent
// sequence per channel derived from (Seed, track, channel). Call it at the
// first frame of each track so that a track's dither depends only on the
// project seed, the track and its samples, never on the block sizes or on
// what was rendered before. The noise-shaping filter state carries over,
// since the signal is continuous.
func (q *Quantizer) StartTrack(track int) {
	for c := range q.rng {
		q.rng[c] = newStream(q.cfg.Seed, track, c)
	}
}

// Clips returns the clipping statistics since the Quantizer was made or
// last reset.
func (q *Quantizer) Clips() ClipStats {
	s := q.clips
	s.Count = append([]int64(nil), q.clips.Count...)
	return s
}

// ResetClips clears the clipping statistics, e.g. at a track boundary.
func (q *Quantizer) ResetClips() {
	clear(q.clips.Count)
	q.clips.First, q.clips.Last = -1, -1
}

// Quantize dithers (per the method in effect) and rounds in to out.
// out[c] must hold at least len(in[c]) values. Samples beyond the integer
// range are clipped and counted (see Clips). Use it for every sample that
// was changed in any way, and whenever the word length shrinks.
func (q *Quantizer) Quantize(in [][]float64, out [][]int32) error {
	n, err := q.check(in, out)
	if err != nil {
		return err
	}
	if q.method == DitherTPDF && len(in) == 2 && tpdfKernel {
		q.tpdf2(in[0][:n], in[1][:n], out[0][:n], out[1][:n])
		q.frame += int64(n)
		return nil
	}
	for c := range in {
		src, dst := in[c], out[c][:n]
		switch q.method {
		case DitherTPDF:
			q.tpdfSpan(c, src, dst, 0, n)
		case DitherShaped:
			q.shaped(c, src, dst)
		default:
			q.round(c, src, dst)
		}
	}
	q.frame += int64(n)
	return nil
}

// QuantizeUntouched converts samples that are untouched copies of a source
// at this word length or shorter (no gain, fade, resampling or limiting
// touched them) without adding dither, so they pass bit for bit. Every
// sample must be exactly on the integer grid and in range; otherwise it
// returns an error and the block must go through Quantize instead. The
// dither generators still advance by one value per sample, and the
// noise-shaping filter sees a zero error, so the output of later blocks does
// not depend on where untouched blocks were.
func (q *Quantizer) QuantizeUntouched(in [][]float64, out [][]int32) error {
	n, err := q.check(in, out)
	if err != nil {
		return err
	}
	for c := range in {
		src, dst := in[c], out[c][:n]
		for i, x := range src {
			y := x * q.scale
			if y != math.Trunc(y) || y < q.lo || y > q.hi {
				return fmt.Errorf("dsp: quantize: untouched sample %g (frame %d, channel %d) is not a %d-bit value",
					x, q.frame+int64(i), c, q.cfg.Bits)
			}
			dst[i] = int32(y)
		}
	}
	for c := range in {
		if q.method != DitherNone {
			r := &q.rng[c]
			for range n {
				r.next()
			}
		}
		if q.method == DitherShaped {
			h := &q.hist[c]
			if n >= len(h) {
				*h = [9]float64{}
			} else {
				copy(h[n:], h[:len(h)-n])
				clear(h[:n])
			}
		}
	}
	q.frame += int64(n)
	return nil
}

func (q *Quantizer) check(in [][]float64, out [][]int32) (int, error) {
	n, err := checkBlock(in, q.cfg.Channels)
	if err != nil {
		return 0, fmt.Errorf("dsp: quantize: %w", err)
	}
	if len(out) != len(in) {
		return 0, fmt.Errorf("dsp: quantize: %d output channels, want %d", len(out), len(in))
	}
	for c := range out {
		if len(out[c]) < n {
			return 0, fmt.Errorf("dsp: quantize: output channel %d holds %d frames, want %d", c, len(out[c]), n)
		}
	}
	return n, nil
}

// tpdfScale maps the sum of two 32-bit integers to the sum of two uniform
// values on [0, 1).
const tpdfScale = 1.0 / (1 << 32)

// tpdfValue turns one 64-bit generator output into TPDF dither on
// [−1, 1) LSB: its two 32-bit halves are the two independent uniform draws.
func tpdfValue(r uint64) float64 {
	return float64(r>>32+r&0xffffffff)*tpdfScale - 1
}

// tpdfSpan quantizes src[a:b] of channel c into dst[a:b] with TPDF
// dither. x·s is converted explicitly so that it is rounded before the
// addition, never fused with it into an FMA (which the compiler may do
// for GOAMD64=v3): the result is the same whatever the build, and that of
// the vector kernel (tpdf_amd64.s).
func (q *Quantizer) tpdfSpan(c int, src []float64, dst []int32, a, b int) {
	r := q.rng[c] // a local copy stays in registers
	s, lo, hi := q.scale, q.lo, q.hi
	src, dst = src[:b], dst[:b]
	for i := a; i < b; i++ {
		y := math.RoundToEven(float64(src[i]*s) + tpdfValue(r.next()))
		if y >= lo && y <= hi {
			dst[i] = int32(y)
			continue
		}
		dst[i] = q.clip(c, i, y)
	}
	q.rng[c] = r
}

func (q *Quantizer) round(c int, src []float64, dst []int32) {
	s, lo, hi := q.scale, q.lo, q.hi
	for i, x := range src {
		y := math.RoundToEven(x * s)
		if y >= lo && y <= hi {
			dst[i] = int32(y)
			continue
		}
		dst[i] = q.clip(c, i, y)
	}
}

// shaped implements error-feedback noise shaping (loudness.md §4.1):
// v = x − Σ c_j·e[n−j] + d, y = round(v), e[n] = y − (v − d). The error
// includes the dither, so y = x + NTF(z)·e. The error uses the unclipped y,
// which keeps the loop stable when the signal clips.
func (q *Quantizer) shaped(c int, src []float64, dst []int32) {
	r := q.rng[c]
	h := q.hist[c]
	s, lo, hi := q.scale, q.lo, q.hi
	k := &fWeighted
	for i, x := range src {
		fb := k[0]*h[0] + k[1]*h[1] + k[2]*h[2] + k[3]*h[3] + k[4]*h[4] +
			k[5]*h[5] + k[6]*h[6] + k[7]*h[7] + k[8]*h[8]
		w := x*s - fb // v − d
		y := math.RoundToEven(w + tpdfValue(r.next()))
		e := y - w
		if e != e { // NaN input: keep the filter state finite
			e = 0
		}
		h[8], h[7], h[6], h[5], h[4], h[3], h[2], h[1], h[0] = h[7], h[6], h[5], h[4], h[3], h[2], h[1], h[0], e
		if y >= lo && y <= hi {
			dst[i] = int32(y)
			continue
		}
		dst[i] = q.clip(c, i, y)
	}
	q.hist[c] = h
	q.rng[c] = r
}

// clip handles a value outside the integer range (or NaN) at block index i.
func (q *Quantizer) clip(c, i int, y float64) int32 {
	f := q.frame + int64(i)
	q.clips.Count[c]++
	if q.clips.First < 0 || f < q.clips.First {
		q.clips.First = f
	}
	q.clips.Last = max(q.clips.Last, f)
	switch {
	case y > q.hi:
		return int32(q.hi)
	case y < q.lo:
		return int32(q.lo)
	}
	return 0 // NaN
}
