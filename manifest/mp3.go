package manifest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	gomp3 "github.com/hajimehoshi/go-mp3"
)

// mp3DecoderDelay is the delay of the MPEG Layer III synthesis filter
// bank that decoders add before the encoder's first sample; LAME's info
// tag counts its encoder delay and padding without it.
const mp3DecoderDelay = 529

// mp3SamplesPerFrame is the frame length of MPEG-1 Layer III.
const mp3SamplesPerFrame = 1152

// lameTag is what an MP3's LAME info tag says about its length.
type lameTag struct {
	frames  int64 // MPEG frames after the info frame
	delay   int64 // encoder delay, samples
	padding int64 // end padding, samples
}

// samples is the number of the encoder's input samples in the stream.
func (t lameTag) samples() int64 { return t.frames*mp3SamplesPerFrame - t.delay - t.padding }

// readLAMETag finds the info frame after the ID3v2 tag of an MP3 stream
// and reads its frame count, encoder delay and padding
// (http://gabriel.mp3-tech.org/mp3infotag.html).
func readLAMETag(r io.Reader) (lameTag, error) {
	var t lameTag
	br := bufio.NewReader(r)
	head := make([]byte, 10)
	if _, err := io.ReadFull(br, head); err != nil {
		return t, fmt.Errorf("read the header: %w", err)
	}
	if string(head[:3]) == "ID3" {
		size := int64(head[6]&0x7F)<<21 | int64(head[7]&0x7F)<<14 | int64(head[8]&0x7F)<<7 | int64(head[9]&0x7F)
		if head[5]&0x10 != 0 { // footer
			size += 10
		}
		if _, err := io.CopyN(io.Discard, br, size); err != nil {
			return t, fmt.Errorf("skip the ID3v2 tag of %d bytes: %w", size, err)
		}
		head = head[:0]
	}
	frame := make([]byte, 256) // header, CRC, side info, Xing fields and the LAME extension
	k := copy(frame, head)
	if _, err := io.ReadFull(br, frame[k:]); err != nil {
		return t, fmt.Errorf("read the first MPEG frame: %w", err)
	}
	h := binary.BigEndian.Uint32(frame)
	if h>>21 != 0x7FF || (h>>19)&3 != 3 || (h>>17)&3 != 1 {
		return t, fmt.Errorf("the first frame header %08X is not MPEG-1 Layer III", h)
	}
	off := 4
	if h>>16&1 == 0 { // CRC
		off += 2
	}
	if h>>6&3 == 3 { // mono
		off += 17
	} else {
		off += 32
	}
	x := frame[off:]
	if id := string(x[:4]); id != "Xing" && id != "Info" {
		return t, errors.New("no Xing/Info tag in the first frame: the length and encoder delay are unknown")
	}
	flags := binary.BigEndian.Uint32(x[4:])
	p := 8
	if flags&1 == 0 {
		return t, errors.New("the info tag has no frame count")
	}
	t.frames = int64(binary.BigEndian.Uint32(x[p:]))
	p += 4
	if flags&2 != 0 {
		p += 4
	}
	if flags&4 != 0 {
		p += 100
	}
	if flags&8 != 0 {
		p += 4
	}
	// LAME extension: 9-byte encoder string, then 12 bytes to the delay.
	if p+24 > len(x) {
		return t, errors.New("the info tag is cut short")
	}
	d := x[p+21:]
	t.delay = int64(d[0])<<4 | int64(d[1])>>4
	t.padding = int64(d[1]&0x0F)<<8 | int64(d[2])
	return t, nil
}

// scanMP3 decodes an MP3 file (decodeMP3) and hashes its PCM.
func scanMP3(p string, spans []span, meter bool) (*scan, error) {
	var sc *scan
	var sink *pcmSink
	x := [][]float64{make([]float64, scanFrames), make([]float64, scanFrames)}
	err := decodeMP3(p, func(rate int) error {
		sc = &scan{audio: Audio{Format: "mp3", Rate: rate, Channels: 2, Bits: 16}}
		var err error
		sink, err = newSink(sc, spans, meter)
		return err
	}, func(raw []byte) error {
		frames := len(raw) / 4
		view := [][]float64{x[0][:frames], x[1][:frames]}
		if meter {
			int16Planar(view, raw)
		}
		return sink.write(raw, view, frames)
	})
	if err != nil {
		return nil, err
	}
	sink.close()
	return sc, nil
}

// decodeMP3 decodes an MP3 file with go-mp3 (16-bit stereo) and keeps
// the samples the LAME tag says the encoder received: it calls start with
// the rate, then each with interleaved 16-bit little-endian stereo
// frames, at most scanFrames at a time.
func decodeMP3(p string, start func(rate int) error, each func(raw []byte) error) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	tag, err := readLAMETag(f)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec, err := gomp3.NewDecoder(f)
	if err != nil {
		return fmt.Errorf("mp3 decoder: %w", err)
	}
	if err := start(dec.SampleRate()); err != nil {
		return err
	}
	// go-mp3 decodes the info frame too, as a frame of silence.
	skip := (mp3SamplesPerFrame + tag.delay + mp3DecoderDelay) * 4
	keep := tag.samples() * 4
	if keep < 0 {
		return fmt.Errorf("the info tag's delay %d and padding %d exceed its %d frames", tag.delay, tag.padding, tag.frames)
	}
	if _, err := io.CopyN(io.Discard, dec, skip); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	buf := make([]byte, scanFrames*4)
	done := int64(0)
	for done < keep {
		n, err := io.ReadFull(dec, buf[:min(int64(len(buf)), keep-done)])
		if err != nil {
			// go-mp3 ends a truncated stream as if it were complete: the
			// count is the check.
			return fmt.Errorf("decoded %d samples, the info tag says %d", (done+int64(n))/4, tag.samples())
		}
		if err := each(buf[:n]); err != nil {
			return err
		}
		done += int64(n)
	}
	return nil
}
