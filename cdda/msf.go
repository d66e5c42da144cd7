package cdda

import (
	"fmt"
)

// Sizes of a CD-DA sector.
// ref: docs/cd-formats.md §1, §2.7
const (
	SectorBytes      = 2352 // bytes in one sector of 16-bit stereo PCM
	SectorFrames     = 588  // stereo sample frames in one sector (44.1 kHz)
	SectorsPerSecond = 75   // sectors (MSF frames) per second
	FrameBytes       = 4    // one stereo frame: left then right, 16 bits each
)

// Red Book limits in sectors.
// ref: docs/cd-formats.md §3
const (
	MinPregap      = 150    // track 1 pregap: 2 s at A-time 0; also A-time − LBA
	MinTrackLength = 300    // 4 s
	WarnLength     = 333000 // 74:00:00, the original disc length
	MaxLength      = 359999 // 79:59:74, the longest disc plants accept without a waiver
	MaxSector      = 449999 // 99:59:74, the largest MSF address
)

// MSF is a CD address as minutes, seconds and frames (1/75 s).
// ref: docs/cd-formats.md §1
type MSF struct {
	M, S, F int
}

// ToMSF converts a sector count to MSF. It refuses counts outside
// 0..MaxSector (00:00:00..99:59:74).
func ToMSF(sectors int) (MSF, error) {
	if sectors < 0 || sectors > MaxSector {
		return MSF{}, fmt.Errorf("cdda: sector %d outside 0..%d (00:00:00..99:59:74)", sectors, MaxSector)
	}
	return MSF{M: sectors / 4500, S: sectors / 75 % 60, F: sectors % 75}, nil
}

// Sectors converts m back to a sector count. It refuses fields out of
// range: MM 00–99, SS 00–59, FF 00–74.
func (m MSF) Sectors() (int, error) {
	if m.M < 0 || m.M > 99 || m.S < 0 || m.S > 59 || m.F < 0 || m.F > 74 {
		return 0, fmt.Errorf("cdda: MSF %d:%d:%d out of range (MM 0-99, SS 0-59, FF 0-74)", m.M, m.S, m.F)
	}
	return (m.M*60+m.S)*75 + m.F, nil
}

// String formats m as "mm:ss:ff", the cue sheet form.
func (m MSF) String() string {
	return fmt.Sprintf("%02d:%02d:%02d", m.M, m.S, m.F)
}

// Compact formats m as "MMSSFF", the PQ descriptor form.
func (m MSF) Compact() string {
	return fmt.Sprintf("%02d%02d%02d", m.M, m.S, m.F)
}

// ParseMSF parses "mm:ss:ff" (cue) or "MMSSFF" (PQ) into sectors. Each
// field must be exactly two decimal digits.
func ParseMSF(s string) (int, error) {
	var d [6]byte
	switch {
	case len(s) == 8 && s[2] == ':' && s[5] == ':':
		d = [6]byte{s[0], s[1], s[3], s[4], s[6], s[7]}
	case len(s) == 6:
		copy(d[:], s)
	default:
		return 0, fmt.Errorf("cdda: MSF %q: want mm:ss:ff or MMSSFF", s)
	}
	var v [3]int
	for i, c := range d {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("cdda: MSF %q: %q is not a digit", s, c)
		}
		v[i/2] = v[i/2]*10 + int(c-'0')
	}
	n, err := MSF{v[0], v[1], v[2]}.Sectors()
	if err != nil {
		return 0, fmt.Errorf("cdda: MSF %q out of range (MM 0-99, SS 0-59, FF 0-74)", s)
	}
	return n, nil
}

// FormatMSF formats a sector count as "mm:ss:ff", or "-mm:ss:ff" for a
// negative count (used for times relative to an index 01). It is for
// listings; it does not check the 99:59:74 limit.
func FormatMSF(sectors int) string {
	sign := ""
	if sectors < 0 {
		sign, sectors = "-", -sectors
	}
	return fmt.Sprintf("%s%02d:%02d:%02d", sign, sectors/4500, sectors/75%60, sectors%75)
}
