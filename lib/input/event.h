/* One postgrey decision, as the parser extracts it and the tally counts it.
 * The strings are borrowed: they belong to whoever filled the event (the
 * parser's result) and stay valid only until that owner is released. */
#ifndef GS_EVENT_H
#define GS_EVENT_H

#include <time.h>

/* What a decision counts as. The names are the summary file's field names. */
enum gs_counter {
	GS_C_NEW,	  /* action=greylist, reason=new */
	GS_C_EARLY_RETRY, /* action=greylist, reason=early-retry (Ns missing) */
	GS_C_DELAYED,	  /* action=pass, reason=triplet found, with delay= */
	GS_C_PASSED,	  /* action=pass, reason=triplet found, no delay= */
	GS_C_WHITELISTED, /* action=pass, reason=client whitelist */
	GS_C_RECIPIENT_WL, /* action=pass, reason=recipient whitelist */
	GS_C_AWL,	   /* action=pass, reason=client AWL */
	GS_C_COUNT
};

struct gs_event {
	time_t time;	  /* the log line's own timestamp, UTC seconds */
	const char *host; /* reporting syslog host (the MX), "" if unknown */
	enum gs_counter counter;
	long delay_s;		 /* delay= in seconds, or -1 when absent */
	long missing_s;		 /* early-retry's "Ns missing", or -1 */
	const char *client_name; /* as logged, "unknown" without reverse DNS */
	const char *client_address; /* as logged (IPv4 or IPv6 text) */
	const char *sender;	    /* NULL when postgrey left it out */
	const char *recipient;	    /* NULL when postgrey left it out */
	const char *queue_id;	    /* NULL without a "QUEUEID: " prefix */
};

/* The summary file's name for a counter ("new", "early_retry", "delayed",
 * "passed", "whitelisted", "recipient_whitelisted", "awl"). */
const char *gs_counter_name(enum gs_counter c);

#endif
