/*
** schema_int.h - what the schema model's files share.  Not public.
**
** schema.c          the model: lookups, affinity, foreign-key order, free
** schema_db.c       introspection of a live database (PRAGMAs)
** schema_sql.c      what only the CREATE text says (COLLATE, CHECK,
**                   AUTOINCREMENT, GENERATED, DEFERRABLE, index
**                   expressions and WHERE, a view's SELECT), read from
**                   sqlscan.h tokens
** schema_snapshot.c drizzle-kit snapshots
** schema_norm.c     canonical spellings of expressions, defaults, types
** schema_compare.c  the normalised comparison: tables, columns, objects
** schema_compare_keys.c  ... a table's foreign keys, indexes and checks
*/
#ifndef CW_SCHEMA_INT_H
#define CW_SCHEMA_INT_H

#include "schema.h"
#include "strbuf.h"
#include "sqlscan.h"

/* Grow an array of n items of `size` bytes by one zeroed slot: the new
** array (the old one is then invalid), or NULL with the old one intact. */
void *cw_schema_grow(void *items, size_t n, size_t size);

/* Append a zeroed slot to arr (n items), pointing `slot` at it, or set
** slot to NULL when out of memory (arr is then unchanged). */
#define CW_SCHEMA_PUSH(arr, n, slot) do { \
	void *g_ = cw_schema_grow((arr), (n), sizeof(*(arr))); \
	if (g_ != NULL) { \
		(arr) = g_; \
		(slot) = &(arr)[(n)++]; \
	} else { \
		(slot) = NULL; \
	} \
} while (0)

/* A copy of s[0..n) with a NUL, or NULL when out of memory. */
char *cw_schema_strndup(const char *s, size_t n);

/* A copy of s (NULL stays NULL: check s before blaming memory). */
char *cw_schema_strdup(const char *s);

/* The text from toks[a] to the end of toks[b - 1] (a < b), as written. */
char *cw_schema_slice(const char *text, const cw_tok *toks, size_t a,
		      size_t b);

/* Index of the ')' matching the '(' at toks[i], or n when unbalanced. */
size_t cw_schema_match_paren(const char *text, const cw_tok *toks,
			     size_t n, size_t i);

/* Set err to CW_ENOMEM about `what`; returns CW_ENOMEM. */
int cw_schema_oom(cw_error *err, const char *what);

void cw_schema_column_free(cw_schema_column *c);
void cw_schema_fk_free(cw_schema_fk *f);
void cw_schema_index_free(cw_schema_index *x);
void cw_schema_check_free(cw_schema_check *c);
void cw_schema_table_free(cw_schema_table *t);

/* A deep copy of s into d; 0, or -1 when out of memory (d empty). */
int cw_schema_table_copy(cw_schema_table *d, const cw_schema_table *s);

/* schema_cache.c: 1 and a copy in out when the cache holds table name
** with this key and deps(ctx, cached table) equal to what it recorded; 0
** when it must be read; -1 when out of memory. */
int cw_schema_cache_get(cw_schema_cache *c, const char *name,
			const char *key, const char *(*deps)(void *ctx,
			const cw_schema_table *t), void *ctx,
			cw_schema_table *out);
/* Remember t as read with this key and deps; 0 or -1. */
int cw_schema_cache_put(cw_schema_cache *c, const char *key,
			const char *deps, const cw_schema_table *t);
void cw_schema_object_free(cw_schema_object *o);
void cw_schema_names_free(char **v, size_t n);

/* ---- what the CREATE text says (schema_sql.c) ---- */

/* One column definition's extras. */
typedef struct cw_sql_column {
	char *name;
	char *collate;
	int autoincrement;
	char *generated_sql;
} cw_sql_column;

/* One foreign key clause as written. */
typedef struct cw_sql_fk {
	char *name;            /* CONSTRAINT name, or NULL */
	char **from;
	size_t n_from;
	char *parent;
	char **to;             /* empty: the parent's key, implied */
	size_t n_to;
	int deferred;
	int used;              /* matched to a PRAGMA foreign key */
} cw_sql_fk;

typedef struct cw_sql_table {
	cw_sql_column *columns;
	size_t n_columns;
	cw_schema_check *checks;
	size_t n_checks;
	cw_sql_fk *fks;
	size_t n_fks;
} cw_sql_table;

/* Read CREATE TABLE text.  A CREATE TABLE ... AS SELECT has no
** definitions and gives an empty result.  Returns 0 or CW_ENOMEM. */
int cw_sql_parse_table(cw_sql_table *out, const char *sql, cw_error *err);
void cw_sql_table_free(cw_sql_table *t);

/* The n key items of CREATE INDEX text (COLLATE and ASC/DESC left off)
** into out[0..n) (entries the text has no item for stay NULL), and its
** WHERE condition into *where (NULL when none).  Returns 0 or
** CW_ENOMEM. */
int cw_sql_parse_index(char **out, size_t n, char **where, const char *sql,
		       cw_error *err);

/* The SELECT of CREATE VIEW text into *out (NULL when the text has no
** AS).  Returns 0 or CW_ENOMEM. */
int cw_sql_view_select(char **out, const char *sql, cw_error *err);

/* ---- canonical spellings (schema_norm.c) ---- */

/* The canonical spelling of an expression of `table` (NULL: of none;
** names a column may be qualified with) into *out (NULL for NULL sql).
** Returns 0 or CW_ENOMEM. */
int cw_norm_expr(char **out, const char *sql, const char *table,
		 cw_error *err);

/* The canonical spelling of a default stored under affinity aff, NULL
** when there is none (no default, or DEFAULT NULL). */
int cw_norm_default(char **out, const char *sql, cw_affinity aff,
		    cw_error *err);

/* The canonical spelling of a declared type. */
int cw_norm_type(char **out, const char *type, cw_error *err);

/* ---- the comparison (schema_compare.c, schema_compare_keys.c) ---- */

typedef struct cw_cmp {
	cw_schema_diff *out;
	const cw_schema *a, *b;
	cw_schema_diff_options o;
	int snap;             /* either side is a snapshot */
	cw_error *err;
	int rc;               /* CW_ENOMEM once anything failed */
} cw_cmp;

/* Record a difference (nothing once c->rc is set). */
void cw_cmp_add(cw_cmp *c, const char *table, const char *column,
		const char *what, const char *left, const char *right);

/* Two expressions of the tables named ta and tb: 1 the same, 0 not, -1
** out of memory (c->rc set). */
int cw_cmp_same_expr(cw_cmp *c, const char *x, const char *ta,
		     const char *y, const char *tb);

/* The differences of ta and tb's foreign keys, indexes and checks. */
void cw_cmp_fks(cw_cmp *c, const cw_schema_table *ta,
		const cw_schema_table *tb);
void cw_cmp_indexes(cw_cmp *c, const cw_schema_table *ta,
		    const cw_schema_table *tb);
void cw_cmp_checks(cw_cmp *c, const cw_schema_table *ta,
		   const cw_schema_table *tb);

#endif
