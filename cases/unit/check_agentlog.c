/*
** check_agentlog.c - lib/agentlog.c: every form of stream-json chunk holds
** exactly the counts it claims, read by an independent reader following
** the backfill contract (check_agentlog_count.h); each form looks the way
** agentlog.h documents it; the same stream gives the same bytes; the
** tally sorts and writes the expected counts; the contract's table is
** recognised by its columns.
*/
#include "unit.h"
#include "check_agentlog_count.h"
#include "../../lib/agentlog.h"

#include <stdlib.h>
#include <string.h>

#define N_CHUNKS 400

static char *chunk(cw_agentlog_form form, uint64_t seed, size_t i,
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
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strlen(text), *len);
	return text;
}

static void assert_counts_eq(const cw_agentlog_counts *a,
			     const cw_agentlog_counts *b, const char *text)
{
	if (a->questions != b->questions || a->subagents != b->subagents ||
	    a->compactions != b->compactions || a->malformed != b->malformed ||
	    a->events != b->events)
		ck_abort_msg("counts differ (claimed q%zu s%zu c%zu m%zu e%zu, "
			     "read q%zu s%zu c%zu m%zu e%zu) in:\n%s",
			     a->questions, a->subagents, a->compactions,
			     a->malformed, a->events, b->questions,
			     b->subagents, b->compactions, b->malformed,
			     b->events, text);
}

/* Every form, many draws: what the generator claims is what a contract
** reader counts, and the text is ASCII. */
START_TEST(test_counts_are_true)
{
	cw_agentlog_form form = (cw_agentlog_form)_i;
	cw_agentlog_counts claimed, read, total;
	size_t i, len, k;

	memset(&total, 0, sizeof(total));
	for (i = 0; i < N_CHUNKS; i++) {
		char *text = chunk(form, 7, i, &claimed, &len);
		count_chunk(text, len, &read);
		assert_counts_eq(&claimed, &read, text);
		for (k = 0; k < len; k++)
			ck_assert_msg((unsigned char)text[k] < 0x80,
				      "not ASCII at %zu", k);
		total.questions += read.questions;
		total.subagents += read.subagents;
		total.compactions += read.compactions;
		total.malformed += read.malformed;
		free(text);
	}
	if (form == CW_AGENTLOG_MENTIONS) {
		ck_assert_uint_eq(total.questions + total.subagents +
				  total.compactions, 0);
	} else if (form != CW_AGENTLOG_OBJECT && form != CW_AGENTLOG_PRETTY) {
		ck_assert_uint_gt(total.questions, 0);
		ck_assert_uint_gt(total.subagents, 0);
		ck_assert_uint_gt(total.compactions, 0);
	}
	if (form == CW_AGENTLOG_TRUNCATED || form == CW_AGENTLOG_CUT_END)
		ck_assert_uint_eq(total.malformed, N_CHUNKS);
	else
		ck_assert_uint_eq(total.malformed, 0);
}
END_TEST

static int has(const char *text, const char *what)
{
	return strstr(text, what) != NULL;
}

/* Each form is written as documented. */
START_TEST(test_forms_look_right)
{
	cw_agentlog_counts c;
	size_t i, len;

	for (i = 0; i < 40; i++) {
		char *t;
		t = chunk(CW_AGENTLOG_NDJSON, 3, i, &c, &len);
		ck_assert(len > 0 && t[len - 1] == '\n' && !has(t, "\r"));
		free(t);
		t = chunk(CW_AGENTLOG_CRLF, 3, i, &c, &len);
		ck_assert(len > 1 && t[len - 2] == '\r' && t[len - 1] == '\n');
		ck_assert(!has(t, "\r\n\r\n"));
		free(t);
		t = chunk(CW_AGENTLOG_BLANKS, 3, i, &c, &len);
		ck_assert(t[len - 1] == '}');
		free(t);
		t = chunk(CW_AGENTLOG_OBJECT, 3, i, &c, &len);
		ck_assert(t[0] == '{' && t[len - 1] == '}' && !has(t, "\n"));
		ck_assert_uint_eq(c.events, 1);
		free(t);
		t = chunk(CW_AGENTLOG_PRETTY, 3, i, &c, &len);
		ck_assert(t[0] == '{' && has(t, "\n  \"type\": "));
		ck_assert_uint_eq(c.events, 1);
		free(t);
		t = chunk(CW_AGENTLOG_ARRAY, 3, i, &c, &len);
		ck_assert(t[0] == '[' && (t[len - 1] == ']' ||
			  (t[len - 1] == '\n' && t[len - 2] == ']')));
		ck_assert(memchr(t, '\n', len - 1) == NULL);
		free(t);
		t = chunk(CW_AGENTLOG_TRUNCATED, 3, i, &c, &len);
		ck_assert_uint_eq(c.malformed, 1);
		ck_assert(t[len - 1] == '\n');
		free(t);
		t = chunk(CW_AGENTLOG_CUT_END, 3, i, &c, &len);
		ck_assert_uint_eq(c.malformed, 1);
		ck_assert(t[len - 1] != '\n');
		free(t);
		t = chunk(CW_AGENTLOG_ESCAPED, 3, i, &c, &len);
		ck_assert(has(t, "\"\\u0041gent\"") ||
			  has(t, "\"AskUser\\u0051uestion\""));
		ck_assert(has(t, "compact_\\u0062oundary"));
		ck_assert_uint_gt(c.compactions, 0);
		ck_assert_uint_gt(c.questions + c.subagents, 0);
		free(t);
		t = chunk(CW_AGENTLOG_MENTIONS, 3, i, &c, &len);
		ck_assert(has(t, "AskUserQuestion") && has(t, "Agent") &&
			  has(t, "compact_boundary"));
		free(t);
	}
	/* Blank lines, and a final newline missing, over a few draws. */
	for (i = 0; i < 40; i++) {
		char *t = chunk(CW_AGENTLOG_BLANKS, 5, i, &c, &len);
		int blank = has(t, "\n\n");
		free(t);
		if (blank)
			return;
	}
	ck_abort_msg("no BLANKS chunk held an empty line");
}
END_TEST

/* The same stream gives the same bytes; another stream other bytes. */
START_TEST(test_deterministic)
{
	cw_agentlog_counts a, b;
	size_t la, lb, i;

	for (i = 0; i < CW_AGENTLOG_N_FORMS; i++) {
		char *x = chunk((cw_agentlog_form)i, 11, i, &a, &la);
		char *y = chunk((cw_agentlog_form)i, 11, i, &b, &lb);
		char *z = chunk((cw_agentlog_form)i, 12, i, &b, &lb);
		ck_assert_uint_eq(la, strlen(y));
		ck_assert_str_eq(x, y);
		ck_assert_str_ne(x, z);
		free(x);
		free(y);
		free(z);
	}
}
END_TEST

static void add(cw_agentlog_tally *t, const char *id, size_t q, size_t s,
		size_t c, size_t m)
{
	cw_agentlog_counts n = {q, s, c, m, 1};
	cw_error err = {0};

	ck_assert_int_eq(cw_agentlog_tally_add(t, id, &n, &err), 0);
}

/* The tally sorts by agent_id and writes the expected output exactly. */
START_TEST(test_tally_json)
{
	cw_agentlog_tally t = CW_AGENTLOG_TALLY_INIT;
	cw_error err = {0};
	char *json = NULL;
	size_t len = 0;

	add(&t, "agt_red_fox", 0, 2, 1, 0);
	add(&t, "agt_blue_heron", 1, 0, 0, 1);
	add(&t, "agt_red_fox", 3, 1, 0, 2);
	add(&t, "a\"b\\c", 0, 0, 0, 0);
	ck_assert_uint_eq(t.n_agents, 3);
	ck_assert_uint_eq(t.chunks, 4);
	ck_assert_uint_eq(t.malformed_lines, 3);
	ck_assert_uint_eq(cw_agentlog_tally_find(&t, "agt_red_fox")->chunks,
			  2);
	ck_assert_ptr_null(cw_agentlog_tally_find(&t, "agt_none"));
	ck_assert_int_eq(cw_agentlog_expected_json(&json, &len, &t, &err), 0);
	ck_assert_str_eq(json,
		"{\n  \"agents\": [\n"
		"    {\"agent_id\": \"a\\\"b\\\\c\", \"questions\": 0, "
		"\"subagents\": 0, \"compactions\": 0},\n"
		"    {\"agent_id\": \"agt_blue_heron\", \"questions\": 1, "
		"\"subagents\": 0, \"compactions\": 0},\n"
		"    {\"agent_id\": \"agt_red_fox\", \"questions\": 3, "
		"\"subagents\": 3, \"compactions\": 1}\n"
		"  ],\n  \"chunks\": 4,\n  \"malformed_lines\": 3\n}\n");
	ck_assert_uint_eq(len, strlen(json));
	free(json);
	cw_agentlog_tally_free(&t);
	ck_assert_int_eq(cw_agentlog_expected_json(&json, &len, &t, &err), 0);
	ck_assert_str_eq(json, "{\n  \"agents\": [],\n  \"chunks\": 0,\n"
			 "  \"malformed_lines\": 0\n}\n");
	free(json);
}
END_TEST

static cw_schema_column col(const char *name, cw_affinity aff, int nn,
			    int pk)
{
	cw_schema_column c;

	memset(&c, 0, sizeof(c));
	c.name = (char *)name;
	c.type = (char *)(aff == CW_AFF_TEXT ? "text" : "integer");
	c.affinity = aff;
	c.not_null = nn;
	c.pk = pk;
	return c;
}

/* The contract's table is known by its name and columns. */
START_TEST(test_contract_table)
{
	cw_schema_column cols[6];
	cw_schema_table t;

	cols[0] = col("id", CW_AFF_TEXT, 1, 1);
	cols[1] = col("agent_id", CW_AFF_TEXT, 1, 0);
	cols[2] = col("session_number", CW_AFF_INTEGER, 1, 0);
	cols[3] = col("content", CW_AFF_TEXT, 1, 0);
	cols[4] = col("created_at", CW_AFF_INTEGER, 1, 0);
	cols[5] = col("extra", CW_AFF_TEXT, 0, 0);
	memset(&t, 0, sizeof(t));
	t.name = (char *)"agent_log_chunks";
	t.columns = cols;
	t.n_columns = 6;
	ck_assert(cw_agentlog_is_contract_table(&t));
	t.name = (char *)"Agent_Log_Chunks";
	ck_assert(cw_agentlog_is_contract_table(&t));
	t.n_columns = 4;   /* no created_at */
	ck_assert(!cw_agentlog_is_contract_table(&t));
	t.n_columns = 6;
	cols[3].not_null = 0;
	ck_assert(!cw_agentlog_is_contract_table(&t));
	cols[3].not_null = 1;
	cols[4].affinity = CW_AFF_TEXT;
	ck_assert(!cw_agentlog_is_contract_table(&t));
	cols[4].affinity = CW_AFF_INTEGER;
	t.name = (char *)"agent_logs";
	ck_assert(!cw_agentlog_is_contract_table(&t));
	ck_assert_str_eq(cw_agentlog_form_name(CW_AGENTLOG_PRETTY), "pretty");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agentlog");
	TCase *tc = tcase_create("agentlog");

	tcase_add_loop_test(tc, test_counts_are_true, 0, CW_AGENTLOG_N_FORMS);
	tcase_add_test(tc, test_forms_look_right);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_tally_json);
	tcase_add_test(tc, test_contract_table);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
