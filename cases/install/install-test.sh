#!/bin/sh
# install-test.sh - `make install` into a temporary prefix (through
# DESTDIR), then a program built against the installed libcw through
# pkg-config, shared and static, run on the bundled fixture folder; the
# installed man page and bash completion must name every command and
# every option.  Run by `make test`; CW_BUILD names the build folder.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${CW_BUILD:-build}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cw-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fixture=$top/fixtures/codewalkers/apps/server/drizzle
fails=0 n=0
ok() { n=$((n + 1)); }
bad() { n=$((n + 1)); fails=$((fails + 1)); echo "FAIL install: $*"; }

prefix=/opt/cw-test
make -C "$top" --no-print-directory BUILD="$build" install \
	PREFIX=$prefix DESTDIR="$tmp/stage" >"$tmp/make.log" 2>&1 ||
	{ cat "$tmp/make.log"; echo "FAIL install: make install failed"
	  exit 1; }
# DESTDIR stages the files; the .pc still says where they will live.
d=$tmp/stage$prefix
for f in bin/cw lib/libcw.a lib/libcw.so lib/pkgconfig/cw.pc \
	include/cw/folder.h include/cw/sqlite3.h share/man/man1/cw.1 \
	share/bash-completion/completions/cw; do
	[ -f "$d/$f" ] && ok || bad "$f not installed"
done
ls "$d/include/cw" | grep -q '_int\.h$' && bad "private headers installed"
# libcw.so -> libcw.so.MAJOR -> libcw.so.VERSION, whose soname is the
# middle one.
version=$("$d/bin/cw" --version | sed -n '1s/^cw \([0-9.]*\).*/\1/p')
major=${version%%.*}
[ "$(readlink "$d/lib/libcw.so")" = "libcw.so.$major" ] &&
[ "$(readlink "$d/lib/libcw.so.$major")" = "libcw.so.$version" ] &&
[ -f "$d/lib/libcw.so.$version" ] && [ ! -L "$d/lib/libcw.so.$version" ] &&
	ok || bad "libcw.so links: $(ls -l "$d/lib" | grep libcw.so)"
objdump -p "$d/lib/libcw.so.$version" | grep -q "SONAME  *libcw.so.$major\$" &&
	ok || bad "libcw.so.$version has no soname libcw.so.$major"
grep -qx "prefix=$prefix" "$d/lib/pkgconfig/cw.pc" && ok ||
	bad "cw.pc prefix is not $prefix"

# Build against the staged tree: point the .pc at it.
sed "s|^prefix=.*|prefix=$d|" "$d/lib/pkgconfig/cw.pc" > "$tmp/cw.pc"
export PKG_CONFIG_PATH=$tmp
want=$("$d/bin/cw" check "$fixture" --now 0 |
	sed -n 's/.* in \([0-9]*\) migrations$/\1/p')
sqlite=$("$d/bin/cw" --version | sed -n 's/^SQLite \([^ ]*\) .*/\1/p')
cc -o "$tmp/count" "$top/cases/install/count.c" \
	$(pkg-config --cflags cw) $(pkg-config --libs cw) \
	-Wl,-rpath,"$d/lib" 2>"$tmp/cc.log" || bad "shared build: $(cat "$tmp/cc.log")"
got=$("$tmp/count" "$fixture" 2>&1)
[ "$got" = "$want migrations, SQLite $sqlite" ] && ok ||
	bad "shared: '$got', want '$want migrations, SQLite $sqlite'"
ldd "$tmp/count" | grep -q "$d/lib/libcw.so" && ok ||
	bad "the program does not use the installed libcw.so"
cc -o "$tmp/count-static" "$top/cases/install/count.c" \
	$(pkg-config --cflags cw) "$d/lib/libcw.a" \
	$(pkg-config --static --libs cw | sed 's/-lcw//') \
	2>"$tmp/cc.log" || bad "static build: $(cat "$tmp/cc.log")"
got=$("$tmp/count-static" "$fixture" 2>&1)
[ "$got" = "$want migrations, SQLite $sqlite" ] && ok ||
	bad "static: '$got'"

# The man page and completion name every command and every option.
man=$d/share/man/man1/cw.1 comp=$d/share/bash-completion/completions/cw
for c in $("$d/bin/cw" --help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do
	grep -q "^\.SS $c\$" "$man" && ok || bad "man page lacks $c"
	grep -q "^		$c) " "$comp" && ok || bad "completion lacks $c"
	for o in $("$d/bin/cw" $c --help | sed -n 's/^  \(-[a-z-]*\).*/\1/p'); do
		grep -q "^\.BI\{0,1\} \"$(echo "$o" | sed 's/-/\\\\-/g')[ \"]" \
			"$man" || bad "man page lacks $c $o"
		grep "^		$c) " "$comp" | grep -q -- " $o[ \"]" ||
			bad "completion lacks $c $o"
	done
done
bash -c ". '$comp' && COMP_WORDS=(cw hook --f) COMP_CWORD=2 && _cw &&
	echo \${COMPREPLY[*]}" 2>&1 | grep -qx -- --force && ok ||
	bad "completion of 'cw hook --f' is not --force"

[ "$fails" -eq 0 ] && { echo "install: $n checks passed"; exit 0; }
echo "install: $fails of $n checks failed"; exit 1
