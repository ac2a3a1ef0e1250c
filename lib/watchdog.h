/*
** watchdog.h - a time limit for the migration SQL cw runs on databases of
** its own (confined ones, db.h): SQL that never ends, such as a recursive
** CTE without a bound, would otherwise hang a check in CI for ever.
** better-sqlite3's SQLite has no progress callback, so one thread per
** process looks a few times a second and interrupts (sqlite3_interrupt)
** a watched statement that has run past the limit: it then fails with
** SQLITE_INTERRUPT, "interrupted".
*/
#ifndef CW_WATCHDOG_H
#define CW_WATCHDOG_H

#include <sqlite3.h>

#define CW_WATCHDOG_DEFAULT_MS 300000

/* The limit for one statement, for the whole process; 0 for none. */
void cw_watchdog_set_limit_ms(long long ms);
long long cw_watchdog_limit_ms(void);

/* Time the statement db is about to run: a slot for cw_watchdog_end, or
** -1 when nothing is timed (db not confined, no limit, no thread). */
int cw_watchdog_begin(sqlite3 *db);

/* Stop timing; 1 when the statement was interrupted for its time. */
int cw_watchdog_end(int slot);

#endif
