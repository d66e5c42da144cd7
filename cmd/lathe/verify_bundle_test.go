package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/album"
)

// TestVerifyBundle: lathe verify on a build's output checks it against
// manifest.json (kind "bundle" in the JSON, valid under its schema): a
// fresh build passes with exit 0; a flipped byte in a FLAC fails with
// exit 1, naming that file in the listing and in the JSON; the ddp
// delivery's folder is still verified as a DDP; --project checks the
// project's hash.
func TestVerifyBundle(t *testing.T) {
	dir := t.TempDir()
	buildProject(t, dir, album.KindFLAC)
	if code, _, stderr := lathe(t, dir, "build"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := lathe(t, dir, "verify", "out")
	if code != 0 || stdout != "out: ok\n" || stderr != "" {
		t.Fatalf("verify a fresh build: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = lathe(t, dir, "verify", "--json", "out")
	validateJSON(t, "../../docs/schema/verify-1.json", stdout)
	var res verifyJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if code != 0 || res.Kind != "bundle" || !res.OK || res.Errors != 0 || len(res.Problems) != 0 {
		t.Errorf("verify --json: exit %d, %+v", code, res)
	}
	if code, _, stderr := lathe(t, dir, "verify", "--project", "album.toml", "out"); code != 0 {
		t.Errorf("verify --project: exit %d: %s", code, stderr)
	}

	flacs, _ := filepath.Glob(filepath.Join(dir, "out", "other", "*.flac"))
	if len(flacs) != 2 {
		t.Fatalf("flac files %v", flacs)
	}
	flac := flacs[0]
	rel := "other/" + filepath.Base(flac)
	data, err := os.ReadFile(flac)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)*2/3] ^= 0x01
	if err := os.WriteFile(flac, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = lathe(t, dir, "verify", "out")
	if code != exitFailed || !strings.Contains(stdout, "error   "+rel+": SHA-256 ") ||
		!strings.Contains(stderr, "lathe: error: out: verification failed") {
		t.Errorf("verify after a flipped byte: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = lathe(t, dir, "verify", "--json", "out")
	validateJSON(t, "../../docs/schema/verify-1.json", stdout)
	res = verifyJSON{}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if code != exitFailed || res.OK || res.Errors == 0 {
		t.Errorf("verify --json after a flipped byte: exit %d, %+v", code, res)
	}
	for _, p := range res.Problems {
		if p.File != rel || p.Severity != "error" {
			t.Errorf("problem %+v names another file", p)
		}
	}

	// --project with another project file.
	if err := os.WriteFile(filepath.Join(dir, "album.toml"), append(readAll(t, filepath.Join(dir, "album.toml")), "\n# edited\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = lathe(t, dir, "verify", "--project", "album.toml", "out")
	if code != exitFailed || !strings.Contains(stdout, "album.toml: the project file: SHA-256 ") {
		t.Errorf("verify --project after an edit: exit %d, %q", code, stdout)
	}
}

// TestVerifyDDPInBundle: a ddp delivery of a build is verified as a DDP
// when named, and the bundle holding it as a bundle.
func TestVerifyDDPInBundle(t *testing.T) {
	dir := t.TempDir()
	buildProject(t, dir, album.KindDDP)
	if code, _, stderr := lathe(t, dir, "build", "--only", "other"); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	code, stdout, _ := lathe(t, dir, "verify", "--json", filepath.Join("out", "other"))
	var res verifyJSON
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if code != 0 || res.Kind != "ddp" || res.Path != filepath.Join("out", "other", "DDP") {
		t.Errorf("verify out/other: exit %d, %+v", code, res)
	}
	// A byte of IMAGE.DAT: the bundle names it, and so do the DDP checks.
	img := filepath.Join(dir, "out", "other", "DDP", "IMAGE.DAT")
	data := readAll(t, img)
	data[len(data)/2] ^= 0x01
	if err := os.WriteFile(img, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = lathe(t, dir, "verify", "out")
	if code != exitFailed || !strings.Contains(stdout, "other/DDP/IMAGE.DAT: PCM MD5 ") ||
		!strings.Contains(stdout, "other/DDP/IMAGE.DAT: ddp: MD5 ") {
		t.Errorf("verify out: exit %d, %q", code, stdout)
	}
}
