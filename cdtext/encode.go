package cdtext

import (
	"fmt"
)

// Encode packs t into raw CD-Text packs (block 0, ISO-8859-1), following
// docs/cd-formats.md §4.3 exactly: types in ascending order, each type's
// strings (disc, then tracks 1..N) NUL-terminated and concatenated, padded
// with NULs to a multiple of 12 bytes, cut into packs whose header names the
// owner track and character position of payload byte 0; then the three 0x8F
// size packs. No TAB compression is used.
//
// Encode refuses characters outside ISO-8859-1 (or outside printable ASCII
// for the disc ID, genre text and codes), and more than MaxTextPacks text
// packs, before producing any output. It returns nil, nil when t has no
// text at all.
func Encode(t *Text) ([]byte, error) {
	if t == nil {
		return nil, nil
	}
	n := len(t.Tracks)
	if n < 1 || n > MaxTracks {
		return nil, fmt.Errorf("cdtext: %d tracks, want 1..%d", n, MaxTracks)
	}
	e := encoder{}
	for _, typ := range textTypes {
		e.strings(typ, t, latin1)
	}
	if t.DiscID != "" {
		e.discOnly(TypeDiscID, []byte(nil), t.DiscID)
	}
	if t.Genre != 0 || t.GenreText != "" {
		g := t.Genre
		if g == 0 {
			g = 0x0001 // "not defined"
		}
		e.discOnly(TypeGenre, []byte{byte(g >> 8), byte(g)}, t.GenreText)
	}
	e.strings(TypeCode, t, ascii)
	if e.err != nil {
		return nil, e.err
	}
	if len(e.packs) == 0 {
		return nil, nil
	}
	if len(e.packs) > MaxTextPacks {
		return nil, fmt.Errorf("cdtext: the text needs %d packs, more than the %d a block holds (about %d characters); shorten the strings",
			len(e.packs), MaxTextPacks, MaxTextPacks*payloadSize)
	}
	e.sizeInfo(t, n)
	out := make([]byte, 0, len(e.packs)*PackSize)
	for i := range e.packs {
		p := &e.packs[i]
		crc := p.wantCRC()
		p[16], p[17] = byte(crc>>8), byte(crc)
		out = append(out, p[:]...)
	}
	return out, nil
}

// encoder collects packs with a sticky error.
type encoder struct {
	packs  []pack
	counts [16]int
	err    error
}

// charset converts one string for one field, or reports why it cannot.
type charset func(s string) ([]byte, error)

// latin1 converts s to ISO-8859-1, refusing characters outside it and
// control characters (which include NUL, the terminator, and TAB, the
// repeat marker).
func latin1(s string) ([]byte, error) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r > 0xFF:
			return nil, fmt.Errorf("character %q (U+%04X) is not in ISO-8859-1", r, r)
		case r < 0x20 || r >= 0x7F && r < 0xA0:
			return nil, fmt.Errorf("control character U+%04X is not allowed", r)
		}
		b = append(b, byte(r))
	}
	return b, nil
}

// ascii converts s, refusing anything but printable ASCII.
func ascii(s string) ([]byte, error) {
	for _, r := range s {
		if r < 0x20 || r > 0x7E {
			return nil, fmt.Errorf("character %q (U+%04X) is not printable ASCII", r, r)
		}
	}
	return []byte(s), nil
}

// strings packs the disc and per-track strings of type typ, when any is set.
func (e *encoder) strings(typ byte, t *Text, conv charset) {
	all := make([]string, 0, 1+len(t.Tracks))
	all = append(all, *t.Disc.field(typ))
	for i := range t.Tracks {
		all = append(all, *t.Tracks[i].field(typ))
	}
	empty := true
	for _, s := range all {
		empty = empty && s == ""
	}
	if empty || e.err != nil {
		return
	}
	var buf []byte
	var owner, pos []int // per byte of buf: track number and position in its string
	for track, s := range all {
		b, err := conv(s)
		if err != nil {
			e.err = fmt.Errorf("cdtext: %s %s: %w", where(track), typeName(typ), err)
			return
		}
		for i := 0; i <= len(b); i++ { // the NUL terminator belongs to the string
			owner = append(owner, track)
			pos = append(pos, i)
		}
		buf = append(append(buf, b...), 0)
	}
	e.emit(typ, buf, owner, pos)
}

// discOnly packs a single disc string of a disc-only type: an optional
// binary prefix, then NUL-terminated ASCII text.
func (e *encoder) discOnly(typ byte, prefix []byte, s string) {
	if e.err != nil {
		return
	}
	b, err := ascii(s)
	if err != nil {
		e.err = fmt.Errorf("cdtext: disc %s: %w", typeName(typ), err)
		return
	}
	buf := append(append(append([]byte(nil), prefix...), b...), 0)
	owner := make([]int, len(buf))
	pos := make([]int, len(buf))
	for i := range pos {
		pos[i] = i
	}
	e.emit(typ, buf, owner, pos)
}

// emit cuts buf into packs of type typ. ref: docs/cd-formats.md §4.3
func (e *encoder) emit(typ byte, buf []byte, owner, pos []int) {
	for k := 0; k < len(buf); k += payloadSize {
		var p pack
		p[0] = typ                   // pack type
		p[1] = byte(owner[k])        // track of payload byte 0
		p[2] = byte(len(e.packs))    // sequence (checked against 253 later)
		p[3] = byte(min(pos[k], 15)) // DBCC 0, block 0, character position
		copy(p.payload(), buf[k:])   // the tail of the last pack stays NUL
		e.packs = append(e.packs, p)
		e.counts[typ-0x80]++
	}
}

// sizeInfo appends the three 0x8F packs. ref: docs/cd-formats.md §4.5
func (e *encoder) sizeInfo(t *Text, n int) {
	var rec [36]byte
	rec[0] = CharsetLatin1 // character code
	rec[1] = 1             // first track number
	rec[2] = byte(n)       // last track number
	rec[3] = 0             // copyright flag
	e.counts[TypeSize-0x80] = 3
	for i, c := range e.counts {
		rec[4+i] = byte(c) // packs per type 0x80..0x8F
	}
	rec[20] = byte(len(e.packs) + 2) // last sequence number of block 0
	lang := t.Language
	if lang == 0 {
		lang = LanguageEnglish
	}
	rec[28] = lang // language of block 0
	for part := 0; part < 3; part++ {
		var p pack
		p[0] = TypeSize
		p[1] = byte(part)
		p[2] = byte(len(e.packs))
		p[3] = 0
		copy(p.payload(), rec[part*payloadSize:])
		e.packs = append(e.packs, p)
	}
}

// where names the owner of a string in messages.
func where(track int) string {
	if track == 0 {
		return "disc"
	}
	return fmt.Sprintf("track %d", track)
}
