package mp3

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/bogem/id3v2/v2"

	"github.com/lathe-audio/lathe/metadata"
)

// maxTagSize is the largest ID3v2 tag body: its size is a 28-bit
// synchsafe integer.
const maxTagSize = 1<<28 - 1

// marshalTag returns the ID3v2.4 tag holding frames, in order, and an
// APIC front cover, followed by padding zero bytes; nil when there are no
// frames and no cover. Each frame is encoded by id3v2 as a one-frame tag
// whose 10-byte tag header is dropped; the tag header is written here,
// with no extended header or flags (ID3v2.4 structure §3.1); the padding
// is part of the tag's size (§3.3).
func marshalTag(frames []metadata.Frame, cover *metadata.Picture, padding int) ([]byte, error) {
	if len(frames) == 0 && cover == nil {
		return nil, nil
	}
	var body []byte
	for _, f := range frames {
		framer, err := framerOf(f)
		if err != nil {
			return nil, err
		}
		if body, err = appendFrame(body, f.ID, framer); err != nil {
			return nil, err
		}
	}
	if cover != nil {
		var err error
		body, err = appendFrame(body, "APIC", id3v2.PictureFrame{
			Encoding:    id3v2.EncodingUTF8,
			MimeType:    cover.MIME,
			PictureType: id3v2.PTFrontCover,
			Picture:     cover.Data,
		})
		if err != nil {
			return nil, err
		}
	}
	n := len(body) + padding
	if n > maxTagSize {
		return nil, fmt.Errorf("ID3v2 tag of %d bytes, more than the format's %d", n, maxTagSize)
	}
	tag := make([]byte, 0, tagHeaderLen+n)
	tag = append(tag, 'I', 'D', '3', 4, 0, 0, // version 2.4.0, no flags
		byte(n>>21&0x7F), byte(n>>14&0x7F), byte(n>>7&0x7F), byte(n&0x7F))
	tag = append(tag, body...)
	return append(tag, make([]byte, padding)...), nil
}

// tagHeaderLen is the size of the ID3v2 tag header.
const tagHeaderLen = 10

// RewriteTag replaces the ID3v2.4 tag at the start of f, as NewEncoder
// wrote it, in place and with the same size: the new frames and cover
// are followed by as much padding as the old tag's size leaves, so the
// MPEG stream does not move. It fails, writing nothing, when they do not
// fit, which a Config.Padding at least as large as their growth
// prevents. name is used in messages.
func RewriteTag(f io.ReadWriteSeeker, name string, frames []metadata.Frame, cover *metadata.Picture) error {
	errorf := func(format string, args ...any) error {
		return fmt.Errorf("mp3: "+name+": rewrite ID3v2 tag: "+format, args...)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return errorf("%w", err)
	}
	var h [tagHeaderLen]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return errorf("read the tag header: %w", err)
	}
	if string(h[:3]) != "ID3" || h[3] != 4 || h[4] != 0 {
		return errorf("the file does not start with an ID3v2.4 tag")
	}
	if h[5] != 0 {
		return errorf("tag flags %#02x; only tags without flags are rewritten", h[5])
	}
	size := 0
	for _, b := range h[6:] {
		if b&0x80 != 0 {
			return errorf("tag size % x is not a synchsafe integer", h[6:])
		}
		size = size<<7 | int(b)
	}
	body, err := marshalTag(frames, cover, 0)
	if err != nil {
		return errorf("%w", err)
	}
	if len(body) == 0 {
		return errorf("no frames and no cover; an ID3v2 tag holds at least one frame")
	}
	pad := size - (len(body) - tagHeaderLen)
	if pad < 0 {
		return errorf("the new frames take %d bytes, the tag has %d", len(body)-tagHeaderLen, size)
	}
	tag, err := marshalTag(frames, cover, pad)
	if err != nil {
		return errorf("%w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return errorf("%w", err)
	}
	if _, err := f.Write(tag); err != nil {
		return errorf("%w", err)
	}
	return nil
}

// framerOf checks f and returns it as an id3v2 frame in UTF-8.
func framerOf(f metadata.Frame) (id3v2.Framer, error) {
	if len(f.ID) != 4 || strings.IndexFunc(f.ID, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < '0' || r > '9') }) >= 0 {
		return nil, fmt.Errorf("frame ID %q, want four characters A-Z or 0-9", f.ID)
	}
	for _, s := range []string{f.Text, f.Desc} {
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("frame %s: text is not valid UTF-8", f.ID)
		}
	}
	// NUL separates the values of a text frame; only TIPL's pairs use it.
	if f.ID != "TIPL" && strings.IndexByte(f.Text+f.Desc, 0) >= 0 {
		return nil, fmt.Errorf("frame %s: text holds a NUL character", f.ID)
	}
	switch {
	case f.ID == "TXXX":
		return id3v2.UserDefinedTextFrame{Encoding: id3v2.EncodingUTF8, Description: f.Desc, Value: f.Text}, nil
	case f.ID == "COMM":
		if len(f.Lang) != 3 {
			return nil, fmt.Errorf("frame COMM: language %q, want an ISO 639-2 code", f.Lang)
		}
		return id3v2.CommentFrame{Encoding: id3v2.EncodingUTF8, Language: f.Lang, Description: f.Desc, Text: f.Text}, nil
	case f.ID[0] == 'T':
		return id3v2.TextFrame{Encoding: id3v2.EncodingUTF8, Text: f.Text}, nil
	}
	return nil, fmt.Errorf("frame %s: not a text frame", f.ID)
}

// appendFrame appends the frame id holding f, with its 10-byte frame
// header, to dst.
func appendFrame(dst []byte, id string, f id3v2.Framer) ([]byte, error) {
	t := id3v2.NewEmptyTag() // ID3v2.4
	t.AddFrame(id, f)
	var b bytes.Buffer
	if _, err := t.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("frame %s: %w", id, err)
	}
	if b.Len() < 20 {
		return nil, fmt.Errorf("frame %s: id3v2 wrote %d bytes", id, b.Len())
	}
	return append(dst, b.Bytes()[10:]...), nil
}
