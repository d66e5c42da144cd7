// Package testtool finds the reference tools that interop tests run
// (flac, ffmpeg, sox, cdrdao, ...).
//
// In CI (the environment variable CI is "true" or "1") a missing tool fails
// the test: interop tests must run there. Elsewhere the test is skipped with
// a message naming the tool and the Debian package that provides it.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// Require returns the path of the executable name, or stops the test.
// pkg is the Debian package that installs it, named in the message.
func Require(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if InCI() {
		t.Fatalf("%s not found (Debian package %s); interop tests must run in CI", name, pkg)
	}
	t.Skipf("%s not found: install the Debian package %s to run this interop test", name, pkg)
	return ""
}

// InCI reports whether the tests run under CI.
func InCI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}
