package flac

/*
#include <stddef.h>
size_t lathe_flac_heap(void);
*/
import "C"

import "runtime"

// heapInUse returns the bytes in use on the C heap (glibc's count) and on
// the Go heap after a collection; the leak test compares them across many
// encodes.
func heapInUse() (c, g int64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(C.lathe_flac_heap()), int64(ms.HeapAlloc)
}
