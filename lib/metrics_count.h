/*
** metrics_count.h - counting the backfill contract's events in one chunk
** of agent_log_chunks.content (DESIGN.md, "agent_log_chunks ->
** agent_metrics").
**
** What counts: tool_use blocks named AskUserQuestion (questions) or Agent
** (subagents) in the message.content array of {"type":"assistant"}
** events, and {"type":"system","subtype":"compact_boundary"} events
** (compactions).  The names live in one table in metrics_count.c.
**
** How a chunk is read:
**   - The whole chunk as one JSON value first (JSON whitespace around it
**     allowed): an object is one event, an array holds events.  This is
**     how a single object, a pretty-printed object and a JSON array are
**     read.
**   - Otherwise line by line (LF; a CR before it is JSON whitespace).  An
**     empty line is no line of content; any other line that is not one
**     JSON value is malformed: counted, skipped, never fatal.  A line
**     holding an array holds events too.
**   - A UTF-8 byte order mark at the start of a line (or of the chunk) is
**     ignored.  Bytes that are not UTF-8 inside a string are kept as they
**     are (the string then equals no name); outside a string they make
**     the line malformed, as NUL bytes and other control characters do.
**   - Valid JSON is RFC 8259 JSON with three limits of the cJSON parser
**     that builds the trees: at most CJSON_NESTING_LIMIT (1000) nested
**     arrays and objects, numbers of at most 63 characters, and \u
**     escapes of UTF-16 surrogates only in pairs.  A line beyond them is
**     malformed.  No event comes anywhere near them.
**   - A key given twice in an object: the last one counts (as JSON.parse).
**
** The pre-filter: a scan of the raw bytes validates each line without
** building anything, and notes whether a counted name sits where counting
** reads it: the value of a tool_use block's field ("name") in an event's
** message.content for AskUserQuestion and Agent, an event's own field
** ("subtype") for compact_boundary, an event being the line or an element
** of the line's array.  Keys and values are compared decoded, escapes
** included, so "\u0041gent" and "n\u0061me" are seen as Agent and name.
** Only such lines are parsed into a cJSON tree (of a line that is an
** array, only the elements that name one); any other line cannot count
** anything.  The word Agent inside longer text is not the JSON string
** "Agent", and the string "Agent" in an init event's tool list is not in
** a block's name, so most lines never reach the parser.
** CW_METRICS_ALWAYS_PARSE parses every valid line, whole, instead; the
** unit suite proves both give the same counts.
*/
#ifndef CW_METRICS_COUNT_H
#define CW_METRICS_COUNT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* The counters of agent_metrics, in the order of its columns. */
typedef enum cw_metric {
	CW_METRIC_QUESTIONS = 0,   /* questions_count */
	CW_METRIC_SUBAGENTS,       /* subagents_count */
	CW_METRIC_COMPACTIONS,     /* compactions_count */
	CW_METRIC_N
} cw_metric;

/* What chunks hold.  cw_metrics_count adds to it, so one value can sum
** many chunks. */
typedef struct cw_metrics_counts {
	uint64_t n[CW_METRIC_N];   /* indexed by cw_metric */
	uint64_t malformed;        /* lines that are not valid JSON */
	uint64_t lines;            /* non-empty lines (or whole values) */
	uint64_t parsed;           /* of them, parsed into a tree */
	uint64_t parse_ns;         /* time spent parsing (CW_METRICS_PROFILE) */
} cw_metrics_counts;

enum {
	CW_METRICS_ALWAYS_PARSE = 1,  /* parse every valid line (for tests) */
	CW_METRICS_PROFILE = 2        /* measure parse_ns */
};

/* The agent_metrics column of counter m ("questions_count", ...). */
const char *cw_metric_column(cw_metric m);

/* Short name of counter m ("questions", "subagents", "compactions"). */
const char *cw_metric_name(cw_metric m);

/* Count the events in text[0..len) (any bytes, NULs included) and add
** them to *out.  flags: CW_METRICS_*.  Returns 0, or CW_ENOMEM when a
** tree could not be built (out then holds the lines before it). */
int cw_metrics_count(cw_metrics_counts *out, const char *text, size_t len,
		     int flags, cw_error *err);

#endif
