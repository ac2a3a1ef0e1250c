#!/bin/sh
# audit.sh - cw audit on a large database built by the fixture generator
# (the bundled codewalkers history at head, AUDIT_ROWS rows per table:
# 130,000 make about 1 GB; agent_metrics backfilled as in production;
# cached under build/bench/audit/), against what
# it must not exceed: PRAGMA integrity_check alone plus 2 seconds, and
# with --quick quick_check alone plus 2 seconds.  Both checks are timed
# with production's SQLite (better-sqlite3 from cases/oracle, read-only;
# the sqlite3 shell when node is missing).  Best of 2 each, the page cache
# warm.  Peak RSS of the audit is printed for the large database and for
# one a tenth of its size: memory must not grow with the database.
# Then, for information, the audit of the same size two migrations
# behind (the dry run of the next deploy on a scratch copy).
# Prints PASS/FAIL per target and exits 0 either way.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
work=$top/build/bench/audit
fixture=$top/fixtures/codewalkers/apps/server/drizzle
rows=${AUDIT_ROWS:-130000}
mkdir -p "$work"

now_ns() { date +%s%N; }

# build NAME ROWS [PREFIX]: the database, once per row count.
build() {
	db=$work/$1-$2.db
	if [ ! -f "$db" ] && [ -n "${3:-}" ]; then
		echo "audit bench: building $db ($2 rows per table, once)" >&2
		"$CW" fixtures build "$fixture" --rows "$2" -o "$db" \
			--prefix "$3" --force >/dev/null 2>&1
		rm -f "$db.expected.json"
	elif [ ! -f "$db" ]; then
		echo "audit bench: building $db ($2 rows per table, once)" >&2
		"$CW" fixtures build "$fixture" --rows "$2" -o "$db.tmp" \
			--force >/dev/null 2>&1
		# agent_metrics as production has it: what the backfill
		# counts (the generator's own rows stand for nothing), its
		# bookkeeping table dropped so the schema is the migrations'.
		sqlite3 "$db.tmp" "DELETE FROM agent_metrics"
		"$CW" backfill-metrics --db "$db.tmp" >/dev/null 2>&1
		sqlite3 "$db.tmp" "DROP TABLE cw_backfill_runs; VACUUM"
		mv "$db.tmp" "$db"
		rm -f "$db.tmp.expected.json"
	fi
	echo "$db"
}

# pragma DB NAME: seconds PRAGMA NAME takes alone.
pragma() {
	if command -v node >/dev/null &&
	   [ -d "$top/cases/oracle/node_modules" ]; then
		(cd "$top/cases/oracle" && node -e '
			const D = require("better-sqlite3");
			const db = new D(process.argv[1], {readonly: true});
			const t = process.hrtime.bigint();
			db.pragma(process.argv[2]);
			const s = Number(process.hrtime.bigint() - t) / 1e9;
			console.log(s.toFixed(3));' "$1" "$2")
	else
		t0=$(now_ns)
		sqlite3 "file:$1?mode=ro" "PRAGMA $2" >/dev/null
		echo "$(( $(now_ns) - t0 ))" | awk '{printf "%.3f\n", $1/1e9}'
	fi
}

# best2 CMD...: the better of two runs' seconds.
best2() {
	a=$("$@"); b=$("$@")
	echo "$a $b" | awk '{print ($1 < $2 ? $1 : $2)}'
}

# audit DB [ARGS]: "seconds peak-KB" of one cw audit.
audit() {
	db=$1; shift
	/usr/bin/time -f "%e %M" -o "$work/time.txt" \
		"$CW" audit --db "$db" "$fixture" "$@" >"$work/audit.txt" \
		2>"$work/audit.err" || true
	tail -1 "$work/time.txt"
}

audit_best() {
	a=$(audit "$@"); b=$(audit "$@")
	echo "$a
$b" | sort -n | head -1
}

big=$(build big "$rows")
small=$(build small $((rows / 10)))
size=$(stat -c %s "$big")
pragma "$big" integrity_check >/dev/null   # warm the page cache

ic=$(best2 pragma "$big" integrity_check)
qc=$(best2 pragma "$big" quick_check)
full=$(audit_best "$big")
quick=$(audit_best "$big" --quick)
small_rss=$(audit "$small" | awk '{print $2}')
verdict=$(head -1 "$work/audit.txt")

echo "audit bench: $(( size / 1048576 )) MiB database ($rows rows per table), verdict $verdict"
echo "$ic $full" | awk '{printf "  integrity_check alone %.2f s; cw audit %.2f s (budget %.2f s), peak RSS %d MiB: %s\n", $1, $2, $1 + 2, $3 / 1024, ($2 <= $1 + 2 ? "PASS" : "FAIL")}'
echo "$qc $quick" | awk '{printf "  quick_check alone %.2f s; cw audit --quick %.2f s (budget %.2f s), peak RSS %d MiB: %s\n", $1, $2, $1 + 2, $3 / 1024, ($2 <= $1 + 2 ? "PASS" : "FAIL")}'
echo "$full $small_rss" | awk '{printf "  peak RSS %d MiB on a tenth of the size, %d MiB on the whole: %s\n", $3 / 1024, $2 / 1024, ($2 <= 2 * $3 + 16384 ? "PASS" : "FAIL")}'

# Informational: the same size two migrations behind (0034 creates
# agent_metrics, 0035 adds tasks.summary): the dry run copies the whole
# database to a scratch file first.
behind=$(build behind "$rows" 34)
echo "  two migrations behind: cw audit $(audit_best "$behind" | awk '{printf "%.2f s, peak RSS %d MiB", $1, $2 / 1024}') ($(head -1 "$work/audit.txt"))"
