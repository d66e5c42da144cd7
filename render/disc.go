package render

import (
	"fmt"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// Disc describes the album as an audio CD: the one disc description the DDP
// writer, the cue sheets and the PQ sheet are written from
// (docs/decisions.md, "CD formats").
//
//   - Index points are the layout's A-time sectors: track k's index 00 is
//     TrackLayout.Index0 (track 1's is A-time 0, its pregap), its index
//     01, 02, … are TrackLayout.Index. A track without a pause has no
//     index 00 (Pregap 0).
//   - The UPC, ISRCs and flags (pre-emphasis, digital copy permitted,
//     SCMS) come from the project.
//   - The master ID is the project's master_id, or the UPC when it has
//     none, so that a plant can still tell masters apart.
//   - With [album] cdtext on, the CD-Text holds the album's and tracks'
//     title, artist (as performer), songwriter, composer, arranger and
//     message, the UPC and ISRCs (pack type 0x8E), in the project's
//     language (album.Languages).
//   - A disc longer than 79:59:74 is allowed when the project allows it
//     (sequence.max_length), since Plan has checked that limit already.
func Disc(a *album.Album, l *album.Layout) (*cdda.Disc, error) {
	if len(l.Tracks) != len(a.Tracks) {
		return nil, fmt.Errorf("render: the layout has %d tracks, the album %d", len(l.Tracks), len(a.Tracks))
	}
	d := &cdda.Disc{
		UPC:         string(a.UPC),
		MasterID:    a.MasterID,
		LeadOut:     int(l.LeadOut),
		AllowOver80: l.LeadOut > cdda.MaxLength,
	}
	if d.MasterID == "" {
		d.MasterID = d.UPC
	}
	for k := range l.Tracks {
		tl, t := &l.Tracks[k], &a.Tracks[k]
		ct := cdda.Track{
			Pregap:        int(tl.Index[0] - tl.Index0),
			ISRC:          string(t.ISRC),
			PreEmphasis:   t.PreEmphasis,
			CopyPermitted: t.CopyPermitted,
			SCMS:          t.SCMS,
		}
		for _, x := range tl.Index {
			ct.Index = append(ct.Index, int(x))
		}
		d.Tracks = append(d.Tracks, ct)
	}
	if a.CDText {
		lang, ok := album.Languages[a.Language]
		if !ok {
			return nil, fmt.Errorf("render: album.language %q is not a CD-Text language", a.Language)
		}
		txt := &cdtext.Text{
			Language: lang,
			Disc: cdtext.Strings{
				Title: a.Title, Performer: a.Artist, Songwriter: a.Songwriter, Composer: a.Composer,
				Arranger: a.Arranger, Message: a.Message, Code: string(a.UPC),
			},
		}
		for k := range a.Tracks {
			t := &a.Tracks[k]
			txt.Tracks = append(txt.Tracks, cdtext.Strings{
				Title: t.Title, Performer: t.Artist, Songwriter: t.Songwriter, Composer: t.Composer,
				Arranger: t.Arranger, Message: t.Message, Code: string(t.ISRC),
			})
		}
		d.Text = txt
	}
	return d, nil
}
