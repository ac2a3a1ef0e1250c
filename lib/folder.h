/*
** folder.h - a drizzle migration folder in memory, as drizzle reads it.
**
** Loads the journal, then for every entry (array order) the file
** <dir>/<tag>.sql: its bytes, the text drizzle executes (UTF-8 decoded the
** way Node decodes it), its pieces (split.h) and its three hashes (hash.h).
** A tag that is unsafe as a file name is refused before any file is opened.
** Every file is read before a database is touched, as drizzle does.
*/
#ifndef CW_FOLDER_H
#define CW_FOLDER_H

#include <stddef.h>
#include "diag.h"
#include "error.h"
#include "hash.h"
#include "journal.h"
#include "split.h"
#include "text.h"

typedef struct cw_migration {
	const cw_journal_entry *entry; /* into the folder's journal */
	char *path;          /* <dir>/<tag>.sql, NULL if the tag is unusable */
	int load_rc;         /* 0, or why the file could not be read */
	cw_bytes raw;        /* bytes on disk */
	cw_bytes text;       /* decoded text: what drizzle splits and runs */
	size_t n_replaced;   /* invalid UTF-8 sequences turned into U+FFFD */
	size_t n_crlf;       /* CR LF pairs in the file */
	cw_pieces pieces;    /* pieces of text */
	cw_hashes hashes;
} cw_migration;

typedef struct cw_folder {
	char *dir;                 /* as given, trailing slashes removed */
	cw_journal journal;
	cw_migration *migrations;  /* parallel to journal.entries */
	size_t n_migrations;
} cw_folder;

typedef struct cw_folder_options {
	/* 1: fail (as drizzle would) on the first entry that cannot be run:
	** bad field types, unsafe tag, missing file.  0: load what can be
	** loaded and report the rest as diagnostics. */
	int require_complete;
} cw_folder_options;

#define CW_FOLDER_OPTIONS_INIT {1}

/* Load dir, its trailing slashes dropped once, here, so that every path
** in findings reads dir/name.  Returns 0; CW_ENOTFOUND/CW_EINVAL/CW_EIO
** when the journal is missing or unreadable, or when require_complete and
** an entry cannot be run (err names the journal line or the file);
** CW_ENOMEM.  out is overwritten, never freed.  Only require_complete's
** refusal leaves a whole folder behind; any other failure leaves it empty.
** Either way cw_folder_free is safe (and needed after success or that
** refusal). */
int cw_folder_load(cw_folder *out, const char *dir,
		   const cw_folder_options *opts, cw_diags *diags,
		   cw_error *err);

/* Free everything f owns and empty it; harmless on an empty folder, so
** twice is fine. */
void cw_folder_free(cw_folder *f);

#endif
