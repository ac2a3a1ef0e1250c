/*
** migrate.c - the engine: drizzle's migrate() for better-sqlite3, in C,
** with hooks.  Design in migrate.h.
*/
#include "migrate.h"
#include "watchdog.h"
#include "codes.h"
#include "db.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* drizzle's own DDL, text included (sqlite_master keeps it verbatim). */
static const char create_fmt[] =
	"\n\t\t\tCREATE TABLE IF NOT EXISTS %s (\n"
	"\t\t\t\tid SERIAL PRIMARY KEY,\n"
	"\t\t\t\thash text NOT NULL,\n"
	"\t\t\t\tcreated_at numeric\n"
	"\t\t\t)\n\t\t";

typedef struct run {
	sqlite3 *db;
	const cw_folder *f;
	const cw_migrate_options *o;
	const cw_migrate_hooks *h;
	cw_migrate_result *r;
	char *ident;          /* the table name quoted as drizzle quotes it */
	const char *table;
	cw_error *err;
	int trial;            /* a trial run is in progress */
	int trial_special;    /* the trial followed transaction control or
			      ** met a journal_mode PRAGMA: its run for real
			      ** may differ, so it cannot be kept */
	int virt_txn;         /* in a trial: the emulated transaction state */
	cw_fk_violations fk_before; /* foreign keys off: violations per
				   ** table before the migration */
} run;

static char *fmt_sql(const char *fmt, const char *ident)
{
	size_t n = strlen(fmt) + strlen(ident) + 1;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, fmt, ident);
	return s;
}

static int oom(run *x)
{
	return cw_error_set(x->err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory applying %s", x->f->dir);
}

/* snprintf may have cut a multi-byte character in two at the end of a
** fixed buffer; drop the incomplete tail so the text stays UTF-8. */
static void trim_partial_utf8(char *s)
{
	size_t n = strlen(s), i = n, need;
	unsigned char c;

	while (i > 0 && n - i < 4 &&
	       ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (c >= 0x80 && (n - (i - 1)) < need)
		s[i - 1] = '\0';
}

/* Record a failure: the first is drizzle's error; with keep_going the
** rest are kept too.  -1 when out of memory. */
static int fail_stmt(run *x, size_t entry, size_t piece, int line,
		     const char *sql, size_t sql_len, cw_verdict verdict,
		     int sqlite_rc, size_t second, const char *message)
{
	cw_migrate_failure *fl = &x->r->failure;

	if (fl->has_failure) {
		cw_migrate_failure *m = realloc(x->r->more, (x->r->n_more +
						1) * sizeof(*m));
		if (m == NULL)
			return -1;
		x->r->more = m;
		fl = &m[x->r->n_more++];
		memset(fl, 0, sizeof(*fl));
		fl->after_failure = 1;
	}
	fl->has_failure = 1;
	fl->entry = entry;
	fl->piece = piece;
	fl->line = line;
	fl->verdict = verdict;
	fl->sqlite_rc = sqlite_rc;
	fl->second_offset = second;
	snprintf(fl->message, sizeof(fl->message), "%s", message);
	trim_partial_utf8(fl->message);
	/* The piece verbatim, a NUL byte inside it included. */
	fl->sql = malloc(sql_len + 1);
	if (fl->sql == NULL)
		return -1;
	memcpy(fl->sql, sql, sql_len);
	fl->sql[sql_len] = '\0';
	fl->sql_len = sql_len;
	return 0;
}

static int busy(run *x, const char *what, const char *tag)
{
	return cw_error_set(x->err, CW_EBUSY, CW_R004, NULL, 0, "database is "
			    "locked by another process (%s) while %s%s%s",
			    sqlite3_errmsg(x->db), what, tag ? " " : "",
			    tag ? tag : "");
}

/* Run one statement of the migrator's own.  0, 1 if it failed (recorded),
** or a negative code. */
static int own_stmt(run *x, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(x->db, sql, -1, &st, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_step(st);
		rc = sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY)
		return busy(x, "running", sql);
	if (fail_stmt(x, CW_MIGRATE_OWN, 0, 0, sql, strlen(sql),
		      CW_PIECE_SQL_ERROR, sqlite3_extended_errcode(x->db), 0,
		      sqlite3_errmsg(x->db)) != 0)
		return oom(x);
	return 1;
}

static int add_txn_event(run *x, size_t k, size_t p, int line, int began,
			 int rolled_back)
{
	cw_txn_event *t = realloc(x->r->txn, (x->r->n_txn + 1) * sizeof(*t));

	if (t == NULL)
		return oom(x);
	x->r->txn = t;
	t[x->r->n_txn].entry = k;
	t[x->r->n_txn].piece = p;
	t[x->r->n_txn].line = line;
	t[x->r->n_txn].began = began;
	t[x->r->n_txn].rolled_back = rolled_back;
	x->r->n_txn++;
	if (!began && !x->r->transaction_ended) {
		x->r->transaction_ended = 1;
		x->r->ended_by = k;
	}
	return 0;
}

/* A journal_mode piece that ran but left the mode as it was (inside the
** migrator's transaction SQLite keeps it): R008, it must not look fine. */
static void note_journal_mode(run *x, size_t k, size_t p, const char *want,
			      const char *got)
{
	const cw_migration *m = &x->f->migrations[k];
	cw_diag *g;

	if (got == NULL || strcmp(want, got) == 0)
		return;
	g = cw_diags_add(&x->r->diags, CW_R008, m->path,
			 m->pieces.items[p].line, 0, "piece %zu of %s asks "
			 "for journal_mode %s but the database stays in %s: "
			 "inside the migrator's transaction SQLite cannot "
			 "change it, and drizzle reports nothing", p + 1,
			 m->entry->tag, want, got);
	cw_diag_set_tag(g, m->entry->tag);
}

/* In a trial, transaction control cannot run for real (a COMMIT would
** make the trial permanent), so the engine follows it: BEGIN, COMMIT and
** ROLLBACK change a virtual state, and PRAGMA foreign_keys outside the
** (virtual) transaction takes effect through the connection's flag, as
** the real PRAGMA would.  1 when the statement was handled here. */
static int emulate_txn(run *x, sqlite3_stmt *st, cw_prepared *res)
{
	/* What SQLite itself says to a BEGIN inside a transaction, or a
	** COMMIT outside one. */
	const char *refused = NULL;

	switch (cw_stmtrule_txn_kind(sqlite3_sql(st))) {
	case CW_TXN_BEGIN:
		if (x->virt_txn)
			refused = "cannot start a transaction within a "
				  "transaction";
		x->virt_txn = 1;
		break;
	case CW_TXN_COMMIT:
		if (!x->virt_txn)
			refused = "cannot commit - no transaction is active";
		x->virt_txn = 0;
		break;
	case CW_TXN_ROLLBACK:
		x->virt_txn = 0;
		break;
	case CW_TXN_PRAGMA_FK_ON:
	case CW_TXN_PRAGMA_FK_OFF:
		if (x->virt_txn)
			return 0;  /* the real no-op */
		sqlite3_db_config(x->db, SQLITE_DBCONFIG_ENABLE_FKEY,
				  cw_stmtrule_txn_kind(sqlite3_sql(st)) ==
				  CW_TXN_PRAGMA_FK_ON, NULL);
		break;
	default:
		return 0;
	}
	if (refused) {
		res->verdict = CW_PIECE_SQL_ERROR;
		res->sqlite_rc = SQLITE_ERROR;
		snprintf(res->message, sizeof(res->message), "%s", refused);
	}
	return 1;
}

/* Does sql start with PRAGMA?  (Whatever it sets may act differently
** inside the trial's savepoint than for real.) */
static int is_pragma(const char *sql)
{
	while (*sql == ' ' || (*sql >= '\t' && *sql <= '\r'))
		sql++;
	return strncasecmp(sql, "pragma", 6) == 0;
}

/* Prepare and step piece p of migration k as better-sqlite3's prepare()
** and run() do.  Fills o; 0 when it ran, 1 when it failed, or a negative
** code (busy, out of memory). */
static int step_piece(run *x, size_t k, size_t p, cw_piece_outcome *o,
		      cw_prepared *res)
{
	const cw_migration *m = &x->f->migrations[k];
	const cw_piece *pc = &m->pieces.items[p];
	sqlite3_stmt *st = NULL;
	int rc;

	memset(o, 0, sizeof(*o));
	o->in_txn_before = x->trial ? x->virt_txn :
			   !sqlite3_get_autocommit(x->db);
	rc = cw_stmtrule_prepare(&st, res, x->db, m->text.data + pc->offset,
			     pc->len, x->o->rule, x->err);
	if (rc != 0)
		return rc;
	if (res->verdict == CW_PIECE_OK && x->trial &&
	    (cw_stmtrule_txn_kind(sqlite3_sql(st)) != CW_TXN_NONE ||
	     is_pragma(sqlite3_sql(st))))
		x->trial_special = 1;
	if (res->verdict == CW_PIECE_OK && x->trial &&
	    emulate_txn(x, st, res)) {
		sqlite3_finalize(st);
		o->verdict = res->verdict;
		o->sqlite_rc = res->sqlite_rc;
		o->message = res->message;
		o->in_txn_after = x->virt_txn;
		return res->verdict == CW_PIECE_OK ? 0 : 1;
	}
	if (res->verdict == CW_PIECE_OK) {
		char want[16], got[16];
		int mode = cw_stmtrule_journal_mode(sqlite3_sql(st), want,
						sizeof(want));
		int watch = cw_watchdog_begin(x->db);
		got[0] = '\0';
		if (sqlite3_step(st) == SQLITE_ROW && mode &&
		    sqlite3_column_text(st, 0))
			snprintf(got, sizeof(got), "%s",
				 sqlite3_column_text(st, 0));
		cw_watchdog_end(watch);
		rc = sqlite3_reset(st);
		if (rc == SQLITE_OK && mode && got[0] && !x->trial)
			note_journal_mode(x, k, p, want, got);
		sqlite3_finalize(st);
		if (rc != SQLITE_OK) {
			res->verdict = CW_PIECE_SQL_ERROR;
			res->sqlite_rc = sqlite3_extended_errcode(x->db);
			snprintf(res->message, sizeof(res->message), "%s",
				 sqlite3_errmsg(x->db));
		}
	}
	o->verdict = res->verdict;
	o->sqlite_rc = res->sqlite_rc;
	o->message = res->message;
	/* In a trial the savepoint is always open: the emulated state is
	** the one the pieces would meet. */
	o->in_txn_after = x->trial ? x->virt_txn :
			  !sqlite3_get_autocommit(x->db);
	if (res->verdict != CW_PIECE_OK &&
	    (res->sqlite_rc & 0xff) == SQLITE_BUSY)
		return busy(x, "running", m->entry->tag);
	return res->verdict == CW_PIECE_OK ? 0 : 1;
}

/* Run every piece of migration k.  0 all ran, 1 one failed (recorded
** unless a trial), or a negative code. */
static int run_pieces(run *x, size_t k, int trial, int *failed)
{
	const cw_migration *m = &x->f->migrations[k];
	const cw_migrate_hooks *h = x->h;
	size_t p;
	int rc;

	*failed = 0;
	for (p = 0; p < m->pieces.n; p++) {
		const cw_piece *pc = &m->pieces.items[p];
		cw_piece_outcome o;
		cw_prepared res;
		if (h && h->before_piece &&
		    (rc = h->before_piece(h->ctx, x->db, k, p, trial,
					  x->err)) < 0)
			return rc;
		rc = step_piece(x, k, p, &o, &res);
		if (rc < 0)
			return rc;
		if (trial && sqlite3_get_autocommit(x->db))
			return cw_error_set(x->err, CW_EINVAL, NULL, m->path,
				pc->line, "%s piece %zu ended the trial's "
				"savepoint: it cannot be rolled back",
				m->entry->tag, p + 1);
		if (!trial && o.in_txn_before != o.in_txn_after &&
		    add_txn_event(x, k, p, pc->line, o.in_txn_after,
				  !o.in_txn_after && (rc != 0 ||
				  cw_stmtrule_txn_kind(m->text.data +
					pc->offset) == CW_TXN_ROLLBACK)) != 0)
			return CW_ENOMEM;
		if (h && h->after_piece &&
		    (rc = h->after_piece(h->ctx, x->db, k, p, trial, &o,
					 x->err)) < 0)
			return rc;
		if (o.verdict == CW_PIECE_OK)
			continue;
		*failed = 1;
		if (!trial && fail_stmt(x, k, p + 1, pc->line, m->text.data +
				pc->offset, pc->len, o.verdict, o.sqlite_rc,
				res.second_offset, o.message) != 0)
			return oom(x);
		if (trial || !x->o->keep_going)
			return 1;
	}
	return 0;
}

static int record(run *x, size_t k)
{
	const cw_migration *m = &x->f->migrations[k];
	char *sql = fmt_sql("INSERT INTO %s (\"hash\", \"created_at\") "
			    "VALUES(?, ?)", x->ident);
	sqlite3_stmt *st = NULL;
	int rc;

	if (sql == NULL)
		return oom(x);
	rc = sqlite3_prepare_v2(x->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, m->hashes.drizzle, -1,
				  SQLITE_STATIC);
		/* better-sqlite3 binds every JS number as a double. */
		sqlite3_bind_double(st, 2, m->entry->when);
		sqlite3_step(st);
		rc = sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_BUSY) {
		free(sql);
		return busy(x, "recording", m->entry->tag);
	}
	if (rc != SQLITE_OK &&
	    fail_stmt(x, k, 0, 0, sql, strlen(sql), CW_PIECE_SQL_ERROR,
		      sqlite3_extended_errcode(x->db), 0,
		      sqlite3_errmsg(x->db)) != 0) {
		free(sql);
		return oom(x);
	}
	free(sql);
	return rc == SQLITE_OK ? 0 : 1;
}

/* Foreign keys OFF: PRAGMA foreign_key_check, rows per table.  Tables
** that have more after migration k than before are what that mode risks:
** child rows left pointing at a parent a rebuild renamed or dropped.
** With report 0 the counts are only taken (before the migration). */
static int fk_violations(run *x, size_t k, int report)
{
	const cw_migration *m = &x->f->migrations[k];
	cw_fk_violations now;
	size_t i;
	int rc = cw_db_fk_violations(&now, x->db, x->err);

	if (rc == CW_ENOMEM)
		return rc;
	if (rc != 0) {
		/* Not checkable here; the run goes on. */
		cw_error_clear(x->err);
		return 0;
	}
	for (i = 0; report && i < now.n; i++) {
		long long was = cw_db_fk_violations_of(&x->fk_before,
						       now.tables[i]);
		cw_diag *g;
		if (now.counts[i] <= was)
			continue;
		g = cw_diags_add(&x->r->diags, CW_R007, m->path, 0, 0,
				 "%s leaves %lld row%s of %s pointing at "
				 "nothing (foreign keys are OFF while the "
				 "app migrates, so nothing stopped it)",
				 m->entry->tag, now.counts[i] - was,
				 now.counts[i] - was == 1 ? "" : "s",
				 now.tables[i]);
		cw_diag_set_tag(g, m->entry->tag);
	}
	cw_db_fk_violations_free(&x->fk_before);
	x->fk_before = now;
	return 0;
}

/* Try migration k inside a savepoint, hooks told is_trial, then undo it
** all: the rows a hook filled and everything the pieces did.  The
** connection's foreign-key flag is restored too (emulate_txn may have
** changed it).  With keep, a trial that passed without meeting
** transaction control or a journal_mode PRAGMA is kept instead (its run
** for real would do exactly the same): *kept says so.  0, or a negative
** code. */
static int trial(run *x, size_t k, int keep, int *kept)
{
	const cw_migrate_hooks *h = x->h;
	int was_in_txn = !sqlite3_get_autocommit(x->db), fk = 1, failed = 0;
	int rc = own_stmt(x, "SAVEPOINT cw_trial");

	*kept = 0;
	if (rc != 0)
		return rc < 0 ? rc : CW_ESQL;
	sqlite3_db_config(x->db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &fk);
	if (h->before_migration(h->ctx, x->db, k, 1, x->err) < 0)
		rc = -1;
	x->trial = 1;
	x->trial_special = 0;
	x->virt_txn = was_in_txn;
	if (rc == 0)
		rc = run_pieces(x, k, 1, &failed);
	x->trial = 0;
	if (rc >= 0 && h->after_migration &&
	    h->after_migration(h->ctx, x->db, k, 1, failed, x->err) < 0)
		rc = -1;
	sqlite3_db_config(x->db, SQLITE_DBCONFIG_ENABLE_FKEY, fk, NULL);
	*kept = keep && rc == 0 && !failed && !x->trial_special;
	sqlite3_exec(x->db, *kept ? "RELEASE cw_trial" :
		     "ROLLBACK TO cw_trial; RELEASE cw_trial", NULL, NULL,
		     NULL);
	if (rc >= 0 && h->after_trial &&
	    h->after_trial(h->ctx, x->db, k, failed, x->err) < 0)
		rc = -1;
	if (rc < 0)
		return x->err->code ? x->err->code : CW_EINVAL;
	return 0;
}

/* Apply pending migration k, trying it first when a hook asks. */
static int apply_one(run *x, size_t k)
{
	const cw_migrate_hooks *h = x->h;
	cw_migrate_entry *e = &x->r->entries[k];
	int rc = 0, failed = 0, want, kept = 0;

	if (x->o->profile && !x->o->profile->foreign_keys &&
	    (rc = fk_violations(x, k, 0)) != 0)
		return rc;
	want = h && h->before_migration ?
		h->before_migration(h->ctx, x->db, k, 0, x->err) : 0;
	if (want < 0)
		return want;
	if (want == CW_HOOK_STOP) {
		x->r->stopped = 1;
		return 2;
	}
	if ((want == CW_HOOK_TRIAL || want == CW_HOOK_TRIAL_KEEP) &&
	    (rc = trial(x, k, want == CW_HOOK_TRIAL_KEEP, &kept)) != 0)
		return rc;
	if (!kept)
		rc = run_pieces(x, k, 0, &failed);
	if (rc == 0 && !failed)
		rc = record(x, k);
	if (rc < 0)
		return rc;
	if (h && h->after_migration &&
	    h->after_migration(h->ctx, x->db, k, 0, failed || rc, x->err) < 0)
		return x->err->code ? x->err->code : CW_EINVAL;
	if (rc == 0 && !failed) {
		e->status = x->o->dry_run ? CW_MIG_WOULD_APPLY :
					    CW_MIG_APPLIED;
		if (x->o->profile && !x->o->profile->foreign_keys &&
		    (rc = fk_violations(x, k, 1)) != 0)
			return rc;
	}
	return rc;
}

/* The loop over journal entries inside the transaction. */
static int apply_all(run *x)
{
	size_t k;
	int rc;

	for (k = 0; k < x->f->n_migrations; k++) {
		const cw_plan_entry *pe = &x->r->plan.entries[k];
		const cw_migration *m = &x->f->migrations[k];
		cw_migrate_entry *e = &x->r->entries[k];
		if (m->load_rc != 0 || m->text.data == NULL ||
		    m->entry == NULL || m->entry->tag == NULL) {
			/* Only a lenient load (check) gets here: the file
			** is reported by the folder reader; what follows
			** runs without it. */
			if (!x->o->keep_going)
				return cw_error_set(x->err, CW_EINVAL, NULL,
					m->path, 0, "entries[%zu] cannot be "
					"run", k);
			x->r->n_unrunnable++;
			continue;
		}
		if (pe->status != CW_MIG_PENDING) {
			e->status = pe->status;
			e->matched = pe->matched;
			continue;
		}
		rc = apply_one(x, k);
		if (rc == 2)
			return 0;
		if (rc != 0 && !(rc == 1 && x->o->keep_going))
			return rc;
	}
	return 0;
}

/* Read the table and decide; a table that cannot be read fails the run
** as drizzle's SELECT would. */
static int plan(run *x)
{
	int rc = cw_plan_read(&x->r->plan, x->db, x->f, x->table, x->err);

	if (rc == CW_ESQL) {
		const char *msg = sqlite3_errmsg(x->db);
		cw_error_clear(x->err);
		if (fail_stmt(x, CW_MIGRATE_OWN, 0, 0, "SELECT id, hash, "
			      "created_at ...", 31, CW_PIECE_SQL_ERROR,
			      sqlite3_extended_errcode(x->db), 0, msg) != 0)
			return oom(x);
		return 1;
	}
	if (rc != 0)
		return rc;
	x->r->has_high_water = x->r->plan.has_high_water;
	x->r->high_water = x->r->plan.high_water;
	return 0;
}

static int migrate_body(run *x)
{
	int locked = x->o->sequence == CW_SEQ_LOCKED;
	char *create = fmt_sql(create_fmt, x->ident);
	int rc;

	if (create == NULL)
		return oom(x);
	rc = own_stmt(x, create);
	free(create);
	if (rc == 0 && !locked)
		rc = plan(x);
	if (rc == 0)
		rc = own_stmt(x, locked ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc == 0 && locked)
		rc = plan(x);
	if (rc == 0)
		rc = apply_all(x);
	if (rc == 0)
		rc = own_stmt(x, "COMMIT");
	if (rc == 0)
		return 0;
	/* drizzle: catch -> ROLLBACK -> rethrow.  When a migration already
	** ended the transaction, the ROLLBACK itself fails. */
	if (sqlite3_get_autocommit(x->db))
		x->r->rollback_failed = 1;
	else
		sqlite3_exec(x->db, "ROLLBACK", NULL, NULL, NULL);
	return rc < 0 ? rc : CW_ESQL;
}

/* After a failure: what the ROLLBACK undid and what stayed.  Without
** transaction control inside the batch, everything was undone.  After a
** COMMIT inside it, the ROLLBACK undoes only what followed the last BEGIN:
** entries before that BEGIN's entry stayed, that entry stayed in part (its
** pieces before the BEGIN, not its row), later ones are gone.  When no
** transaction was open at the failure, nothing was undone at all. */
/* Is what ran at piece q of entry k (q = its piece count: its row in the
** migrations table) still in the database after the failure?  Work done
** outside a transaction is; work inside one is when that transaction
** ended with a COMMIT, and lost when it ended with a ROLLBACK (or a
** failure) or was still open for drizzle's ROLLBACK. */
static int durable(const cw_migrate_result *r, size_t k, size_t q)
{
	int in_txn = 1;
	size_t i;

	for (i = 0; i < r->n_txn; i++) {
		const cw_txn_event *e = &r->txn[i];
		if (e->entry < k || (e->entry == k && e->piece < q)) {
			in_txn = e->began;
			continue;
		}
		if (!in_txn)
			return 1;
		return !e->began && !e->rolled_back;
	}
	return !in_txn;
}

/* After a failure: what stayed.  An entry whose row stayed is applied;
** one with data-changing pieces that stayed but no row is partial (the
** next run applies it again from its first piece); the rest were undone.
** Without transaction control inside the batch, everything was undone. */
static void settle(run *x)
{
	cw_migrate_result *r = x->r;
	const cw_migrate_failure *fl = &r->failure;
	size_t k, q;

	for (k = 0; k < r->n_entries; k++) {
		const cw_migration *m = &x->f->migrations[k];
		cw_migrate_entry *e = &r->entries[k];
		int ran = e->status == CW_MIG_APPLIED ||
			  e->status == CW_MIG_WOULD_APPLY;
		size_t n_ran = ran ? m->pieces.n : 0;
		int kept = 0;
		if (!ran && fl->has_failure && fl->entry == k)
			n_ran = fl->piece ? fl->piece - 1 : m->pieces.n;
		if (!ran && n_ran == 0)
			continue;
		for (q = 0; q < n_ran && !kept; q++)
			kept = durable(r, k, q) &&
			       cw_stmtrule_txn_kind(m->text.data +
				       m->pieces.items[q].offset) ==
			       CW_TXN_NONE;
		if (ran && durable(r, k, m->pieces.n))
			continue;
		e->status = kept ? CW_MIG_PARTIAL : CW_MIG_NOT_RUN;
	}
}

static void count(cw_migrate_result *r)
{
	size_t k;

	for (k = 0; k < r->n_entries; k++) {
		switch (r->entries[k].status) {
		case CW_MIG_APPLIED:
		case CW_MIG_WOULD_APPLY: r->n_applied++; break;
		case CW_MIG_ALREADY_APPLIED: r->n_already++; break;
		case CW_MIG_SKIPPED: r->n_skipped++; break;
		default: break;
		}
	}
}

static void note_skips(run *x)
{
	size_t k;

	for (k = 0; k < x->r->n_entries; k++) {
		const cw_migration *m = &x->f->migrations[k];
		cw_diag *g;
		if (x->r->entries[k].status != CW_MIG_SKIPPED)
			continue;
		g = cw_diags_add(&x->r->diags, CW_R001, m->path,
				 0, 0, "migration %s will never run: its when "
				 "(%.17g) is not above the newest applied "
				 "created_at (%.17g); drizzle skips it "
				 "silently", m->entry->tag, m->entry->when,
				 x->r->high_water);
		cw_diag_set_tag(g, m->entry->tag);
	}
}

/* 1 if SQLite's result code rc is about the storage (a full disk, an
** I/O error, a file that cannot be opened), not about the SQL. */
static int is_storage_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_CANTOPEN:
	case SQLITE_READONLY: case SQLITE_CORRUPT: case SQLITE_NOTADB:
		return 1;
	}
	return 0;
}

int cw_migrate_db(cw_migrate_result *out, sqlite3 *db, const cw_folder *f,
		  const cw_migrate_options *opts, cw_error *err)
{
	cw_migrate_options defaults = CW_MIGRATE_OPTIONS_INIT;
	cw_profile stock = CW_PROFILE_INIT;
	cw_error local = {0};
	run x;
	size_t k;
	int rc;

	if (opts == NULL)
		opts = &defaults;
	if (err == NULL)
		err = &local;
	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	x.db = db;
	x.f = f;
	x.o = opts;
	x.h = opts->hooks;
	x.r = out;
	x.err = err;
	x.table = cw_migrate_table_name(opts->table, opts->profile);
	cw_profile_describe(opts->profile ? opts->profile : &stock,
			    out->profile, sizeof(out->profile));
	out->n_entries = f->n_migrations;
	out->entries = calloc(f->n_migrations ? f->n_migrations : 1,
			      sizeof(*out->entries));
	x.ident = cw_db_quote_ident(x.table);
	if (out->entries == NULL || x.ident == NULL) {
		free(x.ident);
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	}
	for (k = 0; k < f->n_migrations; k++)
		out->entries[k].migration = &f->migrations[k];
	rc = opts->profile ? cw_profile_apply(opts->profile, db, err) : 0;
	if (rc == 0)
		rc = migrate_body(&x);
	if (rc == CW_ESQL)
		settle(&x);
	if (rc == 0 || rc == CW_ESQL) {
		note_skips(&x);
		count(out);
	}
	if (rc == CW_ESQL && out->failure.has_failure) {
		const cw_migrate_failure *fl = &out->failure;
		/* A full disk or I/O error is not the SQL's fault: name the
		** database (check_diskfull.c). */
		const char *dbf = is_storage_rc(fl->sqlite_rc) ?
				  sqlite3_db_filename(db, "main") : NULL;
		const char *on = dbf ? " (database " : "";
		const char *close = dbf ? ")" : "";

		if (dbf == NULL)
			dbf = "";
		if (fl->entry == CW_MIGRATE_OWN)
			cw_error_set(err, CW_ESQL, CW_R002, NULL, 0,
				     "the migrator's own statement failed: "
				     "%s%s%s%s", fl->message, on, dbf, close);
		else if (fl->piece == 0)
			cw_error_set(err, CW_ESQL, CW_R002,
				     f->migrations[fl->entry].path, 0,
				     "migration %s ran, but recording it "
				     "failed: %s%s%s%s",
				     f->migrations[fl->entry].entry->tag,
				     fl->message, on, dbf, close);
		else
			cw_error_set(err, CW_ESQL, CW_R002,
				     f->migrations[fl->entry].path, fl->line,
				     "migration %s failed at piece %zu: %s%s%s%s",
				     f->migrations[fl->entry].entry->tag,
				     fl->piece, fl->message, on, dbf, close);
	}
	cw_db_fk_violations_free(&x.fk_before);
	free(x.ident);
	return rc;
}

int cw_migrate_path(cw_migrate_result *out, const char *db_path,
		    const cw_folder *f, const cw_migrate_options *opts,
		    cw_error *err)
{
	cw_migrate_options defaults = CW_MIGRATE_OPTIONS_INIT;
	sqlite3 *db = NULL;
	char *scratch = NULL;
	int rc;

	if (opts == NULL)
		opts = &defaults;
	memset(out, 0, sizeof(*out));
	if (db_path == NULL || db_path[0] == '\0' ||
	    strcmp(db_path, ":memory:") == 0)
		return cw_error_set(err, CW_EINVAL, CW_R005, NULL, 0,
				    "database path \"%s\" names no file: "
				    "the migrated database would vanish when "
				    "cw exits; give a file path",
				    db_path ? db_path : "");
	/* A dry run works on a scratch file copy, so that every statement
	** behaves as it will on the real file. */
	if (opts->dry_run)
		rc = cw_db_open_scratch_copy(&db, &scratch, db_path, err);
	else
		rc = cw_db_open(&db, db_path, opts->busy_timeout_ms, err);
	if (rc != 0)
		return rc;
	rc = cw_migrate_db(out, db, f, opts, err);
	if (scratch)
		cw_db_close_scratch(db, scratch);
	else
		sqlite3_close(db);
	return rc;
}

void cw_migrate_result_free(cw_migrate_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->entries);
	free(r->failure.sql);
	for (i = 0; i < r->n_more; i++)
		free(r->more[i].sql);
	free(r->more);
	free(r->txn);
	cw_plan_free(&r->plan);
	cw_diags_free(&r->diags);
	memset(r, 0, sizeof(*r));
}

const char *cw_migrate_table_name(const char *table, const cw_profile *p)
{
	if (table)
		return table;
	return p && p->table ? p->table : CW_MIGRATIONS_TABLE;
}
