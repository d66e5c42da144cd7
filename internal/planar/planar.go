// Package planar checks blocks of planar integer samples and copies them
// into an encoder's buffers, the shared first step of every Write of
// packages flac and mp3, and unpacks interleaved little-endian PCM into
// planar integers.
package planar

import "fmt"

// Frames returns the number of frames in samples, which must hold
// channels slices of one length.
func Frames(samples [][]int32, channels int) (int, error) {
	if len(samples) != channels {
		return 0, fmt.Errorf("%d channels, want %d", len(samples), channels)
	}
	n := len(samples[0])
	for c, ch := range samples {
		if len(ch) != n {
			return 0, fmt.Errorf("channel %d has %d frames, channel 0 has %d", c, len(ch), n)
		}
	}
	return n, nil
}

// Put copies frames at to at+k of every channel of samples into dst,
// shifted left by shift bits, and fails on the first value outside the
// range of a bits-bit integer. first is the stream position of frame at,
// for the message.
func Put(dst, samples [][]int32, at, k, bits int, shift uint, first int64) error {
	hi := int32(1)<<(bits-1) - 1
	lo := -hi - 1
	for c, ch := range samples {
		d := dst[c][:k]
		for i, v := range ch[at : at+k] {
			if v < lo || v > hi {
				return fmt.Errorf("sample %d at frame %d of channel %d is out of the %d-bit range", v, first+int64(i), c, bits)
			}
			d[i] = v << shift
		}
	}
	return nil
}

// Unpack puts the frames of pcm into dst, one slice per channel: pcm is
// interleaved, len(dst) channels, each sample little-endian in bps bytes
// (1 to 4) and sign-extended from there, as in a WAV data chunk. It fills
// the first len(pcm)/(bps·len(dst)) values of each slice.
func Unpack(dst [][]int32, pcm []byte, bps int) {
	ch := len(dst)
	n := len(pcm) / (bps * ch)
	switch {
	case ch == 2 && bps == 2:
		l, r := dst[0][:n], dst[1][:n]
		for i := range n {
			p := pcm[4*i : 4*i+4]
			l[i] = int32(int16(uint16(p[0]) | uint16(p[1])<<8))
			r[i] = int32(int16(uint16(p[2]) | uint16(p[3])<<8))
		}
	case ch == 2 && bps == 3:
		l, r := dst[0][:n], dst[1][:n]
		for i := range n {
			p := pcm[6*i : 6*i+6]
			l[i] = int32(uint32(p[0])<<8|uint32(p[1])<<16|uint32(p[2])<<24) >> 8
			r[i] = int32(uint32(p[3])<<8|uint32(p[4])<<16|uint32(p[5])<<24) >> 8
		}
	default:
		for i := range n {
			for c := range ch {
				p := pcm[(i*ch+c)*bps:]
				var v uint32
				for b := range bps {
					v |= uint32(p[b]) << (8 * (4 - bps + b))
				}
				dst[c][i] = int32(v) >> (8 * (4 - bps))
			}
		}
	}
}
