/*
** text.c - file reading, Node-compatible UTF-8 repair, line numbers.
*/
#include "text.h"

#include <errno.h>
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
** The WHATWG "UTF-8 decode" algorithm: each maximal invalid subpart becomes
** one U+FFFD, and a byte that breaks a sequence is reconsidered as the start
** of the next one.  Output is at most 3 bytes per input byte.
*/
int cw_text_utf8_sanitize(cw_bytes *out, const char *in, size_t len,
			  size_t *out_n_replaced, cw_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	unsigned cp = 0, lower = 0x80, upper = 0xBF;
	int needed = 0, seen = 0;
	size_t i = 0, o = 0, n_bad = 0;
	char *buf = malloc(len * 3 + 4);

	if (buf == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory decoding UTF-8");
	while (i < len) {
		unsigned b = s[i];
		if (needed == 0) {
			i++;
			if (b < 0x80) {
				buf[o++] = (char)b;
			} else if (b >= 0xC2 && b <= 0xDF) {
				needed = 1;
				cp = b & 0x1F;
			} else if (b >= 0xE0 && b <= 0xEF) {
				if (b == 0xE0)
					lower = 0xA0;
				if (b == 0xED)
					upper = 0x9F;
				needed = 2;
				cp = b & 0x0F;
			} else if (b >= 0xF0 && b <= 0xF4) {
				if (b == 0xF0)
					lower = 0x90;
				if (b == 0xF4)
					upper = 0x8F;
				needed = 3;
				cp = b & 0x07;
			} else {
				o += put_utf8(buf + o, 0xFFFD);
				n_bad++;
			}
			continue;
		}
		if (b < lower || b > upper) {
			/* Do not consume b: it may start the next sequence. */
			cp = 0;
			needed = seen = 0;
			lower = 0x80;
			upper = 0xBF;
			o += put_utf8(buf + o, 0xFFFD);
			n_bad++;
			continue;
		}
		i++;
		lower = 0x80;
		upper = 0xBF;
		cp = (cp << 6) | (b & 0x3F);
		if (++seen == needed) {
			o += put_utf8(buf + o, cp);
			cp = 0;
			needed = seen = 0;
		}
	}
	if (needed != 0) {
		o += put_utf8(buf + o, 0xFFFD);
		n_bad++;
	}
	buf[o] = '\0';
	out->data = buf;
	out->len = o;
	if (out_n_replaced != NULL)
		*out_n_replaced = n_bad;
	return 0;
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

void cw_text_line_col(const char *text, size_t offset, int *out_line,
		      int *out_col)
{
	int line = 1, col = 1;
	size_t i;

	for (i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	if (out_line)
		*out_line = line;
	if (out_col)
		*out_col = col;
}

size_t cw_text_count_crlf(const char *text, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i + 1 < len; i++)
		if (text[i] == '\r' && text[i + 1] == '\n')
			n++;
	return n;
}
