// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about how a file's bytes went (hints_files.c) and the
 * advice for a database's entry point: each fires with its numbers, in
 * its fields and its text, at its thresholds, and not just below them.
 */
#include "analyze/hints_check.h"

/* ---- small_writes ---- */

/*
 * lines.py prints to /tmp/out.txt: writes writes of bytes in all, time_ns
 * in their syscalls, of 10 s; 50 samples in write() under emit.
 */
static struct profile *writer_profile(uint64_t writes, uint64_t bytes,
				      uint64_t time_ns)
{
	struct profile *p = fx_new("python3 lines.py");
	uint32_t mod, emit, wr, ksys;
	struct io_file *f;

	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "lines.py", CLASS_APP,
			  "/home/u/lines.py", 8);
	emit = fx_frame_at(p, "emit", "lines.py", CLASS_APP,
			   "/home/u/lines.py", 4);
	wr = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	ksys = fx_frame(p, "ksys_write", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 100, 100, 50, mod, emit, wr, ksys);
	FX_STACK(p, 100, 100, 30, mod, emit);
	f = fx_io_file(p, "/tmp/out.txt", 0, time_ns, IO_NO_SITE);
	f->writes = writes;
	f->write_bytes = bytes;
	return p;
}

static void test_small_writes(void **state)
{
	struct profile *p = writer_profile(1000000, 4000000, 2 * SEC);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "small_writes",
		    "1,000,000 writes to /tmp/out.txt averaging 4 bytes took "
		    "20% of wall time (2.00 s) in syscalls, from emit "
		    "(lines.py:4): buffering the output, to write a few KB "
		    "at a time, would remove most of those syscalls.");
	assert_str(h, "path", "/tmp/out.txt");
	assert_uint(h, "writes", 1000000);
	assert_uint(h, "write_bytes", 4000000);
	assert_real(h, "mean_bytes", 4.0);
	assert_uint(h, "time_ns", 2 * SEC);
	assert_real(h, "time_pct", 20.0);
	assert_str(h, "location", "emit (lines.py:4)");
	assert_null_field(h, "unbuffered_pid");
	hinted_free(&agg);

	/* a Python that ran unbuffered: what to change */
	p->procs[0].py_unbuffered = true;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "syscalls. python3 (pid 100) ran "
			       "with PYTHONUNBUFFERED or -u, which makes "
			       "each write to stdout and stderr a syscall: "
			       "unset it, and flush only where output must "
			       "appear at once (print(..., flush=True))."));
	assert_uint(h, "unbuffered_pid", 100);
	hinted_free(&agg);
	/* a file it opened: not a standard stream */
	p->io.files[0].opens = 1;
	h = only_hint(p, &agg);
	assert_null(strstr(h->text, "PYTHONUNBUFFERED"));
	assert_null_field(h, "unbuffered_pid");
	assert_null(strstr(h->text, "opened again"));
	assert_uint(h, "opens", 1);
	hinted_free(&agg);
	/* opened for each write (fs.appendFileSync), or every other one */
	p->io.files[0].opens = 500000;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "syscalls. The file was opened again "
			       "for each write (500,000 opens, in that time "
			       "too): open it once and keep it open."));
	assert_uint(h, "opens", 500000);
	hinted_free(&agg);
	p->io.files[0].opens = 499999;
	h = only_hint(p, &agg);
	assert_null(strstr(h->text, "opened again"));
	hinted_free(&agg);
	fx_free(p);
}

/*
 * copy_upper writes each line with std::endl (its flush on the way to
 * write() in 60 of 100 samples there): the flush is said; under half
 * (40), it is not; fflush's are explicit flushes too.
 */
static void test_small_writes_flushed(void **state)
{
	struct profile *p = fx_new("./endl in out");
	uint32_t m, cu, endl, fl, ff, wr, ksys;
	size_t a, b, c, d;
	struct io_file *f;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "endl", "/home/u/endl");
	m = fx_frame_at(p, "main", "endl", CLASS_APP, "/home/u/endl.cpp", 14);
	cu = fx_frame_at(p, "copy_upper(char const*, char const*)", "endl",
			 CLASS_APP, "/home/u/endl.cpp", 11);
	endl = fx_frame(p, "std::basic_ostream<char, std::char_traits<char> "
			">& std::endl<char, std::char_traits<char> >"
			"(std::basic_ostream<char, std::char_traits<char> >&)",
			"libstdc++.so.6", CLASS_RUNTIME);
	fl = fx_frame(p, "std::ostream::flush()", "libstdc++.so.6",
		      CLASS_RUNTIME);
	ff = fx_frame(p, "fflush", "libc.so.6", CLASS_RUNTIME);
	wr = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	ksys = fx_frame(p, "ksys_write", "[kernel]", CLASS_KERNEL);
	a = p->n_stacks;
	FX_STACK(p, 100, 100, 60, m, cu, endl, fl, wr, ksys);
	b = p->n_stacks;
	FX_STACK(p, 100, 100, 0, m, cu, fl, wr, ksys);
	c = p->n_stacks;
	FX_STACK(p, 100, 100, 0, m, cu, ff, wr, ksys);
	d = p->n_stacks;
	FX_STACK(p, 100, 100, 40, m, cu, wr, ksys);
	FX_STACK(p, 100, 100, 30, m, cu);
	f = fx_io_file(p, "/home/u/out", 1, 2 * SEC, IO_NO_SITE);
	f->writes = 1000000;
	f->write_bytes = 8000000;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "small_writes");
	assert_non_null(strstr(h->text, "syscalls. Most of them came from "
			       "std::endl, which flushes the stream at each "
			       "line: write '\\n' instead, and flush only "
			       "where output must appear at once."));
	assert_str(h, "flushed_by", "std::endl");
	hinted_free(&agg);
	/* a flush() of the stream's own, and C's fflush */
	p->stacks[a].count = 0;
	p->stacks[b].count = p->stacks[c].count = 30;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "Most of them came from explicit "
			       "flushes (fflush, a stream's flush())"));
	assert_str(h, "flushed_by", "flush");
	hinted_free(&agg);
	/* under half of the writes' samples flushed: not said */
	p->stacks[a].count = 40;
	p->stacks[b].count = p->stacks[c].count = 0;
	p->stacks[d].count = 60;
	h = only_hint(p, &agg);
	assert_null(strstr(h->text, "flush"));
	assert_null_field(h, "flushed_by");
	hinted_free(&agg);
	fx_free(p);
}

static void test_small_writes_thresholds(void **state)
{
	/* 10000 writes of 511.9999 bytes on average, 5% of wall */
	struct profile *p = writer_profile(10000, 10000 * 512 - 1, 500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "10,000 writes to /tmp/out.txt "
			       "averaging 512 bytes took 5% of wall time "
			       "(500 ms)"));
	hinted_free(&agg);
	p->io.files[0].write_bytes++;		/* 512 on average */
	assert_int_equal(n_hints(p), 0);
	p->io.files[0].write_bytes--;
	p->io.files[0].time_ns--;		/* under 5% */
	assert_int_equal(n_hints(p), 0);
	p->io.files[0].time_ns++;
	p->io.files[0].writes = 9999;		/* too few */
	p->io.files[0].write_bytes = 9999;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* Another file did most of the writes: the samples in write() are not
 * this file's to claim. */
static void test_small_writes_not_owner(void **state)
{
	struct profile *p = writer_profile(1000000, 4000000, 2 * SEC);
	struct io_file *f;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	f = fx_io_file(p, "/tmp/big.bin", 1, 1 * MS, IO_NO_SITE);
	f->writes = 1000001;
	f->write_bytes = 1000001ull * 4096;
	h = only_hint(p, &agg);
	assert_str(h, "location", NULL);
	assert_non_null(strstr(h->text, "in syscalls: buffering"));
	hinted_free(&agg);
	fx_free(p);
}

/* Small sends on a socket: the same advice, without the Python's. */
static void test_small_writes_socket(void **state)
{
	struct profile *p = writer_profile(0, 0, 0);
	struct io_endpoint *e;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->procs[0].py_unbuffered = true;
	e = fx_io_endpoint(p, "127.0.0.1:6379", "tcp", IO_NO_SITE);
	e->sends = 20000;
	e->bytes_sent = 20000 * 30;
	e->send_ns = 500 * MS;
	h = only_hint(p, &agg);
	assert_text(h, "small_writes",
		    "20,000 sends to 127.0.0.1:6379 averaging 30 bytes took 5% "
		    "of wall time (500 ms) in syscalls, from emit (lines.py:4)"
		    ": buffering the output, to write a few KB at a time, "
		    "would remove most of those syscalls.");
	assert_str(h, "path", "127.0.0.1:6379");
	assert_uint(h, "writes", 20000);
	assert_null_field(h, "unbuffered_pid");
	hinted_free(&agg);
	/* a send for each receive, or 3 for 2: request/response exchanges
	 * (a server's answers), which buffering does not merge */
	e->receives = 20000;
	assert_int_equal(n_hints(p), 0);
	e->receives = 13400;
	assert_int_equal(n_hints(p), 0);
	e->receives = 13399;
	assert_int_equal(n_hints(p), 1);
	e->receives = 0;
	e->send_ns--;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* ---- reread_volume ---- */

/* scan.db of size bytes read read_bytes in time_ns, of 10 s; samples in
 * pread64 under query when pread_samples. */
static struct profile *scan_profile(uint64_t size, uint64_t read_bytes,
				    uint64_t time_ns, uint64_t pread_samples)
{
	struct profile *p = fx_new("python3 scan.py");
	uint32_t mod, query, glue, step, pr, ksys;
	struct io_file *f;

	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "scan.py", CLASS_APP,
			  "/home/u/scan.py", 3);
	query = fx_frame_at(p, "query", "scan.py", CLASS_APP,
			    "/home/u/scan.py", 14);
	/* the extension module's glue, unnamed */
	glue = fx_frame(p, "[_sqlite3.so+0xf530]", "_sqlite3.so",
			CLASS_LIBRARY);
	p->frames[glue].resolved = false;
	step = fx_frame(p, "sqlite3_step", "libsqlite3.so.0", CLASS_LIBRARY);
	pr = fx_frame(p, "pread64", "libc.so.6", CLASS_RUNTIME);
	ksys = fx_frame(p, "ksys_pread64", "[kernel]", CLASS_KERNEL);
	if (pread_samples)
		FX_STACK(p, 100, 100, pread_samples, mod, query, glue, step, pr,
			 ksys);
	FX_STACK(p, 100, 100, 10, mod);
	f = fx_io_file(p, "/data/scan.db", 1, time_ns,
		       FX_IO_SITE(p, 100, mod, pr));
	f->reads = read_bytes / 4096;
	f->read_bytes = read_bytes;
	f->size = size;
	return p;
}

static void test_reread_volume(void **state)
{
	struct profile *p = scan_profile(8100000, 494000000, 1 * SEC, 5);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "reread_volume",
		    "/data/scan.db (8.1 MB) was read 61× its size (494 MB) "
		    "from query (scan.py:14): each pass reads the whole file "
		    "— an index, or keeping what is needed in memory, would "
		    "remove most of that; its syscalls took 10% of wall time "
		    "(1.00 s).");
	assert_str(h, "path", "/data/scan.db");
	assert_uint(h, "size_bytes", 8100000);
	assert_uint(h, "read_bytes", 494000000);
	assert_real(h, "times_size", 494.0 / 8.1);
	assert_uint(h, "reads", 494000000 / 4096);
	assert_uint(h, "time_ns", 1 * SEC);
	assert_real(h, "time_pct", 10.0);
	assert_str(h, "location", "query (scan.py:14)");
	assert_str(h, "location_is", "read");
	hinted_free(&agg);
	fx_free(p);

	/* no samples in its reads: where it was opened */
	p = scan_profile(8100000, 494000000, 1 * SEC, 0);
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "(494 MB), opened from <module> "
			       "(scan.py:3): each pass"));
	assert_str(h, "location_is", "opened");
	hinted_free(&agg);
	fx_free(p);
}

static void test_reread_volume_thresholds(void **state)
{
	/* 10× its size, 1 MiB, 5% of wall */
	struct profile *p = scan_profile(1 << 20, 10 << 20, 500 * MS, 0);
	struct io_file *f = &p->io.files[0];

	(void)state;
	assert_int_equal(n_hints(p), 1);
	f->size++;				/* under 10× */
	assert_int_equal(n_hints(p), 0);
	f->size--;
	f->time_ns--;				/* under 5% */
	assert_int_equal(n_hints(p), 0);
	f->time_ns++;
	f->size = 0;				/* size not known */
	assert_int_equal(n_hints(p), 0);
	/* 10× a small file, under 1 MiB read in all */
	f->size = 104857;
	f->read_bytes = (1 << 20) - 1;
	assert_int_equal(n_hints(p), 0);
	f->read_bytes = 1 << 20;
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
}

/* ---- hot_library_function, for a database ---- */

/* Called through an extension's unnamed glue, still called from query. */
static void test_hot_library_database(void **state)
{
	struct profile *p = scan_profile(8100000, 8100000, 1 * MS, 90);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1 * SEC;
	h = only_hint(p, &agg);
	assert_text(h, "hot_library_function",
		    "sqlite3_step is on 90% of on-CPU time (900 ms), 100% of "
		    "it called directly from query (scan.py:14): running "
		    "fewer or cheaper queries (an index on the columns they "
		    "filter by, one query instead of many) would save up to "
		    "that.");
	assert_str(h, "advice", "fewer_queries");
	hinted_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_writes),
		cmocka_unit_test(test_small_writes_flushed),
		cmocka_unit_test(test_small_writes_thresholds),
		cmocka_unit_test(test_small_writes_not_owner),
		cmocka_unit_test(test_small_writes_socket),
		cmocka_unit_test(test_reread_volume),
		cmocka_unit_test(test_reread_volume_thresholds),
		cmocka_unit_test(test_hot_library_database),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
