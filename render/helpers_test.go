package render

import (
	"path/filepath"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// testProject is a decoded, planned project whose sources a test wrote.
type testProject struct {
	dir     string
	album   *album.Album
	layout  *album.Layout
	paths   []string
	formats []SourceFormat
}

// loadProject decodes the project text (whose track files are relative to
// dir), probes the sources and plans the layout, failing the test on any
// error.
func loadProject(t testing.TB, dir, text string) *testProject {
	t.Helper()
	a, probs := album.Decode(filepath.Join(dir, "album.toml"), []byte(text))
	if probs.Err() != nil {
		t.Fatalf("decode: %v", probs.Err())
	}
	p := &testProject{dir: dir, album: a}
	var infos []album.SourceInfo
	for _, tr := range a.Tracks {
		path := filepath.Join(dir, tr.File)
		info, err := pcm.Probe(path)
		if err != nil {
			t.Fatal(err)
		}
		p.paths = append(p.paths, path)
		p.formats = append(p.formats, SourceFormat{Bits: info.Format.Bits, Float: info.Format.Float})
		infos = append(infos, album.SourceInfo{Rate: info.Format.Rate, Channels: info.Format.Channels,
			Bits: info.Format.Bits, Float: info.Format.Float, Frames: info.Frames})
	}
	l, probs := album.Plan(a, infos)
	if probs.Err() != nil {
		t.Fatalf("plan: %v", probs.Err())
	}
	p.layout = l
	return p
}

// writeSource writes stereo (or mono) samples as a WAV file in dir and
// returns what the file holds.
func writeSource(t testing.TB, dir, name string, rate, bits int, x [][]float64) [][]float64 {
	t.Helper()
	return pcmtest.WriteWAVFile(t, filepath.Join(dir, name), pcm.Format{Rate: rate, Channels: len(x), Bits: bits}, x)
}

// constant returns frames samples of value v.
func constant(v float64, frames int) []float64 {
	x := make([]float64, frames)
	for i := range x {
		x[i] = v
	}
	return x
}

// programSamples renders the whole program of p with gains (dB, nil for
// unity) and returns it with its frame classes.
func programSamples(t testing.TB, p *testProject, gains []float64, size int) ([][]float64, []uint8) {
	t.Helper()
	tp, err := newParams(p.album, p.layout, p.paths, gains, p.formats)
	if err != nil {
		t.Fatal(err)
	}
	prog := newProgram(p.layout, tp)
	defer prog.close()
	out := [][]float64{nil, nil}
	var cls []uint8
	buf := [][]float64{make([]float64, size), make([]float64, size)}
	cb := make([]uint8, size)
	for {
		n, err := prog.read(buf, cb)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		out[0] = append(out[0], buf[0][:n]...)
		out[1] = append(out[1], buf[1][:n]...)
		cls = append(cls, cb[:n]...)
	}
	return out, cls
}
