package album

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Red Book limits in CD sectors (docs/cd-formats.md §3).
const (
	SectorsPerSecond = 75
	minPregapSectors = 150    // 2 s of silence before track 1
	minTrackSectors  = 300    // 4 s
	warnDiscSectors  = 333000 // 74:00:00
	maxDiscSectors   = 359999 // 79:59:74: what plants press without a waiver
	maxMSFSectors    = 449999 // 99:59:74: the largest address MSF can hold
	maxCDTextPacks   = 253    // text packs per block; 3 more hold the size info
)

// Validate checks everything about the album that can be checked without
// its sources: track count, pregap, codes, flags, CD-Text, settings and
// deliveries. Plan adds the checks that need the sources' lengths.
func (a *Album) Validate() Problems {
	c := &problems{file: a.File, pos: a.pos}
	a.validateTracks(c)
	a.validateSettings(c)
	a.validateCDText(c)
	for i := range a.Deliveries {
		a.validateDelivery(c, i)
	}
	return c.list
}

func (a *Album) validateTracks(c *problems) {
	switch n := len(a.Tracks); {
	case n == 0:
		if _, written := a.pos["track"]; written {
			break // the [track] table is reported as such
		}
		c.errorf("track", "the album has no tracks (add a [[track]] table for each)")
	case n > 99:
		c.errorf(trackPath(100), "the album has %d tracks; a CD holds at most 99", n)
	}
	isrcs := map[ISRC]int{}
	for i, t := range a.Tracks {
		n := i + 1
		p := trackPath(n)
		if t.File == "" {
			c.errorf(p, "file is missing (the audio file of track %d)", n)
		}
		if n == 1 {
			if t.Gap.Samples(44100) < minPregapSectors*588 {
				c.errorf(a.pregapPath(), "pregap of track 1 is %s; the Red Book asks for at least 2s (150 sectors) of silence before track 1", t.Gap)
			}
			if !t.Crossfade.IsZero() {
				c.errorf(p+".crossfade", "track 1 cannot crossfade: there is no track before it")
			}
		} else if !t.Crossfade.IsZero() && !t.Gap.IsZero() {
			c.errorf(p+".crossfade", "track %d has both a gap (%s) and a crossfade (%s); a crossfade overlaps the previous track, so remove one", n, t.Gap, t.Crossfade)
		}
		if t.ISRC != "" {
			if first, dup := isrcs[t.ISRC]; dup {
				c.errorf(p+".isrc", "%s is also the ISRC of track %d; every recording needs its own", t.ISRC, first)
			} else {
				isrcs[t.ISRC] = n
			}
		}
		if t.SCMS && t.CopyPermitted {
			c.errorf(p+".scms", "SCMS and copy_permitted contradict each other (the Red Book forbids DCP together with SCMS)")
		}
		if t.Gain < -60 || t.Gain > 40 {
			c.errorf(p+".gain", "%g dB is out of range (want -60 to +40 dB)", t.Gain)
		}
		if t.End != nil && !t.Start.Less(*t.End) {
			c.errorf(p+".end", "end %s is not after start %s", *t.End, t.Start)
		}
		prev := Time{}
		for j, x := range t.Index {
			ip := fmt.Sprintf("%s.index[%d]", p, j+1)
			if !prev.Less(x) {
				if j == 0 {
					c.errorf(ip, "index 02 at %s must be after the track's start (index 01)", x)
				} else {
					c.errorf(ip, "index %02d at %s is not after index %02d at %s; index points must increase", j+2, x, j+1, prev)
				}
			}
			prev = x
		}
		if len(t.Index) > 98 {
			c.errorf(p+".index", "%d extra index points; a track holds index 01 to 99", len(t.Index))
		}
	}
}

// pregapPath names where track 1's pregap was set.
func (a *Album) pregapPath() string {
	if _, ok := a.pos["track[1].gap"]; ok {
		return "track[1].gap"
	}
	return "sequence.pregap"
}

func (a *Album) validateSettings(c *problems) {
	if a.MasterID != "" {
		if len(a.MasterID) > 48 || !printableASCII(a.MasterID) {
			c.errorf("album.master_id", "%q: a DDP master ID is at most 48 printable ASCII characters", a.MasterID)
		}
	}
	if a.Discs < 1 || a.Disc < 1 || a.Disc > a.Discs {
		c.errorf("album.disc", "disc %d of %d: want 1 <= disc <= discs", a.Disc, a.Discs)
	}
	if _, ok := Languages[a.Language]; !ok {
		c.errorf("album.language", "%q is not a CD-Text language lathe knows (for example English, German, French, Spanish, Italian, Dutch, Swedish, Japanese)", a.Language)
	}
	if ml := a.Sequence.MaxLength; Frames(maxMSFSectors).Less(ml) {
		c.errorf("sequence.max_length", "%s is past 99:59:74, the largest time a CD address can hold", ml)
	}
	checkLoudness(c, "loudness", a.Loudness.Target, a.Loudness.MaxTruePeak)
}

func checkLoudness(c *problems, path string, target *float64, tp float64) {
	if target != nil && (*target < -70 || *target > 0) {
		c.errorf(path+".target", "%g LUFS is out of range (want -70 to 0 LUFS)", *target)
	}
	if tp < -20 || tp > 0 {
		c.errorf(path+".max_true_peak", "%g dBTP is out of range (want -20 to 0 dBTP)", tp)
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// HasCD reports whether the album has a CD delivery (DDP or cue).
func (a *Album) HasCD() bool {
	for _, d := range a.Deliveries {
		if d.Kind == KindDDP || d.Kind == KindCue {
			return true
		}
	}
	return false
}

// cdTextField is one CD-Text pack type with its disc and track strings.
type cdTextField struct {
	key    string // project key
	disc   string
	tracks []string
}

func (a *Album) cdTextFields() []cdTextField {
	fields := []cdTextField{
		{key: "title", disc: a.Title},
		{key: "artist", disc: a.Artist},
		{key: "songwriter", disc: a.Songwriter},
		{key: "composer", disc: a.Composer},
		{key: "arranger", disc: a.Arranger},
		{key: "message", disc: a.Message},
	}
	for _, t := range a.Tracks {
		for i, s := range []string{t.Title, t.Artist, t.Songwriter, t.Composer, t.Arranger, t.Message} {
			fields[i].tracks = append(fields[i].tracks, s)
		}
	}
	return fields
}

// validateCDText checks the strings that go to CD-Text when the album has a
// CD delivery: ISO-8859-1 only, no control characters, and all packs within
// one block (docs/cd-formats.md §4.6).
func (a *Album) validateCDText(c *problems) {
	if !a.CDText || !a.HasCD() {
		return
	}
	packs := 0
	for _, f := range a.cdTextFields() {
		paths := []string{"album." + f.key}
		strs := []string{f.disc}
		for i, s := range f.tracks {
			paths = append(paths, trackPath(i+1)+"."+f.key)
			strs = append(strs, s)
		}
		bytes, used := 0, false
		for i, s := range strs {
			if s != "" {
				used = true
			}
			bytes += utf8.RuneCountInString(s) + 1
			if r, at, ok := notLatin1(s); !ok {
				c.errorf(paths[i], "%q has %q (U+%04X) at character %d, which CD-Text (ISO-8859-1) cannot hold; spell it in Latin-1 or set [album] cdtext = false", s, r, r, at)
			} else if n := utf8.RuneCountInString(s); n > 80 {
				c.warnf(paths[i], "%d characters; cue sheets and many players show at most 80", n)
			}
		}
		if used {
			packs += (bytes + 11) / 12
		}
	}
	if codes := a.cdTextCodeBytes(); codes > 0 {
		packs += (codes + 11) / 12
	}
	if packs > maxCDTextPacks {
		c.errorf("album", "CD-Text needs %d packs; one block holds at most %d (shorten titles, names or messages, or set cdtext = false)", packs, maxCDTextPacks)
	}
}

// cdTextCodeBytes is the size of the UPC/ISRC strings (pack type 0x8E), or
// 0 when the album has none.
func (a *Album) cdTextCodeBytes() int {
	n, any := len(a.UPC)+1, a.UPC != ""
	for _, t := range a.Tracks {
		n += len(t.ISRC) + 1
		any = any || t.ISRC != ""
	}
	if !any {
		return 0
	}
	return n
}

// notLatin1 returns the first rune of s that ISO-8859-1 cannot hold (or a
// control character) and its 1-based position.
func notLatin1(s string) (rune, int, bool) {
	i := 0
	for _, r := range s {
		i++
		if r > 0xff || r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return r, i, false
		}
	}
	return 0, 0, true
}

// Languages maps CD-Text language names to their EBU Tech 3264 codes.
var Languages = map[string]byte{
	"Czech": 0x06, "Danish": 0x07, "German": 0x08, "English": 0x09, "Spanish": 0x0A,
	"Estonian": 0x0B, "French": 0x0F, "Irish": 0x12, "Croatian": 0x13, "Icelandic": 0x14,
	"Italian": 0x15, "Latvian": 0x17, "Lithuanian": 0x1A, "Hungarian": 0x1B, "Dutch": 0x1D,
	"Norwegian": 0x1E, "Polish": 0x20, "Portuguese": 0x21, "Romanian": 0x22, "Slovak": 0x25,
	"Slovenian": 0x26, "Finnish": 0x27, "Swedish": 0x28, "Turkish": 0x29, "Russian": 0x56,
	"Greek": 0x70, "Japanese": 0x69, "Korean": 0x65, "Chinese": 0x75,
}

var (
	standardRates = []int{44100, 48000, 88200, 96000, 176400, 192000}
	mp3Bitrates   = []int{32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}
)

func (a *Album) validateDelivery(c *problems, i int) {
	d := &a.Deliveries[i]
	p := deliveryPath(i + 1)
	for j := range i {
		if strings.EqualFold(a.Deliveries[j].Name, d.Name) {
			c.errorf(p+".name", "%q is also the name of delivery %d; each delivery needs its own folder", d.Name, j+1)
		}
	}
	if err := checkFolderName(d.Name); err != nil {
		c.errorf(p+".name", "%q %v", d.Name, err)
	}
	switch d.Kind {
	case KindWAV:
		if d.Rate != 0 && !containsInt(standardRates, d.Rate) {
			c.errorf(p+".rate", "%d Hz is not a mastering rate (want \"source\" or 44100, 48000, 88200, 96000, 176400, 192000)", d.Rate)
		}
		if d.Bits != 16 && d.Bits != 24 && d.Bits != 32 {
			c.errorf(p+".bits", "%d bits: wav takes 16, 24 or 32 (float)", d.Bits)
		}
	case KindFLAC:
		if d.Rate != 0 && !containsInt(standardRates, d.Rate) {
			c.errorf(p+".rate", "%d Hz is not a mastering rate (want \"source\" or 44100, 48000, 88200, 96000, 176400, 192000)", d.Rate)
		}
		if d.Bits != 16 && d.Bits != 24 {
			c.errorf(p+".bits", "%d bits: flac takes 16 or 24", d.Bits)
		}
		if d.Compression < 0 || d.Compression > 8 {
			c.errorf(p+".compression", "%d is not a FLAC compression level (want 0-8)", d.Compression)
		}
	case KindMP3:
		if d.Rate != 44100 && d.Rate != 48000 {
			c.errorf(p+".rate", "%d Hz: mp3 deliveries are 44100 or 48000 Hz", d.Rate)
		}
		if d.Quality != nil {
			if *d.Quality < 0 || *d.Quality > 9 {
				c.errorf(p+".quality", "%d is not a VBR quality (want 0 best to 9)", *d.Quality)
			}
			if d.Bitrate != 0 {
				c.errorf(p+".quality", "set either bitrate (CBR) or quality (VBR), not both")
			}
		} else if !containsInt(mp3Bitrates, d.Bitrate) {
			c.errorf(p+".bitrate", "%d kb/s is not an MP3 bit rate (want one of 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)", d.Bitrate)
		}
	}
	if d.Kind != KindDDP {
		if err := CheckTemplate(d.Naming); err != nil {
			c.errorf(p+".naming", "%q: %v", d.Naming, err)
		}
	}
	if o := d.Loudness; o != nil {
		tp := a.Loudness.MaxTruePeak
		if o.MaxTruePeak != nil {
			tp = *o.MaxTruePeak
		}
		checkLoudness(c, p+".loudness", o.Target, tp)
	}
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// checkFolderName refuses names that are not a single portable folder name.
func checkFolderName(s string) error {
	switch {
	case s == "" || s == "." || s == "..":
		return fmt.Errorf("is not a folder name")
	case strings.ContainsAny(s, `/\:*?"<>|`):
		return fmt.Errorf("has a character that is not portable in a folder name (/ \\ : * ? \" < > |)")
	case !printableASCII(strings.Map(func(r rune) rune {
		if r > 0x7f {
			return 'x'
		}
		return r
	}, s)):
		return fmt.Errorf("has a control character")
	case len(s) > 100:
		return fmt.Errorf("is longer than 100 bytes")
	}
	return nil
}
