/*
** fuzz_journal.c - libFuzzer target: arbitrary bytes as a journal.
** The parser must never crash, leak or read out of bounds, whatever the
** JSON; findings and errors are fine.
*/
#include "../../lib/journal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_diags d = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_journal j;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';   /* the reader always NUL-terminates */
	cw_journal_parse(&j, "_journal.json", text, size, &d, &err);
	cw_journal_free(&j);
	cw_diags_free(&d);
	free(text);
	return 0;
}
