package loudness

import (
	"fmt"
	"math"
	"testing"
)

// The K-weighting coefficients equal BS.1770 Tables 1 and 2 at 48 kHz and
// the table of docs/loudness.md §1.2 at the other rates, within 1e-12
// (the tables print 14 decimals).
func TestKWeightingCoefficients(t *testing.T) {
	table := []struct {
		fs     float64
		shelf  [5]float64 // b0, b1, b2, a1, a2
		hp1, h float64    // stage 2 a1, a2
	}{
		{32000, [5]float64{1.51117789956876, -2.46488941336014, 1.04163327352230, -1.53904509625064, 0.62696685598156}, -1.98508966898869, 0.98514532066955},
		{44100, [5]float64{1.53084123005035, -2.65097999515473, 1.16907907992159, -1.66365511325602, 0.71259542807323}, -1.98916967362980, 0.98919903578704},
		{48000, [5]float64{1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585}, -1.99004745483398, 0.99007225036621},
		{88200, [5]float64{1.55751537557965, -2.90562707992635, 1.36133397747221, -1.83091998796233, 0.84414226108785}, -1.99457751545034, 0.99458487587805},
		{96000, [5]float64{1.55971422897580, -2.92674157825108, 1.37826120231582, -1.84460946989011, 0.85584332293064}, -1.99501754472472, 0.99502375904092},
		{176400, [5]float64{1.57111531774185, -3.03654450240465, 1.46887161198976, -1.91532931683305, 0.91877174416001}, -1.99728692242381, 0.99728876502607},
		{192000, [5]float64{1.57222721509128, -3.04728305156155, 1.47797134097961, -1.92220223060749, 0.92511773511683}, -1.99750722284070, 0.99750877835551},
	}
	for _, r := range table {
		s, h := kWeighting(r.fs)
		got := [7]float64{s.b0, s.b1, s.b2, s.a1, s.a2, h.a1, h.a2}
		want := [7]float64{r.shelf[0], r.shelf[1], r.shelf[2], r.shelf[3], r.shelf[4], r.hp1, r.h}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12 {
				t.Errorf("%.0f Hz: coefficient %d = %.14f, want %.14f", r.fs, i, got[i], want[i])
			}
		}
		if h.b0 != 1 || h.b1 != -2 || h.b2 != 1 {
			t.Errorf("%.0f Hz: high-pass numerator %v %v %v, want 1 -2 1", r.fs, h.b0, h.b1, h.b2)
		}
	}
}

// A full-scale 997 Hz sine in one channel reads −3.01 LUFS: the K-filter
// gain at 997 Hz (+0.691 dB at 48 kHz) is what the −0.691 constant cancels
// (BS.1770 Annex 1).
func TestKWeightingCalibration(t *testing.T) {
	for _, rate := range rates {
		t.Run(fmt.Sprint(rate), func(t *testing.T) {
			x := make([]float64, 10*rate)
			for i := range x {
				x[i] = math.Sin(2 * math.Pi * 997 * float64(i) / float64(rate))
			}
			m := meter(t, Config{Rate: rate, Channels: 1}, [][]float64{x}, 4096)
			near(t, "I", m.Integrated, -3.01, 0.01)
		})
	}
}
