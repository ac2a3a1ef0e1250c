/*
** lockfile.h - the text format of the lock file (meta/cw.lock): reading
** it into records, writing records back as text with every chain hash
** computed afresh, and replacing the file atomically.  Not public: lock.c
** is its only user; the contract callers see is lock.h.
**
** It knows nothing of migration folders: comparing the records with a
** folder, and deciding what may be appended or rehashed, is lock.c.
**
** The caller owns a cw_lockfile (zeroed, or filled by cw_lockfile_load)
** and frees it with cw_lockfile_free, also after a failure; that frees
** each record's tag and note too.
*/
#ifndef CW_LOCKFILE_H
#define CW_LOCKFILE_H

#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "hash.h"
#include "text.h"

/* One locked migration, from a lock line or (--base) from git. */
typedef struct cw_lockfile_rec {
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
} cw_lockfile_rec;

typedef struct cw_lockfile {
	const char *path;  /* the lock file */
	const char *rev;   /* records come from this git revision, or NULL */
	cw_bytes text;
	cw_lockfile_rec *recs;
	size_t n, cap;
	size_t tail_off, tail_len;  /* comment lines after the last record */
} cw_lockfile;

void cw_lockfile_free(cw_lockfile *lk);

/* A new zeroed record at the end of lk->recs, or NULL when out of
** memory. */
cw_lockfile_rec *cw_lockfile_add(cw_lockfile *lk);

/* Read and parse the lock at path (lk->path points at path, which must
** outlive lk).  *found is 0 if there is no such file.  Each malformed
** line is one H005 finding in out, counted in *n_bad; a lock with any is
** not to be trusted.  Returns 0 or a CW_E* code. */
int cw_lockfile_load(cw_lockfile *lk, const char *path, int *found,
		     cw_diags *out, size_t *n_bad, cw_error *err);

/* `when` as the lock writes it: integral values as plain digits, others
** in the shortest form that reads back exactly, "-" if absent. */
void cw_lockfile_fmt_when(char *buf, size_t n, int has_when, double v);

/* "# rehash TAG YYYY-MM-DD: reason", on one line (caller frees), or NULL
** when out of memory. */
char *cw_lockfile_rehash_note(const char *tag, const char *reason);

/* The whole lock file text (*out, caller frees): the header if is_new,
** kept comment lines, each record's note, each record with its chain. */
int cw_lockfile_render(char **out, size_t *out_len, const cw_lockfile *lk,
		       int is_new, cw_error *err);

/* Replace path with data: a temporary file beside it, fsync, rename.
** Any failure is CW_EIO and leaves path untouched. */
int cw_lockfile_write_atomic(const char *path, const char *data, size_t len,
			     cw_error *err);

#endif
