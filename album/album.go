package album

import (
	"hash/fnv"
	"strconv"
)

// Album is a release as its project file describes it, with defaults
// applied. Paths are as written in the file; the caller resolves them
// against the project file's folder.
type Album struct {
	File string // the project file's name, used in messages

	Title                 string
	Artist                string
	UPC                   UPC
	CatalogNumber         string
	Label                 string
	Genre                 string
	ReleaseDate           string // YYYY, YYYY-MM or YYYY-MM-DD
	Copyright             string // C-line
	PhonographicCopyright string // P-line
	Cover                 string // front cover image
	CoverEmbed            string // smaller image to embed in files; "" = Cover
	MasterID              string // DDP master ID, at most 48 characters
	Songwriter            string // CD-Text
	Composer              string // CD-Text
	Arranger              string // CD-Text
	Message               string // CD-Text
	Language              string // CD-Text language (EBU Tech 3264 name)
	CDText                bool   // write CD-Text on CD deliveries
	Disc, Discs           int    // disc number and count, for multi-disc releases

	Sequence   Sequence
	Loudness   Loudness
	Dither     Dither
	Tracks     []Track
	Deliveries []Delivery

	pos positions // where each key stood in the project file
}

// Sequence holds the defaults of the album's timeline.
type Sequence struct {
	Gap            Time  // silence before every track but the first
	Pregap         Time  // silence before track 1: at least 2 s
	FadeIn         Time  // default fade-in of every track
	FadeOut        Time  // default fade-out of every track
	FadeCurve      Curve // default fade curve
	CrossfadeCurve Curve // default curve of crossfades
	MaxLength      Time  // longest disc accepted; default 79:59:74
}

// Loudness holds the loudness-matching settings.
type Loudness struct {
	Match       Match
	Target      *float64 // LUFS; nil keeps the album's measured loudness
	MaxTruePeak float64  // dBTP
	OverCeiling Ceiling
}

// LoudnessOverride is a delivery's partial replacement of [loudness].
type LoudnessOverride struct {
	Match       *Match
	Target      *float64
	MaxTruePeak *float64
	OverCeiling *Ceiling
}

// Dither holds the dither settings.
type Dither struct {
	Type DitherType
	Seed *int64 // nil: derived from the album (see Album.DitherSeed)
}

// Track is one track of the album, with the sequence defaults applied.
type Track struct {
	File           string
	Title          string
	Artist         string // defaults to the album artist
	ISRC           ISRC
	Gain           float64 // dB, added to the loudness-match gain
	Gap            Time    // silence before this track (track 1: the pregap)
	Crossfade      Time    // overlap with the previous track
	Start          Time    // trim: where the track starts in its source
	End            *Time   // trim: where it ends; nil = the source's end
	FadeIn         Time
	FadeOut        Time
	FadeCurve      Curve
	CrossfadeCurve Curve
	Index          []Time // extra index points (02, 03, ...), from the track's start
	PreEmphasis    bool
	CopyPermitted  bool
	SCMS           bool
	Songwriter     string
	Composer       string
	Arranger       string
	Message        string
}

// Delivery is one output bundle of the build, with the kind's defaults
// applied.
type Delivery struct {
	Name        string // output subfolder
	Kind        Kind
	Rate        int // Hz; 0 = the program (source) rate
	Bits        int // 16, 24, or 32 (float, wav only)
	Compression int // flac 0-8
	Bitrate     int // mp3 CBR kb/s; 0 when Quality is set
	Quality     *int
	Gaps        GapMode
	Naming      string // file name template
	Tags        bool   // write tags / metadata chunks
	BWF         bool   // wav: a BWF bext chunk and LIST/INFO
	Files       WAVFiles
	PerTrack    bool        // cue: also per-track WAVs with a multi-file cue
	ISRCPackets ISRCPackets // ddp
	Loudness    *LoudnessOverride
}

// LoudnessFor returns the loudness settings of delivery d: the album's,
// with d's overrides applied.
func (a *Album) LoudnessFor(d *Delivery) Loudness {
	return d.Loudness.apply(a.Loudness)
}

// apply returns l with the overrides of o (which may be nil) applied.
func (o *LoudnessOverride) apply(l Loudness) Loudness {
	if o == nil {
		return l
	}
	if o.Match != nil {
		l.Match = *o.Match
	}
	if o.Target != nil {
		l.Target = o.Target
	}
	if o.MaxTruePeak != nil {
		l.MaxTruePeak = *o.MaxTruePeak
	}
	if o.OverCeiling != nil {
		l.OverCeiling = *o.OverCeiling
	}
	return l
}

// DitherSeed returns the seed of the album's dither: the project's seed, or
// one derived from the UPC, title and artist, so that the same release
// always dithers the same way while edits to comments or gains do not move
// the noise.
func (a *Album) DitherSeed() uint64 {
	if a.Dither.Seed != nil {
		return uint64(*a.Dither.Seed)
	}
	h := fnv.New64a()
	for _, s := range []string{string(a.UPC), a.Title, a.Artist} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// IsCD reports whether the delivery is a CD master (16-bit 44.1 kHz with
// sector-aligned layout).
func (d *Delivery) IsCD() bool {
	return d.Kind == KindDDP || d.Kind == KindCue || (d.Kind == KindWAV && d.Rate == 44100 && d.Bits == 16)
}

// Ext returns the file name extension of the delivery's audio files.
func (d *Delivery) Ext() string {
	switch d.Kind {
	case KindFLAC:
		return "flac"
	case KindMP3:
		return "mp3"
	case KindDDP:
		return "DAT"
	}
	return "wav"
}

func trackPath(n int) string { return "track[" + strconv.Itoa(n) + "]" }

func deliveryPath(n int) string { return "delivery[" + strconv.Itoa(n) + "]" }
