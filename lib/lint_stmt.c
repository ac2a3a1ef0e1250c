/*
** lint_stmt.c - reading one migration statement by statement: the L rules
** about a single statement (L001, L002, L003, L005, L007, L011, L013, L010 for
** ADD COLUMN) and the facts the migration-wide rules and the data-loss
** probe need (lint_int.h).
*/
#include "lint_int.h"
#include "codes.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stmt {
	cw_lint_read *r;
	const char *s;      /* the migration's text */
	const cw_tok *t;    /* its tokens [a, b) */
	size_t a, b;
	size_t piece;
} stmt;

static int is(const stmt *x, size_t i, const char *kw)
{
	return i < x->b && cw_tok_is(x->s, &x->t[i], kw);
}

static int punct(const stmt *x, size_t i, char c)
{
	return i < x->b && cw_tok_punct(x->s, &x->t[i], c);
}

/* Index of the ')' matching the '(' at i, or x->b if unbalanced. */
static size_t close_paren(const stmt *x, size_t i)
{
	int depth = 0;

	for (; i < x->b; i++) {
		if (punct(x, i, '('))
			depth++;
		else if (punct(x, i, ')') && --depth == 0)
			return i;
	}
	return x->b;
}

/* [schema .] name at i: index of the name token, or x->b. */
static size_t qname(const stmt *x, size_t i)
{
	if (i + 2 < x->b && punct(x, i + 1, '.') &&
	    cw_tok_is_name(&x->t[i + 2]))
		return i + 2;
	return i < x->b && cw_tok_is_name(&x->t[i]) ? i : x->b;
}

static cw_lint_stmt *record(stmt *x, cw_lint_kind kind, size_t name_i)
{
	cw_lint_mig *g = &x->r->migs[x->r->k];
	cw_lint_stmt *st;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		cw_lint_stmt *bigger = realloc(g->stmts, cap * sizeof(*st));
		if (bigger == NULL)
			return NULL;
		g->stmts = bigger;
		g->cap = cap;
	}
	st = &g->stmts[g->n];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->piece = x->piece;
	st->line = cw_text_line_at(&x->r->cur, x->t[x->a].off, &st->column);
	if (name_i < x->b) {
		st->table = cw_tok_name(x->s, &x->t[name_i]);
		if (st->table == NULL)
			return NULL;
	}
	g->n++;
	return st;
}

/* Report a finding at the statement's first token. */
static cw_diag *report(stmt *x, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static cw_diag *report(stmt *x, const char *code, const char *fmt, ...)
{
	const cw_migration *m = &x->r->f->migrations[x->r->k];
	char msg[1024];
	cw_diag *g;
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line = cw_text_line_at(&x->r->cur, x->t[x->a].off, &col);
	g = cw_diags_add(x->r->out, code, m->path, line, col, "%s", msg);
	cw_diag_set_tag(g, m->entry->tag);
	return g;
}

/* ---- L001 / L011: transaction control ----
**
** The migrator runs the whole batch in one transaction.  Its state is
** followed across pieces and migrations as the engine follows it when it
** runs them (spec/drizzle-semantics.md section 3c): a COMMIT ends it (what
** ran is committed), a PRAGMA then runs outside any transaction and takes
** effect, a BEGIN reopens it for drizzle's own final COMMIT.  That
** COMMIT ... BEGIN pattern works, at one cost: the batch is no longer
** atomic (L011, a warning).  BEGIN inside the transaction, COMMIT with
** none open, a COMMIT nothing reopens (drizzle's final COMMIT fails) and
** ROLLBACK are errors (L001). */

static const struct txn_word {
	const char *word;
	const char *why;
} txn_words[] = {
	{"BEGIN", "fails with \"cannot start a transaction within a "
		  "transaction\" and the whole batch is rolled back"},
	{"COMMIT", NULL},
	{"END", NULL},
	{"ROLLBACK", "undoes work the migrator still believes is pending"},
	{"SAVEPOINT", "nests inside the migrator's transaction; an unmatched "
		      "RELEASE or ROLLBACK TO changes what the batch undoes"},
	{"RELEASE", "nests inside the migrator's transaction; an unmatched "
		    "RELEASE or ROLLBACK TO changes what the batch undoes"},
	{"VACUUM", "fails with \"cannot VACUUM from within a "
		   "transaction\""},
};

/* COMMIT or END, inside the transaction or not.  One L011 per
** migration, at its first COMMIT; the position of the latest is kept in
** case nothing reopens the transaction (cw_lint_finish_txn). */
static void read_commit(stmt *x, const char *word)
{
	cw_lint_read *r = x->r;
	cw_lint_mig *mig = &r->migs[r->k];
	cw_diag *g = NULL;

	if (r->out_of_txn) {
		report(x, CW_L001, "%s inside a migration, with no transaction "
		       "open (an earlier COMMIT ended it), fails with \"cannot "
		       "commit - no transaction is active\"", word);
		return;
	}
	r->out_of_txn = 1;
	mig->ends_txn = 1;
	if (!mig->has_l011)
		g = report(x, CW_L011, "%s ends the migrator's transaction: "
			   "everything before it is committed at this point, "
			   "so the batch is no longer atomic (a later failure "
			   "leaves it applied, and this migration "
			   "half-applied)", word);
	mig->has_l011 = 1;
	r->open_commit = g ? (size_t)(g - r->out->items) : (size_t)-1;
	r->commit_line = cw_text_line_at(&r->cur, x->t[x->a].off,
					 &r->commit_col);
	r->commit_mig = r->k;
}

/* L001/L011; returns 1 if the statement was transaction control, -1 when
** out of memory. */
static int read_txn(stmt *x)
{
	const struct txn_word *w = NULL;
	cw_lint_read *r = x->r;
	cw_lint_stmt *st;
	size_t i;
	int ends = 0;

	for (i = 0; i < sizeof(txn_words) / sizeof(txn_words[0]); i++)
		if (is(x, x->a, txn_words[i].word))
			w = &txn_words[i];
	if (w == NULL)
		return 0;
	if (w->why == NULL) {
		ends = !r->out_of_txn;
		read_commit(x, w->word);
	} else if (strcmp(w->word, "BEGIN") == 0 && r->out_of_txn) {
		r->out_of_txn = 0;       /* reopened: the pattern works */
		r->open_commit = (size_t)-1;
	} else if (strcmp(w->word, "VACUUM") == 0 && r->out_of_txn) {
		;                        /* runs fine outside a transaction */
	} else {
		report(x, CW_L001, "%s inside a migration %s", w->word, w->why);
		if (strcmp(w->word, "ROLLBACK") == 0) {
			ends = 1;
			for (i = x->a; i < x->b; i++)
				if (is(x, i, "TO"))
					ends = 0;  /* keeps the transaction */
		}
		if (ends && !r->out_of_txn)
			r->out_of_txn = 1;
	}
	st = record(x, CW_LK_TXN, x->b);
	if (st == NULL)
		return -1;
	st->ends_txn = ends;
	r->migs[r->k].ends_txn |= ends;
	return 1;
}

void cw_lint_finish_txn(cw_lint_read *r)
{
	static const char msg[] = "COMMIT ends the migrator's transaction "
		"and nothing reopens it: drizzle's own final COMMIT then fails "
		"with \"cannot commit - no transaction is active\", after "
		"everything up to here is already committed";
	static const char hint[] = "add BEGIN after what must run outside "
		"the transaction (COMMIT; PRAGMA ...; BEGIN), or remove the "
		"COMMIT";
	const cw_migration *m;
	cw_diag *g;

	if (!r->out_of_txn || r->commit_mig >= r->f->n_migrations)
		return;
	m = &r->f->migrations[r->commit_mig];
	/* The L011 this COMMIT got, if any, gives way to the L001. */
	if (r->open_commit != (size_t)-1 && r->open_commit < r->out->n)
		cw_diags_remove(r->out, r->open_commit);
	g = cw_diags_add(r->out, CW_L001, m->path, r->commit_line,
			 r->commit_col, "%s", msg);
	cw_diag_set_tag(g, m->entry->tag);
	cw_diag_set_hint(g, "%s", hint);
}

/* ---- L002 / L003 / L010: ALTER TABLE ... ADD COLUMN ---- */

/* Does the default expression toks[a, b) pass SQLite's constant test?
** sqlite3AlterFinishAddColumn() (alter.c) accepts only what
** sqlite3ValueFromExpr() can evaluate without a row: literals, unary
** +/-, CAST of one, any parentheses around them.  Anything else (a
** function, an operator, COLLATE, CURRENT_TIMESTAMP) is refused with
** "Cannot add a column with non-constant default" once the table has
** rows.  Checked against SQLite 3.40 and 3.53. */
static int is_constant(const stmt *x, size_t a, size_t b)
{
	while (a < b && (punct(x, a, '+') || punct(x, a, '-')))
		a++;
	if (a >= b)
		return 0;
	if (punct(x, a, '(') && close_paren(x, a) == b - 1)
		return is_constant(x, a + 1, b - 1);
	if (b - a == 1) {
		cw_tok_type ty = x->t[a].type;
		return ty == CW_TOK_NUMBER || ty == CW_TOK_STRING ||
		       ty == CW_TOK_BLOB || is(x, a, "NULL") ||
		       is(x, a, "TRUE") || is(x, a, "FALSE");
	}
	if (is(x, a, "CAST") && punct(x, a + 1, '(') &&
	    close_paren(x, a + 1) == b - 1) {
		size_t i;
		for (i = a + 2; i < b - 1; i++)
			if (is(x, i, "AS"))
				return is_constant(x, a + 2, i);
	}
	return 0;
}

/* 1 if toks[a, b) is NULL, possibly in parentheses: SQLite then treats
** the column as having no default at all. */
static int is_null(const stmt *x, size_t a, size_t b)
{
	while (b - a >= 2 && punct(x, a, '(') && close_paren(x, a) == b - 1) {
		a++;
		b--;
	}
	return b - a == 1 && is(x, a, "NULL");
}

typedef struct coldef {
	int not_null, has_default, is_constant, is_generated;
	int is_stored, has_refs;
	size_t dflt_a, dflt_b;   /* the default's tokens */
} coldef;

static int is_ctime(const stmt *x, size_t i)
{
	return is(x, i, "CURRENT_TIME") || is(x, i, "CURRENT_DATE") ||
	       is(x, i, "CURRENT_TIMESTAMP");
}

/* Read the DEFAULT value at token i into c; returns the token after it.
** Outside parentheses SQLite's grammar allows only a literal, a signed
** number, CURRENT_* or an identifier, which it turns into a string:
** DEFAULT abc and DEFAULT "text" are the constant 'text' (parse.y), even
** with double-quoted strings off. */
static size_t read_default(const stmt *x, size_t i, coldef *c)
{
	size_t e = i + 1;

	if (punct(x, i, '(')) {
		e = close_paren(x, i) + 1;
		if (e > x->b)
			e = x->b;
		c->has_default = !is_null(x, i, e);
		c->is_constant = is_constant(x, i, e);
	} else {
		if (punct(x, i, '+') || punct(x, i, '-'))
			e = i + 2 <= x->b ? i + 2 : x->b;
		c->has_default = !is(x, i, "NULL");
		c->is_constant = !is_ctime(x, e - 1);
	}
	c->dflt_a = i;
	c->dflt_b = e;
	return e;
}

static void read_coldef(const stmt *x, size_t i, coldef *c)
{
	memset(c, 0, sizeof(*c));
	while (i < x->b) {
		if (punct(x, i, '(')) {
			i = close_paren(x, i) + 1;
		} else if (is(x, i, "NOT") && is(x, i + 1, "NULL")) {
			c->not_null = 1;
			i += 2;
		} else if (is(x, i, "DEFAULT") && i + 1 < x->b &&
			   !is(x, i - 1, "SET")) {  /* not ON DELETE SET .. */
			i = read_default(x, i + 1, c);
		} else {
			c->is_generated |= is(x, i, "GENERATED") ||
					   is(x, i, "AS");
			c->is_stored |= c->is_generated && is(x, i, "STORED");
			c->has_refs |= is(x, i, "REFERENCES");
			i++;
		}
	}
}

/* Up to n-1 bytes of the statement's text from token a to token b-1,
** whitespace runs folded to one space, for quoting in a message. */
static const char *snippet(const stmt *x, size_t a, size_t b, char *buf,
			   size_t n)
{
	size_t i, o = 0, end;

	if (a >= b) {
		buf[0] = '\0';
		return buf;
	}
	end = x->t[b - 1].off + x->t[b - 1].len;
	for (i = x->t[a].off; i < end && o + 4 < n; i++) {
		char c = x->s[i];
		int sp = c == ' ' || (c >= '\t' && c <= '\r');
		if (sp && o > 0 && buf[o - 1] == ' ')
			continue;
		buf[o++] = sp ? ' ' : c;
	}
	if (i < end)
		buf[o++] = '.', buf[o++] = '.', buf[o++] = '.';
	buf[o] = '\0';
	return buf;
}

/* Record the foreign keys (REFERENCES parent) in toks[from, b) as
** declared by table child_i: the probe's static fallback. */
static int read_refs(stmt *x, size_t from, size_t child_i)
{
	size_t i, p;

	for (i = from; i + 1 < x->b; i++) {
		if (!is(x, i, "REFERENCES") || (p = qname(x, i + 1)) >= x->b)
			continue;
		if (cw_lint_add_edge(x->r, cw_tok_name(x->s, &x->t[child_i]),
				     cw_tok_name(x->s, &x->t[p])) != 0)
			return -1;
	}
	return 0;
}

/* The errors sqlite3AlterFinishAddColumn() (alter.c) raises only once the
** table has rows, in the order it checks them (SQLite 3.40 and 3.53).  The
** REFERENCES one needs foreign keys on: always, under better-sqlite3. */
enum { ADD_OK, ADD_STORED, ADD_REF_DEFAULT, ADD_NOT_NULL, ADD_NON_CONST };

static const struct add_rule {
	const char *code, *what, *err, *hint;
} add_rules[] = {
	{NULL, NULL, NULL, NULL},
	{CW_L010, "GENERATED ... STORED", "cannot add a STORED column",
	 "add it as VIRTUAL, or rebuild the table with it"},
	{CW_L010, "REFERENCES ... DEFAULT", "Cannot add a REFERENCES column "
	 "with non-NULL default value", "add it nullable without a DEFAULT "
	 "and fill it with UPDATE, or rebuild the table (foreign keys stay "
	 "on inside the migrator's transaction, PRAGMA or not)"},
	{CW_L002, "NOT NULL without a DEFAULT", "Cannot add a NOT NULL column "
	 "with default value NULL", NULL},
	{CW_L003, "DEFAULT", "Cannot add a column with non-constant default",
	 NULL},
};

static int add_rule_of(const coldef *c)
{
	if (c->is_generated)
		return c->is_stored ? ADD_STORED : ADD_OK;
	if (c->has_refs && c->has_default)
		return ADD_REF_DEFAULT;
	if (c->not_null && !c->has_default)
		return ADD_NOT_NULL;
	return c->has_default && !c->is_constant ? ADD_NON_CONST : ADD_OK;
}

static void report_add(stmt *x, const coldef *c, int rule,
		       const char *table, const char *col)
{
	const struct add_rule *a = &add_rules[rule];
	int shows = rule == ADD_REF_DEFAULT || rule == ADD_NON_CONST;
	char sn[80];
	cw_diag *g;

	snippet(x, c->dflt_a, c->dflt_b, sn, sizeof(sn));
	g = report(x, a->code, "ALTER TABLE %s ADD COLUMN %s %s%s%s fails "
		   "with \"%s\" once %s has rows", table, col, a->what,
		   shows ? " " : "", shows ? sn : "", a->err, table);
	if (a->hint != NULL)
		cw_diag_set_hint(g, "%s", a->hint);
}

static int read_add_column(stmt *x, size_t tbl, size_t i)
{
	char *table, *col;
	coldef c;
	int rule;

	if (is(x, i, "COLUMN"))
		i++;
	if (i >= x->b || !cw_tok_is_name(&x->t[i]))
		return 0;
	if (read_refs(x, i + 1, tbl) != 0)
		return -1;
	read_coldef(x, i + 1, &c);
	if ((rule = add_rule_of(&c)) == ADD_OK)
		return 0;
	table = cw_tok_name(x->s, &x->t[tbl]);
	col = cw_tok_name(x->s, &x->t[i]);
	if (table != NULL && col != NULL)
		report_add(x, &c, rule, table, col);
	free(table);
	free(col);
	return table == NULL || col == NULL ? -1 : 0;
}

/* ALTER TABLE name ADD | DROP [COLUMN] | RENAME TO ... */
static int read_alter(stmt *x, size_t h)
{
	size_t tbl = qname(x, h + 2), i = tbl + 1;
	cw_lint_stmt *st;

	if (!is(x, h + 1, "TABLE") || tbl >= x->b)
		return 0;
	if (is(x, i, "ADD"))
		return read_add_column(x, tbl, i + 1);
	if (is(x, i, "DROP")) {
		char *table = cw_tok_name(x->s, &x->t[tbl]), *col;
		i += is(x, i + 1, "COLUMN") ? 2 : 1;
		if (i >= x->b) {
			free(table);
			return 0;
		}
		col = cw_tok_name(x->s, &x->t[i]);
		if (table && col)
			report(x, CW_L005, "ALTER TABLE %s DROP COLUMN %s "
			       "deletes the column and its data", table, col);
		free(table);
		free(col);
		return table && col ? 0 : -1;
	}
	if (!is(x, i, "RENAME") || !is(x, i + 1, "TO") || i + 2 >= x->b)
		return 0;
	st = record(x, CW_LK_RENAME_TABLE, tbl);
	if (st == NULL || (st->to = cw_tok_name(x->s, &x->t[i + 2])) == NULL)
		return -1;
	return 0;
}

static int read_create(stmt *x, size_t h)
{
	size_t i = h + 1, tbl;
	cw_lint_stmt *st;

	if (is(x, i, "TEMP") || is(x, i, "TEMPORARY"))
		i++;
	if (!is(x, i, "TABLE"))
		return 0;
	i++;
	if (is(x, i, "IF") && is(x, i + 1, "NOT") && is(x, i + 2, "EXISTS"))
		i += 3;
	if ((tbl = qname(x, i)) >= x->b)
		return 0;
	st = record(x, CW_LK_CREATE_TABLE, tbl);
	if (st == NULL)
		return -1;
	if (cw_sqlscan_name_eq(st->table, x->r->mtable))
		report(x, CW_L007, "CREATE TABLE %s in a migration: the "
		       "migrator creates and owns this table, so the "
		       "statement fails (\"table already exists\") or, with "
		       "IF NOT EXISTS, silently does nothing", st->table);
	return read_refs(x, tbl + 1, tbl);
}

static int read_drop(stmt *x, size_t h)
{
	size_t i = h + 2, tbl;

	if (!is(x, h + 1, "TABLE"))
		return 0;
	if (is(x, i, "IF") && is(x, i + 1, "EXISTS"))
		i += 2;
	if ((tbl = qname(x, i)) >= x->b)
		return 0;
	return record(x, CW_LK_DROP_TABLE, tbl) ? 0 : -1;
}

/* 1 if the word kw occurs outside parentheses in toks[i, b). */
static int has_top_level(const stmt *x, size_t i, const char *kw)
{
	for (; i < x->b; i++) {
		if (punct(x, i, '('))
			i = close_paren(x, i);
		else if (is(x, i, kw))
			return 1;
	}
	return 0;
}

/* DELETE, UPDATE, INSERT and REPLACE, after any WITH clause. */
/* The column list of INSERT INTO t (a, b) ... after the '(' at open, as
** ",a,b," in lower case into st->insert_cols.  0 or -1 (out of memory). */
static int insert_columns(stmt *x, cw_lint_stmt *st, size_t open)
{
	size_t end = close_paren(x, open), i, n = 2, o = 0;
	char *s;

	for (i = open + 1; i < end && i < x->b; i++)
		n += x->t[i].len + 1;
	s = malloc(n + 1);
	if (s == NULL)
		return -1;
	s[o++] = ',';
	for (i = open + 1; i < end && i < x->b; i++) {
		char *name;
		size_t j;
		if (!cw_tok_is_name(&x->t[i]))
			continue;
		name = cw_tok_name(x->s, &x->t[i]);
		if (name == NULL) {
			free(s);
			return -1;
		}
		for (j = 0; name[j] && o + 2 < n + 1; j++)
			s[o++] = (char)((name[j] >= 'A' && name[j] <= 'Z') ?
					name[j] | 0x20 : name[j]);
		s[o++] = ',';
		free(name);
	}
	s[o] = '\0';
	st->insert_cols = s;
	return 0;
}

static int read_dml(stmt *x, size_t h)
{
	size_t i = h + 1, tbl;
	cw_lint_stmt *st;

	if (is(x, h, "DELETE")) {
		if ((tbl = qname(x, h + 2)) >= x->b || !is(x, h + 1, "FROM"))
			return 0;
		st = record(x, CW_LK_DELETE, tbl);
		if (st != NULL)
			st->has_where = has_top_level(x, tbl + 1, "WHERE");
		return st ? 0 : -1;
	}
	if (is(x, i, "OR"))
		i += 2;
	if (is(x, h, "UPDATE")) {
		if ((tbl = qname(x, i)) >= x->b)
			return 0;
		return record(x, CW_LK_UPDATE, tbl) ? 0 : -1;
	}
	if (!is(x, i, "INTO") || (tbl = qname(x, i + 1)) >= x->b ||
	    !has_top_level(x, tbl + 1, "SELECT"))
		return 0;
	st = record(x, CW_LK_INSERT_SELECT, tbl);
	if (st == NULL)
		return -1;
	return punct(x, tbl + 1, '(') ? insert_columns(x, st, tbl + 1) : 0;
}

/* Index of the statement after a leading WITH clause. */
static size_t skip_with(const stmt *x, size_t i)
{
	i++;
	if (is(x, i, "RECURSIVE"))
		i++;
	while (i < x->b) {
		i++;                                  /* the CTE's name */
		if (punct(x, i, '('))
			i = close_paren(x, i) + 1;
		if (!is(x, i, "AS"))
			return x->b;
		for (i++; is(x, i, "NOT") || is(x, i, "MATERIALIZED"); i++)
			;
		if (!punct(x, i, '('))
			return x->b;
		i = close_paren(x, i) + 1;
		if (!punct(x, i, ','))
			return i;
		i++;
	}
	return x->b;
}

static int read_pragma(stmt *x, size_t h)
{
	size_t i = qname(x, h + 1);

	if (i >= x->b || !cw_tok_is(x->s, &x->t[i], "foreign_keys"))
		return 0;
	x->r->migs[x->r->k].has_pragma_fk = 1;
	if (x->r->out_of_txn)
		x->r->migs[x->r->k].pragma_effective = 1;
	return record(x, CW_LK_PRAGMA_FK, x->b) ? 0 : -1;
}

/* ---- L013: a statement that writes a file it names ----
**
** ATTACH creates the file it names (relative to the working directory of
** whatever runs the migration) and VACUUM INTO writes one.  drizzle runs
** them; cw's own databases are confined (db.h, cw_db_confine), so the
** finding also says why check and replay fail there. */
static void read_file_write(stmt *x)
{
	size_t i;

	if (is(x, x->a, "ATTACH")) {
		report(x, CW_L013, "ATTACH inside a migration creates or "
		       "changes the file it names, relative to the working "
		       "directory of the deploying process; cw runs it only "
		       "in cw migrate");
		return;
	}
	if (!is(x, x->a, "VACUUM"))
		return;
	for (i = x->a + 1; i < x->b; i++)
		if (is(x, i, "INTO")) {
			report(x, CW_L013, "VACUUM INTO inside a migration "
			       "writes the file it names, relative to the "
			       "working directory of the deploying process; "
			       "cw runs it only in cw migrate");
			return;
		}
}

static int read_stmt(stmt *x)
{
	size_t h = x->a;
	int rc;

	read_file_write(x);
	rc = read_txn(x);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (is(x, h, "WITH"))
		h = skip_with(x, h);
	if (is(x, h, "PRAGMA"))
		return read_pragma(x, h);
	if (is(x, h, "ALTER"))
		return read_alter(x, h);
	if (is(x, h, "CREATE"))
		return read_create(x, h);
	if (is(x, h, "DROP"))
		return read_drop(x, h);
	if (is(x, h, "DELETE") || is(x, h, "UPDATE") || is(x, h, "INSERT") ||
	    is(x, h, "REPLACE"))
		return read_dml(x, h);
	return 0;
}

int cw_lint_read_migration(cw_lint_read *r, cw_error *err)
{
	const cw_migration *m = &r->f->migrations[r->k];
	size_t p;
	stmt x;

	/* Statements come in order: one pass over the text for lines. */
	r->cur = (cw_text_cursor)CW_TEXT_CURSOR_INIT(m->text.data);
	x.r = r;
	x.s = m->text.data;
	for (p = 0; p < m->pieces.n; p++) {
		const cw_piece *pc = &m->pieces.items[p];
		size_t a = 0;
		int rc = cw_sqlscan(&r->toks, m->text.data, pc->offset,
				    pc->offset + pc->len, err);
		if (rc != 0)
			return rc;
		x.t = r->toks.items;
		x.piece = p;
		while (a < r->toks.n) {
			x.a = a;
			x.b = cw_sqlscan_stmt_end(x.s, x.t, r->toks.n, a);
			if (x.b > x.a && read_stmt(&x) != 0)
				return cw_error_set(err, CW_ENOMEM, NULL,
						    m->path, 0, "out of memory"
						    " reading %s", m->path);
			a = x.b + 1;
		}
	}
	return 0;
}
