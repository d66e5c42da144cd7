package dsp

import (
	"errors"
	"fmt"
	"sync"

	"github.com/lathe-audio/lathe/internal/soxr"
)

// resampleChunk is the number of input frames handed to libsoxr per call.
// The stream is always cut into chunks of this size, whatever block sizes
// the caller uses, so the sequence of libsoxr calls (and with it every
// output bit) depends only on the input samples.
const resampleChunk = 8192

// Resampler converts a planar float64 stream from one sample rate to
// another with libsoxr's very high quality recipe (SOXR_VHQ: 28-bit
// precision, linear phase, passband to 0.913 of the lower Nyquist,
// loudness.md §5). Each channel is its own single-threaded libsoxr
// stream, and the channels of a chunk are resampled at once on as many
// goroutines: libsoxr filters channels independently, so a channel's
// output is bit for bit what one multichannel stream gives, while one
// track's resampling is no longer a single thread that the stages after
// it wait for.
//
// The output is aligned with the input: libsoxr removes the filter's group
// delay, so output frame 0 is at the time of input frame 0, and a stream of
// n input frames gives exactly OutputLength(n) = round(n·out/in) output
// frames (the filter tail is trimmed, or zeros are appended, at Flush).
// Results are identical for any sequence of block sizes.
//
// A Resampler is not safe for concurrent use; use one per stream.
type Resampler struct {
	inRate, outRate int
	channels        int
	s               []*soxr.Resampler // one per channel; nil when inRate == outRate
	fill            int               // frames waiting in each s[c].In()
	inFrames        int64             // frames passed to Process so far
	outFrames       int64             // frames returned so far
	declared        int64             // SetInputLength value, or -1
	flushed         bool
	buf             [][]float64 // output of the current call, reused
	view            [][]float64
}

// NewResampler returns a resampler from inRate to outRate Hz for the given
// number of channels. Equal rates give a pass-through that returns its
// input unchanged.
func NewResampler(inRate, outRate, channels int) (*Resampler, error) {
	if inRate <= 0 || outRate <= 0 {
		return nil, fmt.Errorf("dsp: resampler: bad rates %d -> %d Hz", inRate, outRate)
	}
	if channels < 1 {
		return nil, fmt.Errorf("dsp: resampler: bad channel count %d", channels)
	}
	r := &Resampler{inRate: inRate, outRate: outRate, channels: channels, declared: -1}
	r.buf = make([][]float64, channels)
	r.view = make([][]float64, channels)
	if inRate == outRate {
		return r, nil
	}
	outCap := int((int64(resampleChunk)*int64(outRate)+int64(inRate)-1)/int64(inRate)) + 256
	for range channels {
		s, err := soxr.New(float64(inRate), float64(outRate), 1, resampleChunk, outCap)
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("dsp: resampler: %w", err)
		}
		r.s = append(r.s, s)
	}
	return r, nil
}

// OutputLength returns the number of output frames for n input frames:
// round(n·outRate/inRate), halves rounded up.
func (r *Resampler) OutputLength(n int64) int64 {
	return (2*n*int64(r.outRate) + int64(r.inRate)) / (2 * int64(r.inRate))
}

// Delay is the resampler's latency in input frames: how many frames of
// input Process holds back before their output appears. It is at most one
// internal chunk plus libsoxr's filter length; Flush releases the rest.
func (r *Resampler) Delay() int { return r.fill }

// SetInputLength declares the total number of input frames. It is
// optional; when set, Process fails on excess input and Flush fails if the
// stream is short. Call it before the first Process.
func (r *Resampler) SetInputLength(n int64) error {
	if n < 0 {
		return fmt.Errorf("dsp: resampler: negative input length %d", n)
	}
	if r.inFrames > 0 || r.flushed {
		return errors.New("dsp: resampler: input length set after processing started")
	}
	r.declared = n
	return nil
}

// Process consumes every frame of in (in[c] for each channel, all of equal
// length) and returns the output frames that are ready. The returned slices
// belong to the Resampler and stay valid until the next call.
func (r *Resampler) Process(in [][]float64) ([][]float64, error) {
	if r.flushed {
		return nil, errors.New("dsp: resampler: process after flush")
	}
	n, err := checkBlock(in, r.channels)
	if err != nil {
		return nil, fmt.Errorf("dsp: resampler: %w", err)
	}
	if r.declared >= 0 && r.inFrames+int64(n) > r.declared {
		return nil, fmt.Errorf("dsp: resampler: input exceeds the declared %d frames", r.declared)
	}
	r.inFrames += int64(n)
	if r.s == nil {
		r.outFrames += int64(n)
		return in, nil
	}
	r.reset()
	for off := 0; off < n; {
		k := min(resampleChunk-r.fill, n-off)
		for c, src := range in {
			copy(r.s[c].In()[0][r.fill:], src[off:off+k])
		}
		r.fill += k
		off += k
		if r.fill == resampleChunk {
			if err := r.run(); err != nil {
				return nil, err
			}
		}
	}
	return r.result(), nil
}

// Flush ends the stream: it drains the filter and returns the remaining
// output frames, after which exactly OutputLength(total input) frames have
// been returned in all.
func (r *Resampler) Flush() ([][]float64, error) {
	if r.flushed {
		return nil, errors.New("dsp: resampler: flushed twice")
	}
	if r.declared >= 0 && r.inFrames != r.declared {
		return nil, fmt.Errorf("dsp: resampler: stream ended after %d frames, %d declared", r.inFrames, r.declared)
	}
	r.flushed = true
	r.reset()
	if r.s == nil {
		return r.result(), nil
	}
	if r.fill > 0 {
		if err := r.run(); err != nil {
			return nil, err
		}
	}
	if err := r.each(drain); err != nil {
		return nil, err
	}
	// Trim the tail past the exact length, or pad with zeros up to it.
	want := r.OutputLength(r.inFrames)
	have := r.outFrames + int64(len(r.buf[0]))
	switch {
	case have > want:
		keep := len(r.buf[0]) - int(have-want)
		for c := range r.buf {
			r.buf[c] = r.buf[c][:keep]
		}
	case have < want:
		for c := range r.buf {
			for range want - have {
				r.buf[c] = append(r.buf[c], 0)
			}
		}
	}
	return r.result(), nil
}

// Close frees libsoxr's resources.
func (r *Resampler) Close() error {
	for _, s := range r.s {
		s.Close()
	}
	return nil
}

func (r *Resampler) reset() {
	for c := range r.buf {
		r.buf[c] = r.buf[c][:0]
	}
}

func (r *Resampler) result() [][]float64 {
	r.outFrames += int64(len(r.buf[0]))
	copy(r.view, r.buf)
	return r.view
}

// run hands the r.fill frames waiting in the input buffers to libsoxr.
func (r *Resampler) run() error {
	n := r.fill
	r.fill = 0
	return r.each(func(s *soxr.Resampler, out []float64) ([]float64, error) {
		return consume(s, out, n)
	})
}

// each runs f on every channel's stream and its output buffer, channel 0
// on the calling goroutine and the others on goroutines of their own, and
// checks that every channel gave as many frames.
func (r *Resampler) each(f func(s *soxr.Resampler, out []float64) ([]float64, error)) error {
	errs := make([]error, len(r.s))
	var wg sync.WaitGroup
	for c := 1; c < len(r.s); c++ {
		wg.Go(func() { r.buf[c], errs[c] = f(r.s[c], r.buf[c]) })
	}
	r.buf[0], errs[0] = f(r.s[0], r.buf[0])
	wg.Wait()
	for c, err := range errs {
		if err != nil {
			return fmt.Errorf("dsp: resampler: %w", err)
		}
		if len(r.buf[c]) != len(r.buf[0]) {
			return fmt.Errorf("dsp: resampler: channel %d gave %d frames, channel 0 %d", c, len(r.buf[c]), len(r.buf[0]))
		}
	}
	return nil
}

// consume passes the n frames waiting in s.In() to libsoxr and appends
// what comes out to out.
func consume(s *soxr.Resampler, out []float64, n int) ([]float64, error) {
	in := s.In()[0]
	for off := 0; off < n; {
		if off > 0 {
			copy(in, in[off:n])
			n -= off
			off = 0
		}
		used, p, err := s.Process(n, false)
		if err != nil {
			return out, err
		}
		out = append(out, s.Out()[0][:p]...)
		if used == 0 && p == 0 {
			return out, errors.New("libsoxr made no progress")
		}
		off = used
	}
	return out, nil
}

// drain ends s's input and appends the filter's tail to out.
func drain(s *soxr.Resampler, out []float64) ([]float64, error) {
	for {
		_, p, err := s.Process(0, true)
		if err != nil {
			return out, err
		}
		if p == 0 {
			return out, nil
		}
		out = append(out, s.Out()[0][:p]...)
	}
}

// checkBlock validates a planar block and returns its frame count.
func checkBlock(b [][]float64, channels int) (int, error) {
	if len(b) != channels {
		return 0, fmt.Errorf("block has %d channels, want %d", len(b), channels)
	}
	n := len(b[0])
	for c := range b {
		if len(b[c]) != n {
			return 0, fmt.Errorf("channel %d has %d frames, channel 0 has %d", c, len(b[c]), n)
		}
	}
	return n, nil
}
