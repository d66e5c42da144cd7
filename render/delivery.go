package render

import (
	"fmt"
	"sync"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/dsp"
	"github.com/lathe-audio/lathe/loudness"
)

// Stream describes the finished audio a DeliveryWriter receives: the
// album program from A-time 00:00:00 to the lead-out at the delivery's
// rate, after resampling, limiting and quantization.
type Stream struct {
	Album    *album.Album
	Layout   *album.Layout
	Delivery *album.Delivery
	Number   int    // the delivery's position in the project, from 1
	Dir      string // the delivery's folder, created and empty
	Rate     int    // frames per second
	Bits     int    // 16 or 24: Block.Int holds the samples; 32: float only
	Frames   int64  // frames in the stream
	// Cuts holds each track's file in stream frames, per the delivery's
	// gap mode (album.Layout.Cuts); the album file of a cue delivery is
	// Layout.Album().
	Cuts  []FrameSpan
	Gains []float64 // dB applied to each track
	// Analysis is the unity-gain analysis the gains came from. It is nil
	// when the build did not analyze the program, because no delivery's
	// gains depended on it; a kind whose writer needs it says so with
	// NeedAnalysis.
	Analysis *Analysis
	// Output is set when Close is called: each track's cut (Cuts) of the
	// stream as the writer received it, measured with accurate true peak:
	// Block.Int scaled to ±1.0 (the samples of a 16 or 24-bit file), or
	// Block.Float rounded to float32 for a 32-bit stream. Positions count
	// from the cut's first frame.
	Output []*loudness.Measurement
}

// FrameSpan is a range of stream frames, [Start, End).
type FrameSpan struct{ Start, End int64 }

// Span converts a span of sectors to frames at the stream's rate.
func (s *Stream) Span(sp album.Span) FrameSpan {
	a, b := sp.Samples(s.Rate)
	return FrameSpan{a, b}
}

// Block is the next part of a delivery stream.
type Block struct {
	Start int64       // stream frame of the first sample
	Float [][]float64 // two channels, after the limiter and before dither, full scale ±1.0
	Int   [][]int32   // the same frames quantized to Stream.Bits; nil for 32-bit float
}

// Frames returns the number of frames in the block.
func (b *Block) Frames() int { return len(b.Float[0]) }

// A DeliveryWriter writes one delivery. Write receives the whole stream in
// order, in blocks of any size; their slices are valid only during the
// call. Close finishes every file and returns their names relative to
// Stream.Dir. Abort, after a failure anywhere in the build, releases what
// the writer holds; the build removes its folder.
type DeliveryWriter interface {
	Write(b *Block) error
	Close() (files []string, err error)
	Abort()
}

// NewWriterFunc creates the writer of one delivery.
type NewWriterFunc func(s *Stream) (DeliveryWriter, error)

var (
	registryMu sync.RWMutex
	registry   = map[album.Kind]NewWriterFunc{}
	analyzed   = map[album.Kind]bool{}
)

// Register makes f the writer of deliveries of kind k. Packages that
// implement a kind register it from an init function.
func Register(k album.Kind, f NewWriterFunc) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[k] = f
}

// Implemented reports whether deliveries of kind k can be built.
func Implemented(k album.Kind) bool {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return registry[k] != nil
}

// NeedAnalysis makes Build analyze the program (Analyze) before it
// renders a delivery of kind k, even when the delivery's gains do not
// depend on the analysis, so that its writer gets Stream.Analysis: for
// what a writer needs before the audio, such as ReplayGain tags. Packages
// call it from an init function, beside Register.
func NeedAnalysis(k album.Kind) {
	registryMu.Lock()
	defer registryMu.Unlock()
	analyzed[k] = true
}

func kindNeedsAnalysis(k album.Kind) bool {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return analyzed[k]
}

func writerFor(k album.Kind) NewWriterFunc {
	registryMu.RLock()
	defer registryMu.RUnlock()
	return registry[k]
}

// TrackReport is what a delivery did to one track.
type TrackReport struct {
	Gain    float64 // dB applied
	Reduced float64 // dB the reduce policy took off the matching gain
	// Limiter activity (policy limit, a track over the ceiling).
	Limited        bool
	MaxReductionDB float64 // largest gain reduction
	LimitedFrames  int64   // frames with a gain below 1, at the delivery rate
	// Clipping in quantization, with the first clipped frame of the stream.
	Clips     int64
	FirstClip int64
	// Output is the track's file as written, measured at the delivery's
	// rate (accurate true peak): the track's cut of the delivery's gap
	// mode (Stream.Cuts), after limiting, dither and quantization, exactly
	// the samples a reader of the file gets. Positions count from the
	// cut's first frame.
	Output *loudness.Measurement
}

// DeliveryReport is the outcome of one delivery.
type DeliveryReport struct {
	Number int
	Name   string
	Kind   album.Kind
	Rate   int
	Bits   int
	Files  []string // relative to the delivery's folder
	// Dither is the method in effect; DitherFallback reports that shaped
	// dither fell back to TPDF at a rate outside its design range.
	Dither         dsp.Dither
	DitherFallback bool
	Tracks         []TrackReport
	// Passes is how many times the delivery was rendered: 2 when the
	// limiter had to treat tracks that its first rendering measured over
	// the ceiling (docs/decisions.md, "Render").
	Passes int
}

// chain is one delivery's consumer of the program: resample to the
// delivery rate, limit where the plan asks, write inserted silence as
// digital zeros, dither and quantize, hand the blocks to the writer and
// meter what was written.
type chain struct {
	s      *Stream
	w      DeliveryWriter
	report *DeliveryReport
	rs     *dsp.Resampler // nil at the program rate

	// limiter stage
	lp    int64      // next stream frame into the limiter stage
	segs  []limitSeg // at the stream rate, in order
	seg   int        // current segment
	lim   *dsp.Limiter
	fifo  []uint8 // classes of the frames inside the limiter
	ceil  float64
	lbuf  []uint8
	touch []uint8 // all classTouched, for resampled blocks

	// silence stage
	zero  []FrameSpan // frames written as digital silence, in order
	zi    int         // first zero span not yet passed
	zbuf  []float64   // zeros
	zcls  []uint8     // classSilence
	zview [2][]float64

	// quantizer stage
	q      *dsp.Quantizer
	ep     int64 // next stream frame to emit
	starts []int64
	track  int // current track, 0 before track 1's cut
	ibuf   [2][]int32
	iview  [2][]int32
	qin    [2][]float64
	qv     [2][]float64
	qout   [2][]int32
	xview  [2][]float64
	blk    Block

	meter *outMeter

	progress *progressor // nil without BuildOptions.Progress
}

// limitSeg is a track segment the limiter treats.
type limitSeg struct {
	start, end int64
	track      int // index
}

func (c *chain) write(b *block) error {
	if c.rs == nil {
		if err := c.limit(b.data, b.cls); err != nil {
			return err
		}
		c.progress.at(c.ep)
		return nil
	}
	out, err := c.rs.Process(b.data)
	if err != nil {
		return c.errorf("%w", err)
	}
	if err := c.limit(out, c.touched(len(out[0]))); err != nil {
		return err
	}
	c.progress.at(c.ep)
	return nil
}

func (c *chain) touched(n int) []uint8 {
	for len(c.touch) < n {
		c.touch = append(c.touch, classTouched)
	}
	return c.touch[:n]
}

// finish drains the chain and closes the writer; on failure it releases
// what the chain holds, as abort does.
func (c *chain) finish() error {
	err := c.drain()
	if err != nil {
		c.abort()
	}
	return err
}

func (c *chain) drain() error {
	if c.rs != nil {
		out, err := c.rs.Flush()
		if err != nil {
			return c.errorf("%w", err)
		}
		if err := c.limit(out, c.touched(len(out[0]))); err != nil {
			return err
		}
	}
	if c.lim != nil {
		return c.errorf("the limiter segment of track %d did not end", c.segs[c.seg].track+1)
	}
	if c.ep != c.s.Frames {
		return c.errorf("the stream ended after %d frames, %d planned", c.ep, c.s.Frames)
	}
	c.progress.at(c.ep)
	if c.q != nil {
		c.endTrack()
	}
	if c.rs != nil {
		c.rs.Close()
		c.rs = nil
	}
	if err := c.meter.finish(); err != nil {
		return c.errorf("%w", err)
	}
	c.s.Output = c.meter.cuts.out
	files, err := c.w.Close()
	c.w = nil
	if err != nil {
		return c.errorf("%w", err)
	}
	c.report.Files = files
	for k := range c.report.Tracks {
		c.report.Tracks[k].Output = c.s.Output[k]
	}
	return nil
}

func (c *chain) abort() {
	if c.rs != nil {
		c.rs.Close()
		c.rs = nil
	}
	if c.w != nil {
		c.w.Abort()
		c.w = nil
	}
	c.meter.abort()
}

func (c *chain) errorf(format string, args ...any) error {
	return fmt.Errorf("render: delivery[%d] %q: %w", c.s.Number, c.s.Delivery.Name, fmt.Errorf(format, args...))
}

// limit runs the limiter over the frames inside the segments of tracks
// over the ceiling and passes the rest through unchanged.
func (c *chain) limit(x [][]float64, cls []uint8) error {
	n := int64(len(x[0]))
	for i := int64(0); i < n; {
		pos := c.lp + i
		var sg *limitSeg
		if c.seg < len(c.segs) {
			sg = &c.segs[c.seg]
		}
		if sg == nil || pos < sg.start {
			k := n - i
			if sg != nil {
				k = min(k, sg.start-pos)
			}
			if err := c.emit(sub(&c.xview, x, i, i+k), cls[i:i+k]); err != nil {
				return err
			}
			i += k
			continue
		}
		if c.lim == nil {
			l, err := dsp.NewLimiter(dsp.LimiterConfig{Rate: c.s.Rate, Channels: 2, CeilingDB: c.ceil})
			if err != nil {
				return c.errorf("%w", err)
			}
			c.lim = l
		}
		k := min(n-i, sg.end-pos)
		c.fifo = append(c.fifo, cls[i:i+k]...)
		out, err := c.lim.Process(sub(&c.xview, x, i, i+k))
		if err != nil {
			return c.errorf("%w", err)
		}
		if err := c.emitLimited(out); err != nil {
			return err
		}
		i += k
		if pos+k == sg.end {
			out, err := c.lim.Flush()
			if err != nil {
				return c.errorf("%w", err)
			}
			if err := c.emitLimited(out); err != nil {
				return err
			}
			st := c.lim.Stats()
			tr := &c.report.Tracks[sg.track]
			tr.Limited = true
			tr.MaxReductionDB = max(tr.MaxReductionDB, st.MaxReductionDB)
			tr.LimitedFrames += st.Reduced
			c.lim = nil
			c.seg++
		}
	}
	c.lp += n
	return nil
}

// emitLimited passes limiter output on with the classes of its frames:
// a frame whose gain the limiter lowered is touched.
func (c *chain) emitLimited(out [][]float64) error {
	m := len(out[0])
	if m == 0 {
		return nil
	}
	gains := c.lim.Gains()
	c.lbuf = append(c.lbuf[:0], c.fifo[:m]...)
	c.fifo = c.fifo[:copy(c.fifo, c.fifo[m:])]
	for i, g := range gains[:m] {
		if g != 1 {
			c.lbuf[i] = classTouched
		}
	}
	return c.emit(out, c.lbuf)
}

// emit splits frames at the tracks' cut starts (where the dither is
// reseeded) and at the edges of the silence spans, writes the frames in a
// silence span as digital zeros, and quantizes and writes the rest.
func (c *chain) emit(x [][]float64, cls []uint8) error {
	n := int64(len(x[0]))
	for i := int64(0); i < n; {
		pos := c.ep
		k := n - i
		if c.track < len(c.starts) {
			next := c.starts[c.track]
			if pos == next {
				if c.q != nil {
					c.endTrack()
					c.q.StartTrack(c.track + 1)
				}
				c.track++
				continue
			}
			if next > pos {
				k = min(k, next-pos)
			}
		}
		for c.zi < len(c.zero) && c.zero[c.zi].End <= pos {
			c.zi++
		}
		silent := false
		if c.zi < len(c.zero) {
			z := c.zero[c.zi]
			if pos >= z.Start {
				silent, k = true, min(k, z.End-pos)
			} else {
				k = min(k, z.Start-pos)
			}
		}
		var err error
		if silent {
			err = c.put(c.zeros(int(k)), c.zcls[:k])
		} else {
			err = c.put(sub(&c.qin, x, i, i+k), cls[i:i+k])
		}
		if err != nil {
			return err
		}
		c.ep += k
		i += k
	}
	return nil
}

// zeros returns n frames of digital silence, with c.zcls as long.
func (c *chain) zeros(n int) [][]float64 {
	if len(c.zbuf) < n {
		c.zbuf = make([]float64, n)
		c.zcls = make([]uint8, n) // classSilence
	}
	c.zview = [2][]float64{c.zbuf[:n], c.zbuf[:n]}
	return c.zview[:]
}

// endTrack files the clipping statistics of the current track.
func (c *chain) endTrack() {
	if c.track > 0 {
		st := c.q.Clips()
		tr := &c.report.Tracks[c.track-1]
		tr.Clips += st.Total()
		if st.First >= 0 && tr.FirstClip < 0 {
			tr.FirstClip = st.First
		}
	}
	c.q.ResetClips()
}

// put quantizes x (within one track) and writes and meters it.
func (c *chain) put(x [][]float64, cls []uint8) error {
	n := len(x[0])
	c.blk.Start, c.blk.Float, c.blk.Int = c.ep, x, nil
	if c.q != nil {
		if len(c.ibuf[0]) < n {
			c.ibuf = [2][]int32{make([]int32, 2*n), make([]int32, 2*n)}
		}
		c.iview = [2][]int32{c.ibuf[0][:n], c.ibuf[1][:n]}
		bits := uint8(c.s.Bits)
		for i := 0; i < n; {
			untouched := cls[i] != classTouched && cls[i] <= bits
			j := i + 1
			for j < n && (cls[j] != classTouched && cls[j] <= bits) == untouched {
				j++
			}
			in := sub(&c.qv, x, int64(i), int64(j))
			c.qout = [2][]int32{c.iview[0][i:j], c.iview[1][i:j]}
			var err error
			if untouched {
				err = c.q.QuantizeUntouched(in, c.qout[:])
			} else {
				err = c.q.Quantize(in, c.qout[:])
			}
			if err != nil {
				return c.errorf("frame %d: %w", c.ep+int64(i), err)
			}
			i = j
		}
		c.blk.Int = c.iview[:]
	}
	if err := c.w.Write(&c.blk); err != nil {
		return c.errorf("%w", err)
	}
	c.meter.add(&c.blk)
	return nil
}

// sub returns frames [i, j) of x, through the view v.
func sub(v *[2][]float64, x [][]float64, i, j int64) [][]float64 {
	v[0], v[1] = x[0][i:j], x[1][i:j]
	return v[:]
}

// cutStarts returns the stream frames where each track's file starts.
func cutStarts(cuts []FrameSpan) []int64 {
	s := make([]int64, len(cuts))
	for k, c := range cuts {
		s[k] = c.Start
	}
	return s
}
