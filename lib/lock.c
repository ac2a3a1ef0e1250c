/*
** lock.c - the immutability lock file (meta/cw.lock) and `--base REV`.
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
** line it changes.
**
** Comparing walks lock and journal together by position.  At the first
** position where the tags differ it decides once what happened (another
** branch's migration took the position: H006; a locked one was moved:
** H004) and from then on matches by tag only, so one divergence is one
** finding, not one per later line.  With --base and no lock file the
** records come from git (gitbase.h) and changes are reported as H008.
*/
#include "lock.h"
#include "gitbase.h"
#include "text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

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

typedef struct lk_rec {
	char *tag;
	int has_when;
	double when;
	int has_hash;      /* 0: base file missing at REV, nothing to compare */
	char hash[CW_HASH_HEX_LEN + 1];
	char lf[CW_HASH_HEX_LEN + 1];
	int line;          /* lock line, or entry line of the journal at REV */
	size_t pre_off;    /* comment lines before the record: */
	size_t pre_len;    /* text[pre_off, pre_off + pre_len) */
	char *note;        /* a new rehash comment to write before it */
} lk_rec;

typedef struct lk_file {
	const char *path;  /* the lock file */
	const char *rev;   /* records come from this git revision, or NULL */
	cw_bytes text;
	lk_rec *recs;
	size_t n, cap;
	size_t tail_off, tail_len;  /* comment lines after the last record */
} lk_file;

typedef struct lk_cmp {
	cw_diags *out;
	const cw_folder *f;
	const lk_file *lk;
	char *used;        /* journal index already matched */
	char *named;       /* record already named by a finding */
	char *j_named;     /* journal index already named by a finding */
} lk_cmp;

static void lk_free(lk_file *lk)
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

static lk_rec *lk_add(lk_file *lk)
{
	if (lk->n == lk->cap) {
		size_t cap = lk->cap ? lk->cap * 2 : 32;
		lk_rec *bigger = realloc(lk->recs, cap * sizeof(*bigger));
		if (bigger == NULL)
			return NULL;
		lk->recs = bigger;
		lk->cap = cap;
	}
	memset(&lk->recs[lk->n], 0, sizeof(lk_rec));
	return &lk->recs[lk->n++];
}

/* ---- one record as text ---- */

/* `when` exactly: integral values as plain digits (never an exponent),
** others in the shortest %g form that strtod reads back unchanged. */
static void fmt_when(char *buf, size_t n, int has_when, double v)
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
static char *lk_fields(size_t pos, const lk_rec *r)
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
	fmt_when(when, sizeof(when), r->has_when, r->when);
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
	lk_file *lk;
	cw_diags *out;
	int line;
	long prev_pos;               /* position claimed by the line above */
	char prev_chain[CW_HASH_HEX_LEN + 1];
	int is_chain_unknown;        /* the line above had no usable chain */
	size_t n_bad;
} lk_parse;

static void bad_line(lk_parse *p, const char *what)
{
	cw_diags_add(p->out, "H005", p->lk->path, p->line, 0, "%s", what);
	p->n_bad++;
}

/* Check one record's fields (tok[0..5]); the first problem wins.  Each
** line is judged against the claims of the line above it, so one bad
** line is one finding. */
static const char *check_fields(lk_parse *p, char **tok, lk_rec *r,
				char *why, size_t n_why, int *oom)
{
	char *end, computed[CW_HASH_HEX_LEN + 1], *fields;
	long pos = strspn(tok[0], "0123456789") == strlen(tok[0]) ?
		   strtol(tok[0], NULL, 10) : -1;
	size_t i;

	if (pos < 0 || strlen(tok[0]) < 4)
		return "position is not a number of at least 4 digits";
	if (pos != p->prev_pos + 1) {
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
	lk_rec r;
	size_t n = 0;
	int oom = 0;

	memset(&r, 0, sizeof(r));
	for (tok[n] = strtok_r(s, " \t", &save); tok[n] && n < 6;)
		tok[++n] = strtok_r(NULL, " \t", &save);
	if (n != 6 || tok[6] != NULL) {
		bad_line(p, "expected 6 fields: position tag when sha256 "
			 "sha256-lf chain");
		/* Judge the next line by its own position, not its chain. */
		if (n > 0 && strspn(tok[0], "0123456789") == strlen(tok[0]))
			p->prev_pos = strtol(tok[0], NULL, 10);
		p->is_chain_unknown = 1;
		return 0;
	}
	problem = check_fields(p, tok, &r, why, sizeof(why), &oom);
	if (strspn(tok[0], "0123456789") == strlen(tok[0]))
		p->prev_pos = strtol(tok[0], NULL, 10);
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
	if (r.tag == NULL || lk_add(p->lk) == NULL) {
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
static int lk_parse_text(lk_file *lk, cw_diags *out, size_t *n_bad,
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

/* ---- comparing records with the folder ---- */

/* With --base the same walk reports every change as H008, except a
** branch conflict, which is H006 whatever it was compared with. */
static const char *code_for(const lk_cmp *c, const char *code)
{
	if (c->lk->rev != NULL && strcmp(code, "H006") != 0)
		return "H008";
	return code;
}

static const char *jtag(const cw_folder *f, size_t j)
{
	const cw_journal_entry *e = f->migrations[j].entry;

	return e->has_tag && e->tag != NULL ? e->tag : NULL;
}

/* First journal index not yet matched whose tag is tag, or -1. */
static long find_journal(const lk_cmp *c, const char *tag)
{
	size_t j;

	for (j = 0; j < c->f->n_migrations; j++)
		if (!c->used[j] && jtag(c->f, j) && !strcmp(jtag(c->f, j), tag))
			return (long)j;
	return -1;
}

static int in_lock(const lk_cmp *c, const char *tag)
{
	size_t i;

	for (i = 0; i < c->lk->n; i++)
		if (strcmp(c->lk->recs[i].tag, tag) == 0)
			return 1;
	return 0;
}

/* Where a record comes from, for messages: "dir/meta/cw.lock:7" or REV. */
static const char *origin(char *buf, size_t n, const lk_cmp *c,
			  const lk_rec *r)
{
	if (c->lk->rev != NULL)
		snprintf(buf, n, "%s", c->lk->rev);
	else
		snprintf(buf, n, "%s:%d", c->lk->path, r->line);
	return buf;
}

/* Record i and journal entry j are the same migration: compare content
** (H001/H002) and when (H003). */
static void compare_one(lk_cmp *c, size_t i, size_t j)
{
	const lk_rec *r = &c->lk->recs[i];
	const cw_migration *m = &c->f->migrations[j];
	const cw_journal_entry *e = m->entry;
	const char *then = c->lk->rev ? "was" : "locked";
	char since[1200], w_now[64], w_then[64];
	cw_diag *d;

	(void)i;
	c->used[j] = 1;
	if (c->lk->rev != NULL)
		snprintf(since, sizeof(since), "since %s", c->lk->rev);
	else
		snprintf(since, sizeof(since), "since it was locked (%s:%d)",
			 c->lk->path, r->line);
	/* A file that cannot be read is J009/S006 already. */
	if (m->load_rc == 0 && r->has_hash &&
	    strcmp(r->hash, m->hashes.drizzle) != 0) {
		int eol = strcmp(r->lf, m->hashes.lf) == 0;
		d = cw_diags_add(c->out, code_for(c, eol ? "H002" : "H001"),
				 m->path, 0, 0, "%s changed %s%s: sha256 "
				 "%.12s..., %s %.12s...", r->tag,
				 eol ? "only in line endings " : "", since,
				 m->hashes.drizzle, then, r->hash);
		if (eol && c->lk->rev != NULL)
			cw_diag_set_hint(d, "restore the line endings the "
					 "file has at %s (check "
					 ".gitattributes / core.autocrlf)",
					 c->lk->rev);
		cw_diag_set_tag(d, r->tag);
	}
	if (e->has_when && (!r->has_when || r->when != e->when)) {
		fmt_when(w_now, sizeof(w_now), 1, e->when);
		fmt_when(w_then, sizeof(w_then), r->has_when, r->when);
		d = cw_diags_add(c->out, code_for(c, "H003"),
				 c->f->journal.path, e->when_line, 0,
				 "%s: when changed %s: %s, %s %s", r->tag,
				 since, w_now, then, w_then);
		cw_diag_set_tag(d, r->tag);
	}
}

static void report_deleted(lk_cmp *c, size_t i)
{
	const lk_rec *r = &c->lk->recs[i];
	cw_diag *d;

	if (c->lk->rev != NULL)
		d = cw_diags_add(c->out, "H008", c->f->journal.path, 0, 0,
				 "%s existed at %s (entries[%zu]) and is no "
				 "longer in the journal", r->tag, c->lk->rev,
				 i);
	else
		d = cw_diags_add(c->out, "H004", c->lk->path, r->line, 0,
				 "%s was locked at position %zu and is no "
				 "longer in the journal", r->tag, i);
	cw_diag_set_tag(d, r->tag);
	c->named[i] = 1;
}

/* The journal has a locked migration at position j where record i was
** expected: the order changed.  One finding for the first divergence. */
static void report_moved(lk_cmp *c, size_t i, size_t j)
{
	const lk_rec *r = &c->lk->recs[i];
	char where[1200];
	cw_diag *d;

	if (c->lk->rev != NULL)
		snprintf(where, sizeof(where), "%s had %s", c->lk->rev,
			 r->tag);
	else
		snprintf(where, sizeof(where), "the lock has %s (%s:%d)",
			 r->tag, c->lk->path, r->line);
	d = cw_diags_add(c->out, code_for(c, "H004"), c->f->journal.path,
			 c->f->migrations[j].entry->line, 0, "migrations "
			 "reordered: position %zu holds %s where %s, now at "
			 "position %ld; drizzle applies entries in array "
			 "order", j, jtag(c->f, j), where,
			 find_journal(c, r->tag));
	cw_diag_set_tag(d, r->tag);
	c->named[i] = 1;
}

/* Journal entry j, not in the lock, sits where record i is locked: two
** branches each added the next migration.  One finding names both, and
** the later locked migrations the journal lost with it. */
static void report_conflict(lk_cmp *c, size_t i, size_t j)
{
	const lk_rec *r = &c->lk->recs[i];
	long now = find_journal(c, r->tag);
	char *msg = NULL, where[1100];
	size_t n = 0, k, n_lost = 0;
	FILE *m = open_memstream(&msg, &n);
	cw_diag *d;

	if (m == NULL) {
		c->out->oom = 1;
		return;
	}
	fprintf(m, "two branches added migration %zu: the journal has %s "
		"where ", j, jtag(c->f, j));
	if (c->lk->rev != NULL)
		fprintf(m, "%s has %s", c->lk->rev, r->tag);
	else
		fprintf(m, "the lock has %s (%s)", r->tag,
			origin(where, sizeof(where), c, r));
	if (now < 0)
		fprintf(m, ", which is missing from the journal");
	else
		fprintf(m, ", which the journal has at position %ld", now);
	for (k = i + 1; k < c->lk->n; k++)
		if (find_journal(c, c->lk->recs[k].tag) < 0) {
			fprintf(m, "%s%s", n_lost++ ? ", " :
				"; also missing: ", c->lk->recs[k].tag);
			c->named[k] = 1;
		}
	if (fclose(m) != 0) {
		c->out->oom = 1;
		free(msg);
		return;
	}
	d = cw_diags_add(c->out, "H006", c->f->journal.path,
			 c->f->migrations[j].entry->line, 0, "%s", msg);
	cw_diag_set_tag(d, jtag(c->f, j));
	free(msg);
	c->named[i] = 1;
	c->j_named[j] = 1;
}

/* Journal entries no record matched: H007, one note per migration at
** its journal entry, so each can be annotated where it is. */
static void report_unlocked(lk_cmp *c)
{
	size_t j;
	cw_diag *d;

	if (c->lk->rev != NULL)
		return;  /* new since the base revision: that is normal */
	for (j = 0; j < c->f->n_migrations; j++) {
		if (c->used[j] || c->j_named[j] || jtag(c->f, j) == NULL)
			continue;
		d = cw_diags_add(c->out, "H007", c->f->journal.path,
				 c->f->migrations[j].entry->line, 0, "%s is "
				 "not locked yet (%s)", jtag(c->f, j),
				 c->lk->path);
		cw_diag_set_tag(d, jtag(c->f, j));
	}
}

/* The walk: by position until the first divergence, then by tag. */
static void align(lk_cmp *c)
{
	size_t i = 0, j = 0, n_j = c->f->n_migrations;
	int by_tag = 0;

	while (i < c->lk->n) {
		const char *x = c->lk->recs[i].tag, *y;
		long jx;
		if (!by_tag && j < n_j && jtag(c->f, j) == NULL) {
			j++;  /* no tag: J003 says so; nothing to match */
			continue;
		}
		y = !by_tag && j < n_j ? jtag(c->f, j) : NULL;
		if (y != NULL && strcmp(x, y) == 0) {
			compare_one(c, i++, j++);
			continue;
		}
		if (y != NULL && !in_lock(c, y)) {
			report_conflict(c, i, j);
			by_tag = 1;
			continue;
		}
		if (y != NULL && find_journal(c, x) >= 0) {
			report_moved(c, i, j);
			by_tag = 1;
			continue;
		}
		jx = find_journal(c, x);
		if (jx >= 0)
			compare_one(c, i, (size_t)jx);
		else if (!c->named[i])
			report_deleted(c, i);
		i++;
	}
	report_unlocked(c);
}

static void cmp_free(lk_cmp *c)
{
	free(c->used);
	free(c->named);
	free(c->j_named);
}

/* Compare lk with f, findings into out; free c with cmp_free, also
** after a failure. */
static int compare(lk_cmp *c, const lk_file *lk, const cw_folder *f,
		   cw_diags *out, cw_error *err)
{
	size_t n_l = lk->n ? lk->n : 1;
	size_t n_j = f->n_migrations ? f->n_migrations : 1;

	memset(c, 0, sizeof(*c));
	c->out = out;
	c->f = f;
	c->lk = lk;
	c->named = calloc(n_l, 1);
	c->used = calloc(n_j, 1);
	c->j_named = calloc(n_j, 1);
	if (!c->named || !c->used || !c->j_named)
		return cw_error_set(err, CW_ENOMEM, NULL, lk->path, 0,
				    "out of memory");
	align(c);
	if (out->oom)
		return cw_error_set(err, CW_ENOMEM, NULL, lk->path, 0,
				    "out of memory");
	return 0;
}

/* ---- cw check ---- */

static char *default_lock_path(const cw_folder *f, const char *given)
{
	size_t n;
	char *s;

	if (given != NULL)
		return strdup(given);
	n = strlen(f->dir) + sizeof("/meta/" CW_LOCK_FILE);
	s = malloc(n);
	if (s != NULL)
		snprintf(s, n, "%s/meta/%s", f->dir, CW_LOCK_FILE);
	return s;
}

/* Records from the folder as it was at rev (no lock file, --base). */
static int base_records(lk_file *lk, const cw_gitbase *b, cw_error *err)
{
	size_t k;

	for (k = 0; k < b->n_migrations; k++) {
		const cw_base_migration *m = &b->migrations[k];
		lk_rec *r = lk_add(lk);
		if (r == NULL || (r->tag = strdup(m->tag)) == NULL)
			return cw_error_set(err, CW_ENOMEM, NULL, b->label, 0,
					    "out of memory");
		r->has_when = m->has_when;
		r->when = m->when;
		r->line = m->line;
		r->has_hash = m->has_file;
		memcpy(r->hash, m->hashes.drizzle, sizeof(r->hash));
		memcpy(r->lf, m->hashes.lf, sizeof(r->lf));
	}
	return 0;
}

static int check_base(cw_diags *out, const cw_folder *f, const char *rev,
		      cw_error *err)
{
	cw_gitbase b;
	lk_file lk;
	lk_cmp c;
	int rc;

	memset(&lk, 0, sizeof(lk));
	memset(&c, 0, sizeof(c));
	rc = cw_gitbase_load(&b, f->dir, rev, err);
	if (rc == 0 && b.has_journal) {
		lk.path = b.label;
		lk.rev = rev;
		rc = base_records(&lk, &b, err);
		if (rc == 0)
			rc = compare(&c, &lk, f, out, err);
	}
	cmp_free(&c);
	lk_free(&lk);
	cw_gitbase_free(&b);
	return rc;
}

/* Read and parse the lock at path; *found 0 if there is none. */
static int lk_load(lk_file *lk, const char *path, int *found,
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
	if (rc != 0)
		return cw_error_set(err, rc, "H005", path, 0, "%s",
				    read_err.message);
	return lk_parse_text(lk, out, n_bad, err);
}

int cw_lock_check(cw_diags *out, const cw_folder *f,
		  const cw_check_options *o, cw_error *err)
{
	cw_check_options defaults = CW_CHECK_OPTIONS_INIT;
	char *path;
	lk_file lk;
	lk_cmp c;
	size_t n_bad;
	int rc, found;

	if (o == NULL)
		o = &defaults;
	memset(&c, 0, sizeof(c));
	path = default_lock_path(f, o->lock_path);
	if (path == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, f->dir, 0,
				    "out of memory");
	rc = lk_load(&lk, path, &found, out, &n_bad, err);
	if (rc == 0 && !found && o->lock_path != NULL)
		rc = cw_error_set(err, CW_ENOTFOUND, NULL, path, 0,
				  "%s: no such lock file", path);
	else if (rc == 0 && !found && o->base_rev != NULL)
		rc = check_base(out, f, o->base_rev, err);
	else if (rc == 0 && found && n_bad == 0)
		rc = compare(&c, &lk, f, out, err);
	/* Without a lock file and --base there is nothing to hold the
	** folder to: locking is opted into by committing cw.lock. */
	cmp_free(&c);
	lk_free(&lk);
	free(path);
	return rc;
}

/* ---- cw lock ---- */

/* Locked lines hold real hashes, so every entry must be runnable. */
static int require_complete(const cw_folder *f, cw_error *err)
{
	size_t k;

	for (k = 0; k < f->n_migrations; k++) {
		const cw_migration *m = &f->migrations[k];
		const cw_journal_entry *e = m->entry;
		if (e->has_tag && e->is_tag_safe && e->has_when &&
		    m->load_rc == 0)
			continue;
		return cw_error_set(err, CW_EINVAL, NULL, f->journal.path,
				    e->line, "%s:%d: entries[%zu] cannot be "
				    "locked: it has no usable tag, no numeric"
				    " when or no readable file (see cw check)",
				    f->journal.path, e->line, k);
	}
	return 0;
}

/* Sort a comparison's findings.  H007 (not locked yet) is what cw lock
** is for and H001-H003 on the --rehash line are the change asked for;
** every other finding refuses the update and is copied to diags.
** Returns the number refused; *out_seen is set if the rehash line
** changed. */
static size_t refusals(const cw_diags *found, const char *rehash_tag,
		       cw_diags *diags, int *out_seen)
{
	size_t k, n = 0;

	*out_seen = 0;
	for (k = 0; k < found->n; k++) {
		const cw_diag *d = &found->items[k];
		int is_change = !strcmp(d->code, "H001") ||
				!strcmp(d->code, "H002") ||
				!strcmp(d->code, "H003");
		cw_diag *g;
		if (!strcmp(d->code, "H007"))
			continue;
		if (is_change && rehash_tag && d->tag &&
		    !strcmp(d->tag, rehash_tag)) {
			*out_seen = 1;
			continue;
		}
		g = cw_diags_add(diags, d->code, d->file, d->line, d->column,
				 "%s", d->message);
		cw_diag_set_tag(g, d->tag);
		if (is_change)
			cw_diag_set_hint(g, "%s; if the change is deliberate "
					 "(the migration never reached a "
					 "database, or it was re-applied by "
					 "hand): cw lock --rehash %s --reason "
					 "TEXT", d->hint, d->tag ? d->tag :
					 "TAG");
		else
			cw_diag_set_hint(g, "%s", d->hint);
		n++;
	}
	return n;
}

/* "# rehash TAG YYYY-MM-DD: reason", the reason on one line. */
static char *rehash_note(const char *tag, const char *reason)
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

static void set_from(lk_rec *r, const cw_migration *m)
{
	r->has_when = 1;
	r->when = m->entry->when;
	r->has_hash = 1;
	memcpy(r->hash, m->hashes.drizzle, sizeof(r->hash));
	memcpy(r->lf, m->hashes.lf, sizeof(r->lf));
}

/* Rehash the asked-for line, then append every journal entry past the
** last locked one.  No refusals means every record matched at its own
** position, so the new entries are exactly those after lk->n. */
static int apply(lk_file *lk, const cw_folder *f, const cw_lock_options *o,
		 int seen, cw_lock_summary *out, cw_error *err)
{
	size_t i, n_old = lk->n;

	for (i = 0; o->rehash_tag && i < n_old; i++)
		if (strcmp(lk->recs[i].tag, o->rehash_tag) == 0)
			break;
	if (o->rehash_tag && i == n_old)
		return cw_error_set(err, CW_EINVAL, NULL, lk->path, 0,
				    "--rehash %s: %s has no line for this "
				    "tag", o->rehash_tag, lk->path);
	if (o->rehash_tag && !seen)
		return cw_error_set(err, CW_EINVAL, NULL, lk->path,
				    lk->recs[i].line, "--rehash %s: the "
				    "migration matches its locked line; "
				    "nothing to rehash", o->rehash_tag);
	if (o->rehash_tag) {
		set_from(&lk->recs[i], &f->migrations[i]);
		lk->recs[i].note = rehash_note(o->rehash_tag, o->reason);
		if (lk->recs[i].note == NULL)
			goto nomem;
		out->n_rehashed = 1;
	}
	out->n_locked = n_old - out->n_rehashed;
	for (i = n_old; i < f->n_migrations; i++) {
		lk_rec *r = lk_add(lk);
		if (r == NULL || (r->tag = strdup(f->migrations[i].entry->tag))
				 == NULL)
			goto nomem;
		set_from(r, &f->migrations[i]);
		if (i == n_old) {
			/* Comments after the last line stay above it. */
			r->pre_off = lk->tail_off;
			r->pre_len = lk->tail_len;
			lk->tail_len = 0;
		}
		out->n_appended++;
	}
	return 0;
nomem:
	return cw_error_set(err, CW_ENOMEM, NULL, lk->path, 0,
			    "out of memory");
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
static int render(char **out, size_t *out_len, const lk_file *lk,
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
		const lk_rec *r = &lk->recs[i];
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
static int write_atomic(const char *path, const char *data, size_t len,
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

static int check_lock_options(const cw_lock_options *o, cw_error *err)
{
	if (o->rehash_tag != NULL && (o->reason == NULL || !o->reason[0]))
		return cw_error_set(err, CW_EINVAL, NULL, NULL, 0, "--rehash "
				    "%s needs --reason TEXT saying why the "
				    "locked line changes", o->rehash_tag);
	if (o->reason != NULL && o->rehash_tag == NULL)
		return cw_error_set(err, CW_EINVAL, NULL, NULL, 0, "--reason "
				    "is only used with --rehash TAG");
	return 0;
}

/* Compare, refuse or apply, render and write; lk is loaded. */
static int update(cw_lock_summary *out, lk_file *lk, int found,
		  const cw_folder *f, const cw_lock_options *o,
		  cw_diags *diags, cw_error *err)
{
	cw_diags findings = CW_DIAGS_INIT;
	char *text = NULL;
	size_t len = 0, n_refused;
	lk_cmp c;
	int rc, seen = 0;

	rc = compare(&c, lk, f, &findings, err);
	if (rc == 0) {
		n_refused = refusals(&findings, o->rehash_tag, diags, &seen);
		if (n_refused > 0)
			rc = cw_error_set(err, CW_EINVAL, NULL, lk->path, 0,
					  "%s: %zu locked migration%s "
					  "changed; the lock was not "
					  "updated", lk->path, n_refused,
					  n_refused == 1 ? "" : "s");
	}
	cmp_free(&c);
	cw_diags_free(&findings);
	if (rc == 0)
		rc = apply(lk, f, o, seen, out, err);
	if (rc != 0 || (found && out->n_appended + out->n_rehashed == 0))
		return rc;
	rc = render(&text, &len, lk, !found, err);
	if (rc == 0)
		rc = write_atomic(lk->path, text, len, err);
	free(text);
	return rc;
}

int cw_lock_write(cw_lock_summary *out, const cw_folder *f,
		  const cw_lock_options *o, cw_diags *diags, cw_error *err)
{
	cw_lock_options defaults = CW_LOCK_OPTIONS_INIT;
	char *path;
	lk_file lk;
	size_t n_bad = 0;
	int rc, found = 0;

	memset(out, 0, sizeof(*out));
	if (o == NULL)
		o = &defaults;
	rc = check_lock_options(o, err);
	if (rc == 0)
		rc = require_complete(f, err);
	if (rc != 0)
		return rc;
	path = default_lock_path(f, o->lock_path);
	if (path == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, f->dir, 0,
				    "out of memory");
	rc = lk_load(&lk, path, &found, diags, &n_bad, err);
	if (rc == 0 && n_bad > 0)
		rc = cw_error_set(err, CW_EINVAL, "H005", path, 0, "%s is "
				  "malformed; the lock was not updated "
				  "(repair it, or delete it and run cw lock)",
				  path);
	if (rc == 0)
		rc = update(out, &lk, found, f, o, diags, err);
	lk_free(&lk);
	free(path);
	return rc;
}
