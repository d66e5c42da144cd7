package ddp

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// WritePQSheet writes a plain-text PQ sheet for d, the listing a plant and
// a client check a master against: one line per index point with its
// absolute A-time, the time relative to the track's index 01, its LBA, the
// length to the next point, and the track's ISRC, flags and title; then the
// lead-out. Times are mm:ss:ff (75 frames per second).
func WritePQSheet(w io.Writer, d *cdda.Disc) error {
	bw := bufio.NewWriter(w)
	upc := d.UPC
	if upc == "" {
		upc = "-"
	}
	fmt.Fprintf(bw, "UPC/EAN   %s\n", upc)
	fmt.Fprintf(bw, "Tracks    %d\n", len(d.Tracks))
	fmt.Fprintf(bw, "Lead-out  %s (%d sectors)\n", cdda.FormatMSF(d.LeadOut), d.LeadOut)
	fmt.Fprintf(bw, "\n%-3s %-3s  %-9s %-9s %7s  %-9s %-12s %-5s %s\n",
		"TRK", "IDX", "START", "RELATIVE", "LBA", "LENGTH", "ISRC", "FLAGS", "TITLE")
	for i := range d.Tracks {
		t := &d.Tracks[i]
		if len(t.Index) == 0 {
			continue
		}
		title := ""
		if d.Text != nil && i < len(d.Text.Tracks) {
			title = d.Text.Tracks[i].Title
		}
		isrc := t.ISRC
		if isrc == "" {
			isrc = "-"
		}
		points := t.Index
		first := 1
		if t.Pregap > 0 {
			points = append([]int{t.Start()}, t.Index...)
			first = 0
		}
		for k, at := range points {
			next := d.LeadOut
			switch {
			case k+1 < len(points):
				next = points[k+1]
			case i+1 < len(d.Tracks) && len(d.Tracks[i+1].Index) > 0:
				next = d.Tracks[i+1].Start()
			}
			fmt.Fprintf(bw, "%02d  %02d   %-9s %-9s %7d  %-9s %-12s %-5s %s\n",
				i+1, first+k, cdda.FormatMSF(at), cdda.FormatMSF(at-t.Index[0]), at-cdda.MinPregap,
				cdda.FormatMSF(next-at), isrc, flags(t), title)
		}
	}
	fmt.Fprintf(bw, "AA  01   %-9s %-9s %7d\n", cdda.FormatMSF(d.LeadOut), "", d.LeadOut-cdda.MinPregap)
	return bw.Flush()
}

// flags names a track's flags the way cue FLAGS does, or "-".
func flags(t *cdda.Track) string {
	if f := t.Flags(); len(f) > 0 {
		return strings.Join(f, ",")
	}
	return "-"
}

// Dump writes a text description of img: identification, map streams, the
// raw PQ packets, the PQ sheet, CD-Text, checksum status and warnings. It
// is the golden-test form of a DDP and what `lathe ddp info` prints.
func Dump(w io.Writer, img *Image) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s\n", img.Level)
	fmt.Fprintf(bw, "Master ID %q\n", img.MasterID)
	fmt.Fprintf(bw, "\nDDPMS\n")
	for _, s := range img.Streams {
		unit := "bytes"
		if s.Type == "D0" {
			unit = "sectors"
		}
		desc := s.Sub
		if s.Type == "D0" {
			desc = s.Mode
		}
		fmt.Fprintf(bw, "  %-2s %-8s %8d %-7s %s", s.Type, desc, s.Length, unit, s.File)
		if s.Type == "D0" {
			fmt.Fprintf(bw, " (PRE2 %d)", s.Pre2)
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "\nPQ descriptor\n")
	for _, e := range img.PQ {
		trk := fmt.Sprintf("%02d", e.Track)
		if e.Track == leadOutTrack {
			trk = "AA"
		}
		adr := "1"
		if e.SCMS {
			adr = "S"
		}
		fmt.Fprintf(bw, "  %s/%02d %s C1 %X%s", trk, e.Index, cdda.FormatMSF(e.Time), e.Control, adr)
		if e.ISRC != "" {
			fmt.Fprintf(bw, " ISRC %s", e.ISRC)
		}
		if e.UPC != "" {
			fmt.Fprintf(bw, " UPC %s", e.UPC)
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "\nPQ sheet\n")
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := WritePQSheet(w, &img.Disc); err != nil {
		return err
	}
	if t := img.Disc.Text; t != nil {
		dumpText(bw, t)
	}
	if c := img.Checksum; c != nil {
		fmt.Fprintf(bw, "\nChecksums (%s)\n", c.File)
		for _, e := range c.Entries {
			status := "FAILED"
			if e.OK {
				status = "OK"
			}
			fmt.Fprintf(bw, "  %-17s %s %s\n", e.Name, e.Sum, status)
		}
	} else {
		fmt.Fprintf(bw, "\nChecksums: none\n")
	}
	if len(img.Warnings) > 0 {
		fmt.Fprintf(bw, "\nWarnings\n")
		for _, p := range img.Warnings {
			fmt.Fprintf(bw, "  %s\n", p.Error())
		}
	}
	return bw.Flush()
}

// dumpText lists CD-Text strings, quoted, one field per line.
func dumpText(w io.Writer, t *cdtext.Text) {
	fmt.Fprintf(w, "\nCD-Text (language 0x%02X)\n", t.Language)
	if t.DiscID != "" {
		fmt.Fprintf(w, "  disc  disc id    %q\n", t.DiscID)
	}
	if t.Genre != 0 || t.GenreText != "" {
		fmt.Fprintf(w, "  disc  genre      0x%04X %q\n", t.Genre, t.GenreText)
	}
	one := func(who string, s cdtext.Strings) {
		for _, f := range []struct{ name, v string }{
			{"title", s.Title}, {"performer", s.Performer}, {"songwriter", s.Songwriter},
			{"composer", s.Composer}, {"arranger", s.Arranger}, {"message", s.Message}, {"upc/isrc", s.Code},
		} {
			if f.v != "" {
				fmt.Fprintf(w, "  %-5s %-10s %q\n", who, f.name, f.v)
			}
		}
	}
	one("disc", t.Disc)
	for i, s := range t.Tracks {
		one(fmt.Sprintf("%02d", i+1), s)
	}
}
