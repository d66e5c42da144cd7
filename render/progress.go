package render

// progressor reports one stream's progress to BuildOptions.Progress: at
// most once per tenth of a second of the stream's audio, and always at
// its end.
type progressor struct {
	fn   func(Progress)
	p    Progress
	step int64 // frames between reports
	next int64 // the frame count that triggers the next report
}

func newProgressor(fn func(Progress), delivery, pass int, total int64, rate int) *progressor {
	step := max(int64(rate)/10, 1)
	return &progressor{fn: fn, p: Progress{Delivery: delivery, Pass: pass, Total: total}, step: step, next: step}
}

// at reports that frames are done, if a tenth of a second passed since
// the last report or the stream is complete.
func (r *progressor) at(frames int64) {
	if r == nil || (frames < r.next && frames < r.p.Total) || frames == r.p.Frames {
		return
	}
	r.p.Frames = frames
	r.next = frames + r.step
	r.fn(r.p)
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
