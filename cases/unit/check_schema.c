/*
** check_schema.c - lib/schema.c, schema_db.c, schema_sql.c: the model of
** a live database.  Hand-written schemas covering each thing the model
** holds (declared types and affinity, NOT NULL, defaults as written,
** primary-key positions, AUTOINCREMENT in both spellings, generated
** columns, COLLATE, named and unnamed CHECKs at both levels, foreign keys
** grouped, in declaration order, with implied parent keys and DEFERRABLE,
** indexes of every origin with expression keys and WHERE, WITHOUT ROWID,
** STRICT), what is left out (sqlite_ tables, shadow tables, the skipped
** table), triggers, views and virtual tables, names that need quoting,
** read-only use, and the foreign-key order with self-references and
** cycles.
*/
#include "unit.h"
#include "../../lib/db.h"
#include "../../lib/schema.h"

#include <string.h>
#include <unistd.h>

/* The model of a fresh in-memory database after sql. */
static void model(cw_schema *s, const char *sql, const char *skip)
{
	cw_schema_options o = CW_SCHEMA_OPTIONS_INIT;
	cw_error err = {0};
	sqlite3 *db = NULL;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_msg(cw_db_exec(db, sql, &err) == 0, "%s", err.message);
	o.skip_table = skip;
	ck_assert_msg(cw_schema_read_db(s, db, &o, &err) == 0, "%s",
		      err.message);
	sqlite3_close(db);
}

static const cw_schema_table *table(const cw_schema *s, const char *name)
{
	const cw_schema_table *t = cw_schema_find(s, name);

	ck_assert_msg(t != NULL, "no table %s", name);
	return t;
}

static const cw_schema_column *column(const cw_schema_table *t,
				      const char *name)
{
	const cw_schema_column *c = cw_schema_column_find(t, name);

	ck_assert_msg(c != NULL, "no column %s.%s", t->name, name);
	return c;
}

static const cw_schema_index *index_named(const cw_schema_table *t,
					  const char *name)
{
	size_t i;

	for (i = 0; i < t->n_indexes; i++)
		if (strcmp(t->indexes[i].name, name) == 0)
			return &t->indexes[i];
	ck_abort_msg("no index %s on %s", name, t->name);
	return NULL;
}

#define STR_OR_NULL(a, b) do { \
	if ((b) == NULL) \
		ck_assert_ptr_null(a); \
	else \
		ck_assert_str_eq((a), (b)); \
} while (0)

/* ---- columns ---- */

START_TEST(test_columns)
{
	cw_schema s;
	const cw_schema_table *t;
	const cw_schema_column *c;

	model(&s, "CREATE TABLE t(id integer PRIMARY KEY AUTOINCREMENT, "
	      "name varchar(40) NOT NULL DEFAULT 'it''s', "
	      "price REAL DEFAULT (-1.5), n DEFAULT CURRENT_TIMESTAMP, "
	      "at integer DEFAULT (unixepoch()), flag integer DEFAULT false, "
	      "b BLOB, d DOUBLE PRECISION, f FLOAT, num DECIMAL(10,2), "
	      "ch CHARINT, cb \"clob\", x, "
	      "up TEXT GENERATED ALWAYS AS (upper(name)) VIRTUAL, "
	      "len int AS ( length(name) ) STORED, "
	      "nm text COLLATE NOCASE NOT NULL)", NULL);
	ck_assert_uint_eq(s.n_tables, 1);
	t = table(&s, "T");
	ck_assert_str_eq(t->name, "t");
	ck_assert_ptr_nonnull(strstr(t->sql, "AUTOINCREMENT"));
	ck_assert_uint_eq(t->n_columns, 16);
	c = column(t, "id");
	ck_assert_str_eq(c->type, "INTEGER");
	ck_assert_int_eq(c->affinity, CW_AFF_INTEGER);
	ck_assert_int_eq(c->pk, 1);
	ck_assert_int_eq(c->autoincrement, 1);
	ck_assert_int_eq(c->not_null, 0);
	c = column(t, "name");
	ck_assert_str_eq(c->type, "varchar(40)");
	ck_assert_int_eq(c->affinity, CW_AFF_TEXT);
	ck_assert_int_eq(c->not_null, 1);
	ck_assert_str_eq(c->default_sql, "'it''s'");
	ck_assert_int_eq(c->autoincrement, 0);
	ck_assert_ptr_null(c->collate);
	/* SQLite keeps the default without its outer parentheses. */
	ck_assert_str_eq(column(t, "price")->default_sql, "-1.5");
	ck_assert_int_eq(column(t, "price")->affinity, CW_AFF_REAL);
	ck_assert_str_eq(column(t, "n")->default_sql, "CURRENT_TIMESTAMP");
	ck_assert_str_eq(column(t, "n")->type, "");
	ck_assert_int_eq(column(t, "n")->affinity, CW_AFF_BLOB);
	ck_assert_str_eq(column(t, "at")->default_sql, "unixepoch()");
	ck_assert_str_eq(column(t, "flag")->default_sql, "false");
	ck_assert_int_eq(column(t, "b")->affinity, CW_AFF_BLOB);
	ck_assert_int_eq(column(t, "d")->affinity, CW_AFF_REAL);
	ck_assert_int_eq(column(t, "f")->affinity, CW_AFF_REAL);
	ck_assert_int_eq(column(t, "num")->affinity, CW_AFF_NUMERIC);
	ck_assert_int_eq(column(t, "ch")->affinity, CW_AFF_INTEGER);
	ck_assert_int_eq(column(t, "cb")->affinity, CW_AFF_TEXT);
	ck_assert_ptr_null(column(t, "x")->default_sql);
	c = column(t, "up");
	ck_assert_int_eq(c->generated, CW_GEN_VIRTUAL);
	ck_assert_str_eq(c->generated_sql, "upper(name)");
	ck_assert_str_eq(c->type, "TEXT");
	c = column(t, "len");
	ck_assert_int_eq(c->generated, CW_GEN_STORED);
	ck_assert_str_eq(c->generated_sql, "length(name)");
	ck_assert_int_eq(column(t, "x")->generated, CW_GEN_NONE);
	ck_assert_ptr_null(column(t, "x")->generated_sql);
	c = column(t, "nm");
	ck_assert_str_eq(c->collate, "NOCASE");
	ck_assert_int_eq(c->not_null, 1);
	ck_assert_ptr_null(cw_schema_column_find(t, "nope"));
	ck_assert_ptr_null(cw_schema_find(&s, "nope"));
	cw_schema_free(&s);
}
END_TEST

START_TEST(test_affinity_rule)
{
	ck_assert_int_eq(cw_schema_affinity(NULL), CW_AFF_BLOB);
	ck_assert_int_eq(cw_schema_affinity(""), CW_AFF_BLOB);
	ck_assert_int_eq(cw_schema_affinity("BIGINT"), CW_AFF_INTEGER);
	ck_assert_int_eq(cw_schema_affinity("point"), CW_AFF_INTEGER);
	ck_assert_int_eq(cw_schema_affinity("NVARCHAR(9)"), CW_AFF_TEXT);
	ck_assert_int_eq(cw_schema_affinity("text blob"), CW_AFF_TEXT);
	ck_assert_int_eq(cw_schema_affinity("real blob"), CW_AFF_BLOB);
	ck_assert_int_eq(cw_schema_affinity("blob real"), CW_AFF_BLOB);
	ck_assert_int_eq(cw_schema_affinity("text real"), CW_AFF_TEXT);
	ck_assert_int_eq(cw_schema_affinity("Floating"), CW_AFF_REAL);
	ck_assert_int_eq(cw_schema_affinity("DATETIME"), CW_AFF_NUMERIC);
	ck_assert_int_eq(cw_schema_affinity("BOOLEAN"), CW_AFF_NUMERIC);
	ck_assert_int_eq(cw_schema_affinity("STRING"), CW_AFF_NUMERIC);
	ck_assert_int_eq(cw_schema_affinity("ANY"), CW_AFF_NUMERIC);
}
END_TEST

/* Composite keys, the table-level AUTOINCREMENT, STRICT, WITHOUT ROWID. */
START_TEST(test_keys_and_options)
{
	cw_schema s;
	const cw_schema_table *t;

	model(&s, "CREATE TABLE c(a TEXT NOT NULL, b INT, x, "
	      "PRIMARY KEY (b, a)) WITHOUT ROWID;"
	      "CREATE TABLE q(n INTEGER, v TEXT, "
	      "CONSTRAINT q_pk PRIMARY KEY(n AUTOINCREMENT));"
	      "CREATE TABLE st(a ANY, b INT, c TEXT) STRICT;"
	      "INSERT INTO q(v) VALUES ('x')", NULL);
	t = table(&s, "c");
	ck_assert_int_eq(t->without_rowid, 1);
	ck_assert_int_eq(t->strict, 0);
	ck_assert_int_eq(column(t, "b")->pk, 1);
	ck_assert_int_eq(column(t, "a")->pk, 2);
	ck_assert_int_eq(column(t, "x")->pk, 0);
	/* the key's index, not in sqlite_master */
	ck_assert_uint_eq(t->n_indexes, 1);
	ck_assert_int_eq(t->indexes[0].origin, 'p');
	ck_assert_int_eq(t->indexes[0].unique, 1);
	ck_assert_uint_eq(t->indexes[0].n_columns, 2);
	ck_assert_str_eq(t->indexes[0].columns[0], "b");
	t = table(&s, "q");
	ck_assert_int_eq(column(t, "n")->autoincrement, 1);
	ck_assert_int_eq(column(t, "v")->autoincrement, 0);
	ck_assert_uint_eq(t->n_indexes, 0);
	t = table(&s, "st");
	ck_assert_int_eq(t->strict, 1);
	ck_assert_int_eq(t->without_rowid, 0);
	ck_assert_int_eq(column(t, "a")->affinity, CW_AFF_BLOB);
	ck_assert_int_eq(column(t, "b")->affinity, CW_AFF_INTEGER);
	/* sqlite_sequence is SQLite's own */
	ck_assert_uint_eq(s.n_tables, 3);
	cw_schema_free(&s);
}
END_TEST

/* ---- checks ---- */

START_TEST(test_checks)
{
	cw_schema s;
	const cw_schema_table *t;

	model(&s, "CREATE TABLE k(a INT CHECK (a > 0) CONSTRAINT a_small "
	      "CHECK(a < (10 + 1)), b TEXT DEFAULT 'CHECK (x)', "
	      "c TEXT CONSTRAINT c_nn NOT NULL, "
	      "CONSTRAINT \"two words\" CHECK (length(b) <> 3), "
	      "CHECK(b IN ('x', 'y')), UNIQUE (b, c), "
	      "CONSTRAINT k_pk PRIMARY KEY (a))", NULL);
	t = table(&s, "k");
	ck_assert_uint_eq(t->n_checks, 4);
	ck_assert_ptr_null(t->checks[0].name);
	ck_assert_str_eq(t->checks[0].expr, "a > 0");
	ck_assert_str_eq(t->checks[0].column, "a");
	ck_assert_str_eq(t->checks[1].name, "a_small");
	ck_assert_str_eq(t->checks[1].expr, "a < (10 + 1)");
	ck_assert_str_eq(t->checks[1].column, "a");
	ck_assert_str_eq(t->checks[2].name, "two words");
	ck_assert_str_eq(t->checks[2].expr, "length(b) <> 3");
	ck_assert_ptr_null(t->checks[2].column);
	ck_assert_ptr_null(t->checks[3].name);
	ck_assert_str_eq(t->checks[3].expr, "b IN ('x', 'y')");
	ck_assert_str_eq(column(t, "b")->default_sql, "'CHECK (x)'");
	ck_assert_int_eq(column(t, "c")->not_null, 1);
	cw_schema_free(&s);
}
END_TEST

/* ---- foreign keys ---- */

START_TEST(test_foreign_keys)
{
	cw_schema s;
	const cw_schema_table *t;
	const cw_schema_fk *f;

	model(&s, "CREATE TABLE p(id INTEGER PRIMARY KEY, a INT, b INT, "
	      "UNIQUE (a, b));"
	      "CREATE TABLE ch(id INTEGER PRIMARY KEY, "
	      "p_id INT REFERENCES p ON DELETE CASCADE, "
	      "a INT, b INT, "
	      "self INT REFERENCES ch(id) DEFERRABLE INITIALLY DEFERRED, "
	      "CONSTRAINT ch_ab FOREIGN KEY (a, b) REFERENCES p(a, b) "
	      "ON UPDATE SET NULL NOT DEFERRABLE INITIALLY DEFERRED, "
	      "FOREIGN KEY (b) REFERENCES \"p\" (\"id\") "
	      "DEFERRABLE INITIALLY IMMEDIATE);"
	      "CREATE TABLE two(x INT REFERENCES p(a), "
	      "FOREIGN KEY (x) REFERENCES p(b) DEFERRABLE INITIALLY DEFERRED)",
	      NULL);
	t = table(&s, "ch");
	ck_assert_uint_eq(t->n_fks, 4);
	f = &t->fks[0];
	ck_assert_str_eq(f->parent, "p");
	ck_assert_uint_eq(f->n, 1);
	ck_assert_str_eq(f->from[0], "p_id");
	ck_assert_ptr_null(f->to[0]);
	ck_assert_str_eq(f->on_delete, "CASCADE");
	ck_assert_str_eq(f->on_update, "NO ACTION");
	ck_assert_int_eq(f->deferred, 0);
	ck_assert_ptr_null(f->name);
	f = &t->fks[1];
	ck_assert_str_eq(f->parent, "ch");
	ck_assert_str_eq(f->to[0], "id");
	ck_assert_int_eq(f->deferred, 1);
	f = &t->fks[2];
	ck_assert_uint_eq(f->n, 2);
	ck_assert_str_eq(f->from[1], "b");
	ck_assert_str_eq(f->to[0], "a");
	ck_assert_str_eq(f->to[1], "b");
	ck_assert_str_eq(f->on_update, "SET NULL");
	ck_assert_int_eq(f->deferred, 0);
	ck_assert_str_eq(f->name, "ch_ab");
	f = &t->fks[3];
	ck_assert_str_eq(f->from[0], "b");
	ck_assert_str_eq(f->to[0], "id");
	ck_assert_int_eq(f->deferred, 0);
	ck_assert_uint_eq(table(&s, "p")->n_fks, 0);
	/* one child column, two parents' columns: each its own clause */
	t = table(&s, "two");
	ck_assert_uint_eq(t->n_fks, 2);
	ck_assert_str_eq(t->fks[0].to[0], "a");
	ck_assert_int_eq(t->fks[0].deferred, 0);
	ck_assert_str_eq(t->fks[1].to[0], "b");
	ck_assert_int_eq(t->fks[1].deferred, 1);
	cw_schema_free(&s);
}
END_TEST

/* SQLite takes table constraints one after another without commas
** (karakeep's 0029 writes two FOREIGN KEY clauses so). */
START_TEST(test_constraints_without_commas)
{
	cw_schema s;
	const cw_schema_table *t;

	model(&s, "CREATE TABLE p(id TEXT PRIMARY KEY);"
	      "CREATE TABLE a(id TEXT PRIMARY KEY, p1 TEXT, p2 TEXT, x INT, "
	      "FOREIGN KEY (p1) REFERENCES p(id) ON DELETE cascade "
	      "FOREIGN KEY (p2) REFERENCES p DEFERRABLE INITIALLY DEFERRED "
	      "CONSTRAINT x_pos CHECK (x > 0) UNIQUE (x) CHECK (x < 9) "
	      "CONSTRAINT named_fk FOREIGN KEY (x) REFERENCES p(id))", NULL);
	t = table(&s, "a");
	ck_assert_uint_eq(t->n_fks, 3);
	ck_assert_str_eq(t->fks[0].from[0], "p1");
	ck_assert_str_eq(t->fks[0].on_delete, "CASCADE");
	ck_assert_int_eq(t->fks[0].deferred, 0);
	ck_assert_str_eq(t->fks[1].from[0], "p2");
	ck_assert_int_eq(t->fks[1].deferred, 1);
	ck_assert_str_eq(t->fks[2].name, "named_fk");
	ck_assert_uint_eq(t->n_checks, 2);
	ck_assert_str_eq(t->checks[0].name, "x_pos");
	ck_assert_str_eq(t->checks[0].expr, "x > 0");
	ck_assert_ptr_null(t->checks[1].name);
	ck_assert_str_eq(t->checks[1].expr, "x < 9");
	ck_assert_uint_eq(t->n_indexes, 2);
	cw_schema_free(&s);
}
END_TEST

/* Columns added later carry their constraints into the CREATE text. */
START_TEST(test_added_columns)
{
	cw_schema s;
	const cw_schema_table *t;

	model(&s, "CREATE TABLE p(id INTEGER PRIMARY KEY);"
	      "CREATE TABLE t(id INTEGER PRIMARY KEY);"
	      "ALTER TABLE t ADD COLUMN p_id INT REFERENCES p(id) "
	      "DEFERRABLE INITIALLY DEFERRED;"
	      "ALTER TABLE t ADD COLUMN name TEXT COLLATE RTRIM "
	      "CONSTRAINT name_len CHECK (length(name) < 9);"
	      "ALTER TABLE t ADD COLUMN g INT AS (id * 2)", NULL);
	t = table(&s, "t");
	ck_assert_uint_eq(t->n_fks, 1);
	ck_assert_int_eq(t->fks[0].deferred, 1);
	ck_assert_str_eq(column(t, "name")->collate, "RTRIM");
	ck_assert_uint_eq(t->n_checks, 1);
	ck_assert_str_eq(t->checks[0].name, "name_len");
	ck_assert_str_eq(t->checks[0].column, "name");
	ck_assert_int_eq(column(t, "g")->generated, CW_GEN_VIRTUAL);
	ck_assert_str_eq(column(t, "g")->generated_sql, "id * 2");
	cw_schema_free(&s);
}
END_TEST

/* ---- indexes ---- */

START_TEST(test_indexes)
{
	cw_schema s;
	const cw_schema_table *t;
	const cw_schema_index *x;

	model(&s, "CREATE TABLE u(id TEXT PRIMARY KEY, email TEXT UNIQUE, "
	      "name TEXT, n INT, UNIQUE (name, n));"
	      "CREATE INDEX u_name ON u (name);"
	      "CREATE UNIQUE INDEX \"u lower\" ON u (lower(email) COLLATE "
	      "NOCASE DESC, n ASC) WHERE \"u\".n > 0 AND name <> 'x';"
	      "CREATE INDEX u_expr ON u ((n + 1), name COLLATE NOCASE);",
	      NULL);
	t = table(&s, "u");
	ck_assert_uint_eq(t->n_indexes, 6);
	/* sqlite_master order: the constraints' indexes first */
	ck_assert_str_eq(t->indexes[0].name, "sqlite_autoindex_u_1");
	ck_assert_int_eq(t->indexes[0].origin, 'p');
	ck_assert_str_eq(t->indexes[1].name, "sqlite_autoindex_u_2");
	ck_assert_int_eq(t->indexes[1].origin, 'u');
	ck_assert_str_eq(t->indexes[1].columns[0], "email");
	ck_assert_int_eq(t->indexes[2].origin, 'u');
	ck_assert_uint_eq(t->indexes[2].n_columns, 2);
	x = index_named(t, "u_name");
	ck_assert_int_eq(x->origin, 'c');
	ck_assert_int_eq(x->unique, 0);
	ck_assert_ptr_null(x->where);
	x = index_named(t, "u lower");
	ck_assert_int_eq(x->unique, 1);
	ck_assert_uint_eq(x->n_columns, 2);
	ck_assert_str_eq(x->columns[0], "lower(email)");
	ck_assert_str_eq(x->columns[1], "n");
	ck_assert_str_eq(x->where, "\"u\".n > 0 AND name <> 'x'");
	x = index_named(t, "u_expr");
	ck_assert_str_eq(x->columns[0], "(n + 1)");
	ck_assert_str_eq(x->columns[1], "name");
	cw_schema_free(&s);
}
END_TEST

/* ---- what is left out, and what is kept beside the tables ---- */

START_TEST(test_objects)
{
	cw_schema s;

	model(&s, "CREATE TABLE __drizzle_migrations(id SERIAL PRIMARY KEY, "
	      "hash text NOT NULL, created_at numeric);"
	      "CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT);"
	      "CREATE VIRTUAL TABLE docs USING fts5(title, body);"
	      "CREATE TABLE docs_extra(id INT);"
	      "CREATE VIEW v AS SELECT x FROM a;"
	      "CREATE VIEW broken (c) AS SELECT zzz FROM nowhere;"
	      "CREATE TRIGGER a_ins AFTER INSERT ON a BEGIN "
	      "INSERT INTO docs(title) VALUES (new.x); END;"
	      "ANALYZE", "__DRIZZLE_MIGRATIONS");
	ck_assert_uint_eq(s.n_tables, 2);
	ck_assert_str_eq(s.tables[0].name, "a");
	ck_assert_str_eq(s.tables[1].name, "docs_extra");
	ck_assert_uint_eq(s.n_virtual_tables, 1);
	ck_assert_str_eq(s.virtual_tables[0].name, "docs");
	ck_assert_ptr_nonnull(strstr(s.virtual_tables[0].sql, "fts5"));
	ck_assert_ptr_null(s.virtual_tables[0].table);
	ck_assert_uint_eq(s.n_views, 2);
	ck_assert_str_eq(s.views[0].name, "v");
	ck_assert_ptr_null(s.views[0].table);
	ck_assert_str_eq(s.views[1].name, "broken");
	ck_assert_uint_eq(s.n_triggers, 1);
	ck_assert_str_eq(s.triggers[0].name, "a_ins");
	ck_assert_str_eq(s.triggers[0].table, "a");
	ck_assert_int_eq(s.is_snapshot, 0);
	cw_schema_free(&s);
}
END_TEST

/* Names that need quoting reach the PRAGMAs intact. */
START_TEST(test_quoted_names)
{
	cw_schema s;
	const cw_schema_table *t;

	model(&s, "CREATE TABLE \"we\"\"ird t\"(\"i d\" INTEGER PRIMARY KEY,"
	      " [x y] TEXT COLLATE nocase, `z` INT REFERENCES "
	      "\"we\"\"ird t\");"
	      "CREATE INDEX \"i\"\"x\" ON \"we\"\"ird t\"([x y]);"
	      "CREATE TABLE c AS SELECT 1 AS one, 'x' AS two", NULL);
	t = table(&s, "we\"ird t");
	ck_assert_uint_eq(t->n_columns, 3);
	ck_assert_str_eq(t->columns[0].name, "i d");
	ck_assert_str_eq(column(t, "x y")->collate, "nocase");
	ck_assert_uint_eq(t->n_fks, 1);
	ck_assert_str_eq(t->fks[0].parent, "we\"ird t");
	ck_assert_uint_eq(t->n_indexes, 1);
	ck_assert_str_eq(t->indexes[0].name, "i\"x");
	ck_assert_str_eq(t->indexes[0].columns[0], "x y");
	/* CREATE TABLE ... AS: columns, nothing else */
	t = table(&s, "c");
	ck_assert_uint_eq(t->n_columns, 2);
	ck_assert_uint_eq(t->n_checks, 0);
	cw_schema_free(&s);
}
END_TEST

/* A read-only connection is enough: nothing is written or run. */
START_TEST(test_read_only)
{
	char path[] = "/tmp/cw-check-schema-XXXXXX";
	cw_error err = {0};
	sqlite3 *db = NULL;
	cw_schema s;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(cw_db_open(&db, path, 1000, &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE a(x INT CHECK (x > 0));"
				    "CREATE VIEW v AS SELECT * FROM gone;",
				    &err), 0);
	sqlite3_close(db);
	ck_assert_int_eq(cw_db_open_readonly(&db, path, &err), 0);
	ck_assert_msg(cw_schema_read_db(&s, db, NULL, &err) == 0, "%s",
		      err.message);
	ck_assert_int_eq(sqlite3_total_changes(db), 0);
	ck_assert_uint_eq(s.n_tables, 1);
	ck_assert_uint_eq(s.n_views, 1);
	cw_schema_free(&s);
	cw_schema_free(&s);   /* harmless twice */
	cw_schema_free(NULL);
	sqlite3_close(db);
	unlink(path);
}
END_TEST

/* A connection that cannot read the schema: CW_ESQL, nothing left. */
START_TEST(test_unreadable)
{
	char path[] = "/tmp/cw-check-schema-XXXXXX";
	cw_error err = {0};
	sqlite3 *db = NULL;
	cw_schema s;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not a database, just text that is long "
			       "enough to be a header .....................",
			       82), 82);
	close(fd);
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
					 NULL), SQLITE_OK);
	ck_assert_int_eq(cw_schema_read_db(&s, db, NULL, &err), CW_ESQL);
	ck_assert_ptr_nonnull(strstr(err.message, "reading the schema"));
	ck_assert_uint_eq(s.n_tables, 0);
	ck_assert_ptr_null(s.tables);
	sqlite3_close(db);
	unlink(path);
}
END_TEST

/* ---- foreign-key order ---- */

/* The order as names, "a b c". */
static const char *order_text(char *buf, size_t n, const cw_schema *s)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n_order; i++)
		o += (size_t)snprintf(buf + o, n - o, "%s%s%s", i ? " " : "",
				      s->tables[s->order[i]].name,
				      s->is_cyclic[s->order[i]] ? "*" : "");
	return buf;
}

START_TEST(test_order_parents_first)
{
	char buf[256];
	cw_schema s;

	model(&s, "CREATE TABLE c(id INT, b_id INT REFERENCES b, "
	      "a_id INT REFERENCES a);"
	      "CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INT REFERENCES a,"
	      " parent INT REFERENCES b(id));"
	      "CREATE TABLE a(id INTEGER PRIMARY KEY, up INT REFERENCES a);"
	      "CREATE TABLE lone(x INT REFERENCES missing(id))", NULL);
	ck_assert_str_eq(order_text(buf, sizeof(buf), &s), "a b c lone");
	ck_assert_uint_eq(s.n_order, 4);
	ck_assert_int_eq(table(&s, "a")->fk_level, 0);
	ck_assert_int_eq(table(&s, "b")->fk_level, 1);
	ck_assert_int_eq(table(&s, "c")->fk_level, 2);
	ck_assert_int_eq(table(&s, "lone")->fk_level, 0);
	cw_schema_free(&s);
}
END_TEST

START_TEST(test_order_cycles)
{
	char buf[256];
	cw_error err = {0};
	cw_schema s;

	/* z <-> m form a cycle that needs root; leaf needs the cycle; a
	** second, three-table cycle q -> p -> r -> q stands alone. */
	model(&s, "CREATE TABLE leaf(m_id INT REFERENCES M);"
	      "CREATE TABLE z(id INTEGER PRIMARY KEY, m_id INT REFERENCES m,"
	      " root_id INT REFERENCES root);"
	      "CREATE TABLE m(id INTEGER PRIMARY KEY, z_id INT REFERENCES z);"
	      "CREATE TABLE root(id INTEGER PRIMARY KEY);"
	      "CREATE TABLE q(id INTEGER PRIMARY KEY, p INT REFERENCES p);"
	      "CREATE TABLE r(id INTEGER PRIMARY KEY, q INT REFERENCES q);"
	      "CREATE TABLE p(id INTEGER PRIMARY KEY, r INT REFERENCES r);"
	      "CREATE TABLE \"B\"(id INTEGER PRIMARY KEY, a INT REFERENCES "
	      "a);"
	      "CREATE TABLE a(id INTEGER PRIMARY KEY, b INT REFERENCES b)",
	      NULL);
	ck_assert_str_eq(order_text(buf, sizeof(buf), &s),
			 "root m* z* leaf p* q* r* a* B*");
	ck_assert_int_eq(table(&s, "m")->fk_level, 1);
	ck_assert_int_eq(table(&s, "z")->fk_level, 1);
	ck_assert_int_eq(table(&s, "leaf")->fk_level, 2);
	ck_assert_int_eq(table(&s, "p")->fk_level, 0);
	/* again: the same answer */
	ck_assert_int_eq(cw_schema_order(&s, &err), 0);
	ck_assert_str_eq(order_text(buf, sizeof(buf), &s),
			 "root m* z* leaf p* q* r* a* B*");
	cw_schema_free(&s);
}
END_TEST

START_TEST(test_order_empty)
{
	cw_error err = {0};
	cw_schema s;

	model(&s, "SELECT 1", NULL);
	ck_assert_uint_eq(s.n_tables, 0);
	ck_assert_uint_eq(s.n_order, 0);
	ck_assert_int_eq(cw_schema_order(&s, &err), 0);
	cw_schema_free(&s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = tcase_create("introspection");

	tcase_add_test(tc, test_columns);
	tcase_add_test(tc, test_affinity_rule);
	tcase_add_test(tc, test_keys_and_options);
	tcase_add_test(tc, test_checks);
	tcase_add_test(tc, test_foreign_keys);
	tcase_add_test(tc, test_constraints_without_commas);
	tcase_add_test(tc, test_added_columns);
	tcase_add_test(tc, test_indexes);
	tcase_add_test(tc, test_objects);
	tcase_add_test(tc, test_quoted_names);
	tcase_add_test(tc, test_read_only);
	tcase_add_test(tc, test_unreadable);
	suite_add_tcase(s, tc);
	tc = tcase_create("order");
	tcase_add_test(tc, test_order_parents_first);
	tcase_add_test(tc, test_order_cycles);
	tcase_add_test(tc, test_order_empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
