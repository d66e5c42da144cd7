package pcm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// fourCC is a RIFF chunk identifier such as "fmt " or "data".
type fourCC [4]byte

var (
	idRIFF = fourCC{'R', 'I', 'F', 'F'}
	idRF64 = fourCC{'R', 'F', '6', '4'}
	idBW64 = fourCC{'B', 'W', '6', '4'}
	idWAVE = fourCC{'W', 'A', 'V', 'E'}
	idDS64 = fourCC{'d', 's', '6', '4'}
	idFmt  = fourCC{'f', 'm', 't', ' '}
	idFact = fourCC{'f', 'a', 'c', 't'}
	idData = fourCC{'d', 'a', 't', 'a'}
	idBEXT = fourCC{'b', 'e', 'x', 't'}
	idLIST = fourCC{'L', 'I', 'S', 'T'}
	idINFO = fourCC{'I', 'N', 'F', 'O'}
	idJUNK = fourCC{'J', 'U', 'N', 'K'}
)

func (id fourCC) String() string { return fmt.Sprintf("%q", id[:]) }

const (
	riffHeaderLen  = 12         // "RIFF", size, form type
	chunkHeaderLen = 8          // id, size
	sizeInDS64     = 0xFFFFFFFF // an RF64 chunk size that the ds64 chunk holds
	maxChunks      = 1000       // a file with more chunks is not one lathe reads
)

// A chunk is one RIFF chunk: its identifier, where its body starts in the
// file and the body's length without the pad byte.
type chunk struct {
	id   fourCC
	off  int64
	size int64
}

func (c chunk) end() int64 { return c.off + c.size }

// chunkReader walks the chunks of a RIFF or RF64 form held in an
// io.ReaderAt, in the manner of golang.org/x/image/riff: Next returns one
// chunk after another and io.EOF after the last; the first other error
// sticks. Chunks are addressed by offset, so skipping one never reads it.
type chunkReader struct {
	name string
	r    io.ReaderAt
	size int64 // file size
	next int64 // offset of the next chunk header
	n    int   // chunks returned so far
	hdr  [chunkHeaderLen]byte
	err  error

	// RF64: chunk sizes of 0xFFFFFFFF are looked up here (EBU Tech 3306).
	rf64     bool
	dataSize int64
	table    []ds64Entry
}

type ds64Entry struct {
	id   fourCC
	size int64
}

// Next returns the next chunk. Bodies that run past the end of the file are
// returned as they are declared; reading them reports the truncation.
func (cr *chunkReader) Next() (chunk, error) {
	if cr.err != nil {
		return chunk{}, cr.err
	}
	if cr.next >= cr.size {
		cr.err = io.EOF
		return chunk{}, cr.err
	}
	if cr.n == maxChunks {
		cr.err = formatErr(cr.name, "more than %d chunks before the audio", maxChunks)
		return chunk{}, cr.err
	}
	cr.n++
	hdr := cr.hdr[:]
	if err := cr.readAt(hdr, cr.next, "chunk header"); err != nil {
		cr.err = err
		return chunk{}, err
	}
	c := chunk{off: cr.next + chunkHeaderLen}
	copy(c.id[:], hdr[:4])
	size32 := binary.LittleEndian.Uint32(hdr[4:])
	c.size = int64(size32)
	if cr.rf64 && size32 == sizeInDS64 {
		size, ok := cr.largeSize(c.id)
		if !ok {
			cr.err = formatErr(cr.name, "chunk %v at byte %d has size 0xFFFFFFFF but no ds64 entry", c.id, cr.next)
			return chunk{}, cr.err
		}
		c.size = size
	}
	cr.next = c.end() + c.size&1 // chunks are padded to an even length
	return c, nil
}

func (cr *chunkReader) largeSize(id fourCC) (int64, bool) {
	if id == idData {
		return cr.dataSize, true
	}
	for _, e := range cr.table {
		if e.id == id {
			return e.size, true
		}
	}
	return 0, false
}

// readAt fills p from offset off. A file that ends first is reported as
// truncated, naming what was being read, where the file ends and where it
// should have ended.
func (cr *chunkReader) readAt(p []byte, off int64, what string) error {
	n, err := cr.r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		return formatErr(cr.name, "%s truncated at byte %d (want %d)", what, off+int64(n), off+int64(len(p)))
	}
	return fmt.Errorf("pcm: %s: read %s at byte %d: %w", cr.name, what, off+int64(n), err)
}

// body reads the first max bytes of c's body (all of it when it is shorter).
// The whole body must lie within the file.
func (cr *chunkReader) body(c chunk, max int) ([]byte, error) {
	if c.end() > cr.size {
		return nil, formatErr(cr.name, "%q chunk truncated at byte %d (want %d)", c.id[:], cr.size, c.end())
	}
	n := max
	if c.size < int64(n) {
		n = int(c.size)
	}
	p := make([]byte, n)
	if err := cr.readAt(p, c.off, fmt.Sprintf("%q chunk", c.id[:])); err != nil {
		return nil, err
	}
	return p, nil
}
