/*
** replay.h - every journal prefix, from a fresh apply to an upgrade to
** head with rows in every table: what `cw replay` checks.
**
** Schema pass.  One pass of the engine over the folder builds every
** prefix state in turn (linear work).  After migration k:
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
** Why one pass stands for the per-prefix runs with no rows: an upgrade
** from prefix k runs entries k+1.. in one batch on the state the pass
** holds after k, with the same connection settings; what a batch
** boundary could change is (a) transaction control inside migrations,
** which the engine runs for real either way, (b) PRAGMA foreign_keys,
** which then takes effect in both, (c) deferred foreign keys and
** triggers, which have no rows to act on, and (d) the skip rule, which
** is computed per prefix from the journal and run for real where it
** drops entries.  A unit test runs the naive per-prefix upgrades on
** several folders and compares.
**
** Data pass (rows > 0).  3. One more pass with rows (evidence_data.h):
** before migration k every table is topped up with fresh rows of that
** prefix's schema (a vintage; older vintages stay, with NULL or defaults
** in columns added since), each migration is tried on them with foreign
** keys as the profile says (ON, as production), and rows of surviving
** tables that vanish (by key or rowid) or values of surviving columns
** that change are losses unless the migration says so itself (a DELETE,
** UPDATE, DROP, or a rebuild's INSERT ... SELECT naming the column):
** R012 and R013 name the migration, the statement's line, the table,
** the column, the counts, a cascade's dropped parent and whose rows they
** were.  A migration that fails on rows is R011; the pass reports it and
** goes on from the fresh state after that migration.  At head,
** integrity_check and foreign_key_check must be clean (R014).
** What one pass cannot see: a batch's COMMIT checks deferred foreign
** keys once for all its migrations, so rows a migration leaves dangling
** may be repaired by a later one in a real upgrade.  The pass sees those
** rows (foreign_key_check after each trial) and then upgrades the
** prefix before that migration for real (R015 says so; the real run's
** findings are reported as they are).
**
** Exhaustive (--exhaustive).  For every prefix k in range, the literal
** upgrade: prefix k's state, `rows` fresh rows in every table, the whole
** rest of the history in one batch as drizzle runs it, then rows, values,
** integrity, foreign keys and the schema against head's.  Quadratic.
**
** Shards.  Findings are about a prefix (the migration they name); with
** shard_count N, shard i (0-based) reports the prefixes k with
** k % N == i and upgrades only those in exhaustive mode, so the union of
** the shards' reports is the whole report.
*/
#ifndef CW_REPLAY_H
#define CW_REPLAY_H

#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "error.h"
#include "folder.h"
#include "profile.h"

typedef struct cw_replay_options {
	const char *table;          /* migrations table, NULL = drizzle's */
	const cw_profile *profile;  /* NULL: the stock migrator */
	size_t rows;                /* data pass: rows per table at head;
				    ** 0: schema only */
	uint64_t seed;              /* the data generator's seed (0: 1) */
	size_t from, to;            /* prefixes reported: from..to (to 0:
				    ** the last) */
	int exhaustive;             /* per-prefix upgrades with data */
	size_t shard_index;         /* this shard, 0-based ... */
	size_t shard_count;         /* ... of this many (0 or 1: all) */
	/* Called as work advances (for progress); may be NULL.  stage is
	** "schema", "data" or "upgrade". */
	void (*progress)(void *ctx, const char *stage, size_t k, size_t n);
	void *progress_ctx;
} cw_replay_options;

#define CW_REPLAY_OPTIONS_INIT {NULL, NULL, 0, 0, 0, 0, 0, 0, 0, NULL, NULL}

typedef struct cw_replay_result {
	size_t n_prefixes;          /* prefixes replayed */
	size_t n_snapshots;         /* snapshots compared */
	size_t n_snapshots_equal;   /* ... with no difference */
	size_t n_upgrades_run;      /* prefixes upgraded for real */
	size_t n_data_migrations;   /* migrations tried on rows */
	unsigned char *has_snapshot;/* per prefix: a snapshot was compared */
	unsigned char *in_scope;    /* per prefix: reported by this run */
	size_t n;                   /* entries of the two arrays */
	char *unfilled;             /* tables the generator could not fill */
} cw_replay_result;

/* Replay f, adding findings to out.  Returns 0 (whatever was found),
** CW_ENOMEM, or CW_EIO when no scratch database could be made. */
int cw_replay_run(cw_replay_result *res, cw_diags *out, const cw_folder *f,
		  const cw_replay_options *o, cw_error *err);

void cw_replay_result_free(cw_replay_result *res);

#endif
