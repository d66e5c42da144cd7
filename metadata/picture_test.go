package metadata_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
)

// jpegHeader returns the start of a baseline JPEG with n components of
// w x h pixels and an Adobe APP14 segment with the given colour transform
// (0: none, i.e. RGB or CMYK; 2: YCCK), up to its SOS marker: all that
// image/jpeg.DecodeConfig reads. Go's encoder cannot write CMYK, so the
// test builds the segments (ITU T.81 B.2.2; Adobe TN 5116 §18).
func jpegHeader(n, w, h int, transform byte) []byte {
	b := []byte{0xFF, 0xD8} // SOI
	b = append(b, 0xFF, 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, transform)
	b = append(b, 0xFF, 0xC0, 0, byte(8+3*n), 8, byte(h>>8), byte(h), byte(w>>8), byte(w), byte(n))
	for c := range n {
		b = append(b, byte(c+1), 0x11, 0)
	}
	return append(b, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9)
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParsePicture(t *testing.T) {
	r := image.Rect(0, 0, 40, 30)
	pal := image.NewPaletted(r, color.Palette{color.Black, color.White, color.RGBA{255, 0, 0, 255}})
	rgba := image.NewNRGBA(r)
	rgba.Set(1, 1, color.NRGBA{1, 2, 3, 4}) // translucent: written with alpha
	tests := []struct {
		name string
		data []byte
		want metadata.Picture // without Name and Data
	}{
		{"rgb.png", metadatatest.PNG(t, 64, 64), metadata.Picture{MIME: "image/png", Width: 64, Height: 64, Depth: 24, Model: "rgb"}},
		{"rgba.png", encodePNG(t, rgba), metadata.Picture{MIME: "image/png", Width: 40, Height: 30, Depth: 32, Model: "rgb"}},
		{"gray.png", encodePNG(t, image.NewGray16(r)), metadata.Picture{MIME: "image/png", Width: 40, Height: 30, Depth: 16, Model: "gray"}},
		{"pal.png", encodePNG(t, pal), metadata.Picture{MIME: "image/png", Width: 40, Height: 30, Depth: 2, Colors: 3, Model: "indexed"}},
		{"ycbcr.jpg", metadatatest.JPEG(t, 32, 48), metadata.Picture{MIME: "image/jpeg", Width: 32, Height: 48, Depth: 24, Model: "rgb"}},
		{"adobe-rgb.jpg", jpegHeader(3, 10, 10, 0), metadata.Picture{MIME: "image/jpeg", Width: 10, Height: 10, Depth: 24, Model: "rgb"}},
		{"gray.jpg", jpegHeader(1, 10, 10, 0), metadata.Picture{MIME: "image/jpeg", Width: 10, Height: 10, Depth: 8, Model: "gray"}},
	}
	for _, tt := range tests {
		p, err := metadata.ParsePicture(tt.name, tt.data)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !bytes.Equal(p.Data, tt.data) || p.Name != tt.name {
			t.Errorf("%s: data or name not kept as given", tt.name)
		}
		p.Name, p.Data = "", nil
		if !reflect.DeepEqual(*p, tt.want) {
			t.Errorf("%s: %+v, want %+v", tt.name, *p, tt.want)
		}
	}
}

func TestParsePictureErrors(t *testing.T) {
	good := metadatatest.PNG(t, 8, 8)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"cmyk.jpg", jpegHeader(4, 3000, 3000, 0), "metadata: cover cmyk.jpg: CMYK JPEG; convert it to RGB"},
		{"ycck.jpg", jpegHeader(4, 3000, 3000, 2), "cover ycck.jpg: CMYK JPEG"},
		{"cover.gif", []byte("GIF89a\x01\x00\x01\x00"), "metadata: cover cover.gif: not a JPEG or PNG image"},
		{"cover.webp", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "not a JPEG or PNG"},
		{"short.png", good[:20], "metadata: cover short.png: "},
		{"empty.jpg", nil, "not a JPEG or PNG"},
	}
	for _, tt := range tests {
		_, err := metadata.ParsePicture(tt.name, tt.data)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParsePicture(%s) error = %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
	if _, err := metadata.ReadPicture(filepath.Join(t.TempDir(), "missing.jpg")); err == nil || !strings.HasPrefix(err.Error(), "metadata: cover: ") {
		t.Errorf("ReadPicture(missing) error = %v", err)
	}
}

func TestPictureCheck(t *testing.T) {
	tests := []struct {
		p            metadata.Picture
		embed        bool
		wantWarnings []string
	}{
		{metadata.Picture{Name: "big.jpg", Width: 3000, Height: 3000, Model: "rgb"}, false, nil},
		{metadata.Picture{Name: "small.jpg", Width: 2999, Height: 2999, Model: "rgb"}, false,
			[]string{"cover small.jpg: 2999 x 2999 pixels; stores ask for at least 3000 x 3000"}},
		{metadata.Picture{Name: "embed.jpg", Width: 600, Height: 600, Model: "rgb"}, true, nil},
		{metadata.Picture{Name: "wide.png", Width: 3200, Height: 3000, Model: "gray"}, false,
			[]string{"cover wide.png: 3200 x 3000 pixels is not square; stores and players expect a square front cover",
				"cover wide.png: grayscale; some stores ask for RGB"}},
	}
	for _, tt := range tests {
		if got := tt.p.Check(tt.embed); !reflect.DeepEqual(got, tt.wantWarnings) {
			t.Errorf("%s.Check(%v) = %q, want %q", tt.p.Name, tt.embed, got, tt.wantWarnings)
		}
	}
}

func TestEmbedPath(t *testing.T) {
	a := &album.Album{Cover: "cover.jpg"}
	if got := metadata.EmbedPath(a); got != "cover.jpg" {
		t.Errorf("EmbedPath = %q, want the cover", got)
	}
	a.CoverEmbed = "small.jpg"
	if got := metadata.EmbedPath(a); got != "small.jpg" {
		t.Errorf("EmbedPath = %q, want cover_embed", got)
	}
}

func TestReadPicture(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cover.jpeg")
	data := metadatatest.JPEG(t, 3000, 3000)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := metadata.ReadPicture(path)
	if err != nil || p.Width != 3000 || !bytes.Equal(p.Data, data) || len(p.Check(false)) != 0 {
		t.Errorf("ReadPicture = %+v, %v", p, err)
	}
}
