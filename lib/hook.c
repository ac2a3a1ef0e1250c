/*
** hook.c - finding, recognising and writing cw's pre-commit hook.
*/
#include "hook.h"
#include "atomicfile.h"
#include "gitbase.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cw_hook_path(char **out, const char *dir, cw_error *err)
{
	const char *args[] = {"rev-parse", "--git-path", "hooks", NULL};
	cw_bytes b = {0};
	char errtext[512];
	size_t n;
	int rc, status;

	*out = NULL;
	rc = cw_gitbase_run(&b, &status, errtext, sizeof(errtext), dir, args,
			    err);
	if (rc == 0 && status != 0)
		rc = cw_error_set(err, CW_ENOTFOUND, NULL, dir, 0, "%s is not "
				  "inside a git repository (git: %s)", dir,
				  errtext);
	if (rc != 0) {
		cw_bytes_free(&b);
		return rc;
	}
	b.data[strcspn(b.data, "\n")] = '\0';
	/* git answers relative to dir; the caller runs from elsewhere. */
	n = strlen(dir) + strlen(b.data) + sizeof("/pre-commit") + 1;
	*out = malloc(n);
	if (*out == NULL)
		rc = cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				  "out of memory");
	else if (b.data[0] == '/' || strcmp(dir, ".") == 0)
		snprintf(*out, n, "%s/pre-commit", b.data);
	else
		snprintf(*out, n, "%s/%s/pre-commit", dir, b.data);
	cw_bytes_free(&b);
	return rc;
}

int cw_hook_state_of(cw_hook_state *out, const char *path, cw_error *err)
{
	cw_bytes b = {0};
	const char *p;
	int rc;

	*out = CW_HOOK_ABSENT;
	rc = cw_text_read_file(&b, path, err);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	*out = CW_HOOK_FOREIGN;
	/* The marker must start a line: quoting it elsewhere is not ours. */
	for (p = strstr(b.data, CW_HOOK_MARKER); p != NULL;
	     p = strstr(p + 1, CW_HOOK_MARKER))
		if (p == b.data || p[-1] == '\n')
			*out = CW_HOOK_OURS;
	cw_bytes_free(&b);
	return 0;
}

/* s in single quotes for sh, each ' written as '\''. */
static char *sh_quote(const char *s)
{
	size_t n = 3, i, k = 0;
	char *q;

	for (i = 0; s[i]; i++)
		n += s[i] == '\'' ? 4 : 1;
	q = malloc(n);
	if (q == NULL)
		return NULL;
	q[k++] = '\'';
	for (i = 0; s[i]; i++) {
		if (s[i] == '\'') {
			memcpy(q + k, "'\\''", 4);
			k += 4;
		} else {
			q[k++] = s[i];
		}
	}
	q[k++] = '\'';
	q[k] = '\0';
	return q;
}

char *cw_hook_text(const char *cw_path)
{
	static const char fmt[] =
		"#!/bin/sh\n"
		CW_HOOK_MARKER " (written by `cw hook install`; "
		"`cw hook uninstall` removes it)\n"
		"#\n"
		"# Checks each migration folder this commit touches, as "
		"staged (the index,\n"
		"# not the work tree): errors block the commit, warnings do "
		"not.\n"
		"# Skip it once with `git commit --no-verify`.\n"
		"cw=%s\n"
		"if [ ! -x \"$cw\" ]; then\n"
		"\tgone=$cw\n"
		"\tcw=$(command -v cw) || {\n"
		"\t\techo \"cw pre-commit hook: $gone is gone and no cw is "
		"on PATH;\" \\\n"
		"\t\t     \"run cw hook install again\" >&2\n"
		"\t\texit 1\n"
		"\t}\n"
		"fi\n"
		"exec \"$cw\" check --staged\n";
	char *q = sh_quote(cw_path), *text = NULL;
	size_t n;

	if (q == NULL)
		return NULL;
	n = sizeof(fmt) + strlen(q);
	text = malloc(n);
	if (text != NULL)
		snprintf(text, n, fmt, q);
	free(q);
	return text;
}

/* mkdir -p of the folder holding path. */
static int make_folder(const char *path, cw_error *err)
{
	char *d = strdup(path), *p;
	int rc = 0;

	if (d == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	for (p = strchr(d + 1, '/'); rc == 0 && p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(d, 0755) != 0 && errno != EEXIST)
			rc = cw_error_set(err, CW_EIO, NULL, d, 0, "cannot "
					  "create %s: %s", d, strerror(errno));
		*p = '/';
	}
	free(d);
	return rc;
}

int cw_hook_write(const char *path, const char *cw_path, cw_error *err)
{
	char *text = cw_hook_text(cw_path);
	int rc;

	if (text == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	rc = make_folder(path, err);
	if (rc == 0)
		rc = cw_atomicfile_write(path, text, strlen(text), err);
	if (rc == 0 && chmod(path, 0755) != 0)
		rc = cw_error_set(err, CW_EIO, NULL, path, 0, "cannot make %s "
				  "executable: %s", path, strerror(errno));
	free(text);
	return rc;
}
