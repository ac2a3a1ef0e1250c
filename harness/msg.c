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

void msg_diag(FILE *f, const cw_diag *d)
{
	const char *file;

	if (d == NULL)
		return;
	file = d->file[0] ? d->file : "cw";

	if (d->line > 0 && d->column > 0)
		fprintf(f, "%s:%d:%d: ", file, d->line, d->column);
	else if (d->line > 0)
		fprintf(f, "%s:%d: ", file, d->line);
	else
		fprintf(f, "%s: ", file);
	fprintf(f, "%s: %s %s\n", cw_codes_severity_name(d->severity), d->code,
		d->message);
	if (d->hint && d->hint[0])
		fprintf(f, "    hint: %s\n", d->hint);
}
