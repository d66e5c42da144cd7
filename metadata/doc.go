// Package metadata builds the tags of lathe's deliveries from the album
// model: one format-neutral table per track ([Tags], from [ForTrack]), and
// from it the Vorbis comments of FLAC files, the ID3v2.4 frames of MP3
// files, and the LIST/INFO entries and BWF bext fields of WAV masters. It
// also reads and checks cover art. It writes no files and knows nothing of
// audio; the encoders in packages flac and mp3 put the tags into files.
//
// The tables follow these specifications:
//
//   - Vorbis comments: the Vorbis I specification §5 (comment field and
//     header format, https://xiph.org/vorbis/doc/v-comment.html), with the
//     field names of the proposal at
//     https://wiki.xiph.org/Field_names and the ReplayGain 2.0 names.
//   - ID3v2.4.0 (https://id3.org/id3v2.4.0-frames): text frames in UTF-8
//     (encoding byte 3), TXXX for names ID3 has no frame for, COMM, TIPL
//     and APIC.
//   - RIFF LIST/INFO (Microsoft Multimedia Programming Interface and Data
//     Specifications 1.0, §3-16) and the BWF bext chunk (EBU Tech 3285);
//     bext text is ASCII, so other characters are folded or replaced.
//   - Cover art: JPEG (ITU T.81 with JFIF or Adobe markers) and PNG
//     (ISO/IEC 15948) headers, read with image.DecodeConfig and never
//     re-encoded.
//
// Every function is deterministic: the same album gives the same tables in
// the same order.
package metadata
