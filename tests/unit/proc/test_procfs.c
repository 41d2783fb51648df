// SPDX-License-Identifier: GPL-2.0
/* Bounded /proc reads (procfs.c): caps on the file and on a line, each
 * side of them, and what is counted when a read is cut; anonymous code
 * read from maps (procmap.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc/procfs.h"
#include "proc/procmap.h"
#include "lib/util.h"
#include "tmpdir.h"

static char dir[] = "/tmp/ws-procfs-XXXXXX";
static char path[256];

static void write_file(const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_read_caps(void **state)
{
	char buf[8];
	bool cut;

	(void)state;
	write_file("1234567", 7);	/* exactly size - 1: not cut */
	assert_int_equal(procfs_read(path, buf, sizeof(buf), &cut), 7);
	assert_string_equal(buf, "1234567");
	assert_false(cut);
	write_file("12345678", 8);	/* one more: cut */
	assert_int_equal(procfs_read(path, buf, sizeof(buf), &cut), 7);
	assert_string_equal(buf, "1234567");
	assert_true(cut);
	write_file("", 0);
	assert_int_equal(procfs_read(path, buf, sizeof(buf), &cut), 0);
	assert_string_equal(buf, "");
	assert_false(cut);
	assert_true(procfs_read("/nonexistent/x", buf, sizeof(buf), &cut) < 0);
	assert_string_equal(buf, "");
}

static void test_proc_file(void **state)
{
	char buf[64];
	bool cut;

	(void)state;
	assert_true(procfs_read("/proc/self/comm", buf, sizeof(buf), &cut) > 0);
	assert_false(cut);
	assert_non_null(strchr(buf, '\n'));
}

/* Lines of path with caps: the lines read joined by '|'. */
static void lines_of(size_t max_total, size_t max_line, char *out,
		     size_t *long_lines, bool *cut, bool *lost)
{
	struct procfs_lines l;

	out[0] = '\0';
	assert_int_equal(procfs_lines_open(&l, path, max_total, max_line), 0);
	while (procfs_lines_next(&l)) {
		strcat(out, l.line);
		strcat(out, "|");
	}
	*long_lines = l.long_lines;
	*cut = l.cut;
	*lost = procfs_lines_close(&l);
}

static void test_lines_long_line(void **state)
{
	char out[256];
	size_t long_lines;
	bool cut, lost;

	(void)state;
	/* "abcd\n" is 5 bytes: it fits a 5-byte line cap, "abcdef\n" not */
	write_file("abcd\nabcdef\nxy\nabcdefghijklmnop\nz", 34);
	lines_of(1000, 5, out, &long_lines, &cut, &lost);
	assert_string_equal(out, "abcd|xy|z|");
	assert_int_equal(long_lines, 2);
	assert_false(cut);
	assert_true(lost);
	lines_of(1000, 64, out, &long_lines, &cut, &lost);
	assert_string_equal(out, "abcd|abcdef|xy|abcdefghijklmnop|z|");
	assert_int_equal(long_lines, 0);
	assert_false(lost);
}

static void test_lines_total_cap(void **state)
{
	char out[256];
	size_t long_lines;
	bool cut, lost;

	(void)state;
	write_file("aa\nbb\ncc\n", 9);
	lines_of(9, 64, out, &long_lines, &cut, &lost);	/* the whole file */
	assert_string_equal(out, "aa|bb|cc|");
	assert_false(lost);
	lines_of(8, 64, out, &long_lines, &cut, &lost);	/* "cc" cut short */
	assert_string_equal(out, "aa|bb|");
	assert_true(cut);
	assert_true(lost);
	lines_of(6, 64, out, &long_lines, &cut, &lost);	/* at a line end */
	assert_string_equal(out, "aa|bb|");
	assert_true(cut);
	write_file("aa\nbb\n", 6);	/* the cap at the very end: not cut */
	lines_of(6, 64, out, &long_lines, &cut, &lost);
	assert_string_equal(out, "aa|bb|");
	assert_false(cut);
	assert_false(lost);
}

static void test_lines_proc_maps(void **state)
{
	struct procfs_lines l;
	size_t n = 0;

	(void)state;
	assert_int_equal(procfs_lines_open(&l, "/proc/self/maps",
					   PROCFS_MAPS_MAX, PROCFS_MAPS_LINE), 0);
	while (procfs_lines_next(&l))
		n += strstr(l.line, "-") != NULL;
	assert_false(procfs_lines_close(&l));
	assert_true(n > 5);
	assert_true(procfs_lines_open(&l, "/nonexistent/x", 10, 10) < 0);
}

/* A maps file with a line over PROCFS_MAPS_LINE: the other mappings load,
 * and the table counts the process as cut. */
static void test_maps_cut_counted(void **state)
{
	char pdir[64], line[PROCFS_MAPS_LINE + 64];
	struct proc_table t;
	FILE *f;
	int n;

	(void)state;
	snprintf(pdir, sizeof(pdir), "%s/42", dir);
	assert_int_equal(mkdir(pdir, 0755), 0);
	snprintf(pdir, sizeof(pdir), "%s/42/maps", dir);
	f = fopen(pdir, "w");
	assert_non_null(f);
	n = snprintf(line, sizeof(line), "1000-2000 r-xp 0 08:01 7 /");
	memset(line + n, 'a', sizeof(line) - n - 1);
	line[sizeof(line) - 1] = '\0';
	fprintf(f, "400000-401000 r-xp 00000000 08:01 5 /bin/a\n%s\n"
		"500000-501000 r-xp 00000000 08:01 6 /bin/b\n", line);
	assert_int_equal(fclose(f), 0);
	proc_table_init(&t);
	assert_int_equal(proc_table_load(&t, 42, dir), 0);
	assert_int_equal(t.maps_cut, 1);
	assert_non_null(proc_lookup(proc_table_find(&t, 42), 0x400100, 0));
	assert_non_null(proc_lookup(proc_table_find(&t, 42), 0x500100, 0));
	proc_table_free(&t);
}

static void test_anon_names(void **state)
{
	(void)state;
	assert_true(proc_path_anon("//anon"));
	assert_true(proc_path_anon(""));
	assert_true(proc_path_anon("[anon:v8 code]"));
	assert_true(proc_path_anon("/memfd:jit-cache (deleted)"));
	assert_true(proc_path_anon("/dev/zero (deleted)"));
	assert_false(proc_path_anon("/usr/bin/node"));
	assert_false(proc_path_anon("/tmp/anon"));
	assert_false(proc_path_anon("[vdso]"));
}

/* JIT code (anonymous, memfd, unnamed in /proc) is code in no file: no
 * module, so its addresses go to the perf map; anonymous data is not
 * kept at all. */
static void test_anon_code(void **state)
{
	const struct mapping *m;
	char pdir[64];
	struct proc_table t;
	struct proc *p;
	FILE *f;

	(void)state;
	snprintf(pdir, sizeof(pdir), "%s/43", dir);
	assert_int_equal(mkdir(pdir, 0755), 0);
	snprintf(pdir, sizeof(pdir), "%s/43/maps", dir);
	f = fopen(pdir, "w");
	assert_non_null(f);
	fprintf(f, "400000-401000 r-xp 00000000 08:01 5 /usr/bin/node\n"
		"7f0000000000-7f0000100000 rwxp 00000000 00:00 0 \n"
		"7f0000200000-7f0000300000 r-xp 00000000 00:01 9 "
		"/memfd:jit (deleted)\n"
		"7f0000400000-7f0000500000 rw-p 00000000 00:00 0 \n");
	assert_int_equal(fclose(f), 0);
	proc_table_init(&t);
	assert_int_equal(proc_table_load(&t, 43, dir), 0);
	p = proc_table_find(&t, 43);
	assert_non_null(p);
	assert_int_equal(p->n_maps, 3);
	m = proc_lookup(p, 0x400100, 0);
	assert_non_null(m);
	assert_true(m->module >= 0);
	m = proc_lookup(p, 0x7f0000000100, 0);
	assert_non_null(m);
	assert_int_equal(m->module, -1);
	m = proc_lookup(p, 0x7f0000200100, 0);
	assert_non_null(m);
	assert_int_equal(m->module, -1);
	assert_int_equal(t.n_modules, 1);
	/* perf's name for the same, as the side band gives it */
	assert_int_equal(proc_table_mmap(&t, 43, 0x7f0000600000, 0x1000, 0, 0,
					 0, "//anon", true, 5), 0);
	assert_int_equal(proc_table_mmap(&t, 43, 0x7f0000700000, 0x1000, 0, 0,
					 0, "//anon", false, 5), 0);
	assert_int_equal(p->n_maps, 4);
	assert_int_equal(proc_lookup(p, 0x7f0000600000, 5)->module, -1);
	assert_int_equal(t.n_modules, 1);
	proc_table_free(&t);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/f", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* NUL-separated strings as /proc gives them; len counts the last NUL. */
#define STRS(s)	(s), sizeof(s) - 1

static bool unbuffered(const char *env, size_t env_len, const char *cmd,
		       size_t cmd_len)
{
	return procfs_python_opts(env, env_len, cmd, cmd_len) &
	       PROCFS_PY_UNBUFFERED;
}

/* PYTHONUNBUFFERED set to anything but empty, or -u among the
 * interpreter's options: not the script's. */
static void test_python_unbuffered(void **state)
{
	static const char env_set[] = "HOME=/root\0PYTHONUNBUFFERED=1\0";
	static const char env_empty[] = "PYTHONUNBUFFERED=\0PATH=/bin\0";
	static const char env_none[] = "PYTHONUNBUFFEREDX=1\0";
	static const char plain[] = "python3\0lines.py\0";
	int opts;

	(void)state;
	assert_true(unbuffered(STRS(env_set), STRS(plain)));
	assert_false(unbuffered(STRS(env_empty), STRS(plain)));
	assert_false(unbuffered(STRS(env_none), STRS(plain)));
	assert_false(unbuffered("", 0, "", 0));
	assert_true(unbuffered("", 0, STRS("python3\0-u\0x.py\0")));
	assert_true(unbuffered("", 0, STRS("python3\0-Bu\0x.py\0")));
	assert_true(unbuffered("", 0,
			       STRS("python3\0-W\0ignore\0-u\0x.py\0")));
	assert_true(unbuffered("", 0, STRS("python3\0-uc\0print(1)\0")));
	/* the script's own -u, a -c program's, a module's */
	assert_false(unbuffered("", 0, STRS("python3\0x.py\0-u\0")));
	assert_false(unbuffered("", 0, STRS("python3\0-c\0print(1)\0-u\0")));
	assert_false(unbuffered("", 0, STRS("python3\0-cu\0")));
	assert_false(unbuffered("", 0, STRS("python3\0-m\0json.tool\0-u\0")));
	assert_false(unbuffered("", 0, STRS("python3\0-Wu\0x.py\0")));
	assert_false(unbuffered("", 0, STRS("python3\0--\0-u\0")));
	/* a buffer cut without its last NUL */
	assert_true(unbuffered("", 0, "python3\0-u", 11));
	/* this process, as its environment says */
	opts = procfs_pid_python_opts("/proc", getpid());
	assert_true(opts >= 0);
	assert_int_equal(!!(opts & PROCFS_PY_UNBUFFERED),
			 getenv("PYTHONUNBUFFERED") &&
			 *getenv("PYTHONUNBUFFERED"));
	assert_true(procfs_pid_python_opts("/nonexistent", 1) < 0);
}

/* A command line as one line: words joined, bytes a terminal or a report
 * would act on replaced, cut to fit; this process's own from /proc. */
static void test_cmdline_join(void **state)
{
	char out[16], wide[64], self[PROCFS_ARGS_MAX];

	(void)state;
	procfs_cmdline_join(STRS("cc\0-c\0a.c\0"), out, sizeof(out));
	assert_string_equal(out, "cc -c a.c");
	procfs_cmdline_join(STRS("sh\0-c\0echo\x1b[2J\n\xc3\xa9\0"), wide,
			    sizeof(wide));
	assert_string_equal(wide, "sh -c echo?[2J???");
	procfs_cmdline_join(STRS("a-very-long-program\0x\0"), out,
			    sizeof(out));
	assert_string_equal(out, "a-very-long-pro");
	procfs_cmdline_join("", 0, out, sizeof(out));
	assert_string_equal(out, "");
	procfs_cmdline_join(STRS("\0\0\0"), out, sizeof(out));
	assert_string_equal(out, "");
	/* a cut buffer, no NUL at its end; a word left empty */
	procfs_cmdline_join("ls\0\0-l", 6, out, sizeof(out));
	assert_string_equal(out, "ls '' -l");
	/* words a shell would split or unquote: quoted */
	procfs_cmdline_join(STRS("sh\0-c\0echo 'a' \\\0\"\0"), wide,
			    sizeof(wide));
	assert_string_equal(wide, "sh -c 'echo '\\''a'\\'' \\' '\"'");
	procfs_cmdline_join(STRS("git\0--keep=pack 1 on vm\0"), wide,
			    sizeof(wide));
	assert_string_equal(wide, "git '--keep=pack 1 on vm'");
	/* whyslow's own argv: UTF-8 kept, control bytes not */
	procfs_argv_join(STRS("echo\0caf\xc3\xa9 \x1b\x7f\0"), wide,
			 sizeof(wide));
	assert_string_equal(wide, "echo 'caf\xc3\xa9 ?" "?'");
	procfs_cmdline_join("ab", 2, out, 1);
	assert_string_equal(out, "");
	assert_int_equal(procfs_pid_cmdline("/proc", getpid(), self,
					    sizeof(self)), 0);
	assert_non_null(strstr(self, "test_procfs"));
	assert_true(procfs_pid_cmdline("/nonexistent", 1, self,
				       sizeof(self)) < 0);
	assert_string_equal(self, "");
}

/* -c among the interpreter's options: its code's file is "<string>". */
static void test_python_command(void **state)
{
	static const struct {
		const char *cmd;
		size_t len;
		unsigned int want;
	} cases[] = {
		{ STRS("python3\0-c\0import os\0"), PROCFS_PY_COMMAND },
		{ STRS("python3\0-cimport os\0"), PROCFS_PY_COMMAND },
		{ STRS("python3\0-I\0-uc\0pass\0"),
		  PROCFS_PY_COMMAND | PROCFS_PY_UNBUFFERED },
		{ STRS("python3\0-X\0dev\0-c\0pass\0"), PROCFS_PY_COMMAND },
		{ STRS("python3\0x.py\0-c\0"), 0 },	/* the script's */
		{ STRS("python3\0-m\0mod\0-c\0"), 0 },
		{ STRS("python3\0-Wc\0x.py\0"), 0 },	/* -W's value */
		{ STRS("python3\0--\0-c\0"), 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		if (procfs_python_opts("", 0, cases[i].cmd, cases[i].len) !=
		    cases[i].want)
			fail_msg("case %zu: want %u", i, cases[i].want);
}

/* Writes name under dir/pid: len bytes of text. */
static void fake_file(unsigned int pid, const char *name, const char *text,
		      size_t len)
{
	char file[96];
	FILE *f;

	snprintf(file, sizeof(file), "%s/%u/%s", dir, pid, name);
	f = fopen(file, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* A process loaded from procfs (-p, or seen before its exec) has its
 * Python options read as one that exec'd while traced: -c and -u; a
 * program that is no Python has none, whatever its command line. */
static void test_load_python_opts(void **state)
{
	static const char *const exes[] = { "/usr/bin/python3.11",
					    "/usr/bin/cpython-like" };
	char pdir[64], link[96];
	struct proc_table t;
	struct proc *p;
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		snprintf(pdir, sizeof(pdir), "%s/%u", dir, 50 + i);
		assert_int_equal(mkdir(pdir, 0755), 0);
		snprintf(link, sizeof(link), "%s/exe", pdir);
		assert_int_equal(symlink(exes[i], link), 0);
		fake_file(50 + i, "cmdline", STRS("python3\0-uc\0pass\0"));
		fake_file(50 + i, "environ", STRS("HOME=/root\0"));
		fake_file(50 + i, "maps", "", 0);
		proc_table_init(&t);
		assert_int_equal(proc_table_load(&t, 50 + i, dir), 0);
		p = proc_table_find(&t, 50 + i);
		assert_non_null(p);
		assert_int_equal(p->py_command, i == 0);
		assert_int_equal(p->py_unbuffered, i == 0);
		proc_table_free(&t);
	}
}

/* A fake procfs of processes pid with parent ppid (stat's 4th field). */
static void fake_proc(const char *root, unsigned int pid, const char *comm,
		      unsigned int ppid)
{
	char d[128], stat[256];

	snprintf(d, sizeof(d), "%s/%u", root, pid);
	assert_int_equal(mkdir(d, 0755), 0);
	snprintf(path, sizeof(path), "%s/stat", d);
	snprintf(stat, sizeof(stat), "%u (%s) S %u 1 1 0 -1\n", pid, comm,
		 ppid);
	write_file(stat, strlen(stat));
}

static void assert_pids(uint32_t *got, size_t n, const uint32_t *want,
			size_t n_want)
{
	assert_int_equal(n, n_want);
	assert_memory_equal(got, want, n * sizeof(*got));
	free(got);
}

/*
 * The processes under -p's targets: breadth first, a comm that holds
 * ") S 1 (" not taken for the fields, a root met again under another not
 * added twice, a loop (a racing snapshot of reused pids) ended, max kept,
 * anything not a pid ignored, a missing procfs an error.
 */
static void test_descendants(void **state)
{
	char root[64];
	uint32_t *got;
	size_t n;

	(void)state;
	snprintf(root, sizeof(root), "%s/proc", dir);
	assert_int_equal(mkdir(root, 0755), 0);
	fake_proc(root, 10, "master", 1);
	fake_proc(root, 11, "worker", 10);
	fake_proc(root, 12, "worker", 10);
	fake_proc(root, 13, "a) S 1 (b", 11);
	fake_proc(root, 20, "other", 1);
	fake_proc(root, 21, "other", 20);
	fake_proc(root, 30, "loop", 31);
	fake_proc(root, 31, "loop", 30);
	snprintf(path, sizeof(path), "%s/self", root);
	write_file("x", 1);

	assert_int_equal(procfs_descendants(root, (uint32_t[]){ 10 }, 1, 100,
					    &got, &n), 0);
	assert_pids(got, n, (uint32_t[]){ 11, 12, 13 }, 3);
	assert_int_equal(procfs_pid_ppid(root, 13), 11);
	assert_int_equal(procfs_descendants(root, (uint32_t[]){ 10, 11 }, 2,
					    100, &got, &n), 0);
	assert_pids(got, n, (uint32_t[]){ 12, 13 }, 2);
	assert_int_equal(procfs_descendants(root, (uint32_t[]){ 10 }, 1, 1,
					    &got, &n), 0);
	assert_pids(got, n, (uint32_t[]){ 11 }, 1);
	assert_int_equal(procfs_descendants(root, (uint32_t[]){ 30 }, 1, 100,
					    &got, &n), 0);
	assert_pids(got, n, (uint32_t[]){ 31 }, 1);
	assert_int_equal(procfs_descendants(root, (uint32_t[]){ 21 }, 1, 100,
					    &got, &n), 0);
	assert_int_equal(n, 0);
	free(got);
	assert_int_equal(procfs_descendants("/nonexistent", (uint32_t[]){ 1 },
					    1, 100, &got, &n), -ENOENT);
	assert_null(got);
}

/* The 8th number of /proc/stat's "cpu" line, ticks to ns; anything else
 * there refused, the machine's own file read. */
static void test_steal(void **state)
{
	uint64_t ns = 7;

	(void)state;
	assert_int_equal(procfs_stat_steal_ns(
		"cpu  4705 150 1120 16250 520 0 18 41 0 0\ncpu0 1 2 3\n",
		100, &ns), 0);
	assert_int_equal(ns, 410000000);
	assert_int_equal(procfs_stat_steal_ns("cpu 1 2 3 4 5 6 7 8", 250,
					      &ns), 0);
	assert_int_equal(ns, 32000000);
	ns = 7;
	assert_int_equal(procfs_stat_steal_ns("cpu  1 2 3 4 5 6 7\n", 100,
					      &ns), -EINVAL);
	assert_int_equal(procfs_stat_steal_ns("cpu0 1 2 3 4 5 6 7 8", 100,
					      &ns), -EINVAL);
	assert_int_equal(procfs_stat_steal_ns("cpu 1 2 3 4 5 6 7 -8", 100,
					      &ns), -EINVAL);
	assert_int_equal(procfs_stat_steal_ns("cpu 1 2 3 4 5 6 7 8x", 100,
					      &ns), -EINVAL);
	assert_int_equal(procfs_stat_steal_ns(
		"cpu 1 2 3 4 5 6 7 99999999999999999999999", 100, &ns),
		-EINVAL);
	assert_int_equal(procfs_stat_steal_ns(
		"cpu 1 2 3 4 5 6 7 99999999999999999", 100, &ns), -EINVAL);
	assert_int_equal(procfs_stat_steal_ns("", 100, &ns), -EINVAL);
	assert_int_equal(procfs_stat_steal_ns("cpu 1 2 3 4 5 6 7 8", 0, &ns),
			 -EINVAL);
	assert_int_equal(ns, 7);
	assert_int_equal(procfs_steal_ns("/proc", &ns), 0);
	assert_true(procfs_steal_ns("/nonexistent", &ns) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_caps),
		cmocka_unit_test(test_python_unbuffered),
		cmocka_unit_test(test_python_command),
		cmocka_unit_test(test_load_python_opts),
		cmocka_unit_test(test_proc_file),
		cmocka_unit_test(test_lines_long_line),
		cmocka_unit_test(test_lines_total_cap),
		cmocka_unit_test(test_lines_proc_maps),
		cmocka_unit_test(test_maps_cut_counted),
		cmocka_unit_test(test_anon_names),
		cmocka_unit_test(test_anon_code),
		cmocka_unit_test(test_steal),
		cmocka_unit_test(test_descendants),
		cmocka_unit_test(test_cmdline_join),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
