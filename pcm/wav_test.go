package pcm_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-audio/wav"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// roundTrips lists every format the writer and reader share, with writer
// options that change the container.
var roundTrips = []struct {
	name      string
	f         pcm.Format
	opts      pcm.WAVOptions // Frames is set by the test unless UnknownFrames
	container string
}{
	{"16-mono", pcm.Format{Rate: 44100, Channels: 1, Bits: 16}, pcm.WAVOptions{}, "wav"},
	{"16-stereo", pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, pcm.WAVOptions{}, "wav"},
	{"20in24-stereo", pcm.Format{Rate: 48000, Channels: 2, Bits: 20}, pcm.WAVOptions{}, "wav"},
	{"20in24-mono", pcm.Format{Rate: 48000, Channels: 1, Bits: 20}, pcm.WAVOptions{}, "wav"},
	{"24-mono", pcm.Format{Rate: 96000, Channels: 1, Bits: 24}, pcm.WAVOptions{}, "wav"},
	{"24-stereo", pcm.Format{Rate: 96000, Channels: 2, Bits: 24}, pcm.WAVOptions{}, "wav"},
	{"32-stereo", pcm.Format{Rate: 44100, Channels: 2, Bits: 32}, pcm.WAVOptions{}, "wav"},
	{"24in32-stereo", pcm.Format{Rate: 44100, Channels: 2, Bits: 28}, pcm.WAVOptions{}, "wav"},
	{"float32-stereo", pcm.Format{Rate: 44100, Channels: 2, Bits: 32, Float: true}, pcm.WAVOptions{}, "wav"},
	{"float32-mono", pcm.Format{Rate: 22050, Channels: 1, Bits: 32, Float: true}, pcm.WAVOptions{}, "wav"},
	{"float64-stereo", pcm.Format{Rate: 192000, Channels: 2, Bits: 64, Float: true}, pcm.WAVOptions{}, "wav"},
	{"rf64-24-stereo", pcm.Format{Rate: 48000, Channels: 2, Bits: 24}, pcm.WAVOptions{RF64: true}, "rf64"},
	{"rf64-float32-mono", pcm.Format{Rate: 48000, Channels: 1, Bits: 32, Float: true}, pcm.WAVOptions{RF64: true}, "rf64"},
	{"unknown-16-stereo", pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, pcm.WAVOptions{Frames: pcm.UnknownFrames}, "wav"},
	{"unknown-junk-24-mono", pcm.Format{Rate: 44100, Channels: 1, Bits: 24}, pcm.WAVOptions{Frames: pcm.UnknownFrames, MayExceed4GiB: true}, "wav"},
	{"unknown-rf64-float32", pcm.Format{Rate: 44100, Channels: 2, Bits: 32, Float: true}, pcm.WAVOptions{Frames: pcm.UnknownFrames, RF64: true}, "rf64"},
	{"bext-tags-24-stereo", pcm.Format{Rate: 44100, Channels: 2, Bits: 24}, pcm.WAVOptions{BEXT: testBEXT, Tags: testTags}, "wav"},
}

var testBEXT = &pcm.BEXT{
	Description:         "Album master, side A",
	Originator:          "lathe",
	OriginatorReference: "LATHE-0001",
	OriginationDate:     "2024-05-17",
	OriginationTime:     "12:34:56",
	TimeReference:       44100 * 3600,
	Loudness:            &pcm.BEXTLoudness{Value: -1402, Range: 530, MaxTruePeak: -100, MaxMomentary: -900, MaxShortTerm: -1100},
	CodingHistory:       "A=PCM,F=44100,W=24,M=stereo,T=lathe\r\n",
}

var testTags = []pcm.InfoTag{{ID: "INAM", Text: "Title"}, {ID: "IART", Text: "Artist, odd"}}

// testSignal is music-like audio with both full-scale extremes in each
// channel, so that clipping and sign handling show in every format.
func testSignal(channels, frames int) [][]float64 {
	x := pcmtest.Music(7, 44100, channels, frames)
	for c := range x {
		x[c][10+c], x[c][20+c], x[c][30+c] = 1, -1, 0.999999
	}
	return x
}

func TestRoundTrip(t *testing.T) {
	const frames = 44100/3 + 1 // odd, so mono 24-bit data needs a pad byte
	for _, tt := range roundTrips {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), tt.name+".wav")
			x := testSignal(tt.f.Channels, frames)
			opts := tt.opts
			if opts.Frames != pcm.UnknownFrames {
				opts.Frames = frames
			}
			pcmtest.WriteWAVFileOptions(t, path, tt.f, opts, x)
			want := pcmtest.Stored(tt.f, x)

			info, err := pcm.Probe(path)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if info.Format != tt.f || info.Frames != frames || info.Container != tt.container {
				t.Errorf("Probe = %v, %d frames, %q; want %v, %d, %q", info.Format, info.Frames, info.Container, tt.f, frames, tt.container)
			}
			checkMeta(t, info, tt.opts)
			pcmtest.TestSource(t, func() pcm.Source {
				s, err := pcm.Open(path)
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				return s
			}, want)
		})
	}
}

func checkMeta(t *testing.T, info pcm.Info, opts pcm.WAVOptions) {
	t.Helper()
	switch {
	case opts.BEXT == nil && info.BEXT != nil:
		t.Errorf("Probe BEXT = %+v, want nil", info.BEXT)
	case opts.BEXT != nil && info.BEXT == nil:
		t.Errorf("Probe BEXT = nil, want %+v", opts.BEXT)
	case opts.BEXT != nil:
		got, want := *info.BEXT, *opts.BEXT
		if *got.Loudness != *want.Loudness {
			t.Errorf("Probe BEXT.Loudness = %+v, want %+v", *got.Loudness, *want.Loudness)
		}
		got.Loudness, want.Loudness = nil, nil
		if got != want {
			t.Errorf("Probe BEXT = %+v, want %+v", got, want)
		}
	}
	if fmt.Sprint(info.Tags) != fmt.Sprint(opts.Tags) {
		t.Errorf("Probe Tags = %v, want %v", info.Tags, opts.Tags)
	}
}

// TestGoAudioAgrees compares the integer samples of every integer PCM file
// the writer makes with those go-audio/wav decodes from it.
func TestGoAudioAgrees(t *testing.T) {
	for _, tt := range roundTrips {
		if tt.f.Float || tt.container != "wav" || tt.opts.Frames == pcm.UnknownFrames {
			continue // go-audio/wav reads neither float nor RF64 correctly
		}
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "a.wav")
			// An even length: go-audio/wav decodes the pad byte after an
			// odd-sized data chunk as one more sample.
			x := testSignal(tt.f.Channels, 5000)
			opts := tt.opts
			opts.Frames = 5000
			pcmtest.WriteWAVFileOptions(t, path, tt.f, opts, x)
			ours := readFile(t, path)

			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			d := wav.NewDecoder(f)
			buf, err := d.FullPCMBuffer()
			if err != nil {
				t.Fatalf("go-audio FullPCMBuffer: %v", err)
			}
			// go-audio reports the container's bits, so 20-in-24 samples
			// come shifted left by 4: scale ours to the container.
			container := int(d.BitDepth)
			if got := buf.Format.NumChannels * len(ours[0]); len(buf.Data) != got {
				t.Fatalf("go-audio decoded %d samples, want %d", len(buf.Data), got)
			}
			full := float64(int64(1) << (container - 1))
			for i, v := range buf.Data {
				c, j := i%tt.f.Channels, i/tt.f.Channels
				if want := int(ours[c][j] * full); v != want {
					t.Fatalf("go-audio sample %d (channel %d, frame %d) = %d, ours %d", i, c, j, v, want)
				}
			}
		})
	}
}

func readFile(t testing.TB, path string) [][]float64 {
	t.Helper()
	s, err := pcm.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	return pcmtest.ReadAll(t, s)
}

// TestWAVHeaderBytes pins the headers the writer makes, each field
// commented as in the WAVE specification's tables.
func TestWAVHeaderBytes(t *testing.T) {
	for _, tt := range []struct {
		name  string
		f     pcm.Format
		ints  [][]int32   // for integer formats
		float [][]float64 // for float formats
		want  []byte
	}{{
		name: "16-bit stereo",
		f:    pcm.Format{Rate: 44100, Channels: 2, Bits: 16},
		ints: [][]int32{{1, -32768}, {-2, 32767}},
		want: []byte{
			'R', 'I', 'F', 'F',
			44, 0, 0, 0, // RIFF size: 4 + 24 + 8 + 8
			'W', 'A', 'V', 'E',
			'f', 'm', 't', ' ',
			16, 0, 0, 0, // fmt size
			1, 0, // WAVE_FORMAT_PCM
			2, 0, // channels
			0x44, 0xac, 0, 0, // 44100 Hz
			0x10, 0xb1, 0x02, 0, // 176400 bytes per second
			4, 0, // block align
			16, 0, // bits per sample
			'd', 'a', 't', 'a',
			8, 0, 0, 0, // data size
			1, 0, 0xfe, 0xff, // frame 0: 1, -2
			0x00, 0x80, 0xff, 0x7f, // frame 1: -32768, 32767
		},
	}, {
		name:  "float mono",
		f:     pcm.Format{Rate: 48000, Channels: 1, Bits: 32, Float: true},
		float: [][]float64{{-0.5}},
		want: []byte{
			'R', 'I', 'F', 'F',
			54, 0, 0, 0, // RIFF size: 4 + 26 + 12 + 12
			'W', 'A', 'V', 'E',
			'f', 'm', 't', ' ',
			18, 0, 0, 0, // fmt size
			3, 0, // WAVE_FORMAT_IEEE_FLOAT
			1, 0, // channels
			0x80, 0xbb, 0, 0, // 48000 Hz
			0x00, 0xee, 0x02, 0, // 192000 bytes per second
			4, 0, // block align
			32, 0, // bits per sample
			0, 0, // cbSize
			'f', 'a', 'c', 't',
			4, 0, 0, 0, // fact size
			1, 0, 0, 0, // frames
			'd', 'a', 't', 'a',
			4, 0, 0, 0, // data size
			0, 0, 0, 0xbf, // -0.5
		},
	}, {
		name: "20-in-24 mono",
		f:    pcm.Format{Rate: 44100, Channels: 1, Bits: 20},
		ints: [][]int32{{-1}},
		want: []byte{
			'R', 'I', 'F', 'F',
			64, 0, 0, 0, // RIFF size: 4 + 48 + 8 + 3 + pad
			'W', 'A', 'V', 'E',
			'f', 'm', 't', ' ',
			40, 0, 0, 0, // fmt size
			0xfe, 0xff, // WAVE_FORMAT_EXTENSIBLE
			1, 0, // channels
			0x44, 0xac, 0, 0, // 44100 Hz
			0xcc, 0x04, 0x02, 0, // 132300 bytes per second
			3, 0, // block align
			24, 0, // container bits
			22, 0, // cbSize
			20, 0, // valid bits
			4, 0, 0, 0, // channel mask: front centre
			1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71, // KSDATAFORMAT_SUBTYPE_PCM
			'd', 'a', 't', 'a',
			3, 0, 0, 0, // data size
			0xf0, 0xff, 0xff, // -1 << 4
			0, // pad byte
		},
	}} {
		var buf bytes.Buffer
		frames := 0
		if tt.ints != nil {
			frames = len(tt.ints[0])
		} else {
			frames = len(tt.float[0])
		}
		w, err := pcm.NewWAVWriter(&buf, tt.f, pcm.WAVOptions{Frames: int64(frames)})
		if err != nil {
			t.Fatalf("%s: NewWAVWriter: %v", tt.name, err)
		}
		if tt.ints != nil {
			err = w.WriteInt(tt.ints)
		} else {
			err = w.WriteFloat(tt.float)
		}
		if err != nil {
			t.Fatalf("%s: write: %v", tt.name, err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("%s: Close: %v", tt.name, err)
		}
		if !bytes.Equal(buf.Bytes(), tt.want) {
			t.Errorf("%s WAV =\n% x\nwant\n% x", tt.name, buf.Bytes(), tt.want)
		}
	}
}

// TestRF64Decision checks that a declared length makes the header RF64
// exactly when the RIFF size would pass 0xFFFFFFFF, without writing the data.
func TestRF64Decision(t *testing.T) {
	f := pcm.Format{Rate: 44100, Channels: 2, Bits: 16}
	const hdr = 44 // canonical header; RIFF size = hdr - 8 + data
	largest := int64(math.MaxUint32-(hdr-8)) / 4
	for _, tt := range []struct {
		frames int64
		rf64   bool
	}{
		{0, false},
		{largest, false},
		{largest + 1, true},
		{1 << 31, true},
	} {
		var buf bytes.Buffer
		if _, err := pcm.NewWAVWriter(&buf, f, pcm.WAVOptions{Frames: tt.frames}); err != nil {
			t.Fatalf("NewWAVWriter(%d frames): %v", tt.frames, err)
		}
		h := buf.Bytes()
		if got := string(h[:4]); got != map[bool]string{false: "RIFF", true: "RF64"}[tt.rf64] {
			t.Errorf("NewWAVWriter(%d frames) header starts %q, want RF64 %v", tt.frames, got, tt.rf64)
			continue
		}
		data := uint64(tt.frames) * 4
		if !tt.rf64 {
			if got, want := le32(h[4:]), uint32(hdr-8+data); got != want {
				t.Errorf("NewWAVWriter(%d frames) RIFF size = %d, want %d", tt.frames, got, want)
			}
			continue
		}
		// RF64: sizes of 0xFFFFFFFF, real sizes in ds64 (EBU Tech 3306).
		if le32(h[4:]) != math.MaxUint32 || string(h[12:16]) != "ds64" || le32(h[len(h)-4:]) != math.MaxUint32 {
			t.Errorf("NewWAVWriter(%d frames) header = % x, want RF64 with ds64 and data size 0xFFFFFFFF", tt.frames, h)
			continue
		}
		ds := h[20:]
		if got, want := le64(ds[0:]), uint64(len(h))-8+data; got != want {
			t.Errorf("NewWAVWriter(%d frames) ds64 RIFF size = %d, want %d", tt.frames, got, want)
		}
		if got := le64(ds[8:]); got != data {
			t.Errorf("NewWAVWriter(%d frames) ds64 data size = %d, want %d", tt.frames, got, data)
		}
		if got := le64(ds[16:]); got != uint64(tt.frames) {
			t.Errorf("NewWAVWriter(%d frames) ds64 sample count = %d, want %d", tt.frames, got, tt.frames)
		}
	}
}

func le32(p []byte) uint32 { return binary.LittleEndian.Uint32(p) }
func le64(p []byte) uint64 { return binary.LittleEndian.Uint64(p) }
