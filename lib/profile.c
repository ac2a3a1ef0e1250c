/*
** profile.c - reading cw.config.json and setting a connection up the way
** the application runs drizzle's migrator.  Design in profile.h.
*/
#include "profile.h"
#include "codes.h"
#include "hash.h"
#include "jsonstrict.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>

static int is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Look in folder `here` (NUL-terminated, may be rewritten): 1 when the
** config file is there (*out set to a copy of its path), -1 when the
** folder holds .git (the walk ends), 0 to go on, CW_ENOMEM. */
static int look(char **out, const char *here)
{
	int at_root = strcmp(here, "/") == 0;
	size_t n = strlen(here) + sizeof(CW_PROFILE_FILE) + 8;
	char *path = malloc(n);

	if (path == NULL)
		return CW_ENOMEM;
	snprintf(path, n, "%s/%s", at_root ? "" : here, CW_PROFILE_FILE);
	if (is_file(path)) {
		*out = path;
		return 1;
	}
	snprintf(path, n, "%s/.git", at_root ? "" : here);
	n = exists(path) || at_root;
	free(path);
	return n ? -1 : 0;
}

/* One folder up, lexically; 0 when the name has no parent left to
** strip ("." or ".." or a path ending in ".."). */
static int up(char *here)
{
	char *slash = strrchr(here, '/');

	if (strcmp(here, "/") == 0)
		return 0;
	if (slash == NULL) {
		if (strcmp(here, ".") == 0 || strcmp(here, "..") == 0)
			return 0;
		strcpy(here, ".");
		return 1;
	}
	if (strcmp(slash + 1, "..") == 0 || strcmp(slash + 1, ".") == 0)
		return 0;
	if (slash == here)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 1;
}

int cw_profile_find(char **out, const char *dir, cw_error *err)
{
	char *here = strdup(dir[0] ? dir : "."), *abs = NULL;
	int rc = 0;

	*out = NULL;
	if (here == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	/* Lexically first, so that paths in findings read as the user
	** named the folder; past "." or "..", on the resolved path. */
	while ((rc = look(out, here)) == 0 && up(here))
		;
	if (rc == 0 && (abs = realpath(here, NULL)) != NULL)
		while (up(abs) && (rc = look(out, abs)) == 0)
			;
	free(here);
	free(abs);
	if (rc == CW_ENOMEM)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	return 0;
}

int cw_profile_add_function(cw_profile *p, const char *spec,
			    cw_error *err)
{
	const char *slash = strrchr(spec, '/');
	cw_app_function *fn;
	char *end = NULL;
	long arity = -1;
	size_t len = slash ? (size_t)(slash - spec) : strlen(spec), i;

	if (slash && strcmp(slash + 1, "*") != 0) {
		arity = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end || arity < 0 || arity > 1000)
			return cw_error_set(err, CW_EINVAL, CW_R006, p->source,
				0, "function \"%s\": the arity after '/' must "
				"be a number from 0 to 1000 or '*'", spec);
	}
	for (i = 0; i < len; i++)
		if (!(spec[i] == '_' || (spec[i] >= 'a' && spec[i] <= 'z') ||
		      (spec[i] >= 'A' && spec[i] <= 'Z') ||
		      (i > 0 && spec[i] >= '0' && spec[i] <= '9')))
			break;
	if (len == 0 || i < len || len > 255)
		return cw_error_set(err, CW_EINVAL, CW_R006, p->source, 0,
				    "function \"%s\": expected NAME/ARITY "
				    "with a SQL identifier as NAME", spec);
	fn = realloc(p->functions, (p->n_functions + 1) * sizeof(*fn));
	if (fn == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	p->functions = fn;
	fn = &fn[p->n_functions];
	fn->name = strndup(spec, len);
	fn->n_args = (int)arity;
	if (fn->name == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
	p->n_functions++;
	return 0;
}

static int bad(cw_error *err, const char *path, const char *what)
{
	return cw_error_set(err, CW_EINVAL, CW_R006, path, 1, "%s: %s", path,
			    what);
}

static int load_migrator(cw_profile *p, const cJSON *m, const char *path,
			 cw_error *err)
{
	const cJSON *it;
	int rc = 0;

	if (!cJSON_IsObject(m))
		return bad(err, path, "\"migrator\" must be an object");
	cJSON_ArrayForEach(it, m) {
		if (strcmp(it->string, "foreignKeys") == 0) {
			if (!cJSON_IsBool(it))
				return bad(err, path, "migrator.foreignKeys "
					   "must be true or false");
			p->foreign_keys = cJSON_IsTrue(it);
		} else if (strcmp(it->string, "table") == 0) {
			if (!cJSON_IsString(it) || !it->valuestring[0])
				return bad(err, path, "migrator.table must "
					   "be a non-empty string");
			free(p->table);
			p->table = strdup(it->valuestring);
			if (p->table == NULL)
				return cw_error_set(err, CW_ENOMEM, NULL,
						    NULL, 0, "oom");
		} else if (strcmp(it->string, "functions") == 0) {
			const cJSON *fn;
			if (!cJSON_IsArray(it))
				return bad(err, path, "migrator.functions "
					   "must be an array of "
					   "\"name/arity\" strings");
			cJSON_ArrayForEach(fn, it) {
				if (!cJSON_IsString(fn))
					return bad(err, path, "migrator."
						"functions holds a value that "
						"is not a \"name/arity\" "
						"string");
				rc = cw_profile_add_function(p,
					fn->valuestring, err);
				if (rc != 0)
					return rc;
			}
		} else {
			char msg[300];
			snprintf(msg, sizeof(msg), "unknown field migrator.%.200s"
				 " (known: foreignKeys, table, functions)",
				 it->string);
			return bad(err, path, msg);
		}
	}
	return 0;
}

int cw_profile_load(cw_profile *p, const char *path, cw_error *err)
{
	cw_bytes text = {0};
	cJSON *root = NULL;
	const cJSON *it;
	size_t off = 0;
	int rc = cw_text_read_file(&text, path, err);

	if (rc != 0)
		return rc;
	free(p->source);
	p->source = strdup(path);
	if (p->source == NULL) {
		rc = cw_error_set(err, CW_ENOMEM, NULL, NULL, 0, "oom");
		goto done;
	}
	if (cw_jsonstrict_validate(text.data, text.len, &off) != 0 ||
	    (root = cJSON_ParseWithLength(text.data, text.len)) == NULL) {
		int line = 1, col = 1;
		cw_text_line_col(text.data, off, &line, &col);
		rc = cw_error_set(err, CW_EINVAL, CW_R006, path, line,
				  "%s:%d:%d: not valid JSON", path, line, col);
		goto done;
	}
	if (!cJSON_IsObject(root)) {
		rc = bad(err, path, "expected an object like "
			 "{\"migrator\": {\"foreignKeys\": false}}");
		goto done;
	}
	cJSON_ArrayForEach(it, root) {
		if (strcmp(it->string, "migrator") != 0) {
			char msg[300];
			snprintf(msg, sizeof(msg), "unknown field %.200s "
				 "(known: migrator)", it->string);
			rc = bad(err, path, msg);
			goto done;
		}
		rc = load_migrator(p, it, path, err);
		if (rc != 0)
			goto done;
	}
done:
	cJSON_Delete(root);
	cw_bytes_free(&text);
	return rc;
}

/* A stand-in's state: its name and how often it was called. */
typedef struct standin {
	char name[256];
	unsigned long long calls;
} standin;

/* Distinct, reproducible text for each call: a UUID-shaped digest of
** the name, the call number and the arguments. */
static void standin_call(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	standin *s = sqlite3_user_data(ctx);
	char buf[1024], hex[CW_HASH_HEX_LEN + 1], out[40];
	size_t o;
	int i;

	o = (size_t)snprintf(buf, sizeof(buf), "%s#%llu", s->name,
			     ++s->calls);
	for (i = 0; i < argc && o < sizeof(buf); i++) {
		const unsigned char *t = sqlite3_value_text(argv[i]);
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "|%.200s",
				      t ? (const char *)t : "NULL");
	}
	if (o >= sizeof(buf))
		o = sizeof(buf) - 1;
	if (cw_hash_sha256_hex(hex, buf, o, NULL) != 0) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	snprintf(out, sizeof(out), "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8,
		 hex + 12, hex + 16, hex + 20);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int cw_profile_apply(const cw_profile *p, sqlite3 *db, cw_error *err)
{
	size_t i;
	int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY,
				   p->foreign_keys ? 1 : 0, NULL);

	for (i = 0; rc == SQLITE_OK && i < p->n_functions; i++) {
		standin *s = calloc(1, sizeof(*s));
		if (s == NULL)
			return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
					    "oom");
		snprintf(s->name, sizeof(s->name), "%s",
			 p->functions[i].name);
		rc = sqlite3_create_function_v2(db, p->functions[i].name,
			p->functions[i].n_args, SQLITE_UTF8, s, standin_call,
			NULL, NULL, free);
	}
	if (rc != SQLITE_OK)
		return cw_error_set(err, CW_ESQL, CW_R006, p->source, 0,
				    "setting up the migrator's connection: "
				    "%s", sqlite3_errmsg(db));
	return 0;
}

void cw_profile_describe(const cw_profile *p, char *buf, size_t n)
{
	size_t o, i;

	if (p->source == NULL && p->foreign_keys && p->n_functions == 0 &&
	    p->table == NULL) {
		snprintf(buf, n, "stock better-sqlite3 migrator (foreign "
			 "keys ON)");
		return;
	}
	o = (size_t)snprintf(buf, n, "%s: foreign keys %s",
			     p->source ? p->source : "command line",
			     p->foreign_keys ? "ON" : "OFF");
	if (p->table && o < n)
		o += (size_t)snprintf(buf + o, n - o, ", table %s", p->table);
	for (i = 0; i < p->n_functions && o < n; i++) {
		if (p->functions[i].n_args < 0)
			o += (size_t)snprintf(buf + o, n - o, "%s%s/*",
				i ? " " : ", functions ",
				p->functions[i].name);
		else
			o += (size_t)snprintf(buf + o, n - o, "%s%s/%d",
				i ? " " : ", functions ",
				p->functions[i].name, p->functions[i].n_args);
	}
}

void cw_profile_free(cw_profile *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n_functions; i++)
		free(p->functions[i].name);
	free(p->functions);
	free(p->table);
	free(p->source);
	memset(p, 0, sizeof(*p));
	p->foreign_keys = 1;
}
