//go:build linux && cgo

package timerslack

import (
	"runtime"
	"testing"
)

// Every thread has the slack: the one running the test and threads the
// runtime starts later, which inherit it from the thread that made them.
func TestEveryThreadHasTheSlack(t *testing.T) {
	if got := current(); got != Slack {
		t.Fatalf("timer slack of the test's thread: %d ns, want %d", got, Slack)
	}
	const threads = 8
	got := make(chan uint64, threads)
	for range threads {
		go func() {
			// Locked and never unlocked: the thread exits with the
			// goroutine, so the runtime keeps starting new ones.
			runtime.LockOSThread()
			got <- current()
		}()
	}
	for range threads {
		if g := <-got; g != Slack {
			t.Fatalf("timer slack of a new thread: %d ns, want %d", g, Slack)
		}
	}
}
