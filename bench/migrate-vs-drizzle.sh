#!/bin/sh
# migrate-vs-drizzle.sh - `cw migrate` against the real drizzle-orm
# migrator (cases/oracle/drizzle-migrate.mjs, Node + better-sqlite3)
# applying the same history to a fresh database, best of 5 each, in one
# run; prints both times and the ratio cw / drizzle.  The history is the
# real karakeep folder when ../shared is present, else the bundled fixture.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
shared=${SHARED:-$top/../shared}
dir=$shared/realworld/karakeep-app__karakeep
[ -d "$dir" ] || dir=$top/fixtures/codewalkers/apps/server/drizzle
work=$top/build/bench
mkdir -p "$work"
command -v node >/dev/null || { echo "SKIP migrate-vs-drizzle: no node"; exit 0; }

now_ns() { date +%s%N; }
best_ns() {   # best_ns DB CMD... -> nanoseconds, best of 5, fresh DB each
	db=$1; shift; best=0
	for _ in 1 2 3 4 5; do
		rm -f "$db"
		t0=$(now_ns)
		"$@" >/dev/null 2>&1
		t=$(( $(now_ns) - t0 ))
		if [ "$best" -eq 0 ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	echo "$best"
}

cw=$(best_ns "$work/cw.db" "$CW" migrate --db "$work/cw.db" --migrations "$dir")
dz=$(best_ns "$work/dz.db" node "$top/cases/oracle/drizzle-migrate.mjs" \
	--db "$work/dz.db" --migrations "$dir")
awk -v c="$cw" -v d="$dz" -v dir="$(basename "$dir")" 'BEGIN {
	printf "migrate-vs-drizzle %s: cw %.1f ms, drizzle-orm %.1f ms, ratio %.2f\n", dir, c / 1e6, d / 1e6, c / d }'
