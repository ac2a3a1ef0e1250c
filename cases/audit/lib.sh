# lib.sh - builders of production-like databases for the cw audit cases,
# sourced by cases/audit/cmd in a case's scratch copy; the case's
# input/build.sh then builds its state with them and ends with `audit`.
#
# The database is always prod/app.db.  Migrations run through the real
# drizzle-orm migrator (cases/oracle/drizzle-migrate.mjs), or the fixture
# generator (cw fixtures build); `audit` fails the case (exit 3) when
# cw audit changed a byte or a modification time of app.db, -wal, -shm or
# -journal, or left any file in prod/.
ORACLE=$CW_TOP/cases/oracle
SHOP=$CW_TOP/cases/audit/shop
DB=prod/app.db

command -v node >/dev/null && [ -d "$ORACLE/node_modules" ] || {
	echo "skip: the drizzle oracle needs node and make deps-node"
	exit 77
}
mkdir -p prod

# release DIR N [SRC]: SRC (default: the shop folder) with only its
# first N journal entries, into DIR.
release() {
	rm -rf "$1"; cp -R "${3:-$SHOP}" "$1"
	node -e 'const fs=require("fs"),p=process.argv[1]+"/meta/_journal.json";
		const j=JSON.parse(fs.readFileSync(p));
		j.entries=j.entries.slice(0,+process.argv[2]);
		fs.writeFileSync(p,JSON.stringify(j,null,2)+"\n")' "$1" "$2"
}

# without DIR TAG: drop one entry (and its file) from DIR's journal.
without() {
	node -e 'const fs=require("fs"),p=process.argv[1]+"/meta/_journal.json";
		const j=JSON.parse(fs.readFileSync(p));
		j.entries=j.entries.filter(e=>e.tag!==process.argv[2]);
		fs.writeFileSync(p,JSON.stringify(j,null,2)+"\n")' "$1" "$2"
	rm -f "$1/$2.sql"
}

# oracle DIR [ARGS]: drizzle's migrator on prod/app.db; stops the case
# when drizzle itself fails.
oracle() {
	d=$1; shift
	out=$(node "$ORACLE/drizzle-migrate.mjs" --db "$DB" --migrations "$d" \
		"$@") || { echo "oracle failed: $out"; exit 4; }
	case $out in *'"ok":true'*|*'"ok": true'*) ;;
	*) echo "oracle failed: $out"; exit 4 ;; esac
}

# sql TEXT: hand-run SQL on the database (production data, hand edits).
sql() { sqlite3 "$DB" "$1" || exit 4; }

# The shop's rows: two test accounts with orders and items among others.
shop_rows() {
	sql "INSERT INTO users(id, name) VALUES (1, 'ada'), (2, 'bob'),
	       (3, 'test-1'), (4, 'test-2'), (5, 'cy');
	     INSERT INTO orders VALUES (1, 1, 10), (2, 2, 20), (3, 3, 30),
	       (4, 3, 40), (5, 4, 50), (6, 5, 60);
	     INSERT INTO items VALUES (1, 1, 'a'), (2, 3, 'b'), (3, 4, 'c'),
	       (4, 5, 'd'), (5, 6, 'e');"
}

# What must not change: every file of prod/ with its size, mtime and hash.
snap() {
	for f in prod/* prod/.[!.]*; do
		[ -e "$f" ] || continue
		printf '%s %s ' "$f" "$(stat -c '%s %.9Y' "$f")"
		sha256sum < "$f"
	done
}

# audit DIR [--as-nobody] [ARGS]: cw audit of prod/app.db against DIR;
# its exit status, or 3 when any file of prod/ changed or appeared.
# --as-nobody runs cw as user nobody: root writes through read-only
# modes, nobody does not, so a read-only folder then really refuses to
# have -shm or -wal created in it.
audit() {
	d=$1; shift
	as=
	if [ "${1:-}" = --as-nobody ]; then
		shift
		as="setpriv --reuid=65534 --regid=65534 --clear-groups"
		if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
			as=
		fi
	fi
	before=$(snap)
	$as "$CW" audit --db "$DB" "$d" "$@"
	rc=$?
	after=$(snap)
	if [ "$before" != "$after" ]; then
		echo "cw audit changed prod/:" >&2
		printf '%s\n--- after\n%s\n' "$before" "$after" >&2
		exit 3
	fi
	return $rc
}
