package cue

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/internal/testtool"
)

// writeWAV writes a canonical 44-byte-header 16-bit stereo 44.1 kHz WAV
// holding sectors of a quiet pattern.
func writeWAV(t *testing.T, path string, sectors int) {
	t.Helper()
	n := sectors * cdda.SectorBytes
	b := make([]byte, 44+n)
	copy(b, "RIFF")
	binary.LittleEndian.PutUint32(b[4:], uint32(36+n))
	copy(b[8:], "WAVEfmt ")
	binary.LittleEndian.PutUint32(b[16:], 16)     // fmt chunk size
	binary.LittleEndian.PutUint16(b[20:], 1)      // PCM
	binary.LittleEndian.PutUint16(b[22:], 2)      // channels
	binary.LittleEndian.PutUint32(b[24:], 44100)  // rate
	binary.LittleEndian.PutUint32(b[28:], 176400) // byte rate
	binary.LittleEndian.PutUint16(b[32:], 4)      // block align
	binary.LittleEndian.PutUint16(b[34:], 16)     // bits
	copy(b[36:], "data")
	binary.LittleEndian.PutUint32(b[40:], uint32(n))
	for i := 44; i < len(b); i += 2 {
		b[i] = byte(i / 7)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// albumFixture writes Album.cue and Album.wav for d into a new directory.
func albumFixture(t *testing.T, d *cdda.Disc) string {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	if err := Write(&b, d, Options{File: "Album.wav", Rem: rem}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Album.cue"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	writeWAV(t, filepath.Join(dir, "Album.wav"), d.LeadOut-cdda.MinPregap)
	return dir
}

func run(t *testing.T, dir string, name string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, o.String(), e.String())
	}
	return o.String(), e.String()
}

var interopDiscs = map[string]func() *cdda.Disc{"worked example": workedDisc, "hidden track": htoaDisc, "gapless": gapless}

// forCdrdao removes what cdrdao 1.2.4's cue reader cannot take: it adds the
// file time of an INDEX 02+ to the track start (on track 2, "INDEX 02
// 00:08:00" shows as sector 1125, and on the last track it fails with
// "Index beyond track end"), and it warns that SCMS is not supported.
func forCdrdao(d *cdda.Disc) *cdda.Disc {
	for i := range d.Tracks {
		if i > 0 {
			d.Tracks[i].Index = d.Tracks[i].Index[:1]
		}
		d.Tracks[i].SCMS = false
	}
	return d
}

// TestFlacCuesheet: flac accepts the album cue as a CD-DA cue sheet ("is CD:
// true") and places every track and index at the sample offsets the disc
// says: track offset = (first index A-time − 150) × 588.
func TestFlacCuesheet(t *testing.T) {
	testtool.Require(t, "flac", "flac")
	testtool.Require(t, "metaflac", "flac")
	for name, mk := range interopDiscs {
		t.Run(name, func(t *testing.T) {
			d := mk()
			dir := albumFixture(t, d)
			run(t, dir, "flac", "-s", "-f", "--cuesheet=Album.cue", "-o", "Album.flac", "Album.wav")
			out, _ := run(t, dir, "metaflac", "--list", "--block-type=CUESHEET", "Album.flac")
			if !strings.Contains(out, "is CD: true") {
				t.Errorf("metaflac: not a CD cue sheet:\n%s", out)
			}
			if d.UPC != "" && !strings.Contains(out, "media catalog number: "+d.UPC) {
				t.Errorf("metaflac: no catalog %s", d.UPC)
			}
			var want []string
			for i, tr := range d.Tracks {
				first := tr.Start()
				if i == 0 {
					first = 150
				}
				want = append(want, fmt.Sprintf("offset: %d", (first-150)*588))
				if tr.ISRC != "" {
					want = append(want, "ISRC: "+tr.ISRC)
				}
				want = append(want, fmt.Sprintf("pre-emphasis: %t", tr.PreEmphasis))
				if i > 0 && tr.Pregap > 0 || i == 0 && tr.Pregap > 150 {
					want = append(want, "offset: 0", "number: 0")
				}
				for k, at := range tr.Index { // index offsets are relative to the track offset
					want = append(want, fmt.Sprintf("offset: %d", (at-max(first, 150))*588), fmt.Sprintf("number: %d", k+1))
				}
			}
			want = append(want, fmt.Sprintf("offset: %d", (d.LeadOut-150)*588), "number: 170")
			pos := 0
			for _, w := range want {
				i := strings.Index(out[pos:], w)
				if i < 0 {
					t.Errorf("metaflac: %q not found (in order) in\n%s", w, out)
					break
				}
				pos += i + len(w)
			}
		})
	}
}

var tocLine = regexp.MustCompile(`(?m)^\s+(PREGAP|START)\s+\d\d:\d\d:\d\d\(\s*(\d+)\)`)

// TestCdrdaoShowToc: cdrdao reads the album cue without a warning, and its
// START / PREGAP sectors equal the PQ A-times minus 150 (§8 item 15).
func TestCdrdaoShowToc(t *testing.T) {
	testtool.Require(t, "cdrdao", "cdrdao")
	for name, mk := range interopDiscs {
		t.Run(name, func(t *testing.T) {
			d := forCdrdao(mk())
			dir := albumFixture(t, d)
			out, errOut := run(t, dir, "cdrdao", "show-toc", "Album.cue")
			if strings.Contains(strings.ToLower(out+errOut), "warning") {
				t.Errorf("cdrdao show-toc warns:\n%s%s", out, errOut)
			}
			var got []string
			for _, m := range tocLine.FindAllStringSubmatch(out, -1) {
				got = append(got, m[1]+" "+m[2])
			}
			var want []string
			for i, tr := range d.Tracks {
				if i > 0 && tr.Pregap > 0 || i == 0 && tr.Pregap > 150 {
					want = append(want, fmt.Sprintf("PREGAP %d", tr.Index[0]-max(tr.Start(), 150)))
				}
				want = append(want, fmt.Sprintf("START %d", tr.Index[0]-150))
			}
			if strings.Join(got, ", ") != strings.Join(want, ", ") {
				t.Errorf("cdrdao show-toc: %q, want %q\n%s", got, want, out)
			}
			if d.UPC != "" && !strings.Contains(out, "CATALOG NUMBER: "+d.UPC) {
				t.Errorf("cdrdao: no catalog number %s", d.UPC)
			}
		})
	}
}

// TestCuebreakpoints: cuetools prints our track boundaries (index 01 of
// tracks 2..N with the default --append-gaps) as m:ss.ff.
func TestCuebreakpoints(t *testing.T) {
	testtool.Require(t, "cuebreakpoints", "cuetools")
	d := workedDisc()
	dir := albumFixture(t, d)
	out, _ := run(t, dir, "cuebreakpoints", "Album.cue")
	// Track 2 INDEX 01 at LBA 525 = 0:07.00, track 3 at LBA 1200 = 0:16.00 (§1).
	if got := strings.Fields(out); strings.Join(got, " ") != "0:07.00 0:16.00" {
		t.Errorf("cuebreakpoints = %q, want 0:07.00 0:16.00", got)
	}
	out, _ = run(t, dir, "cuebreakpoints", "--prepend-gaps", "Album.cue")
	if got := strings.Fields(out); strings.Join(got, " ") != "0:05.00 0:14.00" {
		t.Errorf("cuebreakpoints --prepend-gaps = %q, want 0:05.00 0:14.00", got)
	}
	out, _ = run(t, dir, "cueconvert", "-i", "cue", "-o", "toc", "Album.cue")
	if strings.Contains(out, ":-") || !strings.Contains(out, "PRE_EMPHASIS") || !strings.Contains(out, `ISRC "GBAAA2400002"`) {
		t.Errorf("cueconvert:\n%s", out)
	}
}

// TestCdrdaoLayout2: the one-file-per-track cue gives cdrdao the same TOC
// as the album cue (§5.3 layout 2).
func TestCdrdaoLayout2(t *testing.T) {
	testtool.Require(t, "cdrdao", "cdrdao")
	d := forCdrdao(workedDisc())
	dir := albumFixture(t, d)
	files := []string{"01.wav", "02.wav", "03.wav"}
	var b bytes.Buffer
	if err := WriteTracks(&b, d, files, Options{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "Tracks.cue"), b.Bytes(), 0o644)
	for i, sp := range TrackSpans(d) {
		writeWAV(t, filepath.Join(dir, files[i]), sp.End-sp.Start)
	}
	album, _ := run(t, dir, "cdrdao", "show-toc", "Album.cue")
	tracks, errOut := run(t, dir, "cdrdao", "show-toc", "Tracks.cue")
	if strings.Contains(strings.ToLower(tracks+errOut), "warning") {
		t.Errorf("cdrdao warns on layout 2:\n%s%s", tracks, errOut)
	}
	lines := func(s string) string {
		var keep []string
		for _, m := range tocLine.FindAllString(s, -1) {
			keep = append(keep, strings.TrimSpace(m))
		}
		return strings.Join(keep, "\n")
	}
	if lines(album) != lines(tracks) || lines(album) == "" {
		t.Errorf("layout 2 TOC:\n%s\nalbum TOC:\n%s", lines(tracks), lines(album))
	}
}
