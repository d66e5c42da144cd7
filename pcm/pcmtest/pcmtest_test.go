package pcmtest_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

func peak(x ...[]float64) float64 {
	p := 0.0
	for _, ch := range x {
		for _, v := range ch {
			p = math.Max(p, math.Abs(v))
		}
	}
	return p
}

func TestLevels(t *testing.T) {
	for _, tt := range []struct {
		name string
		x    [][]float64
		want float64 // peak, dBFS
		tol  float64
	}{
		{"Sine", [][]float64{pcmtest.Sine(1000, -6, 48000, 48000)}, -6, 1e-9},
		{"SineStereo", pcmtest.SineStereo(997, 1999, -1, 44100, 44100), -1, 1e-3},
		{"WhiteNoise", [][]float64{pcmtest.WhiteNoise(1, -10, 100000)}, -10, 0.01},
		{"PinkNoise", [][]float64{pcmtest.PinkNoise(1, -12, 100000)}, -12, 1e-9},
		{"Music", pcmtest.Music(3, 44100, 2, 5*44100), -3, 1e-9},
	} {
		got := 20 * math.Log10(peak(tt.x...))
		if math.Abs(got-tt.want) > tt.tol || got > tt.want+1e-9 {
			t.Errorf("%s peak = %.4f dBFS, want %.4f", tt.name, got, tt.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	a, b := pcmtest.Music(9, 48000, 2, 48000), pcmtest.Music(9, 48000, 2, 48000)
	c := pcmtest.Music(10, 48000, 2, 48000)
	same, differ := true, false
	for ch := range a {
		for i := range a[ch] {
			same = same && a[ch][i] == b[ch][i]
			differ = differ || a[ch][i] != c[ch][i]
		}
	}
	if !same {
		t.Error("Music(9, ...) differs between calls")
	}
	if !differ {
		t.Error("Music(9, ...) and Music(10, ...) are the same")
	}
	if pcmtest.PinkNoise(4, -6, 10)[9] != pcmtest.PinkNoise(4, -6, 10)[9] {
		t.Error("PinkNoise(4, ...) differs between calls")
	}
}

// TestMusicChannelsDiffer checks that the stereo channels are independent
// enough to catch a swapped or duplicated channel.
func TestMusicChannelsDiffer(t *testing.T) {
	x := pcmtest.Music(1, 44100, 2, 44100)
	diff := 0.0
	for i := range x[0] {
		diff = math.Max(diff, math.Abs(x[0][i]-x[1][i]))
	}
	if diff < 0.01 {
		t.Errorf("Music stereo channels differ by at most %v, want more", diff)
	}
}

func TestQuantize(t *testing.T) {
	got := pcmtest.Quantize([][]float64{{-1.5, -1, -0.5 / 32768, 0.4 / 32768, 1, 2}}, 16)[0]
	want := []int32{-32768, -32768, -1, 0, 32767, 32767} // math.Round: half away from zero
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Quantize(...)[%d] = %d, want %d", i, got[i], want[i])
		}
	}
}

// TestWriteWAVFile checks the fixture writer against TestSource.
func TestWriteWAVFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.wav")
	f := pcm.Format{Rate: 44100, Channels: 2, Bits: 24}
	want := pcmtest.WriteWAVFile(t, path, f, pcmtest.SineStereo(440, 660, -3, 44100, 9000))
	pcmtest.TestSource(t, func() pcm.Source {
		s, err := pcm.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}, want)
}
