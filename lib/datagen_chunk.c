/*
** datagen_chunk.c - the rows of agent_log_chunks (the backfill contract's
** table): which agent a chunk belongs to, its session and time, and its
** stream-json content from agentlog.h with the counts it holds.
**
** Agents come from the agents table (through agent_id's foreign key, or by
** name when there is none) or are made up; about eight chunks each, four
** to a session, so that sessions and agents repeat as in real logs.  The
** chunks' created_at ascend 1.5 s apart, with a tie every seventh row.
*/
#include "datagen_fill.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Chunks of agent_log_chunks start here, 1.5 s apart. */
#define CHUNK_T0_MS 1735689600000LL

long dg_col_of(const cw_schema_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_columns; i++)
		if (strcasecmp(t->columns[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* created_at of the r-th chunk: ascending, with a tie now and then
** (keyset readers order ties by id). */
static int64_t chunk_time(uint64_t seed, size_t r)
{
	if (r % 7 == 4)
		r--;
	return CHUNK_T0_MS + 1500LL * (int64_t)r +
	       (int64_t)(cw_prng_mix(seed ^ (uint64_t)r) % 1000);
}

/* The agent of row w when agent_id has no foreign key: one of the agents
** table's ids, else a made-up one; about eight chunks per agent. */
static void chunk_agent(dg_run *run, dg_chunk *ck, dg_val *v,
			const dg_row *w)
{
	size_t n_agents = run->o->rows / 8 ? run->o->rows / 8 : 1, a;

	if (run->agents >= 0 && run->tabs[run->agents].keys.n_rows > 0) {
		dg_keys *k = &run->tabs[run->agents].keys;
		if (n_agents > k->n_rows)
			n_agents = k->n_rows;
		a = w->r % n_agents;
		v->type = DG_VALUE;
		v->v = k->vals[a * k->n_cols + run->agents_key];
		return;
	}
	a = w->r % n_agents;
	snprintf(ck->agent_id, sizeof(ck->agent_id), "agt_%012llx",
		 (unsigned long long)(cw_prng_mix(w->seed ^ (a + 1)) &
				      0xffffffffffffULL));
	v->type = SQLITE_TEXT;
	v->s = ck->agent_id;
	v->len = strlen(ck->agent_id);
}

int dg_chunk_values(dg_run *run, dg_chunk *ck, dg_val *vals,
		    const dg_row *w)
{
	const cw_agentlog_agent *seen;
	cw_agentlog_spec spec;
	char sid[40], cwd[300];
	cw_prng rng;
	uint64_t h;
	size_t j, len;
	const unsigned char *txt;

	if (vals[ck->agent].type != DG_VALUE)
		chunk_agent(run, ck, &vals[ck->agent], w);
	if (vals[ck->agent].type == DG_VALUE) {
		txt = sqlite3_value_text((sqlite3_value *)vals[ck->agent].v);
		snprintf(ck->agent_id, sizeof(ck->agent_id), "%s",
			 txt ? (const char *)txt : "");
	}
	seen = cw_agentlog_tally_find(&run->out->tally, ck->agent_id);
	j = seen ? seen->chunks : 0;
	h = cw_prng_mix(w->seed ^ cw_prng_hash(ck->agent_id) ^ (j / 4 + 1));
	snprintf(sid, sizeof(sid), "%08llx-%04llx-4%03llx-a%03llx-%012llx",
		 (unsigned long long)(h >> 32),
		 (unsigned long long)(h >> 16 & 0xffff),
		 (unsigned long long)(h & 0xfff),
		 (unsigned long long)(h >> 20 & 0xfff),
		 (unsigned long long)(cw_prng_mix(h) & 0xffffffffffffULL));
	snprintf(cwd, sizeof(cwd), "/srv/worktrees/%s", ck->agent_id);
	spec.form = (cw_agentlog_form)((w->r + w->seed) % CW_AGENTLOG_N_FORMS);
	spec.session_id = sid;
	spec.cwd = cwd;
	spec.is_session_start = j % 4 == 0;
	spec.is_session_end = j % 4 == 3;
	dg_stream(&rng, w, cw_prng_hash("content"), 4);
	if (cw_agentlog_chunk(&ck->text, &len, &ck->counts, &spec, &rng,
			      run->err) != 0)
		return CW_ENOMEM;
	vals[ck->session].type = SQLITE_INTEGER;
	vals[ck->session].i = (int64_t)(1 + j / 4);
	vals[ck->created].type = SQLITE_INTEGER;
	vals[ck->created].i = chunk_time(w->seed, w->r);
	vals[ck->content].type = SQLITE_TEXT;
	vals[ck->content].s = ck->text;
	vals[ck->content].len = len;
	return 0;
}

/* agent_log_chunks.agent_id with a foreign key: about eight chunks per
** agent over several sessions, as real logs have them, rather than one
** chunk for every agent (some agents have no chunk, as in real data). */
int dg_chunk_parent(dg_run *run, size_t t, size_t k, const dg_row *w,
		    size_t *row)
{
	dg_fk *f = &run->tabs[t].fks[k];
	size_t n, n_agents = run->o->rows / 8 ? run->o->rows / 8 : 1;
	cw_prng rng;

	if (f->parent < 0 || f->is_self || !run->tabs[f->parent].is_filled)
		return dg_fk_choose(run, t, k, w, row);
	n = run->tabs[f->parent].keys.n_rows;
	if (n == 0)
		return DG_FK_NONE;
	if (n_agents > n)
		n_agents = n;
	dg_stream(&rng, w, k, 6);
	*row = w->attempt == 0 ? w->r % n_agents :
	       (size_t)cw_prng_below(&rng, n_agents);
	return DG_FK_ROW;
}
