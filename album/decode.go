package album

import (
	"encoding"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// Decode reads a project file. name is used in messages (normally the path
// as the user gave it). The album it returns has every default applied.
//
// Problems lists every unknown key, wrong type and bad value at once, each
// with its line, column and key path, followed by the problems Validate
// finds. The album is nil only when the file is not valid TOML.
func Decode(name string, data []byte) (*Album, Problems) {
	if p := syntaxProblem(name, data); p != nil {
		return nil, Problems{p}
	}
	root, err := parseTree(data)
	if err != nil {
		return nil, Problems{{File: name, Msg: "invalid TOML: " + err.Error()}}
	}
	d := &decoder{problems: problems{file: name, pos: positions{}}}
	a := d.album(root)
	a.File = name
	a.pos = d.pos
	d.list = append(d.list, a.Validate()...)
	d.list.sort()
	return a, d.list
}

type decoder struct {
	problems
}

// section reads the keys of one table of the project file.
type section struct {
	d    *decoder
	t    *ttable
	path string
	seen map[string]bool
}

func (d *decoder) section(t *ttable, path string) *section {
	if t == nil {
		t = newTable(position{})
	}
	if t.at != (position{}) {
		d.pos[path] = t.at
	}
	return &section{d: d, t: t, path: path, seen: map[string]bool{}}
}

func (s *section) keyPath(key string) string {
	if s.path == "" {
		return key
	}
	return s.path + "." + key
}

// value returns the plain value of key, or nil when the key is absent.
func (s *section) value(key string) *tval {
	s.seen[key] = true
	e, ok := s.t.ents[key]
	if !ok {
		return nil
	}
	if e.val == nil {
		s.d.pos[s.keyPath(key)] = e.key
		s.d.errorf(s.keyPath(key), "is a table, want a value")
		return nil
	}
	s.d.pos[s.keyPath(key)] = e.val.at
	return e.val
}

func kindName(v *tval) string {
	switch v.kind {
	case unstable.String:
		return fmt.Sprintf("%q is a string", v.data)
	case unstable.Integer:
		return v.data + " is an integer"
	case unstable.Float:
		return v.data + " is a number"
	case unstable.Bool:
		return v.data + " is a boolean"
	case unstable.Array:
		return "an array"
	case unstable.InlineTable:
		return "an inline table"
	}
	return v.data + " is a date or time"
}

func (s *section) wrongType(key string, v *tval, want string) {
	s.d.errorf(s.keyPath(key), "%s, want %s", kindName(v), want)
}

// typed returns v when it is of one of kinds; otherwise it reports a type
// error (want describes the expected value) and returns nil. A nil v
// (absent) gives nil without an error.
func (s *section) typed(key string, v *tval, want string, kinds ...unstable.Kind) *tval {
	if v == nil {
		return nil
	}
	for _, k := range kinds {
		if v.kind == k {
			return v
		}
	}
	s.wrongType(key, v, want)
	return nil
}

func (s *section) str(key string, dst *string) bool {
	v := s.typed(key, s.value(key), "a string", unstable.String)
	if v == nil {
		return false
	}
	*dst = v.data
	return true
}

// text decodes a string through dst's UnmarshalText; want describes the
// expected value for type errors.
func (s *section) text(key string, dst encoding.TextUnmarshaler, want string) bool {
	v := s.value(key)
	if v == nil {
		return false
	}
	return s.textValue(key, v, dst, want)
}

func (s *section) textValue(key string, v *tval, dst encoding.TextUnmarshaler, want string) bool {
	if s.typed(key, v, want, unstable.String) == nil {
		return false
	}
	if err := dst.UnmarshalText([]byte(v.data)); err != nil {
		s.d.errorf(s.keyPath(key), "%v", err)
		return false
	}
	return true
}

// time decodes a time: a string, or the integer 0.
func (s *section) time(key string, dst *Time) bool {
	v := s.value(key)
	if v == nil {
		return false
	}
	if v.kind == unstable.Integer && v.data == "0" {
		*dst = Time{}
		return true
	}
	return s.textValue(key, v, dst, "a time like "+timeSpellings)
}

func (s *section) float(key string, dst *float64, want string) bool {
	v := s.typed(key, s.value(key), want, unstable.Float, unstable.Integer)
	if v == nil {
		return false
	}
	f, err := parseNumber(v)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		s.d.errorf(s.keyPath(key), "%s is not a finite number, want %s", v.data, want)
		return false
	}
	*dst = f
	return true
}

func parseNumber(v *tval) (float64, error) {
	if v.kind == unstable.Integer {
		i, err := strconv.ParseInt(v.data, 0, 64)
		return float64(i), err
	}
	return strconv.ParseFloat(strings.ReplaceAll(v.data, "_", ""), 64)
}

func (s *section) int(key string, dst *int, want string) bool {
	v := s.typed(key, s.value(key), want, unstable.Integer)
	if v == nil {
		return false
	}
	i, err := strconv.ParseInt(v.data, 0, 64)
	if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
		s.d.errorf(s.keyPath(key), "%s is out of range, want %s", v.data, want)
		return false
	}
	*dst = int(i)
	return true
}

func (s *section) bool(key string, dst *bool) bool {
	v := s.typed(key, s.value(key), "true or false", unstable.Bool)
	if v == nil {
		return false
	}
	*dst = v.data == "true"
	return true
}

// sub returns the sub-table key, or nil when it is absent.
func (s *section) sub(key string) *ttable {
	s.seen[key] = true
	e, ok := s.t.ents[key]
	if !ok {
		return nil
	}
	switch {
	case e.table != nil:
		return e.table
	case e.val != nil && e.val.table != nil:
		return e.val.table
	}
	s.d.pos[s.keyPath(key)] = e.key
	s.d.errorf(s.keyPath(key), "must be a table [%s]", s.keyPath(key))
	return nil
}

// done reports every key of the table that no field read.
func (s *section) done() {
	var known []string
	for k := range s.seen {
		known = append(known, k)
	}
	slices.Sort(known)
	for _, k := range s.t.keys {
		if s.seen[k] {
			continue
		}
		e := s.t.ents[k]
		s.d.pos[s.keyPath(k)] = e.key
		msg := "unknown key"
		if s.path == "" {
			msg = "unknown table"
		}
		if alt := closest(k, known); alt != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", alt)
		} else if s.path != "" {
			msg += fmt.Sprintf(" (%s takes %s)", s.path, strings.Join(known, ", "))
		}
		s.d.errorf(s.keyPath(k), "%s", msg)
	}
}

// closest returns the known key nearest to k, if one is near enough to be a
// likely misspelling: the same key in other case, or within two edits.
func closest(k string, known []string) string {
	best, bestD := "", 3
	for _, c := range known {
		if strings.EqualFold(c, k) {
			return c
		}
		if d := editDistance(k, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// tables returns the [[key]] array of tables of the root.
func (s *section) tables(key string) []*ttable {
	s.seen[key] = true
	e, ok := s.t.ents[key]
	if !ok {
		return nil
	}
	if e.tables == nil {
		s.d.pos[key] = e.key
		s.d.errorf(key, "write each %s as its own [[%s]] table", key, key)
		return nil
	}
	return e.tables
}

func (s *section) table(key string) *ttable {
	s.seen[key] = true
	e, ok := s.t.ents[key]
	if !ok {
		return nil
	}
	if e.table == nil {
		s.d.pos[key] = e.key
		s.d.errorf(key, "must be a single table [%s]", key)
		return nil
	}
	return e.table
}

var releaseDate = regexp.MustCompile(`^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`)

func (d *decoder) album(root *ttable) *Album {
	a := &Album{
		Language: "English",
		CDText:   true,
		Disc:     1,
		Discs:    1,
		Sequence: Sequence{
			Gap:            Seconds(2),
			Pregap:         Seconds(2),
			FadeCurve:      CurveSCurve,
			CrossfadeCurve: CurveSine,
			MaxLength:      Frames(maxDiscSectors),
		},
		Loudness: Loudness{Match: MatchAlbum, MaxTruePeak: -1.0, OverCeiling: CeilingLimit},
		Dither:   Dither{Type: DitherTPDF},
	}
	top := d.section(root, "")

	s := d.section(top.table("album"), "album")
	s.str("title", &a.Title)
	s.str("artist", &a.Artist)
	s.text("upc", &a.UPC, "a UPC-A or EAN-13 string")
	s.str("catalog_number", &a.CatalogNumber)
	s.str("label", &a.Label)
	s.str("genre", &a.Genre)
	if v := s.value("release_date"); v != nil {
		switch {
		case v.kind == unstable.LocalDate || (v.kind == unstable.String && releaseDate.MatchString(v.data)):
			a.ReleaseDate = v.data
		case v.kind == unstable.String:
			d.errorf("album.release_date", "%q is not a date (want YYYY, YYYY-MM or YYYY-MM-DD)", v.data)
		default:
			s.wrongType("release_date", v, "a date like 2024-05-17")
		}
	}
	s.str("copyright", &a.Copyright)
	s.str("phonographic_copyright", &a.PhonographicCopyright)
	s.str("cover", &a.Cover)
	s.str("cover_embed", &a.CoverEmbed)
	s.str("master_id", &a.MasterID)
	s.str("songwriter", &a.Songwriter)
	s.str("composer", &a.Composer)
	s.str("arranger", &a.Arranger)
	s.str("message", &a.Message)
	s.str("language", &a.Language)
	s.bool("cdtext", &a.CDText)
	s.int("disc", &a.Disc, "a disc number")
	s.int("discs", &a.Discs, "a disc count")
	s.done()

	s = d.section(top.table("sequence"), "sequence")
	s.time("gap", &a.Sequence.Gap)
	s.time("pregap", &a.Sequence.Pregap)
	s.time("fade_in", &a.Sequence.FadeIn)
	s.time("fade_out", &a.Sequence.FadeOut)
	s.text("fade_curve", &a.Sequence.FadeCurve, "a fade curve name")
	s.text("crossfade_curve", &a.Sequence.CrossfadeCurve, "a fade curve name")
	s.time("max_length", &a.Sequence.MaxLength)
	s.done()

	s = d.section(top.table("loudness"), "loudness")
	a.Loudness = d.loudness(s).apply(a.Loudness)
	s.done()

	s = d.section(top.table("dither"), "dither")
	s.text("type", &a.Dither.Type, "a dither type")
	var seed int
	if s.int("seed", &seed, "an integer") {
		v := int64(seed)
		a.Dither.Seed = &v
	}
	s.done()

	for i, t := range top.tables("track") {
		a.Tracks = append(a.Tracks, d.track(a, t, i+1))
	}
	for i, t := range top.tables("delivery") {
		a.Deliveries = append(a.Deliveries, d.delivery(t, i+1))
	}
	if top.t.ents["delivery"] == nil {
		a.Deliveries = DefaultDeliveries()
	}
	top.done()
	return a
}

// loudness reads the keys of [loudness] or of a delivery's override.
func (d *decoder) loudness(s *section) *LoudnessOverride {
	o := &LoudnessOverride{}
	var m Match
	var target, tp float64
	var c Ceiling
	if s.text("match", &m, "a match mode") {
		o.Match = &m
	}
	if s.float("target", &target, "a loudness in LUFS") {
		o.Target = &target
	}
	if s.float("max_true_peak", &tp, "a level in dBTP") {
		o.MaxTruePeak = &tp
	}
	if s.text("over_ceiling", &c, "a ceiling policy") {
		o.OverCeiling = &c
	}
	return o
}

func (d *decoder) track(a *Album, t *ttable, n int) Track {
	tr := Track{
		FadeIn:         a.Sequence.FadeIn,
		FadeOut:        a.Sequence.FadeOut,
		FadeCurve:      a.Sequence.FadeCurve,
		CrossfadeCurve: a.Sequence.CrossfadeCurve,
	}
	// Sequence defaults may be written after the tracks; they are final
	// here because [sequence] was read first.
	tr.Gap = a.Sequence.Gap
	if n == 1 {
		tr.Gap = a.Sequence.Pregap
	}
	s := d.section(t, trackPath(n))
	s.str("file", &tr.File)
	s.str("title", &tr.Title)
	if !s.str("artist", &tr.Artist) {
		tr.Artist = a.Artist
	}
	s.text("isrc", &tr.ISRC, "an ISRC string")
	s.float("gain", &tr.Gain, "a gain in dB")
	gapSet := s.time("gap", &tr.Gap)
	if s.time("crossfade", &tr.Crossfade) && !gapSet && !tr.Crossfade.IsZero() && n > 1 {
		tr.Gap = Time{} // a crossfaded track has no gap unless one is written
	}
	s.time("start", &tr.Start)
	var end Time
	if s.time("end", &end) {
		tr.End = &end
	}
	s.time("fade_in", &tr.FadeIn)
	s.time("fade_out", &tr.FadeOut)
	s.text("fade_curve", &tr.FadeCurve, "a fade curve name")
	s.text("crossfade_curve", &tr.CrossfadeCurve, "a fade curve name")
	if v := s.typed("index", s.value("index"), "an array of times", unstable.Array); v != nil {
		for i, e := range v.elems {
			key := fmt.Sprintf("index[%d]", i+1)
			d.pos[s.keyPath(key)] = e.at
			var tm Time
			if e.kind == unstable.Integer && e.data == "0" {
				tr.Index = append(tr.Index, tm)
			} else if s.textValue(key, e, &tm, "a time like "+timeSpellings) {
				tr.Index = append(tr.Index, tm)
			}
		}
	}
	s.bool("pre_emphasis", &tr.PreEmphasis)
	s.bool("copy_permitted", &tr.CopyPermitted)
	s.bool("scms", &tr.SCMS)
	s.str("songwriter", &tr.Songwriter)
	s.str("composer", &tr.Composer)
	s.str("arranger", &tr.Arranger)
	s.str("message", &tr.Message)
	s.done()
	return tr
}

// deliveryKeys lists the keys each kind takes besides name, kind and
// loudness.
var deliveryKeys = map[Kind][]string{
	KindDDP:  {"isrc_packets"},
	KindCue:  {"per_track", "naming"},
	KindWAV:  {"rate", "bits", "gaps", "naming", "tags", "bwf", "files"},
	KindFLAC: {"rate", "bits", "compression", "gaps", "naming", "tags"},
	KindMP3:  {"rate", "bitrate", "quality", "gaps", "naming", "tags"},
}

// DefaultNaming is the file name template of per-track files.
const DefaultNaming = "{track:02} {artist} - {title}"

// defaultDelivery returns a delivery of kind k with the kind's defaults.
func defaultDelivery(k Kind) Delivery {
	d := Delivery{Name: string(k), Kind: k, Gaps: GapsAppend, Naming: DefaultNaming, Tags: true}
	switch k {
	case KindDDP:
		d.Rate, d.Bits, d.ISRCPackets = 44100, 16, ISRCBoth
	case KindCue:
		d.Rate, d.Bits, d.Naming = 44100, 16, "{artist} - {album}"
	case KindWAV:
		d.Bits, d.Files = 24, FilesTracks
	case KindFLAC:
		d.Bits, d.Compression = 24, 8
	case KindMP3:
		d.Rate, d.Bitrate = 44100, 320
	}
	return d
}

// DefaultDeliveries is what a project with no [[delivery]] builds: a DDP,
// an album WAV with its cue sheet, 24-bit FLAC at the source rate, MP3 at
// 320 kb/s and 16-bit 44.1 kHz WAV masters.
func DefaultDeliveries() []Delivery {
	wav := defaultDelivery(KindWAV)
	wav.Name, wav.Rate, wav.Bits = "wav-cd", 44100, 16
	return []Delivery{
		defaultDelivery(KindDDP),
		defaultDelivery(KindCue),
		defaultDelivery(KindFLAC),
		defaultDelivery(KindMP3),
		wav,
	}
}

func (d *decoder) delivery(t *ttable, n int) Delivery {
	path := deliveryPath(n)
	s := d.section(t, path)
	var kind Kind
	if !s.text("kind", &kind, "a delivery kind") {
		if _, ok := t.ents["kind"]; !ok {
			d.errorf(path, "kind is missing (want %s)", orList(kinds.values))
		}
		// Read the other keys anyway so that their own problems show.
		kind = KindWAV
		for k := range t.ents {
			s.seen[k] = true
		}
	}
	del := defaultDelivery(kind)
	s.str("name", &del.Name)
	allowed := deliveryKeys[kind]
	takes := func(k string) bool { return slices.Contains(allowed, k) }
	for _, k := range t.keys {
		if takes(k) || k == "name" || k == "kind" || k == "loudness" || s.seen[k] {
			continue
		}
		if others := kindsWith(k); others != "" {
			s.seen[k] = true
			d.pos[s.keyPath(k)] = t.ents[k].key
			d.errorf(s.keyPath(k), "does not apply to %s deliveries (it is for %s)", kind, others)
		}
	}
	if v := s.value("rate"); v != nil && takes("rate") {
		switch {
		case v.kind == unstable.String && v.data == "source":
			del.Rate = 0
		case v.kind == unstable.Integer:
			r, err := strconv.ParseInt(v.data, 0, 32)
			if err != nil {
				r = -1
			}
			del.Rate = int(r)
		default:
			s.wrongType("rate", v, `"source" or a rate in Hz`)
		}
	}
	if takes("bits") {
		s.int("bits", &del.Bits, "16, 24 or 32")
	}
	if takes("compression") {
		s.int("compression", &del.Compression, "a FLAC compression level 0-8")
	}
	if takes("bitrate") {
		s.int("bitrate", &del.Bitrate, "an MP3 bit rate in kb/s")
	}
	var q int
	if takes("quality") && s.int("quality", &q, "an MP3 VBR quality 0-9") {
		del.Quality = &q
		if t.ents["bitrate"] == nil {
			del.Bitrate = 0
		}
	}
	if takes("gaps") {
		s.text("gaps", &del.Gaps, "a gap mode")
	}
	if takes("naming") {
		s.str("naming", &del.Naming)
	}
	if takes("tags") {
		s.bool("tags", &del.Tags)
	}
	if takes("bwf") {
		s.bool("bwf", &del.BWF)
	}
	if takes("files") {
		s.text("files", &del.Files, "a file set")
	}
	if takes("per_track") {
		s.bool("per_track", &del.PerTrack)
	}
	if takes("isrc_packets") {
		s.text("isrc_packets", &del.ISRCPackets, "an ISRC placement")
	}
	if lt := s.sub("loudness"); lt != nil {
		ls := d.section(lt, path+".loudness")
		del.Loudness = d.loudness(ls)
		ls.done()
	}
	s.done()
	return del
}

// kindsWith names the delivery kinds that take key.
func kindsWith(key string) string {
	var ks []string
	for _, k := range kinds.values {
		if slices.Contains(deliveryKeys[Kind(k)], key) {
			ks = append(ks, k)
		}
	}
	return orList(ks)
}
