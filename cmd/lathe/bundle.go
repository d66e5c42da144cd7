package main

import (
	"sync"

	"github.com/lathe-audio/lathe/manifest"
	"github.com/lathe-audio/lathe/render"
)

// finishBundle returns the render.BuildOptions.Finish of lathe build for
// project p: it runs each of before (writers of other files at the
// bundle's root, such as the report), then writes manifest.json and
// MD5SUMS beside the delivery folders, last, so that they list and cover
// every other file of the bundle.
func finishBundle(p *project, before ...func(dir string, r *render.Report) error) func(dir string, r *render.Report) error {
	in := manifest.Input{Album: p.album, Layout: p.layout, Project: p.path}
	for _, t := range p.album.Tracks {
		in.Sources = append(in.Sources, p.sourcePath(t.File))
	}
	// The project file and the sources are hashed beside the render, not
	// after it.
	hash := sync.OnceValues(func() (*manifest.Inputs, error) { return manifest.HashInputs(in) })
	go hash()
	return func(dir string, r *render.Report) error {
		for _, f := range before {
			if err := f(dir, r); err != nil {
				return err
			}
		}
		var err error
		if in.Hashed, err = hash(); err != nil {
			return err
		}
		m, err := manifest.Make(dir, in, r)
		if err != nil {
			return err
		}
		return manifest.Write(dir, m)
	}
}
