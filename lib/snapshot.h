/*
** snapshot.h - drizzle-kit snapshots (meta/NNNN_snapshot.json): N checks.
*/
#ifndef CW_SNAPSHOT_H
#define CW_SNAPSHOT_H

#include "check.h"

int cw_snapshot_check(cw_diags *out, const cw_folder *f,
		      const cw_check_options *o, cw_error *err);

/* meta/NNNN_snapshot.json of entry k (NNNN its tag's number), when it
** exists as a regular file: a malloc'd path, else NULL. */
char *cw_snapshot_path(const cw_folder *f, size_t k);

#endif
