// Package cddatest holds disc descriptions shared by the tests of the CD
// packages and commands.
package cddatest

import (
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/cdtext"
)

// WorkedDisc is the album of docs/cd-formats.md §2.10: T1 5.0 s, a 2 s
// gap, T2 7.0 s with pre-emphasis, a 2 s gap, T3 6.5 s (padded to the
// sector); UPC, ISRCs on T1 and T2, and the §4.7 CD-Text. Its §1 table
// gives every time the tests expect.
func WorkedDisc() *cdda.Disc {
	return &cdda.Disc{
		UPC:      "5012345678900",
		MasterID: "TESTMASTER 001",
		Tracks: []cdda.Track{
			{Pregap: 150, Index: []int{150}, ISRC: "GBAAA2400001"},
			{Pregap: 150, Index: []int{675}, ISRC: "GBAAA2400002", PreEmphasis: true},
			{Pregap: 150, Index: []int{1350}},
		},
		LeadOut: 1838,
		Text: &cdtext.Text{
			Language: cdtext.LanguageEnglish,
			Disc:     cdtext.Strings{Title: "Disc", Performer: "Artist"},
			Tracks: []cdtext.Strings{
				{Title: "Track One", Performer: "Artist"},
				{Title: "Track Two", Performer: "Artist"},
				{Title: "Track Three", Performer: "Artist"},
			},
		},
	}
}
