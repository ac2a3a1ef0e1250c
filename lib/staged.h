/*
** staged.h - the migration folders a commit would record, as staged.
**
** A pre-commit check must judge the index, not the work tree: a file can
** be fixed on disk and still broken in what is about to be committed, or
** the other way round.  cw_staged_load finds the migration folders the
** commit touches (a folder is one whose meta/_journal.json is in the
** index; it is touched when a staged change adds, edits or removes one of
** its files or a file of its meta/), and writes each one's staged files
** (<folder>/<name> and <folder>/meta/<name>, blobs as stored: no filters)
** into a snapshot folder under a parent the caller names.  The normal
** check then runs on the snapshot, and cw_staged_relabel turns snapshot
** paths in its findings back into paths as the caller sees them.
**
** git runs as a child process (gitbase.h) in the caller's directory, so
** the environment git gives hooks (GIT_INDEX_FILE for `git commit -a` or
** `git commit PATH`, GIT_DIR) is honoured.  Nothing is printed.
**
** The caller owns a cw_staged and frees it with cw_staged_free, which also
** removes the snapshot; safe after a failure and on a zeroed struct.
*/
#ifndef CW_STAGED_H
#define CW_STAGED_H

#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "folder.h"

typedef struct cw_staged {
	char *root;        /* the snapshot folder (under the tmp parent) */
	char *cdup;        /* from the caller's directory to the top of the
			      work tree: "" or "../../" */
	char **folders;    /* migration folders, relative to the top, no
			      trailing slash ("" for the top itself) */
	size_t n_folders;
} cw_staged;

/* Snapshot the staged migration folders seen from directory dir (any
** directory of a work tree).  folder NULL: every folder the staged changes
** touch (none is not an error: n_folders 0).  Otherwise only folder (a
** path relative to dir that must exist), touched or not.  The snapshot
** goes in a new folder under tmp_parent.  Returns 0; CW_ENOTFOUND when
** git cannot run, dir is not in a work tree or folder has no staged
** journal; CW_EIO when the snapshot cannot be written; CW_ENOMEM. */
int cw_staged_load(cw_staged *out, const char *dir, const char *folder,
		   const char *tmp_parent, cw_error *err);

/* Folder i of the snapshot (root/folder) and as the caller sees it
** (cdup/folder, "." for the top seen from the top); NULL if out of
** memory.  The caller frees both. */
char *cw_staged_snapshot_dir(const cw_staged *s, size_t i);
char *cw_staged_shown_dir(const cw_staged *s, size_t i);

/* Replace the snapshot's root in every path and text of diags and folder
** (either may be NULL) with the caller's view of the top of the work
** tree.  Strings that cannot be rewritten for lack of memory are left. */
void cw_staged_relabel(const cw_staged *s, cw_diags *diags,
		       cw_folder *folder);

/* Remove the snapshot and free everything s owns. */
void cw_staged_free(cw_staged *s);

#endif
