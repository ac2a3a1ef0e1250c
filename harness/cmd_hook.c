/*
** cmd_hook.c - `cw hook install [--force]` and `cw hook uninstall`: the
** git pre-commit hook that runs `cw check --staged` (lib/hook.h).
**
** Exit status: 0 done (or nothing to do), 1 refused (a hook cw did not
** write is in the way), 2 could not run.
*/
#include "cmds.h"
#include "msg.h"
#include "opts.h"
#include "../lib/hook.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"cw hook install|uninstall [--force] [--cw PATH]";

/* The binary the hook should run: the one running now, by its real
** path, so that the hook works from any directory and after a cd. */
static char *self_path(const char *given)
{
	return realpath(given ? given : "/proc/self/exe", NULL);
}

static int install(const char *path, cw_hook_state st, int force,
		   const char *cw_given)
{
	cw_error err = {0};
	char *cw = self_path(cw_given);
	int rc;

	if (cw == NULL) {
		msg_error("cannot find the cw binary%s%s", cw_given ? " " : "",
			  cw_given ? cw_given : "");
		return 2;
	}
	if (st == CW_HOOK_FOREIGN && !force) {
		msg_error("%s exists and cw did not write it: left as it is "
			  "(--force replaces it)", path);
		free(cw);
		return 1;
	}
	rc = cw_hook_write(path, cw, &err);
	if (rc == 0)
		printf("%s: %s pre-commit hook running %s check --staged\n",
		       path, st == CW_HOOK_ABSENT ? "installed" :
		       st == CW_HOOK_OURS ? "updated" :
		       "replaced a foreign hook with the", cw);
	else
		msg_cw_error(&err);
	free(cw);
	return rc == 0 ? 0 : 2;
}

static int uninstall(const char *path, cw_hook_state st)
{
	if (st == CW_HOOK_ABSENT) {
		printf("%s: no pre-commit hook, nothing to remove\n", path);
		return 0;
	}
	if (st == CW_HOOK_FOREIGN) {
		msg_error("%s is not cw's hook: left as it is", path);
		return 1;
	}
	if (remove(path) != 0) {
		msg_error("cannot remove %s", path);
		return 2;
	}
	printf("%s: removed cw's pre-commit hook\n", path);
	return 0;
}

int cmd_hook(int argc, char **argv)
{
	const char *force = NULL, *cw = NULL;
	const opt table_[] = {
		{"--force", NULL, "install over a pre-commit hook cw did not "
		 "write", &force},
		{"--cw", "PATH", "the cw binary the hook runs (default: this "
		 "one)", &cw},
	};
	const char *pos[1] = {NULL};
	cw_hook_state st;
	cw_error err = {0};
	char *path = NULL;
	size_t n_pos;
	int rc;

	rc = opts_parse(argc, argv, table_, sizeof(table_) / sizeof(*table_),
			pos, 1, &n_pos, usage);
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (n_pos == 0 || (strcmp(pos[0], "install") != 0 &&
			   strcmp(pos[0], "uninstall") != 0)) {
		msg_error("hook needs install or uninstall\nusage: %s", usage);
		return 2;
	}
	if (cw_hook_path(&path, ".", &err) != 0 ||
	    cw_hook_state_of(&st, path, &err) != 0) {
		msg_cw_error(&err);
		free(path);
		return 2;
	}
	if (strcmp(pos[0], "install") == 0)
		rc = install(path, st, force != NULL, cw);
	else
		rc = uninstall(path, st);
	free(path);
	return rc;
}
