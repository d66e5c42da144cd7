package flac

import (
	"fmt"
	"unicode/utf8"

	"github.com/go-flac/flacpicture/v2"
	"github.com/go-flac/flacvorbis/v2"
	goflac "github.com/go-flac/go-flac/v2"

	"github.com/lathe-audio/lathe/metadata"
)

// marshalBlocks returns the VORBIS_COMMENT block holding vendor and tags,
// followed by a front-cover PICTURE block when cover is not nil and by a
// PADDING block of padding bytes when padding is not negative, the last of them
// flagged as the last metadata block of the stream.
func marshalBlocks(vendor string, tags []metadata.Field, cover *metadata.Picture, padding int) ([]byte, error) {
	vc := flacvorbis.New()
	vc.Vendor = vendor
	for _, f := range tags {
		if f.Name == "" {
			return nil, fmt.Errorf("tag with an empty name (value %q)", f.Value)
		}
		if !utf8.ValidString(f.Value) {
			return nil, fmt.Errorf("tag %s: value is not valid UTF-8", f.Name)
		}
		if err := vc.Add(f.Name, f.Value); err != nil {
			return nil, fmt.Errorf("tag %q: %w", f.Name, err)
		}
	}
	blocks := []goflac.MetaDataBlock{vc.Marshal()}
	if cover != nil {
		pic := &flacpicture.MetadataBlockPicture{
			PictureType:       flacpicture.PictureTypeFrontCover,
			MIME:              cover.MIME,
			Width:             uint32(cover.Width),
			Height:            uint32(cover.Height),
			ColorDepth:        uint32(cover.Depth),
			IndexedColorCount: uint32(cover.Colors),
			ImageData:         cover.Data,
		}
		blocks = append(blocks, pic.Marshal())
	}
	if padding >= 0 {
		blocks = append(blocks, goflac.MetaDataBlock{Type: goflac.Padding, Data: make([]byte, padding)})
	}
	var out []byte
	for i, b := range blocks {
		if len(b.Data) >= 1<<24 {
			return nil, fmt.Errorf("metadata block of %d bytes, more than FLAC allows (16 MiB)", len(b.Data))
		}
		out = append(out, b.Marshal(i == len(blocks)-1)...)
	}
	return out, nil
}
