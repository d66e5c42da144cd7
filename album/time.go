package album

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Time is a duration written in the project file. It is held exactly, as a
// whole number of nanoseconds or of CD frames (1/75 s), so that it converts
// to an integer sample count at any rate without floating-point drift.
//
// Accepted spellings: "0", "2s", "2.5s", "500ms", "150f" (CD frames),
// "1:23.456" (m:ss.fff) and "1:02:03.5" (h:mm:ss.fff).
type Time struct {
	n    int64 // count of units
	unit int64 // units per second: 1e9 (decimal input) or 75 (CD frames)
}

const nanosPerSecond = 1_000_000_000

// Seconds returns the Time of a whole number of seconds.
func Seconds(s int64) Time { return Time{n: s, unit: 1} }

// Millis returns the Time of a whole number of milliseconds.
func Millis(ms int64) Time { return Time{n: ms, unit: 1000} }

// Frames returns the Time of n CD frames (sectors) of 1/75 s.
func Frames(n int64) Time { return Time{n: n, unit: 75} }

// IsZero reports whether t is zero.
func (t Time) IsZero() bool { return t.n == 0 }

// Samples converts t to a sample count at rate, rounding half up.
func (t Time) Samples(rate int) int64 {
	if t.n == 0 {
		return 0
	}
	return mulDivRound(t.n, int64(rate), t.unit)
}

// Less reports whether t is shorter than u.
func (t Time) Less(u Time) bool {
	// Compare t.n/t.unit with u.n/u.unit exactly. The zero Time has no unit.
	tu, uu := max(t.unit, 1), max(u.unit, 1)
	hi1, lo1 := bits.Mul64(uint64(t.n), uint64(uu))
	hi2, lo2 := bits.Mul64(uint64(u.n), uint64(tu))
	return hi1 < hi2 || (hi1 == hi2 && lo1 < lo2)
}

// mulDivRound returns round(a*b/c) for non-negative a, b and positive c,
// exact for any int64 operands whose result fits.
func mulDivRound(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	lo, carry := bits.Add64(lo, uint64(c)/2, 0)
	hi += carry
	if hi >= uint64(c) {
		panic("album: time value out of range")
	}
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}

// String formats t in the shortest spelling Decode accepts.
func (t Time) String() string {
	switch {
	case t.n == 0:
		return "0"
	case t.unit == 75:
		return strconv.FormatInt(t.n, 10) + "f"
	}
	ns := mulDivRound(t.n, nanosPerSecond, t.unit)
	s := strconv.FormatInt(ns/nanosPerSecond, 10)
	if frac := ns % nanosPerSecond; frac != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", frac), "0")
	}
	return s + "s"
}

// MarshalText implements encoding.TextMarshaler.
func (t Time) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *Time) UnmarshalText(b []byte) error {
	v, err := ParseTime(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

const timeSpellings = `"2s", "500ms", "150f", "1:23.456" or "1:02:03.5"`

// ParseTime parses a project-file time.
func ParseTime(s string) (Time, error) {
	if s == "0" {
		return Time{}, nil
	}
	if s == "" {
		return Time{}, fmt.Errorf("empty time (want %s)", timeSpellings)
	}
	if strings.HasPrefix(s, "-") {
		return Time{}, fmt.Errorf("%q is negative (times are durations from the start)", s)
	}
	if strings.Contains(s, ":") {
		return parseClock(s)
	}
	switch {
	case strings.HasSuffix(s, "ms"):
		ns, err := parseDecimal(s[:len(s)-2], 6)
		if err != nil {
			return Time{}, fmt.Errorf("%q: %v", s, err)
		}
		return Time{n: ns, unit: nanosPerSecond}, nil
	case strings.HasSuffix(s, "s"):
		ns, err := parseDecimal(s[:len(s)-1], 9)
		if err != nil {
			return Time{}, fmt.Errorf("%q: %v", s, err)
		}
		return Time{n: ns, unit: nanosPerSecond}, nil
	case strings.HasSuffix(s, "f"):
		n, err := strconv.ParseInt(s[:len(s)-1], 10, 64)
		if err != nil || n < 0 || !allDigits(s[:len(s)-1]) {
			return Time{}, fmt.Errorf("%q: CD frames must be a whole number, like \"150f\"", s)
		}
		if n > 100*3600*75 {
			return Time{}, fmt.Errorf("%q is longer than 100 hours", s)
		}
		return Time{n: n, unit: 75}, nil
	}
	return Time{}, fmt.Errorf("%q has no unit (want %s)", s, timeSpellings)
}

// parseClock parses m:ss.fff and h:mm:ss.fff.
func parseClock(s string) (Time, error) {
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return Time{}, fmt.Errorf("%q has too many colons (want m:ss.fff or h:mm:ss.fff)", s)
	}
	var whole int64 // minutes
	for i, p := range parts[:len(parts)-1] {
		if !allDigits(p) || p == "" {
			return Time{}, fmt.Errorf("%q: %q is not a whole number (want m:ss.fff or h:mm:ss.fff)", s, p)
		}
		v, err := strconv.ParseInt(p, 10, 64)
		if err != nil || v > 100*60 {
			return Time{}, fmt.Errorf("%q: %q is out of range", s, p)
		}
		if i > 0 && (len(p) != 2 || v > 59) {
			return Time{}, fmt.Errorf("%q: minutes must be two digits 00-59 in h:mm:ss", s)
		}
		whole = whole*60 + v
	}
	last := parts[len(parts)-1]
	intPart, _, _ := strings.Cut(last, ".")
	if len(intPart) != 2 {
		return Time{}, fmt.Errorf("%q: seconds must be two digits 00-59 (want m:ss.fff or h:mm:ss.fff)", s)
	}
	ns, err := parseDecimal(last, 9)
	if err != nil {
		return Time{}, fmt.Errorf("%q: %v", s, err)
	}
	if ns >= 60*nanosPerSecond {
		return Time{}, fmt.Errorf("%q: seconds must be below 60", s)
	}
	if whole > 100*60 {
		return Time{}, fmt.Errorf("%q is longer than 100 hours", s)
	}
	return Time{n: whole*60*nanosPerSecond + ns, unit: nanosPerSecond}, nil
}

// parseDecimal parses a non-negative decimal number as nanoseconds, where
// scale is 9 for seconds and 6 for milliseconds. Digits beyond a
// nanosecond are refused rather than rounded.
func parseDecimal(s string, scale int) (int64, error) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || !allDigits(intPart) || (hasDot && (frac == "" || !allDigits(frac))) {
		return 0, fmt.Errorf("not a number (want %s)", timeSpellings)
	}
	if len(frac) > scale {
		return 0, fmt.Errorf("more than %d decimals", scale)
	}
	if len(intPart) > 7 {
		return 0, fmt.Errorf("longer than 100 hours")
	}
	v, _ := strconv.ParseInt(intPart+frac+strings.Repeat("0", scale-len(frac)), 10, 64)
	if v > 100*3600*nanosPerSecond {
		return 0, fmt.Errorf("longer than 100 hours")
	}
	return v, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MSF formats a count of CD sectors as mm:ss:ff.
func MSF(sectors int64) string {
	return fmt.Sprintf("%02d:%02d:%02d", sectors/4500, sectors/75%60, sectors%75)
}
