package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/internal/demo"
)

func newDemoCommand(e *env) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "demo [DIR]",
		Short: "Write a demo project with synthesized tracks and build it",
		Long: `Demo writes a small release into DIR (default lathe-demo): five synthesized
tracks at different loudness and formats (a 96 kHz/24-bit source, a 48 kHz
source, a gapless pair), ISRCs, a UPC and CD-Text, with its album.toml; then
it checks the project as 'lathe check' does and builds it into DIR/out as
'lathe build' does: the default deliveries, a DDP, an album WAV with its
cue sheet, 24-bit FLAC, 320 kb/s MP3 and 16-bit 44.1 kHz WAV masters.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "lathe-demo"
			if len(args) == 1 {
				dir = args[0]
			}
			if force {
				for _, p := range []string{"album.toml", "audio", "out"} {
					if err := os.RemoveAll(filepath.Join(dir, p)); err != nil {
						return err
					}
				}
			}
			if err := demo.Write(dir); err != nil {
				return withHint(err, "use --force to replace the demo project")
			}
			if !e.settings.Quiet {
				fmt.Fprintf(e.stdout, "wrote the demo project to %s\n", dir)
			}
			if err := runCheck(e, dir); err != nil {
				return err
			}
			ctx, stop := interruptible()
			defer stop()
			return withProgress(e, func() error { return runBuild(ctx, e, dir, buildFlags{}) })
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing demo project in DIR")
	return cmd
}
