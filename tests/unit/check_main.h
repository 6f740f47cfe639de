/* SPDX-License-Identifier: MIT */
/*
 * A main() for Check suites: fork mode, so a crash in one test fails that test only, and no
 * per-test timeout (Check's default is 4 s, which a loaded machine passes on tests that do
 * real work): every test case is made with CK_DEFAULT_TIMEOUT=0, and ctest's own timeout
 * still ends a test that hangs.
 */
#ifndef TDPSIM_TEST_CHECK_MAIN_H
#define TDPSIM_TEST_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(make_suite)                                        \
	int main(void)                                                \
	{                                                             \
		SRunner *sr;                                          \
		int failed;                                           \
		setenv("CK_DEFAULT_TIMEOUT", "0", 1);                 \
		sr = srunner_create(make_suite());                    \
		srunner_set_fork_status(sr, CK_FORK);                 \
		srunner_run_all(sr, CK_NORMAL);                       \
		failed = srunner_ntests_failed(sr);                   \
		srunner_free(sr);                                     \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;          \
	}

#endif
