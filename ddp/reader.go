package ddp

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// Image is a DDP fileset as read by Read.
type Image struct {
	Level    string    // "DDP 2.00" or "DDP 1.01"
	MasterID string    // DDPID master ID
	Disc     cdda.Disc // UPC, tracks (index A-times, ISRC, flags), lead-out, CD-Text
	Streams  []Stream  // DDPMS map packets in file order
	PQ       []PQEntry // PQ descriptor packets in file order
	Pre2     int       // sectors of track 1 pregap at the start of IMAGE.DAT (D0 PRE2)

	// Checksum is the checksum file found beside the DDP, nil when none.
	Checksum *Checksums
	// Warnings lists what is accepted but worth showing (see Problem).
	Warnings []Problem

	imageName string
	audio     io.ReaderAt
	closer    io.Closer
}

// Stream is one DDPMS map packet. ref: docs/cd-formats.md §2.5
type Stream struct {
	Type   string // DST: "D0", "S0", …
	Sub    string // SUB: "PQ DESCR", "CDTEXT" for S0
	Mode   string // CDM: "DA" for the audio D0
	Length int    // DSL: sectors for D0, bytes for S0
	Pre2   int    // PRE2 (D0)
	File   string // DSI
}

// PQEntry is one PQ descriptor packet. ref: docs/cd-formats.md §2.6
type PQEntry struct {
	Track   int    // 0 lead-in, 1–99, 0xAA lead-out
	Index   int    // 0–99
	Time    int    // A-time in sectors
	Control byte   // Q CONTROL nibble: 1 pre-emphasis, 2 copy permitted
	SCMS    bool   // C1 second character "S"
	ISRC    string // blank = ""
	UPC     string // blank = ""
}

// Checksums is a checksum file and the result of checking each line.
// ref: docs/cd-formats.md §2.9
type Checksums struct {
	File    string
	Entries []ChecksumEntry
}

// ChecksumEntry is one line of a checksum file.
type ChecksumEntry struct {
	Name string // the file the line names
	Sum  string // lower-case hex MD5 from the line
	OK   bool   // the file exists and its MD5 matches
}

// Problem is one finding of Read or Verify, naming the DDP file.
type Problem struct {
	File    string // DDP file the problem is in; "" for the fileset
	Warning bool   // accepted, but worth showing
	Detail  string
}

func (p Problem) Error() string {
	if p.File == "" {
		return "ddp: " + p.Detail
	}
	return "ddp: " + p.File + ": " + p.Detail
}

// Size limits that keep a hostile fileset from forcing large allocations.
const (
	maxIDSize       = 4 << 10
	maxMSSize       = 64 * msSize
	maxPQSize       = (1 + 99*100 + 2) * pqSize
	maxCDTextSize   = 8*256*cdtext.PackSize + 4
	maxChecksumSize = 64 << 10
)

// Read reads and checks the DDP fileset at the root of fsys: structure
// (docs/cd-formats.md §8 items 1–3, 5), CD-Text CRCs, the Red Book rules of
// the PQ table, and the checksum file when there is one (every file it
// names is hashed). It fails with every error found, joined; warnings are
// in Image.Warnings. The returned Image keeps IMAGE.DAT open for its audio
// readers until Close.
func Read(fsys fs.FS) (*Image, error) {
	img, probs := load(fsys)
	var errs []error
	var warns []Problem
	for _, p := range probs {
		if p.Warning {
			warns = append(warns, p)
		} else {
			errs = append(errs, p)
		}
	}
	if len(errs) > 0 {
		if img != nil {
			img.Close()
		}
		return nil, errors.Join(errs...)
	}
	img.Warnings = warns
	return img, nil
}

// Verify reads the DDP fileset like Read and reports every problem found,
// errors and warnings, each naming its file. An empty result means the
// fileset is clean.
func Verify(fsys fs.FS) []Problem {
	img, probs := load(fsys)
	if img != nil {
		img.Close()
	}
	return probs
}

// Close releases IMAGE.DAT.
func (img *Image) Close() error {
	if img.closer == nil {
		return nil
	}
	err := img.closer.Close()
	img.closer = nil
	return err
}

// Audio returns the whole IMAGE.DAT, from A-time 0 to the lead-out.
func (img *Image) Audio() *io.SectionReader {
	return io.NewSectionReader(img.audio, 0, int64(img.Disc.LeadOut)*cdda.SectorBytes)
}

// TrackAudio returns the audio of track n (1-based) from its index 01 to
// the next track's index 01 (or the lead-out): the span players and
// rippers treat as the track, with the gap appended to the previous track.
func (img *Image) TrackAudio(n int) (*io.SectionReader, error) {
	if n < 1 || n > len(img.Disc.Tracks) {
		return nil, fmt.Errorf("ddp: track %d: the image has tracks 1..%d", n, len(img.Disc.Tracks))
	}
	start := img.Disc.Tracks[n-1].Index[0]
	end := img.Disc.LeadOut
	if n < len(img.Disc.Tracks) {
		end = img.Disc.Tracks[n].Index[0]
	}
	return io.NewSectionReader(img.audio, int64(start)*cdda.SectorBytes, int64(end-start)*cdda.SectorBytes), nil
}

// loader collects problems while reading a fileset.
type loader struct {
	fsys  fs.FS
	img   *Image
	probs []Problem
}

func (l *loader) errorf(file, format string, args ...any) {
	l.probs = append(l.probs, Problem{File: file, Detail: fmt.Sprintf(format, args...)})
}

func (l *loader) warnf(file, format string, args ...any) {
	l.probs = append(l.probs, Problem{File: file, Warning: true, Detail: fmt.Sprintf(format, args...)})
}

// load reads the fileset. It returns a nil Image when the structure is
// too broken to describe a disc.
func load(fsys fs.FS) (*Image, []Problem) {
	l := &loader{fsys: fsys, img: &Image{}}
	ok := l.readID()
	streams := l.readMS()
	if !ok || streams == nil {
		return nil, l.probs
	}
	ok = l.readPQ(streams.pq)
	if streams.text != nil {
		l.readCDText(streams.text)
	}
	ok = l.openImage(streams.image) && ok
	if !ok {
		if l.img.closer != nil {
			l.img.Close()
		}
		return nil, l.probs
	}
	l.checkDisc()
	l.readChecksums()
	return l.img, l.probs
}

// readFile reads a small file, refusing one larger than max before
// allocating for it.
func (l *loader) readFile(name, declaredBy string, max int64) ([]byte, bool) {
	fi, err := fs.Stat(l.fsys, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if declaredBy != "" {
				l.errorf(name, "missing (%s names it)", declaredBy)
			} else {
				l.errorf(name, "missing")
			}
		} else {
			l.errorf(name, "%v", err)
		}
		return nil, false
	}
	if fi.IsDir() {
		l.errorf(name, "is a directory")
		return nil, false
	}
	if fi.Size() > max {
		l.errorf(name, "%d bytes, more than the %d this file can hold", fi.Size(), max)
		return nil, false
	}
	b, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		l.errorf(name, "%v", err)
		return nil, false
	}
	if int64(len(b)) > max {
		l.errorf(name, "more than %d bytes", max)
		return nil, false
	}
	return b, true
}

// readID reads DDPID. ref: docs/cd-formats.md §2.4, §8 item 1
func (l *loader) readID() bool {
	b, ok := l.readFile(NameID, "", maxIDSize)
	if !ok {
		return false
	}
	if len(b) != idSize {
		l.errorf(NameID, "%d bytes, want %d", len(b), idSize)
		if len(b) < idSize {
			return false
		}
	}
	r := (*idRecord)(b[:idSize])
	for i, c := range r {
		if c < 0x20 || c > 0x7E {
			l.errorf(NameID, "byte %d is 0x%02X, not printable ASCII", i, c)
			break
		}
	}
	l.img.Level = string(r.level())
	switch l.img.Level {
	case "DDP 2.00":
		if ty := string(r.ty()); ty != "CD" {
			l.errorf(NameID, "type of disc (TY, offset 87) is %q, want \"CD\"", ty)
		}
	case "DDP 1.01":
	default:
		l.errorf(NameID, "level %q, want \"DDP 2.00\" (or \"DDP 1.01\")", l.img.Level)
		return false
	}
	l.img.MasterID = field(r.mid())
	l.img.Disc.MasterID = l.img.MasterID
	l.img.Disc.UPC = l.parseUPC(NameID, r.upc())
	return true
}

// parseUPC reads a UPC/EAN field: blank, 13 digits, or a 12-digit UPC-A
// left-aligned (HOFA).
func (l *loader) parseUPC(file string, b []byte) string {
	s := field(b)
	switch {
	case s == "":
		return ""
	case len(s) == 12:
		l.warnf(file, "UPC %q has 12 digits (UPC-A); read as %q", s, "0"+s)
		s = "0" + s
	}
	if err := cdda.CheckUPC(s); err != nil {
		l.errorf(file, "%s", strings.TrimPrefix(err.Error(), "cdda: "))
	}
	return s
}

// streams are the DDPMS packets lathe understands.
type streams struct {
	pq, text, image *Stream
}

// readMS reads DDPMS. ref: docs/cd-formats.md §2.5, §8 item 2
func (l *loader) readMS() *streams {
	b, ok := l.readFile(NameMS, "", maxMSSize)
	if !ok {
		return nil
	}
	if len(b) == 0 || len(b)%msSize != 0 {
		l.errorf(NameMS, "%d bytes is not a whole number of %d-byte map packets", len(b), msSize)
		if len(b) < msSize {
			return nil
		}
	}
	var s streams
	for i := 0; i+msSize <= len(b); i += msSize {
		p := (*msPacket)(b[i:][:msSize])
		n := i / msSize
		if string(p.mpv()) != "VVVM" {
			l.errorf(NameMS, "packet %d: MPV %q, want \"VVVM\"", n, p.mpv())
			continue
		}
		st := Stream{Type: field(p.dst()), Sub: field(p.sub()), Mode: field(p.cdm()), File: field(p.dsi())}
		var err error
		if st.Length, _, err = parseNumber(p.dsl()); err != nil {
			l.errorf(NameMS, "packet %d: DSL %v", n, err)
			continue
		}
		if dss, _, err := parseNumber(p.dss()); err != nil || dss != 0 {
			l.errorf(NameMS, "packet %d: DSS %q, want blank or 0", n, p.dss())
		}
		if siz, blank, err := parseNumber(p.siz()); err != nil || !blank && (siz < 1 || siz > 17) {
			l.errorf(NameMS, "packet %d: SIZ %q, want 1..17", n, p.siz())
		} else if !blank && len(st.File) > siz {
			l.errorf(NameMS, "packet %d: DSI %q is longer than SIZ %d", n, st.File, siz)
		}
		switch {
		case st.Type == "D0" && st.Mode == "DA":
			if ssm := string(p.ssm()); ssm != "7" && ssm != "0" {
				l.errorf(NameMS, "packet %d: D0 SSM %q, want \"7\" (complete 2352-byte sectors)", n, ssm)
			}
			if scr := string(p.scr()); scr != "0" && scr != "1" && scr != " " {
				l.errorf(NameMS, "packet %d: D0 SCR %q, want \"0\"", n, scr)
			}
			if st.Pre2, _, err = parseNumber(p.pre2()); err != nil {
				l.errorf(NameMS, "packet %d: PRE2 %v", n, err)
			}
			if s.image != nil {
				l.errorf(NameMS, "packet %d: a second audio D0 stream; several D0 streams (CD-Extra) are not supported", n)
				continue
			}
			s.image = &st
		case st.Type == "D0":
			l.errorf(NameMS, "packet %d: D0 with CD mode %q; only audio (\"DA\") is supported", n, st.Mode)
			continue
		case st.Type == "S0" && st.Sub == "PQ DESCR":
			if s.pq != nil {
				l.errorf(NameMS, "packet %d: a second PQ DESCR stream", n)
				continue
			}
			s.pq = &st
		case st.Type == "S0" && st.Sub == "CDTEXT":
			if s.text != nil {
				l.errorf(NameMS, "packet %d: a second CDTEXT stream", n)
				continue
			}
			s.text = &st
		case st.Type == "S0" || st.Type == "T0" || st.Type == "T1" || st.Type == "T2" || st.Type == "T3":
			l.warnf(NameMS, "packet %d: stream %s %q (%s) ignored", n, st.Type, st.Sub, st.File)
		default:
			l.errorf(NameMS, "packet %d: data stream type %q is not supported", n, st.Type)
			continue
		}
		if st.File == "" || !fs.ValidPath(st.File) || strings.Contains(st.File, "/") {
			l.errorf(NameMS, "packet %d: file name (DSI) %q is not a plain file name", n, st.File)
		}
		l.img.Streams = append(l.img.Streams, st)
	}
	if s.image == nil {
		l.errorf(NameMS, "no D0 stream with CD mode DA (the audio image)")
	}
	if s.pq == nil {
		l.errorf(NameMS, "no S0 PQ DESCR stream")
	}
	if s.image == nil || s.pq == nil {
		return nil
	}
	l.img.Pre2 = s.image.Pre2
	l.img.Disc.LeadOut = s.image.Length
	l.img.imageName = s.image.File
	return &s
}

// readPQ reads the PQ descriptor and builds the track table.
// ref: docs/cd-formats.md §2.6, §8 item 3
func (l *loader) readPQ(st *Stream) bool {
	name := st.File
	b, ok := l.readFile(name, "DDPMS", maxPQSize)
	if !ok {
		return false
	}
	if len(b) != st.Length {
		l.errorf(name, "%d bytes, DDPMS DSL says %d", len(b), st.Length)
	}
	if len(b)%pqSize != 0 {
		l.errorf(name, "%d bytes is not a whole number of %d-byte packets", len(b), pqSize)
	}
	good := true
	for i := 0; i+pqSize <= len(b); i += pqSize {
		p := (*pqPacket)(b[i:][:pqSize])
		e, err := parsePQ(p)
		if err != nil {
			l.errorf(name, "packet %d: %v", i/pqSize, err)
			good = false
			continue
		}
		l.img.PQ = append(l.img.PQ, e)
	}
	if !good {
		return false
	}
	return l.buildTracks(name)
}

// parsePQ decodes one PQ packet.
func parsePQ(p *pqPacket) (PQEntry, error) {
	var e PQEntry
	if string(p.spv()) != "VVVS" {
		return e, fmt.Errorf("SPV %q, want \"VVVS\"", p.spv())
	}
	if string(p.trk()) == "AA" {
		e.Track = leadOutTrack
	} else if n, err := twoDigits(p.trk()); err != nil {
		return e, fmt.Errorf("track %q, want 00-99 or AA", p.trk())
	} else {
		e.Track = n
	}
	n, err := twoDigits(p.idx())
	if err != nil {
		return e, fmt.Errorf("index %q, want 00-99", p.idx())
	}
	e.Index = n
	if h := string(p.hrs()); h != "  " && h != "00" {
		return e, fmt.Errorf("HRS %q, want blank or 00", h)
	}
	if e.Time, err = cdda.ParseMSF(string(p.msf())); err != nil {
		return e, fmt.Errorf("time %q, want MMSSFF with MM 00-99, SS 00-59, FF 00-74", p.msf())
	}
	c1 := p.c1()
	switch {
	case c1[0] >= '0' && c1[0] <= '9':
		e.Control = c1[0] - '0'
	case c1[0] >= 'A' && c1[0] <= 'F':
		e.Control = c1[0] - 'A' + 10
	default:
		return e, fmt.Errorf("C1 %q: control %q is not a hex digit", c1, c1[0])
	}
	switch c1[1] {
	case '1':
	case 'S':
		e.SCMS = true
	default:
		return e, fmt.Errorf("C1 %q: want ADR \"1\" or \"S\" (SCMS)", c1)
	}
	if e.Control&^3 != 0 {
		return e, fmt.Errorf("C1 %q: data-track or four-channel control bits are not audio CD", c1)
	}
	e.ISRC = field(p.isrc())
	if e.ISRC != "" {
		if err := cdda.CheckISRC(e.ISRC); err != nil {
			return e, errors.New(strings.TrimPrefix(err.Error(), "cdda: "))
		}
	}
	e.UPC = field(p.upc())
	return e, nil
}

// twoDigits reads a two-digit field.
func twoDigits(b []byte) (int, error) {
	if len(b) != 2 || b[0] < '0' || b[0] > '9' || b[1] < '0' || b[1] > '9' {
		return 0, fmt.Errorf("%q is not two digits", b)
	}
	return int(b[0]-'0')*10 + int(b[1]-'0'), nil
}

// buildTracks checks the PQ sequence and turns it into Disc.Tracks.
func (l *loader) buildTracks(name string) bool {
	pq := l.img.PQ
	d := &l.img.Disc
	if len(pq) < 3 {
		l.errorf(name, "%d packets; want a lead-in, at least one track and a lead-out", len(pq))
		return false
	}
	in := pq[0]
	if in.Track != 0 || in.Index != 0 || in.Time != 0 {
		l.errorf(name, "packet 0: %02d/%02d at %s, want the lead-in 00/00 at 00:00:00", in.Track, in.Index, cdda.FormatMSF(in.Time))
		return false
	}
	if in.Control != 0 || in.SCMS {
		l.errorf(name, "packet 0: lead-in C1 is not \"01\"")
	}
	// Lead-out packets: one or two AA/01 at the end.
	end := len(pq)
	for end > 1 && pq[end-1].Track == leadOutTrack {
		end--
	}
	switch nOut := len(pq) - end; {
	case nOut == 0:
		l.errorf(name, "no lead-out (AA/01) packet at the end")
		return false
	case nOut > 2:
		l.errorf(name, "%d lead-out packets, want 1 or 2", nOut)
	}
	for i := end; i < len(pq); i++ {
		e := pq[i]
		if e.Index != 1 || e.Time != pq[end].Time || e.Control != 0 || e.SCMS {
			l.errorf(name, "packet %d: lead-out AA/%02d at %s, want AA/01 at %s with C1 \"01\"", i, e.Index, cdda.FormatMSF(e.Time), cdda.FormatMSF(pq[end].Time))
		}
	}
	if lo := pq[end].Time; lo != d.LeadOut {
		l.errorf(name, "lead-out at %s (%d sectors), but DDPMS D0 DSL is %d sectors", cdda.FormatMSF(lo), lo, d.LeadOut)
	}
	// UPC: on the lead-in (or, HOFA, on every packet), equal to DDPID's.
	upc := ""
	for i, e := range pq {
		if e.UPC == "" {
			continue
		}
		if upc == "" {
			upc = e.UPC
			if i == 0 {
				l.parseUPC(name, []byte(upc))
			}
		} else if e.UPC != upc {
			l.errorf(name, "packet %d: UPC %q differs from %q", i, e.UPC, upc)
		}
	}
	switch {
	case upc != "" && d.UPC == "":
		l.warnf(name, "UPC %s is in the PQ descriptor but not in DDPID", upc)
		d.UPC = upc
	case upc == "" && d.UPC != "":
		l.warnf(name, "UPC %s is only in DDPID, not on the PQ lead-in packet: the pressed disc may have no MCN", d.UPC)
	case upc != d.UPC && strings.TrimLeft(upc, "0") != strings.TrimLeft(d.UPC, "0"):
		l.errorf(name, "lead-in UPC %s differs from DDPID UPC %s", upc, d.UPC)
	}
	// Tracks.
	ok := true
	prevTime := -1
	for i := 1; i < end; i++ {
		e := pq[i]
		where := fmt.Sprintf("packet %d (track %02d index %02d)", i, e.Track, e.Index)
		if e.Track == 0 || e.Track == leadOutTrack {
			l.errorf(name, "%s: lead-in or lead-out packet among the tracks", where)
			ok = false
			continue
		}
		n := len(d.Tracks)
		newTrack := n == 0 || e.Track != n
		if newTrack {
			if e.Track != n+1 {
				l.errorf(name, "%s: track %02d follows track %02d", where, e.Track, n)
				return false
			}
			if n > 0 && len(d.Tracks[n-1].Index) == 0 {
				l.errorf(name, "track %02d has no index 01", n)
				ok = false
			}
			if e.Index > 1 {
				l.errorf(name, "%s: a track's first index must be 00 or 01", where)
				ok = false
			}
			d.Tracks = append(d.Tracks, cdda.Track{
				PreEmphasis: e.Control&1 != 0, CopyPermitted: e.Control&2 != 0, SCMS: e.SCMS,
			})
		}
		t := &d.Tracks[len(d.Tracks)-1]
		if e.Time <= prevTime {
			l.errorf(name, "%s: time %s is not after the previous packet's %s", where, cdda.FormatMSF(e.Time), cdda.FormatMSF(prevTime))
			ok = false
		}
		prevTime = e.Time
		if ctl := t.Control(); ctl != e.Control || t.SCMS != e.SCMS {
			l.errorf(name, "%s: C1 differs from the track's first packet", where)
		}
		if e.ISRC != "" {
			if t.ISRC == "" {
				t.ISRC = e.ISRC
			} else if t.ISRC != e.ISRC {
				l.errorf(name, "%s: ISRC %s differs from the track's %s", where, e.ISRC, t.ISRC)
			}
		}
		switch {
		case e.Index == 0 && newTrack:
			t.Pregap = -e.Time // completed by index 01 below
		case e.Index == len(t.Index)+1:
			if e.Index == 1 {
				if newTrack {
					t.Pregap = 0
				} else {
					t.Pregap += e.Time
				}
			}
			t.Index = append(t.Index, e.Time)
		default:
			l.errorf(name, "%s: index %02d out of sequence", where, e.Index)
			ok = false
		}
	}
	if n := len(d.Tracks); n == 0 {
		l.errorf(name, "no tracks")
		return false
	} else if len(d.Tracks[n-1].Index) == 0 {
		l.errorf(name, "track %02d has no index 01", n)
		return false
	}
	if !ok {
		return false
	}
	if t1 := d.Tracks[0]; t1.Start() != 0 || t1.Pregap == 0 {
		l.errorf(name, "track 01 has no index 00 at 00:00:00")
		ok = false
	}
	return ok
}

// readCDText reads and decodes the CD-Text file.
// ref: docs/cd-formats.md §2.8, §8 item 11
func (l *loader) readCDText(st *Stream) {
	name := st.File
	b, ok := l.readFile(name, "DDPMS", maxCDTextSize)
	if !ok {
		return
	}
	if len(b) != st.Length {
		l.errorf(name, "%d bytes, DDPMS DSL says %d", len(b), st.Length)
	}
	if len(b)%cdtext.PackSize == 1 && b[len(b)-1] == 0 {
		b = b[:len(b)-1] // the Sonoris trailing 0x00
	}
	t, err := cdtext.Decode(b)
	if err != nil {
		var ce *cdtext.CRCError
		for _, e := range unjoin(err) {
			if errors.As(e, &ce) {
				l.errorf(name, "pack %d: CRC %04X, want %04X", ce.Pack, ce.Got, ce.Want)
			} else {
				l.errorf(name, "%s", strings.TrimPrefix(e.Error(), "cdtext: "))
			}
		}
	}
	if t == nil {
		return
	}
	if n := len(l.img.Disc.Tracks); n > 0 && len(t.Tracks) != n {
		l.errorf(name, "CD-Text for %d tracks, the PQ descriptor has %d", len(t.Tracks), n)
		return
	}
	l.img.Disc.Text = t
}

// unjoin splits a joined error into its parts.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// openImage opens IMAGE.DAT and checks its size against DDPMS.
// ref: docs/cd-formats.md §8 items 2, 5
func (l *loader) openImage(st *Stream) bool {
	name := st.File
	f, err := l.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			l.errorf(name, "missing (DDPMS names it)")
		} else {
			l.errorf(name, "%v", err)
		}
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		l.errorf(name, "%v", err)
		return false
	}
	want := int64(st.Length) * cdda.SectorBytes
	switch size := fi.Size(); {
	case size < want:
		l.errorf(name, "truncated: %d bytes, DDPMS DSL %d sectors needs %d", size, st.Length, want)
	case size > want:
		l.errorf(name, "%d bytes, longer than the %d that DSL %d sectors gives", size, want, st.Length)
	}
	ra, ok := f.(io.ReaderAt)
	if !ok {
		f.Close()
		l.errorf(name, "the file system gives no random access (io.ReaderAt)")
		return false
	}
	l.img.audio, l.img.closer = ra, f
	if fi.Size() == want && want >= cdda.MinPregap*cdda.SectorBytes {
		l.checkSilence(name, ra)
	}
	return fi.Size() == want
}

// checkSilence warns when the first 150 sectors of the image, track 1's
// mandatory pregap, are not digital silence. ref: docs/cd-formats.md §8 item 5
func (l *loader) checkSilence(name string, ra io.ReaderAt) {
	buf := make([]byte, cdda.SectorBytes)
	for s := 0; s < cdda.MinPregap; s++ {
		if _, err := ra.ReadAt(buf, int64(s)*cdda.SectorBytes); err != nil {
			l.errorf(name, "read sector %d: %v", s, err)
			return
		}
		for _, b := range buf {
			if b != 0 {
				l.warnf(name, "sector %d of track 1's 2-second pregap is not digital silence", s)
				return
			}
		}
	}
}

// checkDisc applies the Red Book rules to the track table.
func (l *loader) checkDisc() {
	d := &l.img.Disc
	if t1 := d.Tracks[0]; l.img.Pre2 != t1.Index[0] {
		l.errorf(NameMS, "D0 PRE2 %d, but track 01 index 01 is at sector %d", l.img.Pre2, t1.Index[0])
	}
	strict := *d
	strict.AllowOver80 = true
	if err := strict.Validate(); err != nil {
		for _, e := range unjoin(err) {
			l.errorf("", "%s", strings.TrimPrefix(e.Error(), "cdda: "))
		}
	}
	if d.LeadOut > cdda.MaxLength {
		l.warnf("", "lead-out %s is beyond 79:59:74", cdda.FormatMSF(d.LeadOut))
	}
	for _, w := range d.Warnings() {
		l.warnf("", "%s", w)
	}
}

// checksumNames are the checksum files other writers produce.
// ref: docs/cd-formats.md §2.9
var checksumNames = []string{NameChecksum, "MD5-Checksum.md5", "MD5_CHECKSUM.MD5", "Checksum.chk", "checksum.md5"}

// readChecksums finds a checksum file, parses it and hashes every file it
// names. ref: docs/cd-formats.md §2.9, §8 item 7
func (l *loader) readChecksums() {
	name := ""
	for _, n := range checksumNames {
		if _, err := fs.Stat(l.fsys, n); err == nil {
			name = n
			break
		}
	}
	if name == "" {
		if entries, err := fs.ReadDir(l.fsys, "."); err == nil {
			for _, e := range entries {
				if strings.HasSuffix(strings.ToLower(e.Name()), ".md5") && !e.IsDir() {
					name = e.Name()
					break
				}
			}
		}
	}
	if name == "" {
		l.warnf("", "no checksum file (e.g. %s)", NameChecksum)
		return
	}
	b, ok := l.readFile(name, "", maxChecksumSize)
	if !ok {
		return
	}
	c := &Checksums{File: name}
	l.img.Checksum = c
	covered := map[string]bool{}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || line[0] == ';' || line[0] == '#' {
			continue
		}
		sum, file, ok := parseSumLine(line)
		if !ok {
			l.errorf(name, "line %d: %q is not \"<md5> *<file>\"", i+1, line)
			continue
		}
		e := ChecksumEntry{Name: file, Sum: sum}
		got, err := l.md5File(file)
		switch {
		case err != nil:
			l.errorf(name, "line %d: %s: %v", i+1, file, err)
		case got != sum:
			l.errorf(file, "MD5 %s, but %s says %s", got, name, sum)
		default:
			e.OK = true
		}
		covered[file] = true
		c.Entries = append(c.Entries, e)
	}
	want := []string{NameID, NameMS}
	for _, st := range l.img.Streams {
		want = append(want, st.File)
	}
	for _, f := range want {
		if !covered[f] {
			l.warnf(name, "does not cover %s", f)
		}
	}
}

// parseSumLine reads "<32 hex> *<name>" or "<32 hex>  <name>" (md5sum)
// and "MD5 (<name>) = <32 hex>" (BSD).
func parseSumLine(line string) (sum, file string, ok bool) {
	if rest, found := strings.CutPrefix(line, "MD5 ("); found {
		file, sum, found = strings.Cut(rest, ") = ")
		return strings.ToLower(sum), file, found && isHex32(sum)
	}
	if len(line) < 35 || !isHex32(line[:32]) || line[32] != ' ' || (line[33] != '*' && line[33] != ' ') {
		return "", "", false
	}
	return strings.ToLower(line[:32]), line[34:], true
}

func isHex32(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// md5File hashes one file of the fileset by streaming it.
func (l *loader) md5File(name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", fmt.Errorf("not a valid file name")
	}
	f, err := l.fsys.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", errors.New("missing")
		}
		return "", err
	}
	defer f.Close()
	return md5Reader(f)
}
