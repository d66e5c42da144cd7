package render

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// meterStream measures x as one continuous stream, loudness only (no true
// peak), independently of the build.
func meterStream(t testing.TB, rate int, x [][]float64) *loudness.Measurement {
	t.Helper()
	m, err := loudness.NewMeter(loudness.Config{Rate: rate, Channels: 2, TruePeak: loudness.TruePeakOff})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write(x); err != nil {
		t.Fatal(err)
	}
	return m.Measure()
}

// checkAlbum compares a delivery's album measurement with an independent
// meter's run over the written album span, within 0.01 LU, and checks
// that it has no true peak.
func checkAlbum(t testing.TB, what string, got, want *loudness.Measurement) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no album measurement", what)
		return
	}
	if got.Frames != want.Frames {
		t.Errorf("%s: album measured over %d frames, the written span has %d", what, got.Frames, want.Frames)
	}
	for _, f := range []struct {
		name string
		x, y float64
	}{
		{"range", got.Range, want.Range},
		{"max short-term", got.MaxShortTerm, want.MaxShortTerm},
		{"max momentary", got.MaxMomentary, want.MaxMomentary},
		{"integrated", got.Integrated, want.Integrated},
	} {
		if !(math.Abs(f.x-f.y) <= 0.01) {
			t.Errorf("%s: album %s %.4f, the written span %.4f", what, f.name, f.x, f.y)
		}
	}
	if !math.IsNaN(got.TruePeak) || got.TruePeakPos != -1 || got.ChannelTruePeak != nil {
		t.Errorf("%s: album true peak %v at %d, want none", what, got.TruePeak, got.TruePeakPos)
	}
}

// albumProject is a 44.1 kHz album whose first track is steady and loud
// and whose second is the same music 14 dB down: each track's loudness
// range is small, the album's, across the boundary, about 14 LU. Track
// 3, at −6 dB, follows track 2 gaplessly. Deliveries: a cue and a ddp (one
// output), 24-bit track files in both gap modes, and a float album file
// with bwf, whose span is the album stream's.
func albumProject(t testing.TB) *testProject {
	dir := t.TempDir()
	steady := pcmtest.Music(91, 44100, 2, 12*44100)
	writeSource(t, dir, "a.wav", 44100, 24, steady)
	writeSource(t, dir, "b.wav", 44100, 24, steady)
	writeSource(t, dir, "c.wav", 44100, 24, pcmtest.Music(92, 44100, 2, 9*44100))
	return loadProject(t, dir, `[album]
title = "Range"
artist = "A"
[loudness]
match = "off"
[[track]]
file = "a.wav"
title = "Loud"
[[track]]
file = "b.wav"
title = "Quiet"
gain = -14
[[track]]
file = "c.wav"
title = "Middle"
gain = -6
gap = 0
[[delivery]]
name = "cue"
kind = "cue"
[[delivery]]
name = "ddp"
kind = "ddp"
[[delivery]]
name = "append"
kind = "wav"
bits = 24
naming = "{track:02}"
[[delivery]]
name = "prepend"
kind = "wav"
bits = 24
gaps = "prepend"
naming = "{track:02}"
[[delivery]]
name = "float"
kind = "wav"
bits = 32
files = "album"
bwf = true
`)
}

// TestDeliveredAlbumLoudness: each delivery reports the album as written,
// metered as one continuous stream from track 1's index 01 to the
// lead-out: its loudness range equals an independent meter's over the
// album WAV of the cue delivery, the float album file, and the track files
// of both gap modes played back to back, and differs from the mean of the
// tracks' ranges, which cannot see the album's changes of level.
// Deliveries of one output share one measurement.
func TestDeliveredAlbumLoudness(t *testing.T) {
	p := albumProject(t)
	rep, out := build(t, p, nil)
	byName := map[string]*DeliveryReport{}
	for i := range rep.Deliveries {
		byName[rep.Deliveries[i].Name] = &rep.Deliveries[i]
	}
	if rep.Outputs != 3 {
		t.Errorf("%d outputs, want 3 (16, 24-bit and float)", rep.Outputs)
	}
	// The cue delivery's album WAV starts at LBA 0, track 1's index 01
	// with the default 2 s pregap.
	name, err := p.album.Name(p.album.Deliveries[0].Naming, 0, "wav")
	if err != nil {
		t.Fatal(err)
	}
	x, f := readWAV(t, filepath.Join(out, "cue", name))
	cue := byName["cue"]
	checkAlbum(t, "cue", cue.Album, meterStream(t, f.Rate, x))
	if byName["ddp"].Album != cue.Album {
		t.Error("the ddp and cue deliveries, one output, have album measurements of their own")
	}
	x, f = readWAV(t, filepath.Join(out, "float", albumFileName(t, p)))
	checkAlbum(t, "float", byName["float"].Album, meterStream(t, f.Rate, x))
	for _, name := range []string{"append", "prepend"} {
		var parts [][][]float64
		for k := range p.album.Tracks {
			y, g := readWAV(t, filepath.Join(out, name, itoa2(k+1)+".wav"))
			parts, f = append(parts, y), g
		}
		checkAlbum(t, name, byName[name].Album, meterStream(t, f.Rate, concat(parts...)))
	}
	if byName["append"].Album != byName["prepend"].Album {
		t.Error("the append and prepend deliveries, one output, have album measurements of their own")
	}
	var mean float64
	for _, tr := range cue.Tracks {
		mean += tr.Output.Range / float64(len(cue.Tracks))
	}
	if got := cue.Album.Range; got-mean < 8 {
		t.Errorf("album range %.2f LU, mean of the tracks' %.2f LU: want the album's far wider", got, mean)
	}
	t.Logf("album range %.2f LU, max short-term %.2f LUFS; the tracks' mean range %.2f LU", cue.Album.Range, cue.Album.MaxShortTerm, mean)
}
