package cdda

import (
	"fmt"
	"strings"
)

// NormalizeISRC turns an ISRC as a user may type it (lowercase, with
// dashes or spaces) into the 12-character compact upper-case form and
// checks it. ref: docs/cd-formats.md §3, §8 item 10
func NormalizeISRC(s string) (string, error) {
	c := strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(s))
	if err := CheckISRC(c); err != nil {
		return "", err
	}
	return c, nil
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
	if len(s) != 12 {
		return fmt.Errorf("ISRC %q has %d characters, want 12 (CC-XXX-YY-NNNNN, written without dashes)", s, len(s))
	}
	for i := 0; i < 12; i++ {
		c := s[i]
		upper := c >= 'A' && c <= 'Z'
		digit := c >= '0' && c <= '9'
		switch {
		case i < 2 && !upper:
			return fmt.Errorf("ISRC %q: country code %q must be two letters A-Z", s, s[:2])
		case i >= 2 && i < 5 && !upper && !digit:
			return fmt.Errorf("ISRC %q: registrant code %q must be A-Z or 0-9", s, s[2:5])
		case i >= 5 && !digit:
			return fmt.Errorf("ISRC %q: year and designation %q must be digits", s, s[5:])
		}
	}
	return nil
}

// NormalizeUPC turns a UPC-A (12 digits) or EAN-13 (13 digits) into the
// 13-digit form (UPC-A gets a leading 0) and checks its check digit.
func NormalizeUPC(s string) (string, error) {
	if len(s) == 12 {
		s = "0" + s
	}
	if err := CheckUPC(s); err != nil {
		return "", err
	}
	return s, nil
}

// CheckUPC reports whether s is a 13-digit EAN-13 with a valid check
// digit: weights 1,3,1,3,… from the left over the first 12 digits,
// check = (10 − sum mod 10) mod 10. ref: docs/cd-formats.md §3
func CheckUPC(s string) error {
	if err := upcProblem(s); err != nil {
		return fmt.Errorf("cdda: %w", err)
	}
	return nil
}

// upcProblem is CheckUPC without the package prefix, for field errors.
func upcProblem(s string) error {
	if len(s) != 13 {
		return fmt.Errorf("UPC/EAN %q has %d characters, want 13 digits", s, len(s))
	}
	sum := 0
	for i := 0; i < 13; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return fmt.Errorf("UPC/EAN %q: %q is not a digit", s, c)
		}
		if i < 12 {
			sum += int(c-'0') * (1 + 2*(i%2))
		}
	}
	if want := byte('0' + (10-sum%10)%10); s[12] != want {
		return fmt.Errorf("UPC/EAN %q: check digit is %c, want %c", s, s[12], want)
	}
	return nil
}
