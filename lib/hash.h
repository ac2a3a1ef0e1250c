/*
** hash.h - SHA-256 as drizzle stores it in __drizzle_migrations.hash.
**
** Three variants of one file's hash, because one file can have several
** "drizzle hashes" (spec/drizzle-semantics.md section 1):
**   drizzle  - sha256 of the text after Node's UTF-8 decode (what 0.45 stores)
**   raw      - sha256 of the bytes on disk
**   lf       - sha256 of the decoded text with CRLF turned into LF
**              (what drizzle-orm's unreleased main branch stores)
*/
#ifndef CW_HASH_H
#define CW_HASH_H

#include <stddef.h>
#include "error.h"

#define CW_HASH_HEX_LEN 64

/* Lowercase hex sha256 of data into out (65 bytes with the NUL). */
int cw_hash_sha256_hex(char out[CW_HASH_HEX_LEN + 1], const void *data,
		       size_t len, cw_error *err);

typedef struct cw_hashes {
	char drizzle[CW_HASH_HEX_LEN + 1];
	char raw[CW_HASH_HEX_LEN + 1];
	char lf[CW_HASH_HEX_LEN + 1];
} cw_hashes;

/* All three variants of a file whose bytes are raw/raw_len. */
int cw_hash_variants(cw_hashes *out, const char *raw, size_t raw_len,
		     cw_error *err);

#endif
