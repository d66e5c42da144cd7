package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// build runs Build into dir/out with default options.
func build(t testing.TB, p *testProject, mod func(o *BuildOptions)) (*Report, string) {
	t.Helper()
	o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats, Dest: filepath.Join(p.dir, "out")}
	if mod != nil {
		mod(&o)
	}
	rep, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep, o.Dest
}

// readWAV returns a WAV file's samples and format.
func readWAV(t testing.TB, path string) ([][]float64, pcm.Format) {
	t.Helper()
	return pcmtest.ReadFile(t, path)
}

func concat(parts ...[][]float64) [][]float64 {
	out := [][]float64{nil, nil}
	for _, p := range parts {
		out[0] = append(out[0], p[0]...)
		out[1] = append(out[1], p[1]...)
	}
	return out
}

// checkUntouched checks that a track's file got, audio then the gap after
// it, holds the source src bit for bit and then digital silence,
// undithered.
func checkUntouched(t *testing.T, what string, got, src [][]float64) {
	t.Helper()
	n := len(src[0])
	for c := range 2 {
		if !slices.Equal(got[c][:n], src[c]) {
			t.Errorf("%s: track 1 channel %d differs from its source", what, c)
		}
		if i := slices.IndexFunc(got[c][n:], func(v float64) bool { return v != 0 }); i >= 0 {
			t.Errorf("%s: gap sample %d is %v, want 0", what, i, got[c][n+i])
		}
	}
}

// listDir returns the names in dir.
func listDir(t testing.TB, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestBitTransparent: a 16-bit 44.1 kHz source at 0 dB, no fade, no
// resampling comes out of 16- and 24-bit deliveries bit-identical, while
// a track with gain is dithered.
func TestBitTransparent(t *testing.T) {
	dir := t.TempDir()
	src := writeSource(t, dir, "a.wav", 44100, 16, pcmtest.Music(1, 44100, 2, 5*44100+123))
	gained := writeSource(t, dir, "b.wav", 44100, 16, pcmtest.Music(2, 44100, 2, 5*44100))
	p := loadProject(t, dir, `[album]
title = "T"
artist = "A"
[loudness]
match = "off"
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
gain = -3
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
[[delivery]]
name = "hires"
kind = "wav"
bits = 24
[[delivery]]
name = "cdalbum"
kind = "wav"
rate = 44100
bits = 16
files = "album"
`)
	_, out := build(t, p, nil)
	for _, del := range []string{"cd", "hires"} {
		files := listDir(t, filepath.Join(out, del))
		if len(files) != 2 {
			t.Fatalf("%s: files %v", del, files)
		}
		got, f := readWAV(t, filepath.Join(out, del, files[0]))
		checkUntouched(t, fmt.Sprintf("%s (%d-bit)", del, f.Bits), got, src)
		// Negative control: track 2 (-3 dB) is dithered, so it is not
		// the plain rounding of the scaled source.
		got2, _ := readWAV(t, filepath.Join(out, del, files[1]))
		scale := math.Ldexp(1, f.Bits-1)
		g := math.Pow(10, -3.0/20)
		differ := 0
		for i, v := range gained[0] {
			if got2[0][i] != math.RoundToEven(v*g*scale)/scale {
				differ++
			}
		}
		if differ < len(gained[0])/10 {
			t.Errorf("%s: track 2 differs from undithered rounding in %d of %d samples; want dither", del, differ, len(gained[0]))
		}
	}
	// The album file holds the same audio.
	albumFile := filepath.Join(out, "cdalbum", "A - T.wav")
	got, _ := readWAV(t, albumFile)
	if !slices.Equal(got[0][:len(src[0])], src[0]) {
		t.Error("album file: track 1 differs from its source")
	}
}

// determinismProject: mixed rates (a 48 kHz program), fades, a crossfade,
// a gain, and deliveries that resample, dither and write float.
func determinismProject(t testing.TB) *testProject {
	return determinismProjectWith(t, "match = \"album\"\ntarget = -18.0\n")
}

// determinismProjectWith is determinismProject with the given [loudness]
// settings.
func determinismProjectWith(t testing.TB, loud string) *testProject {
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(11, 48000, 2, 6*48000))
	writeSource(t, dir, "b.wav", 44100, 16, pcmtest.Music(12, 44100, 2, 7*44100))
	writeSource(t, dir, "c.wav", 48000, 24, pcmtest.Music(13, 48000, 2, 5*48000))
	return loadProject(t, dir, `[album]
title = "Det"
artist = "A"
[loudness]
`+loud+`[dither]
type = "shaped"
[[track]]
file = "a.wav"
fade_in = "1s"
[[track]]
file = "b.wav"
gap = "1s"
fade_out = "500ms"
fade_curve = "exp"
[[track]]
file = "c.wav"
crossfade = "2s"
gain = 1.5
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
files = "both"
[[delivery]]
name = "src"
kind = "wav"
bits = 24
gaps = "prepend"
[[delivery]]
name = "float96"
kind = "wav"
rate = 96000
bits = 32
bwf = true
`)
}

// TestDeterministic: block sizes 787 and 81761 and GOMAXPROCS 1 and 2 give
// byte-identical deliveries, from an analyzed build and from a one-pass
// build whose deliveries meter themselves and limit track 3 in a second
// pass.
func TestDeterministic(t *testing.T) {
	testDeterministic(t, determinismProject(t), 1)
	testDeterministic(t, determinismProjectWith(t, "match = \"off\"\nmax_true_peak = -4.0\n"), 2)
}

// testDeterministic builds p twice and compares; passes is how many
// times every delivery must have been rendered (2: no analysis).
func testDeterministic(t *testing.T, p *testProject, passes int) {
	var trees []map[string][]byte
	for i, c := range []struct{ procs, size int }{{1, 787}, {2, 81761}} {
		old := runtime.GOMAXPROCS(c.procs)
		rep, out := build(t, p, func(o *BuildOptions) {
			o.BlockSize = c.size
			o.Dest = filepath.Join(p.dir, "out", string(rune('a'+i)))
		})
		runtime.GOMAXPROCS(old)
		if rep.Analysis == nil != (passes == 2) {
			t.Errorf("analysis %v, want it with %d passes", rep.Analysis != nil, passes)
		}
		for _, d := range rep.Deliveries {
			if d.Passes != passes {
				t.Errorf("%s: %d passes, want %d", d.Name, d.Passes, passes)
			}
		}
		tree := map[string][]byte{}
		filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(out, path)
				tree[rel], _ = os.ReadFile(path)
			}
			return err
		})
		trees = append(trees, tree)
	}
	if len(trees[0]) != 3+1+3+3 {
		t.Errorf("%d files, want 10", len(trees[0]))
	}
	for name, data := range trees[0] {
		if !bytes.Equal(data, trees[1][name]) {
			t.Errorf("%s differs between block sizes 787 (1 proc) and 81761 (2 procs)", name)
		}
	}
}

// TestGapless: per-track files of every gap mode tile the stream: played
// back to back they equal the album file (append, prepend) at 44.1, 48 and
// 96 kHz, and every file is as long as its cut.
func TestGapless(t *testing.T) {
	p := determinismProject(t)
	text := `[album]
title = "Det"
artist = "A"
[[track]]
file = "a.wav"
fade_in = "1s"
[[track]]
file = "b.wav"
gap = "1s"
[[track]]
file = "c.wav"
crossfade = "2s"
`
	for _, rate := range []int{44100, 48000, 96000} {
		for _, gaps := range []string{"append", "prepend"} {
			text += "[[delivery]]\nname = \"" + gaps + itoa(rate) + "\"\nkind = \"wav\"\nrate = " + itoa(rate) +
				"\nbits = 24\nfiles = \"both\"\ngaps = \"" + gaps + "\"\nnaming = \"{track:02}\"\n"
		}
	}
	text += "[[delivery]]\nname = \"f32\"\nkind = \"wav\"\nbits = 32\nfiles = \"both\"\nnaming = \"{track:02}\"\n"
	p = loadProject(t, p.dir, text)
	_, out := build(t, p, nil)
	// The float delivery at the program rate holds the program itself
	// (unity gains: no target), from track 1's index 01 to the lead-out.
	prog, _ := programSamples(t, p, nil, 5000)
	f32, _ := readWAV(t, filepath.Join(out, "f32", "A - Det.wav"))
	start := p.layout.Tracks[0].Index[0] * p.layout.SectorSamples
	for c := range 2 {
		for i, v := range f32[c] {
			if want := float64(float32(prog[c][start+int64(i)])); v != want {
				t.Fatalf("f32 album file channel %d frame %d: %v, program %v", c, i, v, want)
			}
		}
	}
	for _, d := range p.album.Deliveries {
		if d.Rate == 0 {
			d.Rate = p.layout.Rate
		}
		albumWAV, _ := readWAV(t, filepath.Join(out, d.Name, "A - Det.wav"))
		var parts [][][]float64
		for k, sp := range p.layout.Cuts(d.Gaps) {
			x, f := readWAV(t, filepath.Join(out, d.Name, itoa2(k+1)+".wav"))
			a, b := sp.Samples(d.Rate)
			if int64(len(x[0])) != b-a || f.Rate != d.Rate {
				t.Errorf("%s track %d: %d frames at %d Hz, want %d at %d", d.Name, k+1, len(x[0]), f.Rate, b-a, d.Rate)
			}
			parts = append(parts, x)
		}
		all := concat(parts...)
		for c := range 2 {
			if !slices.Equal(all[c], albumWAV[c]) {
				t.Errorf("%s: tracks played back to back differ from the album file (%d vs %d frames)", d.Name, len(all[c]), len(albumWAV[c]))
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func itoa2(n int) string { return fmt.Sprintf("%02d", n) }

// TestBuildLoudness: after an album-mode build, the delivered files'
// pooled loudness is the target, the tracks keep their relative levels,
// and the ceiling holds.
func TestBuildLoudness(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 48000, 24, pcmtest.Music(21, 48000, 2, 8*48000))
	quiet := pcmtest.Music(22, 48000, 2, 7*48000)
	for c := range quiet {
		for i := range quiet[c] {
			quiet[c][i] *= 0.3
		}
	}
	writeSource(t, dir, "b.wav", 48000, 24, quiet)
	writeSource(t, dir, "c.wav", 44100, 24, pcmtest.Music(23, 44100, 2, 6*44100))
	p := loadProject(t, dir, `[album]
title = "L"
artist = "A"
[loudness]
match = "album"
target = -20.0
max_true_peak = -1.0
over_ceiling = "reduce"
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
[[track]]
file = "c.wav"
gap = 0
[[delivery]]
name = "hires"
kind = "wav"
bits = 24
naming = "{track:02}"
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
naming = "{track:02}"
`)
	rep, out := build(t, p, nil)
	an := rep.Analysis
	for _, d := range p.album.Deliveries {
		var ms []*loudness.Measurement
		for k := range p.album.Tracks {
			x, f := readWAV(t, filepath.Join(out, d.Name, itoa2(k+1)+".wav"))
			m, _ := loudness.NewMeter(loudness.Config{Rate: f.Rate, Channels: 2, TruePeak: loudness.TruePeakAccurate})
			m.Write(x)
			ms = append(ms, m.Measure())
		}
		alb, err := loudness.MeasureAlbum(ms, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(alb.Integrated-(-20)) > 0.05 {
			t.Errorf("%s: album loudness %.3f LUFS, want -20 ±0.05", d.Name, alb.Integrated)
		}
		for k := 1; k < len(ms); k++ {
			got := ms[k].Integrated - ms[0].Integrated
			want := an.Tracks[k].Integrated - an.Tracks[0].Integrated
			if math.Abs(got-want) > 0.01 {
				t.Errorf("%s: track %d is %.4f LU from track 1, %.4f before; want within 0.01", d.Name, k+1, got, want)
			}
		}
		if alb.TruePeak > -1 {
			t.Errorf("%s: max true peak %.3f dBTP, ceiling -1", d.Name, alb.TruePeak)
		}
		t.Logf("%s: album %.4f LUFS, max TP %.3f dBTP", d.Name, alb.Integrated, alb.TruePeak)
	}
}

// TestBuildLimiter: with policy limit, a track pushed over the ceiling is
// limited below it and reported; a track lathe leaves untouched is not.
func TestBuildLimiter(t *testing.T) {
	dir := t.TempDir()
	loud := pcmtest.Music(31, 44100, 2, 6*44100)
	src := writeSource(t, dir, "a.wav", 44100, 16, loud)
	writeSource(t, dir, "b.wav", 44100, 16, pcmtest.Music(32, 44100, 2, 6*44100))
	p := loadProject(t, dir, `[album]
title = "L"
artist = "A"
[loudness]
match = "off"
max_true_peak = -6.0
over_ceiling = "limit"
[[track]]
file = "a.wav"
[[track]]
file = "b.wav"
gain = 3
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
naming = "{track:02}"
`)
	rep, out := build(t, p, nil)
	tr := rep.Deliveries[0].Tracks
	if tr[0].Limited || !tr[1].Limited || tr[1].MaxReductionDB <= 0 || tr[1].LimitedFrames == 0 {
		t.Errorf("limiter report %+v", tr)
	}
	x, _ := readWAV(t, filepath.Join(out, "cd", "01.wav"))
	if !slices.Equal(x[0][:len(src[0])], src[0]) {
		t.Error("untouched track 1 was changed")
	}
	y, _ := readWAV(t, filepath.Join(out, "cd", "02.wav"))
	m, _ := loudness.NewMeter(loudness.Config{Rate: 44100, Channels: 2, TruePeak: loudness.TruePeakAccurate})
	m.Write(y)
	if tp := m.Measure().TruePeak; tp > -6 {
		t.Errorf("limited track: true peak %.3f dBTP, ceiling -6", tp)
	}
}

func TestBuildErrors(t *testing.T) {
	dir := t.TempDir()
	writeSource(t, dir, "a.wav", 44100, 16, pcmtest.Music(41, 44100, 2, 5*44100))
	writeSource(t, dir, "b.wav", 44100, 16, pcmtest.Music(42, 44100, 2, 5*44100))
	head := "[album]\ntitle = \"E\"\nartist = \"A\"\n[[track]]\nfile = \"a.wav\"\n[[track]]\nfile = \"b.wav\"\n"
	wav := "[[delivery]]\nname = \"w\"\nkind = \"wav\"\n"
	ddp := "[[delivery]]\nname = \"plant\"\nkind = \"ddp\"\n"
	dest := filepath.Join(dir, "out")
	run := func(p *testProject, ctx context.Context, mod func(o *BuildOptions)) (*Report, error) {
		o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats, Dest: dest}
		if mod != nil {
			mod(&o)
		}
		return Build(ctx, o)
	}
	// Nothing but the sources may be left in dir after a failure.
	clean := func(what string) {
		t.Helper()
		if names := listDir(t, dir); !slices.Equal(names, []string{"a.wav", "b.wav"}) {
			t.Errorf("%s: left %v", what, names)
		}
	}
	// A kind with no writer fails, naming it. (The test takes the ddp
	// writer out of the registry for the while.)
	registryMu.Lock()
	saved := registry[album.KindDDP]
	delete(registry, album.KindDDP)
	registryMu.Unlock()
	defer Register(album.KindDDP, saved)
	p := loadProject(t, dir, head+wav+ddp)
	_, err := run(p, context.Background(), nil)
	if want := `render: delivery[2] "plant": the ddp kind is not implemented yet; use --only to build the others`; err == nil || err.Error() != want {
		t.Errorf("ddp: %v, want %s", err, want)
	}
	clean("unimplemented kind")
	// Skipping it is explicit.
	rep, err := run(p, context.Background(), func(o *BuildOptions) { o.SkipUnimplemented = true })
	if err != nil || len(rep.Skipped) != 1 || rep.Skipped[0] != `delivery[2] "plant" (ddp)` {
		t.Errorf("skip: %v, %v", rep, err)
	}
	// An existing destination is refused, and replaced with Force.
	if _, err := run(p, context.Background(), func(o *BuildOptions) { o.Only = []string{"w"} }); !errors.Is(err, ErrExists) {
		t.Errorf("existing destination: %v", err)
	}
	os.WriteFile(filepath.Join(dest, "stale"), nil, 0o644)
	if _, err := run(p, context.Background(), func(o *BuildOptions) { o.Only = []string{"w"}; o.Force = true }); err != nil {
		t.Fatal(err)
	}
	if names := listDir(t, dest); !slices.Equal(names, []string{"w"}) {
		t.Errorf("after --force: %v", names)
	}
	os.RemoveAll(dest)
	if _, err := run(p, context.Background(), func(o *BuildOptions) { o.Only = []string{"nope"} }); err == nil || !strings.Contains(err.Error(), `no delivery named "nope" (the project has "w", "plant")`) {
		t.Errorf("--only nope: %v", err)
	}
	// A cancelled build leaves nothing.
	p = loadProject(t, dir, head+wav)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := run(p, ctx, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	clean("cancelled")
	// A source truncated after planning fails mid-render, naming the track
	// and file, and leaves nothing.
	an, err := Analyze(context.Background(), p.album, p.layout, p.paths, AnalyzeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(p.paths[1])
	if err := os.Truncate(p.paths[1], info.Size()/2); err != nil {
		t.Fatal(err)
	}
	_, err = run(p, context.Background(), func(o *BuildOptions) { o.Analysis = an })
	if err == nil || !strings.Contains(err.Error(), "render: track 2: ") || !strings.Contains(err.Error(), "b.wav") || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated source: %v", err)
	}
	clean("truncated source")
}
