/* Unit tests of the file scanner (lib/ingest/scan*.c): a fixture log
 * through the real parser, grouper and tally, read plain, gzip-compressed
 * and from standard input; over-long lines; read errors; and the threads:
 * several judging threads give exactly the tally of one (summary, and per
 * group the order of slots, hosts, addresses and examples, samples, the
 * window, year inference across New Year), over many small blocks. Counts
 * are checked through gs_tally_snapshot(). The fixture runs with three
 * judging threads (the caller and two workers) unless a test says. */
#include <json.h>

#include "ingest/scan.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "base/error.h"
#include "ingest/ingest.h"
#include "summary/summary_file.h"
#include "suite.h"

#define RULEBASE GS_TEST_SRCDIR "/rules/postgrey.rb"
/* Not *.log: the tree ignores that name (automake's test logs). */
#define FIXTURE	       GS_TEST_SRCDIR "/tests/data/parser/mail.txt"
#define MAX_LINE_BYTES (64 * 1024)
/* 2026-11-28 00:00 UTC: the files' mtime, so "Nov 27" is 2026. */
#define MTIME 1795824000L
#define NOW   (MTIME + 3600)

static struct gs_rulebase *rb;
static struct gs_grouper *grouper;
static struct gs_tally *tally;
static struct gs_scan_ctx ctx;
static struct gs_summary sum;
static char dir[64];
static char err[GS_ERRLEN];

static void setup(void)
{
	struct gs_tally_config cfg = {GS_DEFAULT_WINDOW_S, 1000};

	ck_assert_int_eq(setenv("TZ", "UTC", 1), 0);
	tzset();
	err[0] = '\0';
	rb = gs_rulebase_load(RULEBASE, err, sizeof(err));
	ck_assert_msg(rb != NULL, "%s", err);
	grouper = gs_grouper_new(GS_GROUP_REGISTRABLE, 0, err, sizeof(err));
	ck_assert_msg(grouper != NULL, "%s", err);
	tally = gs_tally_new(&cfg, err, sizeof(err));
	ck_assert_msg(tally != NULL, "%s", err);
	memset(&ctx, 0, sizeof(ctx));
	ctx.rb = rb;
	ctx.grouper = grouper;
	ctx.tally = tally;
	ctx.threads = 3;
	memset(&sum, 0, sizeof(sum));
	snprintf(dir, sizeof(dir), "/tmp/check_scan.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* Removes the files a test wrote into dir, then dir. */
static void remove_dir(void)
{
	char path[512];
	struct dirent *d;
	DIR *dp = opendir(dir);

	ck_assert_ptr_nonnull(dp);
	while ((d = readdir(dp)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		ck_assert_int_eq(unlink(path), 0);
	}
	ck_assert_int_eq(closedir(dp), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}

static void teardown(void)
{
	gs_summary_free(&sum);
	gs_tally_free(tally);
	gs_grouper_free(grouper);
	gs_rulebase_free(rb);
	remove_dir();
}

static void set_mtime(const char *path)
{
	struct timespec ts[2] = {{MTIME, 0}, {MTIME, 0}};

	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

/* Reads the whole fixture into memory (the caller frees it). */
static char *read_fixture(size_t *len)
{
	FILE *f = fopen(FIXTURE, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 1);
	rewind(f);
	buf = malloc((size_t)n);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	ck_assert_int_eq(fclose(f), 0);
	*len = (size_t)n;
	return buf;
}

/* Writes data to dir/name (gzip-compressed when gz), with mtime MTIME. */
static const char *write_file(const char *name, const char *data, size_t len,
			      int gz)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (gz) {
		gzFile z = gzopen(path, "wb");

		ck_assert_ptr_nonnull(z);
		ck_assert_int_eq(gzwrite(z, data, (unsigned)len), (int)len);
		ck_assert_int_eq(gzclose(z), Z_OK);
	} else {
		FILE *f = fopen(path, "wb");

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(data, 1, len, f), len);
		ck_assert_int_eq(fclose(f), 0);
	}
	set_mtime(path);
	return path;
}

static const char *copy_fixture(const char *name, int gz)
{
	size_t len;
	char *data = read_fixture(&len);
	const char *path = write_file(name, data, len, gz);

	free(data);
	return path;
}

static void snapshot(void)
{
	gs_summary_free(&sum);
	ck_assert_int_eq(gs_tally_snapshot(tally, NOW, &sum, err, sizeof(err)),
			 0);
}

static const struct gs_group_stats *group(const char *name)
{
	size_t i;

	for (i = 0; i < sum.n_groups; i++)
		if (strcmp(sum.groups[i].domain, name) == 0)
			return &sum.groups[i];
	ck_abort_msg("no group %s", name);
	return NULL;
}

static void assert_totals(uint64_t lines, uint64_t actions, uint64_t ignored,
			  uint64_t unparsed)
{
	ck_assert_uint_eq(sum.totals.lines, lines);
	ck_assert_uint_eq(sum.totals.actions, actions);
	ck_assert_uint_eq(sum.totals.ignored, ignored);
	ck_assert_uint_eq(sum.totals.unparsed, unparsed);
}

/* What the fixture holds: 17 lines, all counted in totals.lines; 14 of
 * them postgrey's (10 decisions, a whitelisting and a HUP, a message no rule
 * knows, a broken tag), three of other programs or none. */
static void assert_fixture_counts(void)
{
	const struct gs_group_stats *g;

	snapshot();
	assert_totals(17, 10, 2, 2);
	ck_assert_uint_eq(sum.totals.per_counter[GS_C_NEW], 4);
	ck_assert_uint_eq(sum.totals.per_counter[GS_C_EARLY_RETRY], 1);
	ck_assert_uint_eq(sum.totals.per_counter[GS_C_DELAYED], 1);
	ck_assert_uint_eq(sum.totals.per_counter[GS_C_PASSED], 1);
	ck_assert_uint_eq(sum.totals.per_counter[GS_C_WHITELISTED], 1);
	ck_assert_uint_eq(sum.totals.per_counter[GS_C_RECIPIENT_WL], 1);
	ck_assert_uint_eq(sum.totals.per_counter[GS_C_AWL], 1);
	ck_assert_uint_eq(sum.n_groups, 4);
	g = group("outlook.com");
	ck_assert_uint_eq(g->counts[GS_C_NEW], 4);
	ck_assert_uint_eq(g->n_hosts, 2);
	g = group("example.net");
	ck_assert_uint_eq(g->counts[GS_C_DELAYED], 1);
	ck_assert_uint_eq(g->counts[GS_C_PASSED], 1);
	ck_assert_uint_eq(g->counts[GS_C_RECIPIENT_WL], 1);
	ck_assert_uint_eq(g->counts[GS_C_AWL], 1);
	ck_assert_uint_eq(g->delay_max_s, 300);
	g = group("[192.0.2.0/24]");
	ck_assert_uint_eq(g->counts[GS_C_EARLY_RETRY], 1);
	g = group("google.com");
	ck_assert_uint_eq(g->counts[GS_C_WHITELISTED], 1);
	ck_assert_uint_eq(sum.n_samples, 2);
	ck_assert_ptr_nonnull(strstr(sum.samples[0], "not a postgrey message"));
	ck_assert_ptr_nonnull(strstr(sum.samples[1], "postgrey[12a]"));
}

START_TEST(test_scan_plain_file_counts_every_kind)
{
	const char *path = copy_fixture("mail.log", 0);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	assert_fixture_counts();
}
END_TEST

START_TEST(test_scan_gzip_file_counts_the_same)
{
	const char *path = copy_fixture("mail.log.1.gz", 1);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	assert_fixture_counts();
}
END_TEST

/* Gzip is found by its magic bytes, not by the name. */
START_TEST(test_scan_gzip_detected_without_gz_name)
{
	const char *path = copy_fixture("mail.log.1", 1);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(17, 10, 2, 2);
}
END_TEST

/* Standard input: the year comes from the clock, so only totals. */
START_TEST(test_scan_standard_input)
{
	int fd = open(FIXTURE, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_msg(gs_scan_file(&ctx, "-", err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(17, 10, 2, 2);
	/* Standard input stays open. */
	ck_assert_int_ne(fcntl(STDIN_FILENO, F_GETFD), -1);
}
END_TEST

START_TEST(test_scan_crlf_and_missing_final_newline)
{
	static const char data[] =
	    "Nov 27 18:00:00 mx1 postgrey[1]: action=greylist, "
	    "reason=new, client_name=a.example.com, "
	    "client_address=192.0.2.1\r\n"
	    "Nov 27 18:00:01 mx1 postgrey[1]: action=greylist, "
	    "reason=new, client_name=b.example.com, "
	    "client_address=192.0.2.2";
	const char *path = write_file("crlf.log", data, sizeof(data) - 1, 0);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(2, 2, 0, 0);
	ck_assert_uint_eq(group("example.com")->counts[GS_C_NEW], 2);
}
END_TEST

START_TEST(test_scan_empty_file)
{
	const char *path = write_file("empty.log", "", 0, 0);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(0, 0, 0, 0);
}
END_TEST

/* A decision line of exactly len (>= 200) bytes, its recipient padded with
 * 'r', and a newline. */
static size_t put_line(char *out, size_t len, const char *host)
{
	int head;

	ck_assert_uint_ge(len, 200);
	head = sprintf(out,
		       "Nov 27 18:00:00 %s postgrey[1]: action=greylist, "
		       "reason=new, client_name=a.example.com, "
		       "client_address=192.0.2.1, recipient=",
		       host);

	memset(out + head, 'r', len - (size_t)head);
	out[len] = '\n';
	return len + 1;
}

/* 64 KiB is still a line; one byte more is unparsed and skipped, as is a
 * longer line of another program (not counted at all), without the scan
 * losing its place. */
START_TEST(test_scan_line_length_limit)
{
	const size_t big = 3 * MAX_LINE_BYTES;
	char *data = malloc(big * 4);
	size_t n = 0;
	const char *path;

	ck_assert_ptr_nonnull(data);
	n += put_line(data + n, MAX_LINE_BYTES, "mx1");
	n += put_line(data + n, MAX_LINE_BYTES + 1, "mx1");
	n += put_line(data + n, 200, "mx1");
	memset(data + n, 'x', big);
	memcpy(data + n, "Nov 27 18:00:00 mx1 postfix/smtpd[2]: ", 38);
	n += big;
	data[n++] = '\n';
	n += put_line(data + n, 300, "mx2");
	/* The last line is over-long and has no newline. */
	n += put_line(data + n, big, "mx1") - 1;
	path = write_file("long.log", data, n, 0);
	free(data);
	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(6, 3, 0, 2);
	ck_assert_uint_eq(group("example.com")->counts[GS_C_NEW], 3);
	ck_assert_uint_eq(sum.n_samples, 2);
}
END_TEST

/* The same, compressed: the tail of an over-long line spans many reads. */
START_TEST(test_scan_long_line_in_gzip)
{
	const size_t big = 40 * MAX_LINE_BYTES;
	char *data = malloc(big + 1024);
	size_t n = 0;
	const char *path;

	ck_assert_ptr_nonnull(data);
	n += put_line(data + n, big, "mx1");
	n += put_line(data + n, 220, "mx1");
	path = write_file("long.log.gz", data, n, 1);
	free(data);
	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(2, 1, 0, 1);
}
END_TEST

START_TEST(test_scan_missing_file_names_it)
{
	ck_assert_int_eq(
	    gs_scan_file(&ctx, "/nonexistent/mail.log", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/mail.log"));
	ck_assert_ptr_nonnull(strstr(err, strerror(ENOENT)));
}
END_TEST

START_TEST(test_scan_directory_is_an_error)
{
	ck_assert_int_eq(gs_scan_file(&ctx, dir, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, dir));
	ck_assert_ptr_nonnull(strstr(err, strerror(EISDIR)));
}
END_TEST

/* A gzip file cut short (a rotation still being written): an error that
 * names the file and the line, after counting what was read. */
START_TEST(test_scan_truncated_gzip_is_a_read_error)
{
	const char *path = copy_fixture("cut.log.gz", 1);
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(truncate(path, st.st_size - 12), 0);
	ck_assert_int_eq(gs_scan_file(&ctx, path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "line "));
}
END_TEST

START_TEST(test_scan_null_arguments)
{
	ck_assert_int_eq(gs_scan_file(&ctx, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(gs_scan_file(NULL, "x", err, sizeof(err)), -1);
}
END_TEST

START_TEST(test_scan_progress_ends_with_newline)
{
	const char *path = copy_fixture("mail.log", 0);
	char out[256];
	FILE *f = tmpfile();
	size_t n;

	ck_assert_ptr_nonnull(f);
	ctx.progress = f;
	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(out[0], '\r');
	ck_assert_int_eq(out[n - 1], '\n');
	ck_assert_ptr_nonnull(strstr(out, path));
	ck_assert_ptr_nonnull(strstr(out, "17 lines"));
}
END_TEST

/* One decision and another program's line: the decision's group, host and
 * time (year inferred from the file's mtime). */
START_TEST(test_scan_counts_a_decision_with_host_and_time)
{
	static const char data[] =
	    "Nov 27 18:00:00 mx1 postgrey[1]: action=pass, "
	    "reason=client AWL, client_name=mail.example.org, "
	    "client_address=192.0.2.9\n"
	    "Nov 27 18:00:00 mx1 cron[2]: x\n";
	const char *path = write_file("one.log", data, sizeof(data) - 1, 0);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(2, 1, 0, 0);
	ck_assert_uint_eq(group("example.org")->counts[GS_C_AWL], 1);
	ck_assert_str_eq(group("example.org")->hosts[0].host, "mx1");
	/* 2026-11-27 18:00:00 UTC */
	ck_assert_int_eq(group("example.org")->last_seen, 1795802400L);
}
END_TEST

/* A decision whose client address is no address is unparsed, not
 * dropped. */
START_TEST(test_scan_decision_without_address_is_unparsed)
{
	static const char data[] =
	    "Nov 27 18:00:00 mx1 postgrey[1]: action=greylist, "
	    "reason=new, client_name=unknown, client_address=::ffff:zz\n";
	const char *path = write_file("bad.log", data, sizeof(data) - 1, 0);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(1, 0, 0, 1);
}
END_TEST

/* Many distinct names, each seen twice, so that the scanner's memo of
 * groups both hits and collides: every name must still land in its own
 * domain, and "unknown" clients in their own networks. */
START_TEST(test_scan_many_names_keep_their_groups)
{
	const int names = 30000, domains = 97;
	size_t cap = (size_t)names * 2 * 2 * 160, n = 0;
	char *data = malloc(cap);
	const char *path;
	char dom[32];
	int i, round;

	ck_assert_ptr_nonnull(data);
	for (round = 0; round < 2; round++)
		for (i = 0; i < names; i++)
			n +=
			    (size_t)snprintf(data + n, cap - n,
					     "Nov 27 18:00:00 mx1 postgrey[1]: "
					     "action=greylist, reason=new, "
					     "client_name=h%d.d%d.example, "
					     "client_address=192.0.%d.1\n"
					     "Nov 27 18:00:00 mx1 postgrey[1]: "
					     "action=greylist, reason=new, "
					     "client_name=unknown, "
					     "client_address=198.51.%d.1\n",
					     i, i % domains, i % 256, i % 7);
	path = write_file("names.log", data, n, 0);
	free(data);
	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(4 * names, 4 * names, 0, 0);
	ck_assert_uint_eq(sum.n_groups, domains + 7);
	for (i = 0; i < domains; i++) {
		snprintf(dom, sizeof(dom), "d%d.example", i);
		ck_assert_uint_eq(
		    group(dom)->counts[GS_C_NEW],
		    2 * (names / domains + (i < names % domains ? 1 : 0)));
	}
	for (i = 0; i < 7; i++) {
		snprintf(dom, sizeof(dom), "[198.51.%d.0/24]", i);
		ck_assert_uint_eq(group(dom)->counts[GS_C_NEW],
				  2 * (names / 7 + (i < names % 7 ? 1 : 0)));
	}
}
END_TEST

/* Every line read counts in totals.lines, whoever wrote it: blank lines,
 * other programs, garbage, and a last line without a newline. */
START_TEST(test_scan_counts_every_line_of_every_program)
{
	static const char data[] =
	    "Nov 27 18:00:00 mx1 postfix/smtpd[2]: connect from x\n"
	    "\n"
	    "Nov 27 18:00:01 mx1 postgrey[1]: action=greylist, reason=new, "
	    "client_name=a.example.com, client_address=192.0.2.1\n"
	    "\r\n"
	    "garbage\n"
	    "Nov 27 18:00:02 mx1 cron[3]: x";
	const char *path = write_file("all.log", data, sizeof(data) - 1, 0);

	ck_assert_msg(gs_scan_file(&ctx, path, err, sizeof(err)) == 0, "%s",
		      err);
	snapshot();
	assert_totals(6, 1, 0, 0);
}
END_TEST

/* Writes a log of about bytes bytes mixing every kind of line, with names
 * that repeat and names that do not, so that lines straddle the reads and
 * the group cache both hits and misses. Returns the number of lines. */
static unsigned long write_mixed_log(const char *name, size_t bytes)
{
	size_t cap = bytes + 4096, n = 0;
	char *data = malloc(cap);
	unsigned long lines = 0, i;

	ck_assert_ptr_nonnull(data);
	for (i = 0; n < bytes; i++, lines++) {
		unsigned min = (unsigned)(i / 400) % 60, sec = (unsigned)i % 60;
		const char *nl = i % 13 == 0 ? "\r\n" : "\n";

		switch (i % 7) {
		case 0:
		case 3:
			n += (size_t)snprintf(
			    data + n, cap - n,
			    "Nov 27 18:%02u:%02u mx%lu postgrey[1]: "
			    "action=greylist, reason=new, "
			    "client_name=h%lu.pool%lu.Example.COM, "
			    "client_address=192.0.%lu.%lu, sender=a@b.example, "
			    "recipient=c@d.example%s",
			    min, sec, i % 3, i % 5000, i % 41, i % 256, i % 250,
			    nl);
			break;
		case 1:
			n += (size_t)snprintf(
			    data + n, cap - n,
			    "2026-11-27T18:%02u:%02u.5+01:00 mx1 postgrey[1]: "
			    "4373477A3B: action=pass, reason=triplet found, "
			    "delay=%lu, client_name=unknown, "
			    "client_address=2001:db8::%lx%s",
			    min, sec, i % 9000, i % 4000, nl);
			break;
		case 2:
			n += (size_t)snprintf(
			    data + n, cap - n,
			    "Nov 27 18:%02u:%02u mx1 postfix/smtpd[2]: connect "
			    "from unknown[192.0.2.%lu]%s",
			    min, sec, i % 256, nl);
			break;
		case 4:
			n += (size_t)snprintf(
			    data + n, cap - n,
			    "Nov 27 18:%02u:%02u mx1 postgrey[1]: whitelisted: "
			    "x%lu.example.org[198.51.100.%lu]%s",
			    min, sec, i, i % 256, nl);
			break;
		case 5:
			n += (size_t)snprintf(
			    data + n, cap - n,
			    "Nov 27 18:%02u:%02u mx1 postgrey[1]: not one of "
			    "postgrey's messages, number %lu%s",
			    min, sec, i, nl);
			break;
		default:
			n += (size_t)snprintf(data + n, cap - n, "%s", nl);
			break;
		}
	}
	write_file(name, data, n, 0);
	free(data);
	return lines;
}

/* The summary of the tally t, written to dir/name and read back as bytes. */
static char *summary_bytes(struct gs_tally *t, const char *name, long *len)
{
	struct gs_summary s = {0};
	struct gs_file_opts fo;
	char path[128];
	char *data;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	gs_file_opts_default(&fo);
	ck_assert_int_eq(gs_tally_snapshot(t, NOW, &s, err, sizeof(err)), 0);
	ck_assert_msg(gs_summary_write(&s, path, &fo, err, sizeof(err)) == 0,
		      "%s", err);
	gs_summary_free(&s);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	*len = ftell(f);
	rewind(f);
	data = malloc((size_t)*len);
	ck_assert_ptr_nonnull(data);
	ck_assert_uint_eq(fread(data, 1, (size_t)*len, f), (size_t)*len);
	ck_assert_int_eq(fclose(f), 0);
	return data;
}

/* ---- The threads give the tally of one thread ---- */

/* 2027-01-01 12:00 UTC: the New Year file's mtime. */
#define NY_MTIME    1798804800L
#define NY_START    1798740000L /* 2026-12-31 18:00 UTC, the first line */
#define NY_JAN_1    1798761600L /* 2027-01-01 00:00 UTC */
#define NY_BLOCK    2048	/* bytes read at once: thousands of blocks */
#define NY_LINES    24000	/* one a second: to Jan 1 00:40 */
#define NY_WINDOW_S (GS_TALLY_SLOTS * 60) /* slots of a minute */
#define NY_DOMAINS  40

/* Line i of the New Year log, stamped NY_START + i, traditional (the year
 * inferred across New Year) or RFC 3339. Runs of about a block of
 * decisions alternate with runs of mostly other programs' lines, so that
 * the threads finish the blocks out of order. Decisions of every kind
 * from six hosts, with delays, in NY_DOMAINS groups that recur and in new
 * groups all through the file (examples, slot and host order); now and
 * then a decision stamped nearly a window back, which is too old only
 * when a later block was counted before it; unparsed lines with their
 * number (samples), ignored lines, CRLF. */
static size_t ny_line(char *out, size_t cap, unsigned i)
{
	static const char *const kind[] = {
	    "action=greylist, reason=new",
	    "action=greylist, reason=early-retry (30s missing)",
	    "action=pass, reason=triplet found, delay=%u",
	    "action=pass, reason=client AWL",
	};
	time_t t = (time_t)(NY_START + (long)i);
	const char *nl = i % 11 == 0 ? "\r\n" : "\n";
	char stamp[40], what[64], dom[32];
	struct tm tm;

	if (i % 37 == 20)
		t -= NY_WINDOW_S - 10;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp),
		 i % 5 == 4 ? "%Y-%m-%dT%H:%M:%S+00:00" : "%b %e %H:%M:%S",
		 &tm);
	if ((i / 12) % 2 == 1 && i % 6 != 0)
		return (size_t)snprintf(out, cap, "%s mx1 cron[9]: tick %u%s",
					stamp, i, nl);
	if (i % 53 == 7)
		return (size_t)snprintf(out, cap,
					"%s mx1 postgrey[1]: unparsed number "
					"%u%s",
					stamp, i, nl);
	if (i % 31 == 3)
		return (size_t)snprintf(out, cap,
					"%s mx2 postgrey[1]: whitelisted: "
					"a%u.example[192.0.2.1]%s",
					stamp, i, nl);
	snprintf(what, sizeof(what), kind[i % 4], 1 + i % 5000);
	if (i % 3 == 0)
		snprintf(dom, sizeof(dom), "d%u", i % NY_DOMAINS);
	else
		snprintf(dom, sizeof(dom), "n%u", i / 40);
	return (size_t)snprintf(
	    out, cap,
	    "%s mx%u postgrey[1]: %s, client_name=h%u.%s.example, "
	    "client_address=198.51.%u.%u, sender=s@x.example, "
	    "recipient=r@y.example%s",
	    stamp, (i / 7) % 6, what, i % 97, dom, i % 200, 1 + i % 250, nl);
}

static const char *write_new_year_log(void)
{
	size_t cap = (size_t)NY_LINES * 256, n = 0;
	char *data = malloc(cap);
	struct timespec ts[2] = {{NY_MTIME, 0}, {NY_MTIME, 0}};
	const char *path;
	unsigned i;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < NY_LINES; i++)
		n += ny_line(data + n, cap - n, i);
	path = write_file("newyear.log", data, n, 0);
	free(data);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
	return path;
}

/* Appends text to the string *buf (of *len bytes). */
static void put(char **buf, size_t *len, const char *text)
{
	size_t n = strlen(text);

	*buf = realloc(*buf, *len + n + 1);
	ck_assert_ptr_nonnull(*buf);
	memcpy(*buf + *len, text, n + 1);
	*len += n;
}

/* One group of an export as a line of text: its entries (slot, host,
 * counts, delays), addresses and networks and examples, each in the
 * tally's own order. */
static char *group_text(const struct gs_tally_xgroup *g)
{
	char *out = NULL, part[512];
	size_t len = 0, i, k;

	snprintf(part, sizeof(part), "%s kind %d seen %lld..%lld:", g->name,
		 (int)g->kind, (long long)g->first_seen,
		 (long long)g->last_seen);
	put(&out, &len, part);
	for (i = 0; i < g->n_entries; i++) {
		snprintf(part, sizeof(part), " [slot %lld host %u max %u",
			 (long long)g->entries[i].slot, g->entries[i].host,
			 g->entries[i].delay_max_s);
		put(&out, &len, part);
		for (k = 0; k < GS_C_COUNT; k++) {
			snprintf(part, sizeof(part), " %u",
				 g->entries[i].counts[k]);
			put(&out, &len, part);
		}
		for (k = 0;
		     g->entries[i].hist != NULL && k < GS_TALLY_HIST_BINS;
		     k++) {
			snprintf(part, sizeof(part), " h%u",
				 g->entries[i].hist[k]);
			put(&out, &len, part);
		}
		put(&out, &len, "]");
	}
	for (i = 0; i < g->n_addrs + g->n_nets; i++) {
		const struct gs_tally_xaddr *a =
		    i < g->n_addrs ? &g->addrs[i] : &g->nets[i - g->n_addrs];
		snprintf(part, sizeof(part), " a%d:", (int)a->slot);
		put(&out, &len, part);
		for (k = 0; k < sizeof(a->addr); k++) {
			snprintf(part, sizeof(part), "%02x",
				 ((const unsigned char *)&a->addr)[k]);
			put(&out, &len, part);
		}
	}
	for (i = 0; i < g->n_examples; i++) {
		put(&out, &len, " e:");
		put(&out, &len, g->examples[i]);
	}
	return out;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Everything t holds as text, the groups sorted by name (the table's own
 * order depends on its random hash seed), then its end, totals, hosts in
 * their order, and samples. */
static char *tally_text(struct gs_tally *t)
{
	struct gs_tally_export x;
	struct gs_tally_xgroup view;
	char **lines = NULL, *out = NULL, part[256];
	size_t n = 0, len = 0, i;
	int r;

	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(gs_tally_export_begin(t, &x, err, sizeof(err)), 0);
	while ((r = gs_tally_export_next(t, &x, err, sizeof(err))) > 0) {
		for (i = 0; i < x.n_groups; i++) {
			ck_assert_int_eq(gs_tally_export_group(&x, i, &view),
					 0);
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			ck_assert_ptr_nonnull(lines);
			lines[n++] = group_text(&view);
		}
	}
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(gs_tally_export_finish(t, &x, err, sizeof(err)), 0);
	qsort(lines, n, sizeof(*lines), str_cmp);
	for (i = 0; i < n; i++) {
		put(&out, &len, lines[i]);
		put(&out, &len, "\n");
		free(lines[i]);
	}
	free(lines);
	snprintf(part, sizeof(part),
		 "end %lld lines %llu actions %llu ignored %llu unparsed %llu "
		 "too_old %llu\nhosts:",
		 (long long)x.end, (unsigned long long)x.totals.lines,
		 (unsigned long long)x.totals.actions,
		 (unsigned long long)x.totals.ignored,
		 (unsigned long long)x.totals.unparsed,
		 (unsigned long long)x.totals.too_old);
	put(&out, &len, part);
	for (i = 0; i < x.n_hosts; i++) {
		put(&out, &len, " ");
		put(&out, &len, x.hosts[i]);
	}
	for (i = 0; i < x.n_samples; i++) {
		put(&out, &len, "\nsample: ");
		put(&out, &len, x.samples[i]);
	}
	gs_tally_export_free(&x);
	return out;
}

/* Scans path into a fresh tally with threads judging threads, in blocks
 * of block bytes; returns the tally. */
static struct gs_tally *scan_with(const char *path, unsigned threads,
				  size_t block, uint32_t window_s)
{
	struct gs_tally_config cfg = {window_s, 1000};
	struct gs_tally *t = gs_tally_new(&cfg, err, sizeof(err));
	struct gs_scan_ctx c = ctx;

	ck_assert_msg(t != NULL, "%s", err);
	c.tally = t;
	c.threads = threads;
	c.block_bytes = block;
	ck_assert_msg(gs_scan_file(&c, path, err, sizeof(err)) == 0, "%s", err);
	return t;
}

/* Fails with the first place where a and b differ, if they do. */
static void assert_same_text(const char *what, const char *a, const char *b)
{
	size_t i = 0, from;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	if (a[i] == b[i])
		return;
	from = i > 80 ? i - 80 : 0;
	ck_abort_msg("%s differ at byte %zu:\n%.200s\n---\n%.200s", what, i,
		     a + from, b + from);
}

/* One thread and four judging many small blocks: the same tally, in
 * every order the tally keeps, the same summary byte for byte; and what
 * the log is built to show is there. A hand-off out of file order fails
 * this (examples, slot order, too_old, samples). */
START_TEST(test_scan_threads_count_as_one_thread)
{
	const char *path = write_new_year_log();
	struct gs_tally *one = scan_with(path, 1, NY_BLOCK, NY_WINDOW_S);
	struct gs_tally *four = scan_with(path, 4, NY_BLOCK, NY_WINDOW_S);
	char *a = tally_text(one), *b = tally_text(four), *ja, *jb;
	const struct gs_group_stats *d0;
	long alen, blen;

	assert_same_text("tallies", a, b);
	ja = summary_bytes(one, "one.json", &alen);
	jb = summary_bytes(four, "four.json", &blen);
	ck_assert_int_eq(alen, blen);
	ck_assert_msg(memcmp(ja, jb, (size_t)alen) == 0, "summaries differ");
	/* The log crosses New Year (Dec 31 is 2026, not 2027) and holds
	 * every kind of line. */
	gs_summary_free(&sum);
	ck_assert_int_eq(gs_tally_snapshot(four, NOW, &sum, err, sizeof(err)),
			 0);
	d0 = group("d0.example");
	ck_assert_int_eq(d0->first_seen, NY_START);
	ck_assert_int_ge(d0->last_seen, NY_JAN_1);
	ck_assert_int_le(sum.window_end, NY_START + NY_LINES - 1);
	ck_assert_int_gt(sum.window_end, NY_START + NY_LINES - 30);
	ck_assert_uint_eq(sum.totals.lines, NY_LINES);
	ck_assert_uint_eq(sum.totals.too_old, 0);
	ck_assert_uint_gt(sum.totals.ignored, 0);
	ck_assert_uint_eq(sum.n_samples, GS_MAX_SAMPLES);
	ck_assert_uint_eq(d0->n_examples, GS_MAX_EXAMPLES);
	free(a);
	free(b);
	free(ja);
	free(jb);
	gs_tally_free(one);
	gs_tally_free(four);
}
END_TEST

/* The same with the default block, lines straddling reads, CRLF. */
START_TEST(test_scan_threads_count_as_one_thread_big_blocks)
{
	unsigned long lines = write_mixed_log("mixed.log", 5 * 1024 * 1024);
	char path[128];
	struct gs_tally *one, *two;
	char *a, *b;

	snprintf(path, sizeof(path), "%s/mixed.log", dir);
	one = scan_with(path, 1, 0, GS_DEFAULT_WINDOW_S);
	two = scan_with(path, 2, 0, GS_DEFAULT_WINDOW_S);
	a = tally_text(one);
	b = tally_text(two);
	assert_same_text("tallies", a, b);
	ck_assert_ptr_nonnull(strstr(a, "too_old 0"));
	free(a);
	free(b);
	gs_summary_free(&sum);
	ck_assert_int_eq(gs_tally_snapshot(two, NOW, &sum, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(sum.totals.lines, lines);
	ck_assert_uint_gt(sum.totals.actions, 0);
	ck_assert_uint_gt(sum.totals.ignored, 0);
	ck_assert_uint_gt(sum.totals.unparsed, 0);
	gs_tally_free(one);
	gs_tally_free(two);
}
END_TEST

/* Over-long lines with blocks far smaller than a line: the same counts
 * whatever the number of threads. */
START_TEST(test_scan_long_lines_in_small_blocks)
{
	const size_t big = 3 * MAX_LINE_BYTES;
	char *data = malloc(big * 4);
	size_t n = 0;
	const char *path;
	unsigned threads;

	ck_assert_ptr_nonnull(data);
	n += put_line(data + n, MAX_LINE_BYTES, "mx1");
	n += put_line(data + n, MAX_LINE_BYTES + 1, "mx1");
	n += put_line(data + n, 200, "mx1");
	n += put_line(data + n, big, "mx2");
	n += put_line(data + n, 300, "mx2");
	path = write_file("longsmall.log", data, n, 0);
	free(data);
	for (threads = 1; threads <= 4; threads += 3) {
		gs_tally_free(tally);
		tally = scan_with(path, threads, 1000, GS_DEFAULT_WINDOW_S);
		ctx.tally = tally;
		snapshot();
		assert_totals(5, 3, 0, 2);
	}
}
END_TEST

/* Tiny lines fill a batch's limit of lines long before its block ends;
 * the rest of the block goes on in the next batch. Right at the limit an
 * over-long line begins that ends blocks later (judged when it is cut),
 * and the file ends in lines that no read is left to cut. The same
 * counts, and the same tally, with one thread and four. */
static size_t put_tiny(char *out, unsigned n)
{
	size_t len = 0;
	unsigned i;

	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			out[len++] = '\n';
		} else {
			memcpy(out + len, "postgrey\n", 9);
			len += 9;
		}
	}
	return len;
}

START_TEST(test_scan_batches_of_tiny_lines)
{
	const size_t huge = 2 * 1024 * 1024;
	char *data = malloc(huge + 4 * 1024 * 1024);
	struct gs_tally *one, *four;
	const char *path;
	char *a, *b;
	size_t n = 0;
	unsigned i;

	ck_assert_ptr_nonnull(data);
	n += put_tiny(data + n, 16384);
	n += put_line(data + n, huge, "mx1");
	for (i = 0; i < 1000; i++)
		n += put_line(data + n, 200, "mx2");
	n += put_tiny(data + n, 30000);
	n += put_line(data + n, 250, "mx1") - 1;
	path = write_file("tiny.log", data, n, 0);
	free(data);
	one = scan_with(path, 1, 0, GS_DEFAULT_WINDOW_S);
	four = scan_with(path, 4, 0, GS_DEFAULT_WINDOW_S);
	a = tally_text(one);
	b = tally_text(four);
	assert_same_text("tallies", a, b);
	ck_assert_ptr_nonnull(
	    strstr(a, "lines 47386 actions 1001 ignored 0 unparsed 23193 "));
	free(a);
	free(b);
	gs_tally_free(one);
	gs_tally_free(four);
}
END_TEST

static Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_scan_plain_file_counts_every_kind);
	tcase_add_test(tc, test_scan_gzip_file_counts_the_same);
	tcase_add_test(tc, test_scan_gzip_detected_without_gz_name);
	tcase_add_test(tc, test_scan_standard_input);
	tcase_add_test(tc, test_scan_crlf_and_missing_final_newline);
	tcase_add_test(tc, test_scan_empty_file);
	tcase_add_test(tc, test_scan_line_length_limit);
	tcase_add_test(tc, test_scan_long_line_in_gzip);
	tcase_add_test(tc, test_scan_missing_file_names_it);
	tcase_add_test(tc, test_scan_directory_is_an_error);
	tcase_add_test(tc, test_scan_truncated_gzip_is_a_read_error);
	tcase_add_test(tc, test_scan_null_arguments);
	tcase_add_test(tc, test_scan_progress_ends_with_newline);
	tcase_add_test(tc, test_scan_counts_a_decision_with_host_and_time);
	tcase_add_test(tc, test_scan_decision_without_address_is_unparsed);
	tcase_add_test(tc, test_scan_many_names_keep_their_groups);
	tcase_add_test(tc, test_scan_counts_every_line_of_every_program);
	tcase_add_test(tc, test_scan_threads_count_as_one_thread);
	tcase_add_test(tc, test_scan_threads_count_as_one_thread_big_blocks);
	tcase_add_test(tc, test_scan_long_lines_in_small_blocks);
	tcase_add_test(tc, test_scan_batches_of_tiny_lines);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(scan_suite)
