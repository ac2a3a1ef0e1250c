/*
** schema_sql.c - what only a CREATE statement's text says about a table
** or index, read from sqlscan.h tokens as SQLite's grammar (src/parse.y)
** lays it out: COLLATE, AUTOINCREMENT, GENERATED ... AS, CHECK
** constraints with their names, foreign-key clauses with DEFERRABLE,
** index key items that are expressions, a partial index's WHERE, and a
** view's SELECT.  PRAGMAs say everything else (schema_db.c).
**
** The text is what sqlite_master keeps, which SQLite itself parsed, so
** it is well formed; still, nothing here reads past a token list's end
** whatever the text is.
*/
#include "schema_int.h"

#include <stdlib.h>
#include <string.h>

/* One CREATE statement's tokens. */
typedef struct stmt {
	const char *text;
	cw_toks t;
	cw_error *err;
} stmt;

static int is_word(const stmt *s, size_t i, size_t end, const char *kw)
{
	return i < end && cw_tok_is(s->text, &s->t.items[i], kw);
}

static int is_punct(const stmt *s, size_t i, size_t end, char c)
{
	return i < end && cw_tok_punct(s->text, &s->t.items[i], c);
}

static size_t close_of(const stmt *s, size_t i, size_t end)
{
	size_t m = cw_schema_match_paren(s->text, s->t.items, s->t.n, i);

	return m < end ? m : end;
}

/* Token i's name, or NULL with err set when out of memory. */
static char *name_at(const stmt *s, size_t i)
{
	char *n = cw_tok_name(s->text, &s->t.items[i]);

	if (n == NULL)
		cw_schema_oom(s->err, "a name in CREATE text");
	return n;
}

/* The text between the parentheses at open and close (NULL when empty,
** err unset). */
static char *inside(const stmt *s, size_t open, size_t close, int *rc)
{
	char *x;

	if (close <= open + 1)
		return NULL;
	x = cw_schema_slice(s->text, s->t.items, open + 1, close);
	if (x == NULL)
		*rc = cw_schema_oom(s->err, "an expression");
	return x;
}

/* The names of a parenthesised list (the '(' at open), each item's first
** token being its name; *out_n of them. */
static int name_list(const stmt *s, size_t open, size_t end, char ***out,
		     size_t *out_n)
{
	size_t close = close_of(s, open, end), i = open + 1;
	int at_item = 1;

	*out = NULL;
	*out_n = 0;
	for (; i < close; i++) {
		char **slot;
		if (is_punct(s, i, close, '(')) {
			i = close_of(s, i, close);
			continue;
		}
		if (is_punct(s, i, close, ',')) {
			at_item = 1;
			continue;
		}
		if (!at_item)
			continue;
		at_item = 0;
		CW_SCHEMA_PUSH(*out, *out_n, slot);
		if (slot == NULL || (*slot = name_at(s, i)) == NULL)
			return cw_schema_oom(s->err, "a column list");
	}
	return 0;
}

/* A foreign key clause from REFERENCES at toks[i] to `end`: parent, its
** columns, and DEFERRABLE INITIALLY DEFERRED (NOT DEFERRABLE ... is not
** deferred), up to the next constraint. */
static int references(const stmt *s, size_t i, size_t end, cw_sql_fk *fk)
{
	int rc;

	if (++i >= end)
		return 0;
	if ((fk->parent = name_at(s, i)) == NULL)
		return CW_ENOMEM;
	i++;
	if (is_punct(s, i, end, '(')) {
		if ((rc = name_list(s, i, end, &fk->to, &fk->n_to)) != 0)
			return rc;
		i = close_of(s, i, end) + 1;
	}
	for (; i < end; i++) {
		if (is_word(s, i, end, "DEFERRABLE")) {
			int is_not = i > 0 && is_word(s, i - 1, end, "NOT");
			fk->deferred = !is_not &&
				is_word(s, i + 1, end, "INITIALLY") &&
				is_word(s, i + 2, end, "DEFERRED");
		} else if (is_word(s, i, end, "CONSTRAINT") ||
			   is_word(s, i, end, "REFERENCES") ||
			   is_word(s, i, end, "CHECK") ||
			   is_word(s, i, end, "COLLATE") ||
			   is_word(s, i, end, "DEFAULT") ||
			   is_word(s, i, end, "PRIMARY") ||
			   is_word(s, i, end, "UNIQUE") ||
			   is_word(s, i, end, "FOREIGN") ||
			   is_word(s, i, end, "GENERATED") ||
			   is_word(s, i, end, "AS")) {
			break;
		}
	}
	return 0;
}

static cw_sql_fk *new_fk(cw_sql_table *t, const stmt *s)
{
	cw_sql_fk *fk;

	CW_SCHEMA_PUSH(t->fks, t->n_fks, fk);
	if (fk == NULL)
		cw_schema_oom(s->err, "a foreign key");
	return fk;
}

static int add_check(cw_sql_table *t, const stmt *s, char **name,
		     const char *column, size_t open, size_t end)
{
	cw_schema_check *c;
	int rc = 0;

	CW_SCHEMA_PUSH(t->checks, t->n_checks, c);
	if (c == NULL)
		return cw_schema_oom(s->err, "a CHECK constraint");
	c->name = *name;
	*name = NULL;
	c->expr = inside(s, open, close_of(s, open, end), &rc);
	if (rc == 0 && column && (c->column = cw_schema_strdup(column)) == NULL)
		rc = cw_schema_oom(s->err, "a CHECK constraint");
	return rc;
}

/* The constraints of one column definition, toks[i..end) after its
** name (and type, which PRAGMA table_xinfo gives). */
static int column_def(cw_sql_table *t, const stmt *s, size_t i, size_t end,
		      cw_sql_column *col)
{
	char *pending = NULL;   /* CONSTRAINT name of what comes next */
	int rc = 0;

	while (rc == 0 && i < end) {
		if (is_punct(s, i, end, '(')) {
			i = close_of(s, i, end) + 1;
		} else if (is_word(s, i, end, "CONSTRAINT") && i + 1 < end) {
			free(pending);
			if ((pending = name_at(s, i + 1)) == NULL)
				rc = CW_ENOMEM;
			i += 2;
		} else if (is_word(s, i, end, "CHECK") &&
			   is_punct(s, i + 1, end, '(')) {
			rc = add_check(t, s, &pending, col->name, i + 1, end);
			i = close_of(s, i + 1, end) + 1;
		} else if (is_word(s, i, end, "COLLATE") && i + 1 < end) {
			free(col->collate);
			if ((col->collate = name_at(s, i + 1)) == NULL)
				rc = CW_ENOMEM;
			i += 2;
		} else if (is_word(s, i, end, "AS") &&
			   is_punct(s, i + 1, end, '(')) {
			free(col->generated_sql);
			col->generated_sql = inside(s, i + 1,
				close_of(s, i + 1, end), &rc);
			i = close_of(s, i + 1, end) + 1;
		} else if (is_word(s, i, end, "REFERENCES")) {
			cw_sql_fk *fk = new_fk(t, s);
			if (fk == NULL)
				return CW_ENOMEM;
			fk->name = pending;
			pending = NULL;
			fk->from = calloc(1, sizeof(char *));
			if (fk->from == NULL || (fk->from[0] =
			    cw_schema_strdup(col->name)) == NULL) {
				rc = cw_schema_oom(s->err, "a foreign key");
				break;
			}
			fk->n_from = 1;
			rc = references(s, i, end, fk);
			i++;
		} else {
			col->autoincrement |= is_word(s, i, end,
						      "AUTOINCREMENT");
			i++;
		}
	}
	free(pending);
	return rc;
}

/* PRIMARY KEY (a AUTOINCREMENT): the one column is autoincrement. */
static int pk_autoincrement(cw_sql_table *t, const stmt *s, size_t open,
			    size_t end)
{
	size_t close = close_of(s, open, end), i, k;
	char *name;

	for (i = open + 1; i < close; i++)
		if (is_word(s, i, close, "AUTOINCREMENT"))
			break;
	if (i == close || open + 1 >= close)
		return 0;
	if ((name = name_at(s, open + 1)) == NULL)
		return CW_ENOMEM;
	for (k = 0; k < t->n_columns; k++)
		if (cw_sqlscan_name_eq(t->columns[k].name, name))
			t->columns[k].autoincrement = 1;
	free(name);
	return 0;
}

static int is_constraint_start(const stmt *s, size_t i, size_t end)
{
	return is_word(s, i, end, "CONSTRAINT") ||
	       is_word(s, i, end, "PRIMARY") ||
	       is_word(s, i, end, "UNIQUE") || is_word(s, i, end, "CHECK") ||
	       is_word(s, i, end, "FOREIGN");
}

/* One table constraint, toks[i..end). */
static int table_constraint(cw_sql_table *t, const stmt *s, size_t i,
			    size_t end)
{
	char *pending = NULL;
	int rc = 0;

	if (is_word(s, i, end, "CONSTRAINT") && i + 1 < end) {
		if ((pending = name_at(s, i + 1)) == NULL)
			return CW_ENOMEM;
		i += 2;
	}
	if (is_word(s, i, end, "CHECK") && is_punct(s, i + 1, end, '(')) {
		rc = add_check(t, s, &pending, NULL, i + 1, end);
	} else if (is_word(s, i, end, "PRIMARY") &&
		   is_punct(s, i + 2, end, '(')) {
		rc = pk_autoincrement(t, s, i + 2, end);
	} else if (is_word(s, i, end, "FOREIGN") &&
		   is_punct(s, i + 2, end, '(')) {
		cw_sql_fk *fk = new_fk(t, s);
		size_t close = close_of(s, i + 2, end);
		if (fk == NULL) {
			free(pending);
			return CW_ENOMEM;
		}
		fk->name = pending;
		pending = NULL;
		rc = name_list(s, i + 2, end, &fk->from, &fk->n_from);
		if (rc == 0 && is_word(s, close + 1, end, "REFERENCES"))
			rc = references(s, close + 1, end, fk);
	}
	free(pending);
	return rc;
}

/* Table constraints from toks[i] to `end`.  SQLite lets them follow
** each other without a comma ("... ON DELETE cascade FOREIGN KEY ..."),
** so each ends where the next begins. */
static int table_constraints(cw_sql_table *t, const stmt *s, size_t i,
			     size_t end)
{
	int rc = 0;

	while (rc == 0 && i < end) {
		size_t next = i + (is_word(s, i, end, "CONSTRAINT") ? 3 : 1);
		for (; next < end; next++) {
			if (is_punct(s, next, end, '('))
				next = close_of(s, next, end);
			else if (is_constraint_start(s, next, end))
				break;
		}
		rc = table_constraint(t, s, i, next < end ? next : end);
		i = next;
	}
	return rc;
}

/* One item of the definition list, toks[a..b). */
static int table_item(cw_sql_table *t, const stmt *s, size_t a, size_t b)
{
	cw_sql_column *col;

	if (is_constraint_start(s, a, b))
		return table_constraints(t, s, a, b);
	CW_SCHEMA_PUSH(t->columns, t->n_columns, col);
	if (col == NULL)
		return cw_schema_oom(s->err, "a column definition");
	if ((col->name = name_at(s, a)) == NULL)
		return CW_ENOMEM;
	return column_def(t, s, a + 1, b, col);
}

/* Tokenize sql into s. */
static int stmt_open(stmt *s, const char *sql, cw_error *err)
{
	cw_toks init = CW_TOKS_INIT;

	s->text = sql;
	s->t = init;
	s->err = err;
	return cw_sqlscan(&s->t, sql, 0, strlen(sql), err);
}

/* The first '(' at depth 0 from i on, or end; `stop` (a word) before it
** means there is none. */
static size_t first_paren(const stmt *s, size_t i, size_t end,
			  const char *stop)
{
	for (; i < end; i++) {
		if (is_punct(s, i, end, '('))
			return i;
		if (stop && is_word(s, i, end, stop))
			return end;
	}
	return end;
}

int cw_sql_parse_table(cw_sql_table *out, const char *sql, cw_error *err)
{
	stmt s;
	size_t open, close, a, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = stmt_open(&s, sql, err)) != 0)
		return rc;
	/* CREATE [TEMP] TABLE [IF NOT EXISTS] name ( ... ): names cannot
	** hold a bare '(' and CREATE TABLE x AS SELECT has AS first. */
	open = first_paren(&s, 0, s.t.n, "AS");
	close = close_of(&s, open, s.t.n);
	for (a = i = open + 1; rc == 0 && i <= close && open < s.t.n; i++) {
		if (is_punct(&s, i, close, '(')) {
			i = close_of(&s, i, close);
		} else if (i == close || is_punct(&s, i, close, ',')) {
			if (i > a)
				rc = table_item(out, &s, a, i);
			a = i + 1;
		}
	}
	cw_toks_free(&s.t);
	if (rc != 0)
		cw_sql_table_free(out);
	return rc;
}

void cw_sql_table_free(cw_sql_table *t)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++) {
		free(t->columns[i].name);
		free(t->columns[i].collate);
		free(t->columns[i].generated_sql);
	}
	free(t->columns);
	for (i = 0; i < t->n_checks; i++)
		cw_schema_check_free(&t->checks[i]);
	free(t->checks);
	for (i = 0; i < t->n_fks; i++) {
		free(t->fks[i].name);
		free(t->fks[i].parent);
		cw_schema_names_free(t->fks[i].from, t->fks[i].n_from);
		cw_schema_names_free(t->fks[i].to, t->fks[i].n_to);
	}
	free(t->fks);
	memset(t, 0, sizeof(*t));
}

/* One index key item toks[a..b) without its COLLATE and ASC/DESC. */
static char *key_item(const stmt *s, size_t a, size_t b)
{
	if (b > a + 1 && (is_word(s, b - 1, b, "ASC") ||
			  is_word(s, b - 1, b, "DESC")))
		b--;
	if (b > a + 2 && is_word(s, b - 2, b, "COLLATE"))
		b -= 2;
	return cw_schema_slice(s->text, s->t.items, a, b);
}

int cw_sql_parse_index(char **out, size_t n, char **where, const char *sql,
		       cw_error *err)
{
	stmt s;
	size_t open, close, a, i, k = 0, end;
	int rc;

	*where = NULL;
	if ((rc = stmt_open(&s, sql, err)) != 0)
		return rc;
	end = s.t.n;
	if (end > 0 && is_punct(&s, end - 1, end, ';'))
		end--;
	/* CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table ( ... ) */
	for (i = 0; i < end && !is_word(&s, i, end, "ON"); i++)
		;
	open = first_paren(&s, i, end, NULL);
	close = close_of(&s, open, end);
	for (a = i = open + 1; rc == 0 && i <= close && open < end; i++) {
		if (is_punct(&s, i, close, '(')) {
			i = close_of(&s, i, close);
		} else if (i == close || is_punct(&s, i, close, ',')) {
			if (i > a && k < n && (out[k++] = key_item(&s, a, i))
			    == NULL)
				rc = cw_schema_oom(err, "an index key");
			a = i + 1;
		}
	}
	if (rc == 0 && close + 2 < end &&
	    is_word(&s, close + 1, end, "WHERE") &&
	    (*where = cw_schema_slice(sql, s.t.items, close + 2, end)) == NULL)
		rc = cw_schema_oom(err, "an index WHERE");
	cw_toks_free(&s.t);
	return rc;
}

int cw_sql_view_select(char **out, const char *sql, cw_error *err)
{
	stmt s;
	size_t i, end;
	int rc;

	*out = NULL;
	if ((rc = stmt_open(&s, sql, err)) != 0)
		return rc;
	end = s.t.n;
	if (end > 0 && is_punct(&s, end - 1, end, ';'))
		end--;
	/* CREATE [TEMP] VIEW [IF NOT EXISTS] name [( columns )] AS select */
	for (i = 0; i < end; i++) {
		if (is_punct(&s, i, end, '('))
			i = close_of(&s, i, end);
		else if (is_word(&s, i, end, "AS"))
			break;
	}
	if (i + 1 < end &&
	    (*out = cw_schema_slice(sql, s.t.items, i + 1, end)) == NULL)
		rc = cw_schema_oom(err, "a view's SELECT");
	cw_toks_free(&s.t);
	return rc;
}
