/*
** fuzz_sqlscan.c - libFuzzer target: arbitrary bytes through the SQL
** tokenizer that the lints read migrations with (lib/sqlscan.h), over
** the whole input and over a window of it, and through the small
** keyword readers of lib/stmtrule.h that work on raw statement text.
**
** fuzz_sql.c already runs the tokenizer on UTF-8-repaired pieces; this
** one feeds it raw bytes (NULs, lone quotes, unterminated comments at
** the very end) and checks what the lints rely on: tokens lie inside
** the window, in order, without overlap; statement ends move forward;
** a name token yields a name.
*/
#include "../../lib/sqlscan.h"
#include "../../lib/stmtrule.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void scan(cw_toks *toks, const char *text, size_t start, size_t end)
{
	size_t k, a, b, prev_end = start;

	if (cw_sqlscan(toks, text, start, end, NULL) != 0)
		return;
	for (k = 0; k < toks->n; k++) {
		const cw_tok *t = &toks->items[k];
		if (t->off < prev_end || t->len == 0 || t->off + t->len > end)
			abort();
		prev_end = t->off + t->len;
		(void)cw_tok_is(text, t, "create");
		(void)cw_tok_punct(text, t, ';');
		if (cw_tok_is_name(t)) {
			char *name = cw_tok_name(text, t);
			if (name == NULL)
				abort();
			(void)cw_sqlscan_name_eq(name, "users");
			free(name);
		}
	}
	for (a = 0; a < toks->n; a = b + 1) {
		b = cw_sqlscan_stmt_end(text, toks->items, toks->n, a);
		if (b < a || b > toks->n)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_toks toks = CW_TOKS_INIT;
	char want[32];
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	scan(&toks, text, 0, size);
	/* A window, as the lints scan one piece of a file: the tokenizer
	** must stop at `end` even inside a string or comment. */
	if (size > 2)
		scan(&toks, text, size / 3, size - size / 3);
	(void)cw_stmtrule_txn_kind(text);
	if (cw_stmtrule_journal_mode(text, want, sizeof(want)) &&
	    memchr(want, '\0', sizeof(want)) == NULL)
		abort();
	cw_toks_free(&toks);
	free(text);
	return 0;
}
