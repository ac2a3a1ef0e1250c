/*
** journal.c - meta/_journal.json through cJSON, plus the line numbers
** cJSON does not keep (found by a small parallel scan of the text).
*/
#include "journal.h"
#include "codes.h"
#include "jsonstrict.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- where things are: a minimal JSON walk that records offsets ---- */

typedef struct pos_scan {
	const char *s;
	size_t len, i;
	cw_journal *j;    /* entries[] already allocated */
	cw_text_cursor cur; /* the scan only moves forward: one pass */
} pos_scan;

static void skip_ws(pos_scan *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
				 p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

/* Skip a string starting at '"'; the key's raw bytes are [*a, *b). */
static int skip_string(pos_scan *p, size_t *a, size_t *b)
{
	if (p->i >= p->len || p->s[p->i] != '"')
		return -1;
	p->i++;
	*a = p->i;
	while (p->i < p->len && p->s[p->i] != '"') {
		if (p->s[p->i] == '\\')
			p->i++;
		p->i++;
	}
	if (p->i >= p->len)
		return -1;
	*b = p->i;
	p->i++;
	return 0;
}

static int skip_value(pos_scan *p, int depth);

/* An object key and its ':'; the key's raw bytes are [*a, *b). */
static int scan_key(pos_scan *p, size_t *a, size_t *b)
{
	if (skip_string(p, a, b) != 0)
		return -1;
	skip_ws(p);
	if (p->i >= p->len || p->s[p->i] != ':')
		return -1;
	p->i++;
	skip_ws(p);
	return 0;
}

static int key_is(pos_scan *p, size_t a, size_t b, const char *k)
{
	return b - a == strlen(k) && memcmp(p->s + a, k, b - a) == 0;
}

static int line_at(pos_scan *p, size_t off)
{
	return cw_text_line_at(&p->cur, off, NULL);
}

/* Walk an entry object, noting the lines of the keys cw reports on. */
static int scan_entry(pos_scan *p, cw_journal_entry *e)
{
	size_t a, b;
	int is_tag;

	e->line = line_at(p, p->i);
	if (p->s[p->i] != '{')
		return skip_value(p, 2);
	p->i++;
	for (;;) {
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == '}') {
			p->i++;
			return 0;
		}
		if (scan_key(p, &a, &b) != 0)
			return -1;
		is_tag = key_is(p, a, b, "tag");
		if (key_is(p, a, b, "idx"))
			e->idx_line = line_at(p, p->i);
		else if (key_is(p, a, b, "when"))
			e->when_line = line_at(p, p->i);
		else if (is_tag)
			e->tag_line = line_at(p, p->i);
		else if (key_is(p, a, b, "version"))
			e->version_line = line_at(p, p->i);
		else if (key_is(p, a, b, "breakpoints"))
			e->breakpoints_line = line_at(p, p->i);
		a = p->i;
		if (skip_value(p, 3) != 0)
			return -1;
		/* cJSON cuts a string at an escaped NUL; see it in the text. */
		if (is_tag && memmem(p->s + a, p->i - a, "\\u0000", 6))
			e->tag_has_nul = 1;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',')
			p->i++;
	}
}

static int scan_entries(pos_scan *p)
{
	size_t k = 0;

	if (p->s[p->i] != '[')
		return skip_value(p, 1);
	p->i++;
	for (;;) {
		skip_ws(p);
		if (p->i >= p->len)
			return -1;
		if (p->s[p->i] == ']') {
			p->i++;
			return 0;
		}
		if (k < p->j->n_entries) {
			if (scan_entry(p, &p->j->entries[k]) != 0)
				return -1;
		} else if (skip_value(p, 2) != 0) {
			return -1;
		}
		k++;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',')
			p->i++;
	}
}

static int skip_value(pos_scan *p, int depth)
{
	size_t a, b;
	char open, close;
	int top = depth == 0;

	skip_ws(p);
	if (p->i >= p->len || depth > 64)
		return -1;
	if (p->s[p->i] == '"')
		return skip_string(p, &a, &b);
	if (p->s[p->i] != '{' && p->s[p->i] != '[') {
		while (p->i < p->len && !strchr(",]} \t\r\n", p->s[p->i]))
			p->i++;
		return 0;
	}
	open = p->s[p->i];
	close = open == '{' ? '}' : ']';
	p->i++;
	for (;;) {
		skip_ws(p);
		if (p->i >= p->len)
			return -1;
		if (p->s[p->i] == close) {
			p->i++;
			return 0;
		}
		if (open == '{') {
			if (scan_key(p, &a, &b) != 0)
				return -1;
			if (top && key_is(p, a, b, "entries")) {
				if (scan_entries(p) != 0)
					return -1;
			} else if (top && key_is(p, a, b, "dialect")) {
				p->j->dialect_line = line_at(p, p->i);
				if (skip_value(p, depth + 1) != 0)
					return -1;
			} else if (skip_value(p, depth + 1) != 0) {
				return -1;
			}
		} else if (skip_value(p, depth + 1) != 0) {
			return -1;
		}
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ',')
			p->i++;
	}
}

/* ---- the journal itself ---- */

int cw_tag_is_safe(const char *tag, size_t len)
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
		e->is_tag_safe = cw_tag_is_safe(e->tag, strlen(e->tag)) &&
				 !e->tag_has_nul;
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
	if (cw_json_strict_validate(text, len, &bad) == 0)
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
	out->n_entries = (size_t)cJSON_GetArraySize(entries);
	out->entries = calloc(out->n_entries ? out->n_entries : 1,
			      sizeof(*out->entries));
	if (out->entries == NULL)
		goto nomem;
	for (k = 0; k < out->n_entries; k++)
		out->entries[k].pos = k;
	scan.s = text;
	scan.len = len;
	scan.i = 0;
	scan.j = out;
	scan.cur = (cw_text_cursor)CW_TEXT_CURSOR_INIT(text);
	(void)skip_value(&scan, 0);
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
