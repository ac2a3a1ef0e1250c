/*
** staged.c - snapshot of the staged migration folders (see staged.h).
**
** Five git processes whatever the size of the folder: rev-parse twice,
** diff-index, ls-files and one `cat-file --batch` that streams every blob
** (a process per file would cost a second on a long history).
*/
#include "staged.h"
#include "gitbase.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One index entry, pointing into the ls-files output. */
typedef struct entry {
	const char *oid;
	const char *path;
	int is_file;       /* stage 0, a regular file */
} entry;

typedef struct index_list {
	cw_bytes text;     /* `ls-files -s -z`, cut in place */
	entry *items;
	size_t n;
} index_list;

/* a/b joined, without a slash when a is empty. */
static char *join(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *s = malloc(n);

	if (s != NULL)
		snprintf(s, n, "%s%s%s", a, *a && *b ? "/" : "", b);
	return s;
}

/* Run git in dir; a non-zero status becomes CW_ENOTFOUND naming what. */
static int git(cw_bytes *out, const char *dir, const char *const *args,
	       const char *input, const char *what, cw_error *err)
{
	char errtext[512];
	int status, rc;

	rc = cw_gitbase_run_input(out, &status, errtext, sizeof(errtext), dir,
				  args, input, err);
	if (rc == 0 && status != 0) {
		cw_bytes_free(out);
		rc = cw_error_set(err, CW_ENOTFOUND, NULL, dir, 0, "%s: git "
				  "%s failed: %s", dir, what, errtext);
	}
	return rc;
}

/* The first line of a git answer, in place. */
static char *first_line(cw_bytes *b)
{
	b->data[strcspn(b->data, "\n")] = '\0';
	return b->data;
}

/* Parse `mode oid stage\tpath\0` records. */
static int parse_index(index_list *ix, cw_error *err)
{
	char *p = ix->text.data, *end = p + ix->text.len;
	size_t cap = 0;

	while (p < end) {
		char *tab = strchr(p, '\t'), *sp1 = strchr(p, ' '), *sp2;
		entry *e;
		sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
		if (tab == NULL || sp2 == NULL || sp2 > tab)
			return cw_error_set(err, CW_EIO, NULL, NULL, 0, "git "
					    "ls-files: unexpected output");
		if (ix->n == cap) {
			entry *bigger;
			cap = cap ? cap * 2 : 256;
			bigger = realloc(ix->items, cap * sizeof(*bigger));
			if (bigger == NULL)
				return cw_error_set(err, CW_ENOMEM, NULL,
						    NULL, 0, "out of memory");
			ix->items = bigger;
		}
		e = &ix->items[ix->n++];
		*sp1 = *sp2 = *tab = '\0';
		e->oid = sp1 + 1;
		e->path = tab + 1;
		/* Only stage 0 is committed; links and submodules are not
		** migration files. */
		e->is_file = strcmp(sp2 + 1, "0") == 0 &&
			     (strcmp(p, "100644") == 0 ||
			      strcmp(p, "100755") == 0);
		p = tab + 1 + strlen(tab + 1) + 1;
	}
	return 0;
}

static const entry *find_path(const index_list *ix, const char *path)
{
	size_t i;

	for (i = 0; i < ix->n; i++)
		if (strcmp(ix->items[i].path, path) == 0)
			return &ix->items[i];
	return NULL;
}

/* 1 if folder has a staged journal. */
static int has_journal(const index_list *ix, const char *folder)
{
	char *j = join(folder, "meta/_journal.json");
	int has = j != NULL && find_path(ix, j) != NULL;

	free(j);
	return has;
}

/* Add folder to out unless it is there already. */
static int add_folder(cw_staged *out, const char *folder, size_t len,
		      cw_error *err)
{
	char **bigger;
	size_t i;

	for (i = 0; i < out->n_folders; i++)
		if (strlen(out->folders[i]) == len &&
		    strncmp(out->folders[i], folder, len) == 0)
			return 0;
	bigger = realloc(out->folders, (out->n_folders + 1) *
			 sizeof(*bigger));
	if (bigger == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	out->folders = bigger;
	out->folders[out->n_folders] = strndup(folder, len);
	if (out->folders[out->n_folders] == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	out->n_folders++;
	return 0;
}

/* The folder a changed path belongs to: its directory, or for a file of
** a meta/ directory the one above.  Adds it when it has a journal. */
static int touch(cw_staged *out, const index_list *ix, const char *path,
		 cw_error *err)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	char *dir;
	int rc = 0;

	if (len >= 4 && strncmp(path + len - 4, "meta", 4) == 0 &&
	    (len == 4 || path[len - 5] == '/'))
		len = len == 4 ? 0 : len - 5;
	dir = strndup(path, len);
	if (dir == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	if (has_journal(ix, dir))
		rc = add_folder(out, dir, len, err);
	free(dir);
	return rc;
}

/* Every folder touched by a staged change (all of them before the first
** commit, when there is no HEAD to compare with). */
static int touched(cw_staged *out, const index_list *ix, const char *dir,
		   cw_error *err)
{
	const char *head[] = {"rev-parse", "--verify", "--quiet", "HEAD",
			      NULL};
	const char *diff[] = {"diff-index", "--cached", "--name-only", "-z",
			      "--no-renames", "HEAD", "--", NULL};
	cw_bytes b = {0};
	char errtext[256];
	size_t i;
	char *p;
	int rc, status;

	rc = cw_gitbase_run(&b, &status, errtext, sizeof(errtext), dir, head,
			    err);
	cw_bytes_free(&b);
	if (rc == 0 && status != 0) {
		for (i = 0; rc == 0 && i < ix->n; i++)
			rc = touch(out, ix, ix->items[i].path, err);
		return rc;
	}
	if (rc == 0)
		rc = git(&b, dir, diff, NULL, "diff-index", err);
	for (p = b.data; rc == 0 && p < b.data + b.len; p += strlen(p) + 1)
		rc = touch(out, ix, p, err);
	cw_bytes_free(&b);
	return rc;
}

/* 1 if path is folder/<name> or folder/meta/<name>. */
static int in_folder(const char *path, const char *folder)
{
	size_t n = strlen(folder);
	const char *rest = path;

	if (n > 0) {
		if (strncmp(path, folder, n) != 0 || path[n] != '/')
			return 0;
		rest = path + n + 1;
	}
	if (strncmp(rest, "meta/", 5) == 0)
		rest += 5;
	return strchr(rest, '/') == NULL;
}

/* Create the directories of path (a file) below its first skip bytes. */
static int make_parents(char *path, size_t skip, cw_error *err)
{
	char *p;

	for (p = strchr(path + skip, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			int e = errno;
			*p = '/';
			return cw_error_set(err, CW_EIO, NULL, path, 0,
					    "cannot create a folder for %s: "
					    "%s", path, strerror(e));
		}
		*p = '/';
	}
	return 0;
}

static int write_file(const char *root, const char *rel, const char *data,
		      size_t len, cw_error *err)
{
	char *path = join(root, rel);
	FILE *f;
	int rc;

	if (path == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	rc = make_parents(path, strlen(root) + 1, err);
	f = rc == 0 ? fopen(path, "wb") : NULL;
	if (rc == 0 && (f == NULL || fwrite(data, 1, len, f) != len))
		rc = cw_error_set(err, CW_EIO, NULL, path, 0, "cannot write "
				  "%s: %s", path, strerror(errno));
	if (f != NULL && fclose(f) != 0 && rc == 0)
		rc = cw_error_set(err, CW_EIO, NULL, path, 0, "cannot write "
				  "%s: %s", path, strerror(errno));
	free(path);
	return rc;
}

/* Split cat-file's answers (`oid blob size\ncontent\n`, in the order
** asked) into the snapshot's files. */
static int unpack(const cw_staged *s, const entry *const *sel, size_t n,
		  const cw_bytes *out, cw_error *err)
{
	const char *p = out->data, *end = out->data + out->len;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *sp = nl ? memchr(p, ' ', (size_t)(nl - p)) : NULL;
		unsigned long long size;
		if (sp == NULL || strncmp(sp, " blob ", 6) != 0 ||
		    sscanf(sp + 6, "%llu", &size) != 1 ||
		    size > (unsigned long long)(end - nl - 1))
			return cw_error_set(err, CW_EIO, NULL, sel[i]->path,
					    0, "git cat-file: no blob for "
					    "staged %s", sel[i]->path);
		rc = write_file(s->root, sel[i]->path, nl + 1, (size_t)size,
				err);
		p = nl + 1 + size + 1;
	}
	return rc;
}

/* Write every staged file of the folders into the snapshot. */
static int write_snapshot(cw_staged *s, const index_list *ix,
			  const char *dir, cw_error *err)
{
	const char *args[] = {"cat-file", "--batch", NULL};
	const entry **sel = calloc(ix->n + 1, sizeof(*sel));
	char *batch = join(s->root, ".cw-batch");
	cw_bytes out = {0};
	size_t i, k, n = 0;
	FILE *f = NULL;
	int rc = 0;

	if (sel == NULL || batch == NULL) {
		rc = cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				  "out of memory");
		goto done;
	}
	for (i = 0; i < ix->n; i++)
		for (k = 0; k < s->n_folders; k++)
			if (ix->items[i].is_file &&
			    in_folder(ix->items[i].path, s->folders[k])) {
				sel[n++] = &ix->items[i];
				break;
			}
	f = fopen(batch, "w");
	for (i = 0; f != NULL && i < n; i++)
		fprintf(f, "%s\n", sel[i]->oid);
	if (f == NULL || fclose(f) != 0) {
		rc = cw_error_set(err, CW_EIO, NULL, batch, 0, "cannot write "
				  "%s: %s", batch, strerror(errno));
		goto done;
	}
	rc = git(&out, dir, args, batch, "cat-file", err);
	unlink(batch);
	if (rc == 0)
		rc = unpack(s, sel, n, &out, err);
done:
	cw_bytes_free(&out);
	free(batch);
	free(sel);
	return rc;
}

/* The folder named by the caller, relative to the top. */
static int named(cw_staged *out, const index_list *ix, const char *dir,
		 const char *folder, cw_error *err)
{
	const char *args[] = {"rev-parse", "--show-prefix", NULL};
	char *where = folder[0] == '/' ? strdup(folder) : join(dir, folder);
	cw_bytes b = {0};
	size_t len;
	int rc;

	if (where == NULL)
		return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				    "out of memory");
	rc = git(&b, where, args, NULL, "rev-parse", err);
	free(where);
	if (rc != 0)
		return rc;
	len = strlen(first_line(&b));
	if (len > 0 && b.data[len - 1] == '/')
		b.data[--len] = '\0';
	if (!has_journal(ix, b.data))
		rc = cw_error_set(err, CW_ENOTFOUND, NULL, folder, 0, "%s: no "
				  "meta/_journal.json is staged there",
				  folder);
	else
		rc = add_folder(out, b.data, len, err);
	cw_bytes_free(&b);
	return rc;
}

int cw_staged_load(cw_staged *out, const char *dir, const char *folder,
		   const char *tmp_parent, cw_error *err)
{
	const char *cdup[] = {"rev-parse", "--show-cdup", NULL};
	const char *ls[] = {"ls-files", "--stage", "-z", "--full-name",
			    "--", ":/", NULL};
	index_list ix = {{0}, NULL, 0};
	cw_bytes b = {0};
	int rc;

	memset(out, 0, sizeof(*out));
	rc = git(&b, dir, cdup, NULL, "rev-parse (is it a work tree?)", err);
	if (rc == 0)
		out->cdup = strdup(first_line(&b));
	if (rc == 0 && out->cdup == NULL)
		rc = cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
				  "out of memory");
	cw_bytes_free(&b);
	if (rc == 0)
		rc = git(&ix.text, dir, ls, NULL, "ls-files", err);
	if (rc == 0)
		rc = parse_index(&ix, err);
	if (rc == 0)
		rc = folder ? named(out, &ix, dir, folder, err) :
			      touched(out, &ix, dir, err);
	if (rc == 0 && out->n_folders > 0) {
		out->root = join(tmp_parent, "cw-staged.XXXXXX");
		if (out->root == NULL || mkdtemp(out->root) == NULL) {
			free(out->root);
			out->root = NULL;
			rc = cw_error_set(err, CW_EIO, NULL, tmp_parent, 0,
					  "cannot make a snapshot folder in "
					  "%s: %s", tmp_parent,
					  strerror(errno));
		}
	}
	if (rc == 0 && out->n_folders > 0)
		rc = write_snapshot(out, &ix, dir, err);
	cw_bytes_free(&ix.text);
	free(ix.items);
	return rc;
}

char *cw_staged_snapshot_dir(const cw_staged *s, size_t i)
{
	return join(s->root, s->folders[i]);
}

char *cw_staged_shown_dir(const cw_staged *s, size_t i)
{
	size_t n = strlen(s->cdup);
	char *top = strdup(n ? s->cdup : ".");
	char *shown;

	if (top == NULL)
		return NULL;
	/* "../../" + "" reads "../..", and "." + "x" reads "x". */
	if (n > 0 && s->folders[i][0] == '\0')
		top[n - 1] = '\0';
	shown = join(n || s->folders[i][0] == '\0' ? top : "",
		     s->folders[i]);
	free(top);
	return shown;
}

/* s with every "root/" turned into cdup and any other "root" into the
** top as shown; NULL when root does not occur (or memory ran out). */
static char *replace_root(const char *s, const char *root, const char *cdup)
{
	size_t n_root = strlen(root), n_cdup = strlen(cdup), n = 0, len;
	const char *p, *hit;
	char *out;

	for (p = strstr(s, root); p != NULL; p = strstr(p + n_root, root))
		n++;
	if (n == 0)
		return NULL;
	len = strlen(s) + n * (n_cdup + 2);
	out = malloc(len + 1);
	if (out == NULL)
		return NULL;
	out[0] = '\0';
	for (p = s; (hit = strstr(p, root)) != NULL; p = hit + n_root) {
		strncat(out, p, (size_t)(hit - p));
		if (hit[n_root] == '/') {
			strcat(out, cdup);
			hit++;
		} else if (n_cdup > 0) {
			strncat(out, cdup, n_cdup - 1);
		} else {
			strcat(out, ".");
		}
	}
	strcat(out, p);
	return out;
}

static void relabel_one(char **field, const cw_staged *s)
{
	char *fixed = *field ? replace_root(*field, s->root, s->cdup) : NULL;

	if (fixed != NULL) {
		free(*field);
		*field = fixed;
	}
}

void cw_staged_relabel(const cw_staged *s, cw_diags *diags,
		       cw_folder *folder)
{
	size_t i;

	if (s->root == NULL)
		return;
	for (i = 0; diags != NULL && i < diags->n; i++) {
		relabel_one(&diags->items[i].file, s);
		relabel_one(&diags->items[i].message, s);
		relabel_one(&diags->items[i].hint, s);
	}
	if (folder == NULL)
		return;
	relabel_one(&folder->dir, s);
	for (i = 0; i < folder->n_migrations; i++)
		relabel_one(&folder->migrations[i].path, s);
}

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void cw_staged_free(cw_staged *s)
{
	size_t i;

	if (s == NULL)
		return;
	/* Depth first, not following links: only what the snapshot made. */
	if (s->root != NULL)
		nftw(s->root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	for (i = 0; i < s->n_folders; i++)
		free(s->folders[i]);
	free(s->folders);
	free(s->root);
	free(s->cdup);
	memset(s, 0, sizeof(*s));
}
