#!/bin/sh
# load-test.sh - 8 concurrent `cw migrate` and 4 concurrent `cw audit`
# processes against one WAL database for SECONDS (default 60) while a
# writer appends agent_log_chunks rows.  Passes when:
#   - no migration was applied twice: the migrations table ends with one
#     row per journal entry, every hash distinct;
#   - every cw run exited 0, or failed only with the documented busy
#     handling (R004);
#   - every audit saw some committed state: its applied count lies between
#     the rows committed before it started and after it ended, and it
#     exited 0 or 1 (2 only with R004).
# The history is released over the run as it is in production: each
# migrate run takes the prefix of the journal due at that moment plus a
# random 0..2 entries, so several processes race for each new migration
# and overlapping batches contend for the write lock all along.
#
# usage: CW=build/cw LOAD_SECONDS=60 [LOAD_ENTRIES=24] cases/load/load-test.sh
# exit: 0 on success, 1 on a violation (the offending logs are printed).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
DUR=${LOAD_SECONDS:-60}
N=${LOAD_ENTRIES:-24}
work=${LOAD_WORK:-$top/build/load}
rm -rf "$work" && mkdir -p "$work/logs" || exit 2
work=$(cd "$work" && pwd) && cd "$work" || exit 2
db=$work/app.db
start=$(date +%s)
command -v sqlite3 >/dev/null || { echo "SKIP load-test: no sqlite3 shell"; exit 0; }

# The history: 0000 creates the chunk tables, every later entry a table
# filled with a few thousand rows (a batch of them takes a while).
mkdir -p full/meta
i=0
entries=
while [ $i -lt $N ]; do
	tag=$(printf '%04d_step' $i)
	if [ $i = 0 ]; then
		cat > full/$tag.sql <<'SQL'
CREATE TABLE `agent_log_chunks` (`id` text PRIMARY KEY NOT NULL, `agent_id` text NOT NULL, `session_number` integer DEFAULT 0 NOT NULL, `content` text NOT NULL, `created_at` integer NOT NULL);
--> statement-breakpoint
CREATE TABLE `agent_metrics` (`agent_id` text PRIMARY KEY NOT NULL, `questions_count` integer DEFAULT 0 NOT NULL, `subagents_count` integer DEFAULT 0 NOT NULL, `compactions_count` integer DEFAULT 0 NOT NULL, `updated_at` integer DEFAULT 0 NOT NULL);
SQL
	else
		printf 'CREATE TABLE `t%d` (`x` integer);\n--> statement-breakpoint\nINSERT INTO `t%d` WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 20000) SELECT n FROM c;\n' $i $i > full/$tag.sql
	fi
	e=$(printf '{"idx":%d,"version":"6","when":%d,"tag":"%s","breakpoints":true}' $i $((1700000000000 + i * 1000)) "$tag")
	entries=${entries:+$entries,}$e
	# prefix k+1: the folder as it was after entry i was generated
	mkdir -p p$((i + 1))/meta
	printf '{"version":"7","dialect":"sqlite","entries":[%s]}\n' "$entries" > p$((i + 1))/meta/_journal.json
	i=$((i + 1))
done
for k in $(seq 1 $N); do
	for f in full/*.sql; do
		t=$(basename "$f" .sql)
		grep -q "\"$t\"" p$k/meta/_journal.json && cp "$f" p$k/
	done
done
sqlite3 "$db" 'PRAGMA journal_mode=WAL;' >/dev/null || exit 2
"$CW" migrate --db "$db" --migrations p1 >/dev/null || { echo "load-test: first migrate failed"; exit 1; }

count() { sqlite3 -cmd '.timeout 60000' "$db" 'SELECT count(*) FROM __drizzle_migrations;'; }
t0=$(date +%s)
end=$((t0 + DUR))

# The writer: chunks appended one transaction at a time.
(
	n=0
	while [ "$(date +%s)" -lt $end ]; do
		n=$((n + 1))
		sqlite3 -cmd '.timeout 60000' "$db" "INSERT INTO agent_log_chunks VALUES ('w$n', 'a$((n % 7))', 0, '{\"type\":\"system\",\"subtype\":\"compact_boundary\"}', $n);" \
			>/dev/null 2>>logs/writer.err || echo "writer failed at $n" >> logs/writer.err
	done
	echo $n > logs/writer.n
) &
pids=$!

# 8 migrators, each on random prefixes.
for m in 1 2 3 4 5 6 7 8; do
	(
		r=0
		while [ "$(date +%s)" -lt $end ]; do
			r=$((r + 1))
			now=$(date +%s)
			k=$(( 1 + (now - t0) * N / DUR + $(od -An -N2 -tu2 /dev/urandom) % 3 ))
			[ $k -gt $N ] && k=$N
			timeout 120 "$CW" migrate --db "$db" --migrations p$k > logs/m$m.$r.out 2>&1
			echo "$? p$k" > logs/m$m.$r.rc
		done
	) &
	pids="$pids $!"
done

# 4 auditors of the whole history.
for a in 1 2 3 4; do
	(
		r=0
		while [ "$(date +%s)" -lt $end ]; do
			r=$((r + 1))
			before=$(count)
			timeout 120 "$CW" audit --db "$db" p$N > logs/a$a.$r.out 2>&1
			rc=$?
			after=$(count)
			echo "$rc $before $after" > logs/a$a.$r.rc
		done
	) &
	pids="$pids $!"
done
wait $pids

# What the runs said.
fail=0
runs=0 busy=0 applied_runs=0
for f in logs/m*.rc; do
	runs=$((runs + 1))
	set -- $(cat "$f")
	out=${f%.rc}.out
	case $1 in
	0) grep -q '^  applied ' "$out" && applied_runs=$((applied_runs + 1)) ;;
	*)	if grep -q 'R004' "$out" && ! grep -vE 'R004|^cw migrate:|^profile:|^  |^applied |hint:|^FAILED' "$out" | grep -qE '[A-Z][0-9]{3}'; then
			busy=$((busy + 1))
		else
			echo "load-test: migrate run $f ($2) exited $1:"; cat "$out"; fail=1
		fi ;;
	esac
done
audits=0 abusy=0
for f in logs/a*.rc; do
	audits=$((audits + 1))
	set -- $(cat "$f")
	out=${f%.rc}.out
	case $1 in
	0|1) ;;
	2) if grep -q R004 "$out"; then abusy=$((abusy + 1)); continue; fi
	   echo "load-test: audit $f exited 2:"; cat "$out"; fail=1; continue ;;
	*) echo "load-test: audit $f exited $1:"; cat "$out"; fail=1; continue ;;
	esac
	seen=$(sed -n 's/^  applied *\([0-9][0-9]*\) of .*/\1/p' "$out")
	if [ -z "$seen" ] || [ "$seen" -lt "$2" ] || [ "$seen" -gt "$3" ]; then
		echo "load-test: audit $f saw ${seen:-no} applied rows; committed were $2 before and $3 after:"
		cat "$out"; fail=1
	fi
done
[ -s logs/writer.err ] && { echo "load-test: the writer failed:"; cat logs/writer.err; fail=1; }

# The end state: one more migrate of the whole history, then one row per
# entry, no hash twice.
"$CW" migrate --db "$db" --migrations p$N > logs/final.out 2>&1 || { cat logs/final.out; fail=1; }
rows=$(count)
hashes=$(sqlite3 "$db" 'SELECT count(DISTINCT hash) FROM __drizzle_migrations;')
whens=$(sqlite3 "$db" 'SELECT count(DISTINCT created_at) FROM __drizzle_migrations;')
if [ "$rows" != "$N" ] || [ "$hashes" != "$N" ] || [ "$whens" != "$N" ]; then
	echo "load-test: migrations table has $rows rows, $hashes hashes, $whens created_at values; want $N each"
	fail=1
fi
chunks=$(sqlite3 "$db" 'SELECT count(*) FROM agent_log_chunks;')
echo "load-test: ${DUR}s: $runs migrate runs ($applied_runs applied something, $busy busy R004), $audits audits ($abusy busy R004), $chunks chunks written, $rows migrations applied once each; $(( $(date +%s) - start ))s in all"
[ $fail = 0 ] && echo "load-test: passed" || echo "load-test: FAILED"
exit $fail
