// SPDX-License-Identifier: GPL-2.0
/* The syncs hint rule (analyze/hints_syncs.c), on hand-built profiles. */
#include "hints_check.h"
#include "syscalls.h"

/*
 * save (sq.py:7) syncs: n times a journal (journal, else a log), sync_ms
 * in all, its waits in fdatasync; twice as many on the database,
 * 10 ms.  <module> runs the rest on the CPU.  Wall 1 s.
 */
static struct profile *sync_profile(uint64_t n, uint64_t sync_ms,
				    bool journal)
{
	struct profile *p = fx_new("python3 sq.py");
	uint32_t mod, save, fds;
	struct stack_sample *w;
	struct io_file *f;

	fx_proc(p, 1, 0, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "sq.py", CLASS_APP, "sq.py", 9);
	save = fx_frame_at(p, "save", "sq.py", CLASS_APP, "sq.py", 7);
	fds = fx_frame(p, "fdatasync", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 50, mod)->ns = 500 * MS;
	w = FX_WAIT(p, 1, 1, n, WAIT_DISK, sync_ms * MS,
		    journal ? "fdatasync /d/t.db-journal" : "fdatasync /d/a.log",
		    mod, save, fds);
	w->syscall = WS_NR_fdatasync;
	f = fx_io_file(p, journal ? "/d/t.db-journal" : "/d/a.log", n, MS,
		       IO_NO_SITE);
	f->writes = n;
	f->syncs = n;
	f->sync_ns = (sync_ms - 10) * MS;
	f = fx_io_file(p, "/d/t.db", 1, MS, IO_NO_SITE);
	f->syncs = n / 2;
	f->sync_ns = 10 * MS;
	p->wall_ns = SEC;
	return p;
}

static void test_syncs(void **state)
{
	struct profile *p = sync_profile(200, 300, true);
	const struct hint *h;
	struct hinted agg;

	(void)state;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "syncs");
	assert_uint(h, "syncs", 300);
	assert_uint(h, "files", 2);
	assert_uint(h, "sync_ns", 300 * MS);
	assert_real(h, "time_pct", 30);
	assert_str(h, "path", "/d/t.db-journal");
	assert_uint(h, "path_syncs", 200);
	assert_str(h, "location", "save (sq.py:7)");
	assert_str(h, "advice", "sqlite_transaction");
	assert_string_equal(h->text, "300 fsync/fdatasync calls on 2 files "
			    "took 300 ms, 30% of wall time, most on "
			    "/d/t.db-journal (200), from save (sq.py:7): each "
			    "waits until the data is on the disk — SQLite "
			    "syncs at every commit, and a statement run "
			    "outside a transaction is one: run many in one "
			    "transaction (BEGIN … COMMIT), or use PRAGMA "
			    "journal_mode=WAL with synchronous=NORMAL.");
	hinted_free(&agg);
	fx_free(p);
	p = sync_profile(200, 300, false);
	h = only_hint(p, &agg);
	assert_str(h, "advice", "batch_syncs");
	assert_non_null(strstr(h->text, "sync once per batch of writes"));
	hinted_free(&agg);
	fx_free(p);
}

/* Ten calls or more, their time 10% of wall or more: one long sync at
 * the end is not syncing too often. */
static void test_syncs_thresholds(void **state)
{
	static const struct {
		uint64_t n, sync_ms;
		size_t hints;
	} cases[] = {
		{ 200, 100, 1 }, { 200, 99, 0 }, { 7, 300, 1 }, { 6, 300, 0 },
	};
	struct profile *p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = sync_profile(cases[i].n, cases[i].sync_ms, true);
		assert_int_equal(n_hints(p), cases[i].hints);
		fx_free(p);
	}
}

/*
 * dd oflag=dsync: n writes to /d/out, opened O_DSYNC, write_ms in all,
 * their waits in write() under copy (dd.c:20); 50 ms on the CPU in main.
 * Wall 1 s.
 */
static struct profile *dsync_profile(uint64_t n, uint64_t write_ms)
{
	struct profile *p = fx_new("dd of=/d/out oflag=dsync");
	uint32_t m, cp, wr;
	struct stack_sample *w;
	struct io_file *f;

	fx_proc(p, 1, 0, "dd", "/usr/bin/dd");
	m = fx_frame_at(p, "main", "dd", CLASS_APP, "dd.c", 9);
	cp = fx_frame_at(p, "copy", "dd", CLASS_APP, "dd.c", 20);
	wr = fx_frame(p, "write", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 50, m)->ns = 50 * MS;
	w = FX_WAIT(p, 1, 1, n, WAIT_DISK, write_ms * MS, "write /d/out",
		    m, cp, wr);
	w->syscall = WS_NR_write;
	f = fx_io_file(p, "/d/out", 1, write_ms * MS, IO_NO_SITE);
	f->writes = f->sync_writes = n;
	f->write_bytes = n * 4096;
	f->sync_write_ns = write_ms * MS;
	p->wall_ns = SEC;
	return p;
}

/* Writes to a file opened O_DSYNC wait as syncs do: said with their
 * advice, when they take longer than the fsync calls, at the same
 * thresholds. */
static void test_sync_writes(void **state)
{
	struct profile *p = dsync_profile(1500, 400);
	const struct hint *h;
	struct hinted agg;

	(void)state;
	h = only_hint(p, &agg);
	assert_string_equal(h->rule, "syncs");
	assert_string_equal(h->text, "1,500 writes to /d/out, opened with "
			    "O_DSYNC or O_SYNC, took 400 ms, 40% of wall "
			    "time, from copy (dd.c:20): each waits until its "
			    "data is on the disk — write in fewer, larger "
			    "pieces, or open the file without O_DSYNC/O_SYNC "
			    "and sync once per batch of writes.");
	assert_uint(h, "sync_writes", 1500);
	assert_uint(h, "sync_write_ns", 400 * MS);
	assert_uint(h, "syncs", 0);
	assert_real(h, "time_pct", 40);
	assert_str(h, "path", "/d/out");
	assert_uint(h, "path_syncs", 1500);
	assert_str(h, "advice", "fewer_sync_writes");
	hinted_free(&agg);
	fx_free(p);
	p = dsync_profile(1500, 99);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	p = dsync_profile(9, 400);
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
	/* fsync calls that took longer: theirs is the hint */
	p = sync_profile(200, 300, false);
	p->io.files[0].sync_writes = 50;
	p->io.files[0].sync_write_ns = 200 * MS;
	h = only_hint(p, &agg);
	assert_str(h, "advice", "batch_syncs");
	assert_uint(h, "sync_writes", 50);
	hinted_free(&agg);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syncs),
		cmocka_unit_test(test_syncs_thresholds),
		cmocka_unit_test(test_sync_writes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
