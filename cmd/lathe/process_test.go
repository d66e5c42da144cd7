package main

// Tests that run the lathe binary: what a signal, a terminal or a file
// system does to a build cannot be simulated in-process.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// latheBinary builds the command into a temporary folder.
func latheBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "lathe")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// latheCommand prepares the binary to run in dir, with no user settings.
func latheCommand(t *testing.T, bin, dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir(), "LATHE_QUIET=", "LATHE_JOBS=")
	return cmd
}

// longProject writes a project of n tracks of seconds each, 24-bit at
// 48 kHz, with a 16/44.1 wav delivery (resampled and dithered) and a
// 24-bit 96 kHz flac one, so that its build takes a while.
func longProject(t *testing.T, dir string, n int, seconds float64) {
	t.Helper()
	var files []string
	for k := range n {
		name := fmt.Sprintf("%02d.wav", k+1)
		frames := int(seconds * 48000)
		pcmtest.WriteWAVFile(t, filepath.Join(dir, name), pcm.Format{Rate: 48000, Channels: 2, Bits: 24},
			pcmtest.SineStereo(220*float64(k+1), 330*float64(k+1), -14, 48000, frames))
		files = append(files, name)
	}
	project := tracksFor(files...) + "\n[[delivery]]\nname = \"cd\"\nkind = \"wav\"\nrate = 44100\nbits = 16\n" +
		"\n[[delivery]]\nname = \"hires\"\nkind = \"flac\"\nrate = 96000\n"
	if err := os.WriteFile(filepath.Join(dir, "album.toml"), []byte(project), 0o644); err != nil {
		t.Fatal(err)
	}
}

// treeSize is the number of bytes in the regular files under dir.
func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

// TestBuildInterrupted: SIGINT halfway through a build of five minutes
// of audio (the cd delivery's temporary folder holding half of its
// final size) ends lathe with exit status 1 and a message saying nothing
// was written, and leaves neither the output folder nor the temporary
// one.
func TestBuildInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("renders five minutes of audio")
	}
	bin := latheBinary(t)
	dir := t.TempDir()
	longProject(t, dir, 3, 100)
	const cdBytes = 300 * 44100 * 4 // the cd delivery's audio, 16-bit stereo at 44.1 kHz
	cmd := latheCommand(t, bin, dir, "build")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var tmp string
	var size int64
	deadline := time.After(2 * time.Minute)
watch:
	for {
		select {
		case err := <-exited:
			t.Fatalf("the build ended before it was interrupted (%v); the temporary folder held %d bytes\n%s", err, size, stderr.String())
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("the build did not reach half way in 2 minutes")
		case <-time.After(5 * time.Millisecond):
		}
		if tmp == "" {
			m, _ := filepath.Glob(filepath.Join(dir, ".out.tmp-*"))
			if len(m) == 1 {
				tmp = m[0]
			}
			continue
		}
		if size = treeSize(filepath.Join(tmp, "cd")); size >= cdBytes/2 {
			break watch
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(time.Minute):
		cmd.Process.Kill()
		t.Fatal("lathe did not stop within a minute of SIGINT")
	}
	if size >= cdBytes {
		t.Errorf("interrupted with %d bytes of %d written: not halfway", size, cdBytes)
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailed {
		t.Errorf("exit %v, want status %d", err, exitFailed)
	}
	if want := "lathe: error: build interrupted; nothing was written\n"; stderr.String() != want || stdout.Len() != 0 {
		t.Errorf("stdout %q, stderr %q; want no output and %q", stdout.String(), stderr.String(), want)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"01.wav", "02.wav", "03.wav", "album.toml"}) {
		t.Errorf("the interrupted build left %v", names)
	}
}

// TestBuildWriteFails: a write that fails in the middle of a file (the
// file size limit of the process, which every user, root included, is
// subject to, makes write(2) fail with EFBIG, as a full disk does with
// ENOSPC) fails the build with a message naming the file, and leaves no
// output and no temporary folder.
func TestBuildWriteFails(t *testing.T) {
	bin := latheBinary(t)
	dir := t.TempDir()
	longProject(t, dir, 2, 10)
	// ulimit -f counts 512-byte blocks in dash and 1024-byte ones in
	// bash: 1 or 2 MB, less than the first track's file either way.
	cmd := latheCommand(t, "/bin/sh", dir, "-c", `ulimit -f 2048 && exec "$0" "$@"`, bin, "build", "--only", "cd")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitFailed {
		t.Errorf("exit %v, want status %d", err, exitFailed)
	}
	msg := stderr.String()
	if !strings.HasPrefix(msg, "lathe: error: ") || !strings.Contains(msg, "01 Tester -.wav") || !strings.Contains(msg, "file too large") ||
		strings.Count(msg, "\n") != 1 || stdout.Len() != 0 {
		t.Errorf("stdout %q, stderr %q; want one error naming the file", stdout.String(), msg)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"01.wav", "02.wav", "album.toml"}) {
		t.Errorf("the failed build left %v", names)
	}
}

// TestBuildDiskFull: on a file system that fills up mid-build (a 1 MB
// tmpfs; mounting one needs root and a kernel that allows it, so the
// test skips elsewhere), the build fails naming the file and saying why,
// and the file system is left empty.
func TestBuildDiskFull(t *testing.T) {
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v: %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	dir := t.TempDir()
	longProject(t, dir, 2, 10)
	code, stdout, stderr := lathe(t, dir, "build", "--only", "cd", "-o", filepath.Join(mnt, "release"))
	if code != exitFailed || stdout != "" || !strings.HasPrefix(stderr, "lathe: error: ") ||
		!strings.Contains(stderr, "01 Tester -.wav") || !strings.Contains(stderr, "no space left on device") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if names := entries(t, mnt); len(names) != 0 {
		t.Errorf("the failed build left %v", names)
	}
}

// TestBuildUnwritableDestination: a destination that cannot be created
// (its parent is a regular file; permissions would not stop root) fails
// the build before anything is rendered, naming the path, and creates
// nothing.
func TestBuildUnwritableDestination(t *testing.T) {
	dir := t.TempDir()
	buildProject(t, dir, album.KindDDP)
	os.WriteFile(filepath.Join(dir, "file"), []byte("x"), 0o644)
	code, stdout, stderr := lathe(t, dir, "build", "-o", "file/release")
	if want := "lathe: error: render: lstat file/release: not a directory\n"; code != exitFailed || stdout != "" || stderr != want {
		t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, stdout, stderr, want)
	}
	if names := entries(t, dir); !slices.Equal(names, []string{"a.wav", "album.toml", "b.wav", "file"}) {
		t.Errorf("the failed build left %v", names)
	}
}

// TestBuildProgressOnTerminal: with standard error on a terminal (a
// pseudo-terminal), lathe draws a bar per delivery there, with the track
// and the share done, and clears them at the end; standard output, a
// pipe, gets exactly the summary.
func TestBuildProgressOnTerminal(t *testing.T) {
	bin := latheBinary(t)
	dir := t.TempDir()
	longProject(t, dir, 2, 40)
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		t.Fatal(err)
	}
	var term bytes.Buffer
	read := make(chan struct{})
	go func() {
		io.Copy(&term, ptmx) // ends with EIO once the terminal's last user closes it
		close(read)
	}()
	cmd := latheCommand(t, bin, dir, "build")
	cmd.Env = append(cmd.Env, "TERM=xterm")
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, tty
	err = cmd.Run()
	tty.Close()
	select {
	case <-read:
	case <-time.After(10 * time.Second):
		t.Fatal("the terminal was not closed")
	}
	if err != nil {
		t.Fatalf("lathe build: %v\n%s", err, term.String())
	}
	want := "built out\n" +
		"  cd (wav, 44100 Hz, 16-bit, tpdf dither): 2 files\n    01  gain +0.00 dB\n    02  gain +0.00 dB\n" +
		"  hires (flac, 96000 Hz, 24-bit, tpdf dither): 2 files\n    01  gain +0.00 dB\n    02  gain +0.00 dB\n"
	if stdout.String() != want {
		t.Errorf("stdout\n%s\nwant\n%s", stdout.String(), want)
	}
	screen := term.String()
	// A bar per delivery, with the track and the share done.
	for _, bar := range []string{`(?m)^cd +track 0[12]/02 +\[=*>?-*\] +\d+ % +(ETA \S+|done)\r$`, `(?m)^hires +track 0[12]/02 +\[=*>?-*\] +\d+ % +(ETA \S+|done)\r$`} {
		if !regexp.MustCompile(bar).MatchString(screen) {
			t.Errorf("the terminal shows no bar matching %q:\n%q", bar, screen)
		}
	}
	// The last thing written moves the cursor up over the bars and clears
	// to the end of the screen.
	if i := strings.LastIndex(screen, "\x1b["); i < 0 || !strings.HasSuffix(screen, "A\x1b[J") {
		t.Errorf("the bars are not cleared at the end: %q", screen[max(0, len(screen)-200):])
	}
	if st, err := os.Stat(filepath.Join(dir, "out", "hires")); err != nil || !st.IsDir() {
		t.Errorf("no hires delivery: %v", err)
	}
}
