package mp3_test

import (
	"bytes"
	"errors"
	"github.com/lathe-audio/lathe/internal/leakcheck"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
	"github.com/lathe-audio/lathe/mp3"
)

func encode(w io.WriteSeeker, cfg mp3.Config, samples [][]int32, block int) error {
	e, err := mp3.NewEncoder(w, cfg)
	if err != nil {
		return err
	}
	return metadatatest.WriteBlocks(e, samples, block)
}

// encodeFile encodes samples to a new file in t's temporary folder.
func encodeFile(t testing.TB, name string, cfg mp3.Config, samples [][]int32) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := encode(f, cfg, samples, 4096); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func quality(q int) *int { return &q }

var testFrames = []metadata.Frame{
	{ID: "TIT2", Text: metadatatest.Titles[2]},
	{ID: "TPE1", Text: "Les Éléments"},
	{ID: "TXXX", Desc: "BARCODE", Text: "0123456789012"},
	{ID: "COMM", Lang: "eng", Text: "a comment"},
}

// TestDeterministic encodes the same audio in blocks of 1, 787, 4096 and
// 81761 frames, into memory at an offset and into a file, and requires
// identical bytes: the output depends only on the samples.
func TestDeterministic(t *testing.T) {
	x := metadatatest.Signal(1, 44100, 2, 60000, 16)
	cover := &metadata.Picture{MIME: "image/jpeg", Data: metadatatest.JPEG(t, 16, 16)}
	cfg := mp3.Config{Name: "det", Rate: 44100, Channels: 2, Bits: 16, Tags: testFrames, Cover: cover}
	want := metadatatest.CheckDeterministic(t, func(w io.WriteSeeker, block int) error {
		return encode(w, cfg, x, block)
	})
	got, err := os.ReadFile(encodeFile(t, "det.mp3", cfg, x))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("file encoding differs from the memory encoding")
	}
}

// TestLayout checks the start of the file byte by byte: an ID3v2.4 tag
// header with the synchsafe size of the frames that follow, then the first
// MPEG frame, which must be the LAME info tag ("Info" for CBR, "Xing" for
// VBR, after the side information: 32 bytes in stereo, 17 in mono).
func TestLayout(t *testing.T) {
	tests := []struct {
		channels int
		quality  *int
		magic    string
		side     int
	}{
		{2, nil, "Info", 32},
		{1, nil, "Info", 17},
		{2, quality(2), "Xing", 32},
	}
	for _, tt := range tests {
		x := metadatatest.Signal(2, 48000, tt.channels, 30000, 24)
		m := &metadatatest.MemFile{}
		cfg := mp3.Config{Name: "layout", Rate: 48000, Channels: tt.channels, Bits: 24, Quality: tt.quality, Tags: testFrames}
		if err := encode(m, cfg, x, 4096); err != nil {
			t.Fatal(err)
		}
		b := m.B
		if string(b[:6]) != "ID3\x04\x00\x00" {
			t.Fatalf("header % x, want ID3 v2.4.0 with no flags", b[:6])
		}
		size := int(b[6])<<21 | int(b[7])<<14 | int(b[8])<<7 | int(b[9])
		// Four frames, each after a 10-byte frame header: TIT2 (encoding
		// byte, the UTF-8 title, a NUL that id3v2 ends text frames with),
		// TPE1 (1 + 14 + 1), TXXX (1 + "BARCODE\x00" + 13), COMM (1 + "eng"
		// + an empty description's NUL + 9).
		if want := 10 + 1 + len(metadatatest.Titles[2]) + 1 + 10 + 1 + 14 + 1 + 10 + 1 + 8 + 13 + 10 + 1 + 3 + 1 + 9; size != want {
			t.Errorf("tag size %d, want %d", size, want)
		}
		if string(b[10:14]) != "TIT2" {
			t.Errorf("first frame %q, want TIT2 (frames in the order given)", b[10:14])
		}
		f := b[10+size:]
		if f[0] != 0xFF || f[1]&0xE0 != 0xE0 {
			t.Fatalf("no MPEG sync after the tag: % x", f[:4])
		}
		if got := string(f[4+tt.side:][:4]); got != tt.magic {
			t.Errorf("%d channels, quality %v: first frame holds %q at %d, want the %q info tag", tt.channels, tt.quality, got, 4+tt.side, tt.magic)
		}
		if !bytes.Contains(f[:400], []byte("LAME3.100")) {
			t.Errorf("first frame lacks LAME's version string")
		}
	}
}

func TestConfigErrors(t *testing.T) {
	good := mp3.Config{Name: "t.mp3", Rate: 44100, Channels: 2, Bits: 16}
	tests := []struct {
		edit func(*mp3.Config)
		want string
	}{
		{func(c *mp3.Config) { c.Rate = 96000 }, "mp3: t.mp3: sample rate 96000 Hz, want 32000, 44100 or 48000"},
		{func(c *mp3.Config) { c.Channels = 3 }, "3 channels"},
		{func(c *mp3.Config) { c.Bits = 32 }, "32-bit samples"},
		{func(c *mp3.Config) { c.Bitrate = 300 }, "bitrate 300 kb/s"},
		{func(c *mp3.Config) { c.Quality = quality(10) }, "VBR quality 10"},
		{func(c *mp3.Config) { c.Bitrate, c.Quality = 320, quality(0) }, "both a bitrate"},
		{func(c *mp3.Config) { c.Padding = -1 }, "ID3v2 padding of -1 bytes"},
		{func(c *mp3.Config) { c.Tags = []metadata.Frame{{ID: "TIT", Text: "x"}} }, `frame ID "TIT"`},
		{func(c *mp3.Config) { c.Tags = []metadata.Frame{{ID: "TIT2", Text: "a\x00b"}} }, "frame TIT2: text holds a NUL"},
		{func(c *mp3.Config) { c.Tags = []metadata.Frame{{ID: "TIT2", Text: "\xc3"}} }, "not valid UTF-8"},
		{func(c *mp3.Config) { c.Tags = []metadata.Frame{{ID: "COMM", Text: "x", Lang: "en"}} }, "language"},
		{func(c *mp3.Config) { c.Tags = []metadata.Frame{{ID: "WOAR", Text: "x"}} }, "not a text frame"},
	}
	for _, tt := range tests {
		cfg := good
		tt.edit(&cfg)
		_, err := mp3.NewEncoder(&metadatatest.MemFile{}, cfg)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewEncoder error = %v, want it to contain %q", err, tt.want)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	cfg := mp3.Config{Name: "t.mp3", Rate: 44100, Channels: 2, Bits: 24}
	tests := []struct {
		samples [][]int32
		want    string
	}{
		{[][]int32{{1, 2}}, "mp3: t.mp3: write: 1 channels, want 2"},
		{[][]int32{{1, 2}, {1}}, "channel 1 has 1 frames, channel 0 has 2"},
		{[][]int32{{0, 1 << 23}, {0, 0}}, "sample 8388608 at frame 1 of channel 0 is out of the 24-bit range"},
	}
	for _, tt := range tests {
		e, err := mp3.NewEncoder(&metadatatest.MemFile{}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = e.Write(tt.samples)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Write error = %v, want it to contain %q", err, tt.want)
		}
		if err2 := e.Close(); err2 != err {
			t.Errorf("Close after an error = %v, want the same error", err2)
		}
	}
	cfg.TotalFrames = 10
	if err := encode(&metadatatest.MemFile{}, cfg, [][]int32{make([]int32, 9), make([]int32, 9)}, 4); err == nil || !strings.Contains(err.Error(), "9 frames written, 10 announced") {
		t.Errorf("short stream: error = %v, want a frame count mismatch", err)
	}
}

// TestWriterErrors fails the output in the tag, in the audio and at the
// end; each error must surface, prefixed and wrapping the writer's.
func TestWriterErrors(t *testing.T) {
	x := metadatatest.Signal(2, 44100, 2, 50000, 16)
	cfg := mp3.Config{Name: "full.mp3", Rate: 44100, Channels: 2, Bits: 16, Tags: testFrames}
	m := &metadatatest.MemFile{}
	if err := encode(m, cfg, x, 4096); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{0, 50, 200, len(m.B) / 2, len(m.B) - 1} {
		err := encode(&metadatatest.FailWriter{Limit: limit}, cfg, x, 4096)
		if !errors.Is(err, metadatatest.ErrDiskFull) || !strings.HasPrefix(err.Error(), "mp3: full.mp3: ") {
			t.Errorf("limit %d of %d: error = %v, want the prefixed disk-full error", limit, len(m.B), err)
		}
	}
}

// TestManyEncoders encodes 100 short tagged files and checks that neither
// the C heap nor the Go heap grows with the count: every LAME encoder and
// buffer is freed by Close.
func TestManyEncoders(t *testing.T) {
	x := metadatatest.Signal(3, 44100, 2, 5000, 16)
	cover := &metadata.Picture{MIME: "image/png", Data: metadatatest.PNG(t, 64, 64)}
	cfg := mp3.Config{Name: "many", Rate: 44100, Channels: 2, Bits: 16, Tags: testFrames, Cover: cover}
	// One leaked LAME encoder alone holds hundreds of kilobytes.
	leakcheck.Check(t, 256<<10, func() {
		if err := encode(&metadatatest.MemFile{}, cfg, x, 4096); err != nil {
			t.Fatal(err)
		}
	})
}
