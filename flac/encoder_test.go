package flac_test

import (
	"bytes"
	"errors"
	"github.com/lathe-audio/lathe/internal/leakcheck"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/flac"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
)

// encodeFile encodes samples to a new file in t's temporary folder in
// blocks of block frames and returns its path.
func encodeFile(t testing.TB, name string, cfg flac.Config, samples [][]int32, block int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := encode(f, cfg, samples, block); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func encode(w io.WriteSeeker, cfg flac.Config, samples [][]int32, block int) error {
	e, err := flac.NewEncoder(w, cfg)
	if err != nil {
		return err
	}
	return metadatatest.WriteBlocks(e, samples, block)
}

var testTags = []metadata.Field{
	{Name: "TITLE", Value: metadatatest.Titles[0]},
	{Name: "ARTIST", Value: "Les Éléments"},
	{Name: "TRACKNUMBER", Value: "1"},
}

// TestDeterministic encodes the same audio in blocks of 1, 787, 4096 and
// 81761 frames, into a file and into memory at an offset, and requires
// identical bytes: the output depends only on the samples.
func TestDeterministic(t *testing.T) {
	x := metadatatest.Signal(1, 44100, 2, 100000, 16)
	cover := &metadata.Picture{MIME: "image/png", Width: 8, Height: 8, Depth: 24, Data: metadatatest.PNG(t, 8, 8)}
	cfg := flac.Config{Name: "det", Rate: 44100, Channels: 2, Bits: 16, Compression: 5, Tags: testTags, Cover: cover}
	want := metadatatest.CheckDeterministic(t, func(w io.WriteSeeker, block int) error {
		return encode(w, cfg, x, block)
	})
	path := encodeFile(t, "det.flac", cfg, x, 4096)
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("file encoding differs from the memory encoding")
	}
}

func TestConfigErrors(t *testing.T) {
	good := flac.Config{Name: "t.flac", Rate: 44100, Channels: 2, Bits: 16, Compression: 8}
	tests := []struct {
		edit func(*flac.Config)
		want string
	}{
		{func(c *flac.Config) { c.Rate = 0 }, "flac: t.flac: sample rate 0 Hz"},
		{func(c *flac.Config) { c.Channels = 9 }, "9 channels"},
		{func(c *flac.Config) { c.Bits = 20 }, "20-bit samples, want 16 or 24"},
		{func(c *flac.Config) { c.Compression = 9 }, "compression 9"},
		{func(c *flac.Config) { c.Padding = -1 }, "padding of -1 bytes"},
		{func(c *flac.Config) { c.Padding = 1 << 24 }, "padding of 16777216 bytes"},
		{func(c *flac.Config) { c.Tags = []metadata.Field{{Name: "TI=TLE", Value: "x"}} }, `tag "TI=TLE"`},
		{func(c *flac.Config) { c.Tags = []metadata.Field{{Name: "TITLE", Value: "\xff"}} }, "tag TITLE: value is not valid UTF-8"},
		{func(c *flac.Config) {
			c.Cover = &metadata.Picture{MIME: "image/png", Data: make([]byte, 1<<24)}
		}, "more than FLAC allows"},
	}
	for _, tt := range tests {
		cfg := good
		tt.edit(&cfg)
		_, err := flac.NewEncoder(&metadatatest.MemFile{}, cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewEncoder(%+v) error = %v, want it to contain %q", cfg, err, tt.want)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	cfg := flac.Config{Name: "t.flac", Rate: 44100, Channels: 2, Bits: 16, Compression: 8}
	tests := []struct {
		samples [][]int32
		want    string
	}{
		{[][]int32{{1, 2}}, "flac: t.flac: write: 1 channels, want 2"},
		{[][]int32{{1, 2}, {1}}, "channel 1 has 1 frames, channel 0 has 2"},
		{[][]int32{{0, 0, 0}, {0, 32768, 0}}, "sample 32768 at frame 1 of channel 1 is out of the 16-bit range"},
		{[][]int32{{-32769}, {0}}, "sample -32769 at frame 0 of channel 0"},
	}
	for _, tt := range tests {
		e, err := flac.NewEncoder(&metadatatest.MemFile{}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = e.Write(tt.samples)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Write error = %v, want it to contain %q", err, tt.want)
		}
		if err2 := e.Write([][]int32{{0}, {0}}); err2 != err {
			t.Errorf("Write after an error = %v, want the same error", err2)
		}
		if err2 := e.Close(); err2 != err {
			t.Errorf("Close after an error = %v, want the same error", err2)
		}
	}
}

func TestTotalFramesMismatch(t *testing.T) {
	cfg := flac.Config{Name: "t.flac", Rate: 48000, Channels: 1, Bits: 24, Compression: 0, TotalFrames: 1000}
	err := encode(&metadatatest.MemFile{}, cfg, [][]int32{make([]int32, 999)}, 4096)
	if err == nil || !strings.Contains(err.Error(), "999 frames written, 1000 announced") {
		t.Errorf("error = %v, want a frame count mismatch", err)
	}
	if err := encode(&metadatatest.MemFile{}, cfg, [][]int32{make([]int32, 1000)}, 4096); err != nil {
		t.Errorf("exact count: %v", err)
	}
}

// TestWriterErrors fails the output at several points: in the header, in
// the audio, and when Close writes the tags; each error must surface,
// wrapping the writer's.
func TestWriterErrors(t *testing.T) {
	x := metadatatest.Signal(2, 44100, 2, 50000, 16)
	cfg := flac.Config{Name: "full.flac", Rate: 44100, Channels: 2, Bits: 16, Compression: 1, Tags: testTags}
	m := &metadatatest.MemFile{}
	if err := encode(m, cfg, x, 4096); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, 10, 200, len(m.B) / 2, len(m.B) - 1} {
		err := encode(&metadatatest.FailWriter{Limit: limit}, cfg, x, 4096)
		if !errors.Is(err, metadatatest.ErrDiskFull) || !strings.HasPrefix(err.Error(), "flac: full.flac: ") {
			t.Errorf("limit %d of %d: error = %v, want the prefixed disk-full error", limit, len(m.B), err)
		}
	}
}

// TestManyEncoders encodes 100 short tagged files and checks that neither
// the C heap nor the Go heap grows with the count: every libFLAC encoder,
// metadata object and sample buffer is freed by Close.
func TestManyEncoders(t *testing.T) {
	x := metadatatest.Signal(3, 44100, 2, 5000, 16)
	cover := &metadata.Picture{MIME: "image/png", Width: 64, Height: 64, Depth: 24, Data: metadatatest.PNG(t, 64, 64)}
	cfg := flac.Config{Name: "many", Rate: 44100, Channels: 2, Bits: 16, Compression: 8, Tags: testTags, Cover: cover}
	// One leaked libFLAC encoder alone holds hundreds of kilobytes.
	leakcheck.Check(t, 256<<10, func() {
		if err := encode(&metadatatest.MemFile{}, cfg, x, 4096); err != nil {
			t.Fatal(err)
		}
	})
}

// TestParallel runs encoders of both kinds of input concurrently (as a
// build does, one goroutine per delivery) and requires the bytes of a
// serial encoding: encoders share no state.
func TestParallel(t *testing.T) {
	cfgs := []flac.Config{
		{Name: "a", Rate: 44100, Channels: 2, Bits: 16, Compression: 8, Tags: testTags},
		{Name: "b", Rate: 96000, Channels: 2, Bits: 24, Compression: 5},
		{Name: "c", Rate: 48000, Channels: 1, Bits: 24, Compression: 0, Tags: testTags},
		{Name: "d", Rate: 44100, Channels: 2, Bits: 16, Compression: 3},
	}
	inputs := make([][][]int32, len(cfgs))
	want := make([][]byte, len(cfgs))
	for i, cfg := range cfgs {
		inputs[i] = metadatatest.Signal(uint64(i), cfg.Rate, cfg.Channels, 30000, cfg.Bits)
		m := &metadatatest.MemFile{}
		if err := encode(m, cfg, inputs[i], 4096); err != nil {
			t.Fatal(err)
		}
		want[i] = m.B
	}
	got := make([]*metadatatest.MemFile, len(cfgs))
	errs := make([]error, len(cfgs))
	done := make(chan int)
	for i, cfg := range cfgs {
		go func() {
			got[i] = &metadatatest.MemFile{}
			errs[i] = encode(got[i], cfg, inputs[i], 1000+i)
			done <- i
		}()
	}
	for range cfgs {
		<-done
	}
	for i := range cfgs {
		if errs[i] != nil || !bytes.Equal(got[i].B, want[i]) {
			t.Errorf("encoder %s: concurrent encoding differs from the serial one (error %v)", cfgs[i].Name, errs[i])
		}
	}
}

// TestWritePCM: interleaved little-endian PCM given to WritePCM, in
// pieces of any whole number of frames, encodes to the same bytes as the
// same samples given to Write, for 16 and 24 bits and one to three
// channels, the extreme values included; a piece that is not whole frames
// is refused.
func TestWritePCM(t *testing.T) {
	for _, bits := range []int{16, 24} {
		for _, channels := range []int{1, 2, 3} {
			x := metadatatest.Signal(3, 48000, channels, 30000, bits)
			hi := int32(1)<<(bits-1) - 1
			for c := range x {
				x[c][c], x[c][c+5] = -hi-1, hi
			}
			cfg := flac.Config{Name: "pcm", Rate: 48000, Channels: channels, Bits: bits, Compression: 5, Tags: testTags, Padding: 512}
			want := &metadatatest.MemFile{}
			if err := encode(want, cfg, x, 4096); err != nil {
				t.Fatal(err)
			}
			bps := bits / 8
			var pcm []byte
			for i := range x[0] {
				for c := range x {
					for b := range bps {
						pcm = append(pcm, byte(x[c][i]>>(8*b)))
					}
				}
			}
			fb := bps * channels
			got := &metadatatest.MemFile{}
			e, err := flac.NewEncoder(got, cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, frames := range []int{1, 1000, 8193, 20000} {
				n := min(frames*fb, len(pcm))
				if err := e.WritePCM(pcm[:n]); err != nil {
					t.Fatal(err)
				}
				pcm = pcm[n:]
			}
			if err := e.WritePCM(pcm); err != nil {
				t.Fatal(err)
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.B, want.B) {
				t.Errorf("%d-bit, %d channels: WritePCM encoded %d bytes that differ from Write's %d", bits, channels, len(got.B), len(want.B))
			}
			e, err = flac.NewEncoder(&metadatatest.MemFile{}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.WritePCM(make([]byte, fb+1)); err == nil || !strings.Contains(err.Error(), "not whole") {
				t.Errorf("%d-bit, %d channels: %d bytes accepted as whole frames (%v)", bits, channels, fb+1, err)
			}
			e.Close()
		}
	}
}
