package report

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/dsp"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/render"
)

// page is the report as the template lays it out: every value formatted,
// every choice made.
type page struct {
	Title, Artist string
	Subtitle      string
	Meta          []field
	Cover         template.URL // a data: URI, or ""
	CoverCaption  string
	CoverNote     string
	Findings      []finding

	Main        string // the main delivery's name and format
	Plot        template.HTML
	Legend      []legend
	Tracks      table
	TracksNote  string
	Platforms   table
	PlatformFor string
	Deliveries  table
	Matrix      table
	PQ          *table
	PQHead      []field
	Footer      string
}

type field struct{ Label, Value string }

// finding is one line of the summary: Level is "ok", "info", "warn" or
// "bad".
type finding struct{ Level, Text string }

type legend struct{ Class, Text string }

// table is a table of formatted cells; Groups, if any, is a header row of
// column groups above Head.
type table struct {
	Class  string
	Groups []cell
	Head   []cell
	Rows   [][]cell
	Foot   [][]cell
}

// cell is one table cell: Sub is a second, smaller line; Class styles it
// ("num", "warn", "bad", "muted", ...); Span is its column span (0 = 1).
type cell struct {
	Text, Sub string
	Class     string
	Span      int
	Title     string
}

// kindName is how the report names a delivery kind.
var kindName = map[album.Kind]string{
	album.KindDDP: "DDP", album.KindCue: "WAV + cue", album.KindWAV: "WAV",
	album.KindFLAC: "FLAC", album.KindMP3: "MP3",
}

var ditherName = map[dsp.Dither]string{dsp.DitherTPDF: "TPDF dither", dsp.DitherShaped: "noise-shaped dither", dsp.DitherNone: "no dither"}

// format describes a delivery's audio: "FLAC · 24-bit · 96 kHz",
// "MP3 · 320 kb/s · 44.1 kHz".
func format(a *album.Album, r *render.DeliveryReport) string {
	bits := fmt.Sprintf("%d-bit", r.Bits)
	switch {
	case r.Kind == album.KindMP3:
		d := &a.Deliveries[r.Number-1]
		bits = fmt.Sprintf("%d kb/s", d.Bitrate)
		if d.Quality != nil {
			bits = fmt.Sprintf("VBR V%d", *d.Quality)
		}
	case r.Bits == 32:
		bits = "32-bit float"
	}
	return strings.Join([]string{kindName[r.Kind], bits, rate(r.Rate)}, " · ")
}

// plan describes a delivery's loudness settings.
func plan(l album.Loudness) string {
	var s string
	switch {
	case l.Match == album.MatchOff:
		s = "track gains only"
	case l.Target == nil:
		s = string(l.Match) + " match, level kept"
	default:
		s = fmt.Sprintf("%s match to %s LUFS", l.Match, num(*l.Target, 1))
	}
	return fmt.Sprintf("%s; ceiling %s dBTP (%s)", s, num(l.MaxTruePeak, 1), l.OverCeiling)
}

// written returns the measurement of a track's file as a listener gets
// it, as the manifest does: the decoded file of a coded format (an MP3,
// whose codec moves the peaks), the stream as written otherwise; nil if
// there is none.
func written(t *render.TrackReport) *loudness.Measurement {
	if t.Decoded != nil {
		return t.Decoded
	}
	return t.Output
}

// deliveryAlbum pools a delivery's track measurements.
func deliveryAlbum(d *Delivery) *loudness.Album {
	var ms []*loudness.Measurement
	for i := range d.Report.Tracks {
		m := written(&d.Report.Tracks[i])
		if m == nil {
			return nil
		}
		ms = append(ms, m)
	}
	a, err := loudness.MeasureAlbum(ms, nil)
	if err != nil {
		return nil
	}
	return a
}

func newPage(in *Input) *page {
	a := in.Album
	main := &in.Deliveries[in.Main]
	pg := &page{Title: a.Title, Artist: a.Artist}
	pg.Subtitle = "Build report"
	pg.meta(in)
	pg.cover(in)
	pg.Main = fmt.Sprintf("%s (%s)", main.Report.Name, format(a, main.Report))
	pg.findings(in)
	label := fmt.Sprintf("Short-term loudness of %s over the album, with track boundaries and true peaks", main.Report.Name)
	pd := newPlotData(in, main)
	pg.Plot = pd.svg(label)
	pg.Legend = append(pg.Legend, legend{"after", "Short-term loudness, " + main.Report.Name})
	if len(pd.before) > 0 {
		pg.Legend = append(pg.Legend, legend{"before", "Before gain (analysis)"})
	}
	pg.Legend = append(pg.Legend, legend{"tp", "True peak per track"}, legend{"tp over", "True peak over the ceiling"})
	if !math.IsNaN(pd.target) {
		pg.Legend = append(pg.Legend, legend{"target", "Target " + num(pd.target, 1) + " LUFS"})
	}
	pg.Legend = append(pg.Legend, legend{"ceiling", "Ceiling " + num(pd.ceiling, 1) + " dBTP"}, legend{"gap", "Gap (index 00)"})
	pg.trackTable(in, main)
	pg.platformTable(in, main)
	pg.deliveryTables(in)
	if in.Disc != nil {
		pg.pqSheet(in.Disc)
	}
	pg.Footer = "lathe " + in.Version
	if a.File != "" {
		pg.Footer += " · " + filepath.Base(a.File)
	}
	return pg
}

func (pg *page) meta(in *Input) {
	a := in.Album
	add := func(label, value string) {
		if value != "" {
			pg.Meta = append(pg.Meta, field{label, value})
		}
	}
	add("Label", a.Label)
	add("Catalog number", a.CatalogNumber)
	add("UPC/EAN", string(a.UPC))
	add("Release date", a.ReleaseDate)
	add("Genre", a.Genre)
	if a.Discs > 1 {
		add("Disc", fmt.Sprintf("%d of %d", a.Disc, a.Discs))
	}
	l := in.Layout
	audio := sectorSeconds(l.LeadOut - l.Tracks[0].Index[0])
	add("Running time", fmt.Sprintf("%s · %s", plural(len(a.Tracks), "track"), clock(audio)))
	if a.PhonographicCopyright != "" {
		add("Sound recording", "\u2117 "+a.PhonographicCopyright)
	}
	if a.Copyright != "" {
		add("Copyright", "\u00a9 "+a.Copyright)
	}
	add("DDP master ID", a.MasterID)
}

func (pg *page) cover(in *Input) {
	pg.CoverNote = in.CoverNote
	p := in.Cover
	if p == nil {
		return
	}
	pg.Cover = template.URL("data:" + p.MIME + ";base64," + base64.StdEncoding.EncodeToString(p.Data))
	kind := "JPEG"
	if p.MIME == "image/png" {
		kind = "PNG"
	}
	pg.CoverCaption = fmt.Sprintf("%d \u00d7 %d %s", p.Width, p.Height, kind)
}

// findings sums up what needs attention: clipping, true peaks over a
// delivery's ceiling, limiter activity, and the main delivery's tracks
// that a platform's peak guidance warns about. Deliveries with the same
// finding share its line.
func (pg *page) findings(in *Input) {
	type group struct {
		level, msg string
		names      []string
	}
	var groups []*group
	add := func(level, msg, name string) {
		for _, g := range groups {
			if g.level == level && g.msg == msg {
				g.names = append(g.names, name)
				return
			}
		}
		groups = append(groups, &group{level, msg, []string{name}})
	}
	for k := range in.Deliveries {
		d := &in.Deliveries[k]
		r := d.Report
		var clips int64
		var over, limited []string
		for i, t := range r.Tracks {
			clips += t.Clips
			if m := written(&t); m != nil && m.TruePeak > d.Loudness.MaxTruePeak {
				over = append(over, fmt.Sprint(i+1))
			}
			if t.Limited && t.LimitedFrames > 0 {
				limited = append(limited, fmt.Sprint(i+1))
			}
		}
		if clips > 0 {
			add("bad", plural(int(clips), "sample")+" clipped", r.Name)
		}
		if len(over) > 0 {
			add("bad", fmt.Sprintf("true peak over the %s dBTP ceiling on %s %s", num(d.Loudness.MaxTruePeak, 1), trackWord(len(over)), strings.Join(over, ", ")), r.Name)
		}
		if len(limited) > 0 {
			add("info", fmt.Sprintf("the true-peak limiter worked on %s %s", trackWord(len(limited)), strings.Join(limited, ", ")), r.Name)
		}
	}
	if !slices.ContainsFunc(groups, func(g *group) bool { return g.level == "bad" }) {
		pg.Findings = append(pg.Findings, finding{"ok", "No clipping; every true peak is under its delivery's ceiling."})
	}
	for _, level := range []string{"bad", "info"} {
		for _, g := range groups {
			if g.level == level {
				pg.Findings = append(pg.Findings, finding{level, fmt.Sprintf("%s: %s.", strings.Join(g.names, ", "), g.msg)})
			}
		}
	}
	main := &in.Deliveries[in.Main]
	var warned []string
	for _, p := range Platforms {
		for _, t := range main.Report.Tracks {
			if m := written(&t); m != nil && p.PeakWarning(m.Integrated, m.TruePeak) {
				warned = append(warned, p.Name)
				break
			}
		}
	}
	switch {
	case len(warned) == len(Platforms):
		pg.Findings = append(pg.Findings, finding{"warn", fmt.Sprintf("%s: true peaks above every streaming platform's peak guidance; lossy encodes may clip.", main.Report.Name)})
	case len(warned) > 0:
		pg.Findings = append(pg.Findings, finding{"warn", fmt.Sprintf("%s: true peaks above the peak guidance of %s; lossy encodes may clip.", main.Report.Name, strings.Join(warned, ", "))})
	}
}

func trackWord(n int) string {
	if n == 1 {
		return "track"
	}
	return "tracks"
}

// title returns a track's title cell: the title, and the artist when it is
// not the album's.
func title(a *album.Album, k int) cell {
	t := &a.Tracks[k]
	c := cell{Text: t.Title, Class: "title"}
	if t.Artist != "" && t.Artist != a.Artist {
		c.Sub = t.Artist
	}
	return c
}

func (pg *page) trackTable(in *Input, d *Delivery) {
	a, l, an := in.Album, in.Layout, in.Analysis
	r := d.Report
	t := table{Class: "tracks"}
	before := 0
	if an != nil {
		before = 2
	}
	t.Groups = []cell{{Span: 3}}
	if before > 0 {
		t.Groups = append(t.Groups, cell{Text: "Before", Span: 2, Class: "group"})
	}
	t.Groups = append(t.Groups, cell{Span: 1}, cell{Text: "Delivered", Span: 4, Class: "group"}, cell{Text: "Processing", Span: 2, Class: "group"})
	t.Head = []cell{{Text: "#", Class: "num n"}, {Text: "Title"}, {Text: "Length", Class: "num"}}
	if before > 0 {
		t.Head = append(t.Head, cell{Text: "Integrated", Sub: "LUFS", Class: "num"}, cell{Text: "True peak", Sub: "dBTP", Class: "num"})
	}
	t.Head = append(t.Head,
		cell{Text: "Gain", Sub: "dB", Class: "num"},
		cell{Text: "Integrated", Sub: "LUFS", Class: "num"}, cell{Text: "Range", Sub: "LU", Class: "num"},
		cell{Text: "Max S", Sub: "LUFS", Class: "num"}, cell{Text: "True peak", Sub: "dBTP", Class: "num"},
		cell{Text: "Limiter", Class: "num"}, cell{Text: "Clips", Class: "num"})
	for k, tr := range r.Tracks {
		row := []cell{{Text: fmt.Sprint(k + 1), Class: "num"}, title(a, k),
			{Text: clock(float64(l.Tracks[k].Length) / float64(l.Rate)), Class: "num"}}
		if before > 0 {
			m := an.Tracks[k]
			row = append(row, cell{Text: num(m.Integrated, 1), Class: "num"}, cell{Text: num(m.TruePeak, 2), Class: "num"})
		}
		g := cell{Text: signed(tr.Gain, 2), Class: "num"}
		if tr.Reduced != 0 {
			g.Sub = signed(-tr.Reduced, 2) + " for the ceiling"
		}
		row = append(row, g)
		row = append(row, measured(written(&tr), d.Loudness.MaxTruePeak)...)
		lim := cell{Text: dash, Class: "num muted"}
		if tr.Limited {
			lim = cell{Text: "0.0 dB", Sub: "on, idle", Class: "num"}
			if tr.LimitedFrames > 0 {
				lim = cell{Text: num(-tr.MaxReductionDB, 1) + " dB", Sub: fmt.Sprintf("%s s", num(float64(tr.LimitedFrames)/float64(r.Rate), 2)), Class: "num warn"}
			}
		}
		clips := cell{Text: dash, Class: "num muted"}
		if tr.Clips > 0 {
			clips = cell{Text: fmt.Sprint(tr.Clips), Class: "num bad"}
		}
		t.Rows = append(t.Rows, append(row, lim, clips))
	}
	foot := []cell{{Text: "", Class: "num"}, {Text: "Album", Class: "title"}, {Text: clock(sectorSeconds(l.LeadOut - l.Tracks[0].Index[0])), Class: "num"}}
	if before > 0 {
		in := cell{Text: num(an.Album.Integrated, 1), Class: "num"}
		if !math.IsNaN(an.Album.Range) {
			in.Sub = "range " + num(an.Album.Range, 1) + " LU"
		}
		foot = append(foot, in, cell{Text: num(an.Album.TruePeak, 2), Class: "num"})
	}
	foot = append(foot, cell{Text: gainSpan(r.Tracks), Class: "num"})
	if al := deliveryAlbum(d); al != nil {
		tp := cell{Text: num(al.TruePeak, 2), Class: "num"}
		if al.TruePeak > d.Loudness.MaxTruePeak {
			tp.Class += " bad"
		}
		rng, maxS := cell{Text: dash, Class: "num muted"}, cell{Text: maxShort(r.Tracks), Class: "num"}
		if s := r.Album; s != nil {
			rng, maxS = cell{Text: num(s.Range, 1), Class: "num"}, cell{Text: num(s.MaxShortTerm, 1), Class: "num"}
		}
		foot = append(foot, cell{Text: num(al.Integrated, 1), Class: "num"}, rng, maxS, tp)
	} else {
		foot = append(foot, cell{Span: 4})
	}
	foot = append(foot, cell{Span: 2})
	t.Foot = [][]cell{foot}
	pg.Tracks = t
	how := "measured as written"
	coded := slices.ContainsFunc(r.Tracks, func(t render.TrackReport) bool { return t.Decoded != nil })
	if coded {
		how = "decoded and measured, as a listener gets it"
	}
	note := fmt.Sprintf("Delivered: each track's file in %s, %s (%s). ", r.Name, how, plan(d.Loudness))
	if r.Album != nil {
		note += "Album: the tracks' loudness pooled and their highest true peak; range and Max S of the album as one continuous stream, track 1's index 01 to the lead-out, across the track boundaries"
		if coded {
			note += ", as given to the encoder"
		}
		note += ". "
	}
	if an != nil {
		note += "Before: the same spans of the program at unity gain, the album's range under its loudness. "
	}
	note += "Integrated loudness and range per EBU R 128 (BS.1770-4, Tech 3342); Max S is the loudest 3 s; true peak 8× oversampled."
	pg.TracksNote = note
}

// measured returns the Integrated, Range, Max S and True peak cells of a
// measurement; a true peak above ceiling is marked.
func measured(m *loudness.Measurement, ceiling float64) []cell {
	if m == nil {
		return []cell{{Span: 4, Text: dash, Class: "muted"}}
	}
	tp := cell{Text: num(m.TruePeak, 2), Class: "num"}
	if m.TruePeak > ceiling {
		tp.Class += " bad"
		tp.Title = fmt.Sprintf("over the %s dBTP ceiling", num(ceiling, 1))
	}
	return []cell{{Text: num(m.Integrated, 1), Class: "num"}, {Text: num(m.Range, 1), Class: "num"}, {Text: num(m.MaxShortTerm, 1), Class: "num"}, tp}
}

// gainSpan returns the delivery's gain when every track has the same, or
// its range.
func gainSpan(ts []render.TrackReport) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, t := range ts {
		lo, hi = math.Min(lo, t.Gain), math.Max(hi, t.Gain)
	}
	if signed(lo, 2) == signed(hi, 2) {
		return signed(lo, 2)
	}
	return signed(lo, 1) + " \u2026 " + signed(hi, 1)
}

func maxShort(ts []render.TrackReport) string {
	v := math.Inf(-1)
	for _, t := range ts {
		if m := written(&t); m != nil {
			v = math.Max(v, m.MaxShortTerm)
		}
	}
	return num(v, 1)
}

// platformTable lists the gain every platform gives the main delivery's
// album (where the platform plays albums as albums) and tracks, and marks
// the true peaks above the platform's guidance.
func (pg *page) platformTable(in *Input, d *Delivery) {
	a := in.Album
	r := d.Report
	t := table{Class: "platforms"}
	t.Head = []cell{{Text: "#", Class: "num n"}, {Text: ""}}
	ref := []cell{{}, {Text: "Reference level", Class: "title muted"}}
	peak := []cell{{}, {Text: "Peak guidance", Class: "title muted"}}
	for _, p := range Platforms {
		t.Head = append(t.Head, cell{Text: p.Name, Class: "num"})
		ref = append(ref, cell{Text: num(p.Target, 0) + " LUFS", Class: "num muted"})
		peak = append(peak, cell{Text: num(p.Ceiling, 0) + " dBTP", Class: "num muted"})
	}
	t.Rows = append(t.Rows, ref, peak)
	al := deliveryAlbum(d)
	if al != nil {
		row := []cell{{}, {Text: "Album", Sub: "played as an album", Class: "title strong"}}
		for _, p := range Platforms {
			if !p.Album {
				row = append(row, cell{Text: "per track", Class: "num muted"})
				continue
			}
			row = append(row, platformCell(p, al.Integrated, al.TruePeak))
		}
		t.Rows = append(t.Rows, row)
	}
	for k, tr := range r.Tracks {
		row := []cell{{Text: fmt.Sprint(k + 1), Class: "num"}, title(a, k)}
		m := written(&tr)
		for _, p := range Platforms {
			if m == nil {
				row = append(row, cell{Text: dash, Class: "num muted"})
				continue
			}
			row = append(row, platformCell(p, m.Integrated, m.TruePeak))
		}
		t.Rows = append(t.Rows, row)
	}
	pg.Platforms = t
	if al != nil {
		pg.PlatformFor = fmt.Sprintf("%s: album %s LUFS, true peak %s dBTP.", r.Name, num(al.Integrated, 1), num(al.TruePeak, 2))
	}
}

// platformCell is the gain platform p gives audio of loudness i and true
// peak tp, with the loudness it plays at; marked when the platform holds
// the gain back or the peak is above its guidance.
func platformCell(p Platform, i, tp float64) cell {
	g := p.PlaybackGain(i, tp)
	c := cell{Text: signed(g, 1) + " dB", Class: "num"}
	if math.IsNaN(g) {
		return cell{Text: dash, Class: "num muted"}
	}
	c.Sub = num(i+g, 1) + " LUFS"
	if p.Limited(i, tp) {
		c.Sub += " \u00b7 held"
		c.Title = fmt.Sprintf("%s keeps %s dB of headroom: the gain stops at %s dBTP", p.Name, num(p.Headroom, 0), num(-p.Headroom, 0))
	}
	if p.PeakWarning(i, tp) {
		c.Class += " warn"
		c.Title = fmt.Sprintf("true peak %s dBTP is above %s dBTP", num(tp, 2), num(p.PeakCeiling(i), 0))
	}
	return c
}

// deliveryTables sums up every delivery, and lists each track's loudness
// and true peak in every delivery side by side.
func (pg *page) deliveryTables(in *Input) {
	t := table{Class: "deliveries"}
	t.Head = []cell{{Text: "Delivery"}, {Text: "Format"}, {Text: "Loudness"}, {Text: "Gain", Sub: "dB", Class: "num"},
		{Text: "Album", Sub: "LUFS", Class: "num"}, {Text: "Max true peak", Sub: "dBTP", Class: "num"},
		{Text: "Limited", Class: "num"}, {Text: "Clips", Class: "num"}, {Text: "Files", Class: "num"}}
	m := table{Class: "matrix"}
	m.Head = []cell{{Text: "#", Class: "num n"}, {Text: "Title"}}
	for k := range in.Deliveries {
		d := &in.Deliveries[k]
		r := d.Report
		f := format(in.Album, r)
		if r.Bits != 32 && r.Kind != album.KindMP3 {
			f += " · " + ditherName[r.Dither]
		}
		row := []cell{{Text: r.Name, Class: "title strong"}, {Text: f}, {Text: plan(d.Loudness)}, {Text: gainSpan(r.Tracks), Class: "num"}}
		if al := deliveryAlbum(d); al != nil {
			tp := cell{Text: num(al.TruePeak, 2), Class: "num"}
			if al.TruePeak > d.Loudness.MaxTruePeak {
				tp.Class += " bad"
			}
			alb := cell{Text: num(al.Integrated, 1), Class: "num"}
			if r.Album != nil && !math.IsNaN(r.Album.Range) {
				alb.Sub = "range " + num(r.Album.Range, 1) + " LU"
			}
			row = append(row, alb, tp)
		} else {
			row = append(row, cell{Text: dash, Class: "num muted"}, cell{Text: dash, Class: "num muted"})
		}
		var limited int
		var most float64
		var clips int64
		for _, tr := range r.Tracks {
			if tr.Limited && tr.LimitedFrames > 0 {
				limited++
				most = math.Max(most, tr.MaxReductionDB)
			}
			clips += tr.Clips
		}
		lim := cell{Text: dash, Class: "num muted"}
		if limited > 0 {
			lim = cell{Text: plural(limited, "track"), Sub: "up to " + num(-most, 1) + " dB", Class: "num warn"}
		}
		if r.Passes > 1 {
			lim.Sub = strings.TrimPrefix(lim.Sub+" · 2 passes", " · ")
		}
		cl := cell{Text: dash, Class: "num muted"}
		if clips > 0 {
			cl = cell{Text: fmt.Sprint(clips), Class: "num bad"}
		}
		row = append(row, lim, cl, cell{Text: fmt.Sprint(len(r.Files)), Class: "num"})
		t.Rows = append(t.Rows, row)
		m.Head = append(m.Head, cell{Text: r.Name, Sub: "LUFS · dBTP", Class: "num"})
	}
	for k := range in.Album.Tracks {
		row := []cell{{Text: fmt.Sprint(k + 1), Class: "num"}, title(in.Album, k)}
		for j := range in.Deliveries {
			d := &in.Deliveries[j]
			o := written(&d.Report.Tracks[k])
			if o == nil {
				row = append(row, cell{Text: dash, Class: "num muted"})
				continue
			}
			c := cell{Text: num(o.Integrated, 1), Sub: num(o.TruePeak, 2), Class: "num"}
			if o.TruePeak > d.Loudness.MaxTruePeak {
				c.Class += " bad"
				c.Title = fmt.Sprintf("true peak over the %s dBTP ceiling", num(d.Loudness.MaxTruePeak, 1))
			}
			row = append(row, c)
		}
		m.Rows = append(m.Rows, row)
	}
	pg.Deliveries, pg.Matrix = t, m
}

// pqSheet lists the disc's index points as a plant's PQ sheet does
// (ddp.WritePQSheet): every index 00, 01, 02… with its A-time, its time
// relative to the track's index 01 and the time to the next point, then
// the lead-out. ISRC, flags and title stand on the index 01 line.
func (pg *page) pqSheet(d *cdda.Disc) {
	upc := d.UPC
	if upc == "" {
		upc = dash
	}
	pg.PQHead = []field{{"UPC/EAN", upc}, {"Tracks", fmt.Sprint(len(d.Tracks))}, {"Lead-out", cdda.FormatMSF(d.LeadOut)}}
	t := &table{Class: "pq"}
	t.Head = []cell{{Text: "Track", Class: "num"}, {Text: "Index", Class: "num"}, {Text: "Start", Class: "num"}, {Text: "Relative", Class: "num"},
		{Text: "Length", Class: "num"}, {Text: "ISRC"}, {Text: "Flags"}, {Text: "Title"}}
	for _, r := range pqRows(d) {
		row := []cell{{Text: r.track, Class: "num"}, {Text: r.index, Class: "num"}, {Text: r.start, Class: "num"},
			{Text: r.relative, Class: "num"}, {Text: r.length, Class: "num"}, {Text: r.isrc, Class: "mono"}, {Text: r.flags}, {Text: r.title, Class: "title"}}
		if r.index == "00" {
			for i := range row {
				row[i].Class += " muted"
			}
		}
		t.Rows = append(t.Rows, row)
	}
	pg.PQ = t
}

// msf formats a sector count as cdda.FormatMSF does, with a true minus.
func msf(sectors int) string {
	return strings.Replace(cdda.FormatMSF(sectors), "-", minus, 1)
}

// pqRow is one line of the PQ sheet, formatted.
type pqRow struct {
	track, index, start, relative, length, isrc, flags, title string
}

// pqRows returns the disc's index points in order, and the lead-out.
func pqRows(d *cdda.Disc) []pqRow {
	var rows []pqRow
	for i := range d.Tracks {
		t := &d.Tracks[i]
		title := ""
		if d.Text != nil && i < len(d.Text.Tracks) {
			title = d.Text.Tracks[i].Title
		}
		end := d.LeadOut // of the track's last index point
		if i+1 < len(d.Tracks) {
			end = d.Tracks[i+1].Start()
		}
		type point struct{ n, at int }
		var pts []point
		if t.Pregap > 0 {
			pts = append(pts, point{0, t.Start()})
		}
		for k, at := range t.Index {
			pts = append(pts, point{k + 1, at})
		}
		for k, p := range pts {
			next := end
			if k+1 < len(pts) {
				next = pts[k+1].at
			}
			r := pqRow{
				track: fmt.Sprintf("%02d", i+1), index: fmt.Sprintf("%02d", p.n),
				start: cdda.FormatMSF(p.at), relative: msf(p.at - t.Index[0]), length: cdda.FormatMSF(next - p.at),
			}
			if p.n == 1 { // the track's own line
				r.isrc, r.flags, r.title = dash, strings.Join(t.Flags(), ", "), title
				if t.ISRC != "" {
					r.isrc = album.ISRC(t.ISRC).Dashed()
				}
			}
			rows = append(rows, r)
		}
	}
	return append(rows, pqRow{track: "AA", index: "01", start: cdda.FormatMSF(d.LeadOut), title: "Lead-out"})
}
