package report

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/metadata"
	"github.com/lathe-audio/lathe/render"
)

// MaxCoverBytes is the largest picture the report embeds. A larger front
// cover is replaced by the album's cover_embed picture when that one fits,
// and left out with a note otherwise: the report is sent by mail and
// opened in browsers, and lathe does not resize images.
const MaxCoverBytes = 2 << 20

// Input is what a report shows. Write reads it and changes nothing.
type Input struct {
	// Version is lathe's version, printed at the foot of the page.
	Version string
	// Album gives the release metadata and the tracks' titles, artists
	// and ISRCs; Layout the timeline (index points, gaps, lead-out) that
	// the plot is drawn on.
	Album  *album.Album
	Layout *album.Layout
	// Disc is the CD's description (render.Disc), whose PQ sheet the
	// report lists; nil when the build wrote no CD delivery.
	Disc *cdda.Disc
	// Cover is the picture shown beside the metadata, embedded in the
	// page; nil for none. CoverNote says why a cover the project names is
	// not shown.
	Cover     *metadata.Picture
	CoverNote string
	// Analysis is the program's analysis at unity gain (the loudness
	// "before"), nil when the build ran none.
	Analysis *render.Analysis
	// Deliveries are the deliveries built, in project order.
	Deliveries []Delivery
	// Main indexes the delivery that the per-track table, the loudness
	// plot and the platform predictions describe (see MainDelivery).
	Main int
}

// Delivery is one delivery of the build.
type Delivery struct {
	Report *render.DeliveryReport
	// Loudness is the delivery's loudness settings (the album's with the
	// delivery's overrides): its target and ceiling are drawn and checked.
	Loudness album.Loudness
	// Cuts are the tracks' files in the delivery's gap mode (sectors),
	// the spans that TrackReport.Output measured; they place each track's
	// measurement on the album's timeline.
	Cuts []album.Span
}

// Options tune FromBuild.
type Options struct {
	Version string // lathe's version
}

// FromBuild gathers the report of a build of album a with layout l: the
// CD's PQ sheet when a ddp or cue delivery was built, the front cover
// (resolved against the project file's folder; see MaxCoverBytes), the
// analysis and every delivery's measurements from r.
func FromBuild(a *album.Album, l *album.Layout, r *render.Report, o Options) (*Input, error) {
	if len(r.Deliveries) == 0 {
		return nil, fmt.Errorf("report: the build has no delivery")
	}
	in := &Input{Version: o.Version, Album: a, Layout: l, Analysis: r.Analysis}
	cd := false
	for k := range r.Deliveries {
		dr := &r.Deliveries[k]
		if dr.Number < 1 || dr.Number > len(a.Deliveries) {
			return nil, fmt.Errorf("report: delivery %d %q is not in the project", dr.Number, dr.Name)
		}
		if len(dr.Tracks) != len(l.Tracks) {
			return nil, fmt.Errorf("report: delivery %q reports %d tracks, the layout has %d", dr.Name, len(dr.Tracks), len(l.Tracks))
		}
		d := &a.Deliveries[dr.Number-1]
		in.Deliveries = append(in.Deliveries, Delivery{Report: dr, Loudness: a.LoudnessFor(d), Cuts: l.Cuts(d.Gaps)})
		cd = cd || d.Kind == album.KindDDP || d.Kind == album.KindCue
	}
	if cd {
		disc, err := render.Disc(a, l)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		in.Disc = disc
	}
	in.Cover, in.CoverNote = cover(a)
	in.Main = MainDelivery(in.Deliveries)
	return in, nil
}

// MainDelivery returns the index of the delivery a report describes in
// detail: the one that streaming services would receive, that is the
// first FLAC delivery, else the first WAV delivery that is not a CD master,
// else the first MP3, WAV, cue and DDP delivery, in that order.
func MainDelivery(ds []Delivery) int {
	rank := func(r *render.DeliveryReport) int {
		switch r.Kind {
		case album.KindFLAC:
			return 0
		case album.KindWAV:
			if r.Rate == 44100 && r.Bits == 16 {
				return 3
			}
			return 1
		case album.KindMP3:
			return 2
		case album.KindCue:
			return 4
		}
		return 5
	}
	best := 0
	for k := range ds {
		if rank(ds[k].Report) < rank(ds[best].Report) {
			best = k
		}
	}
	return best
}

// cover reads the picture to show: the album's cover, or its cover_embed
// when the cover is larger than MaxCoverBytes. It never fails the report:
// a picture it cannot show is named in the note instead.
func cover(a *album.Album) (*metadata.Picture, string) {
	resolve := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(filepath.Dir(a.File), p)
	}
	var note string
	for _, name := range []string{a.Cover, a.CoverEmbed} {
		if name == "" {
			continue
		}
		st, err := os.Stat(resolve(name))
		if err != nil {
			return nil, fmt.Sprintf("The cover %s could not be read.", name)
		}
		if st.Size() > MaxCoverBytes {
			if note == "" {
				note = fmt.Sprintf("The cover %s (%.1f MB) is too large to embed in this report.", name, float64(st.Size())/(1<<20))
			}
			continue
		}
		p, err := metadata.ReadPicture(resolve(name))
		if err != nil {
			return nil, fmt.Sprintf("The cover %s is not a JPEG or PNG image that could be read.", name)
		}
		p.Name = name
		return p, ""
	}
	return nil, note
}
