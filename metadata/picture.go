package metadata

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"

	"github.com/lathe-audio/lathe/album"
)

// MinCoverSize is the edge length, in pixels, below which a front cover
// draws a warning: the major stores ask for at least 3000 x 3000.
const MinCoverSize = 3000

// Picture is a cover image, kept byte for byte as read: lathe embeds it
// without decoding or re-encoding it.
type Picture struct {
	Name   string // the file it came from, for messages
	MIME   string // "image/jpeg" or "image/png"
	Width  int
	Height int
	Depth  int // bits per pixel, as the FLAC PICTURE block records it
	Colors int // palette entries of an indexed PNG, else 0
	Model  string
	Data   []byte
}

// ReadPicture reads a JPEG or PNG image file; see [ParsePicture].
func ReadPicture(path string) (*Picture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("metadata: cover: %w", err)
	}
	return ParsePicture(path, data)
}

// ParsePicture reads the header of a JPEG or PNG image, recognized by its
// signature whatever its name. It refuses other formats, CMYK (and YCCK)
// JPEGs, which many players show with wrong colours or not at all, and
// headers image.DecodeConfig cannot read. name is used in messages.
func ParsePicture(name string, data []byte) (*Picture, error) {
	p := &Picture{Name: name, Data: data}
	var cfg image.Config
	var err error
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		p.MIME = "image/jpeg"
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		p.MIME = "image/png"
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	default:
		return nil, fmt.Errorf("metadata: cover %s: not a JPEG or PNG image", name)
	}
	if err != nil {
		return nil, fmt.Errorf("metadata: cover %s: %w", name, err)
	}
	p.Width, p.Height = cfg.Width, cfg.Height
	if p.Width < 1 || p.Height < 1 {
		return nil, fmt.Errorf("metadata: cover %s: %d x %d pixels", name, p.Width, p.Height)
	}
	switch m := cfg.ColorModel; m {
	case color.CMYKModel:
		return nil, fmt.Errorf("metadata: cover %s: CMYK JPEG; convert it to RGB (sRGB) for embedding", name)
	case color.GrayModel, color.Gray16Model:
		p.Model, p.Depth = "gray", 8
	default:
		p.Model = "rgb"
		if pal, ok := m.(color.Palette); ok {
			p.Model, p.Colors = "indexed", len(pal)
		}
	}
	if p.MIME == "image/png" {
		p.Depth = pngDepth(data)
	} else if p.Model == "rgb" {
		p.Depth = 24 // three 8-bit components, YCbCr or (Adobe) RGB
	}
	return p, nil
}

// pngDepth returns the bits per pixel of a PNG from its IHDR chunk: bit
// depth times samples per pixel (ISO/IEC 15948 §11.2.2), whose validity
// png.DecodeConfig has checked.
func pngDepth(data []byte) int {
	const ihdr = 8 + 8 // signature, chunk length and type
	if len(data) < ihdr+13 {
		return 0
	}
	depth, colorType := int(data[ihdr+8]), data[ihdr+9]
	samples := map[byte]int{0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colorType]
	return depth * samples
}

// Check returns warnings about p as the album's front cover (embed false)
// or as the smaller image embedded in the files (embed true): a picture
// that is not square, a front cover smaller than [MinCoverSize], a
// grayscale picture. None stops a build.
func (p *Picture) Check(embed bool) []string {
	var w []string
	if p.Width != p.Height {
		w = append(w, fmt.Sprintf("cover %s: %d x %d pixels is not square; stores and players expect a square front cover", p.Name, p.Width, p.Height))
	}
	if !embed && (p.Width < MinCoverSize || p.Height < MinCoverSize) {
		w = append(w, fmt.Sprintf("cover %s: %d x %d pixels; stores ask for at least %d x %d", p.Name, p.Width, p.Height, MinCoverSize, MinCoverSize))
	}
	if p.Model == "gray" {
		w = append(w, fmt.Sprintf("cover %s: grayscale; some stores ask for RGB", p.Name))
	}
	return w
}

// EmbedPath returns the image a's files embed: cover_embed when set, else
// the cover; "" when the album has no cover. The path is as written in the
// project, relative to the project file's folder.
func EmbedPath(a *album.Album) string {
	if a.CoverEmbed != "" {
		return a.CoverEmbed
	}
	return a.Cover
}
