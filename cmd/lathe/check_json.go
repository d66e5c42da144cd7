package main

import (
	"errors"
	"io/fs"

	"github.com/lathe-audio/lathe/album"
)

// checkJSON is the JSON form of `lathe check`, one per project,
// documented in docs/json.md.
type checkJSON struct {
	Schema   string               `json:"schema"`
	Project  string               `json:"project"`
	OK       bool                 `json:"ok"`
	Errors   int                  `json:"errors"`
	Warnings int                  `json:"warnings"`
	Problems []projectProblemJSON `json:"problems"`
	Album    *layoutJSON          `json:"album"` // nil unless OK
}

// projectProblemJSON is a problem of a project: where it stands in the
// project file and what is wrong.
type projectProblemJSON struct {
	File     string `json:"file"`
	Line     int    `json:"line"`   // 0 when unknown
	Column   int    `json:"column"` // 0 when unknown
	Key      string `json:"key"`    // the key path, "" when none
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

const checkSchema = "lathe/check/1"

// runCheckJSON checks the project arg and prints the result as one JSON
// object, whether the project is valid, invalid or cannot be read; it
// fails, printing nothing else, when the project has an error.
func runCheckJSON(e *env, arg string) error {
	res := checkJSON{Schema: checkSchema, Project: projectPath(arg)}
	p, probs, err := loadProject(arg)
	if err != nil {
		probs = album.Problems{{File: res.Project, Msg: readErrorMessage(err)}}
	}
	res.Problems = projectProblemsJSON(probs)
	res.Errors, res.Warnings = len(probs.Errors()), len(probs.Warnings())
	res.OK = res.Errors == 0
	if res.OK {
		res.Album = newLayoutJSON(p)
	}
	if err := printJSON(e.stdout, res); err != nil {
		return err
	}
	if !res.OK {
		return reportedError{errors.New("invalid project")}
	}
	return nil
}

// readErrorMessage words why a project file cannot be read, without its
// path: "no such project file", "permission denied".
func readErrorMessage(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, errNoProject):
		return errNoProject.Error()
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

func projectProblemsJSON(probs album.Problems) []projectProblemJSON {
	out := []projectProblemJSON{}
	for _, p := range probs {
		out = append(out, projectProblemJSON{
			File: p.File, Line: p.Line, Column: p.Col, Key: p.Path,
			Severity: severity(p.Warning), Message: p.Msg,
		})
	}
	return out
}
