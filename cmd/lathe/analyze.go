package main

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/render"
)

func newAnalyzeCommand(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "analyze [PROJECT]",
		Short: "Measure loudness and peaks, and show the gains the plan applies",
		Long: `Analyze measures every track and the album as the build will render them
(trimmed, resampled to the program rate, faded and crossfaded, at unity
gain): integrated loudness (ITU-R BS.1770-4), loudness range (EBU Tech
3342), max momentary and short-term loudness, sample peak and true peak.
It then shows the gain the project's loudness plan applies to each track
and the predicted result, and the same for every delivery that overrides
[loudness].

With --json it prints one JSON object (schema lathe/analyze/1, documented
in docs/json.md). Loudness is in LUFS, ranges in LU, peaks in dBFS and
dBTP; silence, whose loudness is minus infinity, is null.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			ctx, stop := interruptible()
			defer stop()
			p, probs, err := loadProject(arg)
			if err != nil {
				return err
			}
			if printProblems(e.stderr, probs) {
				return reportedError{fmt.Errorf("invalid project")}
			}
			sources := make([]string, len(p.album.Tracks))
			for i, t := range p.album.Tracks {
				sources[i] = p.sourcePath(t.File)
			}
			an, err := render.Analyze(ctx, p.album, p.layout, sources, render.AnalyzeOptions{})
			if err != nil {
				return err
			}
			r, err := newAnalyzeReport(p, an)
			if err != nil {
				return err
			}
			for _, w := range r.warnings {
				fmt.Fprintf(e.stderr, "%s: warning: %s\n", p.path, w)
			}
			if asJSON {
				return printJSON(e.stdout, r)
			}
			r.print(e.stdout)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (schema lathe/analyze/1)")
	return cmd
}

// level is a loudness or peak value in JSON: a number rounded to 0.001,
// or null for minus infinity (silence).
type level float64

func (v level) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	return []byte(fmt.Sprintf("%.3f", f)), nil
}

// String formats a level for the table: one decimal, "-inf" for silence.
func (v level) String() string {
	f := float64(v)
	if math.IsInf(f, -1) || math.IsNaN(f) {
		return "-inf"
	}
	return fmt.Sprintf("%.1f", f)
}

// analyzeReport is the output of lathe analyze (schema lathe/analyze/1).
type analyzeReport struct {
	Schema     string           `json:"schema"`
	Project    string           `json:"project"`
	Rate       int              `json:"rate"`
	Loudness   loudnessSettings `json:"loudness"`
	Tracks     []analyzedTrack  `json:"tracks"`
	Album      analyzedAlbum    `json:"album"`
	Deliveries []plannedDeliv   `json:"deliveries"`

	warnings []string
}

type loudnessSettings struct {
	Match       string   `json:"match"`
	Target      *float64 `json:"target"`
	MaxTruePeak float64  `json:"max_true_peak"`
	OverCeiling string   `json:"over_ceiling"`
}

type analyzedTrack struct {
	Number          int    `json:"number"`
	Title           string `json:"title"`
	File            string `json:"file"`
	Samples         int64  `json:"samples"` // measured segment, at the program rate
	Duration        string `json:"duration"`
	Integrated      level  `json:"integrated"`
	Range           level  `json:"range"`
	MaxMomentary    level  `json:"max_momentary"`
	MaxShortTerm    level  `json:"max_short_term"`
	SamplePeak      level  `json:"sample_peak"`
	TruePeak        level  `json:"true_peak"`
	TruePeakTime    string `json:"true_peak_time"`
	Gain            level  `json:"gain"`
	Reduced         level  `json:"reduced"`
	IntegratedAfter level  `json:"integrated_after"`
	TruePeakAfter   level  `json:"true_peak_after"`
	OverCeiling     bool   `json:"over_ceiling"`
}

type analyzedAlbum struct {
	Integrated      level `json:"integrated"`
	Range           level `json:"range"`
	SamplePeak      level `json:"sample_peak"`
	TruePeak        level `json:"true_peak"`
	IntegratedAfter level `json:"integrated_after"`
	TruePeakAfter   level `json:"true_peak_after"`
}

// plannedDeliv is the plan of a delivery that overrides [loudness].
type plannedDeliv struct {
	Name            string           `json:"name"`
	Loudness        loudnessSettings `json:"loudness"`
	Gains           []level          `json:"gains"`
	IntegratedAfter level            `json:"integrated_after"`
	TruePeakAfter   level            `json:"true_peak_after"`
	Overs           []int            `json:"overs"` // track numbers the limiter will treat
}

func settingsOf(l album.Loudness) loudnessSettings {
	return loudnessSettings{Match: string(l.Match), Target: l.Target, MaxTruePeak: l.MaxTruePeak, OverCeiling: string(l.OverCeiling)}
}

// planOf returns the gain plan of settings l. Under the error policy a
// track over the ceiling makes the build fail; analyze still shows the
// gains (planned as with limit) and says why the build would fail.
func planOf(an *render.Analysis, l album.Loudness, who string, warnings *[]string) (*loudness.GainPlan, error) {
	plan, err := an.Plan(l)
	if oe, ok := err.(*loudness.OverError); ok {
		*warnings = append(*warnings, fmt.Sprintf("%s: %v; over_ceiling = \"error\" makes the build fail", who, oe))
		l.OverCeiling = album.CeilingLimit
		plan, err = an.Plan(l)
	}
	return plan, err
}

// afterGain returns the album's loudness and true peak after per-track
// gains: the pooled gating blocks scale with each track's gain.
func afterGain(an *render.Analysis, gains []float64) (integrated, truePeak float64, err error) {
	scaled := make([]*loudness.Measurement, len(an.Tracks))
	tp := math.Inf(-1)
	for k, m := range an.Tracks {
		scaled[k] = m.WithGain(gains[k])
		tp = math.Max(tp, m.TruePeak+gains[k])
	}
	al, err := loudness.MeasureAlbum(scaled, nil)
	if err != nil {
		return 0, 0, err
	}
	return al.Integrated, tp, nil
}

func newAnalyzeReport(p *project, an *render.Analysis) (*analyzeReport, error) {
	a := p.album
	r := &analyzeReport{Schema: "lathe/analyze/1", Project: p.path, Rate: an.Rate, Loudness: settingsOf(a.Loudness)}
	plan, err := planOf(an, a.Loudness, "[loudness]", &r.warnings)
	if err != nil {
		return nil, err
	}
	over := map[int]bool{}
	for _, o := range plan.Overs {
		over[o.Track] = true
	}
	for k, m := range an.Tracks {
		g := plan.Gains[k]
		r.Tracks = append(r.Tracks, analyzedTrack{
			Number: k + 1, Title: a.Tracks[k].Title, File: a.Tracks[k].File,
			Samples:    m.Frames,
			Duration:   clockTime(m.Frames, an.Rate),
			Integrated: level(m.Integrated), Range: level(m.Range),
			MaxMomentary: level(m.MaxMomentary), MaxShortTerm: level(m.MaxShortTerm),
			SamplePeak: level(m.SamplePeak), TruePeak: level(m.TruePeak),
			TruePeakTime: clockTime(max(m.TruePeakPos, 0), an.Rate),
			Gain:         level(g), Reduced: level(plan.Reduced[k]),
			IntegratedAfter: level(m.Integrated + g), TruePeakAfter: level(m.TruePeak + g),
			OverCeiling: over[k],
		})
	}
	ia, tpa, err := afterGain(an, plan.Gains)
	if err != nil {
		return nil, err
	}
	r.Album = analyzedAlbum{
		Integrated: level(an.Album.Integrated), Range: level(an.Album.Range),
		SamplePeak: level(an.Album.SamplePeak), TruePeak: level(an.Album.TruePeak),
		IntegratedAfter: level(ia), TruePeakAfter: level(tpa),
	}
	r.Deliveries = []plannedDeliv{}
	for i := range a.Deliveries {
		d := &a.Deliveries[i]
		if d.Loudness == nil {
			continue
		}
		l := a.LoudnessFor(d)
		dp, err := planOf(an, l, fmt.Sprintf("delivery %q", d.Name), &r.warnings)
		if err != nil {
			return nil, err
		}
		ia, tpa, err := afterGain(an, dp.Gains)
		if err != nil {
			return nil, err
		}
		pd := plannedDeliv{Name: d.Name, Loudness: settingsOf(l), IntegratedAfter: level(ia), TruePeakAfter: level(tpa), Overs: []int{}}
		for _, g := range dp.Gains {
			pd.Gains = append(pd.Gains, level(g))
		}
		for _, o := range dp.Overs {
			pd.Overs = append(pd.Overs, o.Track+1)
		}
		r.Deliveries = append(r.Deliveries, pd)
	}
	return r, nil
}

// clockTime formats frames as m:ss.fff.
func clockTime(frames int64, rate int) string {
	ms := frames * 1000 / int64(rate)
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

func (r *analyzeReport) print(w io.Writer) {
	fmt.Fprintf(w, "%s: %d tracks at %d Hz\n", r.Project, len(r.Tracks), r.Rate)
	target := "keep the album's loudness"
	if r.Loudness.Target != nil {
		target = fmt.Sprintf("target %.1f LUFS", *r.Loudness.Target)
	}
	fmt.Fprintf(w, "loudness: match %s, %s, ceiling %.1f dBTP (%s)\n\n", r.Loudness.Match, target, r.Loudness.MaxTruePeak, r.Loudness.OverCeiling)
	const row = "%-3s %-22s %9s %7s %6s %7s %7s %7s %7s %7s %7s %7s\n"
	fmt.Fprintf(w, row, "#", "title", "duration", "I", "LRA", "max M", "max S", "SP", "TP", "gain", "I→", "TP→")
	fmt.Fprintf(w, row, "", "", "", "LUFS", "LU", "LUFS", "LUFS", "dBFS", "dBTP", "dB", "LUFS", "dBTP")
	for _, t := range r.Tracks {
		title := t.Title
		if n := []rune(title); len(n) > 22 {
			title = string(n[:21]) + "…"
		}
		tp := t.TruePeakAfter.String()
		if t.OverCeiling {
			tp += " limit"
		}
		fmt.Fprintf(w, row, fmt.Sprintf("%02d", t.Number), title, t.Duration, t.Integrated, t.Range, t.MaxMomentary,
			t.MaxShortTerm, t.SamplePeak, t.TruePeak, signed(t.Gain), t.IntegratedAfter, tp)
	}
	fmt.Fprintf(w, row, "", "album", "", r.Album.Integrated, r.Album.Range, "", "", r.Album.SamplePeak, r.Album.TruePeak,
		"", r.Album.IntegratedAfter, r.Album.TruePeakAfter)
	for _, d := range r.Deliveries {
		var gains []string
		for _, g := range d.Gains {
			gains = append(gains, signed(g))
		}
		target := "keep"
		if d.Loudness.Target != nil {
			target = fmt.Sprintf("%.1f LUFS", *d.Loudness.Target)
		}
		fmt.Fprintf(w, "\ndelivery %q: match %s, %s, ceiling %.1f dBTP (%s)\n  gains %s dB -> album %s LUFS, true peak %s dBTP",
			d.Name, d.Loudness.Match, target, d.Loudness.MaxTruePeak, d.Loudness.OverCeiling, strings.Join(gains, " "), d.IntegratedAfter, d.TruePeakAfter)
		if len(d.Overs) > 0 {
			fmt.Fprintf(w, "; limiter on tracks %v", d.Overs)
		}
		fmt.Fprintln(w)
	}
}

func signed(v level) string {
	if math.IsInf(float64(v), 0) {
		return v.String()
	}
	return fmt.Sprintf("%+.2f", float64(v))
}
