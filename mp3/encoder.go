package mp3

/*
#cgo LDFLAGS: -lmp3lame
#include <stdlib.h>
#include <lame/lame.h>

// lathe_mp3_setup applies the settings; it returns the first failing
// step's number, or 0.
static int lathe_mp3_setup(lame_t gf, int rate, int channels, int bitrate, int vbr, int quality,
		unsigned long frames) {
	lame_set_errorf(gf, NULL);
	lame_set_debugf(gf, NULL);
	lame_set_msgf(gf, NULL);
	if (lame_set_in_samplerate(gf, rate) < 0) return 1;
	if (lame_set_out_samplerate(gf, rate) < 0) return 2;
	if (lame_set_num_channels(gf, channels) < 0) return 3;
	if (frames > 0 && lame_set_num_samples(gf, frames) < 0) return 4;
	if (lame_set_findReplayGain(gf, 0) < 0) return 5;
	if (lame_set_bWriteVbrTag(gf, 1) < 0) return 6;
	lame_set_write_id3tag_automatic(gf, 0);
	if (vbr) {
		if (lame_set_VBR(gf, vbr_default) < 0) return 7;
		if (lame_set_VBR_quality(gf, (float)quality) < 0) return 8;
	} else {
		if (lame_set_VBR(gf, vbr_off) < 0) return 7;
		if (lame_set_brate(gf, bitrate) < 0) return 8;
	}
	if (lame_init_params(gf) < 0) return 9;
	return 0;
}

*/
import "C"

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"unsafe"

	"github.com/lathe-audio/lathe/internal/planar"
	"github.com/lathe-audio/lathe/metadata"
)

// DefaultBitrate is the CBR bitrate, in kb/s, used when a Config sets
// neither Bitrate nor Quality.
const DefaultBitrate = 320

// Bitrates are the MPEG-1 Layer III bitrates, in kb/s, a CBR stream may use.
var Bitrates = []int{32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}

// blockFrames is the number of frames handed to LAME per call; Write cuts
// larger blocks into pieces of this size. LAME buffers internally, so the
// piece size never changes the encoded bytes.
const blockFrames = 4096

// outCap is the size of LAME's output buffer for blockFrames frames, as
// lame.h asks: 1.25 times the samples plus 7200 bytes.
const outCap = blockFrames*5/4 + 7200

// Config describes the stream an Encoder writes.
type Config struct {
	Name     string // the file or track, for messages
	Rate     int    // Hz: 32000, 44100 or 48000
	Channels int    // 1 or 2
	Bits     int    // bit depth of the samples given to Write: 16 or 24

	// Bitrate is the CBR bitrate in kb/s (one of Bitrates); Quality, when
	// not nil, asks for VBR at LAME's quality 0 (best) to 9 instead. With
	// neither, the stream is CBR at DefaultBitrate.
	Bitrate int
	Quality *int

	// TotalFrames, when not 0, is the number of frames that will be
	// written; LAME is told, as the lame command tells it a WAV's length,
	// and Close fails if a different number was written.
	TotalFrames int64

	// Tags are the ID3v2.4 frames, in order (metadata.Tags.ID3); Cover is
	// the front cover, written as an APIC frame after them. With neither,
	// the file has no ID3v2 tag.
	Tags  []metadata.Frame
	Cover *metadata.Picture

	// Padding is the number of zero bytes after the frames in the ID3v2
	// tag (ID3v2.4 §3.3), room that RewriteTag (or any tag editor) uses to
	// change the tags later without moving the MPEG stream. It is ignored
	// when there are no tags and no cover.
	Padding int
}

// An Encoder writes one MP3 file to an io.WriteSeeker, starting at its
// current offset: the ID3v2 tag, then LAME's MPEG stream. Close writes the
// final LAME info tag over the placeholder frame LAME put first in the
// stream. Errors stick: after the first, every method returns it. An
// Encoder is not safe for concurrent use; encoders run in parallel freely.
type Encoder struct {
	cfg    Config
	w      io.WriteSeeker
	start  int64 // offset of the MPEG stream in w
	end    int64 // offset of the end of the stream in w
	first  []byte
	c      *clame
	views  [2][]int32
	out    []byte // view of the C output buffer
	shift  uint
	frames int64
	err    error
	closed bool
	stop   runtime.Cleanup
}

// clame owns the C memory of an encoder; a cleanup frees it if Close is
// never called.
type clame struct {
	gf  C.lame_t
	pcm [2]*C.int
	out *C.uchar
}

func (c *clame) free() {
	if c.gf != nil {
		C.lame_close(c.gf)
		c.gf = nil
	}
	for i, p := range c.pcm {
		C.free(unsafe.Pointer(p))
		c.pcm[i] = nil
	}
	C.free(unsafe.Pointer(c.out))
	c.out = nil
}

// NewEncoder checks cfg, sets up LAME and writes the ID3v2 tag to w at its
// current offset. w is not closed by the encoder.
func NewEncoder(w io.WriteSeeker, cfg Config) (*Encoder, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	e := &Encoder{cfg: cfg, w: w, shift: uint(32 - cfg.Bits)}
	tag, err := marshalTag(cfg.Tags, cfg.Cover, cfg.Padding)
	if err != nil {
		return nil, e.errorf("%w", err)
	}
	e.c = &clame{}
	e.stop = runtime.AddCleanup(e, func(c *clame) { c.free() }, e.c)
	if err := e.init(); err != nil {
		e.release()
		return nil, err
	}
	if _, err := w.Write(tag); err != nil {
		e.release()
		return nil, e.errorf("write ID3v2 tag: %w", err)
	}
	e.start, err = w.Seek(0, io.SeekCurrent)
	if err != nil {
		e.release()
		return nil, e.errorf("output is not seekable: %w", err)
	}
	e.end = e.start
	return e, nil
}

func (cfg *Config) check() error {
	prefix := "mp3: " + cfg.Name + ": "
	switch {
	case cfg.Rate != 32000 && cfg.Rate != 44100 && cfg.Rate != 48000:
		return fmt.Errorf("%ssample rate %d Hz, want 32000, 44100 or 48000 (MPEG-1); resample first", prefix, cfg.Rate)
	case cfg.Channels != 1 && cfg.Channels != 2:
		return fmt.Errorf("%s%d channels, want 1 or 2", prefix, cfg.Channels)
	case cfg.Bits != 16 && cfg.Bits != 24:
		return fmt.Errorf("%s%d-bit samples, want 16 or 24", prefix, cfg.Bits)
	case cfg.Quality != nil && cfg.Bitrate != 0:
		return fmt.Errorf("%sboth a bitrate (%d kb/s) and a VBR quality (%d); choose one", prefix, cfg.Bitrate, *cfg.Quality)
	case cfg.Quality != nil && (*cfg.Quality < 0 || *cfg.Quality > 9):
		return fmt.Errorf("%sVBR quality %d, want 0 to 9", prefix, *cfg.Quality)
	case cfg.TotalFrames < 0:
		return fmt.Errorf("%stotal frames %d", prefix, cfg.TotalFrames)
	case cfg.Padding < 0 || cfg.Padding > maxTagSize:
		return fmt.Errorf("%sID3v2 padding of %d bytes, want 0 to %d", prefix, cfg.Padding, maxTagSize)
	}
	if cfg.Quality == nil && cfg.Bitrate != 0 {
		ok := false
		for _, b := range Bitrates {
			ok = ok || b == cfg.Bitrate
		}
		if !ok {
			return fmt.Errorf("%sbitrate %d kb/s, want one of %v", prefix, cfg.Bitrate, Bitrates)
		}
	}
	return nil
}

func (e *Encoder) errorf(format string, args ...any) error {
	return fmt.Errorf("mp3: "+e.cfg.Name+": "+format, args...)
}

var setupSteps = []string{"", "sample rate", "output sample rate", "channels", "sample count",
	"ReplayGain analysis", "info tag", "VBR mode", "bitrate or quality", "lame_init_params"}

func (e *Encoder) init() error {
	cfg := &e.cfg
	c := e.c
	c.gf = C.lame_init()
	if c.gf == nil {
		return e.errorf("LAME could not allocate an encoder")
	}
	vbr, quality, bitrate := 0, 0, cfg.Bitrate
	if cfg.Quality != nil {
		vbr, quality = 1, *cfg.Quality
	} else if bitrate == 0 {
		bitrate = DefaultBitrate
	}
	if step := C.lathe_mp3_setup(c.gf, C.int(cfg.Rate), C.int(cfg.Channels), C.int(bitrate),
		C.int(vbr), C.int(quality), C.ulong(cfg.TotalFrames)); step != 0 {
		return e.errorf("LAME refused the setting: %s", setupSteps[step])
	}
	for ch := range c.pcm {
		c.pcm[ch] = (*C.int)(C.malloc(C.size_t(blockFrames * 4)))
		if c.pcm[ch] == nil {
			return e.errorf("out of C memory")
		}
		e.views[ch] = unsafe.Slice((*int32)(unsafe.Pointer(c.pcm[ch])), blockFrames)
	}
	c.out = (*C.uchar)(C.malloc(outCap))
	if c.out == nil {
		return e.errorf("out of C memory")
	}
	e.out = unsafe.Slice((*byte)(unsafe.Pointer(c.out)), outCap)
	return nil
}

func (e *Encoder) release() {
	e.stop.Stop()
	e.c.free()
	e.views = [2][]int32{}
	e.out = nil
}

func (e *Encoder) fail(err error) error {
	if e.err == nil {
		e.err = err
	}
	return e.err
}

// lameError describes a negative return code of LAME's encode calls.
func lameError(code C.int) string {
	switch code {
	case -1:
		return "output buffer too small"
	case -2:
		return "out of memory"
	case -3:
		return "lame_init_params not called"
	case -4:
		return "psychoacoustic model problem"
	}
	return fmt.Sprintf("error %d", int(code))
}

// Write encodes samples: samples[c] holds the frames of channel c, all of
// the same length, as right-justified integers within the configured bit
// depth. A value out of range is an error naming its channel and frame.
func (e *Encoder) Write(samples [][]int32) error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return e.errorf("write after Close")
	}
	n, err := planar.Frames(samples, e.cfg.Channels)
	if err != nil {
		return e.fail(e.errorf("write: %w", err))
	}
	for at := 0; at < n; at += blockFrames {
		k := min(blockFrames, n-at)
		if err := planar.Put(e.views[:], samples, at, k, e.cfg.Bits, e.shift, e.frames+int64(at)); err != nil {
			return e.fail(e.errorf("write: %w", err))
		}
		right := e.c.pcm[len(samples)-1] // ignored for mono
		m := C.lame_encode_buffer_int(e.c.gf, e.c.pcm[0], right, C.int(k), e.c.out, outCap)
		if m < 0 {
			return e.fail(e.errorf("encode: LAME: %s", lameError(m)))
		}
		if err := e.write(e.out[:m]); err != nil {
			return err
		}
		e.frames += int64(k)
	}
	return nil
}

func (e *Encoder) write(p []byte) error {
	if len(p) == 0 {
		return nil
	}
	if len(e.first) < 3 {
		e.first = append(e.first, p[:min(len(p), 3-len(e.first))]...)
	}
	if _, err := e.w.Write(p); err != nil {
		return e.fail(e.errorf("write: %w", err))
	}
	e.end += int64(len(p))
	return nil
}

// Frames returns the number of frames written so far.
func (e *Encoder) Frames() int64 { return e.frames }

// Close flushes LAME, writes the final LAME info tag in place of the first
// frame of the stream and leaves w positioned at the end of the file. It
// frees the encoder's C memory, even after an error; calling it again
// returns the same result.
func (e *Encoder) Close() error {
	if e.closed {
		return e.err
	}
	e.closed = true
	defer e.release()
	if e.err != nil {
		return e.err
	}
	m := C.lame_encode_flush(e.c.gf, e.c.out, outCap)
	if m < 0 {
		return e.fail(e.errorf("flush: LAME: %s", lameError(m)))
	}
	if err := e.write(e.out[:m]); err != nil {
		return err
	}
	if t := e.cfg.TotalFrames; t != 0 && t != e.frames {
		return e.fail(e.errorf("%d frames written, %d announced", e.frames, t))
	}
	size := C.lame_get_lametag_frame(e.c.gf, e.c.out, outCap)
	if size == 0 || size > outCap {
		return e.fail(e.errorf("LAME gave no info tag frame (%d bytes)", uint64(size)))
	}
	tag := e.out[:size]
	// The info tag replaces LAME's placeholder at the start of the
	// stream: a frame of the same size, so the same header bytes up to the
	// padding bit (the channel mode extension may differ).
	if len(e.first) < 3 || !bytes.Equal(tag[:3], e.first[:3]) {
		return e.fail(e.errorf("info tag frame header % x differs from the first frame's % x", tag[:4], e.first))
	}
	if _, err := e.w.Seek(e.start, io.SeekStart); err != nil {
		return e.fail(e.errorf("seek to the info tag: %w", err))
	}
	if _, err := e.w.Write(tag); err != nil {
		return e.fail(e.errorf("write info tag: %w", err))
	}
	if _, err := e.w.Seek(e.end, io.SeekStart); err != nil {
		return e.fail(e.errorf("seek to the end: %w", err))
	}
	return nil
}
