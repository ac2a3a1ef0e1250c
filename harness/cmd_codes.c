/*
** cmd_codes.c - `cw codes [CODE]`: the rule list, from lib's code table.
**
** `--markdown` prints the README's rule list; `make readme-codes`
** rewrites the README from it and the test suite fails, printing that
** command, when the two drift apart.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "../lib/codes.h"

#include <stdio.h>
#include <strings.h>

static void markdown_cell(const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", stdout);
		else if (*s == '`')
			fputs("'", stdout);
		else
			fputc(*s, stdout);
	}
}

static void print_markdown(const cw_code_info *t, size_t n)
{
	size_t i;

	printf("| code | severity | what | failing example | fix |\n");
	printf("|---|---|---|---|---|\n");
	for (i = 0; i < n; i++) {
		printf("| %s | %s | ", t[i].code,
		       cw_codes_severity_name(t[i].severity));
		markdown_cell(t[i].title);
		fputs(" | `", stdout);
		markdown_cell(t[i].example);
		fputs("` | ", stdout);
		markdown_cell(t[i].hint);
		fputs(" |\n", stdout);
	}
}

int cmd_codes(int argc, char **argv)
{
	const char *md = NULL;
	const opt table[] = {
		{"--markdown", NULL, "print the README's rule table", &md},
	};
	const char *pos[1] = {NULL};
	const cw_code_info *t, *one = NULL;
	size_t n, n_pos, i;
	int rc = opts_parse(argc, argv, table, 1, pos, 1, &n_pos,
			    "cw codes [CODE] [--markdown]");

	if (rc != 0)
		return rc == 1 ? 0 : 2;
	t = cw_codes_table(&n);
	if (md) {
		print_markdown(t, n);
		return 0;
	}
	/* Codes are written in capitals, but `cw codes s001` is S001. */
	for (i = 0; n_pos && one == NULL && i < n; i++)
		if (strcasecmp(pos[0], t[i].code) == 0)
			one = &t[i];
	if (n_pos && one == NULL) {
		msg_error("no diagnostic code '%s' (see `cw codes`)", pos[0]);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (one && one != &t[i])
			continue;
		printf("%s %-7s %s\n", t[i].code,
		       cw_codes_severity_name(t[i].severity), t[i].title);
		if (one)
			printf("  example: %s\n  fix: %s\n", t[i].example,
			       t[i].hint);
	}
	return 0;
}
