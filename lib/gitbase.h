/*
** gitbase.h - a migration folder as it was at a git revision (`--base`).
**
** Reads <dir>/meta/_journal.json and every <tag>.sql it names from the
** object database at REV (git cat-file blob REV:<prefix>path, where prefix
** is `git -C dir rev-parse --show-prefix`, so dir may be any subdirectory
** of a work tree) and hashes each file the way folder.h does.  git runs as
** a child process (fork and exec, never a shell); its output is captured,
** nothing is printed.  Blobs are read as stored: no smudge filter and no
** end-of-line conversion, so a CRLF checkout of an LF blob differs.
**
** The caller owns a cw_gitbase and frees it with cw_gitbase_free, also
** after a failure.
*/
#ifndef CW_GITBASE_H
#define CW_GITBASE_H

#include <stddef.h>
#include "error.h"
#include "hash.h"
#include "text.h"

typedef struct cw_base_migration {
	char *tag;           /* journal tag at REV (string, safe) */
	int has_when;
	double when;
	int line;            /* entry line in the journal at REV */
	int has_file;        /* <tag>.sql existed at REV */
	cw_hashes hashes;    /* valid when has_file */
} cw_base_migration;

typedef struct cw_gitbase {
	char *label;         /* "REV:<prefix>meta/_journal.json" */
	int has_journal;     /* 0: the folder had no journal at REV */
	cw_base_migration *migrations;  /* journal array order at REV */
	size_t n_migrations;
} cw_gitbase;

/* Load dir's folder as of rev.  Returns 0 (has_journal 0 if the journal
** did not exist at rev); CW_ENOTFOUND if git cannot be run, dir is not in
** a git work tree or rev names no commit; CW_EINVAL if rev looks like an
** option or the journal at rev is not a JSON object with entries[]. */
int cw_gitbase_load(cw_gitbase *out, const char *dir, const char *rev,
		    cw_error *err);

void cw_gitbase_free(cw_gitbase *b);

/* Run `git -C dir args...` (args NULL-terminated).  Its stdout goes to
** out (caller frees), its exit status to *out_status (-1 if it died on a
** signal) and the first line of its stderr to errtext.  Returns 0 when git
** ran, CW_ENOTFOUND if it could not be started, CW_EIO/CW_ENOMEM on
** pipe or memory failures. */
int cw_gitbase_run(cw_bytes *out, int *out_status, char *errtext,
	       size_t errtext_len, const char *dir, const char *const *args,
	       cw_error *err);

/* cw_gitbase_run with the file at input (if not NULL) as git's stdin,
** for `git cat-file --batch` and the like; CW_EIO if it cannot be
** opened. */
int cw_gitbase_run_input(cw_bytes *out, int *out_status, char *errtext,
			 size_t errtext_len, const char *dir,
			 const char *const *args, const char *input,
			 cw_error *err);

#endif
