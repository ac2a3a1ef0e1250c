/*
** backfill-floor.c - the I/O floor of the agent_metrics backfill: read
** agent_log_chunks.content in created_at order with the sqlite3 C API and
** scan every byte with memchr (counting newlines), nothing else.
** usage: backfill-floor DB
*/
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned long long rows = 0, lines = 0, bytes = 0;

	if (argc != 2 || sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY,
					 NULL) != SQLITE_OK)
		return 2;
	if (sqlite3_prepare_v2(db, "SELECT content FROM agent_log_chunks "
			       "ORDER BY created_at", -1, &st, NULL) != SQLITE_OK)
		return 2;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const char *end = p + n;
		while (p && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			lines++;
			p++;
		}
		rows++;
		bytes += n;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	printf("floor: %llu rows, %llu bytes, %llu newlines\n", rows, bytes,
	       lines);
	return 0;
}
