/*
** check_agentlog_count.h - an independent count of agent_log_chunks
** content by the backfill contract (DESIGN.md), written with cJSON for the
** agentlog and datagen suites: what lib/agentlog.c says it wrote must be
** what a reader following the contract finds.
**
** Reading: the whole chunk as one JSON value first (an object is one
** event, an array holds events); otherwise line by line, an empty line
** being no line of content and a line that is not valid JSON a malformed
** one.  Counting: tool_use blocks named AskUserQuestion or Agent in the
** message.content of assistant events, system events of subtype
** compact_boundary.
*/
#ifndef CHECK_AGENTLOG_COUNT_H
#define CHECK_AGENTLOG_COUNT_H

#include <cjson/cJSON.h>
#include <string.h>
#include "../../lib/agentlog.h"

static inline int count_is(const cJSON *o, const char *key, const char *v)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(x) && strcmp(x->valuestring, v) == 0;
}

static inline void count_event(const cJSON *ev, cw_agentlog_counts *c)
{
	const cJSON *msg, *content, *b;

	if (!cJSON_IsObject(ev))
		return;
	c->events++;
	if (count_is(ev, "type", "system") &&
	    count_is(ev, "subtype", "compact_boundary"))
		c->compactions++;
	if (!count_is(ev, "type", "assistant"))
		return;
	msg = cJSON_GetObjectItemCaseSensitive(ev, "message");
	content = cJSON_GetObjectItemCaseSensitive(msg, "content");
	cJSON_ArrayForEach(b, content) {
		if (!count_is(b, "type", "tool_use"))
			continue;
		if (count_is(b, "name", "AskUserQuestion"))
			c->questions++;
		if (count_is(b, "name", "Agent"))
			c->subagents++;
	}
}

/* text[0..len) as one JSON value with nothing but JSON whitespace
** after it, or NULL. */
static inline cJSON *count_parse(const char *text, size_t len)
{
	const char *end = NULL;
	cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);

	if (v == NULL)
		return NULL;
	for (; end && end < text + len; end++)
		if (*end != ' ' && *end != '\t' && *end != '\n' &&
		    *end != '\r') {
			cJSON_Delete(v);
			return NULL;
		}
	return v;
}

static inline void count_chunk(const char *text, size_t len,
			       cw_agentlog_counts *c)
{
	cJSON *whole = count_parse(text, len), *ev;
	size_t at = 0;

	memset(c, 0, sizeof(*c));
	if (whole) {
		if (cJSON_IsArray(whole))
			cJSON_ArrayForEach(ev, whole)
				count_event(ev, c);
		else
			count_event(whole, c);
		cJSON_Delete(whole);
		return;
	}
	while (at < len) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end > at) {
			ev = count_parse(text + at, end - at);
			if (ev == NULL)
				c->malformed++;
			else
				count_event(ev, c);
			cJSON_Delete(ev);
		}
		at = end + 1;
	}
}

#endif
