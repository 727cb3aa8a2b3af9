/* libFuzzer target: bytes as a state file, loaded (gs_state_load) into an
 * empty tally of 64 groups and 64 pairs, which is then summarised, so that
 * whatever the loader let through is also used. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "state/state.h"
#include "summary/summary.h"
#include "tally/tally.h"

#define MAX_GROUPS 64
#define MAX_PAIRS  64
#define NOW	   1795000000 /* Nov 2026 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = gs_fuzz_write_input(data, size);
	struct gs_tally_config cfg = {GS_DEFAULT_WINDOW_S, MAX_GROUPS,
				      MAX_PAIRS,
				      GS_PAIRS_DEFAULT_RETRY_WINDOW_S};
	struct gs_summary s;
	struct gs_tally *t;
	char err[512];
	int found;

	t = gs_tally_new(&cfg, err, sizeof(err));
	if (t == NULL)
		abort();
	if (gs_state_load(t, path, &found, err, sizeof(err)) == 0) {
		memset(&s, 0, sizeof(s));
		if (gs_tally_snapshot(t, NOW, &s, err, sizeof(err)) == 0)
			gs_summary_free(&s);
	}
	gs_tally_free(t);
	return 0;
}
