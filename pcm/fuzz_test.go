package pcm_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// FuzzReadWAV opens and reads arbitrary bytes as a WAV file. It must never
// panic, and a file it opens must deliver exactly Frames() frames before
// io.EOF or fail with an error.
func FuzzReadWAV(f *testing.F) {
	dir := f.TempDir()
	for i, tt := range roundTrips {
		path := filepath.Join(dir, "seed.wav")
		opts := tt.opts
		if opts.Frames != pcm.UnknownFrames {
			opts.Frames = 61 + int64(i)
		}
		pcmtest.WriteWAVFileOptions(f, path, tt.f, opts, testSignal(tt.f.Channels, 61+i))
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(song16[:100])
	f.Add(riffOf("WAVE", chunkOf("fmt ", extOf(2, 24, 20, 1)), chunkOf("data", make([]byte, 60))))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := pcm.OpenReaderAt("fuzz.wav", bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if s.Frames() > int64(len(b)) {
			t.Fatalf("Frames() = %d from a file of %d bytes", s.Frames(), len(b))
		}
		total, err := readAllErr(s)
		if err != nil {
			return
		}
		if total != s.Frames() {
			t.Fatalf("read %d frames, Frames() = %d", total, s.Frames())
		}
	})
}

// TestHostileSizesAllocate checks that declared sizes never drive
// allocation: each header declares a chunk of about 4 GiB (or, in ds64,
// far more) in a file that claims to be 8 GiB long; opening it must
// allocate a bounded amount (after mewkiz/flac's meta/alloc_test.go).
func TestHostileSizesAllocate(t *testing.T) {
	huge := []byte{0xF0, 0xFF, 0xFF, 0xFF}
	ds64 := cat(le32b(0xFFFFFFFF), le32b(0xFFFFFFFF), // RIFF size
		le32b(0xFFFFFFFF), le32b(0x0FFFFFFF), // data size
		make([]byte, 8),   // sample count
		le32b(0xFFFFFFFF)) // table entries
	for _, tt := range []struct {
		name string
		head []byte
	}{
		{"LIST", cat(riffOf("WAVE", chunkOf("fmt ", fmt16)), []byte("LIST"), huge)},
		{"bext", cat(riffOf("WAVE", chunkOf("fmt ", fmt16)), []byte("bext"), huge)},
		{"fmt", cat(riffOf("WAVE"), []byte("fmt "), huge, fmt16)},
		{"data", cat(riffOf("WAVE", chunkOf("fmt ", fmt16)), []byte("data"), huge)},
		{"ds64", cat([]byte("RF64"), le32b(0xFFFFFFFF), []byte("WAVE"), []byte("ds64"), huge, ds64)},
	} {
		r := &sparse{head: tt.head, size: 8 << 30}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := pcm.OpenReaderAt("hostile.wav", r, r.size)
		runtime.ReadMemStats(&after)
		if s != nil {
			s.Close()
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 2<<20 {
			t.Errorf("%s: OpenReaderAt allocated %d bytes (error %v), want at most 2 MiB", tt.name, got, err)
		}
	}
}

// sparse is an io.ReaderAt of size bytes: head, then zeros.
type sparse struct {
	head []byte
	size int64
}

func (s *sparse) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), s.size-off))
	clear(p[:n])
	if off < int64(len(s.head)) {
		copy(p[:n], s.head[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// TestReadAllocs checks that reading allocates nothing per block once open.
func TestReadAllocs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.wav")
	pcmtest.WriteWAVFile(t, path, pcm.Format{Rate: 44100, Channels: 2, Bits: 24}, testSignal(2, 1<<17))
	s := open(t, path)
	defer s.Close()
	dst := [][]float64{make([]float64, 512), make([]float64, 512)}
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := s.Read(dst); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Read allocates %v times per block, want 0", allocs)
	}
}
