// Package loudness measures programme loudness and true peak as ITU-R
// BS.1770-4 (identical to -5 for mono, stereo and 5.1) and EBU Tech 3341
// ("EBU Mode") define them, and loudness range as EBU Tech 3342 defines it,
// and plans the gains that match the tracks of an album.
//
// # Meter
//
// A [Meter] consumes planar float64 blocks ([][]float64, one slice per
// channel, full scale ±1.0) of any size. Results never depend on how the
// stream was cut into blocks, nor on GOMAXPROCS: channels are filtered in
// parallel, but every sum is formed in a fixed order.
//
//   - K-weighting: the two BS.1770 biquads, re-derived for any rate from the
//     analog prototype that libebur128 and FFmpeg fit to the 48 kHz table
//     (equal to the table at 48 kHz), run in series in float64.
//   - Everything is built from 10 ms sub-block energies (Σ G_i·y_i², LFE
//     weight 0, surround weight 1.41). Momentary (400 ms) and short-term
//     (3 s) loudness are evaluated on the 10 ms grid anchored at the start
//     of the stream, complete windows only, so max M and max S lose at most
//     0.055 dB and 0.007 dB to the best alignment (EBU Tech 3341 case 13 needs
//     a grid of at most about 18 ms).
//   - Integrated loudness gates 400 ms blocks at a 100 ms hop with the
//     −70 LUFS absolute and −10 LU relative gates. Comparisons are strict
//     (">"), as BS.1770 writes them; libebur128 uses "≥". Block energies
//     are kept exactly, one float64 per 100 ms (36 000 per hour); samples
//     are never kept.
//   - Loudness range follows Tech 3342: short-term values every 100 ms,
//     −70 LUFS absolute and −20 LU relative gates, 95th minus 10th
//     percentile by nearest rank on an exact sort. [RangeCompat] takes one
//     short-term value per second, as libebur128 does.
//   - Sample peak and true peak, each with the frame index of its maximum.
//     [TruePeakAccurate] interpolates with two long half-band stages to 4×
//     the input rate and refines every candidate maximum on an 8× grid with
//     a third stage and a parabolic vertex, which reads a sine of any
//     frequency up to 0.45·fs within 0.01 dB; stretches of input too quiet,
//     by a rigorous bound, to hold a candidate skip the interpolation,
//     which leaves the result bit for bit. [TruePeakCompat] is the
//     libebur128 scheme (49-tap Hann-windowed sinc, 4× below 96 kHz, 2×
//     below 192 kHz, none above; the result is at least the sample peak).
//
// Supported rates are multiples of 100 Hz from 32 kHz to 384 kHz (44.1 to
// 192 kHz are the tested ones); channel weights default by channel count
// (mono, stereo, 5.0 L R C Ls Rs, 5.1 L R C LFE Ls Rs in WAV order).
//
// # Albums and gain matching
//
// [MeasureAlbum] pools the gating blocks of all tracks (gaps are not part
// of any track) and gates them once, which is ReplayGain 2.0's album
// loudness and libebur128's ebur128_loudness_global_multiple; the album
// loudness range comes from a measurement of the continuous album stream.
// [PlanGains] turns measurements into per-track gains for the matching
// modes album, track, loudest and off and applies the true-peak ceiling
// policy. [NewReplayGain] computes ReplayGain 2.0 values (reference
// −18 LUFS) and formats them as loudgain writes them.
//
// Not supported: BS.1770 Annex 3 position-dependent weights beyond 5.1,
// object-based audio (BS.1770-5 Annex 4), rates that are not a multiple of
// 100 Hz.
package loudness
