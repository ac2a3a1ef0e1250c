#!/bin/sh
# fixtures-build.sh - `cw fixtures build` with 1,000 rows per table on the
# bundled fixture project and the two real histories in ../shared/realworld,
# each at head and at three earlier prefixes (a quarter, half and three
# quarters of the journal).  For each database: every table must be filled
# (exit 0), two builds with one seed must give byte-identical files (the
# database and its expected backfill counts), and the wall time (best of 3,
# process start-up included) must stay under a second.  Prints one line per
# database and fails if any of the three does not hold.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
shared=${SHARED:-$top/../shared}
work=$top/build/bench/fixtures
rows=1000
mkdir -p "$work"

now_ns() { date +%s%N; }

# entries DIR: the journal's entry count.
entries() { grep -c '"tag"' "$1/meta/_journal.json"; }

# one NAME DIR PREFIX: build twice, compare, time the best of 3.
one() {
	a=$work/$1-$3-a.db b=$work/$1-$3-b.db
	if ! "$CW" fixtures build "$2" -o "$a" --prefix "$3" --rows $rows \
	    --force >"$work/$1-$3.txt" 2>&1; then
		echo "fixtures-build $1 prefix $3: FAIL (not every table" \
		     "filled; $work/$1-$3.txt)"
		return 1
	fi
	"$CW" fixtures build "$2" -o "$b" --prefix "$3" --rows $rows \
	    --force >/dev/null 2>&1
	same=yes
	cmp -s "$a" "$b" || same=no
	if [ -f "$a.expected.json" ] || [ -f "$b.expected.json" ]; then
		cmp -s "$a.expected.json" "$b.expected.json" || same=no
	fi
	best=0
	for _ in 1 2 3; do
		t0=$(now_ns)
		"$CW" fixtures build "$2" -o "$b" --prefix "$3" --rows $rows \
		    --force >/dev/null 2>&1
		t=$(( $(now_ns) - t0 ))
		if [ "$best" -eq 0 ] || [ "$t" -lt "$best" ]; then best=$t; fi
	done
	summary=$(sed -n \
	    's/^tables \([0-9]*\), rows \([0-9]*\).*/\1 tables, \2 rows/p' \
	    "$work/$1-$3.txt")
	awk -v n="$1" -v p="$3" -v e="$4" -v s="$summary" -v t="$best" \
	    -v same="$same" 'BEGIN {
		ok = t < 1e9 && same == "yes"
		printf "fixtures-build %s prefix %d/%d: %s, %.0f ms, %s %s\n",
		       n, p, e, s, t / 1e6,
		       (same == "yes" ? "same bytes twice" : "BYTES DIFFER"),
		       (ok ? "PASS" : "FAIL")
		exit (ok ? 0 : 1) }'
}

status=0
set -- codewalkers "$top/fixtures/codewalkers/apps/server/drizzle" \
       karakeep "$shared/realworld/karakeep-app__karakeep" \
       dyad "$shared/realworld/dyad-sh__dyad"
while [ $# -ge 2 ]; do
	name=$1 dir=$2
	shift 2
	if [ ! -f "$dir/meta/_journal.json" ]; then
		echo "SKIP fixtures-build $name: $dir not found"
		continue
	fi
	n=$(entries "$dir")
	for k in $((n / 4)) $((n / 2)) $((n * 3 / 4)) "$n"; do
		one "$name" "$dir" "$k" "$n" || status=1
	done
done
rm -f "$work"/*.db "$work"/*.db.expected.json
exit $status
