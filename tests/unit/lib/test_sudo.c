// SPDX-License-Identifier: GPL-2.0
/* The sudo user's ids, and output files: atomic, never through a link,
 * never blocking on a FIFO.  The helper process is tested in a forked
 * child when the test runs as root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/output.h"
#include "lib/sudo.h"
#include "lib/util.h"
#include "tmpdir.h"

#define NOBODY	65534

static void test_parse_id(void **state)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x10", "2147483648",
		"99999999999999999999999", NULL,
	};
	unsigned long v;
	size_t i;

	(void)state;
	assert_int_equal(sudo_parse_id("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(sudo_parse_id("65534", &v), 0);
	assert_int_equal(v, 65534);
	assert_int_equal(sudo_parse_id("2147483647", &v), 0);
	assert_int_equal(v, 2147483647);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(sudo_parse_id(bad[i], &v), -EINVAL);
}

static void test_parse_env(void **state)
{
	uid_t uid = 7;
	gid_t gid = 7;

	(void)state;
	assert_int_equal(sudo_parse_env(NULL, NULL, &uid, &gid), 0);
	assert_int_equal(uid, 7);
	assert_int_equal(sudo_parse_env("1000", "100", &uid, &gid), 1);
	assert_int_equal(uid, 1000);
	assert_int_equal(gid, 100);
	assert_int_equal(sudo_parse_env("1000", NULL, &uid, &gid), -EINVAL);
	assert_int_equal(sudo_parse_env(NULL, "100", &uid, &gid), -EINVAL);
	assert_int_equal(sudo_parse_env("1000", "staff", &uid, &gid), -EINVAL);
	assert_int_equal(sudo_parse_env("-1", "100", &uid, &gid), -EINVAL);
}

/* ---- output files, with the current credentials ---- */

struct dir {
	char path[64];
};

static int dir_setup(void **state)
{
	struct dir *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	strcpy(d->path, "/tmp/whyslow-test-sudo-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	*state = d;
	return 0;
}

static int dir_teardown(void **state)
{
	struct dir *d = *state;

	tmpdir_remove(d->path);
	free(d);
	return 0;
}

static char *in(const struct dir *d, const char *name)
{
	static char buf[2][PATH_MAX];
	static int turn;

	turn ^= 1;
	snprintf(buf[turn], sizeof(buf[turn]), "%s/%s", d->path, name);
	return buf[turn];
}

static int n_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dp);
	return n;
}

static void read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int say(FILE *f, void *arg)
{
	return fputs(arg, f) < 0 ? -EIO : 0;
}

static int fail_midway(FILE *f, void *arg)
{
	(void)arg;
	fputs("half a report", f);
	return -ENOMEM;
}

static void test_new_file(void **state)
{
	struct dir *d = *state;
	char buf[64];
	struct stat st;
	mode_t mask = umask(022);

	assert_int_equal(output_to(in(d, "r.md"), say, "report\n"), 0);
	read_file(in(d, "r.md"), buf, sizeof(buf));
	assert_string_equal(buf, "report\n");
	assert_int_equal(stat(in(d, "r.md"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(n_entries(d->path), 1);
	umask(mask);
}

/* The old file is replaced, not rewritten: a hard link to it keeps the
 * old bytes. */
static void test_replaces(void **state)
{
	struct dir *d = *state;
	char buf[64];

	write_file(in(d, "r.md"), "old\n");
	assert_int_equal(link(in(d, "r.md"), in(d, "keep")), 0);
	assert_int_equal(output_to(in(d, "r.md"), say, "new\n"), 0);
	read_file(in(d, "r.md"), buf, sizeof(buf));
	assert_string_equal(buf, "new\n");
	read_file(in(d, "keep"), buf, sizeof(buf));
	assert_string_equal(buf, "old\n");
	assert_int_equal(n_entries(d->path), 2);
}

static void test_link_replaced_not_followed(void **state)
{
	struct dir *d = *state;
	char buf[64];
	struct stat st;

	write_file(in(d, "victim"), "precious\n");
	assert_int_equal(symlink(in(d, "victim"), in(d, "r.md")), 0);
	assert_int_equal(symlink(in(d, "nowhere/x"), in(d, "dangling")), 0);
	assert_int_equal(output_to(in(d, "r.md"), say, "report\n"), 0);
	assert_int_equal(output_to(in(d, "dangling"), say, "report\n"), 0);
	read_file(in(d, "victim"), buf, sizeof(buf));
	assert_string_equal(buf, "precious\n");
	assert_int_equal(lstat(in(d, "r.md"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(lstat(in(d, "dangling"), &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(access(in(d, "nowhere"), F_OK), -1);
	assert_int_equal(n_entries(d->path), 3);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_fifo(void **state)
{
	struct dir *d = *state;
	struct output o;
	double t0 = now_s();
	char buf[64];
	int rd;
	ssize_t n;

	assert_int_equal(mkfifo(in(d, "fifo"), 0600), 0);
	/* No reader: an error at once, not a hang. */
	assert_int_equal(output_open(&o, in(d, "fifo")), 1);
	assert_true(now_s() - t0 < 1);
	rd = open(in(d, "fifo"), O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(output_to(in(d, "fifo"), say, "through\n"), 0);
	n = read(rd, buf, sizeof(buf) - 1);
	assert_int_equal(n, 8);
	buf[n] = '\0';
	assert_string_equal(buf, "through\n");
	close(rd);
	assert_int_equal(n_entries(d->path), 1);
}

static void test_refused(void **state)
{
	struct dir *d = *state;

	assert_int_equal(mkdir(in(d, "sub"), 0700), 0);
	assert_int_equal(output_to(in(d, "sub"), say, "x"), 1);
	assert_int_equal(output_to(in(d, "missing/r.md"), say, "x"), 1);
	assert_int_equal(output_to(in(d, "sub/"), say, "x"), 1);
	assert_int_equal(output_to("/dev/full", say, "x"), 1);
	assert_int_equal(n_entries(d->path), 1);
	assert_int_equal(n_entries(in(d, "sub")), 0);
}

/* A failed writer or an abort leaves the target as it was. */
static void test_failure_leaves_nothing(void **state)
{
	struct dir *d = *state;
	struct output o;
	char buf[64];

	write_file(in(d, "r.md"), "old\n");
	assert_int_equal(output_to(in(d, "r.md"), fail_midway, NULL), 1);
	assert_int_equal(output_open(&o, in(d, "new.md")), 0);
	output_abort(&o);
	read_file(in(d, "r.md"), buf, sizeof(buf));
	assert_string_equal(buf, "old\n");
	assert_int_equal(n_entries(d->path), 1);
}

/* ---- the helper, as nobody (root only) ---- */

/* cmocka's asserts cannot be used in a forked child: this one ends it. */
#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__,	\
				__LINE__, #cond);			\
			_exit(1);					\
		}							\
	} while (0)

static bool quiet_write(const struct dir *d, const char *name)
{
	return output_to(in(d, name), say, "x") == 0;
}

static void as_nobody(struct dir *d)
{
	struct stat st;
	int fd;

	CHECK(sudo_init_with("65534", "65534") == 0);
	CHECK(sudo_active());
	/* Root's files stay root's, whatever root's groups are. */
	write_file(in(d, "secret"), "root only\n");
	CHECK(chmod(in(d, "secret"), 0640) == 0);
	/* d is root's 0700: nobody cannot create the report in it. */
	CHECK(sudo_open_input(in(d, "secret")) == -EACCES);
	CHECK(!quiet_write(d, "r.md"));
	CHECK(chmod(d->path, 01777) == 0);
	CHECK(sudo_open_input(in(d, "secret")) == -EACCES);
	CHECK(chmod(in(d, "secret"), 0644) == 0);
	fd = sudo_open_input(in(d, "secret"));
	CHECK(fd >= 0);
	close(fd);
	CHECK(quiet_write(d, "r.md"));
	CHECK(stat(in(d, "r.md"), &st) == 0 && st.st_uid == NOBODY);
	/* Root's file in a sticky directory cannot be renamed over. */
	CHECK(!quiet_write(d, "secret"));
	fd = sudo_openat(AT_FDCWD, "/dev/null", O_WRONLY, 0);
	CHECK(fd >= 0);
	close(fd);
	sudo_exit();
	CHECK(sudo_open_input(in(d, "secret")) == -EPIPE);
}

static void test_helper(void **state)
{
	struct dir *d = *state;
	char buf[64];
	pid_t pid;
	int status;

	if (geteuid() != 0)
		skip();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka's asserts longjmp to a runner that is not here:
		 * a failed one ends this child with a nonzero status. */
		as_nobody(d);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	read_file(in(d, "secret"), buf, sizeof(buf));
	assert_string_equal(buf, "root only\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_id),
		cmocka_unit_test(test_parse_env),
		cmocka_unit_test_setup_teardown(test_new_file, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_replaces, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_link_replaced_not_followed,
						dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_fifo, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_refused, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(test_failure_leaves_nothing,
						dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_helper, dir_setup,
						dir_teardown),
	};

	/* Everything but test_helper runs with the test's own rights. */
	if (sudo_init_with(NULL, NULL))
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
