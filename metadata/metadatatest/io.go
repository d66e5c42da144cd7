package metadatatest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// MemFile is an in-memory io.WriteSeeker, as the encoders need.
type MemFile struct {
	B   []byte
	Off int64
}

func (m *MemFile) Write(p []byte) (int, error) {
	if need := int(m.Off) + len(p); need > len(m.B) {
		m.B = append(m.B, make([]byte, need-len(m.B))...)
	}
	copy(m.B[m.Off:], p)
	m.Off += int64(len(p))
	return len(p), nil
}

func (m *MemFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += m.Off
	case io.SeekEnd:
		off += int64(len(m.B))
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	m.Off = off
	return off, nil
}

// ErrDiskFull is the error of a FailWriter.
var ErrDiskFull = errors.New("disk full")

// FailWriter is a MemFile that fails, with ErrDiskFull, every write that
// would make it hold more than Limit bytes.
type FailWriter struct {
	MemFile
	Limit int
}

func (f *FailWriter) Write(p []byte) (int, error) {
	if len(f.B)+len(p) > f.Limit {
		return 0, ErrDiskFull
	}
	return f.MemFile.Write(p)
}

// Encoder is what packages flac and mp3 encode with.
type Encoder interface {
	Write(samples [][]int32) error
	Close() error
}

// WriteBlocks writes samples to e in blocks of block frames and closes e.
func WriteBlocks(e Encoder, samples [][]int32, block int) error {
	for at := 0; at < len(samples[0]); at += block {
		end := min(at+block, len(samples[0]))
		part := make([][]int32, len(samples))
		for c := range samples {
			part[c] = samples[c][at:end]
		}
		if err := e.Write(part); err != nil {
			e.Close()
			return err
		}
	}
	return e.Close()
}

// Run runs a reference tool and returns its standard output; it fails the
// test, showing standard error, if the tool fails.
func Run(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// BlockSizes are the write sizes CheckDeterministic uses: one frame, a
// prime, a typical block and a large prime.
var BlockSizes = []int{81761, 1, 787, 4096}

// CheckDeterministic encodes with encode into memory, after a prefix, in
// each of BlockSizes (one frame only without -short), and returns the
// encoded bytes: it fails the test unless every block size gives the same
// bytes and leaves the writer at the end of the stream.
func CheckDeterministic(t *testing.T, encode func(w io.WriteSeeker, block int) error) []byte {
	t.Helper()
	var want []byte
	for _, block := range BlockSizes {
		if block == 1 && testing.Short() {
			continue
		}
		m := &MemFile{}
		m.Write([]byte("prefix"))
		if err := encode(m, block); err != nil {
			t.Fatal(err)
		}
		if m.Off != int64(len(m.B)) {
			t.Errorf("block %d: writer left at %d, want the end %d", block, m.Off, len(m.B))
		}
		got := m.B[len("prefix"):]
		if want == nil {
			want = got
		} else if !bytes.Equal(got, want) {
			t.Errorf("block %d: %d bytes differ from the first encoding's %d", block, len(got), len(want))
		}
	}
	return want
}

// Probe is what tests read of `ffprobe -show_format -show_streams -of
// json`: the streams (an attached cover is a video stream with the
// attached_pic disposition) and the container's tags.
type Probe struct {
	Streams []struct {
		CodecType   string `json:"codec_type"`
		CodecName   string `json:"codec_name"`
		SampleRate  string `json:"sample_rate"`
		Width       int    `json:"width"`
		Height      int    `json:"height"`
		Disposition struct {
			AttachedPic int `json:"attached_pic"`
		} `json:"disposition"`
	} `json:"streams"`
	Format struct {
		Tags map[string]string `json:"tags"`
	} `json:"format"`
}

// FFProbe runs ffprobe (its path) on a file and returns what it shows.
func FFProbe(t testing.TB, ffprobe, path string) *Probe {
	t.Helper()
	var p Probe
	if err := json.Unmarshal(Run(t, ffprobe, "-v", "error", "-show_format", "-show_streams", "-of", "json", path), &p); err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	return &p
}
