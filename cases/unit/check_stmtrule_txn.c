/*
** check_stmtrule_txn.c - cw_stmtrule_txn_kind (lib/stmtrule.c): what a piece
** does to the transaction, judged by its first keyword past spaces and
** comments, in any case: BEGIN, COMMIT or END, ROLLBACK but not ROLLBACK
** TO, and PRAGMA foreign_keys set to each spelling of on and off (with a
** main. prefix, quotes or parentheses).  The engine's trials follow these
** (check_engine.c); anything else, a query of the PRAGMA included, is
** none of them.
*/
#include "unit.h"
#include "../../lib/stmtrule.h"

START_TEST(test_txn_kind)
{
	static const struct {
		const char *sql;
		cw_txn_kind kind;
	} cases[] = {
		{"BEGIN", CW_TXN_BEGIN},
		{"begin transaction;", CW_TXN_BEGIN},
		{"  -- opens it\n/* again */ BEGIN IMMEDIATE;", CW_TXN_BEGIN},
		{"\t\r\nBegin Exclusive", CW_TXN_BEGIN},
		{"BEGINNING", CW_TXN_NONE},
		{"BEGIN_x", CW_TXN_NONE},
		{"COMMIT", CW_TXN_COMMIT},
		{"commit transaction;", CW_TXN_COMMIT},
		{"END;", CW_TXN_COMMIT},
		{"end transaction", CW_TXN_COMMIT},
		{"/* c */END", CW_TXN_COMMIT},
		{"ENDING", CW_TXN_NONE},
		{"ROLLBACK", CW_TXN_ROLLBACK},
		{"rollback;", CW_TXN_ROLLBACK},
		{"ROLLBACK TRANSACTION", CW_TXN_ROLLBACK},
		{"ROLLBACK -- all of it\n;", CW_TXN_ROLLBACK},
		{"ROLLBACK TO sp", CW_TXN_NONE},
		{"rollback transaction to savepoint sp", CW_TXN_NONE},
		{"ROLLBACK /* partial */ TO sp", CW_TXN_NONE},
		{"ROLLBACK TRANSACTION top", CW_TXN_ROLLBACK},
		{"PRAGMA foreign_keys=OFF;", CW_TXN_PRAGMA_FK_OFF},
		/* Forms SQLite accepts too: empty statements first, a
		** quoted name, any schema, values read as
		** sqlite3GetBoolean(z, 0) reads them. */
		{";COMMIT", CW_TXN_COMMIT},
		{" ; ;\nBEGIN", CW_TXN_BEGIN},
		{"PRAGMA \"foreign_keys\"=OFF", CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA [foreign_keys] = ON", CW_TXN_PRAGMA_FK_ON},
		{"PRAGMA temp.foreign_keys=OFF", CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA \"main\".foreign_keys = yes", CW_TXN_PRAGMA_FK_ON},
		{"PRAGMA foreign_keys=10", CW_TXN_PRAGMA_FK_ON},
		{"PRAGMA foreign_keys=full", CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA foreign_keys='maybe'", CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA foreign_keys_x=ON", CW_TXN_NONE},
		{"pragma Foreign_Keys = off", CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA main.foreign_keys = 0", CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA foreign_keys('no')", CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA foreign_keys = \"false\";", CW_TXN_PRAGMA_FK_OFF},
		{"-- x\nPRAGMA /* y */ foreign_keys /* z */ = /* w */ OFF",
		 CW_TXN_PRAGMA_FK_OFF},
		{"PRAGMA foreign_keys=ON", CW_TXN_PRAGMA_FK_ON},
		{"PRAGMA foreign_keys = 1;", CW_TXN_PRAGMA_FK_ON},
		{"PRAGMA foreign_keys = true", CW_TXN_PRAGMA_FK_ON},
		{"PRAGMA MAIN.foreign_keys=yes", CW_TXN_PRAGMA_FK_ON},
		{"PRAGMA foreign_keys", CW_TXN_NONE},
		{"PRAGMA foreign_keys;", CW_TXN_NONE},
		{"PRAGMA foreign_key_check", CW_TXN_NONE},
		{"PRAGMA foreign_key_list(t)", CW_TXN_NONE},
		{"PRAGMA journal_mode = OFF", CW_TXN_NONE},
		{"SELECT 'BEGIN'", CW_TXN_NONE},
		{"CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END",
		 CW_TXN_NONE},
		{"", CW_TXN_NONE},
		{"-- only a comment", CW_TXN_NONE},
		{"/* never closed BEGIN", CW_TXN_NONE},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		ck_assert_msg(cw_stmtrule_txn_kind(cases[i].sql) == cases[i].kind,
			      "%s: %d, not %d", cases[i].sql,
			      cw_stmtrule_txn_kind(cases[i].sql), cases[i].kind);
}
END_TEST

static Suite *txn_suite(void)
{
	Suite *s = suite_create("stmtrule_txn");
	TCase *tc = tcase_create("txn_kind");

	tcase_add_test(tc, test_txn_kind);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(txn_suite());
}
