package mp3

/*
#cgo LDFLAGS: -lmp3lame
#include <stdlib.h>
#include <lame/lame.h>

static void lathe_hip_quiet(hip_t h) {
	hip_set_errorf(h, NULL);
	hip_set_debugf(h, NULL);
	hip_set_msgf(h, NULL);
}
*/
import "C"

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
	"unsafe"
)

// DecoderDelay is the delay, in samples, of the Layer III synthesis
// filter bank that a decoder adds before the encoder's first sample;
// LAME's info tag counts the encoder delay and the padding without it.
const DecoderDelay = 529

// FrameSamples is the length of an MPEG-1 Layer III frame, per channel.
const FrameSamples = 1152

// InfoTag is what the Xing/Info tag in the first frame of a LAME stream
// says about its length (http://gabriel.mp3-tech.org/mp3infotag.html).
type InfoTag struct {
	Frames  int64 // MPEG frames after the info frame
	Delay   int64 // encoder delay, samples
	Padding int64 // end padding, samples
}

// Samples is the number of the encoder's input samples in the stream.
func (t InfoTag) Samples() int64 { return t.Frames*FrameSamples - t.Delay - t.Padding }

// Info describes a decoded stream.
type Info struct {
	Rate     int
	Channels int
	Tag      InfoTag
}

// hipMu serializes the decoder's calls: its set-up fills tables that every
// decoder in the process shares, and it decodes a frame in scratch memory
// that is shared too (decoders running at once give wrong samples). Each
// decoder keeps its own state between calls, so decoders may take turns
// frame by frame.
var hipMu sync.Mutex

// decodeChunk is how many bytes of the stream are handed to the decoder at
// a time.
const decodeChunk = 64 << 10

// idleCalls is how many "need more data" answers in a row tell Decode
// that the decoder has used up the bytes it was given (see Decode).
const idleCalls = 4

// Decode decodes an MPEG-1 Layer III stream read from r with LAME's
// decoder (hip, the mpglib decoder LAME ships and `lame --decode` uses) to
// 16-bit samples, and keeps exactly the samples the encoder received, as
// the stream's info tag tells them: the encoder delay plus DecoderDelay at
// the start and the padding less DecoderDelay at the end are dropped. An
// ID3v2 tag before the stream is skipped. Decode calls start once with the
// stream's format, then each with interleaved samples (channel by channel
// within a frame), at most FrameSamples frames at a time; each must not
// keep the slice. A stream without an info tag, or that ends before the
// count the tag gives, is an error.
func Decode(r io.Reader, start func(Info) error, each func(pcm []int16) error) error {
	br := bufio.NewReaderSize(r, decodeChunk)
	info, err := readHead(br)
	if err != nil {
		return err
	}
	keep := info.Tag.Samples()
	if err := start(info); err != nil {
		return err
	}
	hipMu.Lock()
	h := C.hip_decode_init()
	hipMu.Unlock()
	if h == nil {
		return errors.New("the decoder could not start")
	}
	defer func() {
		hipMu.Lock()
		C.hip_decode_exit(h)
		hipMu.Unlock()
	}()
	C.lathe_hip_quiet(h)

	skip := info.Tag.Delay + DecoderDelay
	var pcm [2][FrameSamples]C.short
	out := make([]int16, 0, FrameSamples*info.Channels)
	var done int64
	// emit passes on the decoded samples that lie past skip, up to keep.
	emit := func(n int) error {
		from := 0
		if skip > 0 {
			d := int(min(skip, int64(n)))
			skip -= int64(d)
			from = d
		}
		to := n
		if left := keep - done; int64(to-from) > left {
			to = from + int(left)
		}
		if to <= from {
			return nil
		}
		out = out[:0]
		for i := from; i < to; i++ {
			out = append(out, int16(pcm[0][i]))
			if info.Channels == 2 {
				out = append(out, int16(pcm[1][i]))
			}
		}
		done += int64(to - from)
		return each(out)
	}
	buf := make([]byte, decodeChunk)
	for done < keep {
		n, rerr := io.ReadFull(br, buf)
		if n > 0 {
			// The decoder takes the bytes, then gives a frame per call
			// until it needs more. While it sets up (the info frame, the
			// first frame) it also answers "need more" twice though it
			// holds the bytes, so only idleCalls such answers in a row
			// mean the bytes are used up.
			p := (*C.uchar)(unsafe.Pointer(&buf[0]))
			for len, idle := C.size_t(n), 0; idle < idleCalls; len = 0 {
				hipMu.Lock()
				got := C.hip_decode1(h, p, len, &pcm[0][0], &pcm[1][0])
				hipMu.Unlock()
				if got < 0 {
					return fmt.Errorf("decode error after %d samples", done)
				}
				if got == 0 {
					idle++
					continue
				}
				idle = 0
				if err := emit(int(got)); err != nil {
					return err
				}
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	if done < keep {
		return fmt.Errorf("decoded %d samples, the info tag says %d", done, keep)
	}
	return nil
}

// ReadInfo reads the format and the info tag of the MPEG stream read from
// r, after its ID3v2 tag, without decoding it.
func ReadInfo(r io.Reader) (Info, error) {
	return readHead(bufio.NewReader(r))
}

// readHead reads past the ID3v2 tag at the start of br and returns the
// format and info tag of the stream's first frame, which it leaves unread.
func readHead(br *bufio.Reader) (Info, error) {
	if err := skipID3v2(br); err != nil {
		return Info{}, err
	}
	head, err := br.Peek(256)
	if err != nil && !errors.Is(err, io.EOF) {
		return Info{}, fmt.Errorf("read the first MPEG frame: %w", err)
	}
	return parseFirstFrame(head)
}

// skipID3v2 reads past an ID3v2 tag (ID3v2.4 §3.1: a 10-byte header with
// a syncsafe size, and a 10-byte footer when its flag is set) at the start
// of br, if there is one.
func skipID3v2(br *bufio.Reader) error {
	head, err := br.Peek(10)
	if err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the stream is shorter than a frame header")
		}
		return err
	}
	if string(head[:3]) != "ID3" {
		return nil
	}
	size := int64(head[6]&0x7F)<<21 | int64(head[7]&0x7F)<<14 | int64(head[8]&0x7F)<<7 | int64(head[9]&0x7F) + 10
	if head[5]&0x10 != 0 {
		size += 10
	}
	if _, err := br.Discard(int(size)); err != nil {
		return fmt.Errorf("skip the ID3v2 tag of %d bytes: %w", size, err)
	}
	return nil
}

// Layer III sample rates of MPEG-1 by the header's index.
var mpeg1Rates = [3]int{44100, 48000, 32000}

// parseFirstFrame reads the format and the info tag from the stream's
// first frame.
func parseFirstFrame(frame []byte) (Info, error) {
	var info Info
	if len(frame) < 4 {
		return info, errors.New("the stream is shorter than a frame header")
	}
	h := binary.BigEndian.Uint32(frame)
	if h>>21 != 0x7FF || (h>>19)&3 != 3 || (h>>17)&3 != 1 {
		return info, fmt.Errorf("the first frame header %08X is not MPEG-1 Layer III", h)
	}
	ri := (h >> 10) & 3
	if ri == 3 {
		return info, fmt.Errorf("the first frame header %08X has a reserved sample rate", h)
	}
	info.Rate = mpeg1Rates[ri]
	info.Channels = 2
	off := 4
	if h>>16&1 == 0 { // CRC
		off += 2
	}
	if h>>6&3 == 3 { // mono
		info.Channels = 1
		off += 17
	} else {
		off += 32
	}
	if off+8 > len(frame) {
		return info, errors.New("the first frame is cut short")
	}
	x := frame[off:]
	if id := string(x[:4]); id != "Xing" && id != "Info" {
		return info, errors.New("no Xing/Info tag in the first frame: the length and encoder delay are unknown")
	}
	flags := binary.BigEndian.Uint32(x[4:])
	p := 8
	if flags&1 == 0 {
		return info, errors.New("the info tag has no frame count")
	}
	if p+4 > len(x) {
		return info, errors.New("the info tag is cut short")
	}
	info.Tag.Frames = int64(binary.BigEndian.Uint32(x[p:]))
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
		return info, errors.New("the info tag is cut short")
	}
	d := x[p+21:]
	info.Tag.Delay = int64(d[0])<<4 | int64(d[1])>>4
	info.Tag.Padding = int64(d[1]&0x0F)<<8 | int64(d[2])
	if info.Tag.Samples() < 0 {
		return info, fmt.Errorf("the info tag's delay %d and padding %d exceed its %d frames", info.Tag.Delay, info.Tag.Padding, info.Tag.Frames)
	}
	return info, nil
}
