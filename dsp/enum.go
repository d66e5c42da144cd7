package dsp

import (
	"fmt"
	"strings"
)

// enumName returns names[i], or type(i) for a value without a name.
func enumName(names []string, i int, typ string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

// parseEnum returns the index of s in names.
func parseEnum(names []string, s, what string) (int, error) {
	for i, n := range names {
		if s == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("dsp: unknown %s %q, want one of %s", what, s, strings.Join(names, ", "))
}
