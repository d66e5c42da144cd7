#!/bin/bash
# Benchmark lathe's FLAC and MP3 encoders against the reference command
# lines on a 60-minute album, in the same run on the same machine.
#
# The album is 12 tracks of 5 minutes, synthesized with SoX: 24-bit 96 kHz
# stereo WAVs for the FLAC delivery and 16-bit 44.1 kHz stereo WAVs for the
# MP3 delivery. The references run one after the other, as a script chaining
# the tools would: `flac -8` on every 24/96 WAV, then `lame -b 320
# --noreplaygain` on every 16/44.1 WAV (lathe's MP3 encoder leaves LAME's
# ReplayGain analysis off, so these are the same settings, and the MP3
# files come out byte-identical). lathe encodes the same WAVs as a build
# encodes its deliveries: the 24 files are jobs for 2 workers, FLAC (with
# libFLAC's verify mode on) and MP3 side by side, reading the WAVs through
# lathe's own reader. Goal: lathe's wall time at most 0.6 of the references'.
#
# With BUILD=1 it then times, for information, a whole `lathe build` of a
# project with the 24/96 sources as tracks (match = "off", so one pass) and
# a flac delivery (24-bit at 96 kHz, level 8) and an mp3 delivery (320 kb/s
# at 44.1 kHz: lathe resamples, dithers nothing, meters every delivery per
# track with accurate true peak and writes tags, cover-less, with
# ReplayGain) against the same two commands on the same sources, one after
# the other: `flac -8`, then `lame -b 320 --noreplaygain --resample 44.1`.
#
# Usage: scripts/bench-encode.sh [WORKDIR]   (default: $TMPDIR/lathe-bench-encode)
# Needs: go, sox, flac, lame (Debian packages sox, flac, lame); about 3 GB
# of disk in WORKDIR (6 GB with BUILD=1). RUNS (default 1) sets how many
# times each side runs, interleaved; the medians count.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/lathe-bench-encode}
runs=${RUNS:-1}
mkdir -p "$work"
cd "$work"

for tool in sox flac lame go; do
	command -v "$tool" >/dev/null || { echo "bench-encode: $tool not found" >&2; exit 1; }
done

# shellcheck source=scripts/album12.sh
. "$root/scripts/album12.sh"
gen() { # gen RATE BITS PREFIX
	for i in $(seq 1 12); do
		album12_track "$(printf '%s%02d.wav' "$3" "$i")" "$i" "$1" "$2"
	done
}
if [ ! -s hi12.wav ] || [ ! -s cd12.wav ]; then
	echo "generating 2 x 12 five-minute WAVs (a few minutes)..." >&2
fi
gen 96000 24 hi
gen 44100 16 cd
hi=(hi[01][0-9].wav)
cd=(cd[01][0-9].wav)

(cd "$root" && go build -o "$work/benchenc" ./flac/internal/benchenc)
cat ./*.wav >/dev/null # into the page cache

now() { date +%s.%N; }
refs=() ours=()
for run in $(seq "$runs"); do
	rm -rf ref out && mkdir ref out
	t0=$(now)
	for f in "${hi[@]}"; do flac -8 -s -f -o "ref/${f%.wav}.flac" "$f" 2>/dev/null; done
	for f in "${cd[@]}"; do lame -S -b 320 --noreplaygain "$f" "ref/${f%.wav}.mp3" 2>/dev/null; done
	t1=$(now)
	list() { local IFS=,; echo "$*"; }
	./benchenc -j 2 -o out -flac "$(list "${hi[@]}")" -mp3 "$(list "${cd[@]}")" >"benchenc-$run.txt"
	t2=$(now)
	refs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
	ours+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}')")
	echo "run $run: references ${refs[-1]} s, lathe ${ours[-1]} s" >&2
done

# The outputs must be right for the times to mean anything.
for f in out/*.flac; do flac -t -s "$f" || { echo "bench-encode: $f fails flac -t" >&2; exit 1; }; done
same=0
for f in ref/*.mp3; do cmp -s "$f" "out/${f#ref/}" && same=$((same + 1)); done
flacsize() { cat "$@" | wc -c; }

median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ref=$(echo "${refs[*]}" | median)
our=$(echo "${ours[*]}" | median)
echo "60-minute album: 12 x 5 min, FLAC from 24/96, MP3 320 kb/s from 16/44.1; $(nproc) cores; median of $runs run(s)"
printf '%-52s %8.2f s\n' "flac -8, then lame -b 320 --noreplaygain (serial)" "$ref"
printf '%-52s %8.2f s\n' "lathe encoders, 2 workers (flac verify on)" "$our"
printf '%-52s %8.2f   goal <= 0.60\n' "ratio lathe / references" "$(awk -v a="$our" -v b="$ref" 'BEGIN {print a / b}')"
echo "MP3 files identical to lame's: $same of ${#cd[@]}"
a=$(flacsize out/*.flac) b=$(flacsize ref/*.flac)
echo "FLAC bytes: lathe $a, flac -8 $b (flac -8 adds 8 KiB padding and a seek table per file): $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%+.3f %%", 100 * (a - b) / b}')"
echo "per file (lathe, last run):"
cat "benchenc-$runs.txt"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"

[ "${BUILD:-}" = 1 ] || exit 0

# A whole build against the two commands on the 96 kHz sources.
(cd "$root" && go build -o "$work/lathe" ./cmd/lathe)
mkdir -p project
{
	printf '[album]\ntitle = "Bench"\nartist = "Lathe"\n[loudness]\nmatch = "off"\n'
	for f in "${hi[@]}"; do printf '[[track]]\nfile = "../%s"\ntitle = "%s"\n' "$f" "${f%.wav}"; done
	printf '[[delivery]]\nname = "flac"\nkind = "flac"\n[[delivery]]\nname = "mp3"\nkind = "mp3"\n'
} >project/album.toml
brefs=() bours=()
for run in $(seq "$runs"); do
	rm -rf bref && mkdir bref
	t0=$(now)
	for f in "${hi[@]}"; do flac -8 -s -f -o "bref/${f%.wav}.flac" "$f" 2>/dev/null; done
	for f in "${hi[@]}"; do lame -S -b 320 --noreplaygain --resample 44.1 "$f" "bref/${f%.wav}.mp3" 2>/dev/null; done
	t1=$(now)
	./lathe -q build --force -o build-out project
	t2=$(now)
	brefs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
	bours+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {print b - a}')")
	echo "build run $run: references ${brefs[-1]} s, lathe build ${bours[-1]} s" >&2
done
for f in build-out/flac/*.flac; do flac -t -s "$f" || { echo "bench-encode: $f fails flac -t" >&2; exit 1; }; done
bref=$(echo "${brefs[*]}" | median)
bour=$(echo "${bours[*]}" | median)
echo
echo "whole build from the 24/96 sources: flac 24/96 level 8 and mp3 320 kb/s at 44.1 kHz; median of $runs run(s)"
printf '%-52s %8.2f s\n' "flac -8, then lame -b 320 --resample 44.1 (serial)" "$bref"
printf '%-52s %8.2f s\n' "lathe build (render, resample, meter, encode, tag)" "$bour"
printf '%-52s %8.2f\n' "ratio lathe build / references" "$(awk -v a="$bour" -v b="$bref" 'BEGIN {print a / b}')"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
