// Package dsp holds the signal-processing building blocks of lathe's
// render chain (design.md §4): gain, fades and crossfades, the sample-rate
// converter, the true-peak safety limiter, and dither with quantization.
// Everything works on planar float64 blocks (one slice per channel, full
// scale ±1.0), never per sample through an interface, and allocates
// nothing per block once its buffers have grown to the block size in use.
// Every stateful type gives identical output for any sequence of block
// sizes.
//
// Sources and specifications:
//
//   - Resampler: libsoxr 0.1.3 (soxr.h) through the cgo binding in
//     internal/soxr, SOXR_VHQ recipe, float64 split I/O, one thread;
//     targets and measurements in docs/loudness.md §5.
//   - Quantizer: docs/loudness.md §4 (TPDF ±1 LSB; error-feedback noise
//     shaping with the 9-tap F-weighted filter of §4.2, Wannamaker 1992;
//     rounding). Noise comes from xoshiro256** (Blackman and Vigna)
//     seeded through SplitMix64 per (project seed, track, channel); one
//     64-bit value per sample and channel gives the two uniform draws of
//     the TPDF dither (its upper and lower 32 bits).
//   - Fades: the five curves and the sample-position rule t_k = k/N of
//     docs/loudness.md §6.1, which equal FFmpeg's afade curves tri, qsin,
//     log, exp and hsin.
//   - Limiter: docs/loudness.md §1.6–§1.7 (true peak by oversampled
//     interpolation, ceiling checks after resampling and before dither).
//
// # Bit transparency and when to dither
//
// design.md §4 dithers only where the word length shrinks or the samples
// changed. The Quantizer does not guess which case applies: a processed
// signal can land exactly on the integer grid (a gain of exactly −6.02 dB
// on even sample values, digital silence after a fade, a limiter that did
// nothing to a 16-bit source) and must still be dithered when it was
// processed, so "every sample of this block is on the 16-bit grid" is not
// a safe rule on its own. The render engine knows what it did to each
// block and says so: it calls Quantizer.QuantizeUntouched for samples that
// are unchanged copies of a source no longer than the target word length,
// and Quantizer.Quantize for everything else. QuantizeUntouched converts
// without dither and refuses (with an error) any sample that is not
// exactly representable, so a wrong claim cannot pass silently. Silence the
// engine inserts itself (gaps, pregaps) is exactly representable and may be
// passed as untouched; a fade that ends in digital zeros is processed
// audio and is dithered like the rest.
//
// DitherShaped applies only at 43.7–48.3 kHz (the F-weighted filter is
// designed for 46 kHz ±5 %); elsewhere the Quantizer uses TPDF and reports
// the fallback through Quantizer.Dither, for the caller to warn about.
//
// Clipping is never silent: Quantizer clips to the integer range and
// counts every clipped sample per channel with its frame position
// (Quantizer.Clips); the Limiter reports how much and for how long it
// reduced gain (Limiter.Stats, Limiter.Gains).
package dsp
