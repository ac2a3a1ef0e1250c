/*
** check_jsonstrict.c - lib/jsonstrict.c accepts exactly what JSON.parse
** accepts.  The verdicts in the table come from running JSON.parse on each
** input with Node 20; cJSON alone would accept several of the refused
** ones (control characters as whitespace, "01", "1.", a raw tab).
*/
#include "unit.h"
#include "../../lib/jsonstrict.h"
#include "../../lib/error.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *text;
	int ok;          /* JSON.parse accepts it */
} verdicts[] = {
	{"{}", 1},
	{"[]", 1},
	{" {\"a\":1} ", 1},
	{"{\"a\":1,}", 0},
	{"[1,]", 0},
	{"+1", 0},
	{".5", 0},
	{"01", 0},
	{"1.", 0},
	{"1e", 0},
	{"1e+5", 1},
	{"-0", 1},
	{"-", 0},
	{"\"a\\u00zz\"", 0},
	{"\"a\\x\"", 0},
	{"\"tab\011here\"", 0},
	{"{\"a\":1}\013", 0},
	{"\013{}", 0},
	{"[true,false,null]", 1},
	{"[tru]", 0},
	{"{\"a\" 1}", 0},
	{"{1:2}", 0},
	{"\"\\u0000\"", 1},
	{"[1 2]", 0},
	{"", 0},
	{"   ", 0},
	{"nul", 0},
	{"1.5e-3", 1},
	{"[\"\\/\"]", 1},
	{"{\"a\":[{\"b\":{}}]}x", 0},
	{"\"\177\"", 1},
	{"0x10", 0},
	{"Infinity", 0},
	{"NaN", 0},
	{"[-1.0E2]", 1},
};

START_TEST(test_like_json_parse)
{
	size_t off = 12345;
	int rc = cw_jsonstrict_validate(verdicts[_i].text,
					 strlen(verdicts[_i].text), &off);

	ck_assert_msg((rc == 0) == verdicts[_i].ok, "%s: got %s",
		      verdicts[_i].text, rc == 0 ? "accepted" : "refused");
	if (rc != 0)
		ck_assert_uint_le(off, strlen(verdicts[_i].text));
}
END_TEST

/* The offset points at the byte JSON.parse stops at. */
START_TEST(test_offset)
{
	size_t off = 0;

	ck_assert_int_eq(cw_jsonstrict_validate("{\"a\":1,}", 8, &off), -1);
	ck_assert_uint_eq(off, 7);
	ck_assert_int_eq(cw_jsonstrict_validate("[1]\x0b", 4, &off), -1);
	ck_assert_uint_eq(off, 3);
}
END_TEST

/* Nesting past the limit is refused rather than recursing forever. */
START_TEST(test_depth)
{
	size_t n = 3 * CW_JSON_MAX_DEPTH, i;
	char *deep = malloc(2 * n + 1);

	ck_assert_ptr_nonnull(deep);
	for (i = 0; i < n; i++) {
		deep[i] = '[';
		deep[n + i] = ']';
	}
	deep[2 * n] = '\0';
	ck_assert_int_eq(cw_jsonstrict_validate(deep, 2 * n, NULL), -1);
	ck_assert_int_eq(cw_jsonstrict_validate(deep + n - 10, 20, NULL), 0);
	free(deep);
}
END_TEST

/* What a visitor is shown: one line per value, in and out. */
typedef struct seen {
	char log[512];
	size_t o;
	int stop_at;     /* stop when entering the value at this offset */
} seen;

static int record(void *ctx, const cw_json_at *at, int is_leave)
{
	seen *v = ctx;

	v->o += (size_t)snprintf(v->log + v->o, sizeof(v->log) - v->o,
				 "%c%d %.*s", is_leave ? '<' : '>', at->depth,
				 at->key ? (int)at->key_len : 1,
				 at->key ? at->key : "-");
	if (at->key)
		v->o += (size_t)snprintf(v->log + v->o, sizeof(v->log) - v->o,
					 "(%zu)", at->key_off);
	v->o += (size_t)snprintf(v->log + v->o, sizeof(v->log) - v->o,
				 "#%zu@%zu-%zu;", at->index, at->off, at->end);
	return !is_leave && (int)at->off == v->stop_at;
}

START_TEST(test_walk_positions)
{
	static const char t[] = "{\"a\": [1, {\"b\":true}], \"c\":\"x\"}";
	seen v = {"", 0, -1};

	ck_assert_int_eq(cw_jsonstrict_walk(t, strlen(t), 0, record, &v, NULL), 0);
	ck_assert_str_eq(v.log, ">0 -#0@0-0;>1 a(1)#0@6-0;>2 -#0@7-0;"
			 "<2 -#0@7-8;>2 -#1@10-0;>3 b(11)#0@15-0;"
			 "<3 b(11)#0@15-19;<2 -#1@10-20;<1 a(1)#0@6-21;"
			 ">1 c(23)#1@27-0;<1 c(23)#1@27-30;<0 -#0@0-31;");
}
END_TEST

/* A nonzero answer stops the walk, which still counts as a success
** (the error after it is never reached); without it, the visitor has
** seen what comes before the error. */
START_TEST(test_walk_stop)
{
	static const char t[] = "{\"a\":1, \"b\":2, \"c\":[}";
	seen v = {"", 0, 12};
	size_t off = 0;

	ck_assert_int_eq(cw_jsonstrict_walk(t, strlen(t), 0, record, &v, NULL), 0);
	ck_assert_str_eq(v.log, ">0 -#0@0-0;>1 a(1)#0@5-0;<1 a(1)#0@5-6;"
			 ">1 b(8)#1@12-0;");
	v.o = 0;
	v.stop_at = -1;
	ck_assert_int_eq(cw_jsonstrict_walk(t, strlen(t), 0, record, &v, &off), CW_EINVAL);
	ck_assert_uint_eq(off, 20);
	ck_assert_ptr_nonnull(strstr(v.log, "<1 b(8)#1@12-13;>1 c(15)"));
}
END_TEST

/* Leniently, what cJSON accepts is walked: a byte-order mark, control
** characters as whitespace and inside strings, numbers strtod reads.  The
** same texts are refused strictly, where the first offence is. */
START_TEST(test_walk_lenient)
{
	static const char *const texts[] = {
		"\xEF\xBB\xBF{\"id\":1}",
		"{\f\"id\":1}",
		"{\"id\":\"a\tb\"}",
		"{\"id\":+1}",
		"{\"id\":.5}",
		"{\"id\":01}",
		"{\"x\":\"\\q\", \"id\":1}",
	};
	size_t k, off;

	for (k = 0; k < sizeof(texts) / sizeof(*texts); k++) {
		seen v = {"", 0, -1};
		ck_assert_msg(cw_jsonstrict_walk(texts[k], strlen(texts[k]), 1,
					   record, &v, NULL) == 0, "%s",
			      texts[k]);
		ck_assert_ptr_nonnull(strstr(v.log, " id("));
		ck_assert_int_eq(cw_jsonstrict_walk(texts[k], strlen(texts[k]), 0,
					      NULL, NULL, &off), -1);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("jsonstrict");
	TCase *tc = tcase_create("jsonstrict");

	tcase_add_loop_test(tc, test_like_json_parse, 0,
			    (int)(sizeof(verdicts) / sizeof(*verdicts)));
	tcase_add_test(tc, test_offset);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_walk_positions);
	tcase_add_test(tc, test_walk_stop);
	tcase_add_test(tc, test_walk_lenient);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
