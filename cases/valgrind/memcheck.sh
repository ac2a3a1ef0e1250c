#!/bin/sh
# memcheck.sh - the lib unit suites and cw's case folders under valgrind
# memcheck: any memory error or definite leak makes the process exit 99,
# which fails the suite or the case.
#
# Suites run without fork (CK_FORK=no) so that a leak is reported once, at
# the end of the suite's process.  cw runs through a wrapper
# ($VG_WORK/cw) whose valgrind reports go to $VG_WORK/logs, never to the
# stderr that cases compare; a failure prints the reports.
#
# usage: cases/valgrind/memcheck.sh BUILD_DIR
# environment:
#   VG_SUITES  suite names to run (default: every BUILD_DIR/unit/check_*)
#   VG_SKIP    suite names left out (default none)
#   VG_CASES   cases/run-cases filter; `all` for every case, `none` for
#              none (default all)
#   VG_WORK    scratch folder (default BUILD_DIR/valgrind)
# exit: 0 when everything ran clean, 1 otherwise.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: memcheck.sh BUILD_DIR}" && pwd) || exit 2
work=${VG_WORK:-$build/valgrind}
opts="-q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --track-origins=no"
t0=$(date +%s)

rm -rf "$work"; mkdir -p "$work/logs" && work=$(cd "$work" && pwd) || exit 2
# Some cases run cw as nobody (an unreadable file, a read-only folder):
# its reports must still be written.
chmod 1777 "$work/logs"
printf '%s\n' '#!/bin/sh' \
	'# cw under valgrind memcheck (written by cases/valgrind/memcheck.sh)' \
	"exec valgrind $opts --log-file=$work/logs/cw.%p.log $build/cw \"\$@\"" \
	>"$work/cw" && chmod +x "$work/cw" || exit 2

if [ -z "${VG_SUITES:-}" ]; then
	VG_SUITES=$(cd "$build/unit" && ls check_* 2>/dev/null | grep -v '\.')
fi
n_suites=0
for n in $VG_SUITES; do
	case " ${VG_SKIP:-} " in *" $n "*)
		echo "valgrind $n: skipped (VG_SKIP)"; continue ;; esac
	s=$(date +%s)
	if ! CK_FORK=no FIXTURES=$top/fixtures SHARED=$top/../shared \
	    valgrind $opts --log-file="$work/logs/$n.log" "$build/unit/$n" \
	    >"$work/$n.out" 2>&1; then
		cat "$work/$n.out" "$work/logs/$n.log"
		echo "memcheck: $n failed under memcheck"
		exit 1
	fi
	n_suites=$((n_suites + 1))
	echo "valgrind $n: clean ($(( $(date +%s) - s )) s)"
done

filter=${VG_CASES:-all}
if [ "$filter" != none ]; then
	[ "$filter" = all ] && filter=
	s=$(date +%s)
	# Hostile inputs get 15 minutes per run: memcheck is 20-50x slower.
	if ! BI_TIMEOUT=900 CW=$work/cw CASES_WORK=$work/cases \
	    "$top/cases/run-cases" $filter; then
		for f in "$work"/logs/cw.*.log; do
			[ -s "$f" ] && { echo "== $f"; cat "$f"; }
		done
		echo "memcheck: a case failed under memcheck"
		exit 1
	fi
	echo "valgrind cases: clean ($(( $(date +%s) - s )) s)"
fi
what="$n_suites suites"
[ "${VG_CASES:-all}" = all ] && what="$what and every case"
[ "${VG_CASES:-all}" != all ] && [ "$filter" != none ] && what="$what and the cases VG_CASES picks"
echo "memcheck: $what clean in $(( $(date +%s) - t0 )) s"
