package render

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// spool carries one track's samples, packed as the encoder gets them
// (packInts), from the stream to the track's encode task: a queue of
// chunks, each in memory or in the track's spill file (encode_tasks.go).
// The chain's goroutine fills and queues the chunks; the task takes them.
// chunks, done, gone and active are guarded by encodeSlots.mu; f is the
// writer's, r the task's.
type spool struct {
	k      int // the track (index)
	path   string
	f      io.WriteCloser // the spill file, being written; nil before its first chunk
	r      *os.File       // the spill file, being read
	chunks []spoolPiece   // queued, not yet taken
	done   bool           // every chunk is queued
	gone   bool           // the task ended: no chunk is queued any more
	active bool           // the task holds a slot (encodeSlots.mu)
	frames int64          // frames queued or being filled
}

// spoolPiece is a queued chunk of a spool: its bytes in memory, or the next n
// bytes of the spill file.
type spoolPiece struct {
	mem []byte
	n   int
}

// chunkBytes is the size of a stream's chunks, whole frames of bits-bit
// samples.
func chunkBytes(bits int) int {
	fb := frameBytes(bits)
	return spoolChunk / fb * fb
}

// buffer returns an empty buffer for a chunk: one whose chunk was
// encoded, or a new one.
func (s *taskSlots) buffer() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.free); n > 0 {
		b := s.free[n-1]
		s.free = s.free[:n-1]
		return b[:0]
	}
	return make([]byte, 0, spoolChunk)
}

// recycle frees the memory of an encoded chunk and keeps its buffer.
func (s *taskSlots) recycle(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held -= len(b)
	if len(s.free)*spoolChunk < spoolMemory {
		s.free = append(s.free, b)
	}
	s.cond().Broadcast()
}

// fill adds the frames of pcm (packInts of the format's bits) to the
// current track's spool, queueing each chunk that fills.
func (w *taggedWriter) fill(pcm []byte) error {
	bits := w.format.bits
	fb := frameBytes(bits)
	size := chunkBytes(bits)
	for len(pcm) > 0 {
		if w.buf == nil {
			w.buf = encodeSlots.buffer()
		}
		m := min(len(pcm), size-len(w.buf))
		w.buf = append(w.buf, pcm[:m]...)
		pcm = pcm[m:]
		w.sp.frames += int64(m / fb)
		if len(w.buf) == size {
			if err := w.queue(); err != nil {
				return err
			}
		}
	}
	return nil
}

// queue queues the filled chunk (w.buf) on the current track's spool: in
// memory if the spools' memory allows (spoolMemory), else in the track's
// spill file when a slot is free or the track's task holds none (it
// waits for one: its samples wait whatever the chain does, and the chain
// goes on to what can run). Otherwise it waits: the track's own task is
// encoding, and frees memory or gives its slot back (to wait for the
// stream) soon, as every task holding a slot has samples in hand.
func (w *taggedWriter) queue() error {
	s, sp, b := &encodeSlots, w.sp, w.buf
	s.mu.Lock()
	for {
		select {
		case <-w.stopped:
			s.mu.Unlock()
			return errStopped
		default:
		}
		if sp.gone {
			s.mu.Unlock()
			return errStopped
		}
		if s.held+len(b) <= spoolMemory {
			s.held += len(b)
			sp.chunks = append(sp.chunks, spoolPiece{mem: b})
			s.cond().Broadcast()
			s.mu.Unlock()
			w.buf = nil
			return nil
		}
		if s.running < taskLimit() || !sp.active {
			break
		}
		s.cond().Wait()
	}
	s.mu.Unlock()
	if err := w.spill(b); err != nil {
		return err
	}
	s.mu.Lock()
	if !sp.gone {
		sp.chunks = append(sp.chunks, spoolPiece{n: len(b)})
	}
	s.cond().Broadcast()
	s.mu.Unlock()
	w.buf = b[:0]
	return nil
}

// recycle frees the memory of chunk ch, once encoded, if it holds any.
func (sp *spool) recycle(ch spoolPiece) {
	if ch.mem != nil {
		encodeSlots.recycle(ch.mem)
	}
}

// drop ends the spool as its task ends: the chunks still queued are
// dropped, their memory freed, and later ones refused; the spill file,
// if the task read it, is closed and removed (one it never read goes with
// the spill folder).
func (sp *spool) drop() {
	s := &encodeSlots
	s.mu.Lock()
	sp.gone = true
	for _, c := range sp.chunks {
		s.held -= len(c.mem)
	}
	sp.chunks = nil
	s.cond().Broadcast()
	s.mu.Unlock()
	if sp.r != nil {
		sp.r.Close()
		os.Remove(sp.path)
	}
}

// spill writes b to the end of the current track's spill file, which it
// creates with the first chunk (and the delivery's spill folder with the
// first file).
func (w *taggedWriter) spill(b []byte) error {
	sp := w.sp
	if sp.f == nil {
		if w.dir == "" {
			dir, err := os.MkdirTemp("", "lathe-spill-")
			if err != nil {
				return fmt.Errorf("spill folder: %w", err)
			}
			w.dir = dir
		}
		path := filepath.Join(w.dir, fmt.Sprintf("%03d.pcm", sp.k+1))
		f, err := createSpill(path)
		if err != nil {
			return fmt.Errorf("spill file: %w", err)
		}
		// The task reads the path only once a chunk of the file is queued.
		sp.path, sp.f = path, f
	}
	if _, err := sp.f.Write(b); err != nil {
		return fmt.Errorf("spill file: %w", err)
	}
	return nil
}

// endSpool queues the last chunk of the current track's spool, closes its
// spill file and marks it done.
func (w *taggedWriter) endSpool() error {
	sp := w.sp
	if len(w.buf) > 0 {
		if err := w.queue(); err != nil {
			return err
		}
	}
	if sp.f != nil {
		err := sp.f.Close()
		sp.f = nil
		if err != nil {
			return fmt.Errorf("spill file: %w", err)
		}
	}
	s := &encodeSlots
	s.mu.Lock()
	sp.done = true
	s.cond().Broadcast()
	s.mu.Unlock()
	w.sp = nil
	return nil
}

// taskRun is an encode task's account of its slot.
type taskRun struct {
	sp      *spool // the task's
	started bool
	holding bool
	since   time.Time     // when it took the slot it holds
	held    time.Duration // how long it held slots before
}

// take waits for a slot for a task with frames left to encode, or for
// the writer to stop; it reports whether it got one.
func (t *taskRun) take(w *taggedWriter, frames int64) bool {
	if !encodeSlots.acquire(w.stopped, frames, &w.cost, t.started) {
		return false
	}
	t.started = true
	t.holding, t.since = true, time.Now()
	encodeSlots.mu.Lock()
	t.sp.active = true
	encodeSlots.mu.Unlock()
	taskHook(true)
	return true
}

// giveBack gives back the slot the task holds, if any. A task that ended
// passes its delivery's cost and its frames, which add the time it held
// slots to the cost.
func (t *taskRun) giveBack(cost *taskCost, frames int64) {
	if !t.holding {
		return
	}
	t.holding = false
	t.held += time.Since(t.since)
	encodeSlots.mu.Lock()
	t.sp.active = false
	encodeSlots.mu.Unlock()
	encodeSlots.release(cost, frames, t.held)
}

// next returns the next chunk of the spool for track k's task, with a
// slot held: it waits for the chunk without a slot (giving back the one
// it holds, if the spool is empty), then for a slot. frames is what is
// left of the track to encode, for the order of the slots. At the end of
// the spool it returns a chunk of no bytes.
func (w *taggedWriter) next(sp *spool, t *taskRun, frames int64) (spoolPiece, error) {
	s := &encodeSlots
	s.mu.Lock()
	for len(sp.chunks) == 0 && !sp.done {
		select {
		case <-w.stopped:
			s.mu.Unlock()
			return spoolPiece{}, errStopped
		default:
		}
		if t.holding {
			// Caught up with the stream: the slot is for a task that
			// has samples.
			s.mu.Unlock()
			t.giveBack(nil, 0)
			s.mu.Lock()
			continue
		}
		s.cond().Wait()
	}
	if len(sp.chunks) == 0 {
		s.mu.Unlock()
		return spoolPiece{}, nil
	}
	c := sp.chunks[0]
	sp.chunks = sp.chunks[1:]
	s.mu.Unlock()
	if !t.holding && !t.take(w, frames) {
		sp.recycle(c)
		return spoolPiece{}, errStopped
	}
	return c, nil
}
