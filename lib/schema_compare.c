/*
** schema_compare.c - one normalised comparison of two schema models.
**
** Two models that differ only in how the same schema was written compare
** equal; everything else is a difference naming the table, the column,
** index, foreign key or check, what differs and both values.
**
** What is written differently but provably the same:
**  - identifiers: "x", `x`, [x] and x, in any letter case; keywords in
**    any letter case; whitespace and comments (everything is compared by
**    sqlscan.h tokens);
**  - outer parentheses of a default or an expression; in an expression
**    of a table (CHECK, generated column, index key or WHERE), a column
**    qualified by that table's own name ("posts"."title" is title);
**  - numbers by value and kind: 1.5 is 1.50, 0x10 is 16, but 1 is not
**    1.0 unless the column's affinity makes them one stored value;
**  - defaults as SQLite stores them after the column's affinity: TRUE and
**    FALSE are 1 and 0 everywhere; an identifier ("x", `x`, [x], x) is
**    the string 'x', as SQLite's grammar reads DEFAULT id; under
**    INTEGER, REAL and NUMERIC affinity 1, 1.0, '1' and '1.0' are one
**    value; under TEXT affinity 1 and '1' are; DEFAULT NULL is no
**    default;
**  - an INTEGER PRIMARY KEY (a rowid alias) and a WITHOUT ROWID table's
**    key columns are NOT NULL whether written or not;
**  - COLLATE BINARY is no COLLATE;
**  - foreign-key actions: NO ACTION is an unspecified action; a parent
**    key left implied is the parent's primary key written out;
**  - indexes, foreign keys and checks are sets: their order is not
**    compared; a check's column (column or table constraint) is not;
**  - a UNIQUE constraint is a unique index; its sqlite_autoindex_ name
**    and drizzle-kit's index name differ ("index name") unless
**    ignore_index_names.
** Not compared: column order (ALTER TABLE ADD COLUMN appends while a
** snapshot keeps the schema's order), a foreign key's name, the index
** that backs a primary key (origin 'p': the columns' pk says it), and
** against a snapshot (is_snapshot) what a snapshot cannot hold: COLLATE,
** DEFERRABLE, WITHOUT ROWID, STRICT, triggers and virtual tables.
*/
#include "schema_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string; is_oom once an allocation failed. */
typedef struct sbuf {
	char *p;
	size_t n, cap;
	int is_oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
	if (b->is_oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->is_oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void sb_fmt(sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_fmt(sbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n :
		       sizeof(tmp) - 1);
}

/* The string built (never NULL unless out of memory; "" when empty). */
static char *sb_take(sbuf *b)
{
	if (!b->is_oom && b->p == NULL)
		sb_add(b, "", 0);
	if (b->is_oom) {
		free(b->p);
		return NULL;
	}
	return b->p;
}

/* ---- tokens in a canonical spelling ---- */

/* A numeric literal: is_int with i, else d. */
typedef struct num {
	int is_int;
	long long i;
	double d;
} num;

/* Read the NUMBER token text[0..len) (negated when neg). */
static void num_of(const char *text, size_t len, int neg, num *out)
{
	char buf[128];
	size_t k;
	int is_hex = len > 2 && text[0] == '0' && (text[1] | 32) == 'x';
	int is_real = 0;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	for (k = 0; !is_hex && k < len; k++)
		if (buf[k] == '.' || (buf[k] | 32) == 'e')
			is_real = 1;
	out->is_int = 0;
	if (is_hex) {
		/* 64-bit two's complement, as SQLite reads hex literals. */
		out->is_int = 1;
		out->i = (long long)strtoull(buf + 2, NULL, 16);
		if (neg)
			out->i = (long long)(0ULL - (unsigned long long)out->i);
		return;
	}
	out->d = strtod(buf, NULL);
	if (neg)
		out->d = -out->d;
	if (!is_real) {
		/* Too big for 64 bits: SQLite reads it as a real. */
		errno = 0;
		out->i = strtoll(buf, NULL, 10);
		out->is_int = errno != ERANGE;
		if (neg)
			out->i = -out->i;
	}
}

static void sb_num(sbuf *b, const num *v, int merge_integral)
{
	if (v->is_int)
		sb_fmt(b, "%lld", v->i);
	else if (merge_integral && v->d == (double)(long long)v->d &&
		 v->d > -9007199254740992.0 && v->d < 9007199254740992.0)
		sb_fmt(b, "%lld", (long long)v->d);
	else
		sb_fmt(b, "r%.17g", v->d);
}

static void sb_lower(sbuf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
		sb_add(b, &c, 1);
	}
}

/* Tokens of one text with the outer parentheses off: [lo, hi). */
typedef struct toks_of {
	const char *text;
	cw_toks t;
	size_t lo, hi;
} toks_of;

static int scan(toks_of *x, const char *text, cw_error *err)
{
	cw_toks init = CW_TOKS_INIT;
	int rc;

	x->text = text;
	x->t = init;
	x->lo = x->hi = 0;
	if ((rc = cw_sqlscan(&x->t, text, 0, strlen(text), err)) != 0)
		return rc;
	x->hi = x->t.n;
	while (x->hi - x->lo >= 2 &&
	       cw_tok_punct(text, &x->t.items[x->lo], '(') &&
	       cw_schema_match_paren(text, x->t.items, x->hi, x->lo) ==
	       x->hi - 1) {
		x->lo++;
		x->hi--;
	}
	return 0;
}

/* Append token k canonically: names unquoted in lower case, numbers by
** value, blobs in lower case, anything else as written. */
static void sb_tok(sbuf *b, const toks_of *x, size_t k)
{
	const cw_tok *t = &x->t.items[k];
	num v;

	if (t->type == CW_TOK_WORD || t->type == CW_TOK_QID) {
		char *name = cw_tok_name(x->text, t);
		if (name == NULL) {
			b->is_oom = 1;
			return;
		}
		sb_lower(b, name);
		free(name);
	} else if (t->type == CW_TOK_NUMBER) {
		num_of(x->text + t->off, t->len, 0, &v);
		sb_num(b, &v, 0);
	} else if (t->type == CW_TOK_BLOB) {
		char *raw = cw_schema_strndup(x->text + t->off, t->len);
		if (raw == NULL) {
			b->is_oom = 1;
			return;
		}
		sb_lower(b, raw);
		free(raw);
	} else {
		sb_add(b, x->text + t->off, t->len);
	}
}

/* 1 if token k names `table` and is followed by '.' and a name. */
static int own_qualifier(const toks_of *x, size_t k, const char *table)
{
	char *name;
	int yes;

	if (table == NULL || k + 2 >= x->hi ||
	    !cw_tok_is_name(&x->t.items[k]) ||
	    x->t.items[k].type == CW_TOK_STRING ||
	    !cw_tok_punct(x->text, &x->t.items[k + 1], '.') ||
	    !cw_tok_is_name(&x->t.items[k + 2]))
		return 0;
	if ((name = cw_tok_name(x->text, &x->t.items[k])) == NULL)
		return 0;
	yes = cw_sqlscan_name_eq(name, table);
	free(name);
	return yes;
}

/* The canonical spelling of an expression of `table` (NULL: none). */
static int norm_expr(char **out, const char *sql, const char *table,
		     cw_error *err)
{
	sbuf b = {0};
	toks_of x;
	size_t k;
	int rc;

	*out = NULL;
	if (sql == NULL)
		return 0;
	if ((rc = scan(&x, sql, err)) != 0)
		return rc;
	for (k = x.lo; k < x.hi; k++) {
		if (own_qualifier(&x, k, table)) {
			k++;
			continue;
		}
		if (b.n > 0)
			sb_add(&b, " ", 1);
		sb_tok(&b, &x, k);
	}
	cw_toks_free(&x.t);
	if ((*out = sb_take(&b)) == NULL)
		return cw_schema_oom(err, "comparing expressions");
	return 0;
}

/* A string literal's content (quotes off, '' undone) into b. */
static void sb_string_content(sbuf *b, const char *text, const cw_tok *t)
{
	size_t k;

	for (k = 1; k + 1 < t->len; k++) {
		sb_add(b, text + t->off + k, 1);
		if (text[t->off + k] == '\'')
			k++;
	}
}

/* 1 if s is a number as SQLite converts text under numeric affinity
** (a subset: sign, digits, point, exponent, nothing around them). */
static int numeric_text(const char *s, size_t n, num *out)
{
	size_t k = 0, digits = 0;
	int neg = 0;

	if (k < n && (s[k] == '+' || s[k] == '-'))
		neg = s[k++] == '-';
	while (k < n && s[k] >= '0' && s[k] <= '9')
		k++, digits++;
	if (k < n && s[k] == '.')
		for (k++; k < n && s[k] >= '0' && s[k] <= '9'; k++)
			digits++;
	if (digits == 0)
		return 0;
	if (k < n && (s[k] | 32) == 'e') {
		size_t e = ++k;
		if (k < n && (s[k] == '+' || s[k] == '-'))
			e = ++k;
		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == e)
			return 0;
	}
	if (k != n)
		return 0;
	k = (s[0] == '+' || s[0] == '-');
	num_of(s + k, n - k, neg, out);
	return 1;
}

static int is_time_keyword(const char *sql, const cw_tok *t)
{
	return cw_tok_is(sql, t, "CURRENT_TIME") ||
	       cw_tok_is(sql, t, "CURRENT_DATE") ||
	       cw_tok_is(sql, t, "CURRENT_TIMESTAMP");
}

/* The canonical spelling of a default under affinity aff (see the top
** of the file); NULL when there is no default. */
static int norm_default(char **out, const char *sql, cw_affinity aff,
			cw_error *err)
{
	sbuf b = {0};
	toks_of x;
	const cw_tok *t;
	int numeric = aff == CW_AFF_INTEGER || aff == CW_AFF_REAL ||
		      aff == CW_AFF_NUMERIC, rc, neg = 0;
	num v;

	*out = NULL;
	if (sql == NULL)
		return 0;
	if ((rc = scan(&x, sql, err)) != 0)
		return rc;
	t = &x.t.items[x.lo];
	if (x.hi == x.lo + 2 && (cw_tok_punct(sql, t, '-') ||
				 cw_tok_punct(sql, t, '+')) &&
	    t[1].type == CW_TOK_NUMBER) {
		neg = cw_tok_punct(sql, t, '-');
		t++;
	} else if (x.hi != x.lo + 1) {
		cw_toks_free(&x.t);
		if ((rc = norm_expr(&b.p, sql, NULL, err)) != 0)
			return rc;
		if ((*out = malloc(strlen(b.p) + 3)) == NULL) {
			free(b.p);
			return cw_schema_oom(err, "comparing defaults");
		}
		snprintf(*out, strlen(b.p) + 3, "e:%s", b.p);
		free(b.p);
		return 0;
	}
	if (cw_tok_is(sql, t, "NULL")) {
		cw_toks_free(&x.t);
		return 0;
	}
	if (cw_tok_is(sql, t, "TRUE") || cw_tok_is(sql, t, "FALSE")) {
		v.is_int = 1;
		v.i = cw_tok_is(sql, t, "TRUE");
		t = NULL;
	} else if (t->type == CW_TOK_NUMBER) {
		num_of(sql + t->off, t->len, neg, &v);
		t = NULL;
	} else if (t->type == CW_TOK_STRING || t->type == CW_TOK_QID ||
		   (t->type == CW_TOK_WORD && !is_time_keyword(sql, t))) {
		/* DEFAULT "x" and DEFAULT x are the string 'x' (parse.y:
		** ccons ::= DEFAULT scantok id). */
		sbuf c = {0};
		if (t->type == CW_TOK_STRING) {
			sb_string_content(&c, sql, t);
		} else {
			char *name = cw_tok_name(sql, t);
			sb_str(&c, name ? name : "");
			c.is_oom |= name == NULL;
			free(name);
		}
		if (numeric && c.p && numeric_text(c.p, c.n, &v)) {
			t = NULL;
		} else {
			sb_str(&b, "s:");
			if (c.p)
				sb_add(&b, c.p, c.n);
		}
		b.is_oom |= c.is_oom;
		free(c.p);
	} else {
		sb_str(&b, "e:");
		sb_tok(&b, &x, x.lo);
	}
	if (t == NULL && numeric) {
		sb_str(&b, "n:");
		sb_num(&b, &v, 1);
	} else if (t == NULL && aff == CW_AFF_TEXT && v.is_int) {
		sb_fmt(&b, "s:%lld", v.i);
	} else if (t == NULL) {
		sb_str(&b, v.is_int ? "i:" : "");
		sb_num(&b, &v, 0);
	}
	cw_toks_free(&x.t);
	if ((*out = sb_take(&b)) == NULL)
		return cw_schema_oom(err, "comparing defaults");
	return 0;
}

/* A declared type's canonical spelling: upper-case tokens. */
static int norm_type(char **out, const char *type, cw_error *err)
{
	char *p;
	int rc = norm_expr(out, type ? type : "", NULL, err);

	for (p = *out; rc == 0 && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return rc;
}

/* ---- the comparison ---- */

typedef struct cmp {
	cw_schema_diff *out;
	const cw_schema *a, *b;
	cw_schema_diff_options o;
	int snap;             /* either side is a snapshot */
	cw_error *err;
	int rc;               /* CW_ENOMEM once anything failed */
} cmp;

static void add(cmp *c, const char *table, const char *column,
		const char *what, const char *left, const char *right)
{
	cw_schema_difference *d;

	if (c->rc != 0)
		return;
	CW_SCHEMA_PUSH(c->out->items, c->out->n, d);
	if (d == NULL) {
		c->rc = cw_schema_oom(c->err, "a difference");
		return;
	}
	d->table = cw_schema_strdup(table);
	d->column = cw_schema_strdup(column);
	d->what = cw_schema_strdup(what);
	d->left = cw_schema_strdup(left ? left : "");
	d->right = cw_schema_strdup(right ? right : "");
	if ((table && !d->table) || (column && !d->column) || !d->what ||
	    !d->left || !d->right)
		c->rc = cw_schema_oom(c->err, "a difference");
}

/* 1 if the two canonical spellings are the same; both NULL is the same.
** Frees both. */
static int same_norm(char *x, char *y)
{
	int same = (x == NULL && y == NULL) ||
		   (x && y && strcmp(x, y) == 0);

	free(x);
	free(y);
	return same;
}

/* Compare two expressions of the tables ta and tb (names for their own
** qualifiers): 1 same, 0 different, -1 out of memory (c->rc set). */
static int same_expr(cmp *c, const char *x, const char *ta, const char *y,
		     const char *tb)
{
	char *nx = NULL, *ny = NULL;

	if (c->rc != 0)
		return -1;
	if ((c->rc = norm_expr(&nx, x, ta, c->err)) != 0 ||
	    (c->rc = norm_expr(&ny, y, tb, c->err)) != 0) {
		free(nx);
		return -1;
	}
	return same_norm(nx, ny);
}

/* ---- columns ---- */

/* 1 if c is NOT NULL whatever its text says: the one column of an
** INTEGER PRIMARY KEY (a rowid alias, never NULL) or a key column of a
** WITHOUT ROWID table. */
static int implied_not_null(const cw_schema_table *t,
			    const cw_schema_column *c)
{
	size_t i, n_pk = 0;

	if (c->pk == 0)
		return 0;
	if (t->without_rowid)
		return 1;
	for (i = 0; i < t->n_columns; i++)
		n_pk += t->columns[i].pk > 0;
	return n_pk == 1 && cw_sqlscan_name_eq(c->type, "INTEGER");
}

static void pk_text(char *buf, size_t n, const cw_schema_table *t,
		    const cw_schema_column *c)
{
	size_t i, n_pk = 0;

	for (i = 0; i < t->n_columns; i++)
		n_pk += t->columns[i].pk > 0;
	if (c->pk == 0)
		buf[0] = '\0';
	else if (n_pk == 1)
		snprintf(buf, n, "PRIMARY KEY");
	else
		snprintf(buf, n, "PRIMARY KEY column %d of %zu", c->pk, n_pk);
}

/* A column as a short definition: name type [constraints]. */
static char *column_text(const cw_schema_table *t, const cw_schema_column *c)
{
	sbuf b = {0};
	char pk[64];

	pk_text(pk, sizeof(pk), t, c);
	sb_str(&b, c->name);
	if (c->type && c->type[0]) {
		sb_str(&b, " ");
		sb_str(&b, c->type);
	}
	if (pk[0])
		sb_fmt(&b, " %s", pk);
	if (c->not_null)
		sb_str(&b, " NOT NULL");
	if (c->default_sql) {
		sb_str(&b, " DEFAULT ");
		sb_str(&b, c->default_sql);
	}
	return sb_take(&b);
}

static char *generated_text(const cw_schema_column *c)
{
	sbuf b = {0};

	if (c->generated == CW_GEN_NONE)
		return sb_take(&b);
	sb_str(&b, "AS (");
	sb_str(&b, c->generated_sql ? c->generated_sql : "");
	sb_str(&b, c->generated == CW_GEN_STORED ? ") STORED" : ") VIRTUAL");
	return sb_take(&b);
}

static void compare_generated(cmp *c, const cw_schema_table *ta,
			      const cw_schema_column *x,
			      const cw_schema_table *tb,
			      const cw_schema_column *y)
{
	char *l, *r;
	int same = x->generated == y->generated;

	if (same && x->generated != CW_GEN_NONE)
		same = same_expr(c, x->generated_sql, ta->name,
				 y->generated_sql, tb->name);
	if (same != 0)
		return;
	l = generated_text(x);
	r = generated_text(y);
	if (l && r)
		add(c, ta->name, x->name, "generated", l, r);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(l);
	free(r);
}

static const char *binary_if_none(const char *collate)
{
	return collate ? collate : "BINARY";
}

static void compare_column(cmp *c, const cw_schema_table *ta,
			   const cw_schema_column *x,
			   const cw_schema_table *tb,
			   const cw_schema_column *y)
{
	char *nx = NULL, *ny = NULL, pl[64], pr[64];

	if ((c->rc = norm_type(&nx, x->type, c->err)) != 0 ||
	    (c->rc = norm_type(&ny, y->type, c->err)) != 0) {
		free(nx);
		return;
	}
	if (!same_norm(nx, ny))
		add(c, ta->name, x->name, "type", x->type, y->type);
	if (x->not_null != y->not_null &&
	    !(implied_not_null(ta, x) && implied_not_null(tb, y)))
		add(c, ta->name, x->name, "not null",
		    x->not_null ? "NOT NULL" : "", y->not_null ? "NOT NULL" :
		    "");
	if (c->rc == 0 &&
	    ((c->rc = norm_default(&nx, x->default_sql, x->affinity,
				   c->err)) != 0 ||
	     (c->rc = norm_default(&ny, y->default_sql, y->affinity,
				   c->err)) != 0)) {
		free(nx);
		return;
	}
	if (c->rc == 0 && !same_norm(nx, ny))
		add(c, ta->name, x->name, "default", x->default_sql,
		    y->default_sql);
	pk_text(pl, sizeof(pl), ta, x);
	pk_text(pr, sizeof(pr), tb, y);
	if (x->pk != y->pk)
		add(c, ta->name, x->name, "primary key", pl, pr);
	if (x->autoincrement != y->autoincrement)
		add(c, ta->name, x->name, "autoincrement",
		    x->autoincrement ? "AUTOINCREMENT" : "",
		    y->autoincrement ? "AUTOINCREMENT" : "");
	compare_generated(c, ta, x, tb, y);
	if (!c->snap && !cw_sqlscan_name_eq(binary_if_none(x->collate),
					    binary_if_none(y->collate)))
		add(c, ta->name, x->name, "collate", x->collate, y->collate);
}

/* "extra column" or "missing column": the one side's definition. */
static void one_sided_column(cmp *c, const char *table,
			     const cw_schema_table *t,
			     const cw_schema_column *col, int in_a)
{
	char *def = column_text(t, col);

	if (def == NULL) {
		c->rc = cw_schema_oom(c->err, "a difference");
		return;
	}
	add(c, table, col->name, in_a ? "extra column" : "missing column",
	    in_a ? def : "", in_a ? "" : def);
	free(def);
}

static void compare_columns(cmp *c, const cw_schema_table *ta,
			    const cw_schema_table *tb)
{
	size_t i;

	for (i = 0; c->rc == 0 && i < ta->n_columns; i++) {
		const cw_schema_column *y =
			cw_schema_column_find(tb, ta->columns[i].name);
		if (y == NULL)
			one_sided_column(c, ta->name, ta, &ta->columns[i], 1);
		else
			compare_column(c, ta, &ta->columns[i], tb, y);
	}
	for (i = 0; c->rc == 0 && i < tb->n_columns; i++)
		if (!cw_schema_column_find(ta, tb->columns[i].name))
			one_sided_column(c, ta->name, tb, &tb->columns[i], 0);
}

/* ---- foreign keys ---- */

/* Parent column i of f, the parent's key filled in when implied (NULL
** when that cannot be known). */
static const char *fk_to(const cw_schema *s, const cw_schema_fk *f,
			 size_t i)
{
	const cw_schema_table *p;
	size_t k;

	if (f->to[i])
		return f->to[i];
	if ((p = cw_schema_find(s, f->parent)) == NULL)
		return NULL;
	for (k = 0; k < p->n_columns; k++)
		if (p->columns[k].pk == (int)i + 1)
			return p->columns[k].name;
	return NULL;
}

static const char *action(const char *a)
{
	return a && a[0] ? a : "NO ACTION";
}

/* "(a, b) REFERENCES p(x, y)", and with what_all its actions too. */
static char *fk_text(const cw_schema *s, const cw_schema_fk *f,
		     int what_all)
{
	sbuf b = {0};
	size_t i;

	sb_str(&b, "(");
	for (i = 0; i < f->n; i++) {
		sb_str(&b, i ? ", " : "");
		sb_str(&b, f->from[i] ? f->from[i] : "");
	}
	sb_str(&b, ") REFERENCES ");
	sb_str(&b, f->parent ? f->parent : "");
	sb_str(&b, "(");
	for (i = 0; i < f->n; i++) {
		const char *to = fk_to(s, f, i);
		sb_str(&b, i ? ", " : "");
		sb_str(&b, to ? to : "?");
	}
	sb_str(&b, ")");
	if (what_all) {
		sb_fmt(&b, " ON DELETE %s", action(f->on_delete));
		sb_fmt(&b, " ON UPDATE %s", action(f->on_update));
		if (f->deferred)
			sb_str(&b, " DEFERRABLE INITIALLY DEFERRED");
	}
	return sb_take(&b);
}

/* Same child columns and parent: the same foreign key, maybe changed. */
static int same_fk_key(const cw_schema_fk *x, const cw_schema_fk *y)
{
	size_t i;

	if (x->n != y->n || !cw_sqlscan_name_eq(x->parent, y->parent))
		return 0;
	for (i = 0; i < x->n; i++)
		if (!cw_sqlscan_name_eq(x->from[i], y->from[i]))
			return 0;
	return 1;
}

static int same_fk_to(const cmp *c, const cw_schema_fk *x,
		      const cw_schema_fk *y)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		const char *l = fk_to(c->a, x, i), *r = fk_to(c->b, y, i);
		if (!(l == NULL && r == NULL) &&
		    !(l && r && cw_sqlscan_name_eq(l, r)))
			return 0;
	}
	return 1;
}

static void compare_fk(cmp *c, const char *table, const cw_schema_fk *x,
		       const cw_schema_fk *y)
{
	char *key = fk_text(c->a, x, 0), *l = fk_text(c->a, x, 1),
	     *r = fk_text(c->b, y, 1);

	if (key == NULL || l == NULL || r == NULL) {
		c->rc = cw_schema_oom(c->err, "a difference");
	} else {
		if (!same_fk_to(c, x, y))
			add(c, table, key, "foreign key columns", l, r);
		if (!cw_sqlscan_name_eq(action(x->on_delete),
					action(y->on_delete)))
			add(c, table, key, "on delete", action(x->on_delete),
			    action(y->on_delete));
		if (!cw_sqlscan_name_eq(action(x->on_update),
					action(y->on_update)))
			add(c, table, key, "on update", action(x->on_update),
			    action(y->on_update));
		if (!c->snap && x->deferred != y->deferred)
			add(c, table, key, "deferrable", x->deferred ?
			    "DEFERRABLE INITIALLY DEFERRED" : "",
			    y->deferred ? "DEFERRABLE INITIALLY DEFERRED" :
			    "");
	}
	free(key);
	free(l);
	free(r);
}

static void one_sided_fk(cmp *c, const char *table, const cw_schema *s,
			 const cw_schema_fk *f, int in_a)
{
	char *key = fk_text(s, f, 0), *all = fk_text(s, f, 1);

	if (key && all)
		add(c, table, key, in_a ? "extra foreign key" :
		    "missing foreign key", in_a ? all : "", in_a ? "" : all);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(key);
	free(all);
}

static void compare_fks(cmp *c, const cw_schema_table *ta,
			const cw_schema_table *tb)
{
	unsigned char *used = calloc(tb->n_fks + 1, 1);
	size_t i, k;

	if (used == NULL) {
		c->rc = cw_schema_oom(c->err, "comparing foreign keys");
		return;
	}
	for (i = 0; c->rc == 0 && i < ta->n_fks; i++) {
		for (k = 0; k < tb->n_fks; k++)
			if (!used[k] && same_fk_key(&ta->fks[i], &tb->fks[k]))
				break;
		if (k == tb->n_fks) {
			one_sided_fk(c, ta->name, c->a, &ta->fks[i], 1);
			continue;
		}
		used[k] = 1;
		compare_fk(c, ta->name, &ta->fks[i], &tb->fks[k]);
	}
	for (k = 0; c->rc == 0 && k < tb->n_fks; k++)
		if (!used[k])
			one_sided_fk(c, ta->name, c->b, &tb->fks[k], 0);
	free(used);
}

/* ---- indexes ---- */

/* An index's canonical key items and WHERE. */
typedef struct idx_norm {
	char *cols;
	char *where;
	int skip;              /* a primary key's index: not compared */
	int used;
} idx_norm;

static void norms_free(idx_norm *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].cols);
		free(v[i].where);
	}
	free(v);
}

static idx_norm *norm_indexes(cmp *c, const cw_schema_table *t)
{
	idx_norm *v = calloc(t->n_indexes + 1, sizeof(*v));
	size_t i, k;

	if (v == NULL) {
		c->rc = cw_schema_oom(c->err, "comparing indexes");
		return NULL;
	}
	for (i = 0; c->rc == 0 && i < t->n_indexes; i++) {
		const cw_schema_index *x = &t->indexes[i];
		sbuf b = {0};
		v[i].skip = x->origin == 'p';
		for (k = 0; c->rc == 0 && k < x->n_columns; k++) {
			char *one = NULL;
			c->rc = norm_expr(&one, x->columns[k] ? x->columns[k] :
					  "", t->name, c->err);
			sb_str(&b, k ? " , " : "");
			sb_str(&b, one ? one : "");
			free(one);
		}
		if ((v[i].cols = sb_take(&b)) == NULL && c->rc == 0)
			c->rc = cw_schema_oom(c->err, "comparing indexes");
		if (c->rc == 0)
			c->rc = norm_expr(&v[i].where, x->where, t->name,
					  c->err);
	}
	if (c->rc != 0) {
		norms_free(v, t->n_indexes);
		return NULL;
	}
	return v;
}

static int str_same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x && y && strcmp(x, y) == 0);
}

/* "(a, lower(b))" */
static char *index_columns(const cw_schema_index *x)
{
	sbuf b = {0};
	size_t k;

	sb_str(&b, "(");
	for (k = 0; k < x->n_columns; k++) {
		sb_str(&b, k ? ", " : "");
		sb_str(&b, x->columns[k] ? x->columns[k] : "");
	}
	sb_str(&b, ")");
	return sb_take(&b);
}

/* "UNIQUE INDEX name (a, b) WHERE w" */
static char *index_text(const cw_schema_index *x)
{
	char *cols = index_columns(x);
	sbuf b = {0};

	sb_str(&b, x->unique ? "UNIQUE INDEX " : "INDEX ");
	sb_str(&b, x->name ? x->name : "");
	sb_str(&b, " ");
	sb_str(&b, cols ? cols : "");
	b.is_oom |= cols == NULL;
	if (x->where) {
		sb_str(&b, " WHERE ");
		sb_str(&b, x->where);
	}
	free(cols);
	return sb_take(&b);
}

/* Two indexes taken as one: what differs besides (maybe) the name. */
static void compare_index(cmp *c, const char *table,
			  const cw_schema_index *x, const idx_norm *nx,
			  const cw_schema_index *y, const idx_norm *ny,
			  int check_name)
{
	if (check_name && !cw_sqlscan_name_eq(x->name, y->name))
		add(c, table, x->name, "index name", x->name, y->name);
	if (x->unique != y->unique)
		add(c, table, x->name, "unique index", x->unique ? "UNIQUE" :
		    "", y->unique ? "UNIQUE" : "");
	if (strcmp(nx->cols, ny->cols) != 0) {
		char *l = index_columns(x), *r = index_columns(y);
		if (l && r)
			add(c, table, x->name, "index columns", l, r);
		else
			c->rc = cw_schema_oom(c->err, "a difference");
		free(l);
		free(r);
	}
	if (!str_same(nx->where, ny->where))
		add(c, table, x->name, "index where", x->where, y->where);
}

/* How indexes pair up: 0 by name, 1 by all they are, 2 by columns. */
static int pairs(int pass, const cw_schema_index *x, const idx_norm *nx,
		 const cw_schema_index *y, const idx_norm *ny)
{
	if (pass == 0)
		return cw_sqlscan_name_eq(x->name, y->name);
	if (strcmp(nx->cols, ny->cols) != 0)
		return 0;
	return pass == 2 || (x->unique == y->unique &&
			     str_same(nx->where, ny->where));
}

static void one_sided_index(cmp *c, const char *table,
			    const cw_schema_index *x, int in_a)
{
	char *t = index_text(x);

	if (t)
		add(c, table, x->name, in_a ? "extra index" : "missing index",
		    in_a ? t : "", in_a ? "" : t);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(t);
}

static void compare_indexes(cmp *c, const cw_schema_table *ta,
			    const cw_schema_table *tb)
{
	idx_norm *na = norm_indexes(c, ta), *nb = norm_indexes(c, tb);
	int pass, by_name = !c->o.ignore_index_names;
	size_t i, k;

	for (pass = by_name ? 0 : 1; na && nb && pass < 3; pass++) {
		for (i = 0; c->rc == 0 && i < ta->n_indexes; i++) {
			if (na[i].skip || na[i].used)
				continue;
			for (k = 0; k < tb->n_indexes; k++)
				if (!nb[k].skip && !nb[k].used &&
				    pairs(pass, &ta->indexes[i], &na[i],
					  &tb->indexes[k], &nb[k]))
					break;
			if (k == tb->n_indexes)
				continue;
			na[i].used = nb[k].used = 1;
			compare_index(c, ta->name, &ta->indexes[i], &na[i],
				      &tb->indexes[k], &nb[k], by_name);
		}
	}
	for (i = 0; na && nb && c->rc == 0 && i < ta->n_indexes; i++)
		if (!na[i].skip && !na[i].used)
			one_sided_index(c, ta->name, &ta->indexes[i], 1);
	for (k = 0; na && nb && c->rc == 0 && k < tb->n_indexes; k++)
		if (!nb[k].skip && !nb[k].used)
			one_sided_index(c, ta->name, &tb->indexes[k], 0);
	norms_free(na, ta->n_indexes);
	norms_free(nb, tb->n_indexes);
}

/* ---- checks ---- */

static char *check_text(const cw_schema_check *k)
{
	sbuf b = {0};

	if (k->name) {
		sb_str(&b, "CONSTRAINT ");
		sb_str(&b, k->name);
		sb_str(&b, " ");
	}
	sb_str(&b, "CHECK (");
	sb_str(&b, k->expr ? k->expr : "");
	sb_str(&b, ")");
	return sb_take(&b);
}

static void one_sided_check(cmp *c, const char *table,
			    const cw_schema_check *k, int in_a)
{
	char *t = check_text(k);

	if (t)
		add(c, table, k->name, in_a ? "extra check" : "missing check",
		    in_a ? t : "", in_a ? "" : t);
	else
		c->rc = cw_schema_oom(c->err, "a difference");
	free(t);
}

static void compare_checks(cmp *c, const cw_schema_table *ta,
			   const cw_schema_table *tb)
{
	unsigned char *used = calloc(tb->n_checks + 1, 1);
	size_t i, k;

	if (used == NULL) {
		c->rc = cw_schema_oom(c->err, "comparing checks");
		return;
	}
	for (i = 0; c->rc == 0 && i < ta->n_checks; i++) {
		const cw_schema_check *x = &ta->checks[i];
		int same = 0;
		for (k = 0; c->rc == 0 && k < tb->n_checks; k++)
			if (!used[k] && (same = same_expr(c, x->expr,
					 ta->name, tb->checks[k].expr,
					 tb->name)) == 1)
				break;
		if (c->rc != 0)
			break;
		if (same != 1) {
			one_sided_check(c, ta->name, x, 1);
			continue;
		}
		used[k] = 1;
		if (!cw_sqlscan_name_eq(x->name ? x->name : "",
					tb->checks[k].name ?
					tb->checks[k].name : ""))
			add(c, ta->name, x->name ? x->name :
			    tb->checks[k].name, "check name", x->name,
			    tb->checks[k].name);
	}
	for (k = 0; c->rc == 0 && k < tb->n_checks; k++)
		if (!used[k])
			one_sided_check(c, ta->name, &tb->checks[k], 0);
	free(used);
}

/* ---- tables and the rest ---- */

static void compare_table(cmp *c, const cw_schema_table *ta,
			  const cw_schema_table *tb)
{
	compare_columns(c, ta, tb);
	if (!c->snap && ta->without_rowid != tb->without_rowid)
		add(c, ta->name, NULL, "without rowid", ta->without_rowid ?
		    "WITHOUT ROWID" : "", tb->without_rowid ?
		    "WITHOUT ROWID" : "");
	if (!c->snap && ta->strict != tb->strict)
		add(c, ta->name, NULL, "strict", ta->strict ? "STRICT" : "",
		    tb->strict ? "STRICT" : "");
	if (c->rc == 0)
		compare_fks(c, ta, tb);
	if (c->rc == 0)
		compare_indexes(c, ta, tb);
	if (c->rc == 0 && !c->o.ignore_checks)
		compare_checks(c, ta, tb);
}

static const cw_schema_object *object_find(const cw_schema_object *v,
					   size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cw_sqlscan_name_eq(v[i].name, name))
			return &v[i];
	return NULL;
}

/* What of an object is compared: a view's SELECT, else its text. */
static int object_body(char **out, const cw_schema *s,
		       const cw_schema_object *o, int is_view, cw_error *err)
{
	*out = NULL;
	if (is_view && !s->is_snapshot && o->sql)
		return cw_sql_view_select(out, o->sql, err);
	if (o->sql && (*out = cw_schema_strdup(o->sql)) == NULL)
		return cw_schema_oom(err, "comparing views");
	return 0;
}

/* Triggers (kind "trigger"), views or virtual tables of a and b. */
static void compare_objects(cmp *c, const char *kind, int is_view,
			    const cw_schema_object *va, size_t na,
			    const cw_schema_object *vb, size_t nb)
{
	char what[64];
	size_t i;

	for (i = 0; c->rc == 0 && i < na; i++) {
		const cw_schema_object *x = &va[i], *y =
			object_find(vb, nb, x->name);
		const char *table = is_view ? NULL : x->table ? x->table :
				    x->name;
		const char *col = is_view || x->table ? x->name : NULL;
		char *bx = NULL, *by = NULL;
		if (y == NULL) {
			snprintf(what, sizeof(what), "extra %s", kind);
			add(c, table, col, what, x->sql, "");
			continue;
		}
		if ((c->rc = object_body(&bx, c->a, x, is_view, c->err)) ||
		    (c->rc = object_body(&by, c->b, y, is_view, c->err))) {
			free(bx);
			break;
		}
		/* A snapshot's view without a definition says nothing. */
		if (bx && by && same_expr(c, bx, NULL, by, NULL) == 0)
			add(c, table, col, kind, x->sql, y->sql);
		free(bx);
		free(by);
	}
	for (i = 0; c->rc == 0 && i < nb; i++) {
		const cw_schema_object *y = &vb[i];
		if (object_find(va, na, y->name))
			continue;
		snprintf(what, sizeof(what), "missing %s", kind);
		add(c, is_view ? NULL : y->table ? y->table : y->name,
		    is_view || y->table ? y->name : NULL, what, "", y->sql);
	}
}

int cw_schema_compare(cw_schema_diff *out, const cw_schema *a,
		      const cw_schema *b, const cw_schema_diff_options *o,
		      cw_error *err)
{
	cw_schema_diff_options none = CW_SCHEMA_DIFF_OPTIONS_INIT;
	cmp c;
	size_t i;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.out = out;
	c.a = a;
	c.b = b;
	c.o = o ? *o : none;
	c.snap = a->is_snapshot || b->is_snapshot;
	c.err = err;
	for (i = 0; c.rc == 0 && i < a->n_tables; i++) {
		const cw_schema_table *ta = &a->tables[i];
		const cw_schema_table *tb = cw_schema_find(b, ta->name);
		if (tb == NULL)
			add(&c, ta->name, NULL, "extra table", ta->name, "");
		else
			compare_table(&c, ta, tb);
	}
	for (i = 0; c.rc == 0 && i < b->n_tables; i++)
		if (!cw_schema_find(a, b->tables[i].name))
			add(&c, b->tables[i].name, NULL, "missing table", "",
			    b->tables[i].name);
	if (!c.o.ignore_triggers_views) {
		compare_objects(&c, "view", 1, a->views, a->n_views,
				b->views, b->n_views);
		if (!c.snap)
			compare_objects(&c, "trigger", 0, a->triggers,
					a->n_triggers, b->triggers,
					b->n_triggers);
	}
	if (!c.snap)
		compare_objects(&c, "virtual table", 0, a->virtual_tables,
				a->n_virtual_tables, b->virtual_tables,
				b->n_virtual_tables);
	if (c.rc != 0)
		cw_schema_diff_free(out);
	return c.rc;
}

void cw_schema_diff_free(cw_schema_diff *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].table);
		free(d->items[i].column);
		free(d->items[i].what);
		free(d->items[i].left);
		free(d->items[i].right);
	}
	free(d->items);
	d->items = NULL;
	d->n = 0;
}

const char *cw_schema_difference_text(char *buf, size_t n,
				      const cw_schema_difference *d)
{
	snprintf(buf, n, "%s%s%s: %s: '%s' vs '%s'",
		 d->table ? d->table : "", d->column ? "." : "",
		 d->column ? d->column : "", d->what, d->left, d->right);
	return buf;
}
