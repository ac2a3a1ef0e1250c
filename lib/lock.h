/*
** lock.h - the immutability lock file (meta/cw.lock) and `--base GIT_REV`.
**
** The comparison lives in lock.c, the file format in lockfile.c.
*/
#ifndef CW_LOCK_H
#define CW_LOCK_H

#include "check.h"

/* H findings: compare the folder with its lock file (o->lock_path or
** <dir>/meta/cw.lock) and, when o->base_rev is set and there is no lock
** file, with the migration files at that git revision. */
int cw_lock_check(cw_diags *out, const cw_folder *f,
		  const cw_check_options *o, cw_error *err);

typedef struct cw_lock_options {
	const char *lock_path;   /* NULL = <dir>/meta/cw.lock */
	const char *rehash_tag;  /* --rehash TAG: allow this line to change */
	const char *reason;      /* required with rehash_tag; recorded */
} cw_lock_options;

#define CW_LOCK_OPTIONS_INIT {NULL, NULL, NULL}

typedef struct cw_lock_summary {
	size_t n_locked;     /* lines already in the file, unchanged */
	size_t n_appended;   /* new migrations appended */
	size_t n_rehashed;   /* 0 or 1 */
} cw_lock_summary;

/* Write or extend the lock file.  Only appends; a changed existing line
** is CW_EINVAL (findings in diags) unless it is rehash_tag.  The file is
** replaced atomically (write to a temporary file, rename). */
int cw_lock_write(cw_lock_summary *out, const cw_folder *f,
		  const cw_lock_options *o, cw_diags *diags, cw_error *err);

#endif
