/*
** fuzz_sql.c - libFuzzer target: arbitrary bytes as a migration file,
** through what cw does to one: UTF-8 repair, hashing, splitting on the
** breakpoint marker, and preparing every piece under both one-statement
** rules on a configured in-memory database.
*/
#include "../../lib/db.h"
#include "../../lib/hash.h"
#include "../../lib/split.h"
#include "../../lib/stmtrule.h"
#include "../../lib/text.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sqlite3 *db;
	cw_bytes text = {0};
	cw_pieces pieces = {0};
	cw_hashes h;
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
			for (r = 0; r < 2; r++) {
				cw_rule_prepare(&st, &res, db, sql,
						pieces.items[p].len,
						(cw_rule)r, NULL);
				sqlite3_finalize(st);
				st = NULL;
			}
		}
	}
	cw_pieces_free(&pieces);
	cw_bytes_free(&text);
	return 0;
}
