#!/bin/sh
# replay.sh - `cw replay` against what a team would script instead: the
# real drizzle-orm better-sqlite3 migrator looped in Node over every journal
# prefix (bench/replay-node.mjs), in the same run, best of 3 each, process
# start-up included on both sides.  Prints both times and the ratio
# node / cw for:
#   a. karakeep (../shared/realworld), schema only: `cw replay --rows 0
#      --jobs 1` against `replay-node.mjs --schema`; target ratio >= 20;
#   b. synthetic folders of 100 and 300 migrations (gen-replay-folder.sh),
#      schema only, the same pair; the 300 ratio must be >= the 100 one
#      (the ratio grows with history length);
#   c. the bundled fixture with 1,000 rows per table: the prefix databases
#      are built once, untimed, with `cw fixtures build --prefix K`; Node
#      migrates a copy of each to head (`replay-node.mjs --data`), against
#      `cw replay --rows 1000 --seed 1 --jobs 1` (target ratio >= 20) and
#      `cw replay --rows 1000 --seed 1 --exhaustive --jobs 1` (target >= 1,
#      not slower than Node).
# Ends with a summary, PASS/FAIL per target; exits 0 even when a target
# fails (the numbers are the output).  A part whose `cw replay` options do
# not exist yet (see `cw replay --help`) prints SKIP instead.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
shared=${SHARED:-$top/../shared}
karakeep=$shared/realworld/karakeep-app__karakeep
fixture=$top/fixtures/codewalkers/apps/server/drizzle
peer=$top/bench/replay-node.mjs
work=$top/build/bench/replay
rows=1000

command -v node >/dev/null || { echo "SKIP replay: no node"; exit 0; }
[ -d "$top/cases/oracle/node_modules/drizzle-orm" ] ||
	{ echo "SKIP replay: no cases/oracle/node_modules (run npm ci there)"; exit 0; }
[ -x "$CW" ] || { echo "replay: no cw binary at $CW (run make)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
summary=$work/summary.txt
: >"$summary"

help=$("$CW" replay --help 2>&1 || true)
has() { case $help in *"$1"*) return 0 ;; esac; return 1; }

now_ns() { date +%s%N; }

# run_best NAME CMD... - runs CMD 3 times; sets $best to the fastest
# wall-clock time in ns and $rc to the highest exit status; the fastest
# run's output is in $work/NAME.out and NAME.err.
run_best() {
	name=$1; shift; best=0; rc=0
	for _ in 1 2 3; do
		t0=$(now_ns)
		r=0
		"$@" >"$work/$name.run" 2>"$work/$name.rerr" || r=$?
		t=$(( $(now_ns) - t0 ))
		[ "$r" -le "$rc" ] || rc=$r
		if [ "$best" -eq 0 ] || [ "$t" -lt "$best" ]; then
			best=$t
			mv "$work/$name.run" "$work/$name.out"
			mv "$work/$name.rerr" "$work/$name.err"
		fi
	done
	rm -f "$work/$name.run" "$work/$name.rerr"
}

# node_side NAME ARGS... - times the Node peer; sets $node_ns, or returns 1
# (after saying why) when it could not run.  Failed prefixes are reported
# but still timed.
node_side() {
	name=$1; shift
	run_best "$name" node "$peer" "$@"
	node_ns=$best
	loop=$(sed -n 's/.*"ms":\([0-9.]*\).*/\1/p' "$work/$name.out")
	fails=$(sed -n 's/.*"failures":\([0-9]*\).*/\1/p' "$work/$name.out")
	if [ "$rc" -ge 2 ] || [ -z "$loop" ]; then
		echo "  node failed (exit $rc): $(head -c 300 "$work/$name.err")"
		return 1
	fi
	awk -v t="$node_ns" -v l="$loop" 'BEGIN {
		printf "  node %.1f ms (loop %.1f ms inside Node)\n", t / 1e6, l }'
	if [ "$fails" != 0 ]; then
		echo "  note: node reported $fails failed prefixes: $(cat "$work/$name.out")"
	fi
}

# cw_side NAME ARGS... - times `cw replay ARGS`; sets $cw_ns, or returns 1
# when cw rejected the arguments.
cw_side() {
	name=$1; shift
	run_best "$name" "$CW" replay "$@"
	cw_ns=$best
	if [ "$rc" -ge 2 ]; then
		echo "  cw replay $* exited $rc: $(head -c 300 "$work/$name.err")"
		return 1
	fi
	awk -v t="$cw_ns" -v a="$*" 'BEGIN { printf "  cw   %.1f ms (cw replay %s)\n", t / 1e6, a }'
	if [ "$rc" -ne 0 ]; then
		echo "  note: cw replay exited $rc: $(tail -n 1 "$work/$name.out")"
	fi
}

# record LABEL TARGET - prints node/cw and appends a summary line; TARGET
# "-" for no target.  Sets $ratio.
record() {
	ratio=$(awk -v n="$node_ns" -v c="$cw_ns" 'BEGIN { printf "%.2f", n / c }')
	line=$(awk -v l="$1" -v n="$node_ns" -v c="$cw_ns" -v r="$ratio" -v g="$2" 'BEGIN {
		s = sprintf("%-34s node %9.1f ms  cw %8.1f ms  ratio %7.2f", l, n / 1e6, c / 1e6, r)
		if (g == "-") s = s "  (no target)"
		else s = s sprintf("  target >= %-3s %s", g, r + 0 >= g + 0 ? "PASS" : "FAIL")
		print s }')
	echo "  ratio node/cw $ratio"
	echo "$line" >>"$summary"
}

skip() { echo "SKIP $1: $2"; printf '%-34s SKIP (%s)\n' "$1" "$2" >>"$summary"; }

# Schema-only options: --rows 0 --jobs 1 once cw has them; plain `cw
# replay DIR` is schema only already.
schema_opts=
has --rows && schema_opts="--rows 0"
has --jobs && schema_opts="$schema_opts --jobs 1"
[ -n "$schema_opts" ] ||
	echo "note: cw replay has no --rows/--jobs yet; timing plain \`cw replay DIR\` (schema only)"

# schema_pair LABEL DIR TARGET
schema_pair() {
	echo "replay $1: $(basename "$2")"
	# shellcheck disable=SC2086 # word splitting of the option list wanted
	if node_side "node-$1" --schema "$2" && cw_side "cw-$1" "$2" $schema_opts; then
		record "$1 schema" "$3"
	else
		skip "$1" "did not run"
		ratio=
	fi
}

# a. karakeep, schema only
if [ -d "$karakeep" ]; then
	schema_pair karakeep "$karakeep" 20
else
	skip karakeep "no $karakeep"
fi

# b. synthetic histories, schema only
sh "$top/bench/gen-replay-folder.sh" 100 "$work/synth-100"
sh "$top/bench/gen-replay-folder.sh" 300 "$work/synth-300"
schema_pair synthetic-100 "$work/synth-100" -
r100=$ratio
schema_pair synthetic-300 "$work/synth-300" -
r300=$ratio
if [ -n "$r100" ] && [ -n "$r300" ]; then
	awk -v a="$r100" -v b="$r300" 'BEGIN {
		printf "%-34s 300: %.2f >= 100: %.2f  %s\n", "ratio grows with history length", b, a, (b + 0 >= a + 0 ? "PASS" : "FAIL") }' >>"$summary"
fi

# c. the bundled fixture with rows: prefix databases built once, untimed;
# prefix-K.db holds entries 0..K (cw's --prefix counts entries).
echo "replay fixture with $rows rows per table: $(basename "$(dirname "$(dirname "$(dirname "$fixture")")")")"
n=$(grep -c '"tag"' "$fixture/meta/_journal.json")
mkdir -p "$work/prefix-dbs"
built=yes
k=1
while [ "$k" -le "$n" ]; do
	if ! "$CW" fixtures build "$fixture" --prefix "$k" --rows "$rows" --seed 1 \
		-o "$work/prefix-dbs/prefix-$((k - 1)).db" --force >"$work/build.out" 2>&1; then
		echo "  cw fixtures build --prefix $k failed: $(head -c 300 "$work/build.out")"
		built=no
		break
	fi
	k=$((k + 1))
done
if [ "$built" = no ]; then
	skip fixture-rows "cw fixtures build failed"
elif node_side node-data --data "$fixture" --prefix-dbs "$work/prefix-dbs" --work "$work"; then
	data_ns=$node_ns
	jobs=
	has --jobs && jobs="--jobs 1"
	# shellcheck disable=SC2086 # word splitting of $jobs wanted
	if ! has --rows; then
		skip fixture-rows-default "cw replay has no --rows yet"
		skip fixture-rows-exhaustive "cw replay has no --rows yet"
	else
		if cw_side cw-data "$fixture" --rows "$rows" --seed 1 $jobs; then
			node_ns=$data_ns; record "fixture $rows rows, default" 20
		else
			skip fixture-rows-default "cw replay rejected the options"
		fi
		if ! has --exhaustive; then
			skip fixture-rows-exhaustive "cw replay has no --exhaustive yet"
		elif cw_side cw-data-exh "$fixture" --rows "$rows" --seed 1 --exhaustive $jobs; then
			node_ns=$data_ns; record "fixture $rows rows, --exhaustive" 1
		else
			skip fixture-rows-exhaustive "cw replay rejected the options"
		fi
	fi
else
	skip fixture-rows "the Node peer did not run"
fi

echo
echo "replay summary (node / cw, best of 3, process start-up included):"
sed 's/^/  /' "$summary"
pass=$(grep -c ' PASS$' "$summary" || true)
fail=$(grep -c ' FAIL$' "$summary" || true)
skipped=$(grep -c ' SKIP (' "$summary" || true)
echo "replay: $pass passed, $fail FAILED, $skipped skipped"
