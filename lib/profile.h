/*
** profile.h - how an application runs drizzle's migrator: the connection
** settings cw must reproduce to see what that application sees.
**
** The default is the stock better-sqlite3 migrator: foreign keys ON (the
** compiled default), drizzle's table name, no application functions.  Real
** applications differ: some turn foreign keys OFF on the connection before
** calling migrate() (their table rebuilds then cascade nothing, and child
** rows may be left pointing at nothing); some register SQL functions of
** their own (uuid_v4()) that migrations call.  A project declares this in
** a config file, cw.config.json:
**
**   {"migrator": {"foreignKeys": false,
**                 "table": "__drizzle_migrations",
**                 "functions": ["uuid_v4/0", "slugify/1"]}}
**
** found by cw_profile_find: the migrations folder, then each parent
** folder up to the one holding .git (or the filesystem root).  Every field
** is optional; unknown fields are refused (a typo must not silently mean
** the stock profile).  Functions get deterministic stand-ins: each call
** returns a distinct text derived from the function's name, its call
** number and its arguments, so migrations that call them can run and a
** run is reproducible.
*/
#ifndef CW_PROFILE_H
#define CW_PROFILE_H

#include <sqlite3.h>
#include <stddef.h>
#include "error.h"

#define CW_PROFILE_FILE "cw.config.json"

typedef struct cw_app_function {
	char *name;
	int n_args;          /* -1: any number */
} cw_app_function;

typedef struct cw_profile {
	char *source;        /* the config file read, or NULL */
	int foreign_keys;    /* during migrate(): 1 ON (stock), 0 OFF */
	char *table;         /* migrations table, NULL for drizzle's */
	cw_app_function *functions;
	size_t n_functions;
} cw_profile;

#define CW_PROFILE_INIT {NULL, 1, NULL, NULL, 0}

/* The config file that applies to migrations folder dir, by the rule
** above: *out is a new string (caller frees), or NULL when there is none.
** The walk strips dir's components first ("input/cw.config.json",
** "./cw.config.json"), then goes on from the resolved absolute path, so
** "." and ".." walk up to the repository root like any folder.  Returns 0
** or CW_ENOMEM. */
int cw_profile_find(char **out, const char *dir, cw_error *err);

/* Read a config file into p (fields it sets override p's).  CW_EINVAL
** with diagnostic R006 naming the file, line and field when it is not
** valid; CW_ENOTFOUND or CW_EIO when it is missing or cannot be read. */
int cw_profile_load(cw_profile *p, const char *path, cw_error *err);

/* Add one function from "name/arity" (arity a number or '*'). */
int cw_profile_add_function(cw_profile *p, const char *spec,
			    cw_error *err);

/* Set db up as the application does before calling migrate(). */
int cw_profile_apply(const cw_profile *p, sqlite3 *db, cw_error *err);

/* One line naming the profile for reports: "stock better-sqlite3
** migrator (foreign keys ON)" or "cw.config.json: foreign keys OFF,
** functions uuid_v4/0". */
void cw_profile_describe(const cw_profile *p, char *buf, size_t n);

void cw_profile_free(cw_profile *p);

#endif
