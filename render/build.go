package render

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/dsp"
	"github.com/lathe-audio/lathe/loudness"
)

// ErrExists reports a destination folder that exists when Build was not
// asked to replace it.
var ErrExists = errors.New("exists")

// BuildOptions say what Build renders and where.
type BuildOptions struct {
	Album   *album.Album
	Layout  *album.Layout
	Sources []string       // the tracks' files, resolved
	Formats []SourceFormat // the tracks' sample formats, from their headers
	Dest    string         // the output folder; each delivery is a subfolder
	Only    []string       // delivery names to build; nil builds them all
	Force   bool           // replace an existing Dest, once the build succeeded
	// SkipUnimplemented builds only the deliveries whose kind has a
	// writer, and lists the others in Report.Skipped. Without it, such a
	// delivery fails the build before anything is rendered.
	SkipUnimplemented bool
	BlockSize         int       // program frames per block; 0 = DefaultBlockSize
	Analysis          *Analysis // pass 1, if the caller ran it already
}

// Report is the outcome of a build.
type Report struct {
	Dest       string
	Analysis   *Analysis
	Deliveries []DeliveryReport
	Skipped    []string // deliveries left out for want of a writer
}

// Build renders the selected deliveries of the album into o.Dest
// (docs/design.md §4). It analyzes the program (unless o.Analysis is
// given), plans each delivery's gains, renders the program once per
// distinct set of gains and fans it out to the deliveries, each on its own
// goroutine. Everything is written into a temporary folder beside Dest
// (".<name>.tmp-*", on the same file system) that is renamed into place
// only when every delivery succeeded, and removed on any failure,
// including the cancellation of ctx. An existing Dest is refused unless
// o.Force; then it is replaced only after the new build is complete.
func Build(ctx context.Context, o BuildOptions) (*Report, error) {
	a, l := o.Album, o.Layout
	rep := &Report{Dest: o.Dest}
	sel, err := selectDeliveries(a, o.Only)
	if err != nil {
		return nil, err
	}
	var todo []int
	for _, i := range sel {
		d := &a.Deliveries[i]
		if Implemented(d.Kind) {
			todo = append(todo, i)
			continue
		}
		if !o.SkipUnimplemented {
			return nil, fmt.Errorf("render: delivery[%d] %q: the %s kind is not implemented yet; use --only to build the others", i+1, d.Name, d.Kind)
		}
		rep.Skipped = append(rep.Skipped, fmt.Sprintf("delivery[%d] %q (%s)", i+1, d.Name, d.Kind))
	}
	if len(todo) == 0 {
		return nil, errors.New("render: no delivery to build")
	}
	dest := filepath.Clean(o.Dest)
	destExists := false
	if _, err := os.Lstat(dest); err == nil {
		if !o.Force {
			return nil, fmt.Errorf("render: %s: %w", dest, ErrExists)
		}
		destExists = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("render: %w", err)
	}
	an := o.Analysis
	if an == nil {
		if an, err = Analyze(ctx, a, l, o.Sources, AnalyzeOptions{BlockSize: o.BlockSize}); err != nil {
			return nil, err
		}
	}
	rep.Analysis = an
	plans := make([]*loudness.GainPlan, len(todo))
	for j, i := range todo {
		d := &a.Deliveries[i]
		p, err := an.Plan(a.LoudnessFor(d))
		if err != nil {
			return nil, fmt.Errorf("render: delivery[%d] %q: %w", i+1, d.Name, err)
		}
		plans[j] = p
	}

	parent, base := filepath.Dir(dest), filepath.Base(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()

	// Deliveries with the same gains share one rendering of the program.
	groups := map[string][]int{}
	var keys []string
	for j := range todo {
		key := fmt.Sprint(plans[j].Gains)
		if groups[key] == nil {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], j)
	}
	rep.Deliveries = make([]DeliveryReport, len(todo))
	for _, key := range keys {
		js := groups[key]
		var cs []consumer
		for _, j := range js {
			c, err := newChain(o, an, todo[j], plans[j], tmp, &rep.Deliveries[j])
			if err != nil {
				for _, c := range cs {
					c.abort()
				}
				return nil, err
			}
			cs = append(cs, c)
		}
		tp, err := newParams(a, l, o.Sources, plans[js[0]].Gains, o.Formats)
		if err != nil {
			return nil, err
		}
		if err := stream(ctx, newProgram(l, tp), o.BlockSize, cs); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := replace(tmp, dest, destExists); err != nil {
		return nil, err
	}
	ok = true
	return rep, nil
}

// selectDeliveries returns the indexes of the deliveries named in only, or
// of all.
func selectDeliveries(a *album.Album, only []string) ([]int, error) {
	if len(only) == 0 {
		sel := make([]int, len(a.Deliveries))
		for i := range sel {
			sel[i] = i
		}
		return sel, nil
	}
	var names []string
	for _, d := range a.Deliveries {
		names = append(names, fmt.Sprintf("%q", d.Name))
	}
	var sel []int
	for _, n := range only {
		i := slices.IndexFunc(a.Deliveries, func(d album.Delivery) bool { return d.Name == n })
		if i < 0 {
			return nil, fmt.Errorf("render: no delivery named %q (the project has %s)", n, strings.Join(names, ", "))
		}
		if !slices.Contains(sel, i) {
			sel = append(sel, i)
		}
	}
	slices.Sort(sel)
	return sel, nil
}

// replace renames the finished build tmp to dest. An existing dest is
// first moved aside into a fresh folder, and removed once the new build is
// in place (or moved back if that fails).
func replace(tmp, dest string, exists bool) error {
	if !exists {
		if err := os.Rename(tmp, dest); err != nil {
			return fmt.Errorf("render: %w", err)
		}
		return nil
	}
	parent, base := filepath.Dir(dest), filepath.Base(dest)
	old, err := os.MkdirTemp(parent, "."+base+".old-")
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	aside := filepath.Join(old, base)
	if err := os.Rename(dest, aside); err != nil {
		os.Remove(old)
		return fmt.Errorf("render: move the old %s aside: %w", dest, err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		if rerr := os.Rename(aside, dest); rerr != nil {
			return fmt.Errorf("render: %w (and the old build is left in %s: %v)", err, aside, rerr)
		}
		os.Remove(old)
		return fmt.Errorf("render: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("render: the build is in place, but removing the old one failed: %w", err)
	}
	return nil
}

// newChain prepares delivery i for its gain plan: its folder, stream,
// resampler, limiter segments, quantizer and writer.
func newChain(o BuildOptions, an *Analysis, i int, plan *loudness.GainPlan, tmp string, rep *DeliveryReport) (*chain, error) {
	a, l := o.Album, o.Layout
	d := &a.Deliveries[i]
	rate, bits := d.Rate, d.Bits
	if rate == 0 {
		rate = l.Rate
	}
	if bits == 0 {
		bits = 32
	}
	fail := func(err error) (*chain, error) {
		return nil, fmt.Errorf("render: delivery[%d] %q: %w", i+1, d.Name, err)
	}
	dir := filepath.Join(tmp, d.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail(err)
	}
	s := &Stream{
		Album: a, Layout: l, Delivery: d, Number: i + 1, Dir: dir, Rate: rate, Bits: bits,
		Frames: album.Samples(l.LeadOut, rate), Gains: plan.Gains, Analysis: an,
	}
	for _, sp := range l.Cuts(d.Gaps) {
		s.Cuts = append(s.Cuts, s.Span(sp))
	}
	*rep = DeliveryReport{Number: i + 1, Name: d.Name, Kind: d.Kind, Rate: rate, Bits: bits,
		Tracks: make([]TrackReport, len(l.Tracks))}
	for k := range rep.Tracks {
		rep.Tracks[k] = TrackReport{Gain: plan.Gains[k], FirstClip: -1}
		if k < len(plan.Reduced) {
			rep.Tracks[k].Reduced = plan.Reduced[k]
		}
	}
	c := &chain{s: s, report: rep, starts: cutStarts(s.Cuts), ibuf: [][]int32{nil, nil}}
	lo := a.LoudnessFor(d)
	c.ceil = lo.MaxTruePeak
	if lo.OverCeiling == album.CeilingLimit {
		measured := l.Cuts(album.GapsAppend)
		for _, ov := range plan.Overs {
			if rate == l.Rate && untouchedTrack(o, l, ov.Track, plan.Gains) {
				continue // its peaks are the master's own
			}
			c.segs = append(c.segs, limitSeg{track: ov.Track})
			sp := s.Span(measured[ov.Track])
			c.segs[len(c.segs)-1].start, c.segs[len(c.segs)-1].end = sp.Start, sp.End
		}
		slices.SortFunc(c.segs, func(x, y limitSeg) int { return int(x.start - y.start) })
	}
	if bits != 32 {
		dt, err := dsp.ParseDither(string(a.Dither.Type))
		if err != nil {
			return fail(err)
		}
		q, err := dsp.NewQuantizer(dsp.QuantizerConfig{Bits: bits, Dither: dt, Rate: rate, Channels: 2, Seed: a.DitherSeed()})
		if err != nil {
			return fail(err)
		}
		c.q = q
		rep.Dither, rep.DitherFallback = q.Dither(), q.Dither() != dt
	}
	if rate != l.Rate {
		rs, err := dsp.NewResampler(l.Rate, rate, 2)
		if err == nil {
			err = rs.SetInputLength(album.Samples(l.LeadOut, l.Rate))
		}
		if err != nil {
			return fail(err)
		}
		c.rs = rs
	}
	w, err := writerFor(d.Kind)(s)
	if err != nil {
		if c.rs != nil {
			c.rs.Close()
		}
		return fail(err)
	}
	c.w = w
	return c, nil
}

// untouchedTrack reports whether lathe leaves track k's samples as they
// are at the program rate: 0 dB, no fade, no crossfade, no resampling.
func untouchedTrack(o BuildOptions, l *album.Layout, k int, gains []float64) bool {
	t := &l.Tracks[k]
	next := int64(0)
	if k+1 < len(l.Tracks) {
		next = l.Tracks[k+1].Crossfade
	}
	return gains[k] == 0 && t.FadeIn == 0 && t.FadeOut == 0 && t.Crossfade == 0 && next == 0 &&
		t.SourceRate == l.Rate && o.Formats != nil && !o.Formats[k].Float
}
