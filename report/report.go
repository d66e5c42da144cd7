// Package report writes report.html, the page a mastering client opens
// after a build (docs/design.md §5): the release's metadata and cover, the
// loudness of every track before and after the build with the limiter's
// work and any clipping, a plot of short-term loudness over the whole disc
// with track boundaries, gaps and true peaks, the gain each streaming
// platform will apply (docs/loudness.md §7.4), every delivery side by
// side, and the CD's PQ sheet.
//
// The page is one self-contained file: the stylesheet is inline, the plot
// is inline SVG, the cover a data: URI, and there is no script. A
// Content-Security-Policy forbids every fetch, so opening it never touches
// the network. The output is a function of the input alone (no clock, no
// map order), and every string from the project is HTML-escaped.
package report

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io"
)

//go:embed report.tmpl
var pageTemplate string

//go:embed style.css
var styleSheet string

var tmpl = template.Must(template.New("report").Parse(pageTemplate))

// Write writes the report of in as HTML to w.
func Write(w io.Writer, in *Input) error {
	if err := check(in); err != nil {
		return err
	}
	data := struct {
		*page
		CSS template.CSS
	}{newPage(in), template.CSS(styleSheet)}
	bw := bufio.NewWriter(w)
	if err := tmpl.Execute(bw, data); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// check refuses an input whose parts do not fit together.
func check(in *Input) error {
	switch {
	case in.Album == nil || in.Layout == nil:
		return errors.New("report: no album or layout")
	case len(in.Layout.Tracks) == 0 || len(in.Layout.Tracks) != len(in.Album.Tracks):
		return fmt.Errorf("report: the layout has %d tracks, the album %d", len(in.Layout.Tracks), len(in.Album.Tracks))
	case len(in.Deliveries) == 0:
		return errors.New("report: no delivery")
	case in.Main < 0 || in.Main >= len(in.Deliveries):
		return fmt.Errorf("report: main delivery %d of %d", in.Main, len(in.Deliveries))
	}
	n := len(in.Layout.Tracks)
	for _, d := range in.Deliveries {
		if d.Report == nil || len(d.Report.Tracks) != n || len(d.Cuts) != n {
			return fmt.Errorf("report: a delivery does not describe the album's %d tracks", n)
		}
		if d.Report.Number < 1 || d.Report.Number > len(in.Album.Deliveries) {
			return fmt.Errorf("report: delivery %d %q is not in the project", d.Report.Number, d.Report.Name)
		}
	}
	if an := in.Analysis; an != nil && (len(an.Tracks) != n || an.Album == nil) {
		return fmt.Errorf("report: the analysis has %d tracks, the album %d", len(an.Tracks), n)
	}
	return nil
}
