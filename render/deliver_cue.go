package render

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cue"
	"github.com/lathe-audio/lathe/pcm"
)

func init() { Register(album.KindCue, newCueDelivery) }

// CueTracksFolder is the subfolder of a cue delivery that holds the
// per-track WAVs and their multi-file cue sheet (per_track = true).
const CueTracksFolder = "tracks"

// cueDelivery writes a cue delivery (docs/cd-formats.md §5.4): one album
// WAV from LBA 0 (A-time 00:02:00) to the lead-out with its cue sheet
// (layout 1: gaps as INDEX 00, CATALOG, ISRC, FLAGS, TITLE, PERFORMER,
// SONGWRITER), and with per_track also one WAV per track from its first
// index to the next track's, with a compliant multi-file cue (layout 2).
// The WAVs are canonical 16-bit 44.1 kHz files with no metadata chunk: the
// cue sheet carries the metadata, and burners and splitters expect bare
// headers.
type cueDelivery struct {
	s        *Stream
	disc     *cdda.Disc
	wavs     *wavWriter
	albumWAV string
	albumCue string
	trackWAV []string // base names, in CueTracksFolder
	trackCue string
	pregap   int64 // stream frame of track 1's index 01
}

func newCueDelivery(s *Stream) (DeliveryWriter, error) {
	if err := cdStream(s); err != nil {
		return nil, err
	}
	a, d := s.Album, s.Delivery
	disc, err := Disc(a, s.Layout)
	if err != nil {
		return nil, err
	}
	if err := disc.Validate(); err != nil {
		return nil, err
	}
	c := &cueDelivery{s: s, disc: disc, pregap: s.Layout.Tracks[0].Index[0] * cdda.SectorFrames}
	c.wavs = &wavWriter{s: s, view: [][]float64{nil, nil}}
	format := pcm.Format{Rate: s.Rate, Channels: 2, Bits: 16}
	add := func(name string, sp cue.Span, track int) {
		fs := FrameSpan{int64(sp.Start) * cdda.SectorFrames, int64(sp.End) * cdda.SectorFrames}
		c.wavs.files = append(c.wavs.files, &wavFile{name: name, span: fs, track: track, fmt: format,
			opts: pcm.WAVOptions{Frames: fs.End - fs.Start}, path: filepath.Join(s.Dir, filepath.FromSlash(name))})
		c.wavs.names = append(c.wavs.names, name)
	}
	if c.albumWAV, err = a.Name(d.Naming, 0, "wav"); err != nil {
		return nil, err
	}
	if c.albumCue, err = a.Name(d.Naming, 0, "cue"); err != nil {
		return nil, err
	}
	add(c.albumWAV, cue.Span{Start: cdda.MinPregap, End: disc.LeadOut}, 0)
	if d.PerTrack {
		if err := os.Mkdir(filepath.Join(s.Dir, CueTracksFolder), 0o755); err != nil {
			return nil, err
		}
		c.trackCue = c.albumCue
		for k, sp := range cue.TrackSpans(disc) {
			name, err := a.Name(album.DefaultNaming, k+1, "wav")
			if err != nil {
				return nil, err
			}
			c.trackWAV = append(c.trackWAV, name)
			add(path.Join(CueTracksFolder, name), sp, k+1)
		}
	}
	return c, nil
}

// Write passes the block on to the WAV files, once it checked that track
// 1's pregap is digital silence.
func (c *cueDelivery) Write(b *Block) error {
	if err := checkPregap(b, c.pregap); err != nil {
		return err
	}
	return c.wavs.Write(b)
}

func (c *cueDelivery) Close() ([]string, error) {
	files, err := c.wavs.Close()
	if err != nil {
		return nil, err
	}
	opt := cue.Options{File: c.albumWAV, Rem: cueRem(c.s.Album)}
	var sheet bytes.Buffer
	if err := cue.Write(&sheet, c.disc, opt); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(c.s.Dir, c.albumCue), sheet.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("%s: %w", c.albumCue, err)
	}
	files = append(files, c.albumCue)
	if c.trackWAV != nil {
		sheet.Reset()
		if err := cue.WriteTracks(&sheet, c.disc, c.trackWAV, opt); err != nil {
			return nil, err
		}
		name := path.Join(CueTracksFolder, c.trackCue)
		if err := os.WriteFile(filepath.Join(c.s.Dir, filepath.FromSlash(name)), sheet.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files = append(files, name)
	}
	return files, nil
}

func (c *cueDelivery) Abort() { c.wavs.Abort() }

func (c *cueDelivery) pcmFiles() []pcmFile { return c.wavs.pcmFiles() }

func (c *cueDelivery) fileSums() []FileSum { return c.wavs.fileSums() }

// cueRem is the REM metadata of the project's cue sheets: the genre and
// the release year.
func cueRem(a *album.Album) cue.Rem {
	r := cue.Rem{Genre: a.Genre}
	if len(a.ReleaseDate) >= 4 {
		r.Date = a.ReleaseDate[:4]
	}
	return r
}
