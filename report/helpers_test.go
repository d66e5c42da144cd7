package report

import (
	"math"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/dsp"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
	"github.com/lathe-audio/lathe/render"
)

// music synthesizes seconds of music-like stereo audio at rate: pink noise
// pulsing on a beat, under a slow swell, over a sustained chord, scaled so
// that its sample peak is peak dBFS. swell shapes the level over the track
// (position 0..1 to a gain); the same seed gives the same audio.
func music(seed uint64, seconds float64, rate int, peak float64, swell func(float64) float64) [][]float64 {
	n := int(seconds * float64(rate))
	l := pcmtest.PinkNoise(seed, 0, n)
	r := pcmtest.PinkNoise(seed+100, 0, n)
	root := 110 * math.Pow(2, float64(seed%5)/12)
	for i := range n {
		t := float64(i) / float64(rate)
		beat := math.Mod(t, 0.5) / 0.5
		pulse := 0.3 + 0.7*math.Exp(-6*beat)
		g := swell(t / seconds)
		var chord float64
		for k, ratio := range []float64{1, 1.25, 1.5, 2} {
			chord += 0.25 / float64(k+1) * math.Sin(2*math.Pi*root*ratio*t)
		}
		l[i] = g * (0.6*l[i]*pulse + chord)
		r[i] = g * (0.6*r[i]*pulse + 0.95*chord)
	}
	x := [][]float64{l, r}
	scale(x, peak)
	return x
}

// scale sets the sample peak of x to dBFS.
func scale(x [][]float64, dBFS float64) {
	var peak float64
	for _, ch := range x {
		for _, v := range ch {
			peak = math.Max(peak, math.Abs(v))
		}
	}
	g := pcmtest.Amplitude(dBFS) / peak
	for _, ch := range x {
		for i := range ch {
			ch[i] *= g
		}
	}
}

func steady(float64) float64      { return 1 }
func crescendo(p float64) float64 { return 0.25 + 0.75*p }
func climax(p float64) float64 {
	return 0.3 + 0.7*math.Exp(-math.Pow((p-0.7)/0.12, 2))
}

// measure meters a stereo signal as a delivery does (accurate true peak).
func measure(t testing.TB, rate int, x [][]float64) *loudness.Measurement {
	t.Helper()
	m, err := loudness.NewMeter(loudness.Config{Rate: rate, Channels: 2, TruePeak: loudness.TruePeakAccurate})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(x[0]); i += 8192 {
		e := min(i+8192, len(x[0]))
		if err := m.Write([][]float64{x[0][i:e], x[1][i:e]}); err != nil {
			t.Fatal(err)
		}
	}
	return m.Measure()
}

// fakeProject is the album of the unit tests: three tracks at 44.1 kHz
// (10 s; 14 s after the default 2 s gap, with an index 02; 12 s gapless),
// a ddp delivery at the master's level and a flac one at −14 LUFS.
const fakeProject = `[album]
title = "Night & Day"
artist = "The Testers"
upc = "0028000012342"
catalog_number = "TST-001"
label = "Test Records"
release_date = "2026-03-01"
copyright = "2026 Test Records"
phonographic_copyright = "2026 Test Records"

[loudness]
match = "album"
max_true_peak = -1.0

[[track]]
file = "a.wav"
title = "Opening"
isrc = "ZZ-TST-26-00001"

[[track]]
file = "b.wav"
title = "Middle"
artist = "Guest"
index = ["6s"]

[[track]]
file = "c.wav"
title = "Close"
gap = 0

[[delivery]]
name = "cd"
kind = "ddp"

[[delivery]]
name = "stream"
kind = "flac"
loudness = { target = -14.0 }
`

var fakeSeconds = []float64{10, 14, 12}

// fakeInput returns the report input of fakeProject without rendering:
// the layout from Plan, and every measurement from a meter run on
// synthesized audio of each cut (the tracks' audio, then silence), and
// the album stream of each delivery from its cuts back to back. Track 3
// of the flac delivery peaks at -0.5 dBTP, over its ceiling.
func fakeInput(t testing.TB) *Input {
	t.Helper()
	a, probs := album.Decode("/project/album.toml", []byte(fakeProject))
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	const rate = 44100
	var src []album.SourceInfo
	for _, s := range fakeSeconds {
		src = append(src, album.SourceInfo{Rate: rate, Channels: 2, Bits: 24, Frames: int64(s * rate)})
	}
	l, probs := album.Plan(a, src)
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	in := &Input{Version: "1.2.3", Album: a, Layout: l}
	swells := []func(float64) float64{steady, crescendo, climax}
	peaks := []float64{-3, -6, -2}
	audio := make([][][]float64, len(l.Tracks))
	for k, tl := range l.Tracks {
		audio[k] = music(uint64(k+1), float64(tl.Length)/rate, rate, peaks[k], swells[k])
	}
	// cut returns the program between two A-times, at gain g dB.
	cut := func(sp album.Span, g float64) [][]float64 {
		a, b := sp.Samples(rate)
		x := [][]float64{make([]float64, b-a), make([]float64, b-a)}
		for k, tl := range l.Tracks {
			for i := max(a, tl.Start); i < min(b, tl.End()); i++ {
				for c := range 2 {
					x[c][i-a] += audio[k][c][i-tl.Start] * pcmtest.Amplitude(g)
				}
			}
		}
		return x
	}
	an := &render.Analysis{Rate: rate, Segments: l.Cuts(album.GapsAppend), Offsets: make([]float64, 3)}
	for _, sp := range an.Segments {
		an.Tracks = append(an.Tracks, measure(t, rate, cut(sp, 0)))
	}
	an.Stream = measure(t, rate, cut(album.Span{Start: l.Tracks[0].Index[0], End: l.LeadOut}, 0))
	var err error
	if an.Album, err = loudness.MeasureAlbum(an.Tracks, an.Stream); err != nil {
		t.Fatal(err)
	}
	in.Analysis = an
	for i := range a.Deliveries {
		d := &a.Deliveries[i]
		lo := a.LoudnessFor(d)
		g := 0.0
		if lo.Target != nil {
			g = math.Round((*lo.Target-an.Album.Integrated)*100) / 100
		}
		r := &render.DeliveryReport{Number: i + 1, Name: d.Name, Kind: d.Kind, Rate: rate, Bits: 16, Dither: dsp.DitherTPDF, Passes: 1}
		cuts := l.Cuts(d.Gaps)
		stream := [][]float64{nil, nil} // the cuts back to back: the album stream
		for k, sp := range cuts {
			x := cut(sp, g)
			tr := render.TrackReport{Gain: g, FirstClip: -1}
			if i == 1 && k == 2 {
				scale(x, -0.8) // a hot track the limiter did not catch
				tr.Limited, tr.MaxReductionDB, tr.LimitedFrames = true, 1.25, rate/4
			}
			tr.Output = measure(t, rate, x)
			stream[0], stream[1] = append(stream[0], x[0]...), append(stream[1], x[1]...)
			r.Tracks = append(r.Tracks, tr)
			r.Files = append(r.Files, d.Name+".file")
		}
		r.Album = measure(t, rate, stream)
		in.Deliveries = append(in.Deliveries, Delivery{Report: r, Loudness: lo, Cuts: cuts})
	}
	in.Main = MainDelivery(in.Deliveries)
	return in
}
