package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/album"
)

func newCheckCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "check [PROJECT...]",
		Short: "Validate projects without rendering",
		Long: `Check validates everything that can be validated without rendering: the
project file (every unknown key, wrong type and bad value), the sources'
headers, and the Red Book rules of the album's layout. It prints every
problem at once and the disc layout when there is none.

PROJECT is a project file or a folder holding album.toml; the default is
./album.toml. Several projects are checked at once, as many as -j says (by
default the number of CPUs); each one's output is printed whole, in the
order given, and a last line names the projects that failed.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{""}
			}
			ctx, stop := interruptible()
			defer stop()
			return runBatch(ctx, e, args, e.settings.jobs(runtime.NumCPU()), func(_ context.Context, e *env, i int) error {
				return runCheck(e, args[i])
			})
		},
	}
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
		printLayout(e.stdout, p)
	}
	return nil
}

// printLayout writes the disc layout: what a PQ sheet shows, in the
// album cue's time (LBA) and A-time.
func printLayout(w io.Writer, p *project) {
	a, l := p.album, p.layout
	fmt.Fprintf(w, "%s: ok\n", p.path)
	fmt.Fprintf(w, "  %q by %q, %d tracks, %s (lead-out %s), program at %d Hz\n",
		a.Title, a.Artist, len(a.Tracks), album.MSF(l.LeadOut-150), album.MSF(l.LeadOut), l.Rate)
	if a.UPC != "" {
		fmt.Fprintf(w, "  UPC/EAN %s\n", a.UPC)
	}
	fmt.Fprintf(w, "  %-3s %-8s %-8s %-8s %-12s %s\n", "#", "index00", "index01", "length", "ISRC", "title")
	for k, t := range l.Tracks {
		next := l.LeadOut
		if k+1 < len(l.Tracks) {
			next = l.Tracks[k+1].Index[0]
		}
		idx0 := "-"
		if t.HasPause() || k == 0 {
			idx0 = album.MSF(t.Index0)
		}
		isrc := string(a.Tracks[k].ISRC)
		if isrc == "" {
			isrc = "-"
		}
		fmt.Fprintf(w, "  %02d  %-8s %-8s %-8s %-12s %s\n", k+1, idx0, album.MSF(t.Index[0]), album.MSF(next-t.Index[0]), isrc, a.Tracks[k].Title)
		for j, x := range t.Index[1:] {
			fmt.Fprintf(w, "      %-8s %-8s index %02d\n", "", album.MSF(x), j+2)
		}
	}
	var names []string
	for _, d := range a.Deliveries {
		names = append(names, fmt.Sprintf("%s (%s)", d.Name, d.Kind))
	}
	fmt.Fprintf(w, "  deliveries: %s\n", strings.Join(names, ", "))
}
