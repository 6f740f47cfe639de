/* SPDX-License-Identifier: MIT */
/* tdpsim gen's arithmetic (tools/tdpsim/gen_rng.c): the PRNG's streams and ranges, and the
 * powers the zipfian's table is made of against libm's pow(). */
#include <math.h>
#include <stdint.h>

#include "../unit/check_main.h"
#include "gen.h"

START_TEST(the_same_seed_gives_the_same_stream_and_another_seed_another)
{
	struct gen_rng a, b, c;
	int differ = 0;

	gen_rng_seed(&a, 42);
	gen_rng_seed(&b, 42);
	gen_rng_seed(&c, 43);
	for (int i = 0; i < 1000; i++) {
		uint64_t x = gen_rng_next(&a);

		ck_assert_uint_eq(x, gen_rng_next(&b));
		differ += x != gen_rng_next(&c);
	}
	ck_assert_int_ge(differ, 999); /* two 64-bit streams agree by chance 2^-64 a draw */
}
END_TEST

START_TEST(below_stays_in_range_and_gives_every_residue_its_share)
{
	struct gen_rng r;
	uint64_t count[6] = { 0 };
	const uint64_t big = (1ull << 63) + 1;

	gen_rng_seed(&r, 1);
	for (int i = 0; i < 60000; i++)
		count[gen_rng_below(&r, 6)]++;
	/* 10000 each, sigma = sqrt(60000 * 1/6 * 5/6) = 91.3: within 5 sigma. */
	for (int k = 0; k < 6; k++)
		ck_assert_uint_lt(count[k] > 10000 ? count[k] - 10000 : 10000 - count[k], 457);
	for (int i = 0; i < 1000; i++) {
		ck_assert_uint_eq(gen_rng_below(&r, 1), 0);
		ck_assert_uint_lt(gen_rng_below(&r, big), big);
	}
}
END_TEST

START_TEST(probabilities_zero_never_one_always_a_quarter_a_quarter)
{
	struct gen_rng r;
	uint64_t hits = 0;

	gen_rng_seed(&r, 7);
	ck_assert_uint_eq(gen_prob(0), 0);
	ck_assert_uint_eq(gen_prob(1), 1ull << 53);
	ck_assert_uint_eq(gen_prob(0.25), 1ull << 51); /* 0.25 * 2^53, exactly */
	for (int i = 0; i < 40000; i++) {
		ck_assert(!gen_rng_chance(&r, gen_prob(0)));
		ck_assert(gen_rng_chance(&r, gen_prob(1)));
		hits += (uint64_t)gen_rng_chance(&r, gen_prob(0.25));
		double u = gen_rng_unit(&r);

		ck_assert(u >= 0 && u < 1);
	}
	/* 10000, sigma = sqrt(40000 * 0.25 * 0.75) = 86.6: within 5 sigma. */
	ck_assert_uint_lt(hits > 10000 ? hits - 10000 : 10000 - hits, 433);
}
END_TEST

START_TEST(powers_agree_with_libm_pow_to_the_last_few_bits)
{
	static const double thetas[] = { 0.1, 0.5, 0.99, 1.0, 1.2, 2.0, 5.0 };

	for (size_t t = 0; t < sizeof(thetas) / sizeof(thetas[0]); t++)
		for (double x = 1; x <= (1 << 24); x = x < 4096 ? x + 1 : x * 1.37) {
			double want = pow(x, -thetas[t]), got = gen_pow_neg(x, thetas[t]);

			ck_assert_msg(fabs(got - want) <= 1e-13 * want, "%g^-%g: %.17g, pow says %.17g",
				      x, thetas[t], got, want);
		}
	ck_assert(gen_pow_neg(12345, 0) == 1);
	ck_assert(gen_pow_neg(1, 0.99) == 1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("gen_rng");
	TCase *tc = tcase_create("arithmetic");

	tcase_set_timeout(tc, 0);
	tcase_add_test(tc, the_same_seed_gives_the_same_stream_and_another_seed_another);
	tcase_add_test(tc, below_stays_in_range_and_gives_every_residue_its_share);
	tcase_add_test(tc, probabilities_zero_never_one_always_a_quarter_a_quarter);
	tcase_add_test(tc, powers_agree_with_libm_pow_to_the_last_few_bits);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(suite)
