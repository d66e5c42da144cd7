package manifest

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// sumLine is one line of MD5SUMS.
type sumLine struct{ path, md5 string }

// writeSums writes MD5SUMS into dir: one line per file of the manifest
// and one for manifest.json (whose bytes are data), sorted by path, in
// the format of md5sum (`md5sum -c MD5SUMS` from the bundle's root checks
// them).
func writeSums(dir string, m *Manifest, data []byte) error {
	sum := md5.Sum(data)
	lines := []sumLine{{Name, hex.EncodeToString(sum[:])}}
	for _, f := range m.Files {
		lines = append(lines, sumLine{f.Path, f.MD5})
	}
	slices.SortFunc(lines, func(a, b sumLine) int { return strings.Compare(a.path, b.path) })
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(formatSumLine(l))
	}
	if err := os.WriteFile(filepath.Join(dir, SumsName), b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

// formatSumLine formats a line as md5sum does in text mode: the hash, two
// spaces, the name. A name with a backslash or a newline is escaped and
// the line starts with a backslash.
func formatSumLine(l sumLine) string {
	name := l.path
	prefix := ""
	if strings.ContainsAny(name, "\\\n") {
		prefix = "\\"
		name = strings.NewReplacer("\\", "\\\\", "\n", "\\n").Replace(name)
	}
	return prefix + l.md5 + "  " + name + "\n"
}

// parseSums reads MD5SUMS as md5sum -c does: "<md5>  <name>" or
// "<md5> *<name>", escaped names after a leading backslash. Each line
// that cannot be read is a problem.
func parseSums(data []byte) ([]sumLine, []Problem) {
	var lines []sumLine
	var probs []Problem
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		s := sc.Text()
		escaped := strings.HasPrefix(s, "\\")
		if escaped {
			s = s[1:]
		}
		if len(s) < 35 || (s[32:34] != "  " && s[32:34] != " *") {
			probs = append(probs, Problem{File: SumsName, Message: fmt.Sprintf("line %d is not \"<md5>  <file>\"", n)})
			continue
		}
		sum, name := strings.ToLower(s[:32]), s[34:]
		if _, err := hex.DecodeString(sum); err != nil {
			probs = append(probs, Problem{File: SumsName, Message: fmt.Sprintf("line %d: %q is not an MD5", n, s[:32])})
			continue
		}
		if escaped {
			name = strings.NewReplacer("\\\\", "\\", "\\n", "\n").Replace(name)
		}
		lines = append(lines, sumLine{name, sum})
	}
	if err := sc.Err(); err != nil {
		probs = append(probs, Problem{File: SumsName, Message: err.Error()})
	}
	return lines, probs
}
