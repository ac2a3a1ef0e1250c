/*
** text.h - byte-level text helpers shared by the folder reader and checks.
**
** Reading whole files, decoding UTF-8 the way Node does (invalid sequences
** become U+FFFD, per the WHATWG decoder that Buffer#toString follows),
** cutting text to a fixed buffer without splitting a character,
** normalising CRLF, and turning byte offsets into line and column numbers.
** Functions that make text return freshly allocated memory the caller
** frees, except the formatters into a caller's buffer.
*/
#ifndef CW_TEXT_H
#define CW_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include "error.h"

typedef struct cw_bytes {
	char *data;   /* always NUL-terminated (the NUL is not counted) */
	size_t len;
} cw_bytes;

void cw_bytes_free(cw_bytes *b);

/* Read the whole of `path` into out.  CW_ENOTFOUND if it does not exist,
** CW_EIO if it is not a regular file or cannot be read. */
int cw_text_read_file(cw_bytes *out, const char *path, cw_error *err);

/* Decode `in` as UTF-8 with WHATWG replacement and re-encode it: the text
** drizzle hashes and executes.  *out_n_replaced counts U+FFFD insertions. */
int cw_text_utf8_sanitize(cw_bytes *out, const char *in, size_t len,
			  size_t *out_n_replaced, cw_error *err);

/* Decode the character at s[*pos] (s holds len bytes, *pos < len) and
** move *pos past it.  Returns its code point, or -1 for an invalid
** sequence, after which *pos has skipped the sequence's maximal invalid
** subpart: exactly the bytes the WHATWG decoder turns into one U+FFFD. */
long cw_text_utf8_next(const char *s, size_t len, size_t *pos);

/* 1 if s[0..len) is valid UTF-8 (nothing sanitize would replace), else 0. */
int cw_text_utf8_is_valid(const char *s, size_t len);

/* Where text cut at byte n ends without a partial character: n, or less
** if the last sequence before n is incomplete there.  Bytes that were
** invalid already are left for the decoder to judge. */
size_t cw_text_utf8_cut(const char *s, size_t n);

/* Cut the NUL-terminated s to at most max bytes, backing off to the start
** of a character the cut (or an earlier one, such as snprintf's) splits.
** Returns the new length.  Call it on text known to be truncated. */
size_t cw_text_utf8_truncate(char *s, size_t max);

/* vsnprintf into buf (size > 0) that never splits a UTF-8 character:
** over-long text is cut back to a character boundary.  Returns 1 if the
** text was cut, 0 if it fit, -1 on an encoding error (buf is ""). */
int cw_text_vformat(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int cw_text_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Copy of `in` with every CR LF pair turned into LF. */
int cw_text_crlf_to_lf(cw_bytes *out, const char *in, size_t len,
		       cw_error *err);

/* Where byte offsets of one text fall, in lines and columns: the one
** place cw counts lines.  A cursor remembers how far it has counted, so
** a caller asking for offsets in increasing order (a scanner, findings in
** file order) walks the text once in all; a smaller offset than the last
** starts again from the beginning.  Lines and columns are 1-based, columns
** in bytes; only '\n' ends a line.  The text may hold NUL bytes. */
typedef struct cw_text_cursor {
	const char *text;
	size_t off;   /* lines are counted up to here ... */
	int line;     /* ... this is the line there ... */
	size_t bol;   /* ... and this is where that line begins */
} cw_text_cursor;

#define CW_TEXT_CURSOR_INIT(text) {(text), 0, 1, 0}

/* The line of byte `offset` of c->text; its column into *out_col unless
** out_col is NULL.  offset is at most the text's length. */
int cw_text_line_at(cw_text_cursor *c, size_t offset, int *out_col);

/* The same for a single offset: line and column into *out_line and
** *out_col (either may be NULL). */
void cw_text_line_col(const char *text, size_t offset, int *out_line,
		      int *out_col);

/* Number of CR LF pairs in the text. */
size_t cw_text_count_crlf(const char *text, size_t len);

#endif
