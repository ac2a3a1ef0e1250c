/*
** split.c - drizzle's String#split on the breakpoint marker.
*/
#include "split.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\f' || c == '\v';
}

int cw_split(cw_pieces *out, const char *text, size_t len, cw_error *err)
{
	size_t cap = 8, n = 0, start = 0, i;
	cw_text_cursor lines = CW_TEXT_CURSOR_INIT(text);
	cw_piece *items = malloc(cap * sizeof(*items));

	out->items = NULL;
	out->n = 0;
	if (items == NULL)
		goto nomem;
	for (;;) {
		const char *hit = memmem(text + start, len - start,
					 CW_BREAKPOINT, CW_BREAKPOINT_LEN);
		size_t end = hit ? (size_t)(hit - text) : len;

		if (n == cap) {
			cw_piece *bigger = realloc(items,
						   2 * cap * sizeof(*items));
			if (bigger == NULL)
				goto nomem;
			items = bigger;
			cap *= 2;
		}
		/* A piece's line is that of its first non-blank byte (of its
		** start when it is all blank); pieces come in order, so the
		** cursor walks the text once. */
		for (i = start; i < end && is_blank(text[i]); i++)
			;
		items[n].offset = start;
		items[n].len = end - start;
		items[n].line = cw_text_line_at(&lines, i < end ? i : start,
						NULL);
		n++;
		if (hit == NULL)
			break;
		start = end + CW_BREAKPOINT_LEN;
	}
	out->items = items;
	out->n = n;
	return 0;
nomem:
	free(items);
	return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory splitting a migration");
}

void cw_pieces_free(cw_pieces *p)
{
	if (p == NULL)
		return;
	free(p->items);
	p->items = NULL;
	p->n = 0;
}
