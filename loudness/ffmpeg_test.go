package loudness

import (
	"bufio"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
)

// ffmpegResult is what FFmpeg's ebur128 filter reports.
type ffmpegResult struct {
	I, LRA, TPLinear float64 // from the per-frame metadata, 3 decimals
	sumI, sumLRA     float64 // from the summary on stderr, 1 decimal
	sumTP            float64 // dBFS
}

// runFFmpeg measures a WAV file with ffmpeg -af ebur128=peak=true (which
// resamples to 192 kHz for true peak).
func runFFmpeg(t *testing.T, bin, wav string) ffmpegResult {
	t.Helper()
	meta := filepath.Join(t.TempDir(), "meta.txt")
	cmd := exec.Command(bin, "-nostdin", "-hide_banner", "-nostats", "-threads", "1", "-i", wav,
		"-af", "ebur128=peak=true:metadata=1,ametadata=mode=print:file="+meta, "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	r := ffmpegResult{TPLinear: math.Inf(-1)}
	f, err := os.Open(meta)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			continue
		}
		switch k {
		case "lavfi.r128.I":
			r.I = x
		case "lavfi.r128.LRA":
			r.LRA = x
		case "lavfi.r128.true_peak":
			r.TPLinear = math.Max(r.TPLinear, x)
		}
	}
	summary := string(out[strings.LastIndex(string(out), "Summary:"):])
	grab := func(re string) float64 {
		m := regexp.MustCompile(re).FindStringSubmatch(summary)
		if m == nil {
			t.Fatalf("ffmpeg summary has no %s:\n%s", re, summary)
		}
		x, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	r.sumI = grab(`I:\s+(-?[0-9.]+) LUFS`)
	r.sumLRA = grab(`LRA:\s+(-?[0-9.]+) LU`)
	r.sumTP = grab(`Peak:\s+(-?[0-9.]+) dBFS`)
	return r
}

// Cross-check against FFmpeg's ebur128 filter on programme material with
// varied levels and a clipped section with inter-sample overs: I within
// 0.02 LU, LRA within 0.05 LU, true peak within 0.1 dB.
func TestFFmpegCrossCheck(t *testing.T) {
	bin := testtool.Require(t, "ffmpeg", "ffmpeg")
	// Three minutes: FFmpeg takes the loudness range's percentiles from a
	// histogram of the short-term values, one value without interpolation,
	// so with fewer values it lies further from lathe's (0.11 LU on a
	// one-minute program, past the tolerance). -short checks one rate
	// instead of a shorter program.
	const secs = 180.0
	rs := rates
	if testing.Short() {
		rs = []int{48000}
	}
	for _, rate := range rs {
		x := program(rate, secs, 11)
		wav := filepath.Join(t.TempDir(), "program.wav")
		writeWAV24(t, wav, rate, x)
		ff := runFFmpeg(t, bin, wav)
		m := meter(t, Config{Rate: rate, Channels: 2, TruePeak: TruePeakAccurate}, x, 8192)
		tp := 20 * math.Log10(ff.TPLinear)
		t.Logf("%d Hz: lathe I %.3f LRA %.3f TP %.3f (SP %.3f); ffmpeg I %.3f LRA %.3f TP %.3f",
			rate, m.Integrated, m.Range, m.TruePeak, m.SamplePeak, ff.I, ff.LRA, tp)
		near(t, "I vs ffmpeg", m.Integrated, ff.I, 0.02)
		near(t, "LRA vs ffmpeg", m.Range, ff.LRA, 0.05)
		near(t, "TP vs ffmpeg", m.TruePeak, tp, 0.1)
		// The summary agrees with the metadata to its one decimal.
		near(t, "ffmpeg summary I", ff.sumI, ff.I, 0.051)
		near(t, "ffmpeg summary LRA", ff.sumLRA, ff.LRA, 0.051)
		near(t, "ffmpeg summary TP", ff.sumTP, tp, 0.051)
		if m.TruePeak < m.SamplePeak+0.1 {
			t.Errorf("material has no inter-sample overs: TP %.3f, SP %.3f", m.TruePeak, m.SamplePeak)
		}
	}
}
