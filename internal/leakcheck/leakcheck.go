// Package leakcheck tests that code calling C libraries through cgo frees
// what it allocates: it runs the code many times and compares the bytes in
// use on the C heap (glibc's count, which every cgo library shares) and on
// the Go heap before and after.
package leakcheck

/*
#include <malloc.h>

static size_t lathe_c_heap(void) {
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
}
*/
import "C"

import (
	"runtime"
	"testing"
)

// InUse returns the bytes in use on the C heap and, after a collection, on
// the Go heap.
func InUse() (c, g int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(C.lathe_c_heap()), int64(ms.HeapAlloc)
}

// Check runs once 5 times to warm up, then 100 times, and fails t if the
// C heap grew by more than cLimit bytes or the Go heap by more than 4 MiB.
// cLimit should be below what one leaked object of the library holds.
func Check(t testing.TB, cLimit int64, once func()) {
	t.Helper()
	run := func(n int) {
		for range n {
			once()
		}
	}
	run(5)
	c0, g0 := InUse()
	run(100)
	c1, g1 := InUse()
	t.Logf("C heap %d -> %d bytes, Go heap %d -> %d bytes over 100 runs", c0, c1, g0, g1)
	if c1-c0 > cLimit {
		t.Errorf("C heap grew by %d bytes over 100 runs", c1-c0)
	}
	if g1-g0 > 4<<20 {
		t.Errorf("Go heap grew by %d bytes over 100 runs", g1-g0)
	}
}
