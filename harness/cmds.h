/*
** cmds.h - the subcommands of cw, one file each, and what they share.
*/
#ifndef CW_CMDS_H
#define CW_CMDS_H

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
int cmd_audit(int argc, char **argv);

/* getenv, kept in one place so lib/ never needs it. */
const char *env_or_null(const char *name);

#endif
