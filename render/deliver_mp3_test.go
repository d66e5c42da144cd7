package render

import (
	"bytes"
	"encoding/binary"
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
	"github.com/lathe-audio/lathe/mp3"
)

// TestMP3Delivery builds the tagged project and checks its mp3
// deliveries with ffmpeg: every file decodes to exactly its track's frame
// count at the delivery's rate (gapless, the LAME info tag honoured),
// as many as the same-rate wav delivery's file holds; ffprobe shows the
// album's tags (TSRC, track n/3, disc 1/2, ...), the cover as an attached
// 600 x 400 PNG picture, and ReplayGain TXXX values that match −18 − I
// and the true peaks of the float wav delivery of the same stream. An
// mp3 delivery with tags = false starts with the MPEG stream. The
// report's decoding of each file (TrackReport.Decoded, and its PCM sum)
// has ffmpeg's frame count and, within 0.01 LU and 0.02 dB, the loudness
// and true peak of ffmpeg's decoding.
func TestMP3Delivery(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg", "ffmpeg")
	ffprobe := testtool.Require(t, "ffprobe", "ffmpeg")
	dir := t.TempDir()
	p := taggedProject(t, dir)
	rep, out := build(t, p, nil)
	titles := []string{"Eins", "Zwei", "Drei"}
	artists := []string{"Les Éléments", "Les Éléments", "Gäste"}
	for _, tc := range []struct {
		del, ref string
		rate     int
		info     string
	}{{"mp3", "float44", 44100, "Info"}, {"mp3-vbr", "float48", 48000, "Xing"}, {"mp3-bare", "float44", 44100, "Info"}} {
		var ms []*loudness.Measurement
		var probes []*metadatatest.Probe
		for k, name := range taggedNames {
			path := filepath.Join(out, tc.del, name+".mp3")
			what := tc.del + "/" + name
			m, ref := measureFile(t, filepath.Join(out, tc.ref, name+".wav"))
			ms = append(ms, m)
			pcm, err := exec.Command(ffmpeg, "-v", "error", "-i", path, "-f", "s16le", "-c:a", "pcm_s16le", "-").Output()
			if err != nil {
				t.Fatalf("%s: ffmpeg: %v", what, err)
			}
			if got, want := len(pcm)/4, len(ref[0]); got != want {
				t.Errorf("%s: ffmpeg decodes %d frames, the track has %d", what, got, want)
			}
			checkDecoded(t, what, rep, tc.del, k, name+".mp3", tc.rate, pcm)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.del == "mp3-bare" {
				if data[0] != 0xFF || data[1]&0xE0 != 0xE0 {
					t.Errorf("%s: starts with % x, want an MPEG frame", what, data[:4])
				}
			} else if !bytes.HasPrefix(data, []byte("ID3\x04\x00\x00")) {
				t.Errorf("%s: starts with % x, want an ID3v2.4 tag", what, data[:6])
			}
			if !bytes.Contains(data[:min(len(data), 1<<20)], []byte(tc.info)) {
				t.Errorf("%s: no %q info tag", what, tc.info)
			}
			pr := metadatatest.FFProbe(t, ffprobe, path)
			probes = append(probes, pr)
			if len(pr.Streams) == 0 || pr.Streams[0].SampleRate != strconv.Itoa(tc.rate) {
				t.Errorf("%s: streams %+v, want audio at %d Hz", what, pr.Streams, tc.rate)
			}
			if tc.del == "mp3-bare" {
				if len(pr.Format.Tags) != 0 || len(pr.Streams) != 1 {
					t.Errorf("%s: tags %v and %d streams, want none and audio only", what, pr.Format.Tags, len(pr.Streams))
				}
				continue
			}
			want := map[string]string{
				"title": titles[k], "artist": artists[k], "album": "Nachtfahrt", "album_artist": "Les Éléments",
				"track": strconv.Itoa(k+1) + "/3", "disc": "1/2", "date": "2026-05-17", "genre": "Electronic",
				"TSRC": "DEXX0260000" + strconv.Itoa(k+1), "publisher": "Lathe Records", "copyright": "2026 Lathe Records",
				"BARCODE": "0123456789012", "CATALOGNUMBER": "LATHE-001",
			}
			for key, v := range want {
				if got := pr.Format.Tags[key]; got != v {
					t.Errorf("%s: ffprobe tag %s = %q, want %q", what, key, got, v)
				}
			}
			if len(pr.Format.Tags) != len(want)+4 {
				t.Errorf("%s: ffprobe shows %d tags, want %d and the 4 ReplayGain ones: %v", what, len(pr.Format.Tags), len(want), pr.Format.Tags)
			}
			if len(pr.Streams) != 2 || pr.Streams[1].Disposition.AttachedPic != 1 || pr.Streams[1].CodecName != "png" ||
				pr.Streams[1].Width != 600 || pr.Streams[1].Height != 400 {
				t.Errorf("%s: streams %+v, want audio and the 600 x 400 PNG cover attached", what, pr.Streams)
			}
		}
		if tc.del == "mp3-bare" {
			continue
		}
		al, err := loudness.MeasureAlbum(ms, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, pr := range probes {
			var list strings.Builder
			for _, key := range []string{"REPLAYGAIN_TRACK_GAIN", "REPLAYGAIN_TRACK_PEAK", "REPLAYGAIN_ALBUM_GAIN", "REPLAYGAIN_ALBUM_PEAK"} {
				list.WriteString(key + "=" + pr.Format.Tags[key] + "\n")
			}
			rg, _ := replayGainTags(t, tc.del+"/"+taggedNames[k], list.String())
			checkReplayGain(t, tc.del+"/"+taggedNames[k], rg, ms[k], al)
		}
	}
}

// checkDecoded compares the report's decoding of track k's file in
// delivery del with ffmpeg's, pcm (16-bit stereo).
func checkDecoded(t *testing.T, what string, rep *Report, del string, k int, file string, rate int, pcm []byte) {
	t.Helper()
	var dr *DeliveryReport
	for j := range rep.Deliveries {
		if rep.Deliveries[j].Name == del {
			dr = &rep.Deliveries[j]
		}
	}
	if dr == nil {
		t.Fatalf("no delivery %q in the report", del)
	}
	d := dr.Tracks[k].Decoded
	if d == nil {
		t.Fatalf("%s: the report has no decoding of the file", what)
	}
	var sum *PCMSum
	for i := range dr.PCM {
		if dr.PCM[i].File == file {
			sum = &dr.PCM[i]
		}
	}
	if frames := int64(len(pcm) / 4); sum == nil || sum.Start != 0 || sum.End != frames || len(sum.MD5) != 32 {
		t.Fatalf("%s: PCM sum %+v, want frames 0 to %d", what, sum, frames)
	}
	m, err := loudness.NewMeter(loudness.Config{Rate: rate, Channels: 2, TruePeak: loudness.TruePeakAccurate})
	if err != nil {
		t.Fatal(err)
	}
	x := [][]float64{make([]float64, len(pcm)/4), make([]float64, len(pcm)/4)}
	for i := range x[0] {
		x[0][i] = float64(int16(binary.LittleEndian.Uint16(pcm[4*i:]))) / 32768
		x[1][i] = float64(int16(binary.LittleEndian.Uint16(pcm[4*i+2:]))) / 32768
	}
	if err := m.Write(x); err != nil {
		t.Fatal(err)
	}
	ff := m.Measure()
	if math.Abs(d.Integrated-ff.Integrated) > 0.01 || math.Abs(d.TruePeak-ff.TruePeak) > 0.02 {
		t.Errorf("%s: decoded %.3f LUFS, %.3f dBTP; ffmpeg's decoding %.3f LUFS, %.3f dBTP", what, d.Integrated, d.TruePeak, ff.Integrated, ff.TruePeak)
	}
}

// TestTaggedDeterministic builds the tagged project twice, with program
// blocks of 787 and 81761 frames, and requires byte-identical FLAC and
// MP3 files.
func TestTaggedDeterministic(t *testing.T) {
	dir := t.TempDir()
	p := taggedProject(t, dir)
	only := []string{"flac", "flac16", "mp3", "mp3-vbr"}
	var trees [2]map[string][]byte
	for i, size := range []int{787, 81761} {
		_, out := build(t, p, func(o *BuildOptions) {
			o.BlockSize = size
			o.Dest = filepath.Join(dir, "out"+strconv.Itoa(i))
			o.Only = only
		})
		trees[i] = map[string][]byte{}
		for _, del := range only {
			for _, name := range listDir(t, filepath.Join(out, del)) {
				b, err := os.ReadFile(filepath.Join(out, del, name))
				if err != nil {
					t.Fatal(err)
				}
				trees[i][del+"/"+name] = b
			}
		}
	}
	if len(trees[0]) != 12 {
		t.Fatalf("%d files, want 12", len(trees[0]))
	}
	for name, b := range trees[0] {
		if !bytes.Equal(b, trees[1][name]) {
			t.Errorf("%s differs between block sizes 787 and 81761", name)
		}
	}
}

// BenchmarkDecodeMP3 decodes, hashes and meters (accurate true peak) a
// 5-minute 320 kb/s stereo file, as an mp3 delivery does for each file it
// writes.
func BenchmarkDecodeMP3(b *testing.B) {
	const frames = 44100 * 300
	path := filepath.Join(b.TempDir(), "b.mp3")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	e, err := mp3.NewEncoder(f, mp3.Config{Name: "b", Rate: 44100, Channels: 2, Bits: 16, Bitrate: 320, TotalFrames: frames})
	if err != nil {
		b.Fatal(err)
	}
	if err := metadatatest.WriteBlocks(e, metadatatest.Signal(9, 44100, 2, frames, 16), 4096); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		d, err := DecodeMP3(path, true)
		if err != nil {
			b.Fatal(err)
		}
		if d.Frames != frames {
			b.Fatalf("decoded %d frames, want %d", d.Frames, frames)
		}
	}
}
