// Package pcm reads and writes the audio files lathe works with and moves
// their samples as planar float64 blocks.
//
// Supported containers: RIFF WAVE (PCM 16/20/24/32-bit integer, IEEE float
// 32/64, WAVE_FORMAT_EXTENSIBLE), RF64/BW64 (EBU Tech 3306) and FLAC
// (decode only). Integer samples exist only at the file edges; everything in
// between is float64 with full scale at ±1.0.
//
// References:
//   - Microsoft, Multimedia Programming Interface and Data Specifications 1.0
//     (RIFF, WAVE), and the WAVEFORMATEXTENSIBLE documentation.
//   - EBU Tech 3306, MBWF / RF64: an extended file format for audio
//     (ds64 chunk; BW64 is the same layout, ITU-R BS.2088).
//   - EBU Tech 3285, Broadcast Wave Format (bext chunk, versions 1 and 2).
//   - FLAC format, https://xiph.org/flac/format.html (RFC 9639).
//
// Not supported, by decision: 8-bit and compressed WAV encodings, more than
// two channels (lathe masters stereo, or mono), FLAC streams whose STREAMINFO
// does not give the total sample count, and writing FLAC (the flac package
// binds libFLAC for that).
//
// The WAV reader is strict where a mistake would change the audio and
// lenient where it would not. Errors: a fmt chunk whose block align or byte
// rate disagrees with its channels, bits and rate; a data chunk that is not a
// whole number of frames or runs past the end of the file (a truncated
// source is never read as a short one); more than 1000 chunks before the
// audio. Tolerated: unknown chunks (skipped by offset, never read), JUNK,
// bext and LIST anywhere before data, a RIFF size that disagrees with the
// file, chunks after data, and a missing pad byte at the end of the file.
// Declared sizes never drive allocation: chunk bodies are read only up to a
// fixed bound, and samples move through one fixed-size block buffer.
package pcm

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Format describes audio as it is stored in a file.
type Format struct {
	Rate     int  // frames per second
	Channels int  // interleaved channels in the file: 1 or 2
	Bits     int  // valid bits per sample as stored: 16 to 32 for integers, 32 or 64 for float
	Float    bool // IEEE float samples (Bits 32 or 64)
}

// String returns a short description such as "44100 Hz, 16-bit, stereo".
func (f Format) String() string {
	kind := fmt.Sprintf("%d-bit", f.Bits)
	if f.Float {
		kind += " float"
	}
	ch := fmt.Sprintf("%d channels", f.Channels)
	switch f.Channels {
	case 1:
		ch = "mono"
	case 2:
		ch = "stereo"
	}
	return fmt.Sprintf("%d Hz, %s, %s", f.Rate, kind, ch)
}

// Source is a stream of planar float64 audio.
//
// Read fills dst[c][:n] for every channel c < Format().Channels, with
// n <= len(dst[0]). dst must hold at least Format().Channels slices, each at
// least len(dst[0]) long. Read does not touch dst[c][n:]. It returns in one
// of three ways:
//
//  1. n > 0, err == nil: n frames were read; more may follow.
//  2. n >= 0, err == io.EOF: the stream ended cleanly after those n frames.
//     Every later call returns 0, io.EOF.
//  3. err != nil and not io.EOF: reading failed (for a truncated file the
//     error names the file and byte offset); the n frames before it are valid.
//
// A Source never returns a short stream as io.EOF: the frames delivered
// before io.EOF always number Frames(). If len(dst[0]) == 0, Read returns 0
// and nil (or io.EOF at the end). The block size is the caller's choice and
// never changes the samples delivered.
type Source interface {
	Format() Format
	Frames() int64 // total frames in the stream
	Read(dst [][]float64) (n int, err error)
	Close() error
}

// Info is what Probe learns from a file's header without decoding audio.
type Info struct {
	Format    Format
	Frames    int64  // total frames
	Container string // "wav", "rf64", "bw64" or "flac"

	// WAV only: the BWF bext chunk and the LIST/INFO tags, when present.
	BEXT *BEXT
	Tags []InfoTag
}

// A FormatError reports a file that is not a valid WAV or FLAC file: it is
// corrupt, truncated or something else entirely.
type FormatError struct {
	File string // the path as given to Open or Probe
	Msg  string
}

func (e *FormatError) Error() string { return "pcm: " + e.File + ": " + e.Msg }

// An UnsupportedError reports a valid file that uses a feature lathe does not
// read, such as 8-bit samples or more than two channels.
type UnsupportedError struct {
	File string
	Msg  string
}

func (e *UnsupportedError) Error() string { return "pcm: " + e.File + ": " + e.Msg }

func formatErr(file, format string, args ...any) error {
	return &FormatError{File: file, Msg: fmt.Sprintf(format, args...)}
}

func unsupported(file, format string, args ...any) error {
	return &UnsupportedError{File: file, Msg: fmt.Sprintf(format, args...)}
}

// Open opens the WAV, RF64, BW64 or FLAC file at path, chosen by its
// content, not its name.
func Open(path string) (Source, error) {
	f, kind, err := openKind(path)
	if err != nil {
		return nil, err
	}
	if kind == "flac" {
		return newFLAC(path, f)
	}
	return newWAV(path, f)
}

// Probe reads the header of the WAV, RF64, BW64 or FLAC file at path and
// validates it without decoding the audio.
func Probe(path string) (Info, error) {
	f, kind, err := openKind(path)
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	if kind == "flac" {
		return probeFLAC(path, f)
	}
	h, err := readWAVHeader(path, f)
	if err != nil {
		return Info{}, err
	}
	return h.info, nil
}

// openKind opens path and tells WAV ("wav") from FLAC ("flac") by the first
// bytes.
func openKind(path string) (*os.File, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("pcm: %w", err)
	}
	var magic [4]byte
	n, err := io.ReadFull(f, magic[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		f.Close()
		return nil, "", fmt.Errorf("pcm: %s: read header: %w", path, err)
	}
	switch m := magic[:n]; {
	case bytes.Equal(m, []byte("fLaC")), bytes.HasPrefix(m, []byte("ID3")):
		return f, "flac", nil
	case bytes.Equal(m, []byte("RIFF")), bytes.Equal(m, []byte("RF64")), bytes.Equal(m, []byte("BW64")):
		return f, "wav", nil
	default:
		f.Close()
		return nil, "", formatErr(path, "not a WAV or FLAC file (starts with %q)", m)
	}
}

// closeSource closes c, if any, and makes the Source's later reads fail
// through its sticky error *readErr.
func closeSource(name string, c io.Closer, readErr *error) error {
	if *readErr == nil || *readErr == io.EOF {
		*readErr = fmt.Errorf("pcm: %s: read after close: %w", name, os.ErrClosed)
	}
	if c == nil {
		return nil
	}
	return c.Close()
}
