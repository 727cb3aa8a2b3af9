/* `greyscan suggest`'s text: comments and entries ready to append to
 * postgrey's whitelist (see gs_suggest_write in suggest.h). */
#include "gs_config.h"

#include "advice/suggest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/duration.h"
#include "base/error.h"
#include "base/sanitize.h"

#define TIME_TEXT_MAX	  32 /* bytes of "2026-11-27 19:00 UTC" and more */
#define DURATION_TEXT_MAX 32

static void format_time(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, outlen, "unknown");
}

static void format_date(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (t <= 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(out, outlen, "%Y-%m-%d", &tm) == 0)
		snprintf(out, outlen, "unknown");
}

static const char *pl(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Whether any group of s has pair evidence (all do in version 2). */
static bool has_evidence(const struct gs_summary *s)
{
	return s->version >= 2;
}

static void write_header(FILE *out, const struct gs_summary *s,
			 const struct gs_candidates *cs,
			 const struct gs_suggest_opts *o)
{
	char gen[TIME_TEXT_MAX], ws[TIME_TEXT_MAX], we[TIME_TEXT_MAX];
	size_t i, n[4] = {0, 0, 0, 0}, listed = 0;

	for (i = 0; i < cs->n_items; i++)
		if (gs_candidate_listed(&cs->items[i])) {
			n[cs->items[i].verdict]++;
			listed++;
		}
	format_time(s->generated, gen, sizeof(gen));
	format_time(s->window_start, ws, sizeof(ws));
	format_time(s->window_end, we, sizeof(we));
	fprintf(out,
		"# greyscan suggest: %zu group(s) greylisted at least %llu "
		"times,\n"
		"# neither whitelisted nor ignored: %zu to whitelist, %zu not "
		"to, %zu needing none.\n"
		"# Summary generated %s, window %s .. %s.\n",
		listed, (unsigned long long)o->threshold,
		n[GS_VERDICT_WHITELIST], n[GS_VERDICT_DO_NOT_WHITELIST],
		n[GS_VERDICT_NOT_NEEDED], gen, ws, we);
	if (has_evidence(s))
		fprintf(out, "# Verdicts from what became of each greylisted "
			     "mail; the host names decide\n"
			     "# for groups with too few of them.\n");
	else
		fprintf(out, "# No pair evidence (version 1 summary): the "
			     "host names decide.\n");
	fprintf(out,
		"# Append the entries to %s, then make\n"
		"# postgrey read it again (Debian 12's postgrey.service has no "
		"reload):\n"
		"#   systemctl kill -s HUP postgrey          # with systemd\n"
		"#   kill -HUP \"$(cat /run/postgrey.pid)\"    # without "
		"systemd\n",
		GS_POSTGREY_WHITELIST_LOCAL);
}

/* The counts and delays of postgrey's own lines. */
static void write_counts(FILE *out, const struct gs_candidate *c)
{
	const struct gs_group_stats *g = c->group;
	uint64_t delayed = g->counts[GS_C_DELAYED];
	char med[DURATION_TEXT_MAX], max[DURATION_TEXT_MAX];

	fprintf(out, "#   %llu greylisted (%llu new, %llu early %s), ",
		(unsigned long long)c->greylisted,
		(unsigned long long)g->counts[GS_C_NEW],
		(unsigned long long)g->counts[GS_C_EARLY_RETRY],
		pl(g->counts[GS_C_EARLY_RETRY], "retry", "retries"));
	if (delayed == 0) {
		fprintf(out, "no delayed pass\n");
		return;
	}
	gs_format_duration(g->delay_median_s, med, sizeof(med));
	gs_format_duration(g->delay_max_s, max, sizeof(max));
	fprintf(out, "%llu delayed %s (median %s, max %s)\n",
		(unsigned long long)delayed, pl(delayed, "pass", "passes"), med,
		max);
}

/* What became of the greylisted mails, and the waits. */
static void write_pairs(FILE *out, const struct gs_candidate *c)
{
	const struct gs_pair_stats *p = &c->group->pairs;
	char med[DURATION_TEXT_MAX], p90[DURATION_TEXT_MAX],
	    max[DURATION_TEXT_MAX];

	fprintf(out,
		"#   %llu greylisted %s followed: %llu came back (%llu from "
		"another network), %llu never did, %llu still open\n",
		(unsigned long long)p->greylisted,
		pl(p->greylisted, "mail", "mails"),
		(unsigned long long)p->returned,
		(unsigned long long)p->other_network,
		(unsigned long long)p->never_returned,
		(unsigned long long)p->pending);
	fprintf(out, "#   %llu passed", (unsigned long long)p->passed);
	if (p->has_wait) {
		gs_format_duration(p->wait_median_s, med, sizeof(med));
		gs_format_duration(p->wait_p90_s, p90, sizeof(p90));
		gs_format_duration(p->wait_max_s, max, sizeof(max));
		fprintf(out, " after waiting %s (median; p90 %s, max %s)", med,
			p90, max);
	}
	fprintf(out, ", %llu never passed\n",
		(unsigned long long)c->never_passed);
}

static void write_stats(FILE *out, const struct gs_candidate *c)
{
	const struct gs_group_stats *g = c->group;
	char first[TIME_TEXT_MAX], last[TIME_TEXT_MAX], ex[GS_GROUP_MAX];

	write_counts(out, c);
	if (g->has_pairs)
		write_pairs(out, c);
	format_time(g->first_seen, first, sizeof(first));
	format_time(g->last_seen, last, sizeof(last));
	fprintf(out, "#   %u %s in %u %s, seen %s .. %s", g->client_addresses,
		pl(g->client_addresses, "address", "addresses"), g->networks,
		pl(g->networks, "network", "networks"), first, last);
	if (g->n_examples > 0 && g->examples[0] != NULL) {
		gs_text_clean(g->examples[0], ex, sizeof(ex));
		fprintf(out, ", e.g. %s", ex);
	}
	fputc('\n', out);
}

static bool entry_written_before(const struct gs_candidates *cs, size_t upto)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (cs->items[i].state == GS_CAND_CANDIDATE &&
		    cs->items[i].verdict == GS_VERDICT_WHITELIST &&
		    strcmp(cs->items[i].entry, cs->items[upto].entry) == 0)
			return true;
	return false;
}

/* The verdict line and the detail under it; without pair evidence at all
 * the header has said why the host names decide, once. */
static void write_verdict(FILE *out, const struct gs_candidate *c,
			  const char *name, bool evidence)
{
	static const char *const lead[] = {
	    [GS_VERDICT_TOO_FEW] = "judge", /* never: the fallback decides */
	    [GS_VERDICT_WHITELIST] = "whitelist",
	    [GS_VERDICT_DO_NOT_WHITELIST] = "do not whitelist",
	    [GS_VERDICT_NOT_NEEDED] = "no need to whitelist",
	};

	fprintf(out, "# %s %s: %s\n", lead[c->verdict], name, c->reason);
	if (c->detail[0] == '\0' || (!c->by_pairs && !evidence))
		return;
	if (c->by_pairs)
		fprintf(out, "#   (%s)\n", c->detail);
	else
		fprintf(out, "#   (judged by the host names: %s)\n", c->detail);
}

/* One listed candidate; returns 1 when its entry was written. */
static int write_candidate(FILE *out, const struct gs_candidates *cs, size_t i,
			   bool evidence, const char *today, const char *ignore)
{
	const struct gs_candidate *c = &cs->items[i];
	char name[GS_GROUP_MAX];

	gs_text_clean(c->group->domain, name, sizeof(name));
	fputc('\n', out);
	write_verdict(out, c, name, evidence);
	write_stats(out, c);
	if (c->verdict != GS_VERDICT_WHITELIST) {
		/* counted by check_greyscan although not to whitelist */
		if (c->state == GS_CAND_CANDIDATE)
			fprintf(out,
				"#   to silence check_greyscan, add %s to %s\n",
				name, ignore);
		return 0;
	}
	if (entry_written_before(cs, i)) {
		fprintf(out, "#   (covered by %s above)\n", c->entry);
		return 0;
	}
	fprintf(out, "#   suggested by greyscan on %s\n%s\n", today, c->entry);
	return 1;
}

int gs_suggest_write(FILE *out, const struct gs_summary *s,
		     const struct gs_whitelist *wl, const struct gs_ignore *ig,
		     const struct gs_suggest_opts *o, time_t now, char *err,
		     size_t errlen)
{
	struct gs_suggest_opts defaults;
	struct gs_candidates cs;
	char today[TIME_TEXT_MAX];
	const char *ignore;
	size_t i;
	int written = 0;

	if (o == NULL) {
		gs_suggest_opts_default(&defaults);
		o = &defaults;
	}
	ignore = o->ignore_file ? o->ignore_file : GS_DEFAULT_IGNORE_FILE;
	if (gs_candidates_select(s, wl, ig, o, &cs, err, errlen) < 0)
		return -1;
	format_date(now, today, sizeof(today));
	write_header(out, s, &cs, o);
	for (i = 0; i < cs.n_items; i++)
		if (gs_candidate_listed(&cs.items[i]))
			written += write_candidate(out, &cs, i, has_evidence(s),
						   today, ignore);
	gs_candidates_free(&cs);
	if (fflush(out) != 0 || ferror(out))
		return gs_seterr(err, errlen, "writing suggestions: %s",
				 strerror(errno));
	return written;
}
