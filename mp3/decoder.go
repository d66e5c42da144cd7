package mp3

/*
#cgo pkg-config: libmpg123
#include <string.h>
#include <mpg123.h>

// lathe_mpg123_init does the library's one-time set-up, which versions
// before API 46 (libmpg123 1.27.0) need before the first handle.
static int lathe_mpg123_init(void) {
#if MPG123_API_VERSION < 46
	return mpg123_init();
#else
	return MPG123_OK;
#endif
}

// lathe_mpg123_is_generic tells whether h decodes with the generic
// decoder.
static int lathe_mpg123_is_generic(mpg123_handle *h) {
	const char *d = mpg123_current_decoder(h);
	return d != NULL && strcmp(d, "generic") == 0;
}

// lathe_mpg123_open returns a handle opened for feeding that decodes with
// the generic decoder to signed 16-bit little-endian samples at rate with
// channels (1 or 2), prints nothing, and neither trims (no gapless
// handling) nor resamples; or NULL with *err set, MPG123_BAD_DECODER when
// the generic decoder cannot be had.
static mpg123_handle *lathe_mpg123_open(long rate, int channels, int *err) {
	mpg123_pars *p = mpg123_new_pars(err);
	if (p == NULL)
		return NULL;
	mpg123_handle *h = NULL;
	// Quiet from the start: mpg123_parnew reports a decoder it cannot
	// set up on standard error otherwise.
	if ((*err = mpg123_par(p, MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_FORCE_ENDIAN, 0)) == MPG123_OK &&
	    (*err = mpg123_par(p, MPG123_REMOVE_FLAGS, MPG123_GAPLESS | MPG123_AUTO_RESAMPLE | MPG123_BIG_ENDIAN, 0)) == MPG123_OK)
		h = mpg123_parnew(p, "generic", err);
	mpg123_delete_pars(p);
	if (h == NULL)
		return NULL;
	if (!lathe_mpg123_is_generic(h))
		*err = MPG123_BAD_DECODER;
	else if (mpg123_format_none(h) != MPG123_OK ||
	         mpg123_format(h, rate, channels, MPG123_ENC_SIGNED_16) != MPG123_OK ||
	         mpg123_open_feed(h) != MPG123_OK)
		*err = mpg123_errcode(h);
	else
		return h;
	mpg123_delete(h);
	return NULL;
}
*/
import "C"

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
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

// decodeChunk is how many bytes of the stream are handed to the decoder at
// a time.
const decodeChunk = 64 << 10

// DecodeBlock is the most bytes of samples Decode passes on at a time: 64
// MPEG frames of 16-bit stereo (128 of mono), 1.7 s at 44.1 kHz.
const DecodeBlock = 64 * FrameSamples * 2 * 2

// genericDecoder is the libmpg123 decoder Decode uses, the one
// lathe_mpg123_open asks for.
const genericDecoder = "generic"

var (
	libOnce sync.Once
	libErr  error
)

// decoder is a libmpg123 handle, fed the stream and decoding it to 16-bit
// little-endian samples with the generic decoder.
type decoder struct {
	h        *C.mpg123_handle
	rate     int
	channels int
}

// newDecoder returns a decoder for a stream of rate and channels; close
// frees it.
func newDecoder(rate, channels int) (*decoder, error) {
	libOnce.Do(func() {
		if r := C.lathe_mpg123_init(); r != C.MPG123_OK {
			libErr = fmt.Errorf("libmpg123: %s", C.GoString(C.mpg123_plain_strerror(r)))
		}
	})
	if libErr != nil {
		return nil, libErr
	}
	var code C.int
	h := C.lathe_mpg123_open(C.long(rate), C.int(channels), &code)
	if h == nil {
		if code == C.MPG123_BAD_DECODER {
			return nil, fmt.Errorf("libmpg123 cannot decode with its %s decoder (it has %s): MP3s are decoded only with that one, so that the samples do not depend on the CPU's features", genericDecoder, decoders())
		}
		return nil, fmt.Errorf("libmpg123: %s", C.GoString(C.mpg123_plain_strerror(code)))
	}
	return &decoder{h: h, rate: rate, channels: channels}, nil
}

// decoders lists the decoders built into libmpg123.
func decoders() string {
	var names []string
	for p := C.mpg123_decoders(); p != nil && *p != nil; p = (**C.char)(unsafe.Add(unsafe.Pointer(p), unsafe.Sizeof(*p))) {
		names = append(names, C.GoString(*p))
	}
	return strings.Join(names, " ")
}

func (d *decoder) close() { C.mpg123_delete(d.h) }

// current returns the name of the decoder the handle uses.
func (d *decoder) current() string { return C.GoString(C.mpg123_current_decoder(d.h)) }

// decode hands in (which may be empty) to the decoder and decodes into out
// the samples it can, in one call to the library: it returns how many
// bytes of out it filled and whether it needs more of the stream to give
// more (else out was filled, or a new format was set up).
func (d *decoder) decode(in, out []byte) (n int, more bool, err error) {
	var done C.size_t
	r := C.mpg123_decode(d.h, (*C.uchar)(unsafe.SliceData(in)), C.size_t(len(in)),
		unsafe.Pointer(unsafe.SliceData(out)), C.size_t(len(out)), &done)
	switch r {
	case C.MPG123_OK:
	case C.MPG123_NEED_MORE, C.MPG123_DONE:
		more = true
	case C.MPG123_NEW_FORMAT:
		err = d.checkFormat()
	default:
		err = errors.New(C.GoString(C.mpg123_strerror(d.h)))
	}
	return int(done), more, err
}

// checkFormat requires the output format the decoder set up to be the
// one asked for, from the generic decoder.
func (d *decoder) checkFormat() error {
	var rate C.long
	var channels, enc C.int
	if r := C.mpg123_getformat(d.h, &rate, &channels, &enc); r != C.MPG123_OK {
		return errors.New(C.GoString(C.mpg123_strerror(d.h)))
	}
	if int(rate) != d.rate || int(channels) != d.channels || enc != C.MPG123_ENC_SIGNED_16 {
		return fmt.Errorf("the decoder gives %d Hz, %d channels, encoding %#x; want %d Hz, %d channels, signed 16-bit", rate, channels, enc, d.rate, d.channels)
	}
	if C.lathe_mpg123_is_generic(d.h) == 0 {
		return fmt.Errorf("libmpg123 decodes with its %s decoder, not the %s one", d.current(), genericDecoder)
	}
	return nil
}

// Decode decodes an MPEG-1 Layer III stream read from r with libmpg123's
// generic decoder (see the package documentation) to 16-bit samples, and
// keeps exactly the samples the encoder received, as the stream's info
// tag tells them: the encoder delay plus DecoderDelay at the start and the
// padding less DecoderDelay at the end are dropped. An ID3v2 tag before
// the stream is skipped. Decode calls start once with the stream's
// format, then each with the samples: interleaved (channel by channel
// within a frame), signed 16-bit little-endian, whole frames, at most
// DecodeBlock bytes at a time; each must not keep the slice. A stream
// without an info tag, or that ends before the count the tag gives, is an
// error, and so is a libmpg123 without the generic decoder.
func Decode(r io.Reader, start func(Info) error, each func(pcm []byte) error) error {
	_, err := decodeIn(r, decodeChunk, DecodeBlock, start, each)
	return err
}

// decodeIn is Decode, handing the decoder in bytes of the stream at a time
// and taking at most out bytes (whole frames) of samples at a time. It
// returns the name of the decoder libmpg123 used.
func decodeIn(r io.Reader, in, out int, start func(Info) error, each func(pcm []byte) error) (string, error) {
	br := bufio.NewReaderSize(r, decodeChunk)
	info, err := readHead(br)
	if err != nil {
		return "", err
	}
	d, err := newDecoder(info.Rate, info.Channels)
	if err != nil {
		return "", err
	}
	defer d.close()
	if err := start(info); err != nil {
		return "", err
	}
	err = d.run(br, info.Tag, make([]byte, in), make([]byte, out), each)
	return d.current(), err
}

// run feeds the stream from r to the decoder a buffer in at a time,
// decodes it into out and passes on the samples that tag says the encoder
// received.
func (d *decoder) run(r io.Reader, tag InfoTag, in, out []byte, each func([]byte) error) error {
	frame := int64(2 * d.channels)
	skip := (tag.Delay + DecoderDelay) * frame
	keep := tag.Samples() * frame
	var done int64
	for done < keep {
		n, rerr := io.ReadFull(r, in)
		feed := in[:n]
		for more := n == 0; !more && done < keep; feed = nil {
			var got int
			var err error
			got, more, err = d.decode(feed, out)
			if err != nil {
				return fmt.Errorf("decode error after %d samples: %w", done/frame, err)
			}
			b := out[:got]
			if skip > 0 {
				k := min(skip, int64(len(b)))
				skip -= k
				b = b[k:]
			}
			if left := keep - done; int64(len(b)) > left {
				b = b[:left]
			}
			if len(b) == 0 {
				continue
			}
			done += int64(len(b))
			if err := each(b); err != nil {
				return err
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
		return fmt.Errorf("decoded %d samples, the info tag says %d", done/frame, keep/frame)
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
