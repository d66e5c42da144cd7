package flac

/*
#include <stdint.h>
#include "flac.h"
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// lpcResidual computes the LPC residual of data[order:] into out (as long
// as data[order:]) with the coefficients qlp (len(qlp) is the order) and
// the shift, as libFLAC's encoder asks for it: with libFLAC's own function
// when lib is true, otherwise with the one the encoder calls
// (residual.c). It reports false where libFLAC refuses the subframe. For
// tests and benchmarks.
func lpcResidual(lib bool, data, qlp []int32, shift int, out []int32) bool {
	order := len(qlp)
	if order == 0 || len(data) < order || len(out) != len(data)-order {
		panic("flac: lpcResidual: bad lengths")
	}
	l := C.int(0)
	if lib {
		l = 1
	}
	samples := unsafe.Pointer(unsafe.SliceData(data)) // nothing is read when out is empty
	if len(out) > 0 {
		samples = unsafe.Pointer(&data[order])
	}
	return C.lathe_flac_residual(l, (*C.int32_t)(samples), C.uint32_t(len(out)),
		(*C.int32_t)(unsafe.Pointer(&qlp[0])), C.uint32_t(order), C.int(shift),
		(*C.int32_t)(unsafe.Pointer(unsafe.SliceData(out)))) != 0
}

// residualCalls is the number of times libFLAC's encoder (or
// lpcResidual) has called the residual function residual.c replaces.
func residualCalls() uint64 {
	return atomic.LoadUint64((*uint64)(unsafe.Pointer(&C.lathe_flac_residual_calls)))
}
