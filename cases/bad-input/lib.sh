# lib.sh - shared by every cases/bad-input case: sourced by the case's cmd
# in its scratch copy.  The cmd builds its hostile input (input/ is the
# migrations folder; databases are built beside it), calls `guard` with the
# extra files that must not change, runs cw through `try` once per command
# that takes the input, and ends with `finish`.
#
# A case fails (exit 3) when any byte of a guarded file changed or a file
# appeared or vanished under them, and (exit 4) when a cw run crashed,
# hung past 60 s, exited other than 1 or 2 (0 for `tryok`), or printed no
# diagnostic code.  Otherwise the case exits with the highest status cw
# returned, so `exit` pins it down, and `expected` lists every finding.
# `exits` pins each run's own status: one line `STATUS cw ARGS` per run,
# in order; a case whose runs differ from it fails (exit 5).  With
# BI_WRITE_EXITS=1 the runs are written to the case's `exits` instead
# (review with git diff).
set -u
J=input/meta/_journal.json
bad=0 worst=0 guarded=
AS=
# Root reads through any mode, so unreadable-file cases run cw as nobody.
as_nobody() {
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
}

# The state of everything guarded: names and types of every entry (so an
# appearing file counts) and the sha256 of every regular file.  Never reads
# through a FIFO (it would block) or a symlink (its target is guarded by
# naming it).
state() {
	find input $guarded -printf '%y %p\n' 2>/dev/null | LC_ALL=C sort
	find input $guarded -type f -print0 2>/dev/null | LC_ALL=C sort -z |
		xargs -0 -r sha256sum
}
guard() { guarded="$*"; before=$(state); }

# try CMD ARGS: cw CMD ARGS under a 60 s timeout, its stdout on stdout;
# it must exit 1 or 2 and print a diagnostic code.  tryok: it must exit 0
# (garbage cw is documented to tolerate).  tryany: 0, 1 or 2, for input
# drizzle itself accepts (cw then does what drizzle does); never a crash.
try() { run12 12 "$@"; }
tryok() { run12 0 "$@"; }
tryany() { run12 any "$@"; }
run12() {
	want=$1; shift
	$AS timeout "${BI_TIMEOUT:-60}" "$CW" "$@" >.out 2>.err </dev/null
	rc=$?
	cat .out; cat .err >&2
	why=
	case $rc in
	124) why="hung (killed after ${BI_TIMEOUT:-60} s)" ;;
	1|2) [ "$want" = 0 ] && why="exit $rc, want 0" ;;
	0) [ "$want" = 12 ] && why="exit 0 on hostile input" ;;
	*) why="exit $rc (crash or wrong status)" ;;
	esac
	if [ -z "$why" ] && { [ "$rc" = 1 ] || [ "$rc" = 2 ]; } &&
	   ! grep -qE '(^|[^A-Za-z0-9])[A-Z][0-9]{3}([^0-9]|$)' .out .err; then
		why="no diagnostic code"
	fi
	# Hostile names must not reach the terminal raw (an escape sequence)
	# nor forge a line of their own that reads as a finding.
	if [ -z "$why" ] && grep -q "$(printf '\033')" .out .err; then
		why="a raw escape byte in its output"
	fi
	if [ -z "$why" ] && grep -qE '^[A-Z][0-9]{3} ' .out; then
		why="a line forged by the input: $(grep -E '^[A-Z][0-9]{3} ' .out | head -1)"
	fi
	if [ -n "$why" ]; then
		echo "BAD: cw $1: $why" >&2
		bad=1
	fi
	[ "$rc" -gt "$worst" ] && [ "$rc" -le 2 ] && worst=$rc
	printf '%s cw %s\n' "$rc" "$*" | tr -d '\000-\011\013-\037' >>.exits
	rm -f .out .err
	return 0
}

# A valid empty database (cw audit needs an existing one).
emptydb() { sqlite3 "$1" 'PRAGMA user_version = 1;' || exit 4; }

# Every command taking a migrations folder: check, lock, replay, fixtures
# build, migrate (into a fresh database), audit (of an empty one), and
# backfill-metrics and verify-metrics (--migrations).
# CHECK=, LOCK=, REPLAY=, FIXTURES=, MIGRATE=, AUDIT= name the try
# function for one command (default try).  A lock that succeeds wrote
# meta/cw.lock, which is its job: that one file is removed again.
folder_cmds() {
	mkdir -p out && chmod 777 out
	[ -e out/aud.db ] || emptydb out/aud.db
	chmod 666 out/aud.db
	${CHECK:-try} check input
	had_lock=0; [ -e input/meta/cw.lock ] && had_lock=1
	${LOCK:-try} lock input
	[ "$had_lock" = 0 ] && [ -f input/meta/cw.lock ] && rm input/meta/cw.lock
	${REPLAY:-try} replay input
	${FIXTURES:-try} fixtures build input -o out/fx.db
	${MIGRATE:-try} migrate --db out/mig.db --migrations input
	${AUDIT:-try} audit --db out/aud.db input
	# They read the folder only to name the migration that creates the
	# chunk tables (B007), on a database without them.
	try backfill-metrics --db out/aud.db --migrations input
	try verify-metrics --db out/aud.db --migrations input
}

# Every command taking a database: migrate, audit, backfill-metrics and
# verify-metrics on DB (default x.db) with input/ as the migrations folder.
db_cmds() {
	d=${1:-x.db}
	${MIGRATE:-try} migrate --db "$d" --migrations input
	${AUDIT:-try} audit --db "$d" input
	${BACKFILL:-try} backfill-metrics --db "$d" --migrations input
	${VERIFY:-try} verify-metrics --db "$d" --migrations input
}

# unchanged: fail now (exit 3) when a guarded file changed.
unchanged() {
	after=$(state)
	if [ "$before" != "$after" ]; then
		echo "BAD: the input changed:" >&2
		printf '%s\n--- after\n%s\n' "$before" "$after" >&2
		exit 3
	fi
}

# exits_pinned: fail now (exit 5) when a run's status differs from exits.
exits_pinned() {
	case_dir=$CW_TOP/cases/bad-input/$(basename "$PWD")
	if [ "${BI_WRITE_EXITS:-0}" = 1 ]; then
		cp .exits "$case_dir/exits"
	elif [ ! -f exits ]; then
		echo "BAD: no exits file (run with BI_WRITE_EXITS=1)" >&2
		exit 5
	elif ! cmp -s exits .exits; then
		echo "BAD: a run's exit status differs from exits:" >&2
		diff exits .exits | grep '^[<>]' >&2
		exit 5
	fi
}

finish() {
	unchanged
	[ "$bad" = 0 ] || exit 4
	exits_pinned
	exit "$worst"
}
