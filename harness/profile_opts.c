/*
** profile_opts.c - turning the profile options into a cw_profile.
*/
#include "profile_opts.h"
#include "cmds.h"
#include "msg.h"

#include <stdlib.h>
#include <string.h>

/* A bad profile is a finding on the config file, printed like any. */
static int fail(const cw_error *err)
{
	cw_diags one = CW_DIAGS_INIT;
	const char *msg = err->message;
	size_t n = strlen(err->path);

	if (!err->diag[0] || !err->path[0]) {
		msg_cw_error(err);
		return 2;
	}
	/* The message repeats "path:" (or "path:line:col:") first. */
	if (strncmp(msg, err->path, n) == 0 && msg[n] == ':') {
		msg += n + 1;
		while (*msg == ' ' || *msg == ':' ||
		       (*msg >= '0' && *msg <= '9'))
			msg++;
	}
	msg_diag(stderr, cw_diags_add(&one, err->diag, err->path, err->line,
				      err->column, "%s", msg));
	cw_diags_free(&one);
	return 2;
}

int profile_opts_resolve(cw_profile *out, const profile_opts *o,
			 const char *dir)
{
	cw_profile init = CW_PROFILE_INIT;
	cw_error err = {0};
	const char *config = o->config ? o->config : env_or_null("CW_CONFIG");
	char *found = NULL, *list = NULL, *save = NULL, *tok;
	int rc = 0;

	*out = init;
	if (config == NULL) {
		if (cw_profile_find(&found, dir, &err) != 0)
			return fail(&err);
		config = found;
	}
	if (config && cw_profile_load(out, config, &err) != 0)
		rc = fail(&err);
	free(found);
	if (rc == 0 && o->fk && strcmp(o->fk, "on") && strcmp(o->fk, "off")) {
		msg_error("--foreign-keys takes on or off, got '%s'", o->fk);
		rc = 2;
	}
	if (rc == 0 && o->fk)
		out->foreign_keys = strcmp(o->fk, "on") == 0;
	if (rc == 0 && o->functions &&
	    (list = strdup(o->functions)) == NULL) {
		msg_error("out of memory");
		rc = 2;
	}
	for (tok = list ? strtok_r(list, ",", &save) : NULL;
	     rc == 0 && tok; tok = strtok_r(NULL, ",", &save))
		if (cw_profile_add_function(out, tok, &err) != 0)
			rc = fail(&err);
	free(list);
	if (rc != 0)
		cw_profile_free(out);
	return rc;
}
