/* SPDX-License-Identifier: MIT */
/* Numbers as traces write them: decimal, 0x hex, binary K/M/G/T suffixes, overflow. */
#include <string.h>

#include "check_main.h"
#include "core/num.h"

static int parse(const char *s, int suffix, uint64_t *v)
{
	return num_parse_u64(s, strlen(s), suffix, v);
}

START_TEST(decimal_and_hex_parse_exactly)
{
	uint64_t v;

	ck_assert_int_eq(parse("0", 0, &v), NUM_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse("18446744073709551615", 0, &v), NUM_OK);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(parse("0x7f0000000000", 0, &v), NUM_OK);
	ck_assert_uint_eq(v, 0x7f0000000000ull);
	ck_assert_int_eq(parse("0XfFfF", 0, &v), NUM_OK);
	ck_assert_uint_eq(v, 0xffff);
}
END_TEST

START_TEST(size_suffixes_are_binary_multiples)
{
	uint64_t v;

	ck_assert_int_eq(parse("4K", 1, &v), NUM_OK);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(parse("2M", 1, &v), NUM_OK);
	ck_assert_uint_eq(v, 2ull << 20);
	ck_assert_int_eq(parse("1g", 1, &v), NUM_OK);
	ck_assert_uint_eq(v, 1ull << 30);
	ck_assert_int_eq(parse("0x10T", 1, &v), NUM_OK);
	ck_assert_uint_eq(v, 16ull << 40);
	/* without suffixes allowed, a suffix is a bad digit */
	ck_assert_int_eq(parse("4K", 0, &v), NUM_BAD);
}
END_TEST

START_TEST(malformed_numbers_are_rejected)
{
	uint64_t v;

	ck_assert_int_eq(parse("", 0, &v), NUM_BAD);
	ck_assert_int_eq(parse("0x", 0, &v), NUM_BAD);
	ck_assert_int_eq(parse("12a", 0, &v), NUM_BAD);
	ck_assert_int_eq(parse("-1", 0, &v), NUM_BAD);
	ck_assert_int_eq(parse("K", 1, &v), NUM_BAD);
	ck_assert_int_eq(parse("1.5", 0, &v), NUM_BAD);
}
END_TEST

START_TEST(overflowing_numbers_are_reported_as_overflow)
{
	uint64_t v;

	ck_assert_int_eq(parse("18446744073709551616", 0, &v), NUM_OVERFLOW);
	ck_assert_int_eq(parse("0x10000000000000000", 0, &v), NUM_OVERFLOW);
	ck_assert_int_eq(parse("16777216T", 1, &v), NUM_OVERFLOW); /* 2^24 * 2^40 */
	ck_assert_int_eq(parse("16777215T", 1, &v), NUM_OK);
}
END_TEST

static Suite *num_suite(void)
{
	Suite *s = suite_create("num");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, decimal_and_hex_parse_exactly);
	tcase_add_test(tc, size_suffixes_are_binary_multiples);
	tcase_add_test(tc, malformed_numbers_are_rejected);
	tcase_add_test(tc, overflowing_numbers_are_reported_as_overflow);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(num_suite)
