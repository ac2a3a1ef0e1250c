/*
** metrics_int.h - what metrics_count.c (counting a chunk) and
** metrics_scan.c (the pre-filter's validating scan) share: the table of
** counted events and the scan's state.  Not a public header.
*/
#ifndef CW_METRICS_INT_H
#define CW_METRICS_INT_H

#include <stddef.h>
#include "metrics_count.h"

typedef const unsigned char *bytes;

/* The counted events, written once: an event of type `type` counts for
** `metric` when its field (for assistant events: the name of a tool_use
** block of message.content) holds `value`. */
typedef struct cw_metrics_counted {
	const char *value;
	size_t len;
	const char *type;     /* "assistant" or "system" */
	const char *field;    /* "name" of a tool_use block, or "subtype" */
	size_t field_len;
	int in_block;         /* field is a block's (assistant), not the
			      ** event's own (system) */
	cw_metric metric;
} cw_metrics_counted;

/* Its rows (metrics_scan.c): one more is a compile error there. */
#define CW_METRICS_N_COUNTED 3
extern const cw_metrics_counted
	cw_metrics_counted_names[CW_METRICS_N_COUNTED];

#define NAME_MAX_LEN 16   /* the longest value in the table */

/* Where the scan of one value is. */
typedef struct cw_metrics_scan {
	bytes p;          /* where the scan is */
	bytes end;        /* end of the chunk */
	int allow_nl;     /* a newline is whitespace (whole-chunk reading) */
	int saw_nl;       /* a newline was skipped as whitespace */
	int has_name;     /* a counted name in its slot */
	int has_nul;      /* a \u0000 escape */
	bytes str, str_end;   /* the last string scanned, raw */
	int str_escaped;      /* it holds an escape */
	int is_element;       /* the value is an element of the line's array
			      ** (an event), not the line itself */
} cw_metrics_scan;

void cw_metrics_skip_ws_run(cw_metrics_scan *s);

/* Skip JSON whitespace (and newlines when s->allow_nl).  Most tokens of
** compact JSON follow each other with no whitespace, and no whitespace
** byte is above ' ': one test decides the common case. */
static inline void cw_metrics_skip_ws(cw_metrics_scan *s)
{
	if (s->p < s->end && *s->p > ' ')
		return;
	cw_metrics_skip_ws_run(s);
}

/* p past a UTF-8 byte order mark, if one starts there. */
bytes cw_metrics_skip_bom(bytes p, bytes end);

/* Scan one JSON value starting at s->p (no whitespace before it), the
** whole of a line or chunk: 0 if it is one valid value (s->p then ends
** after it; s->has_name and s->has_nul say what it held), -1 if not. */
int cw_metrics_scan_value(cw_metrics_scan *s);

#endif
