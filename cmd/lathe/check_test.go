package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// lathe runs the command line in dir and returns its exit status and
// output streams.
func lathe(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// writeTone writes a stereo 16-bit WAV of the given length.
func writeTone(t *testing.T, path string, rate int, seconds float64) {
	t.Helper()
	frames := int(seconds * float64(rate))
	x := pcmtest.SineStereo(440, 660, -12, rate, frames)
	pcmtest.WriteWAVFile(t, path, pcm.Format{Rate: rate, Channels: 2, Bits: 16}, x)
}

// wavHeader is a canonical 44-byte WAV header.
func wavHeader(format, channels uint16, rate uint32, bits uint16, dataBytes uint32) []byte {
	var b bytes.Buffer
	align := channels * bits / 8
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, 36+dataBytes)
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), format, channels, rate, rate * uint32(align), align, bits} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, dataBytes)
	return b.Bytes()
}

const projectHead = "[album]\ntitle = \"Test\"\nartist = \"Tester\"\n\n"

// tracksFor returns a project with one [[track]] per file.
func tracksFor(files ...string) string {
	s := projectHead
	for _, f := range files {
		s += fmt.Sprintf("[[track]]\nfile = %q\n", f)
	}
	return s
}

func tones(names ...string) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		for _, n := range names {
			writeTone(t, filepath.Join(dir, n), 44100, 5)
		}
	}
}

func rawFile(name string, data func() []byte) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := os.WriteFile(filepath.Join(dir, name), data(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Every bad project and bad input gets one clear message naming the file,
// line, column and key, or the track and field; the whole message is under
// test. docs/design.md §2 and §3.
func TestCheckBadProjects(t *testing.T) {
	tests := []struct {
		name  string
		toml  string
		files func(t *testing.T, dir string) // writes the sources
		want  string                         // stderr, exactly
	}{
		{name: "syntax error", toml: projectHead + "[[track]\n",
			want: "album.toml:5:9: invalid TOML: expected character ]\n"},
		{name: "unknown key", toml: tracksFor("a.wav") + "titel = \"x\"\n", files: tones("a.wav"),
			want: "album.toml:7:1: track[1].titel: unknown key (did you mean title?)\n"},
		{name: "wrong type", toml: tracksFor("a.wav") + "gain = \"+3\"\n", files: tones("a.wav"),
			want: "album.toml:7:8: track[1].gain: \"+3\" is a string, want a gain in dB\n"},
		{name: "isrc too short", toml: tracksFor("a.wav") + "isrc = \"USRC1234567\"\n", files: tones("a.wav"),
			want: "album.toml:7:8: track[1].isrc: \"USRC1234567\" has 11 characters, want 12 (CC-XXX-YY-NNNNN)\n"},
		{name: "isrc bad characters", toml: tracksFor("a.wav") + "isrc = \"US-RC1-2A-45678\"\n", files: tones("a.wav"),
			want: "album.toml:7:8: track[1].isrc: \"US-RC1-2A-45678\": character 7 \"A\" of the year and designation must be a digit (CC-XXX-YY-NNNNN)\n"},
		{name: "isrc duplicated", toml: tracksFor("a.wav") + "isrc = \"USRC12345678\"\n" + "[[track]]\nfile = \"b.wav\"\nisrc = \"usrc12345678\"\n", files: tones("a.wav", "b.wav"),
			want: "album.toml:10:8: track[2].isrc: USRC12345678 is also the ISRC of track 1; every recording needs its own\n"},
		{name: "bad upc check digit", toml: "[album]\nupc = \"012345678901\"\n" + tracksFor("a.wav")[len(projectHead):], files: tones("a.wav"),
			want: "album.toml:2:7: album.upc: \"012345678901\": check digit is 1, want 5\n"},
		{name: "100 tracks", toml: func() string {
			s := projectHead
			for range 100 {
				s += "[[track]]\nfile = \"a.wav\"\n"
			}
			return s
		}(), files: tones("a.wav"),
			want: "album.toml:203:3: track[100]: the album has 100 tracks; a CD holds at most 99\n"},
		{name: "3.9 s track", toml: tracksFor("a.wav", "short.wav"), files: func(t *testing.T, dir string) {
			writeTone(t, filepath.Join(dir, "a.wav"), 44100, 5)
			writeTone(t, filepath.Join(dir, "short.wav"), 44100, 3.9)
		}, want: "album.toml:7:3: track[2]: 0:03.900 of audio; the Red Book minimum track length is 4 s\n"},
		{name: "1 s pregap", toml: "[sequence]\npregap = \"1s\"\n" + tracksFor("a.wav"), files: tones("a.wav"),
			want: "album.toml:2:10: sequence.pregap: pregap of track 1 is 1s; the Red Book asks for at least 2s (150 sectors) of silence before track 1\n"},
		{name: "81-minute album", toml: tracksFor("a.wav", "b.wav"), files: func(t *testing.T, dir string) {
			// Sparse files: headers declaring 40 and 41 minutes of audio.
			for name, min := range map[string]int{"a.wav": 40, "b.wav": 41} {
				n := uint32(min * 60 * 44100 * 4)
				data := wavHeader(1, 2, 44100, 16, n)
				path := filepath.Join(dir, name)
				if err := os.WriteFile(path, data, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Truncate(path, int64(len(data))+int64(n)); err != nil {
					t.Fatal(err)
				}
			}
		}, want: "album.toml: sequence.max_length: the disc is 81:04:00 long (lead-out), past 79:59:74; most plants press at most 79:59:74 without a waiver (raise [sequence] max_length if yours agrees)\n"},
		{name: "missing file", toml: tracksFor("nothere.wav"),
			want: "album.toml:6:8: track[1].file: \"nothere.wav\": no such file\n"},
		{name: "truncated wav", toml: tracksFor("cut.wav"), files: func(t *testing.T, dir string) {
			writeTone(t, filepath.Join(dir, "cut.wav"), 44100, 5)
			if err := os.Truncate(filepath.Join(dir, "cut.wav"), 500000); err != nil {
				t.Fatal(err)
			}
		}, want: "album.toml:6:8: track[1].file: pcm: cut.wav: data chunk truncated at byte 500000 (want 882044)\n"},
		{name: "corrupt fmt chunk", toml: tracksFor("bad.wav"), files: rawFile("bad.wav", func() []byte {
			h := wavHeader(1, 2, 44100, 16, 4*44100*5)
			binary.LittleEndian.PutUint16(h[32:], 3) // block align 3 for 16-bit stereo
			return append(h, make([]byte, 4*44100*5)...)
		}), want: "album.toml:6:8: track[1].file: pcm: bad.wav: corrupt fmt chunk: block align 3, want 4 (2 channels of 2 bytes)\n"},
		{name: "8-bit wav", toml: tracksFor("8bit.wav"), files: rawFile("8bit.wav", func() []byte {
			return append(wavHeader(1, 2, 44100, 8, 2*44100*5), make([]byte, 2*44100*5)...)
		}), want: "album.toml:6:8: track[1].file: pcm: 8bit.wav: 8-bit PCM: lathe reads 16- to 32-bit integer or 32- and 64-bit float samples\n"},
		{name: "6 channels", toml: tracksFor("surround.wav"), files: rawFile("surround.wav", func() []byte {
			return append(wavHeader(1, 6, 48000, 16, 12*48000*5), make([]byte, 12*48000*5)...)
		}), want: "album.toml:6:8: track[1].file: pcm: surround.wav: 6 channels: lathe masters stereo (or mono)\n"},
		{name: "not a wav", toml: tracksFor("notes.wav"), files: rawFile("notes.wav", func() []byte {
			return []byte("these are my notes, not audio")
		}), want: "album.toml:6:8: track[1].file: pcm: notes.wav: not a WAV or FLAC file (starts with \"thes\")\n"},
		{name: "non-Latin-1 CD-Text title", toml: tracksFor("a.wav") + "title = \"Ça ira — live\"\n", files: tones("a.wav"),
			want: "album.toml:7:9: track[1].title: \"Ça ira — live\" has '—' (U+2014) at character 8, which CD-Text (ISO-8859-1) cannot hold; spell it in Latin-1 or set [album] cdtext = false\n"},
		{name: "trim past the end", toml: tracksFor("a.wav") + "end = \"0:06\"\n", files: tones("a.wav"),
			want: "album.toml:7:7: track[1].end: end 6s is past the end of a.wav (0:05.000 long)\n"},
		{name: "fade longer than track", toml: tracksFor("a.wav") + "fade_out = \"5.5s\"\n", files: tones("a.wav"),
			want: "album.toml:7:12: track[1].fade_out: fade-out 5.5s is longer than the track's audio (0:05.000)\n"},
		{name: "index points out of order", toml: tracksFor("a.wav") + "index = [\"3s\", \"2s\"]\n", files: tones("a.wav"),
			want: "album.toml:7:16: track[1].index[2]: index 03 at 2s is not after index 02 at 3s; index points must increase\n"},
		{name: "crossfade longer than neighbour", toml: tracksFor("a.wav", "b.wav") + "crossfade = \"6s\"\n", files: tones("a.wav", "b.wav"),
			want: "album.toml:9:13: track[2].crossfade: crossfade 6s is longer than track 1's audio (0:05.000)\n"},
		{name: "unknown delivery kind", toml: tracksFor("a.wav") + "[[delivery]]\nkind = \"aiff\"\n", files: tones("a.wav"),
			want: "album.toml:8:8: delivery[1].kind: \"aiff\" is not a delivery kind (want ddp, cue, wav, flac or mp3)\n"},
		{name: "copy permitted with scms", toml: tracksFor("a.wav") + "copy_permitted = true\nscms = true\n", files: tones("a.wav"),
			want: "album.toml:8:8: track[1].scms: SCMS and copy_permitted contradict each other (the Red Book forbids DCP together with SCMS)\n"},
		{name: "unknown table", toml: tracksFor("a.wav") + "[loudnes]\ntarget = -14\n", files: tones("a.wav"),
			want: "album.toml:7:2: loudnes: unknown table (did you mean loudness?)\n"},
		{name: "bad fade curve", toml: "[sequence]\nfade_curve = \"cosine\"\n" + tracksFor("a.wav"), files: tones("a.wav"),
			want: "album.toml:2:14: sequence.fade_curve: \"cosine\" is not a fade curve (want linear, sine, log, exp or scurve)\n"},
		{name: "no project", toml: "",
			want: "lathe: error: album.toml: no such project file\nlathe: hint: 'lathe init DIR' writes one for a folder of audio files\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.toml != "" {
				if err := os.WriteFile(filepath.Join(dir, "album.toml"), []byte(tt.toml), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.files != nil {
				tt.files(t, dir)
			}
			code, stdout, stderr := lathe(t, dir, "check")
			if code != exitFailed {
				t.Errorf("lathe check: exit %d, want %d", code, exitFailed)
			}
			if stdout != "" {
				t.Errorf("lathe check: stdout %q, want nothing", stdout)
			}
			if stderr != tt.want {
				t.Errorf("lathe check: stderr\n%s\nwant\n%s", stderr, tt.want)
			}
		})
	}
}
