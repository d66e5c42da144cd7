package pcm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// BEXT is the Broadcast Wave Format bext chunk (EBU Tech 3285). Text fields
// are ASCII; the writer rejects text that does not fit its field rather than
// cutting it. Nothing is filled in from the clock: dates come from the caller.
type BEXT struct {
	Description         string   // at most 256 characters
	Originator          string   // at most 32
	OriginatorReference string   // at most 32
	OriginationDate     string   // "yyyy-mm-dd" or empty
	OriginationTime     string   // "hh:mm:ss" or empty
	TimeReference       uint64   // first sample, counted in samples since midnight
	UMID                [64]byte // SMPTE 330M UMID, zero when unused
	// Loudness, when set, is written as version 2 of the chunk; nil writes
	// version 1, whose loudness fields are reserved (zero).
	Loudness      *BEXTLoudness
	CodingHistory string // free text, lines ended by CR LF
}

// BEXTLoudness holds the EBU R128 values of a version 2 bext chunk, each in
// hundredths: -2300 is -23.00 LUFS. A field that holds no value is
// BEXTUnknown.
type BEXTLoudness struct {
	Value        int16 // integrated loudness, LUFS
	Range        int16 // loudness range, LU
	MaxTruePeak  int16 // dBTP
	MaxMomentary int16 // LUFS
	MaxShortTerm int16 // LUFS
}

// BEXTUnknown is the value of a loudness field of a version 2 bext chunk
// that is not given: EBU Tech 3285 v2 reserves 0x7fff for it.
const BEXTUnknown int16 = 0x7fff

// InfoTag is one text entry of a LIST/INFO chunk, such as {"INAM", "Title"}.
type InfoTag struct {
	ID   string // four characters: A-Z, 0-9
	Text string
}

// bextRecord is the fixed part of a bext chunk; each method returns one
// field as laid out in EBU Tech 3285 section 2.3.
type bextRecord []byte

const (
	bextLen        = 602 // fixed part; the coding history follows
	bextVersionAt  = 346
	bextLoudnessAt = 412
)

func (b bextRecord) description() []byte   { return b[0:][:256] }
func (b bextRecord) originator() []byte    { return b[256:][:32] }
func (b bextRecord) originatorRef() []byte { return b[288:][:32] }
func (b bextRecord) date() []byte          { return b[320:][:10] }
func (b bextRecord) time() []byte          { return b[330:][:8] }
func (b bextRecord) timeRef() []byte       { return b[338:][:8] } // low 32 bits, then high
func (b bextRecord) version() []byte       { return b[bextVersionAt:][:2] }
func (b bextRecord) umid() []byte          { return b[348:][:64] }
func (b bextRecord) loudness() []byte      { return b[bextLoudnessAt:][:10] } // five int16
// b[422:602] is reserved and stays zero.

// parseBEXT reads a bext chunk body; one too short to hold the fixed fields
// is ignored, as readers of WAV files do with chunks they cannot use.
func parseBEXT(p []byte) *BEXT {
	if len(p) < bextLen {
		return nil
	}
	b := bextRecord(p[:bextLen])
	x := &BEXT{
		Description:         cText(b.description()),
		Originator:          cText(b.originator()),
		OriginatorReference: cText(b.originatorRef()),
		OriginationDate:     cText(b.date()),
		OriginationTime:     cText(b.time()),
		TimeReference:       binary.LittleEndian.Uint64(b.timeRef()),
		CodingHistory:       cText(p[bextLen:]),
	}
	copy(x.UMID[:], b.umid())
	if binary.LittleEndian.Uint16(b.version()) >= 2 {
		l := b.loudness()
		x.Loudness = &BEXTLoudness{
			Value:        int16(binary.LittleEndian.Uint16(l[0:])),
			Range:        int16(binary.LittleEndian.Uint16(l[2:])),
			MaxTruePeak:  int16(binary.LittleEndian.Uint16(l[4:])),
			MaxMomentary: int16(binary.LittleEndian.Uint16(l[6:])),
			MaxShortTerm: int16(binary.LittleEndian.Uint16(l[8:])),
		}
	}
	return x
}

// appendBEXT appends the bext chunk body for x, which check has accepted.
func appendBEXT(dst []byte, x *BEXT) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, bextLen)...)
	b := bextRecord(dst[start:])
	copy(b.description(), x.Description)
	copy(b.originator(), x.Originator)
	copy(b.originatorRef(), x.OriginatorReference)
	copy(b.date(), x.OriginationDate)
	copy(b.time(), x.OriginationTime)
	binary.LittleEndian.PutUint64(b.timeRef(), x.TimeReference)
	copy(b.umid(), x.UMID[:])
	binary.LittleEndian.PutUint16(b.version(), 1)
	if x.Loudness != nil {
		b.putLoudness(x.Loudness)
	}
	return append(dst, x.CodingHistory...)
}

// putLoudness makes the record version 2 and sets its loudness fields.
func (b bextRecord) putLoudness(l *BEXTLoudness) {
	binary.LittleEndian.PutUint16(b.version(), 2)
	p := b.loudness()
	for i, v := range []int16{l.Value, l.Range, l.MaxTruePeak, l.MaxMomentary, l.MaxShortTerm} {
		binary.LittleEndian.PutUint16(p[2*i:], uint16(v))
	}
}

// PatchBEXTLoudness rewrites, in place, the bext chunk whose body starts
// at byte offset body of f (see WAVWriter.BEXTOffset) as version 2 with
// the loudness l: it writes the version field and the five loudness
// fields, and no other byte. A writer that knows the loudness only once
// the audio is written gives the chunk placeholder values (a Loudness of
// BEXTUnknown fields keeps the layout) and patches them at the end.
func PatchBEXTLoudness(f io.WriterAt, body int64, l *BEXTLoudness) error {
	b := make(bextRecord, bextLen)
	b.putLoudness(l)
	if _, err := f.WriteAt(b.version(), body+bextVersionAt); err != nil {
		return fmt.Errorf("pcm: patch bext: %w", err)
	}
	if _, err := f.WriteAt(b.loudness(), body+bextLoudnessAt); err != nil {
		return fmt.Errorf("pcm: patch bext: %w", err)
	}
	return nil
}

// check reports the first field that cannot be written as given.
func (x *BEXT) check() error {
	fields := []struct {
		name, text string
		max        int
	}{
		{"Description", x.Description, 256},
		{"Originator", x.Originator, 32},
		{"OriginatorReference", x.OriginatorReference, 32},
		{"CodingHistory", x.CodingHistory, maxMetaLen - bextLen},
	}
	for _, f := range fields {
		if len(f.text) > f.max {
			return fmt.Errorf("pcm: bext %s: %d characters, at most %d", f.name, len(f.text), f.max)
		}
		if i := strings.IndexFunc(f.text, notASCII); i >= 0 {
			return fmt.Errorf("pcm: bext %s: %q at byte %d is not printable ASCII", f.name, f.text[i:][:1], i)
		}
	}
	if !matchDigits(x.OriginationDate, "dddd-dd-dd") {
		return fmt.Errorf("pcm: bext OriginationDate: %q, want yyyy-mm-dd", x.OriginationDate)
	}
	if !matchDigits(x.OriginationTime, "dd:dd:dd") && !matchDigits(x.OriginationTime, "dd-dd-dd") {
		return fmt.Errorf("pcm: bext OriginationTime: %q, want hh:mm:ss", x.OriginationTime)
	}
	return nil
}

func notASCII(r rune) bool { return (r < ' ' && r != '\r' && r != '\n') || r > '~' }

// matchDigits reports whether s is empty or has the shape of pattern, in
// which 'd' stands for any digit.
func matchDigits(s, pattern string) bool {
	if s == "" {
		return true
	}
	if len(s) != len(pattern) {
		return false
	}
	for i := range len(s) {
		if pattern[i] == 'd' && (s[i] < '0' || s[i] > '9') || pattern[i] != 'd' && s[i] != pattern[i] {
			return false
		}
	}
	return true
}

// parseINFO reads the text entries of a LIST chunk body of type INFO; other
// list types and malformed entries are skipped.
func parseINFO(p []byte) []InfoTag {
	if len(p) < 4 || !bytes.Equal(p[:4], idINFO[:]) {
		return nil
	}
	var tags []InfoTag
	for p = p[4:]; len(p) >= chunkHeaderLen; {
		size := int64(binary.LittleEndian.Uint32(p[4:]))
		if size > int64(len(p)-chunkHeaderLen) {
			break
		}
		tags = append(tags, InfoTag{ID: string(p[:4]), Text: cText(p[chunkHeaderLen:][:size])})
		next := chunkHeaderLen + size + size&1
		if next >= int64(len(p)) {
			break
		}
		p = p[next:]
	}
	return tags
}

// appendINFO appends a LIST chunk body of type INFO holding tags.
func appendINFO(dst []byte, tags []InfoTag) []byte {
	dst = append(dst, idINFO[:]...)
	for _, t := range tags {
		size := len(t.Text) + 1 // NUL-terminated
		dst = append(dst, t.ID...)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(size))
		dst = append(dst, t.Text...)
		dst = append(dst, 0)
		if size%2 == 1 {
			dst = append(dst, 0)
		}
	}
	return dst
}

// checkTags reports the first tag that cannot be written.
func checkTags(tags []InfoTag) error {
	total := 4
	for _, t := range tags {
		if len(t.ID) != 4 || strings.IndexFunc(t.ID, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) >= 0 {
			return fmt.Errorf("pcm: INFO tag ID %q, want four characters A-Z or 0-9", t.ID)
		}
		if strings.IndexByte(t.Text, 0) >= 0 {
			return fmt.Errorf("pcm: INFO tag %s: text holds a NUL byte", t.ID)
		}
		total += chunkHeaderLen + len(t.Text) + 2
	}
	if total > maxMetaLen {
		return fmt.Errorf("pcm: INFO tags: %d bytes, at most %d", total, maxMetaLen)
	}
	return nil
}

// cText returns the text in p up to its first NUL byte.
func cText(p []byte) string {
	if i := bytes.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	return string(p)
}
