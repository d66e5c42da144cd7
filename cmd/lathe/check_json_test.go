package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const checkSchemaFile = "../../docs/schema/check-1.json"

// checkResult is the lathe/check/1 document as the tests read it.
type checkResult struct {
	Schema   string
	Project  string
	OK       bool
	Errors   int
	Warnings int
	Problems []checkProblem
	Album    *struct {
		Title, Artist, UPC string
		Rate               int
		TrackCount         int       `json:"track_count"`
		LeadOut            checkTime `json:"lead_out"`
		Duration           checkTime
		Tracks             []struct {
			Number          int
			Title, ISRC     string
			Index00         *checkTime
			Index01, Length checkTime
			Indexes         []checkTime
		}
		Deliveries []struct{ Name, Kind string }
	}
}

type checkProblem struct {
	File     string
	Line     int
	Column   int
	Key      string
	Severity string
	Message  string
}

type checkTime struct {
	Sectors int
	MSF     string
}

// checkStream decodes the stream of lathe/check/1 documents in out,
// validating each against the schema.
func checkStream(t *testing.T, out string) []checkResult {
	t.Helper()
	var res []checkResult
	dec := json.NewDecoder(strings.NewReader(out))
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return res
		} else if err != nil {
			t.Fatalf("stdout is not a stream of JSON objects: %v\n%s", err, out)
		}
		validateJSON(t, checkSchemaFile, string(raw))
		var r checkResult
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatal(err)
		}
		res = append(res, r)
	}
}

// A valid project of three 5 s tracks (375 sectors each) with the default
// 2 s gap before tracks 1 and 2 and none before track 3: the layout is
// worked out by hand from the project below.
const validCheckProject = `[album]
title = "Test"
artist = "Tester"
upc = "0028000012342"

[[track]]
file = "a.wav"
title = "One"
isrc = "ZZ-LTH-26-00001"
index = ["3s"]

[[track]]
file = "b.wav"
title = "Two"

[[track]]
file = "c.wav"
title = "Three"
gap = 0

[[delivery]]
kind = "flac"
`

func writeProject(t *testing.T, dir, toml string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "album.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckJSONValid(t *testing.T) {
	dir := t.TempDir()
	tones("a.wav", "b.wav", "c.wav")(t, dir)
	writeProject(t, dir, validCheckProject)
	// -q changes nothing in the JSON.
	code, stdout, stderr := lathe(t, dir, "-q", "check", "--json")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	doc := stdout
	rs := checkStream(t, doc)
	if len(rs) != 1 {
		t.Fatalf("%d documents, want 1", len(rs))
	}
	r := rs[0]
	if r.Schema != "lathe/check/1" || r.Project != "album.toml" || !r.OK || r.Errors != 0 || r.Warnings != 0 || len(r.Problems) != 0 || r.Album == nil {
		t.Fatalf("result %+v", r)
	}
	if !strings.Contains(stdout, `"problems": []`) {
		t.Errorf("problems is not an empty array:\n%s", stdout)
	}
	a := r.Album
	if a.Title != "Test" || a.Artist != "Tester" || a.UPC != "0028000012342" || a.Rate != 44100 || a.TrackCount != 3 {
		t.Errorf("album %+v", a)
	}
	if a.LeadOut != (checkTime{1425, "00:19:00"}) || a.Duration != (checkTime{1275, "00:17:00"}) {
		t.Errorf("lead-out %+v, duration %+v", a.LeadOut, a.Duration)
	}
	type track struct {
		number          int
		title, isrc     string
		index00         *checkTime
		index01, length checkTime
		indexes         []checkTime
	}
	want := []track{
		{1, "One", "ZZLTH2600001", &checkTime{0, "00:00:00"}, checkTime{150, "00:02:00"}, checkTime{525, "00:07:00"}, []checkTime{{375, "00:05:00"}}},
		{2, "Two", "", &checkTime{525, "00:07:00"}, checkTime{675, "00:09:00"}, checkTime{375, "00:05:00"}, []checkTime{}},
		{3, "Three", "", nil, checkTime{1050, "00:14:00"}, checkTime{375, "00:05:00"}, []checkTime{}},
	}
	if len(a.Tracks) != len(want) {
		t.Fatalf("%d tracks, want %d", len(a.Tracks), len(want))
	}
	for k, w := range want {
		g := a.Tracks[k]
		got := track{g.Number, g.Title, g.ISRC, g.Index00, g.Index01, g.Length, g.Indexes}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("track %d: %+v, want %+v", k+1, got, w)
		}
	}
	if len(a.Deliveries) != 1 || a.Deliveries[0].Name != "flac" || a.Deliveries[0].Kind != "flac" {
		t.Errorf("deliveries %+v", a.Deliveries)
	}

	// The text output shows the same layout.
	code, stdout, stderr = lathe(t, dir, "check")
	wantText := `album.toml: ok
  "Test" by "Tester", 3 tracks, 00:17:00 (lead-out 00:19:00), program at 44100 Hz
  UPC/EAN 0028000012342
  #   index00  index01  length   ISRC         title
  01  00:00:00 00:02:00 00:07:00 ZZLTH2600001 One
               00:05:00 index 02
  02  00:07:00 00:09:00 00:05:00 -            Two
  03  -        00:14:00 00:05:00 -            Three
  deliveries: flac (flac)
`
	if code != 0 || stderr != "" || stdout != wantText {
		t.Errorf("lathe check: exit %d, stderr %q, stdout\n%s\nwant\n%s", code, stderr, stdout, wantText)
	}

	// The schema is strict enough to catch a broken document.
	for _, b := range []struct{ what, old, new string }{
		{"a valid project without its album", `"album": {`, `"album": null, "x": {`},
		{"an index00 as a string", `"index00": {`, `"index00": "00:00:00", "x": {`},
		{"a time without its msf", `"msf": "00:19:00"`, `"frames": 0`},
	} {
		if schemaErr(t, checkSchemaFile, strings.Replace(doc, b.old, b.new, 1)) == nil {
			t.Errorf("the schema accepts %s", b.what)
		}
	}
}

// An invalid project: each problem's position, key, severity and message
// are those of the project text below, in the order of the file, with the
// warning among the errors and a missing source among the problems of the
// project file.
func TestCheckJSONInvalid(t *testing.T) {
	dir := t.TempDir()
	tones("a.wav")(t, dir)
	long := strings.Repeat("x", 81)
	writeProject(t, dir, `[album]
title = "Test"
artist = "Tester"
upc = "012345678901"

[[track]]
file = "a.wav"
title = "`+long+`"
gain = 99

[[track]]
file = "missing.wav"
isrc = "USRC1234567"
`)
	code, stdout, stderr := lathe(t, dir, "check", "--json")
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	if stderr != "" {
		t.Errorf("stderr %q, want nothing", stderr)
	}
	rs := checkStream(t, stdout)
	if len(rs) != 1 {
		t.Fatalf("%d documents, want 1", len(rs))
	}
	r := rs[0]
	if r.Project != "album.toml" || r.OK || r.Errors != 4 || r.Warnings != 1 || r.Album != nil {
		t.Errorf("project %q, ok %v, %d errors, %d warnings, album %v", r.Project, r.OK, r.Errors, r.Warnings, r.Album)
	}
	if !strings.Contains(stdout, `"album": null`) {
		t.Errorf("album is not null:\n%s", stdout)
	}
	want := []checkProblem{
		{"album.toml", 4, 7, "album.upc", "error", `"012345678901": check digit is 1, want 5`},
		{"album.toml", 8, 9, "track[1].title", "warning", "81 characters; cue sheets and many players show at most 80"},
		{"album.toml", 9, 8, "track[1].gain", "error", "99 dB is out of range (want -60 to +40 dB)"},
		{"album.toml", 12, 8, "track[2].file", "error", `"missing.wav": no such file`},
		{"album.toml", 13, 8, "track[2].isrc", "error", `"USRC1234567" has 11 characters, want 12 (CC-XXX-YY-NNNNN)`},
	}
	if !reflect.DeepEqual(r.Problems, want) {
		t.Errorf("problems\n%+v\nwant\n%+v", r.Problems, want)
	}
}

// A project file that cannot be read is still a document, with one error.
func TestCheckJSONUnreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "folder", "album.toml"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args    []string
		project string
		message string
	}{
		{[]string{"check", "--json"}, "album.toml", "no such project file"},
		{[]string{"check", "--json", "nothere.toml"}, "nothere.toml", "no such project file"},
		{[]string{"check", "--json", "folder"}, "folder/album.toml", "is a directory"},
	} {
		code, stdout, stderr := lathe(t, dir, tt.args...)
		if code != exitFailed || stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", tt.args, code, stderr)
		}
		rs := checkStream(t, stdout)
		if len(rs) != 1 {
			t.Fatalf("%v: %d documents, want 1", tt.args, len(rs))
		}
		r := rs[0]
		want := []checkProblem{{tt.project, 0, 0, "", "error", tt.message}}
		if r.Project != tt.project || r.OK || r.Errors != 1 || r.Warnings != 0 || r.Album != nil || !reflect.DeepEqual(r.Problems, want) {
			t.Errorf("%v: %+v", tt.args, r)
		}
	}
}

// Several projects: one document each, in the order given at any -j, the
// invalid ones included; standard error holds only the batch's last line.
func TestCheckJSONSeveralProjects(t *testing.T) {
	dir := t.TempDir()
	writeProject(t, filepath.Join(dir, "good"), tracksFor("a.wav"))
	writeProject(t, filepath.Join(dir, "bad"), tracksFor("a.wav")+"gain = 99\n")
	for _, d := range []string{"good", "bad"} {
		tones("a.wav")(t, filepath.Join(dir, d))
	}
	for _, jobs := range []string{"1", "2"} {
		code, stdout, stderr := lathe(t, dir, "check", "--json", "-j", jobs, "bad/album.toml", "good")
		if code != exitFailed {
			t.Errorf("-j %s: exit %d, want %d", jobs, code, exitFailed)
		}
		if want := "lathe: 1 of 2 projects failed: bad/album.toml\n"; stderr != want {
			t.Errorf("-j %s: stderr %q, want %q", jobs, stderr, want)
		}
		rs := checkStream(t, stdout)
		if len(rs) != 2 {
			t.Fatalf("-j %s: %d documents, want 2", jobs, len(rs))
		}
		bad, good := rs[0], rs[1]
		want := []checkProblem{{"bad/album.toml", 7, 8, "track[1].gain", "error", "99 dB is out of range (want -60 to +40 dB)"}}
		if bad.Project != "bad/album.toml" || bad.OK || bad.Album != nil || !reflect.DeepEqual(bad.Problems, want) {
			t.Errorf("-j %s: first document %+v", jobs, bad)
		}
		if good.Project != "good/album.toml" || !good.OK || good.Album == nil || good.Album.TrackCount != 1 {
			t.Errorf("-j %s: second document %+v", jobs, good)
		}
	}
	// Two valid projects exit 0.
	code, stdout, stderr := lathe(t, dir, "check", "--json", "good", "good/album.toml")
	if code != 0 || stderr != "" || len(checkStream(t, stdout)) != 2 {
		t.Errorf("two valid projects: exit %d, stderr %q\n%s", code, stderr, stdout)
	}
}
