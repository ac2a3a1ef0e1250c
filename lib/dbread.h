/*
** dbread.h - a database file read without changing a byte of it, or of
** its -wal, -shm and -journal files, and without creating any file beside
** it: how cw audit reads a copy of a production database.
**
** SQLite creates -wal and -shm beside a WAL database even when it is
** opened read-only, and a hot -journal would be rolled back by whoever
** opens the file next.  immutable=1 avoids both but silently ignores the
** frames of a -wal that were not checkpointed yet.  So:
**   - a database in rollback mode with no -wal frames and no -journal
**     beside it is opened in place, read-only (mode=ro), where SQLite
**     then only takes advisory locks;
**   - any other (WAL mode, frames in a -wal, or a -journal) is copied,
**     main file
**     plus -wal or -journal, into a private temporary folder, and the
**     copy is opened: SQLite reads the WAL frames (or rolls the journal
**     back) there, exactly as the next real open of the original would.
**     This works when the original's folder is read-only and costs disk,
**     not memory.  While a live WAL database (one with a -shm) is copied,
**     shared fcntl locks on its -shm's write and checkpoint bytes make
**     other processes' writers and checkpointers wait (up to busy_ms,
**     else CW_EBUSY, R004), so the copy is one committed state.
** Either way the connection is configured like better-sqlite3's
** (db.h), then made defensive against SQL owned by the database: no
** extension loading, untrusted schema, triggers and views disabled, and
** PRAGMA query_only, so nothing the file holds is ever executed.
*/
#ifndef CW_DBREAD_H
#define CW_DBREAD_H

#include <sqlite3.h>
#include "error.h"

typedef struct cw_dbread {
	sqlite3 *db;        /* the read connection */
	const char *path;   /* the file db reads: the original, or the copy
			    ** (another read-only reader may open it) */
	int is_copy;        /* db reads a private copy */
	int is_wal;         /* the header says WAL mode */
	long long wal_bytes;     /* size of the -wal read with it, or 0 */
	long long journal_bytes; /* size of a -journal beside it, or 0 */
	char *copy_dir;     /* the private folder (owned), or NULL */
	char *copy_path;    /* copy_dir/db (owned), or NULL */
} cw_dbread;

/* Open path as the header says.  Returns 0, CW_ENOTFOUND (R005: no such
** file; nothing is created), CW_EINVAL (R005: not a database), CW_EIO
** (the copy could not be made), CW_EBUSY or CW_ENOMEM; out is then
** empty.  Close with cw_dbread_close. */
int cw_dbread_open(cw_dbread *out, const char *path, int busy_ms,
		   cw_error *err);

/* A second read connection to what r reads (the original in place, or
** the private copy), defended the same way: for work on another thread
** while r->db is busy.  Returns 0 or as cw_dbread_open. */
int cw_dbread_open_another(const cw_dbread *r, sqlite3 **out, int busy_ms,
			   cw_error *err);

/* Hand over the private copy for a caller to change (the copy mode
** only): *db_out is a read-write connection to it, configured like
** cw_db_open, and the copy is removed by cw_dbread_close.  r->db is
** closed.  Returns 0, CW_EINVAL when r reads the original in place. */
int cw_dbread_take_copy(cw_dbread *r, sqlite3 **db_out, cw_error *err);

/* Close the connection, remove any private copy, empty r. */
void cw_dbread_close(cw_dbread *r);

#endif
