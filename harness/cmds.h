/*
** cmds.h - the subcommands of cw, one file each, and what they share.
*/
#ifndef CW_CMDS_H
#define CW_CMDS_H

#include <stddef.h>

#define CW_VERSION "0.2.0"

/* The layout of the repository cw was made for. */
#define CW_DEFAULT_MIGRATIONS "apps/server/drizzle"

int cmd_migrate(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_codes(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_fixtures(int argc, char **argv);
int cmd_backfill(int argc, char **argv);
int cmd_verify_metrics(int argc, char **argv);
int cmd_hook(int argc, char **argv);
int cmd_audit(int argc, char **argv);

/* Every command, in the order `cw --help` lists them (main.c); the man
** page and the completion script walk the same table. */
typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	const char *words;   /* its own first words ("install uninstall"),
				or NULL */
} command;

extern const command cw_commands[];
extern const size_t cw_n_commands;

/* `cw help --man` and `cw help --completion` (manpage.c). */
int help_man(void);
int help_completion(void);

/* getenv, kept in one place so lib/ never needs it. */
const char *env_or_null(const char *name);

#endif
