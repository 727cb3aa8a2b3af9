/* Durations for people (see duration.h). */
#include "gs_config.h"

#include "base/duration.h"

#include <stdio.h>

#define MINUTE_S 60
#define HOUR_S	 3600
#define DAY_S	 86400

void gs_format_duration(uint64_t s, char *out, size_t outlen)
{
	unsigned long long v = s;

	if (v < MINUTE_S)
		snprintf(out, outlen, "%llus", v);
	else if (v < HOUR_S)
		snprintf(out, outlen, "%llum%02llus", v / MINUTE_S,
			 v % MINUTE_S);
	else if (v < DAY_S)
		snprintf(out, outlen, "%lluh%02llum", v / HOUR_S,
			 v % HOUR_S / MINUTE_S);
	else
		snprintf(out, outlen, "%llud%02lluh", v / DAY_S,
			 v % DAY_S / HOUR_S);
}
