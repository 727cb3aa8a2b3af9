/* The postgrey message parser: a liblognorm v2 rulebase (rules/postgrey.rb)
 * turns the message text of one postgrey log line into a struct gs_event.
 *
 * Concurrency: a loaded rulebase is not changed by greyscan after
 * gs_rulebase_load() and may be used by gs_parse_message() from any number
 * of threads at once. But liblognorm's ln_normalize writes while it parses:
 * it counts every visit in the nodes of its parse DAG and takes a reference
 * on the matched rule's tag array. Threads that share a rulebase thus write
 * the same cache lines for every message, which costs more than a third of
 * the CPU with two threads (bench/README.md): a thread that parses much
 * takes its own copy (gs_rulebase_copy). Loading and freeing are not
 * concurrent with parsing: the caller swaps rulebases under its own lock
 * (see the module). */
#ifndef GS_PARSER_H
#define GS_PARSER_H

#include <stddef.h>

#include "input/event.h"

struct json_object;
struct gs_rulebase;

enum gs_parse_result {
	GS_PARSE_ACTION,   /* an action= decision: out->ev is filled */
	GS_PARSE_OTHER,	   /* a known non-action line (whitelisted:, start-up,
			      HUP, garbage, WARNING, FATAL, ...) */
	GS_PARSE_UNPARSED, /* not a line postgrey 1.37 writes */
};

struct gs_parsed {
	struct gs_event ev;	  /* strings point into json */
	struct json_object *json; /* liblognorm's result, owned; NULL if none */
	const char *other;	  /* GS_PARSE_OTHER: the line kind's name
				     ("whitelisted", "startup", "hup", ...) */
};

/* Loads a rulebase file. Returns NULL and fills err (naming the file) when it
 * cannot be read or has errors. Free with gs_rulebase_free(). */
struct gs_rulebase *gs_rulebase_load(const char *path, char *err,
				     size_t errlen);
/* A rulebase of its own for another thread: rb's file loaded again (so it
 * is the same rulebase unless the file changed since). NULL with err as
 * for gs_rulebase_load. */
struct gs_rulebase *gs_rulebase_copy(const struct gs_rulebase *rb, char *err,
				     size_t errlen);
void gs_rulebase_free(struct gs_rulebase *rb);

/* The bundled rulebase's installed path (under the package data directory). */
const char *gs_rulebase_default_path(void);

/* Parses the message text of a postgrey line: what follows "postgrey[PID]:",
 * with or without leading white space, exactly as rsyslog's %msg% hands it.
 * len excludes any trailing newline; a message with a NUL byte in it is
 * unparsed (postgrey never writes one). On GS_PARSE_ACTION and GS_PARSE_OTHER
 * the caller must call gs_parsed_release(out); on GS_PARSE_UNPARSED out holds
 * nothing that needs releasing (release is still safe). ev.time and ev.host
 * are left 0 and "" for the caller to fill. */
enum gs_parse_result gs_parse_message(const struct gs_rulebase *rb,
				      const char *msg, size_t len,
				      struct gs_parsed *out);

/* Releases out->json and clears out. Safe on a zeroed struct. */
void gs_parsed_release(struct gs_parsed *out);

#endif
