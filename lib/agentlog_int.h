/*
** agentlog_int.h - what agentlog.c (chunk forms, tally) and
** agentlog_events.c (the events themselves) share: a growing text buffer
** and the event builders.  Not a public interface.
*/
#ifndef CW_AGENTLOG_INT_H
#define CW_AGENTLOG_INT_H

#include <stddef.h>
#include "agentlog.h"
#include "prng.h"
#include "strbuf.h"

/* s as a JSON string, quotes included; control characters escaped. */
void al_jstr(cw_strbuf *b, const char *s);

/* One event written compactly at b->p[off .. off+len), and what it
** holds. */
typedef struct al_event {
	size_t off;
	size_t len;
	cw_agentlog_counts counts;   /* events = 1 */
} al_event;

/* How events are written for one chunk. */
typedef struct al_ctx {
	cw_strbuf *b;                /* events are appended here */
	cw_prng *rng;
	const cw_agentlog_spec *spec;
	int escape_names;         /* spell countable names with escapes */
	int mentions_only;        /* write no countable block or event */
	const char *force_tool;   /* the next turn uses this tool, or NULL */
	int said_all;             /* mentions_only: the text naming all
				  ** three was written */
	const char *last_tool;    /* the newest turn's last tool, or NULL */
	char last_id[40];         /* ... and its tool_use id */
} al_ctx;

enum al_kind {
	AL_INIT,         /* system init */
	AL_TURN,         /* an assistant event, maybe with tool_use blocks */
	AL_RESULT_OF,    /* the user event answering the previous turn */
	AL_COMPACT,      /* system compact_boundary */
	AL_STATUS,       /* system status / hook_response (mentions) */
	AL_RESULT,       /* the session's result event */
	AL_TEXT          /* an assistant event with text only */
};

/* Append one event of kind to c->b; *out says where it is and what it
** holds.  AL_RESULT_OF answers c->last_tool (a plain tool result when
** there is none). */
void al_event_write(al_event *out, al_ctx *c, enum al_kind kind);

#endif
