package render

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/lathe-audio/lathe/pcm/pcmtest"
)

// BenchmarkBuild96to44 builds 30 s of 96 kHz 24-bit stereo pink noise to
// a 16-bit 44.1 kHz dithered album WAV with per-track gains only, as
// scripts/bench-render.sh does for an hour: one pass, soxr, TPDF dither,
// the WAV writer and the delivery's own metering (accurate true peak).
// It reports the speed as a multiple of real time.
func BenchmarkBuild96to44(b *testing.B) {
	const seconds = 30
	dir := b.TempDir()
	n := seconds * 96000
	writeSource(b, dir, "in.wav", 96000, 24, [][]float64{pcmtest.PinkNoise(1, -14, n), pcmtest.PinkNoise(2, -14, n)})
	p := loadProject(b, dir, `[album]
title = "Bench"
artist = "lathe"
[loudness]
match = "off"
[[track]]
file = "in.wav"
[[delivery]]
name = "cd"
kind = "wav"
rate = 44100
bits = 16
files = "album"
`)
	b.ResetTimer()
	for i := range b.N {
		o := BuildOptions{Album: p.album, Layout: p.layout, Sources: p.paths, Formats: p.formats,
			Dest: filepath.Join(dir, "out"+strconv.Itoa(i))}
		rep, err := Build(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		if rep.Analysis != nil || rep.Deliveries[0].Passes != 1 {
			b.Fatalf("analysis %v, %d passes; want one pass", rep.Analysis != nil, rep.Deliveries[0].Passes)
		}
	}
	b.ReportMetric(float64(seconds*b.N)/b.Elapsed().Seconds(), "x-realtime")
}
