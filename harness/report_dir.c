/*
** report_dir.c - `--report DIR`: every format of one run, written whole.
**
** Each file goes through lib/atomicfile: a temporary file beside it,
** fsynced, renamed.  All of them are written and synced before the first
** rename, so a failure while writing (a full disk, a read-only folder)
** changes nothing, and a reader (a CI upload step) never sees half a
** report.
*/
#include "report.h"
#include "../lib/atomicfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* mkdir -p: every missing folder on the way to dir. */
static int mkdir_p(const char *dir)
{
	char path[4096];
	size_t i, n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			return -1;
		path[i] = i < n ? '/' : '\0';
	}
	return 0;
}

static int put_text(FILE *out, const diag_report *r)
{
	report_diag_text(out, r);
	return 0;
}

static int put_github(FILE *out, const diag_report *r)
{
	report_diag_github(out, r);
	return 0;
}

static const struct {
	const char *name;
	int (*put)(FILE *out, const diag_report *r);  /* 0, or -1 (memory) */
} formats[] = {
	{"summary.txt", put_text},
	{"report.json", report_diag_json},
	{"junit.xml", report_diag_junit},
	{"github.txt", put_github},
	{"summary.md", report_diag_markdown},
	{"index.html", report_diag_html},
};

#define N_FORMATS (sizeof(formats) / sizeof(*formats))

/* Open dir/name atomically and write format k of the report into it. */
static int write_one(cw_atomicfile *af, const char *dir, size_t k,
		     const diag_report *r, cw_error *err)
{
	size_t n = strlen(dir) + strlen(formats[k].name) + 2;
	char *path = malloc(n);
	int rc;

	if (path == NULL) {
		errno = ENOMEM;
		return cw_error_set(err, CW_ENOMEM, NULL, dir, 0,
				    "%s: out of memory", dir);
	}
	snprintf(path, n, "%s/%s", dir, formats[k].name);
	rc = cw_atomicfile_open(af, path, err);
	free(path);
	if (rc == 0 && formats[k].put(af->f, r) != 0) {
		errno = ENOMEM;
		rc = cw_error_set(err, CW_ENOMEM, NULL, af->path, 0,
				  "%s: out of memory", af->path);
	}
	return rc;
}

int report_diag_dir(const char *dir, const diag_report *r, cw_error *err)
{
	cw_atomicfile files[N_FORMATS];
	size_t k;
	int rc = 0;

	memset(files, 0, sizeof(files));
	if (mkdir_p(dir) != 0) {
		int e = errno;
		rc = cw_error_set(err, CW_EIO, NULL, dir, 0, "%s: cannot make "
				  "the folder: %s", dir, strerror(e));
		errno = e;
		return rc;
	}
	for (k = 0; k < N_FORMATS && rc == 0; k++)
		rc = write_one(&files[k], dir, k, r, err);
	for (k = 0; k < N_FORMATS && rc == 0; k++)
		rc = cw_atomicfile_sync(&files[k], err);
	for (k = 0; k < N_FORMATS && rc == 0; k++)
		rc = cw_atomicfile_commit(&files[k], err);
	/* After a failure: remove what is left (abort keeps errno). */
	for (k = 0; k < N_FORMATS; k++)
		cw_atomicfile_abort(&files[k]);
	return rc;
}
