/*
** check_engine.c - the engine's hooks (lib/migrate.h): called in order
** with the right migration, piece and is_trial on the engine's own
** connection; CW_HOOK_TRIAL runs a migration in a savepoint and undoes it
** all, the rows a hook filled included, before the real run; a trial
** follows transaction control the way the real run will (a PRAGMA after
** COMMIT takes effect, a BEGIN inside the transaction fails with SQLite's
** message); CW_HOOK_STOP commits what ran; a hook's error ends the run
** with nothing applied.  cw_stmtrule_txn_kind, which the trials rely on, is
** check_stmtrule_txn.c.
*/
#include "unit_migrate.h"

#include <stdarg.h>

static void make_tmp(void)
{
	unit_tmp_make("engine");
}

/* ---- a recording set of hooks ---- */

/* What after_piece saw, one per call. */
typedef struct seen {
	size_t k, p;
	int is_trial;
	cw_piece_outcome o;
	char message[256];
} seen;

typedef struct rec {
	char log[4096];
	size_t o;
	int answer[16];          /* before_migration's answer, real run */
	char fail;               /* hook that fails: M, p, P, E or 0 */
	size_t fail_k;
	int fail_trial;
	int fail_code;
	int fail_sets_err;       /* set err (the convention) or not */
	const char *trial_sql;   /* run by before_migration in a trial */
	const char *probe;       /* one-integer query after each piece */
	int show_fk;             /* log the foreign-key flag before pieces */
	seen seen[32];
	size_t n_seen;
} rec;

static void note(rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(rec *r, const char *fmt, ...)
{
	va_list ap;

	if (r->o > 0 && r->o < sizeof(r->log))
		r->log[r->o++] = ' ';
	va_start(ap, fmt);
	r->o += (size_t)vsnprintf(r->log + r->o, sizeof(r->log) - r->o, fmt,
				  ap);
	va_end(ap);
	ck_assert_uint_lt(r->o, sizeof(r->log));
}

/* The value of the probe query on the hook's connection, or -1. */
static long long probe(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The error a failing hook returns. */
static int hook_fails(rec *r, char which, size_t k, int is_trial,
		      cw_error *err)
{
	if (r->fail != which || r->fail_k != k || r->fail_trial != is_trial)
		return 0;
	if (r->fail_sets_err)
		return cw_error_set(err, r->fail_code, NULL, NULL, 0,
				    "hook %c failed at %zu", which, k);
	return r->fail_code;
}

static int before_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			    cw_error *err)
{
	rec *r = ctx;
	int rc;

	note(r, "M%zu%s", k, is_trial ? "t" : "");
	if ((rc = hook_fails(r, 'M', k, is_trial, err)) != 0)
		return rc;
	if (is_trial && r->trial_sql)
		ck_assert_int_eq(sqlite3_exec(db, r->trial_sql, NULL, NULL,
					      NULL), SQLITE_OK);
	return is_trial ? CW_HOOK_CONTINUE : r->answer[k];
}

static int before_piece(void *ctx, sqlite3 *db, size_t k, size_t p,
			int is_trial, cw_error *err)
{
	rec *r = ctx;
	int on = -1;

	if (r->show_fk)
		sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, -1, &on);
	note(r, "p%zu.%zu%s%s", k, p, is_trial ? "t" : "",
	     on < 0 ? "" : on ? "+" : "-");
	return hook_fails(r, 'p', k, is_trial, err);
}

static int after_piece(void *ctx, sqlite3 *db, size_t k, size_t p,
		       int is_trial, const cw_piece_outcome *o,
		       cw_error *err)
{
	rec *r = ctx;
	seen *s;

	if (r->probe)
		note(r, "P%zu.%zu%s%s=%lld", k, p, is_trial ? "t" : "",
		     o->verdict ? "!" : "", probe(db, r->probe));
	else
		note(r, "P%zu.%zu%s%s", k, p, is_trial ? "t" : "",
		     o->verdict ? "!" : "");
	ck_assert_uint_lt(r->n_seen, sizeof(r->seen) / sizeof(*r->seen));
	s = &r->seen[r->n_seen++];
	s->k = k;
	s->p = p;
	s->is_trial = is_trial;
	s->o = *o;
	snprintf(s->message, sizeof(s->message), "%s", o->message);
	s->o.message = s->message;
	return hook_fails(r, 'P', k, is_trial, err);
}

static int after_migration(void *ctx, sqlite3 *db, size_t k, int is_trial,
			   int failed, cw_error *err)
{
	rec *r = ctx;

	(void)db;
	note(r, "E%zu%s%s", k, is_trial ? "t" : "", failed ? "!" : "");
	return hook_fails(r, 'E', k, is_trial, err);
}

static const cw_migrate_hooks recording = {
	NULL, before_migration, before_piece, after_piece, after_migration,
	NULL
};

/* x prepared with the recording hooks around r. */
static void hook_up(attempt *x, cw_migrate_hooks *h, rec *r)
{
	*h = recording;
	h->ctx = r;
	x->o.hooks = h;
}

/* The after_piece call of piece p of migration k (trial or real). */
static const seen *seen_at(const rec *r, size_t k, size_t p, int is_trial)
{
	size_t i;

	for (i = 0; i < r->n_seen; i++)
		if (r->seen[i].k == k && r->seen[i].p == p &&
		    r->seen[i].is_trial == is_trial)
			return &r->seen[i];
	ck_abort_msg("no after_piece for %zu.%zu", k, p);
	return NULL;
}

#define BP "\n--> statement-breakpoint\n"

/* ---- order and arguments ---- */

/* Hooks run for pending migrations only, in journal order, on the
** engine's connection (a piece's table is visible before COMMIT). */
START_TEST(test_hooks_in_order)
{
	static const mig v2[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_b", "2000", "CREATE TABLE b(x);" BP
		 "INSERT INTO b VALUES(1);"},
		{"0002_c", "3000", "INSERT INTO b VALUES(2);"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;

	prepare_applied(&x, v2, 1, v2, 3);
	hook_up(&x, &h, &r);
	r.probe = "SELECT count(*) FROM b";
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_str_eq(r.log, "M1 p1.0 P1.0=0 p1.1 P1.1=1 E1 "
			 "M2 p2.0 P2.0=2 E2");
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_ALREADY_APPLIED);
	ck_assert_uint_eq(x.r.n_applied, 2);
	/* Outcomes: ran, inside the batch's transaction. */
	ck_assert_int_eq(seen_at(&r, 1, 1, 0)->o.verdict, CW_PIECE_OK);
	ck_assert_str_eq(seen_at(&r, 1, 1, 0)->message, "");
	ck_assert_int_eq(seen_at(&r, 1, 1, 0)->o.in_txn_before, 1);
	ck_assert_int_eq(seen_at(&r, 1, 1, 0)->o.in_txn_after, 1);
	attempt_free(&x);
}
END_TEST

/* A failing piece: after_piece sees SQLite's message, after_migration
** is told it failed, and nothing later is called. */
START_TEST(test_hooks_see_failure)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP
		 "INSERT INTO missing VALUES(1);" BP "CREATE TABLE z(x);"},
		{"0001_b", "2000", "CREATE TABLE b(x);"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;
	const seen *s;

	prepare(&x, "fail", m, 2, NULL);
	hook_up(&x, &h, &r);
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_str_eq(r.log, "M0 p0.0 P0.0 p0.1 P0.1! E0!");
	s = seen_at(&r, 0, 1, 0);
	ck_assert_int_eq(s->o.verdict, CW_PIECE_SQL_ERROR);
	ck_assert_int_eq(s->o.sqlite_rc, SQLITE_ERROR);
	ck_assert_str_eq(s->message, "no such table: missing");
	ck_assert(!has_table(x.db, "a"));
	attempt_free(&x);
}
END_TEST

/* ---- trials ---- */

/* A trial leaves no trace: rows its hook filled and what its pieces did
** are gone, and the migration is then applied once, for real. */
START_TEST(test_trial_leaves_no_trace)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_b", "2000", "INSERT INTO a VALUES('real');" BP
		 "CREATE TABLE b(y);"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	char buf[256];
	attempt x;

	prepare(&x, "trial", m, 2, NULL);
	hook_up(&x, &h, &r);
	r.answer[1] = CW_HOOK_TRIAL;
	r.trial_sql = "INSERT INTO a VALUES('filled')";
	r.probe = "SELECT count(*) FROM a";
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_str_eq(r.log, "M0 p0.0 P0.0=0 E0 M1 M1t p1.0t P1.0t=2 "
			 "p1.1t P1.1t=2 E1t p1.0 P1.0=1 p1.1 P1.1=1 E1");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT x FROM a"),
			 "real\n");
	ck_assert(has_table(x.db, "b"));
	ck_assert_int_eq(n_recorded(x.db), 2);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_APPLIED);
	ck_assert_uint_eq(x.r.n_txn, 0);
	attempt_free(&x);
}
END_TEST

/* The first migration tried, when nothing precedes it in the batch. */
START_TEST(test_trial_first_migration)
{
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;

	prepare(&x, "first", three, 3, NULL);
	hook_up(&x, &h, &r);
	r.answer[0] = r.answer[2] = CW_HOOK_TRIAL;
	r.probe = "SELECT count(*) FROM sqlite_master WHERE name = 'a'";
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_str_eq(r.log, "M0 M0t p0.0t P0.0t=1 E0t p0.0 P0.0=1 E0 "
			 "M1 p1.0 P1.0=1 E1 M2 M2t p2.0t P2.0t=1 E2t "
			 "p2.0 P2.0=1 E2");
	ck_assert_uint_eq(x.r.n_applied, 3);
	ck_assert_int_eq(n_recorded(x.db), 3);
	attempt_free(&x);
}
END_TEST

/* The schema of the COMMIT/PRAGMA trials: a cascade that fires only
** while foreign keys are on. */
static const mig cascade =
	{"0000_a", "1000", "CREATE TABLE p(id INTEGER PRIMARY KEY);" BP
	 "CREATE TABLE c(pid INTEGER REFERENCES p(id) ON DELETE CASCADE);" BP
	 "INSERT INTO p VALUES(1);" BP "INSERT INTO c VALUES(1);"};

/* COMMIT, then PRAGMA foreign_keys=OFF outside the transaction, then
** BEGIN: in the trial the PRAGMA takes effect as it will for real (the
** cascade does not fire), and the connection's flag is back on after
** the trial. */
START_TEST(test_trial_follows_commit_and_pragma)
{
	const mig m[] = {
		cascade,
		{"0001_b", "2000", "COMMIT;" BP "PRAGMA foreign_keys=OFF;" BP
		 "DELETE FROM p;" BP "BEGIN;"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	char buf[64];
	attempt x;
	const seen *s;

	prepare(&x, "pragma", m, 2, NULL);
	hook_up(&x, &h, &r);
	r.answer[1] = CW_HOOK_TRIAL;
	r.probe = "SELECT count(*) FROM c";
	r.show_fk = 1;
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_ptr_nonnull(strstr(r.log, " M1 M1t p1.0t+ P1.0t=1 p1.1t+ "
				     "P1.1t=1 p1.2t- P1.2t=1 p1.3t- P1.3t=1 "
				     "E1t p1.0+ P1.0=1 p1.1+ P1.1=1 p1.2- "
				     "P1.2=1 p1.3- P1.3=1 E1"));
	/* The trial's COMMIT and BEGIN, as the engine followed them. */
	s = seen_at(&r, 1, 0, 1);
	ck_assert_int_eq(s->o.in_txn_before, 1);
	ck_assert_int_eq(s->o.in_txn_after, 0);
	s = seen_at(&r, 1, 3, 1);
	ck_assert_int_eq(s->o.in_txn_before, 0);
	ck_assert_int_eq(s->o.in_txn_after, 1);
	/* The real ones, recorded as the batch's transaction events. */
	s = seen_at(&r, 1, 0, 0);
	ck_assert_int_eq(s->o.in_txn_before, 1);
	ck_assert_int_eq(s->o.in_txn_after, 0);
	ck_assert_uint_eq(x.r.n_txn, 2);
	ck_assert_uint_eq(x.r.txn[0].entry, 1);
	ck_assert_uint_eq(x.r.txn[0].piece, 0);
	ck_assert_int_eq(x.r.txn[0].began, 0);
	ck_assert_int_eq(x.r.txn[0].line, 1);
	ck_assert_uint_eq(x.r.txn[1].piece, 3);
	ck_assert_int_eq(x.r.txn[1].began, 1);
	ck_assert_int_eq(x.r.txn[1].line, 7);
	ck_assert_int_eq(x.r.transaction_ended, 1);
	ck_assert_uint_eq(x.r.ended_by, 1);
	/* For real too: the child row stayed, pointing at nothing. */
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT count(*) FROM "
			      "c"), "1\n");
	ck_assert_str_eq(dump(buf, sizeof(buf), x.db, "SELECT count(*) FROM "
			      "p"), "0\n");
	ck_assert_int_eq(n_recorded(x.db), 2);
	attempt_free(&x);
}
END_TEST

/* The same PRAGMA inside the transaction is SQLite's no-op, in the trial
** as for real: the cascade fires. */
START_TEST(test_trial_pragma_inside_is_noop)
{
	const mig m[] = {
		cascade,
		{"0001_b", "2000", "PRAGMA foreign_keys=OFF;" BP
		 "DELETE FROM p;"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;

	prepare(&x, "noop", m, 2, NULL);
	hook_up(&x, &h, &r);
	r.answer[1] = CW_HOOK_TRIAL;
	r.probe = "SELECT count(*) FROM c";
	r.show_fk = 1;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_ptr_nonnull(strstr(r.log, " M1 M1t p1.0t+ P1.0t=1 p1.1t+ "
				     "P1.1t=0 E1t p1.0+ P1.0=1 p1.1+ P1.1=0 "
				     "E1"));
	ck_assert_int_eq(count(x.db, "SELECT count(*) FROM c"), 0);
	ck_assert_uint_eq(x.r.n_txn, 0);
	attempt_free(&x);
}
END_TEST

/* BEGIN inside the (emulated) transaction fails in the trial with the
** message the real run then fails with. */
START_TEST(test_trial_begin_inside)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);"},
		{"0001_b", "2000", "INSERT INTO a VALUES(1);" BP "BEGIN;"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;
	const seen *s;

	prepare(&x, "begin", m, 2, NULL);
	hook_up(&x, &h, &r);
	r.answer[1] = CW_HOOK_TRIAL;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_str_eq(r.log, "M0 p0.0 P0.0 E0 M1 M1t p1.0t P1.0t p1.1t "
			 "P1.1t! E1t! p1.0 P1.0 p1.1 P1.1! E1!");
	s = seen_at(&r, 1, 1, 1);
	ck_assert_int_eq(s->o.verdict, CW_PIECE_SQL_ERROR);
	ck_assert_int_eq(s->o.sqlite_rc, SQLITE_ERROR);
	ck_assert_str_eq(s->message, "cannot start a transaction within a "
			 "transaction");
	ck_assert_str_eq(x.r.failure.message, s->message);
	ck_assert_str_eq(seen_at(&r, 1, 1, 0)->message, s->message);
	ck_assert(!has_table(x.db, "a"));
	attempt_free(&x);
}
END_TEST

/* COMMIT with none open fails in the trial as it will for real; the
** first COMMIT made the table permanent. */
START_TEST(test_trial_commit_twice)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "COMMIT;" BP
		 "COMMIT;"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;

	prepare(&x, "twice", m, 1, NULL);
	hook_up(&x, &h, &r);
	r.answer[0] = CW_HOOK_TRIAL;
	ck_assert_int_eq(attempt_run(&x), CW_ESQL);
	ck_assert_str_eq(seen_at(&r, 0, 2, 1)->message, "cannot commit - no "
			 "transaction is active");
	ck_assert_str_eq(x.r.failure.message, "cannot commit - no "
			 "transaction is active");
	ck_assert_uint_eq(x.r.failure.piece, 3);
	ck_assert_int_eq(x.r.rollback_failed, 1);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_PARTIAL);
	ck_assert(has_table(x.db, "a"));
	ck_assert_int_eq(n_recorded(x.db), 0);
	attempt_free(&x);
}
END_TEST

/* ROLLBACK in a trial ends the emulated transaction, nothing more. */
START_TEST(test_trial_rollback_followed)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP
		 "ROLLBACK TRANSACTION;" BP "BEGIN;"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;
	const seen *s;

	prepare(&x, "rb", m, 1, NULL);
	hook_up(&x, &h, &r);
	r.answer[0] = CW_HOOK_TRIAL;
	r.probe = "SELECT count(*) FROM sqlite_master WHERE name = 'a'";
	ck_assert_int_eq(attempt_run(&x), 0);
	s = seen_at(&r, 0, 1, 1);
	ck_assert_int_eq(s->o.verdict, CW_PIECE_OK);
	ck_assert_int_eq(s->o.in_txn_before, 1);
	ck_assert_int_eq(s->o.in_txn_after, 0);
	/* Only the real ROLLBACK undoes the CREATE. */
	ck_assert_str_eq(r.log, "M0 M0t p0.0t P0.0t=1 p0.1t P0.1t=1 p0.2t "
			 "P0.2t=1 E0t p0.0 P0.0=1 p0.1 P0.1=0 p0.2 P0.2=0 "
			 "E0");
	ck_assert(!has_table(x.db, "a"));
	ck_assert_int_eq(n_recorded(x.db), 1);
	attempt_free(&x);
}
END_TEST

/* A piece that ends the trial's savepoint itself (here, outside any
** transaction after a COMMIT, by releasing it) cannot be rolled back:
** the engine refuses with an error naming the piece. */
START_TEST(test_trial_savepoint_ended)
{
	static const mig m[] = {
		{"0000_a", "1000", "CREATE TABLE a(x);" BP "COMMIT;"},
		{"0001_b", "2000", "CREATE TABLE b(x);" BP "RELEASE cw_trial;"},
	};
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;

	prepare(&x, "release", m, 2, NULL);
	hook_up(&x, &h, &r);
	r.answer[1] = CW_HOOK_TRIAL;
	ck_assert_int_eq(attempt_run(&x), CW_EINVAL);
	ck_assert_str_eq(x.err.path, x.f.migrations[1].path);
	ck_assert_int_eq(x.err.line, 3);
	ck_assert_str_eq(x.err.message, "0001_b piece 2 ended the trial's "
			 "savepoint: it cannot be rolled back");
	ck_assert_str_eq(r.log, "M0 p0.0 P0.0 p0.1 P0.1 E0 M1 M1t p1.0t "
			 "P1.0t p1.1t");
	ck_assert(has_table(x.db, "a"));
	attempt_free(&x);
}
END_TEST

/* ---- stopping and failing ---- */

START_TEST(test_stop)
{
	cw_migrate_hooks h;
	rec r = {0};
	attempt x;

	prepare(&x, "stop", three, 3, NULL);
	hook_up(&x, &h, &r);
	r.answer[1] = CW_HOOK_STOP;
	x.o.sequence = (cw_sequence)_i;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_str_eq(r.log, "M0 p0.0 P0.0 E0 M1");
	ck_assert_int_eq(x.r.stopped, 1);
	ck_assert_int_eq(x.r.entries[0].status, CW_MIG_APPLIED);
	ck_assert_int_eq(x.r.entries[1].status, CW_MIG_NOT_RUN);
	ck_assert_int_eq(x.r.entries[2].status, CW_MIG_NOT_RUN);
	ck_assert_uint_eq(x.r.n_applied, 1);
	/* What ran is committed; the next run goes on from there. */
	ck_assert(has_table(x.db, "a"));
	ck_assert(!has_table(x.db, "b"));
	ck_assert_int_eq(n_recorded(x.db), 1);
	r.answer[1] = CW_HOOK_CONTINUE;
	r.o = 0;
	ck_assert_int_eq(attempt_run(&x), 0);
	ck_assert_str_eq(r.log, "M1 p1.0 P1.0 E1 M2 p2.0 P2.0 E2");
	ck_assert_int_eq(n_recorded(x.db), 3);
	attempt_free(&x);
}
END_TEST

/* A hook's error ends the run: it is returned (the hook's own value, or
** the code it set in err) and the whole batch is rolled back. */
START_TEST(test_hook_errors)
{
	static const struct {
		char which;
		size_t k;
		int trial, code, sets_err;
		const char *log;
	} cases[] = {
		{'M', 1, 0, -42, 0, "M0 p0.0 P0.0 E0 M1"},
		{'p', 1, 0, -43, 0, "M0 p0.0 P0.0 E0 M1 p1.0"},
		{'P', 1, 0, -44, 0, "M0 p0.0 P0.0 E0 M1 p1.0 P1.0"},
		{'E', 1, 0, CW_EIO, 1, "M0 p0.0 P0.0 E0 M1 p1.0 P1.0 E1"},
		{'M', 1, 1, CW_ENOTFOUND, 1, "M0 p0.0 P0.0 E0 M1 M1t"},
		{'p', 1, 1, CW_EIO, 1, "M0 p0.0 P0.0 E0 M1 M1t p1.0t"},
		{'E', 1, 1, CW_EBUSY, 1, "M0 p0.0 P0.0 E0 M1 M1t p1.0t "
		 "P1.0t E1t"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cw_migrate_hooks h;
		rec r = {0};
		attempt x;
		char name[16];

		snprintf(name, sizeof(name), "err%zu", i);
		prepare(&x, name, three, 3, NULL);
		hook_up(&x, &h, &r);
		r.answer[1] = cases[i].trial ? CW_HOOK_TRIAL : 0;
		r.fail = cases[i].which;
		r.fail_k = cases[i].k;
		r.fail_trial = cases[i].trial;
		r.fail_code = cases[i].code;
		r.fail_sets_err = cases[i].sets_err;
		ck_assert_int_eq(attempt_run(&x), cases[i].code);
		ck_assert_msg(strstr(r.log, cases[i].log) == r.log &&
			      strlen(r.log) == strlen(cases[i].log),
			      "case %zu: %s", i, r.log);
		if (cases[i].sets_err)
			ck_assert_int_eq(x.err.code, cases[i].code);
		ck_assert_int_eq(x.r.failure.has_failure, 0);
		ck_assert(!has_table(x.db, "a"));
		ck_assert_int_eq(n_recorded(x.db), 0);
		attempt_free(&x);
	}
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("hooks");

	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_loop_test(tc, test_hooks_in_order, 0, 2);
	tcase_add_test(tc, test_hooks_see_failure);
	tcase_add_loop_test(tc, test_stop, 0, 2);
	tcase_add_test(tc, test_hook_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("trials");
	tcase_add_checked_fixture(tc, make_tmp, unit_tmp_remove);
	tcase_add_loop_test(tc, test_trial_leaves_no_trace, 0, 2);
	tcase_add_test(tc, test_trial_first_migration);
	tcase_add_loop_test(tc, test_trial_follows_commit_and_pragma, 0, 2);
	tcase_add_test(tc, test_trial_pragma_inside_is_noop);
	tcase_add_test(tc, test_trial_begin_inside);
	tcase_add_test(tc, test_trial_commit_twice);
	tcase_add_test(tc, test_trial_rollback_followed);
	tcase_add_test(tc, test_trial_savepoint_ended);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(engine_suite());
}
