package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/lathe-audio/lathe/internal/version"
	"github.com/lathe-audio/lathe/render"
	"github.com/lathe-audio/lathe/report"
)

// reportFile is the report's name at the root of a build's output.
const reportFile = "report.html"

// writeReport returns the step of lathe build that writes report.html
// for project p at the root of the finished build (docs/design.md §5), so
// that the manifest written after it lists it.
func writeReport(p *project) func(dir string, r *render.Report) error {
	return func(dir string, r *render.Report) error {
		in, err := report.FromBuild(p.album, p.layout, r, report.Options{Version: version.Version})
		if err != nil {
			return err
		}
		f, err := os.Create(filepath.Join(dir, reportFile))
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		if err := report.Write(f, in); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return nil
	}
}
