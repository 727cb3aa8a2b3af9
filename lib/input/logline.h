/* Framing of whole log-file lines: the timestamp, the reporting host, the
 * program tag and the message text, for the two formats rsyslog writes:
 *   traditional:        "Nov 27 18:43:14 mx1 postgrey[11982]: action=..."
 *   RSYSLOG_FileFormat: "2026-11-27T18:43:14.123456+01:00 mx1 postgrey[11982]:
 * ..." The traditional format has no year; it is inferred (gs_infer_year).
 * Lines of other programs are recognised cheaply and skipped before
 * liblognorm sees anything. No allocation; the only state is a cache the
 * caller may pass (one per thread), so the functions are safe from any
 * thread. */
#ifndef GS_LOGLINE_H
#define GS_LOGLINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum gs_line_kind {
	GS_LINE_POSTGREY,  /* a postgrey line: out is filled */
	GS_LINE_OTHER,	   /* a well-formed line of another program */
	GS_LINE_MALFORMED, /* no recognisable timestamp/host/tag framing */
};

struct gs_logline {
	time_t time;	  /* UTC seconds */
	const char *host; /* points into the line, not NUL-terminated */
	size_t host_len;
	const char *msg; /* message text after "postgrey[PID]:" and one space */
	size_t msg_len;
};

/* Splits one line (without its newline). ref is the time the year of a
 * traditional timestamp is inferred against: the file's modification time
 * when scanning a file. Traditional timestamps are taken as local time. */
enum gs_line_kind gs_logline_split(const char *line, size_t len, time_t ref,
				   struct gs_logline *out);

/* What gs_logline_split_cached() remembers between lines: the date year
 * inference works from, and the UTC start of the last minute converted in
 * each format, so that a line whose minute is the last one's converts its
 * time without the C library. Its fields are private. It assumes that the
 * local time zone does not change while it is in use. */
struct gs_ref_date {
	int year, month, day;
};

struct gs_logline_cache {
	time_t ref;
	struct gs_ref_date ref_date;
	int64_t local_minute, utc_minute;
	time_t local_base, utc_base;
	int ref_ok, local_ok, utc_ok;
};

/* Empties a cache (a zeroed one is empty too). */
void gs_logline_cache_init(struct gs_logline_cache *cache);

/* gs_logline_split() with a cache (NULL: none), which one thread at a time
 * may use; the result is the same. */
enum gs_line_kind gs_logline_split_cached(const char *line, size_t len,
					  time_t ref,
					  struct gs_logline_cache *cache,
					  struct gs_logline *out);

/* The year for a month (1-12) and day without one, logged no later than ref
 * (plus one day of clock skew): ref's year, or the year before when that
 * would put the date after ref. This carries a December line read in January
 * into the old year. */
int gs_infer_year(int month, int day, time_t ref);

#endif
