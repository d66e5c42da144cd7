package album

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func stereo(rate int, frames int64) SourceInfo {
	return SourceInfo{Rate: rate, Channels: 2, Bits: 24, Frames: frames}
}

func mustDecode(t *testing.T, toml string) *Album {
	t.Helper()
	a, probs := Decode("album.toml", []byte(toml))
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	return a
}

// The worked example of docs/cd-formats.md §2.10: 5.0 s, 2 s gap, 7.0 s,
// 2 s gap, 6.5 s gives the PQ times printed there.
func TestPlanWorkedExample(t *testing.T) {
	a := mustDecode(t, head+tracks(3))
	l, probs := Plan(a, []SourceInfo{stereo(44100, 5*44100), stereo(44100, 7*44100), stereo(44100, 6*44100+22050)})
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	want := []struct{ idx0, idx1 string }{{"00:00:00", "00:02:00"}, {"00:07:00", "00:09:00"}, {"00:16:00", "00:18:00"}}
	for k, w := range want {
		tr := l.Tracks[k]
		if got := MSF(tr.Index0); got != w.idx0 {
			t.Errorf("track %d index 00 = %s, want %s", k+1, got, w.idx0)
		}
		if got := MSF(tr.Index[0]); got != w.idx1 {
			t.Errorf("track %d index 01 = %s, want %s", k+1, got, w.idx1)
		}
	}
	if got := MSF(l.LeadOut); got != "00:24:38" {
		t.Errorf("lead-out = %s, want 00:24:38", got)
	}
	// Track 3's 6.5 s end mid-sector: 294 samples of padding.
	if got := l.LeadOut*588 - l.Tracks[2].End(); got != 294 {
		t.Errorf("padding = %d samples, want 294", got)
	}
	if got := l.Album(); got != (Span{150, 1838}) {
		t.Errorf("album span = %v, want {150 1838}", got)
	}
}

// With a gap, the silence absorbs the rounding: index 01 falls on the first
// sector at or after the requested gap, so the gap only grows.
func TestPlanGapRounding(t *testing.T) {
	a := mustDecode(t, head+tracks(2))
	for _, extra := range []int64{0, 1, 100, 293, 294, 295, 587} {
		first := int64(5*44100) + extra
		l, probs := Plan(a, []SourceInfo{stereo(44100, first), stereo(44100, 10*44100)})
		if err := probs.Err(); err != nil {
			t.Fatal(err)
		}
		t1, t2 := l.Tracks[0], l.Tracks[1]
		silence := t2.Start - t1.End()
		if silence < 88200 || silence >= 88200+588 {
			t.Errorf("track 1 + %d samples: gap = %d samples, want 88200 to 88787", extra, silence)
		}
		if t2.Start != t2.Index[0]*588 {
			t.Errorf("track 1 + %d samples: track 2 audio at %d, not at index 01 (%d)", extra, t2.Start, t2.Index[0]*588)
		}
		if t2.Index0*588 < t1.End() {
			t.Errorf("track 1 + %d samples: index 00 at sample %d cuts track 1's audio (ends %d)", extra, t2.Index0*588, t1.End())
		}
		if t2.Index[0]-t2.Index0 != 150 {
			t.Errorf("track 1 + %d samples: pause = %d sectors, want 150", extra, t2.Index[0]-t2.Index0)
		}
	}
}

// Gapless boundaries move to the nearest sector, at most 294 samples, and
// the per-track files still tile the program.
func TestPlanGapless(t *testing.T) {
	a := mustDecode(t, head+tracks(3)+"[sequence]\ngap = 0\n")
	for _, extra := range []int64{0, 1, 293, 294, 295, 587} {
		l, probs := Plan(a, []SourceInfo{stereo(44100, 5*44100+extra), stereo(44100, 6*44100+extra), stereo(44100, 5*44100)})
		if err := probs.Err(); err != nil {
			t.Fatal(err)
		}
		for k := 1; k < 3; k++ {
			tr := l.Tracks[k]
			if tr.Start != l.Tracks[k-1].End() {
				t.Errorf("+%d: track %d audio starts at %d, previous ends at %d", extra, k+1, tr.Start, l.Tracks[k-1].End())
			}
			if d := tr.Index[0]*588 - tr.Start; d < -294 || d > 294 {
				t.Errorf("+%d: track %d index 01 moved %d samples, want at most 294", extra, k+1, d)
			}
			if tr.HasPause() {
				t.Errorf("+%d: gapless track %d has an index 00", extra, k+1)
			}
		}
	}
}

// Per-track cut lengths sum to the program length at 44.1, 48 and 96 kHz,
// with no sample lost or repeated.
func TestPlanCutsTile(t *testing.T) {
	toml := head + tracks(4) + "[[track]]\nfile = \"x.wav\"\ncrossfade = \"1.5s\"\n[[track]]\nfile = \"y.wav\"\ngap = \"1.234s\"\n"
	a := mustDecode(t, toml)
	for _, rate := range []int{44100, 48000, 96000} {
		src := []SourceInfo{}
		for k := range 6 {
			src = append(src, stereo(rate, int64(7*rate+k*777+13)))
		}
		a.Tracks[1].Gap = Time{}
		l, probs := Plan(a, src)
		if err := probs.Err(); err != nil {
			t.Fatal(err)
		}
		for _, mode := range []GapMode{GapsAppend, GapsPrepend, GapsDrop} {
			var sum int64
			cuts := l.Cuts(mode)
			for k, c := range cuts {
				s, e := c.Samples(rate)
				if e <= s {
					t.Fatalf("%d Hz %s: track %d cut %v is empty", rate, mode, k+1, c)
				}
				if k > 0 && mode != GapsDrop && cuts[k-1].End != c.Start {
					t.Errorf("%d Hz %s: track %d starts at sector %d, previous ends at %d", rate, mode, k+1, c.Start, cuts[k-1].End)
				}
				sum += e - s
			}
			program := Samples(l.LeadOut-l.Tracks[0].Index[0], rate)
			if mode != GapsDrop && sum != program {
				t.Errorf("%d Hz %s: cuts sum to %d samples, program is %d", rate, mode, sum, program)
			}
			if mode == GapsDrop {
				gaps := int64(0)
				for _, tr := range l.Tracks[1:] {
					gaps += Samples(tr.Index[0]-tr.Index0, rate)
				}
				if sum+gaps != program {
					t.Errorf("%d Hz drop: cuts %d + gaps %d != program %d", rate, sum, gaps, program)
				}
			}
		}
	}
}

func TestPlanEdgeCases(t *testing.T) {
	// 99 tracks of exactly 4 s, gapless: the shortest legal album.
	a := mustDecode(t, head+tracks(99)+"[sequence]\ngap = 0\n")
	src := make([]SourceInfo, 99)
	for k := range src {
		src[k] = stereo(44100, 4*44100)
	}
	l, probs := Plan(a, src)
	if err := probs.Err(); err != nil {
		t.Fatalf("99 tracks of 4 s: %v", err)
	}
	if got, want := l.LeadOut, int64(150+99*300); got != want {
		t.Errorf("lead-out = %d sectors, want %d", got, want)
	}
	// One sample short of 4 s.
	src[50].Frames--
	_, probs = Plan(a, src)
	want := "album.toml:205:3: track[51]: 0:03.999 of audio; the Red Book minimum track length is 4 s"
	if err := probs.Err(); err == nil || err.Error() != want {
		t.Errorf("3.99998 s track: %v, want %s", err, want)
	}
}

func TestPlanProblems(t *testing.T) {
	long := head + tracks(2)
	tests := []struct {
		name, toml string
		src        []SourceInfo
		want       string
	}{
		{"3.9 s track", head + tracks(2), []SourceInfo{stereo(44100, 60*44100), stereo(44100, 39*4410)},
			"album.toml:9:3: track[2]: 0:03.900 of audio; the Red Book minimum track length is 4 s"},
		{"81 minutes", long, []SourceInfo{stereo(44100, 40*60*44100), stereo(44100, 41*60*44100)},
			"album.toml: sequence.max_length: the disc is 81:04:00 long (lead-out), past 79:59:74; most plants press at most 79:59:74 without a waiver (raise [sequence] max_length if yours agrees)"},
		{"100 minutes", long + "[sequence]\nmax_length = \"99:59.98\"\n", []SourceInfo{stereo(44100, 50*60*44100), stereo(44100, 50*60*44100)},
			"album.toml:1:2: album: the disc is 100:04:00 long (lead-out), past 99:59:74, the largest time a CD address can hold"},
		{"trim past end", head + "[[track]]\nfile = \"a.wav\"\nend = \"1:00\"\n", []SourceInfo{stereo(44100, 30*44100)},
			"album.toml:7:7: track[1].end: end 60s is past the end of a.wav (0:30.000 long)"},
		{"start past end", head + "[[track]]\nfile = \"a.wav\"\nstart = \"1:00\"\n", []SourceInfo{stereo(44100, 30*44100)},
			"album.toml:7:9: track[1].start: start 60s is past the end of a.wav (0:30.000 long)"},
		{"fade longer than track", head + "[[track]]\nfile = \"a.wav\"\nfade_out = \"12s\"\n", []SourceInfo{stereo(44100, 10*44100)},
			"album.toml:7:12: track[1].fade_out: fade-out 12s is longer than the track's audio (0:10.000)"},
		{"fades together too long", head + "[[track]]\nfile = \"a.wav\"\nfade_in = \"6s\"\nfade_out = \"6s\"\n", []SourceInfo{stereo(44100, 10*44100)},
			"album.toml:8:12: track[1].fade_out: fade-in 6s and fade-out 6s together are longer than the track's audio (0:10.000)"},
		{"crossfade longer than neighbour", head + "[[track]]\nfile = \"a.wav\"\n[[track]]\nfile = \"b.wav\"\ncrossfade = \"8s\"\n", []SourceInfo{stereo(44100, 30*44100), stereo(44100, 6*44100)},
			"album.toml:9:13: track[2].crossfade: crossfade 8s is longer than the track's audio (0:06.000)"},
		{"index past end", head + "[[track]]\nfile = \"a.wav\"\nindex = [\"0:20\"]\n", []SourceInfo{stereo(44100, 10*44100)},
			"album.toml:7:10: track[1].index[1]: index 02 at 20s is past the end of the track (0:10.000 of audio)"},
		{"index same sector", head + "[[track]]\nfile = \"a.wav\"\nindex = [\"1ms\"]\n", []SourceInfo{stereo(44100, 10*44100)},
			"album.toml:7:10: track[1].index[1]: index 02 at 0.001s falls on the same sector as index 01 or before it (00:02:00)"},
		{"six channels", head + tracks(1), []SourceInfo{{Rate: 48000, Channels: 6, Bits: 24, Frames: 480000}},
			"album.toml:6:8: track[1].file: 01.wav has 6 channels; lathe masters stereo (or mono as dual mono)"},
		{"odd rate", head + tracks(1), []SourceInfo{stereo(22050, 22050*10)},
			"album.toml:6:8: track[1].file: 01.wav: 22050 Hz is not a mastering rate (want 44100, 48000, 88200, 96000, 176400 or 192000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustDecode(t, tt.toml)
			_, probs := Plan(a, tt.src)
			var got []string
			for _, p := range probs {
				got = append(got, p.Error())
			}
			if strings.Join(got, "\n") != tt.want {
				t.Errorf("Plan problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), tt.want)
			}
		})
	}
	// A mono source is a warning, not an error.
	a := mustDecode(t, head+tracks(1))
	l, probs := Plan(a, []SourceInfo{{Rate: 44100, Channels: 1, Bits: 16, Frames: 441000}})
	if l == nil || probs.Err() != nil || len(probs.Warnings()) != 1 || !l.Tracks[0].Mono {
		t.Errorf("mono source: layout %v, problems %v", l != nil, probs)
	} else if got, want := probs[0].Error(), "album.toml:6:8: warning: track[1].file: 01.wav is mono: it is used as dual mono (the same signal on both channels)"; got != want {
		t.Errorf("mono warning = %s, want %s", got, want)
	}
}

// A randomized property test over generated albums: whatever the lengths,
// gaps, crossfades and rates, the layout keeps the Red Book and the program
// invariants.
func TestPlanProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rates := []int{44100, 48000, 96000}
	n := 300
	if testing.Short() {
		n = 50
	}
	for iter := range n {
		tracksN := 1 + rng.IntN(30)
		if iter%25 == 0 {
			tracksN = 99
		}
		var b strings.Builder
		b.WriteString(head)
		fmt.Fprintf(&b, "[sequence]\npregap = \"%df\"\n", 150+rng.IntN(300))
		src := make([]SourceInfo, tracksN)
		rate := rates[rng.IntN(len(rates))]
		for k := range tracksN {
			fmt.Fprintf(&b, "[[track]]\nfile = \"%d.wav\"\n", k)
			srcRate := rate
			if rng.IntN(4) == 0 {
				srcRate = rates[rng.IntN(len(rates))]
			}
			maxLen := 60
			if tracksN == 99 {
				maxLen = 20 // keep 99-track albums under 80 minutes
			}
			frames := int64(6*srcRate) + rng.Int64N(int64(maxLen*srcRate))
			src[k] = stereo(srcRate, frames)
			if k > 0 {
				switch rng.IntN(4) {
				case 0:
					b.WriteString("gap = 0\n")
				case 1:
					fmt.Fprintf(&b, "crossfade = \"%dms\"\n", 1+rng.IntN(1500))
				case 2:
					fmt.Fprintf(&b, "gap = \"%dms\"\n", 1+rng.IntN(5000))
				}
			}
		}
		a := mustDecode(t, b.String())
		l, probs := Plan(a, src)
		if err := probs.Err(); err != nil {
			t.Fatalf("iteration %d: %v\n%s", iter, err, b.String())
		}
		S := l.SectorSamples
		if S*75 != int64(l.Rate) {
			t.Fatalf("sector of %d samples at %d Hz", S, l.Rate)
		}
		last := int64(-1)
		for k, tr := range l.Tracks {
			if tr.Index0 > tr.Index[0] {
				t.Fatalf("iteration %d track %d: index 00 after index 01", iter, k+1)
			}
			if tr.Index0 <= last && k > 0 {
				t.Fatalf("iteration %d track %d: index 00 not after previous index", iter, k+1)
			}
			for j := 1; j < len(tr.Index); j++ {
				if tr.Index[j] <= tr.Index[j-1] {
					t.Fatalf("iteration %d track %d: indexes not increasing", iter, k+1)
				}
			}
			last = tr.Index[len(tr.Index)-1]
			if k == 0 && tr.Index[0] < 150 {
				t.Fatalf("iteration %d: pregap %d sectors", iter, tr.Index[0])
			}
			if k > 0 {
				prev := l.Tracks[k-1]
				switch {
				case tr.Crossfade > 0:
					if tr.Start != prev.End()-tr.Crossfade {
						t.Fatalf("iteration %d track %d: crossfade misplaced", iter, k+1)
					}
				case tr.HasPause() || tr.Start != prev.End():
					if tr.Start != tr.Index[0]*S || tr.Index0*S < prev.End() || tr.Start < prev.End() {
						t.Fatalf("iteration %d track %d: gap cuts audio", iter, k+1)
					}
				}
				if d := tr.Index[0]*S - tr.Start; d < -S/2 || d > S/2 {
					t.Fatalf("iteration %d track %d: index 01 %d samples from the audio start", iter, k+1, d)
				}
			}
			if next := l.LeadOut; k+1 < len(l.Tracks) {
				next = l.Tracks[k+1].Index[0]
				if next-tr.Index[0] < 300 {
					t.Fatalf("iteration %d track %d: %d sectors", iter, k+1, next-tr.Index[0])
				}
			}
		}
		// The lead-out is the first sector boundary that holds the audio
		// at the program rate and at every source rate (At).
		need := int64(0)
		for _, s := range append([]SourceInfo{{Rate: l.Rate}}, src...) {
			r := l.At(a, s.Rate)
			if !r.Fits() {
				t.Fatalf("iteration %d: at %d Hz the audio ends past the lead-out", iter, s.Rate)
			}
			end := r.Tracks[len(r.Tracks)-1].End()
			need = max(need, (end+r.SectorSamples-1)/r.SectorSamples)
			checkAt(t, iter, a, l, r)
		}
		if l.LeadOut != need {
			t.Fatalf("iteration %d: lead-out %d sectors, the audio needs %d", iter, l.LeadOut, need)
		}
		for _, r := range []int{44100, 48000, 96000} {
			var sum int64
			for _, c := range l.Cuts(GapsAppend) {
				s, e := c.Samples(r)
				sum += e - s
			}
			if sum != Samples(l.LeadOut-l.Tracks[0].Index[0], r) {
				t.Fatalf("iteration %d: cuts at %d Hz sum to %d", iter, r, sum)
			}
		}
	}
}

// checkAt checks the layout r of l at another rate: the same sectors, each
// source's audio whole (taken as it is at its own rate), placed after a
// gap at index 01, gapless or crossfaded as at the program rate, and at
// most two samples from where the program rate puts it.
func checkAt(t *testing.T, iter int, a *Album, l, r *Layout) {
	t.Helper()
	if r.SectorSamples*SectorsPerSecond != int64(r.Rate) || r.LeadOut != l.LeadOut || len(r.Tracks) != len(l.Tracks) {
		t.Fatalf("iteration %d at %d Hz: sectors %d, lead-out %d, %d tracks", iter, r.Rate, r.SectorSamples, r.LeadOut, len(r.Tracks))
	}
	for k := range r.Tracks {
		tr, tp := &r.Tracks[k], &l.Tracks[k]
		if tr.Index0 != tp.Index0 || !slices.Equal(tr.Index, tp.Index) || tr.SourceStart != tp.SourceStart || tr.SourceLength != tp.SourceLength {
			t.Fatalf("iteration %d at %d Hz track %d: indexes or source span changed", iter, r.Rate, k+1)
		}
		if tr.SourceRate == r.Rate && tr.Length != tr.SourceLength {
			t.Fatalf("iteration %d at %d Hz track %d: %d samples of a %d-sample source at that rate", iter, r.Rate, k+1, tr.Length, tr.SourceLength)
		}
		if tr.FadeIn < 0 || tr.FadeOut < 0 || tr.FadeIn+tr.FadeOut > tr.Length || tr.Crossfade > tr.Length {
			t.Fatalf("iteration %d at %d Hz track %d: fades %d+%d, crossfade %d for %d samples", iter, r.Rate, k+1, tr.FadeIn, tr.FadeOut, tr.Crossfade, tr.Length)
		}
		at := &a.Tracks[k]
		switch {
		case k == 0 || (at.Crossfade.IsZero() && !at.Gap.IsZero()):
			if tr.Start != tr.Index[0]*r.SectorSamples {
				t.Fatalf("iteration %d at %d Hz track %d: audio at %d, index 01 at %d", iter, r.Rate, k+1, tr.Start, tr.Index[0]*r.SectorSamples)
			}
		default:
			prev := &r.Tracks[k-1]
			if tr.Start != prev.End()-tr.Crossfade || tr.Crossfade+prev.Crossfade > prev.Length {
				t.Fatalf("iteration %d at %d Hz track %d: audio at %d, crossfade %d after audio ending at %d", iter, r.Rate, k+1, tr.Start, tr.Crossfade, prev.End())
			}
		}
		// The same instant, to rounding: a sample at each rate per track.
		drift := float64(tr.Start)/float64(r.Rate) - float64(tp.Start)/float64(l.Rate)
		if lim := float64(k+2) / float64(min(r.Rate, l.Rate)); drift > lim || drift < -lim {
			t.Fatalf("iteration %d at %d Hz track %d: audio starts %.3g s from the program's", iter, r.Rate, k+1, drift)
		}
	}
}

// TestPlanLeadOutHoldsEveryRate: gapless tracks at mixed rates, whose
// lengths round so that at 44.1 kHz the audio ends in the sector after
// the one it ends in at the program rate (96 kHz). The lead-out holds it
// at every source rate, so that a CD laid out at 44.1 kHz keeps all of it.
func TestPlanLeadOutHoldsEveryRate(t *testing.T) {
	src := []SourceInfo{stereo(48000, 1619743), stereo(48000, 754605), stereo(48000, 1067858), stereo(48000, 980422),
		stereo(48000, 1031706), stereo(96000, 2886397), stereo(48000, 1508423), stereo(96000, 3285400),
		stereo(44100, 1079757), stereo(96000, 2151236)}
	var b strings.Builder
	b.WriteString(head)
	for k := range src {
		fmt.Fprintf(&b, "[[track]]\nfile = \"%d.wav\"\n", k)
		if k > 0 {
			b.WriteString("gap = 0\n")
		}
	}
	a := mustDecode(t, b.String())
	l, probs := Plan(a, src)
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	end := l.Tracks[len(l.Tracks)-1].End()
	if atP := (end + l.SectorSamples - 1) / l.SectorSamples; l.LeadOut != atP+1 {
		t.Errorf("lead-out %d sectors; the audio ends in sector %d at %d Hz, and in the next at 44.1 kHz", l.LeadOut, atP, l.Rate)
	}
	for _, r := range []int{44100, 48000} {
		if at := l.At(a, r); !at.Fits() {
			t.Errorf("at %d Hz the audio ends at %d, past the lead-out (%d)", r, at.Tracks[len(at.Tracks)-1].End(), Samples(l.LeadOut, r))
		}
	}
}
