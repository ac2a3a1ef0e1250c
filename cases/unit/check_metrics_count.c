/*
** check_metrics_count.c - lib/metrics_count.c: the pre-filter never changes
** a count.  On the generator's content (every form, several seeds) the
** counts equal the generator's true counts, the independent cJSON reader
** (check_agentlog_count.h) and always-parse; on adversarial chunks
** (escaped names, names in text, tool inputs and results, BOM, CRLF, NUL
** bytes, invalid UTF-8, 10 MB lines, deep nesting, arrays on a line,
** blank lines, no final newline) they equal hand-counted values and
** always-parse; on randomly damaged generator lines the two paths agree
** and every line the scan accepts, cJSON parses.
*/
#include "unit.h"
#include "check_agentlog_count.h"
#include "../../lib/agentlog.h"
#include "../../lib/metrics_count.h"

#include <stdlib.h>
#include <string.h>

#define N_CHUNKS 1500

static void count(cw_metrics_counts *c, const char *text, size_t len,
		  int flags)
{
	cw_error err = {0};

	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(cw_metrics_count(c, text, len, flags, &err), 0);
}

static void assert_same(const cw_metrics_counts *a,
			const cw_metrics_counts *b, const char *what,
			const char *text, size_t len)
{
	if (a->n[0] != b->n[0] || a->n[1] != b->n[1] || a->n[2] != b->n[2] ||
	    a->malformed != b->malformed)
		ck_abort_msg("%s: q%llu s%llu c%llu m%llu against q%llu s%llu "
			     "c%llu m%llu in (%zu bytes):\n%.2000s", what,
			     (unsigned long long)a->n[0],
			     (unsigned long long)a->n[1],
			     (unsigned long long)a->n[2],
			     (unsigned long long)a->malformed,
			     (unsigned long long)b->n[0],
			     (unsigned long long)b->n[1],
			     (unsigned long long)b->n[2],
			     (unsigned long long)b->malformed, len, text);
}

static void from_agentlog(cw_metrics_counts *m, const cw_agentlog_counts *c)
{
	memset(m, 0, sizeof(*m));
	m->n[CW_METRIC_QUESTIONS] = c->questions;
	m->n[CW_METRIC_SUBAGENTS] = c->subagents;
	m->n[CW_METRIC_COMPACTIONS] = c->compactions;
	m->malformed = c->malformed;
}

static char *gen(cw_agentlog_form form, uint64_t seed, size_t i,
		 cw_agentlog_counts *c, size_t *len)
{
	cw_agentlog_spec spec = {form, "6da1266e-bad6-49b0-acac-40d77cfd21bf",
				 "/srv/worktrees/blue-heron", i % 4 == 0,
				 i % 4 == 3};
	uint64_t label = i;
	cw_error err = {0};
	cw_prng rng;
	char *text = NULL;

	cw_prng_seed(&rng, seed, &label, 1);
	ck_assert_int_eq(cw_agentlog_chunk(&text, len, c, &spec, &rng, &err),
			 0);
	return text;
}

/* Every form, several seeds: true counts, the cJSON reader, always-parse
** and the pre-filter all agree; the pre-filter parses few lines. */
START_TEST(test_generator_content)
{
	static const uint64_t seeds[] = {1, 7, 42, 2024};
	cw_metrics_counts fast, slow, truth, indep, sum;
	cw_agentlog_counts claimed, read;
	size_t i, k, len, form;

	memset(&sum, 0, sizeof(sum));
	for (k = 0; k < sizeof(seeds) / sizeof(*seeds); k++)
		for (form = 0; form < CW_AGENTLOG_N_FORMS; form++)
			for (i = 0; i < N_CHUNKS / 4; i++) {
				char *t = gen((cw_agentlog_form)form, seeds[k],
					      i, &claimed, &len);
				count(&fast, t, len, 0);
				count(&slow, t, len, CW_METRICS_ALWAYS_PARSE);
				from_agentlog(&truth, &claimed);
				count_chunk(t, len, &read);
				from_agentlog(&indep, &read);
				assert_same(&fast, &truth, "truth", t, len);
				assert_same(&fast, &indep, "cJSON reader", t,
					    len);
				assert_same(&fast, &slow, "always-parse", t,
					    len);
				sum.lines += fast.lines;
				sum.parsed += fast.parsed;
				sum.n[1] += fast.n[1];
				free(t);
			}
	ck_assert_uint_gt(sum.n[1], 100);
	/* Selective: most lines never reach the parser. */
	ck_assert_msg(sum.parsed * 3 < sum.lines, "parsed %llu of %llu lines",
		      (unsigned long long)sum.parsed,
		      (unsigned long long)sum.lines);
}
END_TEST

typedef struct adv {
	const char *name;
	const char *text;
	size_t len;          /* 0: strlen(text) */
	unsigned q, s, c, m;
	int same_as_cjson;   /* the cJSON reader counts it the same way */
} adv;

#define ASK "{\"type\":\"assistant\",\"message\":{\"content\":[{\"type\":" \
	"\"tool_use\",\"id\":\"t1\",\"name\":"
#define END "}]}}"
#define L(s) s, sizeof(s) - 1
#define COMPACT "{\"type\":\"system\",\"subtype\":\"compact_boundary\"}"

static const adv advs[] = {
	{"plain agent", ASK "\"Agent\",\"input\":{}" END, 0, 0, 1, 0, 0, 1},
	{"escaped agent", ASK "\"\\u0041gent\"" END, 0, 0, 1, 0, 0, 1},
	{"all escaped", ASK "\"\\u0041\\u0067\\u0065\\u006E\\u0074\"" END, 0,
	 0, 1, 0, 0, 1},
	{"escaped question", ASK "\"AskUser\\u0051uestion\"" END, 0, 1, 0, 0,
	 0, 1},
	{"escaped compact", "{\"type\":\"system\",\"subtype\":"
	 "\"compact_\\u0062oundary\"}", 0, 0, 0, 1, 0, 1},
	{"escaped key", "{\"type\":\"assistant\",\"message\":{\"content\":"
	 "[{\"type\":\"tool_use\",\"n\\u0061me\":\"Agent\"}]}}", 0, 0, 1, 0,
	 0, 1},
	{"escaped type", "{\"t\\u0079pe\":\"\\u0073ystem\",\"subtype\":"
	 "\"compact_boundary\"}", 0, 0, 0, 1, 0, 1},
	{"name with NUL escape", ASK "\"Agent\\u0000\"" END, 0, 0, 0, 0, 0, 0},
	{"key with NUL escape", "{\"type\\u0000\":\"system\",\"subtype\":"
	 "\"compact_boundary\"}", 0, 0, 0, 0, 0, 0},
	{"quoted in text", "{\"type\":\"assistant\",\"message\":{\"content\":"
	 "[{\"type\":\"text\",\"text\":\"\\\"Agent\\\" and Agent\"}]}}", 0, 0,
	 0, 0, 0, 1},
	{"in tool input", ASK "\"Bash\",\"input\":{\"name\":\"Agent\","
	 "\"subtype\":\"compact_boundary\"}" END, 0, 0, 0, 0, 0, 1},
	{"in tool result", "{\"type\":\"user\",\"message\":{\"content\":[{"
	 "\"type\":\"tool_result\",\"content\":[{\"type\":\"tool_use\","
	 "\"name\":\"Agent\"}]}]}}", 0, 0, 0, 0, 0, 1},
	{"tool_use in user event", "{\"type\":\"user\",\"message\":{"
	 "\"content\":[{\"type\":\"tool_use\",\"name\":\"Agent\"}]}}", 0, 0, 0,
	 0, 0, 1},
	{"subtype on assistant", "{\"type\":\"assistant\",\"subtype\":"
	 "\"compact_boundary\"}", 0, 0, 0, 0, 0, 1},
	{"init tool list", "{\"type\":\"system\",\"subtype\":\"init\","
	 "\"tools\":[\"Agent\",\"AskUserQuestion\",\"Bash\"]}", 0, 0, 0, 0, 0,
	 1},
	{"bare string", "\"Agent\"\n\"compact_boundary\"\n", 0, 0, 0, 0, 0, 1},
	{"duplicate type, last wins", "{\"type\":\"assistant\",\"type\":"
	 "\"system\",\"subtype\":\"compact_boundary\"}", 0, 0, 0, 1, 0, 0},
	{"duplicate type, first loses", "{\"type\":\"system\",\"type\":"
	 "\"assistant\",\"subtype\":\"compact_boundary\"}", 0, 0, 0, 0, 0, 0},
	{"content object", "{\"type\":\"assistant\",\"message\":{\"content\":"
	 "{\"a\":{\"type\":\"tool_use\",\"name\":\"Agent\"}}}}", 0, 0, 0, 0, 0,
	 0},
	{"BOM", "\xEF\xBB\xBF" COMPACT, 0, 0, 0, 1, 0, 1},
	{"BOM on a later line", COMPACT "\n\xEF\xBB\xBF" COMPACT "\n", 0, 0, 0,
	 2, 0, 1},
	{"BOM alone", COMPACT "\n\xEF\xBB\xBF\n", 0, 0, 0, 1, 1, 1},
	{"CRLF", COMPACT "\r\n" COMPACT "\r\n", 0, 0, 0, 2, 0, 1},
	{"CRLF blank line", COMPACT "\r\n\r\n" COMPACT "\r\n", 0, 0, 0, 2, 1,
	 1},
	{"blank lines, no final newline", "\n\n" COMPACT "\n\n\n" COMPACT, 0,
	 0, 0, 2, 0, 1},
	{"spaces line", COMPACT "\n   \n" COMPACT, 0, 0, 0, 2, 1, 1},
	{"NUL after value", L(COMPACT "\0\n" COMPACT "\n"), 0, 0, 1, 1, 0},
	{"NUL line", L(COMPACT "\n\0\n" COMPACT), 0, 0, 2, 1, 0},
	{"NUL in string", L("{\"type\":\"system\",\"subtype\":\"compact_"
	 "\0boundary\"}\n" COMPACT), 0, 0, 1, 1, 0},
	{"invalid UTF-8 in text", "{\"type\":\"assistant\",\"message\":{"
	 "\"content\":[{\"type\":\"text\",\"text\":\"\xff\xfe\xc3\"},{\"type\":"
	 "\"tool_use\",\"name\":\"Agent\"}]}}", 0, 0, 1, 0, 0, 1},
	{"invalid UTF-8 in name", ASK "\"Agent\xff\"" END, 0, 0, 0, 0, 0, 1},
	{"invalid UTF-8 outside strings", COMPACT "\xff\n" COMPACT, 0, 0, 0,
	 1, 1, 1},
	{"array on a line", "[" COMPACT "," COMPACT "]\n" COMPACT "\n", 0, 0,
	 0, 3, 0, 0},
	{"array alone", "[" COMPACT ",\n " COMPACT "]", 0, 0, 0, 2, 0, 1},
	{"pretty object", "{\n  \"type\": \"system\",\n  \"subtype\": "
	 "\"compact_boundary\"\n}\n", 0, 0, 0, 1, 0, 1},
	{"truncated line", COMPACT "\n{\"type\":\"system\",\"subtype\":\"com"
	 "pact_boundary\"\n" COMPACT, 0, 0, 0, 2, 1, 1},
	{"truncated first line", "{\"type\":\"system\",\"subtype\":\"compact_"
	 "boundary\"\n" COMPACT, 0, 0, 0, 1, 1, 1},
	{"garbage after value", COMPACT " x\n" COMPACT, 0, 0, 0, 1, 1, 1},
	{"two values on a line", COMPACT COMPACT "\n" COMPACT, 0, 0, 0, 1, 1,
	 1},
	{"lone surrogate", "{\"type\":\"system\",\"x\":\"\\ud800\",\"subtype\""
	 ":\"compact_boundary\"}\n" COMPACT, 0, 0, 0, 1, 1, 1},
	{"surrogate pair", "{\"type\":\"system\",\"x\":\"\\ud83d\\ude00\","
	 "\"subtype\":\"compact_boundary\"}", 0, 0, 0, 1, 0, 1},
	{"bad escape", "{\"type\":\"system\",\"x\":\"\\x\",\"subtype\":"
	 "\"compact_boundary\"}\n" COMPACT, 0, 0, 0, 1, 1, 1},
	{"numbers", "{\"type\":\"system\",\"n\":[0,-1.5e+3,1E2,-0],\"subtype\":"
	 "\"compact_boundary\"}", 0, 0, 0, 1, 0, 1},
	{"leading zero", "{\"n\":01}\n" COMPACT, 0, 0, 0, 1, 1, 0},
	{"plus sign", "{\"n\":+1}\n" COMPACT, 0, 0, 0, 1, 1, 0},
	{"raw tab in string", "{\"x\":\"a\tb\"}\n" COMPACT, 0, 0, 0, 1, 1, 0},
	{"escaped path keys", "{\"type\":\"assistant\",\"mess\\u0061ge\":{"
	 "\"\\u0063ontent\":[{\"type\":\"tool_use\",\"n\\u0061me\":"
	 "\"Agent\"}]}}\n{\"type\":\"system\",\"s\\u0075btype\":"
	 "\"compact_boundary\"}", 0, 0, 1, 1, 0, 1},
	{"duplicate message, last wins", "{\"type\":\"assistant\","
	 "\"message\":{\"content\":[{\"type\":\"tool_use\",\"name\":"
	 "\"Agent\"}]},\"message\":{}}", 0, 0, 0, 0, 0, 0},
	{"events nested one array too deep", "[[" COMPACT "]]\n[" COMPACT "]",
	 0, 0, 0, 1, 0, 0},
	{"block not in content", "{\"type\":\"assistant\",\"message\":{"
	 "\"blocks\":[{\"type\":\"tool_use\",\"name\":\"Agent\"}]}}", 0,
	 0, 0, 0, 0, 1},
	{"subtype inside message", "{\"type\":\"system\",\"message\":{"
	 "\"subtype\":\"compact_boundary\"}}", 0, 0, 0, 0, 0, 1},
	{"name at event level", "{\"type\":\"assistant\",\"name\":"
	 "\"Agent\"}", 0, 0, 0, 0, 0, 1},
	{"empty", "", 0, 0, 0, 0, 0, 1},
	{"only newlines", "\n\n\n", 0, 0, 0, 0, 0, 1},
	{"scalars", "1\ntrue\nnull\n[]\n{}\n", 0, 0, 0, 0, 0, 1},
};

START_TEST(test_adversarial)
{
	const adv *a = &advs[_i];
	size_t len = a->len ? a->len : strlen(a->text);
	cw_metrics_counts fast, slow, want;
	cw_agentlog_counts read;

	count(&fast, a->text, len, 0);
	count(&slow, a->text, len, CW_METRICS_ALWAYS_PARSE);
	memset(&want, 0, sizeof(want));
	want.n[0] = a->q;
	want.n[1] = a->s;
	want.n[2] = a->c;
	want.malformed = a->m;
	assert_same(&fast, &want, a->name, a->text, len);
	assert_same(&fast, &slow, a->name, a->text, len);
	if (a->same_as_cjson) {
		count_chunk(a->text, len, &read);
		from_agentlog(&want, &read);
		assert_same(&fast, &want, a->name, a->text, len);
	}
}
END_TEST

/* A 10 MB line: counted when valid, malformed when cut, either way. */
START_TEST(test_ten_megabyte_line)
{
	size_t big = 10u << 20, n;
	const char *head = ASK "\"Agent\",\"input\":{\"prompt\":\"";
	const char *tail = "\"}" END "\n" COMPACT;
	char *t = malloc(big + 512);
	cw_metrics_counts fast, slow;
	int cut;

	ck_assert_ptr_nonnull(t);
	for (cut = 0; cut < 2; cut++) {
		n = strlen(head);
		memcpy(t, head, n);
		memset(t + n, 'A', big);
		n += big;
		if (cut)
			t[n - 7] = '\n';  /* a raw newline ends the line */
		memcpy(t + n, tail, strlen(tail));
		n += strlen(tail);
		count(&fast, t, n, 0);
		count(&slow, t, n, CW_METRICS_ALWAYS_PARSE);
		ck_assert_uint_eq(fast.n[1], cut ? 0 : 1);
		ck_assert_uint_eq(fast.n[2], 1);
		ck_assert_uint_eq(fast.malformed, cut ? 2 : 0);
		assert_same(&fast, &slow, "10 MB", "(10 MB line)", n);
	}
	free(t);
}
END_TEST

/* cJSON's nesting limit is the scan's: 1000 nested levels are a valid
** line, 1001 a malformed one, 200000 no crash. */
START_TEST(test_deep_nesting)
{
	static const size_t depths[] = {995, 996, 997, 200000};
	size_t k, d, n;

	for (k = 0; k < 4; k++) {
		cw_metrics_counts fast, slow;
		char *t;
		d = depths[k];
		t = malloc(2 * d + 200);
		ck_assert_ptr_nonnull(t);
		n = 0;
		/* an Agent tool_use holding the nesting as its input */
		n += (size_t)sprintf(t, "%s\"Agent\",\"input\":", ASK);
		memset(t + n, '[', d);
		n += d;
		memset(t + n, ']', d);
		n += d;
		n += (size_t)sprintf(t + n, "%s\n%s", END, COMPACT);
		count(&fast, t, n, 0);
		count(&slow, t, n, CW_METRICS_ALWAYS_PARSE);
		assert_same(&fast, &slow, "deep", "(deep)", 0);
		/* the event itself nests 4 levels above the arrays */
		ck_assert_uint_eq(fast.n[1], d + 4 <= CJSON_NESTING_LIMIT);
		ck_assert_uint_eq(fast.malformed, d + 4 > CJSON_NESTING_LIMIT);
		ck_assert_uint_eq(fast.n[2], 1);
		free(t);
	}
}
END_TEST

/* A 63-character number is cJSON's longest; a longer one is malformed. */
START_TEST(test_long_numbers)
{
	char t[300];
	cw_metrics_counts c;
	int len;

	for (len = 60; len <= 66; len++) {
		int n = sprintf(t, "{\"type\":\"system\",\"n\":1");
		memset(t + n, '0', (size_t)len - 1);
		n += len - 1;
		n += sprintf(t + n, ",\"subtype\":\"compact_boundary\"}");
		count(&c, t, (size_t)n, 0);
		ck_assert_uint_eq(c.n[2], len <= 63);
		count(&c, t, (size_t)n, CW_METRICS_ALWAYS_PARSE);
		ck_assert_uint_eq(c.n[2], len <= 63);
	}
}
END_TEST

/* Generator chunks damaged at random (bytes flipped, escapes and quotes
** inserted, lines cut): the pre-filter equals always-parse, and
** always-parse never meets a line the scan accepted but cJSON refuses
** (it would fail with CW_ENOMEM). */
START_TEST(test_damaged_agree)
{
	static const char *const inserts[] = {
		"\\u0041", "\\", "\"", "\"Agent\"", "\\u0000", "\n", "\r",
		"\xEF\xBB\xBF", "{", "]", "\\ud800", "\"compact_boundary\"", ","};
	cw_agentlog_counts claimed;
	uint64_t label = 99;
	cw_prng rng;
	size_t i, len, k;

	cw_prng_seed(&rng, 5, &label, 1);
	for (i = 0; i < 4000; i++) {
		char *t = gen((cw_agentlog_form)(i % CW_AGENTLOG_N_FORMS), 11,
			      i, &claimed, &len);
		char *d = malloc(len + 64);
		size_t at = (size_t)cw_prng_below(&rng, len + 1), n = 0;
		cw_metrics_counts fast, slow;
		ck_assert_ptr_nonnull(d);
		k = (size_t)cw_prng_below(&rng, 3);
		memcpy(d, t, at);
		n = at;
		if (k == 0 && at < len) {
			d[n++] = (char)cw_prng_below(&rng, 256);
			at++;
		} else if (k == 1) {
			const char *ins = inserts[cw_prng_below(
				&rng, sizeof(inserts) / sizeof(*inserts))];
			memcpy(d + n, ins, strlen(ins));
			n += strlen(ins);
		}   /* k == 2: cut */
		if (k != 2) {
			memcpy(d + n, t + at, len - at);
			n += len - at;
		}
		count(&fast, d, n, 0);
		count(&slow, d, n, CW_METRICS_ALWAYS_PARSE);
		assert_same(&fast, &slow, "damaged", d, n);
		free(d);
		free(t);
	}
}
END_TEST

/* Where a name sits decides whether its line is parsed: a counted name
** outside its slot (message.content[].name of an assistant event,
** subtype of a system event) leaves the line to the scan alone, and an
** escaped key on the path still reaches the parser. */
START_TEST(test_selective)
{
	static const struct {
		const char *text;
		unsigned parsed;
	} lines[] = {
		{"{\"type\":\"system\",\"subtype\":\"init\",\"tools\":[\"Agent\","
		 "\"AskUserQuestion\"]}", 0},
		{ASK "\"Bash\",\"input\":{\"name\":\"Agent\"}" END, 0},
		{"{\"type\":\"assistant\",\"name\":\"Agent\"}", 0},
		{"{\"type\":\"system\",\"message\":{\"subtype\":"
		 "\"compact_boundary\"}}", 0},
		{"{\"message\":{\"content\":[{\"subtype\":"
		 "\"compact_boundary\"}]}}", 0},
		{"[[" COMPACT "]]", 0},
		{"{\"x\":" COMPACT "}", 0},
		{"\"Agent\"", 0},
		{ASK "\"Agent\"" END, 1},
		{"[" COMPACT "]", 1},
		{"{\"type\":\"user\",\"message\":{\"content\":[{\"name\":"
		 "\"AskUserQuestion\"}]}}", 1},
		{"{\"\\u006Dessage\":{\"cont\\u0065nt\":[{\"\\u006eame\":"
		 "\"Agent\"}]}}", 1},
		{"{\"subtyp\\u0065\":\"compact_\\u0062oundary\"}", 1},
	};
	size_t i;

	for (i = 0; i < sizeof(lines) / sizeof(*lines); i++) {
		cw_metrics_counts c;
		count(&c, lines[i].text, strlen(lines[i].text), 0);
		ck_assert_msg(c.parsed == lines[i].parsed, "parsed %llu: %s",
			      (unsigned long long)c.parsed, lines[i].text);
	}
}
END_TEST

static void random_word(cw_prng *rng, char *t, size_t *n, const char *w)
{
	t[(*n)++] = '"';
	for (; *w; w++)
		if (cw_prng_below(rng, 12) == 0)
			*n += (size_t)sprintf(t + *n, "\\u%04x", *w);
		else
			t[(*n)++] = *w;
	t[(*n)++] = '"';
}

/* A random JSON value built from the words the pre-filter looks for, in
** shapes that are mostly the events' own (a key's usual value three
** times in four), sometimes escaped, duplicated or misplaced. */
static void random_value(cw_prng *rng, char *t, size_t *n, int depth,
			 const char *key)
{
	static const char *const keys[] = {
		"type", "message", "content", "name", "subtype", "x"};
	static const char *const words[] = {
		"assistant", "system", "tool_use", "Agent", "AskUserQuestion",
		"compact_boundary", "x"};
	size_t k = (size_t)cw_prng_below(rng, depth > 5 ? 2 : 4), m, j;

	if (key && cw_prng_below(rng, 4) != 0) {   /* the usual value */
		if (strcmp(key, "message") == 0)
			k = 2;
		else if (strcmp(key, "content") == 0)
			k = 3;
		else if (strcmp(key, "x") != 0)
			k = 1;
	}
	if (k >= 2) {   /* an object or an array */
		t[(*n)++] = k == 2 ? '{' : '[';
		m = (size_t)cw_prng_below(rng, 4);
		for (j = 0; j < m; j++) {
			const char *kw = keys[cw_prng_below(rng, 6)];
			if (j)
				t[(*n)++] = ',';
			if (k == 2) {
				random_word(rng, t, n, kw);
				t[(*n)++] = ':';
			}
			random_value(rng, t, n, depth + 1,
				     k == 2 ? kw : NULL);
		}
		t[(*n)++] = k == 2 ? '}' : ']';
	} else if (k == 1) {
		random_word(rng, t, n, words[cw_prng_below(rng, 7)]);
	} else {
		*n += (size_t)sprintf(t + *n, "%d", (int)cw_prng_below(rng, 9));
	}
}

/* Random shapes of the counted words: the pre-filter equals
** always-parse on every one. */
START_TEST(test_random_shapes)
{
	static char t[1 << 16];
	uint64_t label = 7;
	cw_prng rng;
	size_t i, n;
	cw_metrics_counts fast, slow, sum;

	memset(&sum, 0, sizeof(sum));
	cw_prng_seed(&rng, 3, &label, 1);
	for (i = 0; i < 200000; i++) {
		n = 0;
		random_value(&rng, t, &n, 0, NULL);
		count(&fast, t, n, 0);
		count(&slow, t, n, CW_METRICS_ALWAYS_PARSE);
		assert_same(&fast, &slow, "random shape", t, n);
		sum.n[0] += fast.n[0] + fast.n[1] + fast.n[2];
	}
	ck_assert_uint_gt(sum.n[0], 10);   /* some shapes do count */
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("metrics_count");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_generator_content);
	tcase_add_loop_test(tc, test_adversarial, 0,
			    (int)(sizeof(advs) / sizeof(*advs)));
	tcase_add_test(tc, test_ten_megabyte_line);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_long_numbers);
	tcase_add_test(tc, test_damaged_agree);
	tcase_add_test(tc, test_selective);
	tcase_add_test(tc, test_random_shapes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(suite());
}
