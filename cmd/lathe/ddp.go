package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
	"github.com/lathe-audio/lathe/cue"
	"github.com/lathe-audio/lathe/ddp"
	"github.com/lathe-audio/lathe/pcm"
)

func newDDPCommand(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "ddp",
		Short: "Inspect and extract DDP 2.00 audio CD masters",
		Long: `The ddp commands read any conforming DDP 2.00 (or 1.01) audio CD master, not
only lathe's: the DDPID, DDPMS, PQ descriptor, IMAGE.DAT, CD-Text file and
checksum file, in whichever variant docs/cd-formats.md §2.3 lists.

DIR is the folder holding DDPID and DDPMS, or a lathe ddp delivery folder
with the DDP in its DDP subfolder.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("ddp needs a subcommand: info or extract")}
		},
	}
	c.AddCommand(newDDPInfoCommand(e), newDDPExtractCommand(e))
	return c
}

func newDDPInfoCommand(e *env) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "info DIR",
		Short: "List a DDP's PQ table, codes, CD-Text and checksum status",
		Long: `Info shows what a DDP player shows: the master ID, UPC/EAN, the number of
tracks and the total time, the checksum status, the PQ table (every index
point in absolute A-time, relative to the track's index 01 and as LBA, with
ISRCs, flags and titles) and the CD-Text strings of the disc and each track.

With --json the same facts are printed as one JSON object, whose schema is
documented in docs/json.md and stable.

When the checksum file does not match, the listing is still printed, with
the checksum status "failed", and info exits with status 1. A DDP that
cannot be read at all is reported problem by problem ('lathe verify DIR'
gives the complete list).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDDPInfo(e, args[0], asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the listing as JSON (docs/json.md)")
	return c
}

func newDDPExtractCommand(e *env) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "extract DIR -o OUT",
		Short: "Extract per-track WAVs and an album WAV + cue sheet from a DDP",
		Long: `Extract writes the audio of a DDP as 16-bit 44.1 kHz WAV files into the new
folder OUT:

  - one WAV per track, from its index 01 to the next track's index 01 (the
    gap is appended to the previous track, as players and rippers do; track
    1's pregap is left out), named "01 Title.wav" from the CD-Text titles,
    or "01.wav" without CD-Text;
  - an album WAV from LBA 0 (A-time 00:02:00) to the lead-out, and its cue
    sheet (one FILE, gaps as INDEX 00, with CATALOG, ISRC, FLAGS, TITLE and
    PERFORMER), named after the CD-Text disc title, or "album".

OUT must not exist. Everything is written into a temporary folder beside OUT,
renamed to OUT only when every file is complete; a failed run leaves nothing
behind. The DDP must pass the checks of 'lathe verify'.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError{errors.New("extract needs the output folder: -o OUT")}
			}
			return runDDPExtract(e, args[0], out)
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "output folder to create (must not exist)")
	return c
}

// ddpDirName is the subfolder of a ddp delivery that holds the DDP files;
// the PQ sheet sits beside it (docs/decisions.md, "CD formats").
const ddpDirName = "DDP"

// findDDP returns the folder holding the DDP: arg itself when it has a
// DDPMS, else its DDP subfolder when that has one.
func findDDP(arg string) (string, error) {
	st, err := os.Stat(arg)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%s: no such folder", arg)
		}
		return "", err
	}
	if !st.IsDir() {
		return "", withHint(fmt.Errorf("%s is a file, not a DDP folder", arg), "give the folder that holds DDPID and DDPMS")
	}
	for _, dir := range []string{arg, filepath.Join(arg, ddpDirName)} {
		if fi, err := os.Stat(filepath.Join(dir, ddp.NameMS)); err == nil && !fi.IsDir() {
			return dir, nil
		}
	}
	if _, err := os.Stat(filepath.Join(arg, ddp.NameID)); err == nil {
		return arg, nil // a DDP with no map stream: let the reader say so
	}
	return "", withHint(fmt.Errorf("%s: no %s or %s: not a DDP folder", arg, ddp.NameID, ddp.NameMS),
		"a DDP folder holds DDPID, DDPMS, a PQ descriptor and IMAGE.DAT")
}

// readDDP reads the DDP at dir. When the only errors are checksum
// mismatches, it returns the image read without its checksum file together
// with those errors, so a listing can still be shown.
func readDDP(dir string) (img *ddp.Image, sumErrs []ddp.Problem, err error) {
	img, err = ddp.Read(os.DirFS(dir))
	if err == nil {
		return img, nil, nil
	}
	img2, err2 := ddp.Read(hideChecksums{os.DirFS(dir)})
	if err2 != nil {
		return nil, nil, err
	}
	// The file is there, it just does not match: drop the reader's note
	// that it found none.
	warns := img2.Warnings[:0]
	for _, w := range img2.Warnings {
		if !(w.File == "" && strings.HasPrefix(w.Detail, "no checksum file")) {
			warns = append(warns, w)
		}
	}
	img2.Warnings = warns
	return img2, ddpProblems(err), nil
}

// ddpProblems splits an error of ddp.Read into its problems.
func ddpProblems(err error) []ddp.Problem {
	var out []ddp.Problem
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var p ddp.Problem
		if errors.As(err, &p) {
			out = append(out, p)
		} else {
			out = append(out, ddp.Problem{Detail: err.Error()})
		}
	}
	walk(err)
	return out
}

// printDDPProblems writes problems as lathe error and warning lines.
func printDDPProblems(w io.Writer, probs []ddp.Problem) {
	for _, p := range probs {
		level := "error"
		if p.Warning {
			level = "warning"
		}
		fmt.Fprintf(w, "lathe: %s: %s\n", level, p.Error())
	}
}

// hideChecksums is a file system without the checksum files DDP writers
// put beside a fileset (docs/cd-formats.md §2.9).
type hideChecksums struct{ fsys fs.FS }

func isChecksumFile(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".md5") || strings.HasSuffix(n, ".chk")
}

func (h hideChecksums) Open(name string) (fs.File, error) {
	if isChecksumFile(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return h.fsys.Open(name)
}

func (h hideChecksums) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(h.fsys, name)
	out := entries[:0]
	for _, e := range entries {
		if !isChecksumFile(e.Name()) {
			out = append(out, e)
		}
	}
	return out, err
}

func runDDPInfo(e *env, arg string, asJSON bool) error {
	dir, err := findDDP(arg)
	if err != nil {
		return err
	}
	img, sumErrs, err := readDDP(dir)
	if err != nil {
		printDDPProblems(e.stderr, ddpProblems(err))
		fmt.Fprintf(e.stderr, "lathe: error: %s: not a readable DDP\n", dir)
		fmt.Fprintf(e.stderr, "lathe: hint: 'lathe verify %s' lists every problem\n", dir)
		return reportedError{errors.New("unreadable DDP")}
	}
	defer img.Close()
	info := newDDPInfo(dir, img, sumErrs)
	if asJSON {
		if err := printJSON(e.stdout, info); err != nil {
			return err
		}
	} else if err := writeDDPInfo(e.stdout, img, info); err != nil {
		return err
	}
	if len(sumErrs) > 0 {
		printDDPProblems(e.stderr, sumErrs)
		return reportedError{errors.New("checksum mismatch")}
	}
	return nil
}

// The JSON form of `lathe ddp info`, documented in docs/json.md. Field
// names and meanings are stable; new fields may be added.
type (
	ddpInfoJSON struct {
		Schema    string         `json:"schema"`
		Path      string         `json:"path"`
		Level     string         `json:"level"`
		MasterID  string         `json:"master_id"`
		UPC       string         `json:"upc"`
		Total     timeJSON       `json:"total"`
		LeadOut   timeJSON       `json:"lead_out"`
		Pre2      int            `json:"pre2"`
		Tracks    []ddpTrackJSON `json:"tracks"`
		CDText    *cdTextJSON    `json:"cdtext"`
		Checksums checksumJSON   `json:"checksums"`
		Warnings  []problemJSON  `json:"warnings"`
	}
	timeJSON struct {
		Sectors int    `json:"sectors"`
		MSF     string `json:"msf"`
	}
	ddpTrackJSON struct {
		Number        int            `json:"number"`
		ISRC          string         `json:"isrc"`
		PreEmphasis   bool           `json:"pre_emphasis"`
		CopyPermitted bool           `json:"copy_permitted"`
		SCMS          bool           `json:"scms"`
		Pause         timeJSON       `json:"pause"`
		Length        timeJSON       `json:"length"`
		Indexes       []ddpIndexJSON `json:"indexes"`
		Text          *cdStringsJSON `json:"cdtext"`
	}
	ddpIndexJSON struct {
		Number   int      `json:"number"`
		Absolute timeJSON `json:"absolute"`
		Relative timeJSON `json:"relative"`
		LBA      int      `json:"lba"`
	}
	cdTextJSON struct {
		Language     int           `json:"language"`
		LanguageName string        `json:"language_name"`
		Disc         cdStringsJSON `json:"disc"`
		DiscID       string        `json:"disc_id"`
		Genre        int           `json:"genre"`
		GenreText    string        `json:"genre_text"`
	}
	cdStringsJSON struct {
		Title      string `json:"title"`
		Performer  string `json:"performer"`
		Songwriter string `json:"songwriter"`
		Composer   string `json:"composer"`
		Arranger   string `json:"arranger"`
		Message    string `json:"message"`
		Code       string `json:"code"`
	}
	checksumJSON struct {
		Status  string          `json:"status"` // "ok", "failed" or "none"
		File    string          `json:"file"`
		Entries []checksumEntry `json:"entries"`
		Errors  []problemJSON   `json:"errors"`
	}
	checksumEntry struct {
		File string `json:"file"`
		MD5  string `json:"md5"`
		OK   bool   `json:"ok"`
	}
	problemJSON struct {
		File     string `json:"file"`
		Severity string `json:"severity"` // "error" or "warning"
		Message  string `json:"message"`
	}
)

const ddpInfoSchema = "lathe/ddp-info/1"

func msfJSON(sectors int) timeJSON { return timeJSON{sectors, cdda.FormatMSF(sectors)} }

func problemsJSON(probs []ddp.Problem) []problemJSON {
	out := []problemJSON{}
	for _, p := range probs {
		out = append(out, problemJSON{File: p.File, Severity: severity(p.Warning), Message: p.Detail})
	}
	return out
}

// printJSON writes v to w as every --json output is printed: indented,
// then a newline (docs/json.md).
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// severity names a problem's severity in JSON: "error" or "warning".
func severity(warning bool) string {
	if warning {
		return "warning"
	}
	return "error"
}

func stringsJSON(s cdtext.Strings) cdStringsJSON {
	return cdStringsJSON{s.Title, s.Performer, s.Songwriter, s.Composer, s.Arranger, s.Message, s.Code}
}

// languageName returns the EBU Tech 3264 name of a CD-Text language code.
func languageName(code byte) string {
	for name, c := range album.Languages {
		if c == code {
			return name
		}
	}
	return ""
}

// trackEnd returns the A-time of the next track's index 01 (or the
// lead-out): the end of track i as players count it.
func trackEnd(d *cdda.Disc, i int) int {
	if i+1 < len(d.Tracks) {
		return d.Tracks[i+1].Index[0]
	}
	return d.LeadOut
}

func newDDPInfo(dir string, img *ddp.Image, sumErrs []ddp.Problem) *ddpInfoJSON {
	d := &img.Disc
	info := &ddpInfoJSON{
		Schema: ddpInfoSchema, Path: dir, Level: img.Level, MasterID: img.MasterID, UPC: d.UPC,
		Total: msfJSON(d.LeadOut - cdda.MinPregap), LeadOut: msfJSON(d.LeadOut), Pre2: img.Pre2,
		Tracks: []ddpTrackJSON{}, Warnings: problemsJSON(img.Warnings),
	}
	for i := range d.Tracks {
		t := &d.Tracks[i]
		tj := ddpTrackJSON{
			Number: i + 1, ISRC: t.ISRC, PreEmphasis: t.PreEmphasis, CopyPermitted: t.CopyPermitted, SCMS: t.SCMS,
			Pause: msfJSON(t.Index[0] - t.Start()), Length: msfJSON(trackEnd(d, i) - t.Index[0]),
		}
		if t.Pregap > 0 {
			at := t.Start()
			tj.Indexes = append(tj.Indexes, ddpIndexJSON{0, msfJSON(at), msfJSON(at - t.Index[0]), at - cdda.MinPregap})
		}
		for k, at := range t.Index {
			tj.Indexes = append(tj.Indexes, ddpIndexJSON{k + 1, msfJSON(at), msfJSON(at - t.Index[0]), at - cdda.MinPregap})
		}
		if d.Text != nil && i < len(d.Text.Tracks) {
			s := stringsJSON(d.Text.Tracks[i])
			tj.Text = &s
		}
		info.Tracks = append(info.Tracks, tj)
	}
	if t := d.Text; t != nil {
		info.CDText = &cdTextJSON{
			Language: int(t.Language), LanguageName: languageName(t.Language), Disc: stringsJSON(t.Disc),
			DiscID: t.DiscID, Genre: int(t.Genre), GenreText: t.GenreText,
		}
	}
	cs := checksumJSON{Status: "none", Entries: []checksumEntry{}, Errors: problemsJSON(sumErrs)}
	switch {
	case len(sumErrs) > 0:
		cs.Status = "failed"
	case img.Checksum != nil:
		cs.Status, cs.File = "ok", img.Checksum.File
		for _, en := range img.Checksum.Entries {
			cs.Entries = append(cs.Entries, checksumEntry{en.Name, en.Sum, en.OK})
		}
	}
	info.Checksums = cs
	return info
}

// writeDDPInfo prints the listing a DDP player shows.
func writeDDPInfo(w io.Writer, img *ddp.Image, info *ddpInfoJSON) error {
	bw := bufio.NewWriter(w)
	d := &img.Disc
	fmt.Fprintf(bw, "%s  master ID %q\n", img.Level, img.MasterID)
	fmt.Fprintf(bw, "Total     %s (%d tracks)\n", info.Total.MSF, len(d.Tracks))
	switch cs := info.Checksums; cs.Status {
	case "ok":
		fmt.Fprintf(bw, "Checksums %s: %d files OK\n", cs.File, len(cs.Entries))
	case "failed":
		fmt.Fprintf(bw, "Checksums FAILED (%d problems)\n", len(cs.Errors))
	default:
		fmt.Fprintf(bw, "Checksums none\n")
	}
	if t := d.Text; t != nil {
		name := languageName(t.Language)
		if name == "" {
			name = "unknown language"
		}
		fmt.Fprintf(bw, "CD-Text   %s (0x%02X)\n", name, t.Language)
	} else {
		fmt.Fprintf(bw, "CD-Text   none\n")
	}
	fmt.Fprintln(bw)
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := ddp.WritePQSheet(w, d); err != nil {
		return err
	}
	if t := d.Text; t != nil {
		fmt.Fprintf(bw, "\nCD-Text\n")
		if t.DiscID != "" {
			fmt.Fprintf(bw, "  disc  %-10s %q\n", "disc id", t.DiscID)
		}
		if t.Genre != 0 || t.GenreText != "" {
			fmt.Fprintf(bw, "  disc  %-10s 0x%04X %q\n", "genre", t.Genre, t.GenreText)
		}
		writeCDTextStrings(bw, "disc", t.Disc)
		for i, s := range t.Tracks {
			writeCDTextStrings(bw, fmt.Sprintf("%02d", i+1), s)
		}
	}
	if len(img.Warnings) > 0 {
		fmt.Fprintf(bw, "\nWarnings\n")
		for _, p := range img.Warnings {
			fmt.Fprintf(bw, "  %s\n", p.Error())
		}
	}
	return bw.Flush()
}

func writeCDTextStrings(w io.Writer, who string, s cdtext.Strings) {
	for _, f := range []struct{ name, v string }{
		{"title", s.Title}, {"performer", s.Performer}, {"songwriter", s.Songwriter},
		{"composer", s.Composer}, {"arranger", s.Arranger}, {"message", s.Message}, {"upc/isrc", s.Code},
	} {
		if f.v != "" {
			fmt.Fprintf(w, "  %-5s %-10s %q\n", who, f.name, f.v)
		}
	}
}

func runDDPExtract(e *env, arg, out string) error {
	dir, err := findDDP(arg)
	if err != nil {
		return err
	}
	if _, err := os.Lstat(out); err == nil {
		return withHint(fmt.Errorf("%s already exists; extract never overwrites", out), "give a new folder with -o")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	img, err := ddp.Read(os.DirFS(dir))
	if err != nil {
		printDDPProblems(e.stderr, ddpProblems(err))
		fmt.Fprintf(e.stderr, "lathe: error: %s: not a readable DDP; nothing extracted\n", dir)
		fmt.Fprintf(e.stderr, "lathe: hint: 'lathe verify %s' lists every problem\n", dir)
		return reportedError{errors.New("unreadable DDP")}
	}
	defer img.Close()
	files, err := extractDDP(img, out)
	if err != nil {
		return err
	}
	if !e.settings.Quiet {
		fmt.Fprintf(e.stdout, "%s: %d files from %s\n", out, len(files), dir)
		for _, f := range files {
			fmt.Fprintf(e.stdout, "  %s\n", f)
		}
	}
	return nil
}

// extractDDP writes the per-track WAVs, the album WAV and its cue sheet into
// a temporary folder beside out and renames it to out. It returns the
// names of the files written.
func extractDDP(img *ddp.Image, out string) (files []string, err error) {
	parent, base := filepath.Dir(out), filepath.Base(out)
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("create a temporary folder beside %s: %w", out, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	d := img.Disc // a copy: the cue of a foreign DDP may exceed 79:59:74
	d.AllowOver80 = true
	trackNames, albumName := extractNames(&d)
	for i, name := range trackNames {
		r, err := img.TrackAudio(i + 1)
		if err != nil {
			return nil, err
		}
		if err := extractWAV(filepath.Join(tmp, name), r); err != nil {
			return nil, fmt.Errorf("track %d: %w", i+1, err)
		}
		files = append(files, name)
	}
	prog := io.NewSectionReader(img.Audio(), cdda.MinPregap*cdda.SectorBytes, int64(d.LeadOut-cdda.MinPregap)*cdda.SectorBytes)
	if err := extractWAV(filepath.Join(tmp, albumName+".wav"), prog); err != nil {
		return nil, fmt.Errorf("album: %w", err)
	}
	var sheet bytes.Buffer
	if err := cue.Write(&sheet, &d, cue.Options{File: albumName + ".wav", Type: cue.Wave}); err != nil {
		return nil, fmt.Errorf("album cue: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, albumName+".cue"), sheet.Bytes(), 0o644); err != nil {
		return nil, err
	}
	files = append(files, albumName+".wav", albumName+".cue")
	if err := os.Rename(tmp, out); err != nil {
		return nil, fmt.Errorf("move the extracted files into place: %w", err)
	}
	return files, nil
}

// extractNames names the files of an extraction: "01 Title.wav" per track
// ("01.wav" without a CD-Text title) and the album's files after the disc
// title ("album" without one).
func extractNames(d *cdda.Disc) (tracks []string, albumName string) {
	used := map[string]bool{}
	for i := range d.Tracks {
		name := fmt.Sprintf("%02d", i+1)
		if d.Text != nil && i < len(d.Text.Tracks) {
			if t := d.Text.Tracks[i].Title; t != "" {
				name += " " + album.SafeName(t, 120)
			}
		}
		tracks = append(tracks, name+".wav")
		used[strings.ToLower(name)] = true
	}
	albumName = "album"
	if d.Text != nil {
		if t := d.Text.Disc.Title; t != "" {
			albumName = album.SafeName(t, 120)
		}
	}
	if used[strings.ToLower(albumName)] {
		albumName += " (album)"
	}
	return tracks, albumName
}

// extractWAV writes the 16-bit little-endian stereo PCM of r (a whole
// number of frames) to a new 16-bit 44.1 kHz WAV file.
func extractWAV(path string, r *io.SectionReader) (err error) {
	frames := r.Size() / cdda.FrameBytes
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", filepath.Base(path), cerr)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	w, err := pcm.NewWAVWriter(bw, pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, pcm.WAVOptions{Frames: frames})
	if err != nil {
		return err
	}
	const block = 16 * cdda.SectorFrames
	buf := make([]byte, block*cdda.FrameBytes)
	left, right := make([]int32, block), make([]int32, block)
	for done := int64(0); done < frames; {
		n := int(min(frames-done, block))
		if _, err := io.ReadFull(r, buf[:n*cdda.FrameBytes]); err != nil {
			return fmt.Errorf("read the image at frame %d: %w", done, err)
		}
		for i := 0; i < n; i++ {
			left[i] = int32(int16(binary.LittleEndian.Uint16(buf[4*i:])))
			right[i] = int32(int16(binary.LittleEndian.Uint16(buf[4*i+2:])))
		}
		if err := w.WriteInt([][]int32{left[:n], right[:n]}); err != nil {
			return fmt.Errorf("write %s: %w", filepath.Base(path), err)
		}
		done += int64(n)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// sortedProblems orders problems errors first, then by file, keeping the
// reader's order otherwise.
func sortedProblems(probs []ddp.Problem) []ddp.Problem {
	out := append([]ddp.Problem(nil), probs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Warning != out[j].Warning {
			return !out[i].Warning
		}
		return false
	})
	return out
}
