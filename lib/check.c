/*
** check.c - `cw check`: runs every family over one folder, and holds the
** journal family (J) and the NUL-byte check of the S family (S007); the
** rest of S is pieces.c.
*/
#include "check.h"
#include "codes.h"
#include "db.h"
#include "lint.h"
#include "lock.h"
#include "schema_drift.h"
#include "snapshot.h"
#include "sqlscan.h"
#include "stmtrule.h"
#include "text.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* ---------------- J: the journal ---------------- */

static double now_ms(const cw_check_options *o)
{
	struct timeval tv;

	if (o && o->now_ms > 0)
		return o->now_ms;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec * 1000.0 + (double)(tv.tv_usec / 1000);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A run of consecutive entries whose idx is off from their position by
** the same amount: an entry inserted in the middle of a journal leaves
** every later entry one below its position, which is one finding (at the
** inserted entry), not one per entry. */
typedef struct idx_run {
	size_t first, last;   /* positions in entries[] */
	double off;           /* position - idx; +1 after an insertion */
	int has_plain;        /* holds an entry not reported as J013 */
} idx_run;

static const char *tag_or(const cw_journal_entry *e)
{
	return e->tag ? e->tag : "?";
}

static int idx_line(const cw_journal_entry *e)
{
	return e->idx_line ? e->idx_line : e->line;
}

/* J003 for a fractional idx, J013 for a repeated one; 1 if e has an
** integer idx that can take part in a run. */
static int check_one_idx(cw_diags *out, const cw_journal *j, size_t k,
			 int *is_dup)
{
	const cw_journal_entry *e = &j->entries[k];
	size_t i;

	*is_dup = 0;
	if (!e->has_idx)
		return 0;
	if (e->idx != floor(e->idx)) {
		cw_diags_add(out, CW_J003, j->path, idx_line(e), 0,
			     "entries[%zu].idx is %g, expected an integer",
			     k, e->idx);
		return 0;
	}
	for (i = 0; i < k && !*is_dup; i++)
		if (j->entries[i].has_idx && j->entries[i].idx == e->idx) {
			cw_diag *g = cw_diags_add(out, CW_J013, j->path,
				idx_line(e), 0, "idx %.0f of %s is also the "
				"idx of %s (entries[%zu])", e->idx,
				tag_or(e), tag_or(&j->entries[i]), i);
			cw_diag_set_tag(g, e->tag);
			*is_dup = 1;
		}
	return 1;
}

/* J004 for a run that is not explained by an insertion. */
static void report_shifted(cw_diags *out, const cw_journal *j,
			   const idx_run *r)
{
	const cw_journal_entry *a = &j->entries[r->first];
	const cw_journal_entry *b = &j->entries[r->last];
	cw_diag *g;

	if (r->first == r->last)
		g = cw_diags_add(out, CW_J004, j->path, idx_line(a), 0,
				 "entries[%zu] (%s) has idx %.0f, expected "
				 "%zu", r->first, tag_or(a), a->idx,
				 r->first);
	else
		g = cw_diags_add(out, CW_J004, j->path, idx_line(a), 0,
				 "entries[%zu] (%s) to entries[%zu] (%s) have "
				 "idx %.0f to %.0f, expected %zu to %zu: each "
				 "of these %zu idx is %.0f %s its position",
				 r->first, tag_or(a), r->last, tag_or(b),
				 a->idx, b->idx, r->first, r->last,
				 r->last - r->first + 1, fabs(r->off),
				 r->off > 0 ? "below" : "above");
	cw_diag_set_tag(g, a->tag);
}

/* J004 at the entry just before r, which shifted r's numbering by one. */
static void report_inserted(cw_diags *out, const cw_journal *j,
			    const idx_run *r)
{
	size_t at = r->first - 1, n = r->last - r->first + 1;
	const cw_journal_entry *e = &j->entries[at];
	const cw_journal_entry *a = &j->entries[r->first];
	const cw_journal_entry *b = &j->entries[r->last];
	char idx[32] = "no idx";
	cw_diag *g;

	if (e->has_idx)
		snprintf(idx, sizeof(idx), "idx %.17g", e->idx);
	if (n == 1)
		g = cw_diags_add(out, CW_J004, j->path, idx_line(e), 0,
			"entries[%zu] (%s, %s) shifts the numbering: the "
			"next entry, entries[%zu] (%s), has idx %.0f, %.0f "
			"below its position", at, tag_or(e), idx, r->first,
			tag_or(a), a->idx, r->off);
	else
		g = cw_diags_add(out, CW_J004, j->path, idx_line(e), 0,
			"entries[%zu] (%s, %s) shifts the numbering: the %zu "
			"entries after it, entries[%zu] (%s) to entries[%zu] "
			"(%s), each have idx %.0f below their position", at,
			tag_or(e), idx, n, r->first, tag_or(a), r->last,
			tag_or(b), r->off);
	cw_diag_set_hint(g, "drizzle runs entries in array order, whatever "
		"idx says: if %s is new, move it to the end of the journal "
		"with idx %zu (renaming its files to match); otherwise "
		"renumber idx from entries[%zu] on", tag_or(e),
		j->n_entries - 1, r->first);
	cw_diag_set_tag(g, e->tag);
}

/* Walk the runs with the offset of the numbering so far (base): a run
** one further off than base, right after an entry that breaks the
** pattern, is an insertion; anything else off is reported as it is. */
static void report_runs(cw_diags *out, const cw_journal *j,
			const idx_run *r, size_t n)
{
	double base = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const idx_run *next = i + 1 < n ? &r[i + 1] : NULL;
		if (r[i].off == 0) {
			base = 0;
			continue;
		}
		/* The inserted entry itself: named by the next finding. */
		if (r[i].first == r[i].last && next && next->has_plain &&
		    next->first == r[i].last + 1 && next->off == base + 1)
			continue;
		if (r[i].has_plain && r[i].off == base + 1 && r[i].first > 0)
			report_inserted(out, j, &r[i]);
		else if (r[i].has_plain)
			report_shifted(out, j, &r[i]);
		base = r[i].off;
	}
}

/* J004/J013: idx must be 0..n-1 in array order, each once. */
static void check_idx(cw_diags *out, const cw_journal *j)
{
	idx_run *runs = calloc(j->n_entries + 1, sizeof(*runs));
	size_t k, n = 0;

	if (runs == NULL) {
		out->oom = 1;
		return;
	}
	for (k = 0; k < j->n_entries; k++) {
		const cw_journal_entry *e = &j->entries[k];
		idx_run *cur = n ? &runs[n - 1] : NULL;
		int is_dup;
		if (!check_one_idx(out, j, k, &is_dup))
			continue;
		if (cur == NULL || cur->last + 1 != k ||
		    cur->off != (double)k - e->idx) {
			cur = &runs[n++];
			cur->first = k;
			cur->off = (double)k - e->idx;
		}
		cur->last = k;
		cur->has_plain |= !is_dup;
	}
	report_runs(out, j, runs, n);
	free(runs);
}

/* J005 duplicate tags and J006 tag prefixes, in one pass over sorted
** copies so a 2,000-entry journal stays cheap. */
static void check_tags(cw_diags *out, const cw_journal *j)
{
	char **tags = calloc(j->n_entries + 1, sizeof(*tags));
	size_t k, n = 0;

	for (k = 0; k < j->n_entries; k++) {
		const cw_journal_entry *e = &j->entries[k];
		size_t digits = 0;
		if (e->tag == NULL)
			continue;
		if (tags)
			tags[n++] = e->tag;
		while (e->tag[digits] >= '0' && e->tag[digits] <= '9')
			digits++;
		/* Index prefixes are short; 10+ digits is a timestamp
		** prefix mode, which has no relation to idx. */
		if (digits > 0 && digits < 10 && e->has_idx &&
		    e->idx == floor(e->idx) &&
		    strtod(e->tag, NULL) != e->idx) {
			cw_diag *g = cw_diags_add(out, CW_J006, j->path,
				e->tag_line ? e->tag_line : e->line, 0,
				"tag %s has prefix %.*s but idx %.0f",
				e->tag, (int)digits, e->tag, e->idx);
			cw_diag_set_tag(g, e->tag);
		}
	}
	if (tags == NULL)
		return;
	qsort(tags, n, sizeof(*tags), cmp_str);
	for (k = 1; k < n; k++) {
		size_t i, seen = 0;
		if (strcmp(tags[k], tags[k - 1]) != 0 ||
		    (k >= 2 && strcmp(tags[k], tags[k - 2]) == 0))
			continue;
		/* Report every occurrence after the first, in array order. */
		for (i = 0; i < j->n_entries; i++) {
			const cw_journal_entry *e = &j->entries[i];
			if (!e->tag || strcmp(e->tag, tags[k]) != 0)
				continue;
			if (seen++ > 0)
				cw_diag_set_tag(cw_diags_add(out, CW_J005,
					j->path, e->tag_line ? e->tag_line :
					e->line, 0, "tag %s appears again at "
					"entries[%zu]; drizzle runs the file "
					"twice", e->tag, i), e->tag);
		}
	}
	free(tags);
}

/* J007: `when` must rise strictly; J008: and not be in the future. */
static void check_when(cw_diags *out, const cw_journal *j, double now)
{
	size_t k, top = 0;
	int have_top = 0;

	for (k = 0; k < j->n_entries; k++) {
		const cw_journal_entry *e = &j->entries[k];
		const cw_journal_entry *t = &j->entries[top];
		int line = e->when_line ? e->when_line : e->line;
		if (!e->has_when)
			continue;
		if (have_top && !(e->when > t->when)) {
			cw_diag *g = cw_diags_add(out, CW_J007, j->path, line,
				0, "when of %s (%.17g) is not above when of "
				"%s (%.17g): any database already migrated "
				"past %s silently never runs %s",
				e->tag ? e->tag : "?", e->when,
				t->tag ? t->tag : "?", t->when,
				t->tag ? t->tag : "?", e->tag ? e->tag : "?");
			cw_diag_set_hint(g, "set %s's when above %.17g (the "
				"usual cause is a migration merged from an "
				"older branch: regenerate it on top of %s)",
				e->tag ? e->tag : "the entry", t->when,
				t->tag ? t->tag : "the newest entry");
			cw_diag_set_tag(g, e->tag);
		}
		if (e->when > now)
			cw_diag_set_tag(cw_diags_add(out, CW_J008, j->path,
				line, 0, "when of %s (%.17g) is in the future"
				" (now is %.0f)", e->tag ? e->tag : "?",
				e->when, now), e->tag);
		if (!have_top || e->when > t->when) {
			top = k;
			have_top = 1;
		}
	}
}

/* The number a file or tag name starts with; 0 if it has no digits. */
static int name_number(const char *name, double *out)
{
	size_t n = 0;

	while (name[n] >= '0' && name[n] <= '9')
		n++;
	*out = n ? strtod(name, NULL) : 0;
	return n > 0;
}

/* The number of a journal entry: its tag's prefix (index or timestamp
** mode), else its idx.  0 when it has neither. */
static int entry_number(const cw_journal_entry *e, double *out)
{
	if (e->tag && name_number(e->tag, out))
		return 1;
	*out = e->has_idx ? e->idx : 0;
	return e->has_idx && e->idx == floor(e->idx);
}

/* The journal entry with the highest number, or NULL. */
static const cw_journal_entry *last_numbered(const cw_journal *j,
					     double *out)
{
	const cw_journal_entry *best = NULL;
	size_t k;
	double v;

	for (k = 0; k < j->n_entries; k++)
		if (entry_number(&j->entries[k], &v) &&
		    (best == NULL || v > *out)) {
			best = &j->entries[k];
			*out = v;
		}
	return best;
}

/* J015 for a file numbered after every journal entry: a migration whose
** entry was never written (drizzle never runs it).  J010 for the rest:
** no number, or a number the journal already uses. */
static void report_orphan(cw_diags *out, const cw_folder *f,
			  const char *name)
{
	const cw_journal_entry *last;
	size_t len = strlen(f->dir) + strlen(name) + 6;
	char *path = malloc(len);
	double num, top = 0;

	if (path == NULL) {
		out->oom = 1;
		return;
	}
	snprintf(path, len, "%s/%s.sql", f->dir, name);
	last = last_numbered(&f->journal, &top);
	if (name_number(name, &num) && last != NULL && num > top)
		cw_diags_add(out, CW_J015, path, 0, 0, "%s is numbered after "
			     "the journal's last entry (%s) but has no entry "
			     "of its own: it was never added to the journal, "
			     "and drizzle never runs it", path,
			     tag_or(last));
	else if (name_number(name, &num) && last == NULL)
		cw_diags_add(out, CW_J015, path, 0, 0, "%s is numbered but "
			     "the journal has no numbered entry: it was "
			     "never added to the journal, and drizzle never "
			     "runs it", path);
	else
		cw_diags_add(out, CW_J010, path, 0, 0, "%s is not in the "
			     "journal; drizzle never runs it", path);
	free(path);
}

/* J010/J015: .sql files in the folder that no journal entry names. */
static int check_orphans(cw_diags *out, const cw_folder *f, cw_error *err)
{
	const cw_journal *j = &f->journal;
	char **tags = calloc(j->n_entries + 1, sizeof(*tags));
	char **names = NULL;
	size_t k, n = 0, n_names = 0, cap = 0;
	struct dirent *d;
	DIR *dir;

	if (tags == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, f->dir, 0, "oom");
	for (k = 0; k < j->n_entries; k++)
		if (j->entries[k].tag)
			tags[n++] = j->entries[k].tag;
	qsort(tags, n, sizeof(*tags), cmp_str);
	dir = opendir(f->dir);
	while (dir && (d = readdir(dir)) != NULL) {
		size_t len = strlen(d->d_name);
		char *key;
		if (len < 5 || strcmp(d->d_name + len - 4, ".sql") != 0)
			continue;
		key = strndup(d->d_name, len - 4);
		if (key && !bsearch(&key, tags, n, sizeof(*tags), cmp_str)) {
			if (n_names == cap) {
				char **nn = realloc(names, (cap * 2 + 8) *
						    sizeof(*nn));
				if (nn == NULL) {
					free(key);
					break;
				}
				names = nn;
				cap = cap * 2 + 8;
			}
			names[n_names++] = key;
			continue;
		}
		free(key);
	}
	if (dir)
		closedir(dir);
	/* readdir order is arbitrary; report in name order. */
	if (n_names > 1)
		qsort(names, n_names, sizeof(*names), cmp_str);
	for (k = 0; k < n_names; k++) {
		report_orphan(out, f, names[k]);
		free(names[k]);
	}
	free(names);
	free(tags);
	return 0;
}

int cw_check_journal(cw_diags *out, const cw_folder *f,
		     const cw_check_options *o, cw_error *err)
{
	const cw_journal *j = &f->journal;

	if (j->dialect == NULL)
		cw_diags_add(out, CW_J003, j->path, 1, 0,
			     "journal has no \"dialect\" string");
	else if (strcmp(j->dialect, "sqlite") != 0)
		cw_diags_add(out, CW_J012, j->path, j->dialect_line, 0,
			     "journal dialect is \"%s\"; cw verifies "
			     "sqlite folders", j->dialect);
	check_idx(out, j);
	check_tags(out, j);
	check_when(out, j, now_ms(o));
	return check_orphans(out, f, err);
}

/* ---------------- S007: NUL bytes ---------------- */

/* 1 if text[from..end) holds something SQLite would run: a token that is
** not a NUL byte.  Blanks, comments and more NULs hide nothing. */
static int has_statement_text(const char *text, size_t from, size_t end,
			      cw_toks *toks, cw_error *err, int *out)
{
	size_t i;
	int rc = cw_sqlscan(toks, text, from, end, err);

	*out = 0;
	for (i = 0; rc == 0 && i < toks->n && !*out; i++)
		*out = !cw_tok_punct(text, &toks->items[i], '\0');
	return rc;
}

/* S007: SQLite reads a statement only up to a NUL byte (the tokenizer
** takes it for the end of input), so what follows a NUL in a piece is
** never run, and drizzle reports nothing.  One finding per piece. */
static int check_nul_one(cw_diags *out, const cw_migration *m, cw_toks *toks,
			 cw_error *err)
{
	const char *s = m->text.data;
	size_t p;

	for (p = 0; p < m->pieces.n; p++) {
		const cw_piece *pc = &m->pieces.items[p];
		const char *nul = memchr(s + pc->offset, '\0', pc->len);
		size_t at, end = pc->offset + pc->len;
		int line, col, hides, rc;
		cw_diag *g;
		if (nul == NULL)
			continue;
		at = (size_t)(nul - s);
		rc = has_statement_text(s, at + 1, end, toks, err, &hides);
		if (rc != 0)
			return rc;
		if (!hides)
			continue;
		cw_text_line_col(s, at, &line, &col);
		g = cw_diags_add(out, CW_S007, m->path, line, col, "a NUL byte "
			"at line %d, column %d of %s ends piece %zu for "
			"SQLite: its last %zu bytes (of %zu), from the NUL "
			"on, never run, and drizzle reports no error", line,
			col, m->path, p + 1, end - at, pc->len);
		cw_diag_set_tag(g, m->entry->tag);
	}
	return 0;
}

static int check_nul(cw_diags *out, const cw_folder *f, cw_error *err)
{
	cw_toks toks = CW_TOKS_INIT;
	size_t k;
	int rc = 0;

	for (k = 0; k < f->n_migrations && rc == 0; k++) {
		const cw_migration *m = &f->migrations[k];
		if (m->load_rc != 0 || m->text.data == NULL ||
		    memchr(m->text.data, '\0', m->text.len) == NULL)
			continue;
		rc = check_nul_one(out, m, &toks, err);
	}
	cw_toks_free(&toks);
	return rc;
}

/* ---------------- the whole check ---------------- */

int cw_check_folder(cw_diags *out, cw_folder *folder, const char *dir,
		    const cw_check_options *o, cw_error *err)
{
	cw_check_options defaults = CW_CHECK_OPTIONS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_folder *f = folder;
	int rc;

	if (o == NULL)
		o = &defaults;
	fo.require_complete = 0;
	rc = cw_folder_load(f, dir, &fo, out, err);
	if (rc == 0)
		rc = cw_check_journal(out, f, o, err);
	if (rc == 0)
		rc = check_nul(out, f, err);
	if (rc == 0)
		rc = cw_check_pieces(out, f, o, err);
	if (rc == 0)
		rc = cw_snapshot_check(out, f, o, err);
	if (rc == 0)
		rc = cw_lock_check(out, f, o, err);
	if (rc == 0)
		rc = cw_lint_check(out, f, o, err);
	if (rc == 0 && o->schema_sql)
		rc = cw_schema_drift_check(out, f, o->schema_sql, o, err);
	if (rc == 0 && out->oom)
		rc = cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				  "out of memory collecting findings");
	cw_diags_sort(out);
	return rc;
}
