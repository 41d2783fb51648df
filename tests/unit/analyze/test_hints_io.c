// SPDX-License-Identifier: GPL-2.0
/*
 * The rules about the number of files (many_files), what the dynamic
 * loader opens (not repeated_opens), and a library call that is the
 * program's job (hot_library_function's library_work advice): each at
 * its thresholds, and not just below them.
 */
#include "analyze/hints_check.h"

/* ---- many_files ---- */

/*
 * A git clone: write_object (clone.c:12) opens n files once each, every
 * other one written, 300 µs each, in a run of 1 s; and 20 config files
 * 3 times each from config (config.c:40), 100 µs each: 40 opens beyond
 * the first, 0.2% of wall — no repeated_opens.
 */
static struct profile *clone_profile(size_t n)
{
	struct profile *p = fx_new("git clone");
	uint32_t m, wo, cf;
	int32_t sw, sc;
	struct io_file *f;
	char path[64];
	size_t i;

	p->wall_ns = 1 * SEC;
	fx_proc(p, 100, 1, "git", "/usr/bin/git");
	m = fx_frame_at(p, "main", "git", CLASS_APP, "/s/git.c", 5);
	wo = fx_frame_at(p, "write_object", "git", CLASS_APP, "/s/clone.c",
			 12);
	cf = fx_frame_at(p, "config", "git", CLASS_APP, "/s/config.c", 40);
	sw = FX_IO_SITE(p, 100, m, wo);
	sc = FX_IO_SITE(p, 100, m, cf);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/r/.git/objects/%02zx/%zu",
			 i % 256, i);
		f = fx_io_file(p, path, 1, 300000, sw);
		f->writes = i % 2 == 0;
	}
	for (i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/r/.git/config%zu", i);
		fx_io_file(p, path, 3, 100000, sc);
	}
	return p;
}

static void test_many_files(void **state)
{
	struct profile *p = clone_profile(1000);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "many_files",
		    "1,020 files opened (1,060 opens), 500 of them written, "
		    "most from write_object (clone.c:12): their open, read "
		    "and write syscalls took 302 ms, 30% of wall time, the "
		    "costliest file 0.1% of that: the cost is the number of "
		    "files — fewer, larger files (packing them) or a faster "
		    "filesystem would cut it.");
	assert_uint(h, "files", 1020);
	assert_uint(h, "opens", 1060);
	assert_uint(h, "written_files", 500);
	assert_uint(h, "syscall_ns", 302 * MS);
	assert_real(h, "syscall_pct", 30.2);
	assert_real(h, "top_file_pct", 100.0 * 300000 / (302 * MS));
	assert_str(h, "location", "write_object (clone.c:12)");
	assert_uint(h, "location_opens", 1000);
	hinted_free(&agg);
	fx_free(p);
}

/* find walking a tree: most of what it opened are directories, listed,
 * never read: the tree's walk is the cost, not files to pack. */
static void test_many_files_directories(void **state)
{
	struct profile *p = clone_profile(1000);
	struct hinted agg;
	const struct hint *h;
	size_t i;

	(void)state;
	for (i = 0; i < 600; i++) {
		p->io.files[i].directory = true;
		p->io.files[i].writes = 0;
	}
	h = only_hint(p, &agg);
	assert_uint(h, "directories", 600);
	assert_non_null(strstr(h->text, "1,020 files opened (1,060 opens), "
			       "200 of them written, 600 of them directories"));
	assert_non_null(strstr(h->text, "the cost is walking the directory "
			       "tree"));
	hinted_free(&agg);
	fx_free(p);
	/* fewer than half: the number of files */
	p = clone_profile(1000);
	for (i = 0; i < 400; i++)
		p->io.files[i].directory = true;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "fewer, larger files"));
	hinted_free(&agg);
	fx_free(p);
}

static void test_many_files_thresholds(void **state)
{
	struct profile *p = clone_profile(980);
	struct io_file *f;

	(void)state;
	/* 1,000 files fire, 999 not */
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
	p = clone_profile(979);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);

	/* 296 ms, 295.7 ms but the costliest file's: 20% of 1.4785 s
	 * fires, 1 ns more of wall not */
	p = clone_profile(980);
	p->wall_ns = 1478500000;
	assert_int_equal(n_hints(p), 1);
	p->wall_ns++;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);

	/*
	 * One costly file does not count: with 900 ms in one file of a 2 s
	 * run, all of them are 59.8% of it, the others' 295.7 ms 14.8%.
	 */
	p = clone_profile(980);
	p->wall_ns = 2 * SEC;
	f = &p->io.files[0];
	f->time_ns = 900 * MS;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* ---- repeated_opens: the dynamic loader ---- */

/* n processes started, each opening ld.so.cache and libc.so.6 from the
 * loader, 30 ms each in a run of 1 s. */
static struct profile *loader_profile(uint64_t n)
{
	struct profile *p = fx_new("sh -c 'find | xargs grep'");
	uint32_t start, op;
	int32_t site;

	p->wall_ns = 1 * SEC;
	start = fx_frame(p, "_dl_start", "ld-linux-x86-64.so.2",
			 CLASS_RUNTIME);
	op = fx_frame(p, "__open_nocancel", "ld-linux-x86-64.so.2",
		      CLASS_RUNTIME);
	site = FX_IO_SITE(p, 100, start, op);
	fx_io_file(p, "/etc/ld.so.cache", n, 30 * MS, IO_NO_SITE);
	fx_io_file(p, "/usr/lib/x86_64-linux-gnu/libc.so.6", n, 30 * MS,
		   site);
	return p;
}

static void test_repeated_opens_loader(void **state)
{
	struct profile *p = loader_profile(20);
	struct io_file *f;

	(void)state;
	/* 38 opens beyond the first, 6% of wall: start-up, not rereads */
	assert_int_equal(n_hints(p), 0);
	/* the same file opened by the program itself is a reread */
	f = &p->io.files[1];
	f->site = IO_NO_SITE;
	f->site_opens = 0;
	assert_int_equal(n_hints(p), 0);	/* 19 beyond, 3% */
	f->time_ns = 50 * MS;
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
}

/*
 * Each of 20 grep processes opening /etc/locale.alias once, from its own
 * code, 30 ms each in a run of 1 s: its start-up, not a reread; a process
 * that opens it twice rereads it.
 */
static void test_repeated_opens_per_process(void **state)
{
	struct profile *p = fx_new("sh loop.sh");
	uint32_t m, sl;
	struct io_file *f;
	int32_t site;

	(void)state;
	p->wall_ns = 1 * SEC;
	m = fx_frame_at(p, "main", "grep", CLASS_APP, "/s/grep.c", 10);
	sl = fx_frame(p, "setlocale", "libc.so.6", CLASS_RUNTIME);
	site = FX_IO_SITE(p, 100, m, sl);
	f = fx_io_file(p, "/etc/locale.alias", 20, 60 * MS, site);
	f->procs = 20;
	assert_int_equal(n_hints(p), 0);
	f->procs = 19;
	assert_int_equal(n_hints(p), 1);
	f->procs = 0;		/* a profile saved before they were counted */
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
}

/*
 * sort -S 2M: 100 temporary files, each written (3 MiB) then read back
 * once to merge, 2 opens and 10 ms each in a run of 1 s: nothing was read
 * that the program had not just written, no contents to cache; a file
 * read back more than written is a reread.
 */
static void test_repeated_opens_spill_files(void **state)
{
	struct profile *p = fx_new("sort -S 2M big.txt");
	const struct hint *h;
	struct hinted agg;
	char path[32];
	uint32_t m;
	int32_t site;
	int i;

	(void)state;
	p->wall_ns = 1 * SEC;
	m = fx_frame_at(p, "create_temp", "sort", CLASS_APP, "/s/sort.c", 900);
	site = FX_IO_SITE(p, 100, m);
	for (i = 0; i < 100; i++) {
		struct io_file *f;

		snprintf(path, sizeof(path), "/tmp/sort%06d", i);
		f = fx_io_file(p, path, 2, 10 * MS, site);
		f->read_bytes = f->write_bytes = 3 << 20;
	}
	assert_int_equal(n_hints(p), 0);
	p->io.files[0].read_bytes = 2 * p->io.files[0].write_bytes;
	for (i = 1; i < 100; i++)
		p->io.files[i].read_bytes = p->io.files[0].read_bytes;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "repeated_opens");
	hinted_free(&agg);
	fx_free(p);
}

/* ---- hot_library_function: the program's job ---- */

/*
 * xz: main calls compress, which calls lzma_code for lib of 1000
 * samples (deeper, in liblzma's own code); main's own work the rest.
 */
static struct profile *xz_profile(uint64_t lib, uint64_t from_main)
{
	struct profile *p = fx_new("xz -0 big.dat");
	uint32_t st, lsm, m, comp, code, enc;

	p->wall_ns = 12 * SEC;
	fx_proc(p, 100, 1, "xz", "/usr/bin/xz");
	st = fx_frame(p, "_start", "xz", CLASS_APP);
	lsm = fx_frame(p, "__libc_start_main", "libc.so.6", CLASS_RUNTIME);
	m = fx_frame_at(p, "main", "xz", CLASS_APP, "/s/main.c", 30);
	comp = fx_frame_at(p, "compress", "xz", CLASS_APP, "/s/coder.c", 88);
	code = fx_frame(p, "lzma_code", "liblzma.so.5", CLASS_LIBRARY);
	enc = fx_frame(p, "lzma_lzma_encode", "liblzma.so.5", CLASS_LIBRARY);
	FX_STACK(p, 100, 100, lib - from_main, st, lsm, m, comp, code, enc);
	if (from_main)
		FX_STACK(p, 100, 100, from_main, st, lsm, m, code, enc);
	if (lib < 1000)
		FX_STACK(p, 100, 100, 1000 - lib, st, lsm, m);
	return p;
}

/* xz_profile(990, 0) with lzma_code moved to code_module, its callee to
 * leaf_module or renamed leaf_name; NULL keeps what there was. */
static struct profile *xz_variant(const char *code_module,
				  const char *leaf_module,
				  const char *leaf_name)
{
	struct profile *p = xz_profile(990, 0);
	char **fields[] = { &p->frames[4].module, &p->frames[5].module,
			    &p->frames[5].name };
	const char *to[] = { code_module, leaf_module, leaf_name };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!to[i])
			continue;
		free(*fields[i]);
		*fields[i] = fx_strdup(to[i]);
	}
	return p;
}

static void test_hot_library_job(void **state)
{
	struct profile *p = xz_profile(990, 0);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "hot_library_function",
		    "lzma_code is on 99% of on-CPU time (9.90 s), 100% of it "
		    "called directly from compress (coder.c:88), nearly all "
		    "the program does: that is the library's own work on "
		    "its input — a faster setting (a lower compression "
		    "level), a faster library or less input would change "
		    "it; calling it less often only if the same data is "
		    "processed twice.");
	assert_str(h, "advice", "library_work");
	hinted_free(&agg);
	fx_free(p);
	/* another library's entry driving liblzma: named, with the level */
	p = xz_variant("libapt-pkg.so.6.0.0", NULL, NULL);
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "called directly from compress "
			       "(coder.c:88), most of it in lzma_lzma_encode "
			       "(liblzma.so.5), nearly all the program does"));
	assert_non_null(strstr(h->text, "compression level"));
	assert_str(h, "work_function", "lzma_lzma_encode");
	hinted_free(&agg);
	fx_free(p);
	/* a library that compresses nothing has no level to lower, nor does
	 * decompressing */
	p = xz_variant("libapt-pkg.so.6.0.0", "libapt-pkg.so.6.0.0", NULL);
	h = only_hint(p, &agg);
	assert_null(strstr(h->text, "compression level"));
	assert_non_null(strstr(h->text, "a faster setting, a faster library"));
	assert_str(h, "advice", "library_work");
	assert_str(h, "work_function", NULL);
	hinted_free(&agg);
	fx_free(p);
	p = xz_variant(NULL, NULL, "lzma_decode");
	h = only_hint(p, &agg);
	assert_null(strstr(h->text, "compression level"));
	hinted_free(&agg);
	fx_free(p);
}

static void assert_lib_advice(const struct profile *p, const char *advice)
{
	struct hinted agg;

	assert_str(only_hint(p, &agg), "advice", advice);
	hinted_free(&agg);
}

static void test_hot_library_job_thresholds(void **state)
{
	struct profile *p;

	(void)state;
	/* 90% of on-CPU time is the job, 89.9% a call to make less */
	p = xz_profile(900, 0);
	assert_lib_advice(p, "library_work");
	fx_free(p);
	p = xz_profile(899, 0);
	assert_lib_advice(p, "call_less_or_cache");
	fx_free(p);
	/* its top caller: 90% of its samples, or 89.9% (main the rest) */
	p = xz_profile(1000, 100);
	assert_lib_advice(p, "library_work");
	fx_free(p);
	p = xz_profile(1000, 101);
	assert_lib_advice(p, "call_less_or_cache");
	fx_free(p);
}

/*
 * A build: cc1 holds 80% of the CPU, clang the rest, nearly all of that
 * in libclang's entry called from its main; clang's start-up in the
 * dynamic loader and its stacks cut short (too deep to reach the entry)
 * are left out of its share: the library's work, not calls to save.
 * With clang's own code 11% of what is left, a call to make less.
 */
static void test_hot_library_job_of_its_program(void **state)
{
	struct profile *p = fx_new("make -j2");
	uint32_t cc1, st, dl, m, exec, parse;
	struct stack_sample *cut;

	(void)state;
	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "cc1", "/usr/lib/gcc/cc1");
	fx_proc(p, 200, 1, "clang", "/usr/bin/clang");
	cc1 = fx_frame(p, "cc1_work", "cc1", CLASS_APP);
	st = fx_frame(p, "_start", "ld-linux-x86-64.so.2", CLASS_RUNTIME);
	dl = fx_frame(p, "_dl_relocate_object", "ld-linux-x86-64.so.2",
		      CLASS_RUNTIME);
	m = fx_frame(p, "cc1_main", "clang", CLASS_APP);
	exec = fx_frame(p, "clang::ExecuteCompilerInvocation",
			"libclang-cpp.so.14", CLASS_LIBRARY);
	parse = fx_frame(p, "clang::ParseAST", "libclang-cpp.so.14",
			 CLASS_LIBRARY);
	FX_STACK(p, 100, 100, 8000, cc1);
	FX_STACK(p, 200, 200, 1600, m, exec, parse);
	FX_STACK(p, 200, 200, 200, st, dl);
	cut = FX_STACK(p, 200, 200, 200, parse);
	cut->truncated = true;
	assert_lib_advice(p, "library_work");
	FX_STACK(p, 200, 200, 200, m);		/* 200 of 1,800: 11% */
	assert_lib_advice(p, "call_less_or_cache");
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_files),
		cmocka_unit_test(test_many_files_directories),
		cmocka_unit_test(test_many_files_thresholds),
		cmocka_unit_test(test_repeated_opens_loader),
		cmocka_unit_test(test_repeated_opens_per_process),
		cmocka_unit_test(test_repeated_opens_spill_files),
		cmocka_unit_test(test_hot_library_job),
		cmocka_unit_test(test_hot_library_job_thresholds),
		cmocka_unit_test(test_hot_library_job_of_its_program),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
