package manifest

import "github.com/lathe-audio/lathe/render"

// scanMP3 decodes an MP3 file as an mp3 delivery does (render.DecodeMP3):
// its PCM MD5 and, with meter, its measurement. An MP3 holds one track,
// the whole file: a span other than that (a manifest that does not match
// the file) gets only the frames it covers, and no MD5.
func scanMP3(p string, spans []span, meter bool) (*scan, error) {
	d, err := render.DecodeMP3(p, meter)
	if err != nil {
		return nil, err
	}
	sc := &scan{audio: Audio{Format: "mp3", Rate: d.Rate, Channels: 2, Bits: 16, Samples: d.Frames, PCMMD5: d.PCMMD5}}
	for _, sp := range spans {
		r := &spanResult{span: sp, frames: max(0, min(sp.end, d.Frames)-max(sp.start, 0))}
		if sp.start == 0 && sp.end == d.Frames {
			r.md5, r.m = d.PCMMD5, d.Measurement
		}
		sc.spans = append(sc.spans, r)
	}
	return sc, nil
}
