#!/bin/sh
# check-scale.sh - `cw check` on 2,000 migrations against 200: the ratio of
# the two times must stay at or below 15 (10x the work; linear, not
# quadratic).  Each size is locked first so the lock check runs too, and
# the best of 5 runs is kept to damp a shared machine's noise.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
work=$top/build/bench
mkdir -p "$work"

now_ns() { date +%s%N; }

best_of() {    # best_of DIR -> nanoseconds
	best=0
	for _ in 1 2 3 4 5; do
		t0=$(now_ns)
		"$CW" check "$1" >/dev/null 2>&1 || true
		t=$(( $(now_ns) - t0 ))
		if [ "$best" -eq 0 ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best"
}

for n in 200 2000; do
	"$top/bench/gen-folder.sh" "$n" "$work/f$n"
	"$CW" lock "$work/f$n" >/dev/null 2>&1 || true
done
"$CW" check "$work/f2000" >/dev/null || {
	echo "check-scale: the synthetic folder is not clean"; exit 1; }
small=$(best_of "$work/f200")
large=$(best_of "$work/f2000")
awk -v s="$small" -v l="$large" 'BEGIN {
	r = l / s
	printf "check-scale: 200 migrations %.1f ms, 2000 migrations %.1f ms, ratio %.2f (limit 15) %s\n", s / 1e6, l / 1e6, r, (r <= 15 ? "PASS" : "FAIL")
	exit (r <= 15 ? 0 : 1)
}'
