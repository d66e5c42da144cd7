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
// program's. It yields exactly TrackLayout.Length frames.
type trackStream struct {
	num    int // track number, for messages
	path   string
	tl     *album.TrackLayout
	src    pcm.Source
	rs     *dsp.Resampler // nil at the program rate
	left   int64          // source frames still to read
	out    int64          // program frames delivered
	in     [][]float64    // decode buffer (source channels)
	view   [][]float64    // windows into in, reused
	dual   [][]float64    // mono source seen as two channels
	pend   [][]float64    // resampled frames not yet delivered
	pendAt int
	eof    bool
}

const decodeBlock = 8192

func openTrack(num int, path string, tl *album.TrackLayout, rate int) (*trackStream, error) {
	src, err := pcm.Open(path)
	if err != nil {
		return nil, fmt.Errorf("render: track %d: %w", num, err)
	}
	t := &trackStream{num: num, path: path, tl: tl, src: src, left: tl.SourceLength}
	f := src.Format()
	if f.Rate != tl.SourceRate || (f.Channels == 1) != tl.Mono {
		src.Close()
		return nil, fmt.Errorf("render: track %d: %s changed since it was planned (%s)", num, path, f)
	}
	t.in = make([][]float64, f.Channels)
	t.view = make([][]float64, f.Channels)
	for c := range t.in {
		t.in[c] = make([]float64, decodeBlock)
	}
	if f.Channels == 1 {
		t.dual = [][]float64{nil, nil}
	}
	// Skip the trimmed head.
	for skip := tl.SourceStart; skip > 0; {
		k := int(min(skip, decodeBlock))
		n, err := t.read(k)
		skip -= int64(n)
		if err != nil {
			src.Close()
			return nil, err
		}
	}
	if tl.SourceRate != rate {
		t.rs, err = dsp.NewResampler(tl.SourceRate, rate, 2)
		if err == nil {
			err = t.rs.SetInputLength(tl.SourceLength)
		}
		if err == nil && t.rs.OutputLength(tl.SourceLength) != tl.Length {
			err = fmt.Errorf("resampler gives %d frames for %d, the layout %d", t.rs.OutputLength(tl.SourceLength), tl.SourceLength, tl.Length)
		}
		if err != nil {
			t.close()
			return nil, fmt.Errorf("render: track %d: %w", num, err)
		}
	}
	return t, nil
}

// read decodes exactly k frames into t.in[c][:k], or fails naming the
// track and file. A source that ends early is an error, never a short
// track.
func (t *trackStream) read(k int) (int, error) {
	n := 0
	for n < k {
		for c := range t.view {
			t.view[c] = t.in[c][n:k]
		}
		got, err := t.src.Read(t.view)
		n += got
		if errors.Is(err, io.EOF) && n < k {
			return n, fmt.Errorf("render: track %d: %s ended after %d frames, %d planned", t.num, t.path, t.tl.SourceStart+t.tl.SourceLength-t.left+int64(n), t.tl.SourceStart+t.tl.SourceLength)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return n, fmt.Errorf("render: track %d: %w", t.num, err)
		}
	}
	return n, nil
}

// next fills dst[c][:n] (two channels) with the next n program frames of
// the track.
func (t *trackStream) next(dst [][]float64) error {
	n := len(dst[0])
	for done := 0; done < n; {
		if t.rs == nil {
			k := int(min(int64(n-done), decodeBlock, t.left))
			if k == 0 {
				return fmt.Errorf("render: track %d: %s: asked for frames past the track's end", t.num, t.path)
			}
			if _, err := t.read(k); err != nil {
				return err
			}
			t.left -= int64(k)
			b := t.stereo(k)
			copy(dst[0][done:done+k], b[0])
			copy(dst[1][done:done+k], b[1])
			done += k
			continue
		}
		if t.pend != nil && t.pendAt < len(t.pend[0]) {
			k := min(n-done, len(t.pend[0])-t.pendAt)
			copy(dst[0][done:done+k], t.pend[0][t.pendAt:])
			copy(dst[1][done:done+k], t.pend[1][t.pendAt:])
			t.pendAt += k
			done += k
			continue
		}
		var out [][]float64
		var err error
		switch {
		case t.left > 0:
			k := int(min(decodeBlock, t.left))
			if _, err := t.read(k); err != nil {
				return err
			}
			t.left -= int64(k)
			out, err = t.rs.Process(t.stereo(k))
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
	t.out += int64(n)
	return nil
}

// stereo returns the k decoded frames as two channels.
func (t *trackStream) stereo(k int) [][]float64 {
	if t.dual != nil {
		t.dual[0], t.dual[1] = t.in[0][:k], t.in[0][:k]
		return t.dual
	}
	return [][]float64{t.in[0][:k], t.in[1][:k]}
}

func (t *trackStream) close() error {
	var err error
	if t.rs != nil {
		t.rs.Close()
	}
	if t.src != nil {
		err = t.src.Close()
		t.src = nil
	}
	return err
}
