package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/cwriter"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/render"
)

// isTerminal reports whether w is a terminal that can show progress bars:
// a character device that answers terminal requests, with a TERM other
// than "dumb" (which has no cursor movement). Tests replace it to draw the
// bars into a buffer.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && cwriter.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb"
}

// progressRefresh is how often the bars are redrawn; tests shorten it.
var progressRefresh = 150 * time.Millisecond

// withProgress runs fn with a progress display on e's standard error when
// that is a terminal and e is not quiet, and without one otherwise, so
// that logs hold nothing but what fn prints. While the bars are drawn,
// what fn writes to standard error (and to standard output, when that is
// a terminal as well) is printed above them.
func withProgress(e *env, fn func() error) error {
	if e.settings.Quiet || !isTerminal(e.stderr) {
		return fn()
	}
	stdout, stderr := e.stdout, e.stderr
	d := newDisplay(stderr)
	e.display = d
	e.stderr = aboveBars{d.p, stderr}
	if isTerminal(stdout) {
		e.stdout = aboveBars{d.p, stdout}
	}
	defer func() {
		d.close()
		e.display, e.stdout, e.stderr = nil, stdout, stderr
	}()
	return fn()
}

// aboveBars prints above the progress bars, or straight to w once the
// display is closed.
type aboveBars struct {
	p *mpb.Progress
	w io.Writer
}

func (a aboveBars) Write(b []byte) (int, error) {
	n, err := a.p.Write(b)
	if err == mpb.ErrDone {
		return a.w.Write(b)
	}
	return n, err
}

// writeOut writes a finished block of output to standard output.
func (e *env) writeOut(b []byte) {
	if len(b) > 0 {
		e.stdout.Write(b)
	}
}

// writeErr writes a finished block of messages to standard error.
func (e *env) writeErr(b []byte) {
	if len(b) > 0 {
		e.stderr.Write(b)
	}
}

// display draws the progress of the builds of a run: a bar for the
// analysis of each build, once it starts, and one per delivery, with the
// track being rendered, the share done and the time left. The render
// calls only store figures (buildBars.report); a refresher goroutine
// moves them onto the bars.
type display struct {
	p             *mpb.Progress
	mu            sync.Mutex
	builds        []*buildBars
	nextPriority  int
	stop, stopped chan struct{}
}

func newDisplay(w io.Writer) *display {
	d := &display{
		// WithAutoRefresh and WithWidth matter only when w is not a
		// terminal (tests); on one, mpb refreshes and takes its width.
		p:    mpb.New(mpb.WithOutput(w), mpb.WithAutoRefresh(), mpb.WithWidth(100), mpb.WithRefreshRate(progressRefresh)),
		stop: make(chan struct{}), stopped: make(chan struct{}),
	}
	go d.refresh()
	return d
}

func (d *display) refresh() {
	defer close(d.stopped)
	t := time.NewTicker(progressRefresh / 2)
	defer t.Stop()
	for {
		select {
		case <-d.stop:
			return
		case <-t.C:
		}
		d.mu.Lock()
		for _, b := range d.builds {
			b.update(d.p)
		}
		d.mu.Unlock()
	}
}

// close removes every bar and stops the display.
func (d *display) close() {
	close(d.stop)
	<-d.stopped
	d.mu.Lock()
	for _, b := range d.builds {
		b.drop()
	}
	d.builds = nil
	d.mu.Unlock()
	d.p.Wait()
}

// buildBars are the bars of one build. streams[0] is the analysis,
// streams[1+i] delivery i.
type buildBars struct {
	streams  []*streamBar
	priority int // of the analysis bar; deliveries follow it
}

// streamBar is one stream of a build: the figures the render reports and
// the bar that shows them.
type streamBar struct {
	label  string
	starts []int64 // the tracks' index 01 at the stream's rate
	frames atomic.Int64
	total  atomic.Int64
	pass   atomic.Int32 // 0: not started
	start  atomic.Int64 // when the bar's pass started, in Unix nanoseconds
	bar    *mpb.Bar     // of the pass shown; refresher only
	shown  int32        // the pass the bar shows; refresher only
}

// add makes the bars of a build of p's deliveries named in only (all
// when only is empty), labelled with prefix, and returns them; their
// report method is the build's Progress hook. It returns nil on a nil
// display.
func (d *display) add(p *project, only []string, prefix string) *buildBars {
	if d == nil {
		return nil
	}
	l := p.layout
	starts := func(rate int) []int64 {
		var s []int64
		for _, t := range l.Tracks {
			s = append(s, album.Samples(t.Index[0], rate))
		}
		return s
	}
	labels := []string{"analysis"}
	for _, dl := range p.album.Deliveries {
		labels = append(labels, dl.Name)
	}
	width := 0
	for _, s := range labels {
		width = max(width, len(prefix)+len(s))
	}
	b := &buildBars{}
	for i, s := range labels {
		rate := l.Rate
		if i > 0 {
			dl := &p.album.Deliveries[i-1]
			if dl.Rate != 0 {
				rate = dl.Rate
			}
			if len(only) > 0 && !slices.Contains(only, dl.Name) {
				b.streams = append(b.streams, nil)
				continue
			}
		}
		b.streams = append(b.streams, &streamBar{label: fmt.Sprintf("%-*s", width, prefix+s), starts: starts(rate)})
	}
	d.mu.Lock()
	b.priority = d.nextPriority
	d.nextPriority += len(b.streams)
	d.builds = append(d.builds, b)
	d.mu.Unlock()
	return b
}

// report is the build's render.BuildOptions.Progress: it stores the
// figures, for the refresher to draw.
func (b *buildBars) report(p render.Progress) {
	i := p.Delivery + 1
	if i < 0 || i >= len(b.streams) || b.streams[i] == nil {
		return
	}
	s := b.streams[i]
	s.total.Store(p.Total)
	s.frames.Store(p.Frames)
	s.pass.Store(int32(p.Pass) + 1)
}

// remove takes the build's bars off the display, when the build is over.
func (d *display) remove(b *buildBars) {
	if d == nil || b == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if i := slices.Index(d.builds, b); i >= 0 {
		d.builds = slices.Delete(d.builds, i, i+1)
		b.drop()
	}
}

// update moves the stored figures onto the bars: a stream's first report
// adds its bar, and a new pass (the limiter rendering a delivery again)
// replaces it.
func (b *buildBars) update(p *mpb.Progress) {
	for i, s := range b.streams {
		if s == nil {
			continue
		}
		pass := s.pass.Load()
		if pass == 0 {
			continue
		}
		frames, total := s.frames.Load(), s.total.Load()
		if pass != s.shown {
			if s.bar != nil {
				s.bar.Abort(true)
			}
			label := s.label
			if pass > 2 {
				label = fmt.Sprintf("%s (pass %d)", s.label, pass-1)
			}
			s.start.Store(time.Now().UnixNano())
			// A bar made with total 0 never completes by itself, so it
			// stays until the build is over and drop removes it.
			s.bar = p.New(0, mpb.BarStyle(),
				mpb.BarPriority(b.priority+i),
				mpb.PrependDecorators(
					decor.Name(label, decor.WC{C: decor.DindentRight | decor.DextraSpace}),
					decor.Any(s.track, decor.WCSyncSpaceR),
				),
				mpb.AppendDecorators(
					decor.Percentage(decor.WC{W: 6}),
					decor.Any(s.eta, decor.WC{W: 10}),
				),
			)
			s.shown = pass
		}
		s.bar.SetTotal(total, false)
		s.bar.SetCurrent(frames)
	}
}

// drop removes the build's bars.
func (b *buildBars) drop() {
	for _, s := range b.streams {
		if s != nil && s.bar != nil {
			s.bar.Abort(true)
			s.bar = nil
		}
	}
}

// track names the track being rendered: the last whose index 01 the
// stream has reached (track 1 in its pregap).
func (s *streamBar) track(st decor.Statistics) string {
	k := 0
	for k+1 < len(s.starts) && st.Current >= s.starts[k+1] {
		k++
	}
	return fmt.Sprintf("track %02d/%02d", k+1, len(s.starts))
}

// eta estimates the time left at the pass's average speed so far.
func (s *streamBar) eta(st decor.Statistics) string {
	if st.Total > 0 && st.Current >= st.Total {
		return "done"
	}
	elapsed := time.Since(time.Unix(0, s.start.Load()))
	if st.Current <= 0 || elapsed < time.Second {
		return "ETA -:--"
	}
	left := time.Duration(float64(elapsed) * float64(st.Total-st.Current) / float64(st.Current)).Round(time.Second)
	return fmt.Sprintf("ETA %d:%02d", int(left.Minutes()), int(left.Seconds())%60)
}
