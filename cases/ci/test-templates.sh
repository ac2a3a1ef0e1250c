#!/bin/sh
# test-templates.sh - runs the cw commands of the CI templates in
# docs/ci/ (not the CI services) against the bundled fixture, so a
# template cannot drift from what cw accepts and writes.
#
# A template marks each line to run with `# cw-ci-test`.  The marker, a
# list item's `- ` and a `run: ` key are removed; what is left is a shell
# command run with `cw` on PATH (this build), in a scratch folder holding
# the fixture at the template's MIGRATIONS path.  Matrix values are
# substituted: GitHub's `${{ matrix.shard }}` takes each value of the
# job's `shard: [...]` list, GitLab's `parallel: N` sets CI_NODE_INDEX
# 1..N and CI_NODE_TOTAL N.  Then:
#   - every command exits 0 (the fixture passes);
#   - `--format github` prints nothing but workflow commands, and cw check
#     the fixture's warning as one;
#   - each --report DIR holds a well-formed junit.xml and a summary.md
#     that starts with the verdict;
#   - $GITHUB_STEP_SUMMARY got the summary.md of every job, in order;
#   - the shards' JUnit test cases add up to an unsharded replay's;
#   - the template parses as YAML (when python3 has its yaml module).
# usage: CW=build/cw test-templates.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
work=${CI_WORK:-$(dirname "$CW")/ci-templates}
fixture=$top/fixtures/codewalkers/apps/server/drizzle
failed=0

fail() {
	f_what=$1
	shift
	echo "ci-templates: FAIL $f_what: $*"
	failed=1
}

rm -rf "$work"
mkdir -p "$work/bin" || exit 2
ln -s "$CW" "$work/bin/cw"

# The marked lines of template $1, one command each.
commands() {
	sed -n 's/[[:space:]]*#[[:space:]]*cw-ci-test[[:space:]]*$//p' "$1" |
		sed -e 's/^[[:space:]]*//' -e 's/^- //' -e 's/^run: //'
}

# Is $1 well-formed XML?  xmllint or python3, else a plain look.
xml_ok() {
	if command -v xmllint >/dev/null; then
		xmllint --noout "$1" 2>/dev/null
	elif command -v python3 >/dev/null; then
		python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1" 2>/dev/null
	else
		grep -q '</testsuites>' "$1"
	fi
}

# JUnit test cases in the files given.
n_testcases() {
	cat "$@" 2>/dev/null | grep -c '<testcase '
}

# run TEMPLATE-NAME DIR LINE [VAR=VALUE...]: one command; its stdout is
# kept in DIR/out.N for the checks after.
n_run=0
# (Its variables are r_*: sh has no locals, and the caller's loop uses
# name, dir and line.)
run() {
	r_name=$1 r_dir=$2 r_line=$3
	shift 3
	n_run=$((n_run + 1))
	r_out=$r_dir/out.$n_run
	(cd "$r_dir" && env PATH="$work/bin:$PATH" MIGRATIONS="$mig" \
		GITHUB_STEP_SUMMARY="$r_dir/step-summary.md" "$@" \
		sh -c "$r_line") >"$r_out" 2>"$r_dir/err.$n_run"
	r_rc=$?
	[ "$r_rc" = 0 ] || fail "$r_name" "exit $r_rc from: $r_line" \
		"($(head -n 1 "$r_dir/err.$n_run"))"
	case $r_line in
	*"--format github"*)
		grep -qv '^::\(error\|warning\|notice\) ' "$r_out" &&
			fail "$r_name" "--format github printed other than" \
			     "annotations: $r_line"
		# The fixture's warning must come out as an annotation.
		case $r_line in
		"cw check "*) grep -q '^::warning file=' "$r_out" ||
			fail "$r_name" "no annotation from: $r_line" ;;
		esac ;;
	esac
}

for t in "$top"/docs/ci/*.yml; do
	name=$(basename "$t")
	dir=$work/${name%.yml}
	mig=$(sed -n 's/^[[:space:]]*MIGRATIONS:[[:space:]]*//p' "$t" | head -n 1)
	[ -n "$mig" ] || { fail "$name" "no MIGRATIONS variable"; continue; }
	mkdir -p "$dir/$mig" && cp -R "$fixture"/. "$dir/$mig"/
	if command -v python3 >/dev/null &&
	   python3 -c 'import yaml' 2>/dev/null &&
	   ! python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' \
		"$t" 2>"$dir/yaml.err"; then
		fail "$name" "not valid YAML: $(tail -n 1 "$dir/yaml.err")"
	fi
	shards=$(sed -n 's/^[[:space:]]*shard:[[:space:]]*\[\(.*\)\]/\1/p' "$t" |
		tr ',' ' ')
	parallel=$(sed -n 's/^[[:space:]]*parallel:[[:space:]]*\([0-9]*\)$/\1/p' "$t")
	n_lines=0
	cmds=$(commands "$t")
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		n_lines=$((n_lines + 1))
		case $line in
		*'${{ matrix.shard }}'*)
			[ -n "$shards" ] || fail "$name" "matrix.shard with" \
				"no shard: [...] list"
			for i in $shards; do
				run "$name" "$dir" "$(printf '%s\n' "$line" |
					sed "s/\${{ matrix.shard }}/$i/g")"
			done ;;
		*'${{'*)
			fail "$name" "an expression this test cannot" \
			     "substitute: $line" ;;
		*CI_NODE_INDEX*)
			[ -n "$parallel" ] || fail "$name" "CI_NODE_INDEX" \
				"without parallel: N"
			i=1
			while [ "$i" -le "${parallel:-0}" ]; do
				run "$name" "$dir" "$line" CI_NODE_INDEX=$i \
					CI_NODE_TOTAL="$parallel"
				i=$((i + 1))
			done ;;
		*) run "$name" "$dir" "$line" ;;
		esac
	done <<EOF
$cmds
EOF
	[ "$n_lines" -gt 0 ] || { fail "$name" "no line marked cw-ci-test"
		continue; }
	# Every report folder the commands wrote (reports/check, then the
	# shards in order: the order the jobs append to the summary).
	ls -d "$dir"/reports/*/ 2>/dev/null | sed "s|^$dir/||; s|/\$||" \
		>"$dir/report-dirs"
	expected_summary=""
	while IFS= read -r r; do
		xml_ok "$dir/$r/junit.xml" ||
			fail "$name" "$r/junit.xml is missing or not well-formed"
		head -n 1 "$dir/$r/summary.md" 2>/dev/null |
			grep -q '^### cw [a-z-]*: \(passed\|failed\)' ||
			fail "$name" "$r/summary.md does not start with a verdict"
		expected_summary="$expected_summary $dir/$r/summary.md"
	done <"$dir/report-dirs"
	if grep -q GITHUB_STEP_SUMMARY "$t"; then
		# shellcheck disable=SC2086 # one path per word
		cat $expected_summary | cmp -s - "$dir/step-summary.md" ||
			fail "$name" "the job summary is not every summary.md"
	fi
	sharded=$(sed -n 's|^\(reports/replay-[0-9]*\)$|\1/junit.xml|p' \
		"$dir/report-dirs")
	if [ -n "$sharded" ]; then
		(cd "$dir" && cw_all=$("$CW" replay "$mig" --format junit) ;
		 echo "$cw_all") >"$dir/replay-all.xml"
		want=$(n_testcases "$dir/replay-all.xml")
		# shellcheck disable=SC2086
		got=$(cd "$dir" && n_testcases $sharded)
		[ "$got" -eq "$want" ] && [ "$want" -gt 0 ] ||
			fail "$name" "the shards hold $got test cases, an" \
			     "unsharded replay $want"
	else
		fail "$name" "no cw replay sharded into reports/replay-I"
	fi
	[ "$failed" = 0 ] && echo "ci-templates: $name: $n_run commands" \
		"ran on the fixture; reports and summaries check out"
	n_run=0
done
exit "$failed"
