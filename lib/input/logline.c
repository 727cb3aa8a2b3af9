/* Framing of log-file lines: timestamp, host, program tag, message.
 * Everything is checked by position; no allocation. The program tag is
 * looked at before any time conversion, so lines of other programs cost a
 * few byte comparisons, and with a cache the lines of one minute convert
 * their time once. The only state is the caller's cache. */
#include "input/logline.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define GS_YEAR_SKEW_S	    86400 /* a line may be up to a day ahead of ref */
#define TRAD_STAMP_LEN	    15	  /* "Nov 27 18:43:14" */
#define RFC3339_MIN_LEN	    20	  /* "2026-11-27T18:43:14Z" */
#define MAX_FRACTION_DIGITS 9

static const char program[] = "postgrey";

/* The parts of a timestamp, before conversion. */
struct stamp {
	int year; /* 0 for the traditional format (inferred later) */
	int month, day, hour, min, sec;
	long offset_s; /* RFC 3339 offset east of UTC */
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Two digits at p into *out. */
static bool two_digits(const char *p, int *out)
{
	if (!is_digit(p[0]) || !is_digit(p[1]))
		return false;
	*out = (p[0] - '0') * 10 + (p[1] - '0');
	return true;
}

static bool is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31};

	return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

static bool valid_clock(const struct stamp *s)
{
	/* 60: a leap second, which RFC 3339 allows. */
	return s->hour <= 23 && s->min <= 59 && s->sec <= 60;
}

/* True when the month name at p continues with the two letters of rest. */
static bool name_ends(const char *p, const char rest[2])
{
	return p[1] == rest[0] && p[2] == rest[1];
}

/* "Jan".."Dec" -> 1..12, 0 otherwise. By the first letter, so that a name
 * costs one to three comparisons: every line's timestamp comes here. */
static int month_number(const char *p)
{
	switch (p[0]) {
	case 'J':
		return name_ends(p, "an")   ? 1
		       : name_ends(p, "un") ? 6
		       : name_ends(p, "ul") ? 7
					    : 0;
	case 'F':
		return name_ends(p, "eb") ? 2 : 0;
	case 'M':
		return name_ends(p, "ar") ? 3 : name_ends(p, "ay") ? 5 : 0;
	case 'A':
		return name_ends(p, "pr") ? 4 : name_ends(p, "ug") ? 8 : 0;
	case 'S':
		return name_ends(p, "ep") ? 9 : 0;
	case 'O':
		return name_ends(p, "ct") ? 10 : 0;
	case 'N':
		return name_ends(p, "ov") ? 11 : 0;
	case 'D':
		return name_ends(p, "ec") ? 12 : 0;
	default:
		return 0;
	}
}

/* "Nov 27 18:43:14" or "Nov  7 18:43:14" (also "Nov 07"). */
static bool parse_traditional(const char *p, size_t len, struct stamp *s)
{
	if (len < TRAD_STAMP_LEN || p[3] != ' ' || p[6] != ' ' || p[9] != ':' ||
	    p[12] != ':')
		return false;
	s->year = 0;
	s->offset_s = 0;
	s->month = month_number(p);
	if (s->month == 0)
		return false;
	if (p[4] == ' ' && is_digit(p[5]))
		s->day = p[5] - '0';
	else if (!two_digits(p + 4, &s->day))
		return false;
	if (!two_digits(p + 7, &s->hour) || !two_digits(p + 10, &s->min) ||
	    !two_digits(p + 13, &s->sec))
		return false;
	/* The day is checked against its month once the year is known. */
	return s->day >= 1 && s->day <= 31 && valid_clock(s);
}

/* "2026-11-27T18:43:14[.ffffff](Z|+01:00)"; *used gets its length. */
static bool parse_rfc3339(const char *p, size_t len, struct stamp *s,
			  size_t *used)
{
	int hi, lo, oh, om;
	size_t i;

	if (len < RFC3339_MIN_LEN || p[4] != '-' || p[7] != '-' ||
	    p[10] != 'T' || p[13] != ':' || p[16] != ':')
		return false;
	if (!two_digits(p, &hi) || !two_digits(p + 2, &lo) ||
	    !two_digits(p + 5, &s->month) || !two_digits(p + 8, &s->day) ||
	    !two_digits(p + 11, &s->hour) || !two_digits(p + 14, &s->min) ||
	    !two_digits(p + 17, &s->sec))
		return false;
	s->year = hi * 100 + lo;
	if (s->year < 1970 || s->month < 1 || s->month > 12 || s->day < 1 ||
	    s->day > days_in_month(s->year, s->month) || !valid_clock(s))
		return false;
	i = 19;
	if (i < len && p[i] == '.') {
		size_t start = ++i;

		while (i < len && is_digit(p[i]))
			i++;
		if (i == start || i - start > MAX_FRACTION_DIGITS)
			return false;
	}
	if (i < len && p[i] == 'Z') {
		s->offset_s = 0;
		*used = i + 1;
		return true;
	}
	if (i + 6 > len || (p[i] != '+' && p[i] != '-') || p[i + 3] != ':' ||
	    !two_digits(p + i + 1, &oh) || !two_digits(p + i + 4, &om) ||
	    oh > 23 || om > 59)
		return false;
	s->offset_s = (p[i] == '-' ? -1L : 1L) * (oh * 3600L + om * 60L);
	*used = i + 6;
	return true;
}

/* Splits "HOST TAG: MSG" (what follows the timestamp and its space). */
static enum gs_line_kind split_rest(const char *p, size_t len,
				    struct gs_logline *out)
{
	const char *end = p + len;
	const char *host = p, *q;

	while (p < end && *p != ' ')
		p++;
	if (p == host || p == end)
		return GS_LINE_MALFORMED;
	out->host = host;
	out->host_len = (size_t)(p - host);
	p++;
	if (p == end)
		return GS_LINE_MALFORMED;
	if ((size_t)(end - p) < sizeof(program) - 1 ||
	    memcmp(p, program, sizeof(program) - 1) != 0)
		return GS_LINE_OTHER;
	q = p + sizeof(program) - 1;
	if (q == end)
		return GS_LINE_MALFORMED; /* cut off after the name */
	if (*q == '[') {
		const char *pid = ++q;

		while (q < end && is_digit(*q))
			q++;
		if (q == pid || q == end || *q != ']')
			return GS_LINE_MALFORMED;
		q++;
		if (q == end || *q != ':')
			return GS_LINE_MALFORMED;
	} else if (*q != ':') {
		/* "postgreyfoo:" is another program; "postgrey x" has no tag
		 * at all. */
		return *q == ' ' ? GS_LINE_MALFORMED : GS_LINE_OTHER;
	}
	q++;
	if (q < end && *q == ' ')
		q++;
	out->msg = q;
	out->msg_len = (size_t)(end - q);
	return GS_LINE_POSTGREY;
}

/* A wall-clock minute as one number: the cache's key. */
static int64_t minute_key(const struct stamp *s)
{
	int64_t day = ((int64_t)s->year * 16 + s->month) * 32 + s->day;

	return (day * 32 + s->hour) * 64 + s->min;
}

/* The fields as if they were UTC. */
static bool fields_as_utc(const struct stamp *s, time_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = s->year - 1900;
	tm.tm_mon = s->month - 1;
	tm.tm_mday = s->day;
	tm.tm_hour = s->hour;
	tm.tm_min = s->min;
	tm.tm_sec = s->sec;
	*out = timegm(&tm);
	return *out != (time_t)-1;
}

/* RFC 3339 fields carry their offset: no zone is involved, so a minute's
 * start plus the seconds is exact, leap second included. */
static bool utc_from_rfc3339(const struct stamp *s,
			     struct gs_logline_cache *cache, time_t *out)
{
	struct stamp start = *s;
	int64_t key;
	time_t t;

	if (cache == NULL) {
		if (!fields_as_utc(s, &t))
			return false;
		*out = t - s->offset_s;
		return true;
	}
	key = minute_key(s);
	if (!cache->utc_ok || cache->utc_minute != key) {
		start.sec = 0;
		cache->utc_ok = fields_as_utc(&start, &cache->utc_base);
		if (!cache->utc_ok)
			return false;
		cache->utc_minute = key;
	}
	*out = cache->utc_base + s->sec - s->offset_s;
	return true;
}

/* Local wall-clock time to UTC. Not mktime(): with TZ unset, glibc's
 * mktime() stats the zone file on every call, a system call per line. The
 * fields are taken as UTC, then the zone's offset at that instant is
 * subtracted, and once more the offset at the corrected instant, in case a
 * DST change lies between. A time that falls into a DST gap or overlap gets
 * one of its possible readings. */
static bool local_to_utc(const struct stamp *s, time_t *out)
{
	struct tm local;
	time_t as_utc, t;
	int i;

	if (!fields_as_utc(s, &as_utc))
		return false;
	t = as_utc;
	for (i = 0; i < 2; i++) {
		if (localtime_r(&t, &local) == NULL)
			return false;
		t = as_utc - local.tm_gmtoff;
	}
	*out = t;
	return true;
}

/* local_to_utc() through the cache. Zones change their offset at whole
 * minutes, so every second of a minute converts alike and the minute's
 * start is kept. A minute whose first and last second do not convert 59 s
 * apart has a change inside (offsets in seconds, as some zones had before
 * 1972): its seconds are converted one by one, as is a leap second, which
 * may belong to the next minute's offset. */
static bool local_to_utc_cached(const struct stamp *s,
				struct gs_logline_cache *cache, time_t *out)
{
	struct stamp first = *s, last = *s;
	int64_t key = minute_key(s);
	time_t t0, t59;

	if (cache->local_ok && cache->local_minute == key && s->sec < 60) {
		*out = cache->local_base + s->sec;
		return true;
	}
	if (s->sec == 60)
		return local_to_utc(s, out);
	first.sec = 0;
	last.sec = 59;
	cache->local_ok = false;
	if (!local_to_utc(&first, &t0) || !local_to_utc(&last, &t59))
		return false;
	if (t59 - t0 != 59)
		return local_to_utc(s, out);
	cache->local_ok = true;
	cache->local_minute = key;
	cache->local_base = t0;
	*out = t0 + s->sec;
	return true;
}

/* The date ref + GS_YEAR_SKEW_S falls on, in local time. */
static bool ref_date_of(time_t ref, struct gs_ref_date *out)
{
	time_t limit = ref + GS_YEAR_SKEW_S;
	struct tm lim;

	if (localtime_r(&limit, &lim) == NULL)
		return false;
	out->year = lim.tm_year + 1900;
	out->month = lim.tm_mon + 1;
	out->day = lim.tm_mday;
	return true;
}

static int infer_year(const struct gs_ref_date *lim, int month, int day)
{
	int year = lim->year, tries;

	if (month > lim->month || (month == lim->month && day > lim->day))
		year--;
	/* A 29 February goes back to the last leap year (at most 8 years,
	 * across a century). */
	for (tries = 0; month == 2 && day == 29 && !is_leap(year) && tries < 8;
	     tries++)
		year--;
	return year;
}

static bool utc_from_local(struct stamp *s, time_t ref,
			   struct gs_logline_cache *cache, time_t *out)
{
	struct gs_ref_date own, *lim = &own;

	if (cache != NULL) {
		if (!cache->ref_ok || cache->ref != ref) {
			cache->ref_ok = ref_date_of(ref, &cache->ref_date);
			cache->ref = ref;
		}
		lim = &cache->ref_date;
		s->year =
		    cache->ref_ok ? infer_year(lim, s->month, s->day) : 1970;
	} else {
		s->year = ref_date_of(ref, lim)
			      ? infer_year(lim, s->month, s->day)
			      : 1970;
	}
	if (s->day > days_in_month(s->year, s->month))
		return false;
	return cache != NULL ? local_to_utc_cached(s, cache, out)
			     : local_to_utc(s, out);
}

enum gs_line_kind gs_logline_split_cached(const char *line, size_t len,
					  time_t ref,
					  struct gs_logline_cache *cache,
					  struct gs_logline *out)
{
	struct stamp s;
	enum gs_line_kind kind;
	size_t used;
	bool ok;

	if (out == NULL)
		return GS_LINE_MALFORMED;
	memset(out, 0, sizeof(*out));
	if (line == NULL || len == 0)
		return GS_LINE_MALFORMED;
	if (is_digit(line[0])) {
		if (!parse_rfc3339(line, len, &s, &used))
			return GS_LINE_MALFORMED;
	} else {
		if (!parse_traditional(line, len, &s))
			return GS_LINE_MALFORMED;
		used = TRAD_STAMP_LEN;
	}
	if (used >= len || line[used] != ' ')
		return GS_LINE_MALFORMED;
	kind = split_rest(line + used + 1, len - used - 1, out);
	if (kind != GS_LINE_POSTGREY) {
		memset(out, 0, sizeof(*out));
		return kind;
	}
	/* Only postgrey's lines pay for the time conversion. */
	ok = s.year != 0 ? utc_from_rfc3339(&s, cache, &out->time)
			 : utc_from_local(&s, ref, cache, &out->time);
	if (!ok) {
		memset(out, 0, sizeof(*out));
		return GS_LINE_MALFORMED;
	}
	return GS_LINE_POSTGREY;
}

enum gs_line_kind gs_logline_split(const char *line, size_t len, time_t ref,
				   struct gs_logline *out)
{
	return gs_logline_split_cached(line, len, ref, NULL, out);
}

void gs_logline_cache_init(struct gs_logline_cache *cache)
{
	memset(cache, 0, sizeof(*cache));
}

int gs_infer_year(int month, int day, time_t ref)
{
	struct gs_ref_date lim;

	if (!ref_date_of(ref, &lim))
		return 1970;
	return infer_year(&lim, month, day);
}
