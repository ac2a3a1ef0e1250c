/*
** lockfile.c - the text format of the lock file (meta/cw.lock).
**
** The lock is plain text, one record per locked migration in journal
** order, after a header of '#' lines:
**
**   # cw.lock 1 - immutability lock of this drizzle migration folder.
**   ...
**   0000 0000_init 1795609916263 <sha256> <sha256-lf> <chain>
**
** position (4+ digits, 0-based journal index), tag (bytes <= ' ', '%' and
** DEL written as %XX), when (integral values as plain digits, others in
** the shortest form that reads back exactly, "-" if absent), the drizzle
** hash (hash.h "drizzle"), the hash after CRLF -> LF (recognises a change
** of line endings only: H002), and chain = sha256(previous chain, or 64
** zeros, + " " + the five fields before it), so an edited, dropped,
** inserted or swapped line of the lock itself is caught (H005).  Lines
** starting with '#' are comments and are kept as they are; `--rehash`
** records its reason as "# rehash TAG YYYY-MM-DD: reason" just above the
** line it changes.  Writing replaces the file atomically.
*/
#include "lockfile.h"
#include "codes.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LK_VERSION 1
#define LK_ZERO_CHAIN \
	"0000000000000000000000000000000000000000000000000000000000000000"

static const char lk_header[] =
	"# cw.lock 1 - immutability lock of this drizzle migration folder.\n"
	"# Written by `cw lock`; do not edit by hand.  A deliberate change\n"
	"# goes through `cw lock --rehash TAG --reason TEXT`, which records\n"
	"# why.  Fields: position tag when sha256 sha256-after-CRLF-to-LF "
	"chain,\n"
	"# chain = sha256(previous chain or 64 zeros + \" \" + the five "
	"fields).\n";

void cw_lockfile_free(cw_lockfile *lk)
{
	size_t i;

	for (i = 0; i < lk->n; i++) {
		free(lk->recs[i].tag);
		free(lk->recs[i].note);
	}
	free(lk->recs);
	cw_bytes_free(&lk->text);
	memset(lk, 0, sizeof(*lk));
}

cw_lockfile_rec *cw_lockfile_add(cw_lockfile *lk)
{
	if (lk->n == lk->cap) {
		size_t cap = lk->cap ? lk->cap * 2 : 32;
		cw_lockfile_rec *bigger;

		bigger = realloc(lk->recs, cap * sizeof(*bigger));
		if (bigger == NULL)
			return NULL;
		lk->recs = bigger;
		lk->cap = cap;
	}
	memset(&lk->recs[lk->n], 0, sizeof(cw_lockfile_rec));
	return &lk->recs[lk->n++];
}

/* ---- one record as text ---- */

/* `when` exactly: integral values as plain digits (never an exponent),
** others in the shortest %g form that strtod reads back unchanged. */
void cw_lockfile_fmt_when(char *buf, size_t n, int has_when, double v)
{
	int p;

	if (!has_when) {
		snprintf(buf, n, "-");
		return;
	}
	if (v == floor(v) && fabs(v) < 1e21) {
		snprintf(buf, n, "%.0f", v);
		return;
	}
	for (p = 1; p <= 17; p++) {
		snprintf(buf, n, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* "NNNN tag when hash lf": the fields the chain covers (caller frees). */
static char *lk_fields(size_t pos, const cw_lockfile_rec *r)
{
	char *s = NULL, when[64];
	const unsigned char *p;
	size_t n = 0;
	FILE *m = open_memstream(&s, &n);

	if (m == NULL)
		return NULL;
	fprintf(m, "%04zu ", pos);
	for (p = (const unsigned char *)r->tag; *p; p++) {
		if (*p <= ' ' || *p == '%' || *p == 0x7f)
			fprintf(m, "%%%02X", *p);
		else
			fputc(*p, m);
	}
	cw_lockfile_fmt_when(when, sizeof(when), r->has_when, r->when);
	fprintf(m, " %s %s %s", when, r->hash, r->lf);
	if (fclose(m) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static int chain_of(char out[CW_HASH_HEX_LEN + 1], const char *prev,
		    const char *fields, cw_error *err)
{
	size_t n = strlen(prev) + 1 + strlen(fields);
	char *s = malloc(n + 1);
	int rc;

	if (s == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	snprintf(s, n + 1, "%s %s", prev, fields);
	rc = cw_hash_sha256_hex(out, s, n, err);
	free(s);
	return rc;
}

static int is_hex64(const char *s)
{
	return strlen(s) == CW_HASH_HEX_LEN &&
	       strspn(s, "0123456789abcdef") == CW_HASH_HEX_LEN;
}

/* Undo %XX in place; -1 if an escape is malformed, yields NUL, or the
** tag is empty. */
static int decode_tag(char *s)
{
	char *o = s, *start = s, hex[3] = {0};
	long v;

	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (strspn(s + 1, "0123456789ABCDEFabcdef") < 2)
			return -1;
		memcpy(hex, s + 1, 2);
		v = strtol(hex, NULL, 16);
		if (v == 0)
			return -1;
		*o++ = (char)v;
		s += 2;
	}
	*o = '\0';
	return o > start ? 0 : -1;
}

/* ---- reading the lock file ---- */

typedef struct lk_parse {
	cw_lockfile *lk;
	cw_diags *out;
	int line;
	long prev_pos;               /* position claimed by the line above */
	char prev_chain[CW_HASH_HEX_LEN + 1];
	int is_chain_unknown;        /* the line above had no usable chain */
	size_t n_bad;
} lk_parse;

static void bad_line(lk_parse *p, const char *what)
{
	cw_diags_add(p->out, CW_H005, p->lk->path, p->line, 0, "%s", what);
	p->n_bad++;
}

/* The position a lock line starts with, or -1 when tok is not all
** digits or too large for a long.  strtol would saturate at LONG_MAX and
** the next line's `prev_pos + 1` would overflow (found by fuzz_lockfile:
** a line of 20 nines, then another line). */
static long lk_position(const char *tok)
{
	long v;

	if (tok[0] == '\0' || strspn(tok, "0123456789") != strlen(tok))
		return -1;
	errno = 0;
	v = strtol(tok, NULL, 10);
	return errno == ERANGE ? -1 : v;
}

/* Check one record's fields (tok[0..5]); the first problem wins.  Each
** line is judged against the claims of the line above it, so one bad
** line is one finding. */
static const char *check_fields(lk_parse *p, char **tok,
				cw_lockfile_rec *r, char *why, size_t n_why,
				int *oom)
{
	char *end, computed[CW_HASH_HEX_LEN + 1], *fields;
	long pos = lk_position(tok[0]);

	if (pos < 0 || strlen(tok[0]) < 4)
		return "position is not a number of at least 4 digits";
	if (pos - 1 != p->prev_pos) {
		snprintf(why, n_why, "position %s does not follow %04ld: a "
			 "line was removed, added or moved", tok[0],
			 p->prev_pos);
		return why;
	}
	if (decode_tag(tok[1]) != 0)
		return "tag has a malformed %XX escape";
	r->has_when = strcmp(tok[2], "-") != 0;
	r->when = r->has_when ? strtod(tok[2], &end) : 0;
	if (r->has_when && (end == tok[2] || *end != '\0'))
		return "when is neither a number nor '-'";
	if (!is_hex64(tok[3]) || !is_hex64(tok[4]) || !is_hex64(tok[5]))
		return "a hash is not 64 lowercase hex digits";
	r->has_hash = 1;
	memcpy(r->hash, tok[3], sizeof(r->hash));
	memcpy(r->lf, tok[4], sizeof(r->lf));
	r->tag = tok[1];
	fields = lk_fields((size_t)pos, r);
	r->tag = NULL;
	if (fields == NULL || chain_of(computed, p->prev_chain, fields, NULL))
		why = (*oom = 1, "out of memory");
	else if (!p->is_chain_unknown && strcmp(computed, tok[5]) != 0)
		why = "chain hash does not match this line and the one "
		      "above: the lock file was edited by hand";
	else
		why = NULL;
	free(fields);
	return why;
}

/* One record line (NUL-terminated copy in s). */
static int parse_record(lk_parse *p, char *s, size_t pre_off, size_t pre_len,
			cw_error *err)
{
	char *tok[7], *save = NULL, why[160];
	const char *problem;
	cw_lockfile_rec r;
	size_t n = 0;
	int oom = 0;

	memset(&r, 0, sizeof(r));
	for (tok[n] = strtok_r(s, " \t", &save); tok[n] && n < 6;)
		tok[++n] = strtok_r(NULL, " \t", &save);
	if (n != 6 || tok[6] != NULL) {
		bad_line(p, "expected 6 fields: position tag when sha256 "
			 "sha256-lf chain");
		/* Judge the next line by its own position, not its chain. */
		if (n > 0 && lk_position(tok[0]) >= 0)
			p->prev_pos = lk_position(tok[0]);
		p->is_chain_unknown = 1;
		return 0;
	}
	problem = check_fields(p, tok, &r, why, sizeof(why), &oom);
	if (lk_position(tok[0]) >= 0)
		p->prev_pos = lk_position(tok[0]);
	p->is_chain_unknown = !is_hex64(tok[5]);
	if (!p->is_chain_unknown)
		memcpy(p->prev_chain, tok[5], sizeof(p->prev_chain));
	if (oom)
		return cw_error_set(err, CW_ENOMEM, NULL, p->lk->path, 0,
				    "out of memory");
	if (problem != NULL) {
		bad_line(p, problem);
		return 0;
	}
	r.tag = strdup(tok[1]);
	r.line = p->line;
	r.pre_off = pre_off;
	r.pre_len = pre_len;
	if (r.tag == NULL || cw_lockfile_add(p->lk) == NULL) {
		free(r.tag);
		return cw_error_set(err, CW_ENOMEM, NULL, p->lk->path, 0,
				    "out of memory");
	}
	p->lk->recs[p->lk->n - 1] = r;
	return 0;
}

/* 1 if the first line is "# cw.lock 1" (version checked by caller). */
static int header_version(const char *s, size_t n, long *out)
{
	static const char magic[] = "# cw.lock ";
	char *end;

	if (n < sizeof(magic) || memcmp(s, magic, sizeof(magic) - 1) != 0)
		return 0;
	*out = strtol(s + sizeof(magic) - 1, &end, 10);
	return end != s + sizeof(magic) - 1;
}

/* One line of the lock; 1 to stop reading (the rest cannot be trusted). */
static int parse_line(lk_parse *p, const char *s, size_t n, size_t *pre,
		      size_t next, cw_error *err)
{
	long version;
	char *copy;
	int rc;

	if (p->line == 1 && !header_version(s, n, &version)) {
		bad_line(p, "not a cw lock file: the first line must start "
			 "with '# cw.lock 1'");
		return 1;
	}
	if (p->line == 1 && version != LK_VERSION) {
		bad_line(p, "lock file format version is not 1, the only "
			 "one this cw reads");
		return 1;
	}
	if (n >= 7 && (!memcmp(s, "<<<<<<<", 7) || !memcmp(s, ">>>>>>>", 7) ||
		       !memcmp(s, "=======", 7))) {
		bad_line(p, "unresolved merge conflict: keep the lines of "
			 "the branch merged first, then run `cw lock`");
		return 1;
	}
	if (n == 0 || s[0] == '#')
		return 0;
	copy = strndup(s, n);
	if (copy == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, p->lk->path, 0,
				    "out of memory");
	rc = parse_record(p, copy, *pre, (size_t)(s - p->lk->text.data) -
			  *pre, err);
	free(copy);
	*pre = next;
	return rc;
}

/* Parse lk->text.  Returns 0 and the number of H005 findings in *n_bad,
** or a CW_E* code. */
static int lk_parse_text(cw_lockfile *lk, cw_diags *out, size_t *n_bad,
			 cw_error *err)
{
	const char *s = lk->text.data;
	size_t len = lk->text.len, off = 0, pre = 0;
	lk_parse p;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	p.lk = lk;
	p.out = out;
	p.prev_pos = -1;
	memcpy(p.prev_chain, LK_ZERO_CHAIN, sizeof(p.prev_chain));
	if (len == 0) {
		p.line = 1;
		bad_line(&p, "lock file is empty");
	}
	while (off < len && rc == 0) {
		const char *nl = memchr(s + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - s) : len, n = end - off;
		size_t next = nl ? end + 1 : len;
		if (n > 0 && s[off + n - 1] == '\r')
			n--;  /* a CRLF checkout of the lock itself */
		p.line++;
		rc = parse_line(&p, s + off, n, &pre, next, err);
		off = next;
	}
	lk->tail_off = pre;
	lk->tail_len = len - pre;
	*n_bad = p.n_bad;
	return rc < 0 ? rc : 0;
}

/* Read and parse the lock at path; *found 0 if there is none. */
int cw_lockfile_load(cw_lockfile *lk, const char *path, int *found,
		     cw_diags *out, size_t *n_bad, cw_error *err)
{
	cw_error read_err = {0};
	int rc;

	memset(lk, 0, sizeof(*lk));
	lk->path = path;
	*n_bad = 0;
	rc = cw_text_read_file(&lk->text, path, &read_err);
	*found = rc != CW_ENOTFOUND;
	if (rc == CW_ENOTFOUND)
		return 0;
	/* A lock that exists but cannot be read (a folder, a FIFO, no read
	** permission) is a malformed lock: it holds no lines to compare,
	** and cw lock must not replace it, so it carries H005. */
	if (rc != 0)
		return cw_error_set(err, rc, rc == CW_ENOMEM ? NULL : CW_H005,
				    path, 0, "%s", read_err.message);
	return lk_parse_text(lk, out, n_bad, err);
}

/* ---- writing the lock file ---- */

/* "# rehash TAG YYYY-MM-DD: reason", the reason on one line. */
char *cw_lockfile_rehash_note(const char *tag, const char *reason)
{
	char date[16] = "?", *s, *p;
	time_t now = time(NULL);
	struct tm tm;
	size_t n = strlen(tag) + strlen(reason) + 64;

	if (gmtime_r(&now, &tm) != NULL)
		strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	s = malloc(n);
	if (s == NULL)
		return NULL;
	snprintf(s, n, "# rehash %s %s: %s", tag, date, reason);
	for (p = s; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = ' ';
	return s;
}

/* Comment lines as they were, but with LF endings and a final LF. */
static void put_block(FILE *m, const char *s, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(s, '\n', n);
		size_t len = nl ? (size_t)(nl - s) : n;
		size_t skip = nl ? len + 1 : len;
		if (len > 0 && s[len - 1] == '\r')
			len--;
		fwrite(s, 1, len, m);
		fputc('\n', m);
		s += skip;
		n -= skip;
	}
}

/* The whole lock file text; every chain computed afresh. */
int cw_lockfile_render(char **out, size_t *out_len, const cw_lockfile *lk,
		       int is_new, cw_error *err)
{
	char prev[CW_HASH_HEX_LEN + 1] = LK_ZERO_CHAIN;
	char chain[CW_HASH_HEX_LEN + 1];
	FILE *m = open_memstream(out, out_len);
	size_t i;
	int rc = 0;

	if (m == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, lk->path, 0,
				    "out of memory");
	if (is_new)
		fputs(lk_header, m);
	for (i = 0; i < lk->n && rc == 0; i++) {
		const cw_lockfile_rec *r = &lk->recs[i];
		char *fields = lk_fields(i, r);
		put_block(m, lk->text.data + r->pre_off, r->pre_len);
		if (r->note != NULL)
			fprintf(m, "%s\n", r->note);
		rc = fields ? chain_of(chain, prev, fields, err) :
			      cw_error_set(err, CW_ENOMEM, NULL, lk->path, 0,
					   "out of memory");
		if (rc == 0)
			fprintf(m, "%s %s\n", fields, chain);
		memcpy(prev, chain, sizeof(prev));
		free(fields);
	}
	if (lk->tail_len > 0)
		put_block(m, lk->text.data + lk->tail_off, lk->tail_len);
	if (fclose(m) != 0 && rc == 0)
		rc = cw_error_set(err, CW_ENOMEM, NULL, lk->path, 0,
				  "out of memory");
	return rc;
}

/* Best effort: make the rename itself durable. */
static void sync_dir(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (dir == NULL)
		return;
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* Replace path with data: a temporary file beside it, fsync, rename.
** Any failure removes the temporary file and leaves path untouched. */
int cw_lockfile_write_atomic(const char *path, const char *data, size_t len,
			     cw_error *err)
{
	struct stat st;
	mode_t mode = stat(path, &st) == 0 ? st.st_mode & 0777 : 0644;
	size_t n = strlen(path) + sizeof(".XXXXXX"), off = 0;
	char *tmp = malloc(n);
	int fd = -1, e = 0, rc = 0;

	if (tmp == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, path, 0,
				    "out of memory");
	snprintf(tmp, n, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = cw_error_set(err, CW_EIO, NULL, path, 0, "%s: cannot "
				  "create a temporary file beside it: %s",
				  path, strerror(errno));
		free(tmp);
		return rc;
	}
	while (off < len && e == 0) {
		ssize_t w = write(fd, data + off, len - off);
		if (w > 0)
			off += (size_t)w;
		else if (w == 0 || errno != EINTR)
			e = w == 0 ? EIO : errno;
	}
	if (e == 0 && (fchmod(fd, mode) != 0 || fsync(fd) != 0))
		e = errno;
	if (close(fd) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		rc = cw_error_set(err, CW_EIO, NULL, path, 0, "%s: cannot "
				  "write the lock file (left unchanged): %s",
				  path, strerror(e));
	} else {
		sync_dir(path);
	}
	free(tmp);
	return rc;
}
