/*
** agentlog_events.c - single Claude Code stream-json events, written
** compactly the way the CLI writes them (`claude -p --output-format
** stream-json --verbose`): system init, assistant messages with text and
** tool_use blocks, user messages carrying tool results, system
** compact_boundary and status events, and the closing result event.
**
** Each event records what it holds by the backfill contract: tool_use
** blocks named AskUserQuestion or Agent in an assistant event, and system
** compact_boundary events.  Mentions of the same words elsewhere (text,
** tool inputs, tool results, the init event's tool list) are written on
** purpose and count for nothing.
*/
#include "agentlog_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

/* ---- JSON text ---- */

void al_jstr(cw_strbuf *b, const char *s)
{
	cw_strbuf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			char e[2] = {'\\', (char)ch};
			cw_strbuf_add(b, e, 2);
		} else if (ch == '\n') {
			cw_strbuf_add(b, "\\n", 2);
		} else if (ch == '\t') {
			cw_strbuf_add(b, "\\t", 2);
		} else if (ch < 0x20) {
			cw_strbuf_fmt(b, "\\u%04x", ch);
		} else {
			cw_strbuf_add(b, (const char *)&ch, 1);
		}
	}
	cw_strbuf_add(b, "\"", 1);
}

/* ---- what the events say ---- */

static const char *const files[] = {
	"apps/server/src/routes/agents.ts", "apps/server/src/db/schema.ts",
	"apps/server/src/metrics/backfill.ts", "apps/web/src/TaskList.tsx",
	"apps/server/test/metrics.test.ts", "packages/shared/src/log.ts",
	"apps/server/drizzle/0034_agent_metrics.sql", "README.md",
};

static const char *const commands[] = {
	"pnpm test --filter server", "git status --short", "pnpm lint",
	"rg -n \"agent_metrics\" apps/server/src", "git diff --stat",
	"pnpm tsc --noEmit", "ls apps/server/drizzle | tail -3",
};

static const char *const plain_text[] = {
	"I'll start by reading the current schema and its tests.",
	"The failing test expects the counter to be additive; updating the "
	"upsert.",
	"Build passes. Running the server tests next.",
	"Found it: the keyset query was missing the id tiebreak.",
	"Let me check how the log chunks are written before changing the "
	"reader.",
	"All 42 tests pass and the lint is clean.",
	"The migration applies on a copy of staging; committing.",
};

static const char *const mention_text[] = {
	"The spec is explicit, so I won't need AskUserQuestion here; I may "
	"hand the load test to an Agent later.",
	"After the last compact_boundary the plan came back from the todo "
	"list.",
	"Counting rule: only tool_use blocks named \"AskUserQuestion\" or "
	"\"Agent\" count, plus system events with subtype "
	"\"compact_boundary\".",
	"A line like {\"type\":\"tool_use\",\"name\":\"Agent\"} inside a "
	"string is not a subagent.",
};

static const char *const mention_result[] = {
	"logs/a.jsonl:12:{\"type\":\"tool_use\",\"name\":\"AskUserQuestion\"}"
	"\nlogs/a.jsonl:40:{\"type\":\"system\",\"subtype\":"
	"\"compact_boundary\"}",
	"Agent definitions found: general-purpose, Explore. No "
	"AskUserQuestion hooks configured.",
	"     1\tif (block.name === 'Agent') subagents++;\n     2\tif "
	"(block.name === 'AskUserQuestion') questions++;",
};

static const char *const plain_result[] = {
	"Test Files  6 passed (6)\n     Tests  42 passed (42)",
	" M apps/server/src/metrics/backfill.ts\n?? apps/server/test/"
	"backfill.test.ts",
	"     1\timport { db } from './db';\n     2\timport { agentMetrics } "
	"from './schema';",
	"The file apps/server/src/metrics/backfill.ts has been updated.",
	"No lint errors.",
};

typedef struct question {
	const char *question, *header, *yes, *no;
} question;

static const question questions[] = {
	{"Which database should the migration run against first?",
	 "Database", "Staging", "Production"},
	{"Keep the old endpoint for one more release?", "Compat", "Keep",
	 "Remove"},
	{"Archive the old preview environments?", "Previews", "Archive",
	 "Keep"},
	{"Use keyset or offset pagination for the export?", "Paging",
	 "Keyset", "Offset"},
};

static const char *const agent_tasks[] = {
	"Map rate-limit call sites", "Review the migration for data loss",
	"Find every writer of agent_metrics", "Summarise failing tests",
};

static const char *pick(al_ctx *c, const char *const *list, size_t n)
{
	return list[cw_prng_below(c->rng, n)];
}

/* Random base-62 text, as the ids in Anthropic's messages look. */
static void put_b62(al_ctx *c, size_t n)
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz";
	char tmp[32];
	size_t i;

	for (i = 0; i < n && i < sizeof(tmp); i++)
		tmp[i] = digits[cw_prng_below(c->rng, 62)];
	cw_strbuf_add(c->b, tmp, i);
}

static void put_uuid(al_ctx *c)
{
	static const char hex[] = "0123456789abcdef";
	char u[37];
	int i;

	for (i = 0; i < 36; i++)
		u[i] = hex[cw_prng_below(c->rng, 16)];
	u[8] = u[13] = u[18] = u[23] = '-';
	u[14] = '4';
	u[19] = hex[8 + cw_prng_below(c->rng, 4)];
	u[36] = '\0';
	cw_strbuf_fmt(c->b, "\"%s\"", u);
}

static const char *model_of(const al_ctx *c)
{
	const char *sid = c->spec->session_id ? c->spec->session_id : "";

	return cw_prng_hash(sid) % 4 == 0 ? "claude-haiku-4-5-20251001" :
	       "claude-sonnet-4-5-20250929";
}

/* The tail every event but init and result shares. */
static void put_session(al_ctx *c)
{
	cw_strbuf_str(c->b, ",\"session_id\":");
	al_jstr(c->b, c->spec->session_id ? c->spec->session_id : "");
	cw_strbuf_str(c->b, ",\"uuid\":");
	put_uuid(c);
	cw_strbuf_str(c->b, "}");
}

/* A countable name, escaped in the ESCAPED form. */
static void put_name(al_ctx *c, const char *name)
{
	if (c->escape_names && strcmp(name, "Agent") == 0)
		cw_strbuf_str(c->b, "\"\\u0041gent\"");
	else if (c->escape_names && strcmp(name, "AskUserQuestion") == 0)
		cw_strbuf_str(c->b, "\"AskUser\\u0051uestion\"");
	else
		al_jstr(c->b, name);
}

static void init_event(al_ctx *c)
{
	cw_strbuf_str(c->b, "{\"type\":\"system\",\"subtype\":\"init\",\"cwd\":");
	al_jstr(c->b, c->spec->cwd ? c->spec->cwd : "/srv/worktrees/agent");
	cw_strbuf_str(c->b, ",\"session_id\":");
	al_jstr(c->b, c->spec->session_id ? c->spec->session_id : "");
	cw_strbuf_str(c->b, ",\"tools\":[\"Task\",\"Agent\",\"Bash\",\"Glob\","
		"\"Grep\",\"Read\",\"Edit\",\"Write\",\"WebFetch\","
		"\"TodoWrite\",\"AskUserQuestion\",\"ExitPlanMode\"],"
		"\"mcp_servers\":[],\"model\":");
	al_jstr(c->b, model_of(c));
	cw_strbuf_str(c->b, ",\"permissionMode\":\"bypassPermissions\","
		"\"slash_commands\":[\"compact\",\"review\"],"
		"\"apiKeySource\":\"none\",\"claude_code_version\":\"2.0.37\","
		"\"output_style\":\"default\",\"agents\":[\"general-purpose\","
		"\"Explore\"],\"uuid\":");
	put_uuid(c);
	cw_strbuf_str(c->b, "}");
}

static void tool_input(al_ctx *c, const char *tool)
{
	cw_strbuf *b = c->b;

	if (strcmp(tool, "AskUserQuestion") == 0) {
		const question *q = &questions[cw_prng_below(c->rng,
							     N_OF(questions))];
		cw_strbuf_str(b, "{\"questions\":[{\"question\":");
		al_jstr(b, q->question);
		cw_strbuf_str(b, ",\"header\":");
		al_jstr(b, q->header);
		cw_strbuf_str(b, ",\"multiSelect\":false,\"options\":[{\"label\":");
		al_jstr(b, q->yes);
		cw_strbuf_str(b, ",\"description\":\"Recommended\"},{\"label\":");
		al_jstr(b, q->no);
		cw_strbuf_str(b, ",\"description\":\"The other way\"}]}]}");
	} else if (strcmp(tool, "Agent") == 0) {
		cw_strbuf_str(b, "{\"description\":");
		al_jstr(b, pick(c, agent_tasks, N_OF(agent_tasks)));
		cw_strbuf_str(b, ",\"prompt\":\"Report file paths and line numbers; "
			"do not edit anything.\",\"subagent_type\":");
		cw_strbuf_str(b, cw_prng_chance(c->rng, 1, 2) ?
			"\"general-purpose\"}" : "\"Explore\"}");
	} else if (strcmp(tool, "Bash") == 0) {
		cw_strbuf_str(b, "{\"command\":");
		al_jstr(b, c->mentions_only ? "grep -c '\"subtype\":"
			"\"compact_boundary\"' logs/session.jsonl" :
			pick(c, commands, N_OF(commands)));
		cw_strbuf_str(b, ",\"description\":\"Run it\"}");
	} else if (strcmp(tool, "Edit") == 0) {
		cw_strbuf_str(b, "{\"file_path\":");
		al_jstr(b, pick(c, files, N_OF(files)));
		cw_strbuf_str(b, ",\"old_string\":\"questions += 0;\","
			"\"new_string\":");
		al_jstr(b, c->mentions_only ? "if (b.type === 'tool_use' && "
			"b.name === 'AskUserQuestion') questions += 1;" :
			"questions += count;");
		cw_strbuf_str(b, "}");
	} else if (strcmp(tool, "TodoWrite") == 0) {
		cw_strbuf_str(b, "{\"todos\":[{\"content\":\"Count Agent and "
			"AskUserQuestion tool_use blocks\",\"status\":"
			"\"completed\",\"activeForm\":\"Counting\"},"
			"{\"content\":"
			"\"Handle compact_boundary events\",\"status\":"
			"\"in_progress\",\"activeForm\":\"Handling\"}]}");
	} else if (strcmp(tool, "Grep") == 0) {
		cw_strbuf_str(b, "{\"pattern\":\"agentMetrics|agent_metrics\","
			"\"path\":\"apps/server/src\",\"output_mode\":"
			"\"content\"}");
	} else if (strcmp(tool, "Glob") == 0) {
		cw_strbuf_str(b, "{\"pattern\":\"apps/server/**/*.test.ts\"}");
	} else {
		cw_strbuf_str(b, "{\"file_path\":");
		al_jstr(b, pick(c, files, N_OF(files)));
		if (strcmp(tool, "Write") == 0)
			cw_strbuf_str(b, ",\"content\":\"export {};\\n\"");
		cw_strbuf_str(b, "}");
	}
}

/* One tool_use block; counts it when it is countable. */
static void tool_block(al_ctx *c, const char *tool, cw_agentlog_counts *n)
{
	cw_strbuf_str(c->b, "{\"type\":\"tool_use\",\"id\":\"toolu_01");
	c->last_id[0] = '\0';
	{
		size_t at = c->b->n;
		put_b62(c, 22);
		if (!c->b->is_oom)
			snprintf(c->last_id, sizeof(c->last_id), "toolu_01%.*s",
				 22, c->b->p + at);
	}
	cw_strbuf_str(c->b, "\",\"name\":");
	put_name(c, tool);
	cw_strbuf_str(c->b, ",\"input\":");
	tool_input(c, tool);
	cw_strbuf_str(c->b, "}");
	if (strcmp(tool, "AskUserQuestion") == 0)
		n->questions++;
	else if (strcmp(tool, "Agent") == 0)
		n->subagents++;
	c->last_tool = tool;
}

static const char *pick_tool(al_ctx *c)
{
	static const char *const plain[] = {"Bash", "Read", "Edit", "Grep",
		"TodoWrite", "Glob", "Write"};
	uint64_t r = cw_prng_below(c->rng, 100);

	if (c->force_tool) {
		const char *t = c->force_tool;
		c->force_tool = NULL;
		return t;
	}
	if (!c->mentions_only && r < 18)
		return "AskUserQuestion";
	if (!c->mentions_only && r < 36)
		return "Agent";
	return plain[cw_prng_below(c->rng, N_OF(plain))];
}

static void assistant_event(al_ctx *c, int with_tools, cw_agentlog_counts *n)
{
	cw_strbuf *b = c->b;
	int has_text = !with_tools || cw_prng_chance(c->rng, 1, 2);

	cw_strbuf_str(b, "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_01");
	put_b62(c, 22);
	cw_strbuf_str(b, "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":");
	al_jstr(b, model_of(c));
	cw_strbuf_str(b, ",\"content\":[");
	if (has_text) {
		cw_strbuf_str(b, "{\"type\":\"text\",\"text\":");
		/* A chunk of mentions names all three words at least once. */
		al_jstr(b, c->mentions_only && !c->said_all ? mention_text[2] :
			c->mentions_only || cw_prng_chance(c->rng, 1, 4) ?
			pick(c, mention_text, N_OF(mention_text)) :
			pick(c, plain_text, N_OF(plain_text)));
		c->said_all |= c->mentions_only;
		cw_strbuf_str(b, "}");
	}
	c->last_tool = NULL;
	if (with_tools) {
		const char *tool = pick_tool(c);
		int k, n_blocks = 1;
		/* Subagents are often started in parallel. */
		if (strcmp(tool, "Agent") == 0 && cw_prng_chance(c->rng, 1, 3))
			n_blocks = 2;
		for (k = 0; k < n_blocks; k++) {
			if (has_text || k > 0)
				cw_strbuf_str(b, ",");
			tool_block(c, tool, n);
		}
	}
	cw_strbuf_fmt(b, "],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
		  "{\"input_tokens\":%u,\"cache_creation_input_tokens\":%u,"
		  "\"cache_read_input_tokens\":%u,\"output_tokens\":%u,"
		  "\"service_tier\":\"standard\"}},\"parent_tool_use_id\":null",
		  (unsigned)cw_prng_range(c->rng, 1, 40),
		  (unsigned)cw_prng_range(c->rng, 0, 9000),
		  (unsigned)cw_prng_range(c->rng, 10000, 160000),
		  (unsigned)cw_prng_range(c->rng, 20, 2000));
	put_session(c);
}

static void result_of_event(al_ctx *c)
{
	cw_strbuf *b = c->b;
	const char *tool = c->last_tool ? c->last_tool : "Read";

	cw_strbuf_str(b, "{\"type\":\"user\",\"message\":{\"role\":\"user\","
		"\"content\":[{\"tool_use_id\":");
	al_jstr(b, c->last_id[0] ? c->last_id : "toolu_01unknown");
	cw_strbuf_str(b, ",\"type\":\"tool_result\",\"content\":");
	if (strcmp(tool, "AskUserQuestion") == 0) {
		cw_strbuf_str(b, "\"User has answered your questions: the first "
			"option. You can now continue with the user's answers "
			"in mind.\"");
	} else if (strcmp(tool, "Agent") == 0) {
		cw_strbuf_str(b, "[{\"type\":\"text\",\"text\":");
		al_jstr(b, cw_prng_chance(c->rng, 1, 2) ?
			"Found 4 call sites; none asks the user "
			"(no AskUserQuestion) and no Agent is nested." :
			"Done: 3 files, 12 matches.");
		cw_strbuf_str(b, "}]");
	} else {
		al_jstr(b, c->mentions_only || cw_prng_chance(c->rng, 1, 4) ?
			pick(c, mention_result, N_OF(mention_result)) :
			pick(c, plain_result, N_OF(plain_result)));
	}
	cw_strbuf_str(b, "}]},\"parent_tool_use_id\":null");
	put_session(c);
	c->last_tool = NULL;
}

static void compact_event(al_ctx *c)
{
	cw_strbuf_str(c->b, c->escape_names ?
		"{\"type\":\"system\",\"subtype\":\"compact_\\u0062oundary\"" :
		"{\"type\":\"system\",\"subtype\":\"compact_boundary\"");
	cw_strbuf_fmt(c->b, ",\"compact_metadata\":{\"trigger\":\"%s\","
		  "\"pre_tokens\":%u}",
		  cw_prng_chance(c->rng, 4, 5) ? "auto" : "manual",
		  (unsigned)cw_prng_range(c->rng, 90000, 180000));
	put_session(c);
}

static void status_event(al_ctx *c)
{
	if (cw_prng_chance(c->rng, 1, 2))
		cw_strbuf_str(c->b, "{\"type\":\"system\",\"subtype\":\"status\","
			"\"status\":\"compacting\"");
	else
		cw_strbuf_str(c->b, "{\"type\":\"system\",\"subtype\":"
			"\"hook_response\",\"hook_name\":\"PreCompact\","
			"\"stdout\":\"transcript saved before compact_boundary"
			"\",\"exit_code\":0");
	put_session(c);
}

static void result_event(al_ctx *c)
{
	cw_strbuf_fmt(c->b, "{\"type\":\"result\",\"subtype\":\"success\","
		  "\"is_error\":false,\"duration_ms\":%u,\"duration_api_ms\":"
		  "%u,\"num_turns\":%u,\"result\":",
		  (unsigned)cw_prng_range(c->rng, 20000, 900000),
		  (unsigned)cw_prng_range(c->rng, 15000, 800000),
		  (unsigned)cw_prng_range(c->rng, 3, 80));
	al_jstr(c->b, cw_prng_chance(c->rng, 1, 2) ?
		"Done. I asked no questions (no AskUserQuestion needed) and "
		"used one Agent for the search." :
		"Done. The change is committed on the task branch.");
	cw_strbuf_fmt(c->b, ",\"total_cost_usd\":%u.%04u,\"usage\":{"
		  "\"input_tokens\":%u,\"output_tokens\":%u},"
		  "\"permission_denials\":[]",
		  (unsigned)cw_prng_range(c->rng, 0, 3),
		  (unsigned)cw_prng_range(c->rng, 0, 9999),
		  (unsigned)cw_prng_range(c->rng, 100, 90000),
		  (unsigned)cw_prng_range(c->rng, 100, 20000));
	put_session(c);
}

void al_event_write(al_event *out, al_ctx *c, enum al_kind kind)
{
	memset(out, 0, sizeof(*out));
	out->off = c->b->n;
	switch (kind) {
	case AL_INIT: init_event(c); break;
	case AL_TURN: assistant_event(c, 1, &out->counts); break;
	case AL_TEXT: assistant_event(c, 0, &out->counts); break;
	case AL_RESULT_OF: result_of_event(c); break;
	case AL_COMPACT:
		if (c->mentions_only)
			status_event(c);
		else {
			compact_event(c);
			out->counts.compactions = 1;
		}
		break;
	case AL_STATUS: status_event(c); break;
	case AL_RESULT: result_event(c); break;
	}
	out->counts.events = 1;
	out->len = c->b->n - out->off;
}
