/*
** datagen_plan.c - what each column of a table should hold, decided once
** per table from the schema model: which columns the INSERT writes, which
** must be distinct, which are foreign keys, what the CHECKs allow, what
** the default is (so that values differ from it), and what kind of value
** the column's name, type and default suggest.
**
** Names are read as words: snake_case and camelCase alike ("createdAt"
** and "created_at" are both {created, at}).
*/
#include "datagen_int.h"
#include "sqlscan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N_OF(a) (sizeof(a) / sizeof(*(a)))
#define MAX_WORDS 8

typedef struct words {
	char w[MAX_WORDS][24];
	size_t n;
} words;

static void split_words(words *out, const char *name)
{
	size_t len = 0;
	const char *p;

	out->n = 0;
	for (p = name; *p && out->n < MAX_WORDS; p++) {
		unsigned char ch = (unsigned char)*p;
		int boundary = !isalnum(ch) ||
			(len > 0 && isupper(ch) && p > name &&
			 islower((unsigned char)p[-1]));
		if (boundary && len > 0) {
			out->w[out->n++][len] = '\0';
			len = 0;
		}
		if (!isalnum(ch) || out->n >= MAX_WORDS)
			continue;
		if (len + 1 < sizeof(out->w[0]))
			out->w[out->n][len++] = (char)tolower(ch);
	}
	if (len > 0 && out->n < MAX_WORDS)
		out->w[out->n++][len] = '\0';
}

static int has_word(const words *w, const char *x)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->w[i], x) == 0)
			return 1;
	return 0;
}

static int has_any(const words *w, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (has_word(w, list[i]))
			return 1;
	return 0;
}

static int last_is(const words *w, const char *x)
{
	return w->n > 0 && strcmp(w->w[w->n - 1], x) == 0;
}

static int first_is(const words *w, const char *x)
{
	return w->n > 0 && strcmp(w->w[0], x) == 0;
}

/* ---- vocabularies ---- */

static const char *const v_status[] = {"pending", "running", "done",
	"failed", "queued", "active", "idle", "stopped", "review", "archived",
	"cancelled", "completed", "paused", "waiting"};
static const char *const v_role[] = {"admin", "member", "owner", "viewer",
	"editor"};
static const char *const v_role_chat[] = {"user", "assistant", "system",
	"tool"};
static const char *const v_category[] = {"feature", "bug", "chore",
	"research", "docs", "refactor", "execute", "link", "text", "image"};
static const char *const v_mode[] = {"plan", "execute", "review", "auto",
	"manual"};
static const char *const v_provider[] = {"anthropic", "openai", "google",
	"claude", "ollama", "azure"};
static const char *const v_model[] = {"claude-sonnet-4-5-20250929",
	"claude-haiku-4-5-20251001", "claude-opus-4-1-20250805", "gpt-4.1",
	"gemini-2.5-pro"};
static const char *const v_priority[] = {"low", "medium", "high", "urgent"};
static const char *const v_lang[] = {"en", "de", "fr", "ja", "es", "pt"};
static const char *const v_currency[] = {"USD", "EUR", "GBP", "JPY"};
static const char *const v_timezone[] = {"UTC", "Europe/Berlin",
	"America/New_York", "Asia/Tokyo"};
static const char *const v_source[] = {"web", "cli", "api", "extension",
	"mobile", "import", "rss"};
static const char *const v_theme[] = {"light", "dark", "system"};

typedef struct vocab_rule {
	const char *word;
	const char *const *list;
	size_t n;
} vocab_rule;

#define V(w, l) {w, l, N_OF(l)}
static const vocab_rule vocab_rules[] = {
	V("status", v_status), V("state", v_status), V("role", v_role),
	V("category", v_category), V("type", v_category),
	V("kind", v_category), V("mode", v_mode), V("provider", v_provider),
	V("model", v_model), V("priority", v_priority), V("lang", v_lang),
	V("language", v_lang), V("locale", v_lang),
	V("currency", v_currency), V("timezone", v_timezone),
	V("tz", v_timezone), V("source", v_source), V("origin", v_source),
	V("theme", v_theme),
};
#undef V

/* ---- kinds ---- */

static const char *const w_json[] = {"json", "metadata", "meta", "settings",
	"config", "configuration", "payload", "options", "attributes",
	"props", "properties", "extra", "context", "params", "data",
	"preferences", "headers"};
static const char *const w_array[] = {"tags", "ids", "list", "items",
	"array", "args", "labels", "scopes", "permissions"};
static const char *const w_bool[] = {"enabled", "disabled", "active",
	"archived", "deleted", "pinned", "favourite", "favorite", "verified",
	"public", "private", "hidden", "visible", "locked", "flag", "flagged",
	"approval", "read", "starred", "default"};
static const char *const w_bool_first[] = {"is", "has", "can", "should",
	"was", "allow", "enable", "requires", "needs", "use"};
static const char *const w_time_last[] = {"at", "on", "timestamp", "date",
	"time", "datetime", "ts"};
static const char *const w_url[] = {"url", "uri", "link", "href",
	"website", "homepage", "endpoint", "avatar", "image", "icon",
	"favicon", "callback", "webhook", "feed", "thumbnail", "screenshot"};
static const char *const w_path[] = {"path", "dir", "directory", "folder",
	"file", "cwd", "worktree", "filename"};
static const char *const w_person[] = {"author", "owner", "nickname",
	"fullname", "firstname", "lastname", "displayname"};
static const char *const w_title[] = {"title", "subject", "label",
	"heading", "question", "headline", "caption"};
static const char *const w_sentence[] = {"description", "body",
	"content", "text", "message", "comment", "note", "notes", "summary",
	"answer", "prompt", "reason", "bio", "details", "instructions",
	"error", "output", "response", "excerpt"};
static const char *const w_hex[] = {"hash", "sha", "checksum", "digest",
	"etag", "fingerprint", "commit"};
static const char *const w_secret[] = {"token", "secret", "password",
	"salt", "nonce", "apikey"};

/* A timestamp's place in its row: created first, expiry last. */
static int time_rank(const words *w)
{
	static const char *const r0[] = {"created", "inserted", "added",
		"registered", "joined", "first"};
	static const char *const r1[] = {"started", "opened", "began",
		"sent", "submitted", "scheduled"};
	static const char *const r3[] = {"ended", "completed", "finished",
		"closed", "answered", "approved", "done", "stopped",
		"resolved", "merged", "archived", "deleted", "cancelled",
		"exited"};
	static const char *const r4[] = {"expires", "expiry", "expiration",
		"due", "deadline", "until", "valid"};

	if (has_any(w, r0, N_OF(r0)))
		return 0;
	if (has_any(w, r1, N_OF(r1)))
		return 1;
	if (has_any(w, r3, N_OF(r3)))
		return 3;
	if (has_any(w, r4, N_OF(r4)))
		return 4;
	return 2;
}

static int is_time_name(const words *w)
{
	size_t i;

	for (i = 0; i < N_OF(w_time_last); i++)
		if (last_is(w, w_time_last[i]))
			break;
	if (i == N_OF(w_time_last))
		return has_word(w, "timestamp") || (w->n > 1 &&
		       first_is(w, "date")) || last_is(w, "until") ||
		       last_is(w, "expires") || last_is(w, "deadline");
	/* "on" only after a word that says when: created_on, not add_on */
	return strcmp(w_time_last[i], "on") != 0 ||
	       (w->n > 1 && time_rank(w) != 2);
}

static int contains_ci(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; s && *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

/* Integer timestamps are milliseconds unless the default or the name says
** seconds (drizzle's mode "timestamp" defaults to unixepoch()). */
static dg_kind int_time_kind(const cw_schema_column *c, const words *w)
{
	const char *d = c->default_sql;

	if (last_is(w, "ms") || (d && contains_ci(d, "1000")))
		return DG_TS_MS;
	if (d && (contains_ci(d, "unixepoch") || contains_ci(d, "'%s'")))
		return DG_TS_S;
	if (last_is(w, "sec") || last_is(w, "secs") || last_is(w, "seconds"))
		return DG_TS_S;
	return DG_TS_MS;
}

static dg_kind text_time_kind(const cw_schema_column *c, const words *w)
{
	const char *d = c->default_sql;

	if (last_is(w, "date") && !has_word(w, "datetime"))
		return DG_DATE;
	if (d && (contains_ci(d, "current_timestamp") ||
		  contains_ci(d, "datetime(")))
		return DG_TS_SQL;
	return DG_TS_ISO;
}

static int is_bool(const dg_col *c, const words *w)
{
	const char *d = c->c->default_sql;
	size_t i;

	if (d && (strcasecmp(d, "true") == 0 || strcasecmp(d, "false") == 0))
		return 1;
	for (i = 0; w->n > 1 && i < N_OF(w_bool_first); i++)
		if (first_is(w, w_bool_first[i]))
			return 1;
	return w->n == 1 && has_any(w, w_bool, N_OF(w_bool));
}

static dg_kind int_kind(const dg_col *c, const words *w)
{
	if (is_bool(c, w))
		return DG_BOOL;
	if (is_time_name(w))
		return int_time_kind(c->c, w);
	return DG_INT;
}

static dg_kind text_kind(dg_col *c, const words *w)
{
	size_t i;

	if (is_time_name(w))
		return text_time_kind(c->c, w);
	if (last_is(w, "id") || last_is(w, "uuid") || last_is(w, "guid"))
		return DG_UUID;
	if (has_word(w, "email") || has_word(w, "mail"))
		return DG_EMAIL;
	if (has_any(w, w_url, N_OF(w_url)))
		return DG_URL;
	if (has_any(w, w_path, N_OF(w_path)))
		return DG_PATH;
	if (has_word(w, "username") || (has_word(w, "user") &&
					last_is(w, "name")) ||
	    has_word(w, "login") || has_word(w, "handle"))
		return DG_USERNAME;
	if (has_any(w, w_person, N_OF(w_person)) || (w->n == 2 &&
	    last_is(w, "name") && (first_is(w, "first") ||
	    first_is(w, "last") || first_is(w, "full") ||
	    first_is(w, "display"))))
		return DG_PERSON;
	if (has_any(w, w_hex, N_OF(w_hex)))
		return DG_HEX;
	if (has_any(w, w_secret, N_OF(w_secret)) || (has_word(w, "api") &&
						     last_is(w, "key")))
		return DG_SECRET;
	if (has_word(w, "version"))
		return DG_VERSION;
	if (has_word(w, "color") || has_word(w, "colour"))
		return DG_COLOR;
	if (has_word(w, "branch"))
		return DG_BRANCH;
	for (i = 0; i < N_OF(vocab_rules); i++)
		if (last_is(w, vocab_rules[i].word)) {
			c->vocab = vocab_rules[i].list;
			c->n_vocab = vocab_rules[i].n;
			return DG_VOCAB;
		}
	if (has_any(w, w_title, N_OF(w_title)))
		return DG_TITLE;
	if (has_any(w, w_sentence, N_OF(w_sentence)))
		return DG_SENTENCE;
	if (has_word(w, "name") || has_word(w, "slug") || has_word(w, "key") ||
	    has_word(w, "tag"))
		return DG_NAME;
	return DG_TEXT;
}

static int is_json(const dg_col *c, const words *w,
		   const cw_datagen_names *json)
{
	const char *d = c->default_text;
	size_t i;

	if (c->dom.is_json || dg_names_has(json, c->c->name))
		return 1;
	if (d && (strcmp(d, "{}") == 0 || strcmp(d, "[]") == 0))
		return 1;
	/* config_dir, data_url: a path or a URL, whatever came first */
	for (i = 0; w->n > 0 && i < N_OF(w_path); i++)
		if (last_is(w, w_path[i]))
			return 0;
	for (i = 0; w->n > 0 && i < N_OF(w_url); i++)
		if (last_is(w, w_url[i]))
			return 0;
	return has_any(w, w_json, N_OF(w_json));
}

static dg_kind classify(dg_col *c, const cw_datagen_names *json)
{
	const cw_schema_column *col = c->c;
	words w;

	split_words(&w, col->name);
	c->ts_rank = time_rank(&w);
	switch (col->affinity) {
	case CW_AFF_INTEGER:
		return int_kind(c, &w);
	case CW_AFF_REAL:
		return is_time_name(&w) ? DG_TS_REAL : DG_REAL;
	case CW_AFF_NUMERIC:
		if (is_bool(c, &w))
			return DG_BOOL;
		if (is_time_name(&w))
			return text_time_kind(col, &w);
		return has_word(&w, "count") || has_word(&w, "number") ?
		       DG_INT : DG_REAL;
	case CW_AFF_TEXT:
	case CW_AFF_BLOB:
		break;
	}
	if (is_json(c, &w, json)) {
		const char *d = c->default_text;
		return (d && strcmp(d, "[]") == 0) ||
		       has_any(&w, w_array, N_OF(w_array)) ?
		       DG_JSON_ARRAY : DG_JSON_OBJECT;
	}
	if (col->affinity == CW_AFF_BLOB && contains_ci(col->type, "BLOB"))
		return DG_BLOB;
	return text_kind(c, &w);
}

/* ---- numbers ---- */

typedef struct range_rule {
	const char *word;
	int64_t lo, hi;
	int decimals;
} range_rule;

static const range_rule int_ranges[] = {
	{"priority", 0, 5, 0}, {"order", 0, 20, 0}, {"position", 0, 20, 0},
	{"rank", 0, 20, 0}, {"sort", 0, 20, 0}, {"index", 0, 20, 0},
	{"level", 0, 10, 0}, {"depth", 0, 10, 0}, {"step", 0, 20, 0},
	{"attempt", 0, 5, 0}, {"attempts", 0, 5, 0}, {"retries", 0, 5, 0},
	{"port", 1024, 65535, 0}, {"pid", 1000, 65000, 0},
	{"exit", 0, 2, 0}, {"year", 2000, 2030, 0}, {"age", 18, 90, 0},
	{"version", 1, 20, 0}, {"duration", 100, 600000, 0},
	{"ms", 100, 600000, 0}, {"timeout", 100, 600000, 0},
	{"latency", 5, 5000, 0}, {"elapsed", 100, 600000, 0},
	{"number", 1, 50, 0}, {"num", 1, 50, 0}, {"percent", 0, 100, 0},
	{"line", 1, 500, 0}, {"column", 1, 120, 0},
	{"pct", 0, 100, 0}, {"width", 16, 4096, 0}, {"height", 16, 4096, 0},
	{"count", 0, 5000, 0}, {"tokens", 0, 200000, 0}, {"qty", 1, 100, 0},
	{"quantity", 1, 100, 0},
	{"size", 0, 10000000, 0}, {"bytes", 0, 10000000, 0},
};

static const range_rule real_ranges[] = {
	{"cost", 0, 500, 4}, {"price", 0, 500, 2}, {"usd", 0, 500, 4},
	{"amount", 0, 500, 2}, {"total", 0, 500, 2}, {"balance", 0, 5000, 2},
	{"fee", 0, 50, 2}, {"score", 0, 1, 4}, {"ratio", 0, 1, 4},
	{"rate", 0, 1, 4}, {"confidence", 0, 1, 4}, {"weight", 0, 1, 4},
	{"probability", 0, 1, 4}, {"lat", -90, 90, 6},
	{"latitude", -90, 90, 6}, {"lng", -180, 180, 6},
	{"lon", -180, 180, 6}, {"longitude", -180, 180, 6},
	{"percent", 0, 100, 2},
};

static void number_range(dg_col *c)
{
	const range_rule *rules = c->kind == DG_REAL ? real_ranges : int_ranges;
	size_t n = c->kind == DG_REAL ? N_OF(real_ranges) : N_OF(int_ranges);
	size_t i, k;
	words w;

	split_words(&w, c->c->name);
	c->lo = c->kind == DG_REAL ? 0 : 1;
	c->hi = c->kind == DG_REAL ? 1000 : 100000;
	c->decimals = c->kind == DG_REAL ? 3 : 0;
	/* The last word that has a rule decides: tokens_in, cost_usd. */
	for (k = w.n; k-- > 0;)
		for (i = 0; i < n; i++)
			if (strcmp(w.w[k], rules[i].word) == 0) {
				c->lo = rules[i].lo;
				c->hi = rules[i].hi;
				c->decimals = rules[i].decimals;
				return;
			}
}

/* ---- defaults, keys, uniqueness ---- */

static int read_default(dg_col *c)
{
	const char *d = c->c->default_sql;
	cw_toks toks = CW_TOKS_INIT;
	size_t i = 0, n;
	int rc;

	if (d == NULL)
		return 0;
	rc = cw_sqlscan(&toks, d, 0, strlen(d), NULL);
	if (rc != 0)
		return rc;
	n = toks.n;
	while (n >= 2 && i < n && cw_tok_punct(d, &toks.items[i], '(') &&
	       cw_tok_punct(d, &toks.items[n - 1], ')')) {
		i++;
		n--;
	}
	if (n == i + 1 && toks.items[i].type == CW_TOK_STRING) {
		c->default_text = cw_tok_name(d, &toks.items[i]);
		rc = c->default_text ? 0 : CW_ENOMEM;
	} else if (n == i + 1 && toks.items[i].type == CW_TOK_NUMBER) {
		c->has_default_num = 1;
		c->default_num = atof(d + toks.items[i].off);
	} else if (n == i + 2 && cw_tok_punct(d, &toks.items[i], '-') &&
		   toks.items[i + 1].type == CW_TOK_NUMBER) {
		c->has_default_num = 1;
		c->default_num = -atof(d + toks.items[i + 1].off);
	} else if (n == i + 1 && (cw_tok_is(d, &toks.items[i], "TRUE") ||
				  cw_tok_is(d, &toks.items[i], "FALSE"))) {
		c->has_default_num = 1;
		c->default_num = cw_tok_is(d, &toks.items[i], "TRUE");
	}
	cw_toks_free(&toks);
	return rc;
}

/* Mark the columns an index names, or that its expression mentions. */
static int mark_unique(dg_col *cols, const cw_schema_table *t,
		       const cw_schema_index *ix)
{
	size_t i, k, j;

	for (i = 0; i < ix->n_columns; i++) {
		const char *e = ix->columns[i];
		cw_toks toks = CW_TOKS_INIT;
		if (cw_sqlscan(&toks, e, 0, strlen(e), NULL) != 0)
			return CW_ENOMEM;
		for (k = 0; k < toks.n; k++) {
			char *name;
			if (!cw_tok_is_name(&toks.items[k]))
				continue;
			name = cw_tok_name(e, &toks.items[k]);
			for (j = 0; name && j < t->n_columns; j++)
				if (strcasecmp(t->columns[j].name, name) == 0)
					cols[j].is_unique = 1;
			free(name);
		}
		cw_toks_free(&toks);
	}
	return 0;
}

/* INTEGER PRIMARY KEY of a rowid table: SQLite assigns it. */
static int is_rowid_alias(const cw_schema_table *t, const cw_schema_column *c)
{
	size_t i, n_pk = 0;

	for (i = 0; i < t->n_columns; i++)
		n_pk += t->columns[i].pk > 0;
	return !t->without_rowid && c->pk == 1 && n_pk == 1 &&
	       strcasecmp(c->type, "INTEGER") == 0;
}

int dg_plan_columns(dg_col *cols, const cw_schema_table *t,
		    const cw_datagen_names *json, cw_error *err)
{
	size_t i, k, j;

	for (i = 0; i < t->n_columns; i++) {
		dg_col *c = &cols[i];
		memset(c, 0, sizeof(*c));
		c->c = &t->columns[i];
		c->index = i;
		c->fk = -1;
		c->dom.min_len = c->dom.max_len = -1;
		c->label = cw_prng_hash(c->c->name);
		c->as_blob = contains_ci(c->c->type, "BLOB");
		if (read_default(c) != 0)
			goto oom;
		if (c->c->pk > 0)
			c->is_unique = 1;
	}
	for (k = 0; k < t->n_fks; k++)
		for (j = 0; j < t->fks[k].n; j++)
			for (i = 0; i < t->n_columns; i++)
				if (strcasecmp(t->columns[i].name,
					       t->fks[k].from[j]) == 0 &&
				    cols[i].fk < 0) {
					cols[i].fk = (long)k;
					cols[i].fk_pos = j;
				}
	for (k = 0; k < t->n_indexes; k++)
		if (t->indexes[k].unique &&
		    mark_unique(cols, t, &t->indexes[k]) != 0)
			goto oom;
	for (k = 0; k < t->n_checks; k++)
		if (dg_check_read(cols, t, t->checks[k].expr, err) != 0)
			return CW_ENOMEM;
	for (i = 0; i < t->n_columns; i++) {
		dg_col *c = &cols[i];
		c->in_insert = c->c->generated == CW_GEN_NONE &&
			       !(is_rowid_alias(t, c->c) && c->fk < 0);
		c->nullable = !c->c->not_null && c->c->pk == 0 &&
			      !c->dom.not_null;
		c->kind = classify(c, json);
		/* roles of a conversation, or of a member */
		if (c->vocab == v_role && (contains_ci(t->name, "message") ||
		    contains_ci(t->name, "chat") || contains_ci(t->name, "turn")
		    || contains_ci(t->name, "log"))) {
			c->vocab = v_role_chat;
			c->n_vocab = N_OF(v_role_chat);
		}
		/* Numeric bounds on a column of words: it holds numbers. */
		if ((c->dom.has_lo || c->dom.has_hi) &&
		    c->kind < DG_JSON_OBJECT)
			c->kind = DG_INT;
		if (c->kind == DG_INT || c->kind == DG_REAL)
			number_range(c);
	}
	return 0;
oom:
	return cw_error_set(err, CW_ENOMEM, "", "", 0,
			    "out of memory planning table %s", t->name);
}

void dg_col_free(dg_col *c)
{
	dg_domain_free(&c->dom);
	free(c->default_text);
	c->default_text = NULL;
}
