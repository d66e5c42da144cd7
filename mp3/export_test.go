package mp3

var HeapInUse = heapInUse
