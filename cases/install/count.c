/*
** count.c - a program built against an installed libcw through
** pkg-config (cases/install/install-test.sh): loads a migration folder
** and prints how many migrations it holds, and the SQLite it runs.
*/
#include <folder.h>
#include <sqlite3.h>

#include <stdio.h>

int main(int argc, char **argv)
{
	cw_folder_options fo = CW_FOLDER_OPTIONS_INIT;
	cw_diags diags = CW_DIAGS_INIT;
	cw_error err = {0};
	cw_folder folder;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: count DIR\n");
		return 2;
	}
	rc = cw_folder_load(&folder, argv[1], &fo, &diags, &err);
	if (rc == 0)
		printf("%zu migrations, SQLite %s\n", folder.n_migrations,
		       sqlite3_libversion());
	else
		fprintf(stderr, "count: %s\n", err.message);
	cw_folder_free(&folder);
	cw_diags_free(&diags);
	return rc == 0 ? 0 : 1;
}
