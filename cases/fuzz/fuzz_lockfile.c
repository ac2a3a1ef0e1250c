/*
** fuzz_lockfile.c - libFuzzer target: arbitrary bytes as the lock file
** (meta/cw.lock), read by cw_lockfile_load from a temporary file.
**
** Besides not crashing: a lock that reads without a malformed line
** (no H005) is written back with cw_lockfile_render, and that text must
** read again without a malformed line and with the same records (tag,
** when, hash, LF hash), so `cw lock` never writes a lock that `cw check`
** then refuses.
*/
#include "../../lib/lockfile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void remove_file(void)
{
	(void)remove(path);
}

static int write_file(const char *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	if (size > 0 && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static int same_rec(const cw_lockfile_rec *a, const cw_lockfile_rec *b)
{
	return strcmp(a->tag, b->tag) == 0 && a->has_when == b->has_when &&
	       (!a->has_when || a->when == b->when) &&
	       a->has_hash == b->has_hash &&
	       strcmp(a->hash, b->hash) == 0 && strcmp(a->lf, b->lf) == 0;
}

/* Render lk and read the text back: same records, no H005. */
static void round_trip(const cw_lockfile *lk)
{
	cw_lockfile again;
	cw_diags d = CW_DIAGS_INIT;
	char *out = NULL;
	size_t len = 0, n_bad = 0, k;
	int found = 0;

	if (cw_lockfile_render(&out, &len, lk, 0, NULL) != 0)
		return;
	if (write_file(out, len) == 0 &&
	    cw_lockfile_load(&again, path, &found, &d, &n_bad, NULL) == 0) {
		if (!found || n_bad != 0 || again.n != lk->n)
			abort();
		for (k = 0; k < lk->n; k++)
			if (!same_rec(&lk->recs[k], &again.recs[k]))
				abort();
	}
	cw_lockfile_free(&again);
	cw_diags_free(&d);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cw_lockfile lk;
	cw_diags d = CW_DIAGS_INIT;
	size_t n_bad = 0;
	int found = 0;

	if (path[0] == '\0') {
		int fd;
		snprintf(path, sizeof(path), "/tmp/cw-fuzz-lock.XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(remove_file);
	}
	if (write_file((const char *)data, size) != 0)
		return 0;
	if (cw_lockfile_load(&lk, path, &found, &d, &n_bad, NULL) == 0 &&
	    found && n_bad == 0)
		round_trip(&lk);
	cw_lockfile_free(&lk);
	cw_diags_free(&d);
	return 0;
}
