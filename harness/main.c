/*
** main.c - the cw command: picks a subcommand from one table and returns
** its status (0 clean, 1 findings or a failed migration, 2 could not run).
*/
#include "cmds.h"
#include "msg.h"
#include "../lib/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command;

static const command commands[] = {
	{"migrate", cmd_migrate,
	 "apply pending migrations exactly as drizzle-orm does"},
	{"check", cmd_check,
	 "verify a migration folder before it reaches a database"},
	{"lock", cmd_lock,
	 "write or extend the immutability lock file (meta/cw.lock)"},
	{"fixtures", cmd_fixtures,
	 "build a fixture database at a journal prefix, filled with rows"},
	{"replay", cmd_replay,
	 "every journal prefix: rows, snapshots, upgrades (schema only)"},
	{"backfill-metrics", cmd_backfill,
	 "count agent_log_chunks events into agent_metrics, exactly once"},
	{"verify-metrics", cmd_verify_metrics,
	 "recount agent_log_chunks and compare with agent_metrics"},
	{"audit", cmd_audit,
	 "where a production copy stands, what the next deploy does to it"},
	{"codes", cmd_codes,
	 "list the diagnostic codes, or explain one (cw codes S001)"},
};

const char *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: cw <command> [options]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		fprintf(f, "  %-18s %s\n", commands[i].name,
			commands[i].summary);
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
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("cw %s\nSQLite %s (%s)\nfrom %s\n", CW_VERSION,
		       sqlite3_libversion(), sqlite3_sourceid(),
		       cw_db_sqlite_origin());
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(*commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	msg_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
