/* A target that crashes on purpose, for tests/fuzz/replay.sh to prove that
 * a crashing input fails the replay: abort() on an input that starts with
 * "crash", nothing otherwise. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 5 && memcmp(data, "crash", 5) == 0)
		abort();
	return 0;
}
