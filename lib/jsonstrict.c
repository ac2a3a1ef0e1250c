/*
** jsonstrict.c - the one JSON text walker: an RFC 8259 validator that
** accepts exactly what JSON.parse accepts, so that cw refuses every
** journal drizzle would fail to parse, and that tells a visitor where
** each value, key and array element is, for findings with line numbers.
** Lenient, it walks any text cJSON accepted (see jsonstrict.h).
*/
#include "jsonstrict.h"
#include "error.h"

#include <string.h>

typedef struct scan {
	const unsigned char *s;
	size_t len, i;
	int lenient;
	cw_json_visit visit;  /* NULL: validate only */
	void *ctx;
	int stopped;          /* the visitor asked to stop */
} scan;

static int value(scan *p, cw_json_at *where);

static int at(const scan *p, unsigned char c)
{
	return p->i < p->len && p->s[p->i] == c;
}

static int digit(const scan *p)
{
	return p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

/* Only space, tab, LF and CR are whitespace in JSON; cJSON takes every
** byte up to ' ' (NUL included) for whitespace. */
static void ws(scan *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
				 p->s[p->i] == '\n' || p->s[p->i] == '\r' ||
				 (p->lenient && p->s[p->i] <= ' ')))
		p->i++;
}

static int hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static int string(scan *p)
{
	int k;

	p->i++;
	while (p->i < p->len) {
		unsigned char c = p->s[p->i];
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20 && !p->lenient)
			return -1;
		if (c == '\\') {
			p->i++;
			if (p->i >= p->len)
				return -1;
			c = p->s[p->i];
			if (p->lenient) {
				/* cJSON judged the escape already */
			} else if (c == 'u') {
				for (k = 1; k <= 4; k++)
					if (p->i + k >= p->len ||
					    !hex(p->s[p->i + k]))
						return -1;
				p->i += 4;
			} else if (c == 0 || !strchr("\"\\/bfnrt", c)) {
				return -1;
			}
		}
		p->i++;
	}
	return -1;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?, or, lenient, the
** characters cJSON hands to strtod. */
static int number(scan *p)
{
	if (p->lenient) {
		size_t from = p->i;
		while (p->i < p->len && p->s[p->i] &&
		       strchr("0123456789+-.eE", p->s[p->i]))
			p->i++;
		return p->i > from ? 0 : -1;
	}
	if (at(p, '-'))
		p->i++;
	if (at(p, '0'))
		p->i++;
	else if (digit(p))
		while (digit(p))
			p->i++;
	else
		return -1;
	if (at(p, '.')) {
		p->i++;
		if (!digit(p))
			return -1;
		while (digit(p))
			p->i++;
	}
	if (at(p, 'e') || at(p, 'E')) {
		p->i++;
		if (at(p, '+') || at(p, '-'))
			p->i++;
		if (!digit(p))
			return -1;
		while (digit(p))
			p->i++;
	}
	return 0;
}

static int literal(scan *p)
{
	static const char *const words[] = {"true", "false", "null"};
	size_t k, n;

	for (k = 0; k < 3; k++) {
		n = strlen(words[k]);
		if (p->len - p->i >= n &&
		    memcmp(p->s + p->i, words[k], n) == 0) {
			p->i += n;
			return 0;
		}
	}
	return -1;
}

/* Objects and arrays: members separated by commas, no trailing one.
** Returns 0, -1 at an error (p->i on it), or 1 when the visitor stopped
** the walk. */
static int container(scan *p, const cw_json_at *parent)
{
	unsigned char close = p->s[p->i] == '{' ? '}' : ']';
	cw_json_at m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.depth = parent->depth + 1;
	p->i++;
	ws(p);
	if (at(p, close)) {
		p->i++;
		return 0;
	}
	for (;; m.index++) {
		ws(p);
		if (close == '}') {
			m.key_off = p->i;
			if (!at(p, '"') || string(p) != 0)
				return -1;
			m.key = (const char *)p->s + m.key_off + 1;
			m.key_len = p->i - m.key_off - 2;
			ws(p);
			if (!at(p, ':'))
				return -1;
			p->i++;
		}
		rc = value(p, &m);
		if (rc != 0)
			return rc;
		ws(p);
		if (at(p, ',')) {
			p->i++;
			continue;
		}
		if (!at(p, close))
			return -1;
		p->i++;
		return 0;
	}
}

/* One value at p->i (after whitespace); `where` says where it sits.  The
** visitor sees it on the way in and, with its end, on the way out. */
static int value(scan *p, cw_json_at *where)
{
	int rc;

	ws(p);
	if (p->i >= p->len || where->depth > CW_JSON_MAX_DEPTH)
		return -1;
	where->off = p->i;
	where->end = 0;
	if (p->visit && p->visit(p->ctx, where, 0) != 0)
		return p->stopped = 1;
	switch (p->s[p->i]) {
	case '{':
	case '[':
		rc = container(p, where);
		break;
	case '"':
		rc = string(p);
		break;
	case 't':
	case 'f':
	case 'n':
		rc = literal(p);
		break;
	default:
		rc = number(p);
		break;
	}
	if (rc != 0)
		return rc;
	where->end = p->i;
	if (p->visit && p->visit(p->ctx, where, 1) != 0)
		return p->stopped = 1;
	return 0;
}

int cw_jsonstrict_walk(const char *text, size_t len, int lenient,
		 cw_json_visit visit, void *ctx, size_t *out_offset)
{
	scan p = {(const unsigned char *)text, len, 0, lenient, visit, ctx,
		  0};
	cw_json_at top;
	int rc;

	memset(&top, 0, sizeof(top));
	/* cJSON skips a UTF-8 byte-order mark; JSON.parse does not. */
	if (lenient && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		p.i = 3;
	rc = value(&p, &top);
	if (rc == 0) {
		ws(&p);
		if (p.i == len)
			return 0;
	}
	if (p.stopped)
		return 0;
	if (out_offset != NULL)
		*out_offset = p.i;
	return CW_EINVAL;
}

int cw_jsonstrict_validate(const char *text, size_t len,
			    size_t *out_offset)
{
	return cw_jsonstrict_walk(text, len, 0, NULL, NULL, out_offset);
}
