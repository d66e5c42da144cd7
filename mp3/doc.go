// Package mp3 encodes tagged MP3 files with LAME 3.100
// (https://lame.sourceforge.io/, LGPL-2.0, linked dynamically) through a
// small cgo binding to libmp3lame (lame/lame.h), and decodes them again
// with libmpg123 (https://www.mpg123.de/, LGPL-2.1, linked dynamically;
// mpg123.h) to measure and check what was written.
//
// The stream is MPEG-1 Layer III (ISO/IEC 11172-3) at 32, 44.1 or 48 kHz:
// the caller resamples, LAME never does. It is CBR at a given bitrate
// (default 320 kb/s) or VBR at a quality 0-9 (LAME's -V). Its first frame
// is the LAME info tag (the Xing "Info"/"Xing" header with LAME's
// extension, http://gabriel.mp3-tech.org/mp3infotag.html), which records
// the encoder delay, the end padding and the frame count, so that
// decoders that honour it (ffmpeg, foobar2000, Apple's, Rockbox) play the
// file gaplessly and decode exactly the samples written. LAME's own
// ReplayGain analysis is off: lathe writes ReplayGain 2.0 values as tags.
//
// Samples are integers, as for package flac: 16-bit samples give the
// same MPEG stream, byte for byte, as the lame command line with the same
// settings on a 16-bit WAV (`lame -b 320 --noreplaygain`), because both
// hand LAME the same values; 24-bit samples reach LAME's float analysis
// with their full resolution, with no dither to 16 bits.
//
// Tags are an ID3v2.4 tag (https://id3.org/id3v2.4.0-structure) before
// the MPEG stream, all text in UTF-8, with an APIC front cover. The frames
// are made by github.com/bogem/id3v2; this package lays them out in the
// order given, as that library's own tag writer orders frames by Go map
// iteration, which would make files differ from run to run. Config.Padding
// reserves zero bytes at the end of the tag, and RewriteTag replaces the
// tag of a finished file in place within its size, so that tags known only
// after the audio (ReplayGain) never move the MPEG stream. No ID3v1 tag
// is written.
//
// Decode has libmpg123 decode to signed 16-bit samples at the stream's
// rate and channels (no resampling, no gapless trimming of its own) and
// trims them as the info tag says (the encoder delay plus the decoder's
// 529 samples at the start, the padding less those 529 at the end), so
// that it gives exactly the samples the encoder received, aligned with
// them: the same samples, within rounding, as ffmpeg's gapless decoding,
// and exactly those of libmpg123's own gapless decoding. It feeds the
// library 64 KiB of the stream per call and takes up to DecodeBlock bytes
// of samples per call, with one handle per Decode and no lock, so
// decoders run side by side.
//
// MP3 decoders are not bit-exact, so a PCM MD5 of decoded MP3 is that
// decoder's. libmpg123 chooses its synthesis code at run time by the
// CPU's features (SSE, AVX, NEON, ...), and these decoders round
// differently: on x86-64 its "x86-64" and "AVX" decoders give samples
// that differ from its "generic" one and from each other. Decode always
// uses the generic decoder, plain C, and fails if the library cannot give
// it rather than use another, so the samples, and the PCM MD5 the manifest
// records, do not depend on which SIMD instructions the machine has. They
// can still differ between CPU architectures, compilers or builds of
// libmpg123 (floating-point contraction into fused multiply-adds, for
// one), as those of LAME's decoder (hip), which lathe used before, could.
// The generic decoder is slower than the SIMD ones (the mpg123 command
// decodes a 5-minute 320 kb/s track in 0.40 s with it, 0.31 s with AVX)
// and still twice as fast as hip (0.78 s).
package mp3
