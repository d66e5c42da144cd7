package render

import (
	"cmp"
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
	BlockSize         int // program frames per block; 0 = DefaultBlockSize
	// Analysis is the program's analysis, if the caller ran it already;
	// Build then plans every delivery's gains from it, the tracks it
	// finds over the ceiling included.
	Analysis *Analysis
	// Finish, if set, is called once every delivery succeeded, with the
	// temporary output folder (each delivery a subfolder of it, the files
	// of Report.Deliveries written and closed) and the report, before the
	// folder is renamed to Dest. It may read the deliveries and add files
	// beside them (a manifest, a report), which then land atomically with
	// the deliveries. An error from it fails the build, which returns it
	// unchanged and removes the folder. It runs on the caller's goroutine.
	Finish func(dir string, r *Report) error
	// Progress, if set, is told how far the analysis and each delivery
	// are (see Progress). It is called from the build's goroutines, the
	// analysis's and each delivery's, so calls may come from several
	// goroutines at once and must be safe for that; they are on the
	// render's path, so keep them cheap (store the figures, draw
	// elsewhere).
	Progress func(p Progress)
}

// Progress is how far one stream of a build is. A delivery reports at
// most once per tenth of a second of its audio, and always once it is
// complete (Frames == Total), before Build returns; the analysis reports
// likewise for the program.
type Progress struct {
	// Delivery is the delivery's index in the album's deliveries (from 0,
	// not its project number), or -1 for the analysis of the program.
	Delivery int
	// Pass counts the delivery's renderings: 1, then 2 when the limiter
	// renders it again (DeliveryReport.Passes); 0 for the analysis.
	Pass int
	// Frames of the delivery's stream (at its rate, from A-time 0 to the
	// lead-out: Stream.Frames) done so far, out of Total: every frame
	// before Frames is written and, in a flac or mp3 delivery, whose
	// tracks are encoded beside the render, encoded. For the analysis,
	// frames of the program at the program rate.
	Frames, Total int64
}

// Report is the outcome of a build.
type Report struct {
	Dest string
	// Analysis is the analysis the gains came from: BuildOptions.Analysis,
	// or the build's own; nil when no delivery needed one.
	Analysis   *Analysis
	Deliveries []DeliveryReport
	Skipped    []string // deliveries left out for want of a writer
	// Chains counts the delivery chains the build ran, over all its
	// passes. Deliveries whose streams differ at most in word length
	// (the same gains, rate, limited tracks and ceiling) share one chain:
	// one resampler, one limiter, one set of reseed points. Outputs counts
	// the chains' quantized streams: deliveries of one chain at the same
	// word length share one, quantized and metered once and handed to
	// each of their writers.
	Chains, Outputs int
}

// Build renders the selected deliveries of the album into o.Dest
// (docs/design.md §4). Everything is written into a temporary folder
// beside Dest (".<name>.tmp-*", on the same file system) that is renamed
// into place only when every delivery succeeded, and removed on any
// failure, including the cancellation of ctx. An existing Dest is refused
// unless o.Force; then it is replaced only after the new build is
// complete.
//
// The program is analyzed first (pass 1, Analyze) only when the gains of
// some delivery depend on it (see needsAnalysis), or a delivery's kind
// asks for it (NeedAnalysis), and o.Analysis does not give it already;
// otherwise the gains are the tracks' offsets and the deliveries are
// rendered at once. Deliveries with the same gains share one rendering of
// the program, and each delivery meters what it writes, track by track
// (TrackReport.Output). That measurement, on the delivery's own stream at
// its rate, decides the ceiling policy: with over_ceiling = "error" a
// track over the ceiling fails the build, naming the delivery, the track
// and the time of its peak; with "limit" a delivery that has a touched,
// unlimited track over the ceiling is rendered again with the limiter on
// those tracks (a second pass, DeliveryReport.Passes = 2). With an
// analysis, the tracks its plan leaves over the ceiling are limited from
// the first pass.
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
	if an == nil && slices.ContainsFunc(todo, func(i int) bool {
		d := &a.Deliveries[i]
		return needsAnalysis(a.LoudnessFor(d)) || kindNeedsAnalysis(d.Kind)
	}) {
		if an, err = Analyze(ctx, a, l, o.Sources, AnalyzeOptions{BlockSize: o.BlockSize, Progress: o.Progress}); err != nil {
			return nil, err
		}
	}
	rep.Analysis = an
	rep.Deliveries = make([]DeliveryReport, len(todo))
	jobs := make([]*job, len(todo))
	for j, i := range todo {
		d := &a.Deliveries[i]
		jb := &job{i: i, lo: a.LoudnessFor(d), rep: &rep.Deliveries[j]}
		if an != nil {
			if jb.plan, err = an.Plan(jb.lo); err != nil {
				return nil, fmt.Errorf("render: delivery[%d] %q: %w", i+1, d.Name, err)
			}
		} else {
			jb.plan = offsetPlan(a)
		}
		if jb.lo.OverCeiling == album.CeilingLimit {
			for _, ov := range jb.plan.Overs {
				jb.limit = append(jb.limit, ov.Track)
			}
		}
		jobs[j] = jb
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

	if err := renderJobs(ctx, o, rep, an, jobs, tmp); err != nil {
		return nil, err
	}
	var again []*job
	for _, jb := range jobs {
		more, err := jb.overs(o)
		if err != nil {
			return nil, err
		}
		if len(more) > 0 {
			jb.limit = append(jb.limit, more...)
			again = append(again, jb)
		}
	}
	if len(again) > 0 {
		for _, jb := range again {
			if err := os.RemoveAll(filepath.Join(tmp, a.Deliveries[jb.i].Name)); err != nil {
				return nil, fmt.Errorf("render: %w", err)
			}
		}
		if err := renderJobs(ctx, o, rep, an, again, tmp); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o.Finish != nil {
		if err := o.Finish(tmp, rep); err != nil {
			return nil, err
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if err := replace(tmp, dest, destExists); err != nil {
		return nil, err
	}
	ok = true
	return rep, nil
}

// needsAnalysis reports whether the gains of loudness settings l depend on
// the analysis of the program. They do for the reduce policy, and for
// every matching mode but "off" and "album" without a target: "album"
// with a target moves the album's loudness to it, "track" and "loudest"
// move tracks to the target or, without one, to the album's loudness.
// Otherwise the gains are the tracks' offsets (offsetPlan).
func needsAnalysis(l album.Loudness) bool {
	if l.OverCeiling == album.CeilingReduce {
		return true
	}
	switch l.Match {
	case album.MatchOff:
		return false
	case album.MatchAlbum:
		return l.Target != nil
	default:
		return true
	}
}

// offsetPlan is the gain plan of settings that need no analysis: every
// track gets its offset, as loudness.PlanGains gives it for "off" and for
// "album" without a target.
func offsetPlan(a *album.Album) *loudness.GainPlan {
	p := &loudness.GainPlan{Gains: make([]float64, len(a.Tracks)), Reduced: make([]float64, len(a.Tracks))}
	for k := range a.Tracks {
		p.Gains[k] = a.Tracks[k].Gain
	}
	return p
}

// job is one delivery through the passes of a build.
type job struct {
	i     int // index into the album's deliveries
	lo    album.Loudness
	plan  *loudness.GainPlan
	limit []int // tracks the limiter treats (if it may: see limitSegs)
	rep   *DeliveryReport
	ws    *writerSlot // of the last pass
}

// renderJobs renders the program once per distinct set of gains and fans
// it out to the chains of the jobs (newChains).
func renderJobs(ctx context.Context, o BuildOptions, rep *Report, an *Analysis, jobs []*job, tmp string) error {
	groups := map[string][]*job{}
	var keys []string
	for _, jb := range jobs {
		key := fmt.Sprint(jb.plan.Gains)
		if groups[key] == nil {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], jb)
	}
	for _, key := range keys {
		js := groups[key]
		cs, err := newChains(o, an, js, tmp)
		if err != nil {
			return err
		}
		for _, c := range cs {
			rep.Chains++
			rep.Outputs += len(c.outs)
		}
		// One program per layout the chains are fed from, each rendered
		// once; all of them at once.
		var progs []*program
		var consumers [][]consumer
		for _, c := range cs {
			i := slices.IndexFunc(progs, func(p *program) bool { return p.layout == c.l })
			if i < 0 {
				tp, err := newParams(o.Album, c.l, o.Sources, js[0].plan.Gains, o.Formats)
				if err != nil {
					for _, c := range cs {
						c.abort()
					}
					return err
				}
				i = len(progs)
				progs = append(progs, newProgram(c.l, tp))
				consumers = append(consumers, nil)
			}
			consumers[i] = append(consumers[i], c)
		}
		if err := streamAll(ctx, progs, o.BlockSize, consumers); err != nil {
			return err
		}
	}
	return nil
}

// overs applies the ceiling policy to what the job's last pass measured
// on each track's segment (its append cut, as the analysis measures it)
// of the delivery's stream. Under "error" a track whose true peak exceeds
// the ceiling less Margin fails the build, the worst first. Under "limit"
// it returns the touched tracks over it that the limiter did not treat.
func (jb *job) overs(o BuildOptions) ([]int, error) {
	ws := jb.ws
	limit := jb.lo.MaxTruePeak - Margin
	var overs []loudness.Over
	for k, m := range ws.out.meter.sets[ws.segs].out {
		if ex := m.TruePeak - limit; ex > 1e-9 {
			overs = append(overs, loudness.Over{Track: k, Pos: m.TruePeakPos, TruePeak: m.TruePeak, Excess: ex})
		}
	}
	switch jb.lo.OverCeiling {
	case album.CeilingError:
		if len(overs) == 0 {
			return nil, nil
		}
		w := slices.MaxFunc(overs, func(x, y loudness.Over) int { return cmp.Compare(x.Excess, y.Excess) })
		for _, ov := range overs { // the first of equals
			if ov.Excess == w.Excess {
				w = ov
				break
			}
		}
		return nil, ws.errorf("%w", &loudness.OverError{Over: w, Time: clock(w.Pos, ws.s.Rate), Ceiling: jb.lo.MaxTruePeak, Margin: Margin})
	case album.CeilingLimit:
		var more []int
		for _, ov := range overs {
			if !slices.Contains(jb.limit, ov.Track) && !untouched(o, ws.s.Rate, ov.Track, ws.s.Gains) {
				more = append(more, ov.Track)
			}
		}
		return more, nil
	}
	return nil, nil
}

// clock formats a frame position as m:ss.fff, rounded down to the
// millisecond.
func clock(pos int64, rate int) string {
	ms := pos * 1000 / int64(rate)
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
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

// deliveryShape returns the rate and word length of the job's stream
// (32: float).
func deliveryShape(o BuildOptions, jb *job) (rate, bits int) {
	d := &o.Album.Deliveries[jb.i]
	rate, bits = d.Rate, d.Bits
	if rate == 0 {
		rate = o.Layout.Rate
	}
	if bits == 0 {
		bits = 32
	}
	return rate, bits
}

// segments returns the tracks' segments of a stream at rate: their
// append cuts, index 01 to the next index 01, which the limiter treats,
// the ceiling policy measures and the dither is reseeded at the start of.
func segments(l *album.Layout, rate int) []FrameSpan {
	var out []FrameSpan
	for _, sp := range l.Cuts(album.GapsAppend) {
		a, b := sp.Samples(rate)
		out = append(out, FrameSpan{a, b})
	}
	return out
}

// limitSegs returns the segments the limiter treats in the job's stream
// at rate: those of the tracks it limits, but for the tracks lathe leaves
// untouched, whose peaks are the master's own.
func limitSegs(o BuildOptions, jb *job, rate int) []limitSeg {
	measured := segments(o.Layout, rate)
	var segs []limitSeg
	for _, k := range jb.limit {
		if untouched(o, rate, k, jb.plan.Gains) {
			continue
		}
		segs = append(segs, limitSeg{start: measured[k].Start, end: measured[k].End, track: k})
	}
	slices.SortFunc(segs, func(x, y limitSeg) int { return cmp.Compare(x.start, y.start) })
	return segs
}

// newChains prepares the chains of one pass of jobs that share their
// gains. Jobs share a chain when their streams are the same before
// quantization: the same rate, and the same limiter segments at the same
// ceiling (the ceiling matters only where the limiter runs). Within a
// chain, jobs of the same word length share an output: one quantizer,
// one meter, their writers fed the same blocks. What one delivery
// receives is thus exactly what it receives when it is built alone. On
// failure, what was prepared is released.
func newChains(o BuildOptions, an *Analysis, jobs []*job, tmp string) ([]*chain, error) {
	var cs []*chain
	fail := func(err error) ([]*chain, error) {
		for _, c := range cs {
			c.abort()
		}
		return nil, err
	}
	byKey := map[string]*chain{}
	for _, jb := range jobs {
		rate, bits := deliveryShape(o, jb)
		segs := limitSegs(o, jb, rate)
		key := fmt.Sprint(rate, segs)
		if len(segs) > 0 {
			key += fmt.Sprint(" ceiling ", jb.lo.MaxTruePeak)
		}
		c := byKey[key]
		if c == nil {
			var err error
			if c, err = newChain(o, rate, segs, jb.lo.MaxTruePeak); err != nil {
				return fail(fmt.Errorf("render: delivery[%d] %q: %w", jb.i+1, o.Album.Deliveries[jb.i].Name, err))
			}
			byKey[key] = c
			cs = append(cs, c)
		}
		var out *output
		for _, x := range c.outs {
			if x.bits == bits {
				out = x
			}
		}
		if out == nil {
			var err error
			if out, err = newOutput(o, c, bits); err != nil {
				return fail(fmt.Errorf("render: delivery[%d] %q: %w", jb.i+1, o.Album.Deliveries[jb.i].Name, err))
			}
			c.outs = append(c.outs, out)
		}
		ws, err := newSlot(o, an, jb, out, tmp)
		if err != nil {
			return fail(fmt.Errorf("render: delivery[%d] %q: %w", jb.i+1, o.Album.Deliveries[jb.i].Name, err))
		}
		out.slots = append(out.slots, ws)
		c.slots = append(c.slots, ws)
	}
	for _, c := range cs {
		for _, out := range c.outs {
			out.meterAlbum()
			out.meter = newOutMeter(c.rate, out.bits, out.spans, out.pcmSpans())
		}
	}
	return cs, nil
}

// programLayout returns the layout of the program a stream at rate is cut
// from: the build's at the program rate; the same disc laid out at rate
// (album.Layout.At) when a source is at rate, so that such a source passes
// as it is and the others are resampled once, each on its own; nil when
// no source is at rate, and the stream resamples the program.
func programLayout(o BuildOptions, rate int) *album.Layout {
	l := o.Layout
	if rate == l.Rate {
		return l
	}
	if !slices.ContainsFunc(l.Tracks, func(t album.TrackLayout) bool { return t.SourceRate == rate }) {
		return nil
	}
	if r := l.At(o.Album, rate); r.Fits() {
		return r
	}
	return nil // not from Plan, which sizes the lead-out for it
}

// newChain prepares a chain at rate: its program (and resampler, when the
// program is not at rate), limiter segments, silence spans and reseed
// points.
func newChain(o BuildOptions, rate int, segs []limitSeg, ceil float64) (*chain, error) {
	l := programLayout(o, rate)
	if l == nil {
		l = o.Layout
	}
	c := &chain{l: l, rate: rate, frames: album.Samples(l.LeadOut, rate), segs: segs, ceil: ceil}
	for _, sp := range segments(l, rate) {
		c.starts = append(c.starts, sp.Start)
	}
	if zeroSilence {
		c.zero = silenceSpans(l, rate)
	}
	if rate != l.Rate {
		rs, err := dsp.NewResampler(l.Rate, rate, 2)
		if err == nil {
			err = rs.SetInputLength(album.Samples(l.LeadOut, l.Rate))
		}
		if err != nil {
			return nil, err
		}
		c.rs = rs
	}
	return c, nil
}

// newOutput prepares a chain's output of bits-bit samples (32: float, not
// quantized).
func newOutput(o BuildOptions, c *chain, bits int) (*output, error) {
	out := &output{c: c, bits: bits}
	if bits != 32 {
		a := o.Album
		dt, err := dsp.ParseDither(string(a.Dither.Type))
		if err != nil {
			return nil, err
		}
		q, err := dsp.NewQuantizer(dsp.QuantizerConfig{Bits: bits, Dither: dt, Rate: c.rate, Channels: 2, Seed: a.DitherSeed()})
		if err != nil {
			return nil, err
		}
		out.q = q
	}
	return out, nil
}

// newSlot prepares the job's delivery for a pass on output out: its
// folder, stream, report and writer, and the span sets its measurements
// come from.
func newSlot(o BuildOptions, an *Analysis, jb *job, out *output, tmp string) (*writerSlot, error) {
	a, l := o.Album, o.Layout
	i, plan := jb.i, jb.plan
	pass := jb.rep.Passes + 1
	d := &a.Deliveries[i]
	c := out.c
	dir := filepath.Join(tmp, d.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &Stream{
		Album: a, Layout: l, Delivery: d, Number: i + 1, Dir: dir, Rate: c.rate, Bits: out.bits,
		Frames: c.frames, Gains: plan.Gains, Analysis: an,
	}
	for _, sp := range l.Cuts(d.Gaps) {
		s.Cuts = append(s.Cuts, s.Span(sp))
	}
	rep := jb.rep
	*rep = DeliveryReport{Number: i + 1, Name: d.Name, Kind: d.Kind, Rate: c.rate, Bits: out.bits,
		Tracks: make([]TrackReport, len(l.Tracks)), Passes: pass}
	for k := range rep.Tracks {
		rep.Tracks[k] = TrackReport{Gain: plan.Gains[k], FirstClip: -1}
		if k < len(plan.Reduced) {
			rep.Tracks[k].Reduced = plan.Reduced[k]
		}
	}
	if out.q != nil {
		dt, _ := dsp.ParseDither(string(a.Dither.Type))
		rep.Dither, rep.DitherFallback = out.q.Dither(), out.q.Dither() != dt
	}
	ws := &writerSlot{jb: jb, out: out, s: s, report: rep}
	if o.Progress != nil {
		ws.progress = newProgressor(o.Progress, i, pass, s.Frames, c.rate)
	}
	ws.cuts = out.spanSet(s.Cuts)
	ws.segs = ws.cuts
	if jb.lo.OverCeiling != album.CeilingReduce {
		ws.segs = out.spanSet(segments(l, c.rate))
	}
	w, err := writerFor(d.Kind)(s)
	if err != nil {
		return nil, err
	}
	ws.w = w
	if sm, ok := w.(spanMeterer); ok {
		for _, sp := range sm.meterSpans() {
			ws.spans = append(ws.spans, out.spanSet([]FrameSpan{sp}))
		}
	}
	ws.stopper, _ = w.(stopper)
	if tw, ok := w.(trailingWriter); ok && ws.progress != nil {
		tw.trackProgress(ws.progress)
	}
	jb.ws = ws
	return ws, nil
}

// pcmSpans returns the distinct stream spans whose PCM MD5 the output's
// deliveries report: each PCM file whole and each track's cut inside it,
// and records in each slot where its sums come from.
func (o *output) pcmSpans() []FrameSpan {
	var spans []FrameSpan
	index := func(sp FrameSpan) int {
		if i := slices.Index(spans, sp); i >= 0 {
			return i
		}
		spans = append(spans, sp)
		return len(spans) - 1
	}
	for _, ws := range o.slots {
		sm, ok := ws.w.(summer)
		if !ok {
			continue
		}
		for _, f := range sm.pcmFiles() {
			if !f.own {
				ws.pcm = append(ws.pcm, slotPCM{file: f.name, start: 0, end: f.span.End - f.span.Start, idx: index(f.span)})
			}
			for _, c := range ws.s.Cuts {
				if c.Start >= f.span.Start && c.End <= f.span.End && c != f.span {
					ws.pcm = append(ws.pcm, slotPCM{file: f.name, start: c.Start - f.span.Start, end: c.End - f.span.Start, idx: index(c)})
				}
			}
		}
	}
	return spans
}

// untouched reports whether a stream at rate passes track k on as lathe
// found it: cut from a program at rate (programLayout), and
// untouchedTrack there.
func untouched(o BuildOptions, rate, k int, gains []float64) bool {
	l := programLayout(o, rate)
	return l != nil && untouchedTrack(o, l, k, gains)
}

// untouchedTrack reports whether lathe leaves track k's samples as they
// are in a program laid out by l: 0 dB, no fade, no crossfade, no
// resampling.
func untouchedTrack(o BuildOptions, l *album.Layout, k int, gains []float64) bool {
	t := &l.Tracks[k]
	next := int64(0)
	if k+1 < len(l.Tracks) {
		next = l.Tracks[k+1].Crossfade
	}
	return gains[k] == 0 && t.FadeIn == 0 && t.FadeOut == 0 && t.Crossfade == 0 && next == 0 &&
		t.SourceRate == l.Rate && o.Formats != nil && !o.Formats[k].Float
}
