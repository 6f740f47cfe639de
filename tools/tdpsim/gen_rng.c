/* SPDX-License-Identifier: MIT */
/*
 * The generator's arithmetic: xoshiro256** (Blackman and Vigna) seeded by splitmix64, and
 * x^-theta from a logarithm and an exponential written with + - * / alone.  IEEE 754 makes
 * those four exact to the last bit, so, compiled without contraction into fused multiply-adds
 * (CMakeLists.txt gives this file -ffp-contract=off), the zipfian's table is the same on every
 * machine - which libm's pow() does not promise.
 */
#include <string.h>

#include "gen.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void gen_rng_seed(struct gen_rng *r, uint64_t seed)
{
	uint64_t x = seed;

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x); /* never all zero: splitmix64 is a bijection of a counter */
}

uint64_t gen_rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
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

uint64_t gen_rng_below(struct gen_rng *r, uint64_t n)
{
	/* Reject the lowest 2^64 mod n values so that every residue is equally likely. */
	uint64_t threshold = (0 - n) % n;

	for (;;) {
		uint64_t v = gen_rng_next(r);

		if (v >= threshold)
			return v % n;
	}
}

uint64_t gen_prob(double p)
{
	if (p <= 0)
		return 0;
	if (p >= 1)
		return 1ull << 53;
	return (uint64_t)(p * 9007199254740992.0); /* p * 2^53: exact, then truncated */
}

int gen_rng_chance(struct gen_rng *r, uint64_t threshold)
{
	return (gen_rng_next(r) >> 11) < threshold;
}

double gen_rng_unit(struct gen_rng *r)
{
	return (double)(gen_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static const double ln2 = 0.6931471805599453; /* the double nearest ln 2 */

static double bits_double(uint64_t b)
{
	double d;

	memcpy(&d, &b, sizeof(d));
	return d;
}

/* ln x for a normal x > 0: x = m * 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh s. */
static double gen_ln(double x)
{
	uint64_t b;
	int64_t e;
	double m, s, s2, term, sum;

	memcpy(&b, &x, sizeof(b));
	e = (int64_t)((b >> 52) & 0x7ff) - 1023;
	m = bits_double((b & 0x000fffffffffffffull) | (1023ull << 52)); /* [1, 2) */
	if (m > 1.4142135623730951) {
		m = m / 2; /* exact */
		e++;
	}
	s = (m - 1) / (m + 1); /* |s| <= 0.1716 */
	s2 = s * s;
	term = s;
	sum = s;
	for (int k = 1; k <= 14; k++) { /* s^29/29 < 2^-60 s: past the last bit */
		term = term * s2;
		sum = sum + term / (double)(2 * k + 1);
	}
	return 2 * sum + (double)e * ln2;
}

/* e^y for -700 < y <= 0: y = k ln 2 + f with |f| <= ln2 / 2, then e^f by Taylor's series. */
static double gen_exp(double y)
{
	double q = y / ln2, f, term = 1, sum = 1;
	int64_t k = (int64_t)(q < 0 ? q - 0.5 : q + 0.5);

	f = y - (double)k * ln2;
	for (int i = 1; i <= 20; i++) { /* 0.35^20 / 20! < 2^-90 */
		term = term * f / (double)i;
		sum = sum + term;
	}
	if (k < -1022)
		return 0;
	return sum * bits_double((uint64_t)(k + 1023) << 52); /* times 2^k: exact */
}

double gen_pow_neg(double x, double theta)
{
	if (theta == 0 || x == 1)
		return 1;
	return gen_exp(-theta * gen_ln(x));
}
