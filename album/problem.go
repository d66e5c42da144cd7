package album

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Problem is one thing wrong with a project: an error that stops the build,
// or a warning. It names the file, line and column when the project came
// from a file, and the key path, e.g. `track[2].isrc`.
type Problem struct {
	File      string
	Line, Col int    // 1-based; 0 when unknown
	Path      string // key path; tracks and deliveries are numbered from 1
	Msg       string
	Warning   bool
}

// Error formats the problem as `file:line:col: path: message`, with
// `warning: ` before the path for warnings.
func (p *Problem) Error() string {
	s := p.File
	if p.Line > 0 {
		s += fmt.Sprintf(":%d:%d", p.Line, p.Col)
	}
	if s != "" {
		s += ": "
	}
	if p.Warning {
		s += "warning: "
	}
	if p.Path != "" {
		s += p.Path + ": "
	}
	return s + p.Msg
}

// Problems is a list of problems in the order of the project file.
type Problems []*Problem

// Err returns the errors among ps joined, or nil if there are none.
func (ps Problems) Err() error {
	var errs []error
	for _, p := range ps {
		if !p.Warning {
			errs = append(errs, p)
		}
	}
	return errors.Join(errs...)
}

// Errors returns the problems that are not warnings.
func (ps Problems) Errors() Problems {
	return slices.DeleteFunc(slices.Clone(ps), func(p *Problem) bool { return p.Warning })
}

// Warnings returns the problems that are warnings.
func (ps Problems) Warnings() Problems {
	return slices.DeleteFunc(slices.Clone(ps), func(p *Problem) bool { return !p.Warning })
}

// sort orders problems by position; those without one keep their order
// after the rest.
func (ps Problems) sort() {
	slices.SortStableFunc(ps, func(a, b *Problem) int {
		if (a.Line == 0) != (b.Line == 0) {
			if a.Line == 0 {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Col, b.Col))
	})
}

// position is a place in the project file.
type position struct{ line, col int }

// positions maps key paths to where their values stand in the project file.
// A path that was not written (a default) falls back to its nearest written
// parent: the problem is then reported at that table's header.
type positions map[string]position

// problems collects problems for one album.
type problems struct {
	file string
	pos  positions
	list Problems
}

func (c *problems) add(warning bool, path, format string, args ...any) {
	p := &Problem{File: c.file, Path: path, Msg: fmt.Sprintf(format, args...), Warning: warning}
	for q := path; q != ""; q = parent(q) {
		if at, ok := c.pos[q]; ok {
			p.Line, p.Col = at.line, at.col
			break
		}
	}
	c.list = append(c.list, p)
}

func (c *problems) errorf(path, format string, args ...any) { c.add(false, path, format, args...) }
func (c *problems) warnf(path, format string, args ...any)  { c.add(true, path, format, args...) }

// parent returns the key path one level up: track[2].isrc -> track[2] -> "".
func parent(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		switch path[i] {
		case '.', '[':
			return path[:i]
		}
	}
	return ""
}

// Problemf returns a problem at key path of the album's project file, for
// checks made outside this package (a missing or unreadable source file).
func (a *Album) Problemf(warning bool, path, format string, args ...any) *Problem {
	c := &problems{file: a.File, pos: a.pos}
	c.add(warning, path, format, args...)
	return c.list[0]
}

// Sort orders problems by their position in the project file.
func (ps Problems) Sort() { ps.sort() }
