package pcm_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

var (
	stereo16 = pcm.Format{Rate: 44100, Channels: 2, Bits: 16}
	float32s = pcm.Format{Rate: 44100, Channels: 2, Bits: 32, Float: true}
)

func TestNewWAVWriterErrors(t *testing.T) {
	for _, tt := range []struct {
		w    io.Writer
		f    pcm.Format
		opts pcm.WAVOptions
		want string
	}{
		{&bytes.Buffer{}, pcm.Format{Rate: 44100, Channels: 6, Bits: 16}, pcm.WAVOptions{}, "pcm: cannot write 6 channels: lathe writes mono or stereo"},
		{&bytes.Buffer{}, pcm.Format{Rate: 0, Channels: 2, Bits: 16}, pcm.WAVOptions{}, "pcm: cannot write a sample rate of 0 Hz"},
		{&bytes.Buffer{}, pcm.Format{Rate: 44100, Channels: 2, Bits: 8}, pcm.WAVOptions{}, "pcm: cannot write 8-bit PCM: want 16 to 32 bits"},
		{&bytes.Buffer{}, pcm.Format{Rate: 44100, Channels: 2, Bits: 16, Float: true}, pcm.WAVOptions{}, "pcm: cannot write 16-bit float: want 32 or 64"},
		{&bytes.Buffer{}, stereo16, pcm.WAVOptions{Frames: pcm.UnknownFrames}, "pcm: a WAV of unknown length needs an io.WriteSeeker"},
		{&bytes.Buffer{}, stereo16, pcm.WAVOptions{Frames: -2}, "pcm: WAV of -2 frames"},
		{&bytes.Buffer{}, stereo16, pcm.WAVOptions{BEXT: &pcm.BEXT{Originator: "a name longer than thirty-two characters"}},
			"pcm: bext Originator: 40 characters, at most 32"},
		{&bytes.Buffer{}, stereo16, pcm.WAVOptions{BEXT: &pcm.BEXT{Description: "Café"}},
			`pcm: bext Description: "\xc3" at byte 3 is not printable ASCII`},
		{&bytes.Buffer{}, stereo16, pcm.WAVOptions{BEXT: &pcm.BEXT{OriginationDate: "17.05.2024"}},
			`pcm: bext OriginationDate: "17.05.2024", want yyyy-mm-dd`},
		{&bytes.Buffer{}, stereo16, pcm.WAVOptions{Tags: []pcm.InfoTag{{ID: "nam", Text: "x"}}},
			`pcm: INFO tag ID "nam", want four characters A-Z or 0-9`},
		{failWriter{}, stereo16, pcm.WAVOptions{}, "pcm: write WAV: disk full"},
	} {
		_, err := pcm.NewWAVWriter(tt.w, tt.f, tt.opts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewWAVWriter(%v, %+v) error = %v, want %s", tt.f, tt.opts, err, tt.want)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWAVWriterErrors(t *testing.T) {
	for _, tt := range []struct {
		name  string
		f     pcm.Format
		write func(w *pcm.WAVWriter) error
		want  string
	}{
		{"out of range", stereo16, func(w *pcm.WAVWriter) error {
			return w.WriteInt([][]int32{{0, 1, 32768}, {0, 0, 0}})
		}, "pcm: sample 32768 at frame 2, channel 0 is out of range for 16-bit PCM"},
		{"out of range negative", stereo16, func(w *pcm.WAVWriter) error {
			return w.WriteInt([][]int32{{0, 0}, {0, -32769}})
		}, "pcm: sample -32769 at frame 1, channel 1 is out of range for 16-bit PCM"},
		{"one channel", stereo16, func(w *pcm.WAVWriter) error {
			return w.WriteInt([][]int32{{0}})
		}, "pcm: write of 1 channels to a 2-channel WAV"},
		{"ragged", stereo16, func(w *pcm.WAVWriter) error {
			return w.WriteInt([][]int32{{0, 0}, {0}})
		}, "pcm: write of 1 samples in channel 1 and 2 in channel 0"},
		{"past declared", stereo16, func(w *pcm.WAVWriter) error {
			return w.WriteInt([][]int32{make([]int32, 11), make([]int32, 11)})
		}, "pcm: write of frames 0 to 11 to a WAV declared with 10"},
		{"short", stereo16, func(w *pcm.WAVWriter) error {
			w.WriteInt([][]int32{make([]int32, 9), make([]int32, 9)})
			return w.Close()
		}, "pcm: WAV closed after 9 of its 10 declared frames"},
		{"float to int", stereo16, func(w *pcm.WAVWriter) error {
			return w.WriteFloat([][]float64{{0}, {0}})
		}, "pcm: WriteFloat to an integer WAV: quantize and use WriteInt"},
		{"int to float", float32s, func(w *pcm.WAVWriter) error {
			return w.WriteInt([][]int32{{0}, {0}})
		}, "pcm: WriteInt to a float WAV: use WriteFloat"},
		{"NaN", float32s, func(w *pcm.WAVWriter) error {
			return w.WriteFloat([][]float64{{0, math.NaN()}, {0, 0}})
		}, "pcm: sample NaN at frame 1, channel 0"},
		{"after close", stereo16, func(w *pcm.WAVWriter) error {
			w.WriteInt([][]int32{make([]int32, 10), make([]int32, 10)})
			w.Close()
			return w.WriteInt([][]int32{{0}, {0}})
		}, "pcm: write to a closed WAV writer"},
		{"PCM to float", float32s, func(w *pcm.WAVWriter) error {
			return w.WritePCM(make([]byte, 8))
		}, "pcm: WritePCM to a WAV of 32-bit samples in 4 bytes: use WriteInt"},
		{"PCM of 20 bits", pcm.Format{Rate: 44100, Channels: 2, Bits: 20}, func(w *pcm.WAVWriter) error {
			return w.WritePCM(make([]byte, 6))
		}, "pcm: WritePCM to a WAV of 20-bit samples in 3 bytes: use WriteInt"},
		{"PCM of part of a frame", stereo16, func(w *pcm.WAVWriter) error {
			return w.WritePCM(make([]byte, 6))
		}, "pcm: WritePCM of 6 bytes, not whole 4-byte frames"},
		{"PCM past declared", stereo16, func(w *pcm.WAVWriter) error {
			return w.WritePCM(make([]byte, 44))
		}, "pcm: write of frames 0 to 11 to a WAV declared with 10"},
		{"sticky", stereo16, func(w *pcm.WAVWriter) error {
			w.WriteInt([][]int32{{40000}, {0}})
			w.WriteInt([][]int32{{0}, {0}})
			return w.Close()
		}, "pcm: sample 40000 at frame 0, channel 0 is out of range for 16-bit PCM"},
	} {
		w, err := pcm.NewWAVWriter(&bytes.Buffer{}, tt.f, pcm.WAVOptions{Frames: 10})
		if err != nil {
			t.Fatal(err)
		}
		if err := tt.write(w); err == nil || err.Error() != tt.want {
			t.Errorf("%s: error = %v, want %s", tt.name, err, tt.want)
		}
	}
}

// TestWAVWriterPassing4GiB checks the unknown-length writer at the 4 GiB
// limit with a writer that keeps only the header: without MayExceed4GiB the
// write that crosses the limit fails; with it, Close turns the reserved
// JUNK chunk into ds64 and the header into RF64, which the reader accepts.
// It streams 8 GiB through the packer (5-30 s), so it runs only with
// LATHE_LARGE_TESTS=1.
func TestWAVWriterPassing4GiB(t *testing.T) {
	if testing.Short() || os.Getenv("LATHE_LARGE_TESTS") != "1" {
		t.Skip("streams 8 GiB; set LATHE_LARGE_TESTS=1 to run")
	}
	block := [][]int32{make([]int32, 1<<16), make([]int32, 1<<16)}
	block[0][0], block[1][len(block[1])-1] = 1, -1
	const blocks = 1<<32/(4<<16) + 1 // just past 4 GiB of 16-bit stereo

	w, err := pcm.NewWAVWriter(&headerSink{}, stereo16, pcm.WAVOptions{Frames: pcm.UnknownFrames})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; err == nil && i < blocks; i++ {
		err = w.WriteInt(block)
	}
	const want = "pcm: WAV data passes 4 GiB: set WAVOptions.MayExceed4GiB so that it can become RF64"
	if err == nil || err.Error() != want {
		t.Fatalf("WriteInt past 4 GiB error = %v, want %s", err, want)
	}

	sink := &headerSink{}
	w, err = pcm.NewWAVWriter(sink, stereo16, pcm.WAVOptions{Frames: pcm.UnknownFrames, MayExceed4GiB: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < blocks; i++ {
		if err := w.WriteInt(block); err != nil {
			t.Fatalf("WriteInt block %d: %v", i, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	info, err := pcm.ProbeReaderAt("big.wav", sink, sink.size)
	if err != nil {
		t.Fatalf("Probe of the 4 GiB file: %v", err)
	}
	if want := int64(blocks) << 16; info.Container != "rf64" || info.Frames != want || info.Format != stereo16 {
		t.Errorf("Probe = %q, %d frames, %v; want rf64, %d, %v", info.Container, info.Frames, info.Format, want, stereo16)
	}
}

// headerSink is an io.WriteSeeker and io.ReaderAt that keeps the first 4 KiB
// written and reads zeros elsewhere, so a 4 GiB file costs no memory.
type headerSink struct {
	head [4096]byte
	off  int64
	size int64
}

func (s *headerSink) Write(p []byte) (int, error) {
	if s.off < int64(len(s.head)) {
		copy(s.head[s.off:], p)
	}
	s.off += int64(len(p))
	s.size = max(s.size, s.off)
	return len(p), nil
}

func (s *headerSink) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		s.off = off
	case io.SeekCurrent:
		s.off += off
	case io.SeekEnd:
		s.off = s.size + off
	}
	return s.off, nil
}

func (s *headerSink) ReadAt(p []byte, off int64) (int, error) {
	return (&sparse{head: s.head[:], size: s.size}).ReadAt(p, off)
}

// TestPatchBEXTLoudness: a file written with placeholder loudness and
// patched at BEXTOffset is byte for byte the file written with the final
// loudness from the start, whatever precedes the bext chunk (ds64, JUNK,
// fact), and reads back as version 2 with those values.
func TestPatchBEXTLoudness(t *testing.T) {
	final := pcm.BEXTLoudness{Value: -2301, Range: 745, MaxTruePeak: -102, MaxMomentary: -1500, MaxShortTerm: -32768}
	unknown := pcm.BEXTLoudness{Value: pcm.BEXTUnknown, Range: pcm.BEXTUnknown, MaxTruePeak: pcm.BEXTUnknown,
		MaxMomentary: pcm.BEXTUnknown, MaxShortTerm: pcm.BEXTUnknown}
	x := testSignal(2, 4410)
	dir := t.TempDir()
	for _, tt := range []struct {
		name string
		f    pcm.Format
		opts pcm.WAVOptions
	}{
		{"16", stereo16, pcm.WAVOptions{Frames: 4410}},
		{"float", float32s, pcm.WAVOptions{Frames: 4410, Tags: testTags}},
		{"rf64", pcm.Format{Rate: 48000, Channels: 2, Bits: 24}, pcm.WAVOptions{Frames: 4410, RF64: true}},
		{"junk", stereo16, pcm.WAVOptions{Frames: pcm.UnknownFrames, MayExceed4GiB: true}},
	} {
		write := func(name string, l pcm.BEXTLoudness) (string, int64) {
			path := dir + "/" + tt.name + "-" + name + ".wav"
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			b := *testBEXT
			b.Loudness = &l
			opts := tt.opts
			opts.BEXT = &b
			w, err := pcm.NewWAVWriter(f, tt.f, opts)
			if err != nil {
				t.Fatal(err)
			}
			if tt.f.Float {
				err = w.WriteFloat(x)
			} else {
				err = w.WriteInt(pcmtest.Quantize(x, tt.f.Bits))
			}
			if err == nil {
				err = w.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			return path, w.BEXTOffset()
		}
		patched, at := write("patched", unknown)
		direct, _ := write("direct", final)
		before, err := os.ReadFile(patched)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(patched, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		err = pcm.PatchBEXTLoudness(f, at, &final)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(patched)
		want, _ := os.ReadFile(direct)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the patched file differs from the one written with the final loudness", tt.name)
		}
		changed := 0
		for i := range before {
			if before[i] != got[i] {
				changed++
				if i < int(at)+412 || i >= int(at)+422 {
					t.Errorf("%s: byte %d changed, outside the loudness fields at %d", tt.name, i, at+412)
				}
			}
		}
		if changed == 0 || !bytes.Equal(got[at-8:at-4], []byte("bext")) {
			t.Errorf("%s: %d bytes changed; the body at %d follows %q", tt.name, changed, at, got[at-8:at-4])
		}
		info, err := pcm.Probe(patched)
		if err != nil {
			t.Fatal(err)
		}
		if info.BEXT == nil || info.BEXT.Loudness == nil || *info.BEXT.Loudness != final {
			t.Errorf("%s: Probe BEXT = %+v, want loudness %+v", tt.name, info.BEXT, final)
		}
	}
	w, err := pcm.NewWAVWriter(&bytes.Buffer{}, stereo16, pcm.WAVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if at := w.BEXTOffset(); at != -1 {
		t.Errorf("BEXTOffset without a bext chunk = %d, want -1", at)
	}
}

// WritePCM writes the file WriteInt writes for the same samples, packed
// as the data chunk holds them, in pieces of any size, at 16 and 24 bits.
func TestWritePCM(t *testing.T) {
	for _, bits := range []int{16, 24} {
		f := pcm.Format{Rate: 48000, Channels: 2, Bits: bits}
		x := pcmtest.Music(7, 48000, 2, 10000)
		ints := make([][]int32, 2)
		var packed []byte
		full := float64(int(1) << (bits - 1))
		for c := range ints {
			ints[c] = make([]int32, len(x[c]))
			for i, v := range x[c] {
				ints[c][i] = int32(math.Max(-full, math.Min(full-1, math.Round(v*full))))
			}
		}
		for i := range ints[0] {
			for c := range 2 {
				v := uint32(ints[c][i])
				packed = append(packed, byte(v), byte(v>>8))
				if bits == 24 {
					packed = append(packed, byte(v>>16))
				}
			}
		}
		var want, got bytes.Buffer
		opts := pcm.WAVOptions{Frames: int64(len(ints[0]))}
		w, err := pcm.NewWAVWriter(&want, f, opts)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteInt(ints); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		w, err = pcm.NewWAVWriter(&got, f, opts)
		if err != nil {
			t.Fatal(err)
		}
		fb := 2 * bits / 8
		for i, n := 0, 1; i < len(packed); i, n = i+n*fb, n*3 {
			if err := w.WritePCM(packed[i:min(len(packed), i+n*fb)]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d-bit: WritePCM wrote a file of %d bytes that differs from WriteInt's (%d bytes)", bits, got.Len(), want.Len())
		}
	}
}
