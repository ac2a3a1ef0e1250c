/*
** msg.c - the one writer of stderr, and the compiler-style finding format.
*/
#include "msg.h"

#include <stdarg.h>

static void vsay(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void msg_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("cw: ", fmt, ap);
	va_end(ap);
}

void msg_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("cw: warning: ", fmt, ap);
	va_end(ap);
}

void msg_progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("cw: ", fmt, ap);
	va_end(ap);
	fflush(stderr);
}

void msg_cw_error(const cw_error *err)
{
	if (err->diag[0])
		msg_error("%s %s", err->diag, err->message);
	else
		msg_error("%s", err->message[0] ? err->message :
			  cw_error_name(err->code));
}

/* One finding is one line: editors, CI log parsers and the case runner
** split on newlines, and a terminal obeys escape sequences.  A message or
** path quoting hostile input (a tag holding "\n" or ESC, a table name
** with a tab) prints its control bytes as C escapes instead. */
static void put_line_safe(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\r')
			fputs("\\r", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void msg_diag(FILE *f, const cw_diag *d)
{
	const char *file;

	if (d == NULL)
		return;
	file = d->file[0] ? d->file : "cw";

	put_line_safe(f, file);
	if (d->line > 0 && d->column > 0)
		fprintf(f, ":%d:%d: ", d->line, d->column);
	else if (d->line > 0)
		fprintf(f, ":%d: ", d->line);
	else
		fputs(": ", f);
	fprintf(f, "%s: %s ", cw_codes_severity_name(d->severity), d->code);
	put_line_safe(f, d->message);
	fputc('\n', f);
	if (d->hint && d->hint[0])
		fprintf(f, "    hint: %s\n", d->hint);
}
