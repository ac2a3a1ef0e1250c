/*
** main.c - the cw command: picks a subcommand from one table and returns
** its status (0 clean, 1 findings or a failed migration, 2 could not run).
*/
#include "cmds.h"
#include "msg.h"
#include "../lib/db.h"
#include "../lib/watchdog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CW_GIT_REV
#define CW_GIT_REV "unknown"   /* built outside a git work tree */
#endif

const command cw_commands[] = {
	{"migrate", cmd_migrate,
	 "apply pending migrations exactly as drizzle-orm does", NULL},
	{"check", cmd_check,
	 "verify a migration folder before it reaches a database", NULL},
	{"lock", cmd_lock,
	 "write or extend the immutability lock file (meta/cw.lock)",
	 NULL},
	{"fixtures", cmd_fixtures,
	 "build a fixture database at a journal prefix, filled with rows",
	 "build"},
	{"replay", cmd_replay,
	 "every journal prefix, fresh and upgraded to head with rows",
	 NULL},
	{"backfill-metrics", cmd_backfill,
	 "count agent_log_chunks events into agent_metrics, exactly once",
	 NULL},
	{"verify-metrics", cmd_verify_metrics,
	 "recount agent_log_chunks and compare with agent_metrics", NULL},
	{"audit", cmd_audit,
	 "where a production copy stands, what the next deploy does to it",
	 NULL},
	{"codes", cmd_codes,
	 "list the diagnostic codes, or explain one (cw codes S001)", NULL},
	{"hook", cmd_hook,
	 "install or remove the git pre-commit hook (cw check --staged)",
	 "install uninstall"},
};
const size_t cw_n_commands = sizeof(cw_commands) / sizeof(*cw_commands);

const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* CW_STATEMENT_TIMEOUT=SECONDS: how long one migration statement may run
** on a database cw made for itself (watchdog.h); 0 for no limit. */
static int statement_limit_from_env(void)
{
	const char *v = env_or_null("CW_STATEMENT_TIMEOUT");
	char *end = NULL;
	double s;

	if (v == NULL)
		return 0;
	s = strtod(v, &end);
	if (end == v || *end != '\0' || !(s >= 0) || s > 1e9) {
		msg_error("CW_STATEMENT_TIMEOUT must be a number of seconds "
			  "(0 for no limit), not '%s'", v);
		return -1;
	}
	cw_watchdog_set_limit_ms((long long)(s * 1000));
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cw <command> [options]\n\ncommands:\n");
	for (i = 0; i < cw_n_commands; i++)
		fprintf(f, "  %-18s %s\n", cw_commands[i].name,
			cw_commands[i].summary);
	fprintf(f, "\n`cw <command> --help` describes a command's options;"
		"\n`cw --version` names the SQLite cw runs and its origin."
		"\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	/* Not in --help: build-time generators (Makefile: man, completion). */
	if (strcmp(argv[1], "help") == 0 && argc == 3 &&
	    strcmp(argv[2], "--man") == 0)
		return help_man();
	if (strcmp(argv[1], "help") == 0 && argc == 3 &&
	    strcmp(argv[2], "--completion") == 0)
		return help_completion();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("cw %s (git %s)\nSQLite %s (%s)\nfrom %s\n",
		       CW_VERSION, CW_GIT_REV, sqlite3_libversion(), sqlite3_sourceid(),
		       cw_db_sqlite_origin());
		return 0;
	}
	if (statement_limit_from_env() != 0)
		return 2;
	for (i = 0; i < cw_n_commands; i++)
		if (strcmp(argv[1], cw_commands[i].name) == 0)
			return cw_commands[i].run(argc - 1, argv + 1);
	msg_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
