package render

import (
	"math"
	"sync"
)

// progressor reports one stream's progress to BuildOptions.Progress: at
// most once per tenth of a second of the stream's audio, and always at
// its end.
//
// A delivery is done up to the frames its chain has written, unless its
// writer has work that trails the stream (a tagged delivery's encode
// tasks, taggedWriter): such a writer holds the count back to the first
// frame it has not finished (hold), so that the delivery reaches its
// total only once its last file is encoded. Reports come from the chain's
// goroutine and from the writer's tasks, one at a time.
type progressor struct {
	mu      sync.Mutex
	fn      func(Progress)
	p       Progress
	step    int64 // frames between reports
	next    int64 // the frame count that triggers the next report
	written int64 // frames the chain has written
	held    int64 // the first frame the writer has not finished
}

func newProgressor(fn func(Progress), delivery, pass int, total int64, rate int) *progressor {
	step := max(int64(rate)/10, 1)
	return &progressor{fn: fn, p: Progress{Delivery: delivery, Pass: pass, Total: total}, step: step, next: step, held: math.MaxInt64}
}

// at reports that frames are written.
func (r *progressor) at(frames int64) {
	if r != nil {
		r.set(&r.written, frames)
	}
}

// hold reports that the writer has finished every frame before frame
// (math.MaxInt64: all of them). A writer calls it with a frame that only
// grows.
func (r *progressor) hold(frame int64) {
	if r != nil {
		r.set(&r.held, frame)
	}
}

// set stores v in count, r.written or r.held, and calls fn if a tenth of
// a second passed since the last report or the stream is complete.
func (r *progressor) set(count *int64, v int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*count = v
	frames := min(r.written, r.held)
	if (frames < r.next && frames < r.p.Total) || frames == r.p.Frames {
		return
	}
	r.p.Frames = frames
	r.next = frames + r.step
	r.fn(r.p)
}

// trailingWriter is implemented by writers whose work trails the stream:
// trackProgress gives them the delivery's progressor, to hold.
type trailingWriter interface {
	trackProgress(r *progressor)
}

// progressConsumer reports the progress of the analysis through the
// blocks one of its consumers takes.
type progressConsumer struct {
	consumer
	r *progressor
}

func (c progressConsumer) write(b *block) error {
	if err := c.consumer.write(b); err != nil {
		return err
	}
	c.r.at(b.start + int64(b.frames()))
	return nil
}
