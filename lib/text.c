/*
** text.c - file reading, Node-compatible UTF-8 repair, cutting text at a
** character boundary, line numbers.
*/
#include "text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cw_bytes_free(cw_bytes *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

int cw_text_read_file(cw_bytes *out, const char *path, cw_error *err)
{
	struct stat st;
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap, n = 0;

	out->data = NULL;
	out->len = 0;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return cw_error_set(err, CW_ENOTFOUND, NULL, path, 0,
					    "%s: no such file", path);
		return cw_error_set(err, CW_EIO, NULL, path, 0, "%s: %s",
				    path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return cw_error_set(err, CW_EIO, NULL, path, 0,
				    "%s: not a regular file", path);
	f = fopen(path, "rb");
	if (f == NULL)
		return cw_error_set(err, CW_EIO, NULL, path, 0, "%s: %s",
				    path, strerror(errno));
	cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (buf == NULL)
		goto nomem;
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (n < cap - 1)
			break;
		/* The file grew while we read it: keep going. */
		char *bigger = realloc(buf, cap * 2);
		if (bigger == NULL)
			goto nomem;
		buf = bigger;
		cap *= 2;
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		free(buf);
		return cw_error_set(err, CW_EIO, NULL, path, 0, "%s: %s",
				    path, strerror(e));
	}
	fclose(f);
	buf[n] = '\0';
	out->data = buf;
	out->len = n;
	return 0;
nomem:
	fclose(f);
	free(buf);
	return cw_error_set(err, CW_ENOMEM, NULL, path, 0,
			    "%s: out of memory reading file", path);
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
** The WHATWG "UTF-8 decode" algorithm, one character at a time: a byte that
** breaks a sequence is not consumed, so that it is reconsidered as the
** start of the next one, and what was consumed counts as one error.
*/
long cw_text_utf8_next(const char *s, size_t len, size_t *pos)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pos;
	unsigned b = u[i++], lower = 0x80, upper = 0xBF;
	long cp;
	int needed;

	if (b < 0x80) {
		*pos = i;
		return (long)b;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		needed = 1;
		cp = b & 0x1F;
	} else if (b >= 0xE0 && b <= 0xEF) {
		lower = b == 0xE0 ? 0xA0 : 0x80;  /* no overlong forms */
		upper = b == 0xED ? 0x9F : 0xBF;  /* no surrogates */
		needed = 2;
		cp = b & 0x0F;
	} else if (b >= 0xF0 && b <= 0xF4) {
		lower = b == 0xF0 ? 0x90 : 0x80;
		upper = b == 0xF4 ? 0x8F : 0xBF;  /* nothing past U+10FFFF */
		needed = 3;
		cp = b & 0x07;
	} else {
		*pos = i;
		return -1;
	}
	for (; needed > 0; needed--) {
		if (i >= len || u[i] < lower || u[i] > upper) {
			*pos = i;
			return -1;
		}
		cp = (cp << 6) | (u[i++] & 0x3F);
		lower = 0x80;
		upper = 0xBF;
	}
	*pos = i;
	return cp;
}

/* Output is at most 3 bytes per input byte (each may become U+FFFD). */
int cw_text_utf8_sanitize(cw_bytes *out, const char *in, size_t len,
			  size_t *out_n_replaced, cw_error *err)
{
	size_t i = 0, o = 0, n_bad = 0;
	char *buf = malloc(len * 3 + 4);

	if (buf == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory decoding UTF-8");
	while (i < len) {
		long cp = cw_text_utf8_next(in, len, &i);
		if (cp < 0) {
			cp = 0xFFFD;
			n_bad++;
		}
		o += put_utf8(buf + o, (unsigned)cp);
	}
	buf[o] = '\0';
	out->data = buf;
	out->len = o;
	if (out_n_replaced != NULL)
		*out_n_replaced = n_bad;
	return 0;
}

int cw_text_utf8_is_valid(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len)
		if (cw_text_utf8_next(s, len, &i) < 0)
			return 0;
	return 1;
}

/* Bytes a sequence has, judged by its first byte; 1 for anything that
** cannot start a multi-byte sequence. */
static size_t seq_len(unsigned char lead)
{
	if (lead >= 0xC0 && lead <= 0xDF)
		return 2;
	if (lead >= 0xE0 && lead <= 0xEF)
		return 3;
	if (lead >= 0xF0 && lead <= 0xF7)
		return 4;
	return 1;
}

size_t cw_text_utf8_cut(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = n, k = 0;

	/* Back over at most three continuation bytes to the lead byte. */
	while (i > 0 && k < 3 && (u[i - 1] & 0xC0) == 0x80) {
		i--;
		k++;
	}
	if (i > 0 && n - (i - 1) < seq_len(u[i - 1]))
		return i - 1;
	return n;
}

size_t cw_text_utf8_truncate(char *s, size_t max)
{
	size_t n = strnlen(s, max);

	n = cw_text_utf8_cut(s, n);
	s[n] = '\0';
	return n;
}

int cw_text_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);

	if (n < 0) {
		buf[0] = '\0';
		return -1;
	}
	if ((size_t)n < size)
		return 0;
	cw_text_utf8_truncate(buf, size - 1);
	return 1;
}

int cw_text_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cw_text_vformat(buf, size, fmt, ap);
	va_end(ap);
	return rc;
}

int cw_text_crlf_to_lf(cw_bytes *out, const char *in, size_t len,
		       cw_error *err)
{
	size_t i, o = 0;
	char *buf = malloc(len + 1);

	if (buf == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory normalising line endings");
	for (i = 0; i < len; i++) {
		if (in[i] == '\r' && i + 1 < len && in[i + 1] == '\n')
			continue;
		buf[o++] = in[i];
	}
	buf[o] = '\0';
	out->data = buf;
	out->len = o;
	return 0;
}

int cw_text_line_at(cw_text_cursor *c, size_t offset, int *out_col)
{
	if (offset < c->off) {
		c->off = 0;
		c->line = 1;
		c->bol = 0;
	}
	for (; c->off < offset; c->off++)
		if (c->text[c->off] == '\n') {
			c->line++;
			c->bol = c->off + 1;
		}
	if (out_col)
		*out_col = (int)(offset - c->bol) + 1;
	return c->line;
}

void cw_text_line_col(const char *text, size_t offset, int *out_line,
		      int *out_col)
{
	cw_text_cursor c = CW_TEXT_CURSOR_INIT(text);
	int line = cw_text_line_at(&c, offset, out_col);

	if (out_line)
		*out_line = line;
}

size_t cw_text_count_crlf(const char *text, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i + 1 < len; i++)
		if (text[i] == '\r' && text[i + 1] == '\n')
			n++;
	return n;
}
