/*
** schema_norm.c - the canonical spelling of what the schema comparison
** compares as text: expressions, defaults and declared types.  Two texts
** SQLite reads as the same thing get the same spelling:
**  - identifiers: "x", `x`, [x] and x, in any letter case; keywords in
**    any letter case; whitespace and comments (everything is read as
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
**  - declared types by their upper-case tokens.
** Only what is provably the same is merged: a text that SQLite might
** read differently keeps its own spelling.
*/
#include "schema_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

	if (len >= sizeof(buf)) {
		/* Far past 64 bits: a real.  strtod stops where the token
		** does, since what follows it cannot continue a number. */
		out->is_int = 0;
		out->d = strtod(text, NULL);
		out->d = neg ? -out->d : out->d;
		return;
	}
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

static void sb_num(cw_strbuf *b, const num *v, int merge_integral)
{
	if (v->is_int)
		cw_strbuf_fmt(b, "%lld", v->i);
	else if (merge_integral && v->d > -9007199254740992.0 &&
		 v->d < 9007199254740992.0 && v->d == (double)(long long)v->d)
		cw_strbuf_fmt(b, "%lld", (long long)v->d);
	else
		cw_strbuf_fmt(b, "r%.17g", v->d);
}

static void sb_lower(cw_strbuf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s;
		cw_strbuf_add(b, &c, 1);
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
static void sb_tok(cw_strbuf *b, const toks_of *x, size_t k)
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
		cw_strbuf_add(b, x->text + t->off, t->len);
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
int cw_norm_expr(char **out, const char *sql, const char *table,
		 cw_error *err)
{
	cw_strbuf b = {0};
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
			cw_strbuf_add(&b, " ", 1);
		sb_tok(&b, &x, k);
	}
	cw_toks_free(&x.t);
	if ((*out = cw_strbuf_take(&b)) == NULL)
		return cw_schema_oom(err, "comparing expressions");
	return 0;
}

/* A string literal's content (quotes off, '' undone) into b. */
static void sb_string_content(cw_strbuf *b, const char *text, const cw_tok *t)
{
	size_t k;

	for (k = 1; k + 1 < t->len; k++) {
		cw_strbuf_add(b, text + t->off + k, 1);
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
int cw_norm_default(char **out, const char *sql, cw_affinity aff,
		    cw_error *err)
{
	cw_strbuf b = {0};
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
		if ((rc = cw_norm_expr(&b.p, sql, NULL, err)) != 0)
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
		cw_strbuf c = {0};
		if (t->type == CW_TOK_STRING) {
			sb_string_content(&c, sql, t);
		} else {
			char *name = cw_tok_name(sql, t);
			cw_strbuf_str(&c, name ? name : "");
			c.is_oom |= name == NULL;
			free(name);
		}
		if (numeric && c.p && numeric_text(c.p, c.n, &v)) {
			t = NULL;
		} else {
			cw_strbuf_str(&b, "s:");
			if (c.p)
				cw_strbuf_add(&b, c.p, c.n);
		}
		b.is_oom |= c.is_oom;
		free(c.p);
	} else {
		cw_strbuf_str(&b, "e:");
		sb_tok(&b, &x, x.lo);
	}
	if (t == NULL && numeric) {
		cw_strbuf_str(&b, "n:");
		sb_num(&b, &v, 1);
	} else if (t == NULL && aff == CW_AFF_TEXT && v.is_int) {
		cw_strbuf_fmt(&b, "s:%lld", v.i);
	} else if (t == NULL) {
		cw_strbuf_str(&b, v.is_int ? "i:" : "");
		sb_num(&b, &v, 0);
	}
	cw_toks_free(&x.t);
	if ((*out = cw_strbuf_take(&b)) == NULL)
		return cw_schema_oom(err, "comparing defaults");
	return 0;
}

/* A declared type's canonical spelling: upper-case tokens. */
int cw_norm_type(char **out, const char *type, cw_error *err)
{
	char *p;
	int rc = cw_norm_expr(out, type ? type : "", NULL, err);

	for (p = *out; rc == 0 && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return rc;
}
