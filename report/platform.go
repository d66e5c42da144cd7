package report

import "math"

// Platform is a streaming service's loudness normalization as lathe
// predicts it (docs/loudness.md §7.1, §7.4).
type Platform struct {
	Name   string
	Target float64 // reference level, LUFS
	// Album is true for a service that normalizes an album played as an
	// album with one gain for all its tracks (Spotify, Tidal); the others
	// normalize every track on its own.
	Album bool
	// OnlyDown is true for a service that turns loud audio down but never
	// turns quiet audio up (YouTube).
	OnlyDown bool
	// Headroom, when not NaN, limits a positive gain so that the true
	// peak after it stays at or below −Headroom dBTP (Spotify: 1 dB).
	Headroom float64
	// Ceiling is the true peak (dBTP) the service's guidance asks a master
	// to stay under; see [Platform.PeakCeiling].
	Ceiling float64
}

// Platforms are the services the report predicts, in the order of
// docs/design.md §5.
var Platforms = []Platform{
	{Name: "Spotify", Target: -14, Album: true, Headroom: 1, Ceiling: -1},
	{Name: "Apple Music", Target: -16, Headroom: math.NaN(), Ceiling: -1},
	{Name: "YouTube", Target: -14, OnlyDown: true, Headroom: math.NaN(), Ceiling: -1},
	{Name: "Amazon Music", Target: -14, Headroom: math.NaN(), Ceiling: -2},
	{Name: "Tidal", Target: -14, Album: true, Headroom: math.NaN(), Ceiling: -1},
	{Name: "Deezer", Target: -15, Headroom: math.NaN(), Ceiling: -1},
}

// LoudMaster is the integrated loudness (LUFS) above which a master is
// advised to keep 2 dB of true-peak headroom rather than 1, because
// lossy encoding of loud material overshoots more (docs/loudness.md §7.1,
// §7.4).
const LoudMaster = -14.0

// PlaybackGain returns the gain (dB) the platform applies to audio of
// integrated loudness i (LUFS) and true peak tp (dBTP): a track's values
// in track context, the album's loudness and its largest track peak in
// album context (docs/loudness.md §7.4). The gain is T − i, never positive
// on a service that only turns down, and, on one that keeps headroom, a
// positive gain is held to −Headroom − tp (Spotify: a track at −20 LUFS
// with a true peak of −5 dBTP gets +4 dB, not +6 dB). It is NaN for
// silence (i not finite).
func (p Platform) PlaybackGain(i, tp float64) float64 {
	g, _ := p.gain(i, tp)
	return g
}

// Limited reports whether the platform holds back the gain it would give
// audio of loudness i and true peak tp, to keep its headroom.
func (p Platform) Limited(i, tp float64) bool {
	_, limited := p.gain(i, tp)
	return limited
}

func (p Platform) gain(i, tp float64) (g float64, limited bool) {
	if math.IsInf(i, 0) || math.IsNaN(i) {
		return math.NaN(), false
	}
	g = p.Target - i
	if p.OnlyDown {
		g = math.Min(g, 0)
	}
	if g > 0 && !math.IsNaN(p.Headroom) && !math.IsNaN(tp) {
		if most := -p.Headroom - tp; g > most {
			return math.Max(0, most), true
		}
	}
	return g, false
}

// PeakCeiling returns the true-peak ceiling (dBTP) for a master of
// integrated loudness i on this platform: the service's guidance, and at
// most −2 dBTP for a master louder than [LoudMaster].
func (p Platform) PeakCeiling(i float64) float64 {
	if i > LoudMaster {
		return math.Min(p.Ceiling, -2)
	}
	return p.Ceiling
}

// PeakWarning reports whether a true peak tp (dBTP) of a master of
// integrated loudness i exceeds the platform's ceiling
// (docs/loudness.md §7.4: above −1 dBTP, or above −2 dBTP when the master
// is louder than −14 LUFS).
func (p Platform) PeakWarning(i, tp float64) bool {
	return tp > p.PeakCeiling(i)
}
