package render

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/internal/version"
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
	hw    *hashWriter
	bw    *bufio.Writer
	w     *pcm.WAVWriter
	done  bool
	opts  pcm.WAVOptions
	fmt   pcm.Format
	path  string
}

// wavWriter writes the files of a wav delivery (docs/design.md §5): one
// per track (files = tracks or both) cut at the delivery's gap mode, and
// one for the album from track 1's index 01 to the lead-out (files =
// album or both), 16 or 24-bit PCM or 32-bit float.
type wavWriter struct {
	s     *Stream
	files []*wavFile
	names []string
	view  [][]float64
	iview [][]int32
}

func newWAVWriter(s *Stream) (DeliveryWriter, error) {
	a, d := s.Album, s.Delivery
	f := pcm.Format{Rate: s.Rate, Channels: 2, Bits: s.Bits, Float: s.Bits == 32}
	w := &wavWriter{s: s, view: [][]float64{nil, nil}, iview: [][]int32{nil, nil}}
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
			w.iview[0], w.iview[1] = b.Int[0][x-lo:y-lo], b.Int[1][x-lo:y-lo]
			err = f.w.WriteInt(w.iview)
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
	f.f, f.hw = fh, newHashWriter(fh)
	f.bw = bufio.NewWriterSize(f.hw, 1<<18)
	f.w, err = pcm.NewWAVWriter(f.bw, f.fmt, f.opts)
	if err != nil {
		fh.Close()
		return fmt.Errorf("%s: %w", f.name, err)
	}
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

func (w *wavWriter) Close() ([]string, error) {
	for _, f := range w.files {
		if !f.done {
			return nil, fmt.Errorf("%s: the stream ended before the file was complete", f.name)
		}
	}
	return w.names, nil
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

// bext returns the BWF chunk of a track's file (track 0: the album file).
// Dates come from the project's release date, never from the clock.
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
	}
	if len(a.ReleaseDate) == len("2006-01-02") {
		b.OriginationDate = a.ReleaseDate
	}
	return b
}

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
