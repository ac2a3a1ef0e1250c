/*
** check_schema_snapshot.c - lib/schema_snapshot.c: drizzle-kit snapshots
** into the schema model.  A version 6 snapshot holding every member cw
** reads (columns with each kind of default, generated columns, composite
** keys, expression and partial indexes, unique constraints, foreign keys,
** checks, views), the older shapes (5 without views, 4 without _meta, 3
** without keys and constraints), a byte-order mark, the file reader, and
** malformed snapshots refused with the file, the line and the member.
*/
#include "unit_fs.h"
#include "../../lib/schema.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* A version 6 snapshot, one line per element: line numbers in errors
** are positions here plus one. */
static const char *const v6[] = {
	"{",                                                       /* 1 */
	"  \"id\": \"00000001-0000-4000-8000-000000000000\",",
	"  \"prevId\": \"00000000-0000-0000-0000-000000000000\",",
	"  \"version\": \"6\",",
	"  \"dialect\": \"sqlite\",",                              /* 5 */
	"  \"tables\": {",
	"    \"users\": {",
	"      \"name\": \"users\",",
	"      \"columns\": {",
	"        \"id\": {",                                       /* 10 */
	"          \"name\": \"id\",",
	"          \"type\": \"integer\",",
	"          \"primaryKey\": true,",
	"          \"notNull\": true,",
	"          \"autoincrement\": true",                       /* 15 */
	"        },",
	"        \"email\": {\"name\": \"email\", \"type\": \"text\", "
	"\"primaryKey\": false, \"notNull\": true, \"autoincrement\": false, "
	"\"default\": \"''\"},",
	"        \"score\": {\"name\": \"score\", \"type\": \"real\", "
	"\"primaryKey\": false, \"notNull\": false, \"default\": 1.50},",
	"        \"big\": {\"name\": \"big\", \"type\": \"integer\", "
	"\"primaryKey\": false, \"notNull\": false, \"default\": 1e+21},",
	"        \"flag\": {\"name\": \"flag\", \"type\": "           /* 20 */
	"\"integer\", "
	"\"primaryKey\": false, \"notNull\": true, "
	"\"default\": false},",
	"        \"at\": {\"name\": \"at\", \"type\": \"integer\", "
	"\"primaryKey\": false, \"notNull\": false, \"default\": "
	"\"(unixepoch())\"},",
	"        \"up\": {\"name\": \"up\", \"type\": \"text\", "
	"\"primaryKey\": false, \"notNull\": false, \"generated\": "
	"{\"as\": \"(upper(\\\"email\\\"))\", \"type\": \"stored\"}},",
	"        \"low\": {\"name\": \"low\", \"type\": \"text\", "
	"\"primaryKey\": false, \"notNull\": false, \"generated\": "
	"{\"type\": \"virtual\", \"as\": \"lower(email)\"}}",
	"      },",
	"      \"indexes\": {",                                    /* 25 */
	"        \"users_email_unique\": {\"name\": \"users_email_unique\", "
	"\"columns\": [\"email\"], \"isUnique\": true},",
	"        \"users_lower\": {\"name\": \"users_lower\", \"columns\": "
	"[\"lower(\\\"email\\\")\", \"score\"], \"isUnique\": false, "
	"\"where\": \"\\\"users\\\".\\\"flag\\\" = 1\"}",
	"      },",
	"      \"foreignKeys\": {},",
	"      \"compositePrimaryKeys\": {},",                     /* 30 */
	"      \"uniqueConstraints\": {\"users_pair\": {\"name\": "
	"\"users_pair\", \"columns\": [\"email\", \"score\"]}},",
	"      \"checkConstraints\": {\"score_pos\": {\"name\": "
	"\"score_pos\", \"value\": \"\\\"users\\\".\\\"score\\\" > 0\"}}",
	"    },",
	"    \"posts\": {",
	"      \"name\": \"posts\",",                              /* 35 */
	"      \"columns\": {",
	"        \"user_id\": {\"name\": \"user_id\", \"type\": "
	"\"integer\", \"primaryKey\": false, \"notNull\": true, "
	"\"autoincrement\": false},",
	"        \"n\": {\"name\": \"n\", \"type\": \"integer\", "
	"\"primaryKey\": false, \"notNull\": true, \"autoincrement\": false}",
	"      },",
	"      \"indexes\": {},",                                  /* 40 */
	"      \"foreignKeys\": {",
	"        \"posts_user_id_users_id_fk\": {",
	"          \"name\": \"posts_user_id_users_id_fk\",",
	"          \"tableFrom\": \"posts\",",
	"          \"columnsFrom\": [\"user_id\"],",                /* 45 */
	"          \"tableTo\": \"users\",",
	"          \"columnsTo\": [\"id\"],",
	"          \"onUpdate\": \"no action\",",
	"          \"onDelete\": \"cascade\"",
	"        }",                                               /* 50 */
	"      },",
	"      \"compositePrimaryKeys\": {\"posts_pk\": {\"columns\": "
	"[\"n\", \"user_id\"], \"name\": \"posts_pk\"}},",
	"      \"uniqueConstraints\": {},",
	"      \"checkConstraints\": {}",
	"    }",                                                   /* 55 */
	"  },",
	"  \"views\": {",
	"    \"recent\": {\"name\": \"recent\", \"columns\": {}, "
	"\"definition\": \"select id from users\", \"isExisting\": false},",
	"    \"outside\": {\"name\": \"outside\", \"columns\": {}, "
	"\"isExisting\": true}",
	"  },",                                                    /* 60 */
	"  \"enums\": {},",
	"  \"_meta\": {\"schemas\": {}, \"tables\": {}, \"columns\": {}},",
	"  \"internal\": {\"indexes\": {\"users_lower\": {\"columns\": "
	"{\"lower(\\\"email\\\")\": {\"isExpression\": true}}}}}",
	"}",
};

/* v6 joined, with lines from..to (1-based; 0 for none) replaced by
** `with` (NULL: dropped). */
static char *snapshot_range(size_t from, size_t to, const char *with)
{
	size_t i, n = 0;
	char *t;

	for (i = 0; i < N_OF(v6); i++)
		n += strlen(v6[i]) + (with ? strlen(with) : 0) + 1;
	t = calloc(n + 1, 1);
	ck_assert_ptr_nonnull(t);
	for (i = 0; i < N_OF(v6); i++) {
		const char *l = i + 1 == from ? with : v6[i];
		if (l == NULL || (i + 1 > from && i + 1 <= to))
			continue;
		strcat(t, l);
		strcat(t, "\n");
	}
	return t;
}

static char *snapshot(size_t line, const char *with)
{
	return snapshot_range(line, line, with);
}

static void read_ok(cw_schema *s, const char *text)
{
	cw_error err = {0};

	ck_assert_msg(cw_schema_read_snapshot(s, "meta/0001_snapshot.json",
					      text, strlen(text), &err) == 0,
		      "%s:%d: %s", err.path, err.line, err.message);
}

/* The error reading text: CW_EINVAL at line, its message holding
** `what`. */
static void read_bad(const char *text, int line, const char *what)
{
	cw_error err = {0};
	cw_schema s;

	ck_assert_int_eq(cw_schema_read_snapshot(&s, "meta/0001_snapshot.json",
						 text, strlen(text), &err),
			 CW_EINVAL);
	ck_assert_str_eq(err.path, "meta/0001_snapshot.json");
	ck_assert_msg(strstr(err.message, what) != NULL, "'%s' lacks '%s'",
		      err.message, what);
	ck_assert_msg(err.line == line, "'%s' at line %d, want %d",
		      err.message, err.line, line);
	ck_assert_uint_eq(s.n_tables, 0);
	ck_assert_ptr_null(s.tables);
}

static void bad_line(size_t line, const char *with, int at,
		     const char *what)
{
	char *t = snapshot(line, with);

	read_bad(t, at, what);
	free(t);
}

static const cw_schema_column *col(const cw_schema_table *t,
				   const char *name)
{
	const cw_schema_column *c = cw_schema_column_find(t, name);

	ck_assert_msg(c != NULL, "no column %s", name);
	return c;
}

/* ---- reading ---- */

START_TEST(test_v6_columns)
{
	char *text = snapshot(0, NULL);
	const cw_schema_table *t;
	const cw_schema_column *c;
	cw_schema s;

	read_ok(&s, text);
	ck_assert_int_eq(s.is_snapshot, 1);
	ck_assert_uint_eq(s.n_tables, 2);
	ck_assert_str_eq(s.tables[0].name, "users");
	t = &s.tables[0];
	ck_assert_ptr_null(t->sql);
	ck_assert_uint_eq(t->n_columns, 8);
	c = col(t, "id");
	ck_assert_str_eq(c->type, "integer");
	ck_assert_int_eq(c->affinity, CW_AFF_INTEGER);
	ck_assert_int_eq(c->pk, 1);
	ck_assert_int_eq(c->not_null, 1);
	ck_assert_int_eq(c->autoincrement, 1);
	ck_assert_ptr_null(c->default_sql);
	ck_assert_ptr_null(c->collate);
	c = col(t, "email");
	ck_assert_str_eq(c->default_sql, "''");
	ck_assert_int_eq(c->pk, 0);
	ck_assert_int_eq(c->autoincrement, 0);
	/* numbers as drizzle-kit writes them after DEFAULT: the JSON text */
	ck_assert_str_eq(col(t, "score")->default_sql, "1.50");
	ck_assert_int_eq(col(t, "score")->affinity, CW_AFF_REAL);
	ck_assert_int_eq(col(t, "score")->autoincrement, 0);
	ck_assert_str_eq(col(t, "big")->default_sql, "1e+21");
	ck_assert_str_eq(col(t, "flag")->default_sql, "false");
	ck_assert_str_eq(col(t, "at")->default_sql, "(unixepoch())");
	c = col(t, "up");
	ck_assert_int_eq(c->generated, CW_GEN_STORED);
	ck_assert_str_eq(c->generated_sql, "(upper(\"email\"))");
	c = col(t, "low");
	ck_assert_int_eq(c->generated, CW_GEN_VIRTUAL);
	ck_assert_str_eq(c->generated_sql, "lower(email)");
	cw_schema_free(&s);
	free(text);
}
END_TEST

START_TEST(test_v6_constraints)
{
	char *text = snapshot(0, NULL);
	const cw_schema_table *t;
	cw_schema s;

	read_ok(&s, text);
	t = cw_schema_find(&s, "USERS");
	ck_assert_uint_eq(t->n_indexes, 3);
	ck_assert_str_eq(t->indexes[0].name, "users_email_unique");
	ck_assert_int_eq(t->indexes[0].unique, 1);
	ck_assert_int_eq(t->indexes[0].origin, 'c');
	ck_assert_ptr_null(t->indexes[0].where);
	ck_assert_uint_eq(t->indexes[1].n_columns, 2);
	ck_assert_str_eq(t->indexes[1].columns[0], "lower(\"email\")");
	ck_assert_str_eq(t->indexes[1].where, "\"users\".\"flag\" = 1");
	ck_assert_int_eq(t->indexes[1].unique, 0);
	ck_assert_str_eq(t->indexes[2].name, "users_pair");
	ck_assert_int_eq(t->indexes[2].origin, 'u');
	ck_assert_int_eq(t->indexes[2].unique, 1);
	ck_assert_uint_eq(t->n_checks, 1);
	ck_assert_str_eq(t->checks[0].name, "score_pos");
	ck_assert_str_eq(t->checks[0].expr, "\"users\".\"score\" > 0");
	ck_assert_ptr_null(t->checks[0].column);
	t = cw_schema_find(&s, "posts");
	ck_assert_uint_eq(t->n_fks, 1);
	ck_assert_str_eq(t->fks[0].name, "posts_user_id_users_id_fk");
	ck_assert_str_eq(t->fks[0].parent, "users");
	ck_assert_uint_eq(t->fks[0].n, 1);
	ck_assert_str_eq(t->fks[0].from[0], "user_id");
	ck_assert_str_eq(t->fks[0].to[0], "id");
	ck_assert_str_eq(t->fks[0].on_update, "NO ACTION");
	ck_assert_str_eq(t->fks[0].on_delete, "CASCADE");
	ck_assert_int_eq(t->fks[0].deferred, 0);
	/* the composite key's order, not the columns' */
	ck_assert_int_eq(col(t, "n")->pk, 1);
	ck_assert_int_eq(col(t, "user_id")->pk, 2);
	/* views: isExisting ones are no migration's */
	ck_assert_uint_eq(s.n_views, 1);
	ck_assert_str_eq(s.views[0].name, "recent");
	ck_assert_str_eq(s.views[0].sql, "select id from users");
	ck_assert_uint_eq(s.n_triggers, 0);
	ck_assert_uint_eq(s.n_virtual_tables, 0);
	/* parents first */
	ck_assert_uint_eq(s.n_order, 2);
	ck_assert_str_eq(s.tables[s.order[0]].name, "users");
	ck_assert_str_eq(s.tables[s.order[1]].name, "posts");
	cw_schema_free(&s);
	free(text);
}
END_TEST

/* Older shapes: what a version lacks is absent, not an error. */
START_TEST(test_older_versions)
{
	static const char *const texts[] = {
		/* 5: no views, no internal */
		"{\"version\": \"5\", \"dialect\": \"sqlite\", \"id\": \"x\", "
		"\"prevId\": \"y\", \"tables\": {\"t\": {\"name\": \"t\", "
		"\"columns\": {\"a\": {\"name\": \"a\", \"type\": \"text\", "
		"\"primaryKey\": true, \"notNull\": true}}, \"indexes\": {}, "
		"\"foreignKeys\": {\"f\": {\"name\": \"f\", \"tableFrom\": "
		"\"t\", \"columnsFrom\": [\"a\"], \"tableTo\": \"t\", "
		"\"columnsTo\": [\"a\"]}}, \"compositePrimaryKeys\": {}, "
		"\"uniqueConstraints\": {}}}, \"enums\": {}, \"_meta\": "
		"{\"tables\": {}, \"columns\": {}}}",
		/* 4: views, no _meta */
		"{\"version\": \"4\", \"dialect\": \"sqlite\", \"id\": \"x\", "
		"\"prevId\": \"y\", \"tables\": {\"t\": {\"name\": \"t\", "
		"\"columns\": {\"a\": {\"name\": \"a\", \"type\": \"text\", "
		"\"primaryKey\": true, \"notNull\": true}}, \"indexes\": {}, "
		"\"foreignKeys\": {}, \"compositePrimaryKeys\": {}}}, "
		"\"views\": {}, \"enums\": {}}",
		/* 3: tables of columns, indexes and foreign keys only */
		"\xEF\xBB\xBF{\"version\": \"3\", \"dialect\": \"sqlite\", "
		"\"id\": \"x\", \"prevId\": \"y\", \"tables\": {\"t\": "
		"{\"name\": \"t\", \"columns\": {\"a\": {\"name\": \"a\", "
		"\"type\": \"text\", \"primaryKey\": true, \"notNull\": "
		"true}}, \"indexes\": {}, \"foreignKeys\": {}}}, \"enums\": "
		"{}}",
	};
	size_t i;

	for (i = 0; i < N_OF(texts); i++) {
		cw_schema s;
		read_ok(&s, texts[i]);
		ck_assert_uint_eq(s.n_tables, 1);
		ck_assert_int_eq(s.tables[0].columns[0].pk, 1);
		ck_assert_uint_eq(s.tables[0].n_fks, i == 0);
		if (i == 0) {
			ck_assert_ptr_null(s.tables[0].fks[0].on_delete);
			ck_assert_ptr_null(s.tables[0].fks[0].on_update);
		}
		ck_assert_uint_eq(s.n_views, 0);
		cw_schema_free(&s);
	}
}
END_TEST

/* A key written with an escape: the number is read back from its value;
** a JSON null default is drizzle-kit's DEFAULT null. */
START_TEST(test_default_fallbacks)
{
	static const char text[] =
		"{\"version\": \"6\", \"dialect\": \"sqlite\", \"tables\": "
		"{\"t\": {\"name\": \"t\", \"columns\": {\"\\u0061\": "
		"{\"name\": \"a\", \"type\": \"real\", \"primaryKey\": "
		"false, \"notNull\": false, \"default\": 2.50}, \"b\": "
		"{\"name\": \"b\", \"type\": \"text\", \"primaryKey\": "
		"false, \"notNull\": false, \"default\": null}}, "
		"\"indexes\": {}, \"foreignKeys\": {}}}}";
	cw_schema s;

	read_ok(&s, text);
	ck_assert_str_eq(s.tables[0].columns[0].default_sql, "2.5");
	ck_assert_str_eq(s.tables[0].columns[1].default_sql, "null");
	cw_schema_free(&s);
}
END_TEST

START_TEST(test_file)
{
	cw_error err = {0};
	char *text = snapshot(0, NULL), path[512];
	cw_schema s;

	unit_tmp_make("schema_snapshot");
	unit_put("0000_snapshot.json", text);
	ck_assert_int_eq(cw_schema_read_snapshot_file(&s, unit_path(path,
			 sizeof(path), "0000_snapshot.json"), &err), 0);
	ck_assert_uint_eq(s.n_tables, 2);
	cw_schema_free(&s);
	ck_assert_int_eq(cw_schema_read_snapshot_file(&s, unit_path(path,
			 sizeof(path), "missing.json"), &err), CW_ENOTFOUND);
	ck_assert_uint_eq(s.n_tables, 0);
	unit_tmp_remove();
	free(text);
}
END_TEST

/* ---- malformed ---- */

START_TEST(test_not_json)
{
	read_bad("{\n  \"version\": \"6\",\n  \"tables\": {,}\n}", 3,
		 "not valid JSON");
	read_bad("", 1, "not valid JSON");
	read_bad("[1, 2]", 1, "root is not an object");
	bad_line(15, "          \"autoincrement\": true,", 16,
		 "not valid JSON");
}
END_TEST

START_TEST(test_root_members)
{
	char *t;

	bad_line(4, NULL, 1, "snapshot version is missing");
	bad_line(4, "  \"version\": 6,", 4, "version is not a string");
	bad_line(4, "  \"version\": \"7\",", 4, "version is \"7\"");
	bad_line(5, "  \"dialect\": \"postgresql\",", 5,
		 "dialect is \"postgresql\", not \"sqlite\"");
	bad_line(5, NULL, 1, "dialect is missing");
	read_bad("{\"version\": \"6\", \"dialect\": \"sqlite\"}", 1,
		 "tables is missing");
	read_bad("{\"version\": \"6\", \"dialect\": \"sqlite\",\n"
		 "\"tables\": []}", 2, "tables is not an object");
	read_bad("{\"version\": \"6\", \"dialect\": \"sqlite\",\n"
		 "\"tables\": {\"t\": 1}}", 2, "tables.t is not an object");
	t = snapshot_range(57, 60, "  \"views\": [],");
	read_bad(t, 57, "views is not an object");
	free(t);
	bad_line(58, "    \"recent\": 3,", 58, "views.recent is not an "
		 "object");
}
END_TEST

START_TEST(test_column_members)
{
	/* Two columns of one name (found by fuzz_snapshot: such a schema
	** compared unequal to itself). */
	bad_line(17, "        \"email\": {\"name\": \"ID\", \"type\": "
		 "\"text\", \"primaryKey\": false, \"notNull\": true},", 17,
		 "tables.users.columns.email.name repeats column \"ID\"");
	bad_line(12, "          \"type\": 1,", 12,
		 "tables.users.columns.id.type is not a string");
	bad_line(13, "          \"primaryKey\": \"yes\",", 13,
		 "tables.users.columns.id.primaryKey is not a boolean");
	bad_line(13, NULL, 10, "tables.users.columns.id.primaryKey is "
		 "missing");
	bad_line(15, "          \"autoincrement\": 1", 15,
		 "autoincrement is not a boolean");
	bad_line(10, "        \"id\": [", 11, "not valid JSON");
	bad_line(9, "      \"columns\": 7, \"x\": {", 9,
		 "tables.users.columns is not an object");
	bad_line(17, "        \"email\": {\"name\": \"email\", \"type\": "
		 "\"text\", \"primaryKey\": false, \"notNull\": true, "
		 "\"default\": {\"a\": 1}},", 17,
		 "tables.users.columns.email.default is not a string, "
		 "number or boolean");
	bad_line(17, "        \"email\": 5,", 17,
		 "tables.users.columns.email is not an object");
	bad_line(22, "        \"up\": {\"name\": \"up\", \"type\": \"text\", "
		 "\"primaryKey\": false, \"notNull\": false, \"generated\": "
		 "{\"as\": \"x\", \"type\": \"always\"}},", 22,
		 "tables.users.columns.up.generated.type is \"always\"");
	bad_line(22, "        \"up\": {\"name\": \"up\", \"type\": \"text\", "
		 "\"primaryKey\": false, \"notNull\": false, \"generated\": "
		 "{\"type\": \"stored\"}},", 22,
		 "tables.users.columns.up.generated.as is missing");
	bad_line(22, "        \"up\": {\"name\": \"up\", \"type\": \"text\", "
		 "\"primaryKey\": false, \"notNull\": false, \"generated\": "
		 "true},", 22, "tables.users.columns.up.generated is not an "
		 "object");
}
END_TEST

START_TEST(test_constraint_members)
{
	bad_line(26, "        \"users_email_unique\": {\"name\": "
		 "\"users_email_unique\", \"columns\": [\"email\", 3], "
		 "\"isUnique\": true},", 26,
		 "indexes.users_email_unique.columns[1] is not a string");
	bad_line(26, "        \"users_email_unique\": {\"name\": "
		 "\"users_email_unique\", \"columns\": \"email\", "
		 "\"isUnique\": true},", 26, "columns is not an array");
	bad_line(26, "        \"users_email_unique\": {\"name\": "
		 "\"users_email_unique\", \"isUnique\": true},", 26,
		 "users_email_unique.columns is missing");
	bad_line(26, "        \"users_email_unique\": [],", 26,
		 "tables.users.indexes.users_email_unique is not an object");
	bad_line(26, "        \"users_email_unique\": {\"name\": "
		 "\"users_email_unique\", \"columns\": [\"email\"], "
		 "\"isUnique\": true, \"where\": 1},", 26,
		 "users_email_unique.where is not a string");
	bad_line(31, "      \"uniqueConstraints\": {\"users_pair\": "
		 "{\"columns\": [\"email\"]}},", 31,
		 "uniqueConstraints.users_pair.name is missing");
	bad_line(32, "      \"checkConstraints\": {\"score_pos\": "
		 "{\"name\": \"score_pos\"}}", 32,
		 "checkConstraints.score_pos.value is missing");
	bad_line(32, "      \"checkConstraints\": {\"score_pos\": 1}", 32,
		 "checkConstraints.score_pos is not an object");
	bad_line(47, "          \"columnsTo\": [\"id\", \"n\"],", 47,
		 "posts_user_id_users_id_fk.columnsTo has 2 columns, "
		 "columnsFrom 1");
	bad_line(48, "          \"onUpdate\": null,", 48,
		 "onUpdate is not a string");
	bad_line(46, NULL, 42, "posts_user_id_users_id_fk.tableTo is "
		 "missing");
	bad_line(42, "        \"posts_user_id_users_id_fk\": 1, \"x\": {",
		 42, "foreignKeys.posts_user_id_users_id_fk is not an object");
	bad_line(52, "      \"compositePrimaryKeys\": {\"posts_pk\": "
		 "{\"columns\": [\"n\", \"nope\"]}},", 52,
		 "compositePrimaryKeys.posts_pk.columns names \"nope\", which "
		 "is not a column");
	bad_line(52, "      \"compositePrimaryKeys\": {\"posts_pk\": 2},", 52,
		 "compositePrimaryKeys.posts_pk is not an object");
	bad_line(40, "      \"indexes\": 0,", 40, "tables.posts.indexes is "
		 "not an object");
	bad_line(40, NULL, 34, "tables.posts.indexes is missing");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schema_snapshot");
	TCase *tc = tcase_create("read");

	tcase_add_test(tc, test_v6_columns);
	tcase_add_test(tc, test_v6_constraints);
	tcase_add_test(tc, test_older_versions);
	tcase_add_test(tc, test_default_fallbacks);
	tcase_add_test(tc, test_file);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_not_json);
	tcase_add_test(tc, test_root_members);
	tcase_add_test(tc, test_column_members);
	tcase_add_test(tc, test_constraint_members);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
