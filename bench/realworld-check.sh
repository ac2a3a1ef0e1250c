#!/bin/sh
# realworld-check.sh - `cw check` on the two real histories in
# ../shared/realworld, against `drizzle-kit check` (the peer a team runs
# today, which only reads snapshots) measured in the same run.  Prints each
# time (best of 5) and the ratio cw / drizzle-kit; cw does far more work
# (applies every piece in memory, probes rebuilds), and must still finish
# well under a second.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
shared=${SHARED:-$top/../shared}
kit=$top/cases/oracle/node_modules/.bin/drizzle-kit

now_ns() { date +%s%N; }
best_ns() {   # best_ns CMD... -> nanoseconds, best of 5
	best=0
	for _ in 1 2 3 4 5; do
		t0=$(now_ns)
		"$@" >/dev/null 2>&1 || true
		t=$(( $(now_ns) - t0 ))
		if [ "$best" -eq 0 ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best"
}

status=0
for h in karakeep-app__karakeep dyad-sh__dyad; do
	dir=$shared/realworld/$h
	if [ ! -d "$dir" ]; then echo "SKIP $h: $dir not found"; continue; fi
	cw=$(best_ns "$CW" check "$dir")
	if [ -x "$kit" ]; then
		peer=$(best_ns "$kit" check --dialect sqlite --out "$dir")
	else
		peer=0
	fi
	awk -v h="$h" -v c="$cw" -v p="$peer" 'BEGIN {
		printf "realworld-check %s: cw check %.1f ms", h, c / 1e6
		if (p > 0) printf ", drizzle-kit check %.1f ms, ratio %.2f", p / 1e6, c / p
		printf " %s\n", (c < 1e9 ? "PASS (< 1 s)" : "FAIL (>= 1 s)")
		exit (c < 1e9 ? 0 : 1) }' || status=1
done
exit $status
