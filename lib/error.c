/*
** error.c - filling a cw_error once, where the failure happens.
**
** The fields are fixed buffers; text too long for one is cut back to a
** character boundary, so that a message quoting a long UTF-8 path is
** still valid UTF-8 when a report writer copies it.
*/
#include "error.h"
#include "text.h"

#include <stdarg.h>
#include <string.h>

int cw_error_set(cw_error *err, int code, const char *diag, const char *path,
		 int line, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err->code != 0)
		return code;
	err->code = code;
	cw_text_format(err->diag, sizeof(err->diag), "%s", diag ? diag : "");
	cw_text_format(err->path, sizeof(err->path), "%s", path ? path : "");
	err->line = line;
	err->column = 0;
	va_start(ap, fmt);
	cw_text_vformat(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void cw_error_clear(cw_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof(*err));
}

const char *cw_error_name(int code)
{
	switch (code) {
	case CW_OK: return "no error";
	case CW_EINVAL: return "invalid input";
	case CW_ENOTFOUND: return "not found";
	case CW_EIO: return "input/output error";
	case CW_ESQL: return "SQLite error";
	case CW_ENOMEM: return "out of memory";
	case CW_EBUSY: return "database busy";
	}
	return "unknown error";
}
