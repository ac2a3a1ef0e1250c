/*
** atomicfile.h - replacing a file whole: the one way cw writes files.
**
** The new contents go to a temporary file beside the target (same folder,
** so the rename cannot cross file systems), which is flushed, fsynced and
** renamed over the target; the folder is then fsynced so that the rename
** itself survives a crash.  A reader sees the old file or the new one,
** never half of one.  On any failure the temporary file is removed and the
** target is left exactly as it was.
**
** The replaced file keeps its permissions; a new one gets 0644.  A set of
** files (a report folder) can be written all first and renamed only once
** every one is safely on disk: open each, write each, cw_atomicfile_sync
** each, then cw_atomicfile_commit each.
**
** The cw_atomicfile owns its FILE and both names until commit or abort
** releases them.  On failure errno is left as the failing call set it.
*/
#ifndef CW_ATOMICFILE_H
#define CW_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>
#include "error.h"

typedef struct cw_atomicfile {
	FILE *f;         /* write the new contents here */
	char *path;      /* the file being replaced */
	char *tmp;       /* the temporary file beside it; NULL once gone */
	unsigned mode;   /* permissions the result gets */
	int is_synced;   /* f flushed, fsynced and closed */
} cw_atomicfile;

#define CW_ATOMICFILE_INIT {NULL, NULL, NULL, 0, 0}

/* Start replacing path: create `path.XXXXXX` and open it as out->f.
** CW_EIO if path exists but is not a regular file (a folder, say) or the
** temporary file cannot be made (folder missing or read-only); CW_ENOMEM.
** On failure out is left zeroed. */
int cw_atomicfile_open(cw_atomicfile *out, const char *path, cw_error *err);

/* Finish writing: flush, fsync and close af->f, reporting any write error
** met on the way (a full disk shows up here).  Optional: commit does it
** when it was not done.  CW_EIO, and the temporary file is removed. */
int cw_atomicfile_sync(cw_atomicfile *af, cw_error *err);

/* Sync if needed, rename the temporary file over path, fsync the folder.
** CW_EIO on failure: the temporary file is removed and path is as it was.
** Either way af is released. */
int cw_atomicfile_commit(cw_atomicfile *af, cw_error *err);

/* Give up: close and remove the temporary file and release af.  Does
** nothing to an af that was zeroed, committed or aborted already. */
void cw_atomicfile_abort(cw_atomicfile *af);

/* Replace path with len bytes of data, all of the above in one call. */
int cw_atomicfile_write(const char *path, const void *data, size_t len,
			cw_error *err);

#endif
