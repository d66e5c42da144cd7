package render

import (
	"fmt"
	"math"
	"slices"
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

	pcm     []byte // Int as PCM of pcmBits-bit samples, once packed
	pcmBits int    // 0 while Int is not packed
}

// packed returns frames [i, j) of b.Int as PCM of bits-bit samples
// (packInts), which the WAV and DDP writers, the encode tasks' spools and
// the PCM hasher of an output all take: the block is packed once, by the
// first to ask. The bytes are valid while the block is.
func (b *Block) packed(bits, i, j int) []byte {
	if b.pcmBits != bits {
		b.pcm = packInts(b.pcm[:0], b.Int[0], b.Int[1], bits)
		b.pcmBits = bits
	}
	fb := frameBytes(bits)
	return b.pcm[i*fb : j*fb]
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

// spanMeterer is implemented by writers that need the measurement of
// spans of the stream besides the tracks' cuts (Stream.Output), such as
// an album file's. The output's meter meters each span as written, once
// whatever the number of deliveries asking for it.
type spanMeterer interface {
	// meterSpans returns the spans; it is called once the writer is made.
	meterSpans() []FrameSpan
	// measured gives the measurement of each span, in that order; it is
	// called before Close.
	measured(ms []*loudness.Measurement)
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
	// Decoded is, for a coded format (mp3), the track's file decoded as
	// a player decodes it (DecodeMP3) and measured; nil for the others.
	Decoded *loudness.Measurement
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
	// Sums holds the size and hashes of the files the writer wrote, as it
	// wrote them (not every file: the small text ones are left out); PCM
	// the PCM MD5 of each file holding the stream as PCM, whole and each
	// track's cut in it, computed from the samples written.
	Sums []FileSum
	PCM  []PCMSum
	// Album is the album as the delivery wrote it, measured as one
	// continuous stream from track 1's index 01 to the lead-out (the span
	// of Analysis.Stream) at the delivery's rate, across the tracks'
	// boundaries: its loudness range and maximum momentary and
	// short-term loudness, which no track's measurement gives. It has no
	// true peak (NaN; the album's is the largest of the tracks'), and its
	// integrated loudness, over the continuous stream, may differ from
	// the album's by a few hundredths of an LU: the album's pools the
	// tracks' gating blocks (loudness.MeasureAlbum).
	Album *loudness.Measurement
}

// chain is one rendering of the program at a delivery rate, shared by
// every delivery of a pass whose stream is the same up to the word
// length: the same gains, rate, limited tracks and ceiling. It resamples
// to the rate, limits where the plan asks, writes inserted silence as
// digital zeros, and splits the stream at each track's index 01 (where
// the dither is reseeded, whatever a delivery's gap mode), then hands
// every part to its outputs, one per word length.
type chain struct {
	l      *album.Layout // of the program the chain is fed: at rate, or at the layout's rate for rs
	rate   int
	frames int64          // in the stream
	rs     *dsp.Resampler // resamples the program to rate; nil when it is at rate
	outs   []*output
	slots  []*writerSlot // every delivery the chain feeds, in build order

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

	// reseed points
	ep     int64   // next stream frame to emit
	starts []int64 // each track's index 01, in stream frames
	track  int     // current track, 0 before track 1's index 01
	xview  [2][]float64
	qin    [2][]float64
}

// output is one word length of a chain's stream: the quantizer (none for
// a 32-bit float stream), the meter of what is written, and the writers
// of the deliveries that write exactly these samples.
type output struct {
	c     *chain
	bits  int
	q     *dsp.Quantizer // nil for 32-bit float
	meter *outMeter
	slots []*writerSlot
	// spans are the meter's span sets: each distinct cut set, the tracks'
	// segments, the writers' own spans, and the album stream (album).
	spans []meterSet
	album int

	ibuf  [2][]int32
	iview [2][]int32
	qv    [2][]float64
	qout  [2][]int32
	blk   Block
}

// writerSlot is one delivery fed by an output.
type writerSlot struct {
	jb       *job
	out      *output
	s        *Stream
	w        DeliveryWriter
	report   *DeliveryReport
	progress *progressor // nil without BuildOptions.Progress
	stopper  stopper     // the writer, if it has work beside the stream
	cuts     int         // the output's span set of the files' cuts (Stream.Cuts)
	segs     int         // the output's span set of the tracks' segments (the ceiling's)
	spans    []int       // the output's span sets of the writer's own spans (spanMeterer)
	pcm      []slotPCM   // the PCM MD5s to report, by the output's hasher's spans
}

// slotPCM is a span of a PCM file whose MD5 a delivery reports: the
// hasher's span idx, at frame start of the file.
type slotPCM struct {
	file       string
	start, end int64
	idx        int
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
		c.progressAt()
		return nil
	}
	out, err := c.rs.Process(b.data)
	if err != nil {
		return c.errorf("%w", err)
	}
	if err := c.limit(out, c.touched(len(out[0]))); err != nil {
		return err
	}
	c.progressAt()
	return nil
}

func (c *chain) progressAt() {
	for _, ws := range c.slots {
		ws.progress.at(c.ep)
	}
}

func (c *chain) touched(n int) []uint8 {
	for len(c.touch) < n {
		c.touch = append(c.touch, classTouched)
	}
	return c.touch[:n]
}

// finish drains the chain and closes the writers; on failure it releases
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
	if c.ep != c.frames {
		return c.errorf("the stream ended after %d frames, %d planned", c.ep, c.frames)
	}
	c.progressAt()
	if c.rs != nil {
		c.rs.Close()
		c.rs = nil
	}
	for _, o := range c.outs {
		if o.q != nil {
			o.endTrack(c.track)
		}
		if err := o.meter.finish(); err != nil {
			return o.errorf("%w", err)
		}
		for _, ws := range o.slots {
			ws.s.Output = o.meter.sets[ws.cuts].out
			w := ws.w
			if sm, ok := w.(spanMeterer); ok {
				ms := make([]*loudness.Measurement, len(ws.spans))
				for i, k := range ws.spans {
					ms[i] = o.meter.sets[k].out[0]
				}
				sm.measured(ms)
			}
			files, err := w.Close()
			ws.w = nil
			if err != nil {
				return ws.errorf("%w", err)
			}
			ws.report.Files = files
			if sm, ok := w.(summer); ok {
				ws.report.Sums = sm.fileSums()
			}
			for _, p := range ws.pcm {
				ws.report.PCM = append(ws.report.PCM, PCMSum{File: p.file, Start: p.start, End: p.end, MD5: o.meter.pcm.sum(p.idx)})
			}
			for k := range ws.report.Tracks {
				ws.report.Tracks[k].Output = ws.s.Output[k]
			}
			ws.report.Album = withoutTruePeak(o.meter.sets[o.album].out[0])
			if sw, ok := w.(selfSummer); ok {
				ws.report.PCM = append(ws.report.PCM, sw.ownPCM()...)
				for k, d := range sw.decodedFiles() {
					ws.report.Tracks[k].Decoded = d.Measurement
				}
			}
		}
	}
	return nil
}

// stop tells the writers' work beside the stream to end (stopper).
func (c *chain) stop(cause error) {
	for _, ws := range c.slots {
		if ws.stopper != nil {
			ws.stopper.stop(cause)
		}
	}
}

func (c *chain) abort() {
	if c.rs != nil {
		c.rs.Close()
		c.rs = nil
	}
	for _, o := range c.outs {
		for _, ws := range o.slots {
			if ws.w != nil {
				ws.w.Abort()
				ws.w = nil
			}
		}
		o.meter.abort()
	}
}

// errorf names the chain's first delivery: what fails in the shared
// stages fails every delivery of the chain alike.
func (c *chain) errorf(format string, args ...any) error {
	return c.slots[0].errorf(format, args...)
}

func (o *output) errorf(format string, args ...any) error {
	return o.slots[0].errorf(format, args...)
}

func (ws *writerSlot) errorf(format string, args ...any) error {
	return fmt.Errorf("render: delivery[%d] %q: %w", ws.s.Number, ws.s.Delivery.Name, fmt.Errorf(format, args...))
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
			l, err := dsp.NewLimiter(dsp.LimiterConfig{Rate: c.rate, Channels: 2, CeilingDB: c.ceil})
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
			for _, ws := range c.slots {
				tr := &ws.report.Tracks[sg.track]
				tr.Limited = true
				tr.MaxReductionDB = max(tr.MaxReductionDB, st.MaxReductionDB)
				tr.LimitedFrames += st.Reduced
			}
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

// emit splits frames at the tracks' index 01 (where the dither is
// reseeded) and at the edges of the silence spans, and hands each part to
// every output: the frames in a silence span as digital zeros, the rest
// as they are.
func (c *chain) emit(x [][]float64, cls []uint8) error {
	n := int64(len(x[0]))
	for i := int64(0); i < n; {
		pos := c.ep
		k := n - i
		if c.track < len(c.starts) {
			next := c.starts[c.track]
			if pos == next {
				for _, o := range c.outs {
					if o.q != nil {
						o.endTrack(c.track)
						o.q.StartTrack(c.track + 1)
					}
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
		y, ycls := sub(&c.qin, x, i, i+k), cls[i:i+k]
		if silent {
			y, ycls = c.zeros(int(k)), c.zcls[:k]
		}
		for _, o := range c.outs {
			if err := o.put(c.ep, y, ycls); err != nil {
				return err
			}
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

// endTrack files the clipping statistics of track (from 1; 0 is before
// track 1) in the report of every delivery of the output.
func (o *output) endTrack(track int) {
	if track > 0 {
		st := o.q.Clips()
		for _, ws := range o.slots {
			tr := &ws.report.Tracks[track-1]
			tr.Clips += st.Total()
			if st.First >= 0 && tr.FirstClip < 0 {
				tr.FirstClip = st.First
			}
		}
	}
	o.q.ResetClips()
}

// put quantizes x (within one track), which starts at stream frame at,
// hands it to every writer of the output and meters it.
func (o *output) put(at int64, x [][]float64, cls []uint8) error {
	n := len(x[0])
	o.blk.Start, o.blk.Float, o.blk.Int, o.blk.pcmBits = at, x, nil, 0
	if o.q != nil {
		if len(o.ibuf[0]) < n {
			o.ibuf = [2][]int32{make([]int32, 2*n), make([]int32, 2*n)}
		}
		o.iview = [2][]int32{o.ibuf[0][:n], o.ibuf[1][:n]}
		bits := uint8(o.bits)
		for i := 0; i < n; {
			untouched := cls[i] != classTouched && cls[i] <= bits
			j := i + 1
			for j < n && (cls[j] != classTouched && cls[j] <= bits) == untouched {
				j++
			}
			in := sub(&o.qv, x, int64(i), int64(j))
			o.qout = [2][]int32{o.iview[0][i:j], o.iview[1][i:j]}
			var err error
			if untouched {
				err = o.q.QuantizeUntouched(in, o.qout[:])
			} else {
				err = o.q.Quantize(in, o.qout[:])
			}
			if err != nil {
				return o.errorf("frame %d: %w", at+int64(i), err)
			}
			i = j
		}
		o.blk.Int = o.iview[:]
	}
	for _, ws := range o.slots {
		if err := ws.w.Write(&o.blk); err != nil {
			return ws.errorf("%w", err)
		}
	}
	o.meter.add(&o.blk)
	return nil
}

// sub returns frames [i, j) of x, through the view v.
func sub(v *[2][]float64, x [][]float64, i, j int64) [][]float64 {
	v[0], v[1] = x[0][i:j], x[1][i:j]
	return v[:]
}

// spanSet returns the index of spans among o.spans, metered with true
// peak, adding it if it is new: deliveries with the same cuts share their
// measurement.
func (o *output) spanSet(spans []FrameSpan) int { return o.addSet(spans, true) }

// meterAlbum adds the album stream (albumSpan) to the meter's span sets,
// loudness only, unless a writer's span is the same (spanSet).
func (o *output) meterAlbum() {
	o.album = o.addSet([]FrameSpan{albumSpan(o.c.l, o.c.rate)}, false)
}

// addSet returns the index of spans among o.spans, adding it if it is
// new; an existing set gets the true peak if truePeak asks for it.
func (o *output) addSet(spans []FrameSpan, truePeak bool) int {
	for i := range o.spans {
		if s := &o.spans[i]; slices.Equal(s.spans, spans) {
			s.truePeak = s.truePeak || truePeak
			return i
		}
	}
	o.spans = append(o.spans, meterSet{spans, truePeak})
	return len(o.spans) - 1
}

// withoutTruePeak returns m with no true peak, as a meter without one
// measures it: a span set shared with a writer's span may have it.
func withoutTruePeak(m *loudness.Measurement) *loudness.Measurement {
	if m == nil || math.IsNaN(m.TruePeak) {
		return m
	}
	r := *m
	r.TruePeak, r.TruePeakPos, r.TruePeakChannel, r.ChannelTruePeak = math.NaN(), -1, 0, nil
	return &r
}
