/*
** replay_jobs.c - `cw replay --jobs N`: the replay split over N forked
** processes, each a shard of the prefixes (lib/replay.h), their findings
** merged into one report.
**
** Each child runs cw_replay_run with its shard and writes its result and
** findings to a pipe, one record per line of fields separated by US
** (0x1f), records by RS (0x1e) so messages may hold newlines.  The
** parent reads every pipe to its end before waiting, so no child blocks
** on a full pipe.  A child that dies without a complete report makes the
** whole run fail (exit 2), never a silently partial report.
*/
#include "replay_jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define US "\x1f"
#define RS '\x1e'

static void put_field(FILE *out, const char *s)
{
	for (; s && *s; s++)
		if (*s != '\x1e' && *s != '\x1f')
			fputc(*s, out);
}

static void child_write(FILE *out, const cw_replay_result *r,
			const cw_diags *d, size_t from, int rc)
{
	size_t i;

	fprintf(out, "R" US "%d" US "%zu" US "%zu" US "%zu" US "%zu" US "%zu"
		US, rc, r->n_prefixes, r->n_snapshots, r->n_snapshots_equal,
		r->n_upgrades_run, r->n_data_migrations);
	for (i = 0; i < r->n; i++)
		fputc(r->has_snapshot[i] ? '1' : '0', out);
	fputs(US, out);
	for (i = 0; i < r->n; i++)
		fputc(r->in_scope[i] ? '1' : '0', out);
	fputs(US, out);
	put_field(out, r->unfilled);
	fputc(RS, out);
	for (i = from; i < d->n; i++) {
		const cw_diag *g = &d->items[i];
		fprintf(out, "D" US "%s" US, g->code);
		put_field(out, g->file);
		fprintf(out, US "%d" US "%d" US, g->line, g->column);
		put_field(out, g->tag);
		fputs(US, out);
		put_field(out, g->message);
		fputs(US, out);
		put_field(out, g->hint);
		fputc(RS, out);
	}
	fputs("E", out);
	fputc(RS, out);
}

/* Split rec (NUL-terminated) at US into at most n fields. */
static size_t split(char *rec, char **f, size_t n)
{
	size_t i = 0;

	f[i++] = rec;
	for (; *rec && i < n; rec++)
		if (*rec == '\x1f') {
			*rec = '\0';
			f[i++] = rec + 1;
		}
	return i;
}

static int merge_record(char *rec, cw_replay_result *res, cw_diags *out,
			int *rc_out)
{
	char *f[10];
	size_t n = split(rec, f, 10), i;

	if (rec[0] == 'R' && n >= 10) {
		*rc_out = *rc_out ? *rc_out : atoi(f[1]);
		res->n_prefixes = strtoul(f[2], NULL, 10);
		res->n_snapshots = strtoul(f[3], NULL, 10);
		res->n_snapshots_equal = strtoul(f[4], NULL, 10);
		res->n_upgrades_run += strtoul(f[5], NULL, 10);
		res->n_data_migrations = strtoul(f[6], NULL, 10);
		for (i = 0; i < res->n && f[7][i]; i++)
			res->has_snapshot[i] |= f[7][i] == '1';
		for (i = 0; i < res->n && f[8][i]; i++)
			res->in_scope[i] |= f[8][i] == '1';
		if (f[9][0] && res->unfilled == NULL)
			res->unfilled = strdup(f[9]);
		return 0;
	}
	if (rec[0] == 'D' && n >= 8) {
		cw_diag *g = cw_diags_add(out, f[1], f[2], atoi(f[3]),
					  atoi(f[4]), "%s", f[6]);
		if (g == NULL)
			return -1;
		if (f[5][0])
			cw_diag_set_tag(g, f[5]);
		if (f[7][0])
			cw_diag_set_hint(g, "%s", f[7]);
		return 0;
	}
	return rec[0] == 'E' ? 1 : -1;
}

/* Read one child's pipe to its end; 0 when its report was complete. */
static int read_child(int fd, cw_replay_result *res, cw_diags *out,
		      int *rc_out)
{
	char *buf = NULL, *p, *end;
	size_t len = 0, cap = 0;
	ssize_t got;
	int done = 0;

	for (;;) {
		if (cap - len < 65536) {
			char *nb = realloc(buf, cap + 65536 + cap);
			if (nb == NULL) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap += 65536 + cap;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	if (buf == NULL)
		return -1;
	buf[len] = '\0';
	for (p = buf; !done && p < buf + len; p = end + 1) {
		int m;
		end = memchr(p, RS, (size_t)(buf + len - p));
		if (end == NULL)
			break;
		*end = '\0';
		m = merge_record(p, res, out, rc_out);
		if (m < 0)
			break;
		done = m == 1;
	}
	free(buf);
	return done ? 0 : -1;
}

int replay_jobs_run(cw_replay_result *res, cw_diags *out, const cw_folder *f,
		    const cw_replay_options *o, size_t jobs, cw_error *err)
{
	pid_t *pids = calloc(jobs, sizeof(*pids));
	int *fds = calloc(jobs, sizeof(*fds));
	size_t outer_n = o->shard_count > 1 ? o->shard_count : 1;
	size_t outer_i = o->shard_count > 1 ? o->shard_index : 0;
	size_t i, started = 0;
	int rc = 0, failed = 0;

	memset(res, 0, sizeof(*res));
	res->n = f->n_migrations;
	res->has_snapshot = calloc(f->n_migrations + 1, 1);
	res->in_scope = calloc(f->n_migrations + 1, 1);
	if (pids == NULL || fds == NULL || res->has_snapshot == NULL ||
	    res->in_scope == NULL) {
		free(pids);
		free(fds);
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory starting %zu jobs", jobs);
	}
	fflush(NULL);
	for (i = 0; i < jobs; i++) {
		int p[2];
		if (pipe(p) != 0) {
			failed = 1;
			break;
		}
		pids[i] = fork();
		if (pids[i] < 0) {
			close(p[0]);
			close(p[1]);
			failed = 1;
			break;
		}
		if (pids[i] == 0) {
			cw_replay_options co = *o;
			cw_replay_result cr;
			cw_diags cd = CW_DIAGS_INIT;
			cw_error ce = {0};
			FILE *w;
			int crc;
			close(p[0]);
			/* Shard i of jobs within the outer shard. */
			co.shard_count = outer_n * jobs;
			co.shard_index = outer_i + outer_n * i;
			co.progress = i == 0 ? o->progress : NULL;
			crc = cw_replay_run(&cr, &cd, f, &co, &ce);
			w = fdopen(p[1], "w");
			if (w == NULL)
				_exit(3);
			child_write(w, &cr, &cd, 0, crc);
			fclose(w);
			_exit(0);
		}
		close(p[1]);
		fds[i] = p[0];
		started++;
	}
	for (i = 0; i < started; i++) {
		if (read_child(fds[i], res, out, &rc) != 0)
			failed = 1;
		close(fds[i]);
	}
	for (i = 0; i < started; i++) {
		int st = 0;
		while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed = 1;
	}
	free(pids);
	free(fds);
	if (failed)
		return cw_error_set(err, CW_EIO, NULL, f->dir, 0, "a replay "
				    "job of %zu did not finish its report",
				    jobs);
	if (rc != 0)
		return cw_error_set(err, rc, NULL, f->dir, 0, "a replay job "
				    "failed (%d)", rc);
	return 0;
}
