/*
** split.h - cutting a migration file into pieces exactly as drizzle does.
**
** drizzle-orm splits the whole decoded file text on the literal,
** case-sensitive string "--> statement-breakpoint": no trimming, empty pieces
** kept, markers found even inside comments and string literals, and whatever
** the journal's `breakpoints` flag says (spec/drizzle-semantics.md section 1).
** Pieces point into the caller's text; nothing is copied.
*/
#ifndef CW_SPLIT_H
#define CW_SPLIT_H

#include <stddef.h>
#include "error.h"

#define CW_BREAKPOINT "--> statement-breakpoint"
#define CW_BREAKPOINT_LEN (sizeof(CW_BREAKPOINT) - 1)

typedef struct cw_piece {
	size_t offset;   /* byte offset of the piece in the text */
	size_t len;      /* length in bytes, possibly 0 */
	int line;        /* line of the first non-blank byte (or of offset) */
} cw_piece;

typedef struct cw_pieces {
	cw_piece *items;
	size_t n;
} cw_pieces;

/* Split text; always yields at least one piece.  Free with cw_pieces_free. */
int cw_split(cw_pieces *out, const char *text, size_t len, cw_error *err);
void cw_pieces_free(cw_pieces *p);

#endif
