package mp3_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/lathe-audio/lathe/internal/leakcheck"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
	"github.com/lathe-audio/lathe/mp3"
)

// decodeAll decodes an MP3 read from r: its format and its samples.
func decodeAll(r io.Reader) (mp3.Info, []int16, error) {
	var info mp3.Info
	var out []int16
	err := mp3.Decode(r, func(i mp3.Info) error { info = i; return nil }, func(pcm []byte) error {
		if len(pcm)%(2*info.Channels) != 0 || len(pcm) > mp3.DecodeBlock {
			return fmt.Errorf("Decode passed on %d bytes, want whole frames of %d channels, at most %d bytes", len(pcm), info.Channels, mp3.DecodeBlock)
		}
		for i := 0; i < len(pcm); i += 2 {
			out = append(out, int16(binary.LittleEndian.Uint16(pcm[i:])))
		}
		return nil
	})
	return info, out, err
}

// tagged encodes a few seconds of music-like audio with tags and a cover.
func tagged(t *testing.T, frames int) []byte {
	t.Helper()
	x := metadatatest.Signal(9, 44100, 2, frames, 16)
	cover := &metadata.Picture{MIME: "image/png", Data: metadatatest.PNG(t, 64, 64)}
	cfg := mp3.Config{Name: "d", Rate: 44100, Channels: 2, Bits: 16, Tags: testFrames, Cover: cover, Padding: 2048, TotalFrames: int64(frames)}
	data, err := os.ReadFile(encodeFile(t, "d.mp3", cfg, x))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestDecodeInfo: the format and the info tag Decode reports are LAME's:
// the encoder's delay, and a sample count equal to what was encoded (the
// alignment and the samples are checked against ffmpeg in TestGapless).
func TestDecodeInfo(t *testing.T) {
	const frames = 44100*2 + 321
	info, pcm, err := decodeAll(bytes.NewReader(tagged(t, frames)))
	if err != nil {
		t.Fatal(err)
	}
	if info.Rate != 44100 || info.Channels != 2 || info.Tag.Samples() != frames || len(pcm) != 2*frames {
		t.Fatalf("Decode: %+v and %d frames, want 44100 Hz, 2 channels, %d samples", info, len(pcm)/2, frames)
	}
	// LAME's delay at 44.1 kHz: 576 samples of its own, plus 529 for the
	// decoder's filter bank, which the info tag leaves out.
	if info.Tag.Delay != 576 {
		t.Errorf("encoder delay %d, want 576", info.Tag.Delay)
	}
}

// TestDecodeErrors: a stream cut short, a stream without an info tag and
// data that is no MP3 each fail with a message saying what is wrong.
func TestDecodeErrors(t *testing.T) {
	data := tagged(t, 44100*3)
	noTag := slices.Clone(data)
	// Find the MPEG stream after the ID3v2 tag and overwrite "Info".
	at := bytes.Index(noTag, []byte("Info"))
	if at < 0 {
		t.Fatal("no Info tag in LAME's stream")
	}
	copy(noTag[at:], "Abcd")
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", data[:len(data)*2/3], "the info tag says 132300"},
		{"no info tag", noTag, "no Xing/Info tag in the first frame"},
		{"not mp3", bytes.Repeat([]byte("RIFF"), 100), "is not MPEG-1 Layer III"},
		{"empty", nil, "shorter than a frame header"},
		{"tag only", data[:2000], "skip the ID3v2 tag"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decodeAll(bytes.NewReader(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestDecodersInParallel: decoders running at once, and starting at once,
// give the same samples as one alone, and free their memory.
func TestDecodersInParallel(t *testing.T) {
	data := tagged(t, 44100*2)
	_, want, err := decodeAll(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, got, err := decodeAll(bytes.NewReader(data))
			if err != nil {
				t.Error(err)
				return
			}
			if !slices.Equal(got, want) {
				t.Error("a decoder running beside others gives other samples")
			}
		}()
	}
	wg.Wait()
	leakcheck.Check(t, 256<<10, func() {
		if _, _, err := decodeAll(bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	})
}

// TestDecodeGenericDeterministic: Decode uses libmpg123's generic decoder
// whatever the CPU supports, and its samples depend only on the stream:
// handing it the stream a byte, 417 bytes or 64 KiB at a time and taking
// the samples a frame, 1153 frames or DecodeBlock at a time give the same
// bytes, as many as the info tag says, and the same as Decode.
func TestDecodeGenericDeterministic(t *testing.T) {
	const frames = 44100*2 + 77
	data := tagged(t, frames)
	var want []byte
	if err := mp3.Decode(bytes.NewReader(data), func(mp3.Info) error { return nil }, func(pcm []byte) error {
		want = append(want, pcm...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) != 4*frames {
		t.Fatalf("Decode gave %d bytes, want %d", len(want), 4*frames)
	}
	for _, in := range []int{1, 417, 64 << 10} {
		for _, out := range []int{4, 4 * 1153, mp3.DecodeBlock} {
			var got []byte
			name, err := mp3.DecodeIn(bytes.NewReader(data), in, out, func(pcm []byte) error {
				if len(pcm)%4 != 0 || len(pcm) > out {
					return fmt.Errorf("%d bytes of samples at once, want whole frames, at most %d bytes", len(pcm), out)
				}
				got = append(got, pcm...)
				return nil
			})
			if err != nil {
				t.Fatalf("in %d, out %d: %v", in, out, err)
			}
			if name != "generic" {
				t.Errorf("in %d, out %d: libmpg123 decoded with its %q decoder, want \"generic\"", in, out, name)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("in %d, out %d: %d bytes, other than Decode's %d", in, out, len(got), len(want))
			}
		}
	}
}

// BenchmarkDecode decodes a 5-minute 320 kb/s stereo track, the length
// and bitrate of a default mp3 delivery's files.
func BenchmarkDecode(b *testing.B) {
	x := metadatatest.Signal(9, 44100, 2, 44100*300, 16)
	cfg := mp3.Config{Name: "b", Rate: 44100, Channels: 2, Bits: 16, Bitrate: 320, TotalFrames: int64(len(x[0]))}
	data, err := os.ReadFile(encodeFile(b, "b.mp3", cfg, x))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(x[0]) * 4)) // of 16-bit stereo PCM out
	for b.Loop() {
		if err := mp3.Decode(bytes.NewReader(data), func(mp3.Info) error { return nil }, func([]byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
