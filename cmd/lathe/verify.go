package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/ddp"
)

func newVerifyCommand(e *env) *cobra.Command {
	var o verifyOptions
	c := &cobra.Command{
		Use:   "verify DIR",
		Short: "Check a DDP folder: structure, checksums, PQ and CD-Text",
		Long: `Verify checks a DDP 2.00 folder (or a lathe ddp delivery folder, whose DDP
is in its DDP subfolder) and lists every problem it finds:

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
	return c
}

type verifyOptions struct {
	json bool
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
	dir, err := findDDP(arg)
	if err != nil {
		return err
	}
	probs := sortedProblems(verifyDDP(dir))
	res := verifyJSON{Schema: verifySchema, Path: dir, Kind: "ddp", Problems: problemsJSON(probs)}
	for _, p := range probs {
		if p.Warning {
			res.Warnings++
		} else {
			res.Errors++
		}
	}
	res.OK = res.Errors == 0
	if o.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
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
// cross-checks of consistency that lie between its files.
func verifyDDP(dir string) []ddp.Problem {
	fsys := os.DirFS(dir)
	img, err := ddp.Read(fsys)
	if err != nil {
		// Verify repeats the reading to report warnings with the errors.
		return ddp.Verify(fsys)
	}
	defer img.Close()
	probs := append([]ddp.Problem(nil), img.Warnings...)
	return append(probs, ddpConsistency(fsys, img)...)
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
