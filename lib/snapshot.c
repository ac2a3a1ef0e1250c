/*
** snapshot.c - the N family: drizzle-kit's snapshot chain.
**
** drizzle-kit writes meta/NNNN_snapshot.json per migration, each with an
** id and the prevId of the snapshot it was diffed against.  Like
** `drizzle-kit check`, two snapshots with one prevId mean two branches
** generated from the same parent (N003); beyond it, cw reports unreadable
** snapshots (N001), prevIds naming no snapshot (N002), reused ids (N005)
** and, once, the migrations that have no snapshot (N004).
*/
#include "snapshot.h"
#include "codes.h"
#include "jsonstrict.h"
#include "text.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ZERO_ID "00000000-0000-0000-0000-000000000000"

typedef struct snap {
	char *path;
	long number;          /* NNNN prefix of the file name */
	char *id, *prev;
	int id_line, prev_line;
} snap;

static int by_number(const void *a, const void *b)
{
	const snap *x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* The lines of the top-level members "id" and "prevId" (the first of
** each): a nested member of the same name, such as a column called "id",
** must not be taken for it. */
typedef struct key_lines {
	cw_text_cursor cur;
	int id_line, prev_line;   /* 0 until found */
} key_lines;

static int note_key(void *ctx, const cw_json_at *at, int is_leave)
{
	key_lines *k = ctx;
	int *line = NULL;

	if (is_leave || at->depth != 1 || at->key == NULL)
		return 0;
	if (at->key_len == 2 && memcmp(at->key, "id", 2) == 0)
		line = &k->id_line;
	else if (at->key_len == 6 && memcmp(at->key, "prevId", 6) == 0)
		line = &k->prev_line;
	if (line && *line == 0)
		*line = cw_text_line_at(&k->cur, at->key_off, NULL);
	return k->id_line && k->prev_line;
}

/* Where a snapshot that is valid JSON has a member of the wrong type
** ("tables": "users", a column that is a number, a column name that is
** not a string), or NULL.  Only types are judged, never missing members:
** older drizzle-kit versions leave some out.  cw replay skips a snapshot
** it cannot read and trusts this check to say why. */
static const char *bad_shape(const cJSON *root)
{
	const cJSON *tables = cJSON_GetObjectItemCaseSensitive(root, "tables");
	const cJSON *t, *cols, *c, *v;

	if (!cJSON_IsObject(root))
		return "the snapshot is not an object";
	if (tables == NULL)
		return NULL;
	if (!cJSON_IsObject(tables))
		return "\"tables\" is not an object";
	cJSON_ArrayForEach(t, tables) {
		if (!cJSON_IsObject(t))
			return "a table is not an object";
		cols = cJSON_GetObjectItemCaseSensitive(t, "columns");
		if (cols != NULL && !cJSON_IsObject(cols))
			return "a table's \"columns\" is not an object";
		cJSON_ArrayForEach(c, cols) {
			if (!cJSON_IsObject(c))
				return "a column is not an object";
			v = cJSON_GetObjectItemCaseSensitive(c, "name");
			if (v != NULL && !cJSON_IsString(v))
				return "a column's \"name\" is not a string";
			v = cJSON_GetObjectItemCaseSensitive(c, "type");
			if (v != NULL && !cJSON_IsString(v))
				return "a column's \"type\" is not a string";
		}
	}
	return NULL;
}

/* Read one snapshot; 0 if usable, 1 if reported as N001. */
static int read_snap(cw_diags *out, snap *s)
{
	cw_bytes t = {0};
	cw_error e = {0};
	cJSON *root, *id, *prev;
	const char *shape;
	key_lines kl;

	if (cw_text_read_file(&t, s->path, &e) != 0) {
		cw_diags_add(out, CW_N001, s->path, 0, 0, "%s", e.message);
		return 1;
	}
	root = cJSON_ParseWithLengthOpts(t.data, t.len + 1, NULL, 1);
	id = cJSON_GetObjectItemCaseSensitive(root, "id");
	prev = cJSON_GetObjectItemCaseSensitive(root, "prevId");
	if (root == NULL || !cJSON_IsString(id) || !cJSON_IsString(prev)) {
		int line = 1, col = 0;
		const char *where = cJSON_GetErrorPtr();
		if (root == NULL && where >= t.data && where <= t.data + t.len)
			cw_text_line_col(t.data, (size_t)(where - t.data),
					 &line, &col);
		cw_diags_add(out, CW_N001, s->path, line, col, root == NULL ?
			     "snapshot is not valid JSON" :
			     "snapshot has no string \"id\" and \"prevId\"");
		cJSON_Delete(root);
		cw_bytes_free(&t);
		return 1;
	}
	s->id = strdup(id->valuestring);
	s->prev = strdup(prev->valuestring);
	/* Its ids still chain (N002, N003, N005), so it stays usable. */
	shape = bad_shape(root);
	if (shape != NULL)
		cw_diags_add(out, CW_N001, s->path, 1, 0, "snapshot is not "
			     "one drizzle-kit writes: %s", shape);
	/* cJSON accepted the text: walk it as leniently. */
	memset(&kl, 0, sizeof(kl));
	kl.cur = (cw_text_cursor)CW_TEXT_CURSOR_INIT(t.data);
	(void)cw_jsonstrict_walk(t.data, t.len, 1, note_key, &kl, NULL);
	s->id_line = kl.id_line ? kl.id_line : 1;
	s->prev_line = kl.prev_line ? kl.prev_line : 1;
	cJSON_Delete(root);
	cw_bytes_free(&t);
	return s->id && s->prev ? 0 : -1;
}

static int list_snaps(snap **out, size_t *out_n, const char *meta)
{
	DIR *d = opendir(meta);
	struct dirent *e;
	snap *v = NULL;
	size_t n = 0, cap = 0;

	while (d && (e = readdir(d)) != NULL) {
		const char *u = strstr(e->d_name, "_snapshot.json");
		size_t len = strlen(meta) + strlen(e->d_name) + 2;
		if (u == NULL || strcmp(u, "_snapshot.json") != 0)
			continue;
		if (n == cap) {
			snap *b = realloc(v, (cap * 2 + 16) * sizeof(*b));
			if (b == NULL)
				break;
			v = b;
			cap = cap * 2 + 16;
		}
		memset(&v[n], 0, sizeof(v[n]));
		v[n].number = strtol(e->d_name, NULL, 10);
		v[n].path = malloc(len);
		if (v[n].path == NULL)
			break;
		snprintf(v[n].path, len, "%s/%s", meta, e->d_name);
		n++;
	}
	if (d)
		closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), by_number);
	*out = v;
	*out_n = n;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	const snap *const *x = a, *const *y = b;
	int c = strcmp((*x)->id, (*y)->id);

	return c ? c : by_number(*x, *y);
}

static int cmp_prev(const void *a, const void *b)
{
	const snap *const *x = a, *const *y = b;
	int c = strcmp((*x)->prev, (*y)->prev);

	return c ? c : by_number(*x, *y);
}

static int find_id(snap **by_id, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(by_id[mid]->id, id);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* N002, N003, N005 over the usable snapshots. */
static void check_chain(cw_diags *out, snap *v, size_t n)
{
	snap **by_id = calloc(n + 1, sizeof(*by_id));
	size_t i, j, m = 0;

	if (by_id == NULL)
		return;
	for (i = 0; i < n; i++)
		if (v[i].id)
			by_id[m++] = &v[i];
	qsort(by_id, m, sizeof(*by_id), cmp_id);
	for (i = 1; i < m; i++)
		if (strcmp(by_id[i]->id, by_id[i - 1]->id) == 0)
			cw_diags_add(out, CW_N005, by_id[i]->path,
				     by_id[i]->id_line, 0, "id %s is also "
				     "the id of %s", by_id[i]->id,
				     by_id[i - 1]->path);
	for (i = 0; i < n; i++) {
		if (!v[i].id || strcmp(v[i].prev, ZERO_ID) == 0)
			continue;
		if (!find_id(by_id, m, v[i].prev))
			cw_diags_add(out, CW_N002, v[i].path, v[i].prev_line,
				     0, "prevId %s names no snapshot in "
				     "the folder", v[i].prev);
	}
	/* Siblings: the same pointers sorted by prevId. */
	qsort(by_id, m, sizeof(*by_id), cmp_prev);
	for (i = 1; i < m; i++) {
		j = i - 1;
		if (strcmp(by_id[i]->prev, by_id[j]->prev) == 0)
			cw_diags_add(out, CW_N003, by_id[i]->path,
				     by_id[i]->prev_line, 0, "%s and %s "
				     "share prevId %s: two branches "
				     "generated from the same snapshot",
				     by_id[j]->path, by_id[i]->path,
				     by_id[i]->prev);
	}
	free(by_id);
}

/* N004, once: which journal positions have no NNNN_snapshot.json. */
static void check_missing(cw_diags *out, const cw_folder *f, const snap *v,
			  size_t n)
{
	char list[512] = "";
	size_t k, i = 0, n_missing = 0, used = 0;
	int first_line = 0;

	for (k = 0; k < f->n_migrations; k++) {
		const cw_journal_entry *e = f->migrations[k].entry;
		size_t run_end;
		while (i < n && v[i].number < (long)k)
			i++;
		if (i < n && v[i].number == (long)k)
			continue;
		/* A run of consecutive missing positions is one item. */
		run_end = k;
		while (run_end + 1 < f->n_migrations) {
			size_t q = i;
			while (q < n && v[q].number < (long)(run_end + 1))
				q++;
			if (q < n && v[q].number == (long)(run_end + 1))
				break;
			run_end++;
		}
		if (!first_line)
			first_line = e->line;
		n_missing += run_end - k + 1;
		if (used < sizeof(list) - 80)
			used += (size_t)snprintf(list + used,
				sizeof(list) - used, "%s%s%s%s",
				used ? ", " : "", e->tag ? e->tag : "?",
				run_end > k ? ".." : "", run_end > k &&
				f->migrations[run_end].entry->tag ?
				f->migrations[run_end].entry->tag : "");
		k = run_end;
	}
	if (n_missing > 0)
		cw_diags_add(out, CW_N004, f->journal.path, first_line, 0,
			     "%zu of %zu migrations have no snapshot: %s",
			     n_missing, f->n_migrations, list);
}

int cw_snapshot_check(cw_diags *out, const cw_folder *f,
		      const cw_check_options *o, cw_error *err)
{
	size_t len = strlen(f->dir) + sizeof("/meta"), n = 0, i;
	char *meta = malloc(len);
	snap *v = NULL;
	int rc = 0;

	(void)o;
	if (meta == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, f->dir, 0, "oom");
	snprintf(meta, len, "%s/meta", f->dir);
	list_snaps(&v, &n, meta);
	for (i = 0; i < n && rc >= 0; i++)
		rc = read_snap(out, &v[i]);
	if (rc < 0)
		rc = cw_error_set(err, CW_ENOMEM, NULL, meta, 0, "oom");
	else
		rc = 0;
	if (rc == 0) {
		check_chain(out, v, n);
		check_missing(out, f, v, n);
	}
	for (i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].id);
		free(v[i].prev);
	}
	free(v);
	free(meta);
	return rc;
}

/* meta/NNNN_snapshot.json of entry k (NNNN its tag's number), if any. */
char *cw_snapshot_path(const cw_folder *f, size_t k)
{
	const char *tag = f->migrations[k].entry ?
			  f->migrations[k].entry->tag : NULL;
	size_t n = 0, len;
	struct stat st;
	char *p;

	if (tag == NULL)
		return NULL;
	while (tag[n] >= '0' && tag[n] <= '9')
		n++;
	if (n == 0)
		return NULL;
	len = strlen(f->dir) + n + 32;
	p = malloc(len);
	if (p == NULL)
		return NULL;
	snprintf(p, len, "%s/meta/%.*s_snapshot.json", f->dir, (int)n, tag);
	if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
		free(p);
		return NULL;
	}
	return p;
}
