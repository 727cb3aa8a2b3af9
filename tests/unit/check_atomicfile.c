/* Unit tests of lib/atomicfile.c: content and mode, replacement, a planted
 * symlink, failures leaving no temporary file, owner/group (the tests run
 * as root), and the removal of temporary files a crash left. */
#include "gs_config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomicfile.h"
#include "base/error.h"
#include "suite.h"

static char tmpdir[64];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_atomicfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void rm_tree(const char *dir)
{
	char path[512];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void teardown(void)
{
	rm_tree(tmpdir);
}

static void path_in(char *buf, size_t len, const char *name)
{
	ck_assert_int_lt(snprintf(buf, len, "%s/%s", tmpdir, name), (int)len);
}

static void write_plain(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* The whole file as a string (test files are small). */
static char *slurp(const char *path)
{
	static char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Entries in dir other than . and .., and whether any is a temp file. */
static int count_entries(const char *dir, int *temps)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(dir);

	*temps = 0;
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		if (de->d_name[0] == '.')
			(*temps)++;
	}
	closedir(d);
	return n;
}

START_TEST(test_atomic_write_creates_file_with_content_and_mode)
{
	struct gs_file_opts o;
	char path[256], err[GS_ERRLEN] = "";
	struct stat st;
	int temps;

	path_in(path, sizeof(path), "summary.json");
	gs_file_opts_default(&o);
	ck_assert_int_eq(o.mode, 0640);
	ck_assert_int_eq(o.uid, (uid_t)-1);
	ck_assert_int_eq(o.gid, (gid_t)-1);
	ck_assert_int_eq(
	    gs_atomic_write(path, "hello\n", 6, &o, err, sizeof(err)), 0);
	ck_assert_str_eq(slurp(path), "hello\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(st.st_size, 6);
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
}
END_TEST

START_TEST(test_atomic_write_applies_mode_despite_umask)
{
	struct gs_file_opts o;
	char path[256], err[GS_ERRLEN] = "";
	struct stat st;
	mode_t old = umask(077);

	path_in(path, sizeof(path), "open.json");
	gs_file_opts_default(&o);
	o.mode = 0644;
	ck_assert_int_eq(gs_atomic_write(path, "x", 1, &o, err, sizeof(err)),
			 0);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0644);
}
END_TEST

START_TEST(test_atomic_write_null_opts_uses_defaults)
{
	char path[256], err[GS_ERRLEN] = "";
	struct stat st;

	path_in(path, sizeof(path), "d.json");
	ck_assert_int_eq(gs_atomic_write(path, "", 0, NULL, err, sizeof(err)),
			 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, GS_DEFAULT_FILE_MODE);
	ck_assert_int_eq(st.st_size, 0);
}
END_TEST

START_TEST(test_atomic_write_replaces_existing_file)
{
	char path[256], err[GS_ERRLEN] = "";
	struct stat before, after;
	int temps;

	path_in(path, sizeof(path), "summary.json");
	write_plain(path, "old content that is longer\n");
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(
	    gs_atomic_write(path, "new\n", 4, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(slurp(path), "new\n");
	ck_assert_int_eq(stat(path, &after), 0);
	/* A new inode: readers holding the old file keep a whole old file. */
	ck_assert_int_ne(before.st_ino, after.st_ino);
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
}
END_TEST

START_TEST(test_atomic_write_replaces_symlink_without_following_it)
{
	char path[256], victim[256], err[GS_ERRLEN] = "";
	struct stat st;

	path_in(path, sizeof(path), "summary.json");
	path_in(victim, sizeof(victim), "victim");
	write_plain(victim, "precious\n");
	ck_assert_int_eq(chmod(victim, 0600), 0);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(
	    gs_atomic_write(path, "summary\n", 8, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_str_eq(slurp(path), "summary\n");
	ck_assert_str_eq(slurp(victim), "precious\n");
	ck_assert_int_eq(stat(victim, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
}
END_TEST

START_TEST(test_atomic_write_writes_large_data_completely)
{
	size_t len = 8u * 1024 * 1024 + 13, i;
	char path[256], err[GS_ERRLEN] = "";
	char *data = malloc(len), *back;
	struct stat st;
	FILE *f;

	ck_assert_ptr_nonnull(data);
	for (i = 0; i < len; i++)
		data[i] = (char)(i * 7 + i / 251);
	path_in(path, sizeof(path), "big");
	ck_assert_int_eq(
	    gs_atomic_write(path, data, len, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq((size_t)st.st_size, len);
	back = malloc(len);
	ck_assert_ptr_nonnull(back);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(back, 1, len, f), len);
	fclose(f);
	ck_assert_int_eq(memcmp(data, back, len), 0);
	free(back);
	free(data);
}
END_TEST

START_TEST(test_atomic_write_fails_in_missing_directory)
{
	char path[256], err[GS_ERRLEN] = "";
	int temps;

	path_in(path, sizeof(path), "no-such-dir/summary.json");
	ck_assert_int_eq(gs_atomic_write(path, "x", 1, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	ck_assert_int_eq(count_entries(tmpdir, &temps), 0);
}
END_TEST

START_TEST(test_atomic_write_fails_when_parent_is_a_file)
{
	char parent[256], path[300], err[GS_ERRLEN] = "";
	int temps;

	path_in(parent, sizeof(parent), "plain");
	write_plain(parent, "a file\n");
	snprintf(path, sizeof(path), "%s/summary.json", parent);
	ck_assert_int_eq(gs_atomic_write(path, "x", 1, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "Not a directory"));
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
	ck_assert_str_eq(slurp(parent), "a file\n");
}
END_TEST

/* The rename step fails (the target is a non-empty directory): the temp file
 * was already written and must be removed again. */
START_TEST(test_atomic_write_failed_rename_removes_temp_file)
{
	char path[256], inner[300], err[GS_ERRLEN] = "";
	int temps;

	path_in(path, sizeof(path), "target");
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(inner, sizeof(inner), "%s/keep", path);
	write_plain(inner, "k");
	ck_assert_int_eq(gs_atomic_write(path, "x", 1, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "rename"));
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
}
END_TEST

/* A write that fails half way (file size limit, EFBIG) keeps the old file
 * and removes the partly written temporary file. */
START_TEST(test_atomic_write_failed_write_keeps_old_file)
{
	struct rlimit lim = {100, 100};
	char path[256], data[1000], err[GS_ERRLEN] = "";
	int temps;

	path_in(path, sizeof(path), "summary.json");
	write_plain(path, "old\n");
	memset(data, 'x', sizeof(data));
	/* Check runs each test in its own process: the limit stays here. */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ck_assert_int_eq(
	    gs_atomic_write(path, data, sizeof(data), NULL, err, sizeof(err)),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "write"));
	ck_assert_ptr_nonnull(strstr(err, strerror(EFBIG)));
	ck_assert_str_eq(slurp(path), "old\n");
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
}
END_TEST

START_TEST(test_atomic_write_refuses_empty_path_and_directory_name)
{
	char path[256], err[GS_ERRLEN] = "";

	ck_assert_int_eq(gs_atomic_write("", "x", 1, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "empty path"));
	path_in(path, sizeof(path), "dir/");
	ck_assert_int_eq(gs_atomic_write(path, "x", 1, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

START_TEST(test_atomic_write_applies_owner_and_group)
{
	struct gs_file_opts o;
	char path[256], err[GS_ERRLEN] = "";
	struct passwd *pw = getpwnam("nobody");
	struct group *gr = getgrnam("nogroup");
	struct stat st;

	ck_assert_ptr_nonnull(pw);
	ck_assert_ptr_nonnull(gr);
	ck_assert_int_eq(geteuid(), 0);
	path_in(path, sizeof(path), "owned.json");
	gs_file_opts_default(&o);
	o.uid = pw->pw_uid;
	o.gid = gr->gr_gid;
	ck_assert_int_eq(gs_atomic_write(path, "x", 1, &o, err, sizeof(err)),
			 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_uid, pw->pw_uid);
	ck_assert_int_eq(st.st_gid, gr->gr_gid);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
}
END_TEST

START_TEST(test_atomic_write_group_only_keeps_owner)
{
	struct gs_file_opts o;
	char path[256], err[GS_ERRLEN] = "";
	struct group *gr = getgrnam("nogroup");
	struct stat st;

	ck_assert_ptr_nonnull(gr);
	path_in(path, sizeof(path), "group.json");
	gs_file_opts_default(&o);
	o.gid = gr->gr_gid;
	ck_assert_int_eq(gs_atomic_write(path, "x", 1, &o, err, sizeof(err)),
			 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_uid, geteuid());
	ck_assert_int_eq(st.st_gid, gr->gr_gid);
}
END_TEST

/* ---- gs_atomic_write_with: a callback writes the content ---- */

#define STREAM_PIECES	   3000
#define STREAM_PIECE_BYTES 1000

/* Writes STREAM_PIECES pieces of a known pattern, or fails after writing
 * half of them when ctx says so. */
static int fill_pattern(FILE *out, void *ctx, char *err, size_t errlen)
{
	const int *fail = ctx;
	char piece[STREAM_PIECE_BYTES];
	int i;

	for (i = 0; i < STREAM_PIECES; i++) {
		if (fail != NULL && *fail && i == STREAM_PIECES / 2)
			return gs_seterr(err, errlen, "building piece %d: %s",
					 i, strerror(ENOMEM));
		memset(piece, 'a' + i % 26, sizeof(piece));
		if (fwrite(piece, 1, sizeof(piece), out) != sizeof(piece))
			return 0; /* ferror(out) tells */
	}
	return 0;
}

START_TEST(test_atomic_write_with_streams_what_the_callback_writes)
{
	char path[256], err[GS_ERRLEN] = "", *data;
	size_t len = (size_t)STREAM_PIECES * STREAM_PIECE_BYTES, i;
	struct stat st;
	int temps;
	FILE *f;

	path_in(path, sizeof(path), "stream");
	write_plain(path, "old\n");
	ck_assert_msg(gs_atomic_write_with(path, NULL, fill_pattern, NULL, err,
					   sizeof(err)) == 0,
		      "%s", err);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq((size_t)st.st_size, len);
	ck_assert_int_eq(st.st_mode & 07777, GS_DEFAULT_FILE_MODE);
	data = malloc(len);
	ck_assert_ptr_nonnull(data);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(data, 1, len, f), len);
	fclose(f);
	for (i = 0; i < len; i += STREAM_PIECE_BYTES)
		ck_assert_int_eq(data[i],
				 'a' + (int)(i / STREAM_PIECE_BYTES) % 26);
	free(data);
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
}
END_TEST

/* The callback's own error, prefixed with the path; nothing replaced. */
START_TEST(test_atomic_write_with_failing_callback_keeps_old_file)
{
	char path[256], err[GS_ERRLEN] = "", want[GS_ERRLEN];
	int fail = 1, temps;

	path_in(path, sizeof(path), "summary.json");
	write_plain(path, "old\n");
	ck_assert_int_eq(gs_atomic_write_with(path, NULL, fill_pattern, &fail,
					      err, sizeof(err)),
			 -1);
	snprintf(want, sizeof(want), "%s: building piece %d: %s", path,
		 STREAM_PIECES / 2, strerror(ENOMEM));
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(slurp(path), "old\n");
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
}
END_TEST

/* A write that fails inside the callback (file size limit) is reported as
 * a write error even though the callback returns 0. */
START_TEST(test_atomic_write_with_write_error_in_callback_keeps_old_file)
{
	struct rlimit lim = {100000, 100000};
	char path[256], err[GS_ERRLEN] = "";
	int temps;

	path_in(path, sizeof(path), "summary.json");
	write_plain(path, "old\n");
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	ck_assert_int_eq(gs_atomic_write_with(path, NULL, fill_pattern, NULL,
					      err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, ": write (temporary file "));
	ck_assert_ptr_nonnull(strstr(err, strerror(EFBIG)));
	ck_assert_str_eq(slurp(path), "old\n");
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
	ck_assert_int_eq(temps, 0);
}
END_TEST

START_TEST(test_atomic_write_with_refuses_null_callback_and_empty_path)
{
	char path[256], err[GS_ERRLEN] = "";
	int temps;

	path_in(path, sizeof(path), "x");
	ck_assert_int_eq(
	    gs_atomic_write_with(path, NULL, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "nothing to write"));
	ck_assert_int_eq(gs_atomic_write_with("", NULL, fill_pattern, NULL, err,
					      sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "empty path"));
	ck_assert_int_eq(count_entries(tmpdir, &temps), 0);
}
END_TEST

static int exists(const char *name)
{
	char p[256];
	struct stat st;

	path_in(p, sizeof(p), name);
	return lstat(p, &st) == 0;
}

START_TEST(test_remove_stale_removes_own_temp_files_of_the_target_only)
{
	char target[256], p[256];

	path_in(target, sizeof(target), "sum.json");
	write_plain(target, "current");
	path_in(p, sizeof(p), ".sum.json.Ab3xY9");
	write_plain(p, "partial");
	path_in(p, sizeof(p), ".sum.json.zzzzzz");
	write_plain(p, "partial");
	/* Another file's temporary file is not this target's. */
	path_in(p, sizeof(p), ".sum.json.state.Ab3xY9");
	write_plain(p, "other");
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, NULL, 0), 2);
	ck_assert(!exists(".sum.json.Ab3xY9"));
	ck_assert(!exists(".sum.json.zzzzzz"));
	ck_assert(exists(".sum.json.state.Ab3xY9"));
	ck_assert_str_eq(slurp(target), "current");
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, NULL, 0), 0);
}
END_TEST

START_TEST(test_remove_stale_keeps_names_one_off_the_pattern)
{
	static const char *const keep[] = {
	    ".sum.json.Ab3xY",	 /* suffix one short */
	    ".sum.json.Ab3xY9z", /* one long */
	    ".sum.json.Ab3-Y9",	 /* a character the writer never uses */
	    "sum.json.Ab3xY9",	 /* no leading dot */
	    ".sum.jsonXAb3xY9",	 /* no dot after the base name */
	    ".xsum.json.Ab3xY9", /* another base name */
	    "sum.json",		 /* the target itself */
	};
	char target[256], p[256];
	size_t i;

	path_in(target, sizeof(target), "sum.json");
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		path_in(p, sizeof(p), keep[i]);
		write_plain(p, "x");
	}
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, NULL, 0), 0);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		ck_assert_msg(exists(keep[i]), "%s was removed", keep[i]);
}
END_TEST

START_TEST(test_remove_stale_never_follows_or_removes_other_kinds)
{
	char target[256], victim[256], p[256], q[256];
	struct stat before, after;

	path_in(target, sizeof(target), "sum.json");
	path_in(victim, sizeof(victim), "victim");
	write_plain(victim, "precious");
	ck_assert_int_eq(stat(victim, &before), 0);
	path_in(p, sizeof(p), ".sum.json.SYMLNK");
	ck_assert_int_eq(symlink(victim, p), 0);
	path_in(p, sizeof(p), ".sum.json.DIRECT");
	ck_assert_int_eq(mkdir(p, 0700), 0);
	path_in(p, sizeof(p), ".sum.json.FIFO00");
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	/* A second link to a file: never one of the writer's. */
	path_in(q, sizeof(q), "victim2");
	write_plain(q, "linked");
	path_in(p, sizeof(p), ".sum.json.HLINK0");
	ck_assert_int_eq(link(q, p), 0);
	/* Another user's file. */
	path_in(q, sizeof(q), ".sum.json.OTHER0");
	write_plain(q, "theirs");
	ck_assert_int_eq(chown(q, 65534, 65534), 0);
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, NULL, 0), 0);
	ck_assert(exists(".sum.json.SYMLNK"));
	ck_assert(exists(".sum.json.DIRECT"));
	ck_assert(exists(".sum.json.FIFO00"));
	ck_assert(exists(".sum.json.HLINK0"));
	ck_assert(exists(".sum.json.OTHER0"));
	ck_assert_int_eq(stat(victim, &after), 0);
	ck_assert_str_eq(slurp(victim), "precious");
	ck_assert_int_eq(after.st_ino, before.st_ino);
	ck_assert_int_eq(after.st_mtime, before.st_mtime);
}
END_TEST

START_TEST(test_remove_stale_removes_temp_files_given_the_configured_owner)
{
	struct gs_file_opts o;
	char target[256], p[256];

	path_in(target, sizeof(target), "sum.json");
	path_in(p, sizeof(p), ".sum.json.OWNED0");
	write_plain(p, "partial");
	ck_assert_int_eq(chown(p, 65534, 65534), 0);
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, NULL, 0), 0);
	ck_assert(exists(".sum.json.OWNED0"));
	gs_file_opts_default(&o);
	o.uid = 65534;
	ck_assert_int_eq(gs_atomic_remove_stale(target, &o, NULL, 0), 1);
	ck_assert(!exists(".sum.json.OWNED0"));
}
END_TEST

START_TEST(test_remove_stale_missing_directory_is_nothing_to_do)
{
	char target[256];

	path_in(target, sizeof(target), "nodir/sum.json");
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, NULL, 0), 0);
}
END_TEST

START_TEST(test_remove_stale_reports_unreadable_directory_and_empty_path)
{
	char target[256], p[256], err[GS_ERRLEN] = "";

	path_in(p, sizeof(p), "file");
	write_plain(p, "x");
	path_in(target, sizeof(target), "file/sum.json");
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, p));
	ck_assert_ptr_nonnull(strstr(err, strerror(ENOTDIR)));
	ck_assert_int_eq(gs_atomic_remove_stale("", NULL, err, sizeof(err)),
			 -1);
	ck_assert_int_eq(gs_atomic_remove_stale(NULL, NULL, err, sizeof(err)),
			 -1);
}
END_TEST

START_TEST(test_remove_stale_never_removes_what_a_completed_write_left)
{
	char target[256];
	int temps;

	path_in(target, sizeof(target), "sum.json");
	ck_assert_int_eq(gs_atomic_write(target, "new", 3, NULL, NULL, 0), 0);
	ck_assert_int_eq(gs_atomic_remove_stale(target, NULL, NULL, 0), 0);
	ck_assert_str_eq(slurp(target), "new");
	ck_assert_int_eq(count_entries(tmpdir, &temps), 1);
}
END_TEST

static Suite *atomicfile_suite(void)
{
	Suite *s = suite_create("atomicfile");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc,
		       test_atomic_write_creates_file_with_content_and_mode);
	tcase_add_test(tc, test_atomic_write_applies_mode_despite_umask);
	tcase_add_test(tc, test_atomic_write_null_opts_uses_defaults);
	tcase_add_test(tc, test_atomic_write_replaces_existing_file);
	tcase_add_test(tc,
		       test_atomic_write_replaces_symlink_without_following_it);
	tcase_add_test(tc, test_atomic_write_writes_large_data_completely);
	tcase_add_test(tc, test_atomic_write_fails_in_missing_directory);
	tcase_add_test(tc, test_atomic_write_fails_when_parent_is_a_file);
	tcase_add_test(tc, test_atomic_write_failed_rename_removes_temp_file);
	tcase_add_test(tc, test_atomic_write_failed_write_keeps_old_file);
	tcase_add_test(tc,
		       test_atomic_write_refuses_empty_path_and_directory_name);
	tcase_add_test(tc, test_atomic_write_applies_owner_and_group);
	tcase_add_test(tc, test_atomic_write_group_only_keeps_owner);
	tcase_add_test(tc,
		       test_atomic_write_with_streams_what_the_callback_writes);
	tcase_add_test(tc,
		       test_atomic_write_with_failing_callback_keeps_old_file);
	tcase_add_test(
	    tc, test_atomic_write_with_write_error_in_callback_keeps_old_file);
	tcase_add_test(
	    tc, test_atomic_write_with_refuses_null_callback_and_empty_path);
	tcase_add_test(
	    tc, test_remove_stale_removes_own_temp_files_of_the_target_only);
	tcase_add_test(tc, test_remove_stale_keeps_names_one_off_the_pattern);
	tcase_add_test(tc,
		       test_remove_stale_never_follows_or_removes_other_kinds);
	tcase_add_test(
	    tc,
	    test_remove_stale_removes_temp_files_given_the_configured_owner);
	tcase_add_test(tc,
		       test_remove_stale_missing_directory_is_nothing_to_do);
	tcase_add_test(
	    tc, test_remove_stale_reports_unreadable_directory_and_empty_path);
	tcase_add_test(
	    tc, test_remove_stale_never_removes_what_a_completed_write_left);
	suite_add_tcase(s, tc);
	return s;
}

GS_TEST_MAIN(atomicfile_suite)
