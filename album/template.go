package album

import (
	"fmt"
	"strconv"
	"strings"
)

// A naming template builds file names from album and track fields, e.g.
// "{track:02} {artist} - {title}". A numeric field takes a width with zero
// padding after a colon. The extension is added by the delivery.
var templateFields = map[string]bool{ // name -> numeric
	"track": true, "tracks": true, "disc": true, "discs": true,
	"title": false, "artist": false, "album": false, "albumartist": false,
	"isrc": false, "upc": false, "catalog": false, "label": false, "year": false,
	"ext": false,
}

type templatePart struct {
	lit   string
	field string
	width int
}

func parseTemplate(s string) ([]templatePart, error) {
	if s == "" {
		return nil, fmt.Errorf("is empty")
	}
	if strings.ContainsAny(s, `/\`) {
		return nil, fmt.Errorf("has a path separator; templates name files inside the delivery folder")
	}
	var parts []templatePart
	for s != "" {
		open := strings.IndexAny(s, "{}")
		if open < 0 {
			parts = append(parts, templatePart{lit: s})
			break
		}
		if s[open] == '}' {
			return nil, fmt.Errorf("has a } with no {")
		}
		if open > 0 {
			parts = append(parts, templatePart{lit: s[:open]})
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("has a { with no }")
		}
		name, spec, hasSpec := strings.Cut(s[open+1:open+end], ":")
		numeric, known := templateFields[name]
		if !known {
			var names []string
			for k := range templateFields {
				names = append(names, k)
			}
			if alt := closest(name, names); alt != "" {
				return nil, fmt.Errorf("has an unknown field {%s} (did you mean {%s}?)", name, alt)
			}
			return nil, fmt.Errorf("has an unknown field {%s}", name)
		}
		p := templatePart{field: name}
		if hasSpec {
			w, err := strconv.Atoi(spec)
			if !numeric || err != nil || len(spec) < 2 || spec[0] != '0' || w < 1 || w > 9 {
				return nil, fmt.Errorf("{%s:%s}: only track, tracks, disc and discs take a width, written like {track:02}", name, spec)
			}
			p.width = w
		}
		parts = append(parts, p)
		s = s[open+end+1:]
	}
	return parts, nil
}

// CheckTemplate reports whether s is a valid naming template.
func CheckTemplate(s string) error {
	_, err := parseTemplate(s)
	return err
}
