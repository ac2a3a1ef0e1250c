/*
** agentlog.h - realistic Claude Code stream-json for agent_log_chunks.content,
** with the true counts of what each chunk holds, known by construction.
**
** The backfill contract (DESIGN.md, "agent_log_chunks -> agent_metrics")
** reads each chunk as one or more JSON events separated by newlines, or as
** a single object or a JSON array of events, and counts per agent:
** questions (tool_use blocks named AskUserQuestion in assistant events),
** subagents (tool_use blocks named Agent), compactions (system events of
** subtype compact_boundary) and malformed lines (not valid JSON, skipped).
** The generator writes chunks a reader following the contract counts in
** exactly one way; the forms it writes, and why each count is unambiguous:
**
**   NDJSON    compact events one per line, LF, final newline.
**   CRLF      the same with CR LF line ends: CR is JSON whitespace, so
**             each line is still one valid event.
**   BLANKS    empty lines between events (LF only) and no final newline.
**             An empty line is no line of content: neither an event nor
**             malformed (the empty piece after a final newline is one
**             too).  Lines of spaces, or a bare CR between CR LF line
**             ends, are never written: readers disagree on them.
**   OBJECT    one compact event and no newline: the whole chunk is that
**             object.
**   PRETTY    one event pretty-printed over several lines.  The whole
**             chunk is that one object, which the contract accepts; it
**             is one event only because nothing else is in the chunk (its
**             lines one by one would not be JSON).
**   ARRAY     a JSON array of events on one line, alone in the chunk.
**             Arrays never share a chunk with other lines.
**   TRUNCATED NDJSON with one compact line cut off mid-write: an object
**             missing its closing brace, never valid JSON; 1 malformed
**             line, and the valid lines around it still count.
**   ESCAPED   NDJSON whose names are spelled with JSON escapes
**             ("\u0041gent", "AskUser\u0051uestion", "compact_\u0062oundary"):
**             they count, since JSON decodes them to the names.
**   MENTIONS  NDJSON that only mentions the names: in text, in tool inputs,
**             in tool results, in a system init event's tool list, in a
**             result event; it counts nothing.
**   CUT_END   NDJSON whose last line is cut off, no final newline.
**
** Every chunk is ASCII.  Malformed lines are always compact events cut
** short, so a cut line never happens to be valid JSON.
**
** A tally gathers the counts per agent_id and writes them as the expected
** output of a backfill (FILE.expected.json of `cw fixtures build`).  The
** tally owns its strings; cw_agentlog_tally_free releases them.
*/
#ifndef CW_AGENTLOG_H
#define CW_AGENTLOG_H

#include <stddef.h>
#include "error.h"
#include "prng.h"
#include "schema.h"

typedef struct cw_agentlog_counts {
	size_t questions;    /* AskUserQuestion tool_use blocks */
	size_t subagents;    /* Agent tool_use blocks */
	size_t compactions;  /* system compact_boundary events */
	size_t malformed;    /* lines that are not valid JSON */
	size_t events;       /* events a reader sees (not counted by the
			     ** contract; for tests) */
} cw_agentlog_counts;

typedef enum cw_agentlog_form {
	CW_AGENTLOG_NDJSON = 0,
	CW_AGENTLOG_CRLF,
	CW_AGENTLOG_BLANKS,
	CW_AGENTLOG_OBJECT,
	CW_AGENTLOG_PRETTY,
	CW_AGENTLOG_ARRAY,
	CW_AGENTLOG_TRUNCATED,
	CW_AGENTLOG_ESCAPED,
	CW_AGENTLOG_MENTIONS,
	CW_AGENTLOG_CUT_END,
	CW_AGENTLOG_N_FORMS
} cw_agentlog_form;

/* What one chunk is: its form and where it sits in a session. */
typedef struct cw_agentlog_spec {
	cw_agentlog_form form;
	const char *session_id;  /* the same in every chunk of a session */
	const char *cwd;         /* the agent's folder, for init events */
	int is_session_start;    /* begins with a system init event */
	int is_session_end;      /* ends with a result event */
} cw_agentlog_spec;

/* Write one chunk: *out is its text (NUL-terminated, caller frees),
** *out_len its length, *counts what it holds.  Draws from rng only, so the
** same rng state gives the same bytes.  Returns 0 or CW_ENOMEM. */
int cw_agentlog_chunk(char **out, size_t *out_len,
		      cw_agentlog_counts *counts,
		      const cw_agentlog_spec *spec, cw_prng *rng,
		      cw_error *err);

/* The form's name ("ndjson", "crlf", ...), for messages and tests. */
const char *cw_agentlog_form_name(cw_agentlog_form form);

/* 1 if t is the contract's agent_log_chunks: that name (any case) and the
** columns id (TEXT primary key), agent_id (TEXT NOT NULL), session_number
** (INTEGER NOT NULL), content (TEXT NOT NULL) and created_at (INTEGER NOT
** NULL), by affinity; other columns may follow. */
int cw_agentlog_is_contract_table(const cw_schema_table *t);

typedef struct cw_agentlog_agent {
	char *agent_id;
	size_t chunks;
	cw_agentlog_counts counts;
} cw_agentlog_agent;

typedef struct cw_agentlog_tally {
	cw_agentlog_agent *agents;   /* sorted by agent_id, byte order */
	size_t n_agents;
	size_t cap;
	size_t chunks;
	size_t malformed_lines;
} cw_agentlog_tally;

#define CW_AGENTLOG_TALLY_INIT {NULL, 0, 0, 0, 0}

/* Count one chunk of agent_id.  Returns 0 or CW_ENOMEM. */
int cw_agentlog_tally_add(cw_agentlog_tally *t, const char *agent_id,
			  const cw_agentlog_counts *c, cw_error *err);

/* The agent's entry, or NULL when it has no chunk yet. */
const cw_agentlog_agent *cw_agentlog_tally_find(const cw_agentlog_tally *t,
						const char *agent_id);

/* The expected backfill result as JSON text (caller frees *out):
**   {"agents": [{"agent_id": ..., "questions": ..., "subagents": ...,
**    "compactions": ...}, ...], "chunks": N, "malformed_lines": M}
** one agent per line, sorted by agent_id; every agent with a chunk is
** listed, with zeros when it has nothing to count.  Deterministic: the
** same tally gives the same bytes.  Returns 0 or CW_ENOMEM. */
int cw_agentlog_expected_json(char **out, size_t *out_len,
			      const cw_agentlog_tally *t, cw_error *err);

void cw_agentlog_tally_free(cw_agentlog_tally *t);

#endif
