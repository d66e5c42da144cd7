package manifest

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"

	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/mp3"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/render"
)

// hashFile returns the size and SHA-256 of the file at p, recorded under
// name.
func hashFile(p, name string) (Hashed, error) {
	f, err := os.Open(p)
	if err != nil {
		return Hashed{}, fmt.Errorf("manifest: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Hashed{}, fmt.Errorf("manifest: %s: %w", p, err)
	}
	return Hashed{File: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// describe reads the bundle file rel in dir: its size and hashes, and for
// audio (by its content) the decoded format, length, PCM MD5 and tags,
// with the PCM MD5 of each of spans (frames of the file) and, when meter
// is set, their loudness.
//
// What the delivery's writer computed as it wrote the file is taken
// instead of reading it again: sum, the size and hashes of its bytes,
// when the file still has that size; pcm, the PCM MD5 of the whole file
// and of spans, when they cover them all and the file's header (read
// here) gives its length. A file the writer did not describe and a file
// to meter are read and decoded.
func describe(dir, rel string, spans []span, meter bool, sum *render.FileSum, pcm []render.PCMSum) (File, *scan, error) {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	f := File{Path: rel, Tags: []Tag{}}
	fi, err := os.Stat(p)
	if err != nil {
		return f, nil, fmt.Errorf("manifest: %w", err)
	}
	if sum != nil && sum.Size == fi.Size() {
		f.Size, f.SHA256, f.MD5 = sum.Size, sum.SHA256, sum.MD5
	} else {
		fh, err := os.Open(p)
		if err != nil {
			return f, nil, fmt.Errorf("manifest: %w", err)
		}
		sh, mh := sha256.New(), md5.New()
		n, err := io.Copy(io.MultiWriter(sh, mh), fh)
		fh.Close()
		if err != nil {
			return f, nil, fmt.Errorf("manifest: %s: %w", rel, err)
		}
		f.Size, f.SHA256, f.MD5 = n, hex.EncodeToString(sh.Sum(nil)), hex.EncodeToString(mh.Sum(nil))
	}
	format, err := sniff(p, rel)
	if err != nil {
		return f, nil, fmt.Errorf("manifest: %s: %w", rel, err)
	}
	if format == "" {
		return f, nil, nil
	}
	sc, err := writtenPCM(p, format, f.Size, spans, meter, pcm)
	if err != nil {
		return f, nil, fmt.Errorf("manifest: %s: %w", rel, err)
	}
	if sc == nil {
		if sc, err = scanAudio(p, format, spans, meter); err != nil {
			return f, nil, fmt.Errorf("manifest: %s: %w", rel, err)
		}
	}
	f.Audio = &sc.audio
	if f.Tags, err = readTags(p, format); err != nil {
		return f, nil, fmt.Errorf("manifest: %s: %w", rel, err)
	}
	return f, sc, nil
}

// writtenPCM returns the scan of a WAV, FLAC, MP3 or DDP image of size
// bytes from the PCM MD5s its writer computed (sums; of an MP3, its
// decoding, render.DecodeMP3) and its header, or nil when
// they do not give all of it: no sums, a span without one, a length other
// than the sums', something to meter, or another format.
func writtenPCM(p, format string, size int64, spans []span, meter bool, sums []render.PCMSum) (*scan, error) {
	if meter || len(sums) == 0 {
		return nil, nil
	}
	var a Audio
	switch format {
	case "cdda":
		a = Audio{Format: format, Rate: 44100, Channels: 2, Bits: 16, Samples: size / 4}
	case "wav", "flac":
		info, err := pcm.Probe(p)
		if err != nil {
			return nil, err
		}
		f := info.Format
		a = Audio{Format: format, Rate: f.Rate, Channels: f.Channels, Bits: f.Bits, Float: f.Float, Samples: info.Frames}
	case "mp3":
		fh, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		info, err := mp3.ReadInfo(fh)
		fh.Close()
		if err != nil {
			return nil, err
		}
		a = Audio{Format: format, Rate: info.Rate, Channels: info.Channels, Bits: 16, Samples: info.Tag.Samples()}
	default:
		return nil, nil
	}
	find := func(start, end int64) (string, bool) {
		for _, s := range sums {
			if s.Start == start && s.End == end {
				return s.MD5, true
			}
		}
		return "", false
	}
	whole, ok := find(0, a.Samples)
	if !ok {
		return nil, nil
	}
	a.PCMMD5 = whole
	sc := &scan{audio: a}
	for _, sp := range spans {
		md5, ok := find(sp.start, sp.end)
		if !ok {
			return nil, nil
		}
		sc.spans = append(sc.spans, &spanResult{span: sp, frames: sp.end - sp.start, md5: md5})
	}
	return sc, nil
}

// sniff returns the audio format of the file at p by its content ("wav",
// "flac", "mp3"), "cdda" for a DDP image (a file named IMAGE.DAT in a DDP
// folder), or "" for a file that is not audio.
func sniff(p, rel string) (string, error) {
	if path.Base(rel) == "IMAGE.DAT" {
		return "cdda", nil
	}
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var head [4]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", err
	}
	h := head[:n]
	switch {
	case bytes.HasPrefix(h, []byte("RIFF")), bytes.HasPrefix(h, []byte("RF64")), bytes.HasPrefix(h, []byte("BW64")):
		return "wav", nil
	case bytes.HasPrefix(h, []byte("fLaC")):
		return "flac", nil
	case bytes.HasPrefix(h, []byte("ID3")), len(h) >= 2 && h[0] == 0xFF && h[1]&0xE0 == 0xE0 && path.Ext(rel) == ".mp3":
		return "mp3", nil
	}
	return "", nil
}

// span is a range of frames of a file, [start, end).
type span struct{ start, end int64 }

// spanResult is what a scan found in one span.
type spanResult struct {
	span
	frames int64
	h      hash.Hash
	md5    string
	meter  *loudness.Meter
	m      *loudness.Measurement
}

// scan is the result of decoding one audio file.
type scan struct {
	audio Audio
	spans []*spanResult
}

func (s *scan) span(start, end int64) (*spanResult, bool) {
	for _, r := range s.spans {
		if r.start == start && r.end == end {
			return r, true
		}
	}
	return nil, false
}

// pcmSink hashes a stream of decoded PCM: the whole, and each span.
type pcmSink struct {
	sc    *scan
	whole hash.Hash
	pos   int64 // frames so far
	fb    int   // bytes per frame
}

func newSink(sc *scan, spans []span, meter bool) (*pcmSink, error) {
	k := &pcmSink{sc: sc, whole: md5.New(), fb: sc.audio.Channels * ((sc.audio.Bits + 7) / 8)}
	for _, sp := range spans {
		r := &spanResult{span: sp, h: md5.New()}
		if meter {
			m, err := loudness.NewMeter(loudness.Config{Rate: sc.audio.Rate, Channels: sc.audio.Channels, TruePeak: loudness.TruePeakAccurate, Workers: 1})
			if err != nil {
				return nil, err
			}
			r.meter = m
		}
		sc.spans = append(sc.spans, r)
	}
	return k, nil
}

// write takes n frames: raw, interleaved bytes as defined for the PCM MD5,
// and x, the same samples planar (nil when nothing is metered).
func (k *pcmSink) write(raw []byte, x [][]float64, n int) error {
	k.whole.Write(raw)
	lo, hi := k.pos, k.pos+int64(n)
	for _, r := range k.sc.spans {
		a, b := max(lo, r.start), min(hi, r.end)
		if a >= b {
			continue
		}
		r.h.Write(raw[(a-lo)*int64(k.fb) : (b-lo)*int64(k.fb)])
		r.frames += b - a
		if r.meter != nil {
			view := make([][]float64, len(x))
			for c := range x {
				view[c] = x[c][a-lo : b-lo]
			}
			if err := r.meter.Write(view); err != nil {
				return err
			}
		}
	}
	k.pos = hi
	return nil
}

func (k *pcmSink) close() {
	k.sc.audio.Samples = k.pos
	k.sc.audio.PCMMD5 = hex.EncodeToString(k.whole.Sum(nil))
	for _, r := range k.sc.spans {
		r.md5 = hex.EncodeToString(r.h.Sum(nil))
		if r.meter != nil {
			r.m = r.meter.Measure()
		}
	}
}

// scanAudio decodes the file at p in its format and hashes its PCM.
func scanAudio(p, format string, spans []span, meter bool) (*scan, error) {
	switch format {
	case "cdda":
		return scanCDDA(p, spans, meter)
	case "mp3":
		return scanMP3(p, spans, meter)
	default:
		return scanPCM(p, format, spans, meter)
	}
}

const scanFrames = 16384

// scanPCM decodes a WAV or FLAC file through package pcm.
func scanPCM(p, format string, spans []span, meter bool) (*scan, error) {
	src, err := pcm.Open(p)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	f := src.Format()
	sc := &scan{audio: Audio{Format: format, Rate: f.Rate, Channels: f.Channels, Bits: f.Bits, Float: f.Float}}
	sink, err := newSink(sc, spans, meter)
	if err != nil {
		return nil, err
	}
	x := make([][]float64, f.Channels)
	for c := range x {
		x[c] = make([]float64, scanFrames)
	}
	raw := make([]byte, 0, scanFrames*sink.fb)
	view := make([][]float64, f.Channels)
	for {
		n, err := src.Read(x)
		if n > 0 {
			raw = raw[:0]
			for i := range n {
				for c := range f.Channels {
					raw = appendSample(raw, x[c][i], f)
				}
			}
			for c := range x {
				view[c] = x[c][:n]
			}
			if werr := sink.write(raw, view, n); werr != nil {
				return nil, werr
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	sink.close()
	return sc, nil
}

// appendSample appends one sample as the PCM MD5 defines it.
func appendSample(b []byte, v float64, f pcm.Format) []byte {
	switch {
	case f.Float && f.Bits == 32:
		return binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(v)))
	case f.Float:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	i := int64(math.Round(math.Ldexp(v, f.Bits-1)))
	for range (f.Bits + 7) / 8 {
		b = append(b, byte(i))
		i >>= 8
	}
	return b
}

// scanCDDA reads a DDP image: 16-bit little-endian stereo PCM.
func scanCDDA(p string, spans []span, meter bool) (*scan, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := &scan{audio: Audio{Format: "cdda", Rate: 44100, Channels: 2, Bits: 16}}
	sink, err := newSink(sc, spans, meter)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, scanFrames*4)
	x := [][]float64{make([]float64, scanFrames), make([]float64, scanFrames)}
	r := bufio.NewReader(f)
	for {
		n, err := io.ReadFull(r, buf)
		if n%4 != 0 {
			return nil, fmt.Errorf("%d bytes after frame %d, not a whole stereo frame", n%4, sink.pos+int64(n/4))
		}
		if n > 0 {
			frames := n / 4
			view := [][]float64{x[0][:frames], x[1][:frames]}
			if meter {
				int16Planar(view, buf[:n])
			}
			if werr := sink.write(buf[:n], view, frames); werr != nil {
				return nil, werr
			}
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	sink.close()
	return sc, nil
}

// int16Planar converts interleaved 16-bit little-endian stereo to planar
// samples at full scale ±1.0.
func int16Planar(x [][]float64, raw []byte) {
	for i := range len(raw) / 4 {
		x[0][i] = float64(int16(binary.LittleEndian.Uint16(raw[4*i:]))) / 32768
		x[1][i] = float64(int16(binary.LittleEndian.Uint16(raw[4*i+2:]))) / 32768
	}
}
