/*
** metrics_count.c - the events of one agent_log_chunks chunk: the
** validating scan of each line (metrics_scan.c, the pre-filter), and
** cJSON trees only for the lines that name a counted event where it
** counts.  metrics_count.h says how a chunk is read.
**
** One cJSON habit is corrected rather than copied: it ends a decoded
** string at a \u0000 escape, so "Agent\u0000x" would compare equal to
** Agent; lines with such an escape are parsed from a copy where it reads
** \u0001, which no name holds either.
*/
#include "metrics_int.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef cw_metrics_scan scan;

static const char *const columns[CW_METRIC_N] = {
	"questions_count", "subagents_count", "compactions_count"};
static const char *const names[CW_METRIC_N] = {
	"questions", "subagents", "compactions"};

const char *cw_metric_column(cw_metric m)
{
	return m < CW_METRIC_N ? columns[m] : "?";
}

const char *cw_metric_name(cw_metric m)
{
	return m < CW_METRIC_N ? names[m] : "?";
}

/* ---- counting a tree ---- */

/* The last member named key (JSON.parse keeps the last of duplicates). */
static const cJSON *member(const cJSON *o, const char *key)
{
	const cJSON *c, *found = NULL;

	if (!cJSON_IsObject(o))
		return NULL;
	for (c = o->child; c; c = c->next)
		if (c->string && strcmp(c->string, key) == 0)
			found = c;
	return found;
}

static int str_is(const cJSON *v, const char *s)
{
	return cJSON_IsString(v) && v->valuestring &&
	       strcmp(v->valuestring, s) == 0;
}

/* Add what one counted-table row finds in the event ev of that type. */
static void count_row(const cw_metrics_counted *c, const cJSON *ev,
		      cw_metrics_counts *out)
{
	const cJSON *content, *b;

	if (!c->in_block) {
		if (str_is(member(ev, c->field), c->value))
			out->n[c->metric]++;
		return;
	}
	content = member(member(ev, "message"), "content");
	if (!cJSON_IsArray(content))
		return;
	cJSON_ArrayForEach(b, content)
		if (str_is(member(b, "type"), "tool_use") &&
		    str_is(member(b, c->field), c->value))
			out->n[c->metric]++;
}

static void count_event(const cJSON *ev, cw_metrics_counts *out)
{
	const cJSON *type = member(ev, "type");
	size_t i;

	for (i = 0; i < CW_METRICS_N_COUNTED; i++)
		if (str_is(type, cw_metrics_counted_names[i].type))
			count_row(&cw_metrics_counted_names[i], ev, out);
}

/* A copy of valid JSON text in which every \u0000 escape reads \u0001
** (see the top of the file).  Caller frees; NULL if out of memory. */
static char *without_nul_escapes(bytes b, size_t len)
{
	char *t = malloc(len + 1);
	size_t i = 0;
	int in_string = 0;

	if (t == NULL)
		return NULL;
	memcpy(t, b, len);
	t[len] = '\0';
	while (i < len) {
		if (t[i] == '"') {
			in_string = !in_string;
			i++;
		} else if (in_string && t[i] == '\\') {
			if (t[i + 1] == 'u' && memcmp(t + i + 2, "0000", 4) == 0)
				t[i + 5] = '1';
			i += t[i + 1] == 'u' ? 6 : 2;
		} else {
			i++;
		}
	}
	return t;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Parse the valid JSON value text[b..e) into a tree and count it: an
** event, or (unless is_element) an array of them.  Returns 0 or
** CW_ENOMEM. */
static int parse_count(cw_metrics_counts *out, bytes b, bytes e,
		       int has_nul, int is_element, cw_error *err)
{
	char *copy = NULL;
	cJSON *root, *ev;

	if (has_nul) {
		copy = without_nul_escapes(b, (size_t)(e - b));
		if (copy == NULL)
			goto oom;
		b = (bytes)copy;
	}
	root = cJSON_ParseWithLengthOpts((const char *)b, (size_t)(e - b),
					 NULL, 0);
	free(copy);
	if (root == NULL)   /* the scan accepted it: only memory can fail */
		goto oom;
	if (cJSON_IsArray(root) && !is_element)
		cJSON_ArrayForEach(ev, root)
			count_event(ev, out);
	else
		count_event(root, out);
	cJSON_Delete(root);
	return 0;
oom:
	return cw_error_set(err, CW_ENOMEM, NULL, NULL, 0,
			    "out of memory parsing a chunk's JSON");
}

/* A valid JSON array text[b..e) of events that names a counted event:
** its elements are scanned again one by one and only those that name one
** are parsed, each into a tree of its own.  The counts are the same as
** the whole array's (each element is an event on its own), with less to
** parse: chunks written as one array hold many events. */
static int take_elements(cw_metrics_counts *out, bytes b, bytes e,
			 cw_error *err)
{
	scan s = {b + 1, e, 1, 0, 0, 0, NULL, NULL, 0, 1};
	bytes vb;
	int rc;

	cw_metrics_skip_ws(&s);
	while (s.p < e && *s.p != ']') {
		vb = s.p;
		s.has_name = 0;
		s.has_nul = 0;
		rc = cw_metrics_scan_value(&s);
		assert(rc == 0);   /* the array was valid as a whole */
		if (rc != 0)
			break;
		if (s.has_name &&
		    parse_count(out, vb, s.p, s.has_nul, 1, err) != 0)
			return CW_ENOMEM;
		cw_metrics_skip_ws(&s);
		if (s.p < e && *s.p == ',') {
			s.p++;
			cw_metrics_skip_ws(&s);
		}
	}
	return 0;
}

/* A valid JSON value text[b..e): count it if it can contribute. */
static int take_value(cw_metrics_counts *out, bytes b, bytes e,
		      const scan *s, int flags, cw_error *err)
{
	int rc;
	uint64_t t0 = 0;

	out->lines++;
	if (!s->has_name && !(flags & CW_METRICS_ALWAYS_PARSE))
		return 0;
	if (flags & CW_METRICS_PROFILE)
		t0 = now_ns();
	if (*b == '[' && !(flags & CW_METRICS_ALWAYS_PARSE))
		rc = take_elements(out, b, e, err);
	else
		rc = parse_count(out, b, e, s->has_nul, 0, err);
	if (rc == 0)
		out->parsed++;
	if (flags & CW_METRICS_PROFILE)
		out->parse_ns += now_ns() - t0;
	return rc;
}

/* The line starting at p (NDJSON reading); returns where the next line
** starts, or NULL after an error. */
static bytes take_line(cw_metrics_counts *out, bytes p, bytes end, int flags,
		       cw_error *err)
{
	scan s = {p, end, 0, 0, 0, 0, NULL, NULL, 0, 0};
	bytes vb, nl;

	if (*p == '\n')
		return p + 1;   /* an empty line is no line of content */
	s.p = cw_metrics_skip_bom(p, end);
	cw_metrics_skip_ws(&s);
	vb = s.p;
	if (s.p < end && *s.p != '\n' && cw_metrics_scan_value(&s) == 0) {
		bytes ve = s.p;
		cw_metrics_skip_ws(&s);
		if (s.p >= end || *s.p == '\n') {
			if (take_value(out, vb, ve, &s, flags, err) != 0)
				return NULL;
			return s.p + (s.p < end);
		}
	}
	/* Not one JSON value.  The scan never passes a newline here. */
	out->lines++;
	out->malformed++;
	nl = s.p < end ? memchr(s.p, '\n', (size_t)(end - s.p)) : NULL;
	return nl ? nl + 1 : end;
}

int cw_metrics_count(cw_metrics_counts *out, const char *text, size_t len,
		     int flags, cw_error *err)
{
	bytes b = (bytes)text, end = b + len, p = b;
	scan s = {b, end, 1, 0, 0, 0, NULL, NULL, 0, 0};

	if (len == 0)
		return 0;
	/* The whole chunk as one value first. */
	s.p = cw_metrics_skip_bom(b, end);
	cw_metrics_skip_ws(&s);
	if (s.p < end) {
		bytes vb = s.p, ve;
		if (cw_metrics_scan_value(&s) == 0) {
			int nl_before = s.saw_nl;
			ve = s.p;
			cw_metrics_skip_ws(&s);
			if (s.p == end)
				return take_value(out, vb, ve, &s, flags, err);
			/* More follows.  When the value sat on the first line,
			** that line is read already: go on from the next. */
			if (!nl_before) {
				s.allow_nl = 0;
				s.p = ve;
				cw_metrics_skip_ws(&s);
				if (s.p < end && *s.p == '\n') {
					if (take_value(out, vb, ve, &s, flags,
						       err) != 0)
						return CW_ENOMEM;
					p = s.p + 1;
				}
			}
		}
	}
	while (p < end) {
		p = take_line(out, p, end, flags, err);
		if (p == NULL)
			return CW_ENOMEM;
	}
	return 0;
}
