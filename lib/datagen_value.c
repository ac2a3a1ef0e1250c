/*
** datagen_value.c - one value of a planned column (datagen_int.h).
**
** Each value comes from its own stream, named by the seed, the table, the
** column, the row number and the attempt, so it does not depend on what
** else the table holds.  Columns that must be distinct carry the row
** number (and, on a retry, the attempt) in their value; the others are
** drawn at random from plausible values.  The CHECK domain is applied
** last: an IN list decides alone, numbers are brought inside their
** bounds, text is cut or padded to its length bounds.  Values then avoid
** the column's default.
*/
#include "datagen_int.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) (sizeof(a) / sizeof(*(a)))

/* 2025-01-01T00:00:00Z: rows are an hour apart from here. */
#define T0_MS 1735689600000LL
#define ROW_MS 3600000LL

static const char *const adjectives[] = {"blue", "red", "grey", "green",
	"amber", "quiet", "swift", "bold", "calm", "bright", "old", "young",
	"silver", "golden", "brave", "lucky"};
static const char *const animals[] = {"heron", "fox", "owl", "newt",
	"lynx", "crane", "otter", "badger", "falcon", "marten", "wren",
	"hare", "seal", "moth", "ibis", "stoat"};
static const char *const first_names[] = {"Ada", "Grace", "Alan", "Linus",
	"Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger", "Radia",
	"Donald", "Hedy", "John", "Katherine", "Niklaus"};
static const char *const last_names[] = {"Lovelace", "Hopper", "Turing",
	"Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen",
	"Dijkstra", "Perlman", "Knuth", "Lamarr", "Backus", "Johnson",
	"Wirth"};
static const char *const verbs[] = {"Fix", "Add", "Remove", "Refactor",
	"Document", "Speed up", "Test", "Review", "Migrate", "Rename"};
static const char *const objects[] = {"login errors", "the rate limiter",
	"the export job", "session cleanup", "the settings page",
	"agent heartbeats", "the metrics backfill", "preview deploys",
	"task comments", "the search index"};
static const char *const sentences[] = {
	"Failed sign-in shows nothing today.",
	"The job retries forever when the token expires.",
	"Keep the old behaviour behind a flag for one release.",
	"Numbers look right on staging after the backfill.",
	"Users asked for this twice in the last sprint.",
	"Needs a migration; the column is new.",
	"Blocked on the review of the schema change.",
	"Works locally, fails in CI on the first run only.",
};
static const char *const hosts[] = {"example.com", "docs.example.org",
	"cdn.example.net", "app.example.dev"};
static const char *const json_keys[] = {"theme", "limit", "enabled",
	"region", "retries", "labels", "owner", "notify"};

void dg_stream(cw_prng *out, const dg_row *w, uint64_t column,
	       uint64_t what)
{
	uint64_t labels[5];

	labels[0] = w->table;
	labels[1] = column;
	labels[2] = (uint64_t)w->r;
	labels[3] = (uint64_t)w->attempt;
	labels[4] = what;
	cw_prng_seed(out, w->seed, labels, 5);
}

int64_t dg_time_ms(const dg_row *w, int rank, cw_prng *rng)
{
	int64_t t = T0_MS + (int64_t)w->r * ROW_MS + rank * 600000LL +
		    cw_prng_range(rng, 0, 299999);

	return rank >= 4 ? t + 30LL * 86400000LL : t;
}

static const char *pick(cw_prng *rng, const char *const *list, size_t n)
{
	return list[cw_prng_below(rng, n)];
}

/* Howard Hinnant's days_from_civil, inverted: the UTC date of a day. */
static void civil(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, yy;
	unsigned doe, yoe, doy, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = (unsigned)(days - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

static void put_time(dg_val *v, int64_t ms, dg_kind kind)
{
	int64_t days = ms / 86400000LL, y, rem = ms % 86400000LL;
	unsigned m, d, hh = (unsigned)(rem / 3600000), mi, ss, mss;

	civil(days, &y, &m, &d);
	mi = (unsigned)(rem / 60000 % 60);
	ss = (unsigned)(rem / 1000 % 60);
	mss = (unsigned)(rem % 1000);
	if (kind == DG_DATE)
		snprintf(v->buf, sizeof(v->buf), "%04lld-%02u-%02u",
			 (long long)y, m, d);
	else if (kind == DG_TS_SQL)
		snprintf(v->buf, sizeof(v->buf), "%04lld-%02u-%02u "
			 "%02u:%02u:%02u", (long long)y, m, d, hh, mi, ss);
	else
		snprintf(v->buf, sizeof(v->buf), "%04lld-%02u-%02uT"
			 "%02u:%02u:%02u.%03uZ", (long long)y, m, d, hh, mi,
			 ss, mss);
}

static void put_uuid(dg_val *v, cw_prng *rng)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 36; i++)
		v->buf[i] = hex[cw_prng_below(rng, 16)];
	v->buf[8] = v->buf[13] = v->buf[18] = v->buf[23] = '-';
	v->buf[14] = '4';
	v->buf[19] = hex[8 + cw_prng_below(rng, 4)];
	v->buf[36] = '\0';
}

static void put_chars(dg_val *v, cw_prng *rng, const char *alphabet,
		      size_t n, const char *prefix)
{
	size_t k = strlen(prefix), i, len = strlen(alphabet);

	memcpy(v->buf, prefix, k);
	for (i = 0; i < n && k + i + 1 < sizeof(v->buf); i++)
		v->buf[k + i] = alphabet[cw_prng_below(rng, len)];
	v->buf[k + i] = '\0';
}

/* "-12" for a distinct column's row (and "-12-3" on attempt 3), "". */
static void uniq(char *out, size_t n, const dg_col *c, const dg_row *w)
{
	out[0] = '\0';
	if (c->is_unique && w->attempt == 0)
		snprintf(out, n, "-%zu", w->r + 1);
	else if (c->is_unique)
		snprintf(out, n, "-%zu-%d", w->r + 1, w->attempt);
}

static void json_value(dg_val *v, const dg_col *c, const dg_row *w,
		       cw_prng *rng)
{
	size_t n = 0, k, count = 1 + (size_t)cw_prng_below(rng, 3), first;
	char *b = v->buf;
	size_t cap = sizeof(v->buf);

	if (c->kind == DG_JSON_ARRAY) {
		n += (size_t)snprintf(b + n, cap - n, "[\"%s\"",
				      pick(rng, adjectives, N_OF(adjectives)));
		for (k = 1; k < count; k++)
			n += (size_t)snprintf(b + n, cap - n, ",\"%s\"",
					      pick(rng, animals,
						   N_OF(animals)));
		if (c->is_unique)
			n += (size_t)snprintf(b + n, cap - n, ",%zu,%d",
					      w->r + 1, w->attempt);
		snprintf(b + n, cap - n, "]");
		return;
	}
	first = (size_t)cw_prng_below(rng, N_OF(json_keys));
	n += (size_t)snprintf(b + n, cap - n, "{");
	for (k = 0; k < count; k++) {
		const char *key = json_keys[(first + k) % N_OF(json_keys)];
		n += (size_t)snprintf(b + n, cap - n, "%s\"%s\":", k ? "," : "",
				      key);
		switch (cw_prng_below(rng, 4)) {
		case 0:
			n += (size_t)snprintf(b + n, cap - n, "%u",
				(unsigned)cw_prng_below(rng, 100));
			break;
		case 1:
			n += (size_t)snprintf(b + n, cap - n, "%s",
				cw_prng_chance(rng, 1, 2) ? "true" : "false");
			break;
		case 2:
			n += (size_t)snprintf(b + n, cap - n, "[\"%s\",\"%s\"]",
				pick(rng, adjectives, N_OF(adjectives)),
				pick(rng, animals, N_OF(animals)));
			break;
		default:
			n += (size_t)snprintf(b + n, cap - n, "\"%s\"",
				pick(rng, animals, N_OF(animals)));
		}
	}
	if (c->is_unique)
		n += (size_t)snprintf(b + n, cap - n, ",\"id\":\"%zu-%d\"",
				      w->r + 1, w->attempt);
	snprintf(b + n, cap - n, "}");
}

/* A distinct integer for the row, from base on. */
static int64_t uniq_int(int64_t base, const dg_row *w)
{
	return base + (int64_t)w->r +
	       (int64_t)w->attempt * (int64_t)(w->n_rows + 1009);
}

static void text_value(dg_val *v, const dg_col *c, const dg_row *w,
		       cw_prng *rng)
{
	char u[48];
	const char *adj = pick(rng, adjectives, N_OF(adjectives));
	const char *ani = pick(rng, animals, N_OF(animals));
	const char *fn = pick(rng, first_names, N_OF(first_names));
	const char *ln = pick(rng, last_names, N_OF(last_names));
	char *b = v->buf;
	size_t cap = sizeof(v->buf);

	uniq(u, sizeof(u), c, w);
	switch (c->kind) {
	case DG_UUID: put_uuid(v, rng); break;
	case DG_EMAIL:
		snprintf(b, cap, "%s.%s%s@%s", fn, ln, c->is_unique ? u :
			 "", pick(rng, hosts, N_OF(hosts)));
		for (; *b; b++)
			if (*b >= 'A' && *b <= 'Z')
				*b = (char)(*b + 32);
		break;
	case DG_URL:
		snprintf(b, cap, "https://%s/%s-%s%s",
			 pick(rng, hosts, N_OF(hosts)), adj, ani, u);
		break;
	case DG_PERSON: snprintf(b, cap, "%s %s%s", fn, ln, u); break;
	case DG_USERNAME:
		snprintf(b, cap, "%c%s%s", fn[0] + 32, ln, u);
		for (; *b; b++)
			if (*b >= 'A' && *b <= 'Z')
				*b = (char)(*b + 32);
		break;
	case DG_NAME: snprintf(b, cap, "%s-%s%s", adj, ani, u); break;
	case DG_TITLE:
		snprintf(b, cap, "%s %s%s", pick(rng, verbs, N_OF(verbs)),
			 pick(rng, objects, N_OF(objects)), u);
		break;
	case DG_SENTENCE:
		snprintf(b, cap, "%s %s%s", pick(rng, sentences,
			 N_OF(sentences)), pick(rng, sentences,
			 N_OF(sentences)), u);
		break;
	case DG_PATH:
		snprintf(b, cap, "/srv/projects/%s-%s%s", adj, ani, u);
		break;
	case DG_VOCAB: {
		size_t i = (size_t)cw_prng_below(rng, c->n_vocab);
		if (c->default_text && c->n_vocab > 1 &&
		    strcmp(c->vocab[i], c->default_text) == 0)
			i = (i + 1) % c->n_vocab;
		snprintf(b, cap, "%s%s", c->vocab[i], u);
		break;
	}
	case DG_HEX: put_chars(v, rng, "0123456789abcdef", 40, ""); break;
	case DG_SECRET:
		put_chars(v, rng, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
			  "ghijklmnopqrstuvwxyz", 32, "sk-");
		break;
	case DG_VERSION:
		snprintf(b, cap, "%u.%u.%u%s", (unsigned)cw_prng_below(rng, 4),
			 (unsigned)cw_prng_below(rng, 20),
			 (unsigned)cw_prng_below(rng, 10), u);
		break;
	case DG_COLOR:
		snprintf(b, cap, "#%06x%s", (unsigned)cw_prng_below(rng,
			 0x1000000), u);
		break;
	case DG_BRANCH: snprintf(b, cap, "feature/%s-%s%s", adj, ani, u); break;
	default: snprintf(b, cap, "%s %s%s", adj, ani, u); break;
	}
	v->type = SQLITE_TEXT;
}

static void number_value(dg_val *v, const dg_col *c, const dg_row *w,
			 cw_prng *rng)
{
	int64_t ms;

	switch (c->kind) {
	case DG_BOOL:
		v->type = SQLITE_INTEGER;
		v->i = c->has_default_num ? (c->default_num == 0) :
		       cw_prng_chance(rng, 1, 2);
		return;
	case DG_INT:
		v->type = SQLITE_INTEGER;
		v->i = c->is_unique ? uniq_int(c->lo, w) :
		       cw_prng_range(rng, c->lo, c->hi);
		return;
	case DG_REAL: {
		double scale = pow(10, c->decimals);
		v->type = SQLITE_FLOAT;
		v->d = round(((double)c->lo + cw_prng_unit(rng) *
			      (double)(c->hi - c->lo)) * scale) / scale;
		if (c->is_unique)
			v->d = (double)uniq_int(c->lo, w) + v->d / 1e4;
		return;
	}
	default:
		break;
	}
	ms = dg_time_ms(w, c->ts_rank, rng);
	if (c->kind == DG_TS_MS) {
		v->type = SQLITE_INTEGER;
		v->i = ms;
	} else if (c->kind == DG_TS_S) {
		v->type = SQLITE_INTEGER;
		v->i = ms / 1000;
	} else if (c->kind == DG_TS_REAL) {
		v->type = SQLITE_FLOAT;
		v->d = (double)ms / 1000.0;
	} else {
		if (c->kind == DG_DATE && c->is_unique)
			ms = T0_MS + uniq_int(0, w) * 86400000LL;
		put_time(v, ms, c->kind);
		v->type = SQLITE_TEXT;
	}
}

static void blob_value(dg_val *v, const dg_row *w, cw_prng *rng,
		       int is_unique)
{
	size_t i;

	for (i = 0; i < 16; i++)
		v->buf[i] = (char)cw_prng_below(rng, 256);
	if (is_unique)
		for (i = 0; i < 8; i++)
			v->buf[i] = (char)(uniq_int(0, w) >> (56 - 8 * i));
	v->type = SQLITE_BLOB;
	v->len = 16;
	v->s = v->buf;
}

/* ---- the CHECK domain and the default ---- */

static void from_in_list(dg_val *v, const dg_col *c, const dg_row *w,
			 cw_prng *rng)
{
	const dg_domain *d = &c->dom;
	size_t i = c->is_unique ? (w->r + (size_t)w->attempt) % d->n_in :
		   (size_t)cw_prng_below(rng, d->n_in);
	const char *s;

	if (!c->is_unique && d->n_in > 1 && c->default_text &&
	    strcmp(d->in[i], c->default_text) == 0)
		i = (i + 1) % d->n_in;
	if (!c->is_unique && d->n_in > 1 && c->has_default_num &&
	    d->in_is_num[i] && atof(d->in[i]) == c->default_num)
		i = (i + 1) % d->n_in;
	s = d->in[i];
	if (!d->in_is_num[i]) {
		snprintf(v->buf, sizeof(v->buf), "%s", s);
		v->type = SQLITE_TEXT;
	} else if (strpbrk(s, ".eE")) {
		v->type = SQLITE_FLOAT;
		v->d = atof(s);
	} else {
		v->type = SQLITE_INTEGER;
		v->i = strtoll(s, NULL, 10);
	}
}

/* Bring a number inside the CHECK bounds. */
static void bound_number(dg_val *v, const dg_col *c, const dg_row *w,
			 cw_prng *rng)
{
	const dg_domain *d = &c->dom;
	double lo = d->has_lo ? d->lo : -1e15, hi = d->has_hi ? d->hi : 1e15;
	double x = v->type == SQLITE_INTEGER ? (double)v->i : v->d;

	if (v->type == SQLITE_INTEGER) {
		int64_t ilo = (int64_t)ceil(lo), ihi = (int64_t)floor(hi);
		if (d->has_lo && d->lo_open && (double)ilo == lo)
			ilo++;
		if (d->has_hi && d->hi_open && (double)ihi == hi)
			ihi--;
		if (ilo > ihi || (x >= (double)ilo && x <= (double)ihi))
			return;
		if (c->is_unique || !d->has_hi)
			v->i = ilo + (int64_t)(((uint64_t)uniq_int(0, w)) %
				(uint64_t)(ihi - ilo + 1 > 0 ?
					   ihi - ilo + 1 : 1));
		else
			v->i = cw_prng_range(rng, ilo, ihi);
		return;
	}
	if (v->type == SQLITE_FLOAT && (x < lo || x > hi || (x == lo &&
	    d->lo_open) || (x == hi && d->hi_open))) {
		double span = hi - lo;
		double scale = pow(10, c->decimals > 0 ? c->decimals : 3), r;
		if (span > 1e12)
			span = 1000;
		v->d = lo + span * (0.05 + 0.9 * cw_prng_unit(rng));
		r = round(v->d * scale) / scale;
		if (r > lo && r < hi)
			v->d = r;
	}
}

static void bound_text(dg_val *v, const dg_col *c, const dg_row *w)
{
	const dg_domain *d = &c->dom;
	size_t len = strlen(v->buf), i;

	if (d->max_len >= 0 && len > (size_t)d->max_len) {
		if (c->is_unique) {
			static const char digits[] = "0123456789abcdefghijkl"
				"mnopqrstuvwxyz";
			uint64_t x = (uint64_t)uniq_int(0, w);
			char tmp[24];
			size_t n = 0;
			do {
				tmp[n++] = digits[x % 36];
				x /= 36;
			} while (x && n < sizeof(tmp));
			for (i = 0; i < n; i++)
				v->buf[i] = tmp[n - 1 - i];
			v->buf[n] = '\0';
		}
		if (strlen(v->buf) > (size_t)d->max_len)
			v->buf[d->max_len] = '\0';
		len = strlen(v->buf);
	}
	while (d->min_len >= 0 && len < (size_t)d->min_len &&
	       len + 1 < sizeof(v->buf)) {
		v->buf[len] = "abcdefghij"[len % 10];
		len++;
	}
	v->buf[len] = '\0';
}

static void avoid(dg_val *v, const dg_col *c)
{
	const dg_domain *d = &c->dom;
	size_t i;

	for (i = 0; i < d->n_out + 1; i++) {
		const char *bad = i < d->n_out ? d->out[i] : NULL;
		if (v->type == SQLITE_TEXT) {
			if (bad == NULL)
				bad = c->default_text;
			if (bad && strcmp(v->buf, bad) == 0 &&
			    strlen(v->buf) + 2 < sizeof(v->buf))
				strcat(v->buf, "x");
		} else if (v->type == SQLITE_INTEGER) {
			double b = bad ? atof(bad) : c->default_num;
			if ((bad || c->has_default_num) && (double)v->i == b &&
			    c->kind != DG_BOOL)
				v->i = c->dom.has_hi && (double)(v->i + 1) >
				       c->dom.hi ? v->i - 1 : v->i + 1;
		} else if (v->type == SQLITE_FLOAT) {
			double b = bad ? atof(bad) : c->default_num;
			if ((bad || c->has_default_num) && v->d == b)
				v->d += 0.5;
		}
	}
}

void dg_value(dg_val *out, const dg_col *c, const dg_row *w)
{
	cw_prng rng;

	memset(out, 0, offsetof(dg_val, buf));
	out->buf[0] = '\0';
	dg_stream(&rng, w, c->label, 1);
	if (c->dom.n_in > 0)
		from_in_list(out, c, w, &rng);
	else if (c->kind == DG_BLOB)
		blob_value(out, w, &rng, c->is_unique);
	else if (c->kind == DG_JSON_OBJECT || c->kind == DG_JSON_ARRAY) {
		json_value(out, c, w, &rng);
		out->type = SQLITE_TEXT;
	} else if (c->kind >= DG_TS_MS)
		number_value(out, c, w, &rng);
	else
		text_value(out, c, w, &rng);
	if (c->dom.n_in == 0) {
		if (out->type == SQLITE_INTEGER || out->type == SQLITE_FLOAT)
			bound_number(out, c, w, &rng);
		else if (out->type == SQLITE_TEXT)
			bound_text(out, c, w);
		avoid(out, c);
	}
	if (out->type == SQLITE_TEXT) {
		out->s = out->buf;
		out->len = strlen(out->buf);
		if (c->as_blob)
			out->type = SQLITE_BLOB;
	}
}
