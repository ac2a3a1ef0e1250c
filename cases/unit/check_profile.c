/*
** check_profile.c - lib/profile.c: where cw.config.json is found (the
** migrations folder, then its parents up to the folder holding .git), what
** a config file may hold (every wrong type and unknown field refused with
** R006, invalid JSON named by line and column), "name/arity" function
** specs, the connection a profile sets up (foreign keys really off,
** stand-ins callable from SQL with the declared arity, distinct per call
** and the same on every connection), and the line naming a profile.
*/
#include "unit_fs.h"
#include "../../lib/profile.h"
#include "../../lib/db.h"

static void make_tmp(void)
{
	unit_tmp_make("profile");
}

/* Make the folders of rel, one level at a time ("a/b/c"). */
static void mkdirs(const char *rel)
{
	char part[256], p[512];
	const char *s = rel;

	while ((s = strchr(s, '/')) != NULL) {
		snprintf(part, sizeof(part), "%.*s", (int)(s - rel), rel);
		mkdir(unit_path(p, sizeof(p), part), 0755);
		s++;
	}
	mkdir(unit_path(p, sizeof(p), rel), 0755);
}

/* cw_profile_find from dir; the path found, or "" (kept in buf). */
static const char *find(char *buf, size_t n, const char *dir)
{
	cw_error err = {0};
	char *found = (char *)"sentinel";

	ck_assert_int_eq(cw_profile_find(&found, dir, &err), 0);
	ck_assert_int_eq(err.code, 0);
	snprintf(buf, n, "%s", found ? found : "");
	free(found);
	return buf;
}

/* ---- finding the config file ---- */

START_TEST(test_find_in_folder_and_parents)
{
	char dir[512], want[512], got[512];

	mkdirs("proj/apps/server/drizzle/meta");
	unit_put("proj/apps/server/drizzle/cw.config.json", "{}");
	unit_put("proj/cw.config.json", "{}");
	unit_path(dir, sizeof(dir), "proj/apps/server/drizzle");
	/* The folder's own wins over a parent's. */
	unit_path(want, sizeof(want),
		  "proj/apps/server/drizzle/cw.config.json");
	ck_assert_str_eq(find(got, sizeof(got), dir), want);
	/* Gone: the nearest parent's, two levels up. */
	ck_assert_int_eq(unlink(want), 0);
	unit_path(want, sizeof(want), "proj/cw.config.json");
	ck_assert_str_eq(find(got, sizeof(got), dir), want);
	/* A folder named cw.config.json is not a config file. */
	mkdirs("proj/apps/cw.config.json");
	ck_assert_str_eq(find(got, sizeof(got), dir), want);
	/* A trailing slash walks the same way. */
	unit_path(dir, sizeof(dir), "proj/apps/server/drizzle/");
	ck_assert_str_eq(find(got, sizeof(got), dir), want);
}
END_TEST

/* The walk ends at the folder holding .git: that folder is searched, the
** ones above it are not. */
START_TEST(test_find_stops_at_git)
{
	char dir[512], want[512], got[512];

	mkdirs("top/repo/.git");
	mkdirs("top/repo/db/drizzle");
	unit_put("top/cw.config.json", "{}");
	unit_path(dir, sizeof(dir), "top/repo/db/drizzle");
	ck_assert_str_eq(find(got, sizeof(got), dir), "");
	unit_put("top/repo/cw.config.json", "{}");
	unit_path(want, sizeof(want), "top/repo/cw.config.json");
	ck_assert_str_eq(find(got, sizeof(got), dir), want);
	/* A .git file (a worktree or submodule) stops it too. */
	ck_assert_int_eq(unlink(want), 0);
	ck_assert_int_eq(rmdir(unit_path(got, sizeof(got), "top/repo/.git")),
			 0);
	unit_put("top/repo/.git", "gitdir: /elsewhere\n");
	ck_assert_str_eq(find(got, sizeof(got), dir), "");
}
END_TEST

/* Relative folders walk up through their own components to ".". */
START_TEST(test_find_relative)
{
	char cwd[1024], got[512];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	mkdirs("rel/.git");
	mkdirs("rel/a/b");
	ck_assert_int_eq(chdir(unit_path(got, sizeof(got), "rel")), 0);
	ck_assert_str_eq(find(got, sizeof(got), "a/b"), "");
	ck_assert_str_eq(find(got, sizeof(got), ""), "");
	unit_put("rel/cw.config.json", "{}");
	ck_assert_str_eq(find(got, sizeof(got), "a/b"),
			 "./cw.config.json");
	ck_assert_str_eq(find(got, sizeof(got), "a"), "./cw.config.json");
	ck_assert_str_eq(find(got, sizeof(got), "."), "./cw.config.json");
	/* "" means the current folder. */
	ck_assert_str_eq(find(got, sizeof(got), ""), "./cw.config.json");
	unit_put("rel/a/cw.config.json", "{}");
	ck_assert_str_eq(find(got, sizeof(got), "a/b"),
			 "a/cw.config.json");
	/* From inside a/b, ".." is a itself. */
	ck_assert_int_eq(chdir("a/b"), 0);
	ck_assert_str_eq(find(got, sizeof(got), ".."), "../cw.config.json");
	ck_assert_str_eq(find(got, sizeof(got), "../b"),
			 "../cw.config.json");
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

/* ---- reading a config file ---- */

/* Load text as <tmp>/cw.config.json into p. */
static int load_text(cw_profile *p, const char *text, cw_error *err)
{
	char path[512];

	unit_put("cw.config.json", text);
	return cw_profile_load(p, unit_path(path, sizeof(path),
					    "cw.config.json"), err);
}

/* "." and ".." inside the repository walk up past themselves: cw check .
** in the migrations folder finds the repository's config (a bug once). */
START_TEST(test_find_from_dot)
{
	char cwd[1024], got[512], want[512], *real;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	mkdirs("dot/.git");
	mkdirs("dot/app/drizzle");
	unit_put("dot/cw.config.json", "{}");
	real = realpath(unit_path(got, sizeof(got), "dot/cw.config.json"),
			NULL);
	ck_assert_ptr_nonnull(real);
	snprintf(want, sizeof(want), "%s", real);
	free(real);
	ck_assert_int_eq(chdir(unit_path(got, sizeof(got),
					 "dot/app/drizzle")), 0);
	ck_assert_str_eq(find(got, sizeof(got), "."), want);
	ck_assert_str_eq(find(got, sizeof(got), ""), want);
	ck_assert_str_eq(find(got, sizeof(got), "../drizzle"), want);
	/* Past the .git folder nothing is looked at. */
	ck_assert_int_eq(chdir(".."), 0);
	ck_assert_int_eq(chdir(".."), 0);
	ck_assert_int_eq(unlink("cw.config.json"), 0);
	ck_assert_str_eq(find(got, sizeof(got), "app/drizzle"), "");
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(test_load_valid)
{
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	char path[512];

	ck_assert_int_eq(load_text(&p, "{\"migrator\": {\"foreignKeys\": "
				   "false, \"table\": \"app_migrations\", "
				   "\"functions\": [\"uuid_v4/0\", "
				   "\"slugify/1\", \"anything/*\", "
				   "\"bare\"]}}", &err), 0);
	ck_assert_int_eq(err.code, 0);
	ck_assert_str_eq(p.source, unit_path(path, sizeof(path),
					     "cw.config.json"));
	ck_assert_int_eq(p.foreign_keys, 0);
	ck_assert_str_eq(p.table, "app_migrations");
	ck_assert_uint_eq(p.n_functions, 4);
	ck_assert_str_eq(p.functions[0].name, "uuid_v4");
	ck_assert_int_eq(p.functions[0].n_args, 0);
	ck_assert_str_eq(p.functions[1].name, "slugify");
	ck_assert_int_eq(p.functions[1].n_args, 1);
	ck_assert_str_eq(p.functions[2].name, "anything");
	ck_assert_int_eq(p.functions[2].n_args, -1);
	ck_assert_str_eq(p.functions[3].name, "bare");
	ck_assert_int_eq(p.functions[3].n_args, -1);
	/* A second file overrides what it sets and keeps the rest;
	** functions add up. */
	ck_assert_int_eq(load_text(&p, "{\"migrator\": {\"table\": \"t2\", "
				   "\"functions\": [\"more/2\"]}}", &err), 0);
	ck_assert_int_eq(p.foreign_keys, 0);
	ck_assert_str_eq(p.table, "t2");
	ck_assert_uint_eq(p.n_functions, 5);
	ck_assert_int_eq(load_text(&p, "{\"migrator\": {\"foreignKeys\": "
				   "true}}", &err), 0);
	ck_assert_int_eq(p.foreign_keys, 1);
	cw_profile_free(&p);
	ck_assert_ptr_null(p.source);
	ck_assert_ptr_null(p.table);
	ck_assert_uint_eq(p.n_functions, 0);
	ck_assert_int_eq(p.foreign_keys, 1);
	/* Everything is optional. */
	ck_assert_int_eq(load_text(&p, "{}", &err), 0);
	ck_assert_int_eq(load_text(&p, "{\"migrator\": {}}", &err), 0);
	ck_assert_int_eq(p.foreign_keys, 1);
	ck_assert_ptr_null(p.table);
	cw_profile_free(&p);
	cw_profile_free(NULL);
}
END_TEST

/* Every value of the wrong type, and every unknown field: R006 on the
** file, line 1, with a message saying what is expected. */
START_TEST(test_load_refused)
{
	static const struct {
		const char *text, *message;
	} bad[] = {
		{"[]", "expected an object like {\"migrator\": "
		 "{\"foreignKeys\": false}}"},
		{"\"migrator\"", "expected an object like {\"migrator\": "
		 "{\"foreignKeys\": false}}"},
		{"{\"migrator\": []}", "\"migrator\" must be an object"},
		{"{\"migrator\": null}", "\"migrator\" must be an object"},
		{"{\"migrator\": {\"foreignKeys\": \"no\"}}",
		 "migrator.foreignKeys must be true or false"},
		{"{\"migrator\": {\"foreignKeys\": 0}}",
		 "migrator.foreignKeys must be true or false"},
		{"{\"migrator\": {\"table\": 7}}",
		 "migrator.table must be a non-empty string"},
		{"{\"migrator\": {\"table\": \"\"}}",
		 "migrator.table must be a non-empty string"},
		{"{\"migrator\": {\"functions\": \"uuid_v4/0\"}}",
		 "migrator.functions must be an array of \"name/arity\" "
		 "strings"},
		{"{\"migrator\": {\"functions\": [\"a/0\", 3]}}",
		 "migrator.functions holds a value that is not a "
		 "\"name/arity\" string"},
		{"{\"migrator\": {\"foreignkeys\": false}}",
		 "unknown field migrator.foreignkeys (known: foreignKeys, "
		 "table, functions)"},
		{"{\"migrator\": {}, \"Migrator\": {}}",
		 "unknown field Migrator (known: migrator)"},
	};
	char path[512], want[1024];
	size_t i;

	unit_path(path, sizeof(path), "cw.config.json");
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cw_profile p = CW_PROFILE_INIT;
		cw_error err = {0};

		ck_assert_int_eq(load_text(&p, bad[i].text, &err), CW_EINVAL);
		ck_assert_str_eq(err.diag, "R006");
		ck_assert_str_eq(err.path, path);
		ck_assert_int_eq(err.line, 1);
		snprintf(want, sizeof(want), "%s: %s", path, bad[i].message);
		ck_assert_str_eq(err.message, want);
		cw_profile_free(&p);
	}
}
END_TEST

/* A function spec that is not NAME/ARITY, inside a config file: R006 on
** the file, no line. */
START_TEST(test_load_bad_function)
{
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	char path[512];

	ck_assert_int_eq(load_text(&p, "{\"migrator\": {\"functions\": "
				   "[\"ok/1\", \"uuid v4/0\"]}}", &err),
			 CW_EINVAL);
	ck_assert_str_eq(err.diag, "R006");
	ck_assert_str_eq(err.path, unit_path(path, sizeof(path),
					     "cw.config.json"));
	ck_assert_int_eq(err.line, 0);
	ck_assert_str_eq(err.message, "function \"uuid v4/0\": expected "
			 "NAME/ARITY with a SQL identifier as NAME");
	/* What came before the bad one was taken. */
	ck_assert_uint_eq(p.n_functions, 1);
	cw_profile_free(&p);
}
END_TEST

/* Invalid JSON is named by line and column of the first bad byte. */
START_TEST(test_load_invalid_json)
{
	static const struct {
		const char *text;
		int line, col;
	} bad[] = {
		{"{\n  \"migrator\": {\n    \"foreignKeys\": fals\n  }\n}",
		 3, 20},
		{"{\"migrator\": {}},", 1, 17},
		{"", 1, 1},
		{"{\n\t\"migrator\": {\"table\": 'x'}\n}", 2, 24},
		{"{\"migrator\": {}}\n\n{}", 3, 1},
	};
	char path[512], want[1024];
	size_t i;

	unit_path(path, sizeof(path), "cw.config.json");
	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		cw_profile p = CW_PROFILE_INIT;
		cw_error err = {0};

		ck_assert_int_eq(load_text(&p, bad[i].text, &err), CW_EINVAL);
		ck_assert_str_eq(err.diag, "R006");
		ck_assert_str_eq(err.path, path);
		ck_assert_int_eq(err.line, bad[i].line);
		snprintf(want, sizeof(want), "%s:%d:%d: not valid JSON", path,
			 bad[i].line, bad[i].col);
		ck_assert_str_eq(err.message, want);
		cw_profile_free(&p);
	}
}
END_TEST

/* A config file that cannot be read leaves the profile as it was. */
START_TEST(test_load_unreadable)
{
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	char path[512];

	ck_assert_int_eq(cw_profile_load(&p, unit_path(path, sizeof(path),
				"missing.json"), &err), CW_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(err.message, "missing.json: no such "
				     "file"));
	ck_assert_ptr_null(p.source);
	cw_error_clear(&err);
	unit_mkdir("adir", 0755);
	ck_assert_int_eq(cw_profile_load(&p, unit_path(path, sizeof(path),
				"adir"), &err), CW_EIO);
	ck_assert_ptr_nonnull(strstr(err.message, "not a regular file"));
	ck_assert_ptr_null(p.source);
	ck_assert_int_eq(p.foreign_keys, 1);
}
END_TEST

/* ---- function specs ---- */

START_TEST(test_add_function_forms)
{
	static const struct {
		const char *spec, *name;
		int n_args;
	} good[] = {
		{"f", "f", -1}, {"f/*", "f", -1}, {"f/0", "f", 0},
		{"_x9/1000", "_x9", 1000}, {"Upper_Case/3", "Upper_Case", 3},
		{"f/007", "f", 7},
	};
	static const char *const bad_arity[] = {
		"f/", "f/-1", "f/1001", "f/1x", "f/**", "f/0x10", "f/1 ",
	};
	static const char *const bad_name[] = {
		"", "/1", "9f/1", "a-b/1", "a.b/1", "a/b/1", "é/0",
	};
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	char long_name[300], want[512];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(*good); i++) {
		ck_assert_int_eq(cw_profile_add_function(&p, good[i].spec,
							 &err), 0);
		ck_assert_str_eq(p.functions[i].name, good[i].name);
		ck_assert_int_eq(p.functions[i].n_args, good[i].n_args);
	}
	for (i = 0; i < sizeof(bad_arity) / sizeof(*bad_arity); i++) {
		cw_error_clear(&err);
		ck_assert_int_eq(cw_profile_add_function(&p, bad_arity[i],
							 &err), CW_EINVAL);
		ck_assert_str_eq(err.diag, "R006");
		snprintf(want, sizeof(want), "function \"%s\": the arity "
			 "after '/' must be a number from 0 to 1000 or '*'",
			 bad_arity[i]);
		ck_assert_str_eq(err.message, want);
	}
	for (i = 0; i < sizeof(bad_name) / sizeof(*bad_name); i++) {
		cw_error_clear(&err);
		ck_assert_int_eq(cw_profile_add_function(&p, bad_name[i],
							 &err), CW_EINVAL);
		ck_assert_ptr_nonnull(strstr(err.message, "expected "
				      "NAME/ARITY with a SQL identifier"));
	}
	/* SQLite allows 255 bytes of name, and so does cw. */
	memset(long_name, 'n', 255);
	snprintf(long_name + 255, sizeof(long_name) - 255, "/1");
	ck_assert_int_eq(cw_profile_add_function(&p, long_name, &err), 0);
	cw_error_clear(&err);
	memset(long_name, 'n', 256);
	snprintf(long_name + 256, sizeof(long_name) - 256, "/1");
	ck_assert_int_eq(cw_profile_add_function(&p, long_name, &err),
			 CW_EINVAL);
	ck_assert_uint_eq(p.n_functions, sizeof(good) / sizeof(*good) + 1);
	/* Without a config file, the error names no file. */
	ck_assert_str_eq(err.path, "");
	cw_profile_free(&p);
}
END_TEST

/* ---- the connection ---- */

static sqlite3 *open_applied(const cw_profile *p)
{
	sqlite3 *db = NULL;
	cw_error err = {0};

	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_msg(cw_profile_apply(p, db, &err) == 0, "%s", err.message);
	return db;
}

/* The text of a one-value query, or its error message, into buf. */
static const char *q(char *buf, size_t n, sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		snprintf(buf, n, "%s", t ? (const char *)t : "NULL");
	} else {
		snprintf(buf, n, "error: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return buf;
}

static int is_uuid_shaped(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!strchr("0123456789abcdef", s[i])) {
			return 0;
		}
	}
	return 1;
}

START_TEST(test_apply_foreign_keys_off)
{
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	sqlite3 *db;
	char buf[128];
	int on = -1;

	p.foreign_keys = 0;
	db = open_applied(&p);
	ck_assert_str_eq(q(buf, sizeof(buf), db, "PRAGMA foreign_keys"), "0");
	ck_assert_int_eq(sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY,
					   -1, &on), SQLITE_OK);
	ck_assert_int_eq(on, 0);
	/* Really off: a child row pointing at nothing goes in. */
	ck_assert_int_eq(cw_db_exec(db, "CREATE TABLE p(id INTEGER PRIMARY "
				    "KEY); CREATE TABLE c(pid REFERENCES "
				    "p(id)); INSERT INTO c VALUES(9)", &err),
			 0);
	/* The stock profile turns them back on. */
	p.foreign_keys = 1;
	ck_assert_int_eq(cw_profile_apply(&p, db, &err), 0);
	ck_assert_int_eq(cw_db_exec(db, "INSERT INTO c VALUES(8)", &err),
			 CW_ESQL);
	ck_assert_str_eq(err.message, "FOREIGN KEY constraint failed");
	sqlite3_close(db);
}
END_TEST

START_TEST(test_apply_standins)
{
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	sqlite3 *a, *b;
	char a1[128], a2[128], b1[128], b2[128], buf[256];

	ck_assert_int_eq(cw_profile_add_function(&p, "uuid_v4/0", &err), 0);
	ck_assert_int_eq(cw_profile_add_function(&p, "slugify/1", &err), 0);
	ck_assert_int_eq(cw_profile_add_function(&p, "any/*", &err), 0);
	a = open_applied(&p);
	b = open_applied(&p);
	q(a1, sizeof(a1), a, "SELECT uuid_v4()");
	q(a2, sizeof(a2), a, "SELECT uuid_v4()");
	ck_assert_msg(is_uuid_shaped(a1), "%s", a1);
	ck_assert_msg(is_uuid_shaped(a2), "%s", a2);
	/* Distinct per call... */
	ck_assert_str_ne(a1, a2);
	/* ...and the same sequence on another connection. */
	ck_assert_str_eq(q(b1, sizeof(b1), b, "SELECT uuid_v4()"), a1);
	ck_assert_str_eq(q(b2, sizeof(b2), b, "SELECT uuid_v4()"), a2);
	/* Two calls in one statement differ too. */
	q(buf, sizeof(buf), a, "SELECT uuid_v4() = uuid_v4()");
	ck_assert_str_eq(buf, "0");
	/* The arguments are part of the value: the first slugify call of
	** each connection, with different arguments. */
	q(a1, sizeof(a1), a, "SELECT slugify('Hello')");
	q(b1, sizeof(b1), b, "SELECT slugify('World')");
	ck_assert_msg(is_uuid_shaped(a1), "%s", a1);
	ck_assert_str_ne(a1, b1);
	/* NULL arguments are fine. */
	ck_assert(is_uuid_shaped(q(buf, sizeof(buf), a,
				   "SELECT slugify(NULL)")));
	/* The declared arity is enforced; '*' takes any. */
	ck_assert_str_eq(q(buf, sizeof(buf), a, "SELECT uuid_v4(1)"),
			 "error: wrong number of arguments to function "
			 "uuid_v4()");
	ck_assert_str_eq(q(buf, sizeof(buf), a, "SELECT slugify()"),
			 "error: wrong number of arguments to function "
			 "slugify()");
	ck_assert(is_uuid_shaped(q(buf, sizeof(buf), a, "SELECT any()")));
	ck_assert(is_uuid_shaped(q(buf, sizeof(buf), a,
				   "SELECT any(1, 'x', 2.5, NULL)")));
	/* Usable where migrations use them: a DEFAULT and an UPDATE. */
	ck_assert_int_eq(cw_db_exec(a, "CREATE TABLE t(id TEXT, s TEXT); "
				    "INSERT INTO t(s) VALUES('a'), ('b'); "
				    "UPDATE t SET id = uuid_v4()", &err), 0);
	ck_assert_str_eq(q(buf, sizeof(buf), a, "SELECT count(DISTINCT id) "
			   "FROM t"), "2");
	/* A connection without the profile has no such function. */
	sqlite3_close(b);
	ck_assert_int_eq(cw_db_open_memory(&b, &err), 0);
	ck_assert_str_eq(q(buf, sizeof(buf), b, "SELECT uuid_v4()"),
			 "error: no such function: uuid_v4");
	sqlite3_close(a);
	sqlite3_close(b);
	cw_profile_free(&p);
}
END_TEST

/* Six arguments of 600 characters each: more than the stand-in's digest
** input holds. */
#define LONG_ARG "hex(zeroblob(300))"
#define SIX_LONG LONG_ARG ", " LONG_ARG ", " LONG_ARG ", " LONG_ARG ", " \
	LONG_ARG ", " LONG_ARG

/* Very long arguments still give a value (the digest input is cut). */
START_TEST(test_apply_long_arguments)
{
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	char x[128], y[128];
	sqlite3 *a, *b;

	ck_assert_int_eq(cw_profile_add_function(&p, "f/*", &err), 0);
	a = open_applied(&p);
	b = open_applied(&p);
	q(x, sizeof(x), a, "SELECT f(" SIX_LONG ", 'a')");
	q(y, sizeof(y), b, "SELECT f(" SIX_LONG ", 'b')");
	ck_assert_msg(is_uuid_shaped(x), "%s", x);
	/* Past the cut, arguments no longer tell calls apart. */
	ck_assert_str_eq(x, y);
	sqlite3_close(a);
	sqlite3_close(b);
	cw_profile_free(&p);
}
END_TEST

/* A function SQLite refuses to register fails the set-up with R006. */
START_TEST(test_apply_refused)
{
	cw_app_function fn = {(char *)"too_many", 5000};
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	sqlite3 *db = NULL;

	p.functions = &fn;
	p.n_functions = 1;
	p.source = (char *)"cw.config.json";
	ck_assert_int_eq(cw_db_open_memory(&db, &err), 0);
	ck_assert_int_eq(cw_profile_apply(&p, db, &err), CW_ESQL);
	ck_assert_str_eq(err.diag, "R006");
	ck_assert_str_eq(err.path, "cw.config.json");
	ck_assert_ptr_nonnull(strstr(err.message, "setting up the "
				     "migrator's connection: "));
	sqlite3_close(db);
}
END_TEST

/* ---- naming the profile ---- */

START_TEST(test_describe)
{
	cw_profile p = CW_PROFILE_INIT;
	cw_error err = {0};
	char buf[256], small[24];

	cw_profile_describe(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "stock better-sqlite3 migrator (foreign keys "
			 "ON)");
	p.foreign_keys = 0;
	cw_profile_describe(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "command line: foreign keys OFF");
	p.foreign_keys = 1;
	p.table = strdup("mig");
	cw_profile_describe(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "command line: foreign keys ON, table mig");
	free(p.table);
	p.table = NULL;
	ck_assert_int_eq(cw_profile_add_function(&p, "uuid_v4/0", &err), 0);
	cw_profile_describe(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "command line: foreign keys ON, functions "
			 "uuid_v4/0");
	ck_assert_int_eq(cw_profile_add_function(&p, "slugify/*", &err), 0);
	ck_assert_int_eq(cw_profile_add_function(&p, "g/2", &err), 0);
	p.source = strdup("cfg/cw.config.json");
	p.foreign_keys = 0;
	cw_profile_describe(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "cfg/cw.config.json: foreign keys OFF, "
			 "functions uuid_v4/0 slugify/* g/2");
	/* A short buffer holds the start of it, terminated. */
	cw_profile_describe(&p, small, sizeof(small));
	ck_assert_str_eq(small, "cfg/cw.config.json: for");
	cw_profile_free(&p);
}
END_TEST

static Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *tc = tcase_create("find");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_find_in_folder_and_parents);
	tcase_add_test(tc, test_find_stops_at_git);
	tcase_add_test(tc, test_find_relative);
	tcase_add_test(tc, test_find_from_dot);
	suite_add_tcase(s, tc);
	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_test(tc, test_load_valid);
	tcase_add_test(tc, test_load_refused);
	tcase_add_test(tc, test_load_bad_function);
	tcase_add_test(tc, test_load_invalid_json);
	tcase_add_test(tc, test_load_unreadable);
	tcase_add_test(tc, test_add_function_forms);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_test(tc, test_apply_foreign_keys_off);
	tcase_add_test(tc, test_apply_standins);
	tcase_add_test(tc, test_apply_long_arguments);
	tcase_add_test(tc, test_apply_refused);
	tcase_add_test(tc, test_describe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(profile_suite());
}
