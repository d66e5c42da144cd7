package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
	"github.com/lathe-audio/lathe/render"
)

// browserProject is a small release built for the browser test: three
// tracks of 12 to 16 s at 48 kHz, a cover, a CD master at the master's
// level, a FLAC at −14 LUFS whose hot track the limiter catches, and an
// MP3. Its titles need escaping.
const browserProject = `[album]
title = "Lathe Test Pressing"
artist = "The Synthesizers"
upc = "0028000012342"
catalog_number = "LTP-007"
label = "Lathe Test Records"
genre = "Electronic"
release_date = "2026-03-01"
copyright = "2026 Lathe Test Records"
phonographic_copyright = "2026 Lathe Test Records"
cover = "cover.png"

[loudness]
match = "album"
max_true_peak = -1.0
over_ceiling = "limit"

[[track]]
file = "1.wav"
title = "Opening Night"
isrc = "ZZ-LTP-26-00001"

[[track]]
file = "2.wav"
title = "Rock & Roll <Live>"
isrc = "ZZ-LTP-26-00002"
index = ["8s"]

[[track]]
file = "3.wav"
title = "Café Nocturne"
artist = "The Synthesizers feat. Guest"
isrc = "ZZ-LTP-26-00003"
gap = "3s"

[[delivery]]
name = "CD master"
kind = "ddp"

[[delivery]]
name = "Streaming"
kind = "flac"
bits = 24
loudness = { target = -14.0 }

[[delivery]]
name = "MP3 320"
kind = "mp3"
`

var browserTitles = []string{"Opening Night", "Rock &amp; Roll &lt;Live&gt;", "Café Nocturne"}

// coverColor fills the middle of the test cover, where the browser test
// looks for it in the screenshot.
var coverColor = color.RGBA{0xd9, 0x4f, 0x2b, 0xff}

// writeCover writes a 600 × 600 PNG: a dark blue field with a large
// square of coverColor in its middle.
func writeCover(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 600, 600))
	for y := range 600 {
		for x := range 600 {
			c := color.RGBA{0x1b, 0x2a, uint8(0x40 + y/10), 0xff}
			if x >= 150 && x < 450 && y >= 150 && y < 450 {
				c = coverColor
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildRelease writes browserProject with its audio and cover into dir,
// builds it and returns the report's input.
func buildRelease(t *testing.T, dir string) *Input {
	t.Helper()
	const rate = 48000
	tracks := []struct {
		seconds, peak float64
		swell         func(float64) float64
	}{{12, -1.5, steady}, {16, -4, crescendo}, {14, -6, climax}}
	var infos []album.SourceInfo
	var paths []string
	var formats []render.SourceFormat
	for k, tr := range tracks {
		path := filepath.Join(dir, fmt.Sprintf("%d.wav", k+1))
		f := pcm.Format{Rate: rate, Channels: 2, Bits: 24}
		pcmtest.WriteWAVFile(t, path, f, music(uint64(10+k), tr.seconds, rate, tr.peak, tr.swell))
		info, err := pcm.Probe(path)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
		formats = append(formats, render.SourceFormat{Bits: 24})
		infos = append(infos, album.SourceInfo{Rate: rate, Channels: 2, Bits: 24, Frames: info.Frames})
	}
	writeCover(t, filepath.Join(dir, "cover.png"))
	a, probs := album.Decode(filepath.Join(dir, "album.toml"), []byte(browserProject))
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	l, probs := album.Plan(a, infos)
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	r, err := render.Build(context.Background(), render.BuildOptions{Album: a, Layout: l, Sources: paths, Formats: formats, Dest: filepath.Join(dir, "out")})
	if err != nil {
		t.Fatal(err)
	}
	in, err := FromBuild(a, l, r, Options{Version: "0.0.0-test"})
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// artifacts returns the folder a test keeps its report and screenshot in:
// $LATHE_TEST_ARTIFACTS when set (CI uploads it), else a temporary folder.
func artifacts(t *testing.T) string {
	if dir := os.Getenv("LATHE_TEST_ARTIFACTS"); dir != "" {
		dir = filepath.Join(dir, "report")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// chromium runs headless Chromium on a local file with the given extra
// flags, with logging on standard error, and returns its output.
func chromium(t *testing.T, bin, file string, flags ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0",
	}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+file)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(flags, " "), err, errb.String())
	}
	return out.String(), errb.String()
}

// consoleLine matches what Chromium logs for a console message: a script
// error, a blocked fetch (the page's Content-Security-Policy allows none),
// a resource that failed to load.
var consoleLine = regexp.MustCompile(`(?m)^.*:CONSOLE[:(].*$`)

// The report of a real build opens in Chromium without a console message
// (no script, no fetch: the page's CSP would log any), its DOM holds the
// escaped titles and every section, and the screenshot shows the cover
// where the layout puts it. The page and the screenshot are kept in the
// artifacts folder ($LATHE_TEST_ARTIFACTS, else a temporary one).
func TestReportInChromium(t *testing.T) {
	bin := testtool.Require(t, "chromium", "chromium")
	if testing.Short() {
		t.Skip("renders a release and starts a browser")
	}
	in := buildRelease(t, t.TempDir())
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if u := regexp.MustCompile(`(?i)(src|href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(html, -1); len(u) != 1 || !strings.HasPrefix(u[0][2], "data:image/png;base64,") {
		t.Errorf("the page refers to %d resources, want only the cover as a data: URI", len(u))
	}
	for _, bad := range []string{"http:", "https:", "<script", "@import", "<link", "<iframe"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	dir := artifacts(t)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// The detector finds what a broken page logs.
	neg := filepath.Join(t.TempDir(), "broken.html")
	broken := strings.Replace(html, "</main>", `<img src="https://example.invalid/x.png"></main>`, 1)
	if err := os.WriteFile(neg, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr := chromium(t, bin, neg, "--dump-dom"); !consoleLine.MatchString(stderr) {
		t.Errorf("a page fetching an image logged no console message; the check is blind:\n%s", stderr)
	}

	dom, stderr := chromium(t, bin, page, "--dump-dom")
	if m := consoleLine.FindAllString(stderr, -1); len(m) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(m, "\n"))
	}
	for _, want := range append([]string{
		"<h1>Lathe Test Pressing</h1>", "PQ sheet", "Streaming platforms", "ZZ-LTP-26-00002", "Spotify", "Deezer",
		`<svg class="plot"`, `class="idx" data-track="3"`,
	}, browserTitles...) {
		if !strings.Contains(dom, want) {
			t.Errorf("the DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, "<Live>") {
		t.Error("a title reached the DOM unescaped")
	}

	shot := filepath.Join(dir, "report.png")
	if _, stderr := chromium(t, bin, page, "--screenshot="+shot, "--window-size=1280,2400"); consoleLine.MatchString(stderr) {
		t.Errorf("console messages while taking the screenshot:\n%s", stderr)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 2400 {
		t.Errorf("screenshot is %v, want 1280 x 2400", b)
	}
	// The cover is 200 px square at the page's top left: main is 1120 px
	// wide, centred, with 32 px of padding and 48 px at the top.
	x, y := (1280-1120)/2+32+100, 48+100
	r, g, bl, _ := img.At(x, y).RGBA()
	got := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0xff}
	if d := max(diff(got.R, coverColor.R), diff(got.G, coverColor.G), diff(got.B, coverColor.B)); d > 8 {
		t.Errorf("screenshot at (%d, %d) is %v, want the cover's %v", x, y, got, coverColor)
	}
	t.Logf("report and screenshot in %s", dir)
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
