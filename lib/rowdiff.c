/*
** rowdiff.c - rows and values followed across a change, with their
** vintages.  Design in rowdiff.h.
*/
#include "rowdiff.h"
#include "db.h"
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One table as it was before the change. */
struct rd_saved {
	char *name;
	char **cols;         /* its columns (the key columns among them) */
	size_t n_cols;
	char **keys;         /* primary key columns, or none: rowid */
	size_t n_keys;
	long long rows;      /* -1: not followed */
	size_t copy;         /* temp.cw_b<serial>_<copy> */
};

static int nomem(cw_error *err)
{
	return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory following rows");
}

/* A formatted statement; NULL when out of memory. */
static char *sqlf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sqlf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* The single integer a query returns (column col), or -1. */
static long long int_of(sqlite3 *db, const char *sql, int col)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, col);
	sqlite3_finalize(st);
	return n;
}

static int add_name(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static void free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* t's column names and its primary key's, in key order. */
static int names_of(const cw_schema_table *t, char ***cols, size_t *nc,
		    char ***keys, size_t *nk)
{
	size_t i;
	int pos, rc = 0;

	*cols = *keys = NULL;
	*nc = *nk = 0;
	for (i = 0; rc == 0 && i < t->n_columns; i++)
		rc = add_name(cols, nc, t->columns[i].name);
	for (pos = 1; rc == 0 && (size_t)pos <= t->n_columns; pos++)
		for (i = 0; rc == 0 && i < t->n_columns; i++)
			if (t->columns[i].pk == pos)
				rc = add_name(keys, nk, t->columns[i].name);
	return rc;
}

/* A row's identity as text: quote(k1)||x'1f'||quote(k2) over alias.keys,
** or alias's rowid (rowid_col names it in a copy). */
static char *key_expr(const char *alias, char **keys, size_t n_keys,
		      const char *rowid_col)
{
	cw_strbuf b = CW_STRBUF_INIT;
	size_t i;

	if (n_keys == 0) {
		cw_strbuf_fmt(&b, "CAST(%s.%s AS TEXT)", alias, rowid_col);
		return cw_strbuf_take(&b);
	}
	for (i = 0; i < n_keys; i++) {
		char *q = cw_db_quote_ident(keys[i]);
		if (q == NULL)
			b.is_oom = 1;
		cw_strbuf_fmt(&b, "%squote(%s.%s)", i ? "||x'1f'||" : "",
			      alias, q ? q : "");
		free(q);
	}
	return cw_strbuf_take(&b);
}

static void free_saved(cw_rowdiff *rd)
{
	size_t i;

	for (i = 0; i < rd->n_tables; i++) {
		free(rd->tables[i].name);
		free_names(rd->tables[i].cols, rd->tables[i].n_cols);
		free_names(rd->tables[i].keys, rd->tables[i].n_keys);
	}
	free(rd->tables);
	rd->tables = NULL;
	rd->n_tables = 0;
}

static const char *find_col(char **cols, size_t n, const char *c);

/* Keep of s's columns only its key and foreign-key columns: all a
** foreign-key action can change (a cascade's delete, SET NULL, SET
** DEFAULT, an ON UPDATE CASCADE). */
static int keep_key_columns(const cw_schema_table *t, rd_saved *s)
{
	size_t i, j, k, o = 0;

	for (i = 0; i < s->n_cols; i++) {
		int keep = find_col(s->keys, s->n_keys, s->cols[i]) != NULL;
		for (j = 0; !keep && j < t->n_fks; j++)
			for (k = 0; !keep && k < t->fks[j].n; k++)
				keep = t->fks[j].from[k] &&
				       strcasecmp(t->fks[j].from[k],
						  s->cols[i]) == 0;
		if (keep)
			s->cols[o++] = s->cols[i];
		else
			free(s->cols[i]);
	}
	s->n_cols = o;
	return 0;
}

/* CREATE TEMP TABLE cw_b<serial>_<i> AS SELECT the saved columns (and
** the rowid when it is the key) FROM main.q. */
static char *copy_sql(const cw_rowdiff *rd, size_t i, const rd_saved *s,
		      const char *q)
{
	cw_strbuf b = CW_STRBUF_INIT;
	size_t c;

	cw_strbuf_fmt(&b, "CREATE TEMP TABLE \"cw_b%u_%zu\" AS SELECT %s",
		      rd->serial, i, s->n_keys ? "" : "rowid AS \"cw rowid\"");
	for (c = 0; c < s->n_cols; c++) {
		char *qc = cw_db_quote_ident(s->cols[c]);
		if (qc == NULL)
			b.is_oom = 1;
		cw_strbuf_fmt(&b, "%s%s", c || !s->n_keys ? ", " : "",
			      qc ? qc : "");
		free(qc);
	}
	cw_strbuf_fmt(&b, " FROM main.%s", q);
	return cw_strbuf_take(&b);
}

int cw_rowdiff_save(cw_rowdiff *rd, sqlite3 *db, const cw_schema *before,
		    const unsigned char *hot, cw_error *err)
{
	size_t i;
	int rc = 0;

	free_saved(rd);
	rd->serial++;
	rd->tables = calloc(before->n_tables + 1, sizeof(*rd->tables));
	if (rd->tables == NULL)
		return nomem(err);
	for (i = 0; i < before->n_tables; i++) {
		const cw_schema_table *t = &before->tables[i];
		rd_saved *s = &rd->tables[rd->n_tables];
		char *q, *sql;
		if (hot && !hot[i])
			continue;
		s->copy = i;
		s->name = strdup(t->name);
		rd->n_tables++;
		if (s->name == NULL || names_of(t, &s->cols, &s->n_cols,
						&s->keys, &s->n_keys) != 0) {
			rc = -1;
			break;
		}
		if (s->n_keys == 0 && t->without_rowid) {
			s->rows = -1;   /* no key to follow rows by */
			continue;
		}
		if (hot && hot[i] == CW_ROWDIFF_KEYS &&
		    keep_key_columns(t, s) != 0) {
			rc = -1;
			break;
		}
		q = cw_db_quote_ident(t->name);
		sql = q ? copy_sql(rd, i, s, q) : NULL;
		free(q);
		if (sql == NULL) {
			rc = -1;
			break;
		}
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			s->rows = -1;
		} else {
			free(sql);
			sql = sqlf("SELECT count(*) FROM temp.\"cw_b%u_%zu\"",
				   rd->serial, i);
			s->rows = int_of(db, sql, 0);
		}
		free(sql);
	}
	return rc != 0 ? nomem(err) : 0;
}

/* The column named like c among cols, or NULL. */
static const char *find_col(char **cols, size_t n, const char *c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(cols[i], c) == 0)
			return cols[i];
	return NULL;
}

/* "n.k1 IS b.k1 AND ..." (or the rowid) for saved table s; NULL when
** the key did not survive (or out of memory: *oom). */
static char *join_on(const rd_saved *s, char **cols, size_t n_cols, int *oom)
{
	cw_strbuf b = CW_STRBUF_INIT;
	size_t i;

	if (s->n_keys == 0)
		cw_strbuf_str(&b, "n.rowid IS b.\"cw rowid\"");
	for (i = 0; i < s->n_keys; i++) {
		char *q = cw_db_quote_ident(s->keys[i]);
		if (q == NULL || !find_col(cols, n_cols, s->keys[i])) {
			*oom = q == NULL;
			free(q);
			free(cw_strbuf_take(&b));
			return NULL;
		}
		cw_strbuf_fmt(&b, "%sn.%s IS b.%s", i ? " AND " : "", q, q);
		free(q);
	}
	if (b.is_oom)
		*oom = 1;
	return cw_strbuf_take(&b);
}

/* "0002_x: 3, 0005_y: 1": the vintages of the saved rows `where` picks
** (a condition over b, and n when join is given), or NULL. */
static char *vintages_of(sqlite3 *db, const cw_rowdiff *rd, const rd_saved *s,
			 const char *from_where, const char *const *names,
			 size_t n_names)
{
	cw_strbuf b = CW_STRBUF_INIT;
	char *kb, *sql;
	sqlite3_stmt *st = NULL;
	int any = 0;

	if (names == NULL)
		return NULL;
	kb = key_expr("b", s->keys, s->n_keys, "\"cw rowid\"");
	sql = kb ? sqlf("SELECT v.v, count(*) FROM temp.\"cw_b%u_%zu\" AS b "
			"JOIN temp.cw_vintage AS v ON v.tbl = ?1 AND v.key = "
			"%s %s GROUP BY v.v ORDER BY v.v", rd->serial,
			s->copy, kb, from_where) : NULL;
	free(kb);
	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			long long v = sqlite3_column_int64(st, 0);
			if (v < 0 || (size_t)v >= n_names)
				continue;
			cw_strbuf_fmt(&b, "%s%s: %lld", any ? ", " : "",
				      names[v], sqlite3_column_int64(st, 1));
			any = 1;
		}
	}
	sqlite3_finalize(st);
	free(sql);
	if (!any) {
		free(cw_strbuf_take(&b));
		return NULL;
	}
	return cw_strbuf_take(&b);
}

typedef struct cmp {
	cw_rowdiff *rd;
	sqlite3 *db;
	cw_rowdiff_says_so says;
	void *says_ctx;
	cw_rowdiff_emit emit;
	void *emit_ctx;
	const char *const *names;
	size_t n_names;
	cw_error *err;
} cmp;

static int says(const cmp *c, const char *t, const char *col)
{
	return c->says && c->says(c->says_ctx, t, col);
}

static int emit(const cmp *c, const rd_saved *s, const char *column,
		long long rows, long long lost, const char *where)
{
	cw_rowdiff_loss l;
	char *v = vintages_of(c->db, c->rd, s, where, c->names, c->n_names);
	int rc;

	l.table = s->name;
	l.column = column;
	l.rows = rows;
	l.lost = lost;
	l.vintages = v;
	rc = c->emit(c->emit_ctx, &l);
	free(v);
	return rc;
}

/* "b.c IS NOT n.c AND ...": column c's value changed between the copy
** and main.  A value converted by a new affinity is the same value. */
static char *differs(const char *col)
{
	char *qc = cw_db_quote_ident(col), *d;

	d = qc ? sqlf("(b.%s IS NOT n.%s AND CAST(b.%s AS TEXT) IS NOT "
		      "CAST(n.%s AS TEXT))", qc, qc, qc, qc) : NULL;
	free(qc);
	return d;
}

/* Values of the columns of saved table s that survive by name (and are
** not keys, nor said by the change) against what main holds now: one
** join counting every column's changes at once. */
static int compare_columns(const cmp *c, const rd_saved *s, const char *q,
			   const char *on, char **cols, size_t nc)
{
	cw_strbuf b = CW_STRBUF_INIT;
	const char **which = calloc(s->n_cols + 1, sizeof(*which));
	sqlite3_stmt *st = NULL;
	size_t i, n = 0;
	char *sql;
	int rc = 0;

	if (which == NULL)
		return nomem(c->err);
	cw_strbuf_str(&b, "SELECT count(*)");
	for (i = 0; i < s->n_cols; i++) {
		char *d;
		if (find_col(s->keys, s->n_keys, s->cols[i]) ||
		    !find_col(cols, nc, s->cols[i]) ||
		    says(c, s->name, s->cols[i]))
			continue;
		d = differs(s->cols[i]);
		if (d == NULL)
			b.is_oom = 1;
		cw_strbuf_fmt(&b, ", sum(%s)", d ? d : "0");
		free(d);
		which[n++] = s->cols[i];
	}
	cw_strbuf_fmt(&b, " FROM temp.\"cw_b%u_%zu\" AS b JOIN main.%s AS n "
		      "ON %s", c->rd->serial, s->copy, q, on);
	sql = cw_strbuf_take(&b);
	if (sql == NULL) {
		free(which);
		return nomem(c->err);
	}
	if (n > 0 && sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
		long long matched = sqlite3_column_int64(st, 0);
		for (i = 0; rc == 0 && i < n; i++) {
			long long changed = sqlite3_column_int64(st,
								 (int)i + 1);
			char *d, *where;
			if (changed <= 0)
				continue;
			d = differs(which[i]);
			where = d ? sqlf("JOIN main.%s AS n ON %s WHERE %s", q,
					 on, d) : NULL;
			rc = where ? emit(c, s, which[i], matched, changed,
					  where) : nomem(c->err);
			free(where);
			free(d);
		}
	}
	sqlite3_finalize(st);
	free(sql);
	free(which);
	return rc;
}

/* Rows and values of saved table s against what main holds now. */
static int compare_one(const cmp *c, const cw_schema *after,
		       const rd_saved *s)
{
	const cw_schema_table *t = cw_schema_find(after, s->name);
	char **cols = NULL, **keys = NULL, *q = NULL, *on = NULL, *sql;
	char *where = NULL;
	size_t nc = 0, nk = 0;
	long long lost;
	int rc = 0, oom = 0;

	/* Gone (dropped: the change said so), or nothing to follow. */
	if (s->rows <= 0 || t == NULL ||
	    (s->n_keys == 0 && t->without_rowid))
		return 0;
	if (names_of(t, &cols, &nc, &keys, &nk) != 0 ||
	    (q = cw_db_quote_ident(s->name)) == NULL) {
		rc = nomem(c->err);
		goto done;
	}
	on = join_on(s, cols, nc, &oom);
	if (on == NULL) {
		rc = oom ? nomem(c->err) : 0;
		goto done;
	}
	where = sqlf("WHERE NOT EXISTS (SELECT 1 FROM main.%s AS n WHERE "
		     "%s)", q, on);
	sql = where ? sqlf("SELECT count(*) FROM temp.\"cw_b%u_%zu\" AS b "
			   "%s", c->rd->serial, s->copy, where) : NULL;
	if (sql == NULL) {
		rc = nomem(c->err);
		goto done;
	}
	lost = int_of(c->db, sql, 0);
	free(sql);
	if (lost > 0 && !says(c, s->name, NULL))
		rc = emit(c, s, NULL, s->rows, lost, where);
	if (rc == 0)
		rc = compare_columns(c, s, q, on, cols, nc);
done:
	free(where);
	free(on);
	free(q);
	free_names(cols, nc);
	free_names(keys, nk);
	return rc;
}

int cw_rowdiff_compare(cw_rowdiff *rd, sqlite3 *db, const cw_schema *after,
		       cw_rowdiff_says_so says_fn, void *says_ctx,
		       cw_rowdiff_emit emit_fn, void *emit_ctx,
		       const char *const *vintage_names, size_t n_vintages,
		       cw_error *err)
{
	cmp c = {rd, db, says_fn, says_ctx, emit_fn, emit_ctx, vintage_names,
		 n_vintages, err};
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < rd->n_tables; i++)
		rc = compare_one(&c, after, &rd->tables[i]);
	return rc;
}

void cw_rowdiff_drop(cw_rowdiff *rd, sqlite3 *db)
{
	size_t i;

	for (i = 0; db && i < rd->n_tables; i++) {
		char *sql = sqlf("DROP TABLE IF EXISTS temp.\"cw_b%u_%zu\"",
				 rd->serial, rd->tables[i].copy);
		if (sql)
			sqlite3_exec(db, sql, NULL, NULL, NULL);
		free(sql);
	}
	free_saved(rd);
}

int cw_rowdiff_marks(sqlite3 *db, const cw_schema *s, long long **marks,
		     cw_error *err)
{
	size_t i;

	*marks = calloc(s->n_tables + 1, sizeof(**marks));
	if (*marks == NULL)
		return nomem(err);
	for (i = 0; i < s->n_tables; i++) {
		char *q = cw_db_quote_ident(s->tables[i].name);
		char *sql = q && !s->tables[i].without_rowid ?
			    sqlf("SELECT coalesce(max(rowid), 0) FROM main.%s",
				 q) : NULL;
		(*marks)[i] = sql ? int_of(db, sql, 0) : -1;
		free(sql);
		free(q);
	}
	return 0;
}

int cw_rowdiff_mark_vintage(sqlite3 *db, const cw_schema *s,
			    const long long *marks, size_t v, cw_error *err)
{
	size_t i;
	int rc = 0;

	if (sqlite3_exec(db, "CREATE TEMP TABLE IF NOT EXISTS cw_vintage("
			 "tbl TEXT, key TEXT, v INTEGER, PRIMARY KEY (tbl, "
			 "key)) WITHOUT ROWID", NULL, NULL, NULL) != SQLITE_OK)
		return 0;   /* no vintages: losses are reported without */
	for (i = 0; rc == 0 && i < s->n_tables; i++) {
		const cw_schema_table *t = &s->tables[i];
		char **cols = NULL, **keys = NULL, *q, *k, *sql;
		size_t nc = 0, nk = 0;
		sqlite3_stmt *st = NULL;
		if (marks[i] < 0 || t->without_rowid)
			continue;
		if (names_of(t, &cols, &nc, &keys, &nk) != 0) {
			free_names(cols, nc);
			free_names(keys, nk);
			return nomem(err);
		}
		q = cw_db_quote_ident(t->name);
		k = key_expr("t", keys, nk, "rowid");
		sql = q && k ? sqlf("INSERT OR IGNORE INTO temp.cw_vintage "
				    "SELECT ?1, %s, ?2 FROM main.%s AS t WHERE "
				    "t.rowid > ?3", k, q) : NULL;
		if (sql == NULL)
			rc = nomem(err);
		else if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
			 SQLITE_OK) {
			sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)v);
			sqlite3_bind_int64(st, 3, marks[i]);
			sqlite3_step(st);
		}
		sqlite3_finalize(st);
		free(sql);
		free(k);
		free(q);
		free_names(cols, nc);
		free_names(keys, nk);
	}
	return rc;
}

/* ---- what a change can reach ---- */

/* Is name spelled (case-insensitively) anywhere in text?  A superset of
** "named by a statement": a false hit only costs a copy. */
static int mentions(const char *text, const char *name)
{
	return text && name && name[0] && strcasestr(text, name) != NULL;
}

static int mentioned(const char *const *texts, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (mentions(texts[i], name))
			return 1;
	return 0;
}

/* hot[i]: can the migrations with these texts touch s->tables[i]?  Tables
** and views it names, and the tables named by triggers on a hot table or
** view, wholly (CW_ROWDIFF_ALL); their foreign-key children, closed, in
** their keys (CW_ROWDIFF_KEYS: a foreign-key action changes nothing
** else).  Returns a calloc'd array or NULL when out of memory. */
unsigned char *cw_rowdiff_reach(const cw_schema *s, const char *const *texts,
				 size_t n_texts)
{
	unsigned char *hot = calloc(s->n_tables + 1, 1);
	unsigned char *vhot = calloc(s->n_views + 1, 1);
	size_t i, j;
	int grew = 1;

	if (hot == NULL || vhot == NULL) {
		free(hot);
		free(vhot);
		return NULL;
	}
	for (i = 0; i < s->n_tables; i++)
		hot[i] = mentioned(texts, n_texts, s->tables[i].name) ? CW_ROWDIFF_ALL :
			 CW_ROWDIFF_SKIP;
	for (i = 0; i < s->n_views; i++)
		vhot[i] = (unsigned char)mentioned(texts, n_texts,
						    s->views[i].name);
	while (grew) {
		grew = 0;
		for (i = 0; i < s->n_tables; i++)
			for (j = 0; !hot[i] && j < s->tables[i].n_fks; j++) {
				const cw_schema_table *p = cw_schema_find(s,
					s->tables[i].fks[j].parent);
				if (p && hot[p - s->tables]) {
					hot[i] = CW_ROWDIFF_KEYS;
					grew = 1;
				}
			}
		for (j = 0; j < s->n_triggers; j++) {
			const cw_schema_object *tr = &s->triggers[j];
			const cw_schema_table *on = cw_schema_find(s,
								   tr->table);
			int fires = on ? hot[on - s->tables] : 0;
			for (i = 0; !fires && i < s->n_views; i++)
				fires = vhot[i] && tr->table &&
					strcasecmp(tr->table,
						   s->views[i].name) == 0;
			for (i = 0; fires && i < s->n_tables; i++)
				if (hot[i] != CW_ROWDIFF_ALL &&
				    mentions(tr->sql, s->tables[i].name)) {
					hot[i] = CW_ROWDIFF_ALL;
					grew = 1;
				}
			for (i = 0; fires && i < s->n_views; i++)
				if (!vhot[i] && mentions(tr->sql,
							 s->views[i].name))
					vhot[i] = grew = 1;
		}
	}
	free(vhot);
	return hot;
}

/* ---- digests ---- */

struct rd_digest {
	char *name;
	char **cols;
	size_t n_cols;
	char **keys;
	size_t n_keys;
	long long rows;          /* -1: not followed */
	uint64_t keysum;
	uint64_t *sums;          /* per column */
};

typedef struct dg_acc {
	long long rows;
	uint64_t keysum;
	uint64_t *sums;
	int n;
} dg_acc;

/* A 64-bit hash of bytes, continuing from h: eight bytes a step. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	for (w = 0; i < n; i++)
		w = (w << 8) | b[i];
	h = (h ^ w ^ (uint64_t)n) * 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/* A value as CAST(v AS TEXT) sees it (so a converted affinity is the
** same value), NULL apart. */
static uint64_t value_hash(uint64_t h, sqlite3_value *v)
{
	const unsigned char *t;
	int n;

	char num[32];

	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		return fnv(h, "\0N", 2);
	case SQLITE_INTEGER:
		/* What CAST(v AS TEXT) gives, without converting v. */
		n = snprintf(num, sizeof(num), "%lld",
			     (long long)sqlite3_value_int64(v));
		return fnv(fnv(h, "\0V", 2), num, (size_t)n);
	default:
		break;
	}
	t = sqlite3_value_text(v);
	n = sqlite3_value_bytes(v);
	h = fnv(h, "\0V", 2);
	return t ? fnv(h, t, (size_t)n) : h;
}

/* cw_digest(n_keys, key..., col...): the digest of its rows. */
static void digest_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int nk = sqlite3_value_int(argv[0]), i;
	dg_acc *a = sqlite3_aggregate_context(ctx, sizeof(*a));
	uint64_t hk = 14695981039346656037ULL;

	if (a == NULL || nk < 0 || nk + 1 > argc)
		return;
	if (a->sums == NULL && argc - 1 - nk > 0) {
		a->n = argc - 1 - nk;
		a->sums = sqlite3_malloc64((sqlite3_uint64)a->n *
					   sizeof(*a->sums));
		if (a->sums == NULL) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		memset(a->sums, 0, (size_t)a->n * sizeof(*a->sums));
	}
	for (i = 1; i <= nk; i++)
		hk = value_hash(hk, argv[i]);
	a->rows++;
	a->keysum += mix(hk);
	for (i = 0; i < a->n; i++)
		a->sums[i] += mix(value_hash(hk ^ (uint64_t)(i + 1) *
					     0x9e3779b97f4a7c15ULL,
					     argv[1 + nk + i]));
}

static void digest_final(sqlite3_context *ctx)
{
	dg_acc *a = sqlite3_aggregate_context(ctx, 0);
	uint64_t *out;
	size_t n = a ? (size_t)a->n : 0;

	out = sqlite3_malloc64((sqlite3_uint64)(n + 2) * sizeof(*out));
	if (out == NULL) {
		sqlite3_result_error_nomem(ctx);
	} else {
		out[0] = a ? (uint64_t)a->rows : 0;
		out[1] = a ? a->keysum : 0;
		if (n)
			memcpy(out + 2, a->sums, n * sizeof(*out));
		sqlite3_result_blob(ctx, out, (int)((n + 2) * sizeof(*out)),
				    sqlite3_free);
	}
	if (a)
		sqlite3_free(a->sums);
}

/* The digest of main.name over keys and cols into rows/keysum/sums. */
static int digest_table(sqlite3 *db, const char *name, char **keys,
			size_t nk, char **cols, size_t nc, long long limit,
			long long *rows, uint64_t *keysum, uint64_t *sums)
{
	cw_strbuf b = CW_STRBUF_INIT;
	sqlite3_stmt *st = NULL;
	char *q = cw_db_quote_ident(name), *sql;
	size_t i;
	int ok = 0;

	cw_strbuf_fmt(&b, "SELECT cw_digest(%zu", nk ? nk : (size_t)1);
	if (nk == 0)
		cw_strbuf_str(&b, ", rowid");
	for (i = 0; i < nk + nc; i++) {
		char *c = cw_db_quote_ident(i < nk ? keys[i] : cols[i - nk]);
		if (c == NULL)
			b.is_oom = 1;
		cw_strbuf_fmt(&b, ", %s", c ? c : "NULL");
		free(c);
	}
	/* limit: the first rows by rowid only (rows added at the end by
	** the change are not the question). */
	if (limit >= 0)
		cw_strbuf_fmt(&b, ") FROM (SELECT rowid, * FROM main.%s ORDER "
			      "BY rowid LIMIT %lld)", q ? q : "\"\"", limit);
	else
		cw_strbuf_fmt(&b, ") FROM main.%s", q ? q : "\"\"");
	sql = cw_strbuf_take(&b);
	if (q && sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) ==
	    SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(st, 0) == (nc + 2) * sizeof(uint64_t)) {
		const uint64_t *v = sqlite3_column_blob(st, 0);
		*rows = (long long)v[0];
		*keysum = v[1];
		memcpy(sums, v + 2, nc * sizeof(*sums));
		ok = 1;
	}
	sqlite3_finalize(st);
	free(sql);
	free(q);
	return ok;
}

static int ensure_digest_fn(sqlite3 *db)
{
	return sqlite3_create_function(db, "cw_digest", -1, SQLITE_UTF8 |
				       SQLITE_DETERMINISTIC, NULL, NULL,
				       digest_step, digest_final) == SQLITE_OK;
}

int cw_rowdiff_digest(cw_rowdigests *d, sqlite3 *db, const cw_schema *before,
		      const unsigned char *hot, cw_error *err)
{
	size_t i;

	cw_rowdigests_free(d);
	if (!ensure_digest_fn(db))
		return nomem(err);
	d->tables = calloc(before->n_tables + 1, sizeof(*d->tables));
	if (d->tables == NULL)
		return nomem(err);
	for (i = 0; i < before->n_tables; i++) {
		const cw_schema_table *t = &before->tables[i];
		rd_digest *g = &d->tables[d->n_tables++];
		if ((g->name = strdup(t->name)) == NULL ||
		    names_of(t, &g->cols, &g->n_cols, &g->keys,
			     &g->n_keys) != 0 ||
		    (g->sums = calloc(g->n_cols + 1, sizeof(*g->sums))) ==
		    NULL)
			return nomem(err);
		g->rows = -1;
		if ((g->n_keys == 0 && t->without_rowid) || (hot && !hot[i]))
			continue;
		if (!digest_table(db, t->name, g->keys, g->n_keys, g->cols,
				  g->n_cols, -1, &g->rows, &g->keysum, g->sums))
			g->rows = -1;
	}
	return 0;
}

int cw_rowdiff_digest_same(const cw_rowdigests *d, sqlite3 *db,
			   const cw_schema *after, cw_rowdiff_says_so says_fn,
			   void *says_ctx, int *same, cw_error *err)
{
	size_t i, j;

	*same = 1;
	if (!ensure_digest_fn(db))
		return nomem(err);
	for (i = 0; *same && i < d->n_tables; i++) {
		const rd_digest *g = &d->tables[i];
		const cw_schema_table *t = cw_schema_find(after, g->name);
		char **cols = NULL, **keys = NULL, **now = NULL, **acols;
		size_t nc = 0, nk = 0, n_now = 0, *at = NULL;
		uint64_t keysum = 0, *sums = NULL;
		long long rows = 0;
		int rows_said = 0;
		if (g->rows <= 0 || t == NULL)
			continue;
		if (names_of(t, &acols, &nc, &keys, &nk) != 0) {
			free_names(acols, nc);
			free_names(keys, nk);
			return nomem(err);
		}
		cols = acols;
		/* The before-columns that survive and are not given up. */
		now = calloc(g->n_cols + 1, sizeof(*now));
		at = calloc(g->n_cols + 1, sizeof(*at));
		sums = calloc(g->n_cols + 1, sizeof(*sums));
		if (now == NULL || at == NULL || sums == NULL) {
			free(now); free(at); free(sums);
			free_names(cols, nc);
			free_names(keys, nk);
			return nomem(err);
		}
		for (j = 0; j < g->n_cols; j++)
			if (find_col(cols, nc, g->cols[j]) &&
			    !(says_fn && says_fn(says_ctx, g->name,
						 g->cols[j]))) {
				now[n_now] = g->cols[j];
				at[n_now++] = j;
			}
		for (j = 0; j < g->n_keys; j++)
			if (!find_col(cols, nc, g->keys[j]))
				*same = 0;   /* the key did not survive */
		(void)rows_said;
		if (*same && !digest_table(db, g->name, g->keys, g->n_keys, now,
					   n_now, -1, &rows, &keysum, sums))
			*same = 0;
		/* Rows added after the old ones (an INSERT of the change):
		** the old ones must be the first rows, unchanged. */
		if (*same && rows > g->rows && !t->without_rowid &&
		    !digest_table(db, g->name, g->keys, g->n_keys, now, n_now,
				  g->rows, &rows, &keysum, sums))
			*same = 0;
		/* Anything else (rows gone, keys or values changed, even as
		** the change says) goes to the detailed comparison. */
		if (*same && (rows != g->rows || keysum != g->keysum))
			*same = 0;
		for (j = 0; *same && j < n_now; j++)
			if (sums[j] != g->sums[at[j]])
				*same = 0;

		free(now);
		free(at);
		free(sums);
		free_names(cols, nc);
		free_names(keys, nk);
	}
	return 0;
}

void cw_rowdigests_free(cw_rowdigests *d)
{
	size_t i;

	for (i = 0; i < d->n_tables; i++) {
		free(d->tables[i].name);
		free_names(d->tables[i].cols, d->tables[i].n_cols);
		free_names(d->tables[i].keys, d->tables[i].n_keys);
		free(d->tables[i].sums);
	}
	free(d->tables);
	d->tables = NULL;
	d->n_tables = 0;
}
