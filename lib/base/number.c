#include "base/number.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool gs_parse_ulong(const char *text, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	char *end;
	unsigned long v;

	/* strtoul alone would accept " 1", "+1" and "-1" (as ULONG_MAX). */
	if (text == NULL || text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool gs_parse_duration(const char *text, uint32_t min_s, uint32_t max_s,
		       uint32_t *out)
{
	char num[32];
	size_t len;
	unsigned long v, unit;

	if (text == NULL)
		return false;
	len = strlen(text);
	if (len == 0 || len >= sizeof(num))
		return false;
	memcpy(num, text, len + 1);
	switch (num[len - 1]) {
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	default:
		unit = 0;
	}
	if (unit != 0)
		num[len - 1] = '\0';
	else
		unit = 1;
	if (!gs_parse_ulong(num, 0, max_s, &v) || v > max_s / unit ||
	    v * unit < min_s)
		return false;
	*out = (uint32_t)(v * unit);
	return true;
}
