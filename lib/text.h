/*
** text.h - byte-level text helpers shared by the folder reader and checks.
**
** Reading whole files, decoding UTF-8 the way Node does (invalid sequences
** become U+FFFD, per the WHATWG decoder that Buffer#toString follows),
** normalising CRLF, and turning byte offsets into line and column numbers.
** Every function returns freshly allocated memory the caller frees.
*/
#ifndef CW_TEXT_H
#define CW_TEXT_H

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

/* Copy of `in` with every CR LF pair turned into LF. */
int cw_text_crlf_to_lf(cw_bytes *out, const char *in, size_t len,
		       cw_error *err);

/* 1-based line and column (in bytes) of byte `offset` in `text`. */
void cw_text_line_col(const char *text, size_t offset, int *out_line,
		      int *out_col);

/* Number of CR LF pairs in the text. */
size_t cw_text_count_crlf(const char *text, size_t len);

#endif
