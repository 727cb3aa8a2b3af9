/* tests/unit/suite.h: the main() every Check unit test program shares.
 *
 * A unit test file defines a function returning its Suite and ends with
 *     GS_TEST_MAIN(NAME_suite)
 * which defines main(): one SRunner runs the Suite with CK_NORMAL output in
 * Check's default fork mode (each test in a child process; CK_FORK=no in
 * the environment turns that off, as for any Check program). Timeouts are
 * each TCase's own (tcase_set_timeout), stretched by CK_TIMEOUT_MULTIPLIER
 * (the sanitizer and valgrind runs set it). The program exits EXIT_SUCCESS
 * when every test passed, and EXIT_FAILURE when one failed or when none ran
 * at all (an empty suite proves nothing). */
#ifndef GS_TEST_SUITE_H
#define GS_TEST_SUITE_H

#include <check.h>
#include <stdlib.h>

#define GS_TEST_MAIN(make_suite)                                               \
	int main(void)                                                         \
	{                                                                      \
		SRunner *sr = srunner_create(make_suite());                    \
		int ran;                                                       \
		int failed;                                                    \
                                                                               \
		srunner_run_all(sr, CK_NORMAL);                                \
		ran = srunner_ntests_run(sr);                                  \
		failed = srunner_ntests_failed(sr);                            \
		srunner_free(sr);                                              \
		return ran > 0 && failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;   \
	}

#endif
