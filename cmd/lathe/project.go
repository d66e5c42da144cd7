package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/pcm"
)

// project is a loaded, checked project: the album, its sources and layout.
type project struct {
	path    string // the project file as given
	dir     string // its folder; relative paths resolve against it
	album   *album.Album
	sources []pcm.Info
	layout  *album.Layout
}

// sourcePath resolves a track's file against the project's folder.
func (p *project) sourcePath(file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(p.dir, file)
}

// projectPath resolves a PROJECT argument: a file, or a folder holding
// album.toml.
func projectPath(arg string) string {
	if arg == "" {
		return "album.toml"
	}
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		return filepath.Join(arg, "album.toml")
	}
	return arg
}

// errNoProject is wrapped by loadProject's error when the project file
// does not exist.
var errNoProject = errors.New("no such project file")

// loadProject reads, decodes and validates a project, probes its sources
// and plans its layout. It returns every problem found; the project is
// usable only when the problems hold no error.
func loadProject(arg string) (*project, album.Problems, error) {
	path := projectPath(arg)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, withHint(fmt.Errorf("%s: %w", path, errNoProject), "'lathe init DIR' writes one for a folder of audio files")
		}
		return nil, nil, err
	}
	a, probs := album.Decode(path, data)
	if a == nil {
		return nil, probs, nil
	}
	p := &project{path: path, dir: filepath.Dir(path), album: a}
	srcOK := true
	var infos []album.SourceInfo
	for i, t := range a.Tracks {
		if t.File == "" {
			srcOK = false
			continue
		}
		info, err := pcm.Probe(p.sourcePath(t.File))
		if err != nil {
			srcOK = false
			probs = append(probs, a.Problemf(false, fmt.Sprintf("track[%d].file", i+1), "%s", sourceError(t.File, err)))
			continue
		}
		p.sources = append(p.sources, info)
		infos = append(infos, album.SourceInfo{
			Rate: info.Format.Rate, Channels: info.Format.Channels, Bits: info.Format.Bits,
			Float: info.Format.Float, Frames: info.Frames,
		})
	}
	if srcOK && probs.Err() == nil {
		l, planProbs := album.Plan(a, infos)
		probs = append(probs, planProbs...)
		p.layout = l
	}
	probs.Sort()
	return p, probs, nil
}

// sourceError words a probe failure for the project's problem list. The
// pcm errors name the file by its path; the problem already points at the
// track, so a missing file is said plainly.
func sourceError(file string, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("%q: no such file", file)
	}
	return err.Error()
}

// printProblems writes problems to w, one per line, and reports whether
// any is an error.
func printProblems(w io.Writer, probs album.Problems) bool {
	for _, p := range probs {
		fmt.Fprintln(w, p.Error())
	}
	return probs.Err() != nil
}
