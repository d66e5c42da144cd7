package render

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"math"
	"os"
)

// FileSum is one file of a delivery as its writer wrote it: its size and
// the SHA-256 and MD5 of its bytes, so that a manifest needs not read the
// file again. A writer hashes the bytes as they go out when it writes the
// file front to back (WAV files, a DDP image); FLAC and MP3 files, whose
// headers the encoders and the tagging rewrite in place, and WAV files
// with a bext chunk, whose loudness fields are patched in at the end, are
// hashed once they are final, as the delivery closes them.
type FileSum struct {
	Name        string // relative to the delivery's folder, with slashes
	Size        int64
	SHA256, MD5 string // hex
}

// PCMSum is the PCM MD5 of frames [Start, End) of a file of a delivery
// that holds a span of the stream as PCM (WAV, FLAC, a DDP image), or of
// an MP3's decoded samples (DecodeMP3: 16-bit, the whole file), as
// package manifest defines it: the samples as written, interleaved,
// little-endian, each in the smallest whole number of bytes that holds
// the stream's word length (float32 for a 32-bit stream). A delivery
// reports the whole of each such file and each track's cut inside it.
type PCMSum struct {
	File       string // relative to the delivery's folder, with slashes
	Start, End int64  // frames of the file
	MD5        string // hex
}

// summer is implemented by writers that report what they wrote.
type summer interface {
	// pcmFiles returns the files that hold spans of the stream as PCM; it
	// is called once the writer is made.
	pcmFiles() []pcmFile
	// fileSums returns the files' hashes; it is called after Close.
	fileSums() []FileSum
}

// selfSummer is implemented by writers whose files' PCM MD5s come from
// their encoders or their decoding rather than from the output's hasher.
type selfSummer interface {
	// ownPCM returns the PCM MD5s; it is called after Close.
	ownPCM() []PCMSum
	// decodedFiles returns each file's decoding (nil for none), in the
	// order of the files Close returns; it is called after Close.
	decodedFiles() []*DecodedFile
}

// pcmFile is a file holding frames of the stream, from Span.Start on.
// With own set, the writer reports the whole file's PCM MD5 itself
// (selfSummer), and the output's hasher computes only its tracks'.
type pcmFile struct {
	name string
	span FrameSpan
	own  bool
}

// hashWriter passes bytes on to w and hashes them: SHA-256, and MD5 unless
// the destination computes that itself (md5 nil).
type hashWriter struct {
	w        io.Writer
	sha, md5 hash.Hash
	n        int64
}

func newHashWriter(w io.Writer) *hashWriter {
	return &hashWriter{w: w, sha: sha256.New(), md5: md5.New()}
}

func (h *hashWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.sha.Write(p[:n])
	if h.md5 != nil {
		h.md5.Write(p[:n])
	}
	h.n += int64(n)
	return n, err
}

// sum returns the file's sums; the MD5 is md5hex when the hashWriter
// computes none.
func (h *hashWriter) sum(name, md5hex string) FileSum {
	if h.md5 != nil {
		md5hex = hex.EncodeToString(h.md5.Sum(nil))
	}
	return FileSum{Name: name, Size: h.n, SHA256: hex.EncodeToString(h.sha.Sum(nil)), MD5: md5hex}
}

// sumFile reads a finished file and hashes it.
func sumFile(path, name string) (FileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileSum{}, err
	}
	defer f.Close()
	h := newHashWriter(io.Discard)
	if _, err := io.Copy(h, f); err != nil {
		return FileSum{}, fmt.Errorf("%s: %w", name, err)
	}
	return h.sum(name, ""), nil
}

// pcmHasher computes the PCM MD5 of spans of an output's stream, from the
// blocks as written.
type pcmHasher struct {
	bits  int // 16, 24, or 32 for float
	spans []FrameSpan
	sums  []hash.Hash
}

func newPCMHasher(bits int, spans []FrameSpan) *pcmHasher {
	h := &pcmHasher{bits: bits, spans: spans}
	for range spans {
		h.sums = append(h.sums, md5.New())
	}
	return h
}

// frameBytes is the size of a frame of PCM.
func (h *pcmHasher) frameBytes() int { return frameBytes(h.bits) }

// frameBytes is the size of a stereo frame of bits-bit PCM (32: float).
func frameBytes(bits int) int {
	if bits == 32 {
		return 8
	}
	return 2 * ((bits + 7) / 8)
}

// pack appends frames [i, j) of b as PCM to raw.
func (h *pcmHasher) pack(raw []byte, b *Block, i, j int) []byte {
	switch {
	case b.Int == nil:
		l, r := b.Float[0][i:j], b.Float[1][i:j]
		for k := range l {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(float32(l[k])))
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(float32(r[k])))
		}
	default:
		raw = append(raw, b.packed(h.bits, i, j)...)
	}
	return raw
}

// packInts appends the frames of two channels of bits-bit integers (16
// or 24) to raw as PCM: interleaved, little-endian, each sample in the
// fewest whole bytes that hold it.
func packInts(raw []byte, l, r []int32, bits int) []byte {
	if bits == 16 {
		for k := range l {
			raw = binary.LittleEndian.AppendUint32(raw, uint32(uint16(l[k]))|uint32(uint16(r[k]))<<16)
		}
		return raw
	}
	for k := range l {
		x, y := l[k], r[k]
		raw = append(raw, byte(x), byte(x>>8), byte(x>>16), byte(y), byte(y>>8), byte(y>>16))
	}
	return raw
}

// write hashes raw, the PCM of the stream frames from start on.
func (h *pcmHasher) write(start int64, raw []byte) {
	fb := int64(h.frameBytes())
	end := start + int64(len(raw))/fb
	for i, sp := range h.spans {
		a, b := max(start, sp.Start), min(end, sp.End)
		if a < b {
			h.sums[i].Write(raw[(a-start)*fb : (b-start)*fb])
		}
	}
}

// sum returns the PCM MD5 of span i.
func (h *pcmHasher) sum(i int) string { return hex.EncodeToString(h.sums[i].Sum(nil)) }
