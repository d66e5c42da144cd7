// Command lathe assembles albums and authors their deliveries: DDP images,
// album WAV + cue, tagged FLAC and MP3, WAV masters, from one project file.
//
// Usage:
//
//	lathe init [DIR]             write album.toml for the audio files in DIR
//	lathe check [PROJECT...]     validate projects without rendering
//	lathe demo [DIR]             write the demo project and check it
//	lathe version                print the version
//
// Exit status: 0 success; 1 the work failed (invalid project, unreadable
// input, write error); 2 bad command-line usage.
package main

import (
	"os"

	// Timer slack for the cgo-heavy build (see the package).
	_ "github.com/lathe-audio/lathe/internal/timerslack"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
