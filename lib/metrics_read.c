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
*/
#include "metrics_read.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

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

typedef struct reader {
	sqlite3 *db;
	sqlite3_stmt *first, *next;   /* without and with a lower bound */
	sqlite3_value *hi_at, *hi_id; /* the newest row at the start */
	sqlite3_value *lo_at, *lo_id; /* the last row read */
	const cw_metrics_read_options *o;
	cw_metrics_tally *t;
} reader;

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

/* Count one row of a batch. */
static int take_row(reader *r, sqlite3_stmt *st, cw_error *err)
{
	cw_metrics_tally *t = r->t;
	const char *id = (const char *)sqlite3_column_text(st, 0);
	size_t id_len = (size_t)sqlite3_column_bytes(st, 0);
	int type = sqlite3_column_type(st, 1);
	const char *text;
	size_t len;
	int64_t at = sqlite3_column_int64(st, 2);
	cw_metrics_agent *a;
	cw_metrics_counts c;
	uint64_t t0 = 0;
	int i, rc;

	/* Text and blobs as their bytes, numbers as SQLite writes them,
	** NULL as an empty chunk. */
	if (type == SQLITE_BLOB) {
		text = sqlite3_column_blob(st, 1);
	} else {
		text = (const char *)sqlite3_column_text(st, 1);
	}
	len = (size_t)sqlite3_column_bytes(st, 1);
	a = agent_of(t, id ? id : "", id ? id_len : 0);
	if (a == NULL || (len && text == NULL))
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory reading agent_log_chunks");
	if (r->o->flags & CW_METRICS_PROFILE)
		t0 = now_ns();
	memset(&c, 0, sizeof(c));
	rc = cw_metrics_count(&c, text ? text : "", len, r->o->flags, err);
	if (rc != 0)
		return rc;
	if (r->o->flags & CW_METRICS_PROFILE)
		t->count_ns += now_ns() - t0;
	for (i = 0; i < CW_METRIC_N; i++) {
		a->n[i] += c.n[i];
		t->counts.n[i] += c.n[i];
		if (r->o->has_split && at < r->o->split_ms &&
		    sqlite3_column_type(st, 2) == SQLITE_INTEGER)
			a->before[i] += c.n[i];
	}
	a->chunks++;
	t->counts.malformed += c.malformed;
	t->counts.lines += c.lines;
	t->counts.parsed += c.parsed;
	t->counts.parse_ns += c.parse_ns;
	t->chunks++;
	t->last_created_at = at;
	if (r->o->progress && t->chunks % CW_METRICS_PROGRESS == 0)
		r->o->progress(r->o->progress_ctx, t->chunks, t->total);
	return 0;
}

/* One keyset query; *out_rows is how many rows it gave. */
static int batch(reader *r, int *out_rows, cw_error *err)
{
	sqlite3_stmt *st = r->lo_at ? r->next : r->first;
	uint64_t t0 = 0, in_count = r->t->count_ns;
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
		rc = sqlite3_bind_int(st, 6, r->o->batch_size > 0 ?
				      r->o->batch_size : CW_METRICS_BATCH);
	if (r->o->flags & CW_METRICS_PROFILE)
		t0 = now_ns();
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		rc = take_row(r, st, err);
		if (rc != 0)
			return rc;
		rc = SQLITE_OK;
		if (n == (r->o->batch_size > 0 ? r->o->batch_size :
			  CW_METRICS_BATCH)) {
			/* the last row of the batch is the next lower bound */
			sqlite3_value_free(r->lo_at);
			sqlite3_value_free(r->lo_id);
			r->lo_at = sqlite3_value_dup(sqlite3_column_value(st, 2));
			r->lo_id = sqlite3_value_dup(sqlite3_column_value(st, 3));
			if (r->lo_at == NULL || r->lo_id == NULL)
				rc = SQLITE_NOMEM;
		}
	}
	if (r->o->flags & CW_METRICS_PROFILE)
		r->t->read_ns += now_ns() - t0 - (r->t->count_ns - in_count);
	sqlite3_reset(st);
	r->t->batches++;
	*out_rows = n;
	if (rc != SQLITE_DONE && rc != SQLITE_OK)
		return sql_error(r->db, rc, "reading agent_log_chunks", err);
	return 0;
}

int cw_metrics_read(cw_metrics_tally *out, sqlite3 *db,
		    const cw_metrics_read_options *o, cw_error *err)
{
	int limit = o->batch_size > 0 ? o->batch_size : CW_METRICS_BATCH;
	reader r;
	int rc, n = 0;

	memset(&r, 0, sizeof(r));
	r.db = db;
	r.o = o;
	r.t = out;
	rc = bounds(&r, err);
	if (rc == 0 && r.hi_at)
		rc = prepare(&r, err);
	while (rc == 0 && r.hi_at) {
		rc = batch(&r, &n, err);
		if (n < limit)
			break;
	}
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
