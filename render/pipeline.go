package render

import (
	"context"
	"sync"
	"sync/atomic"
)

// DefaultBlockSize is the number of program frames in a block. It is a
// tuning knob only: results do not depend on it.
const DefaultBlockSize = 16384

// queueDepth is how many blocks may wait for each consumer.
const queueDepth = 4

// block is one block of the program, shared read-only by every consumer
// and returned to the pool when the last one is done with it.
type block struct {
	start int64       // program frame of data[c][0]
	data  [][]float64 // two channels, n frames
	cls   []uint8     // frame classes (classSilence, classTouched, source bits)
	refs  atomic.Int32
	pool  chan *block
}

func (b *block) frames() int { return len(b.data[0]) }

func (b *block) release() {
	if b.refs.Add(-1) == 0 {
		b.pool <- b
	}
}

// consumer takes every block of the program in order.
type consumer interface {
	write(b *block) error
	finish() error // after the last block
	abort()        // after a failure anywhere, instead of finish
}

// stopper is implemented by consumers with work running beside the
// stream (a tagged delivery's encode tasks, taggedWriter): stop, called
// as soon as the stream's context is done (a failure anywhere, or the
// caller's cancellation), tells that work to end early with cause, and a
// write waiting for it to return. It may come at any time, from another
// goroutine, even after finish or abort.
type stopper interface {
	stop(cause error)
}

// stream renders the program once and feeds every block to every
// consumer, each on its own goroutine, through bounded queues of reused
// blocks: memory stays bounded whatever the album's length. The first
// error (or the context's) stops everything and is returned.
func stream(ctx context.Context, p *program, size int, consumers []consumer) error {
	if size <= 0 {
		size = DefaultBlockSize
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopAfter := context.AfterFunc(ctx, func() {
		cause := context.Cause(ctx)
		for _, c := range consumers {
			if s, ok := c.(stopper); ok {
				s.stop(cause)
			}
		}
	})
	defer stopAfter()
	nbuf := queueDepth + 2
	pool := make(chan *block, nbuf)
	for range nbuf {
		pool <- &block{
			data: [][]float64{make([]float64, size), make([]float64, size)},
			cls:  make([]uint8, size),
			pool: pool,
		}
	}
	queues := make([]chan *block, len(consumers))
	var wg sync.WaitGroup
	for i, c := range consumers {
		q := make(chan *block, queueDepth)
		queues[i] = q
		wg.Add(1)
		go func() {
			defer wg.Done()
			failed := false
			for b := range q {
				if !failed && ctx.Err() == nil {
					if err := c.write(b); err != nil {
						failed = true
						cancel(err)
					}
				}
				b.release()
			}
		}()
	}
	err := produce(ctx, p, size, pool, queues)
	if err != nil {
		cancel(err)
	}
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	p.close()
	if err := context.Cause(ctx); err != nil {
		for _, c := range consumers {
			c.abort()
		}
		return err
	}
	// Finish in parallel too: writers close files, limiters and resamplers
	// drain.
	errs := make([]error, len(consumers))
	for i, c := range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.finish()
		}()
	}
	wg.Wait()
	for i, e := range errs {
		if e != nil {
			for j, c := range consumers {
				if j != i && errs[j] == nil {
					c.abort()
				}
			}
			// A cancellation while the writers finish stops their
			// work (stopper): that is the failure to report.
			if err := context.Cause(ctx); err != nil {
				return err
			}
			return e
		}
	}
	return nil
}

// streamAll runs stream for every program and its consumers at once. The
// first failure stops them all and is returned.
func streamAll(ctx context.Context, progs []*program, size int, consumers [][]consumer) error {
	if len(progs) == 1 {
		return stream(ctx, progs[0], size, consumers[0])
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for i, p := range progs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := stream(ctx, p, size, consumers[i]); err != nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	return context.Cause(ctx)
}

func produce(ctx context.Context, p *program, size int, pool chan *block, queues []chan *block) error {
	for p.pos < p.end {
		var b *block
		select {
		case b = <-pool:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		b.data[0], b.data[1], b.cls = b.data[0][:size], b.data[1][:size], b.cls[:size]
		b.start = p.pos
		n, err := p.read(b.data, b.cls)
		if err != nil {
			pool <- b
			return err
		}
		b.data[0], b.data[1], b.cls = b.data[0][:n], b.data[1][:n], b.cls[:n]
		b.refs.Store(int32(len(queues)))
		for _, q := range queues {
			select {
			case q <- b:
			case <-ctx.Done():
				// The block went to some queues only; those release it.
				// The rest of its references are dropped here.
				return context.Cause(ctx)
			}
		}
	}
	return nil
}
