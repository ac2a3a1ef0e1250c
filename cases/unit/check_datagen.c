/*
** check_datagen.c - lib/datagen.c on hand-written schemas covering every
** constraint kind the generator promises to meet: for 50 seeds each, the
** filled database passes PRAGMA integrity_check, foreign_key_check is
** empty, every CHECK held (the INSERTs ran with CHECKs enforced), every
** table has the rows asked for, JSON columns hold valid JSON, and two
** runs with one seed give byte-identical files.  Then what the rows look
** like: values other than the default, NULLs now and then, children for
** every parent, timestamps, emails, UUIDs; tables it cannot fill; rows
** already there; the agent log's true counts.
*/
#include "unit_fs.h"
#include "check_agentlog_count.h"
#include "../../lib/datagen.h"
#include "../../lib/db.h"

#include <stdlib.h>
#include <string.h>

#define N_SEEDS 50

typedef struct schema_case {
	const char *name;
	const char *sql;
	const char *json_check;   /* a query counting bad JSON, or NULL */
} schema_case;

static const schema_case cases[] = {
	{"basics",
	 "CREATE TABLE projects(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT "
	 "NULL, repo_path TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'idle',"
	 " settings_json TEXT NOT NULL DEFAULT '{}', created_at INTEGER NOT "
	 "NULL, updated_at INTEGER NOT NULL DEFAULT (unixepoch()), "
	 "archived_at INTEGER, description TEXT, score REAL, is_public "
	 "INTEGER NOT NULL DEFAULT false, owner_email TEXT, homepage_url "
	 "TEXT);"
	 "CREATE UNIQUE INDEX projects_repo ON projects(repo_path);"
	 "CREATE TABLE tasks(id TEXT PRIMARY KEY NOT NULL, project_id TEXT "
	 "NOT NULL REFERENCES projects(id) ON DELETE CASCADE, parent_id TEXT "
	 "REFERENCES tasks(id), title TEXT NOT NULL, priority INTEGER NOT "
	 "NULL DEFAULT 0, due_date TEXT, metadata TEXT, tags TEXT DEFAULT "
	 "'[]', UNIQUE(project_id, title));",
	 "SELECT (SELECT count(*) FROM projects WHERE NOT json_valid("
	 "settings_json)) + (SELECT count(*) FROM tasks WHERE metadata IS NOT "
	 "NULL AND NOT json_valid(metadata)) + (SELECT count(*) FROM tasks "
	 "WHERE tags IS NOT NULL AND json_type(tags) <> 'array')"},
	{"keys",
	 "CREATE TABLE users(id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT "
	 "NOT NULL UNIQUE, name TEXT);"
	 "CREATE TABLE tags(user_id INTEGER NOT NULL REFERENCES users(id), id "
	 "TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY(user_id, id)) "
	 "WITHOUT ROWID;"
	 "CREATE TABLE tagged(item INTEGER PRIMARY KEY, user_id INTEGER NOT "
	 "NULL REFERENCES users(id), tag_id TEXT, FOREIGN KEY(user_id, "
	 "tag_id) REFERENCES tags(user_id, id));"
	 "CREATE TABLE follows(follower_id INTEGER NOT NULL REFERENCES "
	 "users(id), followee_id INTEGER NOT NULL REFERENCES users(id), "
	 "created_at INTEGER NOT NULL, PRIMARY KEY(follower_id, "
	 "followee_id));"
	 "CREATE TABLE profiles(user_email TEXT PRIMARY KEY REFERENCES "
	 "users(email), bio TEXT);"
	 "CREATE TABLE counters(name TEXT PRIMARY KEY, n INTEGER NOT NULL) "
	 "WITHOUT ROWID;"
	 "CREATE TABLE plain(id INTEGER PRIMARY KEY, v);",
	 NULL},
	{"checks",
	 "CREATE TABLE items(id INTEGER PRIMARY KEY, "
	 "qty INTEGER NOT NULL CHECK (qty > 0), "
	 "price REAL NOT NULL CHECK (price BETWEEN 1 AND 9.5), "
	 "kind TEXT NOT NULL CHECK (kind IN ('a', 'b', 'c')), "
	 "code TEXT NOT NULL UNIQUE CHECK (length(code) <= 3), "
	 "note TEXT CHECK (note IS NULL OR length(note) >= 5), "
	 "level INTEGER CHECK (level >= -3 AND level < 4), "
	 "started_at INTEGER NOT NULL, ended_at INTEGER, "
	 "flag INTEGER NOT NULL DEFAULT 0 CHECK (flag IN (0, 1)), "
	 "ratio REAL CHECK (ratio <> 0), "
	 "payload TEXT CHECK (json_valid(payload)), "
	 "label TEXT NOT NULL CHECK (label <> '' AND length(trim(label)) "
	 "BETWEEN 2 AND 12), "
	 "CONSTRAINT ordered CHECK (ended_at IS NULL OR ended_at >= "
	 "started_at), CHECK (qty < 1000 OR kind = 'a'));",
	 "SELECT count(*) FROM items WHERE payload IS NOT NULL AND NOT "
	 "json_valid(payload)"},
	{"strict",
	 "CREATE TABLE s(id INTEGER PRIMARY KEY, name TEXT NOT NULL, n INT NOT "
	 "NULL, r REAL, b BLOB, a ANY, doubled INTEGER GENERATED ALWAYS AS "
	 "(n * 2) VIRTUAL, upper_name TEXT GENERATED ALWAYS AS (upper(name)) "
	 "STORED) STRICT;"
	 "CREATE TABLE sw(k TEXT PRIMARY KEY, v INTEGER NOT NULL, data BLOB) "
	 "STRICT, WITHOUT ROWID;",
	 NULL},
	{"unique",
	 "CREATE TABLE accounts(id TEXT PRIMARY KEY NOT NULL, email TEXT NOT "
	 "NULL, deleted_at INTEGER, handle TEXT NOT NULL, org TEXT NOT NULL, "
	 "seq INTEGER NOT NULL, enabled INTEGER NOT NULL, flag INTEGER NOT "
	 "NULL);"
	 "CREATE UNIQUE INDEX acc_email_live ON accounts(email) WHERE "
	 "deleted_at IS NULL;"
	 "CREATE UNIQUE INDEX acc_handle ON accounts(lower(handle));"
	 "CREATE UNIQUE INDEX acc_org_seq ON accounts(org, seq);"
	 "CREATE UNIQUE INDEX acc_pair ON accounts(enabled, handle);",
	 NULL},
	{"cycles",
	 "CREATE TABLE a(id INTEGER PRIMARY KEY, b_id INTEGER REFERENCES "
	 "b(id), name TEXT);"
	 "CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL "
	 "REFERENCES a(id));"
	 "CREATE TABLE c(id TEXT PRIMARY KEY, d_id TEXT NOT NULL REFERENCES "
	 "d(id) DEFERRABLE INITIALLY DEFERRED);"
	 "CREATE TABLE d(id TEXT PRIMARY KEY, c_id TEXT NOT NULL UNIQUE "
	 "REFERENCES c(id));"
	 "CREATE TABLE tree(id INTEGER PRIMARY KEY, parent_id INTEGER NOT "
	 "NULL REFERENCES tree(id), label TEXT);"
	 "CREATE TABLE node(id TEXT PRIMARY KEY, up TEXT REFERENCES node(id) "
	 "ON DELETE SET NULL);",
	 NULL},
	{"agentlog",
	 "CREATE TABLE agents(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT "
	 "NULL UNIQUE, created_at INTEGER NOT NULL);"
	 "CREATE TABLE agent_log_chunks(id TEXT PRIMARY KEY NOT NULL, "
	 "agent_id TEXT NOT NULL, session_number INTEGER DEFAULT 0 NOT NULL, "
	 "content TEXT NOT NULL, created_at INTEGER NOT NULL);"
	 "CREATE INDEX alc_agent ON agent_log_chunks(agent_id);"
	 "CREATE TABLE agent_metrics(agent_id TEXT PRIMARY KEY NOT NULL, "
	 "questions_count INTEGER DEFAULT 0 NOT NULL, subagents_count "
	 "INTEGER DEFAULT 0 NOT NULL, compactions_count INTEGER DEFAULT 0 NOT "
	 "NULL, updated_at INTEGER DEFAULT 0 NOT NULL);",
	 NULL},
	{"agentlog-fk",
	 "CREATE TABLE agents(id TEXT PRIMARY KEY NOT NULL, name TEXT NOT "
	 "NULL);"
	 "CREATE TABLE agent_log_chunks(id TEXT PRIMARY KEY NOT NULL, "
	 "agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, "
	 "session_number INTEGER DEFAULT 0 NOT NULL, content TEXT NOT NULL, "
	 "created_at INTEGER NOT NULL);",
	 NULL},
};

#define N_CASES (sizeof(cases) / sizeof(*cases))

static void setup(void)
{
	unit_tmp_make("datagen");
}

static sqlite3 *open_db(const char *name, const char *sql)
{
	char path[256];
	sqlite3 *db = NULL;
	cw_error err = {0};

	unit_path(path, sizeof(path), name);
	ck_assert_int_eq(cw_db_open(&db, path, 1000, &err), 0);
	if (sql)
		ck_assert_msg(cw_db_exec(db, sql, &err) == 0, "%s",
			      err.message);
	return db;
}

static long long one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK,
		      "%s: %s", sql, sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static const char *one_text(sqlite3 *db, const char *sql, char *buf,
			    size_t n)
{
	sqlite3_stmt *st = NULL;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* Fill db (already holding its schema) with rows per table; returns the
** result, asserting the call itself succeeded. */
static void fill(cw_datagen_result *out, sqlite3 *db, size_t rows,
		 uint64_t seed)
{
	cw_schema_options so = CW_SCHEMA_OPTIONS_INIT;
	cw_datagen_options o = CW_DATAGEN_OPTIONS_INIT;
	cw_schema s;
	cw_error err = {0};

	ck_assert_msg(cw_schema_read_db(&s, db, &so, &err) == 0, "%s",
		      err.message);
	o.rows = rows;
	o.seed = seed;
	ck_assert_msg(cw_datagen_fill(out, db, &s, &o, &err) == 0, "%s",
		      err.message);
	cw_schema_free(&s);
}

static void assert_sound(sqlite3 *db, const cw_datagen_result *r,
			 size_t rows, const schema_case *c, uint64_t seed)
{
	char buf[256], sql[300];
	size_t i;

	for (i = 0; i < r->n_tables; i++) {
		ck_assert_msg(r->tables[i].is_filled, "%s seed %llu: %s: %s",
			      c->name, (unsigned long long)seed,
			      r->tables[i].name, r->tables[i].why);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"",
			 r->tables[i].name);
		ck_assert_int_eq(one_int(db, sql), (long long)rows);
	}
	ck_assert_uint_eq(r->n_unfilled, 0);
	ck_assert_str_eq(one_text(db, "PRAGMA integrity_check", buf,
				  sizeof(buf)), "ok");
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM "
				 "pragma_foreign_key_check"), 0);
	if (c->json_check)
		ck_assert_int_eq(one_int(db, c->json_check), 0);
}

static unsigned char *file_bytes(const char *name, size_t *len)
{
	unsigned char *b = (unsigned char *)unit_slurp(name, len);

	ck_assert_ptr_nonnull(b);
	return b;
}

/* The property: each schema, 50 seeds, sound and the same bytes twice. */
START_TEST(test_property)
{
	const schema_case *c = &cases[_i];
	uint64_t seed;

	for (seed = 1; seed <= N_SEEDS; seed++) {
		size_t rows = 12 + seed % 19, la, lb;
		cw_datagen_result r1, r2;
		sqlite3 *a = open_db("a.db", c->sql), *b = open_db("b.db",
								    c->sql);
		unsigned char *x, *y;
		fill(&r1, a, rows, seed);
		fill(&r2, b, rows, seed);
		assert_sound(a, &r1, rows, c, seed);
		ck_assert_uint_eq(r1.n_tables, r2.n_tables);
		sqlite3_close(a);
		sqlite3_close(b);
		x = file_bytes("a.db", &la);
		y = file_bytes("b.db", &lb);
		ck_assert_msg(la == lb && memcmp(x, y, la) == 0,
			      "%s seed %llu: two runs differ", c->name,
			      (unsigned long long)seed);
		free(x);
		free(y);
		cw_datagen_result_free(&r1);
		cw_datagen_result_free(&r2);
		ck_assert_int_eq(unlink(unit_path((char[256]){0}, 256,
						  "a.db")), 0);
		ck_assert_int_eq(unlink(unit_path((char[256]){0}, 256,
						  "b.db")), 0);
	}
}
END_TEST

/* Another seed, other rows. */
START_TEST(test_seed_matters)
{
	cw_datagen_result r;
	sqlite3 *a = open_db("a.db", cases[0].sql);
	sqlite3 *b = open_db("b.db", cases[0].sql);
	unsigned char *x, *y;
	size_t la, lb;

	fill(&r, a, 20, 1);
	cw_datagen_result_free(&r);
	fill(&r, b, 20, 2);
	cw_datagen_result_free(&r);
	sqlite3_close(a);
	sqlite3_close(b);
	x = file_bytes("a.db", &la);
	y = file_bytes("b.db", &lb);
	ck_assert(la != lb || memcmp(x, y, la) != 0);
	free(x);
	free(y);
}
END_TEST

/* What the values look like. */
START_TEST(test_values_look_right)
{
	cw_datagen_result r;
	sqlite3 *db = open_db("a.db", cases[0].sql);
	long long nulls;

	fill(&r, db, 100, 1);
	/* never the default, so that a copy that loses it shows */
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM projects WHERE "
				 "status = 'idle' OR is_public = 0 OR "
				 "settings_json = '{}'"), 0);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM tasks WHERE "
				 "priority = 0 OR tags = '[]'"), 0);
	/* about one in five NULL in a nullable column, never all */
	nulls = one_int(db, "SELECT count(*) FROM projects WHERE archived_at "
			"IS NULL");
	ck_assert(nulls >= 5 && nulls <= 40);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM projects WHERE "
				 "name IS NULL"), 0);
	/* every parent has a child; some tasks point at earlier tasks */
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM projects p WHERE "
				 "NOT EXISTS (SELECT 1 FROM tasks t WHERE "
				 "t.project_id = p.id)"), 0);
	ck_assert_int_gt(one_int(db, "SELECT count(*) FROM tasks WHERE "
				 "parent_id IS NOT NULL"), 10);
	ck_assert_int_gt(one_int(db, "SELECT count(*) FROM tasks WHERE "
				 "parent_id IS NULL"), 0);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM tasks t JOIN "
				 "tasks p ON p.id = t.parent_id WHERE p.rowid "
				 ">= t.rowid"), 0);
	/* timestamps: milliseconds, or seconds under unixepoch() */
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM projects WHERE "
				 "created_at NOT BETWEEN 1.7e12 AND 2e12 OR "
				 "updated_at NOT BETWEEN 1.7e9 AND 2e9 OR "
				 "typeof(created_at) <> 'integer'"), 0);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM tasks WHERE "
				 "due_date IS NOT NULL AND due_date NOT GLOB "
				 "'2[0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"), 0);
	/* what the names say */
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM projects WHERE "
				 "length(id) <> 36 OR substr(id, 15, 1) <> '4' "
				 "OR (owner_email IS NOT NULL AND owner_email "
				 "NOT LIKE '%_@_%.%') OR (homepage_url IS NOT "
				 "NULL AND homepage_url NOT LIKE 'https://%')"),
			 0);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM projects WHERE "
				 "is_public NOT IN (0, 1)"), 0);
	cw_datagen_result_free(&r);
	sqlite3_close(db);
}
END_TEST

/* CHECKs met by construction where they can be read; STRICT types. */
START_TEST(test_checks_and_types)
{
	cw_datagen_result r;
	sqlite3 *db = open_db("a.db", cases[2].sql);

	fill(&r, db, 60, 3);
	ck_assert_int_eq(one_int(db, "SELECT count(DISTINCT kind) FROM items "
				 "WHERE qty < 1000"), 3);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM items WHERE flag "
				 "<> 1 OR typeof(qty) <> 'integer' OR price "
				 "<> round(price, 2) OR length(code) > 3 OR "
				 "length(trim(label)) NOT BETWEEN 2 AND 12"),
			 0);
	cw_datagen_result_free(&r);
	sqlite3_close(db);
	db = open_db("b.db", cases[3].sql);
	fill(&r, db, 30, 3);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM s WHERE "
				 "typeof(name) <> 'text' OR typeof(n) <> "
				 "'integer' OR (b IS NOT NULL AND typeof(b) "
				 "<> 'blob') OR doubled <> n * 2"), 0);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM sw WHERE data IS "
				 "NOT NULL AND typeof(data) <> 'blob'"), 0);
	cw_datagen_result_free(&r);
	sqlite3_close(db);
}
END_TEST

/* A table no row can enter is reported with SQLite's message; the rest
** is filled, and a child that needs its rows says why it has none. */
START_TEST(test_unfillable)
{
	cw_datagen_result r;
	sqlite3 *db = open_db("a.db", "CREATE TABLE ok(id INTEGER PRIMARY "
			      "KEY, name TEXT NOT NULL);"
			      "CREATE TABLE never(id INTEGER PRIMARY KEY, x "
			      "INTEGER, CHECK (0));"
			      "CREATE TABLE child(id INTEGER PRIMARY KEY, "
			      "never_id INTEGER NOT NULL REFERENCES "
			      "never(id));"
			      "CREATE TABLE loose(id INTEGER PRIMARY KEY, "
			      "never_id INTEGER REFERENCES never(id));");
	size_t i;
	int seen = 0;

	fill(&r, db, 10, 1);
	ck_assert_uint_eq(r.n_tables, 4);
	ck_assert_uint_eq(r.n_unfilled, 2);
	for (i = 0; i < r.n_tables; i++) {
		const cw_datagen_table *t = &r.tables[i];
		if (strcmp(t->name, "never") == 0) {
			ck_assert(!t->is_filled);
			ck_assert_str_eq(t->why, "CHECK constraint failed: 0");
			seen++;
		} else if (strcmp(t->name, "child") == 0) {
			ck_assert(!t->is_filled);
			ck_assert_str_eq(t->why, "FOREIGN KEY constraint "
					 "failed: the parent table never has "
					 "no rows");
			seen++;
		} else {
			ck_assert_msg(t->is_filled, "%s", t->name);
			ck_assert_uint_eq(t->n_rows, 10);
		}
	}
	ck_assert_int_eq(seen, 2);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM loose WHERE "
				 "never_id IS NOT NULL"), 0);
	cw_datagen_result_free(&r);
	sqlite3_close(db);
}
END_TEST

/* Rows already there count toward the rows asked for, and children may
** point at them. */
START_TEST(test_rows_already_there)
{
	cw_datagen_result r;
	sqlite3 *db = open_db("a.db", "CREATE TABLE p(id TEXT PRIMARY KEY, "
			      "name TEXT NOT NULL UNIQUE);"
			      "INSERT INTO p VALUES ('seeded-1', 'x'), "
			      "('seeded-2', 'y'), ('seeded-3', 'z');"
			      "CREATE TABLE c(id INTEGER PRIMARY KEY, p_id "
			      "TEXT NOT NULL REFERENCES p(id));");

	fill(&r, db, 10, 1);
	ck_assert_str_eq(r.tables[0].name, "p");
	ck_assert_uint_eq(r.tables[0].n_before, 3);
	ck_assert_uint_eq(r.tables[0].n_generated, 7);
	ck_assert_uint_eq(r.tables[0].n_rows, 10);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM p WHERE NOT EXISTS "
				 "(SELECT 1 FROM c WHERE c.p_id = p.id)"), 0);
	cw_datagen_result_free(&r);
	sqlite3_close(db);
}
END_TEST

/* agent_log_chunks: stream-json whose true counts are the tally's, for
** agents of the agents table, several sessions each, created_at in
** milliseconds ascending with ties. */
START_TEST(test_agent_log)
{
	cw_datagen_result r;
	sqlite3 *db = open_db("a.db", cases[_i ? 7 : 6].sql);
	sqlite3_stmt *st = NULL;
	cw_agentlog_tally t = CW_AGENTLOG_TALLY_INIT;
	cw_error err = {0};
	size_t i;

	fill(&r, db, 120, 9);
	ck_assert(r.has_agentlog);
	ck_assert_uint_eq(r.n_agentlog_before, 0);
	ck_assert_uint_eq(r.tally.chunks, 120);
	ck_assert_uint_gt(r.tally.n_agents, 5);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT agent_id, content "
					    "FROM agent_log_chunks", -1, &st,
					    NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		cw_agentlog_counts c;
		count_chunk((const char *)sqlite3_column_text(st, 1),
			    (size_t)sqlite3_column_bytes(st, 1), &c);
		ck_assert_int_eq(cw_agentlog_tally_add(&t,
			(const char *)sqlite3_column_text(st, 0), &c, &err), 0);
	}
	sqlite3_finalize(st);
	ck_assert_uint_eq(t.n_agents, r.tally.n_agents);
	ck_assert_uint_eq(t.malformed_lines, r.tally.malformed_lines);
	ck_assert_uint_gt(t.malformed_lines, 0);
	for (i = 0; i < t.n_agents; i++) {
		const cw_agentlog_agent *a = &t.agents[i], *b =
			&r.tally.agents[i];
		ck_assert_str_eq(a->agent_id, b->agent_id);
		ck_assert_uint_eq(a->counts.questions, b->counts.questions);
		ck_assert_uint_eq(a->counts.subagents, b->counts.subagents);
		ck_assert_uint_eq(a->counts.compactions,
				  b->counts.compactions);
	}
	cw_agentlog_tally_free(&t);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM agent_log_chunks "
				 "WHERE agent_id NOT IN (SELECT id FROM "
				 "agents)"), 0);
	ck_assert_int_gt(one_int(db, "SELECT max(session_number) FROM "
				 "agent_log_chunks"), 1);
	ck_assert_int_eq(one_int(db, "SELECT count(*) FROM agent_log_chunks "
				 "WHERE created_at NOT BETWEEN 1.7e12 AND "
				 "2e12"), 0);
	ck_assert_int_gt(one_int(db, "SELECT count(*) - count(DISTINCT "
				 "created_at) FROM agent_log_chunks"), 0);
	cw_datagen_result_free(&r);
	sqlite3_close(db);
}
END_TEST

/* The folder's SQL names its JSON columns. */
START_TEST(test_json_columns)
{
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	unit_journal j = {NULL, 0, 0, 0};
	cw_datagen_names names;
	cw_folder f;
	cw_error err = {0};
	char *text;

	unit_dir_make("drizzle", 0755);
	unit_journal_add(&j, "0000_a", "1700000000000");
	unit_journal_add(&j, "0001_b", "1700000000001");
	text = unit_journal_end(&j);
	unit_put("meta/_journal.json", text);
	free(text);
	unit_put("0000_a.sql", "CREATE TABLE t(a TEXT, cfg TEXT, \"Raw\" "
		 "TEXT, note TEXT);");
	unit_put("0001_b.sql", "UPDATE t SET note = json_extract(t.a, '$.x')"
		 " WHERE \"cfg\" ->> '$.y' = 1 AND json_valid(`Raw`) AND note "
		 "= 'json_extract(note)';");
	ck_assert_int_eq(cw_folder_load(&f, unit_dir, &fo, &diags, &err), 0);
	ck_assert_int_eq(cw_datagen_json_columns(&names, &f, &err), 0);
	ck_assert_uint_eq(names.n, 3);
	ck_assert_str_eq(names.items[0], "a");
	ck_assert_str_eq(names.items[1], "cfg");
	ck_assert_str_eq(names.items[2], "Raw");
	cw_datagen_names_free(&names);
	cw_folder_free(&f);
	cw_diags_free(&diags);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("datagen");
	TCase *tc = tcase_create("datagen");

	tcase_add_checked_fixture(tc, setup, unit_tmp_remove);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_property, 0, (int)N_CASES);
	tcase_add_test(tc, test_seed_matters);
	tcase_add_test(tc, test_values_look_right);
	tcase_add_test(tc, test_checks_and_types);
	tcase_add_test(tc, test_unfillable);
	tcase_add_test(tc, test_rows_already_there);
	tcase_add_loop_test(tc, test_agent_log, 0, 2);
	tcase_add_test(tc, test_json_columns);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
