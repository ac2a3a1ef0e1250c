/*
** datagen_check.c - what the generator reads from SQL text: simple CHECK
** constraints as domains of single columns, and the columns a folder
** uses as JSON.
**
** A CHECK is read with sqlscan.h's tokenizer (so a keyword inside a string
** never counts), split at its top-level ANDs (the AND of a BETWEEN is not
** one of them), and each part matched against a few shapes:
**   x op N, N op x          op: < <= > >= = == <> !=
**   x [NOT] IN (v, ...)     numbers or strings
**   x [NOT] BETWEEN a AND b
**   length(x) op N, length(x) BETWEEN a AND b   (also length(trim(x)))
**   x IS NOT NULL, x NOTNULL, json_valid(x)
** "x IS NULL OR <part>" is read as <part> (a value meeting it also meets
** the CHECK).  Anything else is left to the INSERT, which SQLite judges;
** the generator then draws again.
*/
#include "datagen_int.h"
#include "sqlscan.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct expr {
	const char *text;
	const cw_tok *t;
	size_t n;
	const cw_schema_table *table;
	dg_col *cols;
	cw_error *err;
	int rc;
} expr;

int dg_names_has(const cw_datagen_names *n, const char *name)
{
	size_t i;

	for (i = 0; n && i < n->n; i++)
		if (strcasecmp(n->items[i], name) == 0)
			return 1;
	return 0;
}

int dg_names_add(cw_datagen_names *n, const char *name, cw_error *err)
{
	char **items, *copy;

	if (dg_names_has(n, name))
		return 0;
	copy = strdup(name);
	items = copy ? realloc(n->items, (n->n + 1) * sizeof(*items)) : NULL;
	if (items == NULL) {
		free(copy);
		return cw_error_set(err, CW_ENOMEM, "", "", 0,
				    "out of memory listing JSON columns");
	}
	n->items = items;
	n->items[n->n++] = copy;
	return 0;
}

void cw_datagen_names_free(cw_datagen_names *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		free(n->items[i]);
	free(n->items);
	n->items = NULL;
	n->n = 0;
}

void dg_domain_free(dg_domain *d)
{
	size_t i;

	for (i = 0; i < d->n_in; i++)
		free(d->in[i]);
	for (i = 0; i < d->n_out; i++)
		free(d->out[i]);
	free(d->in);
	free(d->in_is_num);
	free(d->out);
	memset(d, 0, sizeof(*d));
	d->min_len = d->max_len = -1;
}

/* ---- tokens ---- */

static int is_kw(const expr *e, size_t i, const char *kw)
{
	return i < e->n && cw_tok_is(e->text, &e->t[i], kw);
}

static int is_p(const expr *e, size_t i, char c)
{
	return i < e->n && cw_tok_punct(e->text, &e->t[i], c);
}

/* The index of the ')' matching the '(' at i, or e->n. */
static size_t close_of(const expr *e, size_t i)
{
	size_t depth = 0;

	for (; i < e->n; i++) {
		if (is_p(e, i, '('))
			depth++;
		else if (is_p(e, i, ')') && --depth == 0)
			return i;
	}
	return e->n;
}

/* The column a name token at i names, or -1. */
static long column_at(const expr *e, size_t i)
{
	const cw_tok *tok;
	char *name;
	long found = -1;
	size_t k;

	if (i >= e->n)
		return -1;
	tok = &e->t[i];
	if (tok->type != CW_TOK_WORD && tok->type != CW_TOK_QID)
		return -1;
	name = cw_tok_name(e->text, tok);
	for (k = 0; name && k < e->table->n_columns; k++)
		if (strcasecmp(e->table->columns[k].name, name) == 0)
			found = (long)k;
	free(name);
	return found;
}

/* A comparison operator of one or two bytes at i: its spelling in op
** (NUL-terminated) and its token count, or 0. */
static size_t op_at(const expr *e, size_t i, char op[3])
{
	static const char *const two[] = {"<=", ">=", "<>", "!=", "=="};
	size_t k;

	if (i >= e->n || e->t[i].type != CW_TOK_PUNCT)
		return 0;
	op[0] = e->text[e->t[i].off];
	op[1] = op[2] = '\0';
	if (i + 1 < e->n && e->t[i + 1].type == CW_TOK_PUNCT &&
	    e->t[i + 1].off == e->t[i].off + 1) {
		op[1] = e->text[e->t[i + 1].off];
		for (k = 0; k < 5; k++)
			if (strcmp(op, two[k]) == 0)
				return 2;
		op[1] = '\0';
	}
	return strchr("<>=", op[0]) ? 1 : 0;
}

/* A literal at i: a number (signed), a string, TRUE or FALSE.  *out is its
** text (caller frees), *is_num says which; returns the token count, 0
** when there is none. */
static size_t literal_at(const expr *e, size_t i, char **out, int *is_num)
{
	size_t sign = (is_p(e, i, '-') || is_p(e, i, '+')) ? 1 : 0;
	const cw_tok *tok;

	*out = NULL;
	if (i + sign >= e->n)
		return 0;
	tok = &e->t[i + sign];
	if (tok->type == CW_TOK_NUMBER) {
		*out = malloc(tok->len + 2);
		if (*out == NULL)
			return 0;
		(*out)[0] = sign && is_p(e, i, '-') ? '-' : '+';
		memcpy(*out + 1, e->text + tok->off, tok->len);
		(*out)[tok->len + 1] = '\0';
		*is_num = 1;
		return sign + 1;
	}
	if (sign)
		return 0;
	if (tok->type == CW_TOK_STRING) {
		*out = cw_tok_name(e->text, tok);
		*is_num = 0;
		return *out ? 1 : 0;
	}
	if (is_kw(e, i, "TRUE") || is_kw(e, i, "FALSE")) {
		*out = strdup(is_kw(e, i, "TRUE") ? "+1" : "+0");
		*is_num = 1;
		return *out ? 1 : 0;
	}
	return 0;
}

static int nomem(expr *e)
{
	e->rc = cw_error_set(e->err, CW_ENOMEM, "", "", 0,
			     "out of memory reading a CHECK constraint");
	return e->rc;
}

static void push(expr *e, char ***list, int **nums, size_t *n, char *v,
		 int is_num)
{
	char **l = realloc(*list, (*n + 1) * sizeof(**list));
	int *k = NULL;

	if (l)
		*list = l;
	if (l && nums) {
		k = realloc(*nums, (*n + 1) * sizeof(**nums));
		if (k)
			*nums = k;
	}
	if (l == NULL || (nums && k == NULL)) {
		free(v);
		nomem(e);
		return;
	}
	(*list)[*n] = v;
	if (nums)
		(*nums)[*n] = is_num;
	(*n)++;
}

/* ---- the shapes ---- */

static void bound(dg_domain *d, const char *op, double v, int flip)
{
	char o = op[0];

	if (flip && (o == '<' || o == '>'))
		o = o == '<' ? '>' : '<';
	if (o == '>' && (!d->has_lo || v >= d->lo)) {
		d->has_lo = 1;
		d->lo = v;
		d->lo_open = op[1] != '=';
	} else if (o == '<' && op[1] != '>' && (!d->has_hi || v <= d->hi)) {
		d->has_hi = 1;
		d->hi = v;
		d->hi_open = op[1] != '=';
	}
}

/* length(x) op N, or length(trim(x)) op N: the column and where the
** operator starts, or -1. */
static long length_of(const expr *e, size_t i, size_t *after)
{
	size_t close;
	long col;

	if (!is_kw(e, i, "length") || !is_p(e, i + 1, '('))
		return -1;
	close = close_of(e, i + 1);
	if (close == i + 3)
		col = column_at(e, i + 2);
	else if (close == i + 6 && (is_kw(e, i + 2, "trim")) &&
		 is_p(e, i + 3, '(') && is_p(e, i + 5, ')'))
		col = column_at(e, i + 4);
	else
		return -1;
	*after = close + 1;
	return col;
}

static void read_length(expr *e, dg_domain *d, size_t i, size_t end)
{
	char op[3], *lit = NULL, *hi = NULL;
	int is_num = 0, hn = 0;
	size_t k;

	if (is_kw(e, i, "BETWEEN")) {
		k = literal_at(e, i + 1, &lit, &is_num);
		if (k && is_num && is_kw(e, i + 1 + k, "AND") &&
		    literal_at(e, i + 2 + k, &hi, &hn) && hn) {
			d->min_len = atol(lit);
			d->max_len = atol(hi);
		}
	} else if ((k = op_at(e, i, op)) &&
		   literal_at(e, i + k, &lit, &is_num) + i + k == end &&
		   is_num) {
		long v = atol(lit);
		if (op[0] == '>')
			d->min_len = op[1] == '=' ? v : v + 1;
		else if (op[0] == '<' && op[1] != '>')
			d->max_len = op[1] == '=' ? v : v - 1;
		else if (op[0] == '=')
			d->min_len = d->max_len = v;
	}
	free(lit);
	free(hi);
}

static void read_in(expr *e, dg_domain *d, size_t i, int negated)
{
	size_t close = close_of(e, i), k;

	if (!is_p(e, i, '('))
		return;
	for (i++; i < close && e->rc == 0;) {
		char *v;
		int is_num;
		k = literal_at(e, i, &v, &is_num);
		if (k == 0)
			return;
		if (negated)
			push(e, &d->out, NULL, &d->n_out, v, is_num);
		else
			push(e, &d->in, &d->in_is_num, &d->n_in, v, is_num);
		i += k;
		if (is_p(e, i, ','))
			i++;
	}
}

/* One conjunct t[i..end). */
static void read_part(expr *e, size_t i, size_t end)
{
	char op[3], *lit = NULL, *hi = NULL;
	int is_num = 0, hn = 0, neg;
	size_t k, after;
	long col;
	dg_domain *d;

	while (is_p(e, i, '(') && close_of(e, i) == end - 1) {
		i++;
		end--;
	}
	if ((col = length_of(e, i, &after)) >= 0) {
		read_length(e, &e->cols[col].dom, after, end);
		return;
	}
	if (is_kw(e, i, "json_valid") && is_p(e, i + 1, '(') &&
	    (col = column_at(e, i + 2)) >= 0 && is_p(e, i + 3, ')')) {
		e->cols[col].dom.is_json = 1;
		return;
	}
	if ((k = literal_at(e, i, &lit, &is_num)) && is_num &&
	    (after = op_at(e, i + k, op)) &&
	    (col = column_at(e, i + k + after)) >= 0 &&
	    i + k + after + 1 == end) {
		bound(&e->cols[col].dom, op, atof(lit), 1);
		free(lit);
		return;
	}
	free(lit);
	lit = NULL;
	if ((col = column_at(e, i)) < 0)
		return;
	d = &e->cols[col].dom;
	i++;
	if ((is_kw(e, i, "IS") && is_kw(e, i + 1, "NOT") &&
	     is_kw(e, i + 2, "NULL")) || is_kw(e, i, "NOTNULL")) {
		d->not_null = 1;
		return;
	}
	neg = is_kw(e, i, "NOT");
	if (is_kw(e, i + neg, "IN")) {
		read_in(e, d, i + neg + 1, neg);
		return;
	}
	if (is_kw(e, i + neg, "BETWEEN") && !neg) {
		k = literal_at(e, i + 1, &lit, &is_num);
		if (k && is_num && is_kw(e, i + 1 + k, "AND") &&
		    literal_at(e, i + 2 + k, &hi, &hn) && hn) {
			bound(d, ">=", atof(lit), 0);
			bound(d, "<=", atof(hi), 0);
		}
	} else if ((k = op_at(e, i, op)) &&
		   (after = literal_at(e, i + k, &lit, &is_num)) &&
		   i + k + after == end) {
		if (op[0] == '=')
			push(e, &d->in, &d->in_is_num, &d->n_in, lit,
			     is_num), lit = NULL;
		else if (strcmp(op, "<>") == 0 || strcmp(op, "!=") == 0)
			push(e, &d->out, NULL, &d->n_out, lit, is_num),
			lit = NULL;
		else if (is_num)
			bound(d, op, atof(lit), 0);
	}
	free(lit);
	free(hi);
}

/* Split t[i..end) at top-level ANDs (not a BETWEEN's). */
static void read_and(expr *e, size_t i, size_t end)
{
	size_t start = i, depth = 0;
	int between = 0;

	for (; i < end && e->rc == 0; i++) {
		if (is_p(e, i, '('))
			depth++;
		else if (is_p(e, i, ')') && depth)
			depth--;
		else if (depth == 0 && is_kw(e, i, "BETWEEN"))
			between = 1;
		else if (depth == 0 && is_kw(e, i, "AND")) {
			if (between) {
				between = 0;
				continue;
			}
			read_part(e, start, i);
			start = i + 1;
		}
	}
	if (e->rc == 0 && start < end)
		read_part(e, start, end);
}

/* "x IS NULL" exactly in t[i..end). */
static int is_null_test(const expr *e, size_t i, size_t end)
{
	return end == i + 3 && column_at(e, i) >= 0 && is_kw(e, i + 1, "IS") &&
	       is_kw(e, i + 2, "NULL");
}

int dg_check_read(dg_col *cols, const cw_schema_table *t, const char *text,
		  cw_error *err)
{
	cw_toks toks = CW_TOKS_INIT;
	size_t i, depth = 0, or_at = 0, n_or = 0, begin = 0, end;
	expr e;
	int rc;

	rc = cw_sqlscan(&toks, text, 0, strlen(text), err);
	if (rc != 0)
		return rc;
	e.text = text;
	e.t = toks.items;
	e.n = toks.n;
	e.table = t;
	e.cols = cols;
	e.err = err;
	e.rc = 0;
	end = e.n;
	while (is_p(&e, begin, '(') && close_of(&e, begin) == end - 1) {
		begin++;
		end--;
	}
	for (i = begin; i < end; i++) {
		if (is_p(&e, i, '('))
			depth++;
		else if (is_p(&e, i, ')') && depth)
			depth--;
		else if (depth == 0 && is_kw(&e, i, "OR")) {
			or_at = i;
			n_or++;
		}
	}
	if (n_or == 0)
		read_and(&e, begin, end);
	else if (n_or == 1 && is_null_test(&e, begin, or_at))
		read_and(&e, or_at + 1, end);
	else if (n_or == 1 && is_null_test(&e, or_at + 1, end))
		read_and(&e, begin, or_at);
	cw_toks_free(&toks);
	return e.rc;
}

/* ---- JSON columns used by the folder ---- */

static int scan_json(cw_datagen_names *out, const char *text, size_t len,
		     cw_error *err)
{
	cw_toks toks = CW_TOKS_INIT;
	size_t i;
	int rc = cw_sqlscan(&toks, text, 0, len, err);

	for (i = 0; rc == 0 && i < toks.n; i++) {
		const cw_tok *t = &toks.items[i];
		size_t at = (size_t)-1;
		if (t->type == CW_TOK_WORD && t->len >= 4 &&
		    strncasecmp(text + t->off, "json", 4) == 0 &&
		    i + 2 < toks.n &&
		    cw_tok_punct(text, &toks.items[i + 1], '(')) {
			at = i + 2;
			/* table.column: the column */
			while (at + 2 < toks.n &&
			       cw_tok_punct(text, &toks.items[at + 1], '.'))
				at += 2;
		} else if ((t->type == CW_TOK_WORD || t->type == CW_TOK_QID) &&
			   i + 2 < toks.n &&
			   cw_tok_punct(text, &toks.items[i + 1], '-') &&
			   cw_tok_punct(text, &toks.items[i + 2], '>') &&
			   toks.items[i + 2].off == toks.items[i + 1].off + 1) {
			at = i;
		}
		if (at != (size_t)-1 && (toks.items[at].type == CW_TOK_WORD ||
					 toks.items[at].type == CW_TOK_QID)) {
			char *name = cw_tok_name(text, &toks.items[at]);
			if (name == NULL)
				rc = cw_error_set(err, CW_ENOMEM, "", "", 0,
						  "out of memory");
			else
				rc = dg_names_add(out, name, err);
			free(name);
		}
	}
	cw_toks_free(&toks);
	return rc;
}

int cw_datagen_json_columns(cw_datagen_names *out, const cw_folder *f,
			    cw_error *err)
{
	size_t k;
	int rc = 0;

	out->items = NULL;
	out->n = 0;
	for (k = 0; rc == 0 && k < f->n_migrations; k++) {
		const cw_migration *m = &f->migrations[k];
		if (m->text.data)
			rc = scan_json(out, m->text.data, m->text.len, err);
	}
	if (rc != 0)
		cw_datagen_names_free(out);
	return rc;
}
