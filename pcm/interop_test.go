package pcm_test

import (
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lathe-audio/lathe/internal/testtool"
	"github.com/lathe-audio/lathe/pcm"
	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestWrittenFilesOpenInSox checks the writer's files with soxi and ffprobe.
func TestWrittenFilesOpenInSoxAndFFprobe(t *testing.T) {
	soxi := testtool.Require(t, "soxi", "sox")
	ffprobe := testtool.Require(t, "ffprobe", "ffmpeg")
	for _, tt := range []struct {
		f        pcm.Format
		opts     pcm.WAVOptions
		encoding string // soxi -e
		codec    string // ffprobe codec_name
	}{
		{pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, pcm.WAVOptions{}, "Signed Integer PCM", "pcm_s16le"},
		{pcm.Format{Rate: 44100, Channels: 1, Bits: 16}, pcm.WAVOptions{BEXT: testBEXT, Tags: testTags}, "Signed Integer PCM", "pcm_s16le"},
		{pcm.Format{Rate: 96000, Channels: 2, Bits: 24}, pcm.WAVOptions{}, "Signed Integer PCM", "pcm_s24le"},
		{pcm.Format{Rate: 48000, Channels: 2, Bits: 20}, pcm.WAVOptions{}, "Signed Integer PCM", "pcm_s24le"},
		{pcm.Format{Rate: 48000, Channels: 2, Bits: 32}, pcm.WAVOptions{}, "Signed Integer PCM", "pcm_s32le"},
		{pcm.Format{Rate: 48000, Channels: 2, Bits: 32, Float: true}, pcm.WAVOptions{}, "Floating Point PCM", "pcm_f32le"},
		{pcm.Format{Rate: 48000, Channels: 2, Bits: 64, Float: true}, pcm.WAVOptions{}, "Floating Point PCM", "pcm_f64le"},
		{pcm.Format{Rate: 48000, Channels: 2, Bits: 24}, pcm.WAVOptions{RF64: true}, "", "pcm_s24le"},
	} {
		path := filepath.Join(t.TempDir(), "out.wav")
		const frames = 4801
		opts := tt.opts
		opts.Frames = frames
		pcmtest.WriteWAVFileOptions(t, path, tt.f, opts, testSignal(tt.f.Channels, frames))

		got := run(t, ffprobe, "-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels,duration_ts",
			"-of", "default=nw=1", path)
		for _, want := range []string{"codec_name=" + tt.codec, "sample_rate=" + itoa(tt.f.Rate),
			"channels=" + itoa(tt.f.Channels), "duration_ts=" + itoa(frames)} {
			if !strings.Contains(got, want+"\n") {
				t.Errorf("ffprobe %v %+v = %q, want %s", tt.f, tt.opts, got, want)
			}
		}
		if tt.encoding == "" || tt.f.Bits == 20 {
			continue // sox reads neither RF64 nor 20-in-24 ("padded samples")
		}
		bits := tt.f.Bits
		for _, c := range []struct{ flag, want string }{
			{"-r", itoa(tt.f.Rate)}, {"-c", itoa(tt.f.Channels)}, {"-b", itoa(bits)},
			{"-e", tt.encoding}, {"-s", itoa(frames)},
		} {
			if got := strings.TrimSpace(run(t, soxi, c.flag, path)); got != c.want {
				t.Errorf("soxi %s on %v %+v = %q, want %q", c.flag, tt.f, tt.opts, got, c.want)
			}
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestReadsToolFiles converts a 16-bit file of ours with sox and ffmpeg to
// the other formats lathe reads (exact conversions, no dither) and reads
// each back: the samples must be the original ones.
func TestReadsToolFiles(t *testing.T) {
	sox := testtool.Require(t, "sox", "sox")
	ffmpeg := testtool.Require(t, "ffmpeg", "ffmpeg")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.wav")
	want := pcmtest.WriteWAVFile(t, src, pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, testSignal(2, 10001))
	for _, tt := range []struct {
		name string
		cmd  []string // the output path is appended
		f    pcm.Format
		kind string
	}{
		{"sox-16", []string{sox, "-D", src, "-b", "16"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, "wav"},
		{"sox-24-extensible", []string{sox, "-D", src, "-b", "24"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 24}, "wav"},
		{"sox-32", []string{sox, "-D", src, "-b", "32", "-e", "signed-integer"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 32}, "wav"},
		{"sox-float", []string{sox, "-D", src, "-e", "floating-point", "-b", "32"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 32, Float: true}, "wav"},
		{"sox-double", []string{sox, "-D", src, "-e", "floating-point", "-b", "64"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 64, Float: true}, "wav"},
		{"ffmpeg-16", []string{ffmpeg, "-v", "error", "-i", src, "-c:a", "pcm_s16le"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, "wav"},
		{"ffmpeg-24-extensible", []string{ffmpeg, "-v", "error", "-i", src, "-c:a", "pcm_s24le"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 24}, "wav"},
		{"ffmpeg-float", []string{ffmpeg, "-v", "error", "-i", src, "-c:a", "pcm_f32le"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 32, Float: true}, "wav"},
		{"ffmpeg-rf64", []string{ffmpeg, "-v", "error", "-i", src, "-c:a", "pcm_s24le", "-rf64", "always"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 24}, "rf64"},
		{"ffmpeg-bwf", []string{ffmpeg, "-v", "error", "-i", src, "-c:a", "pcm_s24le", "-write_bext", "1"}, pcm.Format{Rate: 44100, Channels: 2, Bits: 24}, "wav"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.wav")
			run(t, tt.cmd[0], append(tt.cmd[1:], path)...)
			info, err := pcm.Probe(path)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if info.Format != tt.f || info.Frames != int64(len(want[0])) || info.Container != tt.kind {
				t.Errorf("Probe = %v, %d frames, %q; want %v, %d, %q", info.Format, info.Frames, info.Container, tt.f, len(want[0]), tt.kind)
			}
			pcmtest.TestSource(t, func() pcm.Source { return open(t, path) }, want)
		})
	}
}

func open(t testing.TB, path string) pcm.Source {
	t.Helper()
	s, err := pcm.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// TestFLAC encodes files of ours with the reference flac command and decodes
// them: the samples must be those of the WAV.
func TestFLAC(t *testing.T) {
	flac := testtool.Require(t, "flac", "flac")
	for _, f := range []pcm.Format{
		{Rate: 44100, Channels: 2, Bits: 16},
		{Rate: 44100, Channels: 1, Bits: 16},
		{Rate: 96000, Channels: 2, Bits: 24},
		{Rate: 48000, Channels: 2, Bits: 20},
	} {
		t.Run(f.String(), func(t *testing.T) {
			dir := t.TempDir()
			src := filepath.Join(dir, "src.wav")
			want := pcmtest.WriteWAVFile(t, src, f, testSignal(f.Channels, 30011))
			out := filepath.Join(dir, "x.flac")
			run(t, flac, "-s", "-5", "-o", out, src)
			info, err := pcm.Probe(out)
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if info.Format != f || info.Frames != int64(len(want[0])) || info.Container != "flac" {
				t.Errorf("Probe = %v, %d frames, %q; want %v, %d, flac", info.Format, info.Frames, info.Container, f, len(want[0]))
			}
			pcmtest.TestSource(t, func() pcm.Source { return open(t, out) }, want)
		})
	}
}

// TestFLACErrors checks a truncated FLAC, one whose audio does not match its
// MD5, and one whose format lathe does not read.
func TestFLACErrors(t *testing.T) {
	flac := testtool.Require(t, "flac", "flac")
	dir := t.TempDir()
	t.Chdir(dir)
	pcmtest.WriteWAVFile(t, "src.wav", pcm.Format{Rate: 44100, Channels: 2, Bits: 16}, testSignal(2, 44100))
	run(t, flac, "-s", "-o", "good.flac", "src.wav")
	good, err := os.ReadFile("good.flac")
	if err != nil {
		t.Fatal(err)
	}
	pcmtest.WriteWAVFile(t, "mono8.wav", pcm.Format{Rate: 8000, Channels: 1, Bits: 16}, testSignal(1, 800))
	run(t, sox(t), "mono8.wav", "-b", "8", "eight.flac")

	cut := good[:len(good)/2]
	os.WriteFile("cut.flac", cut, 0o644)
	// STREAMINFO: "fLaC", a 4-byte block header, then 18 bytes before the MD5.
	badSum := append([]byte(nil), good...)
	badSum[26] ^= 0xFF
	os.WriteFile("badsum.flac", badSum, 0o644)
	// A stream that ends cleanly after a frame but short of the sample count
	// STREAMINFO gives: raise that count (the low 32 of its 36 bits are
	// big-endian at bytes 22-25).
	short := append([]byte(nil), good...)
	binary.BigEndian.PutUint32(short[22:], binary.BigEndian.Uint32(short[22:])+4096)
	os.WriteFile("short.flac", short, 0o644)

	for _, tt := range []struct {
		file string
		want string
	}{
		{"cut.flac", "pcm: cut.flac: FLAC stream truncated at byte " + itoa(len(cut)) + " in the frame at sample "},
		{"short.flac", "pcm: short.flac: FLAC stream truncated at byte " + itoa(len(short)) + ": 44100 of 48196 samples"},
		{"badsum.flac", "pcm: badsum.flac: audio MD5 "},
		{"eight.flac", "pcm: eight.flac: 8-bit FLAC: lathe reads 16- to 24-bit FLAC"},
	} {
		s, err := pcm.Open(tt.file)
		if err == nil {
			_, err = readAllErr(s)
			s.Close()
		}
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("reading %s: error = %v, want %s...", tt.file, err, tt.want)
		}
	}
}

func sox(t *testing.T) string { return testtool.Require(t, "sox", "sox") }

// readAllErr reads s to its end and returns the frames read and the error
// that ended it (nil at io.EOF).
func readAllErr(s pcm.Source) (int64, error) {
	dst := make([][]float64, s.Format().Channels)
	for c := range dst {
		dst[c] = make([]float64, 4096)
	}
	var total int64
	for {
		n, err := s.Read(dst)
		total += int64(n)
		if err != nil {
			if err == io.EOF {
				return total, nil
			}
			return total, err
		}
	}
}
