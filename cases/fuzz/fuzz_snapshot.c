/*
** fuzz_snapshot.c - libFuzzer target: arbitrary bytes as a drizzle-kit
** snapshot (meta/NNNN_snapshot.json), through both readers of one:
** the schema reader (cw_schema_read_snapshot, lib/schema_snapshot.c)
** and the snapshot-chain check of lib/snapshot.c (N001-N005), which
** reads files, so the input is written as meta/0001_snapshot.json of a
** small folder made once in a temporary directory.
**
** Besides not crashing: a snapshot that reads must compare equal to
** itself (cw_schema_compare finds no difference), and a failed read
** leaves an empty model and an error naming the path.
*/
#include "../../lib/check.h"
#include "../../lib/folder.h"
#include "../../lib/schema.h"
#include "../../lib/snapshot.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SNAP_PATH "meta/0001_snapshot.json"

static char dir[64];
static char snap_file[128];
static cw_folder folder;

/* A two-migration folder whose second snapshot is the input; the first
** is a valid parent so that the chain checks have something to match. */
static int make_folder(void)
{
	static const char journal[] =
		"{\"version\":\"7\",\"dialect\":\"sqlite\",\"entries\":["
		"{\"idx\":0,\"version\":\"6\",\"when\":1700000000000,"
		"\"tag\":\"0000_a\",\"breakpoints\":true},"
		"{\"idx\":1,\"version\":\"6\",\"when\":1700000000001,"
		"\"tag\":\"0001_b\",\"breakpoints\":true}]}";
	static const char snap0[] =
		"{\"version\":\"6\",\"dialect\":\"sqlite\",\"id\":"
		"\"11111111-1111-1111-1111-111111111111\",\"prevId\":"
		"\"00000000-0000-0000-0000-000000000000\",\"tables\":{},"
		"\"views\":{},\"enums\":{}}";
	const char *files[][2] = {
		{"meta/_journal.json", journal},
		{"meta/0000_snapshot.json", snap0},
		{"0000_a.sql", "CREATE TABLE t (a integer);"},
		{"0001_b.sql", "CREATE TABLE u (b integer);"},
	};
	char path[192];
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags d = CW_DIAGS_INIT;
	size_t k;

	snprintf(dir, sizeof(dir), "/tmp/cw-fuzz-snapshot.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/meta", dir);
	if (mkdir(path, 0700) != 0)
		return -1;
	for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
		FILE *f;
		snprintf(path, sizeof(path), "%s/%s", dir, files[k][0]);
		f = fopen(path, "w");
		if (f == NULL)
			return -1;
		fputs(files[k][1], f);
		fclose(f);
	}
	snprintf(snap_file, sizeof(snap_file), "%s/%s", dir, SNAP_PATH);
	fo.require_complete = 0;
	if (cw_folder_load(&folder, dir, &fo, &d, NULL) != 0)
		return -1;
	cw_diags_free(&d);
	return 0;
}

/* The temporary folder goes when the fuzzer exits normally. */
static void remove_folder(void)
{
	const char *names[] = {"meta/_journal.json", "meta/0000_snapshot.json",
			       SNAP_PATH, "0000_a.sql", "0001_b.sql", "meta",
			       ""};
	char path[192];
	size_t k;

	cw_folder_free(&folder);
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
		(void)remove(path);
	}
}

static void read_schema(const uint8_t *data, size_t size)
{
	cw_schema s;
	cw_schema_diff diff = {0};
	cw_error err = {0};
	/* Exactly size bytes, no NUL after them: the reader takes a length. */
	char *text = malloc(size ? size : 1);

	if (text == NULL)
		return;
	memcpy(text, data, size);
	memset(&s, 0, sizeof(s));
	if (cw_schema_read_snapshot(&s, SNAP_PATH, text, size, &err) == 0) {
		if (cw_schema_compare(&diff, &s, &s, NULL, NULL) == 0 &&
		    diff.n != 0)
			abort();
		cw_schema_diff_free(&diff);
	} else if (err.code == 0 || s.n_tables != 0) {
		abort();
	}
	cw_schema_free(&s);
	free(text);
}

static void check_chain(const uint8_t *data, size_t size)
{
	cw_check_options o = CW_CHECK_OPTIONS_INIT;
	cw_diags d = CW_DIAGS_INIT;
	FILE *f = fopen(snap_file, "w");

	if (f == NULL)
		return;
	fwrite(data, 1, size, f);
	fclose(f);
	(void)cw_snapshot_check(&d, &folder, &o, NULL);
	cw_diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (dir[0] == '\0') {
		if (make_folder() != 0)
			abort();
		atexit(remove_folder);
	}
	read_schema(data, size);
	check_chain(data, size);
	return 0;
}
