package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/pcm"
)

func newInitCommand(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write album.toml for the audio files in DIR",
		Long: `Init writes DIR/album.toml (DIR defaults to the current folder) with one
track for every WAV and FLAC file in DIR, sorted by name. Titles come from
the files' tags when they have them, else from their names; each track notes
the file's duration and format. Init never overwrites an existing album.toml.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runInit(e, dir)
		},
	}
}

var audioExt = []string{".wav", ".wave", ".bwf", ".rf64", ".flac"}

func runInit(e *env, dir string) error {
	project := filepath.Join(dir, "album.toml")
	if _, err := os.Stat(project); err == nil {
		return withHint(fmt.Errorf("%s already exists; init does not overwrite it", project), "edit it, or remove it to start again")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var files []string
	for _, en := range entries {
		if en.Type().IsRegular() && slices.Contains(audioExt, strings.ToLower(filepath.Ext(en.Name()))) {
			files = append(files, en.Name())
		}
	}
	slices.Sort(files)
	if len(files) == 0 {
		return fmt.Errorf("%s has no WAV or FLAC files", dir)
	}
	var b strings.Builder
	abs, _ := filepath.Abs(dir)
	fmt.Fprintf(&b, "# Written by lathe init. Every key is documented in album.example.toml.\n\n")
	fmt.Fprintf(&b, "[album]\ntitle = %s\nartist = \"\"\n# upc = \"\"\n", tomlString(filepath.Base(abs)))
	var failed []string
	for _, f := range files {
		info, err := pcm.Probe(filepath.Join(dir, f))
		if err != nil {
			failed = append(failed, err.Error())
			continue
		}
		title := titleFromName(f)
		for _, t := range info.Tags {
			if t.ID == "INAM" && t.Text != "" {
				title = t.Text
			}
		}
		fmt.Fprintf(&b, "\n[[track]]\nfile = %s  # %s\ntitle = %s\n# isrc = \"\"\n",
			tomlString(f), describe(info), tomlString(title))
	}
	if len(failed) > 0 {
		return fmt.Errorf("cannot read every audio file, so no album.toml was written:\n  %s", strings.Join(failed, "\n  "))
	}
	if err := os.WriteFile(project, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if !e.settings.Quiet {
		fmt.Fprintf(e.stdout, "wrote %s with %d tracks; fill in the artist and codes, then run: lathe check %s\n", project, len(files), project)
	}
	return nil
}

// describe summarizes a source: duration and format.
func describe(info pcm.Info) string {
	f := info.Format
	ms := info.Frames * 1000 / int64(f.Rate)
	kind := "integer"
	if f.Float {
		kind = "float"
	}
	ch := "stereo"
	if f.Channels == 1 {
		ch = "mono"
	}
	return fmt.Sprintf("%d:%02d.%03d, %d Hz %d-bit %s %s %s", ms/60000, ms/1000%60, ms%1000, f.Rate, f.Bits, kind, ch, strings.ToUpper(info.Container))
}

var leadingNumber = regexp.MustCompile(`^\d{1,3}\s*(?:[-._)]\s*)?`)

// titleFromName makes a title from a file name: "03 - Tunnels.wav" ->
// "Tunnels".
func titleFromName(name string) string {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	t := strings.TrimSpace(leadingNumber.ReplaceAllString(base, ""))
	if t == "" {
		return base
	}
	return t
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\u` + fmt.Sprintf("%04X", r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
