// SPDX-License-Identifier: GPL-2.0
/* The pool hint rule (analyze/hints_pool.c), on hand-built profiles. */
#include "hints_check.h"
#include "analyze/hints_rules.h"

/*
 * A 1 s run of exe (pid 1): its main thread waits 950 ms on a lock for
 * n workers (tids 2...), each 20 ms on the CPU in fetch and 900 ms in
 * waits of kind (38 of them, from fetch through libc).
 */
static struct profile *pool_profile(const char *exe, uint32_t n,
				    enum wait_reason kind)
{
	struct profile *p = fx_new("pool");
	uint32_t boot, fetch, libc, main_f, tid;

	p->wall_ns = 1000 * MS;
	fx_proc(p, 1, 0, path_basename(exe), exe);
	main_f = fx_frame_at(p, "main", "pool.py", CLASS_APP, "pool.py", 6);
	boot = fx_frame(p, "thread_run", "threading.py", CLASS_RUNTIME);
	fetch = fx_frame_at(p, "fetch", "pool.py", CLASS_APP, "pool.py", 3);
	libc = fx_frame(p, "clock_nanosleep", "libc.so.6", CLASS_RUNTIME);
	FX_STACK(p, 1, 1, 5, main_f);
	FX_WAIT(p, 1, 1, 1, WAIT_LOCK, 950 * MS, NULL, main_f);
	for (tid = 2; tid < 2 + n; tid++) {
		FX_STACK(p, 1, tid, 2, boot, fetch);
		FX_WAIT(p, 1, tid, 38, kind, 900 * MS, NULL, boot, fetch, libc);
	}
	return p;
}

static const struct hint *find_hint(const struct hinted *agg,
				    const char *rule)
{
	size_t i;

	for (i = 0; i < agg->n_hints; i++)
		if (!strcmp(agg->hints[i].rule, rule))
			return &agg->hints[i];
	return NULL;
}

/* Two Python workers on the network nearly all their lives: the pool, in
 * Python's words.  Their sleeps in the same function (a rate limit) are
 * the pool's too: no sleeps hint's "sleep less". */
static void test_pool_of_fetchers(void **state)
{
	struct profile *p = pool_profile("/usr/bin/python3.11", 2,
					 WAIT_NETWORK);
	/* pool_profile's last frames: thread_run, fetch, clock_nanosleep */
	uint32_t libc = p->n_frames - 1, fetch = libc - 1, boot = libc - 2;
	uint32_t tid;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	for (tid = 2; tid < 4; tid++)
		FX_WAIT(p, 1, tid, 20, WAIT_SLEEP, 120 * MS, NULL, boot, fetch,
			libc);
	h = only_hint(p, &agg);
	assert_text(h, "pool",
		    "2 worker threads of python3.11 (pid 1) were busy 88% "
		    "of their time, 87% of it waiting (network 1.80 s in "
		    "fetch (pool.py:3)), and held up 92% of the wall time: "
		    "the pool's size is the limit. Waits need no CPU: more "
		    "workers overlap more of them (ThreadPoolExecutor("
		    "max_workers=…), or asyncio).");
	assert_uint(h, "workers", 2);
	assert_uint(h, "pid", 1);
	assert_uint(h, "wait_ns", 1800 * MS);
	assert_str(h, "program", "python3.11");
	assert_str(h, "location", "fetch (pool.py:3)");
	hinted_free(&agg);
	fx_free(p);
}

/* A C program's workers on the network: a larger pool. */
static void test_pool_on_network(void **state)
{
	struct profile *p = pool_profile("/usr/bin/fetcher", 3, WAIT_NETWORK);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	hints_of(p, &agg);
	h = find_hint(&agg, "pool");
	assert_non_null(h);
	assert_uint(h, "workers", 3);
	assert_non_null(strstr(h->text, "(network 2.70 s in fetch"));
	assert_non_null(strstr(h->text, "(a larger pool, or asynchronous "
				       "I/O)."));
	hinted_free(&agg);
	fx_free(p);
}

/* Whether p (freed) has a hint of rule. */
static bool hinted_rule(struct profile *p, const char *rule)
{
	struct hinted agg;
	bool found;

	hints_of(p, &agg);
	found = find_hint(&agg, rule);
	hinted_free(&agg);
	fx_free(p);
	return found;
}

/* Workers waiting for work (a queue's lock), sleeping (polling, maybe:
 * the sleeps hint's), one worker, workers that compute, workers of a
 * server whose first thread polls for clients, or a task each: no pool
 * hint. */
static void test_not_a_pool(void **state)
{
	static const char py[] = "/usr/bin/python3.11";
	struct profile *p;

	(void)state;
	assert_false(hinted_rule(pool_profile(py, 2, WAIT_LOCK), "pool"));
	assert_false(hinted_rule(pool_profile(py, 2, WAIT_SLEEP), "pool"));
	assert_true(hinted_rule(pool_profile(py, 2, WAIT_SLEEP), "sleeps"));
	assert_false(hinted_rule(pool_profile(py, 1, WAIT_NETWORK), "pool"));
	assert_false(hinted_rule(pool_profile(py, 2, WAIT_CPU), "pool"));
	p = pool_profile(py, 2, WAIT_NETWORK);
	p->stacks[1].reason = WAIT_POLL;
	assert_false(hinted_rule(p, "pool"));
	/* one wait and a half each: more workers would have no task */
	p = pool_profile(py, 2, WAIT_NETWORK);
	p->stacks[3].count = p->stacks[5].count = 3;
	assert_false(hinted_rule(p, "pool"));
	p = pool_profile(py, 2, WAIT_NETWORK);
	p->stacks[3].count = p->stacks[5].count = 4;
	assert_true(hinted_rule(p, "pool"));
}

/* The workers held up less than POOL_PATH_PCT of the run (no critical
 * path: the busiest worker's 920 ms): none. */
static void test_pool_threshold(void **state)
{
	struct profile *p = pool_profile("/usr/bin/python3.11", 2,
					 WAIT_NETWORK);

	(void)state;
	p->wall_ns = 920 * MS * 100 / POOL_PATH_PCT;
	assert_int_equal(n_hints(p), 1);
	p->wall_ns += MS;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_of_fetchers),
		cmocka_unit_test(test_pool_on_network),
		cmocka_unit_test(test_not_a_pool),
		cmocka_unit_test(test_pool_threshold),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
