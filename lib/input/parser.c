/* The postgrey message parser: liblognorm does the matching with the
 * rulebase (rules/postgrey.rb), this file checks and maps the fields.
 *
 * Concurrency & locking: a struct gs_rulebase is written only by
 * gs_rulebase_load() and gs_rulebase_free(). gs_parse_message() calls
 * ln_normalize() on the shared ln_ctx from any number of threads without a
 * lock, as rsyslog's mmnormalize does under its read lock. In liblognorm
 * 2.0.6 ln_normalize keeps its state in a per-call block and only reads the
 * parse DAG, with two exceptions: it bumps per-node statistics counters
 * (racy but never read by us), and it shares the matched rule's tag array
 * with the result, taking a reference with json_object_get(), which
 * libfastjson makes atomic. Both are writes to memory every thread parsing
 * with the context shares, hence gs_rulebase_copy. Error and debug callbacks
 * are cleared after loading, so parsing never calls back into this file. The
 * caller must not load or free a rulebase while another thread parses with it
 * (swap under its own lock). */
/* libfastjson renames struct json_object to fjson_object by a macro: include
 * it before parser.h so that the header's declaration means the same type. */
#include <json.h>

#include "input/parser.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <liblognorm.h>

#include "base/addr.h"
#include "base/error.h"

/* Longest message handed to liblognorm: longer ones are not postgrey's and
 * would only cost time. postgrey cuts garbage at 100 bytes and Postfix
 * attributes at 512, so a real line stays far below this. */
#define GS_MSG_MAX_BYTES (64 * 1024)

/* Messages up to this long are copied on the stack for liblognorm. */
#define GS_NUL_COPY_BYTES 1024

/* What ends a sender that a recipient follows (string-to in the rulebase). */
static const char recipient_sep[] = ", recipient=";

/* The rulebase tag of decision lines. */
#define GS_TAG_ACTION "action"

struct gs_rulebase {
	ln_ctx ctx;
	char *path; /* for gs_rulebase_copy */
};

/* The tags of known non-action lines: the kind names gs_parse_message()
 * reports. A tag not listed here makes the line unparsed, so a rulebase
 * edited out of step with this file fails safe. */
static const char *const other_kinds[] = {
    "whitelisted", "startup", "shutdown", "hup",	 "garbage",
    "request",	   "warning", "fatal",	  "maintenance",
};

/* Collects the first error liblognorm reports while loading. */
struct load_errors {
	unsigned count;
	char first[GS_ERRLEN];
};

static void on_load_error(void *cookie, const char *msg, size_t len)
{
	struct load_errors *le = cookie;

	if (le == NULL)
		return;
	if (le->count++ == 0)
		snprintf(le->first, sizeof(le->first), "%.*s",
			 (int)(len < sizeof(le->first) ? len
						       : sizeof(le->first) - 1),
			 msg);
}

static void free_ctx(ln_ctx ctx)
{
	if (ctx != NULL)
		ln_exitCtx(ctx);
}

struct gs_rulebase *gs_rulebase_load(const char *path, char *err, size_t errlen)
{
	struct gs_rulebase *rb = NULL;
	struct load_errors le;
	FILE *probe;
	int r;

	memset(&le, 0, sizeof(le));
	if (path == NULL || *path == '\0') {
		gs_seterr(err, errlen, "rulebase: no file name given");
		goto fail;
	}
	/* liblognorm falls back to $LIBLOGNORM_RULEBASES for a missing file
	 * and reports only through its callback: open it first for a plain
	 * errno message. */
	probe = fopen(path, "r");
	if (probe == NULL) {
		gs_seterr(err, errlen, "rulebase %s: %s", path,
			  strerror(errno));
		goto fail;
	}
	if (fclose(probe) != 0) {
		gs_seterr(err, errlen, "rulebase %s: %s", path,
			  strerror(errno));
		goto fail;
	}
	rb = calloc(1, sizeof(*rb));
	if (rb == NULL || (rb->path = strdup(path)) == NULL) {
		gs_seterr(err, errlen, "rulebase %s: out of memory", path);
		goto fail;
	}
	rb->ctx = ln_initCtx();
	if (rb->ctx == NULL) {
		gs_seterr(err, errlen,
			  "rulebase %s: cannot create a liblognorm context",
			  path);
		goto fail;
	}
	/* liblognorm 2.0.6 hands the error callback the debug cookie, later
	 * versions the error cookie: set both. The debug callback stays NULL,
	 * which keeps debug output off. */
	ln_setErrMsgCB(rb->ctx, on_load_error, &le);
	ln_setDebugCB(rb->ctx, NULL, &le);
	r = ln_loadSamples(rb->ctx, path);
	ln_setErrMsgCB(rb->ctx, NULL, NULL);
	ln_setDebugCB(rb->ctx, NULL, NULL);
	if (le.count > 0) {
		/* liblognorm's text already names the file and line. */
		gs_seterr(err, errlen, "%s%s", le.first,
			  le.count > 1 ? " (and more errors)" : "");
		goto fail;
	}
	if (r != 0) {
		gs_seterr(err, errlen, "rulebase %s: liblognorm cannot load it",
			  path);
		goto fail;
	}
	return rb;

fail:
	gs_rulebase_free(rb);
	return NULL;
}

struct gs_rulebase *gs_rulebase_copy(const struct gs_rulebase *rb, char *err,
				     size_t errlen)
{
	return gs_rulebase_load(rb != NULL ? rb->path : NULL, err, errlen);
}

void gs_rulebase_free(struct gs_rulebase *rb)
{
	if (rb == NULL)
		return;
	free_ctx(rb->ctx);
	free(rb->path);
	free(rb);
}

const char *gs_rulebase_default_path(void)
{
	return GS_PKGDATADIR "/postgrey.rb";
}

/* The raw fields of a decision, before checking. NULL: absent. */
struct fields {
	const char *queue_id, *action, *reason, *delay;
	const char *client_name, *client_address, *sender, *recipient;
};

/* The string value of v, or NULL when it is not a string. */
static const char *string_of(struct json_object *v)
{
	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* The matched rule's tag, from the "event.tags" array, or NULL. */
static const char *tag_of(struct json_object *tags)
{
	if (tags == NULL || !json_object_is_type(tags, json_type_array) ||
	    json_object_array_length(tags) != 1)
		return NULL;
	return string_of(json_object_array_get_idx(tags, 0));
}

/* Where the field named name goes, or NULL when it is not a decision's.
 * By the first letter, so that a name costs one or two comparisons. */
static const char **field_slot(struct fields *f, const char *name)
{
	const char **slot = NULL, **alt = NULL;
	const char *want = NULL, *alt_want = NULL;

	switch (name[0]) {
	case 'a':
		slot = &f->action, want = "action";
		break;
	case 'c':
		slot = &f->client_name, want = "client_name";
		alt = &f->client_address, alt_want = "client_address";
		break;
	case 'd':
		slot = &f->delay, want = "delay";
		break;
	case 'q':
		slot = &f->queue_id, want = "queue_id";
		break;
	case 'r':
		slot = &f->reason, want = "reason";
		alt = &f->recipient, alt_want = "recipient";
		break;
	case 's':
		slot = &f->sender, want = "sender";
		break;
	default:
		return NULL;
	}
	if (strcmp(name, want) == 0)
		return slot;
	if (alt != NULL && strcmp(name, alt_want) == 0)
		return alt;
	return NULL;
}

/* The rule's tag and the decision's string fields, in one pass over the
 * normalised event: a lookup by name would walk its members once per
 * field. (Member names are unique: libfastjson replaces on adding.) */
static const char *read_event(struct json_object *json, struct fields *f)
{
	struct json_object_iterator it = json_object_iter_begin(json);
	struct json_object_iterator end = json_object_iter_end(json);
	struct json_object *tags = NULL;
	const char *name, **slot;

	memset(f, 0, sizeof(*f));
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		name = json_object_iter_peek_name(&it);
		if (name[0] == 'e' && strcmp(name, "event.tags") == 0)
			tags = json_object_iter_peek_value(&it);
		else if ((slot = field_slot(f, name)) != NULL)
			*slot = string_of(json_object_iter_peek_value(&it));
	}
	return tag_of(tags);
}

/* Parses a whole string of decimal digits (at least one, no sign) into
 * *out. false on anything else or overflow. */
static bool parse_seconds(const char *s, long *out)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (LONG_MAX - (*s - '0')) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

/* "early-retry (123s missing)" -> 123. */
static bool parse_early_retry(const char *reason, long *missing_s)
{
	static const char prefix[] = "early-retry (";
	static const char suffix[] = "s missing)";
	const size_t plen = sizeof(prefix) - 1, slen = sizeof(suffix) - 1;
	size_t len = strlen(reason);
	char digits[24];
	size_t n;

	if (len <= plen + slen || strncmp(reason, prefix, plen) != 0 ||
	    strcmp(reason + len - slen, suffix) != 0)
		return false;
	n = len - plen - slen;
	if (n >= sizeof(digits))
		return false;
	memcpy(digits, reason + plen, n);
	digits[n] = '\0';
	return parse_seconds(digits, missing_s);
}

/* Maps action= and reason= (and whether delay= was there) to a counter.
 * Only the combinations postgrey 1.37 writes are accepted. */
static bool classify(const char *action, const char *reason, bool has_delay,
		     enum gs_counter *c, long *missing_s)
{
	if (strcmp(action, "greylist") == 0) {
		if (has_delay)
			return false;
		if (strcmp(reason, "new") == 0) {
			*c = GS_C_NEW;
			return true;
		}
		if (parse_early_retry(reason, missing_s)) {
			*c = GS_C_EARLY_RETRY;
			return true;
		}
		return false;
	}
	if (strcmp(action, "pass") != 0)
		return false;
	if (strcmp(reason, "triplet found") == 0) {
		*c = has_delay ? GS_C_DELAYED : GS_C_PASSED;
		return true;
	}
	if (has_delay)
		return false;
	if (strcmp(reason, "client whitelist") == 0)
		*c = GS_C_WHITELISTED;
	else if (strcmp(reason, "recipient whitelist") == 0)
		*c = GS_C_RECIPIENT_WL;
	else if (strcmp(reason, "client AWL") == 0)
		*c = GS_C_AWL;
	else
		return false;
	return true;
}

/* A Postfix queue id as the rulebase may capture it: non-empty, no white
 * space. */
static bool valid_queue_id(const char *q)
{
	if (*q == '\0')
		return false;
	for (; *q != '\0'; q++)
		if (isspace((unsigned char)*q))
			return false;
	return true;
}

/* Checks the fields of a decision and fills ev. postgrey leaves empty
 * fields out, so an empty sender or recipient is not its line; nor is
 * "sender=, recipient=...", which the rulebase reads as a sender. */
static bool fill_event(const struct fields *f, struct gs_event *ev)
{
	struct gs_addr addr;

	if (f->action == NULL || f->reason == NULL || f->client_name == NULL ||
	    f->client_address == NULL || *f->client_name == '\0')
		return false;
	if (!gs_addr_parse(f->client_address, &addr))
		return false;
	if (f->queue_id != NULL && !valid_queue_id(f->queue_id))
		return false;
	if ((f->sender != NULL &&
	     (*f->sender == '\0' || strncmp(f->sender, recipient_sep,
					    sizeof(recipient_sep) - 1) == 0)) ||
	    (f->recipient != NULL && *f->recipient == '\0'))
		return false;
	if (f->delay != NULL && !parse_seconds(f->delay, &ev->delay_s))
		return false;
	if (!classify(f->action, f->reason, f->delay != NULL, &ev->counter,
		      &ev->missing_s))
		return false;
	ev->queue_id = f->queue_id;
	ev->client_name = f->client_name;
	ev->client_address = f->client_address;
	ev->sender = f->sender;
	ev->recipient = f->recipient;
	return true;
}

/* --- entry points --- */

static const char *other_kind(const char *tag)
{
	size_t i;

	for (i = 0; i < sizeof(other_kinds) / sizeof(other_kinds[0]); i++)
		if (strcmp(tag, other_kinds[i]) == 0)
			return other_kinds[i];
	return NULL;
}

static void clear(struct gs_parsed *out)
{
	memset(out, 0, sizeof(*out));
	out->ev.host = "";
	out->ev.delay_s = -1;
	out->ev.missing_s = -1;
}

static enum gs_parse_result parse_with_rulebase(const struct gs_rulebase *rb,
						const char *msg, size_t len,
						struct gs_parsed *out)
{
	struct json_object *json = NULL;
	char local[GS_NUL_COPY_BYTES], *copy = local;
	struct fields f;
	const char *tag;
	int r;

	/* liblognorm 2.0.6 reads the message as a C string (an unparsed
	 * message is copied with strlen, string-to looks one byte past the
	 * end): hand it a NUL-terminated copy. */
	if (len >= sizeof(local)) {
		copy = malloc(len + 1);
		if (copy == NULL)
			return GS_PARSE_UNPARSED;
	}
	memcpy(copy, msg, len);
	copy[len] = '\0';
	r = ln_normalize(rb->ctx, copy, len, &json);
	if (copy != local)
		free(copy);
	if (r != 0 || !json_object_is_type(json, json_type_object))
		goto unparsed;
	tag = read_event(json, &f);
	if (tag == NULL)
		goto unparsed;
	out->json = json;
	if (strcmp(tag, GS_TAG_ACTION) == 0) {
		if (!fill_event(&f, &out->ev))
			goto unparsed;
		return GS_PARSE_ACTION;
	}
	out->other = other_kind(tag);
	if (out->other == NULL)
		goto unparsed;
	return GS_PARSE_OTHER;

unparsed:
	if (json != NULL)
		json_object_put(json);
	clear(out);
	return GS_PARSE_UNPARSED;
}

enum gs_parse_result gs_parse_message(const struct gs_rulebase *rb,
				      const char *msg, size_t len,
				      struct gs_parsed *out)
{
	if (out == NULL)
		return GS_PARSE_UNPARSED;
	clear(out);
	if (rb == NULL || msg == NULL)
		return GS_PARSE_UNPARSED;
	/* rsyslog's %msg% keeps the space after the tag. */
	while (len > 0 && (*msg == ' ' || *msg == '\t')) {
		msg++;
		len--;
	}
	if (len == 0 || len > GS_MSG_MAX_BYTES)
		return GS_PARSE_UNPARSED;
	/* postgrey never logs a NUL byte, and liblognorm would see only the
	 * text before it: "..., sender=x\0, recipient=..." would pass as a
	 * decision without a recipient. (rsyslog escapes NUL on reception;
	 * a log file read by greyscan scan may hold one.) */
	if (memchr(msg, '\0', len) != NULL)
		return GS_PARSE_UNPARSED;
	return parse_with_rulebase(rb, msg, len, out);
}

void gs_parsed_release(struct gs_parsed *out)
{
	if (out == NULL)
		return;
	if (out->json != NULL)
		json_object_put(out->json);
	memset(out, 0, sizeof(*out));
}
