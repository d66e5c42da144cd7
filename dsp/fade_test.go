package dsp

import (
	"bytes"
	"encoding/binary"
	"math"
	"os/exec"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
)

var curves = []Curve{Linear, Sine, Log, Exp, SCurve}

func TestCurveEndpointsMonotonic(t *testing.T) {
	for _, c := range curves {
		if g := c.Gain(0); g != 0 {
			t.Errorf("%v: g(0) = %g, want 0", c, g)
		}
		if g := c.Gain(1); g != 1 {
			t.Errorf("%v: g(1) = %g, want 1", c, g)
		}
		const steps = 1 << 17
		prev := 0.0
		for k := 1; k <= steps; k++ {
			g := c.Gain(float64(k) / steps)
			if g < prev {
				t.Fatalf("%v: g(%d/%d) = %g < g before it %g", c, k, steps, g, prev)
			}
			if g < 0 || g > 1 {
				t.Fatalf("%v: g(%d/%d) = %g outside [0, 1]", c, k, steps, g)
			}
			prev = g
		}
		if s, err := ParseCurve(c.String()); err != nil || s != c {
			t.Errorf("ParseCurve(%q) = %v, %v", c.String(), s, err)
		}
	}
	if _, err := ParseCurve("cosine"); err == nil {
		t.Error(`ParseCurve("cosine") accepted`)
	}
}

// TestFadeMiddleSample: a 3.000 s fade at 44.1 kHz is 132 300 samples; its
// middle sample k = 66 150 has t = 0.5 (loudness.md §6.1).
func TestFadeMiddleSample(t *testing.T) {
	const n, mid = 132300, 66150
	want := map[Curve]float64{
		Linear: 0.5,
		Sine:   0.70710678118654752, // sin(π/4)
		SCurve: 0.5,
		Log:    0.93979400086720376,   // 1 + 0.2·log10(0.5)
		Exp:    0.0031622776601683794, // 10^(−2.5)
	}
	for _, c := range curves {
		in := [][]float64{ones(n)}
		FadeIn(in, c, 0, n)
		out := [][]float64{ones(n)}
		FadeOut(out, c, 0, n)
		if math.Abs(in[0][mid]-want[c]) > 1e-15 {
			t.Errorf("%v fade-in: middle sample %.17g, want %.17g", c, in[0][mid], want[c])
		}
		if math.Abs(out[0][mid]-want[c]) > 1e-15 {
			t.Errorf("%v fade-out: middle sample %.17g, want %.17g", c, out[0][mid], want[c])
		}
		if in[0][0] != 0 || out[0][0] != 1 {
			t.Errorf("%v: fade-in starts at %g, fade-out at %g; want 0 and 1", c, in[0][0], out[0][0])
		}
	}
}

func ones(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
	}
	return x
}

// TestFadeStreamed: applying a fade block by block, with the blocks'
// offsets inside the region, gives the same samples as one call, and
// leaves the frames outside the region alone.
func TestFadeStreamed(t *testing.T) {
	const n, start, length = 50000, 1234, 40000
	x := sine(n, 0.9, 441, 44100, 0)
	for _, c := range curves {
		for _, out := range []bool{false, true} {
			fade := FadeIn
			if out {
				fade = FadeOut
			}
			ref := [][]float64{append([]float64(nil), x...)}
			fade([][]float64{ref[0][start:]}, c, 0, length)
			for _, size := range []int{1, 7, 787, 81761} {
				y := append([]float64(nil), x...)
				for off := 0; off < n; off += size {
					end := min(off+size, n)
					fade([][]float64{y[off:end]}, c, int64(off-start), length)
				}
				for i := range y {
					if y[i] != ref[0][i] {
						t.Fatalf("%v (out %v) block size %d: frame %d = %g, one call gives %g", c, out, size, i, y[i], ref[0][i])
					}
					if (i < start || i >= start+length) && y[i] != x[i] {
						t.Fatalf("%v (out %v): frame %d outside the region changed", c, out, i)
					}
				}
			}
			// A full-scale sine through the fade never exceeds its peak.
			for i, v := range ref[0] {
				if math.Abs(v) > math.Abs(x[i]) {
					t.Fatalf("%v: frame %d grew from %g to %g", c, i, x[i], v)
				}
			}
		}
	}
}

func TestCrossfadePairs(t *testing.T) {
	const n = 132300
	var worstP, worstA float64
	for k := 0; k <= n; k++ {
		t := float64(k) / n
		o, i := CrossfadeGains(ConstantPower, t)
		worstP = max(worstP, math.Abs(o*o+i*i-1))
		o, i = CrossfadeGains(ConstantAmplitude, t)
		worstA = max(worstA, math.Abs(o+i-1))
	}
	t.Logf("constant power: max |g_in²+g_out²-1| = %.2g; constant amplitude: max |g_in+g_out-1| = %.2g", worstP, worstA)
	if worstP > 1e-12 {
		t.Errorf("constant power pair deviates by %g, want <= 1e-12", worstP)
	}
	if worstA > 1e-12 {
		t.Errorf("constant amplitude pair deviates by %g, want <= 1e-12", worstA)
	}
	if o, i := CrossfadeGains(ConstantPower, 0); o != 1 || i != 0 {
		t.Errorf("constant power at t=0: out %g in %g, want 1, 0", o, i)
	}
	if o, i := CrossfadeGains(ConstantPower, 1); math.Abs(o) > 1e-16 || i != 1 {
		t.Errorf("constant power at t=1: out %g in %g, want 0, 1", o, i)
	}
	// The mix: equal DC signals through a constant-amplitude crossfade stay
	// constant, block by block.
	a, b := [][]float64{ones(1000)}, [][]float64{ones(1000)}
	dst := [][]float64{make([]float64, 1000)}
	for off := 0; off < 1000; off += 37 {
		end := min(off+37, 1000)
		if err := Crossfade([][]float64{dst[0][off:end]}, [][]float64{a[0][off:end]}, [][]float64{b[0][off:end]},
			ConstantAmplitude, int64(off), 1000); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range dst[0] {
		if math.Abs(v-1) > 1e-15 {
			t.Fatalf("constant-amplitude crossfade of equal signals: frame %d = %.17g, want 1", i, v)
		}
	}
	if err := Crossfade(dst, a, [][]float64{ones(999)}, ConstantPower, 0, 10); err == nil {
		t.Error("Crossfade accepted blocks of different lengths")
	}
}

// TestFadeAgainstFFmpeg compares every curve with FFmpeg's afade, whose
// formulas loudness.md §6.1 names as the oracle: tri, qsin, log, exp, hsin.
func TestFadeAgainstFFmpeg(t *testing.T) {
	ffmpeg := testtool.Require(t, "ffmpeg", "ffmpeg")
	names := map[Curve]string{Linear: "tri", Sine: "qsin", Log: "log", Exp: "exp", SCurve: "hsin"}
	const n, start, length = 30000, 1000, 22050
	var raw bytes.Buffer
	for range n {
		binary.Write(&raw, binary.LittleEndian, 1.0)
	}
	for _, c := range curves {
		for _, typ := range []string{"in", "out"} {
			cmd := exec.Command(ffmpeg, "-v", "error", "-f", "f64le", "-ar", "44100", "-ac", "1", "-i", "-",
				"-af", "afade=t="+typ+":ss=1000:ns=22050:curve="+names[c], "-f", "f64le", "-c:a", "pcm_f64le", "-")
			cmd.Stdin = bytes.NewReader(raw.Bytes())
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("ffmpeg afade %s %s: %v", typ, names[c], err)
			}
			if len(b) != 8*n {
				t.Fatalf("ffmpeg returned %d bytes, want %d", len(b), 8*n)
			}
			want := make([]float64, n)
			binary.Read(bytes.NewReader(b), binary.LittleEndian, want)
			got := [][]float64{ones(n)}
			if typ == "in" {
				FadeIn([][]float64{got[0][start:]}, c, 0, length)
			} else {
				FadeOut([][]float64{got[0][start:]}, c, 0, length)
			}
			var worst float64
			for k := range length {
				if c == Exp && typ == "in" && k == 0 {
					continue // lathe's exp snaps g(0) to 0; FFmpeg gives 1e-5
				}
				worst = max(worst, math.Abs(got[0][start+k]-want[start+k]))
			}
			if worst > 1e-12 {
				t.Errorf("%v fade-%s differs from ffmpeg afade curve=%s by up to %g", c, typ, names[c], worst)
			}
		}
	}
}

func TestGain(t *testing.T) {
	if g := DBToLinear(-6.020599913279624); math.Abs(g-0.5) > 1e-15 {
		t.Errorf("DBToLinear(-6.0206) = %.17g, want 0.5", g)
	}
	if d := LinearToDB(0.1); math.Abs(d+20) > 1e-12 {
		t.Errorf("LinearToDB(0.1) = %g, want -20", d)
	}
	x := [][]float64{{1, -0.5, 0.25}}
	ApplyGain(x, 2)
	if x[0][0] != 2 || x[0][1] != -1 || x[0][2] != 0.5 {
		t.Errorf("ApplyGain(2) = %v", x[0])
	}
}
