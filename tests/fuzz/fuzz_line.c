/* libFuzzer target: log lines as rsyslog writes them, through the one
 * ingest path the scan and the module use (lib/ingest/ingest.h): framing,
 * gs_parse_message with the real rules/postgrey.rb, a small group cache
 * (so its replacement runs) and gs_tally_add into a small tally (64
 * groups, so eviction runs), with a snapshot now and then.
 *
 * The input is split at '\n' into lines. The tally (and the ingest that
 * counts into it) lives across inputs, as the module's does across
 * messages, and is renewed every RENEW_INPUTS inputs; a crash in the tally
 * may therefore need the inputs before it, which libFuzzer keeps in its
 * corpus. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/ingest.h"
#include "input/group.h"
#include "input/parser.h"
#include "summary/summary.h"
#include "tally/tally.h"

#define MAX_GROUPS	64
#define SNAPSHOT_INPUTS 64	   /* a snapshot every so many inputs */
#define RENEW_INPUTS	4096	   /* a new tally every so many inputs */
#define REF_TIME	1795000000 /* Nov 2026: year inference */
#define CACHE_SLOTS	64	   /* group cache entries */

static struct gs_rulebase *rb;
static struct gs_grouper *grouper;
static struct gs_tally *tally;
static struct gs_ingest *ingest;
static unsigned long inputs;

static void renew_tally(void)
{
	struct gs_tally_config cfg = {GS_DEFAULT_WINDOW_S, MAX_GROUPS};
	char err[256];

	gs_ingest_free(ingest);
	gs_tally_free(tally);
	tally = gs_tally_new(&cfg, err, sizeof(err));
	ingest = tally != NULL ? gs_ingest_new(grouper, tally, CACHE_SLOTS, err,
					       sizeof(err))
			       : NULL;
	if (ingest == NULL) {
		fprintf(stderr, "fuzz_line: %s\n", err);
		abort();
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *rules = getenv("GS_FUZZ_RULES");
	char err[512];

	rb = gs_rulebase_load(rules != NULL ? rules : "rules/postgrey.rb", err,
			      sizeof(err));
	grouper = gs_grouper_new(GS_GROUP_REGISTRABLE, 0, err, sizeof(err));
	if (rb == NULL || grouper == NULL) {
		fprintf(stderr, "fuzz_line: %s (set GS_FUZZ_RULES)\n", err);
		abort();
	}
	renew_tally();
	return 0;
}

static void feed_line(const char *line, size_t len)
{
	struct gs_ingest_result r;

	gs_ingest_line(ingest, rb, line, len, REF_TIME, &r);
	gs_ingest_result_release(&r);
}

static void snapshot(void)
{
	struct gs_summary s;
	char err[256];

	memset(&s, 0, sizeof(s));
	if (gs_tally_snapshot(tally, REF_TIME, &s, err, sizeof(err)) == 0)
		gs_summary_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t start = 0, i;

	for (i = 0; i <= size; i++) {
		char *line;
		size_t len;

		if (i < size && data[i] != '\n')
			continue;
		/* Each line in a buffer of its exact length, without a NUL:
		 * the line functions take a length, and ASan then catches
		 * any read past it. */
		len = i - start;
		line = malloc(len > 0 ? len : 1);
		if (line == NULL)
			return 0;
		if (len > 0)
			memcpy(line, data + start, len);
		feed_line(line, len);
		free(line);
		start = i + 1;
	}
	inputs++;
	if (inputs % SNAPSHOT_INPUTS == 0)
		snapshot();
	if (inputs % RENEW_INPUTS == 0)
		renew_tally();
	return 0;
}
