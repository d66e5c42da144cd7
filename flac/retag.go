package flac

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/lathe-audio/lathe/metadata"
)

// Metadata block types (RFC 9639 §8.1) that RewriteTags replaces.
const (
	blockPadding       = 1
	blockVorbisComment = 4
	blockPicture       = 6
)

// maxBlocks bounds the metadata blocks RewriteTags reads: a file with
// more is not one this package wrote.
const maxBlocks = 1024

// RewriteTags replaces the tags and the front cover of the FLAC stream at
// the start of f in place, without moving its audio: the metadata blocks
// after STREAMINFO, which must be VORBIS_COMMENT, PICTURE and PADDING
// blocks only (as NewEncoder writes them), are rewritten as the
// VORBIS_COMMENT block holding tags (keeping the file's vendor string),
// a PICTURE block when cover is not nil, and a PADDING block that takes
// up the rest of the space. It fails, writing nothing, when the new
// blocks do not fit in that space, which a Config.Padding at least as
// large as their growth prevents. name is used in messages.
func RewriteTags(f io.ReadWriteSeeker, name string, tags []metadata.Field, cover *metadata.Picture) error {
	errorf := func(format string, args ...any) error {
		return fmt.Errorf("flac: "+name+": rewrite tags: "+format, args...)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return errorf("%w", err)
	}
	var head [headerLen]byte
	if _, err := io.ReadFull(f, head[:]); err != nil {
		return errorf("read the stream header: %w", err)
	}
	if string(head[:4]) != "fLaC" || head[4]&0x7F != 0 || int(head[5])<<16|int(head[6])<<8|int(head[7]) != 34 {
		return errorf("not a FLAC stream starting with STREAMINFO")
	}
	if head[4]&0x80 != 0 {
		return errorf("STREAMINFO is the only metadata block; there is no room for tags")
	}
	vendor := ""
	haveVendor := false
	end := int64(headerLen) // end of the metadata blocks
	for n := 0; ; n++ {
		if n == maxBlocks {
			return errorf("more than %d metadata blocks", maxBlocks)
		}
		var h [4]byte
		if _, err := io.ReadFull(f, h[:]); err != nil {
			return errorf("read the header of metadata block %d: %w", n+2, err)
		}
		typ, size := h[0]&0x7F, int64(h[1])<<16|int64(h[2])<<8|int64(h[3])
		switch typ {
		case blockVorbisComment:
			if !haveVendor {
				v, err := readVendor(f, size)
				if err != nil {
					return errorf("VORBIS_COMMENT block: %w", err)
				}
				vendor, haveVendor = v, true
				size -= int64(4 + len(v))
			}
		case blockPicture, blockPadding:
		default:
			return errorf("metadata block %d is of type %d, which would be lost; only VORBIS_COMMENT, PICTURE and PADDING blocks are rewritten", n+2, typ)
		}
		if _, err := f.Seek(size, io.SeekCurrent); err != nil {
			return errorf("%w", err)
		}
		end, _ = f.Seek(0, io.SeekCurrent)
		if h[0]&0x80 != 0 {
			break
		}
	}
	if !haveVendor {
		vendor = Vendor
	}
	room := int(end - headerLen)
	blocks, err := marshalBlocks(vendor, tags, cover, -1)
	if err != nil {
		return errorf("%w", err)
	}
	switch extra := room - len(blocks); {
	case extra == 0:
	case extra >= 4:
		if blocks, err = marshalBlocks(vendor, tags, cover, extra-4); err != nil {
			return errorf("%w", err)
		}
	default:
		return errorf("the tag blocks take %d bytes, the file has %d before its audio (a PADDING block needs 4 more than the tags)", len(blocks), room)
	}
	if _, err := f.Seek(headerLen, io.SeekStart); err != nil {
		return errorf("%w", err)
	}
	if _, err := f.Write(blocks); err != nil {
		return errorf("%w", err)
	}
	return nil
}

// readVendor reads the vendor string at the start of a VORBIS_COMMENT
// block body of size bytes.
func readVendor(r io.Reader, size int64) (string, error) {
	var n [4]byte
	if size < 8 {
		return "", fmt.Errorf("%d bytes, too short", size)
	}
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return "", err
	}
	l := int64(binary.LittleEndian.Uint32(n[:]))
	if l > size-8 {
		return "", fmt.Errorf("vendor string of %d bytes in a block of %d", l, size)
	}
	v := make([]byte, l)
	if _, err := io.ReadFull(r, v); err != nil {
		return "", err
	}
	return string(v), nil
}
