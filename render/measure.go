package render

import (
	"fmt"
	"math"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
)

// segmentMeter meters consecutive, non-overlapping spans of a stream, one
// meter each; frames between spans are skipped.
type segmentMeter struct {
	spans []FrameSpan
	cfg   loudness.Config
	out   []*loudness.Measurement
	k     int // current span
	m     *loudness.Meter
}

func newSegmentMeter(spans []FrameSpan, cfg loudness.Config) *segmentMeter {
	return &segmentMeter{spans: spans, cfg: cfg, out: make([]*loudness.Measurement, len(spans))}
}

// feed meters the frames x, which start at stream frame lo.
func (s *segmentMeter) feed(lo int64, x [][]float64) error {
	return feedSets([]*segmentMeter{s}, lo, x)
}

// at returns the meter of the span that stream frame p lies in and the
// span's end, starting the meter at the span's start; or no meter and the
// next span's start (math.MaxInt64 after the last), when p lies between
// spans.
func (s *segmentMeter) at(p int64) (*loudness.Meter, int64, error) {
	if s.k == len(s.spans) {
		return nil, math.MaxInt64, nil
	}
	sp := s.spans[s.k]
	if p < sp.Start {
		return nil, sp.Start, nil
	}
	if s.m == nil {
		m, err := loudness.NewMeter(s.cfg)
		if err != nil {
			return nil, 0, fmt.Errorf("render: %w", err)
		}
		s.m = m
	}
	return s.m, sp.End, nil
}

// reached records that the stream was metered up to frame q: the span
// that ends there is measured.
func (s *segmentMeter) reached(q int64) {
	if s.m != nil && q == s.spans[s.k].End {
		s.out[s.k] = s.m.Measure()
		s.m = nil
		s.k++
	}
}

// feedSets meters the frames x, which start at stream frame lo, on every
// span set of sets, in pieces that lie in one span or gap of each set.
// Where two sets' spans take the same frames, their meters get them
// together, two by two (loudness.WritePair: one K-weighting pass for
// both, the same results as one after the other).
func feedSets(sets []*segmentMeter, lo int64, x [][]float64) error {
	hi := lo + int64(len(x[0]))
	var ms []*loudness.Meter
	// Each turn meters [p, q) and either moves p on or, where q = p,
	// measures a span of no frames.
	for p := lo; p < hi; {
		q := hi
		ms = ms[:0]
		for _, s := range sets {
			m, e, err := s.at(p)
			if err != nil {
				return err
			}
			if m != nil {
				ms = append(ms, m)
			}
			q = min(q, e)
		}
		if p < q {
			view := [][]float64{x[0][p-lo : q-lo], x[1][p-lo : q-lo]}
			for i := 0; i < len(ms); i += 2 {
				var err error
				if i+1 < len(ms) {
					err = loudness.WritePair(ms[i], ms[i+1], view)
				} else {
					err = ms[i].Write(view)
				}
				if err != nil {
					return fmt.Errorf("render: %w", err)
				}
			}
		}
		for _, s := range sets {
			s.reached(q)
		}
		p = q
	}
	return nil
}

// write meters a block of the program (a consumer of stream).
func (s *segmentMeter) write(b *block) error { return s.feed(b.start, b.data) }

func (s *segmentMeter) finish() error {
	if s.k != len(s.spans) {
		return fmt.Errorf("render: the stream ended in segment %d of %d", s.k+1, len(s.spans))
	}
	return nil
}

func (s *segmentMeter) abort() {}

// Output metering hands blocks of meterBlockFrames frames to the meter's
// goroutine, through meterBlocks reused buffers.
const (
	meterBlockFrames = 16384
	meterBlocks      = 4
)

// meterSet is a set of spans an output's meter measures, each on a meter
// of its own; truePeak adds the true peak to the loudness.
type meterSet struct {
	spans    []FrameSpan
	truePeak bool
}

// albumSpan returns the album stream at rate, from track 1's index 01 to
// the lead-out: the span the album's loudness range and maximum
// short-term loudness are measured on, continuous across the tracks'
// boundaries (Analysis.Stream, DeliveryReport.Album).
func albumSpan(l *album.Layout, rate int) FrameSpan {
	a, b := album.Span{Start: l.Tracks[0].Index[0], End: l.LeadOut}.Samples(rate)
	return FrameSpan{a, b}
}

// outMeter measures what an output writes, track by track, on a
// goroutine of its own, so that metering runs beside the rest of the
// chain. It sees the samples exactly as a reader of the written files
// does: integers scaled to ±1.0, or float samples rounded to float32. It
// meters each of its span sets once (the distinct cuts of the deliveries
// writing the output, the tracks' segments that the ceiling policy
// reads, the writers' own spans and the album stream), whatever the
// number of deliveries.
type outMeter struct {
	sets  []*segmentMeter
	pcm   *pcmHasher // nil without spans to hash
	scale float64    // of integer samples
	cur   *meterBlock
	work  chan *meterBlock
	free  chan *meterBlock
	done  chan error
	ended bool
}

type meterBlock struct {
	start int64
	n     int
	x     [2][]float64
	raw   []byte // the frames as PCM, for the hasher
}

// newOutMeter meters a stream at rate of bits-bit samples (32: float) on
// each span set, with accurate true peak where the set asks for it, and
// computes the PCM MD5 of each of pcm.
func newOutMeter(rate, bits int, sets []meterSet, pcm []FrameSpan) *outMeter {
	m := &outMeter{
		scale: math.Ldexp(1, 1-bits),
		work:  make(chan *meterBlock, meterBlocks),
		free:  make(chan *meterBlock, meterBlocks),
		done:  make(chan error, 1),
	}
	for _, set := range sets {
		// One worker: the meter already runs beside the rest of the
		// build, and filtering both channels in one loop costs less than
		// splitting them.
		cfg := loudness.Config{Rate: rate, Channels: 2, TruePeak: loudness.TruePeakOff, Workers: 1}
		if set.truePeak {
			cfg.TruePeak = loudness.TruePeakAccurate
		}
		m.sets = append(m.sets, newSegmentMeter(set.spans, cfg))
	}
	if len(pcm) > 0 {
		m.pcm = newPCMHasher(bits, pcm)
	}
	for range meterBlocks {
		m.free <- &meterBlock{x: [2][]float64{make([]float64, meterBlockFrames), make([]float64, meterBlockFrames)}}
	}
	go m.run()
	return m
}

func (m *outMeter) run() {
	var err error
	for b := range m.work {
		if err == nil {
			x := [][]float64{b.x[0][:b.n], b.x[1][:b.n]}
			if m.pcm != nil {
				m.pcm.write(b.start, b.raw)
			}
			err = feedSets(m.sets, b.start, x)
		}
		m.free <- b
	}
	for _, s := range m.sets {
		if err == nil {
			err = s.finish()
		}
	}
	m.done <- err
}

// add meters the frames of b as written: b.Int when the stream is
// quantized, b.Float rounded to float32 otherwise.
func (m *outMeter) add(b *Block) {
	n := b.Frames()
	for off := 0; off < n; {
		if m.cur == nil {
			m.cur = <-m.free
			m.cur.start, m.cur.n, m.cur.raw = b.Start+int64(off), 0, m.cur.raw[:0]
		}
		k := min(n-off, meterBlockFrames-m.cur.n)
		if m.pcm != nil {
			m.cur.raw = m.pcm.pack(m.cur.raw, b, off, off+k)
		}
		for c := range 2 {
			dst := m.cur.x[c][m.cur.n : m.cur.n+k]
			if b.Int != nil {
				for i, v := range b.Int[c][off : off+k] {
					dst[i] = float64(v) * m.scale
				}
			} else {
				for i, v := range b.Float[c][off : off+k] {
					dst[i] = float64(float32(v))
				}
			}
		}
		m.cur.n += k
		off += k
		if m.cur.n == meterBlockFrames {
			m.work <- m.cur
			m.cur = nil
		}
	}
}

// finish meters what is left and waits for the results.
func (m *outMeter) finish() error {
	if m.ended {
		return nil
	}
	if m.cur != nil && m.cur.n > 0 {
		m.work <- m.cur
	}
	m.cur = nil
	m.ended = true
	close(m.work)
	return <-m.done
}

// abort stops the meter's goroutine.
func (m *outMeter) abort() {
	if m == nil || m.ended {
		return
	}
	m.cur = nil
	m.ended = true
	close(m.work)
	<-m.done
}
