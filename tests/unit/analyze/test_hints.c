// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about files opened again (repeated_opens), small reads
 * and a hot library function, and the order hints come in: each fires
 * with its numbers, in its fields and its text, at its thresholds, and
 * not just below them.
 */
#include "analyze/hints_check.h"

/* ---- repeated_opens ---- */

/*
 * amalg.py reads includes again and again: read_file opens 10 files 3
 * times each from line 24 and one 4 times from line 25, expand one twice,
 * <module> one once.  read_file runs 280 of the 380 samples.  The
 * repeated files' syscalls: 520 ms of 10 s.
 */
static struct profile *amalg_profile(void)
{
	struct profile *p = fx_new("python3 amalg.py");
	uint32_t mod, rf24, rf25, rf26, ex, op, other;
	int32_t s24, s25, s33, smod;
	char path[64];
	int i;

	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "amalg.py", CLASS_APP,
			  "/home/u/amalg.py", 60);
	rf24 = fx_frame_at(p, "read_file", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 24);
	rf25 = fx_frame_at(p, "read_file", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 25);
	rf26 = fx_frame_at(p, "read_file", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 26);
	ex = fx_frame_at(p, "expand", "amalg.py", CLASS_APP,
			 "/home/u/amalg.py", 33);
	op = fx_frame(p, "open", "libc.so.6", CLASS_RUNTIME);
	other = fx_frame_at(p, "emit", "amalg.py", CLASS_APP,
			    "/home/u/amalg.py", 40);
	FX_STACK(p, 100, 100, 280, mod, rf26);
	FX_STACK(p, 100, 100, 100, mod, other);
	s24 = FX_IO_SITE(p, 100, mod, ex, rf24, op);
	s25 = FX_IO_SITE(p, 100, mod, rf25, op);
	s33 = FX_IO_SITE(p, 100, mod, ex, op);
	smod = FX_IO_SITE(p, 100, mod, op);
	fx_io_file(p, "/src/big.h", 4, 20 * MS, s25);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/src/inc/f%d.h", i);
		fx_io_file(p, path, 3, 50 * MS, s24);
	}
	fx_io_file(p, "/src/other.h", 2, 0, s33);
	fx_io_file(p, "/home/u/amalg.py", 1, 900 * MS, smod);
	return p;
}

static void test_repeated_opens(void **state)
{
	struct profile *p = amalg_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "repeated_opens",
		    "36 opens of 12 distinct files, each opened more than "
		    "once (3.0 per file); their open, read and write "
		    "syscalls took 5.2% of wall time (520 ms), and read_file "
		    "(amalg.py:24), which opened most of them, is on 28% of "
		    "wall time: caching the files' contents would remove "
		    "most of that.");
	assert_uint(h, "opens", 36);
	assert_uint(h, "files", 12);
	assert_real(h, "opens_per_file", 3.0);
	assert_uint(h, "syscall_ns", 520 * MS);
	assert_real(h, "syscall_pct", 5.2);
	assert_str(h, "location", "read_file (amalg.py:24)");
	assert_uint(h, "location_opens", 34);
	assert_real(h, "location_reopen_pct", 100.0 * 23 / 34);
	assert_real(h, "location_wall_pct", 28.0);
	/* read_file's reopens: 23 of its 34 opens, of its 28% */
	assert_real(h, "cost_pct", 28.0 * 23 / 34);
	hinted_free(&agg);
	fx_free(p);
}

/* Whoever opened fewer than half says how many, a lower bound. */
static void test_repeated_opens_spread(void **state)
{
	struct profile *p = amalg_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->io.files[11].opens = p->io.files[11].site_opens = 40;
	p->io.files[11].time_ns = 500 * MS;
	h = only_hint(p, &agg);
	/* expand: 40 of 74; it has no time of its own */
	assert_text(h, "repeated_opens",
		    "74 opens of 12 distinct files, each opened more than "
		    "once (the most: /src/other.h, 40 times); their open, read and write "
		    "syscalls took 10% of wall time (1.02 s), and expand "
		    "(amalg.py:33) opened most of them: caching the files' "
		    "contents would remove most of that.");
	assert_uint(h, "location_opens", 40);
	assert_real(h, "location_wall_pct", 0.0);
	hinted_free(&agg);

	/* read_file 31 of 64 (1 of big.h's 4 from its site), expand 30 */
	p->io.files[11].opens = p->io.files[11].site_opens = 30;
	p->io.files[0].site_opens = 1;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, ", and read_file "
			       "(amalg.py:24), which opened at least 31 of "
			       "them, is on 28% of wall time:"));
	assert_uint(h, "location_opens", 31);
	hinted_free(&agg);
	fx_free(p);
}

/* 10 files twice, no site, no samples: syscall time is the whole cost. */
static struct profile *reopen_profile(uint64_t syscall_ns)
{
	struct profile *p = fx_new("reopen");
	char path[32];
	int i;

	p->wall_ns = 10 * SEC;
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/d/%d", i);
		fx_io_file(p, path, 2, syscall_ns / 10, IO_NO_SITE);
	}
	return p;
}

static void test_repeated_opens_thresholds(void **state)
{
	struct profile *p = reopen_profile(500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	/* 10 opens beyond the first, 5% of wall: fires */
	h = only_hint(p, &agg);
	assert_text(h, "repeated_opens",
		    "20 opens of 10 distinct files, each opened more than "
		    "once (2.0 per file); their open, read and write "
		    "syscalls took 5% of wall time (500 ms): caching the "
		    "files' contents would remove most of that.");
	assert_str(h, "location", NULL);
	field(h, "location_wall_pct", HINT_NULL);
	assert_real(h, "cost_pct", 5.0);	/* the syscalls alone */
	hinted_free(&agg);

	/* 9 beyond the first */
	p->io.files[9].opens = 1;
	p->io.files[0].time_ns += 5 * SEC;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);

	/* 1 ns short of 5% */
	p = reopen_profile(500 * MS);
	p->io.files[0].time_ns--;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* Uneven opens: the files opened most, not a mean none of them has. */
static void test_repeated_opens_uneven(void **state)
{
	struct profile *p = reopen_profile(500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->io.files[3].opens = 1535;	/* 1535 of 1553: 158.7 the mean */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "1,553 opens of 10 distinct files, "
			       "each opened more than once (the most: /d/3, "
			       "1,535 times); their open, read"));
	assert_real(h, "opens_per_file", 155.3);
	assert_str(h, "most_opened", "/d/3");
	assert_uint(h, "most_opened_opens", 1535);
	hinted_free(&agg);
	p->io.files[7].opens = 1535;	/* two alike */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "3,086 opens of 10 distinct files, "
			       "each opened more than once (the most: /d/3 "
			       "1,535 times, /d/7 1,535); their open"));
	hinted_free(&agg);
	p->io.files[7].opens = 384;	/* a quarter of the first: named */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "(the most: /d/3 1,535 times, /d/7 "
			       "384)"));
	hinted_free(&agg);
	p->io.files[7].opens = 383;	/* under a quarter: not */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "(the most: /d/3, 1,535 times)"));
	hinted_free(&agg);
	/* not over twice the mean (4 × 10 files ≤ 2 × 22): the mean */
	p->io.files[3].opens = 4;
	p->io.files[7].opens = 2;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "22 opens of 10 distinct files, "
			       "each opened more than once (2.2 per file)"));
	hinted_free(&agg);
	p->io.files[3].opens = 5;	/* 5 × 10 > 2 × 23 */
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "(the most: /d/3 5 times, /d/0 2)"));
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A row whose path is not whole may be many files that end alike, each
 * opened once (57 "…/include/prov/der_ecx.h" were one row of a profile):
 * cut ("…/") and old-style tails ("x/y") count for nothing; whole paths
 * still do.
 */
static void test_repeated_opens_cut_paths(void **state)
{
	static const char *const forms[] = { "…/inc/%d/x.h", "inc/%d/x.h" };
	struct profile *p;
	struct hinted agg;
	const struct hint *h;
	size_t k;
	int i;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(forms); k++) {
		p = reopen_profile(500 * MS);
		for (i = 0; i < 10; i++) {
			free(p->io.files[i].path);
			assert_true(asprintf(&p->io.files[i].path, forms[k],
					     i) > 0);
		}
		assert_int_equal(n_hints(p), 0);
		/* one whole path among them, opened 11 times: its 10
		 * extra opens alone fire */
		free(p->io.files[0].path);
		p->io.files[0].path = strdup("/src/inc/0/x.h");
		p->io.files[0].opens = 11;
		p->io.files[0].time_ns = 500 * MS;
		h = only_hint(p, &agg);
		assert_uint(h, "opens", 11);
		assert_uint(h, "files", 1);
		assert_non_null(strstr(h->text, "11 opens of one file, "
				       "/src/inc/0/x.h; their open, read"));
		hinted_free(&agg);
		fx_free(p);
	}
}

/*
 * The function that opened them counts for the part of its opens that
 * were reopens: load opens 10 files twice (1 ms of syscalls) and n
 * others once, on 50% of wall.  Its 10 reopens are 10% of its opens
 * (n = 80): 5% of wall, fires; 81 not — a directory walk that reopens a
 * few of the directories it opens (find) is not rereading.
 */
static void test_repeated_opens_function_cost(void **state)
{
	struct profile *p = reopen_profile(1 * MS);
	struct hinted agg;
	const struct hint *h;
	struct io_file *f;
	uint32_t m, load;
	int32_t site;
	char path[32];
	size_t i;

	(void)state;
	m = fx_frame_at(p, "main", "reopen", CLASS_APP, "/s/reopen.c", 9);
	load = fx_frame_at(p, "load", "reopen", CLASS_APP, "/s/reopen.c", 4);
	site = FX_IO_SITE(p, 1, m, load);
	for (i = 0; i < p->io.n_files; i++) {
		p->io.files[i].site = site;
		p->io.files[i].site_opens = 2;
	}
	for (i = 0; i < 81; i++) {
		snprintf(path, sizeof(path), "/e/%zu", i);
		fx_io_file(p, path, 1, 0, site);
	}
	FX_STACK(p, 1, 1, 500, m, load);
	assert_int_equal(n_hints(p), 0);
	f = &p->io.files[p->io.n_files - 1];
	f->site = IO_NO_SITE;
	f->site_opens = 0;
	h = only_hint(p, &agg);
	assert_real(h, "location_reopen_pct", 10.0);
	assert_real(h, "location_wall_pct", 50.0);
	assert_real(h, "cost_pct", 5.0);	/* 10% of load's 50% */
	hinted_free(&agg);
	/* code without a name may be anything (a program's main
	 * dispatch): its wall time is not the reopens' */
	p->frames[load].resolved = false;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/*
 * wc.rs's main() reads 10 files three times each and counts their words
 * in count(), 85% of the run: the counting is no cost of reading them
 * again.  main's part is its time but under count (15%), and the hint
 * says so; the reopens are 20 of its 30 opens: 10%.
 */
static void test_repeated_opens_opener_calls_app(void **state)
{
	struct profile *p = fx_new("./wc");
	uint32_t m, cnt, rd, op;
	int32_t site;
	struct hinted agg;
	const struct hint *h;
	char path[32];
	int i;

	(void)state;
	p->wall_ns = 10 * SEC;
	m = fx_frame_at(p, "main::main", "wc", CLASS_APP, "/home/u/main.rs",
			13);
	cnt = fx_frame_at(p, "main::count", "wc", CLASS_APP,
			  "/home/u/main.rs", 5);
	rd = fx_frame(p, "read", "libc.so.6", CLASS_RUNTIME);
	op = fx_frame(p, "open64", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 100, 100, 850, m, cnt);
	FX_STACK(p, 100, 100, 100, m);
	FX_STACK(p, 100, 100, 50, m, rd);
	site = FX_IO_SITE(p, 100, m, op);
	for (i = 0; i < 10; i++) {
		snprintf(path, sizeof(path), "/usr/share/l%d", i);
		fx_io_file(p, path, 3, 1 * MS, site);
	}
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "repeated_opens");
	assert_non_null(strstr(h->text, "and main::main (main.rs:13), which "
				       "opened most of them, is on 15% of wall "
				       "time (not counting the program's "
				       "functions it calls): caching"));
	assert_real(h, "location_wall_pct", 15.0);
	assert_real(h, "cost_pct", 10.0);
	hinted_free(&agg);
	fx_free(p);
}

/* ---- small_reads ---- */

static struct profile *reader_profile(uint64_t reads, uint64_t bytes,
				      uint64_t time_ns)
{
	struct profile *p = fx_new("./reader");
	struct io_file *f;
	uint32_t m;

	p->wall_ns = 10 * SEC;
	m = fx_frame_at(p, "main", "reader", CLASS_APP, "/home/u/reader.c",
			12);
	f = fx_io_file(p, "/data/data.bin", 1, time_ns, FX_IO_SITE(p, 1, m));
	f->reads = reads;
	f->read_bytes = bytes;
	return p;
}

static void test_small_reads(void **state)
{
	struct profile *p = reader_profile(1000000, 1000000, 3500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "small_reads",
		    "1,000,000 reads of /data/data.bin averaging 1 byte took "
		    "35% of wall time (3.50 s) in syscalls on the file, "
		    "opened from main (reader.c:12): reading in larger blocks "
		    "(a buffered reader) would remove most of those "
		    "syscalls.");
	assert_str(h, "path", "/data/data.bin");
	assert_uint(h, "reads", 1000000);
	assert_uint(h, "read_bytes", 1000000);
	assert_real(h, "mean_bytes", 1.0);
	assert_uint(h, "time_ns", 3500 * MS);
	assert_real(h, "time_pct", 35.0);
	assert_str(h, "location", "main (reader.c:12)");
	hinted_free(&agg);
	fx_free(p);
}

static void test_small_reads_thresholds(void **state)
{
	/* 10000 reads of 511.9999 bytes on average, 5% of wall */
	struct profile *p = reader_profile(10000, 10000 * 512 - 1, 500 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_non_null(strstr(h->text, "10,000 reads of "
			       "/data/data.bin averaging 512 bytes took 5% "
			       "of wall time (500 ms)"));
	hinted_free(&agg);
	/* 512 on average */
	p->io.files[0].read_bytes++;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);

	p = reader_profile(9999, 9999, 500 * MS);
	assert_int_equal(n_hints(p), 0);
	p->io.files[0].reads = p->io.files[0].read_bytes = 10000;
	assert_int_equal(n_hints(p), 1);
	p->io.files[0].time_ns--;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* ---- hot_library_function ---- */

/*
 * Of 1000 samples: re._compile 250 (200 called from expand, 50 from
 * check), re._parse 150 under it, the interpreter 300, zlib's deflate 120
 * from compress, json.loads 100 from check.
 */
static struct profile *library_profile(void)
{
	static const char re_py[] = "/usr/lib/python3.12/re/__init__.py";
	struct profile *p = fx_new("python3 amalg.py");
	uint32_t mod, ex, ch17, ch18, cz, rc, rp, ev, df, jl, work;

	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "amalg.py", CLASS_APP,
			  "/home/u/amalg.py", 60);
	ex = fx_frame_at(p, "expand", "amalg.py", CLASS_APP,
			 "/home/u/amalg.py", 33);
	ch17 = fx_frame_at(p, "check", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 17);
	ch18 = fx_frame_at(p, "check", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 18);
	cz = fx_frame_at(p, "compress", "amalg.py", CLASS_APP,
			 "/home/u/amalg.py", 50);
	work = fx_frame_at(p, "work", "amalg.py", CLASS_APP,
			   "/home/u/amalg.py", 70);
	rc = fx_frame_at(p, "re._compile", "re/__init__.py", CLASS_LIBRARY,
			 re_py, 280);
	rp = fx_frame_at(p, "re._parse", "re/_parser.py", CLASS_LIBRARY,
			 "/usr/lib/python3.12/re/_parser.py", 970);
	ev = fx_frame(p, "_PyEval_EvalFrameDefault", "libpython3.12.so",
		      CLASS_RUNTIME);
	df = fx_frame(p, "deflate", "libz.so.1", CLASS_LIBRARY);
	jl = fx_frame_at(p, "json.loads", "json/__init__.py", CLASS_LIBRARY,
			 "/usr/lib/python3.12/json/__init__.py", 346);
	FX_STACK(p, 100, 100, 150, mod, ex, rc, rp);
	FX_STACK(p, 100, 100, 50, mod, ex, rc);
	FX_STACK(p, 100, 100, 50, mod, ch17, rc);
	FX_STACK(p, 100, 100, 300, mod, ch17, ev);
	FX_STACK(p, 100, 100, 120, mod, cz, df);
	FX_STACK(p, 100, 100, 100, mod, ch18, jl);
	FX_STACK(p, 100, 100, 230, mod, work);
	return p;
}

static void test_hot_library_function(void **state)
{
	struct profile *p = library_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	hints_of(p, &agg);
	/* Not the interpreter, not re._parse (called by re), not the third */
	assert_int_equal(agg.n_hints, 2);
	h = &agg.hints[0];
	assert_text(h, "hot_library_function",
		    "re._compile is on 25% of on-CPU time (2.50 s), 80% of it "
		    "called directly from expand (amalg.py:33): calling it "
		    "less often, or caching its results, would save up to "
		    "that.");
	assert_str(h, "function", "re._compile");
	assert_str(h, "module", "re/__init__.py");
	assert_uint(h, "cpu_ns", 2500 * MS);
	assert_real(h, "cpu_pct", 25.0);
	assert_str(h, "location", "expand (amalg.py:33)");
	assert_real(h, "caller_pct", 80.0);
	h = &agg.hints[1];
	assert_text(h, "hot_library_function",
		    "deflate is on 12% of on-CPU time (1.20 s), 100% of it "
		    "called directly from compress (amalg.py:50): calling it "
		    "less often, or caching its results, would save up to "
		    "that.");
	assert_str(h, "module", "libz.so.1");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * busy.py hashes in a loop: digest() calls hashlib, whose extension
 * module's C (EVP_digest, in _hashlib.cpython-311-...so) calls libcrypto:
 * that glue is Python's, not a caller of its own, so the hint names
 * digest's line for EVP_DigestFinal.  A named library's function between
 * (libssl's) is a caller, and hides the application.
 */
static void test_hot_library_through_python_glue(void **state)
{
	struct profile *p = fx_new("python3 busy.py");
	uint32_t mod, dig, glue, fin, other;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	mod = fx_frame_at(p, "<module>", "busy.py", CLASS_APP,
			  "/home/u/busy.py", 10);
	dig = fx_frame_at(p, "digest", "busy.py", CLASS_APP,
			  "/home/u/busy.py", 5);
	glue = fx_frame(p, "EVP_digest",
			"_hashlib.cpython-311-x86_64-linux-gnu.so",
			CLASS_RUNTIME);
	fin = fx_frame(p, "EVP_DigestFinal", "libcrypto.so.3", CLASS_LIBRARY);
	FX_STACK(p, 1, 1, 30, mod, dig, glue, fin);
	FX_STACK(p, 1, 1, 70, mod, dig);
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "hot_library_function");
	assert_str(h, "function", "EVP_DigestFinal");
	assert_str(h, "location", "digest (busy.py:5)");
	assert_real(h, "caller_pct", 100.0);
	hinted_free(&agg);
	other = fx_frame(p, "SSL_read", "libssl.so.3", CLASS_LIBRARY);
	p->stacks[0].frames[2] = other;
	assert_int_equal(n_hints(p), 1);	/* SSL_read's, from digest */
	h = only_hint(p, &agg);
	assert_str(h, "function", "SSL_read");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A process pool's workers, forked under the Pool() that main() made, run
 * the application's digest() under it: Pool's time is that code's, no
 * hint of its own; the library digest() calls has one.  Pool with half
 * its time in its own code, the other half the application's, is not
 * hinted either; with less than half, it is.
 */
static void test_hot_library_running_app_code(void **state)
{
	struct profile *p = fx_new("python3 mp.py");
	uint32_t mod, main_, pool, boot, dig, fin;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	mod = fx_frame_at(p, "<module>", "mp.py", CLASS_APP, "/home/u/mp.py",
			  16);
	main_ = fx_frame_at(p, "main", "mp.py", CLASS_APP, "/home/u/mp.py",
			    10);
	pool = fx_frame_at(p, "BaseContext.Pool", "multiprocessing/context.py",
			   CLASS_LIBRARY,
			   "/usr/lib/python3.11/multiprocessing/context.py",
			   119);
	boot = fx_frame_at(p, "worker", "multiprocessing/pool.py",
			   CLASS_LIBRARY,
			   "/usr/lib/python3.11/multiprocessing/pool.py", 125);
	dig = fx_frame_at(p, "digest", "mp.py", CLASS_APP, "/home/u/mp.py", 6);
	fin = fx_frame(p, "EVP_DigestFinal", "libcrypto.so.3", CLASS_LIBRARY);
	FX_STACK(p, 2, 2, 60, mod, main_, pool, boot, dig);
	FX_STACK(p, 2, 2, 30, mod, main_, pool, boot, dig, fin);
	FX_STACK(p, 1, 1, 10, mod, main_);
	h = only_hint(p, &agg);
	assert_str(h, "function", "EVP_DigestFinal");
	assert_str(h, "location", "digest (mp.py:6)");
	hinted_free(&agg);
	/* half in Pool's own code: still the application's half */
	FX_STACK(p, 1, 1, 90, mod, main_, pool);
	h = only_hint(p, &agg);
	assert_str(h, "function", "EVP_DigestFinal");
	hinted_free(&agg);
	/* more than half */
	FX_STACK(p, 1, 1, 1, mod, main_, pool);
	assert_int_equal(n_hints(p), 2);
	fx_free(p);
}

/*
 * sqlite3_step committing one row at a time: most of its on-CPU time is
 * the kernel's, in the fdatasync of each commit.  Not a query to make
 * cheaper (the syncs hint tells those); with its own code holding more
 * than half, it is hinted.  (Time in the kernel reading its database is
 * the query's: test_hot_library_database.)
 */
static void test_hot_library_in_kernel(void **state)
{
	struct profile *p = fx_new("python3 sq.py");
	uint32_t mod, step, sys, dev;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	mod = fx_frame_at(p, "<module>", "sq.py", CLASS_APP, "/home/u/sq.py",
			  8);
	step = fx_frame(p, "sqlite3_step", "libsqlite3.so.0", CLASS_LIBRARY);
	sys = fx_frame(p, "do_fsync", "[kernel]", CLASS_KERNEL);
	dev = fx_frame(p, "iowrite16", "[kernel]", CLASS_KERNEL);
	FX_STACK(p, 1, 1, 30, mod, step, sys, dev);
	FX_STACK(p, 1, 1, 20, mod, step, sys);
	FX_STACK(p, 1, 1, 40, mod, step);
	FX_STACK(p, 1, 1, 10, mod);
	assert_int_equal(n_hints(p), 0);
	FX_STACK(p, 1, 1, 20, mod, step);
	h = only_hint(p, &agg);
	assert_str(h, "function", "sqlite3_step");
	assert_str(h, "advice", "fewer_queries");
	hinted_free(&agg);
	fx_free(p);
}

/*
 * python3 -m zipfile -c: no code of the program's, the standard library
 * runs zlib's deflate for 90% of the CPU: the Python frame calling it
 * stands for the application, and the library's own work is said.  Not
 * for a Python function of the standard library (main, write), nor for
 * deflate when a script of the program's calls zipfile.
 */
static void test_hot_library_standard_library_program(void **state)
{
	struct profile *p = fx_new("python3 -m zipfile -c out.zip big.txt");
	uint32_t mod, zmain, write, glue, df, app;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	fx_proc(p, 1, 0, "python3", "/usr/bin/python3.11");
	mod = fx_frame_at(p, "<module>", "zipfile.py", CLASS_RUNTIME,
			  "/usr/lib/python3.11/zipfile.py", 2569);
	zmain = fx_frame_at(p, "main", "zipfile.py", CLASS_RUNTIME,
			    "/usr/lib/python3.11/zipfile.py", 2549);
	write = fx_frame_at(p, "_ZipWriteFile.write", "zipfile.py",
			    CLASS_RUNTIME, "/usr/lib/python3.11/zipfile.py",
			    1167);
	glue = fx_frame(p, "[zlib.cpython-311-x86_64-linux-gnu.so+0x3000]",
			"zlib.cpython-311-x86_64-linux-gnu.so", CLASS_RUNTIME);
	p->frames[glue].resolved = false;
	df = fx_frame(p, "deflate", "libz.so.1", CLASS_LIBRARY);
	FX_STACK(p, 1, 1, 90, mod, zmain, write, glue, df);
	FX_STACK(p, 1, 1, 10, mod, zmain, write);
	h = only_hint(p, &agg);
	assert_str(h, "function", "deflate");
	assert_str(h, "location", "_ZipWriteFile.write (zipfile.py:1167)");
	assert_str(h, "advice", "library_work");
	hinted_free(&agg);
	/* a script of the program's under it: its call of zipfile is the
	 * one to look at, not a library function's inside */
	app = fx_frame_at(p, "<module>", "pack.py", CLASS_APP,
			  "/home/u/pack.py", 3);
	p->stacks[0].frames[0] = app;
	p->stacks[1].frames[0] = app;
	hints_of(p, &agg);
	for (size_t k = 0; k < agg.n_hints; k++)
		assert_string_not_equal(hint_field(&agg.hints[k],
						   "function")->s, "deflate");
	hinted_free(&agg);
	fx_free(p);
}

/* A BLAS frame of path path, called from mult (app) on 80 of 100
 * samples, beside 20 of the application's own. */
static struct profile *blas_profile(const char *path)
{
	struct profile *p = fx_new("python3 np.py");
	uint32_t mod, mult, syrk;

	p->wall_ns = 1000 * MS;
	mod = fx_frame_at(p, "<module>", "np.py", CLASS_APP, "/home/u/np.py",
			  10);
	mult = fx_frame_at(p, "mult", "np.py", CLASS_APP, "/home/u/np.py", 8);
	syrk = fx_frame(p, "dsyrk_", path_basename(path), CLASS_LIBRARY);
	p->frames[syrk].path = fx_strdup(path);
	FX_STACK(p, 1, 1, 80, mod, mult, syrk);
	FX_STACK(p, 1, 1, 20, mod);
	return p;
}

/*
 * Debian's reference BLAS doing 80% of the work: an optimized one, and no
 * hot_library_function hint of its own for dsyrk_; OpenBLAS's libblas.so.3
 * (another directory) no such hint; under 10% of on-CPU time, none.
 */
static void test_reference_blas(void **state)
{
	struct profile *p;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p = blas_profile("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0");
	h = only_hint(p, &agg);
	assert_text(h, "reference_blas",
		    "80% of on-CPU time (800 ms) ran in the reference BLAS, "
		    "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0 "
		    "(Debian's libblas3 or liblapack3, plain loops on one "
		    "CPU), most in dsyrk_, called from mult (np.py:8): an "
		    "optimized BLAS does the same math many times faster — "
		    "install libopenblas0-pthread, which Debian puts in its "
		    "place through update-alternatives (numpy's 1200×1200 "
		    "matrix product here: 697 ms, then 30 ms).");
	assert_str(h, "function", "dsyrk_");
	assert_str(h, "location", "mult (np.py:8)");
	assert_real(h, "cpu_pct", 80.0);
	hinted_free(&agg);
	p->stacks[0].count = 9;
	p->stacks[0].ns = 90 * MS;
	p->stacks[1].count = 91;
	p->stacks[1].ns = 910 * MS;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = blas_profile("/usr/lib/x86_64-linux-gnu/openblas-pthread/"
			 "libblas.so.3");
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "hot_library_function");
	hinted_free(&agg);
	fx_free(p);
}

/* A stripped program's location is told by the exported function its
 * code runs inside: "[postgres+0x1e84f0] (in XLogFlush)". */
static void test_hint_location_stripped(void **state)
{
	struct profile *p = fx_new("postgres");
	uint32_t top, code, df;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 1000 * MS;
	top = fx_frame(p, "XLogFlush", "postgres", CLASS_APP);
	code = fx_frame(p, "[postgres+0x1e84f0]", "postgres", CLASS_APP);
	p->frames[code].resolved = false;
	p->frames[code].path = fx_strdup("/usr/lib/postgresql/15/bin/postgres");
	df = fx_frame(p, "deflate", "libz.so.1", CLASS_LIBRARY);
	FX_STACK(p, 1, 1, 60, top, code, df);
	FX_STACK(p, 1, 1, 40, top);
	h = only_hint(p, &agg);
	assert_str(h, "location", "[postgres+0x1e84f0] (in XLogFlush)");
	/* a program's code without symbols: its use of the library, not a
	 * call for the reader to make less */
	assert_str(h, "advice", "program_work");
	assert_non_null(strstr(h->text, "called directly from "
			       "[postgres+0x1e84f0] (in XLogFlush): that is "
			       "how the program uses the library on its "
			       "input"));
	hinted_free(&agg);
	/* with a name, the calls are the code's */
	p->frames[code].resolved = true;
	free(p->frames[code].name);
	p->frames[code].name = fx_strdup("CompressPage");
	h = only_hint(p, &agg);
	assert_str(h, "advice", "call_less_or_cache");
	hinted_free(&agg);
	fx_free(p);
}

/* json.loads alone: 10% of on-CPU time fires, 99 of 1000 samples not. */
static void test_hot_library_thresholds(void **state)
{
	struct profile *p = library_profile();
	struct hinted agg;
	const struct hint *h;
	size_t i;

	(void)state;
	/* re._compile, re._parse and deflate to the app's work */
	for (i = 0; i < 3; i++)
		p->stacks[i].n_frames = 2;
	p->stacks[4].n_frames = 2;
	h = only_hint(p, &agg);
	assert_string_equal(h->text,
		"json.loads is on 10% of on-CPU time (1.00 s), 100% of it "
		"called directly from check (amalg.py:18): calling it less "
		"often, or caching its results, would save up to that.");
	hinted_free(&agg);
	p->stacks[5].count = 99;
	p->stacks[5].ns = 990 * MS;
	p->stacks[6].count = 231;
	p->stacks[6].ns = 2310 * MS;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* 10 s of CPU in a run of 201 s: re._compile's 2.5 s is 25% of on-CPU
 * time but under 5% of wall, not worth a hint.  In 50 s it is 5% and
 * fires; deflate's 1.2 s (2.4%) still does not. */
static void test_hot_library_wall_threshold(void **state)
{
	struct profile *p = library_profile();

	(void)state;
	p->wall_ns = 201000 * MS;
	assert_int_equal(n_hints(p), 0);
	p->wall_ns = 50000 * MS;	/* re._compile 5%, deflate 2.4% */
	assert_int_equal(n_hints(p), 1);
	fx_free(p);
}

/* The same run 125 times shorter: re._compile's 20 ms fires, the others
 * (under 10 ms) do not; 126 times shorter, under 20 ms: no hint, too
 * few samples to change code for. */
static void test_hot_library_time_floor(void **state)
{
	static const uint64_t shorter[] = { 125, 126 };
	struct profile *p;
	size_t i, k;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(shorter); k++) {
		p = library_profile();
		for (i = 0; i < p->n_stacks; i++)
			p->stacks[i].ns /= shorter[k];
		p->wall_ns /= shorter[k];
		assert_int_equal(n_hints(p), k == 0);
		fx_free(p);
	}
}

/* ---- none ---- */

static void test_no_hints(void **state)
{
	struct profile *p = fx_profile_70_30();

	(void)state;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = fx_new("empty");
	assert_int_equal(n_hints(p), 0);
	/* traced, nothing found; and a wall time of 0 shares nothing */
	p->io.traced = true;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = reopen_profile(10 * SEC);
	p->wall_ns = 0;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/* All rules at once: in the order of the rules. */
static void test_hint_order(void **state)
{
	struct profile *p = amalg_profile();
	struct hinted agg;
	struct io_file *f;
	uint32_t m;

	(void)state;
	m = p->stacks[0].frames[0];
	fx_io_spawn(p, "/bin/sh", 10, 1 * SEC, FX_IO_SITE(p, 100, m));
	fx_io_proc(p, 100, 5, 5 * SEC, 5 * SEC, 1);
	f = fx_io_file(p, "/data/x", 1, 1 * SEC, IO_NO_SITE);
	f->reads = 20000;
	f->read_bytes = 20000;
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 4);
	assert_string_equal(agg.hints[0].rule, "repeated_opens");
	assert_string_equal(agg.hints[1].rule, "serial_network");
	assert_string_equal(agg.hints[2].rule, "spawns");
	assert_string_equal(agg.hints[3].rule, "small_reads");
	hinted_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeated_opens),
		cmocka_unit_test(test_repeated_opens_opener_calls_app),
		cmocka_unit_test(test_repeated_opens_spread),
		cmocka_unit_test(test_repeated_opens_thresholds),
		cmocka_unit_test(test_repeated_opens_function_cost),
		cmocka_unit_test(test_repeated_opens_cut_paths),
		cmocka_unit_test(test_repeated_opens_uneven),
		cmocka_unit_test(test_small_reads),
		cmocka_unit_test(test_small_reads_thresholds),
		cmocka_unit_test(test_hot_library_function),
		cmocka_unit_test(test_hot_library_through_python_glue),
		cmocka_unit_test(test_hot_library_running_app_code),
		cmocka_unit_test(test_hot_library_in_kernel),
		cmocka_unit_test(test_hot_library_standard_library_program),
		cmocka_unit_test(test_reference_blas),
		cmocka_unit_test(test_hint_location_stripped),
		cmocka_unit_test(test_hot_library_thresholds),
		cmocka_unit_test(test_hot_library_wall_threshold),
		cmocka_unit_test(test_hot_library_time_floor),
		cmocka_unit_test(test_no_hints),
		cmocka_unit_test(test_hint_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
