// Command meterwav measures a WAV file with package loudness: integrated
// loudness, LRA, max momentary and short-term, sample peak and true peak.
// It exists for scripts/bench-loudness.sh, which times it against FFmpeg's
// ebur128 filter; decoding the file (with package pcm, as lathe does) is part
// of what it times.
//
// Usage: go run ./loudness/internal/meterwav [-tp accurate|compat|off] [-block N] FILE
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm"
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

func run(path string, mode loudness.TruePeakMode, block int) error {
	src, err := pcm.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	fm := src.Format()
	m, err := loudness.NewMeter(loudness.Config{Rate: fm.Rate, Channels: fm.Channels, TruePeak: mode})
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
		b := &buf{x: make([][]float64, fm.Channels)}
		for c := range b.x {
			b.x[c] = make([]float64, block)
		}
		free <- b
	}
	go func() {
		defer close(full)
		for {
			b := <-free
			b.n, b.err = src.Read(b.x)
			if b.err == io.EOF {
				b.err = nil
				if b.n > 0 {
					full <- b
				}
				return
			}
			full <- b
			if b.err != nil {
				return
			}
		}
	}()
	view := make([][]float64, fm.Channels)
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
