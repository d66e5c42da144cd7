package report

import (
	"fmt"
	"math"
	"strings"
)

// The report prints numbers with a true minus sign (U+2212), which lines
// up with the plus sign and the digits in tabular figures.
const minus = "\u2212"

const dash = "\u2014" // an absent value

// num formats v with prec decimals: "—" for NaN, "−∞" for silence.
func num(v float64, prec int) string {
	switch {
	case math.IsNaN(v):
		return dash
	case math.IsInf(v, -1):
		return minus + "\u221e"
	case math.IsInf(v, 1):
		return "+\u221e"
	}
	s := fmt.Sprintf("%.*f", prec, v)
	if strings.Trim(s, "-0.") == "" { // −0.0 prints as 0.0
		s = strings.TrimPrefix(s, "-")
	}
	return strings.Replace(s, "-", minus, 1)
}

// signed formats a gain with its sign: "+1.50", "−3.25", "0.00".
func signed(v float64, prec int) string {
	s := num(v, prec)
	if !math.IsNaN(v) && !math.IsInf(v, 0) && !strings.HasPrefix(s, minus) && strings.Trim(s, "0.") != "" {
		s = "+" + s
	}
	return s
}

// clock formats seconds as m:ss, or h:mm:ss from an hour on, rounded to
// the second.
func clock(sec float64) string {
	s := int64(math.Round(sec))
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// rate formats a sample rate in kHz: "44.1 kHz", "96 kHz".
func rate(hz int) string {
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", float64(hz)/1000), "0"), ".") + " kHz"
}

// plural returns "1 track", "2 tracks".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
