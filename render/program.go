package render

import (
	"fmt"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/dsp"
)

// Frame classes: what the assembler did to each program frame. A value
// between 1 and 32 marks an untouched copy of an integer source of that
// many bits.
const (
	classSilence uint8 = 0    // digital silence the assembler inserted
	classTouched uint8 = 0xFF // processed audio (gain, fade, crossfade, resampling)
)

// trackParams is how one track enters the program.
type trackParams struct {
	gain   float64   // linear
	fade   dsp.Curve // fade_in / fade_out curve
	xfade  dsp.Curve // curve of the crossfade into this track
	bits   int       // bits of an integer source at the program rate; 0 otherwise
	path   string
	layout *album.TrackLayout
}

// newParams converts the album's per-track settings, with gains in dB.
func newParams(a *album.Album, l *album.Layout, paths []string, gainsDB []float64, src []SourceFormat) ([]trackParams, error) {
	if len(paths) != len(l.Tracks) || len(a.Tracks) != len(l.Tracks) {
		return nil, fmt.Errorf("render: %d tracks, %d laid out, %d sources", len(a.Tracks), len(l.Tracks), len(paths))
	}
	tp := make([]trackParams, len(l.Tracks))
	for k := range l.Tracks {
		t := &a.Tracks[k]
		fade, err := dsp.ParseCurve(string(t.FadeCurve))
		if err != nil {
			return nil, fmt.Errorf("render: track %d: %w", k+1, err)
		}
		xfade, err := dsp.ParseCurve(string(t.CrossfadeCurve))
		if err != nil {
			return nil, fmt.Errorf("render: track %d: %w", k+1, err)
		}
		tp[k] = trackParams{gain: 1, fade: fade, xfade: xfade, path: paths[k], layout: &l.Tracks[k]}
		if gainsDB != nil && gainsDB[k] != 0 {
			tp[k].gain = dsp.DBToLinear(gainsDB[k])
		}
		if src != nil && !src[k].Float && l.Tracks[k].SourceRate == l.Rate {
			tp[k].bits = src[k].Bits
		}
	}
	return tp, nil
}

// SourceFormat is what the engine needs to know of a source's samples to
// decide whether they can pass untouched.
type SourceFormat struct {
	Bits  int  // bits per sample as stored
	Float bool // IEEE float samples
}

// program assembles the album program block by block (docs/design.md §3):
// from A-time 00:00:00 to the lead-out, at the program rate.
type program struct {
	layout  *album.Layout
	rate    int
	tracks  []trackParams
	streams []*trackStream
	done    []bool
	first   int   // first track not finished
	pos     int64 // next program frame
	end     int64 // the lead-out, in frames
	filled  int64 // end of the audio added to the current block so far
	scratch [2][]float64
	view    [2][]float64
}

func newProgram(l *album.Layout, tracks []trackParams) *program {
	return &program{
		layout:  l,
		rate:    l.Rate,
		tracks:  tracks,
		streams: make([]*trackStream, len(tracks)),
		done:    make([]bool, len(tracks)),
		end:     album.Samples(l.LeadOut, l.Rate),
	}
}

// read assembles the next frames into data[c][:n] and their classes into
// cls[:n], n = min(len(data[0]), frames left). It returns 0 at the end.
func (p *program) read(data [][]float64, cls []uint8) (int, error) {
	n := int(min(int64(len(data[0])), p.end-p.pos))
	if n <= 0 {
		return 0, nil
	}
	lo, hi := p.pos, p.pos+int64(n)
	// Tracks are added in order; audio lies only in [lo, p.filled) before
	// each, so a track that starts at or after it is decoded straight into
	// the block, and only a crossfade's overlap is mixed.
	p.filled = lo
	for k := p.first; k < len(p.tracks) && p.tracks[k].layout.Start < hi; k++ {
		if p.done[k] {
			continue
		}
		if err := p.addTrack(k, data, cls, lo, hi); err != nil {
			return 0, err
		}
	}
	// Whatever no track covered is inserted silence.
	for c := range data {
		clear(data[c][p.filled-lo : n])
	}
	clear(cls[p.filled-lo : n])
	for p.first < len(p.tracks) && p.done[p.first] {
		p.first++
	}
	p.pos = hi
	return n, nil
}

// addTrack adds track k's audio in [lo, hi) to the block.
func (p *program) addTrack(k int, data [][]float64, cls []uint8, lo, hi int64) error {
	tp := &p.tracks[k]
	tl := tp.layout
	a, b := max(lo, tl.Start), min(hi, tl.End())
	if a >= b {
		return nil
	}
	if p.streams[k] == nil {
		s, err := openTrack(k+1, tp.path, tl, p.rate)
		if err != nil {
			return err
		}
		p.streams[k] = s
	}
	m, off := int(b-a), int(a-lo)
	// Silence up to the track's audio, then the audio: straight into the
	// block, or into scratch space to be mixed over an earlier track's.
	mix := a < p.filled
	for c := range data {
		clear(data[c][p.filled-lo : max(p.filled, a)-lo])
	}
	clear(cls[p.filled-lo : max(p.filled, a)-lo])
	var s [][]float64
	if mix {
		if len(p.scratch[0]) < m {
			p.scratch = [2][]float64{make([]float64, m), make([]float64, m)}
		}
		p.view = [2][]float64{p.scratch[0][:m], p.scratch[1][:m]}
	} else {
		p.view = [2][]float64{data[0][off : off+m], data[1][off : off+m]}
	}
	s = p.view[:]
	if err := p.streams[k].next(s, tp.gain); err != nil {
		return err
	}
	if tl.FadeIn > 0 {
		dsp.FadeIn(s, tp.fade, a-tl.Start, tl.FadeIn)
	}
	if tl.FadeOut > 0 {
		dsp.FadeOut(s, tp.fade, a-(tl.End()-tl.FadeOut), tl.FadeOut)
	}
	// The crossfade into this track, and out of it into the next. FadeIn
	// and FadeOut leave frames outside their region alone.
	xin, xout := tl.Crossfade, int64(0)
	if xin > 0 {
		dsp.FadeIn(s, tp.xfade, a-tl.Start, xin)
	}
	if k+1 < len(p.tracks) {
		if next := &p.tracks[k+1]; next.layout.Crossfade > 0 {
			xout = next.layout.Crossfade
			dsp.FadeOut(s, next.xfade, a-(tl.End()-xout), xout)
		}
	}
	if mix {
		for c := range data {
			d := data[c][off : off+m]
			for i, v := range s[c] {
				d[i] += v
			}
		}
		// Past the earlier audio, the block was not cleared yet.
		if e := int(p.filled - lo); e < off+m {
			for c := range data {
				copy(data[c][e:off+m], s[c][e-off:])
			}
		}
	}
	// Classes: untouched copies of an integer source at the program rate,
	// at unity gain, outside every fade and crossfade; touched audio
	// elsewhere and where two tracks overlap.
	u0, u1 := b, b
	if tp.bits > 0 && tp.gain == 1 {
		u0 = min(max(a, tl.Start+max(tl.FadeIn, xin)), b)
		u1 = max(min(b, tl.End()-max(tl.FadeOut, xout)), u0)
	}
	if mix {
		u0 = max(u0, min(p.filled, u1))
	}
	fill(cls[a-lo:u0-lo], classTouched)
	fill(cls[u0-lo:u1-lo], uint8(tp.bits))
	fill(cls[u1-lo:b-lo], classTouched)
	p.filled = max(p.filled, b)
	if b == tl.End() {
		p.done[k] = true
		err := p.streams[k].close()
		p.streams[k] = nil
		if err != nil {
			return fmt.Errorf("render: track %d: %w", k+1, err)
		}
	}
	return nil
}

func fill(x []uint8, v uint8) {
	for i := range x {
		x[i] = v
	}
}

// close releases the sources still open (after an error).
func (p *program) close() {
	for k, s := range p.streams {
		if s != nil {
			s.close()
			p.streams[k] = nil
		}
	}
}
