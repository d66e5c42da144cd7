// Command meterwav measures a WAV file with package loudness: integrated
// loudness, LRA, max momentary and short-term, sample peak and true peak.
// It exists for scripts/bench-loudness.sh, which times it against FFmpeg's
// ebur128 filter; decoding the file is part of what it times.
//
// Usage: go run ./loudness/internal/meterwav [-tp accurate|compat|off] [-block N] FILE
package main

import (
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/lathe-audio/lathe/loudness"
)

func main() {
	tp := flag.String("tp", "accurate", "true peak: accurate, compat or off")
	block := flag.Int("block", 16384, "frames per block")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: meterwav [-tp accurate|compat|off] [-block N] FILE")
		os.Exit(2)
	}
	modes := map[string]loudness.TruePeakMode{
		"accurate": loudness.TruePeakAccurate, "compat": loudness.TruePeakCompat, "off": loudness.TruePeakOff,
	}
	mode, ok := modes[*tp]
	if !ok || *block < 1 {
		fmt.Fprintf(os.Stderr, "meterwav: bad -tp %q or -block %d\n", *tp, *block)
		os.Exit(2)
	}
	if err := run(flag.Arg(0), mode, *block); err != nil {
		fmt.Fprintln(os.Stderr, "meterwav:", err)
		os.Exit(1)
	}
}

type format struct {
	rate, channels, bits int
	float                bool
	data                 int64 // bytes of sample data
}

func run(path string, mode loudness.TruePeakMode, block int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fm, err := readHeader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	m, err := loudness.NewMeter(loudness.Config{Rate: fm.rate, Channels: fm.channels, TruePeak: mode})
	if err != nil {
		return err
	}
	// A reader goroutine decodes the next block while the meter works on
	// the current one.
	type buf struct {
		x   [][]float64
		n   int
		err error
	}
	free := make(chan *buf, 3)
	full := make(chan *buf, 3)
	for range 3 {
		b := &buf{x: make([][]float64, fm.channels)}
		for c := range b.x {
			b.x[c] = make([]float64, block)
		}
		free <- b
	}
	go func() {
		frame := fm.channels * fm.bits / 8
		raw := make([]byte, block*frame)
		left := fm.data / int64(frame)
		for left > 0 {
			b := <-free
			n := int(min(int64(block), left))
			if _, err := io.ReadFull(f, raw[:n*frame]); err != nil {
				b.err = fmt.Errorf("%s: data truncated: %w", path, err)
				full <- b
				return
			}
			decode(b.x, raw[:n*frame], fm, n)
			b.n = n
			left -= int64(n)
			full <- b
		}
		close(full)
	}()
	view := make([][]float64, fm.channels)
	for b := range full {
		if b.err != nil {
			return b.err
		}
		for c := range view {
			view[c] = b.x[c][:b.n]
		}
		if err := m.Write(view); err != nil {
			return err
		}
		free <- b
	}
	r := m.Measure()
	fmt.Printf("frames %d\nI %.3f LUFS\nLRA %.3f LU\nLRA(1Hz) %.3f LU\nMmax %.3f LUFS\nSmax %.3f LUFS\nSP %.3f dBFS\nTP %.3f dBTP at frame %d channel %d\n",
		r.Frames, r.Integrated, r.Range, r.LoudnessRange(loudness.RangeCompat), r.MaxMomentary, r.MaxShortTerm,
		r.SamplePeak, r.TruePeak, r.TruePeakPos, r.TruePeakChannel)
	return nil
}

// decode converts n interleaved little-endian frames to planar float64.
func decode(dst [][]float64, raw []byte, fm format, n int) {
	ch := fm.channels
	switch {
	case fm.bits == 24 && !fm.float:
		const scale = 1.0 / (1 << 31)
		for c := range ch {
			d := dst[c][:n]
			p := raw[3*c:]
			for i := range d {
				q := p[3*ch*i : 3*ch*i+3]
				d[i] = float64(int32(uint32(q[0])<<8|uint32(q[1])<<16|uint32(q[2])<<24)) * scale
			}
		}
	case fm.bits == 16:
		for c := range ch {
			d := dst[c][:n]
			for i := range d {
				d[i] = float64(int16(binary.LittleEndian.Uint16(raw[2*(ch*i+c):]))) / 32768
			}
		}
	case fm.bits == 32 && !fm.float:
		for c := range ch {
			d := dst[c][:n]
			for i := range d {
				d[i] = float64(int32(binary.LittleEndian.Uint32(raw[4*(ch*i+c):]))) / (1 << 31)
			}
		}
	case fm.bits == 32 && fm.float:
		for c := range ch {
			d := dst[c][:n]
			for i := range d {
				d[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*(ch*i+c):])))
			}
		}
	}
}

// readHeader reads RIFF/WAVE chunks up to the data chunk.
func readHeader(r io.Reader) (format, error) {
	var fm format
	var hdr [12]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return fm, fmt.Errorf("read header: %w", err)
	}
	if string(hdr[0:4]) != "RIFF" || string(hdr[8:12]) != "WAVE" {
		return fm, errors.New("not a RIFF WAVE file")
	}
	for {
		var ck [8]byte
		if _, err := io.ReadFull(r, ck[:]); err != nil {
			return fm, fmt.Errorf("no data chunk: %w", err)
		}
		size := int64(binary.LittleEndian.Uint32(ck[4:]))
		switch string(ck[:4]) {
		case "fmt ":
			if size < 16 || size > 1024 {
				return fm, fmt.Errorf("fmt chunk of %d bytes", size)
			}
			b := make([]byte, size+size%2)
			if _, err := io.ReadFull(r, b); err != nil {
				return fm, fmt.Errorf("read fmt: %w", err)
			}
			tag := binary.LittleEndian.Uint16(b)
			fm.channels = int(binary.LittleEndian.Uint16(b[2:]))
			fm.rate = int(binary.LittleEndian.Uint32(b[4:]))
			fm.bits = int(binary.LittleEndian.Uint16(b[14:]))
			if tag == 0xfffe && size >= 40 {
				tag = binary.LittleEndian.Uint16(b[24:]) // sub-format GUID
			}
			switch tag {
			case 1:
			case 3:
				fm.float = true
			default:
				return fm, fmt.Errorf("unsupported format tag %#x", tag)
			}
			if !(fm.bits == 16 || fm.bits == 24 || fm.bits == 32) || fm.channels < 1 || (fm.float && fm.bits != 32) {
				return fm, fmt.Errorf("unsupported sample format: %d bits, float %v", fm.bits, fm.float)
			}
		case "data":
			if fm.rate == 0 {
				return fm, errors.New("data chunk before fmt chunk")
			}
			fm.data = size
			return fm, nil
		default:
			if _, err := io.CopyN(io.Discard, r, size+size%2); err != nil {
				return fm, fmt.Errorf("skip %q chunk: %w", ck[:4], err)
			}
		}
	}
}
