/*
** jsonstrict.c - an RFC 8259 validator: exactly what JSON.parse accepts,
** so that cw refuses every journal drizzle would fail to parse.
*/
#include "jsonstrict.h"

#include <string.h>

typedef struct scan {
	const unsigned char *s;
	size_t len, i;
} scan;

static int value(scan *p, int depth);

static int at(const scan *p, unsigned char c)
{
	return p->i < p->len && p->s[p->i] == c;
}

static int digit(const scan *p)
{
	return p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

/* Only space, tab, LF and CR are whitespace in JSON. */
static void ws(scan *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
				 p->s[p->i] == '\n' || p->s[p->i] == '\r'))
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
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			p->i++;
			if (p->i >= p->len)
				return -1;
			c = p->s[p->i];
			if (c == 'u') {
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

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static int number(scan *p)
{
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
		if (p->len - p->i >= n && memcmp(p->s + p->i, words[k], n) == 0) {
			p->i += n;
			return 0;
		}
	}
	return -1;
}

/* Objects and arrays: members separated by commas, no trailing one. */
static int container(scan *p, int depth)
{
	unsigned char close = p->s[p->i] == '{' ? '}' : ']';

	p->i++;
	ws(p);
	if (at(p, close)) {
		p->i++;
		return 0;
	}
	for (;;) {
		ws(p);
		if (close == '}') {
			if (!at(p, '"') || string(p) != 0)
				return -1;
			ws(p);
			if (!at(p, ':'))
				return -1;
			p->i++;
		}
		if (value(p, depth + 1) != 0)
			return -1;
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

static int value(scan *p, int depth)
{
	ws(p);
	if (p->i >= p->len || depth > CW_JSON_MAX_DEPTH)
		return -1;
	switch (p->s[p->i]) {
	case '{':
	case '[':
		return container(p, depth);
	case '"':
		return string(p);
	case 't':
	case 'f':
	case 'n':
		return literal(p);
	default:
		return number(p);
	}
}

int cw_json_strict_validate(const char *text, size_t len,
			    size_t *out_offset)
{
	scan p = {(const unsigned char *)text, len, 0};

	if (value(&p, 0) == 0) {
		ws(&p);
		if (p.i == len)
			return 0;
	}
	if (out_offset != NULL)
		*out_offset = p.i;
	return -1;
}
