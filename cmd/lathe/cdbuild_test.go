package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/render"
)

// cdProject is a three-track album with a ddp, a cue (per-track too) and
// a 16/44.1 wav delivery with gaps appended. Worked out by hand from
// docs/decisions.md "Timeline" (75 sectors a second, 588 frames a sector):
//
//	track 1: 5 s   index 00 at A-time 0, 01 at 150 (the 2 s pregap), audio to 525
//	track 2: 6 s   after a 2 s gap: 00 at 525, 01 at 675, 02 at 675+3 s = 900; audio to 1125
//	track 3: 4.5 s after a 2 s gap: 00 at 1125, 01 at 1275; audio to 1612.5, lead-out 1613
//
// Track 2 has a gain, so its samples are dithered; the others pass
// untouched.
const cdProject = `[album]
title = "Night Drives"
artist = "The Examples"
upc = "5012345678900"
master_id = "EXM042"
songwriter = "A. Writer"
message = "Mastered with care"

[[track]]
file = "a.wav"
title = "Intro"
isrc = "GB-EXM-26-00001"

[[track]]
file = "b.wav"
title = "Coast Road"
artist = "Guest"
isrc = "GBEXM2600002"
gain = -1.5
index = ["3s"]
composer = "C. Omposer"

[[track]]
file = "c.wav"
title = "Tunnels"
pre_emphasis = true

[[delivery]]
name = "plant"
kind = "ddp"

[[delivery]]
name = "cdwav"
kind = "cue"
per_track = true

[[delivery]]
name = "wav"
kind = "wav"
rate = 44100
bits = 16
gaps = "append"
tags = false
`

func writeCDProject(t *testing.T, dir, project string) {
	t.Helper()
	writeTone(t, filepath.Join(dir, "a.wav"), 44100, 5)
	writeTone(t, filepath.Join(dir, "b.wav"), 44100, 6)
	writeTone(t, filepath.Join(dir, "c.wav"), 44100, 4.5)
	if err := os.WriteFile(filepath.Join(dir, "album.toml"), []byte(project), 0o644); err != nil {
		t.Fatal(err)
	}
}

// buildCD builds the project in dir into out and returns out.
func buildCD(t *testing.T, dir, out string) string {
	t.Helper()
	if code, _, stderr := lathe(t, dir, "build", "-o", out); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	return filepath.Join(dir, out)
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBuildCDRoundTrip: build, then ddp extract gives per-track WAVs
// identical to the wav delivery (16/44.1, gaps appended); IMAGE.DAT
// between PQ points hashes like those files; the cue delivery's WAVs are
// IMAGE.DAT's spans; ddp info lists the project's tracks, times, ISRCs and
// CD-Text; verify and verify --project pass.
func TestBuildCDRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeCDProject(t, dir, cdProject)
	out := buildCD(t, dir, "out")

	plant := filepath.Join(out, "plant")
	if got := entries(t, plant); !slices.Equal(got, []string{"DDP", "PQ sheet.txt"}) {
		t.Errorf("ddp delivery holds %v", got)
	}
	if got := entries(t, filepath.Join(plant, "DDP")); !slices.Equal(got, []string{"CDTEXT.BIN", "CHECKSUM.MD5", "DDPID", "DDPMS", "IMAGE.DAT", "PQDESCR"}) {
		t.Errorf("DDP folder holds %v", got)
	}
	image := readAll(t, filepath.Join(plant, "DDP", "IMAGE.DAT"))
	if len(image) != 1613*cdda.SectorBytes {
		t.Fatalf("IMAGE.DAT is %d bytes, want 1613 sectors", len(image))
	}
	sheet := string(readAll(t, filepath.Join(plant, "PQ sheet.txt")))
	for _, w := range []string{"UPC/EAN   5012345678900", "02  02   00:12:00", "03  01   00:17:00", "AA  01   00:21:38"} {
		if !strings.Contains(sheet, w) {
			t.Errorf("PQ sheet lacks %q:\n%s", w, sheet)
		}
	}

	// The wav delivery's files against IMAGE.DAT between index 01s (hash
	// compare), and against ddp extract.
	wavs := entries(t, filepath.Join(out, "wav"))
	if len(wavs) != 3 {
		t.Fatalf("wav delivery: %v", wavs)
	}
	ext := filepath.Join(t.TempDir(), "x")
	if code, _, stderr := lathe(t, dir, "ddp", "extract", plant, "-o", ext); code != 0 {
		t.Fatalf("extract: exit %d: %s", code, stderr)
	}
	extracted := []string{"01 Intro.wav", "02 Coast Road.wav", "03 Tunnels.wav"}
	for k, sp := range [][2]int{{150, 675}, {675, 1275}, {1275, 1613}} {
		_, want := wavData(t, filepath.Join(out, "wav", wavs[k]))
		if md5.Sum(sectors(image, sp[0], sp[1])) != md5.Sum(want) {
			t.Errorf("track %d: IMAGE.DAT sectors %d..%d differ from %s", k+1, sp[0], sp[1], wavs[k])
		}
		if _, got := wavData(t, filepath.Join(ext, extracted[k])); !bytes.Equal(got, want) {
			t.Errorf("track %d: extracted %s differs from the wav delivery's %s", k+1, extracted[k], wavs[k])
		}
	}

	// The cue delivery: the album WAV from A-time 150, per-track files
	// from each track's first index (track 1 from 150).
	if got := entries(t, filepath.Join(out, "cdwav")); !slices.Equal(got, []string{"The Examples - Night Drives.cue", "The Examples - Night Drives.wav", "tracks"}) {
		t.Errorf("cue delivery holds %v", got)
	}
	if _, got := wavData(t, filepath.Join(out, "cdwav", "The Examples - Night Drives.wav")); !bytes.Equal(got, image[150*cdda.SectorBytes:]) {
		t.Error("cue album WAV is not IMAGE.DAT from A-time 150")
	}
	tracks := entries(t, filepath.Join(out, "cdwav", "tracks"))
	wantTracks := []string{"01 The Examples - Intro.wav", "02 Guest - Coast Road.wav", "03 The Examples - Tunnels.wav", "The Examples - Night Drives.cue"}
	if !slices.Equal(tracks, wantTracks) {
		t.Fatalf("cue tracks folder holds %v, want %v", tracks, wantTracks)
	}
	for k, sp := range [][2]int{{150, 525}, {525, 1125}, {1125, 1613}} {
		if _, got := wavData(t, filepath.Join(out, "cdwav", "tracks", tracks[k])); !bytes.Equal(got, sectors(image, sp[0], sp[1])) {
			t.Errorf("cue per-track %s is not IMAGE.DAT sectors %d..%d", tracks[k], sp[0], sp[1])
		}
	}

	// ddp info lists exactly the project's tracks, times, codes and text.
	code, stdout, stderr := lathe(t, dir, "ddp", "info", "--json", plant)
	if code != 0 {
		t.Fatalf("info: exit %d: %s", code, stderr)
	}
	var info struct {
		MasterID string `json:"master_id"`
		UPC      string
		LeadOut  struct{ Sectors int } `json:"lead_out"`
		Tracks   []struct {
			ISRC        string
			PreEmphasis bool `json:"pre_emphasis"`
			Indexes     []struct {
				Number   int
				Absolute struct{ Sectors int }
			}
			CDText struct{ Title, Performer, Composer, Code string }
		}
		CDText struct {
			Language int
			Disc     struct{ Title, Performer, Songwriter, Message, Code string }
		}
		Checksums struct{ Status string }
	}
	if err := json.Unmarshal([]byte(stdout), &info); err != nil {
		t.Fatal(err)
	}
	if info.MasterID != "EXM042" || info.UPC != "5012345678900" || info.LeadOut.Sectors != 1613 || info.Checksums.Status != "ok" {
		t.Errorf("info header %+v", info)
	}
	if d := info.CDText.Disc; info.CDText.Language != 9 || d.Title != "Night Drives" || d.Performer != "The Examples" ||
		d.Songwriter != "A. Writer" || d.Message != "Mastered with care" || d.Code != "5012345678900" {
		t.Errorf("disc CD-Text %+v", info.CDText)
	}
	wantT := []struct {
		isrc, title, performer, composer string
		pre                              bool
		idx                              []int
	}{
		{"GBEXM2600001", "Intro", "The Examples", "", false, []int{0, 150}},
		{"GBEXM2600002", "Coast Road", "Guest", "C. Omposer", false, []int{525, 675, 900}},
		{"", "Tunnels", "The Examples", "", true, []int{1125, 1275}},
	}
	if len(info.Tracks) != 3 {
		t.Fatalf("info lists %d tracks", len(info.Tracks))
	}
	for k, w := range wantT {
		g := info.Tracks[k]
		var idx []int
		for _, x := range g.Indexes {
			idx = append(idx, x.Absolute.Sectors)
		}
		if g.ISRC != w.isrc || g.PreEmphasis != w.pre || !slices.Equal(idx, w.idx) || g.CDText.Title != w.title ||
			g.CDText.Performer != w.performer || g.CDText.Composer != w.composer || g.CDText.Code != w.isrc {
			t.Errorf("track %d: %+v, want %+v", k+1, g, w)
		}
	}

	for _, args := range [][]string{{"verify", plant}, {"verify", plant, "--project", "album.toml"}} {
		if code, stdout, stderr := lathe(t, dir, args...); code != 0 || stdout != filepath.Join(plant, "DDP")+": ok\n" {
			t.Errorf("lathe %v: exit %d, %q, %q", args, code, stdout, stderr)
		}
	}
}

// TestBuildCDDeterministic: the same project builds byte-identical ddp
// and cue deliveries, CHECKSUM.MD5 included.
func TestBuildCDDeterministic(t *testing.T) {
	dir := t.TempDir()
	writeCDProject(t, dir, cdProject)
	a, b := buildCD(t, dir, "out1"), buildCD(t, dir, "out2")
	n := 0
	filepath.WalkDir(a, func(path string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, path)
		if !bytes.Equal(readAll(t, path), readAll(t, filepath.Join(b, rel))) {
			t.Errorf("%s differs between two builds", rel)
		}
		n++
		return nil
	})
	if n < 15 {
		t.Errorf("compared %d files", n)
	}
}

// TestVerifyProjectMismatch: a DDP that does not match its project is
// reported precisely: an ISRC, an index time, one sample.
func TestVerifyProjectMismatch(t *testing.T) {
	dir := t.TempDir()
	writeCDProject(t, dir, cdProject)
	plant := filepath.Join(buildCD(t, dir, "out"), "plant")
	ddpDir := filepath.Join(plant, "DDP")

	edited := strings.Replace(cdProject, `isrc = "GBEXM2600002"`, `isrc = "GBEXM2600009"`, 1)
	edited = strings.Replace(edited, `index = ["3s"]`, `index = ["4s"]`, 1)
	os.WriteFile(filepath.Join(dir, "edited.toml"), []byte(edited), 0o644)
	code, stdout, _ := lathe(t, dir, "verify", plant, "--project", "edited.toml")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, w := range []string{
		`  error   PQDESCR: track 02 isrc: the DDP has "GBEXM2600002", the project "GBEXM2600009"` + "\n",
		`  error   PQDESCR: track 02 index 02: the DDP has "00:12:00", the project "00:13:00"` + "\n",
		`  error   CDTEXT.BIN: track 02 upc/isrc: the DDP has "GBEXM2600002", the project "GBEXM2600009"` + "\n",
	} {
		if !strings.Contains(stdout, w) {
			t.Errorf("no %q in:\n%s", w, stdout)
		}
	}
	if strings.Count(stdout, "  error ") != 3 {
		t.Errorf("want exactly 3 errors:\n%s", stdout)
	}

	// One sample of track 3 (frame 1300*588+10, left channel) changed by
	// one; the checksums are brought up to date so only the audio differs.
	frame := int64(1300*588 + 10)
	img := readAll(t, filepath.Join(ddpDir, "IMAGE.DAT"))
	b := img[frame*4]
	patchFile(t, filepath.Join(ddpDir, "IMAGE.DAT"), frame*4, []byte{b ^ 1})
	rewriteChecksums(t, ddpDir)
	code, stdout, _ = lathe(t, dir, "verify", plant, "--project", "album.toml")
	want := regexp.MustCompile(`(?m)^  error   IMAGE\.DAT: track 03: audio differs from a fresh render of the project: 1 frame at frame 764410 of the image \(A-time 00:17:25 \+ 10 frames, \+14710 frames from index 01\), the DDP has L/R -?\d+/-?\d+, the render -?\d+/-?\d+$`)
	if code != 1 || !want.MatchString(stdout) || strings.Count(stdout, "  error ") != 1 {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

// TestInteropBuildCue: the built album cue passes flac (is CD, with the
// extra index of track 2), cdrdao (no warning, START/PREGAP = PQ − 150)
// and cuebreakpoints (our boundaries); the per-track cue gives cdrdao the
// same TOC. cdrdao 1.2.4 misplaces INDEX 02 of a track after the first
// (docs/decisions.md, "CD formats"), so it reads the project without the
// extra index point.
func TestInteropBuildCue(t *testing.T) {
	testtool.Require(t, "flac", "flac")
	testtool.Require(t, "metaflac", "flac")
	testtool.Require(t, "cdrdao", "cdrdao")
	testtool.Require(t, "cuebreakpoints", "cuetools")
	dir := t.TempDir()
	writeCDProject(t, dir, cdProject)
	cd := filepath.Join(buildCD(t, dir, "out"), "cdwav")
	const name = "The Examples - Night Drives"

	plain := t.TempDir()
	writeCDProject(t, plain, strings.Replace(cdProject, `index = ["3s"]`, "", 1))
	cdPlain := filepath.Join(buildCD(t, plain, "out"), "cdwav")

	runTool(t, cd, "flac", "-s", "-f", "--cuesheet="+name+".cue", "-o", "album.flac", name+".wav")
	list := runTool(t, cd, "metaflac", "--list", "--block-type=CUESHEET", "album.flac")
	// Track 2 starts at its index 00 (LBA 375 = 220500 samples), index 01
	// 2 s later, index 02 5 s later (3 s into the track); track 3 at LBA
	// 975 (573300), the lead-out at LBA 1463 (860244).
	for _, w := range []string{"is CD: true", "media catalog number: 5012345678900", "ISRC: GBEXM2600002",
		"offset: 220500", "offset: 88200", "offset: 220500\n          number: 2", "offset: 573300", "offset: 860244", "pre-emphasis: true"} {
		if !strings.Contains(list, w) {
			t.Errorf("metaflac lacks %q:\n%s", w, list)
		}
	}

	re := regexp.MustCompile(`(?m)^\s+(PREGAP|START)\s+\d\d:\d\d:\d\d\(\s*(\d+)\)`)
	wantTOC := []string{"START 0", "PREGAP 150", "START 525", "PREGAP 150", "START 1125"}
	for _, c := range []struct{ dir, cue string }{{cdPlain, name + ".cue"}, {filepath.Join(cdPlain, "tracks"), name + ".cue"}} {
		toc := runTool(t, c.dir, "cdrdao", "show-toc", c.cue)
		if strings.Contains(strings.ToLower(toc), "warning") {
			t.Errorf("cdrdao warns on %s:\n%s", c.dir, toc)
		}
		var got []string
		for _, m := range re.FindAllStringSubmatch(toc, -1) {
			got = append(got, m[1]+" "+m[2])
		}
		if !slices.Equal(got, wantTOC) {
			t.Errorf("cdrdao on %s: %v, want %v\n%s", c.dir, got, wantTOC, toc)
		}
	}
	if got := strings.Fields(runTool(t, cdPlain, "cuebreakpoints", name+".cue")); !slices.Equal(got, []string{"0:07.00", "0:15.00"}) {
		t.Errorf("cuebreakpoints = %q, want 0:07.00 0:15.00", got)
	}
}

// TestInteropBuildCDText: cd-info decodes the built CDTEXT.BIN (through
// CDTEXTFILE in a cue over IMAGE.DAT from LBA 0) to the project's
// strings, with the tracks at LSN = PQ A-time − 150.
func TestInteropBuildCDText(t *testing.T) {
	testtool.Require(t, "cd-info", "libcdio-utils")
	dir := t.TempDir()
	writeCDProject(t, dir, cdProject)
	ddpDir := filepath.Join(buildCD(t, dir, "out"), "plant", "DDP")
	work := t.TempDir()
	image := readAll(t, filepath.Join(ddpDir, "IMAGE.DAT"))
	os.WriteFile(filepath.Join(work, "disc.bin"), image[150*cdda.SectorBytes:], 0o644)
	os.WriteFile(filepath.Join(work, "disc.cdt"), readAll(t, filepath.Join(ddpDir, "CDTEXT.BIN")), 0o644)
	// Written by hand from the layout above, so the DDP is checked by
	// libcdio rather than by lathe's own cue writer.
	sheet := "CATALOG 5012345678900\nCDTEXTFILE \"disc.cdt\"\nFILE \"disc.bin\" BINARY\n" +
		"  TRACK 01 AUDIO\n    INDEX 01 00:00:00\n" +
		"  TRACK 02 AUDIO\n    INDEX 00 00:05:00\n    INDEX 01 00:07:00\n" +
		"  TRACK 03 AUDIO\n    FLAGS PRE\n    INDEX 00 00:13:00\n    INDEX 01 00:15:00\n"
	os.WriteFile(filepath.Join(work, "disc.cue"), []byte(sheet), 0o644)
	out := runTool(t, work, "cd-info", "--no-device-info", "--cue-file", "disc.cue")
	for _, w := range []string{
		"  1: 00:02:00  000000 audio", "  2: 00:09:00  000525 audio", "  3: 00:17:00  001125 audio",
		"170: 00:21:38  001463 leadout",
		"CD-TEXT for Disc:\n\tTITLE: Night Drives\n\tPERFORMER: The Examples\n\tSONGWRITER: A. Writer\n",
		"\tMESSAGE: Mastered with care\n",
		"CD-TEXT for Track  1:\n\tTITLE: Intro\n\tPERFORMER: The Examples\n",
		"CD-TEXT for Track  2:\n\tTITLE: Coast Road\n\tPERFORMER: Guest\n",
		"\tCOMPOSER: C. Omposer\n",
		"CD-TEXT for Track  3:\n\tTITLE: Tunnels\n\tPERFORMER: The Examples\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("cd-info output lacks %q:\n%s", w, out)
		}
	}
}

// TestBuildCDResampled: 48 kHz sources are resampled and dithered for the
// CD deliveries, yet track 1's pregap (3 s here) stays digital silence in
// IMAGE.DAT (which the DDP writer and Red Book require) and in the cue's
// album WAV, and the DDP verifies. isrc_packets = "first" puts track 1's
// ISRC on its index 00 packet only (PQ packet 1, not packet 2).
func TestBuildCDResampled(t *testing.T) {
	dir := t.TempDir()
	writeTone(t, filepath.Join(dir, "a.wav"), 48000, 5)
	writeTone(t, filepath.Join(dir, "b.wav"), 48000, 5)
	project := `[album]
title = "Hi-Res"
artist = "Band"

[sequence]
pregap = "3s"

[[track]]
file = "a.wav"
title = "One"
isrc = "GBEXM2600001"

[[track]]
file = "b.wav"
title = "Two"

[[delivery]]
name = "plant"
kind = "ddp"
isrc_packets = "first"

[[delivery]]
name = "cd"
kind = "cue"
`
	os.WriteFile(filepath.Join(dir, "album.toml"), []byte(project), 0o644)
	out := buildCD(t, dir, "out")
	image := readAll(t, filepath.Join(out, "plant", "DDP", "IMAGE.DAT"))
	if !bytes.Equal(image[:225*cdda.SectorBytes], make([]byte, 225*cdda.SectorBytes)) {
		t.Error("IMAGE.DAT: track 1's 3-second pregap is not digital silence")
	}
	if bytes.Equal(sectors(image, 225, 226), make([]byte, cdda.SectorBytes)) {
		t.Error("IMAGE.DAT: no audio at track 1's index 01")
	}
	_, album := wavData(t, filepath.Join(out, "cd", "Band - Hi-Res.wav"))
	if !bytes.Equal(album, image[150*cdda.SectorBytes:]) {
		t.Error("the cue album WAV is not IMAGE.DAT from A-time 150")
	}
	pq := readAll(t, filepath.Join(out, "plant", "DDP", "PQDESCR"))
	if got1, got2 := string(pq[64+20:64+32]), string(pq[128+20:128+32]); got1 != "GBEXM2600001" || got2 != strings.Repeat(" ", 12) {
		t.Errorf("PQ ISRC fields: index 00 %q, index 01 %q; want the ISRC on index 00 only", got1, got2)
	}
	if code, stdout, stderr := lathe(t, dir, "verify", filepath.Join(out, "plant"), "--project", "album.toml"); code != 0 {
		t.Errorf("verify --project: exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestBuildCDBlockSizes: the DDP does not depend on the render's block
// size (787 and 81761 frames, prime, after flate's determinism test).
func TestBuildCDBlockSizes(t *testing.T) {
	dir := t.TempDir()
	writeCDProject(t, dir, cdProject)
	p, probs, err := loadProject(filepath.Join(dir, "album.toml"))
	if err != nil || probs.Err() != nil {
		t.Fatalf("loadProject: %v %v", err, probs)
	}
	var images [][]byte
	for _, bs := range []int{787, 81761} {
		o := render.BuildOptions{Album: p.album, Layout: p.layout, Dest: filepath.Join(dir, fmt.Sprint("out", bs)),
			Only: []string{"plant"}, BlockSize: bs}
		for k, tr := range p.album.Tracks {
			o.Sources = append(o.Sources, p.sourcePath(tr.File))
			o.Formats = append(o.Formats, render.SourceFormat{Bits: p.sources[k].Format.Bits})
		}
		if _, err := render.Build(context.Background(), o); err != nil {
			t.Fatalf("block size %d: %v", bs, err)
		}
		var all []byte
		for _, f := range []string{"IMAGE.DAT", "PQDESCR", "CDTEXT.BIN", "DDPMS", "DDPID", "CHECKSUM.MD5"} {
			all = append(all, readAll(t, filepath.Join(o.Dest, "plant", "DDP", f))...)
		}
		images = append(images, all)
	}
	if !bytes.Equal(images[0], images[1]) {
		t.Error("the DDP differs between block sizes 787 and 81761")
	}
}
