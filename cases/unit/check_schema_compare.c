/*
** check_schema_compare.c - lib/schema_compare.c: the normalised
** comparison.  Each way of writing the same schema differently compares
** equal (quoting and case of identifiers, whitespace and keyword case,
** outer parentheses, a table's own qualifier, clause order, NO ACTION,
** implied parent keys, defaults SQLite stores as one value, implied NOT
** NULL, COLLATE BINARY, sqlite_autoindex_ names when index names are
** ignored, column order); each real difference is named with both values,
** in the documented order; a snapshot side leaves out what a snapshot
** cannot know; the options leave out checks, triggers and views.
*/
#include "unit.h"
#include "../../lib/db.h"
#include "../../lib/schema.h"

#include <string.h>

static void model(cw_schema *s, const char *sql)
{
	cw_error err = {0};
	sqlite3 *db = NULL;

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_msg(cw_db_exec(db, sql, &err) == 0, "%s: %s", sql,
		      err.message);
	ck_assert_msg(cw_schema_read_db(s, db, NULL, &err) == 0, "%s",
		      err.message);
	sqlite3_close(db);
}

/* Every difference of a and b, one line each ("" when none). */
static char *diff_text(const cw_schema *a, const cw_schema *b,
		       const cw_schema_diff_options *o)
{
	static char out[16384];
	cw_schema_diff d;
	cw_error err = {0};
	char line[2048];
	size_t i, n = 0;

	ck_assert_int_eq(cw_schema_compare(&d, a, b, o, &err), 0);
	out[0] = '\0';
	for (i = 0; i < d.n; i++) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s\n",
				      cw_schema_difference_text(line,
					sizeof(line), &d.items[i]));
		ck_assert_uint_lt(n, sizeof(out));
	}
	cw_schema_diff_free(&d);
	cw_schema_diff_free(&d);
	return out;
}

/* The differences between the schemas two scripts make. */
static char *diff_sql(const char *sa, const char *sb,
		      const cw_schema_diff_options *o)
{
	cw_schema a, b;
	char *t;

	model(&a, sa);
	model(&b, sb);
	t = diff_text(&a, &b, o);
	cw_schema_free(&a);
	cw_schema_free(&b);
	return t;
}

#define SAME(sa, sb) do { \
	const char *t_ = diff_sql((sa), (sb), NULL); \
	ck_assert_msg(t_[0] == '\0', "differences:\n%s", t_); \
} while (0)

/* The differences are want, line for line (both shown when not). */
static void expect(const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return;
	fprintf(stderr, "got:\n%s-- want:\n%s--\n", got, want);
	ck_abort_msg("the differences are not the ones expected");
}

#define DIFF(sa, sb, want) expect(diff_sql((sa), (sb), NULL), (want))

/* ---- written differently, the same ---- */

START_TEST(test_identifiers)
{
	SAME("CREATE TABLE \"Users\"(\"ID\" INTEGER PRIMARY KEY, [Full "
	     "Name] TEXT NOT NULL, `e` varchar ( 9 ));"
	     "CREATE INDEX \"Ix\" ON \"Users\"([Full Name]);",
	     "create table users(id integer primary key, \"full name\" text "
	     "not null, e VARCHAR(9));"
	     "create index ix on users(\"FULL NAME\");");
}
END_TEST

START_TEST(test_expressions)
{
	/* whitespace, keyword case, outer parentheses, own qualifier */
	SAME("CREATE TABLE t(a INT CONSTRAINT x CHECK ((a > 0)), b TEXT, "
	     "c INT AS ((a+1)) STORED, CHECK (b IN ('x','y')));"
	     "CREATE INDEX t_b ON t(lower(b)) WHERE \"t\".a > 0;",
	     "CREATE TABLE t(a INT, b TEXT, c INT GENERATED ALWAYS AS "
	     "( a + 1 ) STORED, CHECK(b in ( 'x' , 'y' )),"
	     " constraint X check (\"t\".\"A\">0));"
	     "CREATE INDEX t_b ON t(LOWER( b )) WHERE a>0;");
	/* ... but a constraint's name is compared */
	DIFF("CREATE TABLE t(a INT, CONSTRAINT one CHECK (a > 0))",
	     "CREATE TABLE t(a INT, CONSTRAINT two CHECK (a > 0))",
	     "t.one: check name: 'one' vs 'two'\n");
	DIFF("CREATE TABLE t(a INT CHECK (a > 0))",
	     "CREATE TABLE t(a INT, CONSTRAINT two CHECK (a > 0))",
	     "t.two: check name: '' vs 'two'\n");
}
END_TEST

START_TEST(test_sets)
{
	/* clause order and column order are not compared */
	SAME("CREATE TABLE p(id INTEGER PRIMARY KEY, k TEXT UNIQUE);"
	     "CREATE TABLE t(a INT REFERENCES p(id), b TEXT REFERENCES p(k), "
	     "c INT, CHECK (a > 0), CHECK (c < 3));"
	     "CREATE INDEX i1 ON t(a); CREATE INDEX i2 ON t(b);",
	     "CREATE TABLE p(k TEXT UNIQUE, id INTEGER PRIMARY KEY);"
	     "CREATE TABLE t(c INT, b TEXT, a INT, CHECK (c < 3), "
	     "CHECK (a > 0), FOREIGN KEY (b) REFERENCES p(k), "
	     "FOREIGN KEY (a) REFERENCES p(id));"
	     "CREATE INDEX i2 ON t(b); CREATE INDEX i1 ON t(a);");
}
END_TEST

START_TEST(test_foreign_key_spellings)
{
	SAME("CREATE TABLE p(id INTEGER PRIMARY KEY);"
	     "CREATE TABLE c(x INT REFERENCES p ON DELETE NO ACTION);",
	     "CREATE TABLE p(id INTEGER PRIMARY KEY);"
	     "CREATE TABLE c(x INT, FOREIGN KEY (x) REFERENCES \"P\"(ID) "
	     "ON UPDATE NO ACTION);");
	/* a composite key, implied */
	SAME("CREATE TABLE p(a INT, b INT, PRIMARY KEY (a, b));"
	     "CREATE TABLE c(x INT, y INT, FOREIGN KEY (x, y) REFERENCES p);",
	     "CREATE TABLE p(a INT, b INT, PRIMARY KEY (a, b));"
	     "CREATE TABLE c(x INT, y INT, FOREIGN KEY (x, y) REFERENCES "
	     "p(a, b));");
}
END_TEST

START_TEST(test_unique_names)
{
	static const char *const a = "CREATE TABLE u(id INTEGER PRIMARY KEY,"
		" email TEXT UNIQUE, x INT, y INT, UNIQUE (x, y))";
	static const char *const b = "CREATE TABLE u(id INTEGER PRIMARY KEY,"
		" email TEXT, x INT, y INT);"
		"CREATE UNIQUE INDEX u_email_unique ON u(email);"
		"CREATE UNIQUE INDEX u_x_y ON u(x, y);";
	cw_schema_diff_options o = CW_SCHEMA_DIFF_OPTIONS_INIT;

	DIFF(a, b, "u.sqlite_autoindex_u_1: index name: "
	     "'sqlite_autoindex_u_1' vs 'u_email_unique'\n"
	     "u.sqlite_autoindex_u_2: index name: "
	     "'sqlite_autoindex_u_2' vs 'u_x_y'\n");
	o.ignore_index_names = 1;
	ck_assert_str_eq(diff_sql(a, b, &o), "");
	/* a primary key's own index is the key, not an index */
	SAME("CREATE TABLE k(id TEXT PRIMARY KEY NOT NULL)",
	     "CREATE TABLE k(id TEXT NOT NULL, PRIMARY KEY (id)) "
	     "WITHOUT ROWID;"
	     "DROP TABLE k; CREATE TABLE k(id TEXT NOT NULL PRIMARY KEY)");
}
END_TEST

START_TEST(test_defaults)
{
	/* SQLite stores the same value */
	SAME("CREATE TABLE t(a INT DEFAULT false, b INT DEFAULT TRUE, "
	     "c INT DEFAULT '0', d REAL DEFAULT '1.0', e NUMERIC DEFAULT 1.0,"
	     " f TEXT DEFAULT \"text\", g TEXT DEFAULT NULL, h INT DEFAULT "
	     "0x10, i REAL DEFAULT 1.5, j TEXT DEFAULT 7, k DEFAULT (1), "
	     "l INT DEFAULT (-1), m TEXT DEFAULT (CURRENT_TIMESTAMP), "
	     "n INT DEFAULT '1e2', o BLOB DEFAULT x'AB', p DEFAULT `w`, "
	     "q INT DEFAULT '-5', r INT DEFAULT +1, s REAL DEFAULT "
	     "'+1.5e+3', u INT DEFAULT '.5')",
	     "CREATE TABLE t(a INT DEFAULT 0, b INT DEFAULT 1, c INT DEFAULT "
	     "0, d REAL DEFAULT 1, e NUMERIC DEFAULT 1, f TEXT DEFAULT "
	     "'text', g TEXT, h INT DEFAULT 16, i REAL DEFAULT 1.50, j TEXT "
	     "DEFAULT '7', k DEFAULT 1, l INT DEFAULT -1, m TEXT DEFAULT "
	     "current_timestamp, n INT DEFAULT 100, o BLOB DEFAULT X'ab', "
	     "p DEFAULT 'w', q INT DEFAULT -5, r INT DEFAULT 1, s REAL "
	     "DEFAULT 1500, u INT DEFAULT 0.5)");
	/* ... and where it does not */
	DIFF("CREATE TABLE t(a DEFAULT '1', b TEXT DEFAULT 1.0, "
	     "c TEXT DEFAULT 'a', d INT DEFAULT 'x', e DEFAULT 1, "
	     "f INT DEFAULT (1 + 1), g INT DEFAULT 9223372036854775807, "
	     "h INT DEFAULT '1e', i INT DEFAULT '1e+', j INT DEFAULT '-', "
	     "k INT DEFAULT '1 ')",
	     "CREATE TABLE t(a DEFAULT 1, b TEXT DEFAULT 1, c TEXT DEFAULT "
	     "'A', d INT DEFAULT 'X', e DEFAULT 1.0, f INT DEFAULT 2, "
	     "g INT DEFAULT 9223372036854775806, h INT DEFAULT 1, "
	     "i INT DEFAULT 1, j INT DEFAULT 0, k INT DEFAULT 1)",
	     "t.a: default: ''1'' vs '1'\n"
	     "t.b: default: '1.0' vs '1'\n"
	     "t.c: default: ''a'' vs ''A''\n"
	     "t.d: default: ''x'' vs ''X''\n"
	     "t.e: default: '1' vs '1.0'\n"
	     "t.f: default: '1 + 1' vs '2'\n"
	     "t.g: default: '9223372036854775807' vs "
	     "'9223372036854775806'\n"
	     "t.h: default: ''1e'' vs '1'\n"
	     "t.i: default: ''1e+'' vs '1'\n"
	     "t.j: default: ''-'' vs '0'\n"
	     "t.k: default: ''1 '' vs '1'\n");
}
END_TEST

START_TEST(test_implied)
{
	/* a rowid alias and WITHOUT ROWID key columns are never NULL */
	SAME("CREATE TABLE t(id INTEGER PRIMARY KEY);"
	     "CREATE TABLE w(a TEXT, b INT, PRIMARY KEY (a, b)) "
	     "WITHOUT ROWID;"
	     "CREATE TABLE c(a TEXT COLLATE BINARY)",
	     "CREATE TABLE t(id integer PRIMARY KEY NOT NULL);"
	     "CREATE TABLE w(a TEXT NOT NULL, b INT NOT NULL, "
	     "PRIMARY KEY (a, b)) WITHOUT ROWID;"
	     "CREATE TABLE c(a TEXT)");
	/* any other key column may hold NULL in a rowid table */
	DIFF("CREATE TABLE t(id TEXT PRIMARY KEY);"
	     "CREATE TABLE u(id INT PRIMARY KEY);"
	     "CREATE TABLE c(a TEXT COLLATE NOCASE)",
	     "CREATE TABLE t(id TEXT PRIMARY KEY NOT NULL);"
	     "CREATE TABLE u(id INT PRIMARY KEY NOT NULL);"
	     "CREATE TABLE c(a TEXT COLLATE binary)",
	     "t.id: not null: '' vs 'NOT NULL'\n"
	     "u.id: not null: '' vs 'NOT NULL'\n"
	     "c.a: collate: 'NOCASE' vs 'binary'\n");
}
END_TEST

START_TEST(test_objects_same)
{
	SAME("CREATE TABLE t(a INT);"
	     "CREATE VIEW v AS SELECT a FROM t WHERE a > 0;"
	     "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;"
	     "CREATE VIRTUAL TABLE f USING fts5(x)",
	     "CREATE TABLE t(a INT);"
	     "create view \"v\" (c) as select \"a\" from \"t\" where a>0;"
	     "create trigger TR after insert on T begin select 1; end;"
	     "create virtual table F using FTS5( x )");
}
END_TEST

/* ---- real differences, each named with both values ---- */

static const char *const sql_a =
	"CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT);"
	"CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" name TEXT NOT NULL DEFAULT 'x', kind INT, n INT COLLATE NOCASE,"
	" g INT AS (id + 1) VIRTUAL,"
	" p_id INT REFERENCES p(id) ON DELETE CASCADE,"
	" q_id INT REFERENCES p ON UPDATE SET NULL"
	" DEFERRABLE INITIALLY DEFERRED,"
	" r_id INT REFERENCES p(id), only_a TEXT,"
	" CONSTRAINT c1 CHECK (kind > 0), CHECK (n < 5));"
	"CREATE INDEX t_name ON t(name);"
	"CREATE UNIQUE INDEX t_kind ON t(kind);"
	"CREATE INDEX t_n ON t(n) WHERE n > 0;"
	"CREATE INDEX t_only_a ON t(only_a);"
	"CREATE INDEX t_cols ON t(name, kind);"
	"CREATE TABLE gone(x);"
	"CREATE TABLE pk2(a INT, b INT, PRIMARY KEY (a, b));"
	"CREATE TABLE w(a TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE st(a INT) STRICT;"
	"CREATE VIEW v AS SELECT id FROM t;"
	"CREATE VIEW v_a AS SELECT 1;"
	"CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;"
	"CREATE TRIGGER tr_a AFTER INSERT ON t BEGIN SELECT 1; END;"
	"CREATE VIRTUAL TABLE ft USING fts5(a);"
	"CREATE VIRTUAL TABLE ft_a USING fts5(a);";

static const char *const sql_b =
	"CREATE TABLE p(id INTEGER PRIMARY KEY, code TEXT);"
	"CREATE TABLE t(id INTEGER PRIMARY KEY,"
	" name VARCHAR(9) DEFAULT 'y', kind INT, n INT,"
	" g INT AS (id + 2) STORED,"
	" p_id INT REFERENCES p(id) ON DELETE SET NULL,"
	" q_id INT REFERENCES p(code),"
	" only_b TEXT REFERENCES p(id),"
	" CONSTRAINT c2 CHECK (kind > 0), CHECK (n < 6));"
	"CREATE INDEX t_name2 ON t(name);"
	"CREATE INDEX t_kind ON t(kind);"
	"CREATE INDEX t_n ON t(n) WHERE n > 1;"
	"CREATE INDEX t_only_b ON t(kind, n);"
	"CREATE INDEX t_cols ON t(kind, name);"
	"CREATE TABLE pk2(a INT PRIMARY KEY, b INT);"
	"CREATE TABLE w(a TEXT PRIMARY KEY);"
	"CREATE TABLE st(a INT);"
	"CREATE TABLE new(x);"
	"CREATE VIEW v AS SELECT id + 1 FROM t;"
	"CREATE VIEW v_b AS SELECT 1;"
	"CREATE TRIGGER tr AFTER UPDATE ON t BEGIN SELECT 1; END;"
	"CREATE TRIGGER tr_b AFTER INSERT ON t BEGIN SELECT 1; END;"
	"CREATE VIRTUAL TABLE ft USING fts5(a, b);"
	"CREATE VIRTUAL TABLE ft_b USING fts5(a);";

START_TEST(test_every_difference)
{
	DIFF(sql_a, sql_b,
	     "t.id: autoincrement: 'AUTOINCREMENT' vs ''\n"
	     "t.name: type: 'TEXT' vs 'VARCHAR(9)'\n"
	     "t.name: not null: 'NOT NULL' vs ''\n"
	     "t.name: default: ''x'' vs ''y''\n"
	     "t.n: collate: 'NOCASE' vs ''\n"
	     "t.g: generated: 'AS (id + 1) VIRTUAL' vs 'AS (id + 2) STORED'\n"
	     "t.r_id: extra column: 'r_id INT' vs ''\n"
	     "t.only_a: extra column: 'only_a TEXT' vs ''\n"
	     "t.only_b: missing column: '' vs 'only_b TEXT'\n"
	     "t.(p_id) REFERENCES p(id): on delete: 'CASCADE' vs "
	     "'SET NULL'\n"
	     "t.(q_id) REFERENCES p(id): foreign key columns: "
	     "'(q_id) REFERENCES p(id) ON DELETE NO ACTION ON UPDATE SET "
	     "NULL DEFERRABLE INITIALLY DEFERRED' vs '(q_id) REFERENCES "
	     "p(code) ON DELETE NO ACTION ON UPDATE NO ACTION'\n"
	     "t.(q_id) REFERENCES p(id): on update: 'SET NULL' vs "
	     "'NO ACTION'\n"
	     "t.(q_id) REFERENCES p(id): deferrable: 'DEFERRABLE INITIALLY "
	     "DEFERRED' vs ''\n"
	     "t.(r_id) REFERENCES p(id): extra foreign key: '(r_id) "
	     "REFERENCES p(id) ON DELETE NO ACTION ON UPDATE NO ACTION' vs "
	     "''\n"
	     "t.(only_b) REFERENCES p(id): missing foreign key: '' vs "
	     "'(only_b) REFERENCES p(id) ON DELETE NO ACTION ON UPDATE NO "
	     "ACTION'\n"
	     "t.t_kind: unique index: 'UNIQUE' vs ''\n"
	     "t.t_n: index where: 'n > 0' vs 'n > 1'\n"
	     "t.t_cols: index columns: '(name, kind)' vs '(kind, name)'\n"
	     "t.t_name: index name: 't_name' vs 't_name2'\n"
	     "t.t_only_a: extra index: 'INDEX t_only_a (only_a)' vs ''\n"
	     "t.t_only_b: missing index: '' vs 'INDEX t_only_b (kind, n)'\n"
	     "t.c1: check name: 'c1' vs 'c2'\n"
	     "t: extra check: 'CHECK (n < 5)' vs ''\n"
	     "t: missing check: '' vs 'CHECK (n < 6)'\n"
	     "gone: extra table: 'gone' vs ''\n"
	     "pk2.b: primary key: 'PRIMARY KEY column 2 of 2' vs ''\n"
	     "w.a: not null: 'NOT NULL' vs ''\n"
	     "w: without rowid: 'WITHOUT ROWID' vs ''\n"
	     "st: strict: 'STRICT' vs ''\n"
	     "new: missing table: '' vs 'new'\n"
	     ".v: view: 'CREATE VIEW v AS SELECT id FROM t' vs 'CREATE VIEW "
	     "v AS SELECT id + 1 FROM t'\n"
	     ".v_a: extra view: 'CREATE VIEW v_a AS SELECT 1' vs ''\n"
	     ".v_b: missing view: '' vs 'CREATE VIEW v_b AS SELECT 1'\n"
	     "t.tr: trigger: 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN "
	     "SELECT 1; END' vs 'CREATE TRIGGER tr AFTER UPDATE ON t BEGIN "
	     "SELECT 1; END'\n"
	     "t.tr_a: extra trigger: 'CREATE TRIGGER tr_a AFTER INSERT ON t "
	     "BEGIN SELECT 1; END' vs ''\n"
	     "t.tr_b: missing trigger: '' vs 'CREATE TRIGGER tr_b AFTER "
	     "INSERT ON t BEGIN SELECT 1; END'\n"
	     "ft: virtual table: 'CREATE VIRTUAL TABLE ft USING fts5(a)' vs "
	     "'CREATE VIRTUAL TABLE ft USING fts5(a, b)'\n"
	     "ft_a: extra virtual table: 'CREATE VIRTUAL TABLE ft_a USING "
	     "fts5(a)' vs ''\n"
	     "ft_b: missing virtual table: '' vs 'CREATE VIRTUAL TABLE ft_b "
	     "USING fts5(a)'\n");
}
END_TEST

START_TEST(test_options)
{
	cw_schema_diff_options o = CW_SCHEMA_DIFF_OPTIONS_INIT;
	const char *t;

	o.ignore_checks = 1;
	o.ignore_triggers_views = 1;
	t = diff_sql(sql_a, sql_b, &o);
	ck_assert_ptr_null(strstr(t, "check"));
	ck_assert_ptr_null(strstr(t, "view"));
	ck_assert_ptr_null(strstr(t, "trigger"));
	ck_assert_ptr_nonnull(strstr(t, "virtual table"));
	ck_assert_ptr_nonnull(strstr(t, "t.t_name: index name"));
	o.ignore_index_names = 1;
	t = diff_sql(sql_a, sql_b, &o);
	ck_assert_ptr_null(strstr(t, "index name"));
	ck_assert_ptr_nonnull(strstr(t, "t.t_kind: unique index: 'UNIQUE' "
				     "vs ''"));
}
END_TEST

/* A snapshot cannot hold COLLATE, DEFERRABLE, WITHOUT ROWID, STRICT,
** triggers or virtual tables: against one, they are not compared. */
START_TEST(test_against_snapshot)
{
	static const char snap[] =
		"{\"version\": \"6\", \"dialect\": \"sqlite\", \"tables\": {"
		"\"p\": {\"name\": \"p\", \"columns\": {\"id\": {\"name\": "
		"\"id\", \"type\": \"text\", \"primaryKey\": true, "
		"\"notNull\": true}}, \"indexes\": {}, \"foreignKeys\": {}},"
		"\"c\": {\"name\": \"c\", \"columns\": {\"p_id\": {\"name\": "
		"\"p_id\", \"type\": \"text\", \"primaryKey\": false, "
		"\"notNull\": false, \"default\": \"'a'\"}, \"ok\": {\"name\":"
		" \"ok\", \"type\": \"integer\", \"primaryKey\": false, "
		"\"notNull\": true, \"default\": false}}, \"indexes\": {"
		"\"c_p_id_unique\": {\"name\": \"c_p_id_unique\", \"columns\":"
		" [\"p_id\"], \"isUnique\": true}}, \"foreignKeys\": {\"f\": "
		"{\"name\": \"f\", \"tableFrom\": \"c\", \"columnsFrom\": "
		"[\"p_id\"], \"tableTo\": \"p\", \"columnsTo\": [\"id\"], "
		"\"onUpdate\": \"no action\", \"onDelete\": \"cascade\"}}, "
		"\"checkConstraints\": {\"ok_bit\": {\"name\": \"ok_bit\", "
		"\"value\": \"\\\"c\\\".\\\"ok\\\" in (0, 1)\"}}}}, "
		"\"views\": {\"v\": {\"name\": \"v\", \"columns\": {}, "
		"\"isExisting\": false}}}";
	cw_schema_diff_options o = CW_SCHEMA_DIFF_OPTIONS_INIT;
	cw_error err = {0};
	cw_schema live, s;

	model(&live, "CREATE TABLE p(id TEXT PRIMARY KEY NOT NULL) "
	      "WITHOUT ROWID;"
	      "CREATE TABLE c(p_id TEXT COLLATE NOCASE DEFAULT \"a\" UNIQUE "
	      "REFERENCES p(id) ON DELETE CASCADE DEFERRABLE INITIALLY "
	      "DEFERRED, ok INTEGER NOT NULL DEFAULT 0 CONSTRAINT ok_bit "
	      "CHECK (ok IN (0,1)) "
	      ") STRICT;"
	      "CREATE TRIGGER tr AFTER INSERT ON c BEGIN SELECT 1; END;"
	      "CREATE VIRTUAL TABLE f USING fts5(x);"
	      "CREATE VIEW v AS SELECT * FROM c");
	ck_assert_int_eq(cw_schema_read_snapshot(&s, "s.json", snap,
						 strlen(snap), &err), 0);
	o.ignore_index_names = 1;
	expect(diff_text(&live, &s, &o), "");
	expect(diff_text(&s, &live, &o), "");
	/* index names still count unless ignored */
	expect(diff_text(&live, &s, NULL), "c.sqlite_autoindex_c_1: index "
	       "name: 'sqlite_autoindex_c_1' vs 'c_p_id_unique'\n");
	cw_schema_free(&live);
	cw_schema_free(&s);
}
END_TEST

/* Texts longer than any fixed buffer: numbers of hundreds of digits
** keep their magnitude; a long action is shown whole. */
START_TEST(test_long_texts)
{
	char a[1024], b[1024], digits[301], want[1024];
	cw_schema_fk f = {0};
	cw_schema s1, s2;
	const char *t;

	memset(digits, '9', 300);
	digits[300] = '\0';
	snprintf(a, sizeof(a), "CREATE TABLE t(a REAL DEFAULT %s, "
		 "b REAL DEFAULT %s)", digits, digits + 100);
	snprintf(b, sizeof(b), "CREATE TABLE t(a REAL DEFAULT %s, "
		 "b REAL DEFAULT %s)", digits, digits + 90);
	snprintf(want, sizeof(want), "t.b: default: '%s' vs '%s'\n",
		 digits + 100, digits + 90);
	expect(diff_sql(a, b, NULL), want);
	model(&s1, "CREATE TABLE p(id INTEGER PRIMARY KEY);"
	      "CREATE TABLE c(x INT REFERENCES p(id))");
	model(&s2, "CREATE TABLE p(id INTEGER PRIMARY KEY);"
	      "CREATE TABLE c(x INT REFERENCES p(id))");
	/* an action no SQLite reports, as a snapshot could hold it */
	memset(a, 'X', 200);
	a[200] = '\0';
	f = s2.tables[1].fks[0];
	s2.tables[1].fks[0].on_delete = a;
	t = diff_text(&s1, &s2, NULL);
	ck_assert_ptr_nonnull(strstr(t, "on delete: 'NO ACTION' vs 'XXXX"));
	ck_assert_uint_gt(strlen(t), 200);
	s2.tables[1].fks[0] = f;
	cw_schema_free(&s1);
	cw_schema_free(&s2);
}
END_TEST

START_TEST(test_difference_text)
{
	cw_schema_difference d = {NULL, NULL, "missing table", "", "x"};
	char buf[64];

	ck_assert_str_eq(cw_schema_difference_text(buf, sizeof(buf), &d),
			 ": missing table: '' vs 'x'");
	d.table = "t";
	d.column = "c";
	ck_assert_str_eq(cw_schema_difference_text(buf, 13, &d),
			 "t.c: missing");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schema_compare");
	TCase *tc = tcase_create("same");

	tcase_add_test(tc, test_identifiers);
	tcase_add_test(tc, test_expressions);
	tcase_add_test(tc, test_sets);
	tcase_add_test(tc, test_foreign_key_spellings);
	tcase_add_test(tc, test_unique_names);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_implied);
	tcase_add_test(tc, test_objects_same);
	suite_add_tcase(s, tc);
	tc = tcase_create("different");
	tcase_add_test(tc, test_every_difference);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_against_snapshot);
	tcase_add_test(tc, test_long_texts);
	tcase_add_test(tc, test_difference_text);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
