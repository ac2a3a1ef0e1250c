/*
** check.c - `cw check`: runs every family over one folder, and holds the
** journal (J) and breakpoint (S) families.
*/
#include "check.h"
#include "db.h"
#include "lint.h"
#include "lock.h"
#include "snapshot.h"
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

/* J004/J013: idx must be 0..n-1 in array order, each once. */
static void check_idx(cw_diags *out, const cw_journal *j)
{
	size_t k, i;

	for (k = 0; k < j->n_entries; k++) {
		const cw_journal_entry *e = &j->entries[k];
		int line = e->idx_line ? e->idx_line : e->line, dup = 0;
		if (!e->has_idx)
			continue;
		if (e->idx != floor(e->idx)) {
			cw_diags_add(out, "J003", j->path, line, 0,
				     "entries[%zu].idx is %g, expected an "
				     "integer", k, e->idx);
			continue;
		}
		for (i = 0; i < k && !dup; i++)
			if (j->entries[i].has_idx &&
			    j->entries[i].idx == e->idx) {
				cw_diag *g = cw_diags_add(out, "J013", j->path,
					line, 0, "idx %.0f of %s is also the "
					"idx of %s (entries[%zu])", e->idx,
					e->tag ? e->tag : "?",
					j->entries[i].tag ? j->entries[i].tag
							  : "?", i);
				cw_diag_set_tag(g, e->tag);
				dup = 1;
			}
		if (!dup && e->idx != (double)k) {
			cw_diag *g = cw_diags_add(out, "J004", j->path, line,
				0, "entries[%zu] (%s) has idx %.0f, expected "
				"%zu", k, e->tag ? e->tag : "?", e->idx, k);
			cw_diag_set_tag(g, e->tag);
		}
	}
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
			cw_diag *g = cw_diags_add(out, "J006", j->path,
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
				cw_diag_set_tag(cw_diags_add(out, "J005",
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
			cw_diag *g = cw_diags_add(out, "J007", j->path, line,
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
			cw_diag_set_tag(cw_diags_add(out, "J008", j->path,
				line, 0, "when of %s (%.17g) is in the future"
				" (now is %.0f)", e->tag ? e->tag : "?",
				e->when, now), e->tag);
		if (!have_top || e->when > t->when) {
			top = k;
			have_top = 1;
		}
	}
}

/* J010: .sql files in the folder that no journal entry names. */
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
		size_t len = strlen(f->dir) + strlen(names[k]) + 6;
		char *path = malloc(len);
		if (path) {
			snprintf(path, len, "%s/%s.sql", f->dir, names[k]);
			cw_diags_add(out, "J010", path, 0, 0, "%s is not in "
				     "the journal; drizzle never runs it",
				     path);
		}
		free(path);
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
		cw_diags_add(out, "J003", j->path, 1, 0,
			     "journal has no \"dialect\" string");
	else if (strcmp(j->dialect, "sqlite") != 0)
		cw_diags_add(out, "J012", j->path, j->dialect_line, 0,
			     "journal dialect is \"%s\"; cw verifies "
			     "sqlite folders", j->dialect);
	check_idx(out, j);
	check_tags(out, j);
	check_when(out, j, now_ms(o));
	return check_orphans(out, f, err);
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
		rc = cw_check_pieces(out, f, o, err);
	if (rc == 0)
		rc = cw_snapshot_check(out, f, o, err);
	if (rc == 0)
		rc = cw_lock_check(out, f, o, err);
	if (rc == 0)
		rc = cw_lint_check(out, f, o, err);
	if (rc == 0 && out->oom)
		rc = cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				  "out of memory collecting findings");
	cw_diags_sort(out);
	return rc;
}
