package render

import (
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
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
//     oversubscribe the machine; they start in the order they were queued.
//   - A delivery's Write waits while more than taskLimit+1 of its tracks
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

// taskSlots hands out taskLimit slots, first come, first served.
type taskSlots struct {
	mu      sync.Mutex
	running int
	waiting []chan struct{} // closed when the waiter is given a slot
}

// acquire waits for a slot, or for stop to be closed; it reports whether
// it got one, to be given back with release.
func (s *taskSlots) acquire(stop <-chan struct{}) bool {
	s.mu.Lock()
	if len(s.waiting) == 0 && s.running < taskLimit() {
		s.running++
		s.mu.Unlock()
		return true
	}
	ready := make(chan struct{})
	s.waiting = append(s.waiting, ready)
	s.mu.Unlock()
	select {
	case <-ready:
		return true
	case <-stop:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := slices.Index(s.waiting, ready); i >= 0 {
		s.waiting = slices.Delete(s.waiting, i, i+1)
		return false
	}
	// Given a slot as it stopped: pass it on.
	s.running--
	s.grant()
	return false
}

func (s *taskSlots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	s.grant()
}

// grant gives the free slots to the first waiters; s.mu is held.
func (s *taskSlots) grant() {
	for len(s.waiting) > 0 && s.running < taskLimit() {
		close(s.waiting[0])
		s.waiting = s.waiting[1:]
		s.running++
	}
}
