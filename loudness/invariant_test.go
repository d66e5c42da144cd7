package loudness

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"testing"
)

func progSeconds() float64 {
	if testing.Short() {
		return 20
	}
	return 60
}

// A gain of g dB shifts I, max M, max S and TP by g within 0.001 dB
// (docs/loudness.md §8.7).
func TestInvariantGain(t *testing.T) {
	x := program(48000, progSeconds(), 1)
	cfg := Config{Rate: 48000, Channels: 2, TruePeak: TruePeakAccurate}
	base := meter(t, cfg, x, 4096)
	for _, g := range []float64{+3.5, -6} {
		a := math.Pow(10, g/20)
		y := [][]float64{make([]float64, len(x[0])), make([]float64, len(x[1]))}
		for c := range x {
			for i, v := range x[c] {
				y[c][i] = v * a
			}
		}
		m := meter(t, cfg, y, 4096)
		name := fmt.Sprintf("%+g dB: ", g)
		near(t, name+"I", m.Integrated-base.Integrated, g, 0.001)
		near(t, name+"max M", m.MaxMomentary-base.MaxMomentary, g, 0.001)
		near(t, name+"max S", m.MaxShortTerm-base.MaxShortTerm, g, 0.001)
		near(t, name+"TP", m.TruePeak-base.TruePeak, g, 0.001)
		near(t, name+"LRA", m.Range, base.Range, 0.001)
		// WithGain predicts the measurement of the scaled audio.
		w := base.WithGain(g)
		near(t, name+"WithGain I", w.Integrated, m.Integrated, 0.001)
		near(t, name+"WithGain LRA", w.Range, m.Range, 0.001)
		near(t, name+"WithGain max S", w.MaxShortTerm, m.MaxShortTerm, 0.001)
		near(t, name+"WithGain TP", w.TruePeak, m.TruePeak, 0.001)
	}
	// Near the absolute gate a gain changes which blocks count, so the
	// prediction must gate again rather than shift: a program at about
	// -62 LUFS raised by 20 dB and lowered by 6 dB, where the gate drops blocks.
	quiet := [][]float64{make([]float64, len(x[0])), make([]float64, len(x[1]))}
	for c := range x {
		for i, v := range x[c] {
			quiet[c][i] = v * math.Pow(10, -50.0/20)
		}
	}
	qb := meter(t, cfg, quiet, 4096)
	for _, g := range []float64{+20, -6} {
		a := math.Pow(10, g/20)
		y := [][]float64{make([]float64, len(x[0])), make([]float64, len(x[1]))}
		for c := range quiet {
			for i, v := range quiet[c] {
				y[c][i] = v * a
			}
		}
		m := meter(t, cfg, y, 4096)
		w := qb.WithGain(g)
		name := fmt.Sprintf("quiet %+g dB: ", g)
		near(t, name+"WithGain I", w.Integrated, m.Integrated, 0.001)
		near(t, name+"WithGain LRA", w.Range, m.Range, 0.001)
	}
}

// Swapping the channels changes no value.
func TestInvariantChannelSwap(t *testing.T) {
	x := program(44100, progSeconds(), 2)
	cfg := Config{Rate: 44100, Channels: 2, TruePeak: TruePeakAccurate}
	a := meter(t, cfg, x, 4096)
	b := meter(t, cfg, [][]float64{x[1], x[0]}, 4096)
	if a.Integrated != b.Integrated || a.Range != b.Range || a.MaxMomentary != b.MaxMomentary ||
		a.MaxShortTerm != b.MaxShortTerm || a.TruePeak != b.TruePeak || a.SamplePeak != b.SamplePeak ||
		a.TruePeakPos != b.TruePeakPos {
		t.Errorf("swapped channels:\n got %+v\nwant %+v", b, a)
	}
	if a.TruePeakChannel == b.TruePeakChannel {
		t.Errorf("true-peak channel %d in both orders, want it swapped", a.TruePeakChannel)
	}
}

// Block size, the number of workers and GOMAXPROCS change nothing at all:
// every result is bit-identical.
func TestInvariantBlockSizeAndParallelism(t *testing.T) {
	secs := 10.0
	if testing.Short() {
		secs = 4
	}
	x := program(44100, secs, 3)
	for _, mode := range []TruePeakMode{TruePeakAccurate, TruePeakCompat} {
		ref := meter(t, Config{Rate: 44100, Channels: 2, TruePeak: mode, Workers: 1}, x, 4096)
		for _, procs := range []int{1, 2} {
			old := runtime.GOMAXPROCS(procs)
			for _, block := range []int{1, 7, 441, 5000, 65536, len(x[0])} {
				for _, workers := range []int{0, 1, 2} {
					if block == 1 && (workers != 0 || secs > 4) {
						continue // one sample per call is slow; once is enough
					}
					got := meter(t, Config{Rate: 44100, Channels: 2, TruePeak: mode, Workers: workers}, x, block)
					if !reflect.DeepEqual(got, ref) {
						t.Errorf("mode %d, GOMAXPROCS %d, block %d, workers %d:\n got %+v\nwant %+v", mode, procs, block, workers, got, ref)
					}
				}
			}
			runtime.GOMAXPROCS(old)
		}
	}
}

// A 5.0 stream with muted surrounds reads like its three front channels;
// the LFE channel of a 5.1 stream has no effect on loudness.
func TestInvariantLayouts(t *testing.T) {
	x := program(48000, 10, 4)
	mute := make([]float64, len(x[0]))
	center := make([]float64, len(x[0]))
	for i := range center {
		center[i] = 0.5 * (x[0][i] + x[1][i])
	}
	three := meter(t, Config{Rate: 48000, Channels: 3, Weights: []float64{1, 1, 1}}, [][]float64{x[0], x[1], center}, 4096)
	five := meter(t, Config{Rate: 48000, Channels: 5}, [][]float64{x[0], x[1], center, mute, mute}, 4096)
	if five.Integrated != three.Integrated || five.MaxMomentary != three.MaxMomentary || five.Range != three.Range {
		t.Errorf("5.0 with muted surrounds: I %v M %v LRA %v; 3.0: I %v M %v LRA %v",
			five.Integrated, five.MaxMomentary, five.Range, three.Integrated, three.MaxMomentary, three.Range)
	}
	lfe := make([]float64, len(x[0]))
	for i := range lfe {
		lfe[i] = 0.9 * math.Sin(2*math.Pi*60*float64(i)/48000)
	}
	silentLFE := meter(t, Config{Rate: 48000, Channels: 6}, [][]float64{x[0], x[1], center, mute, x[0], x[1]}, 4096)
	loudLFE := meter(t, Config{Rate: 48000, Channels: 6}, [][]float64{x[0], x[1], center, lfe, x[0], x[1]}, 4096)
	if loudLFE.Integrated != silentLFE.Integrated || loudLFE.MaxShortTerm != silentLFE.MaxShortTerm {
		t.Errorf("5.1 LFE changed loudness: I %v vs %v", loudLFE.Integrated, silentLFE.Integrated)
	}
	near(t, "5.1: LFE sample peak", loudLFE.ChannelSamplePeak[3], 20*math.Log10(0.9), 0.001)
}

// Album loudness pools the gating blocks of the tracks: equal to gating
// the blocks of all tracks together, and not the mean of the track values.
func TestMeasureAlbum(t *testing.T) {
	a := meter(t, stereo(44100), tones(44100, 2, seg{-20, 10}), 4096)
	b := meter(t, stereo(44100), tones(44100, 2, seg{-30, 30}), 4096)
	al, err := MeasureAlbum([]*Measurement{a, b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Blocks: 97 at −20 dBFS, 297 at −30 dBFS (both pass the relative gate,
	// at −20.0 − 10·log10(...) ...): power mean of the pooled energies.
	ea, eb := math.Pow(10, (a.Integrated+0.691)/10), math.Pow(10, (b.Integrated+0.691)/10)
	na, nb := float64(len(a.blocks)), float64(len(b.blocks))
	want := -0.691 + 10*math.Log10((na*ea+nb*eb)/(na+nb))
	near(t, "album I", al.Integrated, want, 1e-6)
	if na != 97 || nb != 297 {
		t.Errorf("gating blocks: %v and %v, want 97 and 297 (complete 400 ms blocks at a 100 ms hop)", na, nb)
	}
	if !math.IsNaN(al.Range) {
		t.Errorf("album LRA without a stream = %v, want NaN", al.Range)
	}
	stream := meter(t, stereo(44100), tones(44100, 2, seg{-20, 10}, seg{silence, 2}, seg{-30, 30}), 4096)
	al, err = MeasureAlbum([]*Measurement{a, b}, stream)
	if err != nil {
		t.Fatal(err)
	}
	if al.Range != stream.Range {
		t.Errorf("album LRA %v, want the stream's %v", al.Range, stream.Range)
	}
	if _, err := MeasureAlbum(nil, nil); err == nil {
		t.Error("MeasureAlbum(nil): no error")
	}
}

func TestNewMeterErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Rate: 22050, Channels: 2},
		{Rate: 44101, Channels: 2},
		{Rate: 48000, Channels: 3},
		{Rate: 48000, Channels: 2, Weights: []float64{1}},
		{Rate: 48000, Channels: 1, Weights: []float64{-1}},
		{Rate: 48000, Channels: 2, TruePeak: 9},
	} {
		if _, err := NewMeter(cfg); err == nil {
			t.Errorf("NewMeter(%+v): no error", cfg)
		}
	}
	m, err := NewMeter(stereo(48000))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Write([][]float64{make([]float64, 3), make([]float64, 2)}); err == nil {
		t.Error("Write with ragged channels: no error")
	}
	if err := m.Write([][]float64{make([]float64, 3)}); err == nil {
		t.Error("Write with one channel of two: no error")
	}
}
