package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
	"github.com/lathe-audio/lathe/ddp"
	"github.com/lathe-audio/lathe/render"
)

func newVerifyCommand(e *env) *cobra.Command {
	var o verifyOptions
	c := &cobra.Command{
		Use:   "verify DIR",
		Short: "Check a build's output against its manifest, or a DDP folder",
		Long: `Verify checks the output folder of a build against its manifest, or a DDP
folder.

When DIR holds manifest.json, it is a build's output (a bundle), and verify
re-reads every file and compares it with the manifest: every listed file is
present and no other, with its size, SHA-256 and MD5; audio files decode to
the recorded format, length and PCM MD5, and every track's cut has its
PCM MD5; FLAC Vorbis comments, MP3 ID3 frames and WAV INFO tags are those
recorded; every line of MD5SUMS matches and every file has one; and every
DDP folder passes the DDP checks below. Each difference names the file.
With --project, the project file and its sources must also be the ones
the manifest records (by SHA-256).

Otherwise DIR is a DDP 2.00 folder (or a lathe ddp delivery folder, whose
DDP is in its DDP subfolder), and verify lists every problem it finds:

  - the structure of DDPID, DDPMS, the PQ descriptor and IMAGE.DAT
    (docs/cd-formats.md §8 items 1-5): record sizes and markers, the streams
    and the files they name (with the exact case of each name), lengths
    against the files, the PQ sequence, times and control flags, the Red Book
    rules of the track table, and the silence of track 1's pregap;
  - the checksum file: every line, and every DDP file covered;
  - the CD-Text file: every pack's CRC (by pack index) and the structure of
    the packs and size information;
  - consistency: the UPC in DDPID, on the PQ lead-in and in the CD-Text, each
    track's ISRC and flags on all its PQ packets and in the CD-Text, the
    track count of the CD-Text against the PQ, the lead-out against the
    image size, and PRE2 against track 1's index 01.

With --project, verify also checks that the DDP is the master of that
project: the UPC, master ID, track count, every index time, each track's
ISRC and flags, the lead-out, every CD-Text string, and the audio of every
track, sample for sample, against a fresh render of the project's ddp
delivery (which takes as long as building it). Each difference names the
track, the field and both values; for audio, the first differing frame.

Warnings are forms that readers accept but that are worth knowing, such as
a missing checksum file or a stream order other than CDTEXT, PQ, D0. Verify
exits with status 1 when there is any error; warnings alone leave it at 0.
With --json the result is one JSON object (docs/json.md).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVerify(e, args[0], o)
		},
	}
	c.Flags().BoolVar(&o.json, "json", false, "print the result as JSON (docs/json.md)")
	c.Flags().StringVar(&o.project, "project", "", "also check that the DDP matches this project (album.toml) and a fresh render of it; for a build's output, that the project and its sources are those it was built from")
	return c
}

type verifyOptions struct {
	json    bool
	project string // compare with this project and a fresh render of it
}

// verifyJSON is the JSON form of `lathe verify`, documented in
// docs/json.md.
type verifyJSON struct {
	Schema   string        `json:"schema"`
	Path     string        `json:"path"`
	Kind     string        `json:"kind"`
	OK       bool          `json:"ok"`
	Errors   int           `json:"errors"`
	Warnings int           `json:"warnings"`
	Problems []problemJSON `json:"problems"`
}

const verifySchema = "lathe/verify/1"

func runVerify(e *env, arg string, o verifyOptions) error {
	if isBundle(arg) {
		probs, err := verifyBundle(arg, o.project)
		if err != nil {
			return err
		}
		return printVerify(e, arg, "bundle", probs, o)
	}
	dir, err := findDDP(arg)
	if err != nil {
		return err
	}
	probs, img := verifyDDP(dir)
	if img != nil {
		defer img.Close()
	}
	if o.project != "" {
		if img == nil {
			probs = append(probs, ddp.Problem{Detail: "not compared with the project: the DDP cannot be read"})
		} else {
			more, err := verifyAgainstProject(e, img, o.project)
			if err != nil {
				return err
			}
			probs = append(probs, more...)
		}
	}
	return printVerify(e, dir, "ddp", probs, o)
}

// printVerify prints the problems verify found in the folder dir (a DDP,
// or a build's bundle) and fails when any is an error.
func printVerify(e *env, dir, kind string, probs []ddp.Problem, o verifyOptions) error {
	probs = sortedProblems(probs)
	res := verifyJSON{Schema: verifySchema, Path: dir, Kind: kind, Problems: problemsJSON(probs)}
	for _, p := range probs {
		if p.Warning {
			res.Warnings++
		} else {
			res.Errors++
		}
	}
	res.OK = res.Errors == 0
	if o.json {
		if err := printJSON(e.stdout, res); err != nil {
			return err
		}
	} else {
		writeVerify(e.stdout, &res, e.settings.Quiet)
	}
	if !res.OK {
		fmt.Fprintf(e.stderr, "lathe: error: %s: verification failed: %s\n", dir, plural(res.Errors, "error"))
		return reportedError{errors.New("verification failed")}
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func writeVerify(w io.Writer, res *verifyJSON, quiet bool) {
	if res.OK && res.Warnings == 0 {
		if !quiet {
			fmt.Fprintf(w, "%s: ok\n", res.Path)
		}
		return
	}
	fmt.Fprintf(w, "%s: %s, %s\n", res.Path, plural(res.Errors, "error"), plural(res.Warnings, "warning"))
	for _, p := range res.Problems {
		where := p.File
		if where == "" {
			where = "fileset"
		}
		fmt.Fprintf(w, "  %-7s %s: %s\n", p.Severity, where, p.Message)
	}
}

// verifyDDP checks the DDP at dir: everything ddp.Read checks, then the
// cross-checks of consistency that lie between its files. The image is
// nil when it could not be read; the caller closes it.
func verifyDDP(dir string) ([]ddp.Problem, *ddp.Image) {
	fsys := os.DirFS(dir)
	img, err := ddp.Read(fsys)
	if err != nil {
		// Verify repeats the reading to report warnings with the errors.
		return ddp.Verify(fsys), nil
	}
	probs := append([]ddp.Problem(nil), img.Warnings...)
	return append(probs, ddpConsistency(fsys, img)...), img
}

// ddpConsistency checks what lies between a DDP's files and what the
// reader accepts as a variant but lathe's §8 invariants pin down.
// ref: docs/cd-formats.md §8 items 2, 3, 16
func ddpConsistency(fsys fs.FS, img *ddp.Image) []ddp.Problem {
	var probs []ddp.Problem
	errorf := func(file, format string, args ...any) {
		probs = append(probs, ddp.Problem{File: file, Detail: fmt.Sprintf(format, args...)})
	}
	warnf := func(file, format string, args ...any) {
		probs = append(probs, ddp.Problem{File: file, Warning: true, Detail: fmt.Sprintf(format, args...)})
	}
	// The reader already checks the UPC and ISRCs across DDPID, the PQ
	// descriptor and the CD-Text codes (cdda.Disc.Validate).
	// Every file DDPMS names exists with exactly that case, which a
	// case-insensitive file system would not show when opening it.
	names := map[string]bool{}
	if entries, err := fs.ReadDir(fsys, "."); err == nil {
		for _, en := range entries {
			names[en.Name()] = true
		}
		for _, st := range img.Streams {
			if !names[st.File] {
				errorf(ddp.NameMS, "names %q, but the folder has no file of exactly that name (names are case-sensitive)", st.File)
			}
		}
	}
	// Stream order: CDTEXT, PQ DESCR, D0 (cue2ddp, Sonoris, HOFA).
	var order []string
	textFile, pqFile, imageFile := "", "", ""
	for _, st := range img.Streams {
		switch {
		case st.Type == "S0" && st.Sub == "CDTEXT":
			order = append(order, "CDTEXT")
			textFile = st.File
		case st.Type == "S0" && st.Sub == "PQ DESCR":
			order = append(order, "PQ DESCR")
			pqFile = st.File
		case st.Type == "D0":
			order = append(order, "D0")
			imageFile = st.File
		}
	}
	want := []string{"PQ DESCR", "D0"}
	if textFile != "" {
		want = append([]string{"CDTEXT"}, want...)
	}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		warnf(ddp.NameMS, "streams in the order %s; DDP writers put them as %s", strings.Join(order, ", "), strings.Join(want, ", "))
	}
	// Two lead-out packets, as every writer studied emits.
	nOut := 0
	for _, e := range img.PQ {
		if e.Track == 0xAA {
			nOut++
		}
	}
	if nOut == 1 {
		warnf(pqFile, "one lead-out packet; DDP writers write AA/01 twice")
	}
	// Hidden track audio in a pregap longer than 2 s is legal; say so.
	if img.Pre2 > cdda.MinPregap {
		switch quiet, err := silent(img, cdda.MinPregap, img.Pre2); {
		case err != nil:
			errorf(imageFile, "read track 01's pregap: %v", err)
		case !quiet:
			warnf(imageFile, "track 01's pregap holds audio between %s and %s (a hidden track)",
				cdda.FormatMSF(cdda.MinPregap), cdda.FormatMSF(img.Pre2))
		}
	}
	return probs
}

// silent reports whether the image is digital silence between two A-times.
func silent(img *ddp.Image, from, to int) (bool, error) {
	r := io.NewSectionReader(img.Audio(), int64(from)*cdda.SectorBytes, int64(to-from)*cdda.SectorBytes)
	buf := make([]byte, 64*cdda.SectorBytes)
	for {
		n, err := r.Read(buf)
		for _, b := range buf[:n] {
			if b != 0 {
				return false, nil
			}
		}
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// verifyAgainstProject compares a DDP with the project it should master:
// its disc description (render.Disc of the project's layout) and, sample
// for sample, a fresh render of the project's ddp delivery.
func verifyAgainstProject(e *env, img *ddp.Image, arg string) ([]ddp.Problem, error) {
	p, pprobs, err := loadProject(arg)
	if err != nil {
		return nil, err
	}
	if printProblems(e.stderr, pprobs) {
		return nil, reportedError{fmt.Errorf("invalid project")}
	}
	want, err := render.Disc(p.album, p.layout)
	if err != nil {
		return nil, err
	}
	probs := compareDisc(img, want)
	if img.Disc.LeadOut != want.LeadOut || len(img.Disc.Tracks) != len(want.Tracks) {
		return append(probs, ddp.Problem{File: imageName(img),
			Detail: "audio not compared with a fresh render: the track layout differs"}), nil
	}
	more, err := compareRender(p, img)
	if err != nil {
		return nil, err
	}
	return append(probs, more...), nil
}

// imageName returns the name of the DDP's audio image.
func imageName(img *ddp.Image) string {
	for _, st := range img.Streams {
		if st.Type == "D0" {
			return st.File
		}
	}
	return ddp.NameImage
}

// streamFile returns the file of the S0 stream sub, or def.
func streamFile(img *ddp.Image, sub, def string) string {
	for _, st := range img.Streams {
		if st.Type == "S0" && st.Sub == sub {
			return st.File
		}
	}
	return def
}

// compareDisc lists every difference between the DDP's disc and the
// project's, naming the file, the track and the field with both values.
func compareDisc(img *ddp.Image, want *cdda.Disc) []ddp.Problem {
	var probs []ddp.Problem
	got := &img.Disc
	pq, text := streamFile(img, "PQ DESCR", ddp.NamePQ), streamFile(img, "CDTEXT", ddp.NameCDText)
	diff := func(file, field, g, w string) {
		if g != w {
			probs = append(probs, ddp.Problem{File: file, Detail: fmt.Sprintf("%s: the DDP has %q, the project %q", field, g, w)})
		}
	}
	diff(ddp.NameID, "upc", got.UPC, want.UPC)
	diff(ddp.NameID, "master id", img.MasterID, want.MasterID)
	if len(got.Tracks) != len(want.Tracks) {
		probs = append(probs, ddp.Problem{File: pq, Detail: fmt.Sprintf("%d tracks, the project has %d", len(got.Tracks), len(want.Tracks))})
	}
	diff(pq, "lead-out", cdda.FormatMSF(got.LeadOut), cdda.FormatMSF(want.LeadOut))
	for i := range min(len(got.Tracks), len(want.Tracks)) {
		g, w := &got.Tracks[i], &want.Tracks[i]
		tr := fmt.Sprintf("track %02d ", i+1)
		idx0 := func(t *cdda.Track) string {
			if t.Pregap == 0 {
				return "none"
			}
			return cdda.FormatMSF(t.Start())
		}
		diff(pq, tr+"index 00", idx0(g), idx0(w))
		for k := range max(len(g.Index), len(w.Index)) {
			gs, ws := "none", "none"
			if k < len(g.Index) {
				gs = cdda.FormatMSF(g.Index[k])
			}
			if k < len(w.Index) {
				ws = cdda.FormatMSF(w.Index[k])
			}
			diff(pq, fmt.Sprintf("%sindex %02d", tr, k+1), gs, ws)
		}
		diff(pq, tr+"isrc", g.ISRC, w.ISRC)
		diff(pq, tr+"flags", strings.Join(g.Flags(), " "), strings.Join(w.Flags(), " "))
	}
	switch gt, wt := got.Text, want.Text; {
	case gt == nil && wt != nil:
		probs = append(probs, ddp.Problem{File: text, Detail: "the DDP has no CD-Text, the project has"})
	case gt != nil && wt == nil:
		probs = append(probs, ddp.Problem{File: text, Detail: "the DDP has CD-Text, the project has none (cdtext = false)"})
	case gt != nil:
		diff(text, "language", fmt.Sprintf("0x%02X", gt.Language), fmt.Sprintf("0x%02X", wt.Language))
		fields := func(who string, g, w cdtext.Strings) {
			diff(text, who+"title", g.Title, w.Title)
			diff(text, who+"performer", g.Performer, w.Performer)
			diff(text, who+"songwriter", g.Songwriter, w.Songwriter)
			diff(text, who+"composer", g.Composer, w.Composer)
			diff(text, who+"arranger", g.Arranger, w.Arranger)
			diff(text, who+"message", g.Message, w.Message)
			diff(text, who+"upc/isrc", g.Code, w.Code)
		}
		fields("disc ", gt.Disc, wt.Disc)
		for i := range min(len(gt.Tracks), len(wt.Tracks)) {
			fields(fmt.Sprintf("track %02d ", i+1), gt.Tracks[i], wt.Tracks[i])
		}
	}
	return probs
}

// compareRender renders the project's ddp delivery into a temporary folder
// and compares its IMAGE.DAT with the DDP's, track by track: each from its
// first index (track 1 from A-time 0) to the next track's.
func compareRender(p *project, img *ddp.Image) ([]ddp.Problem, error) {
	name := ""
	for _, d := range p.album.Deliveries {
		if d.Kind == album.KindDDP {
			name = d.Name
			break
		}
	}
	if name == "" {
		return nil, withHint(fmt.Errorf("%s has no ddp delivery to render for the comparison", p.path),
			"add a [[delivery]] with kind = \"ddp\", or verify without --project")
	}
	tmp, err := os.MkdirTemp("", "lathe-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	o := render.BuildOptions{Album: p.album, Layout: p.layout, Dest: filepath.Join(tmp, "out"), Only: []string{name}}
	for k, t := range p.album.Tracks {
		o.Sources = append(o.Sources, p.sourcePath(t.File))
		o.Formats = append(o.Formats, render.SourceFormat{Bits: p.sources[k].Format.Bits, Float: p.sources[k].Format.Float})
	}
	ctx, stop := interruptible()
	defer stop()
	if _, err := render.Build(ctx, o); err != nil {
		return nil, fmt.Errorf("render the project for the comparison: %w", err)
	}
	fresh, err := ddp.Read(os.DirFS(filepath.Join(o.Dest, name, render.DDPFolder)))
	if err != nil {
		return nil, fmt.Errorf("read the fresh render: %w", err)
	}
	defer fresh.Close()
	var probs []ddp.Problem
	d := &img.Disc
	for i := range d.Tracks {
		start, end := d.Tracks[i].Start(), d.LeadOut
		if i+1 < len(d.Tracks) {
			end = d.Tracks[i+1].Start()
		}
		if msg, err := compareSpan(img.Audio(), fresh.Audio(), start, end, d.Tracks[i].Index[0]); err != nil {
			return nil, err
		} else if msg != "" {
			probs = append(probs, ddp.Problem{File: imageName(img), Detail: fmt.Sprintf("track %02d: %s", i+1, msg)})
		}
	}
	return probs, nil
}

// compareSpan compares two images over the A-times [start, end) and
// describes the first differing frame (its A-time and its offset from
// index01) and how many frames differ; "" when they are equal.
func compareSpan(got, want io.ReaderAt, start, end, index01 int) (string, error) {
	const chunk = 64 * cdda.SectorBytes
	a, b := make([]byte, chunk), make([]byte, chunk)
	first, firstG, firstW, count := int64(-1), [2]int16{}, [2]int16{}, int64(0)
	for off := int64(start) * cdda.SectorBytes; off < int64(end)*cdda.SectorBytes; off += chunk {
		n := min(chunk, int64(end)*cdda.SectorBytes-off)
		if _, err := got.ReadAt(a[:n], off); err != nil {
			return "", fmt.Errorf("read the DDP image at byte %d: %w", off, err)
		}
		if _, err := want.ReadAt(b[:n], off); err != nil {
			return "", fmt.Errorf("read the fresh render at byte %d: %w", off, err)
		}
		if bytes.Equal(a[:n], b[:n]) {
			continue
		}
		for i := int64(0); i < n; i += cdda.FrameBytes {
			if bytes.Equal(a[i:i+4], b[i:i+4]) {
				continue
			}
			if first < 0 {
				first = (off + i) / cdda.FrameBytes
				for c := range 2 {
					firstG[c] = int16(binary.LittleEndian.Uint16(a[i+2*int64(c):]))
					firstW[c] = int16(binary.LittleEndian.Uint16(b[i+2*int64(c):]))
				}
			}
			count++
		}
	}
	if first < 0 {
		return "", nil
	}
	rel := first - int64(index01)*cdda.SectorFrames
	sector := int(first / cdda.SectorFrames)
	return fmt.Sprintf("audio differs from a fresh render of the project: %s at frame %d of the image (A-time %s + %d frames, %+d frames from index 01), the DDP has L/R %d/%d, the render %d/%d",
		plural(int(count), "frame"), first, cdda.FormatMSF(sector), first%cdda.SectorFrames, rel,
		firstG[0], firstG[1], firstW[0], firstW[1]), nil
}
