/*
** jsonstrict.h - is this text JSON as JSON.parse reads it?
**
** drizzle reads the journal with JSON.parse, which follows RFC 8259 to the
** letter.  cJSON is more forgiving (control characters as whitespace, "+1",
** ".5", "01", raw control characters in strings), so cw validates the text
** strictly first: a journal drizzle cannot parse must not pass here.
*/
#ifndef CW_JSONSTRICT_H
#define CW_JSONSTRICT_H

#include <stddef.h>

/* Deeper nesting is refused (cJSON's own limit). */
#define CW_JSON_MAX_DEPTH 1000

/* 0 if text[0..len) is one strict JSON value with optional whitespace
** around it; otherwise -1 with *out_offset at the first offending byte. */
int cw_json_strict_validate(const char *text, size_t len,
			    size_t *out_offset);

#endif
