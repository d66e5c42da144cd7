// Package mp3 encodes tagged MP3 files with LAME 3.100
// (https://lame.sourceforge.io/, LGPL-2.0, linked dynamically) through a
// small cgo binding to libmp3lame (lame/lame.h), and decodes them again
// with the decoder LAME ships (hip, from mpglib) to measure and check what
// was written.
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
// Decode trims the decoded stream as the info tag says (the encoder delay
// plus the decoder's 529 samples at the start, the padding less those 529
// at the end), so that it gives exactly the samples the encoder received,
// aligned with them: the same samples, within rounding, as ffmpeg's
// gapless decoding. MP3 decoders are not bit-exact, so a PCM MD5 of
// decoded MP3 is that decoder's; hip's output does not depend on the CPU
// it runs on (plain C, no hand-written SIMD). hip keeps scratch memory
// shared by every decoder in the process, so its calls take turns (a
// frame at a time) under a lock.
package mp3
