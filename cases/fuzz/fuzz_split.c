/*
** fuzz_split.c - libFuzzer target: arbitrary bytes, NULs and invalid
** UTF-8 included (no repair first, unlike fuzz_sql.c), through the
** splitter and better-sqlite3's one-statement rule.
**
** Besides not crashing, the pieces must be what drizzle's
** text.split("--> statement-breakpoint") gives: in order, inside the
** text, separated by exactly one marker each, with no marker inside a
** piece, together the whole text.  Each piece's tail check and its
** prepare under both rules must agree on the first statement's end.
*/
#include "../../lib/db.h"
#include "../../lib/split.h"
#include "../../lib/stmtrule.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The split's contract, checked; abort() makes a violation a crash. */
static void check_pieces(const cw_pieces *p, const char *text, size_t len)
{
	size_t k, at = 0;

	if (p->n == 0)
		abort();
	for (k = 0; k < p->n; k++) {
		const cw_piece *q = &p->items[k];
		if (q->offset != at || q->len > len - at)
			abort();
		if (memmem(text + q->offset, q->len, CW_BREAKPOINT,
			   CW_BREAKPOINT_LEN) != NULL)
			abort();
		at = q->offset + q->len;
		if (k + 1 < p->n) {
			if (len - at < CW_BREAKPOINT_LEN ||
			    memcmp(text + at, CW_BREAKPOINT,
				   CW_BREAKPOINT_LEN) != 0)
				abort();
			at += CW_BREAKPOINT_LEN;
		}
		if (q->line < 1)
			abort();
	}
	if (at != len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sqlite3 *db;
	cw_pieces pieces = {0};
	char *text;
	size_t k;

	if (db == NULL && cw_db_open_memory(&db, NULL) != 0)
		return 0;
	/* The folder reader always NUL-terminates what it read. */
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cw_split(&pieces, text, size, NULL) == 0) {
		check_pieces(&pieces, text, size);
		for (k = 0; k < pieces.n; k++) {
			const char *sql = text + pieces.items[k].offset;
			size_t len = pieces.items[k].len;
			cw_prepared res;
			sqlite3_stmt *st = NULL;
			int r;

			for (r = 0; r < 2; r++) {
				(void)cw_stmtrule_tail_violation(sql,
								 (cw_rule)r);
				cw_stmtrule_prepare(&st, &res, db, sql, len,
						    (cw_rule)r, NULL);
				if (res.verdict == CW_PIECE_MULTIPLE &&
				    res.second_offset >= len)
					abort();
				if ((st != NULL) !=
				    (res.verdict == CW_PIECE_OK))
					abort();
				sqlite3_finalize(st);
				st = NULL;
			}
		}
	}
	cw_pieces_free(&pieces);
	free(text);
	return 0;
}
