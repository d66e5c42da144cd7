package flac

var HeapInUse = heapInUse
