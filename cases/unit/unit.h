/*
** unit.h - what every Check suite shares: paths to fixtures and a runner.
*/
#ifndef CW_UNIT_H
#define CW_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* Path under fixtures/ (FIXTURES env set by the Makefile). */
static inline const char *unit_fixture(char *buf, size_t n, const char *rel)
{
	const char *root = getenv("FIXTURES");
	snprintf(buf, n, "%s/%s", root ? root : "fixtures", rel);
	return buf;
}

/* Run one suite; returns the process exit status. */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
