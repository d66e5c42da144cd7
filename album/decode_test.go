package album

import (
	"fmt"
	"strings"
	"testing"
)

// tracks returns n minimal [[track]] tables.
func tracks(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "[[track]]\nfile = \"%02d.wav\"\ntitle = \"Track %d\"\n\n", i, i)
	}
	return b.String()
}

const head = "[album]\ntitle = \"T\"\nartist = \"A\"\n\n"

func TestDecodeProblems(t *testing.T) {
	tests := []struct {
		name, toml string
		want       []string
	}{
		{"syntax error", head + "[[track]]\nfile = \"a.wav\ntitle = \"x\"\n",
			[]string{`album.toml:6:14: invalid TOML: basic strings cannot have new lines`}},
		{"duplicate key", head + "[[track]]\nfile = \"a.wav\"\nfile = \"b.wav\"\n",
			[]string{`album.toml:7:1: invalid TOML: key file is already defined`}},
		{"unknown key", head + tracks(1) + "[sequence]\ngapp = \"2s\"\n",
			[]string{`album.toml:10:1: sequence.gapp: unknown key (did you mean gap?)`}},
		{"unknown key case", "[album]\nTitle = \"T\"\n" + tracks(1),
			[]string{`album.toml:2:1: album.Title: unknown key (did you mean title?)`}},
		{"unknown table", head + tracks(1) + "[albun]\n",
			[]string{`album.toml:9:2: albun: unknown table (did you mean album?)`}},
		{"track not an array", head + "[track]\nfile = \"a.wav\"\n",
			[]string{`album.toml:5:2: track: write each track as its own [[track]] table`}},
		{"wrong type", head + "[[track]]\nfile = \"a.wav\"\ngain = \"loud\"\n",
			[]string{`album.toml:7:8: track[1].gain: "loud" is a string, want a gain in dB`}},
		{"wrong type bool", head + "[[track]]\nfile = \"a.wav\"\npre_emphasis = \"yes\"\n",
			[]string{`album.toml:7:16: track[1].pre_emphasis: "yes" is a string, want true or false`}},
		{"every problem at once", head + "[[track]]\nfile = 3\nisrc = \"US-RC1-7\"\ngain = 100\nfade_curve = \"cosine\"\n",
			[]string{
				`album.toml:5:3: track[1]: file is missing (the audio file of track 1)`,
				`album.toml:6:8: track[1].file: 3 is an integer, want a string`,
				`album.toml:7:8: track[1].isrc: "US-RC1-7" has 6 characters, want 12 (CC-XXX-YY-NNNNN)`,
				`album.toml:8:8: track[1].gain: 100 dB is out of range (want -60 to +40 dB)`,
				`album.toml:9:14: track[1].fade_curve: "cosine" is not a fade curve (want linear, sine, log, exp or scurve)`,
			}},
		{"isrc bad characters", head + "[[track]]\nfile = \"a.wav\"\nisrc = \"USRC1760783X\"\n",
			[]string{`album.toml:7:8: track[1].isrc: "USRC1760783X": character 12 "X" of the year and designation must be a digit (CC-XXX-YY-NNNNN)`}},
		{"isrc duplicate", head + "[[track]]\nfile = \"a.wav\"\nisrc = \"USRC17607839\"\n[[track]]\nfile = \"b.wav\"\nisrc = \"US-RC1-76-07839\"\n",
			[]string{`album.toml:10:8: track[2].isrc: USRC17607839 is also the ISRC of track 1; every recording needs its own`}},
		{"upc check digit", "[album]\nupc = \"5012345678901\"\n" + tracks(1),
			[]string{`album.toml:2:7: album.upc: "5012345678901": check digit is 1, want 0`}},
		{"100 tracks", head + tracks(100),
			[]string{`album.toml:401:3: track[100]: the album has 100 tracks; a CD holds at most 99`}},
		{"no tracks", head,
			[]string{`album.toml: track: the album has no tracks (add a [[track]] table for each)`}},
		{"short pregap", head + "[sequence]\npregap = \"1s\"\n" + tracks(1),
			[]string{`album.toml:6:10: sequence.pregap: pregap of track 1 is 1s; the Red Book asks for at least 2s (150 sectors) of silence before track 1`}},
		{"short pregap on track", head + "[[track]]\nfile = \"a.wav\"\ngap = \"149f\"\n",
			[]string{`album.toml:7:7: track[1].gap: pregap of track 1 is 149f; the Red Book asks for at least 2s (150 sectors) of silence before track 1`}},
		{"non-Latin-1 title", head + "[[track]]\nfile = \"a.wav\"\ntitle = \"夜\"\n",
			[]string{`album.toml:7:9: track[1].title: "夜" has '夜' (U+591C) at character 1, which CD-Text (ISO-8859-1) cannot hold; spell it in Latin-1 or set [album] cdtext = false`}},
		{"typographic apostrophe", head + "[[track]]\nfile = \"a.wav\"\ntitle = \"Don’t\"\n",
			[]string{`album.toml:7:9: track[1].title: "Don’t" has '’' (U+2019) at character 4, which CD-Text (ISO-8859-1) cannot hold; spell it in Latin-1 or set [album] cdtext = false`}},
		{"index out of order", head + "[[track]]\nfile = \"a.wav\"\nindex = [\"1:00\", \"0:30\"]\n",
			[]string{`album.toml:7:18: track[1].index[2]: index 03 at 30s is not after index 02 at 60s; index points must increase`}},
		{"dcp with scms", head + "[[track]]\nfile = \"a.wav\"\ncopy_permitted = true\nscms = true\n",
			[]string{`album.toml:8:8: track[1].scms: SCMS and copy_permitted contradict each other (the Red Book forbids DCP together with SCMS)`}},
		{"crossfade on track 1", head + "[[track]]\nfile = \"a.wav\"\ncrossfade = \"2s\"\n",
			[]string{
				`album.toml:7:13: track[1].crossfade: track 1 cannot crossfade: there is no track before it`,
			}},
		{"bad time", head + "[[track]]\nfile = \"a.wav\"\nfade_out = \"3 seconds\"\n",
			[]string{`album.toml:7:12: track[1].fade_out: "3 seconds": not a number (want "2s", "500ms", "150f", "1:23.456" or "1:02:03.5")`}},
		{"bad enum", head + tracks(1) + "[loudness]\nmatch = \"loud\"\n",
			[]string{`album.toml:10:9: loudness.match: "loud" is not a match mode (want album, track, loudest or off)`}},
		{"target out of range", head + tracks(1) + "[loudness]\ntarget = 14\n",
			[]string{`album.toml:10:10: loudness.target: 14 LUFS is out of range (want -70 to 0 LUFS)`}},
		{"delivery key of another kind", head + tracks(1) + "[[delivery]]\nkind = \"ddp\"\nbitrate = 320\n",
			[]string{`album.toml:11:1: delivery[1].bitrate: does not apply to ddp deliveries (it is for mp3)`}},
		{"delivery without kind", head + tracks(1) + "[[delivery]]\nname = \"x\"\n",
			[]string{`album.toml:9:3: delivery[1]: kind is missing (want ddp, cue, wav, flac or mp3)`}},
		{"delivery bad rate", head + tracks(1) + "[[delivery]]\nkind = \"flac\"\nrate = 22050\n",
			[]string{`album.toml:11:8: delivery[1].rate: 22050 Hz is not a mastering rate (want "source" or 44100, 48000, 88200, 96000, 176400, 192000)`}},
		{"delivery names collide", head + tracks(1) + "[[delivery]]\nkind = \"flac\"\n[[delivery]]\nkind = \"flac\"\nbits = 16\n",
			[]string{`album.toml:11:3: delivery[2].name: "flac" is also the name of delivery 1; each delivery needs its own folder`}},
		{"naming template", head + tracks(1) + "[[delivery]]\nkind = \"mp3\"\nnaming = \"{track:02} {titel}\"\n",
			[]string{`album.toml:11:10: delivery[1].naming: "{track:02} {titel}": has an unknown field {titel} (did you mean {title}?)`}},
		{"mp3 bitrate and quality", head + tracks(1) + "[[delivery]]\nkind = \"mp3\"\nbitrate = 256\nquality = 2\n",
			[]string{`album.toml:12:11: delivery[1].quality: set either bitrate (CBR) or quality (VBR), not both`}},
		{"master id too long", "[album]\nmaster_id = \"" + strings.Repeat("X", 49) + "\"\n" + tracks(1),
			[]string{`album.toml:2:13: album.master_id: "` + strings.Repeat("X", 49) + `": a DDP master ID is at most 48 printable ASCII characters`}},
		{"root key", "title = \"x\"\n" + head + tracks(1),
			[]string{`album.toml:1:1: title: unknown table`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := Decode("album.toml", []byte(tt.toml))
			var got []string
			for _, p := range probs {
				got = append(got, p.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Decode problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestDecodeDefaults(t *testing.T) {
	a, probs := Decode("album.toml", []byte(head+tracks(3)))
	if err := probs.Err(); err != nil {
		t.Fatal(err)
	}
	if len(a.Deliveries) != 5 {
		t.Errorf("default deliveries = %d, want 5", len(a.Deliveries))
	}
	if got := a.Tracks[0].Gap.Samples(44100); got != 88200 {
		t.Errorf("track 1 pregap = %d samples, want 88200", got)
	}
	if got := a.Tracks[2].Gap.Samples(44100); got != 88200 {
		t.Errorf("track 3 gap = %d samples, want 88200", got)
	}
	if a.Tracks[1].Artist != "A" {
		t.Errorf("track artist = %q, want the album artist", a.Tracks[1].Artist)
	}
	if a.Loudness.Match != MatchAlbum || a.Loudness.MaxTruePeak != -1 || a.Loudness.Target != nil || a.Dither.Type != DitherTPDF {
		t.Errorf("loudness/dither defaults = %+v %+v", a.Loudness, a.Dither)
	}
	// The sequence defaults apply to tracks written before [sequence].
	b, _ := Decode("album.toml", []byte(head+tracks(2)+"[sequence]\ngap = \"500ms\"\nfade_out = \"1s\"\n"))
	if got := b.Tracks[1].Gap.Samples(1000); got != 500 {
		t.Errorf("gap with [sequence] after the tracks = %d ms, want 500", got)
	}
	if got := b.Tracks[0].FadeOut.Samples(1000); got != 1000 {
		t.Errorf("fade-out with [sequence] after the tracks = %d ms, want 1000", got)
	}
	// Without a CD delivery, CD-Text rules do not apply.
	c, probs := Decode("album.toml", []byte(head+"[[track]]\nfile = \"a.flac\"\ntitle = \"夜\"\n[[delivery]]\nkind = \"flac\"\n"))
	if err := probs.Err(); err != nil || c.Tracks[0].Title != "夜" {
		t.Errorf("non-Latin-1 title with no CD delivery: %v", err)
	}
}
