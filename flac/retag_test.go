package flac_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	goflac "github.com/go-flac/go-flac/v2"

	"github.com/lathe-audio/lathe/flac"
	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
)

// vorbisLen returns the length of the VORBIS_COMMENT block (header
// included) that libFLAC's vendor string and tags make, counted from the
// Vorbis comment layout (RFC 9639 §8.6), not by the code under test.
func vorbisLen(tags []metadata.Field) int {
	n := 4 + 4 + len(flac.Vendor) + 4
	for _, f := range tags {
		n += 4 + len(f.Name) + 1 + len(f.Value)
	}
	return n
}

// TestPadding encodes with Config.Padding and checks with go-flac's
// parser (an independent reader of the metadata blocks) that the header
// is STREAMINFO, VORBIS_COMMENT, PICTURE and a PADDING block of exactly
// that length, last; without Padding there is no PADDING block.
func TestPadding(t *testing.T) {
	x := metadatatest.Signal(3, 44100, 2, 20000, 16)
	cover := &metadata.Picture{MIME: "image/png", Width: 8, Height: 8, Depth: 24, Data: metadatatest.PNG(t, 8, 8)}
	for _, pad := range []int{0, 1, 8192} {
		cfg := flac.Config{Name: "pad", Rate: 44100, Channels: 2, Bits: 16, Compression: 5, Tags: testTags, Cover: cover, Padding: pad}
		path := encodeFile(t, "pad.flac", cfg, x, 4096)
		f, err := goflac.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var types []goflac.BlockType
		for _, b := range f.Meta {
			types = append(types, b.Type)
		}
		want := []goflac.BlockType{goflac.StreamInfo, goflac.VorbisComment, goflac.Picture}
		if pad > 0 {
			want = append(want, goflac.Padding)
		}
		if !slices.Equal(types, want) {
			t.Fatalf("padding %d: blocks %v, want %v", pad, types, want)
		}
		if pad > 0 && len(f.Meta[3].Data) != pad {
			t.Errorf("padding %d: PADDING block of %d bytes", pad, len(f.Meta[3].Data))
		}
		if got, want := len(f.Meta[1].Data)+4, vorbisLen(testTags); got != want {
			t.Errorf("padding %d: VORBIS_COMMENT of %d bytes, want %d", pad, got, want)
		}
	}
}

// TestRewriteTags writes a file with placeholder tags and 100 bytes of
// padding, rewrites its tags with shorter and with longer values, and
// requires the result to be byte for byte the file a fresh encode with
// the final tags and the padding they leave (100 plus the length they
// lost) gives; metaflac lists the final tags and `flac -t` passes. Tags
// that outgrow the space are refused and leave the file as it was.
func TestRewriteTags(t *testing.T) {
	flacCmd := testtool.Require(t, "flac", "flac")
	metaflac := testtool.Require(t, "metaflac", "flac")
	x := metadatatest.Signal(5, 48000, 2, 30000, 24)
	cover := &metadata.Picture{MIME: "image/png", Width: 8, Height: 8, Depth: 24, Data: metadatatest.PNG(t, 8, 8)}
	tagsWith := func(gain, peak string) []metadata.Field {
		return append(append([]metadata.Field{}, testTags...),
			metadata.Field{Name: "REPLAYGAIN_TRACK_GAIN", Value: gain},
			metadata.Field{Name: "REPLAYGAIN_TRACK_PEAK", Value: peak})
	}
	placeholder := tagsWith("-99.99 dB", "99.999999")
	base := flac.Config{Name: "rg", Rate: 48000, Channels: 2, Bits: 24, Compression: 8, Cover: cover}
	tests := []struct {
		gain, peak string
		grow       int // bytes the final tags are longer than the placeholders
	}{
		{"-7.27 dB", "0.988553", -2},
		{"-99.99 dB", "99.999999", 0},
		{"-17.27 dB", "1.150695", -1},
		{"-100.00 dB", "100.0000001", 3},
	}
	for _, tc := range tests {
		cfg := base
		cfg.Tags, cfg.Padding = placeholder, 100
		path := encodeFile(t, "rg.flac", cfg, x, 4096)
		final := tagsWith(tc.gain, tc.peak)
		if d := vorbisLen(final) - vorbisLen(placeholder); d != tc.grow {
			t.Fatalf("%s: the test's tags grow by %d bytes, want %d", tc.gain, d, tc.grow)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := flac.RewriteTags(f, "rg.flac", final, cover); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got, _ := os.ReadFile(path)
		fresh := base
		fresh.Tags, fresh.Padding = final, 100-tc.grow
		want, _ := os.ReadFile(encodeFile(t, "fresh.flac", fresh, x, 4096))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the rewritten file (%d bytes) differs from a fresh encode with padding %d (%d bytes)", tc.gain, len(got), 100-tc.grow, len(want))
		}
		metadatatest.Run(t, flacCmd, "-t", "-s", path)
		tags := string(metadatatest.Run(t, metaflac, "--no-utf8-convert", "--export-tags-to=-", path))
		if !strings.HasSuffix(tags, "REPLAYGAIN_TRACK_GAIN="+tc.gain+"\nREPLAYGAIN_TRACK_PEAK="+tc.peak+"\n") {
			t.Errorf("%s: metaflac tags:\n%s", tc.gain, tags)
		}
	}

	// The tags may take the padding and its 4-byte block header: 104 more
	// bytes fill the space exactly, leaving no PADDING block. 101 and 103
	// leave too little for a PADDING block header, 105 does not fit.
	for _, grow := range []int{101, 103, 104, 105} {
		cfg := base
		cfg.Tags, cfg.Padding = placeholder, 100
		path := encodeFile(t, "full.flac", cfg, x, 4096)
		before, _ := os.ReadFile(path)
		final := append(tagsWith("-99.99 dB", "99.999999"), metadata.Field{Name: "C", Value: strings.Repeat("x", grow-6)})
		if d := vorbisLen(final) - vorbisLen(placeholder); d != grow {
			t.Fatalf("the test's tags grow by %d bytes, want %d", d, grow)
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		err = flac.RewriteTags(f, "full.flac", final, cover)
		f.Close()
		if grow == 104 {
			if err != nil {
				t.Fatalf("grow 104: %v", err)
			}
			metadatatest.Run(t, flacCmd, "-t", "-s", path)
			g, err := goflac.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(g.Meta); n != 3 || g.Meta[2].Type != goflac.Picture {
				t.Errorf("grow 104: %d blocks, want STREAMINFO, VORBIS_COMMENT, PICTURE", n)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "flac: full.flac: rewrite tags: ") {
			t.Errorf("grow %d: RewriteTags = %v, want an error naming the file", grow, err)
		}
		if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
			t.Errorf("grow %d: the refused rewrite changed the file", grow)
		}
	}
}

// TestRewriteTagsRefusesOtherBlocks: a file with a SEEKTABLE (the flac
// command writes one) is refused rather than losing the block.
func TestRewriteTagsRefusesOtherBlocks(t *testing.T) {
	flacCmd := testtool.Require(t, "flac", "flac")
	dir := t.TempDir()
	raw := dir + "/a.raw"
	x := metadatatest.Signal(7, 44100, 2, 44100, 16)
	if err := os.WriteFile(raw, metadatatest.PCM(x, 16), 0o644); err != nil {
		t.Fatal(err)
	}
	metadatatest.Run(t, flacCmd, "-s", "--force-raw-format", "--endian=little", "--sign=signed", "--channels=2",
		"--bps=16", "--sample-rate=44100", "-o", dir+"/a.flac", raw)
	f, err := os.OpenFile(dir+"/a.flac", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = flac.RewriteTags(f, "a.flac", testTags, nil)
	if err == nil || !strings.Contains(err.Error(), "type 3, which would be lost") {
		t.Errorf("RewriteTags = %v, want the SEEKTABLE refused", err)
	}
}
