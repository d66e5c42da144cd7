package ddp

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/lathe-audio/lathe/cdda"
)

// resum rewrites CHECKSUM.MD5 for the files now in dir (after a test
// edited one), in md5sum format, with the given separator and line end.
func resum(t *testing.T, dir, name, sep, eol string) {
	t.Helper()
	os.Remove(filepath.Join(dir, "CHECKSUM.MD5"))
	entries, _ := os.ReadDir(dir)
	var b strings.Builder
	for _, e := range entries {
		sum := md5.Sum(readFile(t, dir, e.Name()))
		b.WriteString(hex.EncodeToString(sum[:]) + sep + e.Name() + eol)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// edit applies f to the bytes of one file of dir.
func edit(t *testing.T, dir, name string, f func(b []byte) []byte) {
	t.Helper()
	b := f(readFile(t, dir, name))
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// setMS overwrites bytes of DDPMS packet n at offset off.
func setMS(n, off int, s string) func([]byte) []byte {
	return func(b []byte) []byte { copy(b[n*128+off:], s); return b }
}

func TestReadRoundTrip(t *testing.T) {
	d := workedDisc()
	a := audio(d, 100)
	dir := writeDDP(t, d, a, nil)
	img, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if !reflect.DeepEqual(&img.Disc, d) {
		t.Errorf("read back disc:\n got %+v\nwant %+v", img.Disc, *d)
	}
	if img.Level != "DDP 2.00" || img.MasterID != "TESTMASTER 001" || img.Pre2 != 150 {
		t.Errorf("level %q, master ID %q, PRE2 %d", img.Level, img.MasterID, img.Pre2)
	}
	if len(img.Warnings) != 0 {
		t.Errorf("warnings: %v", img.Warnings)
	}
	if c := img.Checksum; c == nil || len(c.Entries) != 5 || !c.Entries[4].OK || c.Entries[4].Name != "IMAGE.DAT" {
		t.Errorf("checksums = %+v", c)
	}
	// Track 2 audio: from its index 01 (675) to track 3's index 01 (1350).
	tr, err := img.TrackAudio(2)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(tr)
	if !bytes.Equal(got, a[675*2352:1350*2352]) {
		t.Errorf("TrackAudio(2): %d bytes, not the audio written", len(got))
	}
	tr, _ = img.TrackAudio(3)
	got, _ = io.ReadAll(tr)
	want := append(append([]byte(nil), a[1350*2352:]...), make([]byte, 100)...)
	if !bytes.Equal(got, want) {
		t.Errorf("TrackAudio(3): %d bytes, want the audio plus 100 zero bytes of padding", len(got))
	}
	if _, err := img.TrackAudio(4); err == nil {
		t.Error("TrackAudio(4) of a 3-track image succeeded")
	}
	if len(Verify(os.DirFS(dir))) != 0 {
		t.Errorf("Verify(clean DDP) = %v", Verify(os.DirFS(dir)))
	}
}

// TestReadVariants edits a written DDP into each form of docs/cd-formats.md
// §2.3 that other writers produce, and wants the same disc back.
func TestReadVariants(t *testing.T) {
	variants := []struct {
		name string
		f    func(t *testing.T, dir string)
	}{
		{"zero padding, DSS 0, SIZ 017 (Sonoris, HOFA)", func(t *testing.T, dir string) {
			edit(t, dir, "DDPMS", func(b []byte) []byte {
				for n, dsl := range []string{"00000180", "00000576", "00001838"} {
					copy(b[n*128+14:], dsl)
					copy(b[n*128+22:], "00000000")
					copy(b[n*128+71:], "017")
				}
				copy(b[2*128+46:], "0150")
				return b
			})
		}},
		{"single lead-out, zero-padded DSL 00000512", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte { return b[:8*64] })
			edit(t, dir, "DDPMS", setMS(1, 14, "00000512"))
		}},
		{"ISRC only on the first packet (cue2ddp, Sonoris)", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte {
				copy(b[2*64+20:], "            ") // 01/01
				copy(b[4*64+20:], "            ") // 02/01
				return b
			})
		}},
		{"UPC on every packet (HOFA)", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte {
				for i := 0; i < len(b); i += 64 {
					copy(b[i+32:], "5012345678900")
				}
				return b
			})
		}},
		{"trailing 0x00 after the CD-Text packs (Sonoris)", func(t *testing.T, dir string) {
			edit(t, dir, "CDTEXT.BIN", func(b []byte) []byte { return append(b, 0) })
			edit(t, dir, "DDPMS", setMS(0, 14, "     181"))
		}},
		{"PQ descriptor named SD (cue2ddp)", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "PQDESCR"), filepath.Join(dir, "SD"))
			edit(t, dir, "DDPMS", setMS(1, 74, "SD     "))
		}},
		{"HRS 00", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte {
				for i := 0; i < len(b); i += 64 {
					copy(b[i+8:], "00")
				}
				return b
			})
		}},
		{"blank TRK on the CDTEXT stream, SCR 1 (HOFA, cue2ddp)", func(t *testing.T, dir string) {
			edit(t, dir, "DDPMS", setMS(0, 55, "  "))
			edit(t, dir, "DDPMS", setMS(2, 41, "1"))
		}},
		{"other file names declared in DDPMS", func(t *testing.T, dir string) {
			os.Rename(filepath.Join(dir, "IMAGE.DAT"), filepath.Join(dir, "AUDIO01.DAT"))
			os.Rename(filepath.Join(dir, "CDTEXT.BIN"), filepath.Join(dir, "CDTEXT"))
			edit(t, dir, "DDPMS", setMS(2, 74, "AUDIO01.DAT"))
			edit(t, dir, "DDPMS", setMS(0, 74, "CDTEXT    "))
		}},
	}
	d := workedDisc()
	a := audio(d, 0)
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			dir := writeDDP(t, d, a, nil)
			v.f(t, dir)
			resum(t, dir, "CHECKSUM.MD5", " *", "\n")
			img, err := Read(os.DirFS(dir))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			defer img.Close()
			if !reflect.DeepEqual(&img.Disc, d) {
				t.Errorf("disc:\n got %+v\nwant %+v", img.Disc, *d)
			}
			if len(img.Warnings) != 0 {
				t.Errorf("warnings: %v", img.Warnings)
			}
		})
	}
}

func TestReadChecksumFlavours(t *testing.T) {
	d := workedDisc()
	a := audio(d, 0)
	for _, c := range []struct{ name, sep, eol string }{
		{"MD5_CHECKSUM.MD5", " *", "\r\n"}, // HOFA: CRLF
		{"MD5-Checksum.md5", " *", "\n"},   // Sonoris
		{"CHECKSUM.MD5", "  ", "\n"},       // md5sum text mode
		{"release.md5", " *", "\r\n"},      // any .md5 file
	} {
		dir := writeDDP(t, d, a, nil)
		resum(t, dir, c.name, c.sep, c.eol)
		img, err := Read(os.DirFS(dir))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if img.Checksum == nil || img.Checksum.File != c.name || len(img.Checksum.Entries) != 5 {
			t.Errorf("%s: checksums = %+v", c.name, img.Checksum)
		}
		img.Close()
	}
	// No checksum file: readable, with a warning.
	dir := writeDDP(t, d, a, nil)
	os.Remove(filepath.Join(dir, "CHECKSUM.MD5"))
	img, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if len(img.Warnings) != 1 || !strings.Contains(img.Warnings[0].Error(), "no checksum file") {
		t.Errorf("warnings = %v", img.Warnings)
	}
}

func TestReadWarnsSoundInPregap(t *testing.T) {
	d := workedDisc()
	dir := writeDDP(t, d, audio(d, 0), nil)
	edit(t, dir, "IMAGE.DAT", func(b []byte) []byte { b[20*2352] = 9; return b })
	resum(t, dir, "CHECKSUM.MD5", " *", "\n")
	img, err := Read(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if len(img.Warnings) != 1 || !strings.Contains(img.Warnings[0].Error(), "IMAGE.DAT: sector 20 of track 1's 2-second pregap") {
		t.Errorf("warnings = %v", img.Warnings)
	}
}

// problemsFor writes the worked example, applies f, and returns Read's
// error and Verify's problems.
func problemsFor(t *testing.T, f func(dir string)) (error, []Problem) {
	t.Helper()
	d := workedDisc()
	dir := writeDDP(t, d, audio(d, 0), nil)
	f(dir)
	img, err := Read(os.DirFS(dir))
	if err == nil {
		img.Close()
	}
	return err, Verify(os.DirFS(dir))
}

// errorLine reports whether one line of err is "ddp: <file>: ..." and
// contains detail.
func errorLine(err error, file, detail string) bool {
	if err == nil {
		return false
	}
	prefix := "ddp: " + file + ": "
	if file == "" {
		prefix = "ddp: "
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.HasPrefix(line, prefix) && strings.Contains(line, detail) {
			return true
		}
	}
	return false
}

func hasProblem(probs []Problem, file, detail string) bool {
	for _, p := range probs {
		if p.File == file && strings.Contains(p.Detail, detail) && !p.Warning {
			return true
		}
	}
	return false
}

func TestReadNegative(t *testing.T) {
	cases := []struct {
		name         string
		f            func(t *testing.T, dir string)
		file, detail string
	}{
		{"flipped byte in IMAGE.DAT", func(t *testing.T, dir string) {
			edit(t, dir, "IMAGE.DAT", func(b []byte) []byte { b[1000*2352+7] ^= 0x40; return b })
		}, "IMAGE.DAT", "but CHECKSUM.MD5 says"},
		{"bad CD-Text CRC", func(t *testing.T, dir string) {
			edit(t, dir, "CDTEXT.BIN", func(b []byte) []byte { b[4*18+6] ^= 0x20; return b })
			resum(t, dir, "CHECKSUM.MD5", " *", "\n")
		}, "CDTEXT.BIN", "pack 4: CRC"},
		{"truncated IMAGE.DAT", func(t *testing.T, dir string) {
			os.Truncate(filepath.Join(dir, "IMAGE.DAT"), 1000*2352)
		}, "IMAGE.DAT", "truncated: 2352000 bytes"},
		{"DDPMS names a missing file", func(t *testing.T, dir string) {
			edit(t, dir, "DDPMS", setMS(1, 74, "PQ_DESCR"))
		}, "PQ_DESCR", "missing (DDPMS names it)"},
		{"DDPMS names a missing image", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "IMAGE.DAT"))
		}, "IMAGE.DAT", "missing"},
		{"missing DDPID", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "DDPID"))
		}, "DDPID", "missing"},
		{"DDP level", func(t *testing.T, dir string) {
			edit(t, dir, "DDPID", func(b []byte) []byte { copy(b, "DDP 2.10"); return b })
		}, "DDPID", "level"},
		{"bad UPC check digit in DDPID", func(t *testing.T, dir string) {
			edit(t, dir, "DDPID", func(b []byte) []byte { b[20] = '1'; return b })
		}, "DDPID", "check digit"},
		{"PQ lead-out disagrees with DSL", func(t *testing.T, dir string) {
			edit(t, dir, "DDPMS", setMS(2, 14, "    1839"))
		}, "PQDESCR", "DSL is 1839"},
		{"PRE2 disagrees with track 1 index 01", func(t *testing.T, dir string) {
			edit(t, dir, "DDPMS", setMS(2, 46, " 149"))
		}, "DDPMS", "PRE2 149"},
		{"PQ packet marker", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte { copy(b[3*64:], "VVVX"); return b })
		}, "PQDESCR", "packet 3: SPV"},
		{"four-channel control", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte { copy(b[5*64+16:], "81"); return b })
		}, "PQDESCR", "four-channel"},
		{"index out of order", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte { copy(b[4*64+6:], "02"); return b })
		}, "PQDESCR", "index 02 out of sequence"},
		{"track too short", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte { copy(b[6*64+10:], "002200"); return b })
		}, "", "track 3 length"},
		{"three lead-outs", func(t *testing.T, dir string) {
			edit(t, dir, "PQDESCR", func(b []byte) []byte { return append(b, b[len(b)-64:]...) })
			edit(t, dir, "DDPMS", setMS(1, 14, "     640"))
		}, "PQDESCR", "3 lead-out packets"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err, probs := problemsFor(t, func(dir string) { c.f(t, dir) })
			if !errorLine(err, c.file, c.detail) {
				t.Errorf("Read error = %v, want a line naming %q and containing %q", err, c.file, c.detail)
			}
			if !hasProblem(probs, c.file, c.detail) {
				t.Errorf("Verify = %v, want a problem in %q containing %q", probs, c.file, c.detail)
			}
		})
	}
}

// TestVerifyAll wants every problem of a fileset with several at once.
func TestVerifyAll(t *testing.T) {
	_, probs := problemsFor(t, func(dir string) {
		edit(t, dir, "CDTEXT.BIN", func(b []byte) []byte { b[2*18+5] ^= 1; b[7*18+5] ^= 1; return b })
		edit(t, dir, "IMAGE.DAT", func(b []byte) []byte { b[0] = 1; return b })
		edit(t, dir, "PQDESCR", func(b []byte) []byte { copy(b[3*64+16:], "01"); return b }) // C1 differs within track 2
	})
	for _, w := range []struct{ file, detail string }{
		{"CDTEXT.BIN", "pack 2: CRC"},
		{"CDTEXT.BIN", "pack 7: CRC"},
		{"IMAGE.DAT", "MD5"},
		{"CDTEXT.BIN", "MD5"},
		{"PQDESCR", "C1 differs"},
		{"PQDESCR", "MD5"},
	} {
		if !hasProblem(probs, w.file, w.detail) {
			t.Errorf("Verify misses %s: %s; got %v", w.file, w.detail, probs)
		}
	}
}

// TestHostileLengths declares huge streams; Read must refuse them without
// allocating in proportion.
func TestHostileLengths(t *testing.T) {
	d := workedDisc()
	dir := writeDDP(t, d, audio(d, 0), nil)
	fsys := fstest.MapFS{}
	for _, n := range []string{"DDPID", "DDPMS", "PQDESCR", "CDTEXT.BIN"} {
		fsys[n] = &fstest.MapFile{Data: readFile(t, dir, n)}
	}
	ms := fsys["DDPMS"].Data
	copy(ms[2*128+14:], "99999999") // D0: 99,999,999 sectors
	copy(ms[1*128+14:], "99999999") // PQ: 99,999,999 bytes
	fsys["IMAGE.DAT"] = &fstest.MapFile{Data: make([]byte, 2352)}
	fsys["PQDESCR"].Data = append(fsys["PQDESCR"].Data, make([]byte, maxPQSize)...)
	_, err := Read(fsys)
	if err == nil {
		t.Fatal("Read(hostile) succeeded")
	}
	for _, w := range []string{"PQDESCR: ", "more than the", "IMAGE.DAT: truncated"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
	// The DDPMS declares ~235 GB of audio and ~100 MB of PQ; reading must
	// allocate nothing in proportion (the PQ file itself is ~700 KB).
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	Read(fsys)
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 4<<20 {
		t.Errorf("Read(hostile) allocated %d bytes", n)
	}
}

// zeroFS serves the files of a MapFS plus one virtual file of zeros
// ("IMAGE.DAT"), so a fuzz input can declare a large image without the
// test allocating it.
type zeroFS struct {
	fstest.MapFS
	size int64
}

func (z zeroFS) Open(name string) (fs.File, error) {
	if name == "IMAGE.DAT" {
		return &zeroFile{size: z.size}, nil
	}
	return z.MapFS.Open(name)
}

type zeroFile struct {
	size, off int64
}

func (f *zeroFile) Stat() (fs.FileInfo, error) { return zeroInfo(f.size), nil }
func (f *zeroFile) Close() error               { return nil }
func (f *zeroFile) Read(p []byte) (int, error) {
	n, err := f.ReadAt(p, f.off)
	f.off += int64(n)
	return n, err
}
func (f *zeroFile) ReadAt(p []byte, off int64) (int, error) {
	if off >= f.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), f.size-off))
	clear(p[:n])
	return n, nil
}

type zeroInfo int64

func (z zeroInfo) Name() string       { return "IMAGE.DAT" }
func (z zeroInfo) Size() int64        { return int64(z) }
func (z zeroInfo) Mode() fs.FileMode  { return 0o444 }
func (z zeroInfo) ModTime() time.Time { return time.Time{} }
func (z zeroInfo) IsDir() bool        { return false }
func (z zeroInfo) Sys() any           { return nil }

// fuzzFS builds a fileset from one fuzz input: "DDPID", "DDPMS",
// "PQDESCR" and "CDTEXT.BIN" are the parts of data separated by "|||",
// and IMAGE.DAT is zeros, as many sectors as the first byte says times 10.
func fuzzFS(data []byte) fs.FS {
	parts := bytes.SplitN(data, []byte("|||"), 4)
	for len(parts) < 4 {
		parts = append(parts, nil)
	}
	sectors := int64(0)
	if len(data) > 0 {
		sectors = int64(data[0]) * 10
	}
	return zeroFS{MapFS: fstest.MapFS{
		"DDPID":      {Data: parts[0]},
		"DDPMS":      {Data: parts[1]},
		"PQDESCR":    {Data: parts[2]},
		"CDTEXT.BIN": {Data: parts[3]},
	}, size: sectors * cdda.SectorBytes}
}

func FuzzRead(f *testing.F) {
	d := workedDisc()
	d.LeadOut = 1830 // IMAGE.DAT of 183 * 10 sectors
	d.Tracks[2].Index[0] = 1300
	d.Tracks[1].Index[0] = 650
	dir := f.TempDir()
	w, err := NewWriter(dir, d, nil)
	if err != nil {
		f.Fatal(err)
	}
	w.Write(audio(d, 0))
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	rf := func(n string) []byte { b, _ := os.ReadFile(filepath.Join(dir, n)); return b }
	sep := []byte("|||")
	seed := bytes.Join([][]byte{rf("DDPID"), rf("DDPMS"), rf("PQDESCR"), rf("CDTEXT.BIN")}, sep)
	seed[0] = 183 // overwritten "D" of DDPID: the image size byte; the seed is then a level error
	f.Add(seed)
	good := append([]byte(nil), seed...)
	good[0] = 'D' // 'D' = 68 -> 680 sectors: a lead-out mismatch
	f.Add(good)
	f.Add(bytes.Join([][]byte{rf("DDPID"), rf("DDPMS")[128:], rf("PQDESCR")[:512]}, sep))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Read(fuzzFS(data))
		if err != nil {
			if img != nil {
				t.Fatal("image and error")
			}
			var p Problem
			if !errors.As(err, &p) {
				t.Fatalf("error %v is not a Problem", err)
			}
			return
		}
		// A readable image must dump and give its tracks' audio.
		if err := Dump(io.Discard, img); err != nil {
			t.Fatal(err)
		}
		for n := 1; n <= len(img.Disc.Tracks); n++ {
			if _, err := img.TrackAudio(n); err != nil {
				t.Fatal(err)
			}
		}
		img.Close()
	})
}
