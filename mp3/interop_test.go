package mp3_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dhowden/tag"

	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/metadata/metadatatest"
	"github.com/lathe-audio/lathe/mp3"
	"github.com/lathe-audio/lathe/pcm"
)

// decode returns the file's audio as ffmpeg decodes it, planar float64.
func decode(t *testing.T, ffmpeg, path string, channels int) [][]float64 {
	t.Helper()
	raw := metadatatest.Run(t, ffmpeg, "-v", "error", "-i", path, "-map", "0:a", "-f", "f32le", "-acodec", "pcm_f32le", "-")
	n := len(raw) / 4 / channels
	out := make([][]float64, channels)
	for c := range out {
		out[c] = make([]float64, n)
		for i := range n {
			out[c][i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*(i*channels+c):])))
		}
	}
	return out
}

// snr returns the ratio, in dB, of the input's power to the power of the
// difference between the input and the decoded audio. Audio shifted by
// LAME's encoder delay (576 + 529 samples) scores about 0 dB.
func snr(in [][]int32, bits int, out [][]float64) float64 {
	var sig, noise float64
	scale := math.Ldexp(1, 1-bits)
	for c := range in {
		for i, v := range in[c] {
			x := float64(v) * scale
			d := x - out[c][i]
			sig += x * x
			noise += d * d
		}
	}
	return 10 * math.Log10(sig/noise)
}

// TestGapless checks what the LAME info tag is for: ffmpeg, which reads
// the encoder delay and padding from it, decodes exactly the samples
// written, aligned with the input (a high SNR against it), for CBR and
// VBR, stereo and mono, 16- and 24-bit input, at 32, 44.1 and 48 kHz, and
// lengths that are and are not multiples of the 1152-sample frame. Decode
// gives the same count, aligned, within rounding of ffmpeg's samples, and
// exactly the samples of the mpg123 command with the generic decoder and
// its own gapless trimming.
func TestGapless(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg", "ffmpeg")
	mpg123 := testtool.Require(t, "mpg123", "mpg123")
	tests := []struct {
		rate, channels, bits, frames, bitrate int
		quality                               *int
		minSNR                                float64
	}{
		{44100, 2, 16, 44100*3 + 123, 320, nil, 20},
		{44100, 2, 16, 1152 * 40, 0, nil, 20},
		{48000, 2, 24, 48000*2 + 1, 0, quality(0), 25},
		{48000, 2, 24, 48000 + 7, 0, quality(5), 20},
		{44100, 1, 16, 44100 + 999, 128, nil, 15},
		{32000, 2, 16, 32000, 256, nil, 25},
		{44100, 2, 16, 5000, 320, nil, 25}, // shorter than the encoder delay plus a frame or two
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d-%dch-%dbit-%d-b%d", tt.rate, tt.channels, tt.bits, tt.frames, tt.bitrate)
		if tt.quality != nil {
			name += fmt.Sprintf("-V%d", *tt.quality)
		}
		t.Run(name, func(t *testing.T) {
			x := metadatatest.Signal(uint64(tt.frames), tt.rate, tt.channels, tt.frames, tt.bits)
			cfg := mp3.Config{Name: name, Rate: tt.rate, Channels: tt.channels, Bits: tt.bits,
				Bitrate: tt.bitrate, Quality: tt.quality, TotalFrames: int64(tt.frames), Tags: testFrames}
			path := encodeFile(t, "g.mp3", cfg, x)
			y := decode(t, ffmpeg, path, tt.channels)
			if len(y[0]) != tt.frames {
				t.Fatalf("ffmpeg decoded %d frames, want %d", len(y[0]), tt.frames)
			}
			s := snr(x, tt.bits, y)
			t.Logf("%d frames decoded; SNR %.1f dB", len(y[0]), s)
			if s < tt.minSNR {
				t.Errorf("SNR %.1f dB against the input, want at least %.0f dB (decoded audio misaligned?)", s, tt.minSNR)
			}
			got := checkDecode(t, path, tt.rate, tt.channels, y)
			checkMpg123(t, mpg123, path, got)
		})
	}
}

// checkDecode decodes the file with Decode and requires ffmpeg's
// decoding, ref, sample for sample: the same length and alignment, and
// every sample within rounding (0.75 steps of 16 bits) of ffmpeg's float
// output. It returns Decode's samples.
func checkDecode(t *testing.T, path string, rate, channels int, ref [][]float64) []int16 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, got, err := decodeAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if info.Rate != rate || info.Channels != channels {
		t.Fatalf("Decode says %d Hz, %d channels; want %d Hz, %d", info.Rate, info.Channels, rate, channels)
	}
	if n := len(got) / channels; n != len(ref[0]) {
		t.Fatalf("Decode gives %d frames, ffmpeg %d", n, len(ref[0]))
	}
	worst := 0.0
	for i, v := range got {
		d := math.Abs(float64(v)/32768 - ref[i%channels][i/channels])
		worst = max(worst, d*32768)
	}
	t.Logf("Decode within %.2f steps of ffmpeg", worst)
	if worst > 0.75 {
		t.Errorf("Decode differs from ffmpeg by %.2f steps of 16 bits, want at most 0.75", worst)
	}
	return got
}

// checkMpg123 requires the mpg123 command, with libmpg123's generic
// decoder and the library's own gapless trimming (from the info tag), to
// decode the file to exactly Decode's samples, got. It logs whether the
// command's other decoders for this CPU give other samples (on x86-64 its
// SIMD decoders do).
func checkMpg123(t *testing.T, mpg123, path string, got []int16) {
	t.Helper()
	run := func(cpu string) []int16 {
		raw := metadatatest.Run(t, mpg123, "-q", "--cpu", cpu, "--gapless", "-e", "s16", "-s", path)
		x := make([]int16, len(raw)/2)
		for i := range x {
			x[i] = int16(binary.NativeEndian.Uint16(raw[2*i:]))
		}
		return x
	}
	if want := run("generic"); !slices.Equal(got, want) {
		t.Fatalf("Decode gives %d samples, mpg123 --cpu generic %d, not the same", len(got), len(want))
	}
	for _, cpu := range strings.Fields(strings.TrimPrefix(strings.TrimSpace(string(metadatatest.Run(t, mpg123, "--test-cpu"))), "Supported decoders:")) {
		if !strings.HasPrefix(cpu, "generic") {
			t.Logf("mpg123 --cpu %s gives the same samples as generic: %v", cpu, slices.Equal(got, run(cpu)))
		}
	}
}

// TestTags writes every track of the test album with metadata.ForTrack's
// frames and a JPEG cover, and reads them back with ffprobe and with
// dhowden/tag: both must see the expected values, written out literally
// here, including the Japanese, accented and emoji titles, TSRC, the TXXX
// frames and the cover as an attached picture.
func TestTags(t *testing.T) {
	ffprobe := testtool.Require(t, "ffprobe", "ffmpeg")
	a := metadatatest.Album()
	jpeg := metadatatest.JPEG(t, 500, 500)
	cover, err := metadata.ParsePicture("cover.jpg", jpeg)
	if err != nil {
		t.Fatal(err)
	}
	rg := loudness.ReplayGain{TrackGain: -7.27, TrackPeak: 0.988553, AlbumGain: -10.03, AlbumPeak: 1.150695}
	common := map[string]string{
		"album":                 "Nachtfahrt — Ünïcödé",
		"album_artist":          "Les Éléments",
		"disc":                  "1/2",
		"date":                  "2026-05-17",
		"genre":                 "Electronic",
		"publisher":             "Lathe Records",
		"copyright":             "2026 Lathe Records",
		"TPRO":                  "2026 Les Éléments",
		"BARCODE":               "0123456789012",
		"CATALOGNUMBER":         "LATHE-001",
		"REPLAYGAIN_TRACK_GAIN": "-7.27 dB",
		"REPLAYGAIN_TRACK_PEAK": "0.988553",
		"REPLAYGAIN_ALBUM_GAIN": "-10.03 dB",
		"REPLAYGAIN_ALBUM_PEAK": "1.150695",
	}
	perTrack := []map[string]string{
		{"title": "夜明けの街 (Yoake)", "artist": "細野 晴臣", "track": "1/3", "TSRC": "JPXX02600001",
			"composer": "細野 晴臣", "comment": "ライブ録音"},
		{"title": "Café Brûlée à l'Élysée", "artist": "Les Éléments", "track": "2/3", "TSRC": "FRXX02600002",
			"composer": "Album Composer", "SONGWRITER": "Zoë Ångström", "TIPL": "arranger"},
		{"title": "Fireworks 🎆 and 👩‍🎤", "artist": "Les Éléments", "track": "3/3", "TSRC": "GBXXX2600003",
			"composer": "Album Composer"},
	}
	for n := 1; n <= 3; n++ {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			tags, err := metadata.ForTrack(a, n, &rg)
			if err != nil {
				t.Fatal(err)
			}
			cfg := mp3.Config{Name: "tags", Rate: 44100, Channels: 2, Bits: 16, Tags: tags.ID3(), Cover: cover}
			path := encodeFile(t, "t.mp3", cfg, metadatatest.Signal(4, 44100, 2, 20000, 16))

			p := metadatatest.FFProbe(t, ffprobe, path)
			want := map[string]string{}
			for k, v := range common {
				want[k] = v
			}
			for k, v := range perTrack[n-1] {
				want[k] = v
			}
			for k, v := range want {
				if got := p.Format.Tags[k]; got != v {
					t.Errorf("ffprobe tag %s = %q, want %q", k, got, v)
				}
			}
			for k := range p.Format.Tags {
				if _, ok := want[k]; !ok {
					t.Errorf("ffprobe shows unexpected tag %s = %q", k, p.Format.Tags[k])
				}
			}
			if len(p.Streams) != 2 || p.Streams[1].Disposition.AttachedPic != 1 || p.Streams[1].CodecName != "mjpeg" ||
				p.Streams[1].Width != 500 || p.Streams[1].Height != 500 {
				t.Errorf("ffprobe streams %+v, want audio and a 500x500 JPEG attached picture", p.Streams)
			}
			checkDhowden(t, path, perTrack[n-1], jpeg)
		})
	}
}

// checkDhowden reads the file with github.com/dhowden/tag, an ID3v2
// reader independent of the writer.
func checkDhowden(t *testing.T, path string, want map[string]string, jpeg []byte) {
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
	if m.Format() != tag.ID3v2_4 {
		t.Errorf("dhowden/tag format %s, want ID3v2.4", m.Format())
	}
	if m.Title() != want["title"] || m.Artist() != want["artist"] || m.Album() != "Nachtfahrt — Ünïcödé" || m.AlbumArtist() != "Les Éléments" {
		t.Errorf("dhowden/tag title/artist/album/album artist = %q/%q/%q/%q", m.Title(), m.Artist(), m.Album(), m.AlbumArtist())
	}
	if n, total := m.Track(); fmt.Sprintf("%d/%d", n, total) != want["track"] {
		t.Errorf("dhowden/tag track %d/%d, want %s", n, total, want["track"])
	}
	if n, total := m.Disc(); n != 1 || total != 2 {
		t.Errorf("dhowden/tag disc %d/%d, want 1/2", n, total)
	}
	raw := m.Raw()
	if raw["TSRC"] != want["TSRC"] {
		t.Errorf("dhowden/tag TSRC = %v, want %s", raw["TSRC"], want["TSRC"])
	}
	txxx := map[string]string{}
	for k, v := range raw {
		if c, ok := v.(*tag.Comm); ok && strings.HasPrefix(k, "TXXX") {
			txxx[c.Description] = c.Text
		}
	}
	for _, k := range []string{"BARCODE", "CATALOGNUMBER", "REPLAYGAIN_TRACK_GAIN", "REPLAYGAIN_ALBUM_PEAK"} {
		if txxx[k] == "" {
			t.Errorf("dhowden/tag: no TXXX %s among %v", k, txxx)
		}
	}
	if want["TIPL"] != "" {
		// dhowden/tag joins a frame's NUL-separated values.
		if got, _ := raw["TIPL"].(string); got != "arrangerØrjan Ñúñez" {
			t.Errorf("dhowden/tag TIPL = %q, want the arranger pair joined", got)
		}
	}
	p := m.Picture()
	if p == nil || p.MIMEType != "image/jpeg" || p.Type != "Cover (front)" || !bytes.Equal(p.Data, jpeg) {
		t.Errorf("dhowden/tag picture = %v, want the JPEG front cover", p)
	}
}

// TestMatchesLameCommand encodes 16-bit PCM with the encoder and the same
// samples, as a WAV file, with the lame command line at the matching
// settings. LAME's own ReplayGain analysis is off in the encoder, so the
// command runs with --noreplaygain; everything else is the command's
// default. Without tags the two files must be identical byte for byte,
// info tag included.
func TestMatchesLameCommand(t *testing.T) {
	lame := testtool.Require(t, "lame", "lame")
	tests := []struct {
		rate, channels, bitrate int
		quality                 *int
		args                    []string
	}{
		{44100, 2, 320, nil, []string{"-b", "320"}},
		{44100, 2, 0, nil, nil}, // the default: 320 kb/s CBR
		{48000, 2, 192, nil, []string{"-b", "192"}},
		{44100, 2, 0, quality(2), []string{"-V", "2"}},
		{44100, 1, 128, nil, []string{"-b", "128"}},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%d-%dch-%s", tt.rate, tt.channels, strings.Join(tt.args, ""))
		t.Run(name, func(t *testing.T) {
			frames := tt.rate*10 + 77
			x := metadatatest.Signal(9, tt.rate, tt.channels, frames, 16)
			dir := t.TempDir()
			wav := filepath.Join(dir, "in.wav")
			writeWAV(t, wav, pcm.Format{Rate: tt.rate, Channels: tt.channels, Bits: 16}, x)
			ref := filepath.Join(dir, "ref.mp3")
			args := append([]string{"-S", "--noreplaygain"}, tt.args...)
			if tt.args == nil {
				args = append(args, "-b", "320")
			}
			metadatatest.Run(t, lame, append(args, wav, ref)...)
			cfg := mp3.Config{Name: name, Rate: tt.rate, Channels: tt.channels, Bits: 16,
				Bitrate: tt.bitrate, Quality: tt.quality, TotalFrames: int64(frames)}
			ours := encodeFile(t, "ours.mp3", cfg, x)
			a, err := os.ReadFile(ours)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(ref)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("ours %d bytes, lame %s %d bytes", len(a), strings.Join(tt.args, " "), len(b))
			if !bytes.Equal(a, b) {
				i := 0
				for i < min(len(a), len(b)) && a[i] == b[i] {
					i++
				}
				t.Errorf("files differ from byte %d (sizes %d and %d)", i, len(a), len(b))
			}
		})
	}
}

func writeWAV(t *testing.T, path string, f pcm.Format, x [][]int32) {
	t.Helper()
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	w, err := pcm.NewWAVWriter(file, f, pcm.WAVOptions{Frames: int64(len(x[0]))})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteInt(x); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
}
