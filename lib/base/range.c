#include "base/range.h"

#include <stdio.h>
#include <string.h>

#include "base/error.h"

/* Reads a decimal number at *p ([+-]digits[.digits] or [+-].digits) and
 * advances *p past it. Parsed by hand so that the result never depends on
 * the locale's decimal point (strtod would). Returns false when *p does not
 * start with a number. */
static bool parse_number(const char **p, double *out)
{
	const char *s = *p;
	double v = 0.0, scale = 0.1;
	bool negative = false, digits = false;

	if (*s == '+' || *s == '-')
		negative = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits = true)
		v = v * 10.0 + (*s - '0');
	if (*s == '.') {
		s++;
		for (; *s >= '0' && *s <= '9'; s++, digits = true) {
			v += (*s - '0') * scale;
			scale /= 10.0;
		}
	}
	if (!digits)
		return false;
	*out = negative ? -v : v;
	*p = s;
	return true;
}

int gs_range_parse(const char *text, struct gs_range *r, char *err,
		   size_t errlen)
{
	struct gs_range tmp;
	const char *p = text;
	const char *colon;

	if (text == NULL || *text == '\0')
		return gs_seterr(err, errlen, "empty threshold range");
	memset(&tmp, 0, sizeof(tmp));
	if ((size_t)snprintf(tmp.text, sizeof(tmp.text), "%s", text) >=
	    sizeof(tmp.text))
		return gs_seterr(err, errlen,
				 "threshold range '%.20s...' is too long",
				 text);
	if (*p == '@') {
		tmp.inside = true;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {
		/* "N" is "0:N" */
		if (!parse_number(&p, &tmp.end) || *p != '\0')
			goto bad;
	} else {
		if (p == colon && colon[1] == '\0')
			goto bad; /* ":" alone bounds nothing */
		if (p[0] == '~' && p + 1 == colon)
			tmp.start_inf = true;
		else if (p != colon &&
			 (!parse_number(&p, &tmp.start) || p != colon))
			goto bad;
		p = colon + 1;
		if (*p == '\0')
			tmp.end_inf = true;
		else if (!parse_number(&p, &tmp.end) || *p != '\0')
			goto bad;
	}
	if (!tmp.start_inf && !tmp.end_inf && tmp.start > tmp.end)
		return gs_seterr(err, errlen,
				 "threshold range '%s': start is greater than "
				 "end",
				 text);
	*r = tmp;
	return 0;
bad:
	return gs_seterr(err, errlen,
			 "threshold range '%s' is not [@][start:][end] with "
			 "decimal numbers (start may be ~)",
			 text);
}

bool gs_range_alert(const struct gs_range *r, double value)
{
	bool outside;

	outside = (!r->start_inf && value < r->start) ||
		  (!r->end_inf && value > r->end);
	return r->inside ? !outside : outside;
}
