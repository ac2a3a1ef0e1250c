/*
** datagen_build.c - cw_datagen_build: a fixture database at any journal
** prefix, with data (datagen.h).
**
** The engine applies the prefix to a fresh file beside the target; a hook
** stops it before entry `prefix` and runs the seed file of each applied
** entry right after it, inside the migrator's transaction (for data a
** generator cannot invent).  The schema is then read back (the migrations
** table left out), filled, and the file renamed over the target only when
** all of it worked.
*/
#include "datagen.h"
#include "atomicfile.h"
#include "db.h"
#include "plan.h"
#include "text.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct build {
	size_t prefix;
	const char *seed_dir;
	const cw_folder *f;
	size_t n_seeds;
} build;

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* fixtures/<project>/apps/server/drizzle -> fixtures/<project>/seed, when
** that folder exists, named as dir names the project (relative stays
** relative); NULL otherwise (or out of memory). */
static char *project_seed_dir(const char *dir)
{
	static const char tail[] = "apps/server/drizzle";
	char real[PATH_MAX], *slash, *out;
	size_t n = strlen(dir), t = sizeof(tail) - 1;

	if (n < t || strcmp(dir + n - t, tail) != 0 ||
	    (n > t && dir[n - t - 1] != '/'))
		return NULL;
	/* The project's parent folder must be called fixtures. */
	if (realpath(dir, real) == NULL)
		return NULL;
	real[strlen(real) - t - 1] = '\0';      /* the project */
	slash = strrchr(real, '/');
	if (slash == NULL || slash - real < 8 ||
	    strncmp(slash - 8, "fixtures", 8) != 0 ||
	    (slash - real > 8 && slash[-9] != '/'))
		return NULL;
	out = malloc(n - t + sizeof("seed"));
	if (out == NULL)
		return NULL;
	memcpy(out, dir, n - t);
	memcpy(out + n - t, "seed", sizeof("seed"));
	if (!is_dir(out)) {
		free(out);
		return NULL;
	}
	return out;
}

static int stop_at_prefix(void *ctx, sqlite3 *db, size_t k, int is_trial,
			  cw_error *err)
{
	const build *b = ctx;

	(void)db;
	(void)is_trial;
	(void)err;
	return k >= b->prefix ? CW_HOOK_STOP : CW_HOOK_CONTINUE;
}

/* Run seed_dir/NNNN.sql (NNNN: the entry's idx) after entry k. */
static int run_seed(void *ctx, sqlite3 *db, size_t k, int is_trial,
		    int failed, cw_error *err)
{
	build *b = ctx;
	const cw_journal_entry *e = b->f->migrations[k].entry;
	long idx = e && e->has_idx ? (long)e->idx : (long)k;
	cw_bytes text = {NULL, 0};
	cw_error inner = {0};
	char path[PATH_MAX];
	int rc;

	if (is_trial || failed || b->seed_dir == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%04ld.sql", b->seed_dir, idx);
	rc = cw_text_read_file(&text, path, &inner);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc != 0)
		return cw_error_set(err, rc, "", path, 0, "%s",
				    inner.message);
	rc = cw_db_exec(db, text.data, &inner);
	cw_bytes_free(&text);
	if (rc != 0)
		return cw_error_set(err, CW_EINVAL, "", path, 0, "seed %s "
				    "failed: %s", path, inner.message);
	b->n_seeds++;
	return 0;
}

static void remove_tmp(const char *tmp)
{
	static const char *const ext[] = {"", "-journal", "-wal", "-shm"};
	char p[PATH_MAX];
	size_t i;

	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", tmp, ext[i]);
		unlink(p);
	}
}

/* path.expected.json: written when the log's counts are known, removed
** (a stale one would mislead) when not. */
static int write_expected(cw_datagen_build_result *out, const char *path,
			  cw_error *err)
{
	char exp[PATH_MAX], *json = NULL;
	size_t len = 0;
	int rc;

	snprintf(exp, sizeof(exp), "%s.expected.json", path);
	if (!out->fill.has_agentlog || out->fill.n_agentlog_before > 0) {
		if (unlink(exp) != 0 && errno != ENOENT)
			return cw_error_set(err, CW_EIO, "", exp, 0, "cannot "
					    "remove %s: %s", exp,
					    strerror(errno));
		return 0;
	}
	if ((rc = cw_agentlog_expected_json(&json, &len, &out->fill.tally,
					    err)) != 0)
		return rc;
	rc = cw_atomicfile_write(exp, json, len, err);
	free(json);
	if (rc == 0 && (out->expected_path = strdup(exp)) == NULL)
		rc = cw_error_set(err, CW_ENOMEM, "", "", 0, "out of memory");
	return rc;
}

/* Migrate the fresh file db, read its schema and fill it. */
static int migrate_and_fill(cw_datagen_build_result *out, sqlite3 *db,
			    const cw_folder *f,
			    const cw_datagen_build_options *o, build *b,
			    cw_error *err)
{
	cw_migrate_hooks hooks = {0};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_datagen_names json = {NULL, 0};
	cw_datagen_options gen = o->gen;
	cw_schema schema;
	int rc;

	hooks.ctx = b;
	hooks.before_migration = stop_at_prefix;
	hooks.after_migration = run_seed;
	mo.profile = o->profile;
	mo.hooks = &hooks;
	rc = cw_migrate_db(&out->migrate, db, f, &mo, err);
	out->migrated = 1;
	out->n_seeds = b->n_seeds;
	if (rc != 0)
		return rc;
	so.skip_table = cw_migrate_table_name(NULL, o->profile);
	memset(&schema, 0, sizeof(schema));
	if ((rc = cw_schema_read_db(&schema, db, &so, err)) != 0)
		return rc;
	rc = cw_datagen_json_columns(&json, f, err);
	gen.json_columns = &json;
	if (rc == 0)
		rc = cw_datagen_fill(&out->fill, db, &schema, &gen, err);
	cw_datagen_names_free(&json);
	cw_schema_free(&schema);
	return rc;
}

int cw_datagen_build(cw_datagen_build_result *out, const char *path,
		     const cw_folder *f, const cw_datagen_build_options *o,
		     cw_error *err)
{
	build b = {0, NULL, f, 0};
	char tmp[PATH_MAX];
	sqlite3 *db = NULL;
	int fd, rc;

	memset(out, 0, sizeof(*out));
	out->n_entries = f->n_migrations;
	out->prefix = o->prefix == CW_DATAGEN_ALL ? f->n_migrations : o->prefix;
	if (out->prefix > f->n_migrations)
		return cw_error_set(err, CW_EINVAL, "", f->dir, 0, "prefix %zu "
				    "is beyond the %zu journal entries of %s",
				    out->prefix, f->n_migrations, f->dir);
	if (!o->force && access(path, F_OK) == 0)
		return cw_error_set(err, CW_EINVAL, "", path, 0, "%s exists "
				    "and is not replaced unless forced", path);
	b.prefix = out->prefix;
	out->seed_dir = o->seed_dir ? strdup(o->seed_dir) :
			project_seed_dir(f->dir);
	if (o->seed_dir && out->seed_dir == NULL)
		return cw_error_set(err, CW_ENOMEM, "", "", 0, "out of memory");
	if (out->seed_dir && !is_dir(out->seed_dir))
		return cw_error_set(err, CW_ENOTFOUND, "", out->seed_dir, 0,
				    "seed folder %s not found", out->seed_dir);
	b.seed_dir = out->seed_dir;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >=
	    (int)sizeof(tmp))
		return cw_error_set(err, CW_EINVAL, "", path, 0, "path too "
				    "long");
	fd = mkstemp(tmp);
	if (fd < 0)
		return cw_error_set(err, CW_EIO, "", path, 0, "cannot create "
				    "%s: %s", tmp, strerror(errno));
	close(fd);
	rc = cw_db_open(&db, tmp, CW_DB_DEFAULT_BUSY_MS, err);
	if (rc == 0) {
		cw_db_confine(db);
		rc = migrate_and_fill(out, db, f, o, &b, err);
	}
	if (db && sqlite3_close(db) != SQLITE_OK && rc == 0)
		rc = cw_error_set(err, CW_ESQL, "", tmp, 0, "closing %s: %s",
				  tmp, sqlite3_errmsg(db));
	if (rc == 0)
		rc = write_expected(out, path, err);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = cw_error_set(err, CW_EIO, "", path, 0, "cannot rename %s "
				  "to %s: %s", tmp, path, strerror(errno));
	if (rc != 0)
		remove_tmp(tmp);
	return rc;
}

void cw_datagen_build_result_free(cw_datagen_build_result *r)
{
	if (r->migrated)
		cw_migrate_result_free(&r->migrate);
	cw_datagen_result_free(&r->fill);
	free(r->seed_dir);
	free(r->expected_path);
	memset(r, 0, sizeof(*r));
}
