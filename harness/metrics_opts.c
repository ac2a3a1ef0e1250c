/*
** metrics_opts.c - the database path and the progress line of the
** metrics commands (metrics_opts.h).
*/
#include "metrics_opts.h"
#include "msg.h"
#include "opts.h"

#include <stdlib.h>
#include <string.h>

const char *metrics_db_path(const char *given)
{
	const char *db = given;

	if (db == NULL && getenv("CW_DB") != NULL) {
		db = getenv("CW_DB");
		if (db[0] == '\0') {
			msg_error("CW_DB is set but empty: give a database "
				  "file");
			return NULL;
		}
	}
	if (db == NULL)
		db = CW_DEFAULT_DB;
	if (db[0] == '\0' || strcmp(db, ":memory:") == 0) {
		msg_error("--db \"%s\" names no database file", db);
		return NULL;
	}
	return db;
}

int metrics_number(const char *s, const char *flag, long min, long long *out)
{
	char *end = NULL;
	long long v;

	if (s == NULL)
		return 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || v < min) {
		msg_error("%s wants a whole number of at least %ld, not '%s'",
			  flag, min, s);
		return 2;
	}
	*out = v;
	return 0;
}

static double elapsed(const metrics_progress *p)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - p->start.tv_sec) +
	       (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
}

void metrics_progress_start(metrics_progress *p, const char *what)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void metrics_progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	metrics_progress *p = ctx;
	double s = elapsed(p), rate;

	/* Short runs say nothing; long ones every 1,000 chunks, but at
	** most twice a second, and always at the end. */
	if (s < 1.0 || (done < total && s - p->shown < 0.5))
		return;
	p->shown = s;
	rate = s > 0 ? (double)done / s : 0;
	msg_progress("%s: %llu of %llu chunks (%.0f%%), %.0f chunks/s, "
		     "%.0f s left", p->what, (unsigned long long)done,
		     (unsigned long long)total,
		     total ? 100.0 * (double)done / (double)total : 100.0,
		     rate, rate > 0 && total > done ?
		     (double)(total - done) / rate : 0.0);
}
