package pcm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// UnknownFrames as WAVOptions.Frames says that the length is not known when
// the header is written; the writer must then be an io.WriteSeeker.
const UnknownFrames = -1

// WAVOptions configures a WAVWriter.
type WAVOptions struct {
	// Frames is the number of frames that will be written. When it is known
	// the header is written once, with no seeking, and is RF64 exactly when
	// the file passes 4 GiB. Close fails if a different number was written.
	// UnknownFrames defers the sizes to Close, which seeks back to patch them.
	Frames int64

	// MayExceed4GiB, with UnknownFrames, reserves a JUNK chunk that Close
	// turns into a ds64 chunk if the data passes 4 GiB (EBU Tech 3306).
	// Without it, such a file fails at the write that crosses the limit.
	MayExceed4GiB bool

	// RF64 writes an RF64 file (with its ds64 chunk) whatever the size.
	RF64 bool

	BEXT *BEXT     // the BWF bext chunk, when not nil
	Tags []InfoTag // a LIST/INFO chunk, when not empty, written in order
}

// A WAVWriter writes one WAV file: a canonical RIFF/WAVE header (RF64 when
// needed), then samples. Integer formats of 16, 24 or 32 bits are written as
// WAVE_FORMAT_PCM, other bit depths (20) as WAVE_FORMAT_EXTENSIBLE in the
// next whole-byte container, float as WAVE_FORMAT_IEEE_FLOAT with a fact
// chunk. Chunks come in this order: ds64 or JUNK, fmt, fact, bext, LIST, data;
// nothing follows data but its pad byte. Errors stick: after the first, every
// method returns it.
type WAVWriter struct {
	w         io.Writer
	f         Format
	opts      WAVOptions
	container int   // bytes per sample
	align     int   // bytes per frame
	start     int64 // offset of the header in a seekable w
	rf64      bool  // the header is RF64
	reserve   bool  // the header holds a JUNK chunk that may become ds64
	hdrLen    int64
	bextAt    int64 // offset of the bext chunk's body in the header; -1 without one
	frames    int64 // frames written so far
	buf       []byte
	closed    bool
	err       error
}

// NewWAVWriter validates f and opts and writes the header to w. w is not
// closed by the writer.
func NewWAVWriter(w io.Writer, f Format, opts WAVOptions) (*WAVWriter, error) {
	if err := checkWriteFormat(f); err != nil {
		return nil, err
	}
	if opts.Frames < 0 && opts.Frames != UnknownFrames {
		return nil, fmt.Errorf("pcm: WAV of %d frames", opts.Frames)
	}
	if opts.BEXT != nil {
		if err := opts.BEXT.check(); err != nil {
			return nil, err
		}
	}
	if err := checkTags(opts.Tags); err != nil {
		return nil, err
	}
	ww := &WAVWriter{w: w, f: f, opts: opts, container: (f.Bits + 7) / 8}
	ww.align = ww.container * f.Channels
	ww.buf = make([]byte, readBlockSize/ww.align*ww.align)
	ww.rf64 = opts.RF64
	if opts.Frames == UnknownFrames {
		ws, ok := w.(io.WriteSeeker)
		if !ok {
			return nil, errors.New("pcm: a WAV of unknown length needs an io.WriteSeeker")
		}
		start, err := ws.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, fmt.Errorf("pcm: write WAV: %w", err)
		}
		ww.start = start
		ww.reserve = opts.MayExceed4GiB && !ww.rf64
	}
	hdr := ww.header(max(opts.Frames, 0))
	if !ww.rf64 && ww.riffSize(int64(len(hdr)), opts.Frames) > math.MaxUint32 {
		ww.rf64 = true // the known length passes 4 GiB
		hdr = ww.header(opts.Frames)
	}
	ww.hdrLen = int64(len(hdr))
	ww.write(hdr)
	if ww.err != nil {
		return nil, ww.err
	}
	return ww, nil
}

func checkWriteFormat(f Format) error {
	switch {
	case f.Channels < 1 || f.Channels > 2:
		return fmt.Errorf("pcm: cannot write %d channels: lathe writes mono or stereo", f.Channels)
	case f.Rate < 1 || f.Rate > maxRate:
		return fmt.Errorf("pcm: cannot write a sample rate of %d Hz", f.Rate)
	case f.Float && f.Bits != 32 && f.Bits != 64:
		return fmt.Errorf("pcm: cannot write %d-bit float: want 32 or 64", f.Bits)
	case !f.Float && (f.Bits < 16 || f.Bits > 32):
		return fmt.Errorf("pcm: cannot write %d-bit PCM: want 16 to 32 bits", f.Bits)
	}
	return nil
}

// riffSize is the RIFF chunk size of a file with a header of hdrLen bytes
// and frames frames: everything after the first 8 bytes, pad byte included.
func (w *WAVWriter) riffSize(hdrLen, frames int64) int64 {
	data := frames * int64(w.align)
	return hdrLen - chunkHeaderLen + data + data&1
}

// header returns the bytes before the first sample for a file of frames
// frames. Its length depends only on the options, never on frames.
func (w *WAVWriter) header(frames int64) []byte {
	le := binary.LittleEndian
	data := frames * int64(w.align)
	b := make([]byte, 0, 1024)
	b = append(b, idRIFF[:]...)
	b = le.AppendUint32(b, 0) // RIFF size, set below
	b = append(b, idWAVE[:]...)
	switch {
	case w.rf64:
		copy(b, idRF64[:])
		b = appendChunk(b, idDS64, make([]byte, ds64Len)) // sizes set below
	case w.reserve:
		b = appendChunk(b, idJUNK, make([]byte, ds64Len))
	}
	b = appendChunk(b, idFmt, w.fmtBody())
	factAt := len(b) + chunkHeaderLen
	if w.f.Float {
		b = appendChunk(b, idFact, le.AppendUint32(nil, uint32(min(frames, math.MaxUint32))))
	}
	w.bextAt = -1
	if w.opts.BEXT != nil {
		w.bextAt = int64(len(b)) + chunkHeaderLen
		b = appendChunk(b, idBEXT, appendBEXT(nil, w.opts.BEXT))
	}
	if len(w.opts.Tags) > 0 {
		b = appendChunk(b, idLIST, appendINFO(nil, w.opts.Tags))
	}
	b = append(b, idData[:]...)
	b = le.AppendUint32(b, uint32(data))

	riff := w.riffSize(int64(len(b)), frames)
	le.PutUint32(b[4:], uint32(riff))
	if w.rf64 {
		ds := b[riffHeaderLen+chunkHeaderLen:]
		le.PutUint64(ds[0:], uint64(riff))
		le.PutUint64(ds[8:], uint64(data))
		le.PutUint64(ds[16:], uint64(frames))
		// ds[24:28]: an empty table.
		le.PutUint32(b[4:], sizeInDS64)
		le.PutUint32(b[len(b)-4:], sizeInDS64)
		if w.f.Float {
			le.PutUint32(b[factAt:], sizeInDS64)
		}
	}
	return b
}

// fmtBody returns the fmt chunk body for the writer's format.
func (w *WAVWriter) fmtBody() []byte {
	le := binary.LittleEndian
	tag := uint16(wavePCM)
	switch {
	case w.f.Float:
		tag = waveFloat
	case w.f.Bits%8 != 0:
		tag = waveExtensible
	}
	b := le.AppendUint16(nil, tag)
	b = le.AppendUint16(b, uint16(w.f.Channels))
	b = le.AppendUint32(b, uint32(w.f.Rate))
	b = le.AppendUint32(b, uint32(w.f.Rate*w.align)) // byte rate
	b = le.AppendUint16(b, uint16(w.align))
	b = le.AppendUint16(b, uint16(w.container*8))
	switch tag {
	case waveFloat:
		b = le.AppendUint16(b, 0) // cbSize: no extension
	case waveExtensible:
		b = le.AppendUint16(b, fmtExtLen-18)
		b = le.AppendUint16(b, uint16(w.f.Bits)) // valid bits
		mask := uint32(0x3)                      // front left, front right
		if w.f.Channels == 1 {
			mask = 0x4 // front centre
		}
		b = le.AppendUint32(b, mask)
		b = le.AppendUint16(b, wavePCM)
		b = append(b, guidTail[:]...)
	}
	return b
}

// appendChunk appends a chunk with body and its pad byte.
func appendChunk(dst []byte, id fourCC, body []byte) []byte {
	dst = append(dst, id[:]...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(body)))
	dst = append(dst, body...)
	if len(body)%2 == 1 {
		dst = append(dst, 0)
	}
	return dst
}

func (w *WAVWriter) write(p []byte) {
	if w.err != nil {
		return
	}
	if _, err := w.w.Write(p); err != nil {
		w.err = fmt.Errorf("pcm: write WAV: %w", err)
	}
}

// WriteInt writes the planar integer frames samples[c][:n], n =
// len(samples[0]), one slice per channel. Samples are right-justified
// values of the format's bit depth (-32768..32767 for 16-bit, -524288..524287
// for 20-bit); a sample out of that range is an error, never wrapped.
func (w *WAVWriter) WriteInt(samples [][]int32) error {
	if w.f.Float {
		return w.fail(errors.New("pcm: WriteInt to a float WAV: use WriteFloat"))
	}
	n, err := w.begin(len(samples), func(c int) int { return len(samples[c]) })
	if err != nil {
		return err
	}
	bits, align := w.f.Bits, w.align
	lo, hi := int32(-1)<<(bits-1), int32(uint32(1)<<(bits-1)-1)
	shift := w.container*8 - bits
	le := binary.LittleEndian
	return w.writeBlocks(n, func(q []byte, c, at, k int) error {
		s := samples[c][at : at+k]
		for i, v := range s {
			if v < lo || v > hi {
				return fmt.Errorf("pcm: sample %d at frame %d, channel %d is out of range for %d-bit PCM", v, w.frames+int64(at+i), c, bits)
			}
		}
		switch w.container {
		case 2:
			for i, v := range s {
				le.PutUint16(q[i*align:], uint16(v))
			}
		case 3:
			for i, v := range s {
				u := uint32(v) << shift
				b := q[i*align : i*align+3]
				b[0], b[1], b[2] = byte(u), byte(u>>8), byte(u>>16)
			}
		default:
			for i, v := range s {
				le.PutUint32(q[i*align:], uint32(v)<<shift)
			}
		}
		return nil
	})
}

// WritePCM writes frames given as the data chunk holds them: interleaved,
// little-endian, each sample in the container's bytes. It is WriteInt for
// samples already packed, for formats whose samples fill their bytes (16
// and 24-bit), where no packed sample can be out of range; p holds whole
// frames.
func (w *WAVWriter) WritePCM(p []byte) error {
	if w.f.Float || w.container*8 != w.f.Bits {
		return w.fail(fmt.Errorf("pcm: WritePCM to a WAV of %d-bit samples in %d bytes: use WriteInt", w.f.Bits, w.container))
	}
	if len(p)%w.align != 0 {
		return w.fail(fmt.Errorf("pcm: WritePCM of %d bytes, not whole %d-byte frames", len(p), w.align))
	}
	k := len(p) / w.align
	if _, err := w.begin(w.f.Channels, func(int) int { return k }); err != nil {
		return err
	}
	return w.commit(p, k)
}

// WriteFloat writes the planar frames samples[c][:n], n = len(samples[0]), to
// a float WAV. Values are stored as they are (1.0 is full scale, and larger
// values are kept); NaN and infinities are errors.
func (w *WAVWriter) WriteFloat(samples [][]float64) error {
	if !w.f.Float {
		return w.fail(errors.New("pcm: WriteFloat to an integer WAV: quantize and use WriteInt"))
	}
	n, err := w.begin(len(samples), func(c int) int { return len(samples[c]) })
	if err != nil {
		return err
	}
	align := w.align
	le := binary.LittleEndian
	return w.writeBlocks(n, func(q []byte, c, at, k int) error {
		s := samples[c][at : at+k]
		for i, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("pcm: sample %v at frame %d, channel %d", v, w.frames+int64(at+i), c)
			}
		}
		if w.container == 8 {
			for i, v := range s {
				le.PutUint64(q[i*align:], math.Float64bits(v))
			}
			return nil
		}
		for i, v := range s {
			le.PutUint32(q[i*align:], math.Float32bits(float32(v)))
		}
		return nil
	})
}

// writeBlocks writes n frames through the writer's buffer, one block at a
// time: pack fills the samples at..at+k of channel c into q, one every
// align bytes, or reports a sample it cannot write.
func (w *WAVWriter) writeBlocks(n int, pack func(q []byte, c, at, k int) error) error {
	for at := 0; at < n; {
		k := min(n-at, len(w.buf)/w.align)
		p := w.buf[:k*w.align]
		for c := range w.f.Channels {
			if err := pack(p[c*w.container:], c, at, k); err != nil {
				return w.fail(err)
			}
		}
		if err := w.commit(p, k); err != nil {
			return err
		}
		at += k
	}
	return nil
}

// begin checks the shape of a write of planar samples (channels slices,
// length(c) samples in channel c) and returns the frame count.
func (w *WAVWriter) begin(channels int, length func(c int) int) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, w.fail(errors.New("pcm: write to a closed WAV writer"))
	}
	if channels < w.f.Channels {
		return 0, w.fail(fmt.Errorf("pcm: write of %d channels to a %d-channel WAV", channels, w.f.Channels))
	}
	n := length(0)
	for c := 1; c < w.f.Channels; c++ {
		if length(c) != n {
			return 0, w.fail(fmt.Errorf("pcm: write of %d samples in channel %d and %d in channel 0", length(c), c, n))
		}
	}
	total := w.frames + int64(n)
	if w.opts.Frames != UnknownFrames && total > w.opts.Frames {
		return 0, w.fail(fmt.Errorf("pcm: write of frames %d to %d to a WAV declared with %d", w.frames, total, w.opts.Frames))
	}
	if w.opts.Frames == UnknownFrames && !w.rf64 && !w.reserve && w.riffSize(w.hdrLen, total) > math.MaxUint32 {
		return 0, w.fail(errors.New("pcm: WAV data passes 4 GiB: set WAVOptions.MayExceed4GiB so that it can become RF64"))
	}
	return n, nil
}

// commit writes the packed block p of k frames.
func (w *WAVWriter) commit(p []byte, k int) error {
	w.write(p)
	if w.err != nil {
		return w.err
	}
	w.frames += int64(k)
	return nil
}

func (w *WAVWriter) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

// BEXTOffset returns where the body of the file's bext chunk starts, in
// bytes from the first byte of the header (for PatchBEXTLoudness), or -1
// when the file has none. It does not change when Close rewrites the
// header.
func (w *WAVWriter) BEXTOffset() int64 { return w.bextAt }

// Frames returns the number of frames written so far.
func (w *WAVWriter) Frames() int64 { return w.frames }

// Close ends the data chunk with its pad byte and, for a file of unknown
// length, seeks back to write the sizes (switching to RF64 if the file passed
// 4 GiB). It fails if the frames written differ from WAVOptions.Frames.
func (w *WAVWriter) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if w.opts.Frames != UnknownFrames && w.frames != w.opts.Frames {
		return w.fail(fmt.Errorf("pcm: WAV closed after %d of its %d declared frames", w.frames, w.opts.Frames))
	}
	if data := w.frames * int64(w.align); data%2 == 1 {
		w.write([]byte{0})
	}
	if w.opts.Frames == UnknownFrames {
		w.patch()
	}
	return w.err
}

// patch rewrites the header of a file of unknown length, now that it is known.
func (w *WAVWriter) patch() {
	if w.err != nil {
		return
	}
	if w.reserve && w.riffSize(w.hdrLen, w.frames) > math.MaxUint32 {
		w.rf64, w.reserve = true, false
	}
	ws := w.w.(io.WriteSeeker)
	end, err := ws.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = ws.Seek(w.start, io.SeekStart)
	}
	if err != nil {
		w.err = fmt.Errorf("pcm: write WAV: %w", err)
		return
	}
	w.write(w.header(w.frames))
	if _, err := ws.Seek(end, io.SeekStart); err != nil && w.err == nil {
		w.err = fmt.Errorf("pcm: write WAV: %w", err)
	}
}
