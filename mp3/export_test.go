package mp3

import "io"

// DecodeIn is Decode with the stream handed to the decoder in bytes at a
// time and the samples taken out at most out bytes (whole frames) at a
// time; it returns the name of the decoder libmpg123 used.
func DecodeIn(r io.Reader, in, out int, each func(pcm []byte) error) (string, error) {
	return decodeIn(r, in, out, func(Info) error { return nil }, each)
}
