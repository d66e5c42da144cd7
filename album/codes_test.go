package album

import "testing"

func TestParseTime(t *testing.T) {
	tests := []struct {
		in      string
		samples int64 // at 44.1 kHz
	}{
		{"0", 0},
		{"2s", 88200},
		{"2.5s", 110250},
		{"500ms", 22050},
		{"0.5ms", 22}, // 22.05 rounds down
		{"150f", 88200},
		{"1f", 588},
		{"1:23.456", 3680410}, // 83.456 s = 3680409.6 samples, rounded
		{"1:02:03.5", (3723*1000 + 500) * 441 / 10},
		{"0:00.010", 441},
		{"79:59.986", 211679383}, // 4799.986 s = 211679382.6 samples
		{"1.000000001s", 44100},
	}
	for _, tt := range tests {
		tm, err := ParseTime(tt.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tt.in, err)
			continue
		}
		if got := tm.Samples(44100); got != tt.samples {
			t.Errorf("ParseTime(%q).Samples(44100) = %d, want %d", tt.in, got, tt.samples)
		}
		back, err := ParseTime(tm.String())
		if err != nil || back.Samples(96000) != tm.Samples(96000) {
			t.Errorf("ParseTime(%q).String() = %q does not parse back to the same time (%v)", tt.in, tm.String(), err)
		}
	}
	// CD frames are exact at every rate.
	f, _ := ParseTime("7f")
	for _, r := range []int{44100, 48000, 88200, 96000, 176400, 192000} {
		if got, want := f.Samples(r), int64(7*r/75); got != want {
			t.Errorf("7f at %d Hz = %d samples, want %d", r, got, want)
		}
	}
}

func TestParseTimeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `empty time (want "2s", "500ms", "150f", "1:23.456" or "1:02:03.5")`},
		{"2", `"2" has no unit (want "2s", "500ms", "150f", "1:23.456" or "1:02:03.5")`},
		{"2x", `"2x" has no unit (want "2s", "500ms", "150f", "1:23.456" or "1:02:03.5")`},
		{"-2s", `"-2s" is negative (times are durations from the start)`},
		{"1.5f", `"1.5f": CD frames must be a whole number, like "150f"`},
		{"1:2", `"1:2": seconds must be two digits 00-59 (want m:ss.fff or h:mm:ss.fff)`},
		{"1:75", `"1:75": seconds must be below 60`},
		{"1:60:00", `"1:60:00": minutes must be two digits 00-59 in h:mm:ss`},
		{"1:2:3:4", `"1:2:3:4" has too many colons (want m:ss.fff or h:mm:ss.fff)`},
		{"s", `"s": not a number (want "2s", "500ms", "150f", "1:23.456" or "1:02:03.5")`},
		{"1.s", `"1.s": not a number (want "2s", "500ms", "150f", "1:23.456" or "1:02:03.5")`},
		{"0.0000000001s", `"0.0000000001s": more than 9 decimals`},
		{"400000s", `"400000s": longer than 100 hours`},
	}
	for _, tt := range tests {
		_, err := ParseTime(tt.in)
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseTime(%q) error = %v, want %s", tt.in, err, tt.want)
		}
	}
}

func TestISRC(t *testing.T) {
	for in, want := range map[string]ISRC{
		"GB-EXM-26-00001": "GBEXM2600001",
		"usrc17607839":    "USRC17607839",
		"US-S1Z-99-00001": "USS1Z9900001",
	} {
		got, err := ParseISRC(in)
		if err != nil || got != want {
			t.Errorf("ParseISRC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if got := ISRC("GBEXM2600001").Dashed(); got != "GB-EXM-26-00001" {
		t.Errorf("Dashed() = %q", got)
	}
	for in, want := range map[string]string{
		"USRC1234567":      `"USRC1234567" has 11 characters, want 12 (CC-XXX-YY-NNNNN)`,
		"1SRC17607839":     `"1SRC17607839": character 1 "1" of the country code must be a letter (CC-XXX-YY-NNNNN)`,
		"US_C17607839":     `"US_C17607839": character 3 "_" of the registrant code must be a letter or digit (CC-XXX-YY-NNNNN)`,
		"USRC1760783X":     `"USRC1760783X": character 12 "X" of the year and designation must be a digit (CC-XXX-YY-NNNNN)`,
		"US-RC1-76-07839 ": `"US-RC1-76-07839 " has 13 characters, want 12 (CC-XXX-YY-NNNNN)`,
	} {
		if _, err := ParseISRC(in); err == nil || err.Error() != want {
			t.Errorf("ParseISRC(%q) error = %v, want %s", in, err, want)
		}
	}
}

func TestUPC(t *testing.T) {
	// Check digits from the EAN-13 rule in docs/cd-formats.md §3; the
	// first two are that document's own examples.
	for in, want := range map[string]UPC{
		"5012345678900":   "5012345678900",
		"0123456789012":   "0123456789012",
		"036000291452":    "0036000291452", // UPC-A, as printed on a Wrigley's pack
		"4 006381 333931": "4006381333931", // EAN-13 with print spacing
	} {
		got, err := ParseUPC(in)
		if err != nil || got != want {
			t.Errorf("ParseUPC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"5012345678901": `"5012345678901": check digit is 1, want 0`,
		"036000291453":  `"036000291453": check digit is 3, want 2`,
		"12345":         `"12345" has 5 digits, want 12 (UPC-A) or 13 (EAN-13)`,
		"50123456789O0": `"50123456789O0" has characters other than digits (want 12 digits UPC-A or 13 digits EAN-13)`,
	} {
		if _, err := ParseUPC(in); err == nil || err.Error() != want {
			t.Errorf("ParseUPC(%q) error = %v, want %s", in, err, want)
		}
	}
}

func TestMSF(t *testing.T) {
	for s, want := range map[int64]string{0: "00:00:00", 150: "00:02:00", 1838: "00:24:38", 449999: "99:59:74", 359999: "79:59:74"} {
		if got := MSF(s); got != want {
			t.Errorf("MSF(%d) = %s, want %s", s, got, want)
		}
	}
}
