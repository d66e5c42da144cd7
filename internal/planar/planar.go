// Package planar checks blocks of planar integer samples and copies them
// into an encoder's buffers: the shared first step of every Write of
// packages flac and mp3.
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
