/*
** sqlscan.c - tokenizing migration SQL the way SQLite's tokenizer does.
*/
#include "sqlscan.h"

#include <stdlib.h>
#include <string.h>

static int is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* SQLite's IdChar(): letters, digits, '_', '$' and every byte >= 0x80. */
static int is_id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == '_' || c == '$' || c >= 0x80;
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* End of a quoted token starting at i (text[i] is the opening quote):
** one past the closing quote, a doubled quote being an escaped one; the
** end of the range when unterminated, as SQLite reads to the end. */
static size_t quoted_end(const char *s, size_t i, size_t end, char close)
{
	for (i++; i < end; i++) {
		if (s[i] != close)
			continue;
		if (close != ']' && i + 1 < end && s[i + 1] == close) {
			i++;
			continue;
		}
		return i + 1;
	}
	return end;
}

static size_t number_end(const char *s, size_t i, size_t end)
{
	unsigned char c;

	if (s[i] == '0' && i + 2 < end && lower(s[i + 1]) == 'x') {
		for (i += 2; i < end && strchr("0123456789abcdef",
					       lower(s[i])) && s[i]; i++)
			;
		return i;
	}
	while (i < end && is_digit(s[i]))
		i++;
	if (i < end && s[i] == '.')
		for (i++; i < end && is_digit(s[i]); i++)
			;
	c = i < end ? lower(s[i]) : 0;
	if (c == 'e' && i + 1 < end && (is_digit(s[i + 1]) ||
	    ((s[i + 1] == '+' || s[i + 1] == '-') && i + 2 < end &&
	     is_digit(s[i + 2])))) {
		for (i += 2; i < end && is_digit(s[i]); i++)
			;
	}
	return i;
}

/* Skip spaces and comments from i; returns the next token's start. */
static size_t skip_blank(const char *s, size_t i, size_t end)
{
	while (i < end) {
		if (is_space(s[i])) {
			i++;
		} else if (s[i] == '-' && i + 1 < end && s[i + 1] == '-') {
			while (i < end && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && i + 1 < end && s[i + 1] == '*') {
			for (i += 2; i < end && !(s[i] == '*' && i + 1 < end &&
						  s[i + 1] == '/'); i++)
				;
			i = i < end ? i + 2 : end;
		} else {
			break;
		}
	}
	return i;
}

/* Classify the token starting at i and return one past its end. */
static size_t token_at(const char *s, size_t i, size_t end,
		       cw_tok_type *type)
{
	unsigned char c = (unsigned char)s[i];

	if (c == '\'') {
		*type = CW_TOK_STRING;
		return quoted_end(s, i, end, '\'');
	}
	if (c == '"' || c == '`' || c == '[') {
		*type = CW_TOK_QID;
		return quoted_end(s, i, end, c == '[' ? ']' : (char)c);
	}
	if ((c == 'x' || c == 'X') && i + 1 < end && s[i + 1] == '\'') {
		*type = CW_TOK_BLOB;
		return quoted_end(s, i + 1, end, '\'');
	}
	if (is_digit(c) || (c == '.' && i + 1 < end && is_digit(s[i + 1]))) {
		*type = CW_TOK_NUMBER;
		return number_end(s, i, end);
	}
	if (is_id_char(c) && c != '$') {
		*type = CW_TOK_WORD;
		for (i++; i < end && is_id_char(s[i]); i++)
			;
		return i;
	}
	if (c == '?' || c == ':' || c == '@' || c == '$') {
		*type = CW_TOK_VAR;
		for (i++; i < end && is_id_char(s[i]); i++)
			;
		return i;
	}
	*type = CW_TOK_PUNCT;
	return i + 1;
}

static int push(cw_toks *out, cw_tok_type type, size_t off, size_t len)
{
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 256;
		cw_tok *bigger = realloc(out->items, cap * sizeof(*bigger));
		if (bigger == NULL)
			return -1;
		out->items = bigger;
		out->cap = cap;
	}
	out->items[out->n].type = type;
	out->items[out->n].off = off;
	out->items[out->n].len = len;
	out->n++;
	return 0;
}

int cw_sqlscan(cw_toks *out, const char *text, size_t start, size_t end,
	       cw_error *err)
{
	size_t i = start;

	out->n = 0;
	/* A byte-order mark at the start is accepted (drizzle-semantics
	** section 3), so it must not look like an identifier. */
	if (end - i >= 3 && memcmp(text + i, "\xEF\xBB\xBF", 3) == 0)
		i += 3;
	for (;;) {
		cw_tok_type type;
		size_t stop;
		i = skip_blank(text, i, end);
		if (i >= end)
			return 0;
		stop = token_at(text, i, end, &type);
		if (push(out, type, i, stop - i) != 0)
			return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
					    "out of memory tokenizing SQL");
		i = stop;
	}
}

void cw_toks_free(cw_toks *t)
{
	if (t == NULL)
		return;
	free(t->items);
	t->items = NULL;
	t->n = t->cap = 0;
}

/* 1 if the statement at toks[start] is CREATE [TEMP] TRIGGER. */
static int is_trigger(const char *text, const cw_tok *toks, size_t n,
		      size_t start)
{
	size_t i = start + 1;

	if (start >= n || !cw_tok_is(text, &toks[start], "CREATE"))
		return 0;
	if (i < n && (cw_tok_is(text, &toks[i], "TEMP") ||
		      cw_tok_is(text, &toks[i], "TEMPORARY")))
		i++;
	return i < n && cw_tok_is(text, &toks[i], "TRIGGER");
}

size_t cw_sqlscan_stmt_end(const char *text, const cw_tok *toks, size_t n,
			   size_t start)
{
	int trigger = is_trigger(text, toks, n, start);
	size_t i;

	for (i = start; i < n; i++) {
		if (!cw_tok_punct(text, &toks[i], ';'))
			continue;
		/* Inside a trigger only "END ;" closes the statement; like
		** sqlite3_complete(), a CASE ... END; in the body fools it. */
		if (!trigger || (i > start &&
				 cw_tok_is(text, &toks[i - 1], "END")))
			return i;
	}
	return n;
}

int cw_tok_is(const char *text, const cw_tok *tok, const char *kw)
{
	size_t i;

	if (tok->type != CW_TOK_WORD || strlen(kw) != tok->len)
		return 0;
	for (i = 0; i < tok->len; i++)
		if (lower((unsigned char)text[tok->off + i]) !=
		    lower((unsigned char)kw[i]))
			return 0;
	return 1;
}

int cw_tok_punct(const char *text, const cw_tok *tok, char c)
{
	return tok->type == CW_TOK_PUNCT && text[tok->off] == c;
}

int cw_tok_is_name(const cw_tok *tok)
{
	return tok->type == CW_TOK_WORD || tok->type == CW_TOK_QID ||
	       tok->type == CW_TOK_STRING;
}

char *cw_tok_name(const char *text, const cw_tok *tok)
{
	const char *s = text + tok->off;
	size_t n = tok->len, i, o = 0;
	char close = 0;
	char *out;

	if (tok->type == CW_TOK_QID || tok->type == CW_TOK_STRING) {
		close = s[0] == '[' ? ']' : s[0];
		s++;
		n = n >= 2 && s[n - 2] == close ? n - 2 : n - 1;
	}
	out = malloc(n + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		out[o++] = s[i];
		if (close && close != ']' && s[i] == close && i + 1 < n &&
		    s[i + 1] == close)
			i++;
	}
	out[o] = '\0';
	return out;
}

int cw_sqlscan_name_eq(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return lower((unsigned char)*a) == lower((unsigned char)*b);
}
