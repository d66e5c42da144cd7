// Package cdda holds the Red Book (CD-DA) arithmetic and the disc
// description shared by the ddp and cue packages: MSF addresses, ISRC and
// UPC/EAN codes, and a Disc (its tracks, index points, flags, lead-out and
// CD-Text) that is validated against the Red Book rules before any file is
// written.
//
// Every address is an A-time in sectors: the absolute time counted from the
// first sector of a DDP IMAGE.DAT, which starts with track 1's pregap.
// LBA = A-time − 150. The rules and conversions are those of
// docs/cd-formats.md §1, §3 and §8.
//
// The package does not model data tracks, multiple sessions, 4-channel audio
// or CD-Text in more than one language block.
package cdda
