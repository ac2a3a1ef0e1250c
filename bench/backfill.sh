#!/bin/sh
# backfill.sh - cw backfill-metrics against the migration doc's algorithm
# in Node (bench/backfill-node.mjs: better-sqlite3, JSON.parse, 500-row
# keyset batches, the same upserts) and against the I/O floor
# (bench/backfill-floor.c: content in created_at order, memchr-scanned),
# on the same database of N chunks (default 1,000,000 and 3,000,000),
# built once from the data generator's stream-json chunks and cached under
# build/bench.  Agents are fixed at 2,000 so that memory can only grow with
# the table, which it must not.  Prints times, ratios, peak RSS and cw's
# own breakdown (--profile: reading, pre-filter, parsing, waiting, writing;
# bench/README.md says what each one is).
# usage: CW=build/cw bench/backfill.sh [N ...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
out=$top/build/bench
mkdir -p "$out"
sizes=${*:-1000000 3000000}
sq=$(ls -d "$top"/build/sqlite/better-sqlite3-*/ | head -1)
cc -O2 -I"$sq" -o "$out/backfill-floor" "$top/bench/backfill-floor.c" \
	"$sq/libsqlite3.a" -lpthread -ldl -lm

seed=$out/backfill-seed.db
if [ ! -f "$seed" ]; then
	"$CW" fixtures build "$top/fixtures/codewalkers/apps/server/drizzle" \
		-o "$out/seed-tmp.db" --rows 1000 --force >/dev/null
	mv "$out/seed-tmp.db" "$seed"
fi

measure() {  # label command...: prints "seconds peak-KB cpu-seconds"
	label=$1; shift
	/usr/bin/time -f "%e %M %U %S" -o "$out/time.txt" "$@" >"$out/$label.out" 2>&1 ||
		{ echo "bench: $* failed" >&2; cat "$out/$label.out" >&2; exit 1; }
	awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$out/time.txt"
}

for n in $sizes; do
	db=$out/backfill-$n.db
	if [ ! -f "$db" ]; then
		echo "bench: building $db ($n chunks, once)"
		rm -f "$db.tmp"
		cp "$seed" "$db.tmp"
		reps=$(( (n + 199) / 200 ))
		sqlite3 "$db.tmp" "DELETE FROM agent_metrics;
		  CREATE TEMP TABLE src AS SELECT row_number() OVER
		    (ORDER BY created_at, id) AS r, content FROM agent_log_chunks
		    WHERE length(content) < 1400;
		  DELETE FROM agent_log_chunks;
		  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k
		    WHERE i < $reps - 1)
		  INSERT INTO agent_log_chunks SELECT 'c' || (i * 200 + r),
		    'agent-' || ((i * 200 + r) % 2000), 0, content,
		    1735689600000 + (i * 200 + r) * 10 - (r % 7 = 4) * 10
		    FROM k, src WHERE r <= 200 AND i * 200 + r <= $n;
		  VACUUM;"
		mv "$db.tmp" "$db"
	fi
	kb=$(sqlite3 "$db" "SELECT avg(length(content)) FROM agent_log_chunks")
	"$out/backfill-floor" "$db" >/dev/null   # warm the page cache
	set -- $(measure floor "$out/backfill-floor" "$db"); f_s=$1 f_kb=$2 f_cpu=$3
	set -- $(measure cw "$CW" backfill-metrics --db "$db" --force --profile \
		--busy-timeout 1000); c_s=$1 c_kb=$2 c_cpu=$3
	if command -v node >/dev/null && [ -d "$top/cases/oracle/node_modules/better-sqlite3" ]; then
		set -- $(measure node node "$top/bench/backfill-node.mjs" "$db"); n_s=$1 n_kb=$2 n_cpu=$3
	else n_s=0 n_kb=0 n_cpu=0; echo "bench: node or better-sqlite3 missing: no Node peer"; fi
	echo "backfill $n chunks (avg $(printf %.0f "$kb") bytes):"
	echo "  floor ${f_s} s, ${f_kb} KB; cw ${c_s} s, ${c_kb} KB; node ${n_s} s, ${n_kb} KB"
	echo "  CPU (user + sys): floor ${f_cpu} s; cw ${c_cpu} s; node ${n_cpu} s"
	awk -v c="$c_s" -v f="$f_s" -v n="$n_s" 'BEGIN {
	  printf "  cw / floor %.2fx (target <= 1.5x); node / cw %.2fx (target >= 4x)\n",
	    c / f, (c > 0 ? n / c : 0) }'
	grep -E "^time:|chunks read" "$out/cw.out" | sed 's/^/  cw: /'
	grep -E "^node:" "$out/node.out" 2>/dev/null | sed 's/^/  /' || true
done
