package flac_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dhowden/tag"

	"github.com/lathe-audio/lathe/flac"
	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// The tags of the interop tests, written and expected literally.
var unicodeTags = []metadata.Field{
	{Name: "TITLE", Value: "夜明けの街 (Yoake)"},
	{Name: "ARTIST", Value: "Les Éléments"},
	{Name: "ALBUM", Value: "Fireworks 🎆 and 👩‍🎤"},
	{Name: "ALBUMARTIST", Value: "Les Éléments"},
	{Name: "TRACKNUMBER", Value: "1"},
	{Name: "TRACKTOTAL", Value: "12"},
	{Name: "DATE", Value: "2026-05-17"},
	{Name: "ISRC", Value: "JPXX02600001"},
	{Name: "COMMENT", Value: "line one\nline two"},
	{Name: "REPLAYGAIN_TRACK_GAIN", Value: "-7.27 dB"},
	{Name: "REPLAYGAIN_TRACK_PEAK", Value: "0.988553"},
}

// TestInterop encodes tagged files with a cover in several formats and
// checks them with the reference tools: `flac -t` accepts every file, the
// decoded PCM has the MD5 of the input PCM (computed here from the
// samples, and equal to STREAMINFO's), metaflac lists exactly the tags
// written and the picture byte for byte, and dhowden/tag (an independent
// Go reader) reads the same tags and picture.
func TestInterop(t *testing.T) {
	flacCmd := testtool.Require(t, "flac", "flac")
	metaflac := testtool.Require(t, "metaflac", "flac")
	png := metadatatest.PNG(t, 300, 300)
	cover, err := metadata.ParsePicture("cover.png", png)
	if err != nil {
		t.Fatal(err)
	}
	formats := []struct {
		rate, channels, bits, frames, level int
	}{
		{44100, 2, 16, 44100*3 + 17, 8},
		{96000, 2, 24, 96000*2 + 1, 8},
		{48000, 1, 24, 48000, 5},
		{192000, 2, 24, 40000, 0},
		{44100, 2, 16, 1, 8}, // a single frame
	}
	for _, f := range formats {
		name := fmt.Sprintf("%d-%dch-%dbit-l%d-%d", f.rate, f.channels, f.bits, f.level, f.frames)
		t.Run(name, func(t *testing.T) {
			x := metadatatest.Signal(uint64(f.rate+f.frames), f.rate, f.channels, f.frames, f.bits)
			cfg := flac.Config{Name: name, Rate: f.rate, Channels: f.channels, Bits: f.bits,
				Compression: f.level, TotalFrames: int64(f.frames), Tags: unicodeTags, Cover: cover}
			path := encodeFile(t, name+".flac", cfg, x, 3000)

			metadatatest.Run(t, flacCmd, "-t", "-s", path)
			wantMD5 := metadatatest.MD5(metadatatest.PCM(x, f.bits))
			raw := metadatatest.Run(t, flacCmd, "-d", "-s", "-c", "--force-raw-format", "--endian=little", "--sign=signed", path)
			if got := metadatatest.MD5(raw); got != wantMD5 {
				t.Errorf("decoded PCM MD5 = %s, want %s (input)", got, wantMD5)
			}
			info := strings.Fields(string(metadatatest.Run(t, metaflac, "--show-md5sum", "--show-total-samples",
				"--show-sample-rate", "--show-channels", "--show-bps", path)))
			want := []string{wantMD5, strconv.Itoa(f.frames), strconv.Itoa(f.rate), strconv.Itoa(f.channels), strconv.Itoa(f.bits)}
			if !equal(info, want) {
				t.Errorf("metaflac STREAMINFO = %q, want %q", info, want)
			}

			var wantTags strings.Builder
			for _, tg := range unicodeTags {
				fmt.Fprintf(&wantTags, "%s=%s\n", tg.Name, tg.Value)
			}
			if got := string(metadatatest.Run(t, metaflac, "--no-utf8-convert", "--export-tags-to=-", path)); got != wantTags.String() {
				t.Errorf("metaflac tags:\n%s\nwant:\n%s", got, wantTags.String())
			}
			vendor := strings.TrimSpace(string(metadatatest.Run(t, metaflac, "--show-vendor-tag", path)))
			if vendor != flac.Vendor {
				t.Errorf("vendor = %q, want libFLAC's %q", vendor, flac.Vendor)
			}
			pic := metadatatest.Run(t, metaflac, "--export-picture-to=-", path)
			if !bytes.Equal(pic, png) {
				t.Errorf("exported picture: %d bytes, differs from the %d-byte cover", len(pic), len(png))
			}
			list := string(metadatatest.Run(t, metaflac, "--list", "--block-type=PICTURE", path))
			for _, s := range []string{"type: 3 (Cover (front))", "MIME type: image/png", "width: 300", "height: 300", "depth: 24"} {
				if !strings.Contains(list, s) {
					t.Errorf("metaflac --list PICTURE lacks %q:\n%s", s, list)
				}
			}
			blocks := string(metadatatest.Run(t, metaflac, "--list", path))
			if n := strings.Count(blocks, "METADATA block #"); n != 3 {
				t.Errorf("%d metadata blocks, want 3 (STREAMINFO, VORBIS_COMMENT, PICTURE):\n%s", n, blocks)
			}
			checkDhowden(t, path, png)
		})
	}
}

// checkDhowden reads the file with github.com/dhowden/tag.
func checkDhowden(t *testing.T, path string, png []byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := tag.ReadFrom(f)
	if err != nil {
		t.Fatalf("dhowden/tag: %v", err)
	}
	if m.Format() != tag.VORBIS || m.FileType() != tag.FLAC {
		t.Errorf("dhowden/tag format %s/%s, want VORBIS/FLAC", m.Format(), m.FileType())
	}
	got := []string{m.Title(), m.Artist(), m.Album(), m.AlbumArtist()}
	want := []string{"夜明けの街 (Yoake)", "Les Éléments", "Fireworks 🎆 and 👩‍🎤", "Les Éléments"}
	if !equal(got, want) {
		t.Errorf("dhowden/tag = %q, want %q", got, want)
	}
	if n, total := m.Track(); n != 1 || total != 12 {
		t.Errorf("dhowden/tag track = %d/%d, want 1/12", n, total)
	}
	raw := m.Raw()
	for k, v := range map[string]string{"isrc": "JPXX02600001", "replaygain_track_gain": "-7.27 dB", "date": "2026-05-17"} {
		if raw[k] != v {
			t.Errorf("dhowden/tag raw[%q] = %v, want %q", k, raw[k], v)
		}
	}
	p := m.Picture()
	if p == nil || p.MIMEType != "image/png" || !bytes.Equal(p.Data, png) {
		t.Errorf("dhowden/tag picture = %v, want the PNG cover", p)
	}
}

func equal(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

// TestSizeMatchesFlacCommand encodes the same PCM with the encoder at
// level 8 and with `flac -8` (without its default padding and seek table)
// and compares the audio frames: they must be byte-identical, since both
// run libFLAC with the same settings. The brief's bar is 0.5 % in size.
//
// The last case is 96 kHz music with nothing above 9 kHz and no noise
// floor, as a band-limited master upsampled without dither comes: its
// predictors have large coefficients, and libFLAC computes many of their
// residuals with the function residual.c replaces (the test checks that it
// did), so the frames' equality tests that function on real encodes too.
func TestSizeMatchesFlacCommand(t *testing.T) {
	flacCmd := testtool.Require(t, "flac", "flac")
	for _, f := range []struct {
		name                string
		rate, bits, seconds int
		wide                bool // the case must call residual.c
	}{
		{"music and noise", 44100, 16, 20, false},
		{"music and noise", 96000, 24, 10, false},
		{"band-limited music", 96000, 24, 10, true},
	} {
		t.Run(fmt.Sprintf("%s %d-%d", f.name, f.rate, f.bits), func(t *testing.T) {
			frames := f.rate * f.seconds
			x := metadatatest.Signal(7, f.rate, 2, frames, f.bits)
			if f.wide {
				x = pcmtest.Quantize(pcmtest.Music(7, f.rate, 2, frames), f.bits)
			}
			calls := flac.ResidualCalls()
			ours := encodeFile(t, "ours.flac", flac.Config{Name: "ours", Rate: f.rate, Channels: 2, Bits: f.bits, Compression: 8}, x, 4096)
			calls = flac.ResidualCalls() - calls
			t.Logf("residuals computed by residual.c: %d", calls)
			if f.wide && calls == 0 {
				t.Error("the encode never called the residual function residual.c replaces")
			}
			dir := t.TempDir()
			raw := filepath.Join(dir, "in.raw")
			if err := os.WriteFile(raw, metadatatest.PCM(x, f.bits), 0o644); err != nil {
				t.Fatal(err)
			}
			ref := filepath.Join(dir, "ref.flac")
			metadatatest.Run(t, flacCmd, "-8", "-s", "--no-padding", "--no-seektable", "--force-raw-format", "--endian=little",
				"--sign=signed", "--channels=2", "--bps="+strconv.Itoa(f.bits), "--sample-rate="+strconv.Itoa(f.rate),
				"-o", ref, raw)
			a, b := audioFrames(t, ours), audioFrames(t, ref)
			t.Logf("audio frames: ours %d bytes, flac -8 %d bytes (%+.4f %%)", len(a), len(b), 100*float64(len(a)-len(b))/float64(len(b)))
			if !bytes.Equal(a, b) {
				t.Errorf("audio frames differ from flac -8's")
			}
			if d := float64(len(a)-len(b)) / float64(len(b)); d > 0.005 || d < -0.005 {
				t.Errorf("size differs by %.3f %%, want within 0.5 %%", 100*d)
			}
		})
	}
}

// audioFrames returns the bytes of a FLAC file after its metadata blocks.
func audioFrames(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("fLaC")) {
		t.Fatalf("%s: no fLaC signature", path)
	}
	p := 4
	for {
		if p+4 > len(b) {
			t.Fatalf("%s: truncated metadata", path)
		}
		last := b[p]&0x80 != 0
		p += 4 + (int(b[p+1])<<16 | int(b[p+2])<<8 | int(b[p+3]))
		if last {
			return b[p:]
		}
	}
}

// TestAlbumTags writes each track of the test album with the Vorbis
// comments metadata.ForTrack makes and checks with metaflac that the file
// lists exactly the expected tags, written out here: every field of the
// delivery table, and the Japanese, accented and emoji titles unchanged.
func TestAlbumTags(t *testing.T) {
	metaflac := testtool.Require(t, "metaflac", "flac")
	rg := loudness.NewReplayGain(-10.73, -0.1, -7.97, 1.29)
	common := "ALBUM=Nachtfahrt — Ünïcödé\nALBUMARTIST=Les Éléments\n"
	discs := "TRACKTOTAL=3\nDISCNUMBER=1\nDISCTOTAL=2\nDATE=2026-05-17\nGENRE=Electronic\n"
	label := "BARCODE=0123456789012\nLABEL=Lathe Records\nCATALOGNUMBER=LATHE-001\nCOPYRIGHT=2026 Lathe Records\n"
	gains := "REPLAYGAIN_TRACK_GAIN=-7.27 dB\nREPLAYGAIN_TRACK_PEAK=0.988553\nREPLAYGAIN_ALBUM_GAIN=-10.03 dB\nREPLAYGAIN_ALBUM_PEAK=1.160112\n"
	want := []string{
		"TITLE=夜明けの街 (Yoake)\nARTIST=細野 晴臣\n" + common + "TRACKNUMBER=1\n" + discs + "ISRC=JPXX02600001\n" + label +
			"COMPOSER=細野 晴臣\nCOMMENT=ライブ録音\n" + gains,
		"TITLE=Café Brûlée à l'Élysée\nARTIST=Les Éléments\n" + common + "TRACKNUMBER=2\n" + discs + "ISRC=FRXX02600002\n" + label +
			"COMPOSER=Album Composer\nSONGWRITER=Zoë Ångström\nARRANGER=Ørjan Ñúñez\n" + gains,
		"TITLE=Fireworks 🎆 and 👩\u200d🎤\nARTIST=Les Éléments\n" + common + "TRACKNUMBER=3\n" + discs + "ISRC=GBXXX2600003\n" + label +
			"COMPOSER=Album Composer\n" + gains,
	}
	a := metadatatest.Album()
	x := metadatatest.Signal(11, 44100, 2, 10000, 16)
	for n := 1; n <= 3; n++ {
		tags, err := metadata.ForTrack(a, n, &rg)
		if err != nil {
			t.Fatal(err)
		}
		cfg := flac.Config{Name: "album", Rate: 44100, Channels: 2, Bits: 16, Compression: 8, Tags: tags.Vorbis()}
		path := encodeFile(t, "t.flac", cfg, x, 4096)
		if got := string(metadatatest.Run(t, metaflac, "--no-utf8-convert", "--export-tags-to=-", path)); got != want[n-1] {
			t.Errorf("track %d: metaflac tags:\n%s\nwant:\n%s", n, got, want[n-1])
		}
	}
}

// TestMD5: Encoder.MD5 is the MD5 of the samples as little-endian bytes of
// their word length, as metaflac reads it from STREAMINFO, for 16 and
// 24-bit stereo and mono, with and without tags.
func TestMD5(t *testing.T) {
	metaflac := testtool.Require(t, "metaflac", "flac")
	for _, tt := range []struct {
		bits, channels int
		tags           bool
	}{{16, 2, false}, {24, 2, true}, {24, 1, false}, {16, 1, true}} {
		name := fmt.Sprintf("%dbit-%dch-tags=%v", tt.bits, tt.channels, tt.tags)
		t.Run(name, func(t *testing.T) {
			x := metadatatest.Signal(uint64(tt.bits), 48000, tt.channels, 48000+13, tt.bits)
			cfg := flac.Config{Name: name, Rate: 48000, Channels: tt.channels, Bits: tt.bits, Compression: 5}
			if tt.tags {
				cfg.Tags = testTags
			}
			path := filepath.Join(t.TempDir(), "m.flac")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			e, err := flac.NewEncoder(f, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Write(x); err != nil {
				t.Fatal(err)
			}
			if err := e.Close(); err != nil {
				t.Fatal(err)
			}
			h := md5.New()
			var b []byte
			for i := range x[0] {
				for c := range x {
					v := x[c][i]
					for k := range tt.bits / 8 {
						b = append(b, byte(v>>(8*k)))
					}
				}
			}
			h.Write(b)
			want := hex.EncodeToString(h.Sum(nil))
			sum := e.MD5()
			if got := hex.EncodeToString(sum[:]); got != want {
				t.Errorf("Encoder.MD5 %s, MD5 of the samples %s", got, want)
			}
			out := strings.TrimSpace(string(metadatatest.Run(t, metaflac, "--show-md5sum", path)))
			if out != want {
				t.Errorf("metaflac shows %s, MD5 of the samples %s", out, want)
			}
		})
	}
}
