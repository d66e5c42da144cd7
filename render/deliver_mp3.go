package render

import (
	"os"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/mp3"
)

func init() { Register(album.KindMP3, newMP3Writer) }

// MP3Padding is the ID3v2 padding of a tagged mp3 delivery's files: room
// to edit the tags later without rewriting the file.
const MP3Padding = 2048

// newMP3Writer writes an mp3 delivery: one MP3 file per track at the
// delivery's rate (44.1 or 48 kHz; the render resamples), LAME at the
// delivery's CBR bitrate or VBR quality with the LAME info tag for
// gapless playback, and with tags an ID3v2.4 tag of metadata.ForTrack's
// frames (ReplayGain 2.0 of the delivered audio as TXXX) and the front
// cover as APIC. The delivery's float stream reaches LAME as 24-bit
// integers.
func newMP3Writer(s *Stream) (DeliveryWriter, error) {
	d := s.Delivery
	bits := s.Bits
	if bits == 32 {
		bits = 24
	}
	w, err := newTaggedWriter(s, trackFormat{
		bits: bits,
		open: func(f *os.File, name string, frames int64, tags *metadata.Tags, cover *metadata.Picture) (trackEncoder, error) {
			cfg := mp3.Config{Name: name, Rate: s.Rate, Channels: 2, Bits: bits, Bitrate: d.Bitrate, Quality: d.Quality, TotalFrames: frames}
			if tags != nil {
				cfg.Tags, cfg.Cover, cfg.Padding = tags.ID3(), cover, MP3Padding
			}
			return mp3.NewEncoder(f, cfg)
		},
		retag: func(f *os.File, name string, tags *metadata.Tags, cover *metadata.Picture) error {
			return mp3.RewriteTag(f, name, tags.ID3(), cover)
		},
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}
