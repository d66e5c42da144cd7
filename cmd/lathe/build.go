package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/manifest"
	"github.com/lathe-audio/lathe/render"
)

// buildFlags are the options of one build.
type buildFlags struct {
	out   string   // output folder; "" = <project dir>/out
	only  []string // delivery names
	force bool
	json  bool // print the manifest instead of the summary
}

func newBuildCommand(e *env) *cobra.Command {
	var f buildFlags
	cmd := &cobra.Command{
		Use:   "build [PROJECT...]",
		Short: "Render every delivery of a project",
		Long: `Build renders the deliveries of a project: it checks the project as 'lathe
check' does, measures the album (as 'lathe analyze'), applies the loudness
plan, and writes every delivery into its own subfolder of the output folder.

The output folder is <project folder>/out unless -o names another. Build
writes into a temporary folder beside it and renames it into place only
when every delivery succeeded; an interrupted or failed build leaves
nothing behind. An existing output folder is refused unless --force, which
replaces it once the new build is complete.

On a terminal, progress bars on standard error show the analysis and each
delivery: the track being rendered, the share done and the time left. When
standard error is not a terminal (a log, CI), or with -q, there are none:
the output is the summary alone (nothing at all with -q). With --json,
standard output gets the build's manifest.json instead of the summary
(with several projects, one manifest per project built, one after another,
in the order given).

PROJECT is a project file or a folder holding album.toml; the default is
./album.toml.

Several projects are built one after another, or as many at once as -j
says (default 1: one build already keeps two cores busy, and builds at once
share the memory). A failed project does not stop the others; each one's
output is printed whole, in the order given, a last line names the projects
that failed, and the exit status is 1 if any did. Each release stays
atomic: a failed one leaves no output. With several projects, -o DIR puts
each release into DIR/<its project folder's name>; two projects that would
land in the same folder are refused before anything is built.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{""}
			}
			dests, err := batchDests(args, f.out)
			if err != nil {
				return usageError{err}
			}
			ctx, stop := interruptible()
			defer stop()
			return withProgress(e, func() error {
				return runBatch(ctx, e, args, e.settings.jobs(1), func(ctx context.Context, e *env, i int) error {
					g := f
					g.out = dests[i]
					if len(args) > 1 {
						e.barLabel = filepath.Base(filepath.Dir(projectPath(args[i]))) + ": "
					}
					return runBuild(ctx, e, args[i], g)
				})
			})
		},
	}
	cmd.Flags().StringVarP(&f.out, "output", "o", "", "output folder (default: out beside the project file)")
	cmd.Flags().StringSliceVar(&f.only, "only", nil, "build only the named deliveries (comma-separated)")
	cmd.Flags().BoolVar(&f.force, "force", false, "replace an existing output folder")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the build's manifest.json (docs/json.md) instead of the summary")
	return cmd
}

// interruptible returns a context cancelled by SIGINT or SIGTERM, so that
// an interrupted build removes its temporary folder.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

func runBuild(ctx context.Context, e *env, arg string, f buildFlags) error {
	p, probs, err := loadProject(arg)
	if err != nil {
		return err
	}
	if printProblems(e.stderr, probs) {
		return reportedError{fmt.Errorf("invalid project")}
	}
	dest := f.out
	if dest == "" {
		dest = filepath.Join(p.dir, "out")
	}
	o := render.BuildOptions{Album: p.album, Layout: p.layout, Dest: dest, Only: f.only, Force: f.force}
	for k, t := range p.album.Tracks {
		o.Sources = append(o.Sources, p.sourcePath(t.File))
		o.Formats = append(o.Formats, render.SourceFormat{Bits: p.sources[k].Format.Bits, Float: p.sources[k].Format.Float})
	}
	o.Finish = finishBundle(p, writeReport(p))
	coverWarnings(e.stderr, p, f.only)
	bars := e.display.add(p, f.only, e.barLabel)
	defer e.display.remove(bars)
	if bars != nil {
		o.Progress = bars.report
	}
	rep, err := render.Build(ctx, o)
	e.display.remove(bars)
	switch {
	case errors.Is(err, render.ErrExists):
		return withHint(err, "use --force to replace it, or -o to write elsewhere")
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("build interrupted; nothing was written")
	case err != nil:
		return err
	}
	if f.json {
		// The manifest is the build's record; print it as written.
		data, err := os.ReadFile(filepath.Join(rep.Dest, manifest.Name))
		if err != nil {
			return fmt.Errorf("the build is in place, but its manifest cannot be read: %w", err)
		}
		_, err = e.stdout.Write(data)
		return err
	}
	if !e.settings.Quiet {
		printBuild(e.stdout, rep)
	}
	return nil
}

// printBuild writes the summary of a build: per delivery the files
// written, per track the gain applied, limiter activity and clipping.
func printBuild(w io.Writer, rep *render.Report) {
	fmt.Fprintf(w, "built %s\n", rep.Dest)
	for _, d := range rep.Deliveries {
		format := fmt.Sprintf("%d-bit", d.Bits)
		if d.Bits == 32 {
			format = "32-bit float"
		} else {
			format += ", " + d.Dither.String() + " dither"
			if d.DitherFallback {
				format += " (shaped dither applies at 44.1 and 48 kHz only)"
			}
		}
		fmt.Fprintf(w, "  %s (%s, %d Hz, %s): %s\n", d.Name, d.Kind, d.Rate, format, nounCount(len(d.Files), "file"))
		for k, t := range d.Tracks {
			line := fmt.Sprintf("    %02d  gain %+.2f dB", k+1, t.Gain)
			if t.Reduced != 0 {
				line += fmt.Sprintf(" (%.2f dB less to stay under the ceiling)", t.Reduced)
			}
			if t.Limited {
				if t.LimitedFrames > 0 {
					line += fmt.Sprintf(", limited by up to %.2f dB for %s", t.MaxReductionDB, seconds(t.LimitedFrames, d.Rate))
				} else {
					line += ", limiter on, no reduction needed"
				}
			}
			if t.Clips > 0 {
				line += fmt.Sprintf(", %s clipped (the first %s from the start of the disc)", nounCount(int(t.Clips), "sample"), seconds(t.FirstClip, d.Rate))
			}
			fmt.Fprintln(w, line)
		}
	}
}

// coverWarnings writes the warnings about the picture that the selected
// flac and mp3 deliveries with tags embed (render.EmbeddedCover): not
// square, smaller than the stores ask for, grayscale. A picture that
// cannot be embedded fails those deliveries in the build, which names
// them.
func coverWarnings(w io.Writer, p *project, only []string) {
	embeds := slices.ContainsFunc(p.album.Deliveries, func(d album.Delivery) bool {
		return (d.Kind == album.KindFLAC || d.Kind == album.KindMP3) && d.Tags && (len(only) == 0 || slices.Contains(only, d.Name))
	})
	if !embeds {
		return
	}
	_, warns, err := render.EmbeddedCover(p.album)
	if err != nil {
		return
	}
	for _, s := range warns {
		fmt.Fprintf(w, "%s: warning: %s\n", p.path, s)
	}
}

func nounCount(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// seconds formats a frame count as seconds with millisecond precision.
func seconds(frames int64, rate int) string {
	return fmt.Sprintf("%.3f s", float64(frames)/float64(rate))
}
