/*
** prng.c - xoshiro256** seeded by splitmix64 (see prng.h).
*/
#include "prng.h"

#include <assert.h>

uint64_t cw_prng_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (s && *s) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t cw_prng_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void cw_prng_seed(cw_prng *out, uint64_t seed, const uint64_t *labels,
		  size_t n_labels)
{
	uint64_t x = cw_prng_mix(seed);
	size_t i;

	for (i = 0; i < n_labels; i++)
		x = cw_prng_mix(x ^ labels[i]);
	/* splitmix64 fills the state; it is never all zero in practice,
	** and the last word is forced odd so that it cannot be. */
	for (i = 0; i < 4; i++) {
		x += 0x9e3779b97f4a7c15ULL;
		out->s[i] = cw_prng_mix(x);
	}
	out->s[3] |= 1;
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t cw_prng_next(cw_prng *p)
{
	uint64_t *s = p->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t cw_prng_below(cw_prng *p, uint64_t n)
{
	uint64_t limit, x;

	if (n == 0)
		return 0;
	/* Reject the top partial range so every residue is equally likely. */
	limit = UINT64_MAX - UINT64_MAX % n;
	do
		x = cw_prng_next(p);
	while (x >= limit);
	return x % n;
}

int64_t cw_prng_range(cw_prng *p, int64_t lo, int64_t hi)
{
	uint64_t span;

	assert(lo <= hi);
	span = (uint64_t)hi - (uint64_t)lo;
	if (span == UINT64_MAX)
		return (int64_t)cw_prng_next(p);
	return (int64_t)((uint64_t)lo + cw_prng_below(p, span + 1));
}

double cw_prng_unit(cw_prng *p)
{
	return (double)(cw_prng_next(p) >> 11) * 0x1.0p-53;
}

int cw_prng_chance(cw_prng *p, unsigned num, unsigned den)
{
	return den > 0 && cw_prng_below(p, den) < num;
}
