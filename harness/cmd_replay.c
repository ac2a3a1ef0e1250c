/*
** cmd_replay.c - `cw replay [DIR]`: every journal prefix, fresh and
** upgraded to head with rows (lib/replay.h), reported like check's
** findings, with a prefix x step matrix in the text summary and one JUnit
** test case per prefix and step.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "profile_opts.h"
#include "replay_jobs.h"
#include "report.h"
#include "../lib/codes.h"
#include "../lib/folder.h"
#include "../lib/replay.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char usage[] =
	"cw replay [DIR] [--rows N] [--seed S] [--from K] [--to K] "
	"[--exhaustive] [--jobs N] [--shard I/N] "
	"[--format text|json|junit|github|markdown] "
	"[--report DIR] "
	"[--strict] [--table NAME] [--config FILE] [--foreign-keys on|off] "
	"[--functions LIST]";

/* Rows per table at head when --rows is not given, and at most. */
#define DEFAULT_ROWS 100
#define MAX_ROWS 1000000

typedef struct progress {
	struct timespec start;
	double shown;
} progress;

/* Progress on stderr, at most once a second, once the run is past a
** second: stage, migration k of n, elapsed, rate. */
static void on_progress(void *ctx, const char *stage, size_t k, size_t n)
{
	progress *p = ctx;
	struct timespec now;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &now);
	s = (double)(now.tv_sec - p->start.tv_sec) +
	    (double)(now.tv_nsec - p->start.tv_nsec) / 1e9;
	if (s < 1 || s - p->shown < 1)
		return;
	p->shown = s;
	/* Upgrades count prefixes; the passes count migrations. */
	msg_progress("replay: %s, %s %zu of %zu, %.1fs elapsed, %.1f/s",
		     stage, strcmp(stage, "upgrade") == 0 ? "prefix" :
		     "migration", k, n, s, (double)k / s);
}

/* The steps of the matrix and of the JUnit cases: which codes fail it. */
static const struct step {
	const char *name;
	const char *codes;
} steps[] = {
	{"fresh apply", CW_R002 "," CW_R003 "," CW_R009},
	{"snapshot", CW_N006},
	{"upgrade with data", CW_R007 "," CW_R011 "," CW_R012 "," CW_R013 ","
	 CW_R014 "," CW_R015},
	{"upgraded schema", CW_R010},
};
#define N_STEPS (sizeof(steps) / sizeof(steps[0]))

typedef struct replay_view {
	const cw_replay_result *r;
	const cw_folder *f;
	const cw_diags *d;
	size_t rows;
	int exhaustive;
} replay_view;

/* The matrix cell of prefix k at step s: '.' passed, 'E' error, 'w'
** warning, 'n' note, '-' not checked (no snapshot, no rows, out of
** scope). */
static char cell(const replay_view *v, size_t k, size_t s)
{
	const char *tag = v->f->migrations[k].entry ?
			  v->f->migrations[k].entry->tag : NULL;
	char c = '.';
	size_t i;

	if (!v->r->in_scope[k] || (s == 1 && !v->r->has_snapshot[k]) ||
	    (s == 2 && v->rows == 0))
		return '-';
	for (i = 0; tag && i < v->d->n; i++) {
		const cw_diag *g = &v->d->items[i];
		if (!g->tag || strcmp(g->tag, tag) != 0 ||
		    !strstr(steps[s].codes, g->code))
			continue;
		if (g->severity == CW_SEV_ERROR)
			return 'E';
		if (g->severity == CW_SEV_WARNING)
			c = 'w';
		else if (c == '.')
			c = 'n';
	}
	return c;
}

/* report_matrix hooks: the Markdown and HTML writers draw the same
** matrix as the text head. */
static const char *matrix_step(const void *ctx, size_t s)
{
	(void)ctx;
	return s < N_STEPS ? steps[s].name : "?";
}

static const char *matrix_prefix(const void *ctx, size_t k)
{
	const replay_view *v = ctx;
	const cw_migration *m = &v->f->migrations[k];

	return m->entry && m->entry->tag ? m->entry->tag : "?";
}

static char matrix_cell(const void *ctx, size_t s, size_t k)
{
	return cell(ctx, k, s);
}

static void head(FILE *out, const void *ctx)
{
	const replay_view *v = ctx;
	const cw_replay_result *r = v->r;
	size_t s, k, n = v->f->n_migrations;

	fprintf(out, "replayed %zu prefixes; %zu snapshots compared, %zu "
		"equal; ", r->n_prefixes, r->n_snapshots,
		r->n_snapshots_equal);
	if (v->rows == 0)
		fprintf(out, "schema only (--rows 0); ");
	else if (v->exhaustive)
		fprintf(out, "%zu rows per table in every prefix, ", v->rows);
	else
		fprintf(out, "%zu migrations tried on rows (%zu per table at "
			"head, in vintages), ", r->n_data_migrations, v->rows);
	fprintf(out, "%zu upgrades run for real\n", r->n_upgrades_run);
	if (r->unfilled)
		fprintf(out, "the generator could not fill: %s\n",
			r->unfilled);
	if (n == 0)
		return;
	fprintf(out, "prefix x step (. passed, E error, w warning, n note, "
		"- not checked); column k is entry k:\n");
	for (s = 0; s < N_STEPS; s++) {
		fprintf(out, "  %-18s ", steps[s].name);
		for (k = 0; k < n; k++) {
			if (k && k % 10 == 0)
				fputc(' ', out);
			fputc(cell(v, k, s), out);
		}
		fputc('\n', out);
	}
}

/* The JSON report's own members: the run's numbers and the matrix, one
** string per step with a character per prefix (as in the text). */
static int json_fields(cJSON *root, const void *ctx)
{
	const replay_view *v = ctx;
	const cw_replay_result *r = v->r;
	cJSON *m = cJSON_CreateObject();
	char *row = malloc(v->f->n_migrations + 1);
	size_t s, k;
	int ok = m != NULL && row != NULL;

	ok = ok && cJSON_AddNumberToObject(root, "prefixes",
					   (double)r->n_prefixes) &&
	     cJSON_AddNumberToObject(root, "snapshots",
				     (double)r->n_snapshots) &&
	     cJSON_AddNumberToObject(root, "snapshots_equal",
				     (double)r->n_snapshots_equal) &&
	     cJSON_AddNumberToObject(root, "rows", (double)v->rows) &&
	     cJSON_AddBoolToObject(root, "exhaustive", v->exhaustive) &&
	     cJSON_AddNumberToObject(root, "upgrades_run",
				     (double)r->n_upgrades_run);
	for (s = 0; ok && s < N_STEPS; s++) {
		for (k = 0; k < v->f->n_migrations; k++)
			row[k] = cell(v, k, s);
		row[k] = '\0';
		ok = cJSON_AddStringToObject(m, steps[s].name, row) != NULL;
	}
	free(row);
	if (!ok) {
		cJSON_Delete(m);
		return -1;
	}
	cJSON_AddItemToObject(root, "matrix", m);
	return 0;
}

/* "I/N" (1-based I) into 0-based index and count; -1 if malformed. */
static int parse_shard(const char *s, size_t *index, size_t *count)
{
	unsigned long i, n;
	char *end;

	if (s == NULL)
		return 0;
	i = strtoul(s, &end, 10);
	if (end == s || *end != '/')
		return -1;
	s = end + 1;
	n = strtoul(s, &end, 10);
	if (end == s || *end != '\0' || n == 0 || i == 0 || i > n)
		return -1;
	*index = i - 1;
	*count = n;
	return 0;
}

/* A --from/--to value: an entry's position, or its tag's number. */
static int parse_prefix(const char *s, const cw_folder *f, size_t *out)
{
	long v = opts_number(s);
	size_t k;

	if (s == NULL)
		return 0;
	for (k = 0; v < 0 && k < f->n_migrations; k++)
		if (f->migrations[k].entry && f->migrations[k].entry->tag &&
		    strcmp(f->migrations[k].entry->tag, s) == 0)
			v = (long)k;
	if (v < 0 || (size_t)v >= f->n_migrations)
		return -1;
	*out = (size_t)v;
	return 0;
}

int cmd_replay(int argc, char **argv)
{
	const char *format = NULL, *report = NULL, *strict = NULL;
	const char *table = NULL, *rows = NULL, *seed = NULL, *from = NULL;
	const char *to = NULL, *exhaustive = NULL, *jobs = NULL;
	const char *shard = NULL;
	profile_opts po = {NULL, NULL, NULL};
	const opt table_[] = {
		{"--format", "FMT", "text (default), json, junit, github or "
		 "markdown",
		 &format},
		{"--report", "DIR", "also write summary.txt, report.json, "
		 "junit.xml, github.txt, summary.md and index.html "
		 "there", &report},
		{"--strict", NULL, "warnings fail the replay too", &strict},
		{"--table", "NAME", "migrations table name", &table},
		{"--rows", "N", "rows per table at head, written in vintages "
		 "by every prefix (default 100; 0: schema only)", &rows},
		{"--seed", "S", "the data generator's seed (default 1)", &seed},
		{"--from", "K", "report prefixes from entry K (a position or "
		 "a tag)", &from},
		{"--to", "K", "report prefixes up to entry K", &to},
		{"--exhaustive", NULL, "upgrade every prefix with rows for "
		 "real (quadratic)", &exhaustive},
		{"--jobs", "N", "run the upgrades in N processes", &jobs},
		{"--shard", "I/N", "report the I-th of N shares of the "
		 "prefixes (for a CI matrix)", &shard},
		PROFILE_OPTS_TABLE(po),
	};
	cw_replay_options ro = CW_REPLAY_OPTIONS_INIT;
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_profile profile = CW_PROFILE_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_replay_result res;
	cw_error err = {0};
	cw_folder folder;
	diag_report d;
	report_case *cases = NULL;
	progress prog;
	replay_view view;
	report_matrix matrix = {"prefix x step", N_STEPS, 0, matrix_step,
				matrix_prefix, matrix_cell};
	const char *pos[1] = {NULL};
	const char *dir;
	size_t n_pos, i, s, n_jobs = 1;
	long v;
	int rc;

	rc = opts_parse(argc, argv, table_, sizeof(table_) / sizeof(*table_),
			pos, 1, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (!report_format_ok(format))
		return 2;
	ro.rows = DEFAULT_ROWS;
	if (rows && ((v = opts_number(rows)) < 0 || v > MAX_ROWS)) {
		msg_error("--rows wants a number of rows from 0 to %d, not "
			  "'%s'", MAX_ROWS, rows);
		return 2;
	}
	if (rows)
		ro.rows = (size_t)v;
	if (seed && (v = opts_number(seed)) < 0) {
		msg_error("--seed wants a non-negative number, not '%s'",
			  seed);
		return 2;
	}
	ro.seed = seed ? (uint64_t)v : 1;
	if (jobs && ((v = opts_number(jobs)) < 1 || v > 256)) {
		msg_error("--jobs wants 1 to 256 processes, not '%s'", jobs);
		return 2;
	}
	n_jobs = jobs ? (size_t)v : 1;
	if (parse_shard(shard, &ro.shard_index, &ro.shard_count) != 0) {
		msg_error("--shard wants I/N with 1 <= I <= N, not '%s'",
			  shard);
		return 2;
	}
	ro.exhaustive = exhaustive != NULL;
	dir = n_pos ? pos[0] : CW_DEFAULT_MIGRATIONS;
	if (profile_opts_resolve(&profile, &po, dir) != 0)
		return 2;
	memset(&res, 0, sizeof(res));
	memset(&prog, 0, sizeof(prog));
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	ro.table = table;
	ro.profile = &profile;
	ro.progress = on_progress;
	ro.progress_ctx = &prog;
	rc = cw_folder_load(&folder, dir, &fo, &diags, &err);
	if (rc == 0 && (parse_prefix(from, &folder, &ro.from) != 0 ||
			parse_prefix(to, &folder, &ro.to) != 0)) {
		msg_error("--from/--to name an entry of %s: a position 0..%zu "
			  "or a tag", dir, folder.n_migrations ?
			  folder.n_migrations - 1 : 0);
		cw_folder_free(&folder);
		cw_diags_free(&diags);
		cw_profile_free(&profile);
		return 2;
	}
	/* Only per-prefix upgrades are worth processes. */
	if (rc == 0 && n_jobs > 1 && !ro.exhaustive)
		msg_warn("--jobs applies to --exhaustive; the default passes "
			 "are linear and run in this process");
	if (rc == 0 && n_jobs > 1 && ro.exhaustive)
		rc = replay_jobs_run(&res, &diags, &folder, &ro, n_jobs, &err);
	else if (rc == 0)
		rc = cw_replay_run(&res, &diags, &folder, &ro, &err);
	memset(&d, 0, sizeof(d));
	d.title = "cw replay";
	d.command = "replay";
	d.subject = dir;
	d.diags = &diags;
	d.strict = strict != NULL;
	d.unit = "migration";
	d.n_units = res.n_prefixes;
	view.r = &res;
	view.f = &folder;
	view.d = &diags;
	view.rows = ro.rows;
	view.exhaustive = ro.exhaustive;
	d.text_head = rc == 0 ? head : NULL;
	d.json_fields = rc == 0 ? json_fields : NULL;
	matrix.n_cols = folder.n_migrations;
	d.matrix = rc == 0 ? &matrix : NULL;
	d.ctx = &view;
	/* JUnit: one test case per prefix and step (the findings carry the
	** prefix's tag, their code the step). */
	cases = rc == 0 ? calloc(folder.n_migrations * N_STEPS + 1,
				 sizeof(*cases)) : NULL;
	d.n_cases = 0;
	for (i = 0; cases && i < folder.n_migrations; i++) {
		const cw_migration *m = &folder.migrations[i];
		for (s = 0; s < N_STEPS; s++) {
			report_case *c;
			if (!res.in_scope[i] || (s == 1 &&
			    !res.has_snapshot[i]) || (s == 2 && ro.rows == 0))
				continue;
			c = &cases[d.n_cases++];
			c->classname = steps[s].name;
			c->name = m->entry && m->entry->tag ? m->entry->tag :
				  "?";
			c->tag = m->entry ? m->entry->tag : NULL;
			c->file = m->path;
			c->codes = steps[s].codes;
		}
	}
	d.cases = cases;
	d.status = report_diag_status(rc, &diags, strict != NULL);
	cw_diags_sort(&diags);
	report_diag_print(stdout, format, &d);
	if (rc != 0)
		msg_cw_error(&err);
	if (report && report_diag_dir(report, &d, &err) != 0) {
		msg_cw_error(&err);
		d.status = 2;
	}
	free(cases);
	cw_replay_result_free(&res);
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	cw_profile_free(&profile);
	return d.status;
}
