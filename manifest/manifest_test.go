package manifest

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	mflac "github.com/mewkiz/flac"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lathe-audio/lathe/album"
	"github.com/lathe-audio/lathe/ddp"
	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/loudness"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
	"github.com/lathe-audio/lathe/render"
)

// bundleProject is a project of two tracks of seconds s each at 44.1
// kHz, with every kind of delivery: a DDP, a cue with per-track WAVs, 24
// and 16-bit WAVs, a 32-bit float WAV album file, FLAC and MP3.
const bundleProject = `[album]
title = "Bundle"
artist = "Tester"
upc = "0028000012342"
[loudness]
match = "off"
[[track]]
file = "a.wav"
title = "First"
isrc = "ZZLTH2600001"
[[track]]
file = "b.wav"
title = "Second"
gain = -2.5
gap = "1500ms"
[[delivery]]
name = "ddp"
kind = "ddp"
[[delivery]]
name = "cue"
kind = "cue"
per_track = true
[[delivery]]
name = "wav24"
kind = "wav"
bits = 24
tags = true
bwf = true
[[delivery]]
name = "float"
kind = "wav"
bits = 32
files = "album"
bwf = true
[[delivery]]
name = "flac"
kind = "flac"
[[delivery]]
name = "mp3"
kind = "mp3"
`

// built is a bundle a test built, with what made it.
type built struct {
	dir    string // the bundle
	album  *album.Album
	layout *album.Layout
	rep    *render.Report
	in     Input
}

// buildBundle writes two synthesized sources of seconds each, builds
// bundleProject with Make and Write as the Finish hook, and returns the
// bundle.
func buildBundle(t testing.TB, seconds int) *built {
	t.Helper()
	dir := t.TempDir()
	pcmtest.WriteWAVFile(t, filepath.Join(dir, "a.wav"), pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, pcmtest.Music(81, 44100, 2, seconds*44100))
	pcmtest.WriteWAVFile(t, filepath.Join(dir, "b.wav"), pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, pcmtest.Music(82, 44100, 2, seconds*44100+333))
	project := filepath.Join(dir, "album.toml")
	if err := os.WriteFile(project, []byte(bundleProject), 0o644); err != nil {
		t.Fatal(err)
	}
	a, probs := album.Decode(project, []byte(bundleProject))
	if probs.Err() != nil {
		t.Fatal(probs.Err())
	}
	var infos []album.SourceInfo
	var paths []string
	var formats []render.SourceFormat
	for _, tr := range a.Tracks {
		p := filepath.Join(dir, tr.File)
		info, err := pcm.Probe(p)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		formats = append(formats, render.SourceFormat{Bits: info.Format.Bits})
		infos = append(infos, album.SourceInfo{Rate: info.Format.Rate, Channels: 2, Bits: info.Format.Bits, Frames: info.Frames})
	}
	l, probs := album.Plan(a, infos)
	if probs.Err() != nil {
		t.Fatal(probs.Err())
	}
	b := &built{dir: filepath.Join(dir, "out"), album: a, layout: l,
		in: Input{Album: a, Layout: l, Project: project, Sources: paths}}
	o := render.BuildOptions{Album: a, Layout: l, Sources: paths, Formats: formats, Dest: b.dir,
		Finish: func(tmp string, r *render.Report) error {
			m, err := Make(tmp, Input{Album: a, Layout: l, Project: project, Sources: paths}, r)
			if err != nil {
				return err
			}
			return Write(tmp, m)
		}}
	rep, err := render.Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	b.rep = rep
	return b
}

func (b *built) manifest(t testing.TB) *Manifest {
	t.Helper()
	m, err := Read(filepath.Join(b.dir, Name))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// meterAll measures stereo samples with accurate true peak.
func meterAll(t testing.TB, rate int, x [][]float64) *loudness.Measurement {
	t.Helper()
	m, err := loudness.NewMeter(loudness.Config{Rate: rate, Channels: 2, TruePeak: loudness.TruePeakAccurate})
	if err == nil {
		err = m.Write(x)
	}
	if err != nil {
		t.Fatal(err)
	}
	return m.Measure()
}

func md5hex(b []byte) string    { s := md5.Sum(b); return hex.EncodeToString(s[:]) }
func sha256hex(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// wavData returns the body of a RIFF WAVE file's data chunk.
func wavData(t testing.TB, b []byte) []byte {
	t.Helper()
	for off := 12; off+8 <= len(b); {
		id, n := string(b[off:off+4]), int(binary.LittleEndian.Uint32(b[off+4:]))
		if id == "data" {
			return b[off+8 : off+8+n]
		}
		off += 8 + n + n%2
	}
	t.Fatal("no data chunk")
	return nil
}

// TestManifest builds every kind of delivery and checks the manifest
// against the files, read here without the package: every file listed
// with its size and hashes, PCM MD5s against the WAV data chunks, the
// FLAC STREAMINFO MD5 and IMAGE.DAT's bytes at the PQ table's index
// points read back by ddp.Read, the MP3 tracks' exact lengths, tags, the
// render's measurements, and determinism.
func TestManifest(t *testing.T) {
	b := buildBundle(t, 6)
	m := b.manifest(t)
	if m.Schema != "lathe/manifest/1" || m.Tool.Name != "lathe" || m.Tool.Version == "" {
		t.Errorf("schema %q, tool %+v", m.Schema, m.Tool)
	}
	project := filepath.Join(filepath.Dir(b.dir), "album.toml")
	if m.Project.File != "album.toml" || m.Project.SHA256 != sha256hex(readFile(t, project)) {
		t.Errorf("project %+v", m.Project)
	}
	for k, s := range m.Sources {
		if want := sha256hex(readFile(t, filepath.Join(filepath.Dir(b.dir), b.album.Tracks[k].File))); s.SHA256 != want || s.Track != k+1 {
			t.Errorf("source %d: %+v, want sha256 %s", k+1, s, want)
		}
	}

	// Every file of the bundle, and only those, with its size and hashes.
	var onDisk []string
	filepath.WalkDir(b.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(b.dir, p)
			if rel != Name && rel != SumsName {
				onDisk = append(onDisk, filepath.ToSlash(rel))
			}
		}
		return err
	})
	var listed []string
	files := map[string]*File{}
	for i := range m.Files {
		f := &m.Files[i]
		listed = append(listed, f.Path)
		files[f.Path] = f
		data := readFile(t, filepath.Join(b.dir, f.Path))
		if f.Size != int64(len(data)) || f.SHA256 != sha256hex(data) || f.MD5 != md5hex(data) {
			t.Errorf("%s: size %d sha256 %s md5 %s; the file has %d, %s, %s", f.Path, f.Size, f.SHA256, f.MD5, len(data), sha256hex(data), md5hex(data))
		}
	}
	slices.Sort(onDisk)
	if !slices.Equal(listed, onDisk) {
		t.Errorf("files listed %v\nfiles in the bundle %v", listed, onDisk)
	}
	// 6 in the DDP folder with the PQ sheet, 3 WAVs and 2 cues, 2 + 1 WAVs, 2 FLAC, 2 MP3.
	if len(listed) != 7+5+3+2+2 {
		t.Errorf("%d files listed, want 19", len(listed))
	}

	// PCM MD5 of WAVs: the data chunk, at 16, 24 and 32 bits float.
	nWAV := 0
	for _, f := range m.Files {
		if f.Audio == nil || f.Audio.Format != "wav" {
			continue
		}
		nWAV++
		if want := md5hex(wavData(t, readFile(t, filepath.Join(b.dir, f.Path)))); f.Audio.PCMMD5 != want {
			t.Errorf("%s: PCM MD5 %s, the data chunk's MD5 is %s", f.Path, f.Audio.PCMMD5, want)
		}
	}
	if nWAV != 6 {
		t.Errorf("%d WAVs with audio, want 6", nWAV)
	}
	if a := files["float/Tester - Bundle.wav"].Audio; a == nil || !a.Float || a.Bits != 32 {
		t.Errorf("float album file: %+v", a)
	}

	// FLAC: the PCM MD5 is the STREAMINFO MD5, read by mewkiz/flac.
	for _, d := range m.Deliveries {
		if d.Kind != "flac" {
			continue
		}
		for _, tr := range d.Tracks {
			st, err := mflac.ParseFile(filepath.Join(b.dir, tr.File))
			if err != nil {
				t.Fatal(err)
			}
			want := hex.EncodeToString(st.Info.MD5sum[:])
			st.Close()
			if tr.PCMMD5 != want || files[tr.File].Audio.PCMMD5 != want {
				t.Errorf("%s: PCM MD5 %s (file %s), STREAMINFO MD5 %s", tr.File, tr.PCMMD5, files[tr.File].Audio.PCMMD5, want)
			}
			if tr.Samples != int64(st.Info.NSamples) || tr.Start != 0 {
				t.Errorf("%s: %d samples from %d, STREAMINFO says %d", tr.File, tr.Samples, tr.Start, st.Info.NSamples)
			}
		}
	}

	// The PQ table against the DDP as ddp.Read reads it, and the DDP
	// tracks' PCM MD5 against IMAGE.DAT's bytes at those index points.
	img, err := ddp.Read(os.DirFS(filepath.Join(b.dir, "ddp", "DDP")))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	disc := &img.Disc
	if m.PQ.UPC != disc.UPC || m.PQ.LeadOut.Sectors != disc.LeadOut || len(m.PQ.Tracks) != len(disc.Tracks) {
		t.Fatalf("PQ %+v, the DDP has UPC %s, lead-out %d, %d tracks", m.PQ, disc.UPC, disc.LeadOut, len(disc.Tracks))
	}
	image := readFile(t, filepath.Join(b.dir, "ddp", "DDP", "IMAGE.DAT"))
	ddpTracks := m.Deliveries[0].Tracks
	for k, pt := range m.PQ.Tracks {
		dt := &disc.Tracks[k]
		idx01 := pt.Indexes[len(pt.Indexes)-len(dt.Index)]
		if pt.ISRC != dt.ISRC || idx01.Number != 1 || idx01.Absolute.Sectors != dt.Index[0] || idx01.LBA != dt.Index[0]-150 {
			t.Errorf("PQ track %d: %+v, the DDP has index 01 at %d, ISRC %q", k+1, pt, dt.Index[0], dt.ISRC)
		}
		end := disc.LeadOut
		if k+1 < len(disc.Tracks) {
			end = disc.Tracks[k+1].Index[0]
		}
		if pt.Length.Sectors != end-dt.Index[0] {
			t.Errorf("PQ track %d length %d, want %d", k+1, pt.Length.Sectors, end-dt.Index[0])
		}
		// The ddp delivery cuts tracks as players do: index 01 to the
		// next index 01.
		from, to := dt.Index[0]*2352, end*2352
		if tr := ddpTracks[k]; tr.PCMMD5 != md5hex(image[from:to]) || tr.Start != int64(dt.Index[0])*588 || tr.Samples != int64(end-dt.Index[0])*588 {
			t.Errorf("ddp track %d: %+v; IMAGE.DAT from byte %d to %d has MD5 %s", k+1, tr, from, to, md5hex(image[from:to]))
		}
	}
	if m.PQ.Tracks[1].Pause.Sectors == 0 || m.PQ.Tracks[1].Indexes[0].Number != 0 {
		t.Errorf("track 2 has a 1.5 s gap: pause %+v, indexes %+v", m.PQ.Tracks[1].Pause, m.PQ.Tracks[1].Indexes)
	}

	for _, d := range m.Deliveries {
		for k, tr := range d.Tracks {
			// Every track's length is its cut: index 01 to the next
			// index 01 (gaps appended), at the delivery's rate.
			end := int64(disc.LeadOut)
			if k+1 < len(disc.Tracks) {
				end = int64(disc.Tracks[k+1].Index[0])
			}
			if want := (end - int64(disc.Tracks[k].Index[0])) * 588; tr.Samples != want || tr.Rate != 44100 {
				t.Errorf("%s track %d: %d samples at %d Hz, want %d at 44100", d.Name, k+1, tr.Samples, tr.Rate, want)
			}
			// A per-track file holds exactly the track.
			if f := files[tr.File]; f.Audio.Samples == tr.Samples && tr.PCMMD5 != f.Audio.PCMMD5 {
				t.Errorf("%s track %d: PCM MD5 %s, its file %s", d.Name, k+1, tr.PCMMD5, f.Audio.PCMMD5)
			}
			rt := b.rep.Deliveries[slices.IndexFunc(b.rep.Deliveries, func(r render.DeliveryReport) bool { return r.Name == d.Name })].Tracks[k]
			if tr.Gain != rt.Gain || tr.Clips != rt.Clips || tr.Limiter.Limited != rt.Limited {
				t.Errorf("%s track %d: gain %v clips %d limited %v; the report %v, %d, %v", d.Name, k+1, tr.Gain, tr.Clips, tr.Limiter.Limited, rt.Gain, rt.Clips, rt.Limited)
			}
		}
	}
	if g := m.Deliveries[2].Tracks[1].Gain; g != -2.5 {
		t.Errorf("wav24 track 2 gain %v, want -2.5", g)
	}

	// Loudness of the WAV tracks: a meter run here on the files.
	for _, tr := range m.Deliveries[2].Tracks {
		src, err := pcm.Open(filepath.Join(b.dir, tr.File))
		if err != nil {
			t.Fatal(err)
		}
		x := pcmtest.ReadAll(t, src)
		src.Close()
		meter, _ := loudness.NewMeter(loudness.Config{Rate: 44100, Channels: 2, TruePeak: loudness.TruePeakAccurate})
		if err := meter.Write(x); err != nil {
			t.Fatal(err)
		}
		ms := meter.Measure()
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"integrated", float64(tr.Integrated), ms.Integrated}, {"range", float64(tr.Range), ms.Range}, {"true peak", float64(tr.TruePeak), ms.TruePeak}, {"sample peak", float64(tr.SamplePeak), ms.SamplePeak}} {
			if d := c.got - c.want; d > 0.0005 || d < -0.0005 {
				t.Errorf("%s: %s %.4f, the file measures %.4f", tr.File, c.what, c.got, c.want)
			}
		}
		if tr.Measured != "stream" {
			t.Errorf("%s: measured %q", tr.File, tr.Measured)
		}
	}
	// The album: every delivery has it; the float delivery's album file
	// is the album stream, from track 1's index 01 to the lead-out, which
	// a meter run here gives the range and maximum loudness of, and the
	// tracks' spans of it the pooled loudness and largest peaks.
	for _, d := range m.Deliveries {
		if d.Album == nil {
			t.Errorf("%s: no album", d.Name)
		}
	}
	if al := m.Deliveries[3].Album; al != nil {
		x, f := pcmtest.ReadFile(t, filepath.Join(b.dir, m.Deliveries[3].Tracks[0].File))
		whole := meterAll(t, f.Rate, x)
		var tracks []*loudness.Measurement
		tp := math.Inf(-1)
		for _, tr := range m.Deliveries[3].Tracks {
			part := [][]float64{x[0][tr.Start : tr.Start+tr.Samples], x[1][tr.Start : tr.Start+tr.Samples]}
			tracks = append(tracks, meterAll(t, f.Rate, part))
			tp = math.Max(tp, float64(tr.TruePeak))
		}
		pooled, err := loudness.MeasureAlbum(tracks, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			what      string
			got, want float64
		}{{"integrated", float64(al.Integrated), pooled.Integrated}, {"range", float64(al.Range), whole.Range},
			{"max momentary", float64(al.MaxMomentary), whole.MaxMomentary}, {"max short-term", float64(al.MaxShortTerm), whole.MaxShortTerm},
			{"sample peak", float64(al.SamplePeak), pooled.SamplePeak}, {"true peak", float64(al.TruePeak), tp}} {
			if d := c.got - c.want; !(d <= 0.0005 && d >= -0.0005) {
				t.Errorf("float album: %s %.4f, the file gives %.4f", c.what, c.got, c.want)
			}
		}
	}
	for _, tr := range m.Deliveries[5].Tracks {
		if tr.Measured != "decoded" || files[tr.File].Audio.Format != "mp3" || files[tr.File].Audio.Samples != tr.Samples {
			t.Errorf("%s: measured %q, audio %+v, track samples %d", tr.File, tr.Measured, files[tr.File].Audio, tr.Samples)
		}
	}

	// Tags, as the project gives them.
	hasTag := func(path, key, value string) {
		t.Helper()
		if !slices.Contains(files[path].Tags, Tag{key, value}) {
			t.Errorf("%s: no tag %s=%q in %v", path, key, value, files[path].Tags)
		}
	}
	hasTag(m.Deliveries[4].Tracks[0].File, "TITLE", "First")
	hasTag(m.Deliveries[4].Tracks[0].File, "ISRC", "ZZLTH2600001")
	hasTag(m.Deliveries[5].Tracks[1].File, "TIT2", "Second")
	hasTag(m.Deliveries[5].Tracks[0].File, "TSRC", "ZZLTH2600001")
	hasTag(m.Deliveries[2].Tracks[0].File, "INAM", "First")

	// Deterministic: the same bundle gives the same manifest.
	again, err := Make(b.dir, Input{Album: b.album, Layout: b.layout, Project: project,
		Sources: []string{filepath.Join(filepath.Dir(b.dir), "a.wav"), filepath.Join(filepath.Dir(b.dir), "b.wav")}}, b.rep)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := again.Marshal()
	if !bytes.Equal(data, readFile(t, filepath.Join(b.dir, Name))) {
		t.Error("a second Make of the same bundle gives another manifest")
	}
	if bytes.Contains(data, []byte("\\u0026")) || !strings.HasSuffix(string(data), "}\n") {
		t.Error("manifest.json escapes HTML or lacks its final newline")
	}
}

// TestWrittenSums: the sizes, hashes and PCM MD5s the writers computed as
// they wrote (render.DeliveryReport.Sums and PCM: from the output's
// hasher, from libFLAC's STREAMINFO, from an MP3's decoding) cover every
// WAV, FLAC, MP3 file and DDP image, and the manifest made from them (and from the
// MP3s' decoding in the render, TrackReport.Decoded) is byte for byte the
// manifest made by reading, decoding and metering every file of the
// bundle (the report without them).
func TestWrittenSums(t *testing.T) {
	b := buildBundle(t, 5)
	covered, pcmFrom := map[string]bool{}, map[string]bool{}
	for _, dr := range b.rep.Deliveries {
		for _, s := range dr.Sums {
			covered[path.Join(dr.Name, s.Name)] = true
		}
		for _, s := range dr.PCM {
			if s.Start == 0 {
				pcmFrom[path.Join(dr.Name, s.File)] = true
			}
		}
	}
	m := b.manifest(t)
	for _, f := range m.Files {
		audio := strings.HasSuffix(f.Path, ".wav") || strings.HasSuffix(f.Path, ".flac") ||
			strings.HasSuffix(f.Path, ".mp3") || strings.HasSuffix(f.Path, "IMAGE.DAT")
		if audio != covered[f.Path] || audio != pcmFrom[f.Path] {
			t.Errorf("%s: sums from the writer %v, PCM MD5 %v", f.Path, covered[f.Path], pcmFrom[f.Path])
		}
	}
	bare := *b.rep
	bare.Deliveries = slices.Clone(b.rep.Deliveries)
	decoded := 0
	for j := range bare.Deliveries {
		dr := &bare.Deliveries[j]
		dr.Sums, dr.PCM = nil, nil
		dr.Tracks = slices.Clone(dr.Tracks)
		for k := range dr.Tracks {
			if dr.Tracks[k].Decoded != nil {
				decoded++
			}
			dr.Tracks[k].Decoded = nil
		}
	}
	if decoded == 0 {
		t.Fatal("no track of the mp3 delivery reports its decoding")
	}
	read, err := Make(b.dir, b.in, &bare)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want, err := read.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the manifest from the writers' sums differs from the one read from the files:\n%s\nwant\n%s", got, want)
	}
	// The sums are what is used: a wrong one shows in the manifest.
	wrong := *b.rep
	wrong.Deliveries = slices.Clone(b.rep.Deliveries)
	for j := range wrong.Deliveries {
		dr := &wrong.Deliveries[j]
		if dr.Name == "wav24" {
			dr.PCM = slices.Clone(dr.PCM)
			dr.PCM[0].MD5 = strings.Repeat("0", 32)
		}
	}
	m2, err := Make(b.dir, b.in, &wrong)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range m2.Files {
		if f.Audio != nil && f.Audio.PCMMD5 == strings.Repeat("0", 32) {
			found = true
		}
	}
	for _, d := range m2.Deliveries {
		for _, tr := range d.Tracks {
			if tr.PCMMD5 == strings.Repeat("0", 32) {
				found = true
			}
		}
	}
	if !found {
		t.Error("a wrong PCM sum from the writer does not reach the manifest: the sums are not used")
	}
}

// TestSums: md5sum -c passes from the bundle's root and covers every
// file and the manifest.
func TestSums(t *testing.T) {
	md5sum := testtool.Require(t, "md5sum", "coreutils")
	b := buildBundle(t, 5)
	cmd := exec.Command(md5sum, "-c", "--strict", SumsName)
	cmd.Dir = b.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("md5sum -c: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	m := b.manifest(t)
	if len(lines) != len(m.Files)+1 {
		t.Errorf("md5sum checked %d files, the manifest lists %d (+ itself)", len(lines), len(m.Files))
	}
	if !slices.Contains(lines, Name+": OK") {
		t.Errorf("md5sum did not check %s:\n%s", Name, out)
	}
}

// TestVerify: a fresh bundle verifies clean; one flipped byte in a file
// of each kind fails, naming that file and no other; a missing, an extra
// and a changed tag are named.
func TestVerify(t *testing.T) {
	b := buildBundle(t, 5)
	if _, probs := Verify(b.dir); len(probs) != 0 {
		t.Fatalf("fresh bundle: %v", probs)
	}
	m := b.manifest(t)
	byKind := func(kind string, k int) string {
		return m.Deliveries[slices.IndexFunc(m.Deliveries, func(d Delivery) bool { return d.Kind == kind })].Tracks[k].File
	}
	cases := []struct {
		name string
		file string
		at   float64 // where to flip, as a share of the file
		want string  // in some message about the file
	}{
		{"wav", byKind("wav", 1), 0.5, "PCM MD5"},
		{"flac", byKind("flac", 0), 0.6, "cannot be read as flac"},
		{"mp3", byKind("mp3", 1), 0.5, "SHA-256"},
		{"image", "ddp/DDP/IMAGE.DAT", 0.5, "PCM MD5"},
		{"cue", "cue/Tester - Bundle.cue", 0.5, "MD5"},
		{"pq sheet", "ddp/PQ sheet.txt", 0.3, "SHA-256"},
		{"manifest", Name, 0.5, "MD5SUMS says"},
		{"sums", SumsName, 0.01, "line 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyTree(t, b.dir)
			p := filepath.Join(dir, filepath.FromSlash(c.file))
			data := readFile(t, p)
			data[int(float64(len(data))*c.at)] ^= 0x10
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, probs := Verify(dir)
			if len(probs) == 0 {
				t.Fatal("no problem found")
			}
			found := false
			for _, pr := range probs {
				if pr.File != c.file && !(c.file == "ddp/DDP/IMAGE.DAT" && strings.HasPrefix(pr.File, "ddp/DDP/")) {
					t.Errorf("problem names another file: %v", pr)
				}
				found = found || strings.Contains(pr.Message, c.want)
			}
			if !found {
				t.Errorf("no message with %q: %v", c.want, probs)
			}
		})
	}
	t.Run("missing and extra", func(t *testing.T) {
		dir := copyTree(t, b.dir)
		gone := byKind("flac", 1)
		if err := os.Remove(filepath.Join(dir, gone)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "cue", "notes.txt"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, probs := Verify(dir)
		want := []Problem{
			{File: gone, Message: "missing"},
			{File: "cue/notes.txt", Message: "not listed in the manifest"},
			{File: SumsName, Message: "lists " + gone + ", which the bundle does not hold"},
			{File: SumsName, Message: "has no line for cue/notes.txt"},
		}
		if !slices.Equal(probs, want) {
			t.Errorf("problems\n%v\nwant\n%v", probs, want)
		}
	})
	t.Run("tag", func(t *testing.T) {
		dir := copyTree(t, b.dir)
		f := byKind("flac", 0)
		p := filepath.Join(dir, f)
		data := readFile(t, p)
		i := bytes.Index(data, []byte("TITLE=First"))
		if i < 0 {
			t.Fatal("no TITLE=First in the FLAC")
		}
		data[i+len("TITLE=")] = 'W'
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, probs := Verify(dir)
		if !slices.ContainsFunc(probs, func(pr Problem) bool {
			return pr.File == f && pr.Message == `tag TITLE is ["Wirst"], the manifest has ["First"]`
		}) {
			t.Errorf("no tag problem: %v", probs)
		}
	})
}

// copyTree copies the bundle to a fresh folder.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestManifestSchema: the manifest of a build validates against
// docs/schema/manifest-1.json, and a manifest with a field of the wrong
// type does not.
func TestManifestSchema(t *testing.T) {
	b := buildBundle(t, 5)
	sch, err := jsonschema.NewCompiler().Compile("../docs/schema/manifest-1.json")
	if err != nil {
		t.Fatal(err)
	}
	data := string(readFile(t, filepath.Join(b.dir, Name)))
	for _, c := range []struct {
		name, doc string
		ok        bool
	}{
		{"written", data, true},
		{"size as a string", strings.Replace(data, `"size": `, `"size": "x", "size_was": `, 1), false},
		{"bad md5", strings.Replace(data, `"md5": "`, `"md5": "x`, 1), false},
		{"no pq", strings.Replace(data, `"pq": {`, `"pqx": {`, 1), false},
		{"album range as a string", regexp.MustCompile(`("album": \{[^}]*"range": )[^,]*`).ReplaceAllString(data, `$1"x"`), false},
		{"album without its range", regexp.MustCompile(`("album": \{[^}]*)"range": [^,]*,`).ReplaceAllString(data, `$1`), false},
		// A manifest of a lathe that did not measure the album.
		{"no album", regexp.MustCompile(`"album": \{[^}]*\},`).ReplaceAllString(data, ""), true},
		{"album null", regexp.MustCompile(`"album": \{[^}]*\}`).ReplaceAllString(data, `"album": null`), true},
	} {
		if c.doc == data && c.name != "written" {
			t.Fatalf("%s: the manifest is unchanged", c.name)
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(c.doc))
		if err != nil {
			if c.ok {
				t.Fatalf("%s: not JSON: %v", c.name, err)
			}
			continue
		}
		if err := sch.Validate(v); (err == nil) != c.ok {
			t.Errorf("%s: validation error %v, want ok %v", c.name, err, c.ok)
		}
	}
}
