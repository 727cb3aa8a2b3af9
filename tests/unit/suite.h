/* tests/unit/suite.h: the main() every Check unit test program shares.
 *
 * A unit test file defines a function returning its Suite and ends with
 *     GS_TEST_MAIN(NAME_suite)
 * which defines main(): one SRunner runs the Suite with CK_NORMAL output in
 * Check's default fork mode (each test in a child process; CK_FORK=no in
 * the environment turns that off, as for any Check program). Timeouts are
 * each TCase's own (tcase_set_timeout), stretched by CK_TIMEOUT_MULTIPLIER
 * (the sanitizer and valgrind runs set it). A TCase without one gets 60 s
 * instead of Check's 4 (CK_DEFAULT_TIMEOUT, read when a TCase is made,
 * overrides it): timeouts catch hangs, and Check's clock is the wall
 * clock, which a loaded build machine stretches past 4 s for tests that
 * take 2. The program exits EXIT_SUCCESS
 * when every test passed, and EXIT_FAILURE when one failed or when none ran
 * at all (an empty suite proves nothing). */
#ifndef GS_TEST_SUITE_H
#define GS_TEST_SUITE_H

#include <check.h>
#include <stdlib.h>

#define GS_TEST_MAIN(make_suite)                                               \
	int main(void)                                                         \
	{                                                                      \
		SRunner *sr;                                                   \
		int ran;                                                       \
		int failed;                                                    \
                                                                               \
		if (setenv("CK_DEFAULT_TIMEOUT", "60", 0) != 0)                \
			return EXIT_FAILURE;                                   \
		sr = srunner_create(make_suite());                             \
		srunner_run_all(sr, CK_NORMAL);                                \
		ran = srunner_ntests_run(sr);                                  \
		failed = srunner_ntests_failed(sr);                            \
		srunner_free(sr);                                              \
		return ran > 0 && failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;   \
	}

#endif
