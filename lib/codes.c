/*
** codes.c - every diagnostic code cw can report, with its fix.
*/
#include "codes.h"

#include <string.h>

static const cw_code_info table[] = {
/* J: the journal (meta/_journal.json) and the files it names. */
{"J001", CW_SEV_ERROR, "journal missing",
 "run `drizzle-kit generate` or point cw at the folder holding meta/_journal.json",
 "a folder without meta/_journal.json"},
{"J002", CW_SEV_ERROR, "journal is not valid JSON",
 "fix the JSON at the reported line; resolve merge-conflict markers by hand",
 "{\"entries\": [ {\"tag\": \"0000_a\",} ]}"},
{"J003", CW_SEV_ERROR, "journal field missing or of the wrong type",
 "each entry needs idx (integer), version (string), when (integer ms), tag (string), breakpoints (boolean)",
 "{\"idx\":0,\"when\":\"1700000000000\",\"tag\":\"0000_a\",\"breakpoints\":true}"},
{"J004", CW_SEV_ERROR, "idx out of sequence",
 "entries must have idx 0, 1, 2, ... in array order; renumber the entry and its files",
 "entries with idx 0, 2"},
{"J005", CW_SEV_ERROR, "duplicate tag",
 "two entries name the same .sql file; remove or rename one",
 "two entries with tag 0001_users"},
{"J006", CW_SEV_WARNING, "tag prefix disagrees with idx",
 "rename the migration so its numeric prefix equals its idx",
 "idx 3 with tag 0002_users"},
{"J007", CW_SEV_ERROR, "when not strictly increasing",
 "give the entry a `when` above every earlier entry's; a database already past the larger value silently never runs it",
 "entry 2 with when 1700000000000 after entry 1 with when 1700000005000"},
{"J008", CW_SEV_WARNING, "when is in the future",
 "a future `when` makes every later migration generated before that date skipped; use the real generation time",
 "when 4102444800000 (year 2100)"},
{"J009", CW_SEV_ERROR, "journal entry without its .sql file",
 "add the .sql file or remove the entry; drizzle fails the whole run",
 "entry 0003_x with no 0003_x.sql"},
{"J010", CW_SEV_WARNING, ".sql file without a journal entry",
 "drizzle never runs a file the journal does not list; add an entry or delete the file",
 "0004_orphan.sql not in the journal"},
{"J011", CW_SEV_ERROR, "unsafe tag",
 "a tag is used as a file name: no '/', '\\', '..', NUL or control characters",
 "tag \"../../etc/x\""},
{"J012", CW_SEV_ERROR, "dialect is not sqlite",
 "this folder was generated for another database; regenerate with dialect sqlite",
 "\"dialect\": \"postgresql\""},
{"J013", CW_SEV_ERROR, "duplicate idx",
 "two entries share an idx (often two branches that each added the next migration); renumber one",
 "two entries with idx 4"},
{"J014", CW_SEV_ERROR, "journal has no entries array",
 "the journal must be an object with an \"entries\" array",
 "{\"version\":\"7\"}"},
{"J015", CW_SEV_ERROR, "migration file never added to the journal",
 "drizzle never runs a file the journal does not list: run `drizzle-kit generate` again, or add its entry (idx, version, when, tag, breakpoints) at the end of the journal",
 "0004_users.sql after a journal ending at 0003"},
/* S: splitting on breakpoints and preparing each piece. */
{"S001", CW_SEV_ERROR, "more than one statement in a piece",
 "put `--> statement-breakpoint` at the end of the first statement's last line",
 "CREATE TABLE a(x); CREATE TABLE b(y);"},
{"S002", CW_SEV_ERROR, "piece contains no statement",
 "remove the empty piece: a trailing or doubled breakpoint, an empty file or the untouched custom-migration placeholder",
 "a file ending with `--> statement-breakpoint` and a newline"},
{"S003", CW_SEV_WARNING, "breakpoint marker inside a string or comment",
 "drizzle splits there anyway; rewrite the literal or comment so it does not contain the marker",
 "INSERT INTO t VALUES ('--> statement-breakpoint');"},
{"S004", CW_SEV_WARNING, "breakpoint marker not followed by a newline",
 "write the marker at the end of a line, as drizzle-kit does",
 "CREATE TABLE a(x);--> statement-breakpointCREATE TABLE b(y);"},
{"S005", CW_SEV_ERROR, "SQLite rejects the statement",
 "fix the statement; it fails at this point in production and the whole batch is rolled back",
 "ALTER TABLE missing ADD x int;"},
{"S006", CW_SEV_ERROR, "migration file unreadable",
 "check the file's permissions and that it is a regular file",
 "0001_a.sql is a directory"},
{"S007", CW_SEV_ERROR, "NUL byte hides the rest of a piece",
 "SQLite stops reading a statement at a NUL byte, so what follows it in the piece silently never runs: remove the NUL (often an editor or encoding accident)",
 "CREATE TABLE a(x);<NUL byte>CREATE TABLE b(y);"},
{"S008", CW_SEV_ERROR, "piece has a bound parameter",
 "drizzle runs every piece with no values, so better-sqlite3 refuses it and the batch fails: write the value into the SQL (quote strings as 'text')",
 "INSERT INTO settings(key) VALUES (?);"},
/* H: hashes and the immutability lock. */
{"H001", CW_SEV_ERROR, "locked migration changed",
 "never edit an applied migration: restore the file and add a new migration",
 "0001_a.sql edited after `cw lock`"},
{"H002", CW_SEV_ERROR, "locked migration changed only in line endings",
 "restore the original line endings (check .gitattributes / core.autocrlf); the stored hash differs",
 "0001_a.sql checked out with CRLF"},
{"H003", CW_SEV_ERROR, "locked migration's when changed",
 "restore the journal's when for this entry; changing it changes which databases run it",
 "when edited in the journal"},
{"H004", CW_SEV_ERROR, "locked migration deleted or moved",
 "restore the migration at its locked position; drizzle applies in array order",
 "an entry removed from the middle of the journal"},
{"H005", CW_SEV_ERROR, "lock file malformed",
 "repair the reported line, or delete the lock and run `cw lock` again (a malformed lock is never overwritten)",
 "a line without a hash"},
{"H006", CW_SEV_ERROR, "two branches added the same migration",
 "keep one branch's migration, regenerate the other's after rebasing (drizzle-kit generate)",
 "lock file has 0005_a, journal has 0005_b at the same position"},
{"H007", CW_SEV_NOTE, "migration not locked yet",
 "run `cw lock` and commit the lock file with the migration",
 "a new 0009_x with no lock line"},
{"H008", CW_SEV_ERROR, "migration changed since the base revision",
 "restore the file as it is in the base revision and add a new migration",
 "cw check --base origin/main after editing 0001_a.sql"},
/* L: lint of statements that work in review and fail or lose data. */
{"L001", CW_SEV_ERROR, "transaction control inside a migration",
 "remove BEGIN/COMMIT/ROLLBACK/SAVEPOINT/VACUUM: the migrator already runs every pending migration in one transaction",
 "BEGIN; ALTER TABLE t ADD x int; COMMIT;"},
{"L002", CW_SEV_ERROR, "ADD COLUMN NOT NULL without a default",
 "add a DEFAULT, or rebuild the table; it fails on any populated table",
 "ALTER TABLE t ADD x integer NOT NULL;"},
{"L003", CW_SEV_ERROR, "ADD COLUMN with a non-constant default",
 "use a constant default and backfill with UPDATE; SQLite refuses an expression default on a populated table",
 "ALTER TABLE t ADD x integer NOT NULL DEFAULT (unixepoch());"},
{"L004", CW_SEV_WARNING, "DROP TABLE",
 "make sure the data is not needed or was copied first",
 "DROP TABLE users;"},
{"L005", CW_SEV_WARNING, "DROP COLUMN",
 "make sure the data is not needed or was copied first",
 "ALTER TABLE t DROP COLUMN x;"},
{"L006", CW_SEV_WARNING, "DELETE without WHERE",
 "add a WHERE clause, or confirm the table is meant to be emptied",
 "DELETE FROM sessions;"},
{"L007", CW_SEV_ERROR, "raw CREATE TABLE of the migrations table",
 "never create __drizzle_migrations by hand; the migrator owns it",
 "CREATE TABLE __drizzle_migrations (...);"},
{"L008", CW_SEV_WARNING, "PRAGMA foreign_keys inside a migration with a table rebuild",
 "the PRAGMA is a no-op inside the migrator's transaction: dropping a referenced table fires ON DELETE actions; back up and restore child rows",
 "PRAGMA foreign_keys=OFF; ... DROP TABLE users; ..."},
{"L009", CW_SEV_ERROR, "table rebuild loses child rows",
 "dropping a referenced table fires its ON DELETE actions, PRAGMA foreign_keys or not (a no-op inside the migrator's transaction): copy child rows aside before the DROP and restore them after the RENAME",
 "rebuilding users deletes every posts row via ON DELETE CASCADE"},
{"L010", CW_SEV_ERROR, "fails on a populated database",
 "it passes on an empty database only: copy the child rows aside and delete them before the DROP, restore them after the RENAME (PRAGMA foreign_keys is a no-op inside the migrator's transaction)",
 "rebuilding users while posts references it ON DELETE NO ACTION"},
{"L011", CW_SEV_WARNING, "migration commits the batch part-way",
 "COMMIT ... PRAGMA foreign_keys=OFF ... BEGIN lets the PRAGMA take effect, but what ran before the COMMIT stays if anything later fails; keep such migrations small and re-runnable",
 "COMMIT TRANSACTION; PRAGMA foreign_keys = OFF; BEGIN TRANSACTION;"},
/* N: drizzle-kit snapshots (meta/NNNN_snapshot.json). */
{"L012", CW_SEV_ERROR, "migration resets column values",
 "a rebuild's INSERT ... SELECT must copy every column that survives: list the column in both the INSERT column list and the SELECT",
 "INSERT INTO __new_posts(id, author_id) SELECT id, author_id FROM posts; -- title is left at its default"},
{"N001", CW_SEV_ERROR, "snapshot unreadable",
 "regenerate the snapshot or fix its JSON",
 "meta/0003_snapshot.json is truncated"},
{"N002", CW_SEV_WARNING, "snapshot prevId points at no snapshot",
 "drizzle-kit check accepts it and drizzle applies the folder, but the chain is broken: set prevId to the previous snapshot's id, or restore the missing snapshot",
 "0012's prevId names no existing snapshot id"},
{"N003", CW_SEV_ERROR, "two snapshots share a prevId",
 "two branches generated from the same parent: drop one migration and regenerate it after merging",
 "0005 and 0006 both have prevId of 0004"},
{"N004", CW_SEV_NOTE, "migrations without a snapshot",
 "drizzle-kit generate diffs against the newest snapshot; hand-written stretches are fine if a later snapshot matches the schema",
 "0008..0031 have no snapshot"},
{"N005", CW_SEV_ERROR, "duplicate snapshot id",
 "each snapshot needs its own id; regenerate the copy",
 "two snapshots with the same id"},
/* R: running the migrator. */
{"R001", CW_SEV_WARNING, "migration will never run",
 "its when is not above the newest applied created_at, so drizzle skips it forever: give it a new migration with a current when",
 "0007 merged from an old branch, when older than the applied 0008"},
{"R002", CW_SEV_ERROR, "migration failed",
 "fix the statement; the whole batch was rolled back",
 "ALTER TABLE missing ADD x int;"},
{"R003", CW_SEV_ERROR, "transaction ended inside the batch",
 "a COMMIT inside a migration ended the migrator's transaction: earlier work stayed and cannot be rolled back",
 "COMMIT; followed by a failing statement"},
{"R004", CW_SEV_ERROR, "database busy",
 "another process held the database lock past the timeout; retry or raise --busy-timeout",
 "a long write transaction in another process"},
{"R005", CW_SEV_ERROR, "database unreadable",
 "the file is not a SQLite database, is corrupt, or cannot be opened; check the path (cw never modifies such a file)",
 "cw migrate --db notes.txt"},
{"R006", CW_SEV_ERROR, "migrator profile invalid",
 "fix cw.config.json: {\"migrator\": {\"foreignKeys\": true|false, \"table\": \"NAME\", \"functions\": [\"name/arity\"]}}",
 "{\"migrator\": {\"foreignKeys\": \"no\"}}"},
{"R007", CW_SEV_ERROR, "migration leaves rows pointing at nothing",
 "with foreign keys OFF during migrate(), a rebuild or DROP of a parent leaves child rows dangling; repair them in the migration (DELETE or UPDATE the children) or rebuild the children too",
 "DROP TABLE users; -- tasks.user_id still points at it"},
{"R008", CW_SEV_WARNING, "statement does nothing inside the migrator's transaction",
 "PRAGMA journal_mode (and PRAGMA foreign_keys) cannot change inside drizzle's transaction; set it on the connection in the app instead",
 "PRAGMA journal_mode=WAL; as a migration piece"},
};

const cw_code_info *cw_codes_lookup(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].code, code) == 0)
			return &table[i];
	return NULL;
}

const cw_code_info *cw_codes_table(size_t *out_n)
{
	*out_n = sizeof(table) / sizeof(table[0]);
	return table;
}

const char *cw_codes_severity_name(cw_severity sev)
{
	switch (sev) {
	case CW_SEV_NOTE: return "note";
	case CW_SEV_WARNING: return "warning";
	case CW_SEV_ERROR: return "error";
	}
	return "error";
}
