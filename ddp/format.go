// Package ddp writes and reads DDP 2.00 audio CD masters as described in
// docs/cd-formats.md §2 (the DCA specification itself is not public): the
// DDPID and DDPMS records, the PQ descriptor, IMAGE.DAT (16-bit
// little-endian stereo PCM starting at A-time 0, with track 1's pregap),
// CDTEXT.BIN (raw CD-Text packs, see package cdtext) and a CHECKSUM.MD5 in
// md5sum format, which is not part of DDP.
//
// The reader accepts every variant of docs/cd-formats.md §2.3: space or
// zero padding, one or two lead-out packets, ISRCs on the first or on both
// packets of a track, a trailing 0x00 after the CD-Text packs, any file
// names DDPMS declares, blank or 0 DSS, SIZ "017" or " 17", HRS blank or
// "00". It does not support CD-Extra (several D0 streams), DDP 2.10 (DVD),
// R–W subcode streams or MS-JIS CD-Text.
package ddp

import (
	"bytes"
	"fmt"
	"strconv"
)

// File names lathe writes. Only DDPID and DDPMS are fixed by DDP; the
// others are whatever DDPMS declares. ref: docs/cd-formats.md §0
const (
	NameID       = "DDPID"
	NameMS       = "DDPMS"
	NamePQ       = "PQDESCR"
	NameCDText   = "CDTEXT.BIN"
	NameImage    = "IMAGE.DAT"
	NameChecksum = "CHECKSUM.MD5"
)

// Record sizes. ref: docs/cd-formats.md §2.4–§2.6
const (
	idSize = 128 // DDPID
	msSize = 128 // one DDPMS map packet
	pqSize = 64  // one PQ descriptor packet
)

// idRecord is the DDPID record. ref: docs/cd-formats.md §2.4
type idRecord [idSize]byte

func (r *idRecord) level() []byte { return r[0:][:8] }   // "DDP 2.00"
func (r *idRecord) upc() []byte   { return r[8:][:13] }  // UPC/EAN or blank
func (r *idRecord) mss() []byte   { return r[21:][:8] }  // map stream start: blank
func (r *idRecord) msl() []byte   { return r[29:][:8] }  // reserved / map stream length: blank
func (r *idRecord) med() []byte   { return r[37:][:1] }  // media number: blank
func (r *idRecord) mid() []byte   { return r[38:][:48] } // master ID
func (r *idRecord) bk() []byte    { return r[86:][:1] }  // book: blank for audio
func (r *idRecord) ty() []byte    { return r[87:][:2] }  // type of disc: "CD"
func (r *idRecord) dvd() []byte   { return r[89:][:4] }  // NSIDE, SIDE, NLAYER, LAYER: blank
func (r *idRecord) siz() []byte   { return r[93:][:2] }  // user text length: blank
func (r *idRecord) txt() []byte   { return r[95:][:33] } // user text: blank

// msPacket is one DDPMS map packet. ref: docs/cd-formats.md §2.5
type msPacket [msSize]byte

func (p *msPacket) mpv() []byte      { return p[0:][:4] }    // "VVVM"
func (p *msPacket) dst() []byte      { return p[4:][:2] }    // data stream type: D0, S0
func (p *msPacket) dsp() []byte      { return p[6:][:8] }    // data stream pointer: blank
func (p *msPacket) dsl() []byte      { return p[14:][:8] }   // length: sectors (D0), bytes (S0)
func (p *msPacket) dss() []byte      { return p[22:][:8] }   // start sector: blank or 0
func (p *msPacket) sub() []byte      { return p[30:][:8] }   // subcode descriptor: "PQ DESCR", "CDTEXT"
func (p *msPacket) cdm() []byte      { return p[38:][:2] }   // CD mode: "DA"
func (p *msPacket) ssm() []byte      { return p[40:][:1] }   // source storage mode: "7"
func (p *msPacket) scr() []byte      { return p[41:][:1] }   // scrambled: "0"
func (p *msPacket) pre1() []byte     { return p[42:][:4] }   // blank
func (p *msPacket) pre2() []byte     { return p[46:][:4] }   // track-1 pregap sectors in IMAGE.DAT
func (p *msPacket) pst() []byte      { return p[50:][:4] }   // postgap: blank
func (p *msPacket) med() []byte      { return p[54:][:1] }   // media number: blank
func (p *msPacket) trk() []byte      { return p[55:][:2] }   // "00" on the CDTEXT S0
func (p *msPacket) idx() []byte      { return p[57:][:2] }   // blank
func (p *msPacket) isrc() []byte     { return p[59:][:12] }  // blank
func (p *msPacket) siz() []byte      { return p[71:][:3] }   // width of DSI: " 17" or "017"
func (p *msPacket) dsi() []byte      { return p[74:][:17] }  // file name
func (p *msPacket) new() []byte      { return p[91:][:1] }   // blank
func (p *msPacket) pre1nxt() []byte  { return p[92:][:4] }   // blank
func (p *msPacket) pauseadd() []byte { return p[96:][:8] }   // blank
func (p *msPacket) ofs() []byte      { return p[104:][:9] }  // starting file offset: blank
func (p *msPacket) pad() []byte      { return p[113:][:15] } // blank

// pqPacket is one PQ descriptor packet. ref: docs/cd-formats.md §2.6
type pqPacket [pqSize]byte

func (p *pqPacket) spv() []byte  { return p[0:][:4] }   // "VVVS"
func (p *pqPacket) trk() []byte  { return p[4:][:2] }   // "00" lead-in, "01"–"99", "AA" lead-out
func (p *pqPacket) idx() []byte  { return p[6:][:2] }   // "00"–"99"; "01" on the lead-out
func (p *pqPacket) hrs() []byte  { return p[8:][:2] }   // reserved: blank or "00"
func (p *pqPacket) msf() []byte  { return p[10:][:6] }  // A-time MMSSFF
func (p *pqPacket) c1() []byte   { return p[16:][:2] }  // control nibble + "1" (ADR) or "S" (SCMS)
func (p *pqPacket) c2() []byte   { return p[18:][:2] }  // reserved: blank
func (p *pqPacket) isrc() []byte { return p[20:][:12] } // ISRC or blank
func (p *pqPacket) upc() []byte  { return p[32:][:13] } // UPC/EAN on the lead-in packet, or blank
func (p *pqPacket) txt() []byte  { return p[45:][:19] } // comment: blank

// leadOutTrack is the track number of the lead-out, "AA" in the PQ.
const leadOutTrack = 0xAA

// formatter fills fixed-width ASCII fields and keeps the first error,
// after archive/tar's formatter. Fields start out as spaces.
type formatter struct {
	err error
}

// text writes s left-aligned and space-padded.
func (f *formatter) text(b []byte, s string) {
	if len(s) > len(b) {
		f.fail("%q is longer than its %d-byte field", s, len(b))
		return
	}
	copy(b, s)
}

// number writes n right-aligned and space-padded.
func (f *formatter) number(b []byte, n int) {
	f.padded(b, n, ' ')
}

// digits writes n right-aligned and zero-padded (TRK, IDX, MSF).
func (f *formatter) digits(b []byte, n int) {
	f.padded(b, n, '0')
}

func (f *formatter) padded(b []byte, n int, pad byte) {
	s := strconv.Itoa(n)
	if n < 0 || len(s) > len(b) {
		f.fail("%d does not fit its %d-digit field", n, len(b))
		return
	}
	for i := range b {
		b[i] = pad
	}
	copy(b[len(b)-len(s):], s)
}

func (f *formatter) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf("ddp: "+format, args...)
	}
}

// blank fills a record with spaces.
func blank(b []byte) {
	for i := range b {
		b[i] = ' '
	}
}

// isBlank reports whether b is all spaces (or empty).
func isBlank(b []byte) bool {
	return len(bytes.TrimLeft(b, " ")) == 0
}

// field returns b as a string without trailing spaces.
func field(b []byte) string {
	return string(bytes.TrimRight(b, " "))
}

// parseNumber reads a decimal field padded with spaces or zeros on
// either side. A blank field is reported as blank with n = 0.
func parseNumber(b []byte) (n int, blank bool, err error) {
	t := bytes.Trim(b, " ")
	if len(t) == 0 {
		return 0, true, nil
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, false, fmt.Errorf("%q is not a decimal number", b)
		}
		n = n*10 + int(c-'0')
		if n > 1<<40 {
			return 0, false, fmt.Errorf("%q is too large", b)
		}
	}
	return n, false, nil
}
