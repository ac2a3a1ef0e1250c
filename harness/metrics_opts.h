/*
** metrics_opts.h - what cw backfill-metrics and cw verify-metrics share:
** which database they work on, and their progress line on stderr.
*/
#ifndef CW_METRICS_OPTS_H
#define CW_METRICS_OPTS_H

#include <stdint.h>
#include <time.h>

/* The seed's database when neither --db nor CW_DB names one (the default
** url of its drizzle.config.ts). */
#define CW_DEFAULT_DB "codewalkers.db"

/* --db, else $CW_DB, else CW_DEFAULT_DB; NULL (after saying why) when
** the name given is empty. */
const char *metrics_db_path(const char *given);

/* Parse a --busy-timeout / --batch-size / --until value into *out (kept
** when s is NULL); returns 0, or 2 after saying what is wrong. */
int metrics_number(const char *s, const char *flag, long min, long long *out);

typedef struct metrics_progress {
	const char *what;          /* "backfill-metrics" */
	struct timespec start;
	double shown;              /* seconds at the last line */
} metrics_progress;

void metrics_progress_start(metrics_progress *p, const char *what);

/* The progress callback of the read (every 1,000 chunks): prints done of
** total, the rate and the time left; at most twice a second, nothing in
** the first second, and the last call always once past it. */
void metrics_progress_cb(void *ctx, uint64_t done, uint64_t total);

#endif
