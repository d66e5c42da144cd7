package manifest

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/lathe-audio/lathe/ddp"
	"github.com/lathe-audio/lathe/render"
)

// Problem is one finding of Verify.
type Problem struct {
	File    string // bundle path of the file it concerns; "" for the bundle as a whole
	Warning bool   // worth showing, but not a failure
	Message string // what differs, lowercase, without the file name
}

func (p Problem) String() string {
	f := p.File
	if f == "" {
		f = "bundle"
	}
	return f + ": " + p.Message
}

// Verify re-reads the bundle in dir and checks it against its
// manifest.json: every listed file present and no other, each file's
// size, SHA-256, MD5, decoded audio (format, length, PCM MD5) and tags,
// every track's PCM MD5 and length in the file that holds it, every line
// of MD5SUMS (which must cover every file and manifest.json), and every
// DDP folder of a ddp delivery with ddp.Verify. The manifest is nil when
// manifest.json cannot be read; MD5SUMS is still checked then.
func Verify(dir string) (*Manifest, []Problem) {
	var probs []Problem
	add := func(file string, format string, args ...any) {
		probs = append(probs, Problem{File: file, Message: fmt.Sprintf(format, args...)})
	}
	onDisk, err := listBundle(dir)
	if err != nil {
		add("", "%v", err)
		return nil, probs
	}
	actual := map[string]string{} // MD5 of the files read
	m, err := Read(filepath.Join(dir, Name))
	if err != nil {
		add(Name, "cannot be read: %v", err)
	} else {
		probs = append(probs, verifyFiles(dir, m, onDisk, actual)...)
	}
	probs = append(probs, verifySums(dir, m, onDisk, actual)...)
	if m != nil {
		for _, d := range m.Deliveries {
			if d.Kind != "ddp" {
				continue
			}
			folder := path.Join(d.Name, render.DDPFolder)
			for _, p := range ddp.Verify(os.DirFS(filepath.Join(dir, filepath.FromSlash(folder)))) {
				f := folder
				if p.File != "" {
					f = path.Join(folder, p.File)
				}
				probs = append(probs, Problem{File: f, Warning: p.Warning, Message: "ddp: " + p.Detail})
			}
		}
	}
	return m, probs
}

// verifyFiles compares every file with its manifest entry, and lists the
// files on disk that the manifest does not. It records the MD5 of each
// file read in actual.
func verifyFiles(dir string, m *Manifest, onDisk []string, actual map[string]string) []Problem {
	var probs []Problem
	add := func(file string, format string, args ...any) {
		probs = append(probs, Problem{File: file, Message: fmt.Sprintf(format, args...)})
	}
	// The tracks each file holds.
	type trackRef struct {
		delivery string
		t        *Track
	}
	refs := map[string][]trackRef{}
	for i := range m.Deliveries {
		d := &m.Deliveries[i]
		for k := range d.Tracks {
			t := &d.Tracks[k]
			refs[t.File] = append(refs[t.File], trackRef{d.Name, t})
		}
	}
	listed := map[string]bool{}
	for _, want := range m.Files {
		listed[want.Path] = true
		if !slices.Contains(onDisk, want.Path) {
			add(want.Path, "missing")
			continue
		}
		var spans []span
		for _, r := range refs[want.Path] {
			spans = append(spans, span{r.t.Start, r.t.Start + r.t.Samples})
		}
		got, sc, err := describe(dir, want.Path, spans, false, nil, nil) // read independently of the build
		if got.MD5 != "" {
			actual[want.Path] = got.MD5
		}
		if got.Size != want.Size && got.SHA256 != "" {
			add(want.Path, "size %d bytes, the manifest says %d", got.Size, want.Size)
		}
		if got.SHA256 != want.SHA256 && got.SHA256 != "" {
			add(want.Path, "SHA-256 %s, the manifest says %s", got.SHA256, want.SHA256)
		}
		if got.MD5 != want.MD5 && got.MD5 != "" {
			add(want.Path, "MD5 %s, the manifest says %s", got.MD5, want.MD5)
		}
		if err != nil {
			add(want.Path, "cannot be read as %s: %v", audioFormat(want.Audio), err)
			continue
		}
		switch ga, wa := got.Audio, want.Audio; {
		case ga == nil && wa != nil:
			add(want.Path, "is not %s audio any more", wa.Format)
			continue
		case ga != nil && wa == nil:
			add(want.Path, "is %s audio, the manifest lists no audio", ga.Format)
		case ga != nil:
			if g, w := audioLine(ga), audioLine(wa); g != w {
				add(want.Path, "audio %s, the manifest says %s", g, w)
			}
			if ga.PCMMD5 != wa.PCMMD5 {
				add(want.Path, "PCM MD5 %s, the manifest says %s", ga.PCMMD5, wa.PCMMD5)
			}
			for _, r := range refs[want.Path] {
				sr, ok := sc.span(r.t.Start, r.t.Start+r.t.Samples)
				switch {
				case !ok:
				case sr.frames != r.t.Samples:
					add(want.Path, "delivery %q track %d: %d frames from frame %d, the manifest says %d", r.delivery, r.t.Number, sr.frames, r.t.Start, r.t.Samples)
				case sr.md5 != r.t.PCMMD5:
					add(want.Path, "delivery %q track %d: PCM MD5 %s, the manifest says %s", r.delivery, r.t.Number, sr.md5, r.t.PCMMD5)
				}
			}
		}
		probs = append(probs, compareTags(want.Path, got.Tags, want.Tags)...)
	}
	for _, p := range onDisk {
		if !listed[p] {
			add(p, "not listed in the manifest")
		}
	}
	return probs
}

func audioFormat(a *Audio) string {
	if a == nil {
		return "a file"
	}
	return a.Format
}

// audioLine describes decoded audio for a comparison.
func audioLine(a *Audio) string {
	s := fmt.Sprintf("%s, %d Hz, %d channels, %d-bit", a.Format, a.Rate, a.Channels, a.Bits)
	if a.Float {
		s += " float"
	}
	return fmt.Sprintf("%s, %d samples", s, a.Samples)
}

// compareTags names each tag that differs between a file and the
// manifest, by position for tags of the same key.
func compareTags(file string, got, want []Tag) []Problem {
	var probs []Problem
	group := func(ts []Tag) (map[string][]string, []string) {
		m := map[string][]string{}
		var keys []string
		for _, t := range ts {
			if _, ok := m[t.Key]; !ok {
				keys = append(keys, t.Key)
			}
			m[t.Key] = append(m[t.Key], t.Value)
		}
		return m, keys
	}
	g, gk := group(got)
	w, wk := group(want)
	for _, k := range wk {
		gv, wv := g[k], w[k]
		switch {
		case gv == nil:
			probs = append(probs, Problem{File: file, Message: fmt.Sprintf("tag %s missing, the manifest has %q", k, wv[0])})
		case !slices.Equal(gv, wv):
			probs = append(probs, Problem{File: file, Message: fmt.Sprintf("tag %s is %q, the manifest has %q", k, gv, wv)})
		}
	}
	for _, k := range gk {
		if w[k] == nil {
			probs = append(probs, Problem{File: file, Message: fmt.Sprintf("tag %s = %q is not in the manifest", k, g[k][0])})
		}
	}
	if len(probs) == 0 && !slices.Equal(got, want) {
		probs = append(probs, Problem{File: file, Message: "tags in another order than the manifest's"})
	}
	return probs
}

// verifySums checks MD5SUMS against the files: every line's file exists
// and has that MD5, and every file and manifest.json has a line. A
// mismatch is the file's fault when the file also differs from the
// manifest (or is manifest.json), MD5SUMS' otherwise.
func verifySums(dir string, m *Manifest, onDisk []string, actual map[string]string) []Problem {
	var probs []Problem
	add := func(file string, format string, args ...any) {
		probs = append(probs, Problem{File: file, Message: fmt.Sprintf(format, args...)})
	}
	data, err := os.ReadFile(filepath.Join(dir, SumsName))
	if err != nil {
		add(SumsName, "cannot be read: %v", err)
		return probs
	}
	recorded := map[string]string{}
	if m != nil {
		for _, f := range m.Files {
			recorded[f.Path] = f.MD5
		}
	}
	lines, probs := parseSums(data)
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l.path] = true
		sum, ok := actual[l.path]
		if !ok && (l.path == Name || slices.Contains(onDisk, l.path)) {
			b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(l.path)))
			if err != nil {
				add(l.path, "cannot be read: %v", err)
				continue
			}
			s := md5.Sum(b)
			sum, ok = hex.EncodeToString(s[:]), true
		}
		switch {
		case !ok:
			add(SumsName, "lists %s, which the bundle does not hold", l.path)
		case sum == l.md5:
		case l.path == Name || recorded[l.path] != sum:
			add(l.path, "MD5 %s, MD5SUMS says %s", sum, l.md5)
		default:
			add(SumsName, "the line of %s says %s, the file and the manifest have %s", l.path, l.md5, sum)
		}
	}
	for _, p := range append([]string{Name}, onDisk...) {
		if !seen[p] {
			add(SumsName, "has no line for %s", p)
		}
	}
	return probs
}
