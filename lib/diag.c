/*
** diag.c - the growable list of findings.
**
** Messages and hints are formatted into memory of their exact size, never
** cut; only the code has a fixed buffer, cut at a character boundary.
*/
#include "diag.h"
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	char *s;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s != NULL)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

cw_diag *cw_diags_add(cw_diags *d, const char *code, const char *file,
		      int line, int column, const char *fmt, ...)
{
	const cw_code_info *info = cw_codes_lookup(code);
	cw_diag *g;
	va_list ap;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		cw_diag *bigger = realloc(d->items, cap * sizeof(*bigger));
		if (bigger == NULL) {
			d->oom = 1;
			return NULL;
		}
		d->items = bigger;
		d->cap = cap;
	}
	g = &d->items[d->n];
	memset(g, 0, sizeof(*g));
	cw_text_format(g->code, sizeof(g->code), "%s", code);
	g->severity = info ? info->severity : CW_SEV_ERROR;
	g->file = dup_or_empty(file);
	g->line = line;
	g->column = column;
	va_start(ap, fmt);
	g->message = vformat(fmt, ap);
	va_end(ap);
	g->hint = dup_or_empty(info ? info->hint : "");
	if (g->file == NULL || g->message == NULL || g->hint == NULL) {
		free(g->file);
		free(g->message);
		free(g->hint);
		d->oom = 1;
		return NULL;
	}
	d->n++;
	return g;
}

void cw_diag_set_hint(cw_diag *diag, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (diag == NULL)
		return;
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL)
		return;
	free(diag->hint);
	diag->hint = s;
}

void cw_diag_set_tag(cw_diag *diag, const char *tag)
{
	char *s;

	if (diag == NULL || tag == NULL)
		return;
	s = strdup(tag);
	if (s == NULL)
		return;
	free(diag->tag);
	diag->tag = s;
}

size_t cw_diags_count(const cw_diags *d, cw_severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->items[i].severity == sev)
			n++;
	return n;
}

static int by_place(const void *a, const void *b)
{
	const cw_diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	c = strcmp(x->code, y->code);
	if (c != 0)
		return c;
	return strcmp(x->message, y->message);
}

void cw_diags_sort(cw_diags *d)
{
	if (d->n > 1)
		qsort(d->items, d->n, sizeof(*d->items), by_place);
}

int cw_diags_take(cw_diags *dst, cw_diags *src)
{
	size_t i;

	if (dst->cap - dst->n < src->n) {
		size_t cap = dst->n + src->n + 16;
		cw_diag *bigger = realloc(dst->items, cap * sizeof(*bigger));
		if (bigger == NULL) {
			dst->oom = 1;
			return -1;
		}
		dst->items = bigger;
		dst->cap = cap;
	}
	for (i = 0; i < src->n; i++)
		dst->items[dst->n++] = src->items[i];
	dst->oom |= src->oom;
	free(src->items);
	src->items = NULL;
	src->n = src->cap = 0;
	return 0;
}

void cw_diags_remove(cw_diags *d, size_t i)
{
	cw_diag *g;

	if (d == NULL || i >= d->n)
		return;
	g = &d->items[i];
	free(g->file);
	free(g->tag);
	free(g->message);
	free(g->hint);
	memmove(g, g + 1, (d->n - i - 1) * sizeof(*g));
	d->n--;
}

void cw_diags_filter(cw_diags *d, size_t from,
		     int (*keep)(void *ctx, const cw_diag *g), void *ctx)
{
	size_t i, o = from;

	for (i = from; i < d->n; i++) {
		cw_diag *g = &d->items[i];
		if (keep(ctx, g)) {
			d->items[o++] = *g;
			continue;
		}
		free(g->file);
		free(g->tag);
		free(g->message);
		free(g->hint);
	}
	if (from < d->n)
		d->n = o;
}

void cw_diags_free(cw_diags *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].tag);
		free(d->items[i].message);
		free(d->items[i].hint);
	}
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
}

cw_diag *cw_diags_add_error(cw_diags *d, const cw_error *err,
			    const char *file)
{
	const char *where;
	size_t i;

	if (err == NULL || err->diag[0] == '\0')
		return NULL;
	where = err->path[0] ? err->path : file ? file : "";
	/* The step that failed often listed its finding already (the
	** folder loader's J002 for a journal that is not JSON): the error
	** repeats it, and one finding printed twice reads as two. */
	for (i = 0; i < d->n; i++)
		if (strcmp(d->items[i].code, err->diag) == 0 &&
		    strcmp(d->items[i].file, where) == 0 &&
		    d->items[i].line == err->line)
			return &d->items[i];
	return cw_diags_add(d, err->diag, where, err->line, err->column, "%s",
			    err->message);
}
