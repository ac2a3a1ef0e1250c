/*
** strbuf.c - a growing string.  Design in strbuf.h.
*/
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cw_strbuf_add(cw_strbuf *b, const char *s, size_t n)
{
	if (b->is_oom)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (p == NULL) {
			b->is_oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

void cw_strbuf_str(cw_strbuf *b, const char *s)
{
	cw_strbuf_add(b, s, strlen(s));
}

void cw_strbuf_fmt(cw_strbuf *b, const char *fmt, ...)
{
	char tmp[128], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		cw_strbuf_add(b, tmp, (size_t)n);
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		b->is_oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	cw_strbuf_add(b, big, (size_t)n);
	free(big);
}

/* The string built (never NULL unless out of memory; "" when empty). */
char *cw_strbuf_take(cw_strbuf *b)
{
	if (!b->is_oom && b->p == NULL)
		cw_strbuf_add(b, "", 0);
	if (b->is_oom) {
		free(b->p);
		return NULL;
	}
	return b->p;
}
