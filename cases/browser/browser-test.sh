#!/bin/sh
# browser-test.sh - the index.html of `--report DIR` in a real browser:
# headless Chromium from the distribution loads each page, and the test
# asserts on the DOM it rendered (--dump-dom), not on the bytes cw wrote.
#
# Pages: cw check and cw replay on the bundled fixture, a folder whose
# tag, file name and messages hold markup (cases/check/405-html-hostile),
# and every reports/*/index.html that `make run` left.  For each:
#   - the verdict paragraph says passed/failed as the exit status does;
#   - one timeline entry per migration (check: the journal's entries,
#     replay: the prefixes replayed), and for replay one matrix row each;
#   - no console message at all: the page has no script and its CSP
#     forbids loading anything, so any message is a mistake (a blocked
#     resource, a parse problem);
#   - the hostile names are text: no element the names would inject.
# A control page that logs a console error must be caught, or the test
# fails: a browser that stopped reporting console messages would
# otherwise make the check pass vacuously.  A screenshot of each page at
# phone width is kept in reports/browser/.
#
# Without chromium (make deps installs the Debian package) it prints
# `SKIP browser: ...` and exits 0.  usage: CW=build/cw browser-test.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
CW=${CW:-$top/build/cw}
case $CW in /*) ;; *) CW=$top/$CW ;; esac
work=${BROWSER_WORK:-$(dirname "$CW")/browser}
shots=$top/reports/browser
fixture=$top/fixtures/codewalkers/apps/server/drizzle
hostile=$top/cases/check/405-html-hostile

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ] || ! "$browser" --version >/dev/null 2>&1; then
	echo "SKIP browser: chromium is not installed (make deps installs" \
	     "the Debian package chromium; apt-get install chromium)"
	exit 0
fi
rm -rf "$work"
mkdir -p "$work" "$shots" || exit 2
failed=0

fail() {
	echo "browser: FAIL $1: $2"
	failed=1
}

# render NAME FILE: the DOM to $work/NAME.dom, Chromium's log (console
# messages included) to $work/NAME.log, a screenshot to reports/browser.
# Each gets its own profile so that they can run at once.
render() {
	timeout 60 "$browser" --headless --no-sandbox --disable-gpu \
		--no-first-run --user-data-dir="$work/profile-$1" \
		--enable-logging=stderr --v=0 --window-size=412,1400 \
		--screenshot="$shots/$1.png" --dump-dom "file://$2" \
		>"$work/$1.dom" 2>"$work/$1.log"
}

# A JSON report's number member (cJSON prints `"name":<TAB>36,`).
json_number() {
	sed -n "s/^	\"$2\":[[:space:]]*\([0-9]*\).*/\1/p" "$1" | head -n 1
}

# check_page NAME DIR EXIT COUNT: the assertions every page gets.
check_page() {
	dom=$work/$1.dom
	[ -s "$dom" ] || { fail "$1" "chromium rendered nothing (see" \
		"$work/$1.log)"; return; }
	want=passed
	[ "$3" = 1 ] && want=failed
	[ "$3" = 2 ] && want="could not run"
	verdict=$(sed -n 's/.*<p id="verdict"[^>]*>\([^<]*\)<.*/\1/p' "$dom")
	case $verdict in
	"$want: "*) ;;
	*) fail "$1" "verdict '$verdict', expected '$want: ...'" ;;
	esac
	n=$(grep -o '<li class="migration ' "$dom" | wc -l)
	[ "$n" -eq "$4" ] || fail "$1" "$n timeline entries, expected $4"
	if grep -q ':CONSOLE' "$work/$1.log"; then
		fail "$1" "console message: $(grep ':CONSOLE' "$work/$1.log" |
			head -n 1)"
	fi
	[ -s "$shots/$1.png" ] || fail "$1" "no screenshot"
}

# The pages this test makes.
"$CW" check "$fixture" --report "$work/check" >/dev/null
check_exit=$?
"$CW" replay "$fixture" --rows 20 --report "$work/replay" >/dev/null
replay_exit=$?
mkdir -p "$work/hostile"
cp -R "$hostile/input" "$work/hostile/input"
(cd "$work/hostile" && "$hostile/setup")
"$CW" check "$work/hostile/input" --report "$work/hostile/out" >/dev/null
hostile_exit=$?
printf '%s\n' '<!DOCTYPE html><meta http-equiv="Content-Security-Policy"' \
	" content=\"default-src 'none'\"><p id=\"verdict\">control</p>" \
	'<img src="https://example.invalid/x.png">' >"$work/control.html"

render check "$work/check/index.html" &
render replay "$work/replay/index.html" &
render hostile "$work/hostile/out/index.html" &
render control "$work/control.html" &
# What `make run` left: check, replay, verify-metrics, ...
made=""
for page in "$top"/reports/*/index.html; do
	# cw's pages only: reports/coverage/ holds lcov's, without a
	# report.json beside it.
	[ -f "$page" ] && [ -f "$(dirname "$page")/report.json" ] || continue
	name=run-$(basename "$(dirname "$page")")
	made="$made $name"
	render "$name" "$page" &
done
wait

check_page check "$work/check" "$check_exit" \
	"$(json_number "$work/check/report.json" migrations)"
check_page replay "$work/replay" "$replay_exit" \
	"$(json_number "$work/replay/report.json" prefixes)"
n=$(grep -o '<tr><th class="tag">' "$work/replay.dom" | wc -l)
want=$(json_number "$work/replay/report.json" prefixes)
[ "$n" -eq "$want" ] || fail replay "$n matrix rows, expected $want"
check_page hostile "$work/hostile/out" "$hostile_exit" 2
# The DOM serialiser escapes <, > and & in text: the names must be there
# as text, and no element they spell may exist.
if grep -q '<b id="pwn"\|<script\|<p>&lt;script\|</p><script' \
	"$work/hostile.dom"; then
	fail hostile "a name or message became markup"
fi
grep -q '0001_&lt;b id="pwn"&gt;&amp;x' "$work/hostile.dom" ||
	fail hostile "the hostile tag is not shown as text"
grep -q ':CONSOLE' "$work/control.log" ||
	fail control "a page that logs a console error was not caught"
for name in $made; do
	dir=$top/reports/${name#run-}
	json=$dir/report.json
	[ -f "$json" ] || { fail "$name" "no report.json beside it"; continue; }
	exit_=$(json_number "$json" exit)
	count=$(json_number "$json" migrations)
	[ -n "$count" ] || count=$(json_number "$json" prefixes)
	[ -n "$count" ] || count=0
	check_page "$name" "$dir" "$exit_" "$count"
done

if [ "$failed" = 0 ]; then
	echo "browser: check, replay, hostile names${made:+ and}$made" \
	     "rendered by $("$browser" --version 2>/dev/null | head -n 1);" \
	     "screenshots in reports/browser/"
fi
exit "$failed"
