/*
** pathscope.c - does a file of the migrations folder resolve outside it?
** (see pathscope.h for why it matters).
*/
#include "pathscope.h"
#include "codes.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int cw_path_outside(const char *path, const char *root, char **target,
		    cw_error *err)
{
	char *real_path, *real_root;
	size_t n;
	int outside;

	*target = NULL;
	real_path = realpath(path, NULL);
	if (real_path == NULL)
		return errno == ENOMEM ? cw_error_set(err, CW_ENOMEM, NULL,
					 path, 0, "out of memory") : 0;
	real_root = realpath(root, NULL);
	if (real_root == NULL) {
		free(real_path);
		return errno == ENOMEM ? cw_error_set(err, CW_ENOMEM, NULL,
					 root, 0, "out of memory") : 0;
	}
	n = strlen(real_root);
	/* "/" holds everything; otherwise root itself or root/... */
	outside = !(n == 1 || (strncmp(real_path, real_root, n) == 0 &&
			       (real_path[n] == '/' || real_path[n] == 0)));
	free(real_root);
	if (outside)
		*target = real_path;
	else
		free(real_path);
	return outside;
}

int cw_path_scope_check(cw_diags *diags, const char *path, const char *root,
			cw_error *err)
{
	char *target;
	int rc = cw_path_outside(path, root, &target, err);

	if (rc != 1)
		return rc;
	cw_diags_add(diags, CW_J016, path, 0, 0, "%s resolves to %s, outside "
		     "the migrations folder %s", path, target, root);
	free(target);
	return 0;
}
