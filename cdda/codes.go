package cdda

import (
	"fmt"

	"github.com/lathe-audio/lathe/album"
)

// The ISRC and UPC rules are album's (album.ParseISRC, album.ParseUPC);
// on a disc, codes are always in their compact stored form.
// ref: docs/cd-formats.md §3, §8 item 10

// NormalizeISRC turns an ISRC as a user may type it (lowercase, with
// dashes) into the 12-character compact upper-case form and checks it.
func NormalizeISRC(s string) (string, error) {
	v, err := album.ParseISRC(s)
	if err != nil {
		return "", fmt.Errorf("cdda: ISRC %w", err)
	}
	return string(v), nil
}

// CheckISRC reports whether s is a compact ISRC:
// ^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$ (country, registrant, year, designation).
func CheckISRC(s string) error {
	if err := isrcProblem(s); err != nil {
		return fmt.Errorf("cdda: %w", err)
	}
	return nil
}

// isrcProblem is CheckISRC without the package prefix, for field errors.
func isrcProblem(s string) error {
	v, err := album.ParseISRC(s)
	switch {
	case err != nil:
		return fmt.Errorf("ISRC %w", err)
	case string(v) != s:
		return fmt.Errorf("ISRC %q must be written compact and upper-case, as %s", s, v)
	}
	return nil
}

// NormalizeUPC turns a UPC-A (12 digits) or EAN-13 (13 digits) into the
// 13-digit form (UPC-A gets a leading 0) and checks its check digit.
func NormalizeUPC(s string) (string, error) {
	v, err := album.ParseUPC(s)
	if err != nil {
		return "", fmt.Errorf("cdda: UPC/EAN %w", err)
	}
	return string(v), nil
}

// CheckUPC reports whether s is a 13-digit EAN-13 with a valid check digit.
func CheckUPC(s string) error {
	if err := upcProblem(s); err != nil {
		return fmt.Errorf("cdda: %w", err)
	}
	return nil
}

// upcProblem is CheckUPC without the package prefix, for field errors.
func upcProblem(s string) error {
	v, err := album.ParseUPC(s)
	switch {
	case err != nil:
		return fmt.Errorf("UPC/EAN %w", err)
	case string(v) != s:
		return fmt.Errorf("UPC/EAN %q must be written as 13 digits, as %s", s, v)
	}
	return nil
}
