/*
** fuzz_sql.c - libFuzzer target: arbitrary bytes as a migration file,
** through what cw does to one: UTF-8 repair, hashing, splitting on the
** breakpoint marker, tokenizing every piece as the lints do (statement
** ends, names), judging its transaction control, and preparing it under
** both one-statement rules on a configured in-memory database.
*/
#include "../../lib/db.h"
#include "../../lib/hash.h"
#include "../../lib/split.h"
#include "../../lib/sqlscan.h"
#include "../../lib/stmtrule.h"
#include "../../lib/text.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sqlite3 *db;
	cw_bytes text = {0};
	cw_pieces pieces = {0};
	cw_hashes h;
	cw_toks toks = {0};
	size_t p;

	if (db == NULL && cw_db_open_memory(&db, NULL) != 0)
		return 0;
	if (cw_text_utf8_sanitize(&text, (const char *)data, size, NULL,
				  NULL) != 0)
		return 0;
	cw_hash_variants(&h, (const char *)data, size, NULL);
	if (cw_split(&pieces, text.data, text.len, NULL) == 0) {
		for (p = 0; p < pieces.n; p++) {
			const char *sql = text.data + pieces.items[p].offset;
			sqlite3_stmt *st = NULL;
			cw_prepared res;
			int r;
			size_t a = 0, b, t;
			if (cw_sqlscan(&toks, text.data, pieces.items[p].offset,
				       pieces.items[p].offset +
				       pieces.items[p].len, NULL) == 0)
				for (; a < toks.n; a = b + 1) {
					b = cw_sqlscan_stmt_end(text.data,
						toks.items, toks.n, a);
					for (t = a; t < b && t < toks.n; t++)
						if (cw_tok_is_name(&toks.items[t]))
							free(cw_tok_name(text.data,
							     &toks.items[t]));
				}
			(void)cw_stmtrule_txn_kind(sql);
			for (r = 0; r < 2; r++) {
				cw_stmtrule_prepare(&st, &res, db, sql,
						pieces.items[p].len,
						(cw_rule)r, NULL);
				sqlite3_finalize(st);
				st = NULL;
			}
		}
	}
	cw_toks_free(&toks);
	cw_pieces_free(&pieces);
	cw_bytes_free(&text);
	return 0;
}
