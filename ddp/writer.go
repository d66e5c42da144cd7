package ddp

import (
	"bufio"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// ISRCPlacement says which PQ packets of a track carry its ISRC.
// ref: docs/cd-formats.md §2.6 "ISRC placement"
type ISRCPlacement int

const (
	// ISRCIndex0And1 writes the ISRC on the track's index 00 and index 01
	// packets (REAPER, Pyramix, GEAR; "safest" per the ddptools author).
	ISRCIndex0And1 ISRCPlacement = iota
	// ISRCFirstPacket writes it only on the track's first packet (cue2ddp,
	// Sonoris), for a plant that complains about duplicates.
	ISRCFirstPacket
)

// Options tune the writer. The zero value is lathe's default.
type Options struct {
	ISRC ISRCPlacement
}

// Writer writes a DDP 2.00 fileset into a directory.
//
// The caller supplies every byte of IMAGE.DAT through Write, from A-time 0:
// first track 1's pregap (Disc.Tracks[0].Index[0] sectors: digital silence,
// or hidden track audio after the first 150 sectors, which must always be
// silent), then the program up to the lead-out. The audio is
// 16-bit signed little-endian stereo, left then right. The last sector may
// be short; Close pads it with zeros.
//
// Close writes, in this order, CDTEXT.BIN (when the disc has CD-Text),
// PQDESCR, DDPMS, DDPID and CHECKSUM.MD5. The output is a pure function of
// the disc description and the audio. When Write or Close fails, Close
// removes the files the Writer created, so a failed run leaves no partial
// DDP behind.
type Writer struct {
	dir  string
	disc cdda.Disc
	opt  Options

	text    []byte // encoded CD-Text, nil when none
	img     *os.File
	buf     *bufio.Writer
	imgSum  hash.Hash
	n       int64 // IMAGE.DAT bytes written
	size    int64 // IMAGE.DAT bytes the lead-out requires
	created []string
	sums    []string // CHECKSUM.MD5 lines, in file order
	closed  bool
	err     error
}

// NewWriter validates d completely (Red Book rules, codes, CD-Text) and,
// only when it is valid, creates dir/IMAGE.DAT. dir must exist; a caller
// that wants an atomic delivery passes a temporary directory and renames it
// after Close succeeds. opt may be nil.
func NewWriter(dir string, d *cdda.Disc, opt *Options) (*Writer, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	w := &Writer{dir: dir, disc: copyDisc(d), imgSum: md5.New()}
	if opt != nil {
		w.opt = *opt
	}
	text, err := cdtext.Encode(d.Text)
	if err != nil {
		return nil, fmt.Errorf("ddp: %w", err)
	}
	w.text = text
	w.size = int64(d.LeadOut) * cdda.SectorBytes
	f, err := os.OpenFile(filepath.Join(dir, NameImage), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("ddp: create %s: %w", NameImage, err)
	}
	w.img = f
	w.buf = bufio.NewWriterSize(f, 1<<20)
	w.created = append(w.created, NameImage)
	return w, nil
}

// copyDisc copies d and its slices, so the caller may reuse them.
func copyDisc(d *cdda.Disc) cdda.Disc {
	c := *d
	c.Tracks = make([]cdda.Track, len(d.Tracks))
	for i, t := range d.Tracks {
		t.Index = append([]int(nil), t.Index...)
		c.Tracks[i] = t
	}
	return c
}

// Write appends p to IMAGE.DAT. It refuses bytes beyond the lead-out.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, errors.New("ddp: write after Close")
	}
	if w.n+int64(len(p)) > w.size {
		w.err = fmt.Errorf("ddp: %s: %d bytes written, more than the %d (%d sectors) the lead-out at %s allows",
			NameImage, w.n+int64(len(p)), w.size, w.disc.LeadOut, cdda.FormatMSF(w.disc.LeadOut))
		return 0, w.err
	}
	if silent := int64(cdda.MinPregap * cdda.SectorBytes); w.n < silent {
		head := p[:min(int64(len(p)), silent-w.n)]
		for i, b := range head {
			if b != 0 {
				w.err = fmt.Errorf("ddp: %s: byte %d is in the first 150 sectors (track 1's 2-second pregap), which must be digital silence",
					NameImage, w.n+int64(i))
				return 0, w.err
			}
		}
	}
	n, err := w.buf.Write(p)
	w.imgSum.Write(p[:n])
	w.n += int64(n)
	if err != nil {
		w.err = fmt.Errorf("ddp: write %s: %w", NameImage, err)
	}
	return n, w.err
}

// Close finishes IMAGE.DAT and writes the descriptor files. The method is
// the fileset's layout.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	w.finishImage() // pad the last sector, check the size against the lead-out
	w.writeCDText() // CDTEXT.BIN, when the disc has CD-Text
	w.writePQ()     // PQDESCR
	w.writeMS()     // DDPMS
	w.writeID()     // DDPID
	w.writeSums()   // CHECKSUM.MD5
	if w.err != nil {
		if w.img != nil {
			w.img.Close()
		}
		for _, name := range w.created {
			os.Remove(filepath.Join(w.dir, name))
		}
	}
	return w.err
}

// ImageMD5 returns, after a successful Close, the MD5 of IMAGE.DAT (hex),
// as CHECKSUM.MD5 lists it.
func (w *Writer) ImageMD5() string {
	if !w.closed || w.err != nil {
		return ""
	}
	return hex.EncodeToString(w.imgSum.Sum(nil))
}

// finishImage pads the last sector with zeros and checks the image length.
// ref: docs/cd-formats.md §2.7
func (w *Writer) finishImage() {
	if w.err != nil {
		return
	}
	if w.n%cdda.FrameBytes != 0 {
		w.err = fmt.Errorf("ddp: %s: %d bytes is not a whole number of 4-byte stereo frames", NameImage, w.n)
		return
	}
	if r := w.n % cdda.SectorBytes; r != 0 {
		pad := make([]byte, cdda.SectorBytes-r)
		w.buf.Write(pad)
		w.imgSum.Write(pad)
		w.n += int64(len(pad))
	}
	if w.n != w.size {
		w.err = fmt.Errorf("ddp: %s: %d bytes (%d sectors), but the lead-out at %s needs %d sectors",
			NameImage, w.n, w.n/cdda.SectorBytes, cdda.FormatMSF(w.disc.LeadOut), w.disc.LeadOut)
		return
	}
	if err := w.buf.Flush(); err != nil {
		w.err = fmt.Errorf("ddp: write %s: %w", NameImage, err)
		return
	}
	err := w.img.Close()
	w.img = nil
	if err != nil {
		w.err = fmt.Errorf("ddp: close %s: %w", NameImage, err)
	}
}

func (w *Writer) writeCDText() {
	if w.text != nil {
		w.writeFile(NameCDText, w.text)
	}
}

func (w *Writer) writePQ() {
	if w.err == nil {
		b, err := encodePQ(&w.disc, w.opt)
		w.err = err
		w.writeFile(NamePQ, b)
	}
}

func (w *Writer) writeMS() {
	if w.err == nil {
		b, err := encodeMS(&w.disc, len(w.text), pqLen(&w.disc))
		w.err = err
		w.writeFile(NameMS, b)
	}
}

func (w *Writer) writeID() {
	if w.err == nil {
		b, err := encodeID(&w.disc)
		w.err = err
		w.writeFile(NameID, b)
	}
}

// writeSums writes CHECKSUM.MD5 in md5sum binary format: one
// "<md5> *<NAME>\n" line per file in the order DDPID, DDPMS, CDTEXT.BIN,
// PQDESCR, IMAGE.DAT (cue2ddp's order). ref: docs/cd-formats.md §2.9
func (w *Writer) writeSums() {
	if w.err != nil {
		return
	}
	order := []string{NameID, NameMS, NameCDText, NamePQ}
	var b strings.Builder
	for _, name := range order {
		for _, line := range w.sums {
			if strings.HasSuffix(line, " *"+name+"\n") {
				b.WriteString(line)
			}
		}
	}
	b.WriteString(hex.EncodeToString(w.imgSum.Sum(nil)) + " *" + NameImage + "\n")
	w.writeFile(NameChecksum, []byte(b.String()))
}

// writeFile creates name in the output directory and records its MD5.
func (w *Writer) writeFile(name string, data []byte) {
	if w.err != nil {
		return
	}
	path := filepath.Join(w.dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		w.err = fmt.Errorf("ddp: create %s: %w", name, err)
		return
	}
	w.created = append(w.created, name)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		w.err = fmt.Errorf("ddp: write %s: %w", name, err)
		return
	}
	sum := md5.Sum(data)
	w.sums = append(w.sums, hex.EncodeToString(sum[:])+" *"+name+"\n")
}

// pqLen is the size of the PQ descriptor of d in bytes.
func pqLen(d *cdda.Disc) int {
	n := 1 + 2 // lead-in, two lead-outs
	for _, t := range d.Tracks {
		n += len(t.Index)
		if t.Pregap > 0 {
			n++
		}
	}
	return n * pqSize
}

// encodeID builds DDPID. ref: docs/cd-formats.md §2.4
func encodeID(d *cdda.Disc) ([]byte, error) {
	var r idRecord
	blank(r[:])
	var f formatter
	f.text(r.level(), "DDP 2.00")
	f.text(r.upc(), d.UPC) // 13 digits or blank
	f.text(r.mid(), d.MasterID)
	f.text(r.ty(), "CD")
	// MSS, MSL, MED, BK, the DVD fields and the user text stay blank.
	return r[:], f.err
}

// encodeMS builds DDPMS: S0 CDTEXT (when there is CD-Text), S0 PQ DESCR,
// D0 DA, in that order. ref: docs/cd-formats.md §2.5
func encodeMS(d *cdda.Disc, textLen, pqLen int) ([]byte, error) {
	var f formatter
	var out []byte
	add := func(fill func(p *msPacket)) {
		var p msPacket
		blank(p[:])
		f.text(p.mpv(), "VVVM")
		fill(&p)
		f.number(p.siz(), 17) // " 17": width of DSI
		out = append(out, p[:]...)
	}
	if textLen > 0 {
		add(func(p *msPacket) {
			f.text(p.dst(), "S0")
			f.number(p.dsl(), textLen) // bytes
			f.text(p.sub(), "CDTEXT")
			f.digits(p.trk(), 0) // "00" (cue2ddp, Sonoris)
			f.text(p.dsi(), NameCDText)
		})
	}
	add(func(p *msPacket) {
		f.text(p.dst(), "S0")
		f.number(p.dsl(), pqLen) // bytes
		f.text(p.sub(), "PQ DESCR")
		f.text(p.dsi(), NamePQ)
	})
	add(func(p *msPacket) {
		f.text(p.dst(), "D0")
		f.number(p.dsl(), d.LeadOut) // sectors
		f.text(p.cdm(), "DA")
		f.text(p.ssm(), "7") // complete 2352-byte sectors
		f.text(p.scr(), "0") // not scrambled
		f.number(p.pre2(), d.Tracks[0].Index[0])
		f.text(p.dsi(), NameImage)
	})
	return out, f.err
}

// encodePQ builds the PQ descriptor: the lead-in packet with the UPC, each
// track's index packets, and the lead-out packet twice.
// ref: docs/cd-formats.md §2.6
func encodePQ(d *cdda.Disc, opt Options) ([]byte, error) {
	var f formatter
	var out []byte
	add := func(track, index, atime int, c1, isrc, upc string) {
		var p pqPacket
		blank(p[:])
		f.text(p.spv(), "VVVS")
		if track == leadOutTrack {
			f.text(p.trk(), "AA")
		} else {
			f.digits(p.trk(), track)
		}
		f.digits(p.idx(), index)
		m, err := cdda.ToMSF(atime)
		if err != nil && f.err == nil {
			f.err = fmt.Errorf("ddp: PQ track %02d index %02d: %w", track, index, err)
		}
		f.text(p.msf(), m.Compact())
		f.text(p.c1(), c1)
		f.text(p.isrc(), isrc)
		f.text(p.upc(), upc)
		out = append(out, p[:]...)
	}
	add(0, 0, 0, "01", "", d.UPC) // lead-in
	for i := range d.Tracks {
		t := &d.Tracks[i]
		adr := "1"
		if t.SCMS {
			adr = "S"
		}
		c1 := fmt.Sprintf("%X%s", t.Control(), adr)
		isrc00, isrc01 := t.ISRC, t.ISRC
		if t.Pregap > 0 {
			add(i+1, 0, t.Start(), c1, isrc00, "")
			if opt.ISRC == ISRCFirstPacket {
				isrc01 = ""
			}
		}
		for k, at := range t.Index {
			isrc := ""
			if k == 0 {
				isrc = isrc01
			}
			add(i+1, k+1, at, c1, isrc, "")
		}
	}
	add(leadOutTrack, 1, d.LeadOut, "01", "", "")
	add(leadOutTrack, 1, d.LeadOut, "01", "", "")
	return out, f.err
}
