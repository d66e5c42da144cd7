package pcmtest

import (
	"math"
	"os"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
)

// Quantize rounds planar samples (full scale ±1.0) to right-justified
// integers of the given bit depth, clipping at full scale. It makes test
// fixtures only: the mastering path quantizes in the dsp package, with
// dither and counted clipping.
func Quantize(x [][]float64, bits int) [][]int32 {
	full := float64(int64(1) << (bits - 1))
	out := make([][]int32, len(x))
	for c, ch := range x {
		out[c] = make([]int32, len(ch))
		for i, v := range ch {
			out[c][i] = int32(math.Max(-full, math.Min(full-1, math.Round(v*full))))
		}
	}
	return out
}

// Stored returns the samples a file of format f holds for x: x itself for
// 64-bit float, x rounded to float32 for 32-bit float, and Quantize's
// integers scaled back to ±1.0 otherwise. It is what a reader of the file
// must return.
func Stored(f pcm.Format, x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	switch {
	case f.Float && f.Bits == 64:
		for c := range x {
			out[c] = append([]float64(nil), x[c]...)
		}
	case f.Float:
		for c := range x {
			out[c] = make([]float64, len(x[c]))
			for i, v := range x[c] {
				out[c][i] = float64(float32(v))
			}
		}
	default:
		full := float64(int64(1) << (f.Bits - 1))
		for c, ch := range Quantize(x, f.Bits) {
			out[c] = make([]float64, len(ch))
			for i, v := range ch {
				out[c][i] = float64(v) / full
			}
		}
	}
	return out
}

// WriteWAVFile writes the planar samples x to a WAV file of format f at path
// with pcm.NewWAVWriter (integers quantized as by Quantize) and returns the
// samples the file holds, as Stored does.
func WriteWAVFile(t testing.TB, path string, f pcm.Format, x [][]float64) [][]float64 {
	t.Helper()
	WriteWAVFileOptions(t, path, f, pcm.WAVOptions{Frames: int64(len(x[0]))}, x)
	return Stored(f, x)
}

// ReadFile returns every sample of the audio file at path (pcm.Open),
// and its format.
func ReadFile(t testing.TB, path string) ([][]float64, pcm.Format) {
	t.Helper()
	s, err := pcm.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return ReadAll(t, s), s.Format()
}

// WriteWAVFileOptions is WriteWAVFile with the writer's options given.
func WriteWAVFileOptions(t testing.TB, path string, f pcm.Format, opts pcm.WAVOptions, x [][]float64) {
	t.Helper()
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	w, err := pcm.NewWAVWriter(file, f, opts)
	if err != nil {
		t.Fatalf("NewWAVWriter(%v): %v", f, err)
	}
	if f.Float {
		err = w.WriteFloat(x)
	} else {
		err = w.WriteInt(Quantize(x, f.Bits))
	}
	if err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close %s: %v", path, err)
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
}
