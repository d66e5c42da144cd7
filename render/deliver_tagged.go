package render

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/internal/planar"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/metadata"
)

// EmbeddedCover reads the picture that the tagged files of album a embed
// (metadata.EmbedPath: cover_embed, else cover), resolving a relative
// path against the folder of the project file (Album.File). It returns
// nil when the album has none, the error of a picture that cannot be
// embedded (unreadable, not JPEG or PNG, CMYK), and warnings about one
// that can (metadata.Picture.Check: not square, smaller than the stores
// ask for when it is the cover itself, grayscale).
func EmbeddedCover(a *album.Album) (*metadata.Picture, []string, error) {
	path := metadata.EmbedPath(a)
	if path == "" {
		return nil, nil, nil
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(a.File), path)
	}
	p, err := metadata.ReadPicture(path)
	if err != nil {
		return nil, nil, err
	}
	return p, p.Check(a.CoverEmbed != ""), nil
}

// rgPlaceholder stands for the ReplayGain values while the audio is
// written: each formats at least as wide as any value a track can get
// (gains within ±99.99 dB, peaks below 100), so the final tags take no
// more room than the reserved ones and the header's padding only grows.
var rgPlaceholder = loudness.ReplayGain{TrackGain: -99.99, TrackPeak: 99.999999, AlbumGain: -99.99, AlbumPeak: 99.999999}

// trackEncoder is the encoder of one track's file.
type trackEncoder interface {
	Write(samples [][]int32) error
	Close() error
}

// pcmWriter is a trackEncoder that takes the spools' bytes as they are
// (packInts: interleaved, little-endian, in the fewest whole bytes), so
// that they need not be unpacked into integers first (flac.Encoder).
type pcmWriter interface {
	WritePCM(pcm []byte) error
}

// pcmEncoder is a trackEncoder of a lossless format that knows, once
// closed, the PCM MD5 of the samples it was given (PCMSum).
type pcmEncoder interface {
	MD5() [16]byte
}

// trackFormat is what a kind of tagged per-track delivery (flac, mp3)
// gives taggedWriter.
type trackFormat struct {
	bits int  // of the samples handed to the encoder
	pcm  bool // the file holds the samples as they are (FLAC), not coded (MP3)
	// decode, when set, decodes a finished file (before its final tags)
	// to measure what it holds: coded formats, whose decoded samples are
	// not the stream's.
	decode func(path string) (*DecodedFile, error)
	// open starts the encoder of a track's file, writing to f; tags is
	// nil when the delivery writes none.
	open func(f *os.File, name string, frames int64, tags *metadata.Tags, cover *metadata.Picture) (trackEncoder, error)
	// retag writes a finished file's final tags in place.
	retag func(f *os.File, name string, tags *metadata.Tags, cover *metadata.Picture) error
}

// taggedWriter writes a delivery of one tagged file per track (flac,
// mp3): each track's cut of the stream (Stream.Cuts, the delivery's gap
// mode) is encoded into the file the naming template names. The
// ReplayGain values describe that delivered audio, as the chain measures
// it (Stream.Output, set at Close), so they are known only at the end of
// the stream: each file is written with placeholder values in tags of the
// final layout and a padded header, and Close rewrites the tags in place
// with the measured values (docs/decisions.md, "Digital deliveries").
//
// The tracks are encoded by tasks beside the render (see encode_tasks.go):
// Write hands each track's samples to the track's spool, whose task
// starts with it and encodes them as they come; Close waits for the tasks
// before it retags.
type taggedWriter struct {
	s      *Stream
	format trackFormat
	names  []string
	tags   bool
	cover  *metadata.Picture

	// The stream's side, on the chain's goroutine.
	k    int    // current track (index); the tracks before it are spooled
	dir  string // the private folder of the spill files, from the first
	sp   *spool // track k's, from its first frame
	buf  []byte // the chunk being filled
	ibuf [2][]int32
	pbuf []byte // ibuf packed
	sums []FileSum

	// The encode tasks.
	tasks     sync.WaitGroup
	stopped   chan struct{} // closed by stop
	mu        sync.Mutex
	cond      sync.Cond // on mu: a task ended, or stop
	halted    bool      // stop was called
	cause     error     // stop's cause
	pending   int       // tracks spooled whose task has not ended
	errs      []error   // each track's task's failure
	encoded   []int64   // frames each track's task has encoded
	ended     []bool    // each track's task succeeded
	cost      taskCost  // what the finished encodes took (encodeSlots.mu)
	checkCost taskCost  // what the finished checks took (encodeSlots.mu)
	progress  *progressor

	// Each track's, written by its task and read once the tasks ended.
	md5s    [][16]byte // the PCM MD5, from a pcmEncoder
	decoded []*DecodedFile
}

// errStopped is the failure of a task told to stop without a cause.
var errStopped = errors.New("stopped")

func newTaggedWriter(s *Stream, format trackFormat) (*taggedWriter, error) {
	a, d := s.Album, s.Delivery
	names, err := d.FileNames(a)
	if err != nil {
		return nil, err
	}
	if len(s.Cuts) != len(a.Tracks) {
		return nil, fmt.Errorf("%d track cuts for %d tracks", len(s.Cuts), len(a.Tracks))
	}
	for k, c := range s.Cuts {
		if c.End <= c.Start || k > 0 && c.Start < s.Cuts[k-1].End || c.End > s.Frames {
			return nil, fmt.Errorf("track %d: cut [%d, %d) of a %d-frame stream is not in order", k+1, c.Start, c.End, s.Frames)
		}
	}
	if s.Bits != 32 && s.Bits != format.bits {
		return nil, fmt.Errorf("a %d-bit stream for %d-bit files", s.Bits, format.bits)
	}
	n := len(names)
	w := &taggedWriter{s: s, format: format, names: names, tags: d.Tags, stopped: make(chan struct{}),
		errs: make([]error, n), encoded: make([]int64, n), ended: make([]bool, n)}
	w.cond.L = &w.mu
	if format.pcm {
		w.md5s = make([][16]byte, n)
	}
	if format.decode != nil {
		w.decoded = make([]*DecodedFile, n)
	}
	if d.Tags {
		if w.cover, _, err = EmbeddedCover(a); err != nil {
			return nil, err
		}
	}
	return w, nil
}

func (w *taggedWriter) Write(b *Block) error {
	if err := w.wait(spillLimit()); err != nil {
		return err
	}
	lo, hi := b.Start, b.Start+int64(b.Frames())
	for w.k < len(w.s.Cuts) {
		c := w.s.Cuts[w.k]
		if c.Start >= hi {
			return nil
		}
		x, y := max(lo, c.Start), min(hi, c.End)
		if x < y {
			if err := w.write(b, int(x-lo), int(y-lo)); err != nil {
				return w.writeError(err)
			}
		}
		if y < c.End {
			return nil
		}
		if err := w.endTrack(); err != nil {
			return w.writeError(err)
		}
		w.k++
	}
	return nil
}

// writeError returns the error of Write for err, a failure of the
// current track's spool: the tasks' failure, or the cause they were
// stopped for, if they were stopped (errStopped).
func (w *taggedWriter) writeError(err error) error {
	if !errors.Is(err, errStopped) {
		return w.trackError(w.k, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.failure()
}

// trackError names track k and its file in err.
func (w *taggedWriter) trackError(k int, err error) error {
	return fmt.Errorf("track %d: %s: %w", k+1, w.names[k], err)
}

// wait blocks until at most n tracks are spooled and not encoded, or
// the tasks are halted (a task failed, or stop), and returns the failure.
func (w *taggedWriter) wait(n int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.pending > n && !w.halted {
		w.cond.Wait()
	}
	return w.failure()
}

// failure returns the failure of the first track whose task failed, else,
// once stopped, the cause; w.mu is held.
func (w *taggedWriter) failure() error {
	for _, err := range w.errs {
		if err != nil {
			return err
		}
	}
	if w.halted {
		if w.cause != nil {
			return w.cause
		}
		return errStopped
	}
	return nil
}

// write spools frames [i, j) of b, which lie in track w.k's cut.
func (w *taggedWriter) write(b *Block, i, j int) error {
	if w.sp == nil {
		w.startSpool()
	}
	if b.Int != nil {
		return w.fill(b.packed(w.format.bits, i, j))
	}
	n := j - i
	if len(w.ibuf[0]) < n {
		w.ibuf = [2][]int32{make([]int32, n), make([]int32, n)}
	}
	x := [2][]int32{w.ibuf[0][:n], w.ibuf[1][:n]}
	if err := quantize(x[:], b.Float, i, j, w.format.bits); err != nil {
		return fmt.Errorf("stream frame %d: %w", b.Start+int64(i), err)
	}
	w.pbuf = packInts(w.pbuf[:0], x[0], x[1], w.format.bits)
	return w.fill(w.pbuf)
}

// startSpool starts track w.k's spool and its encode task.
func (w *taggedWriter) startSpool() {
	w.sp = &spool{k: w.k}
	w.mu.Lock()
	w.pending++
	w.mu.Unlock()
	w.tasks.Add(1)
	go w.encode(w.sp)
}

// endTrack completes the current track's spool.
func (w *taggedWriter) endTrack() error {
	sp := w.sp
	if err := w.endSpool(); err != nil {
		return err
	}
	if c := w.s.Cuts[w.k]; sp.frames != c.End-c.Start {
		return fmt.Errorf("%d frames spooled of %d", sp.frames, c.End-c.Start)
	}
	return nil
}

// quantize rounds float samples [i, j) of x to bits-bit integers in dst,
// to nearest (halves away from zero) and without dither: the encoder works
// at a resolution finer than the rounding (an mp3 delivery's float stream
// reaches LAME as 24-bit integers, whose rounding error lies 146 dB below
// full scale). Samples at or beyond full scale become the extreme
// integers. Only a rendering that the ceiling policy discards reaches
// beyond it: with over_ceiling = "limit" and no analysis, the first
// rendering of a resampled track runs without the limiter, and a track
// whose inter-sample peaks the resampler turns into samples over full
// scale measures over the ceiling, so the delivery is rendered again with
// the limiter on it. The build report's measurement of the stream shows
// any peak that remains. A NaN is an error naming its channel and its
// offset from i.
func quantize(dst [][]int32, x [][]float64, i, j, bits int) error {
	full := math.Ldexp(1, bits-1)
	hi := full - 1
	for c := range dst {
		for k, v := range x[c][i:j] {
			q := math.Round(v * full)
			switch {
			case q > hi:
				q = hi
			case q < -full:
				q = -full
			case q != q:
				return fmt.Errorf("+%d frames, channel %d: sample %g", k, c+1, v)
			}
			dst[c][k] = int32(q)
		}
	}
	return nil
}

// encode is the task of the track of spool sp: it encodes the spool's
// samples into the track's file as they come, holding a slot while it
// has samples (encode_tasks.go), and removes the spill file; then, for a
// coded format, it checks the file (check). On failure or stop it leaves
// no output file.
func (w *taggedWriter) encode(sp *spool) {
	defer w.tasks.Done()
	k := sp.k
	t := taskRun{sp: sp}
	err := w.encodeTrack(sp, &t)
	var frames int64
	if err == nil {
		frames = w.s.Cuts[k].End - w.s.Cuts[k].Start
	}
	t.giveBack(&w.cost, frames)
	w.fail(k, err) // before the spool refuses its chunks
	sp.drop()
	check := err == nil && w.format.decode != nil
	w.mu.Lock()
	w.pending--
	if err == nil && !check {
		w.succeed(k)
	}
	w.cond.Broadcast()
	w.mu.Unlock()
	if !check {
		return
	}
	err = w.check(k, frames)
	w.fail(k, err)
	if err == nil {
		w.mu.Lock()
		w.succeed(k)
		w.cond.Broadcast()
		w.mu.Unlock()
	}
}

// fail records the failure of track k's task, if err is one, and stops
// the writer: the build fails, the other tasks need not go on.
func (w *taggedWriter) fail(k int, err error) {
	if err == nil || errors.Is(err, errStopped) {
		return
	}
	w.mu.Lock()
	w.errs[k] = err
	w.halt()
	w.mu.Unlock()
}

// succeed records that track k's task succeeded; w.mu is held.
func (w *taggedWriter) succeed(k int) {
	w.ended[k] = true
	w.progress.hold(w.front())
}

// check decodes track k's finished file (trackFormat.decode), of frames
// frames, as a task of its own: it waits for a slot, which the slots'
// order gives it after the encodes waiting then, as its kind's tasks are
// short (checkCost). The checks thus fill the end of the build, where the
// last encodes would otherwise run alone: a check is about a seventh of
// an MP3 encode. The track's own encode has ended and given its slot
// back, so its samples no longer hold the stream.
func (w *taggedWriter) check(k int, frames int64) error {
	if !encodeSlots.acquire(w.stopped, frames, &w.checkCost, false) {
		return errStopped
	}
	taskHook(true)
	start := time.Now()
	path := filepath.Join(w.s.Dir, w.names[k])
	d, err := w.format.decode(path)
	if err != nil {
		encodeSlots.release(nil, 0, 0)
		os.Remove(path)
		return w.trackError(k, fmt.Errorf("decode: %w", err))
	}
	w.decoded[k] = d
	encodeSlots.release(&w.checkCost, frames, time.Since(start))
	return nil
}

// encodeTrack encodes track k from spool sp, as the stream would have:
// the same encoder, tags and samples give the same bytes.
func (w *taggedWriter) encodeTrack(sp *spool, t *taskRun) (err error) {
	k := sp.k
	// The first chunk, before the track's file is made.
	c := w.s.Cuts[k]
	total := c.End - c.Start
	ch, err := w.next(sp, t, total)
	if err != nil {
		return err
	}
	out := filepath.Join(w.s.Dir, w.names[k])
	f, enc, err := w.startTrack(k)
	if err != nil {
		sp.recycle(ch)
		return w.trackError(k, err)
	}
	defer func() {
		if err != nil {
			enc.Close()
			f.Close()
			os.Remove(out)
		}
	}()
	x := [2][]int32{make([]int32, taskFrames), make([]int32, taskFrames)}
	var disk []byte
	for done := int64(0); done < total; {
		if done > 0 {
			if ch, err = w.next(sp, t, total-done); err != nil {
				return err
			}
		}
		var n int64
		n, disk, err = w.encodeChunk(sp, ch, enc, x, disk, done)
		sp.recycle(ch)
		if err != nil {
			return err
		}
		if n == 0 {
			return w.trackError(k, fmt.Errorf("the stream ended after %d of %d frames", done, total))
		}
		done += n
	}
	err = enc.Close()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return w.trackError(k, err)
	}
	if pe, ok := enc.(pcmEncoder); ok {
		w.md5s[k] = pe.MD5()
	}
	return nil
}

// encodeChunk encodes the samples of chunk ch of spool sp, reading them
// from the spill file into disk if they are there, taskFrames at a time
// through x; done frames of the track came before. It returns the frames
// encoded and the buffer for the next chunk from the file.
func (w *taggedWriter) encodeChunk(sp *spool, ch spoolPiece, enc trackEncoder, x [2][]int32, disk []byte, done int64) (int64, []byte, error) {
	k, bits := sp.k, w.format.bits
	fb := frameBytes(bits)
	raw := ch.mem
	if raw == nil && ch.n > 0 {
		if sp.r == nil {
			r, err := os.Open(sp.path)
			if err != nil {
				return 0, disk, w.trackError(k, fmt.Errorf("spill file: %w", err))
			}
			sp.r = r
		}
		if cap(disk) < ch.n {
			disk = make([]byte, ch.n)
		}
		raw = disk[:ch.n]
		if _, err := io.ReadFull(sp.r, raw); err != nil {
			return 0, disk, w.trackError(k, fmt.Errorf("spill file: %w", err))
		}
	}
	var n int64
	for len(raw) > 0 {
		select {
		case <-w.stopped:
			return n, disk, errStopped
		default:
		}
		m := min(taskFrames, len(raw)/fb)
		var err error
		if pw, ok := enc.(pcmWriter); ok {
			err = pw.WritePCM(raw[:m*fb])
		} else {
			planar.Unpack([][]int32{x[0][:m], x[1][:m]}, raw[:m*fb], bits/8)
			err = enc.Write([][]int32{x[0][:m], x[1][:m]})
		}
		raw = raw[m*fb:]
		if err != nil {
			return n, disk, w.trackError(k, err)
		}
		n += int64(m)
		w.advance(k, done+n)
	}
	return n, disk, nil
}

// startTrack creates track k's file and starts its encoder, with the
// placeholder ReplayGain values in its tags.
func (w *taggedWriter) startTrack(k int) (*os.File, trackEncoder, error) {
	name := w.names[k]
	var tags *metadata.Tags
	if w.tags {
		rg := rgPlaceholder
		t, err := metadata.ForTrack(w.s.Album, k+1, &rg)
		if err != nil {
			return nil, nil, err
		}
		tags = &t
	}
	f, err := os.OpenFile(filepath.Join(w.s.Dir, name), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, nil, err
	}
	c := w.s.Cuts[k]
	enc, err := w.format.open(f, name, c.End-c.Start, tags, w.cover)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, nil, err
	}
	return f, enc, nil
}

// advance records that track k's task has encoded frames, for the
// delivery's progress.
func (w *taggedWriter) advance(k int, frames int64) {
	if w.progress == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.encoded[k] = frames
	w.progress.hold(w.front())
}

// front returns the first frame of the stream that the tasks have not
// finished: in the first track whose task has not succeeded, the frame
// after those it has encoded (but not the cut's end before the task is
// done: it decodes an MP3 after encoding it). It is math.MaxInt64 once
// every task has succeeded. w.mu is held.
func (w *taggedWriter) front() int64 {
	for k, c := range w.s.Cuts {
		if !w.ended[k] {
			return c.Start + min(w.encoded[k], c.End-c.Start-1)
		}
	}
	return math.MaxInt64
}

// trackProgress holds the delivery's progress to what the tasks have
// encoded (trailingWriter).
func (w *taggedWriter) trackProgress(r *progressor) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.progress = r
	r.hold(w.front())
}

// stop tells the tasks to end and a waiting Write to return cause
// (stopper).
func (w *taggedWriter) stop(cause error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.halted {
		w.cause = cause
	}
	w.halt()
}

// halt closes w.stopped, once, and wakes a waiting Write; w.mu is held.
func (w *taggedWriter) halt() {
	if !w.halted {
		w.halted = true
		close(w.stopped)
		encodeSlots.wake() // a spool's writer or task may wait there
	}
	w.cond.Broadcast()
}

// cleanUp closes the current track's spill file, if any, and removes the
// spill folder once the tasks have ended.
func (w *taggedWriter) cleanUp() error {
	if w.sp != nil {
		if w.sp.f != nil {
			w.sp.f.Close()
			w.sp.f = nil
		}
		w.sp = nil
	}
	w.buf = nil
	w.tasks.Wait()
	if w.dir == "" {
		return nil
	}
	err := os.RemoveAll(w.dir)
	w.dir = ""
	return err
}

// Close computes the ReplayGain values of every track from the chain's
// measurement of the stream as written (Stream.Output: integers scaled to
// ±1.0; for an mp3 delivery's float stream, the samples rounded to
// float32, within 2^-24 of the 24-bit integers LAME gets) and rewrites
// each file's tags with them.
//
// It first waits for the encode tasks (each decodes its MP3 too, before
// the tags change under it), and returns the failure of the first track
// whose task failed.
func (w *taggedWriter) Close() ([]string, error) {
	if w.k < len(w.s.Cuts) {
		w.Abort()
		return nil, fmt.Errorf("track %d: %s: the stream ended before the file was complete", w.k+1, w.names[w.k])
	}
	cerr := w.cleanUp()
	w.mu.Lock()
	err := w.failure()
	w.mu.Unlock()
	if err == nil && cerr != nil {
		err = fmt.Errorf("spill folder: %w", cerr)
	}
	if err != nil {
		return nil, err
	}
	if !w.tags {
		return w.names, w.sumFiles()
	}
	if len(w.s.Output) != len(w.names) {
		return nil, fmt.Errorf("%d track measurements of the stream for %d files", len(w.s.Output), len(w.names))
	}
	rgs, err := replayGains(w.s.Output)
	if err != nil {
		return nil, err
	}
	for k, name := range w.names {
		if err := w.retag(k, name, rgs[k]); err != nil {
			return nil, fmt.Errorf("track %d: %s: %w", k+1, name, err)
		}
	}
	return w.names, w.sumFiles()
}

// sumFiles hashes the finished files. The encoders seek back to finish
// their headers and Close rewrites the tags in place, so the bytes are
// final only now; they are read back from the page cache, by as many
// goroutines as encode tasks may run (this is the end of the build, when
// the encoders are done).
func (w *taggedWriter) sumFiles() error {
	sums := make([]FileSum, len(w.names))
	errs := make([]error, len(w.names))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(taskLimit(), len(w.names)) {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < len(w.names); k = int(next.Add(1) - 1) {
				sums[k], errs[k] = sumFile(filepath.Join(w.s.Dir, w.names[k]), w.names[k])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	w.sums = append(w.sums, sums...)
	return nil
}

// pcmFiles returns none: the PCM MD5 of each file comes from its encoder
// (FLAC's STREAMINFO MD5 is the PCM MD5 of the samples it was given) or
// from its decoding (MP3); see ownPCM.
func (w *taggedWriter) pcmFiles() []pcmFile { return nil }

// ownPCM returns, after Close, the PCM MD5 of each file: its encoder's
// (pcmEncoder) or, for a coded format, its decoding's.
func (w *taggedWriter) ownPCM() []PCMSum {
	var out []PCMSum
	for k, name := range w.names {
		switch {
		case w.md5s != nil:
			c := w.s.Cuts[k]
			out = append(out, PCMSum{File: name, Start: 0, End: c.End - c.Start, MD5: hex.EncodeToString(w.md5s[k][:])})
		case w.decoded != nil:
			d := w.decoded[k]
			out = append(out, PCMSum{File: name, Start: 0, End: d.Frames, MD5: d.PCMMD5})
		}
	}
	return out
}

func (w *taggedWriter) fileSums() []FileSum { return w.sums }

func (w *taggedWriter) retag(k int, name string, rg *loudness.ReplayGain) error {
	tags, err := metadata.ForTrack(w.s.Album, k+1, rg)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(w.s.Dir, name), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = w.format.retag(f, name, &tags, w.cover)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Abort stops the tasks, waits for them and removes the spill files; a
// task leaves no partial file.
func (w *taggedWriter) Abort() {
	w.stop(nil)
	w.cleanUp()
}

// decodedFiles returns, after Close, each file's decoding (nil when the
// format decodes none).
func (w *taggedWriter) decodedFiles() []*DecodedFile { return w.decoded }

// replayGains returns the ReplayGain 2.0 values of each track
// (docs/loudness.md §7.3) from its measurement as delivered: track gain
// −18 − I, track peak its true peak (linear), album gain −18 − the
// integrated loudness of the tracks' pooled gating blocks, album peak the
// largest track peak. A track with no block above the absolute gate
// (silence) has no ReplayGain values, nor has any track when the whole
// album is below it: a gain there would be meaningless.
func replayGains(tracks []*loudness.Measurement) ([]*loudness.ReplayGain, error) {
	al, err := loudness.MeasureAlbum(tracks, nil)
	if err != nil {
		return nil, err
	}
	rgs := make([]*loudness.ReplayGain, len(tracks))
	for k, m := range tracks {
		if math.IsInf(m.Integrated, -1) || math.IsInf(al.Integrated, -1) {
			continue
		}
		rg := loudness.NewReplayGain(m.Integrated, m.TruePeak, al.Integrated, al.TruePeak)
		rgs[k] = &rg
	}
	return rgs, nil
}
