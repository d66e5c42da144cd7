package dsp

import "math/bits"

// xoshiro256** 1.0 by David Blackman and Sebastiano Vigna
// (https://prng.di.unimi.it/, public domain reference in C), seeded with
// SplitMix64 as its authors recommend. Implemented here from the published
// algorithm; rng_test.go checks it against the reference outputs.
//
// The state is four fields rather than an array so that the compiler keeps
// a local copy in registers through a loop (see Quantizer.tpdf).
type xoshiro struct{ s0, s1, s2, s3 uint64 }

func (x *xoshiro) next() uint64 {
	r := bits.RotateLeft64(x.s1*5, 7) * 9
	t := x.s1 << 17
	x.s2 ^= x.s0
	x.s3 ^= x.s1
	x.s1 ^= x.s2
	x.s0 ^= x.s3
	x.s2 ^= t
	x.s3 = bits.RotateLeft64(x.s3, 45)
	return r
}

// splitmix64 advances *state and returns the next SplitMix64 output
// (Steele, Lea, Flood 2014; the constants of Vigna's splitmix64.c).
func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// newStream returns the generator for one (seed, track, channel) triple.
// The three values are hashed through SplitMix64 in turn, and the result
// seeds the four state words, so every channel of every track draws an
// independent sequence.
func newStream(seed uint64, track, channel int) xoshiro {
	h := seed
	k := splitmix64(&h)
	h = k ^ uint64(int64(track))
	k = splitmix64(&h)
	h = k ^ uint64(int64(channel))
	var x xoshiro
	x.s0 = splitmix64(&h)
	x.s1 = splitmix64(&h)
	x.s2 = splitmix64(&h)
	x.s3 = splitmix64(&h)
	return x
}
