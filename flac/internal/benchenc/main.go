// Command benchenc encodes WAV files with lathe's encoders, as a build
// encodes its FLAC and MP3 deliveries: every file is one job, and a fixed
// number of workers (default: one per CPU) takes the jobs, longest first,
// so FLAC and MP3 encodes run side by side. It is the lathe side of
// scripts/bench-encode.sh.
//
//	benchenc [-j N] [-o DIR] [-flac WAV,...] [-mp3 WAV,...]
//
// FLAC files are written at compression 8 with the WAV's bit depth, MP3
// files at 320 kb/s CBR from 16-bit WAVs. It prints one line per file and
// the total wall time.
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lathe-audio/lathe/flac"
	"github.com/lathe-audio/lathe/mp3"
	"github.com/lathe-audio/lathe/pcm"
)

type job struct {
	kind string // "flac" or "mp3"
	in   string
	size int64
}

func main() {
	workers := flag.Int("j", runtime.NumCPU(), "encodes run at once")
	out := flag.String("o", ".", "output folder")
	flacIn := flag.String("flac", "", "WAV files to encode as FLAC, comma-separated")
	mp3In := flag.String("mp3", "", "WAV files to encode as MP3, comma-separated")
	flag.Parse()
	var jobs []job
	for kind, list := range map[string]string{"flac": *flacIn, "mp3": *mp3In} {
		for _, p := range strings.Split(list, ",") {
			if p == "" {
				continue
			}
			st, err := os.Stat(p)
			if err != nil {
				fmt.Fprintln(os.Stderr, "benchenc:", err)
				os.Exit(1)
			}
			jobs = append(jobs, job{kind, p, st.Size()})
		}
	}
	// Longest first, so that no worker is left with one long file at the end.
	slices.SortFunc(jobs, func(a, b job) int {
		return cmp.Or(cmp.Compare(b.size, a.size), cmp.Compare(a.kind, b.kind), cmp.Compare(a.in, b.in))
	})
	start := time.Now()
	next := make(chan job)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range *workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				t0 := time.Now()
				dst, err := encodeFile(j, *out)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					fmt.Printf("%-5s %-40s %7.2f s\n", j.kind, filepath.Base(dst), time.Since(t0).Seconds())
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		fmt.Fprintln(os.Stderr, "benchenc:", err)
		os.Exit(1)
	}
	fmt.Printf("total %d files, %d workers: %.2f s\n", len(jobs), *workers, time.Since(start).Seconds())
}

// encoder is what both encoders offer.
type encoder interface {
	Write([][]int32) error
	Close() error
}

func encodeFile(j job, outDir string) (string, error) {
	src, err := pcm.Open(j.in)
	if err != nil {
		return "", err
	}
	defer src.Close()
	f := src.Format()
	if f.Float || (f.Bits != 16 && f.Bits != 24) {
		return "", fmt.Errorf("%s: %v: want 16- or 24-bit integer PCM", j.in, f)
	}
	name := strings.TrimSuffix(filepath.Base(j.in), filepath.Ext(j.in)) + "." + j.kind
	dst := filepath.Join(outDir, name)
	file, err := os.Create(dst)
	if err != nil {
		return "", err
	}
	defer file.Close()
	var enc encoder
	switch j.kind {
	case "flac":
		enc, err = flac.NewEncoder(file, flac.Config{Name: dst, Rate: f.Rate, Channels: f.Channels, Bits: f.Bits,
			Compression: flac.DefaultCompression, TotalFrames: src.Frames()})
	case "mp3":
		enc, err = mp3.NewEncoder(file, mp3.Config{Name: dst, Rate: f.Rate, Channels: f.Channels, Bits: f.Bits,
			Bitrate: 320, TotalFrames: src.Frames()})
	}
	if err != nil {
		return "", err
	}
	if err := pump(src, enc, f.Bits); err != nil {
		enc.Close()
		return "", fmt.Errorf("%s: %w", j.in, err)
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return dst, file.Close()
}

// pump reads src to its end in blocks and hands the samples, as integers
// of the file's bit depth, to enc. The WAV reader scales integers to ±1
// exactly, so scaling back is exact.
func pump(src pcm.Source, enc encoder, bits int) error {
	const block = 8192
	ch := src.Format().Channels
	buf := make([][]float64, ch)
	ints := make([][]int32, ch)
	for c := range buf {
		buf[c] = make([]float64, block)
		ints[c] = make([]int32, block)
	}
	scale := float64(int64(1) << (bits - 1))
	for {
		n, err := src.Read(buf)
		if n > 0 {
			for c := range ch {
				dst := ints[c][:n]
				for i, v := range buf[c][:n] {
					dst[i] = int32(v * scale)
				}
				ints[c] = ints[c][:block]
			}
			part := make([][]int32, ch)
			for c := range ch {
				part[c] = ints[c][:n]
			}
			if werr := enc.Write(part); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
