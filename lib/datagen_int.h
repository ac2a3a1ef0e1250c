/*
** datagen_int.h - what the generator's files share: the plan of each
** column (what kind of value it holds, what its CHECKs allow, whether it
** must be distinct) and the value makers.  Not a public interface.
**
**   datagen.c        the fill: order, rows, retries, keys, cycles
**   datagen_plan.c   column plans from the schema model
**   datagen_value.c  one value of a planned column
**   datagen_check.c  CHECK expressions read into domains; JSON columns
**   datagen_build.c  the fixture build around the engine
*/
#ifndef CW_DATAGEN_INT_H
#define CW_DATAGEN_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "datagen.h"
#include "prng.h"

/* What a column's values look like. */
typedef enum dg_kind {
	DG_TEXT = 0,     /* words */
	DG_UUID,
	DG_EMAIL,
	DG_URL,
	DG_PERSON,       /* a person's name */
	DG_USERNAME,
	DG_NAME,         /* a thing's name: blue-heron */
	DG_TITLE,
	DG_SENTENCE,
	DG_PATH,
	DG_VOCAB,        /* a word from a list (status, role, ...) */
	DG_HEX,
	DG_SECRET,
	DG_VERSION,
	DG_COLOR,
	DG_BRANCH,
	DG_JSON_OBJECT,
	DG_JSON_ARRAY,
	DG_TS_MS,        /* integer milliseconds since the epoch */
	DG_TS_S,         /* integer seconds */
	DG_TS_REAL,      /* real seconds */
	DG_TS_ISO,       /* text 2025-01-01T10:00:00.000Z */
	DG_TS_SQL,       /* text 2025-01-01 10:00:00 (CURRENT_TIMESTAMP) */
	DG_DATE,         /* text 2025-01-01 */
	DG_BOOL,
	DG_INT,
	DG_REAL,
	DG_BLOB
} dg_kind;

/* What the table's CHECK constraints say about one column. */
typedef struct dg_domain {
	int has_lo, has_hi;
	double lo, hi;           /* bounds, inclusive unless *_open */
	int lo_open, hi_open;
	char **in;               /* allowed values (IN, =), as text */
	int *in_is_num;          /* ... 1 for a number */
	size_t n_in;
	char **out;              /* values not allowed (NOT IN, <>) */
	size_t n_out;
	long min_len, max_len;   /* length(x) bounds; -1 when none */
	int not_null;            /* x IS NOT NULL */
	int is_json;             /* json_valid(x) */
} dg_domain;

/* The plan for one column. */
typedef struct dg_col {
	const cw_schema_column *c;
	size_t index;            /* in the table's columns */
	int in_insert;           /* written by the INSERT */
	dg_kind kind;
	const char *const *vocab;   /* DG_VOCAB: the words */
	size_t n_vocab;
	int is_unique;           /* must be distinct from row to row */
	int ts_rank;             /* order of timestamps within a row */
	int64_t lo, hi;          /* DG_INT, DG_REAL: the usual range */
	int decimals;            /* DG_REAL: digits after the point */
	long fk;                 /* index of its foreign key, or -1 */
	size_t fk_pos;           /* position in that key's columns */
	int nullable;
	int as_blob;             /* declared BLOB: bound as a blob */
	int has_default_num;     /* the default is a number ... */
	double default_num;
	char *default_text;      /* ... or a string (unquoted); NULL */
	uint64_t label;          /* the column's name, hashed */
	dg_domain dom;
} dg_col;

/* A value ready to bind. */
typedef struct dg_val {
	int type;                /* SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB,
				 ** _NULL, or DG_VALUE */
	int64_t i;
	double d;
	const char *s;           /* TEXT/BLOB: text or buf */
	size_t len;
	const sqlite3_value *v;  /* DG_VALUE: a parent's stored value */
	char buf[640];
} dg_val;

#define DG_VALUE 100

/* Where a value is drawn: the row and the attempt. */
typedef struct dg_row {
	uint64_t seed;
	uint64_t table;          /* the table's name, hashed */
	size_t r;                /* the row number among generated rows */
	int attempt;
	size_t n_rows;           /* rows asked for, for spacing */
} dg_row;

/* Plan the columns of t (cols[i] for t->columns[i]).  json lists names
** known to hold JSON.  Returns 0 or CW_ENOMEM. */
int dg_plan_columns(dg_col *cols, const cw_schema_table *t,
		    const cw_datagen_names *json, cw_error *err);

void dg_col_free(dg_col *c);

/* Make the value of column c for row w into out (never NULL: the caller
** decides NULLs). */
void dg_value(dg_val *out, const dg_col *c, const dg_row *w);

/* A stream for one value. */
void dg_stream(cw_prng *out, const dg_row *w, uint64_t column,
	       uint64_t what);

/* Timestamp in milliseconds for rank `rank` of row w (row order, then
** rank order within the row). */
int64_t dg_time_ms(const dg_row *w, int rank, cw_prng *rng);

/* Read one CHECK expression of t into the domains of cols (parallel to
** t->columns).  What it cannot read is left to the INSERT.  Returns 0 or
** CW_ENOMEM. */
int dg_check_read(dg_col *cols, const cw_schema_table *t, const char *expr,
		  cw_error *err);

void dg_domain_free(dg_domain *d);

/* Case-insensitive search of a name list. */
int dg_names_has(const cw_datagen_names *n, const char *name);

/* Add name to n unless it is there.  Returns 0 or CW_ENOMEM. */
int dg_names_add(cw_datagen_names *n, const char *name, cw_error *err);

#endif
