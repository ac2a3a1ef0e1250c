/*
** unit_oom.h - allocation failure injection for the out-of-memory suites.
**
** malloc, calloc, realloc and free are defined in the test program that
** includes this (once), so that every allocation (libcw's, libc's,
** cJSON's, OpenSSL's) goes through them; they forward to glibc's own
** allocator and count.  fail_after allocations succeed, then one fails.
** libcw itself knows nothing of this.  Under AddressSanitizer, whose
** allocator must see every block, they are left out (INJECT 0) and the
** suites check one ordinary run, which LeakSanitizer then watches.
*/
#ifndef CW_UNIT_OOM_H
#define CW_UNIT_OOM_H

#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define INJECT 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define INJECT 0
#endif
#endif
#ifndef INJECT
#define INJECT 1
#endif

static long fail_after = -1;  /* allocations that still succeed; -1: all */
static long n_calls;          /* allocations asked for */
static long n_live;           /* blocks allocated and not yet freed */

#if INJECT
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

/* 1 when this allocation is the one to fail. */
static int failing(void)
{
	n_calls++;
	if (fail_after < 0)
		return 0;
	if (fail_after == 0)
		return 1;
	fail_after--;
	return 0;
}

void *malloc(size_t n)
{
	void *p = failing() ? NULL : __libc_malloc(n);

	n_live += p != NULL;
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = failing() ? NULL : __libc_calloc(n, size);

	n_live += p != NULL;
	return p;
}

void *realloc(void *old, size_t n)
{
	void *p;

	if (old != NULL && n == 0) {
		n_live--;
		__libc_free(old);
		return NULL;
	}
	p = failing() ? NULL : __libc_realloc(old, n);
	n_live += p != NULL && old == NULL;
	return p;
}

void free(void *p)
{
	n_live -= p != NULL;
	__libc_free(p);
}
#endif

#endif
