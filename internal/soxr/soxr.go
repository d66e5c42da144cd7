// Package soxr is a small cgo binding to libsoxr (the SoX resampler
// library, https://sourceforge.net/projects/soxr/, LGPL-2.1), used by
// package dsp.
//
// It covers what lathe needs: one stream resampler with the very high
// quality recipe (SOXR_VHQ: 28-bit precision, linear phase), float64
// planar ("split") input and output, and a single thread, so results do
// not depend on OpenMP settings or the machine. The caller parallelizes
// across streams instead.
//
// The channel buffers live in C memory and are exposed as Go slices, so a
// call to Process passes no Go pointers to C.
package soxr

/*
#cgo pkg-config: soxr
#include <stdlib.h>
#include <soxr.h>

static soxr_t lathe_soxr_create(double in_rate, double out_rate, unsigned channels, soxr_error_t *err) {
	soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT64_S, SOXR_FLOAT64_S);
	soxr_quality_spec_t q = soxr_quality_spec(SOXR_VHQ, SOXR_LINEAR_PHASE);
	soxr_runtime_spec_t rt = soxr_runtime_spec(1);
	return soxr_create(in_rate, out_rate, channels, err, &io, &q, &rt);
}

static const char *lathe_soxr_process(soxr_t s, double **in, size_t ilen, size_t *idone,
		double **out, size_t olen, size_t *odone) {
	return soxr_process(s, (soxr_in_t)in, ilen, idone, (soxr_out_t)out, olen, odone);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"unsafe"
)

// Version is the libsoxr version the package was compiled against.
const Version = C.SOXR_THIS_VERSION_STR

// Resampler is one libsoxr stream resampler with its C-side buffers.
// It is not safe for concurrent use.
type Resampler struct {
	c     *cres
	in    [][]float64 // views of C memory, len = input capacity
	out   [][]float64 // views of C memory, len = output capacity
	inCap int
}

// cres owns the C resources; a cleanup frees them if Close is never called.
type cres struct {
	s     C.soxr_t
	inP   **C.double // C array of channel pointers
	outP  **C.double
	chans int
}

func (c *cres) free() {
	if c.s != nil {
		C.soxr_delete(c.s)
		c.s = nil
	}
	for _, pp := range []***C.double{&c.inP, &c.outP} {
		if *pp == nil {
			continue
		}
		ptrs := unsafe.Slice(*pp, c.chans)
		for i := range ptrs {
			C.free(unsafe.Pointer(ptrs[i]))
		}
		C.free(unsafe.Pointer(*pp))
		*pp = nil
	}
}

// New returns a resampler from inRate to outRate for channels channels
// whose input buffers hold inCap frames and output buffers outCap frames.
func New(inRate, outRate float64, channels, inCap, outCap int) (*Resampler, error) {
	if channels < 1 || inCap < 1 || outCap < 1 {
		return nil, fmt.Errorf("soxr: bad configuration: %d channels, buffers %d/%d", channels, inCap, outCap)
	}
	var cerr C.soxr_error_t
	s := C.lathe_soxr_create(C.double(inRate), C.double(outRate), C.unsigned(channels), &cerr)
	if cerr != nil || s == nil {
		msg := "unknown error"
		if cerr != nil {
			msg = C.GoString(cerr)
		}
		return nil, fmt.Errorf("soxr: create %g -> %g Hz: %s", inRate, outRate, msg)
	}
	c := &cres{s: s, chans: channels}
	r := &Resampler{c: c, inCap: inCap}
	r.in, c.inP = allocPlanes(channels, inCap)
	r.out, c.outP = allocPlanes(channels, outCap)
	runtime.AddCleanup(r, func(c *cres) { c.free() }, c)
	return r, nil
}

func allocPlanes(channels, frames int) ([][]float64, **C.double) {
	pp := (**C.double)(C.calloc(C.size_t(channels), C.size_t(unsafe.Sizeof(uintptr(0)))))
	ptrs := unsafe.Slice(pp, channels)
	views := make([][]float64, channels)
	for i := range ptrs {
		ptrs[i] = (*C.double)(C.calloc(C.size_t(frames), C.size_t(unsafe.Sizeof(C.double(0)))))
		views[i] = unsafe.Slice((*float64)(unsafe.Pointer(ptrs[i])), frames)
	}
	return views, pp
}

// In returns the input buffers (one per channel) to fill before Process.
func (r *Resampler) In() [][]float64 { return r.in }

// Out returns the output buffers Process writes to.
func (r *Resampler) Out() [][]float64 { return r.out }

// ErrClosed is returned by Process after Close.
var ErrClosed = errors.New("soxr: resampler closed")

// Process resamples the first n frames of In(); with end set it signals
// the end of the input instead (n is ignored) and drains the filter. It
// returns how many input frames were consumed and how many output frames
// were written to the start of Out(). Unconsumed input must be moved to
// the start of In() and passed again.
func (r *Resampler) Process(n int, end bool) (consumed, produced int, err error) {
	if r.c.s == nil {
		return 0, 0, ErrClosed
	}
	if n < 0 || n > r.inCap {
		return 0, 0, fmt.Errorf("soxr: %d input frames, buffer holds %d", n, r.inCap)
	}
	var idone, odone C.size_t
	in := r.c.inP
	if end {
		in, n = nil, 0
	}
	cerr := C.lathe_soxr_process(r.c.s, in, C.size_t(n), &idone, r.c.outP, C.size_t(len(r.out[0])), &odone)
	runtime.KeepAlive(r)
	if cerr != nil {
		return int(idone), int(odone), fmt.Errorf("soxr: process: %s", C.GoString(cerr))
	}
	return int(idone), int(odone), nil
}

// Delay reports libsoxr's current delay in output frames.
func (r *Resampler) Delay() float64 {
	if r.c.s == nil {
		return 0
	}
	d := float64(C.soxr_delay(r.c.s))
	runtime.KeepAlive(r)
	return d
}

// Engine names the libsoxr engine in use (for diagnostics).
func (r *Resampler) Engine() string {
	if r.c.s == nil {
		return ""
	}
	e := C.GoString(C.soxr_engine(r.c.s))
	runtime.KeepAlive(r)
	return e
}

// Close frees the C resources. The buffers from In and Out must not be
// used afterwards. Close is idempotent.
func (r *Resampler) Close() error {
	r.c.free()
	r.in, r.out = nil, nil
	return nil
}
