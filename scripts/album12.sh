# Sourced by the benchmark scripts: the 12-track test album they share.
# album12_track FILE N RATE BITS writes track N (1-12) of five minutes of
# music-like noise and tones, different in level and spectrum, with a
# 0.5 s fade-in and a 3 s fade-out; SoX's -R makes it the same on every run.
# An existing non-empty FILE is kept.
album12_seconds=300
album12_effects=(
	"pinknoise pinknoise lowpass 12000 tremolo 0.05 60 gain -20"
	"pinknoise pinknoise lowpass 4000 tremolo 0.2 40 gain -10"
	"brownnoise pinknoise lowpass 9000 tremolo 0.02 80 gain -12"
	"sine 220 sine 330 tremolo 3 30 gain -9"
	"pinknoise pinknoise gain 3 lowpass 15000"
	"pinknoise pinknoise highpass 200 lowpass 10000 tremolo 0.5 50 gain -16"
	"sine 110 sine 165 tremolo 5 60 gain -8"
	"pinknoise pinknoise bandpass 1000 2q tremolo 0.03 90 gain -6"
	"whitenoise whitenoise lowpass 8000 tremolo 1 20 gain -24"
	"pinknoise pinknoise gain 2 lowpass 12000 tremolo 0.07 50"
	"brownnoise brownnoise tremolo 0.01 95 gain -18"
	"pinknoise pinknoise highpass 60 lowpass 16000 gain -1"
)
album12_track() {
	local f=$1 n=$2 rate=$3 bits=$4 d=$album12_seconds
	[ -s "$f" ] && return 0
	# shellcheck disable=SC2086
	sox -R -V1 -n -r "$rate" -b "$bits" -c 2 "$f.tmp.wav" synth $d ${album12_effects[$((n - 1))]} fade t 0.5 $d 3
	mv "$f.tmp.wav" "$f"
}
