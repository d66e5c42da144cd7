package pcm

import (
	"crypto/md5"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"
)

// flacSource decodes a FLAC stream frame by frame and checks it against
// STREAMINFO: the sample count always, the audio MD5 when there is one.
type flacSource struct {
	name    string
	closer  io.Closer
	size    int64 // file size, for truncation messages
	stream  *flac.Stream
	f       Format
	frames  int64
	cur     *frame.Frame // the frame being delivered
	pos     int          // next sample of cur
	decoded int64        // samples decoded so far, cur included
	sum     hash.Hash    // nil when STREAMINFO has no MD5
	want    [md5.Size]byte
	md5buf  []byte
	err     error
}

func newFLAC(name string, f *os.File) (Source, error) {
	s, err := openFLAC(name, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func openFLAC(name string, f *os.File) (*flacSource, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("pcm: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("pcm: %s: %w", name, err)
	}
	stream, err := flac.New(f)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, formatErr(name, "FLAC header truncated at byte %d", st.Size())
		}
		return nil, fmt.Errorf("pcm: %s: read FLAC header: %w", name, err)
	}
	si := stream.Info
	format, err := flacFormat(name, si)
	if err != nil {
		return nil, err
	}
	s := &flacSource{
		name: name, closer: f, size: st.Size(), stream: stream,
		f: format, frames: int64(si.NSamples), want: si.MD5sum,
	}
	if si.MD5sum != [md5.Size]byte{} {
		s.sum = md5.New()
	}
	return s, nil
}

// flacFormat checks what lathe needs of STREAMINFO.
func flacFormat(name string, si *meta.StreamInfo) (Format, error) {
	switch {
	case si.SampleRate == 0:
		return Format{}, formatErr(name, "corrupt STREAMINFO: sample rate 0")
	case si.NChannels > 2:
		return Format{}, unsupported(name, "%d channels: lathe masters stereo (or mono)", si.NChannels)
	case si.BitsPerSample < 16 || si.BitsPerSample > 24:
		return Format{}, unsupported(name, "%d-bit FLAC: lathe reads 16- to 24-bit FLAC", si.BitsPerSample)
	case si.SampleRate > maxRate:
		return Format{}, unsupported(name, "sample rate %d Hz: lathe reads up to %d Hz", si.SampleRate, maxRate)
	case si.NSamples == 0:
		return Format{}, unsupported(name, "STREAMINFO does not give the number of samples")
	case si.NSamples > 1<<40:
		return Format{}, formatErr(name, "corrupt STREAMINFO: %d samples", si.NSamples)
	}
	return Format{Rate: int(si.SampleRate), Channels: int(si.NChannels), Bits: int(si.BitsPerSample)}, nil
}

func probeFLAC(name string, f *os.File) (Info, error) {
	s, err := openFLAC(name, f)
	if err != nil {
		return Info{}, err
	}
	return Info{Format: s.f, Frames: s.frames, Container: "flac"}, nil
}

func (s *flacSource) Format() Format { return s.f }
func (s *flacSource) Frames() int64  { return s.frames }

func (s *flacSource) Close() error {
	err := closeSource(s.name, s.closer, &s.err)
	s.closer = nil
	return err
}

func (s *flacSource) Read(dst [][]float64) (int, error) {
	n := 0
	for n < len(dst[0]) && s.err == nil {
		if s.cur == nil || s.pos == len(s.cur.Subframes[0].Samples) {
			s.err = s.nextFrame()
			continue
		}
		k := min(len(dst[0])-n, len(s.cur.Subframes[0].Samples)-s.pos)
		scale := 1 / float64(int64(1)<<(s.f.Bits-1))
		for c := range s.f.Channels {
			d := dst[c][n : n+k]
			for i, v := range s.cur.Subframes[c].Samples[s.pos : s.pos+k] {
				d[i] = float64(v) * scale
			}
		}
		n += k
		s.pos += k
	}
	if s.err == nil && s.decoded == s.frames && s.cur != nil && s.pos == len(s.cur.Subframes[0].Samples) {
		s.err = s.nextFrame() // report the end together with the last samples
	}
	return n, s.err
}

// nextFrame decodes the next frame into s.cur, or checks the stream's end
// against STREAMINFO and returns io.EOF.
func (s *flacSource) nextFrame() error {
	s.cur, s.pos = nil, 0
	fr, err := s.stream.ParseNext()
	if err == io.EOF {
		if s.decoded < s.frames {
			return formatErr(s.name, "FLAC stream truncated at byte %d: %d of %d samples", s.size, s.decoded, s.frames)
		}
		if s.sum != nil {
			if got := s.sum.Sum(nil); string(got) != string(s.want[:]) {
				return formatErr(s.name, "audio MD5 %x does not match STREAMINFO MD5 %x", got, s.want)
			}
		}
		return io.EOF
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr(s.name, "FLAC stream truncated at byte %d in the frame at sample %d of %d", s.size, s.decoded, s.frames)
	}
	if err != nil {
		return fmt.Errorf("pcm: %s: FLAC frame at sample %d: %w", s.name, s.decoded, err)
	}
	if len(fr.Subframes) != s.f.Channels || int(fr.BitsPerSample) != s.f.Bits {
		return formatErr(s.name, "FLAC frame at sample %d has %d channels of %d bits, STREAMINFO %d of %d",
			s.decoded, len(fr.Subframes), fr.BitsPerSample, s.f.Channels, s.f.Bits)
	}
	k := len(fr.Subframes[0].Samples)
	if s.decoded+int64(k) > s.frames {
		return formatErr(s.name, "FLAC stream holds more than the %d samples STREAMINFO gives", s.frames)
	}
	s.decoded += int64(k)
	s.cur = fr
	if s.sum != nil {
		s.hash(fr)
	}
	return nil
}

// hash adds the frame's samples to the running MD5 as the FLAC format
// defines it: interleaved, little-endian, in whole bytes per sample.
func (s *flacSource) hash(fr *frame.Frame) {
	width := (s.f.Bits + 7) / 8
	k := len(fr.Subframes[0].Samples)
	need := k * width * s.f.Channels
	if cap(s.md5buf) < need {
		s.md5buf = make([]byte, need)
	}
	p := s.md5buf[:need]
	for c, sub := range fr.Subframes {
		q := p[c*width:]
		stride := width * s.f.Channels
		for i, v := range sub.Samples {
			b := q[i*stride : i*stride+width]
			for j := range b {
				b[j] = byte(v >> (8 * j))
			}
		}
	}
	s.sum.Write(p)
}
