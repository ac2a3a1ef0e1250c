/*
** opts.c - option parsing for every subcommand.
*/
#include "opts.h"
#include "msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_help(const char *usage, const opt *t, size_t n)
{
	size_t i;

	printf("usage: %s\n\n", usage);
	for (i = 0; i < n; i++) {
		char left[64];
		snprintf(left, sizeof(left), "%s%s%s", t[i].name,
			 t[i].arg ? " " : "", t[i].arg ? t[i].arg : "");
		printf("  %-24s %s\n", left, t[i].help);
	}
}

int opts_parse(int argc, char **argv, const opt *table, size_t n_opts,
	       const char **pos, size_t max_pos, size_t *out_n_pos,
	       const char *usage)
{
	int i, only_pos = 0;
	size_t n_pos = 0, k;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		size_t name_len;
		const opt *o = NULL;

		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && (strcmp(a, "--help") == 0 ||
				  strcmp(a, "-h") == 0)) {
			print_help(usage, table, n_opts);
			return 1;
		}
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (n_pos == max_pos) {
				msg_error("unexpected argument '%s'\nusage: %s",
					  a, usage);
				return 2;
			}
			pos[n_pos++] = a;
			continue;
		}
		eq = strchr(a, '=');
		name_len = eq ? (size_t)(eq - a) : strlen(a);
		for (k = 0; k < n_opts; k++)
			if (strlen(table[k].name) == name_len &&
			    strncmp(table[k].name, a, name_len) == 0)
				o = &table[k];
		if (o == NULL) {
			msg_error("unknown option '%.*s'\nusage: %s",
				  (int)name_len, a, usage);
			return 2;
		}
		if (o->arg == NULL) {
			if (eq) {
				msg_error("option %s takes no value", o->name);
				return 2;
			}
			*o->value = "1";
		} else if (eq) {
			*o->value = eq + 1;
		} else if (i + 1 < argc) {
			*o->value = argv[++i];
		} else {
			msg_error("option %s needs a value (%s)", o->name,
				  o->arg);
			return 2;
		}
	}
	*out_n_pos = n_pos;
	return 0;
}

long opts_number(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	return v;
}
