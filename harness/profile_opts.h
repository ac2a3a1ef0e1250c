/*
** profile_opts.h - the options every command that runs migrations shares
** to say how the application runs drizzle's migrator (lib/profile.h):
** --config FILE, --foreign-keys on|off, --functions NAME/ARITY,...
*/
#ifndef CW_PROFILE_OPTS_H
#define CW_PROFILE_OPTS_H

#include "../lib/profile.h"

typedef struct profile_opts {
	const char *config;      /* --config FILE */
	const char *fk;          /* --foreign-keys on|off */
	const char *functions;   /* --functions a/0,b/1 */
} profile_opts;

/* The three entries of an option table (opts.h), written once so that
** every command offers them with the same help. */
#define PROFILE_OPTS_TABLE(po) \
	{"--config", "FILE", "how the app runs the migrator (default: the " \
	 "nearest " CW_PROFILE_FILE ", or $CW_CONFIG)", &(po).config}, \
	{"--foreign-keys", "on|off", "foreign keys during migrate() " \
	 "(stock better-sqlite3: on)", &(po).fk}, \
	{"--functions", "LIST", "SQL functions the app registers, " \
	 "NAME/ARITY comma-separated (deterministic stand-ins)", \
	 &(po).functions}

/* Build the profile for migrations folder dir: the config file (given,
** $CW_CONFIG, or found by the documented rule), then the flags on top.
** Prints the reason and returns 2 when it cannot; 0 otherwise. */
int profile_opts_resolve(cw_profile *out, const profile_opts *o,
			 const char *dir);

#endif
