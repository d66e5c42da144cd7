// Package pcm reads and writes the audio files lathe works with and moves
// their samples as planar float64 blocks.
//
// Supported containers: RIFF WAVE (PCM 16/20/24/32-bit integer, IEEE float
// 32/64, WAVE_FORMAT_EXTENSIBLE), RF64/BW64 (EBU Tech 3306) and FLAC
// (decode only). Integer samples exist only at the file edges; everything in
// between is float64 with full scale at ±1.0.
package pcm

// Format describes audio as it is stored in a file.
type Format struct {
	Rate     int  // frames per second
	Channels int  // interleaved channels in the file
	Bits     int  // valid bits per sample as stored: 16, 20, 24, 32 or 64
	Float    bool // IEEE float samples (Bits 32 or 64)
}

// Source is a stream of planar float64 audio.
//
// Read fills dst[c][:n] for every channel c < Format().Channels, with
// n <= len(dst[0]). It returns in one of three ways:
//
//  1. n > 0, err == nil: n frames were read; more may follow.
//  2. n >= 0, err == io.EOF: the stream ended cleanly after those n frames.
//  3. err != nil and not io.EOF: reading failed (for a truncated file the
//     error names the file and byte offset); the n frames before it are valid.
//
// A Source never returns a short stream as io.EOF.
type Source interface {
	Format() Format
	Frames() int64 // total frames in the stream
	Read(dst [][]float64) (n int, err error)
	Close() error
}
