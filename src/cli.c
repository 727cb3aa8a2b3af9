/* The command's shared option handling: see cli.h. */
#include "gs_config.h"

#include "cli.h"

#include <stdint.h>
#include <string.h>

#include "base/number.h"

void advice_args_init(struct advice_args *a)
{
	memset(a, 0, sizeof(*a));
	gs_suggest_opts_default(&a->sopts);
}

int advice_option(int c, const char *arg, struct advice_args *a)
{
	unsigned long v;

	switch (c) {
	case 'W':
		if (a->n_wl == MAX_WHITELISTS)
			return bad_usage("%s", "too many --whitelist");
		a->wl_paths[a->n_wl++] = arg;
		return -1;
	case 'i':
		a->ignore_path = arg;
		a->sopts.ignore_file = arg;
		return -1;
	case 'n':
	case 't':
		if (!gs_parse_ulong(arg, 1, UINT32_MAX, &v))
			return bad_usage(c == 'n'
					     ? "invalid --min-greylisted '%s'"
					     : "invalid --threshold '%s'",
					 arg);
		a->sopts.threshold = v;
		return -1;
	default:
		return -2;
	}
}
