package pcm_test

import (
	"io"
	"path/filepath"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// benchRead decodes a 10 s stereo file of format f to float64 in blocks of
// 4096 frames; the throughput counts the file's data bytes.
func benchRead(b *testing.B, f pcm.Format) {
	path := filepath.Join(b.TempDir(), "bench.wav")
	const frames = 441000
	pcmtest.WriteWAVFile(b, path, f, testSignal(2, frames))
	dst := [][]float64{make([]float64, 4096), make([]float64, 4096)}
	b.SetBytes(frames * int64(2*(f.Bits+7)/8))
	b.ReportAllocs()
	for b.Loop() {
		s := open(b, path)
		for {
			_, err := s.Read(dst)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		s.Close()
	}
}

func BenchmarkReadWAV16(b *testing.B) { benchRead(b, pcm.Format{Rate: 44100, Channels: 2, Bits: 16}) }
func BenchmarkReadWAV24(b *testing.B) { benchRead(b, pcm.Format{Rate: 44100, Channels: 2, Bits: 24}) }

// BenchmarkWriteWAV16 packs 16-bit stereo blocks of 4096 frames.
func BenchmarkWriteWAV16(b *testing.B) {
	block := pcmtest.Quantize(testSignal(2, 4096), 16)
	w, err := pcm.NewWAVWriter(io.Discard, pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, pcm.WAVOptions{Frames: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(4096 * 4)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.WriteInt(block); err != nil {
			b.Fatal(err)
		}
	}
}
