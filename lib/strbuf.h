/*
** strbuf.h - a growing NUL-terminated string, the one used wherever lib/
** builds text piece by piece (SQL spellings, stream-json events).
**
** Appends after a failed allocation do nothing and set is_oom, so a
** builder checks once, at the end (cw_strbuf_take).  Start from a zeroed
** struct (CW_STRBUF_INIT); the text is owned by the buffer until taken.
*/
#ifndef CW_STRBUF_H
#define CW_STRBUF_H

#include <stddef.h>

typedef struct cw_strbuf {
	char *p;         /* the text, NUL-terminated, or NULL while empty */
	size_t n, cap;
	int is_oom;      /* an allocation failed */
} cw_strbuf;

#define CW_STRBUF_INIT {NULL, 0, 0, 0}

void cw_strbuf_add(cw_strbuf *b, const char *s, size_t n);
void cw_strbuf_str(cw_strbuf *b, const char *s);
void cw_strbuf_fmt(cw_strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The text built ("" when nothing was added), now the caller's, or NULL
** (and the buffer freed) when an allocation failed. */
char *cw_strbuf_take(cw_strbuf *b);

#endif
