/* parse-floor: the least any scan of a mail.log with greyscan's rulebase
 * must do, as a baseline for bench/scan-vs-grep.sh: read the file, cut it
 * into lines, frame each (gs_logline_split_cached) and parse every postgrey
 * message with liblognorm (gs_parse_message): the scan's own first steps,
 * and nothing else: no grouping, no tally, no hand-over between threads.
 *
 *   parse-floor RULEBASE FILE [THREADS]
 *
 * THREADS (default 1) each take an equal byte range of FILE (a plain file,
 * no gzip), starting at the first line that begins in it, and parse it with
 * a rulebase of their own, in blocks of 256 KiB read with pread: the best
 * case for parallel parsing, which the scan cannot reach (it keeps the
 * lines' order). Prints the lines, postgrey messages and decisions seen;
 * exit 1 on an error. */
#include "gs_config.h"

#include <err.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "input/logline.h"
#include "input/parser.h"

#define BLOCK_BYTES    (256 * 1024)
#define MAX_THREADS    64
#define LINE_MAX_BYTES (64 * 1024) /* a longer line is cut there */

struct part {
	int fd;
	off_t from, to; /* the lines that begin in [from, to) */
	struct gs_rulebase *rb;
	time_t ref; /* the file's time, for year inference */
	struct gs_logline_cache cache;
	uint64_t lines, postgrey, decisions;
	int failed;
};

/* Frames one line as the scan does (gs_logline_split_cached) and parses
 * it if it is postgrey's. */
static void one_line(struct part *p, const char *line, size_t len)
{
	struct gs_logline ll;
	struct gs_parsed out;

	p->lines++;
	if (gs_logline_split_cached(line, len, p->ref, &p->cache, &ll) !=
	    GS_LINE_POSTGREY)
		return;
	p->postgrey++;
	if (gs_parse_message(p->rb, ll.msg, ll.msg_len, &out) ==
	    GS_PARSE_ACTION)
		p->decisions++;
	gs_parsed_release(&out);
}

/* Cuts buf[0, have) into lines; returns the bytes of a last partial
 * line, which stay at the front of buf. */
static size_t cut(struct part *p, char *buf, size_t have, int at_end)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(buf + start, '\n', have - start)) != NULL) {
		one_line(p, buf + start, (size_t)(nl - (buf + start)));
		start = (size_t)(nl - buf) + 1;
	}
	if (at_end && start < have) {
		one_line(p, buf + start, have - start);
		start = have;
	}
	if (have - start >= LINE_MAX_BYTES) { /* too long: cut it here */
		one_line(p, buf + start, have - start);
		start = have;
	}
	memmove(buf, buf + start, have - start);
	return have - start;
}

/* The offset of the first line that begins at or after off. */
static off_t line_start(int fd, off_t off, off_t size)
{
	char c;

	if (off == 0)
		return 0;
	for (off--; off < size; off++)
		if (pread(fd, &c, 1, off) != 1 || c == '\n')
			return off + 1;
	return size;
}

/* Parses the lines of [from, to): both are line starts, so the range
 * holds whole lines. */
static void *run(void *arg)
{
	struct part *p = arg;
	char *buf = malloc(LINE_MAX_BYTES + BLOCK_BYTES);
	size_t have = 0, want;
	off_t off = p->from;
	ssize_t n;

	if (buf == NULL) {
		p->failed = 1;
		return NULL;
	}
	while (off < p->to) {
		want = p->to - off < BLOCK_BYTES ? (size_t)(p->to - off)
						 : BLOCK_BYTES;
		n = pread(p->fd, buf + have, want, off);
		if (n <= 0) {
			p->failed = n < 0;
			break;
		}
		off += n;
		have = cut(p, buf, have + (size_t)n, off >= p->to);
	}
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	struct part parts[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	uint64_t lines = 0, postgrey = 0, decisions = 0;
	char errbuf[GS_ERRLEN];
	struct gs_rulebase *rb;
	struct stat st;
	int fd, i, n = argc > 3 ? atoi(argv[3]) : 1, failed = 0;

	if (argc < 3 || argc > 4 || n < 1 || n > MAX_THREADS)
		errx(1, "usage: parse-floor RULEBASE FILE [THREADS 1..%d]",
		     MAX_THREADS);
	rb = gs_rulebase_load(argv[1], errbuf, sizeof(errbuf));
	if (rb == NULL)
		errx(1, "%s", errbuf);
	if ((fd = open(argv[2], O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0)
		err(1, "%s", argv[2]);
	for (i = 0; i < n; i++) {
		memset(&parts[i], 0, sizeof(parts[i]));
		parts[i].fd = fd;
		parts[i].ref = st.st_mtime;
		gs_logline_cache_init(&parts[i].cache);
		parts[i].from = line_start(fd, st.st_size * i / n, st.st_size);
		parts[i].rb =
		    i == 0 ? rb : gs_rulebase_copy(rb, errbuf, sizeof(errbuf));
		if (parts[i].rb == NULL)
			errx(1, "%s", errbuf);
	}
	for (i = 0; i < n; i++)
		parts[i].to = i + 1 < n ? parts[i + 1].from : st.st_size;
	for (i = 0; i < n; i++)
		if (pthread_create(&tids[i], NULL, run, &parts[i]) != 0)
			errx(1, "cannot start a thread");
	for (i = 0; i < n; i++) {
		pthread_join(tids[i], NULL);
		lines += parts[i].lines;
		postgrey += parts[i].postgrey;
		decisions += parts[i].decisions;
		failed |= parts[i].failed;
		gs_rulebase_free(parts[i].rb);
	}
	(void)close(fd);
	if (failed)
		errx(1, "%s: read error or out of memory", argv[2]);
	printf("%" PRIu64 " lines, %" PRIu64 " from postgrey, %" PRIu64
	       " decisions\n",
	       lines, postgrey, decisions);
	return 0;
}
