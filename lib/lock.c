/*
** lock.c - the immutability lock (meta/cw.lock) and `--base REV`:
** comparing a migration folder with its locked records (cw_lock_check)
** and appending to or rehashing the lock (cw_lock_write).  The file's
** text format is lockfile.c.
**
** Comparing walks lock and journal together by position.  At the first
** position where the tags differ it decides once what happened (another
** branch's migration took the position: H006; a locked one was moved:
** H004) and from then on matches by tag only, so one divergence is one
** finding, not one per later line.  Journal entries no record matched
** get one H007 note each, at their journal entry.  With --base and no
** lock file the records come from git (gitbase.h) and changes are H008
** (a branch conflict stays H006; new migrations are not reported).  With
** neither, nothing is reported: a folder opts in by committing cw.lock.
*/
#include "lock.h"
#include "codes.h"
#include "gitbase.h"
#include "lockfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lk_cmp {
	cw_diags *out;
	const cw_folder *f;
	const cw_lockfile *lk;
	char *used;        /* journal index already matched */
	char *named;       /* record already named by a finding */
	char *j_named;     /* journal index already named by a finding */
} lk_cmp;

/* ---- comparing records with the folder ---- */

/* With --base the same walk reports every change as H008, except a
** branch conflict, which is H006 whatever it was compared with. */
static const char *code_for(const lk_cmp *c, const char *code)
{
	if (c->lk->rev != NULL && strcmp(code, CW_H006) != 0)
		return CW_H008;
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
			  const cw_lockfile_rec *r)
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
	const cw_lockfile_rec *r = &c->lk->recs[i];
	const cw_migration *m = &c->f->migrations[j];
	const cw_journal_entry *e = m->entry;
	const char *then = c->lk->rev ? "was" : "locked";
	char since[1200], w_now[64], w_then[64];
	cw_diag *d;

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
		d = cw_diags_add(c->out, code_for(c, eol ? CW_H002 : CW_H001),
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
		cw_lockfile_fmt_when(w_now, sizeof(w_now), 1, e->when);
		cw_lockfile_fmt_when(w_then, sizeof(w_then), r->has_when,
				     r->when);
		d = cw_diags_add(c->out, code_for(c, CW_H003),
				 c->f->journal.path, e->when_line, 0,
				 "%s: when changed %s: %s, %s %s", r->tag,
				 since, w_now, then, w_then);
		cw_diag_set_tag(d, r->tag);
	}
}

static void report_deleted(lk_cmp *c, size_t i)
{
	const cw_lockfile_rec *r = &c->lk->recs[i];
	cw_diag *d;

	if (c->lk->rev != NULL)
		d = cw_diags_add(c->out, CW_H008, c->f->journal.path, 0, 0,
				 "%s existed at %s (entries[%zu]) and is no "
				 "longer in the journal", r->tag, c->lk->rev,
				 i);
	else
		d = cw_diags_add(c->out, CW_H004, c->lk->path, r->line, 0,
				 "%s was locked at position %zu and is no "
				 "longer in the journal", r->tag, i);
	cw_diag_set_tag(d, r->tag);
	c->named[i] = 1;
}

/* The journal has a locked migration at position j where record i was
** expected: the order changed.  One finding for the first divergence. */
static void report_moved(lk_cmp *c, size_t i, size_t j)
{
	const cw_lockfile_rec *r = &c->lk->recs[i];
	char where[1200];
	cw_diag *d;

	if (c->lk->rev != NULL)
		snprintf(where, sizeof(where), "%s had %s", c->lk->rev,
			 r->tag);
	else
		snprintf(where, sizeof(where), "the lock has %s (%s:%d)",
			 r->tag, c->lk->path, r->line);
	d = cw_diags_add(c->out, code_for(c, CW_H004), c->f->journal.path,
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
	const cw_lockfile_rec *r = &c->lk->recs[i];
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
	d = cw_diags_add(c->out, CW_H006, c->f->journal.path,
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
		d = cw_diags_add(c->out, CW_H007, c->f->journal.path,
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
static int compare(lk_cmp *c, const cw_lockfile *lk, const cw_folder *f,
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
static int base_records(cw_lockfile *lk, const cw_gitbase *b, cw_error *err)
{
	size_t k;

	for (k = 0; k < b->n_migrations; k++) {
		const cw_base_migration *m = &b->migrations[k];
		cw_lockfile_rec *r = cw_lockfile_add(lk);
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
	cw_lockfile lk;
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
	cw_lockfile_free(&lk);
	cw_gitbase_free(&b);
	return rc;
}

int cw_lock_check(cw_diags *out, const cw_folder *f,
		  const cw_check_options *o, cw_error *err)
{
	cw_check_options defaults = CW_CHECK_OPTIONS_INIT;
	char *path;
	cw_lockfile lk;
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
	rc = cw_lockfile_load(&lk, path, &found, out, &n_bad, err);
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
	cw_lockfile_free(&lk);
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
		int is_change = !strcmp(d->code, CW_H001) ||
				!strcmp(d->code, CW_H002) ||
				!strcmp(d->code, CW_H003);
		cw_diag *g;
		if (!strcmp(d->code, CW_H007))
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

static void set_from(cw_lockfile_rec *r, const cw_migration *m)
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
static int apply(cw_lockfile *lk, const cw_folder *f, const cw_lock_options *o,
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
		lk->recs[i].note = cw_lockfile_rehash_note(o->rehash_tag,
							   o->reason);
		if (lk->recs[i].note == NULL)
			goto nomem;
		out->n_rehashed = 1;
	}
	out->n_locked = n_old - out->n_rehashed;
	for (i = n_old; i < f->n_migrations; i++) {
		cw_lockfile_rec *r = cw_lockfile_add(lk);
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
static int update(cw_lock_summary *out, cw_lockfile *lk, int found,
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
	rc = cw_lockfile_render(&text, &len, lk, !found, err);
	if (rc == 0)
		rc = cw_lockfile_write_atomic(lk->path, text, len, err);
	free(text);
	return rc;
}

int cw_lock_write(cw_lock_summary *out, const cw_folder *f,
		  const cw_lock_options *o, cw_diags *diags, cw_error *err)
{
	cw_lock_options defaults = CW_LOCK_OPTIONS_INIT;
	char *path;
	cw_lockfile lk;
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
	rc = cw_lockfile_load(&lk, path, &found, diags, &n_bad, err);
	if (rc == 0 && n_bad > 0)
		rc = cw_error_set(err, CW_EINVAL, CW_H005, path, 0, "%s is "
				  "malformed; the lock was not updated "
				  "(repair it, or delete it and run cw lock)",
				  path);
	if (rc == 0)
		rc = update(out, &lk, found, f, o, diags, err);
	cw_lockfile_free(&lk);
	free(path);
	return rc;
}
