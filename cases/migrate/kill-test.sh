#!/bin/sh
# kill-test.sh - cw migrate killed with SIGKILL at random moments of a
# long batch leaves the database exactly as it was before the run or
# exactly as a whole run leaves it, never in between, and a rerun always
# ends in that after-state.
#
# A synthetic folder of MIGRATIONS migrations (bench/gen-replay-folder.sh:
# indexes made and dropped, UPDATEs, table rebuilds) and a database built
# at its first PREFIX entries with ROWS rows per table (cw fixtures build)
# are made once under build/kill-test-migrate and kept between runs.  A
# state is `sqlite3 db .dump | sha256sum`: schema, __drizzle_migrations
# and every row.  One timed run gives the after-state and the length of a
# run; then KILLS times (default 30): a fresh copy, cw migrate started and
# SIGKILLed after a random part of that time (some kills land after it
# finished, which is checked too), the state compared with both, a rerun,
# the state compared with the after-state.
# usage: CW=build/cw cases/migrate/kill-test.sh  (KILLS=N, SEED=S, ROWS=N)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CW=${CW:-$top/build/cw}
KILLS=${KILLS:-30}
SEED=${SEED:-$$}
ROWS=${ROWS:-5000}
MIGRATIONS=${MIGRATIONS:-400}
PREFIX=${PREFIX:-100}
work=$top/build/kill-test-migrate
mig=$work/mig-$MIGRATIONS
base=$work/base-$MIGRATIONS-$PREFIX-$ROWS.db
mkdir -p "$work"
fail() { echo "kill-test (migrate): FAIL: $*"; exit 1; }
state() { sqlite3 "$1" .dump | sha256sum | cut -c1-64; }

if [ ! -f "$mig/meta/_journal.json" ]; then
	sh "$top/bench/gen-replay-folder.sh" "$MIGRATIONS" "$mig.tmp" ||
		fail "generating the folder"
	rm -rf "$mig"; mv "$mig.tmp" "$mig"
fi
if [ ! -f "$base" ]; then
	"$CW" fixtures build "$mig" -o "$base.tmp" --prefix "$PREFIX" \
		--rows "$ROWS" --force >/dev/null || fail "fixtures build"
	mv "$base.tmp" "$base"
fi

now_ms() { date +%s%3N; }
before=$(state "$base")
cp "$base" "$work/t.db"
t0=$(now_ms)
"$CW" migrate --db "$work/t.db" --migrations "$mig" >/dev/null 2>&1 ||
	fail "timed run"
t=$(( $(now_ms) - t0 ))
after=$(state "$work/t.db")
[ "$before" != "$after" ] || fail "a whole run changed nothing"

mid=0 n_before=0 i=1
while [ $i -le "$KILLS" ]; do
	w=$work/w.db
	rm -f "$w" "$w-journal" "$w-wal" "$w-shm"
	cp "$base" "$w"
	# a random moment between 0 and 1.2 times a whole run
	delay=$(awk -v s="$SEED" -v i="$i" -v t="$t" \
		'BEGIN { srand(s * 1000 + i); printf "%.3f", rand() * t * 1.2 / 1000 }')
	"$CW" migrate --db "$w" --migrations "$mig" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	if kill -9 "$pid" 2>/dev/null; then mid=$((mid + 1)); fi
	wait "$pid" 2>/dev/null
	# sqlite3 rolls a hot journal back first, as the next opener would
	now=$(state "$w")
	if [ "$now" = "$before" ]; then
		n_before=$((n_before + 1))
	elif [ "$now" != "$after" ]; then
		fail "kill $i after ${delay}s: neither the before- nor the after-state"
	fi
	[ "$(sqlite3 "$w" "PRAGMA integrity_check")" = ok ] ||
		fail "kill $i after ${delay}s: integrity_check"
	"$CW" migrate --db "$w" --migrations "$mig" >/dev/null 2>&1 ||
		fail "kill $i: rerun failed"
	[ "$(state "$w")" = "$after" ] ||
		fail "kill $i after ${delay}s: rerun did not reach the after-state"
	i=$((i + 1))
done
echo "kill-test (migrate): $KILLS SIGKILLs ($mid during a run of ${t} ms applying $((MIGRATIONS - PREFIX)) migrations to $ROWS rows per table; $n_before left the before-state), every rerun exact"
