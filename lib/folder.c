/*
** folder.c - journal plus files, decoded, split and hashed.
**
** Ownership is simple on purpose: a cw_folder owns everything it points
** at, a migration is filled in place, and a load that fails frees what it
** built and leaves the folder empty, so no caller ever sees a half-built
** one and cw_folder_free is always safe, once or twice.
*/
#include "folder.h"
#include "codes.h"
#include "pathscope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read, decode, split and hash the file of m.  A file that cannot be read
** is a finding (J009, S006) and m->load_rc; only running out of memory
** fails.  What m holds is freed by cw_folder_free, whatever happened. */
static int load_one(cw_migration *m, const char *dir, cw_diags *diags,
		    cw_error *err)
{
	const cw_journal_entry *e = m->entry;
	cw_error read_err = {0};
	size_t n;
	int rc;

	n = strlen(dir) + strlen(e->tag) + sizeof("/.sql");
	m->path = malloc(n);
	if (m->path == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				    "out of memory");
	snprintf(m->path, n, "%s/%s.sql", dir, e->tag);
	rc = cw_text_read_file(&m->raw, m->path, &read_err);
	if (rc == CW_ENOMEM)
		return cw_error_set(err, rc, NULL, m->path, 0, "%s",
				    read_err.message);
	if (rc == 0 && cw_path_scope_check(diags, m->path, dir, err) != 0)
		return CW_ENOMEM;
	if (rc != 0) {
		m->load_rc = rc;
		if (rc == CW_ENOTFOUND)
			cw_diags_add(diags, CW_J009, m->path, 0, 0,
				     "journal entry %s (entries[%zu]) has no "
				     "file %s", e->tag, e->pos, m->path);
		else
			cw_diags_add(diags, CW_S006, m->path, 0, 0, "%s",
				     read_err.message);
		return 0;
	}
	rc = cw_text_utf8_sanitize(&m->text, m->raw.data, m->raw.len,
				   &m->n_replaced, err);
	if (rc == 0)
		rc = cw_split(&m->pieces, m->text.data, m->text.len, err);
	if (rc == 0)
		rc = cw_hash_variants(&m->hashes, m->raw.data, m->raw.len,
				      err);
	m->n_crlf = cw_text_count_crlf(m->raw.data, m->raw.len);
	return rc;
}

/* A copy of dir without trailing slashes ("/" stays "/"), so that every
** path built from it reads dir/name, never dir//name. */
static char *normalise_dir(const char *dir)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return strndup(dir, n);
}

/* The first entry that drizzle could not run, as an error. */
static int first_blocker(const cw_folder *f, cw_error *err)
{
	const char *jp = f->journal.path;
	size_t k;

	for (k = 0; k < f->n_migrations; k++) {
		const cw_migration *m = &f->migrations[k];
		const cw_journal_entry *e = m->entry;
		if (!e->has_tag)
			return cw_error_set(err, CW_EINVAL, CW_J003, jp,
					    e->line, "%s:%d: entries[%zu] "
					    "has no string tag", jp, e->line,
					    k);
		if (!e->is_tag_safe)
			return cw_error_set(err, CW_EINVAL, CW_J011, jp,
					    e->tag_line, "%s:%d: entries[%zu]"
					    " has an unsafe tag (path "
					    "separator, '..', NUL or control "
					    "character); refusing to open it",
					    jp, e->tag_line, k);
		if (!e->has_when)
			return cw_error_set(err, CW_EINVAL, CW_J003, jp,
					    e->line, "%s:%d: entries[%zu] "
					    "(%s) has no numeric when", jp,
					    e->line, k, e->tag);
		if (m->load_rc == CW_ENOTFOUND)
			return cw_error_set(err, CW_ENOTFOUND, CW_J009,
					    m->path, 0, "%s: no such file "
					    "(journal entry %s, %s:%d)",
					    m->path, e->tag, jp, e->line);
		if (m->load_rc != 0)
			return cw_error_set(err, m->load_rc, CW_S006, m->path,
					    0, "%s: cannot read migration",
					    m->path);
	}
	return 0;
}

/* One migration per journal entry, each pointing at its entry before any
** file is read; n_migrations counts them only once they exist. */
static int load_files(cw_folder *f, cw_diags *diags, cw_error *err)
{
	size_t n = f->journal.n_entries, k;
	int rc;

	f->migrations = calloc(n ? n : 1, sizeof(*f->migrations));
	if (f->migrations == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, f->dir, 0,
				    "out of memory");
	f->n_migrations = n;
	for (k = 0; k < n; k++)
		f->migrations[k].entry = &f->journal.entries[k];
	for (k = 0; k < n; k++) {
		cw_migration *m = &f->migrations[k];
		/* Unsafe tags are refused here, before any open(). */
		if (!m->entry->has_tag || !m->entry->is_tag_safe) {
			m->load_rc = CW_EINVAL;
			continue;
		}
		rc = load_one(m, f->dir, diags, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int cw_folder_load(cw_folder *out, const char *dir,
		   const cw_folder_options *opts, cw_diags *diags,
		   cw_error *err)
{
	cw_folder_options defaults = CW_FOLDER_OPTIONS_INIT;
	int rc;

	if (opts == NULL)
		opts = &defaults;
	memset(out, 0, sizeof(*out));
	out->dir = normalise_dir(dir);
	if (out->dir == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				    "out of memory");
	rc = cw_journal_load(&out->journal, out->dir, diags, err);
	if (rc == 0)
		rc = load_files(out, diags, err);
	if (rc != 0) {
		cw_folder_free(out);
		return rc;
	}
	/* Complete, but drizzle would refuse it: the folder stays whole. */
	if (opts->require_complete)
		return first_blocker(out, err);
	return 0;
}

void cw_folder_free(cw_folder *f)
{
	size_t k;

	if (f == NULL)
		return;
	for (k = 0; k < f->n_migrations; k++) {
		cw_migration *m = &f->migrations[k];
		free(m->path);
		cw_bytes_free(&m->raw);
		cw_bytes_free(&m->text);
		cw_pieces_free(&m->pieces);
	}
	free(f->migrations);
	cw_journal_free(&f->journal);
	free(f->dir);
	memset(f, 0, sizeof(*f));
}
