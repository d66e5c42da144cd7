package album

import (
	"fmt"
	"strings"
)

// Curve is the shape of a fade (docs/loudness.md §6.1).
type Curve string

// The fade curves. Gains are for a fade-in at normalized position t.
const (
	CurveLinear Curve = "linear" // t: constant amplitude crossfades
	CurveSine   Curve = "sine"   // sin(πt/2): equal power crossfades
	CurveLog    Curve = "log"    // 1 + 0.2·log10 t (clipped at 0): fast start
	CurveExp    Curve = "exp"    // 10^(-5·(1-t)), dB-linear over 100 dB
	CurveSCurve Curve = "scurve" // (1 - cos πt)/2: smooth at both ends
)

// Match is the loudness matching mode (docs/design.md §4).
type Match string

// The matching modes.
const (
	MatchAlbum   Match = "album"   // one gain for the album: its integrated loudness reaches the target
	MatchTrack   Match = "track"   // every track at the target
	MatchLoudest Match = "loudest" // one gain for the album: its loudest track reaches the target
	MatchOff     Match = "off"     // per-track gain only
)

// Ceiling is what a build does when a track's true peak after gain would
// pass the ceiling.
type Ceiling string

// The ceiling policies.
const (
	CeilingLimit  Ceiling = "limit"  // a true-peak safety limiter catches the overs
	CeilingReduce Ceiling = "reduce" // the gain is lowered until the peak fits
	CeilingError  Ceiling = "error"  // the build fails, naming the track and time
)

// DitherType is the dither applied when the word length shrinks.
type DitherType string

// The dither types.
const (
	DitherTPDF   DitherType = "tpdf"   // ±1 LSB triangular
	DitherShaped DitherType = "shaped" // TPDF with F-weighted noise shaping at 44.1/48 kHz
	DitherNone   DitherType = "none"   // rounding only
)

// Kind is a delivery kind.
type Kind string

// The delivery kinds.
const (
	KindDDP  Kind = "ddp"  // DDP 2.00 image for the CD plant
	KindCue  Kind = "cue"  // album WAV + cue sheet
	KindWAV  Kind = "wav"  // WAV masters
	KindFLAC Kind = "flac" // tagged FLAC
	KindMP3  Kind = "mp3"  // tagged MP3
)

// GapMode says where the silence between tracks goes in per-track files.
type GapMode string

// The gap modes.
const (
	GapsAppend  GapMode = "append"  // at the end of the previous track (rippers' default)
	GapsPrepend GapMode = "prepend" // at the start of the next track
	GapsDrop    GapMode = "drop"    // nowhere: files hold only the tracks' audio
)

// WAVFiles says which files a wav delivery writes.
type WAVFiles string

// The WAV file sets.
const (
	FilesTracks WAVFiles = "tracks" // one file per track
	FilesAlbum  WAVFiles = "album"  // one file for the whole album
	FilesBoth   WAVFiles = "both"
)

// ISRCPackets says on which PQ packets of a track a DDP carries its ISRC.
type ISRCPackets string

// The ISRC placements (docs/cd-formats.md §2.6).
const (
	ISRCBoth  ISRCPackets = "both"  // index 00 and 01: what most plants read safely
	ISRCFirst ISRCPackets = "first" // the track's first packet only
)

// enum lists the values of one enumerated type for decoding and messages.
type enum struct {
	what   string
	values []string
}

var (
	curves      = enum{"fade curve", []string{"linear", "sine", "log", "exp", "scurve"}}
	matches     = enum{"match mode", []string{"album", "track", "loudest", "off"}}
	ceilings    = enum{"ceiling policy", []string{"limit", "reduce", "error"}}
	dithers     = enum{"dither type", []string{"tpdf", "shaped", "none"}}
	kinds       = enum{"delivery kind", []string{"ddp", "cue", "wav", "flac", "mp3"}}
	gapModes    = enum{"gap mode", []string{"append", "prepend", "drop"}}
	wavFiles    = enum{"file set", []string{"tracks", "album", "both"}}
	isrcPackets = enum{"ISRC placement", []string{"both", "first"}}
)

func (e enum) parse(s string) (string, error) {
	for _, v := range e.values {
		if s == v {
			return s, nil
		}
	}
	return "", fmt.Errorf("%q is not a %s (want %s)", s, e.what, orList(e.values))
}

// orList formats a, b or c.
func orList(v []string) string {
	if len(v) == 1 {
		return v[0]
	}
	return strings.Join(v[:len(v)-1], ", ") + " or " + v[len(v)-1]
}

func unmarshalEnum[T ~string](e enum, b []byte, dst *T) error {
	v, err := e.parse(string(b))
	if err != nil {
		return err
	}
	*dst = T(v)
	return nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Curve) UnmarshalText(b []byte) error { return unmarshalEnum(curves, b, c) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Match) UnmarshalText(b []byte) error { return unmarshalEnum(matches, b, m) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Ceiling) UnmarshalText(b []byte) error { return unmarshalEnum(ceilings, b, c) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *DitherType) UnmarshalText(b []byte) error { return unmarshalEnum(dithers, b, d) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error { return unmarshalEnum(kinds, b, k) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (g *GapMode) UnmarshalText(b []byte) error { return unmarshalEnum(gapModes, b, g) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *WAVFiles) UnmarshalText(b []byte) error { return unmarshalEnum(wavFiles, b, f) }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *ISRCPackets) UnmarshalText(b []byte) error { return unmarshalEnum(isrcPackets, b, p) }
