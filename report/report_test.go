package report

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/ddp"
	"github.com/lathe-audio/lathe/render"
)

// svgElem is an element of the plot with its attributes.
type svgElem struct {
	name  string
	attr  map[string]string
	text  string
	class string
}

// plotElems parses the plot's SVG out of a report.
func plotElems(t *testing.T, html string) []svgElem {
	t.Helper()
	i, j := strings.Index(html, "<svg"), strings.Index(html, "</svg>")
	if i < 0 || j < 0 {
		t.Fatal("no SVG in the report")
	}
	dec := xml.NewDecoder(strings.NewReader(html[i : j+len("</svg>")]))
	var out []svgElem
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the plot is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := svgElem{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				e.attr[a.Name.Local] = a.Value
			}
			e.class = e.attr["class"]
			out = append(out, e)
		case xml.CharData:
			if len(out) > 0 {
				out[len(out)-1].text += string(tok)
			}
		}
	}
	return out
}

func attrFloat(t *testing.T, e svgElem, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(e.attr[name], 64)
	if err != nil {
		t.Fatalf("<%s class=%q> %s=%q: %v", e.name, e.class, name, e.attr[name], err)
	}
	return v
}

func render1(t *testing.T, in *Input) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The plot puts every index 01, gap, index 02 and true peak where the
// layout says, on a time axis from A-time 0 to the lead-out, and its
// levels on one linear dB scale. fakeProject's layout, by hand: track 1
// at 2 s (the pregap), track 2 at 2 + 10 + 2 = 14 s with index 02 at
// 20 s, track 3 gapless at 28 s, lead-out at 40 s; the frame spans
// x = 46 … 942 (896 units for 40 s).
func TestPlotGeometry(t *testing.T) {
	in := fakeInput(t)
	l := in.Layout
	if got := []int64{l.Tracks[0].Index[0], l.Tracks[1].Index0, l.Tracks[1].Index[0], l.Tracks[1].Index[1], l.Tracks[2].Index[0], l.LeadOut}; fmt.Sprint(got) != "[150 900 1050 1500 2100 3000]" {
		t.Fatalf("layout A-times %v, want [150 900 1050 1500 2100 3000]", got)
	}
	els := plotElems(t, render1(t, in))
	near := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 0.051 {
			t.Errorf("%s = %.2f, want %.2f", what, got, want)
		}
	}
	idx := map[string]float64{}
	var gaps []svgElem
	var idx2 []float64
	for _, e := range els {
		switch e.class {
		case "idx":
			idx[e.attr["data-track"]] = attrFloat(t, e, "x1")
			if attrFloat(t, e, "x2") != attrFloat(t, e, "x1") {
				t.Errorf("index line of track %s is not vertical", e.attr["data-track"])
			}
		case "idx2":
			idx2 = append(idx2, attrFloat(t, e, "x1"))
		case "gap":
			gaps = append(gaps, e)
		}
	}
	for track, want := range map[string]float64{"1": 90.8, "2": 359.6, "3": 673.2} {
		x, ok := idx[track]
		if !ok {
			t.Errorf("no index line for track %s", track)
			continue
		}
		near("index 01 of track "+track, x, want)
	}
	if len(idx2) != 1 {
		t.Fatalf("%d index 02 ticks, want 1", len(idx2))
	}
	near("index 02 of track 2", idx2[0], 494)
	if len(gaps) != 2 {
		t.Fatalf("%d gaps shaded, want 2 (track 1's pregap, track 2's pause; track 3 is gapless)", len(gaps))
	}
	for k, want := range [][2]float64{{46, 44.8}, {314.8, 44.8}} {
		near(fmt.Sprintf("gap %d x", k+1), attrFloat(t, gaps[k], "x"), want[0])
		near(fmt.Sprintf("gap %d width", k+1), attrFloat(t, gaps[k], "width"), want[1])
	}

	// The dB scale: a line through the grid, which every level follows.
	type level struct{ db, y float64 }
	var grid []level
	var labels []svgElem
	for _, e := range els {
		if e.class == "ylab" {
			labels = append(labels, e)
		}
	}
	for _, e := range labels {
		db, err := strconv.ParseFloat(strings.Replace(e.text, "\u2212", "-", 1), 64)
		if err != nil {
			t.Fatalf("level label %q: %v", e.text, err)
		}
		grid = append(grid, level{db, attrFloat(t, e, "y") - 3.5})
	}
	if len(grid) < 4 {
		t.Fatalf("%d level lines, want at least 4", len(grid))
	}
	a, z := grid[0], grid[len(grid)-1]
	yOf := func(db float64) float64 { return a.y + (db-a.db)/(z.db-a.db)*(z.y-a.y) }
	for _, g := range grid {
		near(fmt.Sprintf("level line %v dB", g.db), g.y, yOf(g.db))
	}
	main := &in.Deliveries[in.Main]
	if main.Report.Name != "stream" {
		t.Fatalf("main delivery %q, want the flac one", main.Report.Name)
	}
	var target, ceiling bool
	peaks := map[string]svgElem{}
	for k, e := range els {
		switch {
		case e.class == "target":
			target = true
			near("target line y", attrFloat(t, e, "y1"), yOf(-14))
		case e.class == "ceiling":
			ceiling = true
			near("ceiling line y", attrFloat(t, e, "y1"), yOf(-1))
		case strings.HasPrefix(e.class, "tp") && e.name == "g":
			peaks[e.attr["data-track"]] = els[k+1] // its diamond
			if over := strings.Contains(e.class, "over"); over != (e.attr["data-track"] == "3") {
				t.Errorf("true peak of track %s: class %q; only track 3 (−0.8 dBTP) is over −1 dBTP", e.attr["data-track"], e.class)
			}
		}
	}
	if !target || !ceiling {
		t.Errorf("target line %v, ceiling line %v; want both", target, ceiling)
	}
	diamond := regexp.MustCompile(`^M([-\d.]+),([-\d.]+) `)
	for k, tr := range main.Report.Tracks {
		e, ok := peaks[fmt.Sprint(k+1)]
		if !ok {
			t.Errorf("no true peak marker for track %d", k+1)
			continue
		}
		m := diamond.FindStringSubmatch(e.attr["d"])
		if m == nil {
			t.Fatalf("true peak marker path %q", e.attr["d"])
		}
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		sec := float64(main.Cuts[k].Start)/75 + float64(tr.Output.TruePeakPos)/float64(tr.Output.Rate)
		near(fmt.Sprintf("true peak of track %d x", k+1), x, 46+sec/40*896)
		near(fmt.Sprintf("true peak of track %d y", k+1), y+4, yOf(tr.Output.TruePeak))
	}

	// The loudness line starts at the middle of track 1's first 3 s
	// window: 2 s + 1.5 s.
	for _, e := range els {
		if e.class == "after" {
			m := regexp.MustCompile(`^M([-\d.]+),`).FindStringSubmatch(e.attr["d"])
			if m == nil {
				t.Fatalf("loudness path %.40q", e.attr["d"])
			}
			x, _ := strconv.ParseFloat(m[1], 64)
			near("first loudness point x", x, 46+3.5/40*896)
		}
	}
}

// Text from the project is escaped everywhere: the page, the table cells,
// the plot's label and the cover note.
func TestEscaping(t *testing.T) {
	in := fakeInput(t)
	in.Album.Title = `<b>"Tom" & 'Jerry'</b>`
	in.Album.Tracks[1].Title = `</td><script>alert(1)</script>`
	in.Album.Label = `<img src=x onerror=alert(1)>`
	in.Deliveries[in.Main].Report.Name = `str"eam<`
	in.CoverNote = `The cover <x>.png could not be read.`
	html := render1(t, in)
	for _, bad := range []string{"<b>", "<script", "<img", `str"eam<`, "<x>"} {
		if strings.Contains(html, bad) {
			t.Errorf("the report contains %q unescaped", bad)
		}
	}
	for _, want := range []string{
		"&lt;b&gt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&lt;/b&gt;",
		"&lt;/td&gt;&lt;script&gt;alert(1)&lt;/script&gt;",
		"&lt;img src=x onerror=alert(1)&gt;",
		`aria-label="Short-term loudness of str&#34;eam&lt; over`,
		"The cover &lt;x&gt;.png",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	plotElems(t, html) // still well-formed
}

// The same input gives the same bytes, and so does the same album
// measured again; nothing in the page comes from the clock.
func TestWriteDeterministic(t *testing.T) {
	a := render1(t, fakeInput(t))
	b := render1(t, fakeInput(t))
	in := fakeInput(t)
	c, d := render1(t, in), render1(t, in)
	if a != b || a != c || c != d {
		t.Error("two reports of the same input differ")
	}
	if !strings.Contains(a, "lathe 1.2.3") {
		t.Error("the report does not name lathe's version")
	}
}

// The PQ sheet lists what ddp.WritePQSheet writes for the same disc:
// every index point with its A-time, relative time and length, ISRCs on
// the index 01 lines, and the lead-out.
func TestPQSheet(t *testing.T) {
	in := fakeInput(t)
	disc, err := render.Disc(in.Album, in.Layout)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if err := ddp.WritePQSheet(&text, disc); err != nil {
		t.Fatal(err)
	}
	var want [][]string // TRK IDX START RELATIVE LENGTH ISRC
	sc := bufio.NewScanner(&text)
	line := regexp.MustCompile(`^(\d\d|AA)\s+(\d\d)\s+(\S+)\s+(?:(\S+)\s+-?\d+\s+(\S+)\s+(\S+)|\d+$)`)
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			want = append(want, m[1:7])
		}
	}
	rows := pqRows(disc)
	if len(rows) != 7 || len(want) != 7 {
		t.Fatalf("%d PQ rows, the sheet %d; want 7 (track 1: 00 01, track 2: 00 01 02, track 3: 01, lead-out)", len(rows), len(want))
	}
	for k, r := range rows {
		w := want[k]
		got := []string{r.track, r.index, r.start, strings.Replace(r.relative, "\u2212", "-", 1), r.length}
		if r.track == "AA" {
			w[3], w[4] = "", ""
		}
		if fmt.Sprint(got) != fmt.Sprint(w[:5]) {
			t.Errorf("PQ row %d = %v, the sheet says %v", k, got, w[:5])
		}
		if r.index == "01" && r.track != "AA" && strings.Trim(strings.ReplaceAll(r.isrc, "-", ""), dash) != strings.Trim(w[5], "-") {
			t.Errorf("PQ row %d ISRC %q, the sheet says %q", k, r.isrc, w[5])
		}
	}
	in.Disc = disc
	html := render1(t, in)
	for _, want := range []string{"<h2>PQ sheet</h2>", `<td class="mono">ZZ-TST-26-00001</td>`, `<td class="num muted">−00:02:00</td>`} {
		if !strings.Contains(html, want) {
			t.Errorf("the report lacks %s", want)
		}
	}
}

// FromBuild maps a build: the project's settings and cuts of each
// delivery, the PQ sheet only with a CD delivery, the FLAC as the main
// delivery.
func TestFromBuild(t *testing.T) {
	fake := fakeInput(t)
	a, l := fake.Album, fake.Layout
	rep := &render.Report{Analysis: fake.Analysis}
	for _, d := range fake.Deliveries {
		rep.Deliveries = append(rep.Deliveries, *d.Report)
	}
	in, err := FromBuild(a, l, rep, Options{Version: "9"})
	if err != nil {
		t.Fatal(err)
	}
	if in.Disc == nil || len(in.Disc.Tracks) != 3 {
		t.Errorf("Disc = %v, want the CD of the ddp delivery", in.Disc)
	}
	if in.Main != 1 {
		t.Errorf("Main = %d, want 1 (flac)", in.Main)
	}
	if tg := in.Deliveries[1].Loudness.Target; tg == nil || *tg != -14 {
		t.Errorf("the flac delivery's target is %v, want -14", tg)
	}
	if in.Deliveries[0].Loudness.Target != nil {
		t.Error("the ddp delivery has a target; the project gives it none")
	}
	if got, want := fmt.Sprint(in.Deliveries[0].Cuts), fmt.Sprint(l.Cuts(album.GapsAppend)); got != want {
		t.Errorf("cuts %s, want %s", got, want)
	}
	rep.Deliveries = rep.Deliveries[1:]
	if in, err = FromBuild(a, l, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	if in.Disc != nil {
		t.Error("a build without a CD delivery has a PQ sheet")
	}
	if strings.Contains(render1(t, in), "PQ sheet") {
		t.Error("the report of a build without a CD delivery shows a PQ sheet")
	}
	rep.Deliveries[0].Tracks = rep.Deliveries[0].Tracks[:2]
	if _, err := FromBuild(a, l, rep, Options{}); err == nil {
		t.Error("FromBuild accepted a delivery with 2 tracks of 3")
	}
}

func TestMainDelivery(t *testing.T) {
	d := func(kind album.Kind, rate, bits int) Delivery {
		return Delivery{Report: &render.DeliveryReport{Kind: kind, Rate: rate, Bits: bits}}
	}
	for _, c := range []struct {
		ds   []Delivery
		want int
	}{
		{[]Delivery{d(album.KindDDP, 44100, 16), d(album.KindMP3, 44100, 16), d(album.KindFLAC, 96000, 24)}, 2},
		{[]Delivery{d(album.KindDDP, 44100, 16), d(album.KindWAV, 44100, 16), d(album.KindWAV, 96000, 24)}, 2},
		{[]Delivery{d(album.KindWAV, 44100, 16), d(album.KindMP3, 44100, 16)}, 1},
		{[]Delivery{d(album.KindDDP, 44100, 16), d(album.KindCue, 44100, 16)}, 1},
		{[]Delivery{d(album.KindFLAC, 44100, 16), d(album.KindFLAC, 96000, 24)}, 0},
		{[]Delivery{d(album.KindDDP, 44100, 16)}, 0},
	} {
		if got := MainDelivery(c.ds); got != c.want {
			var kinds []string
			for _, x := range c.ds {
				kinds = append(kinds, string(x.Report.Kind))
			}
			t.Errorf("MainDelivery(%v) = %d, want %d", kinds, got, c.want)
		}
	}
}

// The cover is embedded when it is small enough, replaced by cover_embed
// when it is not, and otherwise named in a note.
func TestCover(t *testing.T) {
	dir := t.TempDir()
	writeCoverFile := func(name string, size int) {
		small := filepath.Join(dir, "small.png")
		writeCover(t, small)
		data, err := os.ReadFile(small)
		if err != nil {
			t.Fatal(err)
		}
		if size > len(data) { // a valid PNG with trailing bytes
			data = append(data, make([]byte, size-len(data))...)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeCoverFile("front.png", 0)
	writeCoverFile("huge.png", MaxCoverBytes+1)
	for _, c := range []struct {
		cover, embed string
		shown        string // the file shown, or ""
		note         string
	}{
		{"front.png", "", "front.png", ""},
		{"huge.png", "front.png", "front.png", ""},
		{"huge.png", "", "", "The cover huge.png (2.0 MB) is too large to embed in this report."},
		{"missing.png", "", "", "The cover missing.png could not be read."},
		{"", "", "", ""},
	} {
		a := &album.Album{File: filepath.Join(dir, "album.toml"), Cover: c.cover, CoverEmbed: c.embed}
		p, note := cover(a)
		shown := ""
		if p != nil {
			shown = p.Name
			if p.MIME != "image/png" || p.Width != 600 || p.Height != 600 {
				t.Errorf("cover %q: %s %d x %d, want image/png 600 x 600", c.cover, p.MIME, p.Width, p.Height)
			}
		}
		if shown != c.shown || note != c.note {
			t.Errorf("cover %q, embed %q: shows %q, note %q; want %q, %q", c.cover, c.embed, shown, note, c.shown, c.note)
		}
	}
	in := fakeInput(t)
	in.Album.File = filepath.Join(dir, "album.toml")
	in.Album.Cover = "front.png"
	in.Cover, in.CoverNote = cover(in.Album)
	if html := render1(t, in); !strings.Contains(html, `<img src="data:image/png;base64,iVBORw0KGgo`) || !strings.Contains(html, "600 × 600 PNG") {
		t.Error("the report does not show the cover as a PNG data: URI with its size")
	}
}

// The summary names what needs attention in fakeInput: track 3 of the
// flac delivery over its ceiling, the limiter's work on it, and the peak
// guidance of the platforms.
func TestFindings(t *testing.T) {
	html := render1(t, fakeInput(t))
	for _, want := range []string{
		`<li class="bad">stream: true peak over the −1.0 dBTP ceiling on track 3.</li>`,
		`<li class="info">stream: the true-peak limiter worked on track 3.</li>`,
		`<li class="warn">stream: true peaks above`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the summary lacks %s", want)
		}
	}
	if strings.Contains(html, `<li class="ok">`) {
		t.Error("the summary says all is well with a track over the ceiling")
	}
}

// tracksFoot returns the cells of the track table's footer row, as the
// page writes them: each <td>'s text, its <small> line after a "|".
func tracksFoot(t *testing.T, html string) []string {
	t.Helper()
	return tableRow(t, html, "tracks", "<tfoot>")
}

// tableRow returns the cells of the first row after mark in the table of
// class, as the page writes them: each <td>'s text, its <small> line
// after a "|".
func tableRow(t *testing.T, html, class, mark string) []string {
	t.Helper()
	i := strings.Index(html, `<table class="`+class+`">`)
	if i < 0 {
		t.Fatalf("no %s table", class)
	}
	body := html[i:]
	body = body[:strings.Index(body, "</table>")]
	j := strings.Index(body, mark)
	if j < 0 {
		t.Fatalf("the %s table has no %s", class, mark)
	}
	row := body[j:]
	if k := strings.Index(row, "</tr>"); k >= 0 {
		row = row[:k]
	}
	var cells []string
	for _, m := range regexp.MustCompile(`<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(row, -1) {
		cells = append(cells, strings.Replace(strings.TrimSuffix(m[1], "</small>"), "<small>", "|", 1))
	}
	return cells
}

// The deliveries table shows each delivery's album loudness with the
// delivered album's range under it, from the album stream's
// measurement; without one, no range.
func TestDeliveriesTableRange(t *testing.T) {
	in := fakeInput(t)
	d := &in.Deliveries[in.Main]
	row := func() []string {
		return tableRow(t, render1(t, in), "deliveries", ">"+d.Report.Name+"<")
	}
	// Delivery (from its name on), Format, Loudness, Gain, Album, Max
	// true peak, Limited, Clips, Files.
	cells := row()
	if len(cells) != 8 {
		t.Fatalf("row %q: want 8 cells after the name", cells)
	}
	al := deliveryAlbum(d)
	if want := num(al.Integrated, 1) + "|range " + num(d.Report.Album.Range, 1) + " LU"; cells[3] != want {
		t.Errorf("album cell %q, want %q", cells[3], want)
	}
	d.Report.Album = nil
	if cells = row(); cells[3] != num(al.Integrated, 1) {
		t.Errorf("without an album measurement, the album cell is %q, want %q", cells[3], num(al.Integrated, 1))
	}
}

// The track table's album row shows the delivered album's range and
// maximum short-term loudness from the album stream's measurement (not
// the mean of the tracks' ranges, nor the loudest track's Max S), and the
// album's range before gain under its loudness; without a measurement
// of the album stream the range is a dash.
func TestTrackTableAlbum(t *testing.T) {
	in := fakeInput(t)
	r := in.Deliveries[in.Main].Report
	an := in.Analysis
	foot := tracksFoot(t, render1(t, in))
	// #, Album, Length, Before (Integrated, True peak), Gain, Delivered
	// (Integrated, Range, Max S, True peak), Processing (spanned).
	if len(foot) != 11 {
		t.Fatalf("footer %q: want 11 cells", foot)
	}
	if want := num(an.Album.Integrated, 1) + "|range " + num(an.Album.Range, 1) + " LU"; foot[3] != want {
		t.Errorf("before: album %q, want %q", foot[3], want)
	}
	if foot[7] == dash || foot[7] != num(r.Album.Range, 1) {
		t.Errorf("delivered: album range %q, want %q", foot[7], num(r.Album.Range, 1))
	}
	if foot[8] != num(r.Album.MaxShortTerm, 1) {
		t.Errorf("delivered: album Max S %q, want %q", foot[8], num(r.Album.MaxShortTerm, 1))
	}
	var mean float64
	for _, tr := range r.Tracks {
		mean += tr.Output.Range / float64(len(r.Tracks))
	}
	if num(mean, 1) == foot[7] {
		t.Errorf("the album range %s LU is the tracks' mean: the fake's stream does not test the footer", foot[7])
	}
	r.Album = nil
	foot = tracksFoot(t, render1(t, in))
	if foot[7] != dash {
		t.Errorf("without an album measurement, the range is %q, want a dash", foot[7])
	}
}

// A coded delivery's tracks are reported as their decoded files measure,
// as the manifest reports them: an MP3 whose codec lifts a true peak over
// the ceiling shows it in the findings, the track table (its album row
// too) and the note, though the stream given to the encoder was under it.
func TestCodedReportsDecoded(t *testing.T) {
	in := fakeInput(t)
	d := &in.Deliveries[in.Main]
	r := d.Report
	ceil := d.Loudness.MaxTruePeak
	if r.Tracks[0].Output.TruePeak > ceil {
		t.Fatalf("track 1's stream is over the ceiling already (%.2f dBTP)", r.Tracks[0].Output.TruePeak)
	}
	html := render1(t, in)
	if strings.Contains(html, "on tracks 1, 3.") || strings.Contains(html, "decoded") {
		t.Fatal("the fake already reports track 1 over the ceiling, or decoded files")
	}
	top := math.Inf(-1)
	for i := range r.Tracks {
		m := *r.Tracks[i].Output
		if i == 0 {
			m.TruePeak = ceil + 0.05 // the codec's overshoot
		}
		r.Tracks[i].Decoded = &m
		top = math.Max(top, m.TruePeak)
	}
	html = render1(t, in)
	for _, want := range []string{
		fmt.Sprintf(`<li class="bad">stream: true peak over the %s dBTP ceiling on tracks 1, 3.</li>`, num(ceil, 1)),
		"decoded and measured, as a listener gets it",
		"as given to the encoder",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if foot := tracksFoot(t, html); foot[9] != num(top, 2) {
		t.Errorf("album true peak %q, want the decoded tracks' %q", foot[9], num(top, 2))
	}
}
