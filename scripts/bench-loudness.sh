#!/bin/bash
# Benchmark lathe's loudness meter against FFmpeg's ebur128 filter on the
# 60-minute test album of docs/loudness.md §3 (44.1 kHz, 24-bit stereo),
# in the same run on the same machine, and print speed ratios and peak
# memory. Decoding the WAV is part of every timed run.
#
# Usage: scripts/bench-loudness.sh [WORKDIR]   (default: $TMPDIR/lathe-bench)
# Needs: go, sox, ffmpeg, /usr/bin/time (Debian packages sox, ffmpeg, time).
# RUNS (default 3) sets how many times each command runs; the median counts.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/lathe-bench}
runs=${RUNS:-3}
mkdir -p "$work"
cd "$work"

for tool in sox ffmpeg /usr/bin/time go; do
	command -v "$tool" >/dev/null || { echo "bench-loudness: $tool not found" >&2; exit 1; }
done

# The test album (docs/loudness.md §3.2): deterministic, so the hash is known.
want=ba9a7f8c0803a7b42c8d8a7683f43b69514cb7c905ed398ea4ffd8dd1c2e9d9b
if [ ! -f album60.wav ] || [ "$(sha256sum album60.wav | cut -d' ' -f1)" != "$want" ]; then
	echo "generating album60.wav (about a minute)..." >&2
	S="sox -R -V1"
	F="-r 44100 -b 24 -c 2"
	D=297
	post="fade t 0.5 $D 3 pad 0 3"
	$S -n $F s01.wav synth $D pinknoise pinknoise tremolo 0.05 60 gain -20 $post
	$S -n $F s02.wav synth $D pinknoise pinknoise lowpass 4000 tremolo 0.2 40 gain -10 $post
	$S -n $F s03.wav synth $D brownnoise pinknoise tremolo 0.02 80 gain -12 $post
	$S -n $F s04.wav synth $D pinknoise pinknoise tremolo 0.1 30 gain -35 $post
	$S -n $F s05.wav synth $D pinknoise pinknoise gain 7 lowpass 15000 $post
	$S -n $F s06.wav synth $D pinknoise pinknoise highpass 200 tremolo 0.5 50 gain -16 $post
	$S -n $F s07.wav synth $D sine 220 sine 330 synth $D sine amod 0.3 80 gain -9 $post
	$S -n $F s08.wav synth $D pinknoise pinknoise bandpass 1000 2q tremolo 0.03 90 gain -6 $post
	$S -n $F s09.wav synth $D whitenoise whitenoise lowpass 8000 tremolo 1 20 gain -24 $post
	$S -n $F s10.wav synth $D pinknoise pinknoise gain 6 lowpass 12000 tremolo 0.07 50 $post
	$S -n $F s11.wav synth $D pinknoise pinknoise tremolo 0.01 95 gain -18 $post
	$S -n $F s12.wav synth $D pinknoise pinknoise gain 3 highpass 60 lowpass 16000 gain -1 $post
	$S s0[1-9].wav s1[0-2].wav album60.wav
	rm -f s0[1-9].wav s1[0-2].wav
	got=$(sha256sum album60.wav | cut -d' ' -f1)
	[ "$got" = "$want" ] || echo "bench-loudness: warning: album60.wav sha256 $got, expected $want (different SoX build?)" >&2
fi

(cd "$root" && go build -o "$work/meterwav" ./loudness/internal/meterwav)
cat album60.wav >/dev/null # into the page cache

# Each command runs $runs times, the commands interleaved (A B C ... A B C)
# so that other load on the machine hits all of them alike. Per command:
# the median wall time, the median CPU time (user + system) and the largest
# maximum resident set size.
names=(ffmpeg-ebur128-peak ffmpeg-ebur128-nopeak lathe-tp-1core lathe-tp-2cores
	lathe-compat-1core lathe-notp-1core lathe-notp-2cores)
declare -A cmds=(
	[ffmpeg-ebur128-peak]="ffmpeg -nostdin -hide_banner -nostats -threads 1 -i album60.wav -af ebur128=peak=true -f null -"
	[ffmpeg-ebur128-nopeak]="ffmpeg -nostdin -hide_banner -nostats -threads 1 -i album60.wav -af ebur128 -f null -"
	[lathe-tp-1core]="env GOMAXPROCS=1 ./meterwav -tp accurate album60.wav"
	[lathe-tp-2cores]="env GOMAXPROCS=2 ./meterwav -tp accurate album60.wav"
	[lathe-compat-1core]="env GOMAXPROCS=1 ./meterwav -tp compat album60.wav"
	[lathe-notp-1core]="env GOMAXPROCS=1 ./meterwav -tp off album60.wav"
	[lathe-notp-2cores]="env GOMAXPROCS=2 ./meterwav -tp off album60.wav"
)
declare -A walls cpus wall cpu rss
for _ in $(seq "$runs"); do
	for name in "${names[@]}"; do
		# shellcheck disable=SC2086
		/usr/bin/time -v -o time.txt ${cmds[$name]} >"out-$name.txt" 2>"err-$name.txt"
		walls[$name]+="$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' time.txt) "
		cpus[$name]+="$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' time.txt) "
		k=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
		[ "$k" -gt "${rss[$name]:-0}" ] && rss[$name]=$k
	done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "60-minute 44.1 kHz 24-bit stereo, $runs interleaved runs each, medians:"
printf '%-24s %9s %9s %10s %9s\n' command wall-s cpu-s x-realtime rss-MB
for name in "${names[@]}"; do
	wall[$name]=$(echo "${walls[$name]}" | median)
	cpu[$name]=$(echo "${cpus[$name]}" | median)
	printf '%-24s %9.2f %9.2f %10.0f %9d\n' "$name" "${wall[$name]}" "${cpu[$name]}" \
		"$(awk -v w="${wall[$name]}" 'BEGIN {print 3600 / w}')" "$((rss[$name] / 1024))"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%5.2f", a / b}'; }
f=ffmpeg-ebur128-peak
echo
echo "speed relative to ffmpeg -threads 1 -af ebur128=peak=true (wall-time ratio; CPU-time"
echo "ratio in brackets, the fairer one for 1-core runs on a busy machine):"
echo "  I+LRA+TP accurate, 1 core:   $(ratio "${wall[$f]}" "${wall[lathe-tp-1core]}")x [$(ratio "${cpu[$f]}" "${cpu[lathe-tp-1core]}")x]  goal >= 1.0"
echo "  I+LRA+TP accurate, 2 cores:  $(ratio "${wall[$f]}" "${wall[lathe-tp-2cores]}")x             goal >= 1.8"
echo "  I+LRA+TP compat, 1 core:     $(ratio "${wall[$f]}" "${wall[lathe-compat-1core]}")x [$(ratio "${cpu[$f]}" "${cpu[lathe-compat-1core]}")x]"
echo "  I+LRA without TP, 1 core:    $(ratio "${wall[$f]}" "${wall[lathe-notp-1core]}")x [$(ratio "${cpu[$f]}" "${cpu[lathe-notp-1core]}")x]  goal >= 3"
echo "  I+LRA without TP, 2 cores:   $(ratio "${wall[$f]}" "${wall[lathe-notp-2cores]}")x"
n=ffmpeg-ebur128-nopeak
echo "  without TP vs ffmpeg ebur128 without peak, 1 core: $(ratio "${wall[$n]}" "${wall[lathe-notp-1core]}")x [$(ratio "${cpu[$n]}" "${cpu[lathe-notp-1core]}")x]"
echo "peak RSS of lathe's analysis: $((rss[lathe-tp-2cores] / 1024)) MB with 2 cores, $((rss[lathe-tp-1core] / 1024)) MB with 1 (goal < 64 MB)"
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "results (lathe accurate, then ffmpeg summary):"
cat out-lathe-tp-1core.txt
sed -n '/Summary:/,$p' err-ffmpeg-ebur128-peak.txt
