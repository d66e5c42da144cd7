//go:build cgo

package timerslack

/*
#include <sys/prctl.h>

// A constructor runs when the program is loaded, before the Go runtime
// creates its first thread, so that every thread inherits the slack.
__attribute__((constructor)) static void lathe_timerslack(void) {
	prctl(PR_SET_TIMERSLACK, 1000000UL, 0, 0, 0);
}

static unsigned long lathe_timerslack_get(void) {
	return (unsigned long)prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
}
*/
import "C"

// current returns the calling thread's timer slack (nanoseconds).
func current() uint64 { return uint64(C.lathe_timerslack_get()) }
