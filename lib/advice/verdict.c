/* The verdict from a group's pair figures (see verdict.h). */
#include "gs_config.h"

#include "advice/verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/duration.h"

#define DURATION_MAX 32
/* Figures above this are taken as this: no log holds 10^12 mails, and the
 * rule's products (at most 1000 times a figure) stay far below 2^64. */
#define FIGURE_MAX ((unsigned long long)1 << 40)

/* The figures the rule uses, clamped consistent. */
struct evidence {
	unsigned long long returned, other, passed, stuck, never, pending;
	unsigned long long n;	    /* returned + never + pending */
	unsigned long long decided; /* passed + stuck */
	const struct gs_pair_figures *f;
};

static unsigned long long min_u(unsigned long long a, unsigned long long b)
{
	return a < b ? a : b;
}

static unsigned long long fig(uint64_t x)
{
	return min_u(x, FIGURE_MAX);
}

static void gather(const struct gs_pair_figures *f, struct evidence *e)
{
	e->f = f;
	e->returned = fig(f->returned);
	e->other = min_u(fig(f->other_network), e->returned);
	e->passed = min_u(fig(f->passed), e->returned);
	e->never = min_u(fig(f->never_returned), fig(f->expired));
	/* Expired after coming back: returned pairs that never passed. */
	e->stuck = min_u(fig(f->expired) - e->never, e->returned - e->passed);
	e->pending = fig(f->pending);
	e->n = e->returned + e->never + e->pending;
	e->decided = e->passed + e->stuck;
}

static enum gs_verdict say(enum gs_verdict v, char *reason, size_t len,
			   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum gs_verdict say(enum gs_verdict v, char *reason, size_t len,
			   const char *fmt, ...)
{
	va_list ap;

	if (reason != NULL && len > 0) {
		va_start(ap, fmt);
		vsnprintf(reason, len, fmt, ap);
		va_end(ap);
	}
	return v;
}

/* Steps 1 to 4: is there enough evidence, and did the mail come back?
 * Returns true with *v set when the verdict falls here. */
static bool judge_return(const struct evidence *e, enum gs_verdict *v,
			 char *reason, size_t len)
{
	if (e->n < GS_VERDICT_MIN_PAIRS)
		*v = say(GS_VERDICT_TOO_FEW, reason, len,
			 "only %llu greylisted mails followed (%d needed)",
			 e->n, GS_VERDICT_MIN_PAIRS);
	else if (2 * e->never > e->n && e->pending > 0)
		*v = say(GS_VERDICT_DO_NOT_WHITELIST, reason, len,
			 "%llu of %llu greylisted mails never came back "
			 "(%llu still within the retry window)",
			 e->never, e->n, e->pending);
	else if (2 * e->never > e->n)
		*v = say(GS_VERDICT_DO_NOT_WHITELIST, reason, len,
			 "%llu of %llu greylisted mails never came back",
			 e->never, e->n);
	else if (2 * e->returned < e->n)
		*v = say(GS_VERDICT_TOO_FEW, reason, len,
			 "%llu of %llu greylisted mails are still within the "
			 "retry window (%llu came back, %llu never did)",
			 e->pending, e->n, e->returned, e->never);
	else if (e->decided < GS_VERDICT_MIN_PAIRS)
		*v = say(GS_VERDICT_TOO_FEW, reason, len,
			 "%llu of %llu greylisted mails came back, but only "
			 "%llu passed or expired so far (%d needed)",
			 e->returned, e->n, e->decided, GS_VERDICT_MIN_PAIRS);
	else
		return false;
	return true;
}

static bool suffers(const struct evidence *e)
{
	return (e->f->has_wait &&
		e->f->wait_p90_s >= GS_VERDICT_SUFFER_P90_S) ||
	       1000 * e->stuck >= GS_VERDICT_NEVER_PASSED_PERMILLE * e->decided;
}

/* Step 5: a pool's returns come from other networks. */
static enum gs_verdict judge_pool(const struct evidence *e, char *reason,
				  size_t len)
{
	char med[DURATION_MAX], p90[DURATION_MAX], wait[3 * DURATION_MAX];
	unsigned long long share = 100 * e->other / e->returned;

	wait[0] = '\0';
	if (e->f->has_wait) {
		gs_format_duration(e->f->wait_median_s, med, sizeof(med));
		gs_format_duration(e->f->wait_p90_s, p90, sizeof(p90));
		snprintf(wait, sizeof(wait), "%s (p90 %s)", med, p90);
	}
	if (!suffers(e) && !e->f->has_wait)
		return say(GS_VERDICT_NOT_NEEDED, reason, len,
			   "%llu%% came back from another network, but %llu "
			   "of %llu passed",
			   share, e->passed, e->decided);
	if (!suffers(e))
		return say(GS_VERDICT_NOT_NEEDED, reason, len,
			   "%llu%% came back from another network, but mail "
			   "passes after %s",
			   share, wait);
	if (!e->f->has_wait)
		return say(GS_VERDICT_WHITELIST, reason, len,
			   "%llu%% came back from another network; %llu "
			   "never passed",
			   share, e->stuck);
	if (e->stuck == 0)
		return say(GS_VERDICT_WHITELIST, reason, len,
			   "%llu%% came back from another network; median "
			   "wait %s",
			   share, wait);
	return say(GS_VERDICT_WHITELIST, reason, len,
		   "%llu%% came back from another network; median wait %s, "
		   "%llu never passed",
		   share, wait, e->stuck);
}

/* Step 6: a single server's returns come from its own network. */
static enum gs_verdict judge_single(const struct evidence *e, char *reason,
				    size_t len)
{
	char med[DURATION_MAX];

	if (2 * e->passed < e->decided)
		return say(GS_VERDICT_DO_NOT_WHITELIST, reason, len,
			   "mail comes back from the same network, but %llu "
			   "of %llu never passed",
			   e->stuck, e->decided);
	if (!e->f->has_wait)
		return say(GS_VERDICT_NOT_NEEDED, reason, len,
			   "mail comes back from the same network and "
			   "passes; postgrey's auto-whitelist takes over");
	gs_format_duration(e->f->wait_median_s, med, sizeof(med));
	return say(GS_VERDICT_NOT_NEEDED, reason, len,
		   "mail comes back from the same network and passes after "
		   "%s; postgrey's auto-whitelist takes over",
		   med);
}

enum gs_verdict gs_verdict_judge(const struct gs_pair_figures *f, char *reason,
				 size_t reasonlen)
{
	struct evidence e;
	enum gs_verdict v;

	gather(f, &e);
	if (judge_return(&e, &v, reason, reasonlen))
		return v;
	if (2 * e.other >= e.returned)
		return judge_pool(&e, reason, reasonlen);
	return judge_single(&e, reason, reasonlen);
}

void gs_verdict_figures(const struct gs_pair_stats *st,
			struct gs_pair_figures *f)
{
	uint64_t seen = st->returned > UINT64_MAX - st->never_returned
			    ? UINT64_MAX
			    : st->returned + st->never_returned;

	memset(f, 0, sizeof(*f));
	f->returned = st->returned;
	f->other_network = st->other_network;
	f->passed = st->passed;
	f->expired = st->expired;
	f->never_returned = st->never_returned;
	f->pending = st->greylisted > seen ? st->greylisted - seen : 0;
	f->has_wait = st->has_wait;
	f->wait_median_s = st->wait_median_s;
	f->wait_p90_s = st->wait_p90_s;
}

uint64_t gs_verdict_never_passed(const struct gs_pair_figures *f)
{
	struct evidence e;

	gather(f, &e);
	return e.stuck;
}

const char *gs_verdict_name(enum gs_verdict v)
{
	switch (v) {
	case GS_VERDICT_WHITELIST:
		return "whitelist";
	case GS_VERDICT_DO_NOT_WHITELIST:
		return "do-not-whitelist";
	case GS_VERDICT_NOT_NEEDED:
		return "not-needed";
	case GS_VERDICT_TOO_FEW:
		break;
	}
	return "too-few";
}
