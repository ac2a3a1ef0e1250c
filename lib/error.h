/*
** error.h - the one error convention of libcw.
**
** A function that can fail returns 0 or a negative CW_E* code and takes a
** caller-owned `cw_error *err` as its last parameter.  The failure site fills
** it once (the first message wins) with the code, the file and line involved,
** a stable diagnostic code where one applies, and one line of text saying
** what happened, including what SQLite or the OS said.
*/
#ifndef CW_ERROR_H
#define CW_ERROR_H

#include <stddef.h>

enum {
	CW_OK = 0,
	CW_EINVAL = -1,    /* bad input: malformed journal, unsafe tag, usage */
	CW_ENOTFOUND = -2, /* a file or object that must exist does not */
	CW_EIO = -3,       /* the OS refused a read or write */
	CW_ESQL = -4,      /* SQLite rejected a statement (migration failed) */
	CW_ENOMEM = -5,    /* out of memory */
	CW_EBUSY = -6      /* the database stayed locked past the timeout */
};

typedef struct cw_error {
	int code;          /* CW_E*, 0 while unset */
	char diag[8];      /* stable diagnostic code ("J001") or "" */
	char path[1024];   /* file the failure is about, or "" */
	int line;          /* 1-based line in path, 0 if unknown */
	int column;        /* 1-based column, 0 if unknown */
	char message[1536];/* one line, no trailing newline */
} cw_error;

/* Set err unless it is already set; returns `code` so callers can
** `return cw_error_set(...)`.  err may be NULL.  Text longer than a field
** is cut at a character boundary (never inside a UTF-8 sequence). */
int cw_error_set(cw_error *err, int code, const char *diag, const char *path,
		 int line, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Forget a previous error (for callers that recover). */
void cw_error_clear(cw_error *err);

/* A short generic text for a CW_E* code. */
const char *cw_error_name(int code);

#endif
