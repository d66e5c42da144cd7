package flac

/*
#cgo LDFLAGS: -Wl,--wrap=FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual
#cgo LDFLAGS: -Wl,-Bstatic -lFLAC -Wl,-Bdynamic -logg -lm
#include <stdint.h>
#include <stdlib.h>
#include <FLAC/format.h>
#include <FLAC/metadata.h>
#include <FLAC/stream_encoder.h>
#include "flac.h"
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"runtime"
	"runtime/cgo"
	"unsafe"

	"github.com/lathe-audio/lathe/internal/planar"
	"github.com/lathe-audio/lathe/metadata"
)

// DefaultCompression is the compression level lathe uses unless a
// delivery asks for another: libFLAC's (and `flac -8`'s) strongest.
const DefaultCompression = 8

// Vendor is the vendor string libFLAC writes into the VORBIS_COMMENT
// block, e.g. "reference libFLAC 1.4.2 20221022".
var Vendor = C.GoString(C.FLAC__VENDOR_STRING)

// blockFrames is the number of frames handed to libFLAC per call; Write
// cuts larger blocks into pieces of this size. It is a buffer size, not
// libFLAC's block size, and never changes the encoded bytes.
const blockFrames = 8192

// Config describes the stream an Encoder writes.
type Config struct {
	Name        string // the file or track, for messages
	Rate        int    // Hz, 1 to 1048575
	Channels    int    // 1 to 8
	Bits        int    // 16 or 24
	Compression int    // 0 (fastest) to 8 (smallest); see DefaultCompression

	// TotalFrames, when not 0, is the number of frames that will be
	// written: libFLAC records it in STREAMINFO from the start, and Close
	// fails if a different number was written.
	TotalFrames int64

	// Tags are the Vorbis comments, in order (metadata.Tags.Vorbis); Cover
	// is the front cover. With neither, the file has libFLAC's own
	// VORBIS_COMMENT block with no comments.
	Tags  []metadata.Field
	Cover *metadata.Picture

	// Padding, when not 0, is the length of a PADDING block written last
	// in the header, after the tags: room that RewriteTags (or any tag
	// editor, as metaflac does) uses to change the tags later without
	// moving the audio. The flac command reserves 8192 bytes.
	Padding int
}

// An Encoder writes one FLAC stream to an io.WriteSeeker, starting at its
// current offset. Write takes planar integer samples; Close finishes the
// stream, which libFLAC completes by seeking back to STREAMINFO, and writes
// the tags. Errors stick: after the first, every method returns it. An
// Encoder is not safe for concurrent use; encoders run in parallel freely.
type Encoder struct {
	cfg    Config
	s      *sink
	c      *cenc
	h      cgo.Handle
	frames int64
	views  [][]int32 // Go views of the C channel buffers
	tags   []byte    // the VORBIS_COMMENT and PICTURE blocks for Close
	pad    int       // length of the PADDING body libFLAC reserves for them
	err    error
	closed bool
	stop   runtime.Cleanup
}

// cenc owns the C memory of an encoder; a cleanup frees it if Close is
// never called.
type cenc struct {
	enc   *C.FLAC__StreamEncoder
	pad   *C.FLAC__StreamMetadata // reserved space for the tags, or nil
	chans **C.FLAC__int32         // C array of Channels buffer pointers
	n     int
	cl    *C.lathe_flac_client // the callbacks' client: the handle and the frames not yet taken
}

func (c *cenc) free() {
	if c.enc != nil {
		C.FLAC__stream_encoder_delete(c.enc)
		c.enc = nil
	}
	if c.pad != nil {
		C.FLAC__metadata_object_delete(c.pad)
		c.pad = nil
	}
	if c.cl != nil {
		C.free(unsafe.Pointer(c.cl.buf))
		C.free(unsafe.Pointer(c.cl))
		c.cl = nil
	}
	if c.chans != nil {
		for _, p := range unsafe.Slice(c.chans, c.n) {
			C.free(unsafe.Pointer(p))
		}
		C.free(unsafe.Pointer(c.chans))
		c.chans = nil
	}
}

// sink is the Go side of libFLAC's I/O callbacks, reached through a
// cgo.Handle. It also keeps the start of the header, which Close checks
// before it overwrites the reserved padding.
type sink struct {
	w        io.WriteSeeker
	base     int64 // offset of the stream in w
	pos      int64 // write position, relative to base
	end      int64 // bytes in the stream
	audio    bool  // the first audio frame has been written
	head     []byte
	headMax  int
	metaLen  int64 // bytes written before the first audio frame
	writeErr error
}

// NewEncoder checks cfg, sets up libFLAC and writes the stream header to w
// at its current offset. w is not closed by the encoder.
func NewEncoder(w io.WriteSeeker, cfg Config) (*Encoder, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	e := &Encoder{cfg: cfg}
	if err := e.buildTags(); err != nil {
		return nil, err
	}
	base, err := w.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, e.errorf("output is not seekable: %w", err)
	}
	e.s = &sink{w: w, base: base, headMax: headerLen} // STREAMINFO, for MD5
	if e.tags != nil {
		e.s.headMax = headerLen + vendorBlockLen() + 4
	}
	e.c = &cenc{}
	e.h = cgo.NewHandle(e.s)
	e.stop = runtime.AddCleanup(e, func(r cres) { r.c.free(); r.h.Delete() }, cres{e.c, e.h})
	if err := e.init(); err != nil {
		e.release()
		return nil, err
	}
	return e, nil
}

type cres struct {
	c *cenc
	h cgo.Handle
}

// headerLen is the size of "fLaC" and the STREAMINFO block.
const headerLen = 4 + 4 + 34

// vendorBlockLen is the size of the VORBIS_COMMENT block libFLAC writes
// when it is given none: a block header, the vendor string and a comment
// count of zero.
func vendorBlockLen() int { return 4 + 4 + len(Vendor) + 4 }

func (cfg *Config) check() error {
	prefix := "flac: " + cfg.Name + ": "
	switch {
	case cfg.Rate < 1 || cfg.Rate > 1048575:
		return fmt.Errorf("%ssample rate %d Hz, want 1 to 1048575", prefix, cfg.Rate)
	case cfg.Channels < 1 || cfg.Channels > 8:
		return fmt.Errorf("%s%d channels, want 1 to 8", prefix, cfg.Channels)
	case cfg.Bits != 16 && cfg.Bits != 24:
		return fmt.Errorf("%s%d-bit samples, want 16 or 24", prefix, cfg.Bits)
	case cfg.Compression < 0 || cfg.Compression > 8:
		return fmt.Errorf("%scompression %d, want 0 to 8", prefix, cfg.Compression)
	case cfg.TotalFrames < 0 || cfg.TotalFrames >= 1<<36:
		return fmt.Errorf("%stotal frames %d, want 0 to 2^36-1", prefix, cfg.TotalFrames)
	case cfg.Padding < 0 || cfg.Padding >= 1<<24:
		return fmt.Errorf("%spadding of %d bytes, want 0 to 2^24-1", prefix, cfg.Padding)
	}
	return nil
}

func (e *Encoder) errorf(format string, args ...any) error {
	return fmt.Errorf("flac: "+e.cfg.Name+": "+format, args...)
}

func (e *Encoder) init() error {
	cfg := &e.cfg
	c := e.c
	c.enc = C.FLAC__stream_encoder_new()
	if c.enc == nil {
		return e.errorf("libFLAC could not allocate an encoder")
	}
	ok := C.FLAC__stream_encoder_set_verify(c.enc, 1) != 0 &&
		C.FLAC__stream_encoder_set_compression_level(c.enc, C.uint32_t(cfg.Compression)) != 0 &&
		C.FLAC__stream_encoder_set_channels(c.enc, C.uint32_t(cfg.Channels)) != 0 &&
		C.FLAC__stream_encoder_set_bits_per_sample(c.enc, C.uint32_t(cfg.Bits)) != 0 &&
		C.FLAC__stream_encoder_set_sample_rate(c.enc, C.uint32_t(cfg.Rate)) != 0 &&
		C.FLAC__stream_encoder_set_total_samples_estimate(c.enc, C.FLAC__uint64(cfg.TotalFrames)) != 0
	if !ok {
		return e.errorf("libFLAC refused a setting")
	}
	if e.tags != nil {
		c.pad = C.FLAC__metadata_object_new(C.FLAC__METADATA_TYPE_PADDING)
		if c.pad == nil {
			return e.errorf("libFLAC could not allocate a PADDING block")
		}
		c.pad.length = C.uint32_t(e.pad)
		if C.FLAC__stream_encoder_set_metadata(c.enc, &c.pad, 1) == 0 {
			return e.errorf("libFLAC refused the PADDING block")
		}
	}
	c.chans = (**C.FLAC__int32)(C.calloc(C.size_t(cfg.Channels), C.size_t(unsafe.Sizeof(uintptr(0)))))
	if c.chans == nil {
		return e.errorf("out of C memory")
	}
	c.n = cfg.Channels
	ptrs := unsafe.Slice(c.chans, c.n)
	e.views = make([][]int32, cfg.Channels)
	for ch := range ptrs {
		ptrs[ch] = (*C.FLAC__int32)(C.malloc(C.size_t(blockFrames * 4)))
		if ptrs[ch] == nil {
			return e.errorf("out of C memory")
		}
		e.views[ch] = unsafe.Slice((*int32)(unsafe.Pointer(ptrs[ch])), blockFrames)
	}
	c.cl = (*C.lathe_flac_client)(C.calloc(1, C.size_t(unsafe.Sizeof(C.lathe_flac_client{}))))
	if c.cl == nil {
		return e.errorf("out of C memory")
	}
	c.cl.handle = C.uintptr_t(e.h)
	if st := C.lathe_flac_init(c.enc, c.cl); st != C.FLAC__STREAM_ENCODER_INIT_STATUS_OK {
		if err := e.s.failure(); err != nil {
			return e.errorf("write header: %w", err)
		}
		return e.errorf("libFLAC init: %s", C.GoString(C.lathe_flac_init_status(st)))
	}
	return nil
}

// buildTags marshals the VORBIS_COMMENT, PICTURE and PADDING blocks and
// sizes the PADDING block that reserves their place. libFLAC always
// writes its own VORBIS_COMMENT (vendor string, no comments) before the
// blocks it is given, so the reserved area is that block plus the padding.
func (e *Encoder) buildTags() error {
	if len(e.cfg.Tags) == 0 && e.cfg.Cover == nil && e.cfg.Padding == 0 {
		return nil
	}
	padding := e.cfg.Padding
	if padding == 0 {
		padding = -1 // no PADDING block
	}
	blocks, err := marshalBlocks(Vendor, e.cfg.Tags, e.cfg.Cover, padding)
	if err != nil {
		return e.errorf("%w", err)
	}
	room := len(blocks) - vendorBlockLen() - 4 // minus libFLAC's block and the padding header
	if room < 0 {
		// Cannot happen: our VORBIS_COMMENT is libFLAC's plus at least one
		// comment or followed by a picture or padding, each at least 4
		// bytes long.
		return e.errorf("tag blocks of %d bytes are too small to reserve", len(blocks))
	}
	if room >= 1<<24 {
		return e.errorf("tags and cover take %d bytes, more than a FLAC header block holds (16 MiB)", len(blocks))
	}
	e.tags, e.pad = blocks, room
	return nil
}

// release frees the C side and the handle.
func (e *Encoder) release() {
	e.stop.Stop()
	e.c.free()
	e.h.Delete()
	e.views = nil
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
		if err := planar.Put(e.views[:], samples, at, k, e.cfg.Bits, 0, e.frames+int64(at)); err != nil {
			return e.fail(e.errorf("write: %w", err))
		}
		if err := e.process(k); err != nil {
			return err
		}
	}
	return nil
}

// process encodes the first k frames of the channel buffers and writes
// what libFLAC encoded.
func (e *Encoder) process(k int) error {
	if C.FLAC__stream_encoder_process(e.c.enc, e.c.chans, C.uint32_t(k)) == 0 {
		return e.fail(e.stateError("encode"))
	}
	if err := e.take(); err != nil {
		return e.fail(err)
	}
	e.frames += int64(k)
	return nil
}

// WritePCM encodes interleaved PCM: whole frames of Channels samples,
// each little-endian in the fewest whole bytes that hold Bits (2 for 16,
// 3 for 24) and sign-extended from there, as in a WAV data chunk. Every
// such value lies within the bit depth, so unlike Write there is nothing
// to check: the bytes go straight into libFLAC's buffers.
func (e *Encoder) WritePCM(pcm []byte) error {
	if e.err != nil {
		return e.err
	}
	if e.closed {
		return e.errorf("write after Close")
	}
	bps := (e.cfg.Bits + 7) / 8
	fb := bps * e.cfg.Channels
	if len(pcm)%fb != 0 {
		return e.fail(e.errorf("write: %d bytes of PCM are not whole %d-byte frames", len(pcm), fb))
	}
	for len(pcm) > 0 {
		k := min(blockFrames, len(pcm)/fb)
		planar.Unpack(e.views, pcm[:k*fb], bps)
		pcm = pcm[k*fb:]
		if err := e.process(k); err != nil {
			return err
		}
	}
	return nil
}

// take writes the audio frames libFLAC encoded during the last call, which
// the C callback collected instead of calling into Go for each (flac.c).
func (e *Encoder) take() error {
	cl := e.c.cl
	if cl.len == 0 {
		return nil
	}
	n := int(cl.len)
	cl.len = 0
	if e.s.write(unsafe.Slice((*byte)(unsafe.Pointer(cl.buf)), n), 1) != 0 {
		return e.errorf("write: %w", e.s.failure())
	}
	return nil
}

// stateError describes why libFLAC stopped: a write error of ours, a
// verify mismatch with its position, or libFLAC's state.
func (e *Encoder) stateError(what string) error {
	if err := e.s.failure(); err != nil {
		return e.errorf("%s: %w", what, err)
	}
	if e.c.cl.nomem != 0 {
		return e.errorf("%s: out of C memory for the encoded frames", what)
	}
	state := C.FLAC__stream_encoder_get_state(e.c.enc)
	msg := C.GoString(C.FLAC__stream_encoder_get_resolved_state_string(e.c.enc))
	if state == C.FLAC__STREAM_ENCODER_VERIFY_MISMATCH_IN_AUDIO_DATA {
		var abs C.FLAC__uint64
		var frame, ch, sample C.uint32_t
		var want, got C.FLAC__int32
		C.FLAC__stream_encoder_get_verify_decoder_error_stats(e.c.enc, &abs, &frame, &ch, &sample, &want, &got)
		return e.errorf("%s: verify mismatch at frame %d of channel %d: encoded %d, decoded %d", what, uint64(abs), uint32(ch), int32(want), int32(got))
	}
	return e.errorf("%s: libFLAC: %s", what, msg)
}

func (e *Encoder) fail(err error) error {
	if e.err == nil {
		e.err = err
	}
	return e.err
}

// MD5 returns, after a successful Close, the MD5 of the unencoded audio
// that libFLAC recorded in STREAMINFO: the samples interleaved,
// little-endian, in the fewest whole bytes that hold Bits (FLAC format,
// "METADATA_BLOCK_STREAMINFO").
func (e *Encoder) MD5() [16]byte {
	var sum [16]byte
	// "fLaC", the block header, then 18 bytes of STREAMINFO before the MD5.
	if e.closed && e.err == nil && len(e.s.head) >= headerLen {
		copy(sum[:], e.s.head[headerLen-16:headerLen])
	}
	return sum
}

// Frames returns the number of frames written so far.
func (e *Encoder) Frames() int64 { return e.frames }

// Close finishes the stream: libFLAC encodes the last block, verifies it
// and rewrites STREAMINFO with the MD5 and the sample count; then the tags
// are written into the space reserved for them, and w is left positioned
// at the end of the stream. Close frees the encoder's C memory, even after
// an error; calling it again returns the same result.
func (e *Encoder) Close() error {
	if e.closed {
		return e.err
	}
	e.closed = true
	defer e.release()
	if C.FLAC__stream_encoder_finish(e.c.enc) == 0 && e.err == nil {
		e.fail(e.stateError("finish"))
	}
	if err := e.take(); err != nil {
		e.fail(err)
	}
	if e.err != nil {
		return e.err
	}
	if t := e.cfg.TotalFrames; t != 0 && t != e.frames {
		return e.fail(e.errorf("%d frames written, %d announced", e.frames, t))
	}
	if e.tags != nil {
		if err := e.writeTags(); err != nil {
			return e.fail(err)
		}
	}
	if _, err := e.s.w.Seek(e.s.base+e.s.end, io.SeekStart); err != nil {
		return e.fail(e.errorf("seek to the end: %w", err))
	}
	return nil
}

// writeTags checks that the header libFLAC wrote is laid out as reserved
// (STREAMINFO, its own VORBIS_COMMENT, then the PADDING block, last) and
// overwrites everything after STREAMINFO with the tag blocks.
func (e *Encoder) writeTags() error {
	s := e.s
	want := make([]byte, 0, s.headMax)
	want = append(want, "fLaC"...)
	want = append(want, 0, 0, 0, 34) // STREAMINFO, not last, 34 bytes
	want = append(want, make([]byte, 34)...)
	vlen := vendorBlockLen() - 4
	want = append(want, 4, byte(vlen>>16), byte(vlen>>8), byte(vlen))
	want = binary.LittleEndian.AppendUint32(want, uint32(len(Vendor)))
	want = append(want, Vendor...)
	want = binary.LittleEndian.AppendUint32(want, 0)
	want = append(want, 0x80|1, byte(e.pad>>16), byte(e.pad>>8), byte(e.pad)) // PADDING, last
	got := s.head
	layoutOK := len(got) == len(want) && s.metaLen == int64(len(want)+e.pad) &&
		bytes.Equal(got[:8], want[:8]) && bytes.Equal(got[headerLen:], want[headerLen:])
	if !layoutOK {
		return e.errorf("libFLAC wrote an unexpected header (%d bytes); tags not written", s.metaLen)
	}
	if _, err := s.w.Seek(s.base+headerLen, io.SeekStart); err != nil {
		return e.errorf("seek to the tags: %w", err)
	}
	if _, err := s.w.Write(e.tags); err != nil {
		return e.errorf("write tags: %w", err)
	}
	return nil
}

func (s *sink) failure() error { return s.writeErr }

func (s *sink) write(p []byte, samples uint32) int {
	if s.writeErr != nil {
		return 1
	}
	switch {
	case samples == 0 && !s.audio:
		if k := min(len(p), s.headMax-len(s.head)); k > 0 {
			s.head = append(s.head, p[:k]...)
		}
		s.metaLen += int64(len(p))
	case samples == 0 && s.pos < int64(len(s.head)):
		// finish updates STREAMINFO in place (the MD5, the sample count,
		// the frame sizes): keep the copy current.
		copy(s.head[s.pos:], p)
	default:
		s.audio = true
	}
	if _, err := s.w.Write(p); err != nil {
		s.writeErr = err
		return 1
	}
	s.pos += int64(len(p))
	s.end = max(s.end, s.pos)
	return 0
}

func (s *sink) seek(off int64) int {
	if s.writeErr != nil {
		return 1
	}
	if _, err := s.w.Seek(s.base+off, io.SeekStart); err != nil {
		s.writeErr = fmt.Errorf("seek: %w", err)
		return 1
	}
	s.pos = off
	return 0
}

//export latheFlacWrite
func latheFlacWrite(h C.uintptr_t, p unsafe.Pointer, n C.size_t, samples C.uint32_t) C.int {
	s := cgo.Handle(h).Value().(*sink)
	return C.int(s.write(unsafe.Slice((*byte)(p), int(n)), uint32(samples)))
}

//export latheFlacSeek
func latheFlacSeek(h C.uintptr_t, off C.FLAC__uint64) C.int {
	return C.int(cgo.Handle(h).Value().(*sink).seek(int64(off)))
}

//export latheFlacTell
func latheFlacTell(h C.uintptr_t) C.FLAC__uint64 {
	return C.FLAC__uint64(cgo.Handle(h).Value().(*sink).pos)
}
