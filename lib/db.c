/*
** db.c - opening and configuring SQLite connections.
*/
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cw_db_configure(sqlite3 *db, int busy_timeout_ms, cw_error *err)
{
	int rc = sqlite3_extended_result_codes(db, 1);

	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(db, busy_timeout_ms);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1,
				       NULL);
	if (rc != SQLITE_OK)
		return cw_error_set(err, CW_ESQL, NULL, NULL, 0,
				    "configuring the connection: %s",
				    sqlite3_errmsg(db));
	return 0;
}

/* Read the schema once so a file that is not a database, or is corrupt,
** is refused before anything else runs. */
static int probe(sqlite3 *db, const char *path, cw_error *err)
{
	int rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master",
			      NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return cw_error_set(err, CW_EBUSY, "R004", path, 0,
				    "%s: locked by another process past the "
				    "busy timeout (SQLite: %s)", path,
				    sqlite3_errmsg(db));
	return cw_error_set(err, CW_EINVAL, "R005", path, 0,
			    "%s: cannot read database: %s", path,
			    sqlite3_errmsg(db));
}

static int open_flags(sqlite3 **out, const char *path, int flags,
		      int busy_ms, cw_error *err)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, flags, NULL);

	*out = NULL;
	if (rc != SQLITE_OK) {
		cw_error_set(err, CW_EIO, "R005", path, 0,
			     "%s: cannot open database: %s", path,
			     db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return CW_EIO;
	}
	rc = cw_db_configure(db, busy_ms, err);
	if (rc == 0)
		rc = probe(db, path, err);
	if (rc != 0) {
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

int cw_db_open(sqlite3 **out, const char *path, int busy_timeout_ms,
	       cw_error *err)
{
	return open_flags(out, path, SQLITE_OPEN_READWRITE |
			  SQLITE_OPEN_CREATE, busy_timeout_ms, err);
}

int cw_db_open_readonly(sqlite3 **out, const char *path, cw_error *err)
{
	struct stat st;

	*out = NULL;
	if (stat(path, &st) != 0)
		return cw_error_set(err, CW_ENOTFOUND, NULL, path, 0,
				    "%s: no such database file", path);
	return open_flags(out, path, SQLITE_OPEN_READONLY,
			  CW_DB_DEFAULT_BUSY_MS, err);
}

int cw_db_open_memory(sqlite3 **out, cw_error *err)
{
	return open_flags(out, ":memory:", SQLITE_OPEN_READWRITE |
			  SQLITE_OPEN_CREATE, CW_DB_DEFAULT_BUSY_MS, err);
}

int cw_db_open_memory_copy(sqlite3 **out, const char *path, cw_error *err)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	struct stat st;
	int rc;

	*out = NULL;
	rc = cw_db_open_memory(&dst, err);
	if (rc != 0)
		return rc;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		*out = dst;
		return 0;
	}
	rc = cw_db_open_readonly(&src, path, err);
	if (rc != 0) {
		sqlite3_close(dst);
		return rc;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
	if (b)
		sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		cw_error_set(err, CW_EIO, NULL, path, 0,
			     "%s: cannot copy database into memory: %s", path,
			     sqlite3_errmsg(dst));
		sqlite3_close(src);
		sqlite3_close(dst);
		return CW_EIO;
	}
	sqlite3_close(src);
	*out = dst;
	return 0;
}

int cw_db_exec(sqlite3 *db, const char *sql, cw_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY)
		return cw_error_set(err, CW_EBUSY, "R004", NULL, 0,
				    "database is locked: %s",
				    sqlite3_errmsg(db));
	return cw_error_set(err, CW_ESQL, NULL, NULL, 0, "%s",
			    sqlite3_errmsg(db));
}

char *cw_db_quote_ident(const char *name)
{
	size_t n = strlen(name), i, o = 0;
	char *q = malloc(2 * n + 3);

	if (q == NULL)
		return NULL;
	q[o++] = '"';
	for (i = 0; i < n; i++) {
		if (name[i] == '"')
			q[o++] = '"';
		q[o++] = name[i];
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}
