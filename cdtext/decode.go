package cdtext

import (
	"errors"
	"fmt"
)

// CRCError reports a pack whose stored CRC does not match its content.
type CRCError struct {
	Pack      int    // 0-based index of the pack in the file
	Got, Want uint16 // stored and computed CRC
}

func (e *CRCError) Error() string {
	return fmt.Sprintf("cdtext: pack %d: CRC %04X, want %04X", e.Pack, e.Got, e.Want)
}

// Decode reads raw CD-Text packs (a multiple of 18 bytes) and returns the
// text of block 0.
//
// Every pack's CRC is checked. When the only problems are CRC mismatches,
// Decode returns the decoded text together with an error that joins one
// *CRCError per bad pack, so a caller can both show the text and report
// the damage. Any structural problem (length, sequence, missing size
// information, an unsupported charset) returns a nil Text and an error
// joining that problem with the CRC errors.
func Decode(b []byte) (*Text, error) {
	if len(b) == 0 {
		return nil, errors.New("cdtext: no packs")
	}
	if len(b)%PackSize != 0 {
		return nil, fmt.Errorf("cdtext: %d bytes is not a multiple of the %d-byte pack", len(b), PackSize)
	}
	var crcErrs []error
	var blk []*pack
	for i := 0; i < len(b)/PackSize; i++ {
		p := (*pack)(b[i*PackSize:][:PackSize])
		if got, want := p.crc(), p.wantCRC(); got != want {
			crcErrs = append(crcErrs, &CRCError{Pack: i, Got: got, Want: want})
		}
	}
	var err error
	for i := 0; i < len(b)/PackSize && err == nil; i++ {
		p := (*pack)(b[i*PackSize:][:PackSize])
		switch {
		case p.typ() < 0x80 || p.typ() > 0x8F:
			err = fmt.Errorf("cdtext: pack %d: type 0x%02X is not a CD-Text pack type (0x80-0x8F)", i, p.typ())
		case p.block() != 0:
		case int(p.seq()) != len(blk):
			err = fmt.Errorf("cdtext: pack %d: sequence number %d, want %d", i, p.seq(), len(blk))
		default:
			blk = append(blk, p)
		}
	}
	var t *Text
	if err == nil {
		t, err = decodeBlock(blk)
	}
	if err != nil {
		return nil, errors.Join(append([]error{err}, crcErrs...)...)
	}
	return t, errors.Join(crcErrs...)
}

// decodeBlock decodes the packs of one block, given in sequence order.
func decodeBlock(blk []*pack) (*Text, error) {
	var size []byte
	payloads := map[byte][]byte{}
	firstTrack := map[byte]int{}
	prev := byte(0)
	for i, p := range blk {
		typ := p.typ()
		if typ < prev {
			return nil, fmt.Errorf("cdtext: pack %d: type 0x%02X after 0x%02X, want ascending types", i, typ, prev)
		}
		prev = typ
		if p.dbcc() {
			return nil, fmt.Errorf("cdtext: pack %d: double-byte (MS-JIS) text is not supported", i)
		}
		if typ == TypeSize {
			size = append(size, p.payload()...)
			continue
		}
		if _, ok := payloads[typ]; !ok {
			firstTrack[typ] = int(p.track())
		}
		payloads[typ] = append(payloads[typ], p.payload()...)
	}
	if len(size) != 36 {
		return nil, fmt.Errorf("cdtext: block 0 has %d size information (0x8F) packs, want 3", len(size)/payloadSize)
	}
	charset, first, last, lang := size[0], int(size[1]), int(size[2]), size[28]
	if charset != CharsetLatin1 && charset != CharsetASCII {
		return nil, fmt.Errorf("cdtext: charset 0x%02X is not supported (only ISO-8859-1 and ASCII)", charset)
	}
	if first < 1 || last < first || last > MaxTracks {
		return nil, fmt.Errorf("cdtext: size information names tracks %d..%d, want 1 <= first <= last <= %d", first, last, MaxTracks)
	}
	t := &Text{Language: lang, Tracks: make([]Strings, last)}
	for typ, buf := range payloads {
		strs := split(buf)
		switch typ {
		case TypeDiscID:
			if len(strs) > 0 {
				t.DiscID = string(strs[0])
			}
			continue
		case TypeGenre:
			if len(strs) > 0 && len(buf) >= 2 {
				t.Genre = uint16(buf[0])<<8 | uint16(buf[1])
				t.GenreText = string(split(buf[2:])[0])
			}
			continue
		}
		track := firstTrack[typ]
		var prevStr string
		for _, s := range strs {
			var f *string
			switch {
			case track == 0:
				f = t.Disc.field(typ)
			case track >= first && track <= last:
				f = t.Tracks[track-1].field(typ)
			}
			str := latin1String(s)
			if str == "\t" && track > first { // "same as the previous track"
				str = prevStr
			}
			if f != nil {
				*f = str
			}
			prevStr = str
			track++
		}
	}
	if first > 1 {
		t.Tracks = t.Tracks[first-1:]
	}
	return t, nil
}

// split cuts buf into NUL-terminated strings, dropping the NUL padding
// after the last terminator.
func split(buf []byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range buf {
		if c == 0 {
			out = append(out, buf[start:i])
			start = i + 1
		}
	}
	if start < len(buf) { // an unterminated tail: keep what is there
		out = append(out, buf[start:])
	}
	// Trailing empty strings that come only from padding cannot be told
	// apart from real empty strings; the caller ignores strings beyond the
	// last track.
	if len(out) == 0 {
		out = append(out, nil)
	}
	return out
}

// latin1String converts ISO-8859-1 bytes to a Go string.
func latin1String(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}
