/*
** jsnumber.h - JavaScript's Number() of a value better-sqlite3 returns.
*/
#ifndef CW_JSNUMBER_H
#define CW_JSNUMBER_H

#include <sqlite3.h>

/* Number(x) of a created_at value as better-sqlite3 returns it: NULL -> 0,
** INTEGER and REAL as doubles, TEXT parsed as ECMAScript StringToNumber
** does (whitespace trimmed, "" -> 0, 0x/0o/0b prefixes, Infinity,
** anything else unparsable -> NaN), a BLOB through its UTF-8 text. */
double cw_jsnumber_of_value(sqlite3_value *v);

#endif
