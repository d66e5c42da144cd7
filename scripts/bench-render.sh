#!/bin/bash
# Benchmark lathe's render engine against the peer chain a user would
# otherwise run, in the same run on the same machine: a 60-minute
# 96 kHz/24-bit stereo album rendered to a 44.1 kHz/16-bit dithered WAV.
#
#   peer:  sox in.wav -b 16 out.wav rate -v 44100 dither
#   lathe: lathe build (one track, match = "off", one wav delivery at
#          44100 Hz/16-bit, files = "album"). With match = "off" the gains
#          need no analysis, so lathe renders in one pass; the delivery
#          meters what it writes (BS.1770 loudness, LRA and accurate true
#          peak of every track, at 44.1 kHz), which sox does not do.
#
# Prints the wall-time ratio (sox / lathe), the CPU-time (user + system)
# ratio and the peak RSS of each, from /usr/bin/time -v, medians over RUNS
# (default 3) interleaved runs. lathe runs its stages on several
# goroutines, so its wall time depends on a second core being free: on a
# loaded machine compare the CPU times too (the load average is printed).
#
# Usage: scripts/bench-render.sh [WORKDIR]   (default: $TMPDIR/lathe-bench-render)
# Needs: go, sox, /usr/bin/time (Debian packages sox, time); about 2.5 GB of disk.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${TMPDIR:-/tmp}/lathe-bench-render}
runs=${RUNS:-3}
mkdir -p "$work"
cd "$work"

for tool in sox /usr/bin/time go; do
	command -v "$tool" >/dev/null || { echo "bench-render: $tool not found" >&2; exit 1; }
done

# The input: 60 minutes of 96 kHz 24-bit stereo, pink noise with slow
# level changes at about -14 dBFS RMS (deterministic with sox -R).
if [ ! -f in.wav ]; then
	echo "generating in.wav (60 min, 96 kHz, 24-bit, about 2 GB)..." >&2
	sox -R -V1 -n -r 96000 -b 24 -c 2 in.wav synth 3600 pinknoise pinknoise tremolo 0.05 40 gain -12
fi
cat >album.toml <<'TOML'
[album]
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
TOML

(cd "$root" && go build -o "$work/lathe" ./cmd/lathe)
cat in.wav >/dev/null # into the page cache

names=(sox lathe)
declare -A cmds=(
	[sox]="sox in.wav -b 16 sox-out.wav rate -v 44100 dither"
	[lathe]="./lathe -q build --force -o lathe-out album.toml"
)
declare -A walls cpus rss wall cpu
for _ in $(seq "$runs"); do
	for name in "${names[@]}"; do
		# shellcheck disable=SC2086
		/usr/bin/time -v -o time.txt ${cmds[$name]} >"out-$name.txt" 2>"err-$name.txt" ||
			{ echo "bench-render: $name failed:" >&2; cat "err-$name.txt" >&2; exit 1; }
		walls[$name]+="$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,p,":"); s=0; for(i=1;i<=n;i++) s=s*60+p[i]; print s}' time.txt) "
		cpus[$name]+="$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' time.txt) "
		k=$(awk -F': ' '/Maximum resident set size/ {print $2}' time.txt)
		[ "$k" -gt "${rss[$name]:-0}" ] && rss[$name]=$k
	done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "60-minute 96 kHz/24-bit stereo -> 44.1 kHz/16-bit dithered WAV, $runs interleaved runs, medians:"
printf '%-8s %9s %10s %9s %9s\n' command wall-s x-realtime cpu-s rss-MB
for name in "${names[@]}"; do
	wall[$name]=$(echo "${walls[$name]}" | median)
	cpu[$name]=$(echo "${cpus[$name]}" | median)
	printf '%-8s %9.2f %10.0f %9.2f %9d\n' "$name" "${wall[$name]}" \
		"$(awk -v w="${wall[$name]}" 'BEGIN {print 3600 / w}')" "${cpu[$name]}" "$((rss[$name] / 1024))"
done
echo "wall times (s): sox ${walls[sox]}; lathe ${walls[lathe]}"
echo
echo "lathe speed relative to sox: $(awk -v a="${wall[sox]}" -v b="${wall[lathe]}" 'BEGIN {printf "%.2f", a / b}')x (goal >= 1.2)"
echo "lathe CPU time relative to sox: $(awk -v a="${cpu[sox]}" -v b="${cpu[lathe]}" 'BEGIN {printf "%.2f", b / a}')x"
echo "lathe peak RSS: $((rss[lathe] / 1024)) MB (goal < 300 MB)"
echo "commands:"
for name in "${names[@]}"; do echo "  $name: ${cmds[$name]}"; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
