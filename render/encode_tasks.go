package render

import (
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The tracks of a tagged delivery (taggedWriter) are encoded as tasks
// beside the render. libFLAC and LAME encode on one thread per file, and
// at -8 and 96 kHz libFLAC alone needs more CPU than the rest of a build;
// encoded in the chain's goroutine, a delivery's files were one thread
// that the lockstep pipeline held to its share of the cores, and then ran
// alone at the end. The tracks are independent files, so each is encoded
// on its own, from the moment the stream reaches its cut:
//
//   - The chain hands a track's samples, as the encoder would get them
//     (raw little-endian PCM, packInts), to the track's spool: a queue of
//     chunks of spoolChunk bytes. A chunk stays in memory while the
//     spools of the process hold fewer than spoolMemory bytes; past that
//     it goes to the track's spill file, in a private temporary folder,
//     never the delivery's (the build's folder becomes the output), if a
//     task slot is free or the track's task is waiting for one. When the
//     track's own task is encoding and every slot is busy, the chain
//     waits instead: the encoders keep the cores busy, and samples that
//     would only be written to disk and read back stay in the render.
//     The tracks whose tasks wait for a slot (MP3 behind FLAC) queue up
//     and fill the end of the build, two at a time.
//   - The track's task starts with its spool. It takes the chunks in
//     order, encodes them into the track's file exactly as the encoder
//     would have in the stream (the encoders' output depends only on the
//     samples), records the FLAC MD5 and removes the spill file. It
//     holds a slot only while it has samples to encode: a task that has
//     caught up with the stream gives its slot back until the next
//     chunk, so a slot is never held by a task that waits for the chain,
//     and the chain never waits for a task that waits for it. An MP3 is
//     then decoded and measured in a check that takes a slot of its own
//     (taggedWriter.check): short, it queues behind the encodes, and the
//     checks fill the end of the build beside the last encodes.
//   - At most taskLimit tasks hold a slot at once in the process, whatever
//     the number of deliveries and builds (encodeSlots), so that they do
//     not oversubscribe the machine.
//   - A free slot goes first to a task resuming after it gave its slot
//     back (its spool, in memory, must keep moving), then to the waiting
//     task expected to take longest (its frames left times the seconds
//     per frame its delivery's finished tasks spent holding slots; a
//     delivery none of whose tasks has finished yet goes first, and
//     equals go in the order they were queued). Longest first keeps both
//     cores busy to the end: the short tasks (MP3) fill the last seconds
//     beside the long ones (FLAC at 96 kHz) instead of one long task
//     running alone after the others. The order changes no byte.
//   - A delivery's Write waits while more than spillLimit of its tracks
//     are queued but not encoded, so spooled tracks stay bounded.

// encodeLimit, when positive, replaces GOMAXPROCS as the number of encode
// tasks that may run at once; tests set it.
var encodeLimit int

// taskLimit is the number of encode tasks that may run at once: the
// runtime's GOMAXPROCS as it was before tasks raised it (setRunning).
func taskLimit() int {
	if encodeLimit > 0 {
		return encodeLimit
	}
	if b := encodeSlots.base.Load(); b > 0 {
		return int(b)
	}
	return runtime.GOMAXPROCS(0)
}

// spillLimit is how many of a delivery's tracks may be spooled and not
// yet encoded (the track being written among them) before its Write
// waits: one for each task that may run, and one. A delivery whose tasks
// take longest (FLAC at 96 kHz) runs first, and another's (MP3) waits;
// the limit keeps the stream from running far ahead of the encoders, as
// what it runs ahead by goes to spill files past spoolMemory, to be read
// back later. (Twice as many, which let the waiting delivery's stream
// reach its end sooner, spilled 2.3 GB of the 60-minute album instead of
// 1.5 to 1.8 GB, for the same idle time: the MP3 checks now fill the end
// of the build, docs/benchmarks.md.) What the spools hold in memory is
// bounded by spoolMemory whatever this limit.
func spillLimit() int { return taskLimit() + 1 }

// encodeTaskHook, when set (tests), is called with true as a task (an
// encode or a check) has taken a slot and with false as it gives it back
// (when it ends, or while it waits for the stream; taskSlots.release).
var encodeTaskHook func(running bool)

// taskHook calls encodeTaskHook, if set.
func taskHook(running bool) {
	if encodeTaskHook != nil {
		encodeTaskHook(running)
	}
}

// createSpill creates a spill file; tests replace it to make writes fail.
var createSpill = func(path string) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// spoolChunk is the size of a spool's chunks, in bytes, rounded down to
// whole frames; a task takes its samples a chunk at a time.
const spoolChunk = 1 << 20

// spoolMemory is how many bytes of chunks the spools of the process may
// hold in memory (tests change it): about three minutes of 96 kHz 24-bit
// stereo, or eight of 44.1 kHz.
var spoolMemory = 128 << 20

// taskFrames is how many frames an encode task reads and encodes at a
// time; its progress moves by as many.
const taskFrames = 8192

// encodeSlots is the limit the encode tasks of every delivery share.
var encodeSlots taskSlots

// taskCost is what one delivery's finished encode tasks took: seconds of
// wall time for frames; encodeSlots.mu guards it.
type taskCost struct {
	seconds float64
	frames  int64
}

// estimate returns the seconds a task of frames is expected to take, +Inf
// before any task of the kind has finished.
func (c *taskCost) estimate(frames int64) float64 {
	if c.frames == 0 {
		return math.Inf(1)
	}
	return c.seconds / float64(c.frames) * float64(frames)
}

// taskSlots hands out taskLimit slots, longest expected task first, and
// keeps the account of the spools' memory.
type taskSlots struct {
	mu      sync.Mutex
	changed sync.Cond // on mu: a slot was given back, a chunk queued or freed, a writer stopped
	running int
	seq     uint64
	waiting []*taskWaiter
	held    int      // bytes of spool chunks in memory, queued or being encoded
	free    [][]byte // buffers of chunks that were encoded, for reuse

	// base is GOMAXPROCS as it was when the first task took a slot, 0
	// while none holds one (setRunning).
	base atomic.Int32
}

// setRunning records that n tasks hold a slot and gives the Go runtime
// one processor (P) more for each: s.mu is held. A task spends its slot
// in libFLAC or LAME, a C call of a few milliseconds at a time, during
// which the runtime keeps the task's P reserved for it until its monitor
// takes it back; so the goroutines of the render and the meters found a
// P too few, and a task coming back from C found none free and slept
// until one was, while a core stood idle (about 3 % of the two cores
// through a build of the 60-minute album, docs/benchmarks.md). With a P
// per running task on top of the machine's, Go code keeps the cores'
// worth of Ps whatever the encoders do; the kernel shares the cores
// among the threads as before. Back to no task, GOMAXPROCS is restored.
func (s *taskSlots) setRunning(n int) {
	if s.running == 0 && n > 0 && s.base.Load() == 0 {
		s.base.Store(int32(runtime.GOMAXPROCS(0)))
	}
	s.running = n
	b := int(s.base.Load())
	if b == 0 {
		return
	}
	runtime.GOMAXPROCS(b + n)
	if n == 0 {
		s.base.Store(0)
	}
}

// cond returns s.changed, ready; s.mu is held.
func (s *taskSlots) cond() *sync.Cond {
	if s.changed.L == nil {
		s.changed.L = &s.mu
	}
	return &s.changed
}

// wake wakes every goroutine waiting on s.changed: what it waits for may
// have happened.
func (s *taskSlots) wake() {
	s.mu.Lock()
	s.cond().Broadcast()
	s.mu.Unlock()
}

// taskWaiter is a task waiting for a slot.
type taskWaiter struct {
	ready  chan struct{} // closed when the waiter is given a slot
	frames int64
	cost   *taskCost
	seq    uint64 // the order of queueing
	resume bool   // the task began and gave its slot back to wait for the stream
}

// acquire waits for a slot for a task with frames to encode of cost's
// kind, resuming or starting, or for stop to be closed; it reports
// whether it got one, to be given back with release.
func (s *taskSlots) acquire(stop <-chan struct{}, frames int64, cost *taskCost, resume bool) bool {
	s.mu.Lock()
	if len(s.waiting) == 0 && s.running < taskLimit() {
		s.setRunning(s.running + 1)
		s.mu.Unlock()
		return true
	}
	s.seq++
	tw := &taskWaiter{ready: make(chan struct{}), frames: frames, cost: cost, seq: s.seq, resume: resume}
	s.waiting = append(s.waiting, tw)
	s.mu.Unlock()
	select {
	case <-tw.ready:
		return true
	case <-stop:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.Index(s.waiting, tw); i >= 0 {
		s.waiting = slices.Delete(s.waiting, i, i+1)
		return false
	}
	// Given a slot as it stopped: pass it on.
	s.setRunning(s.running - 1)
	s.grant()
	s.cond().Broadcast()
	return false
}

// release gives back a slot; a task that succeeded adds its frames and
// the time it took to its kind's cost.
func (s *taskSlots) release(cost *taskCost, frames int64, took time.Duration) {
	taskHook(false)
	s.mu.Lock()
	defer s.mu.Unlock()
	if cost != nil && frames > 0 {
		cost.seconds += took.Seconds()
		cost.frames += frames
	}
	s.setRunning(s.running - 1)
	s.grant()
	s.cond().Broadcast()
}

// grant gives the free slots to the waiters expected to take longest;
// s.mu is held.
func (s *taskSlots) grant() {
	for len(s.waiting) > 0 && s.running < taskLimit() {
		best := 0
		for i, tw := range s.waiting[1:] {
			if s.longer(tw, s.waiting[best]) {
				best = i + 1
			}
		}
		close(s.waiting[best].ready)
		s.waiting = slices.Delete(s.waiting, best, best+1)
		s.setRunning(s.running + 1)
	}
}

// longer reports whether a should start before b: it resumes and b does
// not (a task that gave its slot back to wait for the stream goes on
// before another starts, so that its spool, in memory, keeps moving), or
// it is expected to take longer, or as long and was queued first.
func (s *taskSlots) longer(a, b *taskWaiter) bool {
	if a.resume != b.resume {
		return a.resume
	}
	ea, eb := a.cost.estimate(a.frames), b.cost.estimate(b.frames)
	if ea != eb {
		return ea > eb
	}
	return a.seq < b.seq
}
