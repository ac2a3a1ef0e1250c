/*
** jsnumber.c - JavaScript's Number() of a created_at value.
**
** drizzle compares the newest created_at with each `when` as
** Number(last.created_at) < when, so how a TEXT or BLOB created_at
** converts decides which migrations run (spec/drizzle-semantics.md 2).
*/
#include "jsnumber.h"
#include "text.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_js_space(const unsigned char *s, size_t *skip)
{
	/* ECMAScript WhiteSpace and LineTerminator: ASCII, NBSP, the BOM,
	** OGHAM SPACE MARK, U+2000..U+200A, LS, PS, U+202F, U+205F and
	** IDEOGRAPHIC SPACE. */
	if (s[0] && strchr(" \t\n\v\f\r", s[0])) {
		*skip = 1;
		return 1;
	}
	*skip = s[0] == 0xC2 && s[1] == 0xA0 ? 2 : 3;
	if (*skip == 2)
		return 1;
	if ((s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ||
	    (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80) ||
	    (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80))
		return 1;
	if (s[0] == 0xE2 && s[1] == 0x80 &&
	    ((s[2] >= 0x80 && s[2] <= 0x8A) || s[2] == 0xA8 ||
	     s[2] == 0xA9 || s[2] == 0xAF))
		return 1;
	if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
		return 1;
	return 0;
}

/* StringToNumber (ECMA-262 7.1.4.1.1) for the decoded text s. */
static double js_string_to_number(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *end;
	size_t skip, n;
	char *buf, *stop;
	double v;
	int base = 0, has_digits = 0;
	size_t i;

	while (*s && is_js_space(s, &skip))
		s += skip;
	end = s + strlen((const char *)s);
	while (end > s) {
		/* Walk back over one trailing space character. */
		if (is_js_space(end - 1, &skip) && skip == 1)
			end -= 1;
		else if (end - s >= 2 && is_js_space(end - 2, &skip) &&
			 skip == 2)
			end -= 2;
		else if (end - s >= 3 && is_js_space(end - 3, &skip) &&
			 skip == 3)
			end -= 3;
		else
			break;
	}
	n = (size_t)(end - s);
	if (n == 0)
		return 0.0;
	if (n >= 2 && s[0] == '0' && strchr("xXoObB", s[1])) {
		base = strchr("xX", s[1]) ? 16 : strchr("oO", s[1]) ? 8 : 2;
		v = 0;
		for (i = 2; i < n; i++) {
			int d = isdigit(s[i]) ? s[i] - '0' :
				isxdigit(s[i]) ? tolower(s[i]) - 'a' + 10 : 99;
			if (d >= base)
				return NAN;
			v = v * base + d;
		}
		return i > 2 ? v : NAN;
	}
	i = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	if (n - i == 8 && memcmp(s + i, "Infinity", 8) == 0)
		return s[0] == '-' ? -INFINITY : INFINITY;
	while (i < n && isdigit(s[i])) {
		i++;
		has_digits = 1;
	}
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit(s[i])) {
			i++;
			has_digits = 1;
		}
	}
	if (!has_digits)
		return NAN;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j >= n || !isdigit(s[j]))
			return NAN;
		while (j < n && isdigit(s[j]))
			j++;
		i = j;
	}
	if (i != n)
		return NAN;
	buf = malloc(n + 1);
	if (buf == NULL)
		return NAN;
	memcpy(buf, s, n);
	buf[n] = '\0';
	v = strtod(buf, &stop);
	free(buf);
	return v;
}

double cw_jsnumber_of_value(sqlite3_value *v)
{
	cw_bytes text = {0};
	double d;

	switch (sqlite3_value_type(v)) {
	case SQLITE_NULL:
		return 0.0;
	case SQLITE_INTEGER:
		return (double)sqlite3_value_int64(v);
	case SQLITE_FLOAT:
		return sqlite3_value_double(v);
	default:
		/* TEXT is a JS string; a BLOB is a Buffer, whose Number() goes
		** through its UTF-8 toString(). */
		if (cw_text_utf8_sanitize(&text,
					  (const char *)sqlite3_value_blob(v),
					  (size_t)sqlite3_value_bytes(v),
					  NULL, NULL) != 0)
			return NAN;
		d = js_string_to_number(text.data);
		cw_bytes_free(&text);
		return d;
	}
}

