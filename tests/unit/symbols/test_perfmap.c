// SPDX-License-Identifier: GPL-2.0
/*
 * perf maps as a hostile workload writes them: the line-length cap and the
 * file-size cap on both sides, a sparse file of 10 GB without a newline,
 * a map owned by another user, and a map read again as it grows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "symbols/perfmap.h"

/* A memfd holding text, then size bytes in all (a sparse tail). */
static int map_fd(const char *text, uint64_t size)
{
	int fd = memfd_create("perfmap", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	if (size)
		assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* "1000 10 aaa...a\n" whose line (without newline) is len bytes. */
static char *line_of(size_t len)
{
	static const char head[] = "1000 10 ";
	char *s = malloc(len + 2);

	assert_non_null(s);
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'a', len - (sizeof(head) - 1));
	strcpy(s + len, "\n");
	return s;
}

static void read_text(const char *text, uint64_t size, struct perfmap *m,
		      struct perfmap_stats *st)
{
	int fd = map_fd(text, size);

	memset(m, 0, sizeof(*m));
	memset(st, 0, sizeof(*st));
	assert_int_equal(perfmap_read_fd(m, fd, st), 0);
	close(fd);
}

static void test_line_cap(void **state)
{
	struct perfmap_stats st;
	struct perfmap m;
	char text[2 * PERFMAP_LINE_MAX + 64];
	char *at, *over;

	(void)state;
	at = line_of(PERFMAP_LINE_MAX - 1);	/* the longest kept */
	over = line_of(PERFMAP_LINE_MAX);
	snprintf(text, sizeof(text), "%s2000 10 after\n", at);
	read_text(text, 0, &m, &st);
	assert_int_equal(m.n_syms, 2);
	assert_int_equal(st.lines_skipped, 0);
	assert_int_equal(strlen(m.names + perfmap_find(&m, 0x1000)->name),
			 PERFMAP_LINE_MAX - 1 - 8);
	perfmap_clear(&m);

	snprintf(text, sizeof(text), "%s2000 10 after\n", over);
	read_text(text, 0, &m, &st);
	assert_int_equal(m.n_syms, 1);
	assert_int_equal(st.lines_skipped, 1);
	assert_null(perfmap_find(&m, 0x1000));
	assert_string_equal(m.names + perfmap_find(&m, 0x2008)->name, "after");
	perfmap_clear(&m);
	free(at);
	free(over);
}

static void test_size_cap(void **state)
{
	struct perfmap_stats st;
	struct perfmap m;

	(void)state;
	/* exactly the cap: all read, the zeros a long line cut at the end */
	read_text("1000 10 first\n", PERFMAP_MAX_BYTES, &m, &st);
	assert_int_equal(m.n_syms, 1);
	assert_int_equal(st.bytes_skipped, 0);
	assert_int_equal(st.lines_skipped, 1);
	perfmap_clear(&m);
	/* one byte more: that byte is not read, and counted */
	read_text("1000 10 first\n", PERFMAP_MAX_BYTES + 1ull, &m, &st);
	assert_int_equal(m.n_syms, 1);
	assert_int_equal(st.bytes_skipped, 1);
	perfmap_clear(&m);
}

/* 10 GB without a newline: bounded by the cap, well under a second. */
static void test_sparse_10g(void **state)
{
	struct perfmap_stats st;
	struct timespec a, b;
	struct perfmap m;
	double s;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	read_text("1000 10 first", 10ull << 30, &m, &st);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	assert_true(s < 1.0);
	assert_int_equal(m.n_syms, 0);
	assert_int_equal(st.lines_skipped, 1);
	assert_int_equal(st.bytes_skipped, (10ull << 30) - PERFMAP_MAX_BYTES);
	perfmap_clear(&m);
}

/* As perf: a map owned by a user that is neither root, us, nor the
 * process's is not read. */
static void test_owner(void **state)
{
	char dir[] = "/tmp/whyslow-perfmap-XXXXXX", path[128];
	struct perfmap m = { .pid = getpid() };
	struct perfmap_stats st = { 0 };
	FILE *f;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/perf-%u.map", dir, m.pid);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("1000 10 jit\n", f);
	fclose(f);
	assert_int_equal(perfmap_load(&m, dir, &st), 0);
	assert_int_equal(m.n_syms, 1);
	perfmap_clear(&m);
	assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(perfmap_load(&m, dir, &st), -EPERM);
	assert_int_equal(st.refused, 1);
	assert_int_equal(m.n_syms, 0);
	/* root under sudo profiles the user's command: the user's map is
	 * theirs to read, even once the process is gone */
	assert_int_equal(setenv("SUDO_UID", "65534", 1), 0);
	assert_int_equal(setenv("SUDO_GID", "65534", 1), 0);
	assert_int_equal(perfmap_load(&m, dir, &st), 0);
	assert_int_equal(m.n_syms, 1);
	perfmap_clear(&m);
	assert_int_equal(setenv("SUDO_UID", "65533", 1), 0);
	assert_int_equal(perfmap_load(&m, dir, &st), -EPERM);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	unlink(path);
	rmdir(dir);
}

static void append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* A JIT appends while it runs: a miss reads the map again when the file
 * changed, at most every PERFMAP_RECHECK_NS and PERFMAP_MAX_RELOADS
 * times. */
static void test_refresh(void **state)
{
	char dir[] = "/tmp/whyslow-perfmap-XXXXXX", path[128], line[64];
	struct perfmap m = { .pid = 4321 };
	struct perfmap_stats st = { 0 };
	unsigned int i, last;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/perf-%u.map", dir, m.pid);
	/* no map yet: read once it appears */
	assert_int_equal(perfmap_load(&m, dir, &st), -ENOENT);
	m.err = -ENOENT;
	assert_false(perfmap_refresh(&m, dir, &st));	/* too soon */
	m.checked_ns = 0;
	assert_false(perfmap_refresh(&m, dir, &st));	/* still none */
	append(path, "1000 10 first\n");
	m.checked_ns = 0;
	assert_true(perfmap_refresh(&m, dir, &st));
	assert_int_equal(m.err, 0);
	assert_non_null(perfmap_find(&m, 0x1008));
	assert_null(perfmap_find(&m, 0x2008));
	/* grown: read again, only after the interval */
	append(path, "2000 10 second\n");
	assert_false(perfmap_refresh(&m, dir, &st));
	m.checked_ns = 0;
	assert_true(perfmap_refresh(&m, dir, &st));
	assert_string_equal(m.names + perfmap_find(&m, 0x2008)->name, "second");
	assert_non_null(perfmap_find(&m, 0x1008));
	/* unchanged: not read */
	m.checked_ns = 0;
	assert_false(perfmap_refresh(&m, dir, &st));
	/* a map that keeps changing is read a bounded number of times */
	for (i = 0; i < 2 * PERFMAP_MAX_RELOADS; i++) {
		snprintf(line, sizeof(line), "%x 10 f%u\n", 0x3000 + 0x10 * i,
			 i);
		append(path, line);
		m.checked_ns = 0;
		perfmap_refresh(&m, dir, &st);
	}
	assert_int_equal(m.reloads, PERFMAP_MAX_RELOADS);
	assert_non_null(perfmap_find(&m, 0x3000));
	last = 0x3000 + 0x10 * (2 * PERFMAP_MAX_RELOADS - 1);
	assert_null(perfmap_find(&m, last));
	perfmap_clear(&m);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_cap),
		cmocka_unit_test(test_size_cap),
		cmocka_unit_test(test_sparse_10g),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_refresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
