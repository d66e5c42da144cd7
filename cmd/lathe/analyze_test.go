package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// sineProject writes two stereo 997 Hz sines, at -20 and -26 dBFS, and a
// project for them.
func sineProject(t *testing.T, extra string) string {
	dir := t.TempDir()
	for name, db := range map[string]float64{"a.wav": -20, "b.wav": -26} {
		x := pcmtest.SineStereo(997, 997, db, 48000, 20*48000)
		pcmtest.WriteWAVFile(t, filepath.Join(dir, name), pcm.Format{Rate: 48000, Channels: 2, Bits: 24}, x)
	}
	toml := tracksFor("a.wav", "b.wav") + extra
	if err := os.WriteFile(filepath.Join(dir, "album.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS (EBU Tech 3341 case 1;
// 997 Hz is within the K-filter's flat region), so one at -20 dBFS reads
// -20.0 LUFS and one at -26 dBFS -26.0 LUFS. In track mode each track
// reaches the target.
func TestAnalyzeJSON(t *testing.T) {
	dir := sineProject(t, "[loudness]\nmatch = \"track\"\ntarget = -18\n[[delivery]]\nkind = \"flac\"\n[[delivery]]\nname = \"broadcast\"\nkind = \"wav\"\n[delivery.loudness]\nmatch = \"album\"\ntarget = -23\n")
	code, stdout, stderr := lathe(t, dir, "analyze", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	validateJSON(t, "../../docs/schema/analyze-1.json", stdout)
	// The schema is strict enough to catch a broken document.
	broken := strings.Replace(stdout, `"over_ceiling": false`, `"over_ceiling": "no"`, 1)
	if schemaErr(t, "../../docs/schema/analyze-1.json", broken) == nil {
		t.Error("the schema accepts a string for a track's over_ceiling")
	}

	var r struct {
		Rate   int
		Tracks []struct {
			Integrated, Gain float64
			TruePeak         float64 `json:"true_peak"`
			IntegratedAfter  float64 `json:"integrated_after"`
			TruePeakAfter    float64 `json:"true_peak_after"`
			SamplePeak       float64 `json:"sample_peak"`
		}
		Album struct {
			Integrated      float64
			IntegratedAfter float64 `json:"integrated_after"`
		}
		Deliveries []struct {
			Name            string
			Gains           []float64
			IntegratedAfter float64 `json:"integrated_after"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.Rate != 48000 || len(r.Tracks) != 2 {
		t.Fatalf("rate %d, %d tracks", r.Rate, len(r.Tracks))
	}
	want := []float64{-20, -26}
	for k, tr := range r.Tracks {
		// Track 1's segment runs to track 2's index 01, so the blocks that
		// straddle its end and the gap lower it slightly (within 0.05 LU).
		if math.Abs(tr.Integrated-want[k]) > 0.05 {
			t.Errorf("track %d: I = %.3f LUFS, want %.2f", k+1, tr.Integrated, want[k])
		}
		if math.Abs(tr.IntegratedAfter+18) > 0.002 {
			t.Errorf("track %d: I after gain = %.3f LUFS, want the target -18", k+1, tr.IntegratedAfter)
		}
		// A sine's true peak is its amplitude; its sample peak at 48 kHz is
		// within 0.01 dB of it.
		amp := []float64{-20, -26}[k]
		if math.Abs(tr.TruePeak-amp) > 0.02 || math.Abs(tr.SamplePeak-amp) > 0.02 {
			t.Errorf("track %d: TP %.3f, SP %.3f, want %g", k+1, tr.TruePeak, tr.SamplePeak, amp)
		}
		if math.Abs(tr.TruePeakAfter-(tr.TruePeak+tr.Gain)) > 0.0011 {
			t.Errorf("track %d: TP after %.3f != TP %.3f + gain %.3f", k+1, tr.TruePeakAfter, tr.TruePeak, tr.Gain)
		}
	}
	// The broadcast delivery moves the album as one: both tracks get the
	// same gain and keep their 6 dB difference; the album reaches -23.
	if len(r.Deliveries) != 1 || r.Deliveries[0].Name != "broadcast" {
		t.Fatalf("deliveries = %+v, want the one override", r.Deliveries)
	}
	d := r.Deliveries[0]
	if d.Gains[0] != d.Gains[1] || math.Abs(d.IntegratedAfter+23) > 0.002 {
		t.Errorf("broadcast: gains %v, album after %.3f, want equal gains and -23", d.Gains, d.IntegratedAfter)
	}
}

func TestAnalyzeTable(t *testing.T) {
	dir := sineProject(t, "")
	code, stdout, stderr := lathe(t, dir, "analyze")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"album.toml: 2 tracks at 48000 Hz", "match album, keep the album's loudness, ceiling -1.0 dBTP (limit)", "-20.0", "-26.0", "album"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
	// The error policy: analyze still shows the plan and says the build
	// would fail.
	dir = sineProject(t, "[loudness]\nmatch = \"track\"\ntarget = -0.5\nover_ceiling = \"error\"\n")
	code, _, stderr = lathe(t, dir, "analyze")
	if code != 0 || !strings.Contains(stderr, `over_ceiling = "error" makes the build fail`) {
		t.Errorf("error policy: exit %d, stderr %q", code, stderr)
	}
}

// validateJSON checks doc against the JSON Schema at schemaPath.
func validateJSON(t *testing.T, schemaPath, doc string) {
	t.Helper()
	if err := schemaErr(t, schemaPath, doc); err != nil {
		t.Errorf("output does not match %s: %v\n%s", schemaPath, err, doc)
	}
}

func schemaErr(t *testing.T, schemaPath, doc string) error {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(schemaPath)
	if err != nil {
		t.Fatalf("schema %s: %v", schemaPath, err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, doc)
	}
	return sch.Validate(v)
}
