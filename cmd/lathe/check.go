package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
)

func newCheckCommand(e *env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "check [PROJECT...]",
		Short: "Validate projects without rendering",
		Long: `Check validates everything that can be validated without rendering: the
project file (every unknown key, wrong type and bad value), the sources'
headers, and the Red Book rules of the album's layout. It prints every
problem at once and the disc layout when there is none.

PROJECT is a project file or a folder holding album.toml; the default is
./album.toml. Several projects are checked at once, as many as -j says (by
default the number of CPUs); each one's output is printed whole, in the
order given, and a last line names the projects that failed.

With --json each project's result is one JSON object on standard output
(docs/json.md), invalid and missing projects included: its problems and,
when there is no error, the layout. Several projects make a stream of
objects in the order given. Standard error gets no problems, only (with
several projects) the last line naming those that failed. The exit status
is 1 when any project has an error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{""}
			}
			ctx, stop := interruptible()
			defer stop()
			return runBatch(ctx, e, args, e.settings.jobs(runtime.NumCPU()), func(_ context.Context, e *env, i int) error {
				if asJSON {
					return runCheckJSON(e, args[i])
				}
				return runCheck(e, args[i])
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print each project's problems and layout as JSON (docs/json.md)")
	return c
}

func runCheck(e *env, arg string) error {
	p, probs, err := loadProject(arg)
	if err != nil {
		return err
	}
	if printProblems(e.stderr, probs) {
		return reportedError{fmt.Errorf("invalid project")}
	}
	if !e.settings.Quiet {
		printLayout(e.stdout, p.path, newLayoutJSON(p))
	}
	return nil
}

// layoutJSON is the disc layout of a checked project, what a PQ sheet
// shows, in A-time: the album object of `lathe check --json`
// (docs/json.md), and what the text output prints.
type layoutJSON struct {
	Title      string               `json:"title"`
	Artist     string               `json:"artist"`
	UPC        string               `json:"upc"`
	Rate       int                  `json:"rate"`
	TrackCount int                  `json:"track_count"`
	LeadOut    timeJSON             `json:"lead_out"`
	Duration   timeJSON             `json:"duration"` // the lead-out less 150 sectors
	Tracks     []layoutTrackJSON    `json:"tracks"`
	Deliveries []layoutDeliveryJSON `json:"deliveries"`
}

type layoutTrackJSON struct {
	Number  int        `json:"number"`
	Title   string     `json:"title"`
	ISRC    string     `json:"isrc"`
	Index00 *timeJSON  `json:"index00"` // nil when the track has no pause (but track 1 always has one)
	Index01 timeJSON   `json:"index01"`
	Length  timeJSON   `json:"length"`  // index 01 to the next track's index 01, or the lead-out
	Indexes []timeJSON `json:"indexes"` // index 02, 03, ...
}

type layoutDeliveryJSON struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// newLayoutJSON returns the layout of p, which must be valid.
func newLayoutJSON(p *project) *layoutJSON {
	a, l := p.album, p.layout
	out := &layoutJSON{
		Title: a.Title, Artist: a.Artist, UPC: string(a.UPC), Rate: l.Rate, TrackCount: len(a.Tracks),
		LeadOut: msfJSON(int(l.LeadOut)), Duration: msfJSON(int(l.LeadOut - 150)),
		Tracks: []layoutTrackJSON{}, Deliveries: []layoutDeliveryJSON{},
	}
	for k, t := range l.Tracks {
		next := l.LeadOut
		if k+1 < len(l.Tracks) {
			next = l.Tracks[k+1].Index[0]
		}
		lt := layoutTrackJSON{
			Number: k + 1, Title: a.Tracks[k].Title, ISRC: string(a.Tracks[k].ISRC),
			Index01: msfJSON(int(t.Index[0])), Length: msfJSON(int(next - t.Index[0])), Indexes: []timeJSON{},
		}
		if t.HasPause() || k == 0 {
			idx0 := msfJSON(int(t.Index0))
			lt.Index00 = &idx0
		}
		for _, x := range t.Index[1:] {
			lt.Indexes = append(lt.Indexes, msfJSON(int(x)))
		}
		out.Tracks = append(out.Tracks, lt)
	}
	for _, d := range a.Deliveries {
		out.Deliveries = append(out.Deliveries, layoutDeliveryJSON{Name: d.Name, Kind: string(d.Kind)})
	}
	return out
}

// printLayout writes the disc layout of the project at path as text.
func printLayout(w io.Writer, path string, l *layoutJSON) {
	fmt.Fprintf(w, "%s: ok\n", path)
	fmt.Fprintf(w, "  %q by %q, %d tracks, %s (lead-out %s), program at %d Hz\n",
		l.Title, l.Artist, l.TrackCount, l.Duration.MSF, l.LeadOut.MSF, l.Rate)
	if l.UPC != "" {
		fmt.Fprintf(w, "  UPC/EAN %s\n", l.UPC)
	}
	fmt.Fprintf(w, "  %-3s %-8s %-8s %-8s %-12s %s\n", "#", "index00", "index01", "length", "ISRC", "title")
	for _, t := range l.Tracks {
		idx0 := "-"
		if t.Index00 != nil {
			idx0 = t.Index00.MSF
		}
		isrc := t.ISRC
		if isrc == "" {
			isrc = "-"
		}
		fmt.Fprintf(w, "  %02d  %-8s %-8s %-8s %-12s %s\n", t.Number, idx0, t.Index01.MSF, t.Length.MSF, isrc, t.Title)
		for j, x := range t.Indexes {
			fmt.Fprintf(w, "      %-8s %-8s index %02d\n", "", x.MSF, j+2)
		}
	}
	var names []string
	for _, d := range l.Deliveries {
		names = append(names, fmt.Sprintf("%s (%s)", d.Name, d.Kind))
	}
	fmt.Fprintf(w, "  deliveries: %s\n", strings.Join(names, ", "))
}
