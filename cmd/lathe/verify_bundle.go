package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lathe-audio/lathe/ddp"
	"github.com/lathe-audio/lathe/manifest"
)

// isBundle reports whether dir is a build's output: a folder holding
// manifest.json.
func isBundle(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, manifest.Name))
	return err == nil && fi.Mode().IsRegular()
}

// verifyBundle checks a build's output against its manifest
// (manifest.Verify) and, when project is set, that the project file and
// its sources have the SHA-256 the manifest records. The problems name
// files by their path in the bundle, and the project and sources by
// their path as given or resolved.
func verifyBundle(dir, project string) ([]ddp.Problem, error) {
	m, found := manifest.Verify(dir)
	var probs []ddp.Problem
	for _, p := range found {
		probs = append(probs, ddp.Problem{File: p.File, Warning: p.Warning, Detail: p.Message})
	}
	if project == "" {
		return probs, nil
	}
	if m == nil {
		return append(probs, ddp.Problem{Detail: "not compared with the project: the manifest cannot be read"}), nil
	}
	p, pprobs, err := loadProject(project)
	if err != nil {
		return nil, err
	}
	if p == nil { // the project does not decode; its sources are unknown
		for _, pr := range pprobs {
			probs = append(probs, ddp.Problem{File: projectPath(project), Detail: pr.Error()})
		}
		return probs, nil
	}
	check := func(path, what, want string) {
		got, err := sha256File(path)
		switch {
		case err != nil:
			probs = append(probs, ddp.Problem{File: path, Detail: fmt.Sprintf("%s: %v", what, err)})
		case got != want:
			probs = append(probs, ddp.Problem{File: path, Detail: fmt.Sprintf("%s: SHA-256 %s, the manifest records %s", what, got, want)})
		}
	}
	check(p.path, "the project file", m.Project.SHA256)
	if len(p.album.Tracks) != len(m.Sources) {
		probs = append(probs, ddp.Problem{File: p.path, Detail: fmt.Sprintf("%d tracks, the manifest records %d sources", len(p.album.Tracks), len(m.Sources))})
		return probs, nil
	}
	for k, t := range p.album.Tracks {
		check(p.sourcePath(t.File), fmt.Sprintf("track %d's source", k+1), m.Sources[k].SHA256)
	}
	return probs, nil
}

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
