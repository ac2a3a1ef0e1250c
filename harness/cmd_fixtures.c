/*
** cmd_fixtures.c - `cw fixtures build`: a fixture database at a journal
** prefix, filled with generated rows (lib/datagen.h), and the expected
** backfill counts of its agent_log_chunks beside it.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "profile_opts.h"
#include "report.h"
#include "../lib/datagen.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"cw fixtures build [DIR] -o FILE [--prefix K] [--rows N] [--seed S] "
	"[--seed-dir DIR] [--force] [--format text|json] [--config FILE] "
	"[--foreign-keys on|off] [--functions NAME/ARITY,...]";

typedef struct run_info {
	const char *dir, *db;
	long rows, seed;
	const cw_datagen_build_result *res;
	const cw_diags *diags;
	double ms;
	int status;
} run_info;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Progress on stderr, only once a run has taken a second. */
static void progress(void *ctx, const char *table, size_t n_rows,
		     size_t done, size_t total)
{
	const double *start = ctx;

	if (now_ms() - *start >= 1000.0)
		msg_progress("fixtures: %zu/%zu tables, %s has %zu rows", done,
			     total, table, n_rows);
}

static void print_text(const run_info *in)
{
	const cw_datagen_build_result *r = in->res;
	const cw_datagen_result *fill = &r->fill;
	size_t i;

	printf("cw fixtures build: %s -> %s\n", in->dir, in->db);
	printf("prefix %zu of %zu entries, %ld rows per table, seed %ld",
	       r->prefix, r->n_entries, in->rows, in->seed);
	if (r->seed_dir)
		printf(", seed SQL from %s (%zu file%s run)", r->seed_dir,
		       r->n_seeds, r->n_seeds == 1 ? "" : "s");
	printf("\n");
	for (i = 0; i < fill->n_tables; i++) {
		const cw_datagen_table *t = &fill->tables[i];
		printf("  %-32s %6zu rows", t->name, t->n_rows);
		if (!t->is_filled)
			printf("  NOT FILLED: %s", t->why ? t->why : "");
		printf("\n");
	}
	printf("tables %zu, rows %zu (%zu generated), not filled %zu, "
	       "time %.0f ms\n", fill->n_tables, fill->n_rows,
	       fill->n_generated, fill->n_unfilled, in->ms);
	if (r->expected_path)
		printf("expected counts: %s (%zu chunks, %zu agents, %zu "
		       "malformed lines)\n", r->expected_path,
		       fill->tally.chunks, fill->tally.n_agents,
		       fill->tally.malformed_lines);
}

static int print_json(const run_info *in)
{
	const cw_datagen_build_result *r = in->res;
	cJSON *root = cJSON_CreateObject(), *tables, *exp;
	size_t i;

	if (root == NULL)
		return -1;
	cJSON_AddStringToObject(root, "command", "fixtures build");
	cJSON_AddStringToObject(root, "migrations", in->dir);
	cJSON_AddStringToObject(root, "db", in->db);
	cJSON_AddNumberToObject(root, "prefix", (double)r->prefix);
	cJSON_AddNumberToObject(root, "entries", (double)r->n_entries);
	cJSON_AddNumberToObject(root, "rows_per_table", (double)in->rows);
	cJSON_AddNumberToObject(root, "seed", (double)in->seed);
	if (r->seed_dir)
		cJSON_AddStringToObject(root, "seed_dir", r->seed_dir);
	else
		cJSON_AddNullToObject(root, "seed_dir");
	cJSON_AddNumberToObject(root, "seed_files", (double)r->n_seeds);
	cJSON_AddBoolToObject(root, "ok", in->status == 0);
	cJSON_AddNumberToObject(root, "exit", in->status);
	tables = cJSON_AddArrayToObject(root, "tables");
	for (i = 0; tables && i < r->fill.n_tables; i++) {
		const cw_datagen_table *t = &r->fill.tables[i];
		cJSON *o = cJSON_CreateObject();
		if (o == NULL)
			break;
		cJSON_AddStringToObject(o, "name", t->name);
		cJSON_AddNumberToObject(o, "rows", (double)t->n_rows);
		cJSON_AddNumberToObject(o, "before", (double)t->n_before);
		cJSON_AddNumberToObject(o, "generated",
					(double)t->n_generated);
		cJSON_AddBoolToObject(o, "filled", t->is_filled);
		if (t->why)
			cJSON_AddStringToObject(o, "why", t->why);
		else
			cJSON_AddNullToObject(o, "why");
		cJSON_AddItemToArray(tables, o);
	}
	cJSON_AddNumberToObject(root, "rows", (double)r->fill.n_rows);
	cJSON_AddNumberToObject(root, "generated", (double)r->fill.n_generated);
	cJSON_AddNumberToObject(root, "not_filled", (double)r->fill.n_unfilled);
	if (r->expected_path && (exp = cJSON_AddObjectToObject(root,
							       "expected"))) {
		cJSON_AddStringToObject(exp, "path", r->expected_path);
		cJSON_AddNumberToObject(exp, "chunks",
					(double)r->fill.tally.chunks);
		cJSON_AddNumberToObject(exp, "agents",
					(double)r->fill.tally.n_agents);
		cJSON_AddNumberToObject(exp, "malformed_lines",
					(double)r->fill.tally.malformed_lines);
	} else {
		cJSON_AddNullToObject(root, "expected");
	}
	cJSON_AddNumberToObject(root, "time_ms", (double)(long)in->ms);
	cJSON_AddItemToObject(root, "diagnostics",
			      report_diags_json(in->diags));
	if (report_json_repair(root) != 0) {
		cJSON_Delete(root);
		return -1;
	}
	return report_print_json(stdout, root);
}

/* Read the numbers; 2 after a usage error. */
static int numbers(cw_datagen_build_options *bo, long *rows, long *seed,
		   const char *prefix_s, const char *rows_s,
		   const char *seed_s)
{
	long prefix = prefix_s ? opts_number(prefix_s) : 0;

	if (prefix < 0) {
		msg_error("--prefix needs a number of journal entries, got "
			  "'%s'", prefix_s);
		return 2;
	}
	bo->prefix = prefix_s ? (size_t)prefix : CW_DATAGEN_ALL;
	if (rows_s && (*rows = opts_number(rows_s)) < 0) {
		msg_error("--rows needs a number, got '%s'", rows_s);
		return 2;
	}
	if (seed_s && (*seed = opts_number(seed_s)) < 0) {
		msg_error("--seed needs a non-negative number, got '%s'",
			  seed_s);
		return 2;
	}
	bo->gen.rows = (size_t)*rows;
	bo->gen.seed = (uint64_t)*seed;
	return 0;
}

static int build(run_info *in, cw_datagen_build_options *bo, int json)
{
	cw_datagen_build_result res;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_folder folder;
	cw_error err = {0};
	double start = now_ms();
	int rc;

	memset(&res, 0, sizeof(res));
	bo->gen.progress = progress;
	bo->gen.progress_ctx = &start;
	rc = cw_folder_load(&folder, in->dir, &fo, &diags, &err);
	if (rc == 0)
		rc = cw_datagen_build(&res, in->db, &folder, bo, &err);
	in->ms = now_ms() - start;
	in->res = &res;
	in->diags = &diags;
	if (rc == CW_ESQL && res.migrated && res.migrate.failure.has_failure) {
		in->status = 1;
		if (cw_migrate_diags(&diags, &res.migrate, &folder, rc, &err,
				     in->db) != 0)
			msg_error("out of memory");
	} else if (rc != 0) {
		in->status = 2;
		if (diags.n == 0 || err.message[0])
			msg_cw_error(&err);
	} else {
		in->status = res.fill.n_unfilled > 0 ? 1 : 0;
		if (res.fill.has_agentlog && res.fill.n_agentlog_before > 0) {
			msg_error("agent_log_chunks held %zu rows before the "
				  "generator ran (seed SQL or a migration): "
				  "their counts are unknown, so no %s."
				  "expected.json was written",
				  res.fill.n_agentlog_before, in->db);
			in->status = 1;
		}
	}
	if (json)
		print_json(in);
	else if (rc == 0)
		print_text(in);
	for (size_t i = 0; !json && i < diags.n; i++)
		msg_diag(stdout, &diags.items[i]);
	if (rc == 0 && in->status == 1 && !json && res.fill.n_unfilled)
		msg_error("%zu of %zu tables could not be filled",
			  res.fill.n_unfilled, res.fill.n_tables);
	cw_datagen_build_result_free(&res);
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	return in->status;
}

int cmd_fixtures(int argc, char **argv)
{
	const char *out = NULL, *prefix = NULL, *rows_s = NULL, *seed_s = NULL;
	const char *seed_dir = NULL, *force = NULL, *format = NULL;
	const char *pos[1] = {NULL};
	profile_opts po = {NULL, NULL, NULL};
	const opt table_[] = {
		{"-o", "FILE", "the database to write (with --output)", &out},
		{"--output", "FILE", "the database to write", &out},
		{"--prefix", "K", "apply the first K journal entries "
		 "(default: all)", &prefix},
		{"--rows", "N", "rows in every table (default 100)", &rows_s},
		{"--seed", "S", "the generator's seed (default 1): the same "
		 "seed gives the same bytes", &seed_s},
		{"--seed-dir", "DIR", "run DIR/NNNN.sql after entry NNNN "
		 "(default: fixtures/<project>/seed beside the folder)",
		 &seed_dir},
		{"--force", NULL, "replace FILE if it exists", &force},
		{"--format", "FMT", "text (default) or json", &format},
		PROFILE_OPTS_TABLE(po),
	};
	cw_datagen_build_options bo = CW_DATAGEN_BUILD_OPTIONS_INIT;
	cw_profile profile = CW_PROFILE_INIT;
	run_info in;
	long rows = 100, seed = 1;
	size_t n_pos = 0;
	int rc;

	if (argc < 2 || strcmp(argv[1], "build") != 0) {
		/* Help describes `fixtures build`, its one command. */
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
				  strcmp(argv[1], "-h") == 0))
			return opts_parse(argc, argv, table_,
					  sizeof(table_) / sizeof(*table_),
					  pos, 1, &n_pos, usage) == 1 ? 0 : 2;
		msg_error("unknown or missing fixtures command%s%s\nusage: %s",
			  argc >= 2 ? ": " : "", argc >= 2 ? argv[1] : "",
			  usage);
		return 2;
	}
	rc = opts_parse(argc - 1, argv + 1, table_,
			sizeof(table_) / sizeof(*table_), pos, 1, &n_pos,
			usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (out == NULL || out[0] == '\0' || strcmp(out, ":memory:") == 0) {
		msg_error("no output file: give -o FILE\nusage: %s", usage);
		return 2;
	}
	if (format && strcmp(format, "json") && strcmp(format, "text")) {
		msg_error("unknown --format '%s' (text or json)", format);
		return 2;
	}
	if (numbers(&bo, &rows, &seed, prefix, rows_s, seed_s) != 0)
		return 2;
	memset(&in, 0, sizeof(in));
	in.dir = n_pos ? pos[0] : CW_DEFAULT_MIGRATIONS;
	in.db = out;
	in.rows = rows;
	in.seed = seed;
	if (!force && access(out, F_OK) == 0) {
		msg_error("%s exists: give --force to replace it", out);
		return 2;
	}
	if (profile_opts_resolve(&profile, &po, in.dir) != 0)
		return 2;
	bo.seed_dir = seed_dir;
	bo.force = force != NULL;
	bo.profile = &profile;
	rc = build(&in, &bo, format && strcmp(format, "json") == 0);
	cw_profile_free(&profile);
	return rc;
}
