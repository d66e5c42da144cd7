package render

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/mp3"
)

func init() { Register(album.KindMP3, newMP3Writer) }

// MP3Padding is the ID3v2 padding of a tagged mp3 delivery's files: room
// to edit the tags later without rewriting the file.
const MP3Padding = 2048

// decodeMP3 is DecodeMP3, which the tests replace to make a check fail.
var decodeMP3 = DecodeMP3

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
		bits:   bits,
		decode: func(path string) (*DecodedFile, error) { return decodeMP3(path, true) },
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

// DecodedFile is an MP3 file decoded with mp3.Decode: its rate, its
// length in frames, the PCM MD5 of the decoded 16-bit stereo samples (as
// PCMSum defines it) and, when asked, their measurement (accurate true
// peak).
type DecodedFile struct {
	Rate        int
	Frames      int64
	PCMMD5      string
	Measurement *loudness.Measurement
}

// DecodeMP3 decodes the stereo MP3 file at path and hashes, and with meter
// measures, what it holds. An mp3 delivery decodes each file once it is
// written (TrackReport.Decoded); package manifest uses it to check one.
func DecodeMP3(path string, meter bool) (*DecodedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := &DecodedFile{}
	h := md5.New()
	var m *loudness.Meter
	var x [2][]float64
	err = mp3.Decode(f, func(info mp3.Info) error {
		if info.Channels != 2 {
			return fmt.Errorf("%d channels; a delivery's MP3s are stereo", info.Channels)
		}
		d.Rate = info.Rate
		if meter {
			m, err = loudness.NewMeter(loudness.Config{Rate: info.Rate, Channels: 2, TruePeak: loudness.TruePeakAccurate, Workers: 1})
			x = [2][]float64{make([]float64, mp3.DecodeBlock/4), make([]float64, mp3.DecodeBlock/4)}
		}
		return err
	}, func(pcm []byte) error {
		// pcm is the 16-bit little-endian stereo PCM the MD5 is defined on.
		h.Write(pcm)
		n := len(pcm) / 4
		d.Frames += int64(n)
		if m == nil {
			return nil
		}
		l, r := x[0][:n], x[1][:n]
		for i := range l {
			s := pcm[4*i : 4*i+4]
			l[i] = float64(int16(binary.LittleEndian.Uint16(s))) * (1.0 / 32768)
			r[i] = float64(int16(binary.LittleEndian.Uint16(s[2:]))) * (1.0 / 32768)
		}
		return m.Write([][]float64{l, r})
	})
	if err == nil && m != nil {
		d.Measurement = m.Measure()
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	d.PCMMD5 = hex.EncodeToString(h.Sum(nil))
	return d, nil
}
