// Package flac encodes tagged FLAC files with libFLAC, the reference
// encoder (https://xiph.org/flac/, BSD licence), through a small cgo
// binding to its stream encoder (FLAC/stream_encoder.h, libFLAC 1.4).
//
// The stream follows RFC 9639 (Free Lossless Audio Codec). Every file has
// a STREAMINFO block with the MD5 of the unencoded audio, the total sample
// count and the frame sizes, which libFLAC fills in at the end of the
// stream by seeking back; the encoder runs in verify mode, decoding every
// frame it writes and failing on any difference. Compression levels 0-8
// are libFLAC's (and the flac command's -0 to -8), so level 8 gives the
// same audio frames as `flac -8`.
//
// Tags are a VORBIS_COMMENT block (the Vorbis I comment header, RFC 9639
// §8.6) and the front cover a PICTURE block (RFC 9639 §8.8), both built
// with github.com/go-flac/flacvorbis and github.com/go-flac/flacpicture and
// written into the file's header in the same pass as the audio: libFLAC
// reserves their exact size as padding, and Close overwrites it once the
// audio is done. No seek table is written, and a PADDING block only when
// Config.Padding asks for one. RewriteTags replaces the tags of a finished
// file in place, within the space its tag and padding blocks take, so
// that tags known only after the audio (ReplayGain) never move it.
//
// libFLAC is linked statically, and the encoder's 64-bit LPC residual
// (FLAC__lpc_compute_residual_from_qlp_coefficients_limit_residual, which
// libFLAC only has as a scalar loop) is replaced through the linker's
// --wrap by an AVX2 version computing the same integers (residual.c);
// the encoded frames stay libFLAC's, byte for byte.
//
// Not supported: more than 8 channels, bit depths other than 16 and 24,
// Ogg FLAC, CUESHEET and APPLICATION blocks.
package flac
