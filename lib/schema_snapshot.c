/*
** schema_snapshot.c - the schema model of a drizzle-kit sqlite snapshot
** (meta/NNNN_snapshot.json).
**
** drizzle-kit's own schemas (drizzle-kit/src/serializer/sqliteSchema.ts)
** give the shapes: version "3" tables hold columns, indexes and
** foreignKeys; "4" adds compositePrimaryKeys, uniqueConstraints,
** checkConstraints and views; "5" drops views and adds _meta; "6" (every
** snapshot drizzle-kit 0.2x and 0.3x writes) has views again and
** internal.  The members of a table are read the same way in all four:
** what a version lacks is simply absent.  Version "7" (drizzle-kit 1.0)
** is another format altogether and is refused.
**
** A snapshot that is not what drizzle-kit writes is CW_EINVAL, naming
** the file, the line and the member (tables.users.columns.id.notNull).
** cJSON holds the values; the line of a member comes from walking the
** text again with jsonstrict.h, which keeps offsets.  So does the exact
** text of a numeric default: drizzle-kit writes `DEFAULT ${value}`, the
** same digits JSON.stringify put in the file.
*/
#include "schema_int.h"
#include "jsonstrict.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AT 8

/* The snapshot being read and where in it the reader is. */
typedef struct snap {
	const char *path;
	const char *text;
	size_t len;
	cw_error *err;
	const char *at[MAX_AT];   /* member names from the root */
	size_t n_at;
} snap;

/* Finding a member by its names: the deepest one found. */
typedef struct locator {
	const char *const *names;
	size_t n, matched;
	size_t key_off, off, end;
} locator;

static int locate_visit(void *ctx, const cw_json_at *at, int is_leave)
{
	locator *l = ctx;
	size_t want;

	if (at->depth == 0)
		return 0;
	if (is_leave) {
		/* Leaving the deepest match: what is below it is not. */
		if ((size_t)at->depth == l->matched) {
			l->end = at->end;
			return 1;
		}
		return 0;
	}
	if ((size_t)at->depth != l->matched + 1 || l->matched == l->n ||
	    at->key == NULL)
		return 0;
	want = strlen(l->names[l->matched]);
	if (at->key_len == want &&
	    memcmp(at->key, l->names[l->matched], want) == 0) {
		l->matched++;
		l->key_off = at->key_off;
		l->off = at->off;
	}
	return 0;
}

/* Where names[0..n) is in the text: l->matched of them were found. */
static void locate(const snap *s, const char *const *names, size_t n,
		   locator *l)
{
	memset(l, 0, sizeof(*l));
	l->names = names;
	l->n = n;
	(void)cw_jsonstrict_walk(s->text, s->len, 1, locate_visit, l, NULL);
}

/* CW_EINVAL about member `key` of where the reader is (the place itself
** when key is NULL), at its line. */
static int fail(snap *s, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(snap *s, const char *key, const char *fmt, ...)
{
	const char *names[MAX_AT + 1];
	char field[512], what[512];
	size_t n = 0, i, o = 0;
	int line = 1;
	locator l;
	va_list ap;

	for (i = 0; i < s->n_at; i++)
		names[n++] = s->at[i];
	if (key)
		names[n++] = key;
	field[0] = '\0';
	for (i = 0; i < n && o < sizeof(field); i++)
		o += (size_t)snprintf(field + o, sizeof(field) - o, "%s%s",
				      i ? "." : "", names[i]);
	locate(s, names, n, &l);
	if (l.matched > 0)
		cw_text_line_col(s->text, l.key_off, &line, NULL);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	/* "columns[1] is ...": an element's index joins its array's name */
	return cw_error_set(s->err, CW_EINVAL, NULL, s->path, line,
			    "snapshot %s%s%s", n ? field : "root",
			    what[0] == '[' ? "" : " ", what);
}

static int oom(snap *s)
{
	return cw_schema_oom(s->err, "a snapshot");
}

/* Step into member a (and its member b, unless NULL). */
static void enter(snap *s, const char *a, const char *b)
{
	s->at[s->n_at++] = a;
	if (b)
		s->at[s->n_at++] = b;
}

static void leave(snap *s, const char *b)
{
	s->n_at -= b ? 2 : 1;
}

/* Member key of o as an object (NULL when absent and optional). */
static int object_of(snap *s, const cJSON *o, const char *key,
		     int required, const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (v == NULL && !required)
		return 0;
	if (v == NULL)
		return fail(s, key, "is missing");
	if (!cJSON_IsObject(v))
		return fail(s, key, "is not an object");
	*out = v;
	return 0;
}

/* Member key of o as a new string (NULL when absent and optional). */
static int string_of(snap *s, const cJSON *o, const char *key,
		     int required, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (v == NULL && !required)
		return 0;
	if (v == NULL)
		return fail(s, key, "is missing");
	if (!cJSON_IsString(v))
		return fail(s, key, "is not a string");
	if ((*out = cw_schema_strdup(v->valuestring)) == NULL)
		return oom(s);
	return 0;
}

/* Member key of o as a boolean (0 when absent and optional). */
static int bool_of(snap *s, const cJSON *o, const char *key, int required,
		   int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = 0;
	if (v == NULL && !required)
		return 0;
	if (v == NULL)
		return fail(s, key, "is missing");
	if (!cJSON_IsBool(v))
		return fail(s, key, "is not a boolean");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* Member key of o: an array of strings. */
static int names_of(snap *s, const cJSON *o, const char *key, char ***out,
		    size_t *out_n)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *e;
	size_t i = 0;

	*out = NULL;
	*out_n = 0;
	if (v == NULL)
		return fail(s, key, "is missing");
	if (!cJSON_IsArray(v))
		return fail(s, key, "is not an array");
	cJSON_ArrayForEach(e, v) {
		char **slot;
		if (!cJSON_IsString(e))
			return fail(s, key, "[%zu] is not a string", i);
		CW_SCHEMA_PUSH(*out, *out_n, slot);
		if (slot == NULL ||
		    (*slot = cw_schema_strdup(e->valuestring)) == NULL)
			return oom(s);
		i++;
	}
	return 0;
}

/* A column's default as the SQL text drizzle-kit writes after DEFAULT. */
static int default_of(snap *s, const cJSON *col, char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(col, "default");
	const char *names[MAX_AT + 1];
	char num[64];
	locator l;
	size_t i;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (cJSON_IsString(v))
		*out = cw_schema_strdup(v->valuestring);
	else if (cJSON_IsBool(v))
		*out = cw_schema_strdup(cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNull(v))
		*out = cw_schema_strdup("null");
	else if (!cJSON_IsNumber(v))
		return fail(s, "default", "is not a string, number or "
			    "boolean");
	else {
		for (i = 0; i < s->n_at; i++)
			names[i] = s->at[i];
		names[i] = "default";
		locate(s, names, s->n_at + 1, &l);
		if (l.matched == s->n_at + 1 && l.end > l.off)
			*out = cw_schema_strndup(s->text + l.off,
						 l.end - l.off);
		else if (snprintf(num, sizeof(num), "%.17g", v->valuedouble)
			 > 0)
			*out = cw_schema_strdup(num);
	}
	return *out ? 0 : oom(s);
}

static int generated_of(snap *s, const cJSON *col, cw_schema_column *c)
{
	const cJSON *g;
	char *type = NULL;
	int rc;

	if ((rc = object_of(s, col, "generated", 0, &g)) != 0 || g == NULL)
		return rc;
	enter(s, "generated", NULL);
	if ((rc = string_of(s, g, "type", 1, &type)) == 0 &&
	    (rc = string_of(s, g, "as", 1, &c->generated_sql)) == 0) {
		if (strcmp(type, "virtual") == 0)
			c->generated = CW_GEN_VIRTUAL;
		else if (strcmp(type, "stored") == 0)
			c->generated = CW_GEN_STORED;
		else
			rc = fail(s, "type", "is \"%s\", not \"stored\" or "
				  "\"virtual\"", type);
	}
	leave(s, NULL);
	free(type);
	return rc;
}

static int column_of(snap *s, const cJSON *col, cw_schema_column *c)
{
	int rc;

	if (!cJSON_IsObject(col))
		return fail(s, NULL, "is not an object");
	if ((rc = string_of(s, col, "name", 1, &c->name)) != 0 ||
	    (rc = string_of(s, col, "type", 1, &c->type)) != 0 ||
	    (rc = bool_of(s, col, "primaryKey", 1, &c->pk)) != 0 ||
	    (rc = bool_of(s, col, "notNull", 1, &c->not_null)) != 0 ||
	    (rc = bool_of(s, col, "autoincrement", 0,
			  &c->autoincrement)) != 0 ||
	    (rc = default_of(s, col, &c->default_sql)) != 0)
		return rc;
	c->affinity = cw_schema_affinity(c->type);
	return generated_of(s, col, c);
}

static int columns_of(snap *s, const cJSON *tbl, cw_schema_table *t)
{
	const cJSON *cols, *m;
	size_t i;
	int rc;

	if ((rc = object_of(s, tbl, "columns", 1, &cols)) != 0)
		return rc;
	cJSON_ArrayForEach(m, cols) {
		cw_schema_column *c;
		CW_SCHEMA_PUSH(t->columns, t->n_columns, c);
		if (c == NULL)
			return oom(s);
		enter(s, "columns", m->string);
		rc = column_of(s, m, c);
		/* Columns are matched by name: two of one name (a hand edit,
		** "created_at": {"name": "id"}) would make a table differ
		** even from itself.  SQLite refuses such a table too. */
		for (i = 0; rc == 0 && i + 1 < t->n_columns; i++)
			if (cw_sqlscan_name_eq(t->columns[i].name, c->name))
				rc = fail(s, "name", "is \"%s\" again: a "
					  "table has each column once",
					  c->name);
		leave(s, m->string);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int index_of(snap *s, const cJSON *o, cw_schema_index *x, int is_uq)
{
	int rc;

	if (!cJSON_IsObject(o))
		return fail(s, NULL, "is not an object");
	x->origin = is_uq ? 'u' : 'c';
	x->unique = is_uq;
	if ((rc = string_of(s, o, "name", 1, &x->name)) != 0 ||
	    (rc = names_of(s, o, "columns", &x->columns,
			   &x->n_columns)) != 0)
		return rc;
	if (is_uq)
		return 0;
	if ((rc = bool_of(s, o, "isUnique", 1, &x->unique)) != 0)
		return rc;
	return string_of(s, o, "where", 0, &x->where);
}

static int indexes_of(snap *s, const cJSON *tbl, cw_schema_table *t,
		      const char *key, int required)
{
	const cJSON *all, *m;
	int rc;

	if ((rc = object_of(s, tbl, key, required, &all)) != 0)
		return rc;
	cJSON_ArrayForEach(m, all) {
		cw_schema_index *x;
		CW_SCHEMA_PUSH(t->indexes, t->n_indexes, x);
		if (x == NULL)
			return oom(s);
		enter(s, key, m->string);
		rc = index_of(s, m, x, required == 0);
		leave(s, m->string);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* "cascade" -> "CASCADE", as SQLite reports actions. */
static void upper(char *p)
{
	for (; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
}

static int fk_of(snap *s, const cJSON *o, cw_schema_fk *f)
{
	char **from = NULL, **to = NULL;
	size_t n_from = 0, n_to = 0;
	int rc;

	if (!cJSON_IsObject(o))
		return fail(s, NULL, "is not an object");
	if ((rc = string_of(s, o, "name", 1, &f->name)) != 0 ||
	    (rc = string_of(s, o, "tableTo", 1, &f->parent)) != 0 ||
	    (rc = names_of(s, o, "columnsFrom", &from, &n_from)) != 0 ||
	    (rc = names_of(s, o, "columnsTo", &to, &n_to)) != 0 ||
	    (rc = string_of(s, o, "onUpdate", 0, &f->on_update)) != 0 ||
	    (rc = string_of(s, o, "onDelete", 0, &f->on_delete)) != 0) {
		cw_schema_names_free(from, n_from);
		cw_schema_names_free(to, n_to);
		return rc;
	}
	f->from = from;
	f->to = to;
	f->n = n_from < n_to ? n_from : n_to;
	if (n_from != n_to) {
		/* Keep what is owned freeable: n is the shorter list. */
		size_t k;
		for (k = f->n; k < n_from; k++)
			free(from[k]);
		for (k = f->n; k < n_to; k++)
			free(to[k]);
		return fail(s, "columnsTo", "has %zu columns, columnsFrom "
			    "%zu", n_to, n_from);
	}
	upper(f->on_update);
	upper(f->on_delete);
	return 0;
}

static int fks_of(snap *s, const cJSON *tbl, cw_schema_table *t)
{
	const cJSON *all, *m;
	int rc;

	if ((rc = object_of(s, tbl, "foreignKeys", 1, &all)) != 0)
		return rc;
	cJSON_ArrayForEach(m, all) {
		cw_schema_fk *f;
		CW_SCHEMA_PUSH(t->fks, t->n_fks, f);
		if (f == NULL)
			return oom(s);
		enter(s, "foreignKeys", m->string);
		rc = fk_of(s, m, f);
		leave(s, m->string);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static cw_schema_column *column_named(cw_schema_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (cw_sqlscan_name_eq(t->columns[i].name, name))
			return &t->columns[i];
	return NULL;
}

/* compositePrimaryKeys: each column's place in the key. */
static int pks_of(snap *s, const cJSON *tbl, cw_schema_table *t)
{
	const cJSON *all, *m;
	int rc;

	if ((rc = object_of(s, tbl, "compositePrimaryKeys", 0, &all)) != 0)
		return rc;
	cJSON_ArrayForEach(m, all) {
		char **cols = NULL;
		size_t n = 0, k;
		enter(s, "compositePrimaryKeys", m->string);
		rc = cJSON_IsObject(m) ? names_of(s, m, "columns", &cols, &n) :
		     fail(s, NULL, "is not an object");
		for (k = 0; rc == 0 && k < n; k++) {
			cw_schema_column *c = column_named(t, cols[k]);
			if (c == NULL)
				rc = fail(s, "columns", "names \"%s\", which "
					  "is not a column", cols[k]);
			else
				c->pk = (int)k + 1;
		}
		leave(s, m->string);
		cw_schema_names_free(cols, n);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int checks_of(snap *s, const cJSON *tbl, cw_schema_table *t)
{
	const cJSON *all, *m;
	int rc;

	if ((rc = object_of(s, tbl, "checkConstraints", 0, &all)) != 0)
		return rc;
	cJSON_ArrayForEach(m, all) {
		cw_schema_check *c;
		CW_SCHEMA_PUSH(t->checks, t->n_checks, c);
		if (c == NULL)
			return oom(s);
		enter(s, "checkConstraints", m->string);
		rc = cJSON_IsObject(m) ? string_of(s, m, "name", 1, &c->name) :
		     fail(s, NULL, "is not an object");
		if (rc == 0)
			rc = string_of(s, m, "value", 1, &c->expr);
		leave(s, m->string);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int table_of(snap *s, const cJSON *tbl, cw_schema_table *t)
{
	int rc;

	if (!cJSON_IsObject(tbl))
		return fail(s, NULL, "is not an object");
	if ((rc = string_of(s, tbl, "name", 1, &t->name)) != 0 ||
	    (rc = columns_of(s, tbl, t)) != 0 ||
	    (rc = indexes_of(s, tbl, t, "indexes", 1)) != 0 ||
	    (rc = indexes_of(s, tbl, t, "uniqueConstraints", 0)) != 0 ||
	    (rc = fks_of(s, tbl, t)) != 0 ||
	    (rc = pks_of(s, tbl, t)) != 0)
		return rc;
	return checks_of(s, tbl, t);
}

static int views_of(snap *s, const cJSON *root, cw_schema *out)
{
	const cJSON *all, *m;
	int rc;

	if ((rc = object_of(s, root, "views", 0, &all)) != 0)
		return rc;
	cJSON_ArrayForEach(m, all) {
		char *name = NULL, *def = NULL;
		int existing = 0;
		cw_schema_object *v;
		enter(s, "views", m->string);
		if (!cJSON_IsObject(m))
			rc = fail(s, NULL, "is not an object");
		else if ((rc = string_of(s, m, "name", 1, &name)) == 0 &&
			 (rc = string_of(s, m, "definition", 0, &def)) == 0)
			rc = bool_of(s, m, "isExisting", 0, &existing);
		leave(s, m->string);
		if (rc == 0 && !existing) {
			CW_SCHEMA_PUSH(out->views, out->n_views, v);
			if (v == NULL) {
				rc = oom(s);
			} else {
				v->name = name;
				v->sql = def;
				name = def = NULL;
			}
		}
		free(name);
		free(def);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The root: version, dialect, tables, views. */
static int root_of(snap *s, const cJSON *root, cw_schema *out)
{
	static const char *const versions[] = {"3", "4", "5", "6"};
	const cJSON *tables, *m;
	char *version = NULL, *dialect = NULL;
	size_t i;
	int rc;

	if (!cJSON_IsObject(root))
		return fail(s, NULL, "is not an object");
	if ((rc = string_of(s, root, "version", 1, &version)) != 0)
		return rc;
	for (i = 0; i < 4 && strcmp(version, versions[i]) != 0; i++)
		;
	if (i == 4)
		rc = fail(s, "version", "is \"%s\": drizzle-kit sqlite "
			  "snapshots of versions 3 to 6 are read", version);
	free(version);
	if (rc == 0 && (rc = string_of(s, root, "dialect", 1, &dialect)) == 0
	    && strcmp(dialect, "sqlite") != 0)
		rc = fail(s, "dialect", "is \"%s\", not \"sqlite\"", dialect);
	free(dialect);
	if (rc != 0 || (rc = object_of(s, root, "tables", 1, &tables)) != 0)
		return rc;
	cJSON_ArrayForEach(m, tables) {
		cw_schema_table *t;
		CW_SCHEMA_PUSH(out->tables, out->n_tables, t);
		if (t == NULL)
			return oom(s);
		s->at[0] = "tables";
		s->at[1] = m->string;
		s->n_at = 2;
		rc = table_of(s, m, t);
		s->n_at = 0;
		if (rc != 0)
			return rc;
	}
	return views_of(s, root, out);
}

int cw_schema_read_snapshot(cw_schema *out, const char *path,
			    const char *text, size_t len, cw_error *err)
{
	snap s;
	cJSON *root;
	size_t bad = 0, bom = 0;
	int rc, line = 1, col = 0;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.path = path ? path : "";
	s.text = text;
	s.len = len;
	s.err = err;
	if (cw_jsonstrict_walk(text, len, 1, NULL, NULL, &bad) != 0) {
		cw_text_line_col(text, bad <= len ? bad : len, &line, &col);
		return cw_error_set(err, CW_EINVAL, NULL, s.path, line,
				    "snapshot is not valid JSON (column %d)",
				    col);
	}
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		bom = 3;
	root = cJSON_ParseWithLength(text + bom, len - bom);
	if (root == NULL)
		return cw_schema_oom(err, "a snapshot");
	rc = root_of(&s, root, out);
	cJSON_Delete(root);
	out->is_snapshot = 1;
	if (rc == 0)
		rc = cw_schema_order(out, err);
	if (rc != 0)
		cw_schema_free(out);
	return rc;
}

int cw_schema_read_snapshot_file(cw_schema *out, const char *path,
				 cw_error *err)
{
	cw_bytes t = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = cw_text_read_file(&t, path, err)) != 0)
		return rc;
	rc = cw_schema_read_snapshot(out, path, t.data, t.len, err);
	cw_bytes_free(&t);
	return rc;
}
