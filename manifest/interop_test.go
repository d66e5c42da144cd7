package manifest

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
	"github.com/lathe-audio/lathe/mp3"
)

// decodeFile decodes the MP3 file at p with mp3.Decode, passing on its
// samples as 16-bit little-endian bytes.
func decodeFile(p string, each func(pcm []byte)) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	return mp3.Decode(f, func(mp3.Info) error { return nil }, func(pcm []byte) error { each(pcm); return nil })
}

// ffmpegLoudness measures a file with ffmpeg's ebur128 filter (true peak
// on) and returns the final integrated loudness, loudness range and true
// peak (dBTP) from its frame metadata, which carries three decimals.
func ffmpegLoudness(t *testing.T, ffmpeg, path string) (integrated, lra, truePeak float64) {
	t.Helper()
	cmd := exec.Command(ffmpeg, "-hide_banner", "-nostats", "-i", path,
		"-af", "ebur128=metadata=1:peak=true,ametadata=mode=print:file=-", "-f", "null", "-")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg %s: %v", path, err)
	}
	vals := map[string]float64{}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "lavfi.r128."), "=")
		if !ok || !strings.HasPrefix(line, "lavfi.r128.") {
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			vals[k] = f // the last frame's values are the whole file's
		}
	}
	for _, k := range []string{"I", "LRA", "true_peak"} {
		if _, ok := vals[k]; !ok {
			t.Fatalf("ffmpeg %s: no lavfi.r128.%s in its output", path, k)
		}
	}
	return vals["I"], vals["LRA"], 20 * math.Log10(vals["true_peak"])
}

// TestLoudnessAgainstFFmpeg: the manifest's figures for the WAV, FLAC and
// MP3 files of a 2 x 20 s project agree with ffmpeg's ebur128 run on the
// same files: integrated loudness within 0.05 LU, loudness range within
// 0.1 LU, true peak within 0.3 dB (ffmpeg oversamples 4 times, lathe's
// accurate true peak more, so ffmpeg may read lower); so does the album's
// loudness range with ffmpeg's on the album WAVs.
func TestLoudnessAgainstFFmpeg(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg", "ffmpeg")
	b := buildBundle(t, 20)
	m := b.manifest(t)
	checked := 0
	for _, d := range m.Deliveries {
		if d.Kind != "wav" && d.Kind != "flac" && d.Kind != "mp3" {
			continue
		}
		for _, tr := range d.Tracks {
			f := filepath.Join(b.dir, tr.File)
			if d.Kind == "wav" && d.Bits == 32 {
				continue // the float delivery's album file holds both tracks
			}
			i, lra, tp := ffmpegLoudness(t, ffmpeg, f)
			if math.Abs(float64(tr.Integrated)-i) > 0.05 {
				t.Errorf("%s: integrated %.3f LUFS, ffmpeg %.3f", tr.File, tr.Integrated, i)
			}
			if math.Abs(float64(tr.Range)-lra) > 0.1 {
				t.Errorf("%s: LRA %.3f LU, ffmpeg %.3f", tr.File, tr.Range, lra)
			}
			if d := float64(tr.TruePeak) - tp; d < -0.05 || d > 0.3 {
				t.Errorf("%s: true peak %.3f dBTP, ffmpeg %.3f", tr.File, tr.TruePeak, tp)
			}
			t.Logf("%s: integrated %.3f (ffmpeg %.3f), LRA %.3f (%.3f), true peak %.3f (%.3f)", tr.File, tr.Integrated, i, tr.Range, lra, tr.TruePeak, tp)
			checked++
		}
	}
	if checked != 6 {
		t.Errorf("checked %d files, want 6 (2 tracks in wav24, flac, mp3)", checked)
	}
	// The album's loudness range, measured by the render on the stream
	// across the tracks' boundaries, against ffmpeg on the album WAVs that
	// hold exactly that stream: the cue delivery's (from LBA 0, track 1's
	// index 01 after the default 2 s pregap) and the float album file.
	albums := 0
	for _, d := range m.Deliveries {
		if d.Name != "cue" && d.Name != "float" {
			continue
		}
		if d.Album == nil {
			t.Fatalf("%s: no album in the manifest", d.Name)
		}
		f := filepath.Join(b.dir, d.Tracks[0].File)
		i, lra, _ := ffmpegLoudness(t, ffmpeg, f)
		if math.Abs(float64(d.Album.Range)-lra) > 0.1 {
			t.Errorf("%s album: LRA %.3f LU, ffmpeg %.3f", d.Name, d.Album.Range, lra)
		}
		t.Logf("%s album: LRA %.3f (ffmpeg %.3f); integrated, the tracks pooled, %.3f (ffmpeg on the stream %.3f)", d.Name, d.Album.Range, lra, d.Album.Integrated, i)
		albums++
	}
	if albums != 2 {
		t.Errorf("checked %d album files, want 2 (cue, float)", albums)
	}
}

// TestMP3DecodeAgainstFFmpeg: the samples the manifest hashes and meters
// for an MP3 are those ffmpeg decodes, honouring the LAME tag's delay and
// padding: the same count, and the same audio within decoder rounding,
// while the same comparison one frame off differs many times more.
func TestMP3DecodeAgainstFFmpeg(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg", "ffmpeg")
	b := buildBundle(t, 5)
	m := b.manifest(t)
	for _, tr := range m.Deliveries[5].Tracks {
		p := filepath.Join(b.dir, tr.File)
		out, err := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-i", p, "-f", "s16le", "-").Output()
		if err != nil {
			t.Fatalf("ffmpeg %s: %v", p, err)
		}
		var ours bytes.Buffer
		err = decodeFile(p, func(pcm []byte) { ours.Write(pcm) })
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(out)/4) != tr.Samples || ours.Len() != len(out) {
			t.Fatalf("%s: ffmpeg decodes %d frames, lathe %d, the manifest says %d", tr.File, len(out)/4, ours.Len()/4, tr.Samples)
		}
		if got := md5hex(ours.Bytes()); got != tr.PCMMD5 {
			t.Errorf("%s: PCM MD5 of the decode %s, the manifest %s", tr.File, got, tr.PCMMD5)
		}
		diff := func(shift int) float64 {
			a, b := out, ours.Bytes()
			worst := 0.0
			for i := 0; i+4*shift+2 <= len(b) && i+2 <= len(a); i += 2 {
				x := float64(int16(binary.LittleEndian.Uint16(a[i:])))
				y := float64(int16(binary.LittleEndian.Uint16(b[i+4*shift:])))
				worst = max(worst, math.Abs(x-y))
			}
			return worst
		}
		aligned, off := diff(0), diff(1)
		if aligned > 2 || off < 10*max(aligned, 8) {
			t.Errorf("%s: largest difference from ffmpeg %v LSB aligned, %v one frame off", tr.File, aligned, off)
		}
		t.Logf("%s: largest difference from ffmpeg %v LSB aligned, %v one frame off", tr.File, aligned, off)
	}
}
