package render

import (
	"errors"
	"fmt"
	"io"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/dsp"
	"github.com/lathe-audio/lathe/pcm"
)

// trackStream delivers one track's audio at the program rate: its source
// decoded, trimmed to [SourceStart, SourceStart+SourceLength), mono made
// dual mono, and resampled when the source rate differs from the
// program's. It yields exactly TrackLayout.Length frames. The source is
// decoded ahead on a goroutine of its own (readAhead).
type trackStream struct {
	num    int // track number, for messages
	path   string
	ra     *readAhead
	rs     *dsp.Resampler // nil at the program rate
	cur    *chunk         // decoded frames being consumed
	at     int            // next frame of cur
	view   [2][]float64
	left   int64       // source frames not yet taken for resampling
	pend   [][]float64 // resampled frames not yet delivered
	pendAt int
	eof    bool
}

// decodeBlock is the number of source frames decoded at a time, and
// decodeAhead how many such chunks the decoder may hold ready.
const (
	decodeBlock = 8192
	decodeAhead = 4
)

func openTrack(num int, path string, tl *album.TrackLayout, rate int) (*trackStream, error) {
	src, err := pcm.Open(path)
	if err != nil {
		return nil, fmt.Errorf("render: track %d: %w", num, err)
	}
	f := src.Format()
	if f.Rate != tl.SourceRate || (f.Channels == 1) != tl.Mono {
		src.Close()
		return nil, fmt.Errorf("render: track %d: %s changed since it was planned (%s)", num, path, f)
	}
	t := &trackStream{num: num, path: path, left: tl.SourceLength}
	if tl.SourceRate != rate {
		t.rs, err = dsp.NewResampler(tl.SourceRate, rate, 2)
		if err == nil {
			err = t.rs.SetInputLength(tl.SourceLength)
		}
		if err == nil && t.rs.OutputLength(tl.SourceLength) != tl.Length {
			err = fmt.Errorf("resampler gives %d frames for %d, the layout %d", t.rs.OutputLength(tl.SourceLength), tl.SourceLength, tl.Length)
		}
		if err != nil {
			if t.rs != nil {
				t.rs.Close()
			}
			src.Close()
			return nil, fmt.Errorf("render: track %d: %w", num, err)
		}
	}
	t.ra = startReadAhead(num, path, src, tl.SourceStart, tl.SourceLength)
	return t, nil
}

// take returns up to k decoded frames as two channels (a mono source's
// one channel twice), valid until the next call.
func (t *trackStream) take(k int) ([][]float64, error) {
	if t.cur == nil || t.at == t.cur.n {
		if t.cur != nil {
			t.ra.free <- t.cur
			t.cur = nil
		}
		c, ok := <-t.ra.full
		if !ok {
			return nil, fmt.Errorf("render: track %d: %s: asked for frames past the track's end", t.num, t.path)
		}
		if c.err != nil {
			return nil, c.err
		}
		t.cur, t.at = c, 0
	}
	m := min(k, t.cur.n-t.at)
	x := t.cur.data
	t.view[0] = x[0][t.at : t.at+m]
	t.view[1] = x[len(x)-1][t.at : t.at+m]
	t.at += m
	return t.view[:], nil
}

// next fills dst[c][:n] (two channels) with the next n program frames of
// the track, times the linear gain g.
func (t *trackStream) next(dst [][]float64, g float64) error {
	n := len(dst[0])
	for done := 0; done < n; {
		if t.rs == nil {
			b, err := t.take(n - done)
			if err != nil {
				return err
			}
			k := len(b[0])
			dsp.CopyGain(dst[0][done:done+k], b[0], g)
			dsp.CopyGain(dst[1][done:done+k], b[1], g)
			done += k
			continue
		}
		if t.pend != nil && t.pendAt < len(t.pend[0]) {
			k := min(n-done, len(t.pend[0])-t.pendAt)
			dsp.CopyGain(dst[0][done:done+k], t.pend[0][t.pendAt:], g)
			dsp.CopyGain(dst[1][done:done+k], t.pend[1][t.pendAt:], g)
			t.pendAt += k
			done += k
			continue
		}
		var out [][]float64
		var err error
		switch {
		case t.left > 0:
			b, err := t.take(decodeBlock)
			if err != nil {
				return err
			}
			t.left -= int64(len(b[0]))
			out, err = t.rs.Process(b)
			if err != nil {
				return fmt.Errorf("render: track %d: %s: %w", t.num, t.path, err)
			}
		case !t.eof:
			t.eof = true
			out, err = t.rs.Flush()
		default:
			return fmt.Errorf("render: track %d: %s: the resampler ended early", t.num, t.path)
		}
		if err != nil {
			return fmt.Errorf("render: track %d: %s: %w", t.num, t.path, err)
		}
		t.pend, t.pendAt = out, 0
	}
	return nil
}

func (t *trackStream) close() error {
	if t.rs != nil {
		t.rs.Close()
		t.rs = nil
	}
	if t.ra == nil {
		return nil
	}
	err := t.ra.close()
	t.ra = nil
	return err
}

// chunk is a run of decoded source frames.
type chunk struct {
	data [][]float64 // the source's channels
	n    int
	err  error // instead of frames
}

// readAhead decodes a source on its own goroutine, a few chunks ahead of
// the assembler, so that decoding runs beside the rest of the pipeline.
// Every frame is delivered in order, so the result does not depend on
// scheduling.
type readAhead struct {
	full chan *chunk // decoded, in order; closed after the last
	free chan *chunk // for the decoder to fill
	stop chan struct{}
	done chan error // the source's Close
}

func startReadAhead(num int, path string, src pcm.Source, skip, length int64) *readAhead {
	r := &readAhead{
		full: make(chan *chunk, decodeAhead),
		free: make(chan *chunk, decodeAhead),
		stop: make(chan struct{}),
		done: make(chan error, 1),
	}
	ch := src.Format().Channels
	for range decodeAhead {
		c := &chunk{data: make([][]float64, ch)}
		for i := range c.data {
			c.data[i] = make([]float64, decodeBlock)
		}
		r.free <- c
	}
	go r.run(num, path, src, skip, length)
	return r
}

// run skips the trimmed head and decodes length frames, then closes src.
func (r *readAhead) run(num int, path string, src pcm.Source, skip, length int64) {
	defer func() { r.done <- src.Close() }()
	defer close(r.full)
	view := make([][]float64, src.Format().Channels)
	total, pos := skip+length, int64(0)
	for pos < total {
		var c *chunk
		select {
		case c = <-r.free:
		case <-r.stop:
			return
		}
		k := int(min(decodeBlock, total-pos))
		if pos < skip {
			k = int(min(int64(k), skip-pos))
		}
		c.n, c.err = 0, nil
		for c.n < k {
			for i := range view {
				view[i] = c.data[i][c.n:k]
			}
			got, err := src.Read(view)
			c.n += got
			if errors.Is(err, io.EOF) && c.n < k {
				c.err = fmt.Errorf("render: track %d: %s ended after %d frames, %d planned", num, path, pos+int64(c.n), total)
				break
			}
			if err != nil && !errors.Is(err, io.EOF) {
				c.err = fmt.Errorf("render: track %d: %w", num, err)
				break
			}
		}
		skipped := pos < skip
		pos += int64(c.n)
		if skipped && c.err == nil {
			r.free <- c
			continue
		}
		select {
		case r.full <- c:
		case <-r.stop:
			return
		}
		if c.err != nil {
			return
		}
	}
}

// close stops the decoder and returns the error of closing the source.
func (r *readAhead) close() error {
	close(r.stop)
	return <-r.done
}
