/* Helpers shared by the libFuzzer targets: a private temporary directory
 * and writing one input into a file there, since the loaders under test
 * take paths. Not part of the library. */
#ifndef GS_FUZZ_COMMON_H
#define GS_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* The path of a file in a private directory made on first use (the same
 * path every call), with data written to it; aborts on failure, since a
 * fuzz run without its file tests nothing. */
const char *gs_fuzz_write_input(const uint8_t *data, size_t size);

#endif
