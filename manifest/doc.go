// Package manifest writes and checks the manifest of a lathe build: the
// file manifest.json at the root of the output folder (the bundle), which
// records what was built from what, and the checksum file MD5SUMS beside
// it. The JSON schema is lathe/manifest/1 (docs/json.md,
// docs/schema/manifest-1.json).
//
// The manifest holds the tool version, the SHA-256 of the project file and
// of every source, every file of the bundle (its path relative to the
// bundle, size, SHA-256 and MD5, and for audio its decoded format, length,
// PCM MD5 and tags), per delivery and track what the build did and
// measured (length, PCM MD5, loudness, true peak, gain, limiter, clipping)
// and the disc's PQ table. It is a pure function of the bundle and the
// build: no time stamps, no map order, so two builds of one project give
// the same manifest byte for byte.
//
// # PCM MD5
//
// The PCM MD5 of audio is the MD5 of its decoded samples as written:
// interleaved (left, right), little-endian, each sample in the smallest
// whole number of bytes that holds the file's bit depth (16-bit: 2 bytes,
// 20 and 24-bit: 3), as a two's complement integer of that depth. This is
// the definition of the FLAC STREAMINFO MD5, and for a 16 or 24-bit PCM
// WAV the MD5 of its data chunk. A 32-bit float WAV gives its IEEE 754
// single-precision bytes, little-endian (its data chunk too). A DDP
// IMAGE.DAT is 16-bit little-endian PCM already: its bytes. An MP3 is
// decoded to 16-bit integers by libmpg123's generic decoder (mp3.Decode,
// through render.DecodeMP3) and trimmed as its LAME info tag says (the
// info frame, the encoder delay plus the decoder's 529 samples at the
// start, the end padding less those 529 at the end), so that it holds
// exactly the track's samples; MP3 decoders are not bit-exact, so this MD5
// is that decoder's (package mp3 says why the generic one).
//
// A track's PCM MD5 is that of its cut (the delivery's gap mode, as the
// render meters it) in the file that holds it: the track's own file, or
// the album WAV of a cue delivery or a wav delivery without track files,
// or the DDP's IMAGE.DAT.
//
// # Loudness
//
// Make takes the size, SHA-256, MD5 and PCM MD5s that the render's
// writers computed as they wrote (render.DeliveryReport.Sums and PCM; an
// mp3 delivery decodes each file as it is written) rather than reading
// the files again, and decodes only what no writer described; Verify
// reads and decodes everything.
//
// Every track's integrated loudness, loudness range, sample and true peak
// (accurate, loudness.TruePeakAccurate) are measured on the written file:
// for WAV, FLAC and DDP the render's measurement of the stream as written
// (render.TrackReport.Output), which is exactly the PCM a reader of the
// file decodes; for MP3 the decoded file (render.TrackReport.Decoded).
//
// # Verification
//
// Verify re-reads a bundle and compares it with its manifest: every file
// present and none unlisted, sizes, SHA-256, MD5, decoded length and PCM
// MD5, tags, every line of MD5SUMS, and every DDP folder through
// ddp.Verify.
package manifest
