/* sender_keys: prints gs_sender_key (or, with -r, gs_recipient_key) of each
 * input line, one key a line, for tests/unit/sender-vs-postgrey.sh.
 *
 *	sender_keys [-r] [-x] < values
 *
 * -x: lines in and out are hex (two lower-case digits a byte), so that any
 * byte but NUL, newline included, can be tested. Without -x a line is the
 * value itself. Exit 0; 2 on bad usage or input (a NUL byte, bad hex); 1
 * when a key does not fit a buffer as long as its value, which sender.h
 * rules out. */
#include "gs_config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/sender.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes line (len bytes, hex) in place; -1 on bad hex or a NUL byte. */
static int unhex(char *line, size_t *len)
{
	size_t i;
	int hi, lo;

	if (*len % 2 != 0)
		return -1;
	for (i = 0; i < *len / 2; i++) {
		hi = hexval((unsigned char)line[2 * i]);
		lo = hexval((unsigned char)line[2 * i + 1]);
		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
			return -1;
		line[i] = (char)(hi << 4 | lo);
	}
	*len /= 2;
	line[*len] = '\0';
	return 0;
}

static int put_key(const char *key, bool hex)
{
	size_t i;

	if (!hex)
		return printf("%s\n", key) < 0 ? -1 : 0;
	for (i = 0; key[i] != '\0'; i++)
		if (printf("%02x", (unsigned char)key[i]) < 0)
			return -1;
	return putchar('\n') == EOF ? -1 : 0;
}

/* One input line (without its newline) to one output line. */
static int one(char *line, size_t len, bool rcpt, bool hex, unsigned long no)
{
	char *key = NULL;
	int rc = 2;

	if (hex ? unhex(line, &len) != 0 : strlen(line) != len) {
		fprintf(stderr, "sender_keys: line %lu: bad input\n", no);
		goto out;
	}
	key = malloc(len + 1);
	if (key == NULL) {
		fprintf(stderr, "sender_keys: line %lu: no memory\n", no);
		goto out;
	}
	if ((rcpt ? gs_recipient_key(line, key, len + 1)
		  : gs_sender_key(line, key, len + 1)) != 0) {
		fprintf(stderr,
			"sender_keys: line %lu: key longer than value\n", no);
		rc = 1;
		goto out;
	}
	rc = put_key(key, hex) == 0 ? 0 : 2;
out:
	free(key);
	return rc;
}

int main(int argc, char **argv)
{
	bool rcpt = false, hex = false;
	unsigned long no = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "rx")) != -1) {
		if (c == 'r')
			rcpt = true;
		else if (c == 'x')
			hex = true;
		else {
			fprintf(stderr, "usage: sender_keys [-r] [-x] < in\n");
			return 2;
		}
	}
	while (rc == 0 && (n = getline(&line, &cap, stdin)) >= 0) {
		no++;
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		rc = one(line, (size_t)n, rcpt, hex, no);
	}
	free(line);
	if (rc == 0 && (ferror(stdin) || fflush(stdout) != 0)) {
		fprintf(stderr, "sender_keys: read or write error\n");
		rc = 2;
	}
	return rc;
}
