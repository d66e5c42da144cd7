package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/cdda"
	"github.com/lathe-audio/lathe/internal/version"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/render"
)

// Schema is the value of the manifest's "schema" field.
const Schema = "lathe/manifest/1"

// Names of the files this package writes at the root of a bundle.
const (
	Name     = "manifest.json"
	SumsName = "MD5SUMS"
)

// Manifest is the content of manifest.json (docs/json.md).
type Manifest struct {
	Schema     string     `json:"schema"`
	Tool       Tool       `json:"tool"`
	Project    Hashed     `json:"project"`
	Sources    []Source   `json:"sources"`
	Deliveries []Delivery `json:"deliveries"`
	PQ         *PQ        `json:"pq"`
	Files      []File     `json:"files"`
}

// Tool names the program that built the bundle.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Hashed is a file outside the bundle: its name and content hash.
type Hashed struct {
	File   string `json:"file"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Source is a track's source file, named as in the project.
type Source struct {
	Track int `json:"track"`
	Hashed
}

// Delivery is what one delivery did, per track.
type Delivery struct {
	Name     string   `json:"name"`
	Kind     string   `json:"kind"`
	Rate     int      `json:"rate"`
	Bits     int      `json:"bits"` // 32: float
	Dither   string   `json:"dither"`
	Passes   int      `json:"passes"`
	Loudness Settings `json:"loudness"`
	// Album is the loudness of the whole album as the delivery wrote it;
	// nil (null) when the build did not measure it (manifests of lathe
	// before it did have no "album" at all).
	Album  *Album  `json:"album"`
	Tracks []Track `json:"tracks"`
}

// Album is a delivery's album as written: the integrated loudness of the
// tracks' gating blocks pooled (as lathe analyze gives it) and the
// tracks' largest peaks, from the tracks' figures; the loudness range and
// maximum momentary and short-term loudness of the album as one
// continuous stream from track 1's index 01 to the lead-out, from the
// render's meter (render.DeliveryReport.Album).
type Album struct {
	Integrated   Level `json:"integrated"`
	Range        Level `json:"range"`
	MaxMomentary Level `json:"max_momentary"`
	MaxShortTerm Level `json:"max_short_term"`
	SamplePeak   Level `json:"sample_peak"`
	TruePeak     Level `json:"true_peak"`
}

// Settings are the loudness settings in effect for a delivery.
type Settings struct {
	Match       string   `json:"match"`
	Target      *float64 `json:"target"`
	MaxTruePeak float64  `json:"max_true_peak"`
	OverCeiling string   `json:"over_ceiling"`
}

// Track is one track of a delivery as written and measured.
type Track struct {
	Number int `json:"number"`
	// File holds the track's cut from frame Start on, for Samples frames
	// at Rate.
	File     string `json:"file"`
	Start    int64  `json:"start"`
	Samples  int64  `json:"samples"`
	Rate     int    `json:"rate"`
	Duration string `json:"duration"`
	PCMMD5   string `json:"pcm_md5"`
	// Measured is "stream" (the render's meter of the samples as
	// written) or "decoded" (the file decoded and metered here: MP3).
	Measured   string  `json:"measured"`
	Integrated Level   `json:"integrated"`
	Range      Level   `json:"range"`
	SamplePeak Level   `json:"sample_peak"`
	TruePeak   Level   `json:"true_peak"`
	Gain       float64 `json:"gain"`
	Reduced    float64 `json:"reduced"`
	Limiter    Limiter `json:"limiter"`
	Clips      int64   `json:"clips"`
}

// Limiter is the limiter's activity on a track.
type Limiter struct {
	Limited      bool    `json:"limited"`
	MaxReduction float64 `json:"max_reduction"` // dB
	Frames       int64   `json:"frames"`        // with a gain below 1, at the delivery's rate
}

// File is one file of the bundle.
type File struct {
	Path   string `json:"path"` // relative to the bundle, with slashes
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	MD5    string `json:"md5"`
	Audio  *Audio `json:"audio"` // nil for a file that is not audio
	Tags   []Tag  `json:"tags"`  // empty for a file without tags
}

// Audio is the decoded audio of a file.
type Audio struct {
	Format   string `json:"format"` // "wav", "flac", "mp3", "cdda" (a DDP image)
	Rate     int    `json:"rate"`
	Channels int    `json:"channels"`
	Bits     int    `json:"bits"`
	Float    bool   `json:"float"`
	Samples  int64  `json:"samples"`
	PCMMD5   string `json:"pcm_md5"`
}

// Tag is one tag of a file: a Vorbis comment (FLAC), an ID3v2 frame
// (MP3) or a LIST/INFO entry (WAV). Pictures are described by their
// type, MIME type, size and SHA-256.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// PQ is the disc's PQ table (render.Disc).
type PQ struct {
	UPC      string    `json:"upc"`
	MasterID string    `json:"master_id"`
	Total    Time      `json:"total"`
	LeadOut  Time      `json:"lead_out"`
	Tracks   []PQTrack `json:"tracks"`
}

// PQTrack is one track of the PQ table, as `lathe ddp info` lists it.
type PQTrack struct {
	Number        int       `json:"number"`
	ISRC          string    `json:"isrc"`
	PreEmphasis   bool      `json:"pre_emphasis"`
	CopyPermitted bool      `json:"copy_permitted"`
	SCMS          bool      `json:"scms"`
	Pause         Time      `json:"pause"`
	Length        Time      `json:"length"`
	Indexes       []PQIndex `json:"indexes"`
}

// PQIndex is one index point.
type PQIndex struct {
	Number   int  `json:"number"`
	Absolute Time `json:"absolute"`
	Relative Time `json:"relative"`
	LBA      int  `json:"lba"`
}

// Time is a time on the disc in sectors, with its mm:ss:ff form.
type Time struct {
	Sectors int    `json:"sectors"`
	MSF     string `json:"msf"`
}

func msf(sectors int) Time { return Time{sectors, cdda.FormatMSF(sectors)} }

// Level is a loudness or peak value: rounded to 0.001, null in JSON for
// minus infinity (silence).
type Level float64

func level(v float64) Level {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return Level(math.Inf(-1))
	}
	return Level(math.Round(v*1000) / 1000)
}

func (v Level) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'f', 3, 64), nil
}

func (v *Level) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = Level(math.Inf(-1))
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	*v = Level(f)
	return err
}

// Input is what Make needs besides the bundle and the build's report.
type Input struct {
	Album   *album.Album
	Layout  *album.Layout
	Project string   // the project file's path
	Sources []string // the tracks' files, resolved, as the build read them
	// Hashed, when set, holds the project file's and the sources' hashes
	// (HashInputs); otherwise Make computes them.
	Hashed *Inputs
}

// Inputs are the hashes of a build's project file and sources.
type Inputs struct {
	Project Hashed
	Sources []Source
}

// HashInputs hashes in's project file and sources as Make records them. A
// build may call it beside the render, which reads them too, so that the
// hashing does not wait for the end of the build.
func HashInputs(in Input) (*Inputs, error) {
	h := &Inputs{Sources: []Source{}}
	var err error
	if h.Project, err = hashFile(in.Project, filepath.Base(in.Project)); err != nil {
		return nil, err
	}
	for k, p := range in.Sources {
		sh, err := hashFile(p, in.Album.Tracks[k].File)
		if err != nil {
			return nil, err
		}
		h.Sources = append(h.Sources, Source{Track: k + 1, Hashed: sh})
	}
	return h, nil
}

// Make reads the finished bundle in dir (the build's temporary folder,
// from render.BuildOptions.Finish) and returns its manifest. Every file
// under dir is listed, except manifest.json and MD5SUMS at its root.
func Make(dir string, in Input, rep *render.Report) (*Manifest, error) {
	a, l := in.Album, in.Layout
	m := &Manifest{Schema: Schema, Tool: Tool{"lathe", version.Version}, Sources: []Source{}, Deliveries: []Delivery{}, Files: []File{}}
	hashed := in.Hashed
	if hashed == nil {
		var err error
		if hashed, err = HashInputs(in); err != nil {
			return nil, err
		}
	}
	m.Project, m.Sources = hashed.Project, hashed.Sources
	var err error
	if m.PQ, err = pqTable(a, l); err != nil {
		return nil, err
	}
	paths, err := listBundle(dir)
	if err != nil {
		return nil, err
	}
	// Where each track of each delivery lies, by file.
	spans := map[string][]span{}
	metered := map[string]bool{}
	type place struct {
		file  string
		start int64
		n     int64
	}
	places := make([][]place, len(rep.Deliveries))
	for j := range rep.Deliveries {
		dr := &rep.Deliveries[j]
		files, starts, err := trackFiles(a, l, dr)
		if err != nil {
			return nil, err
		}
		for k, c := range cuts(l, a.Deliveries[dr.Number-1].Gaps, dr.Rate) {
			p := place{file: files[k], start: starts[k], n: c.End - c.Start}
			places[j] = append(places[j], p)
			spans[p.file] = append(spans[p.file], span{p.start, p.start + p.n})
			if dr.Kind == album.KindMP3 && dr.Tracks[k].Decoded == nil {
				metered[p.file] = true
			}
		}
	}
	// What the writers computed as they wrote, by bundle path.
	sums := map[string]*render.FileSum{}
	pcms := map[string][]render.PCMSum{}
	for j := range rep.Deliveries {
		dr := &rep.Deliveries[j]
		for i := range dr.Sums {
			sums[path.Join(dr.Name, dr.Sums[i].Name)] = &dr.Sums[i]
		}
		for _, s := range dr.PCM {
			p := path.Join(dr.Name, s.File)
			pcms[p] = append(pcms[p], s)
		}
	}
	files := make([]File, len(paths))
	scans := make([]*scan, len(paths))
	errs := make([]error, len(paths))
	parallel(len(paths), func(i int) {
		p := paths[i]
		files[i], scans[i], errs[i] = describe(dir, p, spans[p], metered[p], sums[p], pcms[p])
	})
	results := map[string]*scan{}
	for i, p := range paths {
		if errs[i] != nil {
			return nil, errs[i]
		}
		m.Files = append(m.Files, files[i])
		results[p] = scans[i]
	}
	for j := range rep.Deliveries {
		dr := &rep.Deliveries[j]
		lo := a.LoudnessFor(&a.Deliveries[dr.Number-1])
		d := Delivery{
			Name: dr.Name, Kind: string(dr.Kind), Rate: dr.Rate, Bits: dr.Bits, Dither: "none", Passes: dr.Passes,
			Loudness: Settings{Match: string(lo.Match), Target: lo.Target, MaxTruePeak: lo.MaxTruePeak, OverCeiling: string(lo.OverCeiling)},
			Tracks:   []Track{},
		}
		if dr.Bits != 32 {
			d.Dither = dr.Dither.String()
		}
		var measured []*loudness.Measurement
		for k, tr := range dr.Tracks {
			p := places[j][k]
			sc := results[p.file]
			if sc == nil {
				return nil, fmt.Errorf("manifest: delivery %q track %d: %s is not in the bundle", dr.Name, k+1, p.file)
			}
			sr, ok := sc.span(p.start, p.start+p.n)
			if !ok {
				return nil, fmt.Errorf("manifest: delivery %q track %d: %s: frames %d to %d were not scanned", dr.Name, k+1, p.file, p.start, p.start+p.n)
			}
			if sr.frames != p.n {
				return nil, fmt.Errorf("manifest: delivery %q track %d: %s holds %d frames of the track, want %d", dr.Name, k+1, p.file, sr.frames, p.n)
			}
			t := Track{
				Number: k + 1, File: p.file, Start: p.start, Samples: p.n, Rate: dr.Rate,
				Duration: duration(p.n, dr.Rate), PCMMD5: sr.md5, Measured: "stream",
				Gain: round3(tr.Gain), Reduced: round3(tr.Reduced), Clips: tr.Clips,
				Limiter: Limiter{Limited: tr.Limited, MaxReduction: round3(tr.MaxReductionDB), Frames: tr.LimitedFrames},
			}
			ms := tr.Output
			switch {
			case sr.m != nil:
				ms, t.Measured = sr.m, "decoded"
			case tr.Decoded != nil:
				ms, t.Measured = tr.Decoded, "decoded"
			}
			if ms == nil {
				return nil, fmt.Errorf("manifest: delivery %q track %d: no measurement of the output", dr.Name, k+1)
			}
			setLevels(&t, ms)
			d.Tracks = append(d.Tracks, t)
			measured = append(measured, ms)
		}
		if d.Album, err = albumLevels(measured, dr.Album); err != nil {
			return nil, fmt.Errorf("manifest: delivery %q: %w", dr.Name, err)
		}
		m.Deliveries = append(m.Deliveries, d)
	}
	return m, nil
}

// parallel calls f(0) … f(n-1) on as many goroutines as the process may
// run at once. The files of a bundle are independent: an MP3 decodes while
// another file is hashed.
func parallel(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func setLevels(t *Track, ms *loudness.Measurement) {
	t.Integrated, t.Range = level(ms.Integrated), level(ms.Range)
	t.SamplePeak, t.TruePeak = level(ms.SamplePeak), level(ms.TruePeak)
	if math.IsInf(ms.Integrated, -1) {
		t.Range = level(ms.Range) // LRA of silence: -Inf as well, or 0
	}
}

// albumLevels returns the album of tracks, measured as the manifest
// gives them, and of stream, the album stream's measurement; nil without
// the stream.
func albumLevels(tracks []*loudness.Measurement, stream *loudness.Measurement) (*Album, error) {
	if stream == nil {
		return nil, nil
	}
	al, err := loudness.MeasureAlbum(tracks, stream)
	if err != nil {
		return nil, err
	}
	return &Album{
		Integrated: level(al.Integrated), Range: level(al.Range),
		MaxMomentary: level(stream.MaxMomentary), MaxShortTerm: level(stream.MaxShortTerm),
		SamplePeak: level(al.SamplePeak), TruePeak: level(al.TruePeak),
	}, nil
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// duration formats frames as m:ss.fff, rounded down to the millisecond.
func duration(frames int64, rate int) string {
	ms := frames * 1000 / int64(rate)
	return fmt.Sprintf("%d:%02d.%03d", ms/60000, ms/1000%60, ms%1000)
}

// cuts returns each track's cut of a delivery stream at rate, in frames,
// as the render cuts the tracks' files (render.Stream.Cuts).
func cuts(l *album.Layout, gaps album.GapMode, rate int) []render.FrameSpan {
	var out []render.FrameSpan
	for _, sp := range l.Cuts(gaps) {
		a, b := sp.Samples(rate)
		out = append(out, render.FrameSpan{Start: a, End: b})
	}
	return out
}

// trackFiles returns, for each track of a delivery, the bundle path of
// the file holding its cut and the frame of that file where it starts.
func trackFiles(a *album.Album, l *album.Layout, dr *render.DeliveryReport) ([]string, []int64, error) {
	d := &a.Deliveries[dr.Number-1]
	cs := cuts(l, d.Gaps, dr.Rate)
	files := make([]string, len(cs))
	starts := make([]int64, len(cs))
	join := func(name string) string { return path.Join(d.Name, name) }
	switch d.Kind {
	case album.KindDDP:
		for k, c := range cs {
			files[k], starts[k] = join(path.Join(render.DDPFolder, "IMAGE.DAT")), c.Start
		}
	case album.KindCue:
		name, err := a.Name(d.Naming, 0, "wav")
		if err != nil {
			return nil, nil, err
		}
		first := int64(cdda.MinPregap) * cdda.SectorFrames // the album WAV starts at LBA 0
		for k, c := range cs {
			files[k], starts[k] = join(name), c.Start-first
		}
	case album.KindWAV:
		if d.Files == album.FilesAlbum {
			name, err := a.Name(render.AlbumNaming, 0, "wav")
			if err != nil {
				return nil, nil, err
			}
			for k, c := range cs {
				files[k], starts[k] = join(name), c.Start-cs[0].Start
			}
			break
		}
		fallthrough
	default:
		names, err := d.FileNames(a)
		if err != nil {
			return nil, nil, err
		}
		for k := range cs {
			files[k] = join(names[k])
		}
	}
	for _, f := range files {
		if !slices.Contains(dr.Files, f[len(d.Name)+1:]) {
			return nil, nil, fmt.Errorf("manifest: delivery %q: %s is not among the files it wrote", d.Name, f)
		}
	}
	return files, starts, nil
}

// pqTable returns the PQ table of the album's disc.
func pqTable(a *album.Album, l *album.Layout) (*PQ, error) {
	d, err := render.Disc(a, l)
	if err != nil {
		return nil, err
	}
	pq := &PQ{UPC: d.UPC, MasterID: d.MasterID, Total: msf(d.LeadOut - cdda.MinPregap), LeadOut: msf(d.LeadOut), Tracks: []PQTrack{}}
	for i := range d.Tracks {
		t := &d.Tracks[i]
		end := d.LeadOut
		if i+1 < len(d.Tracks) {
			end = d.Tracks[i+1].Index[0]
		}
		pt := PQTrack{Number: i + 1, ISRC: t.ISRC, PreEmphasis: t.PreEmphasis, CopyPermitted: t.CopyPermitted, SCMS: t.SCMS,
			Pause: msf(t.Index[0] - t.Start()), Length: msf(end - t.Index[0]), Indexes: []PQIndex{}}
		if t.Pregap > 0 {
			at := t.Start()
			pt.Indexes = append(pt.Indexes, PQIndex{0, msf(at), msf(at - t.Index[0]), at - cdda.MinPregap})
		}
		for k, at := range t.Index {
			pt.Indexes = append(pt.Indexes, PQIndex{k + 1, msf(at), msf(at - t.Index[0]), at - cdda.MinPregap})
		}
		pq.Tracks = append(pq.Tracks, pt)
	}
	return pq, nil
}

// listBundle returns the paths of the files under dir, relative and with
// slashes, sorted, without manifest.json and MD5SUMS at the root.
func listBundle(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == Name || rel == SumsName {
			return nil
		}
		if !e.Type().IsRegular() {
			return fmt.Errorf("manifest: %s: not a regular file", rel)
		}
		paths = append(paths, rel)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	slices.Sort(paths)
	return paths, nil
}

// Marshal returns the manifest as written to manifest.json: indented
// JSON and a newline.
func (m *Manifest) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return b.Bytes(), nil
}

// Write writes manifest.json into dir, then MD5SUMS for every file of the
// bundle, manifest.json included.
func Write(dir string, m *Manifest) error {
	data, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, Name), data, 0o644); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return writeSums(dir, m, data)
}

// Read reads and decodes the manifest at path.
func Read(p string) (*Manifest, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("manifest: %s: %w", p, err)
	}
	if m.Schema != Schema {
		return nil, fmt.Errorf("manifest: %s: schema %q, want %q", p, m.Schema, Schema)
	}
	return &m, nil
}

var errNotAudio = errors.New("not audio")
