package render

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// taggedProject is a three-track album of 48 kHz 24-bit sources (the
// second gapless after the first, the third 4 dB down) with a 600 x 400
// PNG cover, and flac, mp3 and reference wav deliveries: the wav ones
// hold the very stream the flac and mp3 ones get (same rate, word length,
// gains and dither seed), or its float form.
func taggedProject(t testing.TB, dir string) *testProject {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "a.wav")); err != nil {
		writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(61, 48000, 2, 5*48000+311))
		writeSource(t, dir, "b.wav", 48000, 24, pcmtest.Music(62, 48000, 2, 4*48000+1000))
		writeSource(t, dir, "c.wav", 48000, 24, pcmtest.Music(63, 48000, 2, 5*48000))
		if err := os.WriteFile(filepath.Join(dir, "cover.png"), metadatatest.PNG(t, 600, 400), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return loadProject(t, dir, `[album]
title = "Nachtfahrt"
artist = "Les Éléments"
upc = "0123456789012"
catalog_number = "LATHE-001"
label = "Lathe Records"
genre = "Electronic"
release_date = "2026-05-17"
copyright = "2026 Lathe Records"
cover = "cover.png"
disc = 1
discs = 2
[loudness]
match = "off"
[[track]]
file = "a.wav"
title = "Eins"
isrc = "DEXX02600001"
[[track]]
file = "b.wav"
title = "Zwei"
isrc = "DEXX02600002"
gap = 0
[[track]]
file = "c.wav"
title = "Drei"
artist = "Gäste"
isrc = "DEXX02600003"
gain = -4
[[delivery]]
name = "flac"
kind = "flac"
[[delivery]]
name = "flac16"
kind = "flac"
rate = 44100
bits = 16
compression = 5
[[delivery]]
name = "flac-bare"
kind = "flac"
tags = false
[[delivery]]
name = "wav24"
kind = "wav"
bits = 24
files = "both"
tags = false
[[delivery]]
name = "wav16"
kind = "wav"
rate = 44100
bits = 16
tags = false
[[delivery]]
name = "mp3"
kind = "mp3"
[[delivery]]
name = "mp3-vbr"
kind = "mp3"
rate = 48000
quality = 2
[[delivery]]
name = "mp3-bare"
kind = "mp3"
tags = false
[[delivery]]
name = "float44"
kind = "wav"
rate = 44100
bits = 32
tags = false
[[delivery]]
name = "float48"
kind = "wav"
rate = 48000
bits = 32
tags = false
`)
}

// The per-track file names of the tagged project (naming
// "{track:02} {artist} - {title}").
var taggedNames = []string{"01 Les Éléments - Eins", "02 Les Éléments - Zwei", "03 Gäste - Drei"}

// measureFile decodes an audio file with package pcm (FLAC through
// mewkiz/flac, which also checks the STREAMINFO MD5) and meters it with
// accurate true peak.
func measureFile(t testing.TB, path string) (*loudness.Measurement, [][]float64) {
	t.Helper()
	x, f := readWAV(t, path)
	m, err := loudness.NewMeter(loudness.Config{Rate: f.Rate, Channels: 2, TruePeak: loudness.TruePeakAccurate})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(x); err != nil {
		t.Fatal(err)
	}
	return m.Measure(), x
}

// wavData returns the bytes of a WAV file's data chunk.
func wavData(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := wavChunk(b, "data")
	if data == nil {
		t.Fatalf("%s: no data chunk", path)
	}
	return data
}

// replayGainTags parses the four REPLAYGAIN_ lines of a tag listing
// ("NAME=value" lines) into numbers, and returns the other lines.
func replayGainTags(t testing.TB, what, list string) (rg [4]float64, rest string) {
	t.Helper()
	names := []string{"REPLAYGAIN_TRACK_GAIN", "REPLAYGAIN_TRACK_PEAK", "REPLAYGAIN_ALBUM_GAIN", "REPLAYGAIN_ALBUM_PEAK"}
	found := 0
	var other strings.Builder
	for line := range strings.Lines(list) {
		name, value, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "=")
		i := -1
		for k, n := range names {
			if n == name {
				i = k
			}
		}
		if i < 0 {
			other.WriteString(line)
			continue
		}
		value, isGain := strings.CutSuffix(value, " dB")
		if isGain != (i%2 == 0) {
			t.Errorf("%s: %s=%q, want a gain with \" dB\" only on gains", what, name, value)
		}
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			t.Errorf("%s: %s: %v", what, name, err)
		}
		rg[i] = v
		found |= 1 << i
	}
	if found != 15 {
		t.Errorf("%s: ReplayGain tags missing from:\n%s", what, list)
	}
	return rg, other.String()
}

// checkReplayGain compares ReplayGain tag values with −18 − I and the
// linear true peaks of independent measurements of the delivered audio:
// gains within 0.01 dB, peaks within 2e-6 (a tag has six decimals).
func checkReplayGain(t testing.TB, what string, got [4]float64, track *loudness.Measurement, al *loudness.Album) {
	t.Helper()
	want := [4]float64{-18 - track.Integrated, math.Pow(10, track.TruePeak/20), -18 - al.Integrated, math.Pow(10, al.TruePeak/20)}
	tol := [4]float64{0.01, 2e-6, 0.01, 2e-6}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol[i] || math.IsNaN(got[i]) {
			t.Errorf("%s: ReplayGain value %d is %v, the delivered audio measures %v", what, i, got[i], want[i])
		}
	}
}

// TestFLACDelivery builds the tagged project and checks every flac
// delivery with the reference tools and independent decoders: `flac -t`
// passes; the audio decoded by mewkiz/flac (which checks the STREAMINFO
// MD5) equals the same-format wav delivery's track files sample for
// sample, and STREAMINFO's MD5 (metaflac) is the MD5 of that WAV's data
// chunk; the files decoded and concatenated equal the wav delivery's
// album file (gapless); metaflac lists exactly the album's tags, with
// ReplayGain values that match −18 − I and the true peaks of the decoded
// files (album gain from their pooled blocks); the PICTURE block holds
// the cover byte for byte; a delivery with tags = false has no tags,
// picture or padding at all.
func TestFLACDelivery(t *testing.T) {
	flacCmd := testtool.Require(t, "flac", "flac")
	metaflac := testtool.Require(t, "metaflac", "flac")
	dir := t.TempDir()
	p := taggedProject(t, dir)
	_, out := build(t, p, nil)
	cover, err := os.ReadFile(filepath.Join(dir, "cover.png"))
	if err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) string {
		t.Helper()
		b, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, b)
		}
		return string(b)
	}

	for _, tc := range []struct{ del, wav string }{{"flac", "wav24"}, {"flac16", "wav16"}} {
		var ms []*loudness.Measurement
		decoded := [][]float64{nil, nil}
		var lists []string
		for k, name := range taggedNames {
			path := filepath.Join(out, tc.del, name+".flac")
			what := tc.del + "/" + name
			run(flacCmd, "-t", "-s", path)
			m, x := measureFile(t, path)
			ms = append(ms, m)
			decoded = concat(decoded, x)
			wavPath := filepath.Join(out, tc.wav, name+".wav")
			ref, _ := readWAV(t, wavPath)
			if !sameSamples(x, ref) {
				t.Errorf("%s: the decoded audio (%d frames) differs from %s (%d frames)", what, len(x[0]), wavPath, len(ref[0]))
			}
			sum := md5.Sum(wavData(t, wavPath))
			if got := strings.TrimSpace(run(metaflac, "--show-md5sum", path)); got != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: STREAMINFO MD5 %s, the WAV's PCM has %x", what, got, sum)
			}
			lists = append(lists, run(metaflac, "--no-utf8-convert", "--export-tags-to=-", path))
			pic := filepath.Join(t.TempDir(), "pic")
			run(metaflac, "--export-picture-to="+pic, path)
			if got, _ := os.ReadFile(pic); !bytes.Equal(got, cover) {
				t.Errorf("%s: the picture (%d bytes) is not the cover (%d bytes)", what, len(got), len(cover))
			}
			if got := run(metaflac, "--list", "--block-type=PICTURE", path); !strings.Contains(got, "type: 3 (Cover (front))") ||
				!strings.Contains(got, "MIME type: image/png") || !strings.Contains(got, "width: 600") || !strings.Contains(got, "height: 400") {
				t.Errorf("%s: PICTURE block:\n%s", what, got)
			}
			if k == 0 && tc.del == "flac" {
				t.Logf("%s: tags:\n%s", what, lists[0])
			}
		}
		al, err := loudness.MeasureAlbum(ms, nil)
		if err != nil {
			t.Fatal(err)
		}
		titles := []string{"TITLE=Eins\nARTIST=Les Éléments\n", "TITLE=Zwei\nARTIST=Les Éléments\n", "TITLE=Drei\nARTIST=Gäste\n"}
		for k, list := range lists {
			rg, rest := replayGainTags(t, tc.del+"/"+taggedNames[k], list)
			checkReplayGain(t, tc.del+"/"+taggedNames[k], rg, ms[k], al)
			want := titles[k] + "ALBUM=Nachtfahrt\nALBUMARTIST=Les Éléments\nTRACKNUMBER=" + strconv.Itoa(k+1) +
				"\nTRACKTOTAL=3\nDISCNUMBER=1\nDISCTOTAL=2\nDATE=2026-05-17\nGENRE=Electronic\nISRC=DEXX0260000" + strconv.Itoa(k+1) +
				"\nBARCODE=0123456789012\nLABEL=Lathe Records\nCATALOGNUMBER=LATHE-001\nCOPYRIGHT=2026 Lathe Records\n"
			if rest != want {
				t.Errorf("%s/%s: tags besides ReplayGain:\n%s\nwant:\n%s", tc.del, taggedNames[k], rest, want)
			}
		}
		album, _ := readWAV(t, filepath.Join(out, "wav24", albumFileName(t, p)))
		if tc.del == "flac" && !sameSamples(decoded, album) {
			t.Errorf("%s: the tracks decoded and joined (%d frames) differ from the album WAV (%d frames)", tc.del, len(decoded[0]), len(album[0]))
		}
	}

	// Tags off: no comments, no picture, no padding.
	for _, name := range taggedNames {
		path := filepath.Join(out, "flac-bare", name+".flac")
		run(flacCmd, "-t", "-s", path)
		if got := run(metaflac, "--export-tags-to=-", path); got != "" {
			t.Errorf("flac-bare/%s: tags %q, want none", name, got)
		}
		list := run(metaflac, "--list", path)
		if strings.Contains(list, "PICTURE") || strings.Contains(list, "PADDING") || strings.Count(list, "METADATA block #") != 2 {
			t.Errorf("flac-bare/%s: metadata blocks:\n%s", name, list)
		}
		ref, _ := readWAV(t, filepath.Join(out, "wav24", name+".wav"))
		if _, x := measureFile(t, path); !sameSamples(x, ref) {
			t.Errorf("flac-bare/%s: the audio differs from the wav delivery's", name)
		}
	}
}

// albumFileName returns the name of a wav delivery's album file.
func albumFileName(t testing.TB, p *testProject) string {
	t.Helper()
	name, err := p.album.Name(AlbumNaming, 0, "wav")
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func sameSamples(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for c := range a {
		if len(a[c]) != len(b[c]) {
			return false
		}
		for i := range a[c] {
			if a[c][i] != b[c][i] {
				return false
			}
		}
	}
	return true
}

// TestEmbeddedCover: the cover itself draws the stores' size warning and
// the non-square one; a cover_embed image only the non-square one; a
// file that is no image fails the flac and mp3 deliveries, naming the
// delivery and the file, before any audio is written.
func TestEmbeddedCover(t *testing.T) {
	dir := t.TempDir()
	p := taggedProject(t, dir)
	_, warns, err := EmbeddedCover(p.album)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 2 || !strings.Contains(warns[0], "600 x 400 pixels is not square") || !strings.Contains(warns[1], "at least 3000 x 3000") {
		t.Errorf("cover warnings %q, want not square and small", warns)
	}
	if err := os.WriteFile(filepath.Join(dir, "small.png"), metadatatest.PNG(t, 500, 500), 0o644); err != nil {
		t.Fatal(err)
	}
	p.album.CoverEmbed = "small.png"
	pic, warns, err := EmbeddedCover(p.album)
	if err != nil || len(warns) != 0 || pic.Width != 500 {
		t.Errorf("cover_embed 500 x 500: %v, warnings %q, error %v", pic, warns, err)
	}

	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.album.CoverEmbed = "notes.txt"
	for _, del := range []string{"flac", "mp3"} {
		o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats,
			Dest: filepath.Join(dir, "out-"+del), Only: []string{del}}
		_, err := Build(context.Background(), o)
		want := `delivery[` + map[string]string{"flac": "1", "mp3": "6"}[del] + `] "` + del + `": metadata: cover ` + filepath.Join(dir, "notes.txt") + ": not a JPEG or PNG image"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Build error %v, want it to contain %q", del, err, want)
		}
		if _, err := os.Stat(o.Dest); err == nil {
			t.Errorf("%s: the failed build left %s", del, o.Dest)
		}
	}
}
