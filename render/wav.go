package render

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/internal/version"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm"
)

func init() { Register(album.KindWAV, newWAVWriter) }

// AlbumNaming is the name template of a wav delivery's album file.
const AlbumNaming = "{albumartist} - {album}"

// wavFile is one file a wav delivery writes: a span of the stream.
type wavFile struct {
	name  string
	span  FrameSpan
	track int // from 1; 0 for the album file
	f     *os.File
	hw    *hashWriter // nil for a file with a bext chunk: hashed at Close
	bw    *bufio.Writer
	w     *pcm.WAVWriter
	done  bool
	opts  pcm.WAVOptions
	fmt   pcm.Format
	path  string
	bext  int64                 // offset of the bext chunk's body in the file
	m     *loudness.Measurement // the album file's, for its bext chunk
	sum   FileSum               // of a file with a bext chunk, once final
}

// wavWriter writes the files of a wav delivery (docs/design.md §5): one
// per track (files = tracks or both) cut at the delivery's gap mode, and
// one for the album from track 1's index 01 to the lead-out (files =
// album or both), 16 or 24-bit PCM or 32-bit float.
//
// With bwf, each file's bext chunk is version 2 and holds the loudness of
// the file's audio as written, which is known only once the stream has
// ended: the chunk is written with every loudness field unknown, and
// Close patches the fields in place (pcm.PatchBEXTLoudness) and only then
// hashes the file. A track file's loudness is its cut's measurement
// (Stream.Output); the album file's comes from a span set of its own on
// the output's meter (spanMeterer).
type wavWriter struct {
	s     *Stream
	files []*wavFile
	names []string
	view  [][]float64
}

func newWAVWriter(s *Stream) (DeliveryWriter, error) {
	a, d := s.Album, s.Delivery
	f := pcm.Format{Rate: s.Rate, Channels: 2, Bits: s.Bits, Float: s.Bits == 32}
	w := &wavWriter{s: s, view: [][]float64{nil, nil}}
	seen := map[string]int{}
	add := func(name string, sp FrameSpan, track int) error {
		key := strings.ToLower(name)
		if k, dup := seen[key]; dup {
			what := "the album file"
			if k > 0 {
				what = "track " + strconv.Itoa(k)
			}
			return fmt.Errorf("track %d and %s would both be written as %q; make the naming template tell them apart (e.g. with {track})", track, what, name)
		}
		seen[key] = track
		opts := pcm.WAVOptions{Frames: sp.End - sp.Start}
		if d.Tags {
			opts.Tags = infoTags(a, track)
		}
		if d.BWF {
			opts.BEXT = bext(a, track, s)
		}
		w.files = append(w.files, &wavFile{name: name, span: sp, track: track, opts: opts, fmt: f, path: filepath.Join(s.Dir, name)})
		return nil
	}
	files := d.Files
	if files == "" {
		files = album.FilesTracks
	}
	if files == album.FilesAlbum || files == album.FilesBoth {
		name, err := a.Name(AlbumNaming, 0, "wav")
		if err != nil {
			return nil, err
		}
		first := s.Cuts[0].Start
		if err := add(name, FrameSpan{first, s.Frames}, 0); err != nil {
			return nil, err
		}
	}
	if files == album.FilesTracks || files == album.FilesBoth {
		for k, sp := range s.Cuts {
			name, err := d.FileName(a, k+1)
			if err != nil {
				return nil, err
			}
			if err := add(name, sp, k+1); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range w.files {
		w.names = append(w.names, f.name)
	}
	return w, nil
}

func (w *wavWriter) Write(b *Block) error {
	lo, hi := b.Start, b.Start+int64(b.Frames())
	for _, f := range w.files {
		x, y := max(lo, f.span.Start), min(hi, f.span.End)
		if x >= y {
			continue
		}
		if f.w == nil {
			if err := f.open(); err != nil {
				return err
			}
		}
		var err error
		if b.Int != nil {
			err = f.w.WritePCM(b.packed(w.s.Bits, int(x-lo), int(y-lo)))
		} else {
			w.view[0], w.view[1] = b.Float[0][x-lo:y-lo], b.Float[1][x-lo:y-lo]
			err = f.w.WriteFloat(w.view)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		if y == f.span.End {
			if err := f.close(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *wavFile) open() error {
	fh, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	f.f = fh
	var dst io.Writer = fh
	if f.opts.BEXT == nil {
		f.hw = newHashWriter(fh)
		dst = f.hw
	}
	f.bw = bufio.NewWriterSize(dst, 1<<18)
	f.w, err = pcm.NewWAVWriter(f.bw, f.fmt, f.opts)
	if err != nil {
		fh.Close()
		return fmt.Errorf("%s: %w", f.name, err)
	}
	f.bext = f.w.BEXTOffset()
	return nil
}

func (f *wavFile) close() error {
	f.done = true
	err := f.w.Close()
	if err == nil {
		err = f.bw.Flush()
	}
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	f.f = nil
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	return nil
}

// Close checks that every file is complete and, with bwf, writes each
// file's loudness into its bext chunk and hashes the final file.
func (w *wavWriter) Close() ([]string, error) {
	for _, f := range w.files {
		if !f.done {
			return nil, fmt.Errorf("%s: the stream ended before the file was complete", f.name)
		}
	}
	for _, f := range w.files {
		if f.opts.BEXT == nil {
			continue
		}
		m := f.m
		if f.track > 0 && f.track <= len(w.s.Output) {
			m = w.s.Output[f.track-1]
		}
		if m == nil {
			return nil, fmt.Errorf("%s: no measurement of the file for its bext chunk", f.name)
		}
		if err := f.patchLoudness(bextLoudness(m)); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return w.names, nil
}

// patchLoudness writes l into the file's bext chunk, in place, and hashes
// the file as it now is (read back from the page cache).
func (f *wavFile) patchLoudness(l *pcm.BEXTLoudness) error {
	fh, err := os.OpenFile(f.path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = pcm.PatchBEXTLoudness(fh, f.bext, l)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	f.sum, err = sumFile(f.path, f.name)
	return err
}

// meterSpans returns the span of the album file when it has a bext chunk:
// its loudness is that of the whole span, which no track's cut gives
// (spanMeterer).
func (w *wavWriter) meterSpans() []FrameSpan {
	var out []FrameSpan
	for _, f := range w.files {
		if f.track == 0 && f.opts.BEXT != nil {
			out = append(out, f.span)
		}
	}
	return out
}

// measured takes the measurements of the spans meterSpans returned, in
// their order (spanMeterer).
func (w *wavWriter) measured(ms []*loudness.Measurement) {
	i := 0
	for _, f := range w.files {
		if f.track == 0 && f.opts.BEXT != nil && i < len(ms) {
			f.m = ms[i]
			i++
		}
	}
}

func (w *wavWriter) pcmFiles() []pcmFile {
	var out []pcmFile
	for _, f := range w.files {
		out = append(out, pcmFile{name: f.name, span: f.span})
	}
	return out
}

func (w *wavWriter) fileSums() []FileSum {
	var out []FileSum
	for _, f := range w.files {
		if f.hw == nil {
			out = append(out, f.sum)
			continue
		}
		out = append(out, f.hw.sum(f.name, ""))
	}
	return out
}

func (w *wavWriter) Abort() {
	for _, f := range w.files {
		if f.f != nil {
			f.f.Close()
			f.f = nil
		}
	}
}

// infoTags returns the LIST/INFO tags of a track's file (track 0: the
// album file). INFO's ISRC is the "source" field, not the recording code,
// so the ISRC is not written there.
func infoTags(a *album.Album, track int) []pcm.InfoTag {
	var tags []pcm.InfoTag
	add := func(id, text string) {
		if text = strings.ReplaceAll(text, "\x00", ""); text != "" {
			tags = append(tags, pcm.InfoTag{ID: id, Text: text})
		}
	}
	if track > 0 {
		t := &a.Tracks[track-1]
		add("INAM", t.Title)
		add("IART", t.Artist)
	} else {
		add("INAM", a.Title)
		add("IART", a.Artist)
	}
	add("IPRD", a.Title)
	if len(a.ReleaseDate) >= 4 {
		add("ICRD", a.ReleaseDate)
	}
	if track > 0 {
		add("ITRK", strconv.Itoa(track))
	}
	add("IGNR", a.Genre)
	add("ICOP", a.Copyright)
	add("ISFT", "lathe "+version.Version)
	return tags
}

// bext returns the BWF chunk of a track's file (track 0: the album file),
// version 2 with every loudness field unknown until Close patches in the
// file's measurement. Dates come from the project's release date, never
// from the clock.
func bext(a *album.Album, track int, s *Stream) *pcm.BEXT {
	title, ref := a.Title, string(a.UPC)
	artist := a.Artist
	if track > 0 {
		t := &a.Tracks[track-1]
		title, artist, ref = t.Title, t.Artist, string(t.ISRC)
	}
	b := &pcm.BEXT{
		Description:         ascii(artist+" - "+title, 256),
		Originator:          "lathe",
		OriginatorReference: ascii(ref, 32),
		CodingHistory:       fmt.Sprintf("A=PCM,F=%d,W=%d,M=stereo,T=lathe %s\r\n", s.Rate, s.Bits, ascii(version.Version, 64)),
		Loudness: &pcm.BEXTLoudness{Value: pcm.BEXTUnknown, Range: pcm.BEXTUnknown, MaxTruePeak: pcm.BEXTUnknown,
			MaxMomentary: pcm.BEXTUnknown, MaxShortTerm: pcm.BEXTUnknown},
	}
	if len(a.ReleaseDate) == len("2006-01-02") {
		b.OriginationDate = a.ReleaseDate
	}
	return b
}

// bextLoudness returns the loudness fields of a version 2 bext chunk (EBU
// Tech 3285 v2, R 128 s1) from m, the measurement of the file's audio as
// written: hundredths of LUFS, LU and dBTP, rounded to nearest (halves
// away from zero) and held within -32768..32766, so that no value reads
// as unknown. A field with no value is pcm.BEXTUnknown (0x7fff), as Tech
// 3285 marks loudness it does not give: the integrated loudness of a file
// with no gating block above the absolute gate (silence, or less than
// 400 ms); its loudness range then, and that of a file shorter than the
// 3 s short-term window (the meter reports 0 LU for a range of no
// values); the maximum momentary or short-term loudness of a file shorter
// than its window; the true peak of digital silence.
func bextLoudness(m *loudness.Measurement) *pcm.BEXTLoudness {
	rng := m.Range
	if !known(m.Integrated) || !known(m.MaxShortTerm) {
		rng = math.NaN()
	}
	return &pcm.BEXTLoudness{
		Value:        hundredths(m.Integrated),
		Range:        hundredths(rng),
		MaxTruePeak:  hundredths(m.TruePeak),
		MaxMomentary: hundredths(m.MaxMomentary),
		MaxShortTerm: hundredths(m.MaxShortTerm),
	}
}

// hundredths returns v×100 rounded for a bext loudness field, or
// pcm.BEXTUnknown when v is not a number or infinite.
func hundredths(v float64) int16 {
	if !known(v) {
		return pcm.BEXTUnknown
	}
	return int16(min(max(math.Round(100*v), math.MinInt16), float64(pcm.BEXTUnknown-1)))
}

// known reports whether v is a value: not a NaN nor infinite.
func known(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// ascii replaces what bext's ASCII fields cannot hold with "?" and cuts
// the text to n bytes.
func ascii(s string, n int) string {
	b := []byte(strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' {
			return '?'
		}
		return r
	}, s))
	return string(b[:min(len(b), n)])
}
