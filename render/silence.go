package render

import "github.com/lathe-audio/lathe/album"

// SilenceReachMs bounds, in milliseconds, how far the delivery resampler
// spreads audio in time: the support of its filter on either side.
// libsoxr's very high quality filters (dsp.Resampler) reach at most 3.2 ms
// above 1e-9 between any two of the standard rates, and their output is
// exactly zero beyond 30 ms (measured with an impulse; see
// TestSilenceReachCoversResampler). The bound keeps a wide margin.
const SilenceReachMs = 50

// zeroSilence turns the silence rule on; tests turn it off to compare.
var zeroSilence = true

// silenceSpans returns the frames of a delivery stream at rate that lie
// in the layout's inserted silence and beyond the resampler's reach of
// any audio; the chain writes them as digital zeros, without dither
// (docs/decisions.md, "Render"):
//
//   - track 1's pregap, all of it: from A-time 0 to track 1's index 01,
//     where its audio begins. What the resampler rings into the pregap
//     before the first sample is dropped, so that every CD delivery's
//     pregap is digital silence as the Red Book asks;
//   - the gap between a track's audio and the next track's audio, less the
//     reach at both ends;
//   - the padding after the last track's audio to the lead-out, less the
//     reach after the audio.
//
// At the program rate nothing is resampled and the reach is 0: the spans
// are exactly the inserted silence, which the assembler marks as such.
// Frames within the reach of audio carry the filter's ringing and are
// processed like audio.
func silenceSpans(l *album.Layout, rate int) []FrameSpan {
	P, R := int64(l.Rate), int64(rate)
	reach := int64(0)
	if rate != l.Rate {
		reach = (SilenceReachMs*R + 999) / 1000
	}
	after := func(f int64) int64 { return (f*R+P-1)/P + reach } // first frame past the reach after program frame f
	before := func(f int64) int64 { return f*R/P - reach }      // end of the frames beyond the reach before it
	var spans []FrameSpan
	add := func(a, b int64) {
		if a < b {
			spans = append(spans, FrameSpan{a, b})
		}
	}
	n := len(l.Tracks)
	add(0, album.Samples(l.Tracks[0].Index[0], rate))
	for k := 0; k+1 < n; k++ {
		add(after(l.Tracks[k].End()), before(l.Tracks[k+1].Start))
	}
	add(after(l.Tracks[n-1].End()), album.Samples(l.LeadOut, rate))
	return spans
}
