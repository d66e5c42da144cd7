package album

import (
	"fmt"
	"strings"
)

// ISRC is an International Standard Recording Code (ISO 3901), held in its
// compact 12-character upper-case form CCXXXYYNNNNN: country (2 letters),
// registrant (3 letters or digits), year (2 digits), designation (5 digits).
// Input may contain dashes and lower case; both are normalized away, as the
// IFPI ISRC handbook asks. The empty ISRC means the track has none.
type ISRC string

// ParseISRC validates and normalizes an ISRC.
func ParseISRC(s string) (ISRC, error) {
	compact := strings.ToUpper(strings.ReplaceAll(s, "-", ""))
	if n := len(compact); n != 12 {
		return "", fmt.Errorf("%q has %d characters, want 12 (CC-XXX-YY-NNNNN)", s, n)
	}
	for i := 0; i < 12; i++ {
		c := compact[i]
		letter := c >= 'A' && c <= 'Z'
		digit := c >= '0' && c <= '9'
		switch {
		case i < 2 && !letter:
			return "", fmt.Errorf("%q: character %d %q of the country code must be a letter (CC-XXX-YY-NNNNN)", s, i+1, string(c))
		case i >= 2 && i < 5 && !letter && !digit:
			return "", fmt.Errorf("%q: character %d %q of the registrant code must be a letter or digit (CC-XXX-YY-NNNNN)", s, i+1, string(c))
		case i >= 5 && !digit:
			return "", fmt.Errorf("%q: character %d %q of the year and designation must be a digit (CC-XXX-YY-NNNNN)", s, i+1, string(c))
		}
	}
	return ISRC(compact), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *ISRC) UnmarshalText(b []byte) error {
	v, err := ParseISRC(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Dashed returns the ISRC in its display form CC-XXX-YY-NNNNN.
func (c ISRC) Dashed() string {
	if len(c) != 12 {
		return string(c)
	}
	s := string(c)
	return s[:2] + "-" + s[2:5] + "-" + s[5:7] + "-" + s[7:]
}

// UPC is a release's bar code, the CD's Media Catalog Number: an EAN-13 held
// as 13 digits. A 12-digit UPC-A is stored with a leading zero, which is
// the same code in EAN-13 form. The empty UPC means the release has none.
type UPC string

// ParseUPC validates a UPC-A or EAN-13 code, including its check digit.
// Spaces and dashes, as printed under bar codes, are ignored.
func ParseUPC(s string) (UPC, error) {
	digits := strings.NewReplacer(" ", "", "-", "").Replace(s)
	if !allDigits(digits) {
		return "", fmt.Errorf("%q has characters other than digits (want 12 digits UPC-A or 13 digits EAN-13)", s)
	}
	switch len(digits) {
	case 12:
		digits = "0" + digits
	case 13:
	default:
		return "", fmt.Errorf("%q has %d digits, want 12 (UPC-A) or 13 (EAN-13)", s, len(digits))
	}
	if got, want := digits[12]-'0', EANCheckDigit(digits[:12]); got != want {
		return "", fmt.Errorf("%q: check digit is %d, want %d", s, got, want)
	}
	return UPC(digits), nil
}

// EANCheckDigit computes the EAN-13 check digit of the first 12 digits:
// weights 1, 3, 1, 3, ... from the left; check = (10 - sum mod 10) mod 10.
func EANCheckDigit(first12 string) byte {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(first12[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return byte((10 - sum%10) % 10)
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (u *UPC) UnmarshalText(b []byte) error {
	v, err := ParseUPC(string(b))
	if err != nil {
		return err
	}
	*u = v
	return nil
}
