package mp3_test

import (
	"bytes"
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

// decodeAll decodes an MP3 held in memory.
func decodeAll(data []byte) (mp3.Info, []int16, error) {
	var info mp3.Info
	var out []int16
	err := mp3.Decode(bytes.NewReader(data), func(i mp3.Info) error { info = i; return nil }, func(x []int16) error {
		out = append(out, x...)
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
	info, pcm, err := decodeAll(tagged(t, frames))
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
			_, _, err := decodeAll(tt.data)
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
	_, want, err := decodeAll(data)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, got, err := decodeAll(data)
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
		if _, _, err := decodeAll(data); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	x := metadatatest.Signal(9, 44100, 2, 44100*20, 16)
	cfg := mp3.Config{Name: "b", Rate: 44100, Channels: 2, Bits: 16, TotalFrames: int64(len(x[0]))}
	data, err := os.ReadFile(encodeFile(b, "b.mp3", cfg, x))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(x[0]) * 4)) // of 16-bit stereo PCM out
	for b.Loop() {
		if err := mp3.Decode(bytes.NewReader(data), func(mp3.Info) error { return nil }, func([]int16) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
