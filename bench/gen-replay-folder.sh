#!/bin/sh
# gen-replay-folder.sh N DIR - a synthetic, healthy drizzle folder of N
# migrations for bench/replay.sh, written the way drizzle-kit writes them,
# with a full snapshot after every migration.
#
# Eight tables linked by foreign keys (t0 the root; t1..t3 parents under
# it; t4..t7 leaves, each referencing one of t0..t3 with ON DELETE cascade),
# then, in every migration, an index created and the one from 16 migrations
# before dropped; every 50th migration adds a column with a default, every
# 10th runs an UPDATE on data, and every 25th rebuilds a leaf table the
# drizzle-kit way (PRAGMA foreign_keys=OFF; CREATE TABLE __new_t; INSERT
# INTO __new_t(cols) SELECT cols FROM t; DROP TABLE t; ALTER TABLE __new_t
# RENAME TO t; PRAGMA foreign_keys=ON; its live indexes created again) to
# change a column's default, keeping every column and row.  Only leaves
# are rebuilt: dropping a table other tables reference, with rows, fails
# under drizzle's migrate() (its PRAGMA foreign_keys=OFF is a no-op inside
# the migration's transaction).
#
# Like gen-folder.sh, the schema stays about the same size however long the
# history is (at most 16 indexes, a column every 50 migrations), so a
# longer history measures the replaying work, not SQLite re-reading an
# ever larger schema.  Journal `when` values are strictly increasing.
set -eu
[ $# -eq 2 ] || { echo "usage: gen-replay-folder.sh N DIR" >&2; exit 2; }
n=$1 dir=$2
rm -rf "$dir"; mkdir -p "$dir/meta"
awk -v n="$n" -v dir="$dir" '
function q(s) { return "`" s "`" }
function coldef(t, c,   s) {
	s = q(cn[t, c]) " " ct[t, c]
	if (cpk[t, c]) s = s " PRIMARY KEY"
	if (cnn[t, c]) s = s " NOT NULL"
	if (cd[t, c] != "") s = s " DEFAULT " cd[t, c]
	return s
}
function create(t, name,   s, c) {
	s = "CREATE TABLE " q(name) " (\n"
	for (c = 0; c < nc[t]; c++) s = s "\t" coldef(t, c) (c + 1 < nc[t] || par[t] >= 0 ? ",\n" : "\n")
	if (par[t] >= 0)
		s = s "\tFOREIGN KEY (" q(fkcol[t]) ") REFERENCES " q("t" par[t]) "(" q("id") ") ON UPDATE no action ON DELETE " ondel[t] "\n"
	return s ");"
}
function collist(t,   s, c) {
	s = ""
	for (c = 0; c < nc[t]; c++) s = s (c ? ", " : "") "\"" cn[t, c] "\""
	return s
}
function addcol(t, name, type, nn, def) {
	cn[t, nc[t]] = name; ct[t, nc[t]] = type; cnn[t, nc[t]] = nn
	cpk[t, nc[t]] = (name == "id"); cd[t, nc[t]] = def
	nc[t]++
}
function jdef(t, c) {   # the snapshot form of a default: numbers bare, text quoted
	return ct[t, c] == "integer" ? cd[t, c] : "\"" cd[t, c] "\""
}
function snapshot(path, id, prev,   t, c, j, k, fk, first, s) {
	s = "{\n  \"version\": \"6\",\n  \"dialect\": \"sqlite\",\n  \"id\": \"" id "\",\n  \"prevId\": \"" prev "\",\n  \"tables\": {"
	first = 1
	for (t = 0; t < 8; t++) {
		if (!made[t]) continue
		s = s (first ? "" : ",") "\n    \"t" t "\": {\n      \"name\": \"t" t "\",\n      \"columns\": {"
		first = 0
		for (c = 0; c < nc[t]; c++) {
			s = s (c ? "," : "") "\n        \"" cn[t, c] "\": {\n          \"name\": \"" cn[t, c] "\",\n          \"type\": \"" ct[t, c] "\",\n          \"primaryKey\": " (cpk[t, c] ? "true" : "false") ",\n          \"notNull\": " (cnn[t, c] ? "true" : "false") ",\n          \"autoincrement\": false"
			if (cd[t, c] != "") s = s ",\n          \"default\": " jdef(t, c)
			s = s "\n        }"
		}
		s = s "\n      },\n      \"indexes\": {"
		j = 0
		for (k = lo; k < hi; k++) {
			if (!(k in ixt) || ixt[k] != t) continue
			s = s (j++ ? "," : "") "\n        \"ix" k "\": {\n          \"name\": \"ix" k "\",\n          \"columns\": [\n            \"" ixc[k] "\"\n          ],\n          \"isUnique\": false\n        }"
		}
		s = s (j ? "\n      " : "") "},\n      \"foreignKeys\": {"
		if (par[t] >= 0) {
			fk = "t" t "_" fkcol[t] "_t" par[t] "_id_fk"
			s = s "\n        \"" fk "\": {\n          \"name\": \"" fk "\",\n          \"tableFrom\": \"t" t "\",\n          \"tableTo\": \"t" par[t] "\",\n          \"columnsFrom\": [\n            \"" fkcol[t] "\"\n          ],\n          \"columnsTo\": [\n            \"id\"\n          ],\n          \"onDelete\": \"" ondel[t] "\",\n          \"onUpdate\": \"no action\"\n        }\n      "
		}
		s = s "},\n      \"compositePrimaryKeys\": {},\n      \"uniqueConstraints\": {},\n      \"checkConstraints\": {}\n    }"
	}
	s = s (first ? "" : "\n  ") "},\n  \"views\": {},\n  \"enums\": {},\n  \"_meta\": {\n    \"schemas\": {},\n    \"tables\": {},\n    \"columns\": {}\n  },\n  \"internal\": {\n    \"indexes\": {}\n  }\n}\n"
	printf "%s", s > path
	close(path)
}
BEGIN {
	BP = "--> statement-breakpoint\n"
	split("-1 0 1 0 0 1 2 3", p, " ")
	for (t = 0; t < 8; t++) {
		par[t] = p[t + 1]; made[t] = 0; nc[t] = 0
		ondel[t] = t >= 4 ? "cascade" : "no action"
		fkcol[t] = par[t] >= 0 ? "t" par[t] "_id" : ""
		addcol(t, "id", "integer", 1, "")
		addcol(t, "name", "text", 1, "")
		addcol(t, "score", "integer", 0, "0")
		if (par[t] >= 0) addcol(t, fkcol[t], "integer", t >= 4, "")
	}
	lo = 0; hi = 0; rebuilds = 0
	j = dir "/meta/_journal.json"
	printf "{\n  \"version\": \"7\",\n  \"dialect\": \"sqlite\",\n  \"entries\": [" > j
	prev = "00000000-0000-0000-0000-000000000000"
	for (i = 0; i < n; i++) {
		tag = sprintf("%04d_step_%d", i, i)
		f = dir "/" tag ".sql"
		s = ""
		if (i < 8) {
			s = create(i, "t" i) "\n"
			made[i] = 1
		} else {
			t = (i * 3) % 8
			c = i % 3 == 0 ? "name" : (i % 3 == 1 || par[t] < 0 ? "score" : fkcol[t])
			ixt[i] = t; ixc[i] = c; hi = i + 1; if (lo == 0) lo = i
			s = "CREATE INDEX " q("ix" i) " ON " q("t" t) " (" q(c) ");"
			if (i - 16 >= lo && (i - 16) in ixt) {
				s = s BP "DROP INDEX " q("ix" (i - 16)) ";"
				delete ixt[i - 16]
			}
			if (i % 50 == 0) {
				t = (i / 50) % 8
				addcol(t, "c" i, "text", 0, "'\''x'\''")
				s = s BP "ALTER TABLE " q("t" t) " ADD " coldef(t, nc[t] - 1) ";"
			}
			if (i % 10 == 5) {
				t = i % 8
				s = s BP "UPDATE " q("t" t) " SET " q("score") " = " q("score") " + 1;"
			}
			if (i % 25 == 12) {
				t = 4 + rebuilds % 4
				rebuilds++
				cd[t, 2] = rebuilds   # score is column 2 everywhere
				s = s BP "PRAGMA foreign_keys=OFF;" BP create(t, "__new_t" t) "\n" BP
				s = s "INSERT INTO " q("__new_t" t) "(" collist(t) ") SELECT " collist(t) " FROM " q("t" t) ";" BP
				s = s "DROP TABLE " q("t" t) ";" BP
				s = s "ALTER TABLE " q("__new_t" t) " RENAME TO " q("t" t) ";" BP
				s = s "PRAGMA foreign_keys=ON;"
				for (k = lo; k < hi; k++)
					if ((k in ixt) && ixt[k] == t)
						s = s BP "CREATE INDEX " q("ix" k) " ON " q("t" t) " (" q(ixc[k]) ");"
			}
			s = s "\n"
		}
		printf "%s", s > f
		close(f)
		printf "%s\n    {\n      \"idx\": %d,\n      \"version\": \"6\",\n      \"when\": %.0f,\n      \"tag\": \"%s\",\n      \"breakpoints\": true\n    }", (i ? "," : ""), i, 1700000000000 + i * 60000, tag > j
		id = sprintf("%08d-0000-4000-8000-%012d", i + 1, n)
		snapshot(sprintf("%s/meta/%04d_snapshot.json", dir, i), id, prev)
		prev = id
	}
	printf "\n  ]\n}\n" > j
}'
