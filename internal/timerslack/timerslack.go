// Package timerslack raises the timer slack of the process (prctl(2),
// PR_SET_TIMERSLACK; Linux) to Slack before the Go runtime starts, so that
// every thread of the process, the runtime's own among them, inherits it.
// Importing it is all it takes; the command imports it.
//
// Why: while a goroutine is in a long cgo call (libFLAC, LAME, libsoxr and
// libmpg123 run for a millisecond or more per call), the Go runtime's
// monitor thread wakes every 20 µs to hand the call's P to other
// goroutines. With the kernel's default slack of 50 µs each of those
// wakeups is a timer interrupt and a context switch of its own: in a
// 60-minute album build they were most of the process's 1.2 million
// context switches and about 8 s of CPU time (docs/decisions.md). With a
// slack of 1 ms the kernel groups them with other wakeups; the build does
// the same work in 6-7 % less CPU time. The cost is that timers of the
// process (sleeps, timeouts, the progress display's ticks) may fire up to
// 1 ms late, which nothing in lathe depends on.
//
// Elsewhere than Linux, or built without cgo, the package does nothing.
package timerslack

// Slack is the timer slack the process runs with, in nanoseconds.
const Slack = 1_000_000
