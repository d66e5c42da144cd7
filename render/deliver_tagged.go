package render

import (
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/metadata"
)

// EmbeddedCover reads the picture that the tagged files of album a embed
// (metadata.EmbedPath: cover_embed, else cover), resolving a relative
// path against the folder of the project file (Album.File). It returns
// nil when the album has none, the error of a picture that cannot be
// embedded (unreadable, not JPEG or PNG, CMYK), and warnings about one
// that can (metadata.Picture.Check: not square, smaller than the stores
// ask for when it is the cover itself, grayscale).
func EmbeddedCover(a *album.Album) (*metadata.Picture, []string, error) {
	path := metadata.EmbedPath(a)
	if path == "" {
		return nil, nil, nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(a.File), path)
	}
	p, err := metadata.ReadPicture(path)
	if err != nil {
		return nil, nil, err
	}
	return p, p.Check(a.CoverEmbed != ""), nil
}

// rgPlaceholder stands for the ReplayGain values while the audio is
// written: each formats at least as wide as any value a track can get
// (gains within ±99.99 dB, peaks below 100), so the final tags take no
// more room than the reserved ones and the header's padding only grows.
var rgPlaceholder = loudness.ReplayGain{TrackGain: -99.99, TrackPeak: 99.999999, AlbumGain: -99.99, AlbumPeak: 99.999999}

// trackEncoder is the encoder of one track's file.
type trackEncoder interface {
	Write(samples [][]int32) error
	Close() error
}

// pcmEncoder is a trackEncoder of a lossless format that knows, once
// closed, the PCM MD5 of the samples it was given (PCMSum).
type pcmEncoder interface {
	MD5() [16]byte
}

// trackFormat is what a kind of tagged per-track delivery (flac, mp3)
// gives taggedWriter.
type trackFormat struct {
	bits int  // of the samples handed to the encoder
	pcm  bool // the file holds the samples as they are (FLAC), not coded (MP3)
	// decode, when set, decodes a finished file (before its final tags)
	// to measure what it holds: coded formats, whose decoded samples are
	// not the stream's.
	decode func(path string) (*DecodedFile, error)
	// open starts the encoder of a track's file, writing to f; tags is
	// nil when the delivery writes none.
	open func(f *os.File, name string, frames int64, tags *metadata.Tags, cover *metadata.Picture) (trackEncoder, error)
	// retag writes a finished file's final tags in place.
	retag func(f *os.File, name string, tags *metadata.Tags, cover *metadata.Picture) error
}

// taggedWriter writes a delivery of one tagged file per track (flac,
// mp3): each track's cut of the stream (Stream.Cuts, the delivery's gap
// mode) is encoded into the file the naming template names. The
// ReplayGain values describe that delivered audio, as the chain measures
// it (Stream.Output, set at Close), so they are known only at the end of
// the stream: each file is written with placeholder values in tags of the
// final layout and a padded header, and Close rewrites the tags in place
// with the measured values (docs/decisions.md, "Digital deliveries").
type taggedWriter struct {
	s      *Stream
	format trackFormat
	names  []string
	tags   bool
	cover  *metadata.Picture

	k    int // current track (index); the files before it are complete
	sums []FileSum
	f    *os.File
	enc  trackEncoder
	ibuf [2][]int32

	md5s [][16]byte // each file's PCM MD5, from a pcmEncoder

	// The finished files' decoding (format.decode), each on a goroutine
	// of its own while the stream goes on.
	decoding sync.WaitGroup
	decoded  []*DecodedFile
	decErrs  []error
}

func newTaggedWriter(s *Stream, format trackFormat) (*taggedWriter, error) {
	a, d := s.Album, s.Delivery
	names, err := d.FileNames(a)
	if err != nil {
		return nil, err
	}
	if len(s.Cuts) != len(a.Tracks) {
		return nil, fmt.Errorf("%d track cuts for %d tracks", len(s.Cuts), len(a.Tracks))
	}
	for k, c := range s.Cuts {
		if c.End <= c.Start || k > 0 && c.Start < s.Cuts[k-1].End || c.End > s.Frames {
			return nil, fmt.Errorf("track %d: cut [%d, %d) of a %d-frame stream is not in order", k+1, c.Start, c.End, s.Frames)
		}
	}
	if s.Bits != 32 && s.Bits != format.bits {
		return nil, fmt.Errorf("a %d-bit stream for %d-bit files", s.Bits, format.bits)
	}
	w := &taggedWriter{s: s, format: format, names: names, tags: d.Tags}
	if format.decode != nil {
		w.decoded = make([]*DecodedFile, len(names))
		w.decErrs = make([]error, len(names))
	}
	if d.Tags {
		if w.cover, _, err = EmbeddedCover(a); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *taggedWriter) Write(b *Block) error {
	lo, hi := b.Start, b.Start+int64(b.Frames())
	for w.k < len(w.s.Cuts) {
		c := w.s.Cuts[w.k]
		if c.Start >= hi {
			return nil
		}
		x, y := max(lo, c.Start), min(hi, c.End)
		if x < y {
			if err := w.write(b, int(x-lo), int(y-lo)); err != nil {
				return fmt.Errorf("track %d: %s: %w", w.k+1, w.names[w.k], err)
			}
		}
		if y < c.End {
			return nil
		}
		if err := w.endTrack(); err != nil {
			return fmt.Errorf("track %d: %s: %w", w.k+1, w.names[w.k], err)
		}
		w.k++
	}
	return nil
}

// write encodes frames [i, j) of b, which lie in track w.k's cut.
func (w *taggedWriter) write(b *Block, i, j int) error {
	if w.enc == nil {
		if err := w.startTrack(); err != nil {
			return err
		}
	}
	n := j - i
	var x [2][]int32
	if b.Int != nil {
		x = [2][]int32{b.Int[0][i:j], b.Int[1][i:j]}
	} else {
		if len(w.ibuf[0]) < n {
			w.ibuf = [2][]int32{make([]int32, n), make([]int32, n)}
		}
		x = [2][]int32{w.ibuf[0][:n], w.ibuf[1][:n]}
		if err := quantize(x[:], b.Float, i, j, w.format.bits); err != nil {
			return fmt.Errorf("stream frame %d: %w", b.Start+int64(i), err)
		}
	}
	return w.enc.Write(x[:])
}

// quantize rounds float samples [i, j) of x to bits-bit integers in dst,
// to nearest (halves away from zero) and without dither: the encoder works
// at a resolution finer than the rounding (an mp3 delivery's float stream
// reaches LAME as 24-bit integers, whose rounding error lies 146 dB below
// full scale). Samples at or beyond full scale become the extreme
// integers. Only a rendering that the ceiling policy discards reaches
// beyond it: with over_ceiling = "limit" and no analysis, the first
// rendering of a resampled track runs without the limiter, and a track
// whose inter-sample peaks the resampler turns into samples over full
// scale measures over the ceiling, so the delivery is rendered again with
// the limiter on it. The build report's measurement of the stream shows
// any peak that remains. A NaN is an error naming its channel and its
// offset from i.
func quantize(dst [][]int32, x [][]float64, i, j, bits int) error {
	full := math.Ldexp(1, bits-1)
	hi := full - 1
	for c := range dst {
		for k, v := range x[c][i:j] {
			q := math.Round(v * full)
			switch {
			case q > hi:
				q = hi
			case q < -full:
				q = -full
			case q != q:
				return fmt.Errorf("+%d frames, channel %d: sample %g", k, c+1, v)
			}
			dst[c][k] = int32(q)
		}
	}
	return nil
}

func (w *taggedWriter) startTrack() error {
	k := w.k
	name := w.names[k]
	var tags *metadata.Tags
	if w.tags {
		rg := rgPlaceholder
		t, err := metadata.ForTrack(w.s.Album, k+1, &rg)
		if err != nil {
			return err
		}
		tags = &t
	}
	f, err := os.OpenFile(filepath.Join(w.s.Dir, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	c := w.s.Cuts[k]
	enc, err := w.format.open(f, name, c.End-c.Start, tags, w.cover)
	if err != nil {
		f.Close()
		return err
	}
	w.f, w.enc = f, enc
	return nil
}

// endTrack finishes the current track's file, and starts decoding it when
// the format asks.
func (w *taggedWriter) endTrack() error {
	err := w.enc.Close()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if pe, ok := w.enc.(pcmEncoder); ok && err == nil {
		if w.md5s == nil {
			w.md5s = make([][16]byte, len(w.names))
		}
		w.md5s[w.k] = pe.MD5()
	}
	w.f, w.enc = nil, nil
	if err == nil && w.format.decode != nil {
		k := w.k
		path := filepath.Join(w.s.Dir, w.names[k])
		w.decoding.Add(1)
		go func() {
			defer w.decoding.Done()
			w.decoded[k], w.decErrs[k] = w.format.decode(path)
		}()
	}
	return err
}

// Close computes the ReplayGain values of every track from the chain's
// measurement of the stream as written (Stream.Output: integers scaled to
// ±1.0; for an mp3 delivery's float stream, the samples rounded to
// float32, within 2^-24 of the 24-bit integers LAME gets) and rewrites
// each file's tags with them.
func (w *taggedWriter) Close() ([]string, error) {
	if w.k < len(w.s.Cuts) {
		return nil, fmt.Errorf("track %d: %s: the stream ended before the file was complete", w.k+1, w.names[w.k])
	}
	// The tags are rewritten in place: the decoders must be done reading.
	w.decoding.Wait()
	for k, err := range w.decErrs {
		if err != nil {
			return nil, fmt.Errorf("track %d: decode %w", k+1, err)
		}
	}
	if !w.tags {
		return w.names, w.sumFiles()
	}
	if len(w.s.Output) != len(w.names) {
		return nil, fmt.Errorf("%d track measurements of the stream for %d files", len(w.s.Output), len(w.names))
	}
	rgs, err := replayGains(w.s.Output)
	if err != nil {
		return nil, err
	}
	for k, name := range w.names {
		if err := w.retag(k, name, rgs[k]); err != nil {
			return nil, fmt.Errorf("track %d: %s: %w", k+1, name, err)
		}
	}
	return w.names, w.sumFiles()
}

// sumFiles hashes the finished files. The encoders seek back to finish
// their headers and Close rewrites the tags in place, so the bytes are
// final only now; they are read back from the page cache.
func (w *taggedWriter) sumFiles() error {
	for _, name := range w.names {
		s, err := sumFile(filepath.Join(w.s.Dir, name), name)
		if err != nil {
			return err
		}
		w.sums = append(w.sums, s)
	}
	return nil
}

// pcmFiles returns none: the PCM MD5 of each file comes from its encoder
// (FLAC's STREAMINFO MD5 is the PCM MD5 of the samples it was given) or
// from its decoding (MP3); see ownPCM.
func (w *taggedWriter) pcmFiles() []pcmFile { return nil }

// ownPCM returns, after Close, the PCM MD5 of each file: its encoder's
// (pcmEncoder) or, for a coded format, its decoding's.
func (w *taggedWriter) ownPCM() []PCMSum {
	var out []PCMSum
	for k, name := range w.names {
		switch {
		case w.md5s != nil:
			c := w.s.Cuts[k]
			out = append(out, PCMSum{File: name, Start: 0, End: c.End - c.Start, MD5: hex.EncodeToString(w.md5s[k][:])})
		case w.decoded != nil:
			d := w.decoded[k]
			out = append(out, PCMSum{File: name, Start: 0, End: d.Frames, MD5: d.PCMMD5})
		}
	}
	return out
}

func (w *taggedWriter) fileSums() []FileSum { return w.sums }

func (w *taggedWriter) retag(k int, name string, rg *loudness.ReplayGain) error {
	tags, err := metadata.ForTrack(w.s.Album, k+1, rg)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(w.s.Dir, name), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = w.format.retag(f, name, &tags, w.cover)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (w *taggedWriter) Abort() {
	if w.enc != nil {
		w.enc.Close()
		w.f.Close()
		w.f, w.enc = nil, nil
	}
	w.decoding.Wait()
}

// decodedFiles returns, after Close, each file's decoding (nil when the
// format decodes none).
func (w *taggedWriter) decodedFiles() []*DecodedFile { return w.decoded }

// replayGains returns the ReplayGain 2.0 values of each track
// (docs/loudness.md §7.3) from its measurement as delivered: track gain
// −18 − I, track peak its true peak (linear), album gain −18 − the
// integrated loudness of the tracks' pooled gating blocks, album peak the
// largest track peak. A track with no block above the absolute gate
// (silence) has no ReplayGain values, nor has any track when the whole
// album is below it: a gain there would be meaningless.
func replayGains(tracks []*loudness.Measurement) ([]*loudness.ReplayGain, error) {
	al, err := loudness.MeasureAlbum(tracks, nil)
	if err != nil {
		return nil, err
	}
	rgs := make([]*loudness.ReplayGain, len(tracks))
	for k, m := range tracks {
		if math.IsInf(m.Integrated, -1) || math.IsInf(al.Integrated, -1) {
			continue
		}
		rg := loudness.NewReplayGain(m.Integrated, m.TruePeak, al.Integrated, al.TruePeak)
		rgs[k] = &rg
	}
	return rgs, nil
}
