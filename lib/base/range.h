/* Nagios threshold ranges, as the Monitoring Plugins development guidelines
 * define them:
 *   "10"     alert when the value is < 0 or > 10
 *   "10:"    alert when the value is < 10
 *   "~:10"   alert when the value is > 10 (no lower bound)
 *   "10:20"  alert when the value is < 10 or > 20
 *   "@10:20" alert when the value is >= 10 and <= 20 (inside, inclusive)
 * An empty start (":10") means 0. Numbers are decimal, optionally signed,
 * with an optional fraction written with '.', whatever the locale. Pure
 * functions, safe from any thread. */
#ifndef GS_RANGE_H
#define GS_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#define GS_RANGE_TEXT_MAX 64 /* bytes of the range as given, NUL included */

struct gs_range {
	double start;	/* lower bound, ignored when start_inf */
	double end;	/* upper bound, ignored when end_inf */
	bool start_inf; /* "~": no lower bound */
	bool end_inf;	/* "10:": no upper bound */
	bool inside;	/* "@": alert inside the range instead of outside */
	char text[GS_RANGE_TEXT_MAX]; /* as given, for perfdata */
};

/* Parses text into r. Returns -1 with err naming the text and what is wrong
 * for NULL or empty text, trailing garbage, a number that is not decimal,
 * start greater than end, or text longer than GS_RANGE_TEXT_MAX - 1 bytes;
 * r is then unchanged. */
int gs_range_parse(const char *text, struct gs_range *r, char *err,
		   size_t errlen);

/* True when value is one that the range alerts on. */
bool gs_range_alert(const struct gs_range *r, double value);

#endif
