/* The heap bytes in use, for the unit tests that prove memory stays
 * bounded. mallinfo2() reads glibc's allocator, which a sanitizer build
 * replaces (under ASan it reports zeros, and such a test would pass or fail
 * whatever the code does): there the sanitizer allocator's count is read. */
#ifndef GS_TEST_HEAP_H
#define GS_TEST_HEAP_H

#include <stddef.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GS_TEST_SANITIZER_HEAP 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GS_TEST_SANITIZER_HEAP 1
#endif

#ifdef GS_TEST_SANITIZER_HEAP
/* From <sanitizer/allocator_interface.h>, which gcc does not install. */
size_t __sanitizer_get_current_allocated_bytes(void);

static inline size_t gs_test_heap_bytes(void)
{
	return __sanitizer_get_current_allocated_bytes();
}
#else
#include <malloc.h>

static inline size_t gs_test_heap_bytes(void)
{
	return mallinfo2().uordblks;
}
#endif

#endif
