package pcm_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/lathe-audio/lathe/pcm"
)

// Helpers that build WAV files byte by byte, so that each error case states
// the one field it breaks.

func le16b(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32b(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// chunkOf returns a chunk with its declared size and pad byte.
func chunkOf(id string, body []byte) []byte {
	b := cat([]byte(id), le32b(uint32(len(body))), body)
	if len(body)%2 == 1 {
		b = append(b, 0)
	}
	return b
}

// riffOf returns a RIFF form holding chunks, with a correct RIFF size.
func riffOf(form string, chunks ...[]byte) []byte {
	body := cat(append([][]byte{[]byte(form)}, chunks...)...)
	return cat([]byte("RIFF"), le32b(uint32(len(body))), body)
}

// fmtOf returns a plain fmt chunk body; byte rate and block align follow
// from the other fields.
func fmtOf(tag, channels uint16, rate uint32, bits uint16) []byte {
	align := channels * ((bits + 7) / 8)
	return cat(le16b(tag), le16b(channels), le32b(rate), le32b(rate*uint32(align)), le16b(align), le16b(bits))
}

// withAlign returns the fmt body p with its block align replaced.
func withAlign(p []byte, align uint16) []byte {
	p = append([]byte(nil), p...)
	binary.LittleEndian.PutUint16(p[12:], align)
	return p
}

var (
	fmt16   = fmtOf(1, 2, 44100, 16)
	data1k  = make([]byte, 4000) // 1000 frames of 16-bit stereo
	song16  = riffOf("WAVE", chunkOf("fmt ", fmt16), chunkOf("data", data1k))
	extTail = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71}
)

// extOf returns a WAVE_FORMAT_EXTENSIBLE fmt body.
func extOf(channels uint16, containerBits, validBits, subformat uint16) []byte {
	base := fmtOf(0xFFFE, channels, 48000, containerBits)
	return cat(base, le16b(22), le16b(validBits), le32b(3), le16b(subformat), extTail)
}

func TestOpenErrors(t *testing.T) {
	dataHuge := cat([]byte("data"), le32b(0x7FFFFFFF), data1k)
	for _, tt := range []struct {
		name        string
		file        []byte
		want        string
		unsupported bool
	}{
		{"truncated data chunk", song16[:2044], `pcm: song.wav: data chunk truncated at byte 2044 (want 4044)`, false},
		{"truncated RIFF header", song16[:8], `pcm: song.wav: header truncated at byte 8 (want 12)`, false},
		{"truncated fmt chunk", song16[:30], `pcm: song.wav: "fmt " chunk truncated at byte 30 (want 36)`, false},
		{"truncated chunk header", song16[:40], `pcm: song.wav: chunk header truncated at byte 40 (want 44)`, false},
		{"truncated LIST chunk", riffOf("WAVE", chunkOf("fmt ", fmt16), chunkOf("LIST", make([]byte, 100)))[:100],
			`pcm: song.wav: "LIST" chunk truncated at byte 100 (want 144)`, false},
		{"block align wrong", riffOf("WAVE", chunkOf("fmt ", withAlign(fmt16, 5)), chunkOf("data", data1k)),
			`pcm: song.wav: corrupt fmt chunk: block align 5, want 4 (2 channels of 2 bytes)`, false},
		{"zero channels", riffOf("WAVE", chunkOf("fmt ", fmtOf(1, 0, 44100, 16)), chunkOf("data", data1k)),
			`pcm: song.wav: corrupt fmt chunk: 0 channels`, false},
		{"zero bits", riffOf("WAVE", chunkOf("fmt ", fmtOf(1, 2, 44100, 0)), chunkOf("data", data1k)),
			`pcm: song.wav: corrupt fmt chunk: 0 bits per sample`, false},
		{"zero rate", riffOf("WAVE", chunkOf("fmt ", fmtOf(1, 2, 0, 16)), chunkOf("data", data1k)),
			`pcm: song.wav: corrupt fmt chunk: sample rate 0`, false},
		{"byte rate wrong", riffOf("WAVE", chunkOf("fmt ", cat(fmt16[:8], le32b(1000), fmt16[12:])), chunkOf("data", data1k)),
			`pcm: song.wav: corrupt fmt chunk: byte rate 1000, want 176400 (44100 Hz × 4 bytes)`, false},
		{"short fmt", riffOf("WAVE", chunkOf("fmt ", fmt16[:14]), chunkOf("data", data1k)),
			`pcm: song.wav: corrupt fmt chunk: 14 bytes, want at least 16`, false},
		{"two fmt chunks", riffOf("WAVE", chunkOf("fmt ", fmt16), chunkOf("fmt ", fmt16), chunkOf("data", data1k)),
			`pcm: song.wav: corrupt fmt chunk: a second fmt chunk at byte 36`, false},
		{"24-bit float", riffOf("WAVE", chunkOf("fmt ", fmtOf(3, 2, 44100, 24)), chunkOf("data", make([]byte, 600))),
			`pcm: song.wav: corrupt fmt chunk: 24-bit float, want 32 or 64`, false},
		{"valid bits over container", riffOf("WAVE", chunkOf("fmt ", extOf(2, 24, 25, 1)), chunkOf("data", make([]byte, 600))),
			`pcm: song.wav: corrupt fmt chunk: 25 valid bits in a 24-bit container`, false},
		{"short extensible", riffOf("WAVE", chunkOf("fmt ", extOf(2, 24, 20, 1)[:24]), chunkOf("data", make([]byte, 600))),
			`pcm: song.wav: corrupt fmt chunk: WAVE_FORMAT_EXTENSIBLE in 24 bytes, want 40`, false},
		{"8-bit", riffOf("WAVE", chunkOf("fmt ", fmtOf(1, 1, 8000, 8)), chunkOf("data", make([]byte, 100))),
			`pcm: song.wav: 8-bit PCM: lathe reads 16- to 32-bit integer or 32- and 64-bit float samples`, true},
		{"12-in-16 extensible", riffOf("WAVE", chunkOf("fmt ", extOf(2, 16, 12, 1)), chunkOf("data", make([]byte, 400))),
			`pcm: song.wav: 12-bit PCM: lathe reads 16- to 32-bit integer or 32- and 64-bit float samples`, true},
		{"6 channels", riffOf("WAVE", chunkOf("fmt ", fmtOf(1, 6, 48000, 16)), chunkOf("data", make([]byte, 1200))),
			`pcm: song.wav: 6 channels: lathe masters stereo (or mono)`, true},
		{"compressed", riffOf("WAVE", chunkOf("fmt ", fmtOf(0x55, 2, 44100, 16)), chunkOf("data", data1k)),
			`pcm: song.wav: WAV encoding 0x0055: lathe reads PCM and IEEE float WAV`, true},
		{"extensible subformat", riffOf("WAVE", chunkOf("fmt ", cat(extOf(2, 16, 16, 1)[:26], make([]byte, 14))), chunkOf("data", data1k)),
			`pcm: song.wav: WAVE_FORMAT_EXTENSIBLE subformat 01000000000000000000000000000000 is not PCM or IEEE float`, true},
		{"rate too high", riffOf("WAVE", chunkOf("fmt ", fmtOf(1, 2, 1536000, 16)), chunkOf("data", data1k)),
			`pcm: song.wav: sample rate 1536000 Hz: lathe reads up to 768000 Hz`, true},
		{"not RIFF", []byte("ABCDEFGHIJKLMNOP"), `pcm: song.wav: not a WAV or FLAC file (starts with "ABCD")`, false},
		{"empty file", nil, `pcm: song.wav: not a WAV or FLAC file (starts with "")`, false},
		{"RIFF but not WAVE", riffOf("AVI ", chunkOf("avih", make([]byte, 56))),
			`pcm: song.wav: not a WAV file (RIFF form "AVI ", want "WAVE")`, false},
		{"missing data chunk", riffOf("WAVE", chunkOf("fmt ", fmt16), chunkOf("LIST", []byte("INFO"))),
			`pcm: song.wav: no data chunk`, false},
		{"missing fmt chunk", riffOf("WAVE", chunkOf("LIST", []byte("INFO"))),
			`pcm: song.wav: no fmt chunk`, false},
		{"data before fmt", riffOf("WAVE", chunkOf("data", data1k), chunkOf("fmt ", fmt16)),
			`pcm: song.wav: data chunk before the fmt chunk`, false},
		{"data size larger than file", riffOf("WAVE", chunkOf("fmt ", fmt16), dataHuge),
			`pcm: song.wav: data chunk size 2147483647 runs past the end of the file (4044 bytes)`, false},
		{"data not whole frames", riffOf("WAVE", chunkOf("fmt ", fmt16), chunkOf("data", data1k[:3999])),
			`pcm: song.wav: data chunk size 3999 is not a whole number of 4-byte frames`, false},
		{"too many chunks", riffOf("WAVE", bytes.Repeat(chunkOf("JUNK", nil), 1001)),
			`pcm: song.wav: more than 1000 chunks before the audio`, false},
		{"RF64 without ds64", cat([]byte("RF64"), song16[4:]),
			`pcm: song.wav: first chunk is "fmt ", want "ds64"`, false},
		{"RF64 short ds64", cat([]byte("RF64"), le32b(0xFFFFFFFF), []byte("WAVE"), chunkOf("ds64", make([]byte, 20))),
			`pcm: song.wav: corrupt ds64 chunk: 20 bytes, want at least 28`, false},
		{"RF64 size without entry", cat([]byte("RF64"), le32b(0xFFFFFFFF), []byte("WAVE"), chunkOf("ds64", make([]byte, 28)),
			[]byte("LIST"), le32b(0xFFFFFFFF)),
			`pcm: song.wav: chunk "LIST" at byte 48 has size 0xFFFFFFFF but no ds64 entry`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.WriteFile("song.wav", tt.file, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := pcm.Probe("song.wav")
			if err == nil || err.Error() != tt.want {
				t.Fatalf("Probe(song.wav) error = %v, want %s", err, tt.want)
			}
			var fe *pcm.FormatError
			var ue *pcm.UnsupportedError
			if errors.As(err, &ue) != tt.unsupported || errors.As(err, &fe) == tt.unsupported {
				t.Errorf("Probe(song.wav) error is %T, want UnsupportedError %v", err, tt.unsupported)
			}
			s, err := pcm.Open("song.wav")
			if err == nil || err.Error() != tt.want {
				t.Errorf("Open(song.wav) error = %v, want %s", err, tt.want)
			}
			if s != nil {
				t.Errorf("Open(song.wav) returned a Source with its error")
			}
		})
	}
}

// TestReadTruncated cuts a file after Open: Read must name the file and the
// byte where the data ends, deliver the whole frames before it, and never
// report io.EOF.
func TestReadTruncated(t *testing.T) {
	s := openSong(t)
	defer s.Close()
	if err := os.Truncate("song.wav", 2045); err != nil { // 500 frames and a byte
		t.Fatal(err)
	}
	dst := [][]float64{make([]float64, 4096), make([]float64, 4096)}
	n, err := s.Read(dst)
	const want = "pcm: song.wav: data chunk truncated at byte 2045 (want 4044)"
	if n != 500 || err == nil || err.Error() != want {
		t.Fatalf("Read = %d, %v, want 500, %s", n, err, want)
	}
	if n, err2 := s.Read(dst); n != 0 || err2 != err {
		t.Errorf("Read after error = %d, %v, want 0, the same error", n, err2)
	}
	if errors.Is(err, io.EOF) {
		t.Errorf("Read error %v is io.EOF", err)
	}
}

// openSong opens a valid 16-bit stereo file, song.wav, in a new current
// folder.
func openSong(t *testing.T) pcm.Source {
	t.Chdir(t.TempDir())
	if err := os.WriteFile("song.wav", song16, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := pcm.Open("song.wav")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestReadAfterClose checks that a closed Source fails rather than reading
// a closed file.
func TestReadAfterClose(t *testing.T) {
	s := openSong(t)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	_, err := s.Read([][]float64{make([]float64, 10), make([]float64, 10)})
	if !errors.Is(err, os.ErrClosed) {
		t.Errorf("Read after Close error = %v, want os.ErrClosed", err)
	}
}

// TestTolerated checks what the reader skips: unknown and odd-sized chunks
// (with their pad byte), JUNK, bext and LIST, in any order before data, and
// a missing pad byte after an odd-sized data chunk at the end of the file.
func TestTolerated(t *testing.T) {
	mono := fmtOf(1, 1, 44100, 24)
	file := riffOf("WAVE",
		chunkOf("JUNK", make([]byte, 28)),
		chunkOf("odd!", []byte{1, 2, 3}),
		chunkOf("fmt ", mono),
		chunkOf("LIST", []byte("adtlxxxx")),
		chunkOf("bext", make([]byte, 10)), // too short to use: ignored
		chunkOf("data", []byte{0, 0, 0x80, 0xff, 0xff, 0x7f, 0, 0, 0}),
	)
	file = file[:len(file)-1] // drop the pad byte
	t.Chdir(t.TempDir())
	if err := os.WriteFile("song.wav", file, 0o644); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, "song.wav")
	want := []float64{-1, 1 - 1.0/(1<<23), 0}
	if len(got) != 1 || len(got[0]) != 3 || got[0][0] != want[0] || got[0][1] != want[1] || got[0][2] != want[2] {
		t.Errorf("read = %v, want [%v]", got, want)
	}
}
