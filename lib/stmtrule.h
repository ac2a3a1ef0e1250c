/*
** stmtrule.h - better-sqlite3's one-statement rule for prepare().
**
** drizzle runs each piece through better-sqlite3's prepare(), which accepts
** exactly one statement.  After SQLite compiles the first statement, the
** rest (the tail) may hold only spaces, ';', bytes \t..\r and -- or block
** comments (CW_RULE_CURRENT, better-sqlite3 >= 8.5; statement.cpp), or only
** spaces, ';' and \t..\r (CW_RULE_LEGACY, older releases).  A piece with no
** statement at all is refused too.  The messages are better-sqlite3's own.
*/
#ifndef CW_STMTRULE_H
#define CW_STMTRULE_H

#include <stddef.h>
#include <sqlite3.h>
#include "error.h"

typedef enum cw_rule {
	CW_RULE_CURRENT = 0,
	CW_RULE_LEGACY = 1
} cw_rule;

typedef enum cw_verdict {
	CW_PIECE_OK = 0,
	CW_PIECE_NO_STATEMENT,   /* SQLite found nothing to compile */
	CW_PIECE_MULTIPLE,       /* the tail holds a second statement */
	CW_PIECE_SQL_ERROR,      /* SQLite refused to compile or run it */
	CW_PIECE_PARAMETERS      /* it has parameters; run() binds none */
} cw_verdict;

#define CW_MSG_NO_STATEMENTS \
	"The supplied SQL string contains no statements"
#define CW_MSG_MULTIPLE \
	"The supplied SQL string contains more than one statement"
/* better-sqlite3's Binder (src/util/binder.cpp): run() with no values
** on a statement with parameters; "named" when any parameter has a name
** (?NNN, :a, @a, $a all do), otherwise the positional message. */
#define CW_MSG_NAMED_PARAMS "Missing named parameters"
#define CW_MSG_TOO_FEW_PARAMS "Too few parameter values were provided"

typedef struct cw_prepared {
	cw_verdict verdict;
	size_t second_offset;  /* MULTIPLE: offset in the piece of the second
				** statement's first byte */
	int sqlite_rc;         /* SQL_ERROR: extended result code */
	char message[512];     /* better-sqlite3's message or SQLite's errmsg */
} cw_prepared;

/* Offset in `tail` of the first byte the rule does not allow, or
** (size_t)-1 if the tail is acceptable.  Scanning stops at a NUL byte, as
** better-sqlite3's does. */
size_t cw_stmtrule_tail_violation(const char *tail, cw_rule rule);

/* What a statement does to the transaction, judged by its first keyword
** (comments and spaces skipped): BEGIN, COMMIT/END, ROLLBACK (not
** ROLLBACK TO), PRAGMA foreign_keys = value, or none of these. */
typedef enum cw_txn_kind {
	CW_TXN_NONE = 0,
	CW_TXN_BEGIN,
	CW_TXN_COMMIT,
	CW_TXN_ROLLBACK,
	CW_TXN_PRAGMA_FK_ON,
	CW_TXN_PRAGMA_FK_OFF
} cw_txn_kind;

cw_txn_kind cw_stmtrule_txn_kind(const char *sql);

/* p past blanks, "--" and slash-star comments: where the next word of
** SQL starts (the end of the text when none is left). */
const char *cw_stmtrule_skip_blank(const char *p);

/* The journal mode a `PRAGMA [schema.]journal_mode = X` statement asks
** for, lower case, into want (n bytes); 1 if it is one, else 0.  The
** statement may end with or without a ';'. */
int cw_stmtrule_journal_mode(const char *sql, char *want, size_t n);

/* Prepare piece (sql, len) on db the way better-sqlite3 does, and refuse
** it as run() with no arguments does when it has parameters.  On
** CW_PIECE_OK *out_stmt holds the statement (caller finalizes); otherwise it
** is NULL and res says why.  Returns 0, or CW_ENOMEM. */
int cw_stmtrule_prepare(sqlite3_stmt **out_stmt, cw_prepared *res, sqlite3 *db,
		    const char *sql, size_t len, cw_rule rule, cw_error *err);

#endif
