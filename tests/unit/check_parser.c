/* Unit tests of the postgrey message parser (lib/parser.c) with the bundled
 * rulebase (rules/postgrey.rb). Every line shape postgrey 1.37 writes is
 * parsed; near misses must come back unparsed. */
#include <json.h>

#include "input/parser.h"

#include <check.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/addr.h"
#include "base/error.h"
#include "sanitizers/heap.h"
#include "suite.h"

#define RULEBASE      GS_TEST_SRCDIR "/rules/postgrey.rb"
#define MAX_MSG_BYTES (64 * 1024)

static struct gs_rulebase *rb;
static struct gs_parsed p; /* gs_parse_message's result */

static void setup(void)
{
	char err[GS_ERRLEN] = "";

	rb = gs_rulebase_load(RULEBASE, err, sizeof(err));
	ck_assert_msg(rb != NULL, "cannot load rulebase: %s", err);
	memset(&p, 0, sizeof(p));
}

static void teardown(void)
{
	gs_parsed_release(&p);
	gs_rulebase_free(rb);
	rb = NULL;
}

static enum gs_parse_result parse_len(const char *msg, size_t len)
{
	gs_parsed_release(&p);
	return gs_parse_message(rb, msg, len, &p);
}

static enum gs_parse_result parse(const char *msg)
{
	return parse_len(msg, strlen(msg));
}

static void assert_action(const char *msg, enum gs_counter c)
{
	ck_assert_msg(parse(msg) == GS_PARSE_ACTION, "not an action: %s", msg);
	ck_assert_int_eq(p.ev.counter, c);
}

static void assert_other(const char *msg, const char *kind)
{
	ck_assert_msg(parse(msg) == GS_PARSE_OTHER, "not other: %s", msg);
	ck_assert_ptr_nonnull(p.other);
	ck_assert_str_eq(p.other, kind);
}

static void assert_unparsed(const char *msg)
{
	ck_assert_msg(parse(msg) == GS_PARSE_UNPARSED, "parsed: %s", msg);
	ck_assert_ptr_null(p.json);
}

/* --- loading --- */

START_TEST(test_parser_loads_bundled_rulebase)
{
	ck_assert_ptr_nonnull(rb);
}
END_TEST

START_TEST(test_parser_load_missing_file_names_it)
{
	char err[GS_ERRLEN] = "";
	struct gs_rulebase *r;

	r = gs_rulebase_load("/nonexistent/greyscan.rb", err, sizeof(err));
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/greyscan.rb"));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

START_TEST(test_parser_load_null_path_fails)
{
	char err[GS_ERRLEN] = "";

	ck_assert_ptr_null(gs_rulebase_load(NULL, err, sizeof(err)));
	ck_assert_str_ne(err, "");
}
END_TEST

/* A copy is the same rulebase, loaded apart: it parses as the original
 * does, and outlives it. */
START_TEST(test_parser_copy_parses_as_the_original)
{
	static const char msg[] =
	    "action=greylist, reason=new, client_name=a.example.com, "
	    "client_address=192.0.2.1, sender=s@example.com, "
	    "recipient=r@example.org";
	char err[GS_ERRLEN] = "";
	struct gs_rulebase *copy = gs_rulebase_copy(rb, err, sizeof(err));
	struct gs_parsed q;

	ck_assert_msg(copy != NULL, "no copy: %s", err);
	ck_assert_ptr_ne(copy, rb);
	gs_rulebase_free(rb);
	rb = NULL;
	ck_assert_int_eq(gs_parse_message(copy, msg, strlen(msg), &q),
			 GS_PARSE_ACTION);
	ck_assert_int_eq(q.ev.counter, GS_C_NEW);
	ck_assert_str_eq(q.ev.client_name, "a.example.com");
	ck_assert_str_eq(q.ev.recipient, "r@example.org");
	gs_parsed_release(&q);
	gs_rulebase_free(copy);
}
END_TEST

START_TEST(test_parser_copy_of_nothing_fails)
{
	char err[GS_ERRLEN] = "";

	ck_assert_ptr_null(gs_rulebase_copy(NULL, err, sizeof(err)));
	ck_assert_str_ne(err, "");
}
END_TEST

/* A rulebase with an unknown field type: liblognorm only reports it
 * through its callback, which must turn into a load failure naming the
 * file and line. */
START_TEST(test_parser_load_bad_rule_reports_file_and_line)
{
	char dir[] = "/tmp/check_parser.XXXXXX";
	char path[256], err[GS_ERRLEN] = "";
	struct gs_rulebase *r;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.rb", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("version=2\nrule=x:ok %a:word%\nrule=x:%b:nosuchtype%\n", f);
	ck_assert_int_eq(fclose(f), 0);
	r = gs_rulebase_load(path, err, sizeof(err));
	unlink(path);
	rmdir(dir);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(err, path) != NULL, "no file in: %s", err);
	ck_assert_msg(strstr(err, "[3]") != NULL, "no line in: %s", err);
}
END_TEST

START_TEST(test_parser_default_path_is_under_pkgdatadir)
{
	const char *path = gs_rulebase_default_path();

	ck_assert_str_eq(path, GS_PKGDATADIR "/postgrey.rb");
	ck_assert_int_eq(
	    strncmp(path, GS_PKGDATADIR "/", strlen(GS_PKGDATADIR "/")), 0);
}
END_TEST

/* --- decisions --- */

START_TEST(test_parser_greylist_new_fills_every_field)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=mail-a.example.com, "
		      "client_address=192.0.2.10, sender=bob@example.com, "
		      "recipient=alice@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.client_name, "mail-a.example.com");
	ck_assert_str_eq(p.ev.client_address, "192.0.2.10");
	ck_assert_str_eq(p.ev.sender, "bob@example.com");
	ck_assert_str_eq(p.ev.recipient, "alice@example.org");
	ck_assert_ptr_null(p.ev.queue_id);
	ck_assert_int_eq(p.ev.delay_s, -1);
	ck_assert_int_eq(p.ev.missing_s, -1);
	ck_assert_int_eq(p.ev.time, 0);
	ck_assert_str_eq(p.ev.host, "");
	ck_assert_ptr_null(p.other);
	ck_assert_ptr_nonnull(p.json);
}
END_TEST

START_TEST(test_parser_early_retry_gives_missing_seconds)
{
	assert_action("action=greylist, reason=early-retry (217s missing), "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b@example.com, recipient=c@example.org",
		      GS_C_EARLY_RETRY);
	ck_assert_int_eq(p.ev.missing_s, 217);
	ck_assert_int_eq(p.ev.delay_s, -1);
}
END_TEST

START_TEST(test_parser_triplet_found_with_delay_is_delayed)
{
	assert_action("action=pass, reason=triplet found, delay=312, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b@example.com, recipient=c@example.org",
		      GS_C_DELAYED);
	ck_assert_int_eq(p.ev.delay_s, 312);
	ck_assert_int_eq(p.ev.missing_s, -1);
	ck_assert_str_eq(p.ev.client_name, "a.example.com");
}
END_TEST

START_TEST(test_parser_triplet_found_without_delay_is_passed)
{
	assert_action("action=pass, reason=triplet found, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b@example.com, recipient=c@example.org",
		      GS_C_PASSED);
	ck_assert_int_eq(p.ev.delay_s, -1);
}
END_TEST

START_TEST(test_parser_client_whitelist_is_whitelisted)
{
	assert_action("action=pass, reason=client whitelist, "
		      "client_name=mail-x.outbound.protection.outlook.com, "
		      "client_address=40.107.1.2, sender=b@example.com, "
		      "recipient=c@example.org",
		      GS_C_WHITELISTED);
}
END_TEST

START_TEST(test_parser_recipient_whitelist_is_recipient_wl)
{
	assert_action("action=pass, reason=recipient whitelist, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b@example.com, recipient=postmaster@example.org",
		      GS_C_RECIPIENT_WL);
}
END_TEST

START_TEST(test_parser_client_awl_is_awl)
{
	assert_action("action=pass, reason=client AWL, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b@example.com, recipient=c@example.org",
		      GS_C_AWL);
}
END_TEST

START_TEST(test_parser_queue_id_prefix_is_kept)
{
	assert_action("4373477A3B: action=pass, reason=triplet found, "
		      "delay=65, client_name=a.example.com, "
		      "client_address=192.0.2.1, sender=b@example.com, "
		      "recipient=c@example.org",
		      GS_C_DELAYED);
	ck_assert_str_eq(p.ev.queue_id, "4373477A3B");
	ck_assert_int_eq(p.ev.delay_s, 65);
}
END_TEST

START_TEST(test_parser_long_queue_id_is_kept)
{
	assert_action("4Xk3Zq1Fv8z9sTR: action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b@example.com, recipient=c@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.queue_id, "4Xk3Zq1Fv8z9sTR");
}
END_TEST

START_TEST(test_parser_bounce_without_sender)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "recipient=c@example.org",
		      GS_C_NEW);
	ck_assert_ptr_null(p.ev.sender);
	ck_assert_str_eq(p.ev.recipient, "c@example.org");
}
END_TEST

START_TEST(test_parser_data_stage_without_recipient)
{
	assert_action("action=pass, reason=triplet found, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b@example.com",
		      GS_C_PASSED);
	ck_assert_str_eq(p.ev.sender, "b@example.com");
	ck_assert_ptr_null(p.ev.recipient);
}
END_TEST

START_TEST(test_parser_without_sender_and_recipient)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.client_address, "192.0.2.1");
	ck_assert_ptr_null(p.ev.sender);
	ck_assert_ptr_null(p.ev.recipient);
}
END_TEST

START_TEST(test_parser_comma_in_quoted_sender)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=\"smith, john\"@example.org, "
		      "recipient=c@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.sender, "\"smith, john\"@example.org");
	ck_assert_str_eq(p.ev.recipient, "c@example.org");
}
END_TEST

START_TEST(test_parser_comma_in_sender_without_recipient)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=\"smith, john\"@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.sender, "\"smith, john\"@example.org");
	ck_assert_ptr_null(p.ev.recipient);
}
END_TEST

START_TEST(test_parser_comma_in_quoted_recipient)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=\"doe, jane\"@example.com, "
		      "recipient=\"smith, john\"@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.sender, "\"doe, jane\"@example.com");
	ck_assert_str_eq(p.ev.recipient, "\"smith, john\"@example.org");
}
END_TEST

START_TEST(test_parser_keeps_double_percent_as_logged)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1, "
		      "sender=b%%c@example.com, recipient=100%%@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.sender, "b%%c@example.com");
	ck_assert_str_eq(p.ev.recipient, "100%%@example.org");
}
END_TEST

START_TEST(test_parser_keeps_raw_utf8)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=mail.b\xc3\xbc"
		      "cher.example, client_address=192.0.2.1, "
		      "sender=j\xc3\xbcrgen@b\xc3\xbc"
		      "cher.example, recipient=c@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.client_name, "mail.b\xc3\xbc"
					   "cher.example");
	ck_assert_str_eq(p.ev.sender, "j\xc3\xbcrgen@b\xc3\xbc"
				      "cher.example");
}
END_TEST

/* Without -d postgrey writes to standard error through Net::Server, which
 * turns bytes outside printable ASCII into %XX. */
START_TEST(test_parser_keeps_stderr_hex_escapes)
{
	assert_action("action=greylist, reason=new, client_name=unknown, "
		      "client_address=2001:db8::1, recipient=%C3%BC@x.de",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.recipient, "%C3%BC@x.de");
}
END_TEST

START_TEST(test_parser_ipv6_client)
{
	assert_action("action=greylist, reason=new, "
		      "client_name=mail.example.net, "
		      "client_address=2001:db8:1:2::25, sender=b@example.net, "
		      "recipient=c@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.client_address, "2001:db8:1:2::25");
}
END_TEST

START_TEST(test_parser_ipv4_mapped_ipv6_client)
{
	assert_action("action=greylist, reason=new, client_name=unknown, "
		      "client_address=::ffff:192.0.2.7, sender=b@example.net",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.client_address, "::ffff:192.0.2.7");
}
END_TEST

START_TEST(test_parser_unknown_client_name)
{
	assert_action("action=greylist, reason=new, client_name=unknown, "
		      "client_address=198.51.100.77, sender=b@example.net, "
		      "recipient=c@example.org",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.client_name, "unknown");
}
END_TEST

START_TEST(test_parser_trims_leading_white_space)
{
	assert_action(" action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1",
		      GS_C_NEW);
	assert_action(" \t action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1",
		      GS_C_NEW);
	assert_other(" HUP received: reloading whitelists...", "hup");
}
END_TEST

START_TEST(test_parser_uses_len_not_nul)
{
	const char *msg = "action=greylist, reason=new, client_name=a.b.c, "
			  "client_address=192.0.2.1, sender=x@y.z";

	/* Cut before ", sender=": the sender is not seen. */
	ck_assert_int_eq(parse_len(msg, strlen(msg) - 14), GS_PARSE_ACTION);
	ck_assert_str_eq(p.ev.client_address, "192.0.2.1");
	ck_assert_ptr_null(p.ev.sender);
}
END_TEST

/* A NUL byte inside the message: never postgrey's. liblognorm reads C
 * strings, so without the check the text before the NUL would pass as a
 * decision without its recipient (or with a cut sender). */
START_TEST(test_parser_nul_byte_is_unparsed)
{
	static const char msg[] =
	    "action=greylist, reason=new, "
	    "client_name=a.example.com, "
	    "client_address=192.0.2.1, sender=x\0y@z.example, "
	    "recipient=r@example.net";
	static const char at_end[] = "action=greylist, reason=new, "
				     "client_name=a.example.com, "
				     "client_address=192.0.2.1\0";

	ck_assert_int_eq(parse_len(msg, sizeof(msg) - 1), GS_PARSE_UNPARSED);
	ck_assert_ptr_null(p.json);
	ck_assert_int_eq(parse_len(at_end, sizeof(at_end) - 1),
			 GS_PARSE_UNPARSED);
	/* The same text without the NUL is a decision. */
	ck_assert_int_eq(parse_len(at_end, sizeof(at_end) - 2),
			 GS_PARSE_ACTION);
}
END_TEST

/* A decision as long as allowed still parses; one byte more does not. */
START_TEST(test_parser_message_length_limit)
{
	static const char head[] = "action=greylist, reason=new, "
				   "client_name=a.example.com, "
				   "client_address=192.0.2.1, recipient=";
	size_t hlen = sizeof(head) - 1;
	char *msg = malloc(MAX_MSG_BYTES + 2);

	ck_assert_ptr_nonnull(msg);
	memcpy(msg, head, hlen);
	memset(msg + hlen, 'r', MAX_MSG_BYTES + 1 - hlen);
	msg[MAX_MSG_BYTES + 1] = '\0';
	ck_assert_int_eq(parse_len(msg, MAX_MSG_BYTES), GS_PARSE_ACTION);
	ck_assert_uint_eq(strlen(p.ev.recipient), MAX_MSG_BYTES - hlen);
	ck_assert_int_eq(parse_len(msg, MAX_MSG_BYTES + 1), GS_PARSE_UNPARSED);
	ck_assert_ptr_null(p.json);
	free(msg);
}
END_TEST

/* A message that ends right before an unreadable page, with no NUL after
 * it: only len bytes may be read, on every path (liblognorm itself treats
 * its input as a C string). */
START_TEST(test_parser_reads_only_len_bytes)
{
	static const char *const msgs[] = {
	    "action=greylist, reason=new, client_name=a.example.com, "
	    "client_address=192.0.2.1, sender=b@example.com",
	    "HUP received: reloading whitelists...",
	    "not a postgrey message",
	    "action=greylist, reason=new, client_name=a.example.com, "
	    "client_address=192.0.2.1, sender=b",
	};
	long page = sysconf(_SC_PAGESIZE);
	char *mem;
	size_t i;

	mem = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(mem, MAP_FAILED);
	ck_assert_int_eq(mprotect(mem + page, (size_t)page, PROT_NONE), 0);
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		size_t len = strlen(msgs[i]);
		char *at = mem + page - len;

		memcpy(at, msgs[i], len);
		(void)parse_len(at, len);
	}
	ck_assert_int_eq(munmap(mem, (size_t)page * 2), 0);
}
END_TEST

/* --- decisions that are not postgrey's --- */

START_TEST(test_parser_unknown_action_is_unparsed)
{
	assert_unparsed("action=reject, reason=new, client_name=a.example.com, "
			"client_address=192.0.2.1");
	assert_unparsed("action=Greylist, reason=new, "
			"client_name=a.example.com, client_address=192.0.2.1");
}
END_TEST

START_TEST(test_parser_unknown_reason_is_unparsed)
{
	assert_unparsed("action=greylist, reason=triplet found, "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=pass, reason=new, client_name=a.example.com, "
			"client_address=192.0.2.1");
	assert_unparsed("action=pass, reason=client awl, "
			"client_name=a.example.com, client_address=192.0.2.1");
}
END_TEST

START_TEST(test_parser_bad_early_retry_is_unparsed)
{
	assert_unparsed("action=greylist, reason=early-retry (xs missing), "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=greylist, reason=early-retry (s missing), "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=greylist, reason=early-retry (-5s missing), "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=greylist, reason=early-retry (5s), "
			"client_name=a.example.com, client_address=192.0.2.1");
}
END_TEST

START_TEST(test_parser_non_numeric_delay_is_unparsed)
{
	assert_unparsed("action=pass, reason=triplet found, delay=abc, "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=pass, reason=triplet found, delay=-3, "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=pass, reason=triplet found, delay=12s, "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=pass, reason=triplet found, "
			"delay=99999999999999999999999, "
			"client_name=a.example.com, client_address=192.0.2.1");
}
END_TEST

START_TEST(test_parser_delay_outside_triplet_found_is_unparsed)
{
	assert_unparsed("action=greylist, reason=new, delay=5, "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=pass, reason=client AWL, delay=5, "
			"client_name=a.example.com, client_address=192.0.2.1");
}
END_TEST

START_TEST(test_parser_missing_client_name_is_unparsed)
{
	assert_unparsed("action=greylist, reason=new, "
			"client_address=192.0.2.1, sender=b@example.com");
}
END_TEST

START_TEST(test_parser_missing_client_address_is_unparsed)
{
	assert_unparsed("action=greylist, reason=new, "
			"client_name=a.example.com, sender=b@example.com");
	assert_unparsed("action=greylist, reason=new, "
			"client_name=a.example.com");
}
END_TEST

START_TEST(test_parser_bad_client_address_is_unparsed)
{
	assert_unparsed("action=greylist, reason=new, "
			"client_name=a.example.com, client_address=nowhere");
	assert_unparsed(
	    "action=greylist, reason=new, "
	    "client_name=a.example.com, client_address=192.0.2.300");
	/* An unknown field after the address is not a sender. */
	assert_unparsed("action=greylist, reason=new, "
			"client_name=a.example.com, client_address=192.0.2.1, "
			"helo=x");
}
END_TEST

START_TEST(test_parser_fields_out_of_order_are_unparsed)
{
	assert_unparsed("reason=new, action=greylist, "
			"client_name=a.example.com, client_address=192.0.2.1");
	assert_unparsed("action=greylist, reason=new, "
			"client_address=192.0.2.1, client_name=a.example.com");
}
END_TEST

START_TEST(test_parser_without_comma_separators_is_unparsed)
{
	assert_unparsed("action=greylist reason=new client_name=a.example.com "
			"client_address=192.0.2.1");
}
END_TEST

START_TEST(test_parser_queue_id_with_space_is_unparsed)
{
	assert_unparsed("ABC DEF: action=greylist, reason=new, "
			"client_name=a.example.com, client_address=192.0.2.1");
}
END_TEST

START_TEST(test_parser_garbage_is_unparsed)
{
	assert_unparsed("hello world");
	assert_unparsed("connect from unknown[192.0.2.1]");
	assert_unparsed("action=");
	assert_unparsed("\x01\x02\xff");
}
END_TEST

START_TEST(test_parser_empty_and_blank_are_unparsed)
{
	assert_unparsed("");
	assert_unparsed("   ");
}
END_TEST

START_TEST(test_parser_null_input_is_unparsed)
{
	gs_parsed_release(&p);
	ck_assert_int_eq(gs_parse_message(rb, NULL, 5, &p), GS_PARSE_UNPARSED);
	ck_assert_int_eq(gs_parse_message(NULL, "x", 1, &p), GS_PARSE_UNPARSED);
	ck_assert_int_eq(gs_parse_message(rb, "x", 1, NULL), GS_PARSE_UNPARSED);
}
END_TEST

/* --- known lines that are not decisions --- */

START_TEST(test_parser_whitelisted_client_is_other)
{
	assert_other("whitelisted: mail.example.org[192.0.2.1]", "whitelisted");
	assert_other("whitelisted: "
		     "mx.example.net[2001:0DB8:0000:0000:0000:0000:0000:0025]",
		     "whitelisted");
	assert_other("whitelisted: 192.0.2.1", "whitelisted");
}
END_TEST

START_TEST(test_parser_process_backgrounded_is_startup)
{
	assert_other("Process Backgrounded", "startup");
}
END_TEST

START_TEST(test_parser_starting_is_startup)
{
	assert_other("2026/11/27-19:08:14 postgrey (type "
		     "Net::Server::Multiplex) starting! pid(29594)",
		     "startup");
}
END_TEST

START_TEST(test_parser_binding_is_startup)
{
	assert_other("Binding to TCP port 10023 on host 127.0.0.1 with IPv4",
		     "startup");
	assert_other("Binding to UNIX socket file \"/var/run/postgrey\"",
		     "startup");
}
END_TEST

START_TEST(test_parser_setting_gid_and_uid_are_startup)
{
	assert_other("Setting gid to \"107 107\"", "startup");
	assert_other("Setting uid to \"104\"", "startup");
}
END_TEST

START_TEST(test_parser_server_closing_is_shutdown)
{
	assert_other("2026/11/27-19:08:22 Server closing!", "shutdown");
}
END_TEST

START_TEST(test_parser_couldnt_unlink_is_shutdown)
{
	assert_other("Couldn't unlink \"/var/run/postgrey.pid\" "
		     "[No such file or directory]",
		     "shutdown");
}
END_TEST

START_TEST(test_parser_hup_is_hup)
{
	assert_other("HUP received: reloading whitelists...", "hup");
}
END_TEST

START_TEST(test_parser_ignoring_garbage_is_garbage)
{
	assert_other("ignoring garbage: <garbage line>", "garbage");
}
END_TEST

START_TEST(test_parser_unrecognized_request_is_request)
{
	assert_other("unrecognized request type: ''", "request");
	assert_other("unrecognized request type: 'foo'", "request");
}
END_TEST

START_TEST(test_parser_warning_is_warning)
{
	assert_other("WARNING: attribute missing: recipient", "warning");
}
END_TEST

START_TEST(test_parser_fatal_is_fatal)
{
	assert_other("FATAL: ERROR: locked: /var/lib/postgrey/postgrey.lock",
		     "fatal");
}
END_TEST

START_TEST(test_parser_maintenance_is_maintenance)
{
	assert_other("cleaning up old logs...", "maintenance");
	assert_other("cleaning up old entries...", "maintenance");
	assert_other("cleaning main database finished. before: 1234, "
		     "after: 1000",
		     "maintenance");
	assert_other("cleaning clients database finished. before: 12, "
		     "after: 10",
		     "maintenance");
	assert_other("rm /var/lib/postgrey/log.0000000001", "maintenance");
}
END_TEST

START_TEST(test_parser_exiting_is_shutdown)
{
	assert_other("Exiting!", "shutdown");
}
END_TEST

START_TEST(test_parser_other_near_misses_are_unparsed)
{
	assert_unparsed("HUP received");
	assert_unparsed("whitelisted:");
	assert_unparsed("Process Backgrounded now");
	assert_unparsed("postgrey starting! pid(12)");
	assert_unparsed("2026/11/27-19:08:14 postgrey starting! pid(x)");
	assert_unparsed("Server closing!");
	assert_unparsed("warning: something");
}
END_TEST

/* --- ownership --- */

START_TEST(test_parser_release_clears_and_is_repeatable)
{
	struct gs_parsed zero;

	memset(&zero, 0, sizeof(zero));
	gs_parsed_release(&zero);
	gs_parsed_release(NULL);
	assert_action("action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1",
		      GS_C_NEW);
	gs_parsed_release(&p);
	ck_assert_ptr_null(p.json);
	ck_assert_ptr_null(p.ev.client_name);
	gs_parsed_release(&p);
}
END_TEST

/* --- shapes at the edge of the rulebase --- */

/* A queue id that spells a word of another rule is that rule's line. */
START_TEST(test_parser_word_prefix_before_action_is_that_rule)
{
	assert_other("WARNING: action=greylist, reason=new, "
		     "client_name=a.example.com, client_address=192.0.2.1",
		     "warning");
	assert_other("FATAL: action=greylist, reason=new, "
		     "client_name=a.example.com, client_address=192.0.2.1",
		     "fatal");
	assert_other("whitelisted: action=greylist, reason=new, "
		     "client_name=a.example.com, client_address=192.0.2.1",
		     "whitelisted");
	/* Not a Postfix queue id, but the rulebase takes it. */
	assert_action("queue-1: action=greylist, reason=new, "
		      "client_name=a.example.com, client_address=192.0.2.1",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.queue_id, "queue-1");
}
END_TEST

START_TEST(test_parser_empty_fields_are_unparsed)
{
	assert_unparsed("action=greylist, reason=new, client_name=a.b.c, "
			"client_address=192.0.2.1, sender=, recipient=x@y.z");
	assert_unparsed("action=greylist, reason=new, client_name=a.b.c, "
			"client_address=192.0.2.1, sender=x@y.z, recipient=");
	assert_unparsed("action=greylist, reason=new, client_name=a.b.c, "
			"client_address=192.0.2.1, recipient=");
	assert_unparsed("action=greylist, reason=new, client_name=a.b.c, "
			"client_address=192.0.2.1, sender=");
	assert_unparsed("action=greylist, reason=new, client_name=a.b.c, "
			"client_address=");
	assert_unparsed("action=greylist, reason=new, client_name=, "
			"client_address=192.0.2.1");
	assert_unparsed("action=greylist, reason=new, delay=, "
			"client_name=a.b.c, client_address=192.0.2.1");
	assert_unparsed(": action=greylist, reason=new, client_name=a.b.c, "
			"client_address=192.0.2.1");
	assert_unparsed("action=greylist, reason=new, client_name=a.b.c, "
			"client_address=192.0.2.1,");
}
END_TEST

/* The recipient runs to the end of the line; the sender to the first
 * ", recipient=". */
START_TEST(test_parser_recipient_takes_the_rest_of_the_line)
{
	assert_action("action=greylist, reason=new, client_name=a.b.c, "
		      "client_address=192.0.2.1, sender=a@b, recipient=c@d, x",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.recipient, "c@d, x");
	assert_action("action=greylist, reason=new, client_name=a.b.c, "
		      "client_address=192.0.2.1, sender=a@b, recipient=c, "
		      "recipient=d",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.sender, "a@b");
	ck_assert_str_eq(p.ev.recipient, "c, recipient=d");
	/* Ends like the start-up and shutdown rules, which need a word
	 * first: still a decision. */
	assert_action("4373477A3B: action=greylist, reason=new, "
		      "client_name=a.b.c, client_address=192.0.2.1, "
		      "recipient=x starting! pid(5)",
		      GS_C_NEW);
	ck_assert_str_eq(p.ev.recipient, "x starting! pid(5)");
	assert_action("4373477A3B: action=greylist, reason=new, "
		      "client_name=a.b.c, client_address=192.0.2.1, "
		      "recipient=x Server closing!",
		      GS_C_NEW);
}
END_TEST

/* Random edits of real lines (with the separators postgrey's format is
 * made of) either give a whole, checked decision or none at all. */
START_TEST(test_parser_mutated_lines_give_whole_events_or_none)
{
	static const char *const seeds[] = {
	    "4373477A3B: action=pass, reason=triplet found, delay=65, "
	    "client_name=a.example.com, client_address=192.0.2.1, "
	    "sender=\"s, j\"@example.com, recipient=c@example.org",
	    "action=greylist, reason=early-retry (21s missing), "
	    "client_name=unknown, client_address=2001:db8::1, "
	    "recipient=c@example.org",
	    "action=pass, reason=client whitelist, client_name=x.y, "
	    "client_address=198.51.100.2, sender=a@b",
	};
	static const char alphabet[] = ",: =@\"x1";
	unsigned long rng = 12345;
	char line[512];
	int round, edits, e;
	struct gs_addr addr;
	enum gs_parse_result r;

	for (round = 0; round < 30000; round++) {
		const char *seed = seeds[round % 3];
		size_t len = strlen(seed);

		memcpy(line, seed, len + 1);
		edits = 1 + round % 3;
		for (e = 0; e < edits && len > 1; e++) {
			size_t at;

			rng =
			    rng * 6364136223846793005UL + 1442695040888963407UL;
			at = (size_t)(rng >> 33) % len;
			switch ((rng >> 20) % 3) {
			case 0: /* delete */
				memmove(line + at, line + at + 1, len - at);
				len--;
				break;
			case 1: /* replace */
				line[at] = alphabet[(rng >> 40) % 8];
				break;
			default: /* insert */
				if (len + 2 >= sizeof(line))
					break;
				memmove(line + at + 1, line + at, len - at + 1);
				line[at] = alphabet[(rng >> 40) % 8];
				len++;
				break;
			}
		}
		r = parse_len(line, len);
		if (r == GS_PARSE_UNPARSED) {
			ck_assert_msg(p.json == NULL &&
					  p.ev.client_name == NULL,
				      "unparsed keeps a result: %s", line);
			continue;
		}
		ck_assert_ptr_nonnull(p.json);
		if (r == GS_PARSE_OTHER) {
			ck_assert_msg(p.other != NULL, "no kind: %s", line);
			continue;
		}
		ck_assert_msg(p.ev.client_name != NULL &&
				  *p.ev.client_name != '\0',
			      "no client name: %s", line);
		ck_assert_msg(gs_addr_parse(p.ev.client_address, &addr),
			      "bad client address: %s", line);
		ck_assert_msg(p.ev.sender == NULL || *p.ev.sender != '\0',
			      "empty sender: %s", line);
		ck_assert_msg(p.ev.recipient == NULL || *p.ev.recipient != '\0',
			      "empty recipient: %s", line);
		ck_assert_msg(p.ev.counter != GS_C_DELAYED || p.ev.delay_s >= 0,
			      "delayed without delay: %s", line);
	}
}
END_TEST

/* Near misses go all the way through liblognorm's backtracking; none may
 * leave memory behind (liblognorm 2.0.6 leaks on every failed match of a
 * user-defined type, which is why the rulebase has none). */
START_TEST(test_parser_unparsed_lines_do_not_leak)
{
	static const char *const msgs[] = {
	    "action=pass, reason=client whitelist, client_name=x.y, "
	    "client_=ddress=198.51 100.2, sender=a@xb",
	    "4373477A3B: action=pass, reason=triplet found, delay=65, "
	    "client_name=a.example.com, cl,ient_address=192.0.2.1, "
	    "sender=\"s, j\"@example.com, recipient=c@example.org",
	    "action=greylist, reason=new, client_name=a.b.c, helo=x",
	    "2026/11/27-19:08:14 postgrey starting! pid(x)",
	};
	size_t before, after;
	int i;

	for (i = 0; i < 100; i++) /* warm up the allocator */
		(void)parse(msgs[i % 4]);
	gs_parsed_release(&p);
	before = gs_test_heap_bytes();
	for (i = 0; i < 4000; i++)
		(void)parse(msgs[i % 4]);
	gs_parsed_release(&p);
	after = gs_test_heap_bytes();
	ck_assert_msg(after < before + 16384, "grew by %zu bytes",
		      after - before);
}
END_TEST

/* --- threads --- */

#define THREADS 4
#define ROUNDS	2000

static void *parse_many(void *arg)
{
	static const char *const msgs[] = {
	    "action=greylist, reason=new, client_name=a.example.com, "
	    "client_address=192.0.2.1, sender=b@example.com, "
	    "recipient=c@example.org",
	    "X1: action=pass, reason=triplet found, delay=9, "
	    "client_name=unknown, client_address=2001:db8::1",
	    "whitelisted: a.example.com[192.0.2.1]",
	    "nonsense",
	};
	static const enum gs_parse_result want[] = {
	    GS_PARSE_ACTION, GS_PARSE_ACTION, GS_PARSE_OTHER,
	    GS_PARSE_UNPARSED};
	struct gs_parsed mine;
	long bad = 0;
	int i;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		size_t k = (size_t)i % 4;
		enum gs_parse_result r =
		    gs_parse_message(rb, msgs[k], strlen(msgs[k]), &mine);

		if (r != want[k])
			bad++;
		else if (k == 1 && (mine.ev.delay_s != 9 ||
				    strcmp(mine.ev.queue_id, "X1") != 0))
			bad++;
		gs_parsed_release(&mine);
	}
	return (void *)bad;
}

START_TEST(test_parser_shared_rulebase_from_many_threads)
{
	pthread_t th[THREADS];
	void *bad;
	int i;

	for (i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&th[i], NULL, parse_many, NULL),
				 0);
	for (i = 0; i < THREADS; i++) {
		ck_assert_int_eq(pthread_join(th[i], &bad), 0);
		ck_assert_ptr_null(bad);
	}
}
END_TEST

static Suite *parser_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *load = tcase_create("load");
	TCase *act = tcase_create("action");
	TCase *bad = tcase_create("unparsed");
	TCase *other = tcase_create("other");
	TCase *own = tcase_create("ownership");

	tcase_add_checked_fixture(load, setup, teardown);
	tcase_add_test(load, test_parser_loads_bundled_rulebase);
	tcase_add_test(load, test_parser_load_missing_file_names_it);
	tcase_add_test(load, test_parser_load_null_path_fails);
	tcase_add_test(load, test_parser_copy_parses_as_the_original);
	tcase_add_test(load, test_parser_copy_of_nothing_fails);
	tcase_add_test(load, test_parser_load_bad_rule_reports_file_and_line);
	tcase_add_test(load, test_parser_default_path_is_under_pkgdatadir);
	suite_add_tcase(s, load);

	tcase_add_checked_fixture(act, setup, teardown);
	tcase_add_test(act, test_parser_greylist_new_fills_every_field);
	tcase_add_test(act, test_parser_early_retry_gives_missing_seconds);
	tcase_add_test(act, test_parser_triplet_found_with_delay_is_delayed);
	tcase_add_test(act, test_parser_triplet_found_without_delay_is_passed);
	tcase_add_test(act, test_parser_client_whitelist_is_whitelisted);
	tcase_add_test(act, test_parser_recipient_whitelist_is_recipient_wl);
	tcase_add_test(act, test_parser_client_awl_is_awl);
	tcase_add_test(act, test_parser_queue_id_prefix_is_kept);
	tcase_add_test(act, test_parser_long_queue_id_is_kept);
	tcase_add_test(act, test_parser_bounce_without_sender);
	tcase_add_test(act, test_parser_data_stage_without_recipient);
	tcase_add_test(act, test_parser_without_sender_and_recipient);
	tcase_add_test(act, test_parser_comma_in_quoted_sender);
	tcase_add_test(act, test_parser_comma_in_sender_without_recipient);
	tcase_add_test(act, test_parser_comma_in_quoted_recipient);
	tcase_add_test(act, test_parser_keeps_double_percent_as_logged);
	tcase_add_test(act, test_parser_keeps_raw_utf8);
	tcase_add_test(act, test_parser_keeps_stderr_hex_escapes);
	tcase_add_test(act, test_parser_ipv6_client);
	tcase_add_test(act, test_parser_ipv4_mapped_ipv6_client);
	tcase_add_test(act, test_parser_unknown_client_name);
	tcase_add_test(act, test_parser_trims_leading_white_space);
	tcase_add_test(act, test_parser_uses_len_not_nul);
	tcase_add_test(act, test_parser_nul_byte_is_unparsed);
	tcase_add_test(act, test_parser_message_length_limit);
	tcase_add_test(act, test_parser_reads_only_len_bytes);
	tcase_add_test(act, test_parser_recipient_takes_the_rest_of_the_line);
	suite_add_tcase(s, act);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, test_parser_unknown_action_is_unparsed);
	tcase_add_test(bad, test_parser_unknown_reason_is_unparsed);
	tcase_add_test(bad, test_parser_bad_early_retry_is_unparsed);
	tcase_add_test(bad, test_parser_non_numeric_delay_is_unparsed);
	tcase_add_test(bad,
		       test_parser_delay_outside_triplet_found_is_unparsed);
	tcase_add_test(bad, test_parser_missing_client_name_is_unparsed);
	tcase_add_test(bad, test_parser_missing_client_address_is_unparsed);
	tcase_add_test(bad, test_parser_bad_client_address_is_unparsed);
	tcase_add_test(bad, test_parser_fields_out_of_order_are_unparsed);
	tcase_add_test(bad, test_parser_without_comma_separators_is_unparsed);
	tcase_add_test(bad, test_parser_queue_id_with_space_is_unparsed);
	tcase_add_test(bad, test_parser_garbage_is_unparsed);
	tcase_add_test(bad, test_parser_empty_and_blank_are_unparsed);
	tcase_add_test(bad, test_parser_null_input_is_unparsed);
	tcase_add_test(bad, test_parser_other_near_misses_are_unparsed);
	tcase_add_test(bad, test_parser_empty_fields_are_unparsed);
	tcase_add_test(bad,
		       test_parser_mutated_lines_give_whole_events_or_none);
	suite_add_tcase(s, bad);

	tcase_add_checked_fixture(other, setup, teardown);
	tcase_add_test(other, test_parser_whitelisted_client_is_other);
	tcase_add_test(other, test_parser_process_backgrounded_is_startup);
	tcase_add_test(other, test_parser_starting_is_startup);
	tcase_add_test(other, test_parser_binding_is_startup);
	tcase_add_test(other, test_parser_setting_gid_and_uid_are_startup);
	tcase_add_test(other, test_parser_server_closing_is_shutdown);
	tcase_add_test(other, test_parser_couldnt_unlink_is_shutdown);
	tcase_add_test(other, test_parser_hup_is_hup);
	tcase_add_test(other, test_parser_ignoring_garbage_is_garbage);
	tcase_add_test(other, test_parser_unrecognized_request_is_request);
	tcase_add_test(other, test_parser_warning_is_warning);
	tcase_add_test(other, test_parser_fatal_is_fatal);
	tcase_add_test(other, test_parser_maintenance_is_maintenance);
	tcase_add_test(other, test_parser_exiting_is_shutdown);
	tcase_add_test(other,
		       test_parser_word_prefix_before_action_is_that_rule);
	suite_add_tcase(s, other);

	tcase_add_checked_fixture(own, setup, teardown);
	tcase_add_test(own, test_parser_release_clears_and_is_repeatable);
	tcase_add_test(own, test_parser_unparsed_lines_do_not_leak);
	tcase_add_test(own, test_parser_shared_rulebase_from_many_threads);
	suite_add_tcase(s, own);
	return s;
}

GS_TEST_MAIN(parser_suite)
