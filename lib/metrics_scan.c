/*
** metrics_scan.c - the backfill pre-filter: a validating scan of one
** JSON value in raw bytes that builds nothing, and notes whether a
** counted name sits where counting reads it (metrics_count.h, "The
** pre-filter").
**
** The scan must accept exactly the lines cJSON then parses, or a line
** could be valid to one and malformed to the other: hence the nesting,
** number-length and surrogate limits, which are cJSON's.
*/
#include "metrics_int.h"

#include <cjson/cJSON.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

typedef cw_metrics_scan scan;

/* The counted events, written once (metrics_int.h). */
const cw_metrics_counted cw_metrics_counted_names[CW_METRICS_N_COUNTED] = {
	{"AskUserQuestion", 15, "assistant", "name", 4, 1,
	 CW_METRIC_QUESTIONS},
	{"Agent", 5, "assistant", "name", 4, 1, CW_METRIC_SUBAGENTS},
	{"compact_boundary", 16, "system", "subtype", 7, 0,
	 CW_METRIC_COMPACTIONS},
};

/* cJSON reads at most 63 characters of a number (parse_number). */
#define NUMBER_MAX_LEN 63

void cw_metrics_skip_ws_run(scan *s)
{
	for (; s->p < s->end; s->p++) {
		unsigned char c = *s->p;
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c == '\n' && s->allow_nl) {
			s->saw_nl = 1;
			continue;
		}
		break;
	}
}

bytes cw_metrics_skip_bom(bytes p, bytes end)
{
	if (end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return p + 3;
	return p;
}

static int hex4(bytes p, bytes end, unsigned *out)
{
	unsigned v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned c = p[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = v * 16 + ((c | 0x20) - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* After a backslash at p[-1]: a valid escape (surrogates in pairs, as
** cJSON wants them).  Returns the byte after it, or NULL. */
static bytes scan_escape(scan *s, bytes p)
{
	unsigned u, lo;

	if (p >= s->end)
		return NULL;
	switch (*p) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n':
	case 'r': case 't':
		return p + 1;
	case 'u':
		break;
	default:
		return NULL;
	}
	if (hex4(p + 1, s->end, &u) != 0)
		return NULL;
	p += 5;
	if (u == 0)
		s->has_nul = 1;
	if (u >= 0xDC00 && u <= 0xDFFF)
		return NULL;
	if (u < 0xD800 || u > 0xDBFF)
		return p;
	if (s->end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
	    hex4(p + 2, s->end, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
		return NULL;
	return p + 6;
}

/* Decode the raw string s[0..len) (escapes valid) into buf, which holds
** NAME_MAX_LEN bytes.  Returns its length, or -1 when it is longer or
** holds an escape of anything but ASCII: every word the filter looks for
** (counted names and the keys on their path) is short ASCII without
** quotes, backslashes or control characters, so such a string is none of
** them. */
static int decode_short(bytes s, size_t len, unsigned char *buf)
{
	size_t n = 0, i = 0;
	unsigned u;

	while (i < len) {
		if (n == NAME_MAX_LEN)
			return -1;
		if (s[i] != '\\') {
			buf[n++] = s[i++];
			continue;
		}
		if (s[i + 1] != 'u' || hex4(s + i + 2, s + len, &u) != 0 ||
		    u >= 0x80)
			return -1;
		buf[n++] = (unsigned char)u;
		i += 6;
	}
	return (int)n;
}

/* The string the scan last met, decoded when short enough to be a word
** the filter looks for; its length, or -1. */
static int last_string(const scan *s, unsigned char *buf)
{
	size_t len = (size_t)(s->str_end - s->str);

	if (!s->str_escaped) {
		if (len > NAME_MAX_LEN)
			return -1;
		memcpy(buf, s->str, len);
		return (int)len;
	}
	return len > 6 * NAME_MAX_LEN ? -1 : decode_short(s->str, len, buf);
}

static int word_is(const unsigned char *w, int n, const char *word)
{
	return n >= 0 && (size_t)n == strlen(word) && memcmp(w, word, n) == 0;
}

/* 1 if w[0..n) is the value of a counted row whose field is a block's
** (in_block) or an event's. */
static int is_value_of(const unsigned char *w, int n, int in_block)
{
	size_t i;

	for (i = 0; i < CW_METRICS_N_COUNTED; i++)
		if (cw_metrics_counted_names[i].in_block == in_block &&
		    (size_t)n == cw_metrics_counted_names[i].len &&
		    memcmp(w, cw_metrics_counted_names[i].value, (size_t)n) == 0)
			return 1;
	return 0;
}

/* 1 if w[0..n) is the field of a counted row, a block's or an event's. */
static int is_field_of(const unsigned char *w, int n, int in_block)
{
	size_t i;

	for (i = 0; i < CW_METRICS_N_COUNTED; i++)
		if (cw_metrics_counted_names[i].in_block == in_block &&
		    (size_t)n == cw_metrics_counted_names[i].field_len &&
		    memcmp(w, cw_metrics_counted_names[i].field, (size_t)n) == 0)
			return 1;
	return 0;
}

/* Bytes of v that may be '"', '\\' or below 0x20 have their high bit set
** (never a false negative; a false positive only after a true one). */
static inline uint64_t special8(uint64_t v)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t highs = 0x8080808080808080ULL;
	uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');

	return (((q - ones) & ~q) | ((b - ones) & ~b) |
		((v - ones * 0x20) & ~v)) & highs;
}

#ifdef __SSE2__
/* A mask of the bytes of p[0..16) that are '"', '\\' or below 0x20. */
static inline unsigned special16(bytes p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i b = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
	__m128i c = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q, b),
							 c));
}
#endif

/* A string whose opening quote is at s->p[-1]; s->p ends after its
** closing quote, s->str..s->str_end is its raw text.  Most bytes go by
** sixteen (SSE2) or eight at a time. */
static int scan_string(scan *s)
{
	bytes start = s->p, p = s->p, end = s->end;
	int escaped = 0;
	uint64_t v;

	for (;;) {
#ifdef __SSE2__
		while (end - p >= 16) {
			unsigned m = special16(p);
			if (m) {
				p += __builtin_ctz(m);
				break;
			}
			p += 16;
		}
#endif
		while (end - p >= 8) {
			memcpy(&v, p, 8);
			if (special8(v))
				break;
			p += 8;
		}
		if (p >= end)
			return -1;
		if (*p == '"')
			break;
		if (*p == '\\') {
			escaped = 1;
			p = scan_escape(s, p + 1);
			if (p == NULL)
				return -1;
			continue;
		}
		if (*p < 0x20)
			return -1;
		p++;
	}
	s->p = p + 1;
	s->str = start;
	s->str_end = p;
	s->str_escaped = escaped;
	return 0;
}

static int digits(scan *s)
{
	bytes p = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > p ? 0 : -1;
}

static int scan_number(scan *s)
{
	bytes start = s->p;

	if (*s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (s->p >= s->end || *s->p < '1' || *s->p > '9' ||
		 digits(s) != 0)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (digits(s) != 0)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (digits(s) != 0)
			return -1;
	}
	return s->p - start <= NUMBER_MAX_LEN ? 0 : -1;
}

static int scan_literal(scan *s, const char *word, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

/* Where a value sits on the path that counting reads (count_event):
** the line itself, an event (the line, or an element of the line's
** array), its message, the message's content array, a block of it, and
** the two string slots that hold counted values: a block's field of an
** assistant row, an event's field of a system row.  Anywhere else a
** value cannot count. */
enum { AT_OTHER, AT_LINE, AT_EVENT, AT_MESSAGE, AT_CONTENT, AT_BLOCK,
       AT_ASSISTANT_SLOT, AT_SYSTEM_SLOT };

/* Containers, by what they are on that path. */
enum { IN_OTHER, IN_EVENTS, IN_EVENT, IN_MESSAGE, IN_CONTENT, IN_BLOCK };

static unsigned char container_of(unsigned char at, unsigned char c)
{
	if (c == '{')
		return at == AT_LINE || at == AT_EVENT ? IN_EVENT :
		       at == AT_MESSAGE ? IN_MESSAGE :
		       at == AT_BLOCK ? IN_BLOCK : IN_OTHER;
	return at == AT_LINE ? IN_EVENTS : at == AT_CONTENT ? IN_CONTENT :
	       IN_OTHER;
}

/* Where the value of the key just scanned sits, in an object `in`.
** Keys are compared decoded, so an escaped key is seen as what it
** spells; a key given twice is followed both times (more parsing, never
** less). */
static unsigned char member_at(const scan *s, unsigned char in)
{
	unsigned char w[NAME_MAX_LEN];
	int n;

	if (in != IN_EVENT && in != IN_MESSAGE && in != IN_BLOCK)
		return AT_OTHER;
	n = last_string(s, w);
	if (in == IN_EVENT)
		return word_is(w, n, "message") ? AT_MESSAGE :
		       is_field_of(w, n, 0) ? AT_SYSTEM_SLOT : AT_OTHER;
	if (in == IN_MESSAGE)
		return word_is(w, n, "content") ? AT_CONTENT : AT_OTHER;
	return is_field_of(w, n, 1) ? AT_ASSISTANT_SLOT : AT_OTHER;
}

/* A string value at `at`: note a counted name in its slot. */
static void string_at(scan *s, unsigned char at)
{
	unsigned char w[NAME_MAX_LEN];

	if (s->has_name || (at != AT_ASSISTANT_SLOT && at != AT_SYSTEM_SLOT))
		return;
	s->has_name = is_value_of(w, last_string(s, w),
				  at == AT_ASSISTANT_SLOT);
}

/* One JSON value starting at s->p (no whitespace before it), the whole
** of a line or chunk.  Iterative, so deep nesting costs no C stack. */
int cw_metrics_scan_value(scan *s)
{
	unsigned char stack[CJSON_NESTING_LIMIT], in[CJSON_NESTING_LIMIT];
	unsigned char at = s->is_element ? AT_EVENT : AT_LINE;
	size_t depth = 0;

value:
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '{': case '[':
		if (depth >= CJSON_NESTING_LIMIT)
			return -1;
		in[depth] = container_of(at, *s->p);
		stack[depth++] = *s->p++;
		cw_metrics_skip_ws(s);
		if (s->p < s->end && *s->p == stack[depth - 1] + 2) {
			s->p++;   /* '{' + 2 is '}', '[' + 2 is ']' */
			depth--;
			goto after;
		}
		if (stack[depth - 1] == '{')
			goto key;
		goto element;
	case '"':
		s->p++;
		if (scan_string(s) != 0)
			return -1;
		string_at(s, at);
		goto after;
	case 't':
		if (scan_literal(s, "true", 4) != 0)
			return -1;
		goto after;
	case 'f':
		if (scan_literal(s, "false", 5) != 0)
			return -1;
		goto after;
	case 'n':
		if (scan_literal(s, "null", 4) != 0)
			return -1;
		goto after;
	default:
		if (*s->p != '-' && (*s->p < '0' || *s->p > '9'))
			return -1;
		if (scan_number(s) != 0)
			return -1;
		goto after;
	}
element:
	at = in[depth - 1] == IN_EVENTS ? AT_EVENT :
	     in[depth - 1] == IN_CONTENT ? AT_BLOCK : AT_OTHER;
	goto value;
key:
	if (s->p >= s->end || *s->p != '"')
		return -1;
	s->p++;
	if (scan_string(s) != 0)
		return -1;
	at = member_at(s, in[depth - 1]);
	cw_metrics_skip_ws(s);
	if (s->p >= s->end || *s->p != ':')
		return -1;
	s->p++;
	cw_metrics_skip_ws(s);
	goto value;
after:
	if (depth == 0)
		return 0;
	cw_metrics_skip_ws(s);
	if (s->p >= s->end)
		return -1;
	if (*s->p == ',') {
		s->p++;
		cw_metrics_skip_ws(s);
		if (stack[depth - 1] == '{')
			goto key;
		goto element;
	}
	if (*s->p != stack[depth - 1] + 2)
		return -1;
	s->p++;
	depth--;
	goto after;
}
