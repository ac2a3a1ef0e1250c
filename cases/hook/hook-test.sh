#!/bin/sh
# hook-test.sh - `cw hook install` and the pre-commit check it runs
# (`cw check --staged`) in throwaway git repositories: blocked and allowed
# commits, partially staged files both ways, a locked migration edited,
# an orphan file, hooks cw did not write, core.hooksPath, and the time the
# check takes on a 100-migration folder.  Run by `make test`; CW names
# the binary (default build/cw).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CW=$(cd "$(dirname "${CW:-$top/build/cw}")" && pwd)/$(basename "${CW:-cw}")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cw-hook-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

ok() { n=$((n + 1)); }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "FAIL hook: $*"; }

# new_repo NAME N: a repository holding an N-migration folder at
# apps/server/drizzle, committed, with cw's hook installed.
new_repo() {
	r=$tmp/$1
	mkdir -p "$r/apps/server" && cd "$r" || exit 2
	git init -q . && git config user.name cw-test &&
		git config user.email cw-test@example.invalid &&
		git config commit.gpgsign false
	sh "$top/bench/gen-folder.sh" "$2" apps/server/drizzle
	echo readme > README && git add -A && git commit -qm init ||
		bad "$1: initial commit failed"
	"$CW" hook install >/dev/null || bad "$1: hook install failed"
}

# commit MSG: 0 if the commit went through; its output in $tmp/out.
commit() { git commit -qm "$1" >"$tmp/out" 2>&1; }

mig=apps/server/drizzle/0004_step_4.sql
two='CREATE TABLE x (a int);
CREATE TABLE y (b int);'
fixed='CREATE TABLE x (a int);--> statement-breakpoint
CREATE TABLE y (b int);'

# -- a commit that does not touch migrations goes through, silently
new_repo plain 5
echo more >> README && git add README
if commit "readme" && [ ! -s "$tmp/out" ]; then ok; else
	bad "plain: readme-only commit blocked or noisy: $(cat "$tmp/out")"; fi

# -- missing breakpoint staged: blocked with a compiler-style S001
printf '%s\n' "$two" > $mig && git add $mig
if commit "two statements"; then bad "S001 commit was allowed"
elif grep -q "^$mig:2:1: error: S001 " "$tmp/out"; then ok
else bad "S001: unexpected output: $(cat "$tmp/out")"; fi

# -- partially staged, index broken but work tree fixed: still blocked
printf '%s\n' "$fixed" > $mig
if commit "index broken"; then bad "broken index, fixed tree: allowed"
else ok; fi

# -- the reverse: index fixed, work tree broken: allowed
git add $mig && printf '%s\n' "$two" > $mig
if commit "index fixed"; then ok; else
	bad "fixed index, broken tree: blocked: $(cat "$tmp/out")"; fi
git checkout -q -- $mig

# -- from a subdirectory: the same check, paths relative to it
printf '%s\n' "$two" > $mig && git add $mig
(cd apps/server && "$CW" check --staged > "$tmp/sub" 2>&1)
if grep -q "^drizzle/0004_step_4.sql\|^\.\./\.\./$mig:2:1: error: S001" \
	"$tmp/sub"; then ok; else
	bad "subdirectory: $(cat "$tmp/sub")"; fi
git reset -q && git checkout -q -- $mig

# -- a locked migration edited: blocked with H001
"$CW" lock apps/server/drizzle >/dev/null && git add -A &&
	commit "lock" || bad "lock commit failed: $(cat "$tmp/out")"
echo "CREATE INDEX z ON t1 (name);" > apps/server/drizzle/0002_step_2.sql
git add -A
if commit "edit locked"; then bad "H001 commit was allowed"
elif grep -q "0002_step_2.sql.*error: H001 " "$tmp/out"; then ok
else bad "H001: unexpected output: $(cat "$tmp/out")"; fi
git reset -q --hard

# -- an orphan .sql file nobody added to the journal: blocked
echo "CREATE TABLE o (a int);" > apps/server/drizzle/0005_orphan.sql
git add -A
if commit "orphan"; then bad "orphan commit was allowed: $(cat "$tmp/out")"
elif grep -q "0005_orphan.sql.*error: J" "$tmp/out"; then ok
else bad "orphan: unexpected output: $(cat "$tmp/out")"; fi
git reset -q --hard && git clean -qfd

# -- a journal conflict (a duplicate idx): blocked with a J code
sed -i '0,/"idx": 1,/s//"idx": 0,/' apps/server/drizzle/meta/_journal.json
git add -A
if commit "journal"; then bad "journal conflict commit was allowed"
elif grep -q "_journal.json.*error: J" "$tmp/out"; then ok
else bad "journal: unexpected output: $(cat "$tmp/out")"; fi
git reset -q --hard

# -- warnings only: allowed, and the warning is shown
new_repo warn 5
printf 'DROP TABLE `t3`;\n' > apps/server/drizzle/0004_step_4.sql
git add -A
if commit "drop table"; then
	grep -q "warning: L004" "$tmp/out" && ok ||
		bad "warning not shown: $(cat "$tmp/out")"
else bad "warnings-only commit blocked: $(cat "$tmp/out")"; fi

# -- someone else's hook: refused, --force replaces, uninstall keeps theirs
hook=$(git rev-parse --git-path hooks)/pre-commit
printf '#!/bin/sh\necho theirs\n' > "$hook"
if "$CW" hook install >/dev/null 2>&1; then bad "foreign hook overwritten"
elif grep -q theirs "$hook"; then ok; else bad "foreign hook changed"; fi
if "$CW" hook uninstall >/dev/null 2>&1 || ! grep -q theirs "$hook"; then
	bad "uninstall touched a foreign hook"; else ok; fi
(cd apps && "$CW" hook install --force >/dev/null) &&
	grep -q "^# cw-pre-commit-hook" "$hook" && ok ||
	bad "--force did not install"
"$CW" hook install >/dev/null && ok || bad "reinstall over own hook"
"$CW" hook uninstall >/dev/null && [ ! -e "$hook" ] && ok ||
	bad "uninstall left cw's hook"

# -- core.hooksPath is where git looks, so that is where the hook goes
git config core.hooksPath .githooks
"$CW" hook install >/dev/null && [ -x .githooks/pre-commit ] && ok ||
	bad "core.hooksPath not honoured"

# -- 100 migrations: the staged check runs well under a second
new_repo big 100
t0=$(date +%s%N)
"$CW" check --staged apps/server/drizzle >"$tmp/out" 2>&1 ||
	bad "100-migration check failed: $(cat "$tmp/out")"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "hook: cw check --staged on 100 migrations took ${ms} ms"
# A loaded CI machine may be slower; a regression is an order of magnitude.
[ "$ms" -lt 3000 ] && ok || bad "100-migration staged check took ${ms} ms"

[ "$fails" -eq 0 ] && { echo "hook: $n checks passed"; exit 0; }
echo "hook: $fails of $n checks failed"; exit 1
