#!/bin/bash
# End-to-end benchmark: `lathe build` of a 60-minute album to every default
# delivery against the chain of standard tools a user would script for the
# same deliveries, in the same run on the same machine.
#
# The album is 12 tracks of 5 minutes synthesized with SoX (as
# bench-encode.sh makes them), in mixed source formats: tracks 1-4 16-bit
# 44.1 kHz, 5-8 24-bit 48 kHz, 9-12 24-bit 96 kHz. The project sets
# [loudness] target = -16 (match "album", the default): the album moves as
# a whole to -16 LUFS, so both sides measure the album, then apply one
# gain. lathe builds its default deliveries (DDP, album WAV + cue, FLAC
# 24-bit at the program rate of 96 kHz, MP3 320 kb/s, WAV 16/44.1), and with
# them the manifest (checksums, PCM MD5 and loudness of every file) and the
# report.
#
# The chain, one command after the other as a script runs them:
#   1. sox: every track to 24-bit 96 kHz (rate -v), the program rate;
#   2. sox + ffmpeg: the tracks joined with 2 s gaps, measured by ffmpeg's
#      ebur128 filter (integrated loudness), the gain = -16 - I;
#   3. sox: every track with the gain, dithered (TPDF), to 24/96 -> flac -8;
#   4. sox: every track with the gain, rate -v 44100, dither, 16-bit, the 2 s
#      gap appended (but to the last) -> the 16/44.1 WAVs;
#   5. lame -b 320 on each 16/44.1 WAV;
#   6. sox: the 16/44.1 WAVs joined into the album WAV, and a cue sheet
#      written by the script from their lengths (soxi -s).
# It makes no DDP (no standard tool writes one), measures no true peak,
# writes no tags, checksums or report: lathe does all of that on top.
#
# Goals: lathe's wall time at most 0.5 of the chain's; its peak resident
# memory (GNU time's "Maximum resident set size") under 400 MB.
#
# Usage: scripts/bench-e2e.sh [WORKDIR]   (default: $TMPDIR/lathe-bench-e2e)
# LATHE_BENCH_SETTLE sets the pause before each side, in seconds (20).
# Needs: go, sox, ffmpeg, flac, lame, GNU time (Debian packages sox, ffmpeg,
# flac, lame, time); about 10 GB of disk in WORKDIR.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/lathe-bench-e2e}
mkdir -p "$work"
cd "$work"

for tool in sox soxi ffmpeg flac lame go /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench-e2e: $tool not found" >&2; exit 1; }
done

# shellcheck source=scripts/album12.sh
. "$root/scripts/album12.sh"
formats=("44100 16" "44100 16" "44100 16" "44100 16" "48000 24" "48000 24" "48000 24" "48000 24"
	"96000 24" "96000 24" "96000 24" "96000 24")
mkdir -p src
for i in $(seq 1 12); do
	f=$(printf 'src/%02d.wav' "$i")
	[ -s "$f" ] && continue
	read -r rate bits <<<"${formats[$((i - 1))]}"
	echo "generating $f ($rate Hz, $bits-bit)" >&2
	album12_track "$f" "$i" "$rate" "$bits"
done
src=(src/[01][0-9].wav)

mkdir -p project
{
	printf '[album]\ntitle = "Bench"\nartist = "Lathe"\n\n[loudness]\ntarget = -16.0\n'
	for f in "${src[@]}"; do
		n=$(basename "$f" .wav)
		printf '\n[[track]]\nfile = "../%s"\ntitle = "Track %s"\n' "$f" "$n"
	done
} >project/album.toml

(cd "$root" && go build -o "$work/lathe" ./cmd/lathe)

now() { date +%s.%N; }

# The chain.
chain() {
	mkdir -p chain/p96 chain/flac chain/wav chain/mp3 chain/cue
	for f in "${src[@]}"; do
		sox -V1 "$f" -b 24 "chain/p96/$(basename "$f")" rate -v 96000
	done
	local p96=(chain/p96/*.wav) joined=() k=0
	for f in "${p96[@]}"; do
		k=$((k + 1))
		joined+=("$f")
		[ "$k" -lt ${#p96[@]} ] && joined+=("|sox -n -r 96000 -c 2 -p trim 0 2")
	done
	sox -V1 "${joined[@]}" chain/album96.wav
	local I
	I=$(ffmpeg -hide_banner -nostats -i chain/album96.wav -af ebur128 -f null - 2>&1 |
		awk '/Integrated loudness:/ {getline; print $2}')
	local G
	G=$(awk -v i="$I" 'BEGIN {printf "%.2f", -16 - i}')
	echo "chain: album at $I LUFS, gain $G dB" >&2
	k=0
	for f in "${p96[@]}"; do
		k=$((k + 1))
		n=$(basename "$f" .wav)
		sox -V1 "$f" -b 24 "chain/flac/$n.wav" gain "$G" dither
		flac -8 -s -f --delete-input-file -o "chain/flac/$n.flac" "chain/flac/$n.wav" 2>/dev/null
		pad=2
		[ "$k" -eq ${#p96[@]} ] && pad=0
		sox -V1 "$f" -b 16 "chain/wav/$n.wav" gain "$G" rate -v 44100 dither pad 0 "$pad"
		lame -S -b 320 "chain/wav/$n.wav" "chain/mp3/$n.mp3" 2>/dev/null
	done
	sox -V1 chain/wav/*.wav chain/cue/album.wav
	{
		echo 'PERFORMER "Lathe"'
		echo 'TITLE "Bench"'
		echo 'FILE "album.wav" WAVE'
		local at=0 t=0
		for f in chain/wav/*.wav; do
			t=$((t + 1))
			printf '  TRACK %02d AUDIO\n    INDEX 01 %02d:%02d:%02d\n' "$t" $((at / 44100 / 60)) $((at / 44100 % 60)) $((at % 44100 / 588))
			at=$((at + $(soxi -s "$f")))
		done
	} >chain/cue/album.cue
}

# Each side starts from the same state, none of it timed: its own old
# output removed, every write before it on the disk (sync), so that
# neither pays for the other's deletions or write-back; a pause of
# $settle seconds; and the sources just read, so both find them in the
# page cache. The pause is for virtual machines that hand free memory back
# to their host (virtio-balloon free page reporting): a few seconds after
# a removal the freed pages are gone from the guest, and the next writes
# pay to fault them back in (2 GB written to a new file here: 4.3 s of
# system time, against 0.4 s right after a removal). Without it, the side
# that starts right after a removal writes into that memory for free, and
# the other does not. The kernel may also drop pages unused for a minute
# (here DAMON's reclaim), so the sources are read again just before each
# side.
settle=${LATHE_BENCH_SETTLE:-20}
ready() {
	sync
	sleep "$settle"
	cat "${src[@]}" >/dev/null
}
rm -rf chain
ready
t0=$(now)
chain
t1=$(now)
rm -rf out
ready
t1b=$(now)
/usr/bin/time -v -o lathe-time.txt ./lathe -q build -o out project
t2=$(now)

# The outputs must be there for the times to mean anything.
for d in ddp cue flac mp3 wav-cd; do
	[ -d "out/$d" ] || { echo "bench-e2e: lathe built no $d delivery" >&2; exit 1; }
done
"$work/lathe" -q verify out/ddp >/dev/null || { echo "bench-e2e: lathe verify fails on the DDP" >&2; exit 1; }
[ -s out/manifest.json ] || { echo "bench-e2e: no manifest" >&2; exit 1; }
for f in out/flac/*.flac chain/flac/*.flac; do flac -t -s "$f" || { echo "bench-e2e: $f fails flac -t" >&2; exit 1; }; done

chain_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
lathe_s=$(awk -v a="$t1b" -v b="$t2" 'BEGIN {print b - a}')
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' lathe-time.txt)
echo "60-minute album, 12 x 5 min (4 x 16/44.1, 4 x 24/48, 4 x 24/96), album to -16 LUFS; $(nproc) cores"
printf '%-58s %8.2f s\n' "chain: sox, ffmpeg ebur128, flac -8, lame -b 320, cue" "$chain_s"
printf '%-58s %8.2f s\n' "lathe build, default deliveries + manifest and report" "$lathe_s"
printf '%-58s %8.2f   goal <= 0.50\n' "ratio lathe / chain" "$(awk -v a="$lathe_s" -v b="$chain_s" 'BEGIN {print a / b}')"
printf '%-58s %8.1f MB  goal < 400\n' "lathe peak resident memory" "$(awk -v k="$rss_kb" 'BEGIN {print k / 1024}')"
grep -E "User time|System time|Percent of CPU" lathe-time.txt | sed 's/^\t*/lathe /'
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
