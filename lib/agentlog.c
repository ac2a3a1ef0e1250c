/*
** agentlog.c - chunks of Claude Code stream-json in the forms agentlog.h
** lists, their true counts, and the per-agent tally written as the
** expected backfill result.  The events themselves come from
** agentlog_events.c.
*/
#include "agentlog_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_EVENTS 16

static const char *const form_names[CW_AGENTLOG_N_FORMS] = {
	"ndjson", "crlf", "blanks", "object", "pretty", "array", "truncated",
	"escaped", "mentions", "cut-end"
};

const char *cw_agentlog_form_name(cw_agentlog_form form)
{
	return (unsigned)form < CW_AGENTLOG_N_FORMS ? form_names[form] : "?";
}

static void add_counts(cw_agentlog_counts *to, const cw_agentlog_counts *c)
{
	to->questions += c->questions;
	to->subagents += c->subagents;
	to->compactions += c->compactions;
	to->malformed += c->malformed;
	to->events += c->events;
}

/* ---- which events a chunk holds ---- */

typedef struct plan {
	al_event ev[MAX_EVENTS];
	size_t n;
} plan;

static void emit(plan *p, al_ctx *c, enum al_kind kind)
{
	if (p->n < MAX_EVENTS)
		al_event_write(&p->ev[p->n++], c, kind);
}

/* One event, for the forms that hold a single object. */
static void plan_single(plan *p, al_ctx *c)
{
	uint64_t r = cw_prng_below(c->rng, 100);

	if (c->spec->is_session_start)
		emit(p, c, AL_INIT);
	else if (c->spec->is_session_end && r < 30)
		emit(p, c, AL_RESULT);
	else if (r < 20)
		emit(p, c, AL_COMPACT);
	else if (r < 30)
		emit(p, c, AL_RESULT_OF);
	else
		emit(p, c, AL_TURN);
}

/* A few turns of work: an assistant event and the tool's result, now and
** then a compaction (status first, as the CLI reports it). */
static void plan_turns(plan *p, al_ctx *c, size_t n_turns, int compaction)
{
	size_t t, at = compaction ? cw_prng_below(c->rng, n_turns + 1) : 99;

	for (t = 0; t <= n_turns; t++) {
		if (t == at) {
			if (cw_prng_chance(c->rng, 1, 2))
				emit(p, c, AL_STATUS);
			emit(p, c, AL_COMPACT);
		}
		if (t == n_turns)
			break;
		if (cw_prng_chance(c->rng, 1, 5)) {
			emit(p, c, AL_TEXT);
			continue;
		}
		emit(p, c, AL_TURN);
		emit(p, c, AL_RESULT_OF);
	}
}

static void plan_multi(plan *p, al_ctx *c, cw_agentlog_form form)
{
	size_t n_turns = 1 + cw_prng_below(c->rng, 3);
	int compaction = cw_prng_chance(c->rng, 1, 5);

	if (form == CW_AGENTLOG_ESCAPED) {
		/* At least one escaped name of each kind that can count. */
		c->force_tool = cw_prng_chance(c->rng, 1, 2) ? "Agent" :
				"AskUserQuestion";
		compaction = 1;
		emit(p, c, AL_TURN);
		emit(p, c, AL_RESULT_OF);
	}
	if (form == CW_AGENTLOG_MENTIONS) {
		emit(p, c, AL_TEXT);
		emit(p, c, AL_STATUS);
	}
	if (c->spec->is_session_start)
		emit(p, c, AL_INIT);
	if (form == CW_AGENTLOG_TRUNCATED || form == CW_AGENTLOG_CUT_END)
		c->force_tool = cw_prng_chance(c->rng, 1, 2) ? "Agent" :
				"AskUserQuestion";
	plan_turns(p, c, n_turns, compaction);
	if (c->spec->is_session_end)
		emit(p, c, AL_RESULT);
}

/* ---- writing the chunk ---- */

/* The compact JSON of ev, indented two spaces per level.  Compact text
** has no whitespace outside strings, so structure is all there is to
** follow. */
static void put_pretty(cw_strbuf *out, const char *s, size_t n)
{
	size_t i, depth = 0, k;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		char ch = s[i];
		if (in_str) {
			cw_strbuf_add(out, &ch, 1);
			if (ch == '\\' && i + 1 < n)
				cw_strbuf_add(out, &s[++i], 1);
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		if (ch == '"') {
			in_str = 1;
			cw_strbuf_add(out, &ch, 1);
		} else if ((ch == '{' || ch == '[') && i + 1 < n &&
			   (s[i + 1] == '}' || s[i + 1] == ']')) {
			cw_strbuf_add(out, &s[i], 2);
			i++;
		} else if (ch == '{' || ch == '[' || ch == ',') {
			if (ch != ',')
				depth++;
			cw_strbuf_add(out, &ch, 1);
			cw_strbuf_add(out, "\n", 1);
			for (k = 0; k < depth; k++)
				cw_strbuf_add(out, "  ", 2);
		} else if (ch == '}' || ch == ']') {
			cw_strbuf_add(out, "\n", 1);
			depth = depth ? depth - 1 : 0;
			for (k = 0; k < depth; k++)
				cw_strbuf_add(out, "  ", 2);
			cw_strbuf_add(out, &ch, 1);
		} else if (ch == ':') {
			cw_strbuf_add(out, ": ", 2);
		} else {
			cw_strbuf_add(out, &ch, 1);
		}
	}
}

/* The event to cut short: a middle one that would have counted if one
** exists (the cut loses its count), else any middle one. */
static size_t pick_cut(const plan *p, cw_prng *rng, int at_end)
{
	size_t i;

	if (at_end)
		return p->n - 1;
	for (i = 1; i + 1 < p->n; i++)
		if (p->ev[i].counts.questions || p->ev[i].counts.subagents)
			return i;
	return p->n > 2 ? 1 + (size_t)cw_prng_below(rng, p->n - 2) : 0;
}

static void assemble(cw_strbuf *out, cw_agentlog_counts *counts, const plan *p,
		     const cw_strbuf *ev, cw_agentlog_form form, cw_prng *rng)
{
	const char *eol = form == CW_AGENTLOG_CRLF ? "\r\n" : "\n";
	int cuts = form == CW_AGENTLOG_TRUNCATED || form == CW_AGENTLOG_CUT_END;
	size_t i, cut = cuts ? pick_cut(p, rng, form == CW_AGENTLOG_CUT_END) :
		(size_t)-1;

	memset(counts, 0, sizeof(*counts));
	if (form == CW_AGENTLOG_OBJECT || form == CW_AGENTLOG_PRETTY) {
		if (form == CW_AGENTLOG_PRETTY)
			put_pretty(out, ev->p + p->ev[0].off, p->ev[0].len);
		else
			cw_strbuf_add(out, ev->p + p->ev[0].off, p->ev[0].len);
		if (form == CW_AGENTLOG_PRETTY && cw_prng_chance(rng, 1, 2))
			cw_strbuf_add(out, "\n", 1);
		add_counts(counts, &p->ev[0].counts);
		return;
	}
	if (form == CW_AGENTLOG_ARRAY) {
		cw_strbuf_add(out, "[", 1);
		for (i = 0; i < p->n; i++) {
			if (i > 0)
				cw_strbuf_add(out, ",", 1);
			cw_strbuf_add(out, ev->p + p->ev[i].off, p->ev[i].len);
			add_counts(counts, &p->ev[i].counts);
		}
		cw_strbuf_add(out, "]", 1);
		if (cw_prng_chance(rng, 1, 2))
			cw_strbuf_add(out, "\n", 1);
		return;
	}
	for (i = 0; i < p->n; i++) {
		const al_event *e = &p->ev[i];
		if (i > 0 && form == CW_AGENTLOG_BLANKS)
			cw_strbuf_str(out, cw_prng_chance(rng, 1, 2) ? "\n\n" : "\n");
		else if (i > 0)
			cw_strbuf_str(out, eol);
		if (i == cut) {
			/* Cut inside the event: its closing brace is lost, so
			** the line is never valid JSON. */
			size_t keep = e->len / 3 +
				(size_t)cw_prng_below(rng, e->len * 2 / 3 - 1);
			cw_strbuf_add(out, ev->p + e->off, keep);
			counts->malformed++;
			continue;
		}
		cw_strbuf_add(out, ev->p + e->off, e->len);
		add_counts(counts, &e->counts);
	}
	if (form != CW_AGENTLOG_BLANKS && form != CW_AGENTLOG_CUT_END)
		cw_strbuf_str(out, eol);
}

int cw_agentlog_chunk(char **out, size_t *out_len,
		      cw_agentlog_counts *counts,
		      const cw_agentlog_spec *spec, cw_prng *rng,
		      cw_error *err)
{
	cw_strbuf ev = {NULL, 0, 0, 0}, text = {NULL, 0, 0, 0};
	al_ctx c;
	plan p;
	cw_agentlog_form form = spec->form < CW_AGENTLOG_N_FORMS ?
				spec->form : CW_AGENTLOG_NDJSON;

	memset(&c, 0, sizeof(c));
	c.b = &ev;
	c.rng = rng;
	c.spec = spec;
	c.escape_names = form == CW_AGENTLOG_ESCAPED;
	c.mentions_only = form == CW_AGENTLOG_MENTIONS;
	p.n = 0;
	if (form == CW_AGENTLOG_OBJECT || form == CW_AGENTLOG_PRETTY)
		plan_single(&p, &c);
	else if (form == CW_AGENTLOG_ARRAY)
		plan_turns(&p, &c, 1, cw_prng_chance(rng, 1, 3));
	else
		plan_multi(&p, &c, form);
	assemble(&text, counts, &p, &ev, form, rng);
	free(ev.p);
	if (ev.is_oom || text.is_oom || text.p == NULL) {
		free(text.p);
		return cw_error_set(err, CW_ENOMEM, "", "", 0,
				    "out of memory writing a log chunk");
	}
	*out = text.p;
	*out_len = text.n;
	return 0;
}

/* ---- the contract's table ---- */

static const cw_schema_column *column(const cw_schema_table *t,
				      const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (strcasecmp(t->columns[i].name, name) == 0)
			return &t->columns[i];
	return NULL;
}

static int has(const cw_schema_table *t, const char *name, cw_affinity aff,
	       int not_null)
{
	const cw_schema_column *c = column(t, name);

	return c && c->affinity == aff && (!not_null || c->not_null);
}

int cw_agentlog_is_contract_table(const cw_schema_table *t)
{
	const cw_schema_column *id;
	size_t i, n_pk = 0;

	if (t == NULL || strcasecmp(t->name, "agent_log_chunks") != 0)
		return 0;
	for (i = 0; i < t->n_columns; i++)
		n_pk += t->columns[i].pk > 0;
	id = column(t, "id");
	return id && id->affinity == CW_AFF_TEXT && id->pk == 1 && n_pk == 1 &&
	       has(t, "agent_id", CW_AFF_TEXT, 1) &&
	       has(t, "session_number", CW_AFF_INTEGER, 1) &&
	       has(t, "content", CW_AFF_TEXT, 1) &&
	       has(t, "created_at", CW_AFF_INTEGER, 1);
}

/* ---- the tally ---- */

/* Where agent_id is, or would go, in the sorted list. */
static size_t find_slot(const cw_agentlog_tally *t, const char *agent_id,
			int *found)
{
	size_t lo = 0, hi = t->n_agents;

	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(t->agents[mid].agent_id, agent_id);
		if (cmp == 0) {
			*found = 1;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const cw_agentlog_agent *cw_agentlog_tally_find(const cw_agentlog_tally *t,
						const char *agent_id)
{
	int found;
	size_t at = find_slot(t, agent_id, &found);

	return found ? &t->agents[at] : NULL;
}

int cw_agentlog_tally_add(cw_agentlog_tally *t, const char *agent_id,
			  const cw_agentlog_counts *c, cw_error *err)
{
	int found;
	size_t at = find_slot(t, agent_id, &found);

	if (!found) {
		char *id = strdup(agent_id);
		if (id == NULL)
			goto oom;
		if (t->n_agents == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 16;
			cw_agentlog_agent *a = realloc(t->agents,
						       cap * sizeof(*a));
			if (a == NULL) {
				free(id);
				goto oom;
			}
			t->agents = a;
			t->cap = cap;
		}
		memmove(&t->agents[at + 1], &t->agents[at],
			(t->n_agents - at) * sizeof(*t->agents));
		memset(&t->agents[at], 0, sizeof(*t->agents));
		t->agents[at].agent_id = id;
		t->n_agents++;
	}
	t->agents[at].chunks++;
	add_counts(&t->agents[at].counts, c);
	t->chunks++;
	t->malformed_lines += c->malformed;
	return 0;
oom:
	return cw_error_set(err, CW_ENOMEM, "", "", 0,
			    "out of memory counting log chunks");
}

int cw_agentlog_expected_json(char **out, size_t *out_len,
			      const cw_agentlog_tally *t, cw_error *err)
{
	cw_strbuf b = {NULL, 0, 0, 0};
	size_t i;

	cw_strbuf_str(&b, t->n_agents ? "{\n  \"agents\": [\n" :
		"{\n  \"agents\": [],\n");
	for (i = 0; i < t->n_agents; i++) {
		const cw_agentlog_agent *a = &t->agents[i];
		cw_strbuf_str(&b, "    {\"agent_id\": ");
		al_jstr(&b, a->agent_id);
		cw_strbuf_fmt(&b, ", \"questions\": %zu, \"subagents\": %zu, "
			  "\"compactions\": %zu}%s\n", a->counts.questions,
			  a->counts.subagents, a->counts.compactions,
			  i + 1 < t->n_agents ? "," : "");
	}
	if (t->n_agents)
		cw_strbuf_str(&b, "  ],\n");
	cw_strbuf_fmt(&b, "  \"chunks\": %zu,\n  \"malformed_lines\": %zu\n}\n",
		  t->chunks, t->malformed_lines);
	if (b.is_oom) {
		free(b.p);
		return cw_error_set(err, CW_ENOMEM, "", "", 0,
				    "out of memory writing expected counts");
	}
	*out = b.p;
	*out_len = b.n;
	return 0;
}

void cw_agentlog_tally_free(cw_agentlog_tally *t)
{
	size_t i;

	for (i = 0; i < t->n_agents; i++)
		free(t->agents[i].agent_id);
	free(t->agents);
	memset(t, 0, sizeof(*t));
}
