package render

import (
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"
)

// The tracks of a tagged delivery (taggedWriter) are encoded as tasks
// beside the render. libFLAC and LAME encode on one thread per file, and
// at -8 and 96 kHz libFLAC alone needs more CPU than the rest of a build;
// encoded in the chain's goroutine, a delivery's files were one thread
// that the lockstep pipeline held to its share of the cores, and then ran
// alone at the end. The tracks are independent files, so each is encoded
// on its own once the stream has passed its cut:
//
//   - The chain writes a track's samples, as the encoder would get them,
//     to a spill file: raw little-endian PCM (packInts) in a private
//     temporary folder, never the delivery's (the build's folder becomes
//     the output), through a large buffer.
//   - When the track's cut is complete, a task reads the file back in
//     blocks, encodes it into the track's file exactly as the encoder
//     would have in the stream (the encoders' output depends only on the
//     samples), records the FLAC MD5 or decodes the MP3, and removes the
//     spill file.
//   - At most taskLimit tasks run at once in the process, whatever the
//     number of deliveries and builds (encodeSlots), so that they do not
//     oversubscribe the machine.
//   - A free slot goes to the waiting task expected to take longest (its
//     frames times the seconds per frame its delivery's finished tasks
//     took; a delivery none of whose tasks has finished yet goes first,
//     and equals go in the order they were queued). Longest first keeps
//     both cores busy to the end: the short tasks (MP3) fill the last
//     seconds beside the long ones (FLAC at 96 kHz) instead of one long
//     task running alone after the others. The order changes no byte.
//   - A delivery's Write waits while more than spillLimit of its tracks
//     are spilled but not encoded, so spill files stay bounded.

// encodeLimit, when positive, replaces GOMAXPROCS as the number of encode
// tasks that may run at once; tests set it.
var encodeLimit int

// taskLimit is the number of encode tasks that may run at once.
func taskLimit() int {
	if encodeLimit > 0 {
		return encodeLimit
	}
	return runtime.GOMAXPROCS(0)
}

// spillLimit is how many of a delivery's tracks may be spilled and not
// yet encoded before its Write waits: two for each task that may run, and
// one. A delivery whose tasks take longest (FLAC at 96 kHz) runs first,
// and another's (MP3) waits; with room for a second round of tasks, the
// waiting delivery's stream is held back less, reaches its end sooner,
// and leaves its last tasks to share the cores at the end rather than one
// alone (on the 60-minute album of docs/benchmarks.md, 4.5 s of one core
// at the end became 2 s with this limit instead of taskLimit+1). The spill
// files stay bounded by it: about a gigabyte on two cores for 96 kHz
// tracks of 5 minutes.
func spillLimit() int { return 2*taskLimit() + 1 }

// encodeTaskHook, when set (tests), is called with true as an encode task
// starts its work and with false as it ends.
var encodeTaskHook func(running bool)

// createSpill creates a spill file; tests replace it to make writes fail.
var createSpill = func(path string) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
}

// spillBuffer is the size of a spill file's write buffer.
const spillBuffer = 1 << 20

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

// taskSlots hands out taskLimit slots, longest expected task first.
type taskSlots struct {
	mu      sync.Mutex
	running int
	seq     uint64
	waiting []*taskWaiter
}

// taskWaiter is a task waiting for a slot.
type taskWaiter struct {
	ready  chan struct{} // closed when the waiter is given a slot
	frames int64
	cost   *taskCost
	seq    uint64 // the order of queueing
}

// acquire waits for a slot for a task of frames of cost's kind, or for
// stop to be closed; it reports whether it got one, to be given back
// with release.
func (s *taskSlots) acquire(stop <-chan struct{}, frames int64, cost *taskCost) bool {
	s.mu.Lock()
	if len(s.waiting) == 0 && s.running < taskLimit() {
		s.running++
		s.mu.Unlock()
		return true
	}
	s.seq++
	tw := &taskWaiter{ready: make(chan struct{}), frames: frames, cost: cost, seq: s.seq}
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
	s.running--
	s.grant()
	return false
}

// release gives back a slot; a task that succeeded adds its frames and
// the time it took to its kind's cost.
func (s *taskSlots) release(cost *taskCost, frames int64, took time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cost != nil && frames > 0 {
		cost.seconds += took.Seconds()
		cost.frames += frames
	}
	s.running--
	s.grant()
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
		s.running++
	}
}

// longer reports whether a should start before b: it is expected to take
// longer, or as long and was queued first.
func (s *taskSlots) longer(a, b *taskWaiter) bool {
	ea, eb := a.cost.estimate(a.frames), b.cost.estimate(b.frames)
	if ea != eb {
		return ea > eb
	}
	return a.seq < b.seq
}
