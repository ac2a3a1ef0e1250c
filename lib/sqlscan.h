/*
** sqlscan.h - a small SQL tokenizer for reading migrations, not running
** them.
**
** It follows SQLite's own tokenizer (src/tokenize.c) closely enough that a
** keyword inside a string literal, a quoted identifier or a comment is
** never taken for a keyword: '...' strings with '' escapes, "...", `...`
** and [...] identifiers, -- and block comments, X'..' blobs, numbers and
** ?/:/@/$ parameters.  Statements are cut at ';' except inside the
** BEGIN ... END body of CREATE TRIGGER, as sqlite3_complete() does.
** Tokens point into the caller's text; nothing is copied.
*/
#ifndef CW_SQLSCAN_H
#define CW_SQLSCAN_H

#include <stddef.h>
#include "error.h"

typedef enum cw_tok_type {
	CW_TOK_WORD = 0,  /* keyword or bare identifier */
	CW_TOK_QID,       /* "x", `x` or [x] */
	CW_TOK_STRING,    /* 'x' */
	CW_TOK_BLOB,      /* X'00' */
	CW_TOK_NUMBER,
	CW_TOK_VAR,       /* ? ?1 :a @a $a */
	CW_TOK_PUNCT      /* any other single byte, ';' '(' ')' ',' '.' */
} cw_tok_type;

typedef struct cw_tok {
	cw_tok_type type;
	size_t off;       /* byte offset in the scanned text */
	size_t len;
} cw_tok;

typedef struct cw_toks {
	cw_tok *items;
	size_t n;
	size_t cap;
} cw_toks;

#define CW_TOKS_INIT {NULL, 0, 0}

/* Tokenize text[start..end) into out (emptied first, its storage
** reused); token offsets are offsets in text.  A U+FEFF at `start` counts
** as space.  Returns 0 or CW_ENOMEM. */
int cw_sqlscan(cw_toks *out, const char *text, size_t start, size_t end,
	       cw_error *err);

void cw_toks_free(cw_toks *t);

/* Index one past the last token of the statement starting at token
** `start`: the index of its ';', or n.  CREATE TRIGGER bodies count as
** one statement (a ';' ends it only right after END). */
size_t cw_sqlscan_stmt_end(const char *text, const cw_tok *toks, size_t n,
			   size_t start);

/* 1 if tok is the bare word kw (ASCII, case-insensitive). */
int cw_tok_is(const char *text, const cw_tok *tok, const char *kw);

/* 1 if tok is the single punctuation byte c. */
int cw_tok_punct(const char *text, const cw_tok *tok, char c);

/* 1 if tok can name a table or column: a word, quoted identifier or
** string (SQLite accepts 'x' there too). */
int cw_tok_is_name(const cw_tok *tok);

/* The name tok spells, without quotes and with doubled quotes undone, as
** a new string (caller frees); NULL when out of memory. */
char *cw_tok_name(const char *text, const cw_tok *tok);

/* ASCII case-insensitive comparison of identifiers, as SQLite's. */
int cw_sqlscan_name_eq(const char *a, const char *b);

#endif
