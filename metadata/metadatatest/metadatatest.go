// Package metadatatest makes what the tests of the tag writers and
// encoders share: an album with Unicode titles, cover images drawn in
// memory, integer test audio and its PCM bytes, and the tag readers'
// expectations. No binary fixtures are committed.
package metadatatest

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// Titles are track titles in Japanese, accented Latin and with emoji
// (one outside the Basic Multilingual Plane and a ZWJ sequence), which
// every tag format must carry unchanged.
var Titles = []string{
	"夜明けの街 (Yoake)",
	"Café Brûlée à l'Élysée",
	"Fireworks 🎆 and 👩‍🎤",
}

// Album returns a three-track album with every tagged field set.
func Album() *album.Album {
	return &album.Album{
		File:                  "album.toml",
		Title:                 "Nachtfahrt — Ünïcödé",
		Artist:                "Les Éléments",
		UPC:                   "0123456789012",
		CatalogNumber:         "LATHE-001",
		Label:                 "Lathe Records",
		Genre:                 "Electronic",
		ReleaseDate:           "2026-05-17",
		Copyright:             "2026 Lathe Records",
		PhonographicCopyright: "2026 Les Éléments",
		Composer:              "Album Composer",
		Language:              "English",
		Disc:                  1,
		Discs:                 2,
		Tracks: []album.Track{
			{Title: Titles[0], Artist: "細野 晴臣", ISRC: "JPXX02600001", Composer: "細野 晴臣", Message: "ライブ録音"},
			{Title: Titles[1], Artist: "Les Éléments", ISRC: "FRXX02600002", Songwriter: "Zoë Ångström", Arranger: "Ørjan Ñúñez"},
			{Title: Titles[2], Artist: "Les Éléments", ISRC: "GBXXX2600003"},
		},
	}
}

// PNG returns an 8-bit RGB PNG of w x h pixels with a gradient.
func PNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var b bytes.Buffer
	// An opaque RGBA image is written as 8-bit truecolor (color type 2).
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// JPEG returns a baseline YCbCr JPEG of w x h pixels.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = uint8(i % 251)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Signal returns deterministic stereo or mono test audio as right-justified
// integers of the given bit depth: pcmtest.Music with pink noise 30 dB
// below, so that codecs see a noise floor as in real recordings.
func Signal(seed uint64, rate, channels, frames, bits int) [][]int32 {
	x := pcmtest.Music(seed, rate, channels, frames)
	for c := range x {
		n := pcmtest.PinkNoise(seed+uint64(c)+1, -33, frames)
		for i := range x[c] {
			x[c][i] = 0.9*x[c][i] + n[i]
		}
	}
	return pcmtest.Quantize(x, bits)
}

// PCM returns samples as interleaved signed little-endian bytes of
// bits/8 bytes per sample: what `flac -d --force-raw-format --sign=signed
// --endian=little` and `ffmpeg -f s16le` write.
func PCM(samples [][]int32, bits int) []byte {
	width := bits / 8
	frames := len(samples[0])
	out := make([]byte, 0, frames*len(samples)*width)
	for i := range frames {
		for _, ch := range samples {
			v := uint32(ch[i])
			for k := range width {
				out = append(out, byte(v>>(8*k)))
			}
		}
	}
	return out
}

// MD5 returns the hexadecimal MD5 of p.
func MD5(p []byte) string {
	s := md5.Sum(p)
	return hex.EncodeToString(s[:])
}
