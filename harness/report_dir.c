/*
** report_dir.c - `--report DIR`: every format of one run, written whole.
**
** Each file is written to a temporary name beside it and renamed, so a
** reader (a CI upload step) never sees half a report.
*/
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

typedef void (*writer)(FILE *out, const check_report *r);

static void write_json(FILE *out, const check_report *r)
{
	report_check_json(out, r);
}

static int write_one(const char *dir, const char *name, writer w,
		     const check_report *r)
{
	char final[4096], tmp[4200];
	FILE *f;
	int bad;

	snprintf(final, sizeof(final), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", final, (long)getpid());
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	w(f, r);
	bad = ferror(f);
	if (fclose(f) != 0 || bad || rename(tmp, final) != 0) {
		int e = errno;
		remove(tmp);
		errno = e ? e : EIO;
		return -1;
	}
	return 0;
}

int report_check_dir(const char *dir, const check_report *r)
{
	if (mkdir_p(dir) != 0)
		return -1;
	if (write_one(dir, "summary.txt", report_check_text, r) != 0 ||
	    write_one(dir, "report.json", write_json, r) != 0 ||
	    write_one(dir, "junit.xml", report_check_junit, r) != 0 ||
	    write_one(dir, "github.txt", report_check_github, r) != 0)
		return -1;
	return 0;
}
