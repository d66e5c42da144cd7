package mp3_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
	"github.com/lathe-audio/lathe/mp3"
)

// rgFrames returns testFrames with ReplayGain TXXX frames of the given
// values.
func rgFrames(gain, peak string) []metadata.Frame {
	return append(append([]metadata.Frame{}, testFrames...),
		metadata.Frame{ID: "TXXX", Desc: "REPLAYGAIN_TRACK_GAIN", Text: gain},
		metadata.Frame{ID: "TXXX", Desc: "REPLAYGAIN_TRACK_PEAK", Text: peak})
}

// TestRewriteTag writes a file with placeholder ReplayGain frames and 64
// bytes of ID3v2 padding, rewrites the tag with the final values, and
// requires the file a fresh encode with the final frames and the padding
// they leave gives (64 plus the bytes by which the values shrank, counted
// here from the strings); the MPEG stream is that of an untagged encode,
// and ffprobe reads the final values. A tag that outgrows its size is
// refused and the file left as it was.
func TestRewriteTag(t *testing.T) {
	ffprobe := testtool.Require(t, "ffprobe", "ffmpeg")
	x := metadatatest.Signal(9, 48000, 2, 30000, 24)
	cover := &metadata.Picture{MIME: "image/jpeg", Data: metadatatest.JPEG(t, 16, 16)}
	base := mp3.Config{Name: "rg", Rate: 48000, Channels: 2, Bits: 24, Cover: cover}
	untagged, _ := os.ReadFile(encodeFile(t, "plain.mp3", mp3.Config{Name: "plain", Rate: 48000, Channels: 2, Bits: 24}, x))
	const phGain, phPeak = "-99.99 dB", "99.999999"
	for _, tc := range []struct{ gain, peak string }{{"-7.27 dB", "0.988553"}, {"-99.99 dB", "99.999999"}, {"12.00 dB", "1.150695"}} {
		cfg := base
		cfg.Tags, cfg.Padding = rgFrames(phGain, phPeak), 64
		path := encodeFile(t, "rg.mp3", cfg, x)
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := mp3.RewriteTag(f, "rg.mp3", rgFrames(tc.gain, tc.peak), cover); err != nil {
			t.Fatal(err)
		}
		f.Close()
		got, _ := os.ReadFile(path)
		fresh := base
		fresh.Tags = rgFrames(tc.gain, tc.peak)
		fresh.Padding = 64 + len(phGain+phPeak) - len(tc.gain+tc.peak)
		want, _ := os.ReadFile(encodeFile(t, "fresh.mp3", fresh, x))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the rewritten file differs from a fresh encode with padding %d", tc.gain, fresh.Padding)
		}
		if !bytes.HasSuffix(got, untagged) {
			t.Errorf("%s: the MPEG stream differs from an untagged encode's", tc.gain)
		}
		p := metadatatest.FFProbe(t, ffprobe, path)
		if g, pk := p.Format.Tags["REPLAYGAIN_TRACK_GAIN"], p.Format.Tags["REPLAYGAIN_TRACK_PEAK"]; g != tc.gain || pk != tc.peak {
			t.Errorf("ffprobe ReplayGain %q %q, want %q %q", g, pk, tc.gain, tc.peak)
		}
	}

	cfg := base
	cfg.Tags, cfg.Padding = rgFrames(phGain, phPeak), 64
	path := encodeFile(t, "full.mp3", cfg, x)
	before, _ := os.ReadFile(path)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = mp3.RewriteTag(f, "full.mp3", rgFrames(phGain+strings.Repeat("x", 65), phPeak), cover)
	f.Close()
	if err == nil || !strings.Contains(err.Error(), "mp3: full.mp3: rewrite ID3v2 tag: ") {
		t.Errorf("RewriteTag = %v, want an error naming the file", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Errorf("the refused rewrite changed the file")
	}
}
