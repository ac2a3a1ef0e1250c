/*
** prng.h - a small deterministic pseudo-random generator for the data
** generator: the same seed and labels give the same numbers on every
** machine and every run.
**
** xoshiro256** (Blackman and Vigna, 2018) seeded through splitmix64.  A
** stream is named by a 64-bit seed and any number of labels (a table, a
** column, a row number), so each value the generator makes has a stream
** of its own: adding a column or a row never changes the values drawn for
** the others.  Nothing here reads the clock or the C library's rand().
** A cw_prng is a plain value: copy it, keep it on the stack, never free it.
*/
#ifndef CW_PRNG_H
#define CW_PRNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct cw_prng {
	uint64_t s[4];
} cw_prng;

/* FNV-1a of the NUL-terminated text s, to turn names into labels. */
uint64_t cw_prng_hash(const char *s);

/* One step of splitmix64 on x: a well-mixed function of x. */
uint64_t cw_prng_mix(uint64_t x);

/* Start the stream named by seed and labels[0..n_labels). */
void cw_prng_seed(cw_prng *out, uint64_t seed, const uint64_t *labels,
		  size_t n_labels);

/* The next 64 random bits. */
uint64_t cw_prng_next(cw_prng *p);

/* A number in [0, n), without modulo bias; 0 when n is 0. */
uint64_t cw_prng_below(cw_prng *p, uint64_t n);

/* A number in [lo, hi] (lo <= hi). */
int64_t cw_prng_range(cw_prng *p, int64_t lo, int64_t hi);

/* A double in [0, 1). */
double cw_prng_unit(cw_prng *p);

/* 1 with probability num/den, else 0. */
int cw_prng_chance(cw_prng *p, unsigned num, unsigned den);

#endif
