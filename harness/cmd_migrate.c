/*
** cmd_migrate.c - `cw migrate`: the reference migrator on a database file.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "profile_opts.h"
#include "report.h"
#include "../lib/folder.h"
#include "../lib/migrate.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"cw migrate --db FILE [--migrations DIR] [--table NAME] [--dry-run] "
	"[--format text|json] [--config FILE] [--foreign-keys on|off] "
	"[--functions NAME/ARITY,...]";

int cmd_migrate(int argc, char **argv)
{
	const char *db = NULL, *dir = NULL, *table = NULL, *dry = NULL;
	const char *format = NULL, *legacy = NULL, *seq = NULL, *busy = NULL;
	profile_opts po = {NULL, NULL, NULL};
	const opt table_[] = {
		{"--db", "FILE", "database file (default: $CW_DB)", &db},
		{"--migrations", "DIR", "migrations folder (default: "
		 CW_DEFAULT_MIGRATIONS ")", &dir},
		{"--table", "NAME", "migrations table (default: the "
		 "profile's, else " CW_MIGRATIONS_TABLE ")", &table},
		{"--dry-run", NULL, "apply to a scratch copy; touch "
		 "nothing", &dry},
		{"--format", "FMT", "text (default) or json", &format},
		PROFILE_OPTS_TABLE(po),
		{"--busy-timeout", "MS", "wait this long for another "
		 "migrator's lock (default 60000)", &busy},
		{"--legacy-rule", NULL, "use better-sqlite3's old "
		 "one-statement rule (no trailing comments)", &legacy},
		{"--drizzle-sequence", NULL, "drizzle's exact statement "
		 "sequence (deferred BEGIN; unsafe with concurrent "
		 "migrators)", &seq},
	};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT, found = CW_DIAGS_INIT;
	cw_profile profile = CW_PROFILE_INIT;
	cw_migrate_result res;
	cw_folder folder;
	cw_error err = {0};
	migrate_report rep;
	size_t n_pos, i;
	long busy_ms = 60000;
	int rc, json, status;

	rc = opts_parse(argc, argv, table_, sizeof(table_) / sizeof(*table_),
			NULL, 0, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (db == NULL && getenv("CW_DB") != NULL) {
		db = getenv("CW_DB");
		if (db[0] == '\0') {
			msg_error("CW_DB is set but empty: give a database "
				  "file");
			return 2;
		}
	}
	if (db == NULL) {
		msg_error("no database: give --db FILE or set CW_DB\n"
			  "usage: %s", usage);
		return 2;
	}
	if (db[0] == '\0' || strcmp(db, ":memory:") == 0) {
		msg_error("--db \"%s\" names no file: the migrated database "
			  "would vanish when cw exits; give a file path", db);
		return 2;
	}
	if (dir == NULL)
		dir = CW_DEFAULT_MIGRATIONS;
	if (format && strcmp(format, "json") && strcmp(format, "text")) {
		msg_error("unknown --format '%s' (text or json)", format);
		return 2;
	}
	if (busy && (busy_ms = opts_number(busy)) < 0) {
		msg_error("--busy-timeout needs milliseconds, got '%s'", busy);
		return 2;
	}
	if (profile_opts_resolve(&profile, &po, dir) != 0)
		return 2;
	json = format && strcmp(format, "json") == 0;
	mo.table = table;
	mo.dry_run = dry != NULL;
	mo.rule = legacy ? CW_RULE_LEGACY : CW_RULE_CURRENT;
	mo.sequence = seq ? CW_SEQ_DRIZZLE : CW_SEQ_LOCKED;
	mo.busy_timeout_ms = (int)(busy_ms > 0x7fffffff ? 0x7fffffff :
				   busy_ms);
	mo.profile = &profile;

	memset(&res, 0, sizeof(res));
	memset(&rep, 0, sizeof(rep));
	rep.db = db;
	rep.migrations = dir;
	rep.table = table ? table : profile.table ? profile.table :
		    CW_MIGRATIONS_TABLE;
	rep.dry_run = mo.dry_run;
	rep.folder = &folder;
	rep.diags = &found;
	rep.err = &err;
	rc = cw_folder_load(&folder, dir, &fo, &diags, &err);
	if (rc == 0) {
		rc = cw_migrate_path(&res, db, &folder, &mo, &err);
		if (rc == 0 || rc == CW_ESQL)
			rep.result = &res;
	}
	/* Loading findings first, then what the run decided. */
	cw_diags_take(&found, &diags);
	if (rc != 0 && found.n == 0 && !err.diag[0]) {
		msg_cw_error(&err);
	} else if (cw_migrate_diags(&found, rep.result, &folder, rc, &err,
				    db) != 0) {
		msg_error("out of memory");
	}
	if (json)
		report_migrate_json(stdout, &rep);
	else {
		report_migrate_text(stdout, &rep);
		for (i = 0; i < found.n; i++)
			msg_diag(stdout, &found.items[i]);
	}
	/* A run that succeeded can still have found an error (R007: rows
	** left pointing at nothing): exit 1 then too.  Findings about the
	** journal's unused fields do not count: drizzle never reads them. */
	status = rc == 0 ? (cw_diags_count(&res.diags, CW_SEV_ERROR) ? 1 : 0) :
		 rc == CW_ESQL ? 1 : 2;
	cw_migrate_result_free(&res);
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	cw_diags_free(&found);
	cw_profile_free(&profile);
	return status;
}
