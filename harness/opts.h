/*
** opts.h - a table-driven option parser that also prints --help.
**
** Each subcommand declares a static table of options; a value option
** stores its argument, a flag stores "1".  `--name=value` and
** `--name value` both work; `--` ends options.
*/
#ifndef CW_OPTS_H
#define CW_OPTS_H

#include <stddef.h>

typedef struct opt {
	const char *name;     /* "--db" */
	const char *arg;      /* "FILE", or NULL for a flag */
	const char *help;
	const char **value;   /* where the argument (or "1") goes */
} opt;

/* Parse argv[1..]; positional arguments go to pos (at most max_pos).
** Returns 0, 1 if --help was asked (help printed to stdout), or 2 after
** printing a usage error. */
int opts_parse(int argc, char **argv, const opt *table, size_t n_opts,
	       const char **pos, size_t max_pos, size_t *out_n_pos,
	       const char *usage);

/* Parse a non-negative integer option; -1 if malformed. */
long opts_number(const char *s);

#endif
