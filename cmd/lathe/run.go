package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // the work failed
	exitUsage  = 2 // bad command-line usage
)

const exitStatusHelp = `
Exit status:
  0  success
  1  the work failed: an invalid project, unreadable input, a write error
  2  bad command-line usage
`

// usageError marks errors in how lathe was called.
type usageError struct{ error }

// reportedError marks a failure whose details were already printed (a
// project's problems), so run adds no message of its own.
type reportedError struct{ error }

// hintError carries a hint printed after the error.
type hintError struct {
	error
	hint string
}

func (e *hintError) Unwrap() error { return e.error }

func withHint(err error, format string, args ...any) error {
	return &hintError{err, fmt.Sprintf(format, args...)}
}

// run executes lathe with args and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRootCommand(env)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var rep reportedError
	var use usageError
	switch {
	case errors.As(err, &rep):
		return exitFailed
	case errors.As(err, &use) || isCobraUsage(err):
		fmt.Fprintf(stderr, "lathe: error: %v\n", err)
		fmt.Fprintln(stderr, "lathe: hint: run 'lathe help' for usage")
		return exitUsage
	}
	printError(stderr, err)
	return exitFailed
}

// printError writes err, and its hint if it has one, unless it was
// reported already.
func printError(w io.Writer, err error) {
	var rep reportedError
	if errors.As(err, &rep) {
		return
	}
	fmt.Fprintf(w, "lathe: error: %v\n", err)
	var h *hintError
	if errors.As(err, &h) {
		fmt.Fprintf(w, "lathe: hint: %s\n", h.hint)
	}
}

// isCobraUsage recognizes cobra's own errors for unknown commands and flags.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument", "accepts ", "requires "} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// env holds the streams and settings of one run.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	settings       settings
	stopProfile    func()
	display        *display // progress bars, while a build runs on a terminal
	barLabel       string   // prefixed to a project's bar labels in a batch
}

func newRootCommand(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "lathe",
		Short: "Album assembly and DDP/metadata authoring",
		Long: `lathe turns an album project file (album.toml) into every delivery a release
needs: a DDP image for the CD plant, an album WAV + cue sheet, tagged FLAC and
MP3 files and WAV masters, exactly and reproducibly.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			s, err := loadSettings(cmd)
			if err != nil {
				return usageError{err}
			}
			e.settings = s
			stop, err := startProfile(cmd)
			if err != nil {
				return err
			}
			e.stopProfile = stop
			return nil
		},
		PersistentPostRun: func(cmd *cobra.Command, args []string) {
			if e.stopProfile != nil {
				e.stopProfile()
			}
		},
	}
	root.SetUsageTemplate(root.UsageTemplate() + exitStatusHelp)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	addSettingsFlags(root)
	addProfileFlag(root)
	root.AddCommand(
		newCheckCommand(e),
		newAnalyzeCommand(e),
		newDDPCommand(e),
		newVerifyCommand(e),
		newBuildCommand(e),
		newInitCommand(e),
		newDemoCommand(e),
		newVersionCommand(e),
	)
	return root
}
