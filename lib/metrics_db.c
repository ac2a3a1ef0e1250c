/*
** metrics_db.c - the contract's tables checked against a database, and
** the bookkeeping table of backfill runs (metrics_db.h).
*/
#include "metrics_db.h"
#include "codes.h"
#include "schema.h"
#include "strbuf.h"
#include "text.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* What the backfill needs of each table: the columns it reads or
** writes, their affinity, and the one that must be unique (the keyset's
** tie-breaker; the upsert's conflict target). */
typedef struct want_table {
	const char *name;
	const char *key;
	const char *cols[6];
	cw_affinity aff[6];
} want_table;

static const want_table contract[] = {
	{"agent_log_chunks", "id",
	 {"id", "agent_id", "content", "created_at", NULL},
	 {CW_AFF_TEXT, CW_AFF_TEXT, CW_AFF_TEXT, CW_AFF_INTEGER}},
	{"agent_metrics", "agent_id",
	 {"agent_id", "questions_count", "subagents_count",
	  "compactions_count", "updated_at", NULL},
	 {CW_AFF_TEXT, CW_AFF_INTEGER, CW_AFF_INTEGER, CW_AFF_INTEGER,
	  CW_AFF_INTEGER}},
};

static const char *aff_name(cw_affinity a)
{
	switch (a) {
	case CW_AFF_TEXT: return "TEXT";
	case CW_AFF_INTEGER: return "INTEGER";
	case CW_AFF_REAL: return "REAL";
	case CW_AFF_NUMERIC: return "NUMERIC";
	default: return "BLOB";
	}
}

/* 1 if column `key` alone is t's primary key or has a unique index. */
static int is_unique(const cw_schema_table *t, const char *key)
{
	size_t i, n_pk = 0;
	const cw_schema_column *c = cw_schema_column_find(t, key);

	for (i = 0; i < t->n_columns; i++)
		n_pk += t->columns[i].pk > 0;
	if (c && c->pk == 1 && n_pk == 1)
		return 1;
	for (i = 0; i < t->n_indexes; i++) {
		const cw_schema_index *x = &t->indexes[i];
		if (x->unique && x->n_columns == 1 && x->where == NULL &&
		    strcasecmp(x->columns[0], key) == 0)
			return 1;
	}
	return 0;
}

/* The problems of t against w, "; "-separated, into b. */
static void column_problems(cw_strbuf *b, const cw_schema_table *t,
			    const want_table *w)
{
	size_t i;

	for (i = 0; w->cols[i]; i++) {
		const cw_schema_column *c = cw_schema_column_find(t,
								  w->cols[i]);
		if (c == NULL)
			cw_strbuf_fmt(b, "%scolumn %s is missing",
				      b->n ? "; " : "", w->cols[i]);
		else if (c->affinity != w->aff[i])
			cw_strbuf_fmt(b, "%scolumn %s is %s, not %s",
				      b->n ? "; " : "", w->cols[i],
				      c->type[0] ? c->type : "untyped",
				      aff_name(w->aff[i]));
	}
	if (cw_schema_column_find(t, w->key) && !is_unique(t, w->key))
		cw_strbuf_fmt(b, "%s%s is neither the primary key nor unique",
			      b->n ? "; " : "", w->key);
}

/* The name of a table `CREATE TABLE [IF NOT EXISTS] name` makes at p,
** unquoted, into out. */
static void created_name(const char *p, char *out, size_t n)
{
	size_t k = 0;
	char close = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (strncasecmp(p, "if not exists", 13) == 0)
		p += 13;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p == '`' || *p == '"' || *p == '[')
		close = *p == '[' ? ']' : *p++;
	if (close == ']')
		p++;
	while (*p && k + 1 < n && (close ? *p != close :
				   (*p != ' ' && *p != '(' && *p != '\n')))
		out[k++] = *p++;
	out[k] = '\0';
}

/* 1 if the SQL text creates table `name`. */
static int creates(const char *sql, const char *name)
{
	const char *p = sql;
	char got[128];

	while ((p = strcasestr(p, "create table")) != NULL) {
		p += 12;
		created_name(p, got, sizeof(got));
		if (strcasecmp(got, name) == 0)
			return 1;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first .sql file of dir (by name) that creates table, into out
** ("" if none or unreadable). */
static void find_migration(char *out, size_t n, const char *dir,
			   const char *table)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n_names = 0, i;

	out[0] = '\0';
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char **g;
		if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		g = realloc(names, (n_names + 1) * sizeof(*g));
		if (g == NULL)
			break;
		names = g;
		names[n_names] = strdup(e->d_name);
		if (names[n_names])
			n_names++;
	}
	closedir(d);
	if (n_names)
		qsort(names, n_names, sizeof(*names), by_name);
	for (i = 0; i < n_names; i++) {
		cw_bytes text = {NULL, 0};
		cw_error ignore = {0};
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (!out[0] && cw_text_read_file(&text, path, &ignore) == 0 &&
		    creates(text.data, table))
			snprintf(out, n, "%s", names[i]);
		cw_bytes_free(&text);
		free(names[i]);
	}
	free(names);
}

static int missing_table(const char *path, const char *table,
			 const char *dir, cw_error *err)
{
	char mig[512];

	if (dir == NULL)
		return cw_error_set(err, CW_EINVAL, CW_B007, path, 0,
				    "%s: table %s is missing: apply the "
				    "migrations first (--migrations DIR names "
				    "the one that creates it)", path, table);
	find_migration(mig, sizeof(mig), dir, table);
	if (mig[0] == '\0')
		return cw_error_set(err, CW_EINVAL, CW_B007, path, 0,
				    "%s: table %s is missing, and no migration"
				    " in %s creates it", path, table, dir);
	return cw_error_set(err, CW_EINVAL, CW_B007, path, 0,
			    "%s: table %s is missing: migration %s in %s "
			    "creates it; apply it first (cw migrate --db %s "
			    "--migrations %s)", path, table, mig, dir, path,
			    dir);
}

int cw_metrics_db_check(sqlite3 *db, const char *path,
			const char *migrations_dir, cw_error *err)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema s;
	size_t i;
	int rc = cw_schema_read_db(&s, db, &so, err);

	if (rc != 0)
		return rc;
	for (i = 0; rc == 0 && i < sizeof(contract) / sizeof(*contract);
	     i++) {
		const cw_schema_table *t = cw_schema_find(&s, contract[i].name);
		cw_strbuf b = CW_STRBUF_INIT;
		char *text;
		if (t == NULL) {
			rc = missing_table(path, contract[i].name,
					   migrations_dir, err);
			break;
		}
		column_problems(&b, t, &contract[i]);
		text = cw_strbuf_take(&b);
		if (text && text[0])
			rc = cw_error_set(err, CW_EINVAL, CW_B008, path, 0,
					  "%s: table %s is not the one the "
					  "backfill contract describes: %s",
					  path, contract[i].name, text);
		else if (text == NULL)
			rc = cw_error_set(err, CW_ENOMEM, NULL, path, 0,
					  "out of memory");
		free(text);
	}
	cw_schema_free(&s);
	return rc;
}

/* ---- the bookkeeping table ---- */

/* The failure names the database file: a full disk or an I/O error is
** about it, not about the statement (check_diskfull.c). */
static int sql_fail(sqlite3 *db, const char *what, cw_error *err)
{
	const char *file = sqlite3_db_filename(db, "main");

	return cw_error_set(err, CW_ESQL, NULL, file, 0, "%s: %s", what,
			    sqlite3_errmsg(db));
}

int cw_metrics_runs_read(cw_metrics_run **out, size_t *n_out, sqlite3 *db,
			 cw_error *err)
{
	sqlite3_stmt *st = NULL;
	cw_metrics_run *runs = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	*n_out = 0;
	rc = sqlite3_prepare_v2(db, "SELECT id, started_at, finished_at, "
				"until_ms, last_created_at, chunks_read, "
				"malformed, agents, questions, subagents, "
				"compactions, forced, cw_version FROM "
				CW_METRICS_RUNS_TABLE " ORDER BY id", -1, &st,
				NULL);
	if (rc != SQLITE_OK) {
		/* no such table: no run yet */
		sqlite3_finalize(st);
		if (strstr(sqlite3_errmsg(db), "no such table"))
			return 0;
		return sql_fail(db, "reading " CW_METRICS_RUNS_TABLE, err);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cw_metrics_run *g = realloc(runs, (n + 1) * sizeof(*g)), *r;
		int i;
		if (g == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		runs = g;
		r = &runs[n++];
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->started_at = sqlite3_column_int64(st, 1);
		r->finished_at = sqlite3_column_int64(st, 2);
		r->has_until = sqlite3_column_type(st, 3) != SQLITE_NULL;
		r->until_ms = sqlite3_column_int64(st, 3);
		r->last_created_at = sqlite3_column_int64(st, 4);
		r->chunks = (uint64_t)sqlite3_column_int64(st, 5);
		r->malformed = (uint64_t)sqlite3_column_int64(st, 6);
		r->agents = (uint64_t)sqlite3_column_int64(st, 7);
		for (i = 0; i < CW_METRIC_N; i++)
			r->n[i] = (uint64_t)sqlite3_column_int64(st, 8 + i);
		r->forced = sqlite3_column_int(st, 11);
		snprintf(r->cw_version, sizeof(r->cw_version), "%s",
			 sqlite3_column_text(st, 12) ?
			 (const char *)sqlite3_column_text(st, 12) : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(runs);
		return rc == SQLITE_NOMEM ?
		       cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory") :
		       sql_fail(db, "reading " CW_METRICS_RUNS_TABLE, err);
	}
	*out = runs;
	*n_out = n;
	return 0;
}

int cw_metrics_run_record(cw_metrics_run *run, sqlite3 *db, cw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, i;

	if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS "
			 CW_METRICS_RUNS_TABLE " (id INTEGER PRIMARY KEY, "
			 "kind TEXT NOT NULL, started_at INTEGER NOT NULL, "
			 "finished_at INTEGER NOT NULL, until_ms INTEGER, "
			 "last_created_at INTEGER, chunks_read INTEGER NOT "
			 "NULL, malformed INTEGER NOT NULL, agents INTEGER "
			 "NOT NULL, questions INTEGER NOT NULL, subagents "
			 "INTEGER NOT NULL, compactions INTEGER NOT NULL, "
			 "forced INTEGER NOT NULL, cw_version TEXT NOT NULL)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(db, "creating " CW_METRICS_RUNS_TABLE, err);
	rc = sqlite3_prepare_v2(db, "INSERT INTO " CW_METRICS_RUNS_TABLE
				" (kind, started_at, finished_at, until_ms, "
				"last_created_at, chunks_read, malformed, "
				"agents, questions, subagents, compactions, "
				"forced, cw_version) VALUES ('agent_metrics', "
				"?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
				" ?12)", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run->started_at);
		sqlite3_bind_int64(st, 2, run->finished_at);
		if (run->has_until)
			sqlite3_bind_int64(st, 3, run->until_ms);
		sqlite3_bind_int64(st, 4, run->last_created_at);
		sqlite3_bind_int64(st, 5, (int64_t)run->chunks);
		sqlite3_bind_int64(st, 6, (int64_t)run->malformed);
		sqlite3_bind_int64(st, 7, (int64_t)run->agents);
		for (i = 0; i < CW_METRIC_N; i++)
			sqlite3_bind_int64(st, 8 + i, (int64_t)run->n[i]);
		sqlite3_bind_int(st, 11, run->forced);
		sqlite3_bind_text(st, 12, run->cw_version, -1,
				  SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(db, "recording the run in "
				CW_METRICS_RUNS_TABLE, err);
	run->id = sqlite3_last_insert_rowid(db);
	return 0;
}

void cw_metrics_run_describe(char *buf, size_t n, const cw_metrics_run *r)
{
	time_t s = (time_t)(r->started_at / 1000);
	struct tm tm;
	char when[40] = "?", until[48] = "";

	if (gmtime_r(&s, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (r->has_until)
		snprintf(until, sizeof(until), ", until %lld",
			 (long long)r->until_ms);
	cw_text_format(buf, n, "run %lld at %s%s%s: %llu chunks, %llu "
		       "questions, %llu subagents, %llu compactions",
		       (long long)r->id, when, until,
		       r->forced ? " (forced)" : "",
		       (unsigned long long)r->chunks,
		       (unsigned long long)r->n[0],
		       (unsigned long long)r->n[1],
		       (unsigned long long)r->n[2]);
}

int cw_metrics_db_rows(int64_t *out, sqlite3 *db, cw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM agent_metrics",
				    -1, &st, NULL);

	*out = 0;
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 :
	       sql_fail(db, "counting agent_metrics rows", err);
}

void cw_metrics_runs_free(cw_metrics_run *runs)
{
	free(runs);
}
