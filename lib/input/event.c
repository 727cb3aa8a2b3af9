#include "input/event.h"

const char *gs_counter_name(enum gs_counter c)
{
	static const char *const names[GS_C_COUNT] = {
	    [GS_C_NEW] = "new",
	    [GS_C_EARLY_RETRY] = "early_retry",
	    [GS_C_DELAYED] = "delayed",
	    [GS_C_PASSED] = "passed",
	    [GS_C_WHITELISTED] = "whitelisted",
	    [GS_C_RECIPIENT_WL] = "recipient_whitelisted",
	    [GS_C_AWL] = "awl",
	};

	return (unsigned)c < GS_C_COUNT ? names[c] : "invalid";
}
