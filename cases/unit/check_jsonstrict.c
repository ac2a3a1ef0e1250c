/*
** check_jsonstrict.c - lib/jsonstrict.c accepts exactly what JSON.parse
** accepts.  The verdicts in the table come from running JSON.parse on each
** input with Node 20; cJSON alone would accept several of the refused
** ones (control characters as whitespace, "01", "1.", a raw tab).
*/
#include "unit.h"
#include "../../lib/jsonstrict.h"

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
	int rc = cw_json_strict_validate(verdicts[_i].text,
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

	ck_assert_int_eq(cw_json_strict_validate("{\"a\":1,}", 8, &off), -1);
	ck_assert_uint_eq(off, 7);
	ck_assert_int_eq(cw_json_strict_validate("[1]\x0b", 4, &off), -1);
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
	ck_assert_int_eq(cw_json_strict_validate(deep, 2 * n, NULL), -1);
	ck_assert_int_eq(cw_json_strict_validate(deep + n - 10, 20, NULL), 0);
	free(deep);
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
	suite_add_tcase(s, tc);
	return unit_run(s);
}
