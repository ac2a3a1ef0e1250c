#!/bin/sh
# kill-test.sh - cw backfill-metrics killed with SIGKILL at random moments
# leaves agent_metrics untouched or complete, never in between, and a
# rerun always ends exact (cw verify-metrics exits 0).
#
# A fixture database is grown to about 30,000 chunks (build/kill-test,
# kept between runs); one timed run measures how long a backfill takes;
# then KILLS times (default 20): a fresh copy, a backfill started and
# SIGKILLed after a random part of that time (some kills land after it
# finished, which is checked too), the state checked, a rerun, a verify.
# usage: CW=build/cw cases/backfill/kill-test.sh   (KILLS=N, SEED=S)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CW=${CW:-$top/build/cw}
KILLS=${KILLS:-20}
SEED=${SEED:-$$}
work=$top/build/kill-test
base=$work/base.db
mkdir -p "$work"
fail() { echo "kill-test: FAIL: $*"; exit 1; }

if [ ! -f "$base" ]; then
	"$CW" fixtures build "$top/fixtures/codewalkers/apps/server/drizzle" \
		-o "$work/grow.db" --rows 200 --force >/dev/null ||
		fail "fixtures build"
	sqlite3 "$work/grow.db" "DELETE FROM agent_metrics;
	  WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n
	    WHERE k < 150)
	  INSERT INTO agent_log_chunks SELECT id || '-' || k, agent_id,
	    session_number, content, created_at + k * 1000000
	    FROM agent_log_chunks, n;" || fail "growing the database"
	mv "$work/grow.db" "$base"
fi

now_ms() { date +%s%3N; }
cp "$base" "$work/t.db"
t0=$(now_ms)
"$CW" backfill-metrics --db "$work/t.db" >/dev/null 2>&1 || fail "timed run"
t=$(( $(now_ms) - t0 ))
chunks=$(sqlite3 "$base" "SELECT count(*) FROM agent_log_chunks")

mid=0 i=1
while [ $i -le "$KILLS" ]; do
	w=$work/w.db
	rm -f "$w" "$w-journal" "$w-wal" "$w-shm"
	cp "$base" "$w"
	# a random moment between 0 and 1.2 times a whole run
	delay=$(awk -v s="$SEED" -v i="$i" -v t="$t" \
		'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * t * 1.2 / 1000 }')
	"$CW" backfill-metrics --db "$w" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then mid=$((mid + 1)); fi
	wait "$pid" 2>/dev/null
	# untouched (no run, no row) or complete (one run, exact)
	runs=$(sqlite3 "$w" "SELECT count(*) FROM sqlite_master WHERE name =
	  'cw_backfill_runs'")
	[ "$runs" = 1 ] && runs=$(sqlite3 "$w" "SELECT count(*) FROM cw_backfill_runs")
	rows=$(sqlite3 "$w" "SELECT count(*) FROM agent_metrics")
	if [ "$runs" = 0 ]; then
		[ "$rows" = 0 ] || fail "kill $i after ${delay}s: $rows rows and no run"
		"$CW" backfill-metrics --db "$w" >/dev/null 2>&1 ||
			fail "kill $i: rerun failed"
	else
		[ "$runs" = 1 ] || fail "kill $i: $runs runs"
		"$CW" verify-metrics --db "$w" >/dev/null 2>&1 ||
			fail "kill $i after ${delay}s: complete run not exact"
		"$CW" backfill-metrics --db "$w" >/dev/null 2>&1
		[ $? = 2 ] || fail "kill $i: second run not refused"
	fi
	"$CW" verify-metrics --db "$w" >/dev/null 2>&1 ||
		fail "kill $i after ${delay}s: not exact after the rerun"
	i=$((i + 1))
done
echo "kill-test: $KILLS SIGKILLs ($mid during a run of ${t} ms over $chunks chunks), every rerun exact"
