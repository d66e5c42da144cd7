// Package pcmtest checks implementations of pcm.Source against their
// contract and makes the audio that lathe's tests run on: sines, noise and
// deterministic "music", and WAV fixtures written from them. Tests
// synthesize their audio; no binary fixtures are committed.
package pcmtest

import (
	"errors"
	"fmt"
	"io"
	"math"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
)

// BlockSizes are the read sizes TestSource uses: one frame, small primes, a
// typical block and a block larger than most internal buffers.
var BlockSizes = []int{1, 7, 787, 4096, 81761}

// sentinel fills destination buffers so that writes past n show.
const sentinel = -1234.5

// TestSource checks that the Sources returned by open deliver exactly want
// (planar, bit for bit) and keep the pcm.Source contract:
//
//   - Format().Channels is len(want) and Frames() is len(want[0]);
//   - Read never returns more than len(dst[0]) frames nor a negative count,
//     and returns n > 0 whenever err is nil;
//   - Read leaves dst[c][n:] untouched;
//   - an empty dst reads 0 frames and no error before the end;
//   - io.EOF comes exactly after Frames() frames and sticks;
//   - the samples do not depend on the block size (each of BlockSizes, and
//     the sizes mixed within one stream);
//   - Close succeeds.
//
// open is called once per subtest and must return a fresh Source.
func TestSource(t *testing.T, open func() pcm.Source, want [][]float64) {
	t.Helper()
	for _, size := range BlockSizes {
		t.Run(fmt.Sprintf("block=%d", size), func(t *testing.T) {
			checkSource(t, open(), want, func(int) int { return size })
		})
	}
	t.Run("block=mixed", func(t *testing.T) {
		checkSource(t, open(), want, func(i int) int { return BlockSizes[i%len(BlockSizes)] })
	})
}

func checkSource(t *testing.T, s pcm.Source, want [][]float64, size func(i int) int) {
	t.Helper()
	if s == nil {
		t.Fatal("open() = nil")
	}
	frames := 0
	if len(want) > 0 {
		frames = len(want[0])
	}
	if got := s.Format().Channels; got != len(want) {
		t.Fatalf("Format().Channels = %d, want %d", got, len(want))
	}
	if got := s.Frames(); got != int64(frames) {
		t.Fatalf("Frames() = %d, want %d", got, frames)
	}
	if frames > 0 {
		if n, err := s.Read(make([][]float64, len(want))); n != 0 || err != nil {
			t.Fatalf("Read(empty) = %d, %v, want 0, nil", n, err)
		}
	}
	dst := make([][]float64, len(want))
	pos := 0
	for i := 0; ; i++ {
		bs := size(i)
		for c := range dst {
			dst[c] = fill(dst[c], bs)
		}
		n, err := s.Read(dst)
		if n < 0 || n > bs {
			t.Fatalf("read %d: Read(%d frames) = %d, out of range", i, bs, n)
		}
		if err == nil && n == 0 {
			t.Fatalf("read %d at frame %d: Read(%d frames) = 0, nil", i, pos, bs)
		}
		if pos+n > frames {
			t.Fatalf("read %d: Read returned frames up to %d of %d", i, pos+n, frames)
		}
		for c := range dst {
			for j := range n {
				if g, w := dst[c][j], want[c][pos+j]; g != w && !(math.IsNaN(g) && math.IsNaN(w)) {
					t.Fatalf("channel %d, frame %d = %v, want %v (block size %d)", c, pos+j, g, w, bs)
				}
			}
			for j := n; j < bs; j++ {
				if dst[c][j] != sentinel {
					t.Fatalf("read %d: Read returned %d frames but wrote channel %d, index %d", i, n, c, j)
				}
			}
		}
		pos += n
		if errors.Is(err, io.EOF) && err != io.EOF {
			t.Fatalf("read %d: Read error %v wraps io.EOF; the end is io.EOF itself", i, err)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read %d at frame %d: Read: %v", i, pos, err)
		}
	}
	if pos != frames {
		t.Fatalf("Read returned io.EOF after %d frames, want %d", pos, frames)
	}
	for range 2 {
		if n, err := s.Read(dst); n != 0 || err != io.EOF {
			t.Fatalf("Read after io.EOF = %d, %v, want 0, io.EOF", n, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
}

// fill returns p resized to n and filled with the sentinel.
func fill(p []float64, n int) []float64 {
	if cap(p) < n {
		p = make([]float64, n)
	}
	p = p[:n]
	for i := range p {
		p[i] = sentinel
	}
	return p
}

// ReadAll reads s to its end in blocks of 4096 frames and returns its
// samples, planar. It fails the test on any error but io.EOF.
func ReadAll(t testing.TB, s pcm.Source) [][]float64 {
	t.Helper()
	ch := s.Format().Channels
	out := make([][]float64, ch)
	dst := make([][]float64, ch)
	for c := range dst {
		dst[c] = make([]float64, 4096)
		out[c] = make([]float64, 0, max(s.Frames(), 0))
	}
	for {
		n, err := s.Read(dst)
		for c := range out {
			out[c] = append(out[c], dst[c][:n]...)
		}
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
	}
}
