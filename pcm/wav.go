package pcm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
)

// WAVE format tags (Microsoft mmreg.h).
const (
	wavePCM        = 0x0001
	waveFloat      = 0x0003
	waveExtensible = 0xFFFE
)

// guidTail is bytes 2-15 of every KSDATAFORMAT_SUBTYPE GUID that wraps a
// format tag: {tttt0000-0000-0010-8000-00aa00389b71}, tag in bytes 0-1.
var guidTail = [14]byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}

const (
	fmtLen        = 16        // WAVEFORMAT + wBitsPerSample
	fmtExtLen     = 40        // WAVEFORMATEXTENSIBLE
	ds64Len       = 28        // riffSize, dataSize, sampleCount, tableLength
	ds64EntryLen  = 12        // chunk id, 64-bit size
	maxMetaLen    = 1 << 20   // read at most this much of a bext or LIST chunk
	maxRate       = 768000    // the highest sample rate lathe accepts
	readBlockSize = 64 * 1024 // bytes read from a file at once
)

// wavHeader is what the chunks before the audio say.
type wavHeader struct {
	info      Info
	dataOff   int64 // file offset of the first sample
	dataSize  int64
	align     int // bytes per frame
	container int // bytes per sample
}

// readWAVHeader reads the header of the open file f, named name in errors.
func readWAVHeader(name string, f *os.File) (*wavHeader, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("pcm: %w", err)
	}
	return parseWAVHeader(name, f, st.Size())
}

// parseWAVHeader walks the chunks up to and including the data chunk header.
// It never allocates more than a fixed amount, whatever the declared sizes.
func parseWAVHeader(name string, r io.ReaderAt, size int64) (*wavHeader, error) {
	cr := &chunkReader{name: name, r: r, size: size, next: riffHeaderLen}
	var hdr [riffHeaderLen]byte
	if err := cr.readAt(hdr[:], 0, "header"); err != nil {
		return nil, err
	}
	var id, form fourCC
	copy(id[:], hdr[0:4])
	copy(form[:], hdr[8:12])
	h := &wavHeader{}
	switch id {
	case idRIFF:
		h.info.Container = "wav"
	case idRF64:
		h.info.Container = "rf64"
	case idBW64:
		h.info.Container = "bw64"
	default:
		return nil, formatErr(name, "not a WAV file (starts with %q)", hdr[:4])
	}
	if form != idWAVE {
		return nil, formatErr(name, "not a WAV file (RIFF form %q, want \"WAVE\")", form[:])
	}
	riffEnd := chunkHeaderLen + int64(binary.LittleEndian.Uint32(hdr[4:]))
	if id != idRIFF {
		cr.rf64 = true
		var err error
		if riffEnd, err = readDS64(cr); err != nil {
			return nil, err
		}
	}

	var haveFmt bool
	for {
		c, err := cr.Next()
		if err == io.EOF {
			if !haveFmt {
				return nil, formatErr(name, "no fmt chunk")
			}
			return nil, formatErr(name, "no data chunk")
		}
		if err != nil {
			return nil, err
		}
		switch c.id {
		case idFmt:
			if haveFmt {
				return nil, formatErr(name, "corrupt fmt chunk: a second fmt chunk at byte %d", c.off-chunkHeaderLen)
			}
			p, err := cr.body(c, fmtExtLen)
			if err != nil {
				return nil, err
			}
			if err := h.parseFmt(name, p, c.size); err != nil {
				return nil, err
			}
			haveFmt = true
			continue
		case idData:
			if !haveFmt {
				return nil, formatErr(name, "data chunk before the fmt chunk")
			}
			return h, h.setData(name, c, size, riffEnd)
		case idDS64:
			return nil, formatErr(name, "ds64 chunk at byte %d is not the first chunk", c.off-chunkHeaderLen)
		}
		// Any other chunk: it must fit, because the data chunk is still to
		// come. A missing pad byte at the very end is tolerated by Next.
		if c.end() > size {
			return nil, formatErr(name, "%q chunk truncated at byte %d (want %d)", c.id[:], size, c.end())
		}
		switch c.id {
		case idBEXT:
			p, err := cr.body(c, maxMetaLen)
			if err != nil {
				return nil, err
			}
			h.info.BEXT = parseBEXT(p)
		case idLIST:
			p, err := cr.body(c, maxMetaLen)
			if err != nil {
				return nil, err
			}
			h.info.Tags = append(h.info.Tags, parseINFO(p)...)
		}
	}
}

// readDS64 reads the ds64 chunk that must open an RF64 or BW64 file and
// returns the end of the RIFF form it declares.
func readDS64(cr *chunkReader) (int64, error) {
	c, err := cr.Next()
	if err == io.EOF {
		return 0, formatErr(cr.name, "no ds64 chunk")
	}
	if err != nil {
		return 0, err
	}
	if c.id != idDS64 {
		return 0, formatErr(cr.name, "first chunk is %q, want \"ds64\"", c.id[:])
	}
	if c.size < ds64Len {
		return 0, formatErr(cr.name, "corrupt ds64 chunk: %d bytes, want at least %d", c.size, ds64Len)
	}
	p, err := cr.body(c, ds64Len+64*ds64EntryLen)
	if err != nil {
		return 0, err
	}
	riffSize := binary.LittleEndian.Uint64(p[0:])
	dataSize := binary.LittleEndian.Uint64(p[8:])
	// p[16:24] is the fact sample count, which the data size makes redundant.
	n := binary.LittleEndian.Uint32(p[24:])
	if riffSize > math.MaxInt64/2 || dataSize > math.MaxInt64/2 {
		return 0, formatErr(cr.name, "corrupt ds64 chunk: RIFF size %d, data size %d", riffSize, dataSize)
	}
	if int64(n) > (c.size-ds64Len)/ds64EntryLen {
		return 0, formatErr(cr.name, "corrupt ds64 chunk: table of %d entries in %d bytes", n, c.size)
	}
	cr.dataSize = int64(dataSize)
	for e := p[ds64Len:]; n > 0 && len(e) >= ds64EntryLen; n, e = n-1, e[ds64EntryLen:] {
		var id fourCC
		copy(id[:], e)
		size := binary.LittleEndian.Uint64(e[4:])
		if size > math.MaxInt64/2 {
			return 0, formatErr(cr.name, "corrupt ds64 chunk: %q size %d", id[:], size)
		}
		cr.table = append(cr.table, ds64Entry{id: id, size: int64(size)})
	}
	return chunkHeaderLen + int64(riffSize), nil
}

// parseFmt validates the fmt chunk body p (declared size bytes long, p holds
// at most its first fmtExtLen bytes) and sets h's format.
func (h *wavHeader) parseFmt(name string, p []byte, size int64) error {
	if size < fmtLen {
		return formatErr(name, "corrupt fmt chunk: %d bytes, want at least %d", size, fmtLen)
	}
	le := binary.LittleEndian
	tag := le.Uint16(p[0:])
	channels := int(le.Uint16(p[2:]))
	rate := int64(le.Uint32(p[4:]))
	byteRate := int64(le.Uint32(p[8:]))
	align := int(le.Uint16(p[12:]))
	bits := int(le.Uint16(p[14:]))
	valid := bits
	if tag == waveExtensible {
		if size < fmtExtLen {
			return formatErr(name, "corrupt fmt chunk: WAVE_FORMAT_EXTENSIBLE in %d bytes, want %d", size, fmtExtLen)
		}
		if cb := le.Uint16(p[16:]); cb < fmtExtLen-18 {
			return formatErr(name, "corrupt fmt chunk: WAVE_FORMAT_EXTENSIBLE extension of %d bytes, want %d", cb, fmtExtLen-18)
		}
		if v := int(le.Uint16(p[18:])); v != 0 { // 0: every bit is valid
			valid = v
		}
		if !bytes.Equal(p[26:40], guidTail[:]) {
			return unsupported(name, "WAVE_FORMAT_EXTENSIBLE subformat %x is not PCM or IEEE float", p[24:40])
		}
		tag = le.Uint16(p[24:])
	}
	if tag != wavePCM && tag != waveFloat {
		return unsupported(name, "WAV encoding 0x%04X: lathe reads PCM and IEEE float WAV", tag)
	}
	float := tag == waveFloat

	switch {
	case channels == 0:
		return formatErr(name, "corrupt fmt chunk: 0 channels")
	case rate == 0:
		return formatErr(name, "corrupt fmt chunk: sample rate 0")
	case bits == 0:
		return formatErr(name, "corrupt fmt chunk: 0 bits per sample")
	case valid > bits:
		return formatErr(name, "corrupt fmt chunk: %d valid bits in a %d-bit container", valid, bits)
	}
	container := (bits + 7) / 8
	if want := channels * container; align != want {
		return formatErr(name, "corrupt fmt chunk: block align %d, want %d (%d channels of %d bytes)", align, want, channels, container)
	}
	if want := rate * int64(align); byteRate != want {
		return formatErr(name, "corrupt fmt chunk: byte rate %d, want %d (%d Hz × %d bytes)", byteRate, want, rate, align)
	}
	if float && bits != 32 && bits != 64 {
		return formatErr(name, "corrupt fmt chunk: %d-bit float, want 32 or 64", bits)
	}

	switch {
	case channels > 2:
		return unsupported(name, "%d channels: lathe masters stereo (or mono)", channels)
	case !float && (valid < 16 || bits > 32):
		return unsupported(name, "%d-bit PCM: lathe reads 16- to 32-bit integer or 32- and 64-bit float samples", valid)
	case rate > maxRate:
		return unsupported(name, "sample rate %d Hz: lathe reads up to %d Hz", rate, maxRate)
	}
	if float {
		valid = bits
	}
	h.info.Format = Format{Rate: int(rate), Channels: channels, Bits: valid, Float: float}
	h.align = align
	h.container = container
	return nil
}

// setData checks the data chunk c against the file size and the RIFF size.
func (h *wavHeader) setData(name string, c chunk, fileSize, riffEnd int64) error {
	if c.end() > fileSize {
		if riffEnd >= c.end() {
			return formatErr(name, "data chunk truncated at byte %d (want %d)", fileSize, c.end())
		}
		return formatErr(name, "data chunk size %d runs past the end of the file (%d bytes)", c.size, fileSize)
	}
	if c.size%int64(h.align) != 0 {
		return formatErr(name, "data chunk size %d is not a whole number of %d-byte frames", c.size, h.align)
	}
	h.dataOff = c.off
	h.dataSize = c.size
	h.info.Frames = c.size / int64(h.align)
	return nil
}

// wavSource decodes the data chunk of a WAV file block by block.
type wavSource struct {
	name   string
	r      io.ReaderAt
	closer io.Closer
	h      *wavHeader
	off    int64 // file offset of the next frame
	end    int64 // file offset of the end of the data
	buf    []byte
	err    error // sticky: io.EOF at the end, or the first failure
}

func newWAV(name string, f *os.File) (Source, error) {
	h, err := readWAVHeader(name, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return newWAVSource(name, f, f, h), nil
}

func newWAVSource(name string, r io.ReaderAt, closer io.Closer, h *wavHeader) *wavSource {
	block := readBlockSize / h.align * h.align
	return &wavSource{
		name: name, r: r, closer: closer, h: h,
		off: h.dataOff, end: h.dataOff + h.dataSize,
		buf: make([]byte, block),
	}
}

func (s *wavSource) Format() Format { return s.h.info.Format }
func (s *wavSource) Frames() int64  { return s.h.info.Frames }

func (s *wavSource) Close() error {
	err := closeSource(s.name, s.closer, &s.err)
	s.closer = nil
	return err
}

func (s *wavSource) Read(dst [][]float64) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	align := int64(s.h.align)
	want := len(dst[0])
	if left := (s.end - s.off) / align; int64(want) > left {
		want = int(left)
	}
	n := 0
	for n < want {
		k := min(want-n, len(s.buf)/s.h.align)
		p := s.buf[:k*s.h.align]
		got, err := s.r.ReadAt(p, s.off)
		if got < len(p) {
			k = got / s.h.align
			s.decode(dst, n, p[:k*s.h.align])
			n += k
			s.off += int64(k) * align
			if err == nil || err == io.EOF {
				s.err = formatErr(s.name, "data chunk truncated at byte %d (want %d)", s.off+int64(got%s.h.align), s.end)
			} else {
				s.err = fmt.Errorf("pcm: %s: read data at byte %d: %w", s.name, s.off, err)
			}
			return n, s.err
		}
		s.decode(dst, n, p)
		n += k
		s.off += int64(len(p))
	}
	if s.off == s.end {
		s.err = io.EOF
		return n, io.EOF
	}
	return n, nil
}

// Full-scale factors: integer samples are left-justified in 32 bits, so one
// factor serves every container and valid-bit count (20-in-24 included).
const scale31 = 1.0 / (1 << 31)

// decode converts the interleaved frames in p into dst[c][at:].
func (s *wavSource) decode(dst [][]float64, at int, p []byte) {
	align := s.h.align
	frames := len(p) / align
	le := binary.LittleEndian
	for c := 0; c < s.h.info.Format.Channels; c++ {
		d := dst[c][at : at+frames]
		q := p[c*s.h.container:]
		switch {
		case s.h.info.Format.Float && s.h.container == 8:
			for i := range d {
				d[i] = math.Float64frombits(le.Uint64(q[i*align:]))
			}
		case s.h.info.Format.Float:
			for i := range d {
				d[i] = float64(math.Float32frombits(le.Uint32(q[i*align:])))
			}
		case s.h.container == 2:
			for i := range d {
				d[i] = float64(int16(le.Uint16(q[i*align:]))) * (1.0 / (1 << 15))
			}
		case s.h.container == 3:
			for i := range d {
				b := q[i*align : i*align+3]
				d[i] = float64(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24)) * scale31
			}
		default:
			for i := range d {
				d[i] = float64(int32(le.Uint32(q[i*align:]))) * scale31
			}
		}
	}
}
