package render

import (
	"fmt"
	"os"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/flac"
	"github.com/lathe-audio/lathe/metadata"
)

func init() { Register(album.KindFLAC, newFLACWriter) }

// FLACPadding is the PADDING block of a tagged flac delivery's files, as
// the flac command reserves it: room to edit the tags later (metaflac,
// players' tag editors) without rewriting the file.
const FLACPadding = 8192

// newFLACWriter writes a flac delivery: one FLAC file per track at the
// delivery's rate and word length, libFLAC at the delivery's compression
// level with verify on and the STREAMINFO MD5, and with tags on the
// Vorbis comments of metadata.ForTrack (ReplayGain 2.0 of the delivered
// audio included) and the front cover.
func newFLACWriter(s *Stream) (DeliveryWriter, error) {
	d := s.Delivery
	if s.Bits != 16 && s.Bits != 24 {
		return nil, fmt.Errorf("a flac delivery is 16 or 24-bit, this stream is %d-bit", s.Bits)
	}
	w, err := newTaggedWriter(s, trackFormat{
		bits: s.Bits,
		pcm:  true,
		open: func(f *os.File, name string, frames int64, tags *metadata.Tags, cover *metadata.Picture) (trackEncoder, error) {
			cfg := flac.Config{Name: name, Rate: s.Rate, Channels: 2, Bits: s.Bits, Compression: d.Compression, TotalFrames: frames}
			if tags != nil {
				cfg.Tags, cfg.Cover, cfg.Padding = tags.Vorbis(), cover, FLACPadding
			}
			return flac.NewEncoder(f, cfg)
		},
		retag: func(f *os.File, name string, tags *metadata.Tags, cover *metadata.Picture) error {
			return flac.RewriteTags(f, name, tags.Vorbis(), cover)
		},
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}
