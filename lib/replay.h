/*
** replay.h - every journal prefix, schema only: what `cw replay` checks
** today (steps 1, 2 and 4 of its design; step 3, upgrades with data, is
** check's evidence with rows for now, evidence_data.h).
**
** One pass of the engine over the folder builds every prefix state in
** turn (linear work).  After migration k:
**  1. the migrations table holds exactly entries 0..k's (hash, when), and
**     the migrator run again on that state would apply nothing (the plan,
**     plan.h): R009 otherwise;
**  2. where meta/NNNN_snapshot.json exists for entry k, the live schema is
**     compared with it (schema.h, normalised); a difference is reported at
**     the first snapshot it appears in and not again while it lasts
**     (N006);
**  4. the upgrade from prefix k to head: with no rows, it is the same
**     path the pass takes, unless the skip rule drops entries (their
**     `when` not above prefix k's newest); for those prefixes only, the
**     prefix state is copied (sqlite3_serialize) and upgraded for real by
**     the engine, and its schema compared with the fresh head's (R010,
**     naming the skipped entries and the prefixes they affect).
** Why one pass stands for the per-prefix runs with no rows: a fresh apply
** of 0..k differs from the pass's state after k only through what a batch
** boundary changes, and with no rows that is nothing but transaction
** control inside migrations, which the engine runs for real either way;
** deferred foreign keys and PRAGMA foreign_keys have no rows to act on.
** A unit test runs the naive per-prefix applies and compares.
*/
#ifndef CW_REPLAY_H
#define CW_REPLAY_H

#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "folder.h"
#include "profile.h"

typedef struct cw_replay_options {
	const char *table;          /* migrations table, NULL = drizzle's */
	const cw_profile *profile;  /* NULL: the stock migrator */
	/* Called after each prefix (for progress); may be NULL. */
	void (*progress)(void *ctx, size_t k, size_t n);
	void *progress_ctx;
} cw_replay_options;

#define CW_REPLAY_OPTIONS_INIT {NULL, NULL, NULL, NULL}

typedef struct cw_replay_result {
	size_t n_prefixes;          /* prefixes replayed */
	size_t n_snapshots;         /* snapshots compared */
	size_t n_snapshots_equal;   /* ... with no difference */
	size_t n_upgrades_run;      /* prefixes upgraded for real (skips) */
} cw_replay_result;

/* Replay f, adding findings to out.  Returns 0 (whatever was found),
** CW_ENOMEM, or CW_EIO when no scratch database could be made. */
int cw_replay_run(cw_replay_result *res, cw_diags *out, const cw_folder *f,
		  const cw_replay_options *o, cw_error *err);

#endif
