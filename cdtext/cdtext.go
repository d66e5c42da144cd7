// Package cdtext encodes and decodes CD-Text as the raw 18-byte lead-in
// packs of MMC-3 Annex J (the Sony format), the form a DDP CDTEXT.BIN and a
// cue CDTEXTFILE hold: no 4-byte header and no trailing byte.
//
// The packing follows docs/cd-formats.md §4 (from libburn's doc/cdtext.txt):
// one block, charset ISO-8859-1, no TAB compression when encoding. Decode
// reads block 0, understands the TAB "same as previous track" marker, and
// checks every pack's CRC-16/GSM. MS-JIS text and the binary TOC packs
// (0x88, 0x89) are not supported.
package cdtext

import (
	"fmt"
)

// Pack types. ref: docs/cd-formats.md §4.2
const (
	TypeTitle      = 0x80
	TypePerformer  = 0x81
	TypeSongwriter = 0x82
	TypeComposer   = 0x83
	TypeArranger   = 0x84
	TypeMessage    = 0x85
	TypeDiscID     = 0x86
	TypeGenre      = 0x87
	TypeTOC        = 0x88
	TypeTOC2       = 0x89
	TypeClosed     = 0x8D
	TypeCode       = 0x8E // UPC/EAN of the disc, ISRC of each track
	TypeSize       = 0x8F
)

// Sizes and limits. ref: docs/cd-formats.md §4.1, §4.6
const (
	PackSize     = 18  // one pack: 4 header bytes, 12 payload bytes, 2 CRC bytes
	payloadSize  = 12  //
	MaxTextPacks = 253 // text packs per block; 3 more hold the 0x8F size information
	MaxTracks    = 99
)

// Charsets of the 0x8F size information. ref: docs/cd-formats.md §4.5
const (
	CharsetLatin1 = 0x00
	CharsetASCII  = 0x01
	CharsetMSJIS  = 0x80
)

// LanguageEnglish is the EBU Tech 3264 code for English, the default.
const LanguageEnglish = 0x09

// Text is the CD-Text of one block (one language; ref: docs/cd-formats.md
// §4.2, §4.5): strings for the disc
// and for each track. Strings are Go (UTF-8) strings; they are stored as
// ISO-8859-1, so every character must be in U+0020–U+007E or U+00A0–U+00FF.
// A type is written when any of its strings is non-empty; the others of
// that type are then written as empty strings.
type Text struct {
	Language  byte      // EBU Tech 3264 language code; 0 is written as English (0x09)
	Disc      Strings   // pack track number 0
	Tracks    []Strings // Tracks[i] is track i+1
	DiscID    string    // 0x86 disc identification (catalog number), ASCII
	Genre     uint16    // 0x87 genre code (0x0001 "not defined" … 0x001B); 0 with empty GenreText = no genre
	GenreText string    // 0x87 supplementary genre text, ASCII
}

// Strings holds the per-disc or per-track strings of the text pack types.
type Strings struct {
	Title      string // 0x80
	Performer  string // 0x81
	Songwriter string // 0x82
	Composer   string // 0x83
	Arranger   string // 0x84
	Message    string // 0x85
	Code       string // 0x8E: the UPC/EAN for the disc, the ISRC for a track (ASCII)
}

// field returns a pointer to the string of pack type t.
func (s *Strings) field(t byte) *string {
	switch t {
	case TypeTitle:
		return &s.Title
	case TypePerformer:
		return &s.Performer
	case TypeSongwriter:
		return &s.Songwriter
	case TypeComposer:
		return &s.Composer
	case TypeArranger:
		return &s.Arranger
	case TypeMessage:
		return &s.Message
	case TypeCode:
		return &s.Code
	}
	return nil
}

// textTypes are the per-track types in the order they are packed.
var textTypes = []byte{TypeTitle, TypePerformer, TypeSongwriter, TypeComposer, TypeArranger, TypeMessage}

// typeName names a pack type in messages.
func typeName(t byte) string {
	switch t {
	case TypeTitle:
		return "title"
	case TypePerformer:
		return "performer"
	case TypeSongwriter:
		return "songwriter"
	case TypeComposer:
		return "composer"
	case TypeArranger:
		return "arranger"
	case TypeMessage:
		return "message"
	case TypeDiscID:
		return "disc id"
	case TypeGenre:
		return "genre"
	case TypeCode:
		return "upc/isrc"
	}
	return fmt.Sprintf("pack type 0x%02X", t)
}

// CRC computes the CD-Text pack CRC: CRC-16/GSM (polynomial 0x1021,
// initial value 0, no reflection, result XORed with 0xFFFF). For a pack it
// runs over bytes 0..15 and is stored big-endian in bytes 16 and 17.
// ref: docs/cd-formats.md §4.4
func CRC(p []byte) uint16 {
	var r uint16
	for _, b := range p {
		r ^= uint16(b) << 8
		for i := 0; i < 8; i++ {
			if r&0x8000 != 0 {
				r = r<<1 ^ 0x1021
			} else {
				r <<= 1
			}
		}
	}
	return ^r
}

// pack is one 18-byte CD-Text pack. ref: docs/cd-formats.md §4.1
type pack [PackSize]byte

func (p *pack) typ() byte       { return p[0] }        // pack type 0x80–0x8F
func (p *pack) track() byte     { return p[1] & 0x7F } // owner of payload byte 0; bit 7 = extension
func (p *pack) seq() byte       { return p[2] }        // sequence number within the block
func (p *pack) dbcc() bool      { return p[3]&0x80 != 0 }
func (p *pack) block() int      { return int(p[3] >> 4 & 7) }
func (p *pack) charPos() int    { return int(p[3] & 0x0F) } // capped at 15
func (p *pack) payload() []byte { return p[4:][:payloadSize] }
func (p *pack) crc() uint16     { return uint16(p[16])<<8 | uint16(p[17]) }
func (p *pack) wantCRC() uint16 { return CRC(p[:16]) }
