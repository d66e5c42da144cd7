package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/loudness"
)

// The plot's frame, in SVG user units; it scales with the page.
const (
	plotW      = 1000.0
	plotH      = 330.0
	plotLeft   = 46.0 // dB labels
	plotRight  = 58.0 // target and ceiling values
	plotTop    = 30.0 // track numbers
	plotBottom = 28.0 // time labels
)

// gateLUFS is the absolute gate: short-term values below it are drawn as
// silence (a break in the line).
const gateLUFS = -70.0

// point is one short-term value on the album timeline.
type point struct {
	t  float64 // seconds from A-time 00:00:00
	db float64 // LUFS; below gateLUFS or −Inf for silence
}

// peakMark is a track's true peak on the timeline.
type peakMark struct {
	track int
	t     float64 // seconds from A-time 00:00:00
	db    float64 // dBTP
	over  bool    // above the delivery's ceiling
}

// plotData is what the loudness plot draws.
type plotData struct {
	length  float64 // seconds: the lead-out
	tracks  []album.TrackLayout
	after   [][]point // the delivery's short-term values, one run per track
	before  []point   // the analysis stream's, or nil
	peaks   []peakMark
	target  float64 // LUFS, NaN when none
	ceiling float64 // dBTP
	lo, hi  float64 // the dB range drawn
	step    float64 // between grid lines
}

// sectorSeconds converts A-time sectors to seconds.
func sectorSeconds(s int64) float64 { return float64(s) / album.SectorsPerSecond }

// series places a measurement's short-term values on the timeline: the
// measured stream starts at start seconds, and each value is drawn at the
// middle of its 3 s window, where the audio it describes lies.
func series(m *loudness.Measurement, start float64) []point {
	s := m.ShortTermSeries()
	pts := make([]point, len(s))
	for i, v := range s {
		pts[i] = point{t: start + 1.5 + float64(i)*loudness.ShortTermHop/1000, db: v}
	}
	return pts
}

// newPlotData gathers the plot of delivery d, with the analysis stream
// (before any gain) behind it when the build ran one.
func newPlotData(in *Input, d *Delivery) *plotData {
	p := &plotData{length: sectorSeconds(in.Layout.LeadOut), tracks: in.Layout.Tracks, target: math.NaN(), ceiling: d.Loudness.MaxTruePeak}
	if d.Loudness.Target != nil {
		p.target = *d.Loudness.Target
	}
	hi, lo := 0.0, math.Inf(1)
	for k, tr := range d.Report.Tracks {
		m := tr.Output
		if m == nil {
			continue
		}
		start := sectorSeconds(d.Cuts[k].Start)
		p.after = append(p.after, series(m, start))
		if !math.IsInf(m.Integrated, 0) {
			lo = math.Min(lo, m.Integrated)
		}
		if m.TruePeakPos >= 0 && !math.IsNaN(m.TruePeak) && !math.IsInf(m.TruePeak, 0) {
			p.peaks = append(p.peaks, peakMark{track: k + 1, t: start + float64(m.TruePeakPos)/float64(m.Rate), db: m.TruePeak, over: m.TruePeak > p.ceiling})
			hi = math.Max(hi, m.TruePeak)
		}
	}
	if an := in.Analysis; an != nil && an.Stream != nil && len(in.Layout.Tracks) > 0 {
		p.before = series(an.Stream, sectorSeconds(in.Layout.Tracks[0].Index[0]))
		for _, m := range an.Tracks {
			if !math.IsInf(m.Integrated, 0) {
				lo = math.Min(lo, m.Integrated)
			}
		}
	}
	if !math.IsNaN(p.target) {
		lo = math.Min(lo, p.target)
	}
	if math.IsInf(lo, 1) {
		lo = -40
	}
	p.hi = math.Ceil(hi)
	// Quiet passages reach well below a track's integrated loudness.
	p.lo = math.Max(-60, math.Min(lo-15, p.hi-18))
	span := p.hi - p.lo
	switch {
	case span <= 24:
		p.step = 3
	case span <= 48:
		p.step = 6
	default:
		p.step = 12
	}
	p.lo = math.Floor(p.lo/p.step) * p.step
	return p
}

func (p *plotData) x(sec float64) float64 {
	return plotLeft + sec/p.length*(plotW-plotLeft-plotRight)
}

func (p *plotData) y(db float64) float64 {
	db = math.Max(p.lo, math.Min(p.hi, db))
	return plotTop + (p.hi-db)/(p.hi-p.lo)*(plotH-plotTop-plotBottom)
}

// f formats a coordinate.
func f(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}

// path returns SVG path data for runs of points, broken at silence. Where
// points crowd closer than half a unit, the loudest of each half unit is
// kept.
func (p *plotData) path(runs ...[]point) string {
	var b strings.Builder
	for _, run := range runs {
		pen := false
		var bucket int64 = math.MinInt64
		var bx, by float64
		flush := func() {
			if bucket == math.MinInt64 {
				return
			}
			if pen {
				b.WriteString(" L")
			} else {
				b.WriteString(" M")
			}
			b.WriteString(f(bx) + "," + f(by))
			pen = true
			bucket = math.MinInt64
		}
		for _, pt := range run {
			if !(pt.db > gateLUFS) {
				flush()
				pen = false
				continue
			}
			x, y := p.x(pt.t), p.y(pt.db)
			if k := int64(math.Floor(x * 2)); k != bucket {
				flush()
				bucket, bx, by = k, x, y
			} else if y < by { // louder
				by = y
			}
		}
		flush()
	}
	return strings.TrimSpace(b.String())
}

// timeStep returns the spacing of the time axis labels: about ten of them.
func timeStep(length float64) float64 {
	for _, s := range []float64{1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800} {
		if length/s <= 12 {
			return s
		}
	}
	return 3600
}

// svg draws the plot: the frame and grid, gaps shaded, index 01 of every
// track as a labelled line (later index points as ticks), the target and
// ceiling lines, the short-term loudness before (grey) and as delivered,
// and every track's true peak with its value.
func (p *plotData) svg(label string) template.HTML {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	x0, x1 := plotLeft, plotW-plotRight
	y0, y1 := plotTop, plotH-plotBottom
	w(`<svg class="plot" viewBox="0 0 %s %s" role="img" aria-label="%s">`, f(plotW), f(plotH), template.HTMLEscapeString(label))
	w(`<defs><clipPath id="plot-area"><rect x="%s" y="%s" width="%s" height="%s"/></clipPath></defs>`, f(x0), f(y0-8), f(x1-x0), f(y1-y0+8))
	// Gaps: track 1's pregap and every index 00 to index 01.
	for _, t := range p.tracks {
		if t.Index0 < t.Index[0] {
			a, z := p.x(sectorSeconds(t.Index0)), p.x(sectorSeconds(t.Index[0]))
			w(`<rect class="gap" data-track="%d" x="%s" y="%s" width="%s" height="%s"/>`, t.Number, f(a), f(y0), f(z-a), f(y1-y0))
		}
	}
	// Level grid and labels.
	for db := p.hi; db >= p.lo-1e-9; db -= p.step {
		y := p.y(db)
		w(`<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x0), f(y), f(x1), f(y))
		w(`<text class="ylab" x="%s" y="%s">%s</text>`, f(x0-6), f(y+3.5), num(db, 0))
	}
	// The unit runs up the left edge: the row above the frame belongs to
	// the track numbers, and track 1's index 01 sits near its left end.
	w(`<text class="unit" text-anchor="middle" transform="translate(%s %s) rotate(-90)">LUFS · dBTP</text>`, f(12), f((y0+y1)/2))
	// Time axis.
	step := timeStep(p.length)
	for s := 0.0; s <= p.length+1e-9; s += step {
		x := p.x(s)
		w(`<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x), f(y1), f(x), f(y1+4))
		w(`<text class="xlab" x="%s" y="%s">%s</text>`, f(x), f(y1+16), clock(s))
	}
	// Index points: 01 labelled with the track number, 02+ as ticks.
	lastLabel := math.Inf(-1)
	for _, t := range p.tracks {
		x := p.x(sectorSeconds(t.Index[0]))
		w(`<line class="idx" data-track="%d" x1="%s" y1="%s" x2="%s" y2="%s"/>`, t.Number, f(x), f(y0-4), f(x), f(y1))
		if x-lastLabel >= 16 {
			w(`<text class="tlab" x="%s" y="%s">%d</text>`, f(x), f(y0-9), t.Number)
			lastLabel = x
		}
		for _, s := range t.Index[1:] {
			xi := p.x(sectorSeconds(s))
			w(`<line class="idx2" data-track="%d" x1="%s" y1="%s" x2="%s" y2="%s"/>`, t.Number, f(xi), f(y0), f(xi), f(y0+6))
		}
	}
	// Reference lines.
	if !math.IsNaN(p.target) {
		y := p.y(p.target)
		w(`<line class="target" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x0), f(y), f(x1), f(y))
		w(`<text class="rlab target-lab" x="%s" y="%s">%s</text>`, f(x1+6), f(y+3.5), num(p.target, 1))
	}
	if p.ceiling >= p.lo && p.ceiling <= p.hi {
		y := p.y(p.ceiling)
		w(`<line class="ceiling" x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x0), f(y), f(x1), f(y))
		w(`<text class="rlab ceiling-lab" x="%s" y="%s">%s</text>`, f(x1+6), f(y+3.5), num(p.ceiling, 1))
	}
	// Loudness.
	w(`<g clip-path="url(#plot-area)">`)
	if len(p.before) > 0 {
		w(`<path class="before" d="%s"/>`, p.path(p.before))
	}
	w(`<path class="after" d="%s"/>`, p.path(p.after...))
	w(`</g>`)
	// True peaks.
	lastLabel = math.Inf(-1)
	for _, m := range p.peaks {
		x, y := p.x(m.t), p.y(m.db)
		class := "tp"
		if m.over {
			class += " over"
		}
		w(`<g class="%s" data-track="%d"><path d="M%s,%s l4,4 l-4,4 l-4,-4 z"/>`, class, m.track, f(x), f(y-4))
		if x-lastLabel >= 40 {
			w(`<text x="%s" y="%s">%s</text>`, f(x), f(y-8), num(m.db, 1))
			lastLabel = x
		}
		w(`</g>`)
	}
	w(`<rect class="frame" x="%s" y="%s" width="%s" height="%s"/>`, f(x0), f(y0), f(x1-x0), f(y1-y0))
	w(`</svg>`)
	return template.HTML(b.String())
}
