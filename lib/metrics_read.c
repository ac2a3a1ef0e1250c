/*
** metrics_read.c - the keyset read of agent_log_chunks and the per-agent
** tally (metrics_read.h).
**
** Keyset: `(created_at, id) > (?, ?)` in SQLite's row-value form, which
** seeks the created_at index; the OR form (`created_at > ? OR (created_at
** = ? AND id > ?)`) is not used by the planner as a range and makes the
** whole read quadratic.  The last row's values are bound back as SQLite
** values (sqlite3_value_dup), so the order holds whatever type a value
** has.  The upper bound, the newest row when the read starts, is kept the
** same way.
**
** What SQLite does with it (EXPLAIN QUERY PLAN, on the schema drizzle's
** migration 0003 creates, which indexes created_at alone): SEARCH USING
** INDEX agent_log_chunks_created_at_idx (created_at>? AND created_at<?),
** then USE TEMP B-TREE FOR LAST TERM OF ORDER BY (SQLite 3.53).  The
** seek keeps the read linear; the temp B-tree only orders rows of equal
** created_at by id, but every row, content included, passes through it.
** That sorter is most of what the keyset read costs beyond a plain
** ordered scan (about 0.9 s against 0.4 s for 1,000,000 chunks of 1 KB,
** measured with the bench database).  An index on (created_at, id) would
** remove it, but the backfill never changes the user's schema; a single
** statement stepped through in batches pays the same sort and would hold
** one read transaction for the whole run.  So the contract's keyset
** queries stay, and their cost is hidden instead: they run on a thread of
** their own (metrics_queue.h) while the calling thread counts.
*/
#include "metrics_read.h"

#include <pthread.h>
#include <stdatomic.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "metrics_queue.h"

/* ---- the tally ---- */

static uint64_t hash_id(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void index_put(cw_metrics_tally *t, size_t a)
{
	const char *id = t->agents[a].agent_id;
	size_t i = (size_t)hash_id(id, strlen(id)) & (t->n_slots - 1);

	while (t->slots[i])
		i = (i + 1) & (t->n_slots - 1);
	t->slots[i] = a + 1;
}

static void index_all(cw_metrics_tally *t)
{
	size_t a;

	memset(t->slots, 0, t->n_slots * sizeof(*t->slots));
	for (a = 0; a < t->n_agents; a++)
		index_put(t, a);
}

static int reindex(cw_metrics_tally *t, size_t n_slots)
{
	size_t *s = calloc(n_slots, sizeof(*s));

	if (s == NULL)
		return CW_ENOMEM;
	free(t->slots);
	t->slots = s;
	t->n_slots = n_slots;
	index_all(t);
	return 0;
}

static cw_metrics_agent *find(const cw_metrics_tally *t, const char *id,
			      size_t n)
{
	size_t i;

	if (t->n_slots == 0)
		return NULL;
	i = (size_t)hash_id(id, n) & (t->n_slots - 1);
	for (; t->slots[i]; i = (i + 1) & (t->n_slots - 1)) {
		cw_metrics_agent *a = &t->agents[t->slots[i] - 1];
		if (strncmp(a->agent_id, id, n) == 0 && a->agent_id[n] == '\0')
			return a;
	}
	return NULL;
}

cw_metrics_agent *cw_metrics_tally_find(const cw_metrics_tally *t,
					const char *agent_id)
{
	return find(t, agent_id, strlen(agent_id));
}

/* The entry of id[0..n), made if new; NULL if out of memory. */
static cw_metrics_agent *agent_of(cw_metrics_tally *t, const char *id,
				  size_t n)
{
	cw_metrics_agent *a = find(t, id, n);

	if (a)
		return a;
	if (t->n_agents == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		cw_metrics_agent *g = realloc(t->agents, cap * sizeof(*g));
		if (g == NULL)
			return NULL;
		t->agents = g;
		t->cap = cap;
	}
	if ((t->n_agents + 1) * 2 > t->n_slots &&
	    reindex(t, t->n_slots ? t->n_slots * 2 : 512) != 0)
		return NULL;
	a = &t->agents[t->n_agents];
	memset(a, 0, sizeof(*a));
	a->agent_id = malloc(n + 1);
	if (a->agent_id == NULL)
		return NULL;
	memcpy(a->agent_id, id, n);
	a->agent_id[n] = '\0';
	index_put(t, t->n_agents++);
	return a;
}

static int by_id(const void *x, const void *y)
{
	const cw_metrics_agent *a = x, *b = y;

	return strcmp(a->agent_id, b->agent_id);
}

void cw_metrics_tally_sort(cw_metrics_tally *t)
{
	if (t->n_agents == 0)
		return;
	qsort(t->agents, t->n_agents, sizeof(*t->agents), by_id);
	index_all(t);
}

void cw_metrics_tally_free(cw_metrics_tally *t)
{
	size_t i;

	for (i = 0; i < t->n_agents; i++)
		free(t->agents[i].agent_id);
	free(t->agents);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* ---- the read ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of the calling thread: what it did, not what it waited for
** (the machine may be busy with more than this run). */
static uint64_t thread_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int sql_error(sqlite3 *db, int rc, const char *what, cw_error *err)
{
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return cw_error_set(err, CW_EBUSY, NULL, NULL, 0,
				    "%s: database locked past the busy "
				    "timeout (SQLite: %s)", what,
				    sqlite3_errmsg(db));
	if ((rc & 0xff) == SQLITE_NOMEM)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "%s: out of memory", what);
	return cw_error_set(err, CW_ESQL, NULL, NULL, 0, "%s: %s", what,
			    sqlite3_errmsg(db));
}

/* The reading thread's state.  Until it is joined, only it touches db,
** the statements, the keyset values and the fields below them. */
typedef struct reader {
	sqlite3 *db;
	sqlite3_stmt *first, *next;   /* without and with a lower bound */
	sqlite3_value *hi_at, *hi_id; /* the newest row at the start */
	sqlite3_value *lo_at, *lo_id; /* the last row read */
	const cw_metrics_read_options *o;
	cw_metrics_tally *t;          /* before the thread: total only */
	cw_metrics_queue q;
	cw_metrics_batch *cur;        /* being filled; NULL once stopped */
	int rc;                       /* the thread's result */
	cw_error err;                 /* its failure */
	uint64_t read_ns, batches;    /* for the tally, after the join */
	int64_t last_at;              /* created_at of the last row read */
	cw_metrics_tally help;        /* what the reader counted itself */
	uint64_t help_ns;             /* and the time it took */
	_Atomic uint64_t helped;      /* its chunks, for progress */
} reader;

/* The reader stopped because the counter did (not an error of its own),
** or failed counting a batch itself (r->err says why).  No SQLite result
** code is negative. */
#define STOPPED (-100)
#define HELP_FAILED (-101)

static int count_batch(cw_metrics_tally *t, const cw_metrics_read_options *o,
		       const cw_metrics_batch *b, cw_error *err);

#define COLS "SELECT agent_id, content, created_at, id FROM agent_log_chunks "

/* The newest row (the read's upper bound) and how many rows it covers. */
static int bounds(reader *r, cw_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(r->db, COLS "WHERE (?5 IS NULL OR "
				    "created_at < ?5) ORDER BY created_at "
				    "DESC, id DESC LIMIT 1", -1, &st, NULL);

	if (rc == SQLITE_OK && r->o->has_until)
		rc = sqlite3_bind_int64(st, 5, r->o->until_ms);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->hi_at = sqlite3_value_dup(sqlite3_column_value(st, 2));
		r->hi_id = sqlite3_value_dup(sqlite3_column_value(st, 3));
		rc = r->hi_at && r->hi_id ? SQLITE_DONE : SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_error(r->db, rc, "reading agent_log_chunks", err);
	if (r->hi_at == NULL)
		return 0;
	st = NULL;
	/* (created_at, id) <= (?1, ?2) split in its two ranges: the first
	** is counted from the created_at index alone, where the row-value
	** form visits every row of the table for its id (a second of a
	** 1,000,000-chunk run).  SQL's row-value comparison is exactly this
	** OR, NULLs included; the keyset reads below keep the row-value
	** form. */
	rc = sqlite3_prepare_v2(r->db, "SELECT (SELECT count(*) FROM "
				"agent_log_chunks WHERE created_at < ?1) + "
				"(SELECT count(*) FROM agent_log_chunks WHERE "
				"created_at = ?1 AND id <= ?2)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_value(st, 1, r->hi_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_value(st, 2, r->hi_id);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->t->total = (uint64_t)sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 :
	       sql_error(r->db, rc, "counting agent_log_chunks", err);
}

static int prepare(reader *r, cw_error *err)
{
	int rc = sqlite3_prepare_v2(r->db, COLS "WHERE (created_at, id) <= "
				    "(?3, ?4) ORDER BY created_at, id LIMIT ?6",
				    -1, &r->first, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(r->db, COLS "WHERE (created_at, id) > "
					"(?1, ?2) AND (created_at, id) <= "
					"(?3, ?4) ORDER BY created_at, id "
					"LIMIT ?6", -1, &r->next, NULL);
	return rc == SQLITE_OK ? 0 :
	       sql_error(r->db, rc, "reading agent_log_chunks", err);
}

/* Hand the batch being filled to the counter and take an empty one; if
** none is left, count the oldest full one here and fill it next. */
static int hand_over(reader *r)
{
	uint64_t t0;
	int is_full, rc;

	cw_metrics_queue_put_full(&r->q, r->cur);
	r->cur = cw_metrics_queue_take_any(&r->q, &is_full);
	if (r->cur == NULL)
		return STOPPED;
	if (!is_full)
		return SQLITE_OK;
	t0 = thread_ns();
	rc = count_batch(&r->help, r->o, r->cur, &r->err);
	r->help_ns += thread_ns() - t0;
	r->helped = r->help.chunks;
	cw_metrics_batch_clear(r->cur);
	return rc == 0 ? SQLITE_OK : HELP_FAILED;
}

/* Copy the current row of st into the batch being filled, handing the
** batch over once it holds CW_METRICS_BATCH_BYTES. */
static int copy_row(reader *r, sqlite3_stmt *st)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);
	size_t id_len = (size_t)sqlite3_column_bytes(st, 0);
	const char *text;
	size_t len;

	/* Text and blobs as their bytes, numbers as SQLite writes them,
	** NULL as an empty chunk. */
	if (sqlite3_column_type(st, 1) == SQLITE_BLOB)
		text = sqlite3_column_blob(st, 1);
	else
		text = (const char *)sqlite3_column_text(st, 1);
	len = (size_t)sqlite3_column_bytes(st, 1);
	r->last_at = sqlite3_column_int64(st, 2);
	if ((len && text == NULL) || (id_len && id == NULL) ||
	    cw_metrics_batch_add(r->cur, id, id ? id_len : 0, text, len,
				 sqlite3_column_int64(st, 2),
				 sqlite3_column_type(st, 2) ==
				 SQLITE_INTEGER) != 0)
		return SQLITE_NOMEM;
	if (r->cur->n_bytes < CW_METRICS_BATCH_BYTES)
		return SQLITE_OK;
	return hand_over(r);
}

/* One keyset query; *out_rows is how many rows it gave. */
static int batch(reader *r, int *out_rows)
{
	sqlite3_stmt *st = r->lo_at ? r->next : r->first;
	int limit = r->o->batch_size > 0 ? r->o->batch_size : CW_METRICS_BATCH;
	int rc = SQLITE_OK, n = 0;

	sqlite3_reset(st);
	if (r->lo_at) {
		rc = sqlite3_bind_value(st, 1, r->lo_at);
		if (rc == SQLITE_OK)
			rc = sqlite3_bind_value(st, 2, r->lo_id);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_value(st, 3, r->hi_at);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_value(st, 4, r->hi_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 6, limit);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		rc = copy_row(r, st);
		if (rc == SQLITE_OK && n == limit) {
			/* the last row of the batch is the next lower bound */
			sqlite3_value_free(r->lo_at);
			sqlite3_value_free(r->lo_id);
			r->lo_at = sqlite3_value_dup(sqlite3_column_value(st, 2));
			r->lo_id = sqlite3_value_dup(sqlite3_column_value(st, 3));
			if (r->lo_at == NULL || r->lo_id == NULL)
				rc = SQLITE_NOMEM;
		}
	}
	/* Reset first: the read transaction ends before the counter sees the
	** rows, so it never waits on counting. */
	sqlite3_reset(st);
	r->batches++;
	*out_rows = n;
	if (rc == SQLITE_DONE && r->cur->n_rows > 0)
		rc = hand_over(r);
	if (rc == STOPPED)
		return STOPPED;
	if (rc == HELP_FAILED)
		return r->err.code;
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return sql_error(r->db, rc, "reading agent_log_chunks", &r->err);
	return 0;
}


/* The reading thread: every keyset query, in order, into the queue; the
** last batch handed over says so (is_last), even after a failure. */
static void *read_all(void *arg)
{
	reader *r = arg;
	int limit = r->o->batch_size > 0 ? r->o->batch_size : CW_METRICS_BATCH;
	uint64_t t0 = thread_ns();
	int rc = 0, n = 0;

	r->cur = cw_metrics_queue_take_empty(&r->q, NULL);
	if (r->cur == NULL)
		rc = STOPPED;
	while (rc == 0) {
		rc = batch(r, &n);
		if (n < limit)
			break;
	}
	r->read_ns = thread_ns() - t0;
	r->rc = rc;
	if (r->cur) {
		r->cur->is_last = 1;
		cw_metrics_queue_put_full(&r->q, r->cur);
		r->cur = NULL;
	}
	return NULL;
}

/* Count one row of a batch. */
static int take_row(cw_metrics_tally *t, const cw_metrics_read_options *o,
		    const cw_metrics_batch *b, const cw_metrics_row *row,
		    cw_error *err)
{
	const char *text = b->bytes + row->text_at;
	cw_metrics_agent *a = agent_of(t, b->bytes + row->id_at, row->id_len);
	cw_metrics_counts c;
	uint64_t t0 = 0;
	int i, rc;

	if (a == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory reading agent_log_chunks");
	if (o->flags & CW_METRICS_PROFILE)
		t0 = now_ns();
	memset(&c, 0, sizeof(c));
	rc = cw_metrics_count(&c, row->text_len ? text : "", row->text_len,
			      o->flags, err);
	if (rc != 0)
		return rc;
	if (o->flags & CW_METRICS_PROFILE)
		t->count_ns += now_ns() - t0;
	for (i = 0; i < CW_METRIC_N; i++) {
		a->n[i] += c.n[i];
		t->counts.n[i] += c.n[i];
		if (o->has_split && row->created_at < o->split_ms &&
		    row->created_is_int)
			a->before[i] += c.n[i];
	}
	a->chunks++;
	t->counts.malformed += c.malformed;
	t->counts.lines += c.lines;
	t->counts.parsed += c.parsed;
	t->counts.parse_ns += c.parse_ns;
	t->chunks++;
	return 0;
}

/* Count every row of b into t. */
static int count_batch(cw_metrics_tally *t, const cw_metrics_read_options *o,
		       const cw_metrics_batch *b, cw_error *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < b->n_rows; i++)
		rc = take_row(t, o, b, &b->rows[i], err);
	return rc;
}

/* Add what the reader counted itself to t.  Returns 0 or CW_ENOMEM. */
static int merge(cw_metrics_tally *t, const cw_metrics_tally *h,
		 cw_error *err)
{
	size_t k;
	int i;

	for (k = 0; k < h->n_agents; k++) {
		const cw_metrics_agent *b = &h->agents[k];
		cw_metrics_agent *a = agent_of(t, b->agent_id,
					       strlen(b->agent_id));
		if (a == NULL)
			return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
					    "out of memory counting chunks");
		for (i = 0; i < CW_METRIC_N; i++) {
			a->n[i] += b->n[i];
			a->before[i] += b->before[i];
		}
		a->chunks += b->chunks;
	}
	for (i = 0; i < CW_METRIC_N; i++)
		t->counts.n[i] += h->counts.n[i];
	t->counts.malformed += h->counts.malformed;
	t->counts.lines += h->counts.lines;
	t->counts.parsed += h->counts.parsed;
	t->counts.parse_ns += h->counts.parse_ns;
	t->count_ns += h->count_ns;
	t->chunks += h->chunks;
	return 0;
}

/* The counting side, in the calling thread: every batch the reader hands
** over, in order, until its last.  On a failure here the reader is
** stopped, and the failure is the result. */
static int count_all(reader *r, cw_error *err)
{
	cw_metrics_batch *b;
	int is_last = 0, rc = 0;
	uint64_t shown = 0;   /* progress said so many thousands */
	size_t i;

	while (!is_last) {
		b = cw_metrics_queue_take_full(&r->q, &r->t->wait_ns);
		for (i = 0; rc == 0 && i < b->n_rows; i++) {
			uint64_t done;
			rc = take_row(r->t, r->o, b, &b->rows[i], err);
			done = r->t->chunks + r->helped;
			if (rc == 0 && r->o->progress &&
			    done / CW_METRICS_PROGRESS > shown) {
				shown = done / CW_METRICS_PROGRESS;
				r->o->progress(r->o->progress_ctx, done,
					       r->t->total);
			}
		}
		is_last = b->is_last;
		cw_metrics_queue_put_empty(&r->q, b);
		if (rc != 0) {
			cw_metrics_queue_stop(&r->q);
			return rc;
		}
	}
	return 0;
}

/* Read on a second thread and count here.  Returns 0 or CW_E*. */
static int read_and_count(reader *r, cw_error *err)
{
	pthread_t thread;
	int rc = cw_metrics_queue_init(&r->q);

	if (rc != 0)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory starting the read");
	if (pthread_create(&thread, NULL, read_all, r) != 0) {
		cw_metrics_queue_free(&r->q);
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "cannot start the reading thread");
	}
	rc = count_all(r, err);
	pthread_join(thread, NULL);
	r->t->read_ns = r->read_ns > r->help_ns ? r->read_ns - r->help_ns : 0;
	r->t->batches = r->batches;
	r->t->last_created_at = r->last_at;
	if (rc == 0 && r->rc != 0) {
		rc = r->rc;
		if (err)
			*err = r->err;
	}
	r->t->helped = r->help.chunks;
	if (rc == 0)
		rc = merge(r->t, &r->help, err);
	cw_metrics_tally_free(&r->help);
	cw_metrics_queue_free(&r->q);
	return rc;
}

int cw_metrics_read(cw_metrics_tally *out, sqlite3 *db,
		    const cw_metrics_read_options *o, cw_error *err)
{
	reader r;
	int rc;

	memset(&r, 0, sizeof(r));
	atomic_init(&r.helped, 0);
	r.db = db;
	r.o = o;
	r.t = out;
	rc = bounds(&r, err);
	if (rc == 0 && r.hi_at)
		rc = prepare(&r, err);
	if (rc == 0 && r.hi_at)
		rc = read_and_count(&r, err);
	if (rc == 0 && o->progress)
		o->progress(o->progress_ctx, out->chunks, out->total);
	sqlite3_finalize(r.first);
	sqlite3_finalize(r.next);
	sqlite3_value_free(r.hi_at);
	sqlite3_value_free(r.hi_id);
	sqlite3_value_free(r.lo_at);
	sqlite3_value_free(r.lo_id);
	return rc;
}
