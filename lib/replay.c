/*
** replay.c - every journal prefix: the schema pass, the data pass and the
** real per-prefix upgrades.  Design in replay.h.
*/
#include "replay.h"
#include "codes.h"
#include "datagen.h"
#include "db.h"
#include "evidence_data.h"
#include "migfacts.h"
#include "migrate.h"
#include "plan.h"
#include "rowdiff.h"
#include "schema.h"
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A prefix whose upgrade to head skips entries: its state, kept. */
typedef struct image {
	size_t k;
	unsigned char *data;
	sqlite3_int64 size;
	int has_rows;         /* filled with the run's rows */
} image;

typedef struct run {
	const cw_folder *f;
	const cw_replay_options *o;
	const char *mtable;
	cw_diags *out;
	cw_replay_result *res;
	cw_error *err;
	char **prev_diff;     /* the differences of the last snapshot */
	size_t n_prev_diff;
	image *images;
	size_t n_images;
	double *hw;           /* newest `when` up to each prefix */
	cw_migfacts facts;    /* what each migration says about tables */
	cw_datagen_names json;
	size_t upgrade_from;  /* the real upgrade running: its prefix */
	const cw_schema *head;
	int rows_failed;      /* the rows pass met a failing migration */
	cw_schema_cache *cache; /* the schema pass's tables, between reads */
	image handoff;        /* a state with rows the next upgrade takes
			      ** over (data NULL: none) */
	unsigned char *upgraded; /* per prefix: its upgrade has run */
	const char **texts;   /* each migration's SQL (NULL: unreadable) */
} run;

/* Does this run report prefix k? */
static int in_scope(const run *x, size_t k)
{
	const cw_replay_options *o = x->o;

	if (k < o->from || (o->to && k > o->to))
		return 0;
	return o->shard_count <= 1 || k % o->shard_count == o->shard_index;
}

static void progress(const run *x, const char *stage, size_t k)
{
	if (x->o->progress)
		x->o->progress(x->o->progress_ctx, stage, k,
			       x->f->n_migrations);
}

static int nomem(run *x)
{
	return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory replaying %s", x->f->dir);
}

/* Entries after k that the migrator skips on a database at prefix k. */
static int skips_after(const run *x, size_t k)
{
	size_t j;

	for (j = k + 1; j < x->f->n_migrations; j++)
		if (x->f->migrations[j].entry &&
		    !(x->hw[k] < x->f->migrations[j].entry->when))
			return 1;
	return 0;
}

static int was_there(const run *x, const char *line)
{
	size_t i;

	for (i = 0; i < x->n_prev_diff; i++)
		if (strcmp(x->prev_diff[i], line) == 0)
			return 1;
	return 0;
}

static void forget_prev(run *x)
{
	size_t i;

	for (i = 0; i < x->n_prev_diff; i++)
		free(x->prev_diff[i]);
	free(x->prev_diff);
	x->prev_diff = NULL;
	x->n_prev_diff = 0;
}

/* Step 2: the live schema against snapshot k; new differences only. */
static int compare_snapshot(run *x, sqlite3 *db, size_t k, const char *path)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema_diff_options dopt = CW_SCHEMA_DIFF_OPTIONS_INIT;
	const cw_migration *m = &x->f->migrations[k];
	cw_schema live, snap;
	cw_schema_diff d;
	char line[2048];
	char **now;
	size_t i;
	int rc;

	so.skip_table = x->mtable;
	so.cache = x->cache;
	if (cw_schema_read_snapshot_file(&snap, path, x->err) != 0) {
		/* N001 (check) says what is wrong with it. */
		cw_error_clear(x->err);
		return 0;
	}
	rc = cw_schema_read_db(&live, db, &so, x->err);
	if (rc == 0)
		rc = cw_schema_compare(&d, &live, &snap, &dopt, x->err);
	cw_schema_free(&snap);
	if (rc != 0) {
		if (rc != CW_ENOMEM)
			cw_error_clear(x->err);
		return rc == CW_ENOMEM ? rc : 0;
	}
	x->res->n_snapshots++;
	if (d.n == 0)
		x->res->n_snapshots_equal++;
	now = calloc(d.n + 1, sizeof(*now));
	for (i = 0; now && i < d.n; i++) {
		cw_diag *g;
		cw_schema_difference_text(line, sizeof(line), &d.items[i]);
		now[i] = strdup(line);
		if (was_there(x, line))
			continue;
		g = cw_diags_add(x->out, CW_N006, path, 0, 0, "after %s the "
				 "database and this snapshot disagree: %s",
				 m->entry->tag, line);
		cw_diag_set_tag(g, m->entry->tag);
	}
	forget_prev(x);
	x->prev_diff = now;
	x->n_prev_diff = now ? d.n : 0;
	cw_schema_diff_free(&d);
	cw_schema_free(&live);
	return now ? 0 : nomem(x);
}

/* Step 1: the rows of entries 0..k are there, and a second run would
** apply none of them. */
static int check_rows(run *x, sqlite3 *db, size_t k)
{
	cw_plan plan;
	size_t j;
	int rc = cw_plan_read(&plan, db, x->f, x->mtable, x->err);

	if (rc != 0) {
		cw_error_clear(x->err);
		return rc == CW_ENOMEM ? rc : 0;
	}
	for (j = 0; j <= k && j < plan.n_entries; j++) {
		const cw_migration *m = &x->f->migrations[j];
		cw_diag *g;
		if (plan.entries[j].status != CW_MIG_PENDING)
			continue;
		g = cw_diags_add(x->out, CW_R009, m->path, 0, 0, "after %s, "
				 "running the migrator again on the same "
				 "database would apply %s again: its row in "
				 "the migrations table is missing or its "
				 "created_at is not the newest",
				 x->f->migrations[k].entry->tag,
				 m->entry->tag);
		cw_diag_set_tag(g, m->entry->tag);
		break;
	}
	cw_plan_free(&plan);
	return 0;
}

/* Keep prefix k's state for a real upgrade after the pass. */
static int keep_image(run *x, sqlite3 *db, size_t k, int has_rows)
{
	sqlite3_int64 size = 0;
	unsigned char *data = sqlite3_serialize(db, "main", &size, 0);
	image *im;

	if (data == NULL)
		return nomem(x);
	im = realloc(x->images, (x->n_images + 1) * sizeof(*im));
	if (im == NULL) {
		sqlite3_free(data);
		return nomem(x);
	}
	x->images = im;
	im[x->n_images].k = k;
	im[x->n_images].data = data;
	im[x->n_images].size = size;
	im[x->n_images].has_rows = has_rows;
	x->n_images++;
	return 0;
}

static int after_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			   int failed, cw_error *err)
{
	run *x = ctx;
	char *snap;
	int rc = 0;

	(void)err;
	if (is_trial || failed)
		return 0;
	x->res->n_prefixes++;
	rc = check_rows(x, db, k);
	snap = rc == 0 ? cw_snapshot_path(x->f, k) : NULL;
	if (snap != NULL) {
		x->res->has_snapshot[k] = 1;
		rc = compare_snapshot(x, db, k, snap);
	}
	free(snap);
	/* With rows, the exhaustive upgrades start from the rows pass. */
	if (rc == 0 && in_scope(x, k) && k + 1 < x->f->n_migrations &&
	    ((x->o->exhaustive && x->o->rows == 0) || skips_after(x, k)))
		rc = keep_image(x, db, k, 0);
	progress(x, "schema", k + 1);
	return rc;
}

/* "0003_a, 0005_b": the entries prefix k's upgrade skips. */
static void skipped_list(const run *x, size_t k, char *buf, size_t n)
{
	size_t j, o = 0;

	buf[0] = '\0';
	for (j = k + 1; j < x->f->n_migrations && o < n; j++)
		if (x->f->migrations[j].entry &&
		    !(x->hw[k] < x->f->migrations[j].entry->when))
			o += (size_t)snprintf(buf + o, n - o, "%s%s",
					      o ? ", " : "",
					      x->f->migrations[j].entry->tag);
}

/* Any migration after prefix x->upgrade_from saying so (one batch). */
static int batch_says(void *ctx, const char *table, const char *column)
{
	const run *x = ctx;
	size_t j;

	for (j = x->upgrade_from + 1; j < x->f->n_migrations; j++)
		if (cw_migfacts_says_so(&x->facts, j, table, column))
			return 1;
	return 0;
}

static const char *tag_of(const run *x, size_t k)
{
	const cw_journal_entry *e = k < x->f->n_migrations ?
				    x->f->migrations[k].entry : NULL;

	return e && e->tag ? e->tag : "?";
}

static int on_batch_loss(void *ctx, const cw_rowdiff_loss *l)
{
	run *x = ctx;
	const cw_migration *m = &x->f->migrations[x->upgrade_from];
	cw_diag *g;

	if (l->column)
		g = cw_diags_add(x->out, CW_R013, m->path, 0, 0, "upgrading "
				 "a database at %s with rows to head changes "
				 "%s.%s in %lld of %lld rows", tag_of(x,
				 x->upgrade_from), l->table, l->column,
				 l->lost, l->rows);
	else
		g = cw_diags_add(x->out, CW_R012, m->path, 0, 0, "upgrading "
				 "a database at %s with rows to head loses "
				 "%lld of %lld rows of %s", tag_of(x,
				 x->upgrade_from), l->lost, l->rows,
				 l->table);
	cw_diag_set_tag(g, tag_of(x, x->upgrade_from));
	return 0;
}

/* R014: integrity_check (quick_check when quick) and foreign_key_check on
** db, clean or not.  quick_check skips only the comparison of each index
** with its table, which no SQL can make disagree short of corruption; it
** still checks NOT NULL and CHECK on every row. */
static void check_consistency(run *x, sqlite3 *db, size_t k,
			      const char *what, int quick)
{
	const cw_migration *m = &x->f->migrations[k];
	const char *check = quick ? "quick_check" : "integrity_check";
	sqlite3_stmt *st = NULL;
	cw_diag *g = NULL;
	char first[300] = "", sql[32];
	long long n = 0;

	snprintf(sql, sizeof(sql), "PRAGMA %s", check);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (t && strcmp((const char *)t, "ok") != 0)
			g = cw_diags_add(x->out, CW_R014, m->path, 0, 0,
					 "%s: %s says \"%s\"", what, check,
					 (const char *)t);
	}
	sqlite3_finalize(st);
	if (g)
		cw_diag_set_tag(g, tag_of(x, k));
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT count(*), min(\"table\" || ' -> ' "
			       "|| \"parent\") FROM pragma_foreign_key_check",
			       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 1);
		n = sqlite3_column_int64(st, 0);
		snprintf(first, sizeof(first), "%s", t ? (const char *)t : "");
	}
	sqlite3_finalize(st);
	if (n > 0) {
		g = cw_diags_add(x->out, CW_R014, m->path, 0, 0, "%s: "
				 "foreign_key_check finds %lld rows pointing "
				 "at nothing (first: %s)", what, n, first);
		cw_diag_set_tag(g, tag_of(x, k));
	}
}

/* Fill db's tables with rows (rows per table, the run's seed). */
static int fill(run *x, sqlite3 *db, size_t rows, cw_schema *s)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_datagen_options go = CW_DATAGEN_OPTIONS_INIT;
	cw_datagen_result gr;
	int rc;

	so.skip_table = x->mtable;
	so.cache = x->cache;
	rc = cw_schema_read_db(s, db, &so, x->err);
	if (rc != 0)
		return rc;
	go.rows = rows;
	go.seed = x->o->seed ? x->o->seed : 1;
	go.json_columns = &x->json;
	rc = cw_datagen_fill(&gr, db, s, &go, x->err);
	if (rc == 0)
		cw_datagen_result_free(&gr);
	else if (rc == CW_ESQL) {
		cw_error_clear(x->err);
		rc = 0;
	}
	return rc;
}

/* The head schema against an upgraded one: R010. */
static int compare_head(run *x, sqlite3 *db, size_t k)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema_diff_options dopt = CW_SCHEMA_DIFF_OPTIONS_INIT;
	const cw_migration *m = &x->f->migrations[k];
	cw_schema_diff d;
	cw_schema up;
	char line[1024], skipped[512];
	int rc;

	so.skip_table = x->mtable;
	so.cache = x->cache;
	rc = cw_schema_read_db(&up, db, &so, x->err);
	if (rc != 0)
		return rc;
	rc = cw_schema_compare(&d, &up, x->head, &dopt, x->err);
	if (rc == 0 && d.n > 0) {
		cw_diag *g;
		cw_schema_difference_text(line, sizeof(line), &d.items[0]);
		skipped_list(x, k, skipped, sizeof(skipped));
		if (skipped[0])
			g = cw_diags_add(x->out, CW_R010, m->path, 0, 0,
				"a database at %s, upgraded to head, ends at "
				"a different schema than a fresh one (%s%s): "
				"drizzle skips %s there (when not above "
				"%.17g)", m->entry->tag, line, d.n > 1 ?
				", and more" : "", skipped, x->hw[k]);
		else
			g = cw_diags_add(x->out, CW_R010, m->path, 0, 0,
				"a database at %s, upgraded to head, ends at "
				"a different schema than a fresh one (%s%s)",
				m->entry->tag, line, d.n > 1 ? ", and more" :
				"");
		cw_diag_set_tag(g, m->entry->tag);
	}
	if (rc == 0)
		cw_schema_diff_free(&d);
	cw_schema_free(&up);
	return rc;
}

/* Stop the engine after entry k: a prefix built from scratch. */
static int stop_after(void *ctx, sqlite3 *db, size_t k, int is_trial,
		      cw_error *err)
{
	const run *x = ctx;

	(void)db;
	(void)is_trial;
	(void)err;
	return k > x->upgrade_from ? CW_HOOK_STOP : CW_HOOK_CONTINUE;
}

/* Prefix k's state into db: its kept image (one with rows first), or
** built by the engine.  Returns 1 when the state holds the run's rows,
** 0 when it has none yet, or an error. */
static int load_prefix(run *x, sqlite3 *db, size_t k)
{
	cw_migrate_hooks hooks = {NULL, stop_after, NULL, NULL, NULL, NULL};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_migrate_result r;
	const image *im = NULL;
	unsigned char *copy;
	size_t i;
	int rc;

	if (x->handoff.data != NULL && x->handoff.k == k)
		im = &x->handoff;
	for (i = 0; im == NULL && i < x->n_images; i++)
		if (x->images[i].k == k && (im == NULL ||
					    x->images[i].has_rows))
			im = &x->images[i];
	if (im != NULL) {
		copy = sqlite3_malloc64((sqlite3_uint64)im->size);
		if (copy == NULL)
			return nomem(x);
		memcpy(copy, im->data, (size_t)im->size);
		if (cw_db_deserialize(db, copy, im->size) != SQLITE_OK)
			return CW_ESQL;
		return im->has_rows;
	}
	hooks.ctx = x;
	mo.table = x->o->table;
	mo.profile = x->o->profile;
	mo.keep_going = 1;
	mo.hooks = &hooks;
	x->upgrade_from = k;
	rc = cw_migrate_db(&r, db, x->f, &mo, x->err);
	cw_migrate_result_free(&r);
	return rc;
}

/* The schema model of db (the run's cache helps: the states of one
** history share most tables). */
static int read_schema(run *x, sqlite3 *db, cw_schema *out)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;

	so.skip_table = x->mtable;
	so.cache = x->cache;
	return cw_schema_read_db(out, db, &so, x->err);
}

/* Prefix k's state with rows into a new connection *db, its schema
** model into before. */
static int state_with_rows(run *x, size_t k, size_t rows, sqlite3 **db,
			   cw_schema *before)
{
	int rc = cw_db_open_memory(db, x->err);

	memset(before, 0, sizeof(*before));
	if (rc == 0)
		rc = load_prefix(x, *db, k);
	if (rc == 1) {
		cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
		so.skip_table = x->mtable;
		so.cache = x->cache;
		rc = cw_schema_read_db(before, *db, &so, x->err);
	} else if (rc == 0 && rows > 0) {
		rc = fill(x, *db, rows, before);
	}
	return rc;
}

/* The upgrade again, rows copied aside, to say exactly what it lost
** (the digests said something changed).  The state is rebuilt the same
** way: the kept image, or the generator, which writes the same rows for
** the same seed and schema. */
static int measure_losses(run *x, size_t k, size_t rows)
{
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_rowdiff rd = CW_ROWDIFF_INIT;
	cw_migrate_result r;
	cw_schema before, after;
	sqlite3 *db = NULL;
	int rc = state_with_rows(x, k, rows, &db, &before);

	if (rc == 0)
		rc = cw_rowdiff_save(&rd, db, &before, NULL, x->err);
	if (rc == 0) {
		mo.table = x->o->table;
		mo.profile = x->o->profile;
		x->upgrade_from = k;
		rc = cw_migrate_db(&r, db, x->f, &mo, x->err);
		if (rc == 0 && (rc = read_schema(x, db, &after)) == 0) {
			rc = cw_rowdiff_compare(&rd, db, &after, batch_says, x,
						on_batch_loss, x, NULL, 0,
						x->err);
			cw_schema_free(&after);
		}
		cw_migrate_result_free(&r);
	}
	cw_rowdiff_drop(&rd, NULL);
	cw_schema_free(&before);
	sqlite3_close(db);
	return rc;
}

/* The literal upgrade from prefix k to head, with `rows` rows in every
** table (0: schema only): as drizzle runs it, one batch, keys ON (or as
** the profile says); then rows and values (digests first, the detailed
** comparison only when they differ), consistency and the schema. */
static int upgrade_real(run *x, size_t k, size_t rows, const char *why)
{
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	const cw_migration *m = &x->f->migrations[k];
	cw_rowdigests dg = CW_ROWDIGESTS_INIT;
	cw_migrate_result r;
	cw_schema before, after;
	sqlite3 *db = NULL;
	char what[300];
	int same = 1;
	int rc = state_with_rows(x, k, rows, &db, &before);

	if (rc == 0 && rows > 0) {
		/* Only what the rest of the history can reach can change. */
		unsigned char *hot = cw_rowdiff_reach(&before, x->texts + k + 1,
						      x->f->n_migrations - k -
						      1);
		rc = hot ? cw_rowdiff_digest(&dg, db, &before, hot, x->err) :
			   nomem(x);
		free(hot);
	}
	if (rc != 0)
		goto done;
	mo.table = x->o->table;
	mo.profile = x->o->profile;
	x->upgrade_from = k;
	rc = cw_migrate_db(&r, db, x->f, &mo, x->err);
	x->res->n_upgrades_run++;
	if (rc == CW_ESQL && x->f->n_migrations > 0) {
		/* A failure of the migrator's own statement (the batch's
		** COMMIT over deferred keys) is the batch's last migration's. */
		int own = r.failure.entry >= x->f->n_migrations;
		size_t at = own ? x->f->n_migrations - 1 : r.failure.entry;
		const cw_migration *fm = &x->f->migrations[at];
		cw_diag *g = cw_diags_add(x->out, CW_R011, fm->path,
			own ? 0 : r.failure.line, 0, "upgrading a database at "
			"%s%s to head fails %s %s: \"%s\"%s", m->entry->tag,
			rows ? " holding rows" : "", own ? "at the batch's "
			"COMMIT after" : "at", tag_of(x, at),
			r.failure.message, why ? why : "");
		cw_diag_set_tag(g, m->entry->tag);
		cw_error_clear(x->err);
		rc = 0;
	} else if (rc == 0) {
		snprintf(what, sizeof(what), "upgrading a database at %s%s "
			 "to head", m->entry->tag, rows ? " holding rows" : "");
		if (rows > 0 && (rc = read_schema(x, db, &after)) == 0) {
			rc = cw_rowdiff_digest_same(&dg, db, &after,
						    batch_says, x, &same,
						    x->err);
			cw_schema_free(&after);
		}
		/* One upgrade per prefix: quick_check each, integrity_check
		** once at the data pass's head. */
		if (rc == 0 && rows > 0)
			check_consistency(x, db, k, what, 1);
		if (rc == 0)
			rc = compare_head(x, db, k);
		if (rc == 0 && !same)
			rc = measure_losses(x, k, rows);
	}
	cw_migrate_result_free(&r);
done:
	cw_rowdigests_free(&dg);
	cw_schema_free(&before);
	sqlite3_close(db);
	if (rc != 0 && rc != CW_ENOMEM) {
		cw_error_clear(x->err);
		rc = 0;
	}
	return rc;
}

/* The rows pass (exhaustive with rows): one more pass of the engine in
** which, before migration k, every table is topped up to the run's rows
** and the state is kept as prefix k-1's: the per-prefix upgrades start
** from states with rows of every age, and the generator's work is paid
** once, not once per prefix.  After a migration that fails here the pass
** stops; later prefixes are filled one by one. */
static int rows_before(void *ctx, sqlite3 *db, size_t k, int is_trial,
		       cw_error *err)
{
	run *x = ctx;
	cw_schema s;
	int rc;

	(void)err;
	if (is_trial || k == 0)
		return CW_HOOK_CONTINUE;
	if (x->rows_failed)
		return CW_HOOK_STOP;
	if (!in_scope(x, k - 1))
		return CW_HOOK_CONTINUE;
	memset(&s, 0, sizeof(s));
	rc = fill(x, db, x->o->rows, &s);
	cw_schema_free(&s);
	if (rc != 0)
		return rc;
	/* Upgrade this state now, then forget it: one state with rows in
	** memory at a time, however long the history. */
	x->handoff.k = k - 1;
	x->handoff.has_rows = 1;
	x->handoff.data = sqlite3_serialize(db, "main", &x->handoff.size, 0);
	if (x->handoff.data == NULL)
		return nomem(x);
	rc = upgrade_real(x, k - 1, x->o->rows, NULL);
	sqlite3_free(x->handoff.data);
	x->handoff.data = NULL;
	x->upgraded[k - 1] = 1;
	progress(x, "upgrade", k);
	return rc;
}

static int rows_after(void *ctx, sqlite3 *db, size_t k, int is_trial,
		      int failed, cw_error *err)
{
	run *x = ctx;

	(void)db;
	(void)k;
	(void)is_trial;
	(void)err;
	if (failed)
		x->rows_failed = 1;
	return 0;
}

static int rows_pass(run *x)
{
	cw_migrate_hooks hooks = {NULL, rows_before, NULL, NULL, rows_after,
				  NULL};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_migrate_result r;
	sqlite3 *db = NULL;
	int rc = cw_db_open_memory(&db, x->err);

	if (rc != 0)
		return rc;
	hooks.ctx = x;
	mo.table = x->o->table;
	mo.profile = x->o->profile;
	mo.keep_going = 1;
	mo.hooks = &hooks;
	rc = cw_migrate_db(&r, db, x->f, &mo, x->err);
	if (rc == CW_ESQL) {
		cw_error_clear(x->err);
		rc = 0;
	}
	cw_migrate_result_free(&r);
	sqlite3_close(db);
	return rc;
}

static int upgrades(run *x, sqlite3 *db)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema head;
	size_t k, done = 0;
	int rc;

	if (x->n_images == 0 && !x->o->exhaustive)
		return 0;
	so.skip_table = x->mtable;
	so.cache = x->cache;
	rc = cw_schema_read_db(&head, db, &so, x->err);
	if (rc != 0)
		return rc;
	x->head = &head;
	x->upgraded = calloc(x->f->n_migrations + 1, 1);
	if (x->upgraded == NULL)
		rc = nomem(x);
	if (rc == 0 && x->o->exhaustive && x->o->rows > 0)
		rc = rows_pass(x);
	for (k = 0; rc == 0 && k + 1 < x->f->n_migrations; k++) {
		if (!in_scope(x, k) || x->upgraded[k] ||
		    !(x->o->exhaustive || skips_after(x, k)))
			continue;
		rc = upgrade_real(x, k, x->o->exhaustive ? x->o->rows : 0,
				  NULL);
		progress(x, "upgrade", ++done);
	}
	x->head = NULL;
	free(x->upgraded);
	x->upgraded = NULL;
	cw_schema_free(&head);
	return rc;
}

/* ---- the data pass ---- */

static int data_says(void *ctx, size_t k, const char *table,
		     const char *column)
{
	const run *x = ctx;

	return cw_migfacts_says_so(&x->facts, k, table, column);
}

static void data_progress(void *ctx, size_t k, size_t n)
{
	run *x = ctx;

	(void)n;
	progress(x, "data", k);
}

static int at_head(void *ctx, sqlite3 *db, cw_error *err)
{
	run *x = ctx;

	(void)err;
	if (x->f->n_migrations > 0)
		check_consistency(x, db, x->f->n_migrations - 1, "the data "
				  "pass at head", 0);
	return 0;
}

static void report_verdict(run *x, const cw_data_verdict *v, size_t *real)
{
	const cw_migration *m = &x->f->migrations[v->entry];
	const char *dropped = NULL;
	char whose[400] = "";
	int line = 0, col = 0;
	cw_diag *g = NULL;

	if (m->entry == NULL)
		return;
	if (v->table)
		cw_migfacts_where(&x->facts, v->entry, v->table, &line, &col,
				  &dropped);
	if (v->vintages)
		snprintf(whose, sizeof(whose), "; rows written at %s",
			 v->vintages);
	switch (v->kind) {
	case CW_DV_FAILS:
		g = cw_diags_add(x->out, CW_R011, m->path, v->line, 0,
			"upgrading to head fails at %s on rows earlier "
			"prefixes wrote: piece %zu fails with \"%s\" (on an "
			"empty database it passes)", m->entry->tag, v->piece,
			v->message ? v->message : "");
		break;
	case CW_DV_ROWS_LOST:
		if (dropped)
			g = cw_diags_add(x->out, CW_R012, m->path, line, col,
				"%s deletes %lld of %lld rows of %s via ON "
				"DELETE CASCADE when it drops %s%s",
				m->entry->tag, v->lost, v->rows, v->table,
				dropped, whose);
		else
			g = cw_diags_add(x->out, CW_R012, m->path, line, col,
				"%s loses %lld of %lld rows of %s, though it "
				"deletes none itself%s", m->entry->tag,
				v->lost, v->rows, v->table, whose);
		break;
	case CW_DV_VALUES_LOST:
		g = cw_diags_add(x->out, CW_R013, m->path, line, col,
			"%s changes %s.%s in %lld of %lld rows, though it "
			"updates none itself%s", m->entry->tag, v->table,
			v->column, v->lost, v->rows, whose);
		break;
	case CW_DV_DANGLING:
		if (v->entry == 0 || *real == v->entry)
			return;
		*real = v->entry;
		g = cw_diags_add(x->out, CW_R015, m->path, 0, 0,
			"%s leaves %lld rows of %s pointing at nothing in %s; "
			"whether a later migration of the batch repairs them "
			"before its COMMIT only a real upgrade shows, so the "
			"upgrade from %s was run for real", m->entry->tag,
			v->lost, v->table, v->message ? v->message : "?",
			tag_of(x, v->entry - 1));
		break;
	}
	if (g)
		cw_diag_set_tag(g, m->entry->tag);
}

static int data_pass(run *x, sqlite3 *head_db)
{
	cw_data_options d = CW_DATA_OPTIONS_INIT;
	cw_data_evidence ev;
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema head;
	size_t i, real = (size_t)-1;
	int rc;

	d.table = x->o->table;
	d.profile = x->o->profile;
	d.says_so = data_says;
	d.says_ctx = x;
	d.rows = x->o->rows;
	d.seed = x->o->seed;
	d.vintages = 1;
	d.progress = data_progress;
	d.at_head = at_head;
	d.cb_ctx = x;
	rc = cw_evidence_data_run(&ev, x->f, &d, x->err);
	if (rc != 0)
		return rc;
	x->res->n_data_migrations = x->f->n_migrations;
	if (ev.unfilled)
		x->res->unfilled = strdup(ev.unfilled);
	so.skip_table = x->mtable;
	so.cache = x->cache;
	rc = cw_schema_read_db(&head, head_db, &so, x->err);
	x->head = rc == 0 ? &head : NULL;
	for (i = 0; rc == 0 && i < ev.n; i++) {
		size_t was = real;
		report_verdict(x, &ev.items[i], &real);
		if (real != was)
			rc = upgrade_real(x, real - 1, x->o->rows, " (run for "
					  "real: rows left pointing at nothing "
					  "fail the batch's COMMIT)");
	}
	if (x->head)
		cw_schema_free(&head);
	x->head = NULL;
	cw_data_evidence_free(&ev);
	return rc;
}

/* Scope: which findings this run (shard, --from/--to) reports. */
static int keep_finding(void *ctx, const cw_diag *g)
{
	const run *x = ctx;
	size_t k;

	for (k = 0; g->tag && k < x->f->n_migrations; k++)
		if (x->f->migrations[k].entry &&
		    x->f->migrations[k].entry->tag &&
		    strcmp(x->f->migrations[k].entry->tag, g->tag) == 0)
			return in_scope(x, k);
	return in_scope(x, 0) && x->o->from == 0;
}

int cw_replay_run(cw_replay_result *res, cw_diags *out, const cw_folder *f,
		  const cw_replay_options *o, cw_error *err)
{
	cw_replay_options defaults = CW_REPLAY_OPTIONS_INIT;
	cw_migrate_hooks hooks = {NULL, NULL, NULL, NULL, after_migration,
				  NULL};
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_migrate_result r;
	sqlite3 *db = NULL;
	char *path = NULL;
	size_t k, i, first = out->n;
	double top = 0;
	run x;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.o = o ? o : &defaults;
	x.mtable = cw_migrate_table_name(x.o->table, x.o->profile);
	x.out = out;
	x.res = res;
	x.err = err;
	x.hw = calloc(f->n_migrations + 1, sizeof(*x.hw));
	x.cache = cw_schema_cache_new();
	x.texts = calloc(f->n_migrations + 1, sizeof(*x.texts));
	for (k = 0; x.texts && k < f->n_migrations; k++)
		x.texts[k] = f->migrations[k].text.data;
	res->has_snapshot = calloc(f->n_migrations + 1, 1);
	res->in_scope = calloc(f->n_migrations + 1, 1);
	res->n = f->n_migrations;
	if (x.hw == NULL || res->has_snapshot == NULL ||
	    res->in_scope == NULL || x.cache == NULL || x.texts == NULL) {
		free(x.hw);
		free(x.texts);
		cw_schema_cache_free(x.cache);
		return nomem(&x);
	}
	for (k = 0; k < f->n_migrations; k++) {
		const cw_journal_entry *e = f->migrations[k].entry;
		if (e && (k == 0 || e->when > top))
			top = e->when;
		x.hw[k] = top;
		res->in_scope[k] = (unsigned char)in_scope(&x, k);
	}
	hooks.ctx = &x;
	mo.table = x.o->table;
	mo.profile = x.o->profile;
	mo.keep_going = 1;
	mo.hooks = &hooks;
	/* What migrations say and which columns hold JSON matter to rows. */
	rc = x.o->rows > 0 ? cw_migfacts_read(&x.facts, f, x.mtable, err) : 0;
	if (rc == 0 && x.o->rows > 0)
		rc = cw_datagen_json_columns(&x.json, f, err);
	if (rc == 0)
		rc = cw_db_open_scratch(&db, &path, NULL, err);
	if (rc == 0) {
		rc = cw_migrate_db(&r, db, f, &mo, err);
		if (rc == CW_ESQL || (rc == 0 && r.failure.has_failure)) {
			/* A migration that fails on a fresh database: the
			** prefixes from it on cannot be built (R002). */
			rc = cw_migrate_diags(out, &r, f, CW_ESQL, err, NULL);
			cw_error_clear(err);
			if (rc != CW_ENOMEM)
				rc = 0;
		}
		if (rc == 0)
			rc = upgrades(&x, db);
		if (rc == 0 && x.o->rows > 0 && !x.o->exhaustive)
			rc = data_pass(&x, db);
		cw_migrate_result_free(&r);
		cw_db_close_scratch(db, path);
	}
	cw_diags_filter(out, first, keep_finding, &x);
	for (i = 0; i < x.n_images; i++)
		sqlite3_free(x.images[i].data);
	free(x.images);
	forget_prev(&x);
	cw_migfacts_free(&x.facts);
	cw_datagen_names_free(&x.json);
	cw_schema_cache_free(x.cache);
	free(x.texts);
	free(x.hw);
	return rc;
}

void cw_replay_result_free(cw_replay_result *res)
{
	free(res->has_snapshot);
	free(res->in_scope);
	free(res->unfilled);
	memset(res, 0, sizeof(*res));
}
