package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
)

// projectFunc processes the project args[i] of a batch, writing its
// output to e's streams.
type projectFunc func(ctx context.Context, e *env, i int) error

// runBatch processes the projects args, at most jobs at once, and
// continues past a project that fails. With one project, do runs on e's
// own streams and its error is returned as is. With several, each
// project writes into buffers that are printed whole, in the order of
// args, as soon as the projects before it are printed, so that outputs
// never interleave and a log reads the same at any -j; a failure is
// printed with the project it belongs to. runBatch then ends with a line
// naming the projects that failed and returns a reportedError. Once ctx
// is cancelled, the projects not started yet are not started, and count
// as failed.
func runBatch(ctx context.Context, e *env, args []string, jobs int, do projectFunc) error {
	if len(args) == 1 {
		return do(ctx, e, 0)
	}
	type result struct {
		stdout, stderr bytes.Buffer
		err            error
		done           chan struct{}
	}
	res := make([]result, len(args))
	for i := range res {
		res[i].done = make(chan struct{})
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(jobs, len(args)) {
		wg.Go(func() {
			for i := range next {
				r := &res[i]
				if ctx.Err() != nil {
					r.err = errors.New("interrupted before it started")
				} else {
					sub := *e
					sub.stdout, sub.stderr = &r.stdout, &r.stderr
					r.err = do(ctx, &sub, i)
				}
				close(r.done)
			}
		})
	}
	go func() {
		for i := range args {
			next <- i
		}
		close(next)
	}()
	var failed []string
	for i := range res {
		r := &res[i]
		<-r.done
		e.writeOut(r.stdout.Bytes())
		e.writeErr(r.stderr.Bytes())
		if r.err != nil {
			name := projectPath(args[i])
			var errb bytes.Buffer
			printError(&errb, namedError(name, r.err))
			e.writeErr(errb.Bytes())
			failed = append(failed, name)
		}
	}
	wg.Wait()
	if len(failed) == 0 {
		return nil
	}
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "lathe: %d of %d projects failed: %s\n", len(failed), len(args), strings.Join(failed, ", "))
	e.writeErr(msg.Bytes())
	return reportedError{fmt.Errorf("%d of %d projects failed", len(failed), len(args))}
}

// namedError prefixes err with the project it concerns, unless its
// message names the project file first already (as a problem of the
// project file or a missing project does).
func namedError(name string, err error) error {
	if strings.HasPrefix(err.Error(), name+":") {
		return err
	}
	return &prefixedError{prefix: name, err: err}
}

// prefixedError is err with a prefix; it unwraps to err, so hints and
// reported errors keep their meaning.
type prefixedError struct {
	prefix string
	err    error
}

func (e *prefixedError) Error() string { return e.prefix + ": " + e.err.Error() }
func (e *prefixedError) Unwrap() error { return e.err }

// batchDests returns the output folder of each project of a build. With
// one project it is out (which may be "": the project's own out folder).
// With several, each release goes into out/<the project's folder name>
// when out is given, and into its project's out folder otherwise; two
// projects that would write into the same folder are refused before any
// is built.
func batchDests(args []string, out string) ([]string, error) {
	if len(args) == 1 {
		return []string{out}, nil
	}
	dests := make([]string, len(args))
	seen := map[string]int{}
	for i, arg := range args {
		dir := filepath.Dir(projectPath(arg))
		if out == "" {
			dests[i] = filepath.Join(dir, "out")
		} else {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return nil, err
			}
			dests[i] = filepath.Join(out, filepath.Base(abs))
		}
		key, err := filepath.Abs(dests[i])
		if err != nil {
			return nil, err
		}
		if j, ok := seen[key]; ok {
			why := ""
			if out != "" {
				why = " (with several projects, -o DIR puts each into DIR/<its folder name>)"
			}
			return nil, fmt.Errorf("projects %s and %s would both be built into %s%s", projectPath(args[j]), projectPath(arg), dests[i], why)
		}
		seen[key] = i
	}
	return dests, nil
}
