/*
** journal.c - meta/_journal.json through cJSON, plus the line numbers
** cJSON does not keep (from the JSON walk of jsonstrict.h).
*/
#include "journal.h"
#include "pathscope.h"
#include "codes.h"
#include "jsonstrict.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- where things are: lines from the JSON walk (jsonstrict.h) ---- */

typedef struct pos_scan {
	const char *s;
	cw_journal *j;      /* entries[] already allocated */
	cw_text_cursor cur; /* values come in text order: one pass */
	int in_entries;     /* inside the top-level "entries" array */
	cw_journal_entry *e;/* the entry object being walked, or NULL */
} pos_scan;

static int key_is(const cw_json_at *at, const char *k)
{
	return at->key && at->key_len == strlen(k) &&
	       memcmp(at->key, k, at->key_len) == 0;
}

/* Note the lines of the values cw reports on: the top-level "dialect",
** each element of the top-level "entries" array and the fields of each
** entry object.  A key given twice is seen twice; the last one counts,
** as in JSON.parse. */
static int note_position(void *ctx, const cw_json_at *at, int is_leave)
{
	pos_scan *p = ctx;
	const char *v = p->s + at->off;

	if (is_leave) {
		/* cJSON cuts a string at an escaped NUL; see it in the text. */
		if (at->depth == 3 && p->e && key_is(at, "tag") &&
		    memmem(v, at->end - at->off, "\\u0000", 6))
			p->e->tag_has_nul = 1;
		return 0;
	}
	if (at->depth == 1) {
		p->in_entries = key_is(at, "entries") && *v == '[';
		if (key_is(at, "dialect"))
			p->j->dialect_line = cw_text_line_at(&p->cur, at->off,
							     NULL);
	} else if (at->depth == 2) {
		p->e = NULL;
		if (!p->in_entries || at->index >= p->j->n_entries)
			return 0;
		p->e = &p->j->entries[at->index];
		p->e->line = cw_text_line_at(&p->cur, at->off, NULL);
		if (*v != '{')
			p->e = NULL;
	} else if (at->depth == 3 && p->e) {
		int line = cw_text_line_at(&p->cur, at->off, NULL);
		if (key_is(at, "idx"))
			p->e->idx_line = line;
		else if (key_is(at, "when"))
			p->e->when_line = line;
		else if (key_is(at, "tag"))
			p->e->tag_line = line;
		else if (key_is(at, "version"))
			p->e->version_line = line;
		else if (key_is(at, "breakpoints"))
			p->e->breakpoints_line = line;
	}
	return 0;
}

/* ---- the journal itself ---- */

int cw_journal_tag_is_safe(const char *tag, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tag[i];
		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
			return 0;
		if (c == '.' && i + 1 < len && tag[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* The value of key in obj; the last one if the key repeats, because
** JSON.parse keeps the last and drizzle reads what JSON.parse returns. */
static const cJSON *last_item(const cJSON *obj, const char *key)
{
	const cJSON *it, *found = NULL;

	if (!cJSON_IsObject(obj))
		return NULL;
	for (it = obj->child; it != NULL; it = it->next)
		if (it->string && strcmp(it->string, key) == 0)
			found = it;
	return found;
}

static const char *json_type_name(const cJSON *v)
{
	if (v == NULL) return "missing";
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsNumber(v)) return "a number";
	if (cJSON_IsBool(v)) return "a boolean";
	if (cJSON_IsNull(v)) return "null";
	if (cJSON_IsArray(v)) return "an array";
	if (cJSON_IsObject(v)) return "an object";
	return "invalid";
}

static void bad_field(cw_diags *diags, const cw_journal *j,
		      const cw_journal_entry *e, const char *key,
		      const char *want, const cJSON *v, int line)
{
	cw_diags_add(diags, CW_J003, j->path, line ? line : e->line, 0,
		     "entries[%zu].%s is %s, expected %s", e->pos, key,
		     json_type_name(v), want);
}

static int read_entry(cw_journal *j, cw_journal_entry *e, const cJSON *obj,
		      cw_diags *diags)
{
	const cJSON *v;

	if (!cJSON_IsObject(obj)) {
		cw_diags_add(diags, CW_J003, j->path, e->line, 0,
			     "entries[%zu] is %s, expected an object",
			     e->pos, json_type_name(obj));
		return 0;
	}
	v = last_item(obj, "idx");
	e->has_idx = cJSON_IsNumber(v);
	if (e->has_idx)
		e->idx = v->valuedouble;
	else
		bad_field(diags, j, e, "idx", "an integer", v, e->idx_line);
	v = last_item(obj, "version");
	e->has_version = cJSON_IsString(v);
	if (e->has_version && (e->version = strdup(v->valuestring)) == NULL)
		return -1;
	if (!e->has_version)
		bad_field(diags, j, e, "version", "a string", v,
			  e->version_line);
	v = last_item(obj, "when");
	e->has_when = cJSON_IsNumber(v);
	if (e->has_when)
		e->when = v->valuedouble;
	else
		bad_field(diags, j, e, "when", "a number (ms since epoch)", v,
			  e->when_line);
	v = last_item(obj, "tag");
	e->has_tag = cJSON_IsString(v);
	if (e->has_tag) {
		/* cJSON strings stop at an escaped NUL; compare lengths to
		** notice one. */
		e->tag = strdup(v->valuestring);
		if (e->tag == NULL)
			return -1;
		e->is_tag_safe = !e->tag_has_nul &&
			cw_journal_tag_is_safe(e->tag, strlen(e->tag));
		if (!e->is_tag_safe)
			cw_diags_add(diags, CW_J011, j->path,
				     e->tag_line ? e->tag_line : e->line, 0,
				     "entries[%zu].tag is unsafe as a file "
				     "name; refusing to open it", e->pos);
	} else {
		bad_field(diags, j, e, "tag", "a string", v, e->tag_line);
	}
	v = last_item(obj, "breakpoints");
	e->has_breakpoints = cJSON_IsBool(v);
	if (e->has_breakpoints)
		e->breakpoints = cJSON_IsTrue(v);
	else
		bad_field(diags, j, e, "breakpoints", "a boolean", v,
			  e->breakpoints_line);
	return 0;
}

static int json_error_line(const char *text, size_t len, int *out_col)
{
	const char *where = cJSON_GetErrorPtr();
	int line = 1;

	*out_col = 0;
	if (where != NULL && where >= text && where <= text + len)
		cw_text_line_col(text, (size_t)(where - text), &line, out_col);
	return line;
}

int cw_journal_parse(cw_journal *out, const char *path, const char *text,
		     size_t len, cw_diags *diags, cw_error *err)
{
	cJSON *root = NULL;
	const cJSON *entries, *v;
	const char *end = NULL;
	pos_scan scan;
	size_t k, bad = 0;
	int rc = 0, col = 0, line = 0;

	memset(out, 0, sizeof(*out));
	out->path = strdup(path);
	if (out->path == NULL)
		goto nomem;
	/* A UTF-8 byte-order mark: Buffer#toString keeps it (as U+FEFF) and
	** JSON.parse refuses it, so drizzle fails on such a journal.  The
	** strict validation below would refuse it too, as invalid JSON at
	** line 1 column 1; it is named here because no editor shows it.
	** (cJSON alone would skip it.) */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		cw_diags_add(diags, CW_J002, path, 1, 1, "journal starts with "
			     "a byte-order mark, which JSON.parse (and so "
			     "drizzle) rejects");
		rc = cw_error_set(err, CW_EINVAL, CW_J002, path, 1,
				  "%s:1: journal starts with a byte-order "
				  "mark; drizzle cannot parse it", path);
		goto done;
	}
	/* JSON.parse is strict where cJSON is lenient (trailing garbage
	** included): validate first, so that what drizzle cannot parse never
	** passes.  Then text[len] is the NUL cJSON needs to see when asked to
	** require the end. */
	if (cw_jsonstrict_validate(text, len, &bad) == 0)
		root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1);
	else
		cw_text_line_col(text, bad, &line, &col);
	if (root == NULL) {
		if (line == 0)
			line = json_error_line(text, len, &col);
		cw_diags_add(diags, CW_J002, path, line, col,
			     "journal is not valid JSON (JSON.parse, and so "
			     "drizzle, stops at line %d column %d)", line,
			     col);
		rc = cw_error_set(err, CW_EINVAL, CW_J002, path, line,
				  "%s:%d:%d: journal is not valid JSON",
				  path, line, col);
		goto done;
	}
	entries = last_item(root, "entries");
	if (!cJSON_IsArray(entries)) {
		cw_diags_add(diags, CW_J014, path, 1, 0,
			     "journal has no \"entries\" array (entries is %s)",
			     json_type_name(entries));
		rc = cw_error_set(err, CW_EINVAL, CW_J014, path, 1,
				  "%s: journal has no \"entries\" array",
				  path);
		goto done;
	}
	v = last_item(root, "version");
	if (cJSON_IsString(v) && (out->version = strdup(v->valuestring)) ==
				 NULL)
		goto nomem;
	v = last_item(root, "dialect");
	if (cJSON_IsString(v) && (out->dialect = strdup(v->valuestring)) ==
				 NULL)
		goto nomem;
	/* n_entries counts entries only once they exist, so that
	** cw_journal_free is safe after any failure. */
	k = (size_t)cJSON_GetArraySize(entries);
	out->entries = calloc(k ? k : 1, sizeof(*out->entries));
	if (out->entries == NULL)
		goto nomem;
	out->n_entries = k;
	for (k = 0; k < out->n_entries; k++)
		out->entries[k].pos = k;
	memset(&scan, 0, sizeof(scan));
	scan.s = text;
	scan.j = out;
	scan.cur = (cw_text_cursor)CW_TEXT_CURSOR_INIT(text);
	(void)cw_jsonstrict_walk(text, len, 0, note_position, &scan, NULL);
	out->is_usable = 1;
	k = 0;
	for (v = entries->child; v != NULL; v = v->next, k++) {
		cw_journal_entry *e = &out->entries[k];
		if (read_entry(out, e, v, diags) != 0)
			goto nomem;
		if (!e->has_tag || !e->is_tag_safe || !e->has_when)
			out->is_usable = 0;
	}
	goto done;
nomem:
	rc = cw_error_set(err, CW_ENOMEM, NULL, path, 0,
			  "%s: out of memory reading the journal", path);
done:
	cJSON_Delete(root);
	return rc;
}

int cw_journal_load(cw_journal *out, const char *dir, cw_diags *diags,
		    cw_error *err)
{
	cw_bytes text = {0}, decoded = {0};
	cw_error read_err = {0};
	char *path;
	size_t n = strlen(dir) + sizeof("/meta/_journal.json");
	int rc;

	memset(out, 0, sizeof(*out));
	path = malloc(n);
	if (path == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				    "out of memory");
	snprintf(path, n, "%s/meta/_journal.json", dir);
	rc = cw_text_read_file(&text, path, &read_err);
	if (rc == CW_ENOTFOUND) {
		cw_diags_add(diags, CW_J001, path, 0, 0,
			     "no meta/_journal.json in %s", dir);
		cw_error_set(err, rc, CW_J001, path, 0,
			     "%s: journal not found (is %s a drizzle "
			     "migrations folder?)", path, dir);
	} else if (rc != 0) {
		cw_error_set(err, rc, CW_J001, path, 0, "%s",
			     read_err.message);
	}
	if (rc == 0)
		rc = cw_path_scope_check(diags, path, dir, err);
	/* drizzle reads the journal through Buffer#toString: invalid UTF-8
	** becomes U+FFFD before JSON.parse sees it, in tags too. */
	if (rc == 0)
		rc = cw_text_utf8_sanitize(&decoded, text.data, text.len, NULL,
					   err);
	if (rc == 0)
		rc = cw_journal_parse(out, path, decoded.data, decoded.len,
				      diags, err);
	cw_bytes_free(&decoded);
	cw_bytes_free(&text);
	free(path);
	return rc;
}

void cw_journal_free(cw_journal *j)
{
	size_t k;

	if (j == NULL)
		return;
	for (k = 0; k < j->n_entries; k++) {
		free(j->entries[k].version);
		free(j->entries[k].tag);
	}
	free(j->entries);
	free(j->path);
	free(j->version);
	free(j->dialect);
	memset(j, 0, sizeof(*j));
}
