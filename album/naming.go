package album

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxNameBytes bounds a file name built from a template, extension
// included, well under the 255 bytes most file systems allow.
const MaxNameBytes = 200

// FileName returns the name of track's file (track counts from 1) in
// delivery d: d.Naming filled in from the album and track, made safe as a
// file name (see SafeName), with the delivery's extension.
func (d *Delivery) FileName(a *Album, track int) (string, error) {
	return a.Name(d.Naming, track, d.Ext())
}

// Name fills in the naming template tmpl for track (from 1; 0 names the
// album as a whole, where track fields are empty) and adds ext, if not
// empty, after a dot, unless the template already ends the name with
// ".{ext}". The result is a safe file name (SafeName).
func (a *Album) Name(tmpl string, track int, ext string) (string, error) {
	parts, err := parseTemplate(tmpl)
	if err != nil {
		return "", fmt.Errorf("naming %q: %v", tmpl, err)
	}
	if track < 0 || track > len(a.Tracks) {
		return "", fmt.Errorf("naming %q: no track %d", tmpl, track)
	}
	var t *Track
	if track > 0 {
		t = &a.Tracks[track-1]
	}
	var b strings.Builder
	for _, p := range parts {
		if p.field == "" {
			b.WriteString(p.lit)
			continue
		}
		v := a.field(p.field, t, track, ext)
		if p.width > 0 && v != "" {
			v = strings.Repeat("0", max(0, p.width-len(v))) + v
		}
		b.WriteString(v)
	}
	stem, suffix := b.String(), ""
	if ext != "" {
		suffix = "." + ext
		stem, _ = strings.CutSuffix(stem, suffix)
	}
	return SafeName(stem, MaxNameBytes-len(suffix)) + suffix, nil
}

// field returns the value of a template field.
func (a *Album) field(name string, t *Track, track int, ext string) string {
	num := func(n int) string {
		if n <= 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	switch name {
	case "track":
		return num(track)
	case "tracks":
		return num(len(a.Tracks))
	case "disc":
		return num(a.Disc)
	case "discs":
		return num(a.Discs)
	case "album":
		return a.Title
	case "albumartist":
		return a.Artist
	case "upc":
		return string(a.UPC)
	case "catalog":
		return a.CatalogNumber
	case "label":
		return a.Label
	case "year":
		if len(a.ReleaseDate) >= 4 {
			return a.ReleaseDate[:4]
		}
		return ""
	case "ext":
		return ext
	}
	if t == nil {
		if name == "artist" {
			return a.Artist
		}
		return ""
	}
	switch name {
	case "title":
		return t.Title
	case "artist":
		return t.Artist
	case "isrc":
		return string(t.ISRC)
	}
	return ""
}

// SafeName makes s a portable file name of at most maxBytes bytes. The
// text is NFC-normalized, so that a name compares and sorts the same on
// every file system (macOS stores NFD) and every script and emoji is
// kept; path separators, control characters and the characters Windows
// reserves (< > : " / \ | ? *) become "_", runs of spaces collapse,
// leading dots and trailing dots and spaces go, a Windows device name
// (CON, NUL, COM1, ...) gets a trailing "_", and an empty result
// becomes "_". Valid UTF-8 is kept (invalid bytes become "_") and the
// length is cut on a character boundary.
func SafeName(s string, maxBytes int) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	space := false
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			r = '_'
		case unicode.IsControl(r) || strings.ContainsRune(`<>:"/\|?*`, r):
			r = '_'
		case unicode.IsSpace(r):
			if space {
				continue
			}
			r = ' '
		}
		space = r == ' '
		b.WriteRune(r)
	}
	out := strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	for len(out) > maxBytes {
		_, size := utf8.DecodeLastRuneInString(out)
		out = out[:len(out)-size]
	}
	out = strings.TrimRight(out, ". ")
	if out == "" {
		return "_"
	}
	base, _, _ := strings.Cut(out, ".")
	switch u := strings.ToUpper(base); u {
	case "CON", "PRN", "AUX", "NUL":
		out += "_"
	default:
		if len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '1' && u[3] <= '9' {
			out += "_"
		}
	}
	return out
}

// FileNames returns the names of the files of d's tracks, in track order,
// as FileName makes them, and checks them before anything is written: two
// tracks whose names are equal when case is folded (as macOS and Windows
// compare them) are an error that names the tracks and the name.
func (d *Delivery) FileNames(a *Album) ([]string, error) {
	names := make([]string, len(a.Tracks))
	for i := range names {
		var err error
		if names[i], err = d.FileName(a, i+1); err != nil {
			return nil, fmt.Errorf("album: delivery %q: %w", d.Name, err)
		}
	}
	fold := cases.Fold()
	group := map[string]int{} // folded name -> index in groups
	var groups [][]int        // tracks (from 0) sharing a folded name
	for i, name := range names {
		key := fold.String(name)
		g, ok := group[key]
		if !ok {
			g = len(groups)
			group[key] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	var clashes []string
	for _, g := range groups {
		if len(g) < 2 {
			continue
		}
		nums := make([]string, len(g))
		var seen []string
		for k, i := range g {
			nums[k] = strconv.Itoa(i + 1)
			if q := strconv.Quote(names[i]); !slices.Contains(seen, q) {
				seen = append(seen, q)
			}
		}
		clashes = append(clashes, fmt.Sprintf("tracks %s and %s get the file name %s",
			strings.Join(nums[:len(g)-1], ", "), nums[len(g)-1], strings.Join(seen, " / ")))
	}
	if clashes != nil {
		return nil, fmt.Errorf("album: delivery %q: naming %q: %s (names are compared without regard to case); add a field that differs, such as {track}",
			d.Name, d.Naming, strings.Join(clashes, "; "))
	}
	return names, nil
}
