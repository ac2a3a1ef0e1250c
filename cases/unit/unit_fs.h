/*
** unit_fs.h - scratch files for the Check suites: a fresh folder under
** /tmp for each test (removed by the tcase's teardown), files written into
** it and read back, and journals in drizzle-kit's exact layout.
**
** Paths given as `rel` are relative to unit_dir: the scratch folder itself,
** or the migration folder a suite makes inside it (unit_dir_make).  The
** helpers fail the running test rather than return an error, so that a
** test reads as the steps it takes; only unit_slurp returns NULL, for
** tests of a file that must not exist.  Each is static inline, so that a
** suite that does not use one gets no unused-function warning.
*/
#ifndef CW_UNIT_FS_H
#define CW_UNIT_FS_H

#include "unit.h"

#include <ftw.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The running test's scratch folder ("" until unit_tmp_make), and the
** folder that relative paths start from.  Tests run in forked children,
** so each test sees its own copy. */
static char unit_tmp[64];
static char unit_dir[128];

/* mkdtemp's name stays in unit_tmp if it failed: never remove that. */
static inline int unit_tmp_is_made(void)
{
	return unit_tmp[0] != '\0' && strstr(unit_tmp, "XXXXXX") == NULL;
}

/* A fresh /tmp/cw-check-<suite>-XXXXXX; unit_dir starts there too. */
static inline const char *unit_tmp_make(const char *suite)
{
	snprintf(unit_tmp, sizeof(unit_tmp), "/tmp/cw-check-%s-XXXXXX",
		 suite);
	ck_assert_ptr_nonnull(mkdtemp(unit_tmp));
	snprintf(unit_dir, sizeof(unit_dir), "%s", unit_tmp);
	return unit_tmp;
}

static inline int unit_rm_one(const char *p, const struct stat *sb,
			      int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

/* Teardown: the scratch folder and all below it, links not followed. */
static inline void unit_tmp_remove(void)
{
	if (unit_tmp_is_made())
		nftw(unit_tmp, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* unit_dir/rel into buf; returns buf. */
static inline const char *unit_path(char *buf, size_t n, const char *rel)
{
	int len = snprintf(buf, n, "%s/%s", unit_dir, rel);

	ck_assert_msg(len > 0 && (size_t)len < n, "path too long: %s", rel);
	return buf;
}

/* Make the folder unit_dir/rel, which must not exist yet. */
static inline void unit_mkdir(const char *rel, mode_t mode)
{
	char p[512];

	ck_assert_msg(mkdir(unit_path(p, sizeof(p), rel), mode) == 0,
		      "mkdir %s", p);
}

/* Make unit_tmp/<sub>/meta and move unit_dir to unit_tmp/<sub>: the
** shape of a drizzle-kit migration folder. */
static inline void unit_dir_make(const char *sub, mode_t mode)
{
	unit_mkdir(sub, mode);
	snprintf(unit_dir, sizeof(unit_dir), "%s/%s", unit_tmp, sub);
	unit_mkdir("meta", mode);
}

/* Write len bytes as the whole of unit_dir/rel. */
static inline void unit_put_bytes(const char *rel, const void *data,
				  size_t len)
{
	char p[512];
	FILE *f = fopen(unit_path(p, sizeof(p), rel), "wb");

	ck_assert_msg(f != NULL, "cannot write %s", p);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static inline void unit_put(const char *rel, const char *text)
{
	unit_put_bytes(rel, text, strlen(text));
}

/* The whole of unit_dir/rel, NUL-terminated (the caller frees); *len
** gets its size when len is not NULL.  NULL if it cannot be read. */
static inline char *unit_slurp(const char *rel, size_t *len)
{
	char p[512], *buf = NULL;
	size_t cap = 0, n = 0;
	FILE *f = fopen(unit_path(p, sizeof(p), rel), "rb");

	if (f == NULL)
		return NULL;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
		n += fread(buf + n, 1, cap - n - 1, f);
		if (feof(f) || ferror(f))
			break;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	else {
		buf[n] = '\0';
	}
	fclose(f);
	if (len)
		*len = buf ? n : 0;
	return buf;
}

/* Replace every LF of a file by CRLF, or every CRLF by LF. */
static inline void unit_convert_eol(const char *rel, int to_crlf)
{
	char *text = unit_slurp(rel, NULL), *out;
	size_t i, o = 0;

	ck_assert_msg(text != NULL, "cannot read %s", rel);
	out = malloc(strlen(text) * 2 + 1);
	ck_assert_ptr_nonnull(out);
	for (i = 0; text[i]; i++) {
		if (to_crlf && text[i] == '\n')
			out[o++] = '\r';
		if (!to_crlf && text[i] == '\r' && text[i + 1] == '\n')
			continue;
		out[o++] = text[i];
	}
	unit_put_bytes(rel, out, o);
	free(text);
	free(out);
}

/* Whether s ends with tail: findings and errors name files by their
** full path, and a test knows only the end of it. */
static inline int unit_ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* ---- _journal.json as drizzle-kit 0.31 writes it ---- */

/* A journal built entry by entry.  The layout is what the line numbers
** of findings are tested against: entry k's '{' is on line 5 + 7k, its
** when on 8 + 7k and its tag on 9 + 7k. */
typedef struct unit_journal {
	char *text;
	size_t len, cap, n;
} unit_journal;

static inline void unit_journal_printf(unit_journal *j, const char *fmt,
				       ...)
	__attribute__((format(printf, 2, 3)));

static inline void unit_journal_printf(unit_journal *j, const char *fmt,
				       ...)
{
	va_list ap;
	int n;

	if (j->text == NULL) {
		j->cap = 4096;
		j->text = malloc(j->cap);
		ck_assert_ptr_nonnull(j->text);
	}
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(j->text + j->len, j->cap - j->len, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(n, 0);
		if ((size_t)n < j->cap - j->len)
			break;
		j->cap = j->cap * 2 + (size_t)n + 1;
		j->text = realloc(j->text, j->cap);
		ck_assert_ptr_nonnull(j->text);
	}
	j->len += (size_t)n;
}

static inline void unit_journal_begin(unit_journal *j)
{
	if (j->len == 0)
		unit_journal_printf(j, "{\n  \"version\": \"7\",\n  "
				    "\"dialect\": \"sqlite\",\n  "
				    "\"entries\": [");
}

/* Append entry number j->n; when is the JSON text of the number. */
static inline void unit_journal_add(unit_journal *j, const char *tag,
				    const char *when)
{
	unit_journal_begin(j);
	unit_journal_printf(j, "%s\n    {\n      \"idx\": %zu,\n      "
			    "\"version\": \"6\",\n      \"when\": %s,\n"
			    "      \"tag\": \"%s\",\n      \"breakpoints\": "
			    "true\n    }", j->n ? "," : "", j->n, when, tag);
	j->n++;
}

/* Close the array; returns the text, which the caller frees. */
static inline char *unit_journal_end(unit_journal *j)
{
	unit_journal_begin(j);
	unit_journal_printf(j, "\n  ]\n}");
	return j->text;
}

#endif
