/*
** jsonstrict.h - is this text JSON as JSON.parse reads it, and where is
** each thing in it?
**
** drizzle reads the journal with JSON.parse, which follows RFC 8259 to the
** letter.  cJSON is more forgiving (control characters as whitespace, "+1",
** ".5", "01", raw control characters in strings), so cw validates the text
** strictly first: a journal drizzle cannot parse must not pass here.
**
** cJSON keeps no positions, so findings that name the line of a key or an
** array element get it from the same walk: a visitor sees every value with
** its depth, its key or index, and its offsets.  This is the one place cw
** scans JSON text by hand.  Walked leniently, the text only needs to be
** one cJSON accepted (a snapshot): cJSON's whitespace, numbers and escapes
** and a leading byte-order mark are let through.
*/
#ifndef CW_JSONSTRICT_H
#define CW_JSONSTRICT_H

#include <stddef.h>

/* Deeper nesting is refused (cJSON's own limit). */
#define CW_JSON_MAX_DEPTH 1000

/* 0 if text[0..len) is one strict JSON value with optional whitespace
** around it; otherwise CW_EINVAL with *out_offset at the first offending
** byte. */
int cw_jsonstrict_validate(const char *text, size_t len,
			    size_t *out_offset);

/* Where a value is: what the visitor is shown. */
typedef struct cw_json_at {
	int depth;          /* 0 for the whole text's value, 1 for its
			    ** members or elements, ... */
	const char *key;    /* a member's key, raw bytes between the quotes
			    ** (escapes undecoded); NULL in an array */
	size_t key_len;
	size_t key_off;     /* offset of the key's opening quote */
	size_t index;       /* position among its parent's members */
	size_t off;         /* offset of the value's first byte */
	size_t end;         /* one past its last byte; 0 on the way in */
} cw_json_at;

/* Called for every value in text order, with is_leave 0 before its
** contents and 1 after them (at->end set).  A nonzero answer stops the
** walk. */
typedef int (*cw_json_visit)(void *ctx, const cw_json_at *at,
			     int is_leave);

/* Walk text[0..len) (strictly, as cw_jsonstrict_validate, or leniently
** as described above), showing each value to visit (which may be NULL).
** Returns 0 when the whole text was one value or the visitor stopped the
** walk; otherwise CW_EINVAL with *out_offset (unless NULL) at the first byte
** that is not JSON, the visitor having seen every value before it (and,
** on the way in, the one that byte is in). */
int cw_jsonstrict_walk(const char *text, size_t len, int lenient,
		       cw_json_visit visit, void *ctx, size_t *out_offset);

#endif
