/*
** replay.c - every journal prefix in one pass of the engine, schema only.
** Design in replay.h.
*/
#include "replay.h"
#include "codes.h"
#include "db.h"
#include "migrate.h"
#include "plan.h"
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A prefix whose upgrade to head skips entries: its state, kept. */
typedef struct image {
	size_t k;
	unsigned char *data;
	sqlite3_int64 size;
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
} run;

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

/* meta/NNNN_snapshot.json of entry k (NNNN its tag's number), if any. */
static char *snapshot_path(const cw_folder *f, size_t k)
{
	const char *tag = f->migrations[k].entry ?
			  f->migrations[k].entry->tag : NULL;
	size_t n = 0, len;
	struct stat st;
	char *p;

	if (tag == NULL)
		return NULL;
	while (tag[n] >= '0' && tag[n] <= '9')
		n++;
	if (n == 0)
		return NULL;
	len = strlen(f->dir) + n + 32;
	p = malloc(len);
	if (p == NULL)
		return NULL;
	snprintf(p, len, "%s/meta/%.*s_snapshot.json", f->dir, (int)n, tag);
	if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(p);
		return NULL;
	}
	return p;
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
static int keep_image(run *x, sqlite3 *db, size_t k)
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
	snap = rc == 0 ? snapshot_path(x->f, k) : NULL;
	if (snap != NULL)
		rc = compare_snapshot(x, db, k, snap);
	free(snap);
	if (rc == 0 && skips_after(x, k))
		rc = keep_image(x, db, k);
	if (x->o->progress)
		x->o->progress(x->o->progress_ctx, k + 1, x->f->n_migrations);
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

/* Step 4 for one kept prefix: upgrade its copy for real, compare. */
static int upgrade_one(run *x, const image *im, const cw_schema *head)
{
	cw_migrate_options mo = CW_MIGRATE_OPTIONS_INIT;
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema_diff_options dopt = CW_SCHEMA_DIFF_OPTIONS_INIT;
	const cw_migration *m = &x->f->migrations[im->k];
	cw_migrate_result r;
	cw_schema_diff d;
	cw_schema up;
	sqlite3 *db = NULL;
	unsigned char *copy;
	char line[1024], skipped[512];
	int rc = cw_db_open_memory(&db, x->err);

	if (rc != 0)
		return rc;
	copy = sqlite3_malloc64((sqlite3_uint64)im->size);
	if (copy == NULL) {
		sqlite3_close(db);
		return nomem(x);
	}
	memcpy(copy, im->data, (size_t)im->size);
	if (sqlite3_deserialize(db, "main", copy, im->size, im->size,
				SQLITE_DESERIALIZE_FREEONCLOSE |
				SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK) {
		sqlite3_close(db);
		return 0;
	}
	mo.table = x->o->table;
	mo.profile = x->o->profile;
	mo.keep_going = 1;
	rc = cw_migrate_db(&r, db, x->f, &mo, x->err);
	cw_migrate_result_free(&r);
	cw_error_clear(x->err);
	so.skip_table = x->mtable;
	rc = cw_schema_read_db(&up, db, &so, x->err);
	if (rc == 0) {
		rc = cw_schema_compare(&d, &up, head, &dopt, x->err);
		if (rc == 0 && d.n > 0) {
			cw_diag *g;
			cw_schema_difference_text(line, sizeof(line),
						  &d.items[0]);
			skipped_list(x, im->k, skipped, sizeof(skipped));
			g = cw_diags_add(x->out, CW_R010, m->path, 0, 0,
				"a database at %s, upgraded to head, ends at "
				"a different schema than a fresh one (%s%s): "
				"drizzle skips %s there (when not above "
				"%.17g)", m->entry->tag, line, d.n > 1 ?
				", and more" : "", skipped, x->hw[im->k]);
			cw_diag_set_tag(g, m->entry->tag);
		}
		if (rc == 0)
			cw_schema_diff_free(&d);
		cw_schema_free(&up);
	}
	x->res->n_upgrades_run++;
	sqlite3_close(db);
	if (rc != 0 && rc != CW_ENOMEM) {
		cw_error_clear(x->err);
		rc = 0;
	}
	return rc;
}

static int upgrades(run *x, sqlite3 *db)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_schema head;
	size_t i;
	int rc;

	if (x->n_images == 0)
		return 0;
	so.skip_table = x->mtable;
	rc = cw_schema_read_db(&head, db, &so, x->err);
	if (rc != 0)
		return rc;
	for (i = 0; rc == 0 && i < x->n_images; i++)
		rc = upgrade_one(x, &x->images[i], &head);
	cw_schema_free(&head);
	return rc;
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
	size_t k, i;
	double top = 0;
	run x;
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&x, 0, sizeof(x));
	x.f = f;
	x.o = o ? o : &defaults;
	x.mtable = x.o->table ? x.o->table : x.o->profile &&
		   x.o->profile->table ? x.o->profile->table :
		   CW_MIGRATIONS_TABLE;
	x.out = out;
	x.res = res;
	x.err = err;
	x.hw = calloc(f->n_migrations + 1, sizeof(*x.hw));
	if (x.hw == NULL)
		return nomem(&x);
	for (k = 0; k < f->n_migrations; k++) {
		const cw_journal_entry *e = f->migrations[k].entry;
		if (e && (k == 0 || e->when > top))
			top = e->when;
		x.hw[k] = top;
	}
	hooks.ctx = &x;
	mo.table = x.o->table;
	mo.profile = x.o->profile;
	mo.keep_going = 1;
	mo.hooks = &hooks;
	rc = cw_db_open_scratch(&db, &path, NULL, err);
	if (rc == 0) {
		rc = cw_migrate_db(&r, db, f, &mo, err);
		if (rc == CW_ESQL) {
			cw_error_clear(err);
			rc = 0;
		}
		if (rc == 0)
			rc = upgrades(&x, db);
		cw_migrate_result_free(&r);
		cw_db_close_scratch(db, path);
	}
	for (i = 0; i < x.n_images; i++)
		sqlite3_free(x.images[i].data);
	free(x.images);
	forget_prev(&x);
	free(x.hw);
	return rc;
}
