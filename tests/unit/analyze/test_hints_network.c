// SPDX-License-Identifier: GPL-2.0
/*
 * The serial_network hint rule: requests made one at a time, and what
 * issuing several at once could save, per process: at its thresholds,
 * and not just below them.
 */
#include "analyze/hints_check.h"

/*
 * linkcheck.py checks 42 links one at a time, 40 of them on
 * 127.0.0.1:8080, for 3.6 s of a 4 s run.
 */
static struct profile *linkcheck_profile(void)
{
	struct profile *p = fx_new("python3 linkcheck.py");
	struct io_endpoint *e;
	uint32_t mod, check, conn;
	int32_t site;

	p->wall_ns = 4 * SEC;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "linkcheck.py", CLASS_APP,
			  "/home/u/linkcheck.py", 30);
	check = fx_frame_at(p, "check", "linkcheck.py", CLASS_APP,
			    "/home/u/linkcheck.py", 17);
	conn = fx_frame(p, "connect", "libc.so.6", CLASS_RUNTIME);
	site = FX_IO_SITE(p, 100, mod, check, conn);
	/* inbound: never a request target */
	e = fx_io_endpoint(p, "127.0.0.1", "tcp", IO_NO_SITE);
	e->inbound = true;
	e->requests = 50;
	e->request_ns = 9 * SEC;
	e = fx_io_endpoint(p, "127.0.0.1:8080", "tcp", site);
	e->requests = 40;
	e->request_ns = 3500 * MS;
	e = fx_io_endpoint(p, "10.0.0.1:53", "udp", site);
	e->requests = 2;
	e->request_ns = 100 * MS;
	fx_io_proc(p, 100, 42, 3600 * MS, 3600 * MS, 1);
	return p;
}

static void test_serial_network(void **state)
{
	struct profile *p = linkcheck_profile();
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	/* 4 / (4 - 3.6 + 3.6 / 8) = 4.7 */
	assert_text(h, "serial_network",
		    "90% of wall time (3.60 s of 4.00 s) had a request in "
		    "flight, never more than one at once: 42 requests of "
		    "86 ms on average, 40 of them to 127.0.0.1:8080, made "
		    "from check (linkcheck.py:17): issuing them 8 at a time "
		    "could cut wall time up to 4.7×, if the server keeps up: "
		    "that assumes it answers 8 at once as fast as one.");
	assert_uint(h, "pid", 100);
	assert_uint(h, "requests", 42);
	assert_uint(h, "mean_request_ns", 85714285);
	assert_uint(h, "busy_ns", 3600 * MS);
	assert_real(h, "busy_pct", 90.0);
	assert_uint(h, "max_in_flight", 1);
	assert_str(h, "endpoint", "127.0.0.1:8080");
	assert_str(h, "location", "check (linkcheck.py:17)");
	assert_uint(h, "at_a_time", 8);
	assert_real(h, "speedup", 4.0 / 0.85);
	hinted_free(&agg);
	fx_free(p);
}

/* 3 requests, 20% of wall, nothing known of where they went. */
static void test_serial_network_thresholds(void **state)
{
	struct profile *p = fx_new("few");
	struct io_concurrency *c;
	struct hinted agg;
	const struct hint *h;

	(void)state;
	p->wall_ns = 10 * SEC;
	c = fx_io_proc(p, 1, 3, 2 * SEC, 2 * SEC, 1);
	h = only_hint(p, &agg);
	/* 10 / (10 - 2 + 2 / 3) = 1.15 */
	assert_text(h, "serial_network",
		    "20% of wall time (2.00 s of 10.00 s) had a request in "
		    "flight, never more than one at once: 3 requests of 667 "
		    "ms on average: issuing them 3 at a time could cut wall "
		    "time up to 1.2×, if the server keeps up: that assumes it "
		    "answers 3 at once as fast as one.");
	assert_str(h, "endpoint", NULL);
	assert_str(h, "location", NULL);
	assert_uint(h, "at_a_time", 3);
	hinted_free(&agg);

	c->busy_ns--;
	assert_int_equal(n_hints(p), 0);
	c->busy_ns++;
	c->requests = 2;
	assert_int_equal(n_hints(p), 0);
	c->requests = 3;
	c->max_in_flight = 2;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

/*
 * Two processes fetch one at a time: each is named, and each gets the
 * endpoint it connected to.
 */
static void test_serial_network_two_procs(void **state)
{
	struct profile *p = fx_new("fetch2");
	uint32_t a, b;
	struct hinted agg;
	struct io_endpoint *e;

	(void)state;
	p->wall_ns = 10 * SEC;
	fx_proc(p, 100, 1, "fetch", "/home/u/fetch");
	fx_proc(p, 200, 100, "fetch-child", "/home/u/fetch");
	a = fx_frame_at(p, "get_a", "fetch", CLASS_APP, "/s/fetch.c", 10);
	b = fx_frame_at(p, "get_b", "fetch", CLASS_APP, "/s/fetch.c", 20);
	e = fx_io_endpoint(p, "10.0.0.2:80", "tcp", FX_IO_SITE(p, 200, b));
	e->requests = 5;
	e->request_ns = 8 * SEC;
	e = fx_io_endpoint(p, "10.0.0.1:80", "tcp", FX_IO_SITE(p, 100, a));
	e->requests = 4;
	e->request_ns = 4 * SEC;
	fx_io_proc(p, 200, 5, 8 * SEC, 8 * SEC, 1);
	fx_io_proc(p, 100, 4, 4 * SEC, 4 * SEC, 1);
	hints_of(p, &agg);
	assert_int_equal(agg.n_hints, 2);
	assert_string_equal(agg.hints[0].text,
		"In pid 200 (fetch-child), 80% of wall time (8.00 s of 10.00 "
		"s) had a request in flight, never more than one at once: 5 "
		"requests of 1.60 s on average to 10.0.0.2:80, made from "
		"get_b (fetch.c:20): issuing them 5 at a time could cut wall "
		"time up to 2.8×, if the server keeps up: that assumes it "
		"answers 5 at once as fast as one.");
	assert_str(&agg.hints[1], "endpoint", "10.0.0.1:80");
	assert_str(&agg.hints[1], "location", "get_a (fetch.c:10)");
	assert_uint(&agg.hints[1], "pid", 100);
	hinted_free(&agg);
	fx_free(p);
}

/*
 * A crawler opens 50 connections to 127.0.0.1:8765, 10 at a time; 15
 * wait for their SYN's retransmission, one of them in the making for
 * 4.86 s of a 5.4 s run.
 */
static struct profile *burst_profile(uint64_t slow_ns)
{
	struct profile *p = fx_new("python3 aio.py");
	struct io_endpoint *e;
	uint32_t mod, get;

	p->wall_ns = 5400 * MS;
	fx_proc(p, 100, 1, "python3", "/usr/bin/python3");
	mod = fx_frame_at(p, "<module>", "aio.py", CLASS_APP,
			  "/home/u/aio.py", 12);
	get = fx_frame_at(p, "get", "aio.py", CLASS_APP, "/home/u/aio.py", 3);
	e = fx_io_endpoint(p, "127.0.0.1:8765", "tcp",
			   FX_IO_SITE(p, 100, mod, get));
	e->connections = 50;
	e->connect_ns = 15 * SEC;
	e->slow_connects = 15;
	e->slow_connect_ns = slow_ns;
	return p;
}

static void test_slow_connects(void **state)
{
	struct profile *p = burst_profile(4860 * MS);
	struct hinted agg;
	const struct hint *h;

	(void)state;
	h = only_hint(p, &agg);
	assert_text(h, "slow_connects",
		    "15 of 50 connections to 127.0.0.1:8765 took a second or "
		    "more to make (one of them was in the making for 90% of "
		    "wall time, 4.86 s), made from get (aio.py:3): the server "
		    "answered their SYN only when it was sent again, a second "
		    "later — its accept queue (the listen backlog) was full, "
		    "or packets were lost; a longer backlog on the server "
		    "(listen(fd, 128); Python's socketserver: "
		    "request_queue_size), fewer connections opened at once, "
		    "or reusing connections would remove that wait.");
	assert_str(h, "endpoint", "127.0.0.1:8765");
	assert_uint(h, "connections", 50);
	assert_uint(h, "slow_connects", 15);
	assert_uint(h, "connect_ns", 15 * SEC);
	assert_uint(h, "wall_ns", 4860 * MS);
	assert_real(h, "wall_pct", 90.0);
	assert_str(h, "location", "get (aio.py:3)");
	hinted_free(&agg);
	fx_free(p);
	/* 10% of wall: said; under it, or none slow, not */
	p = burst_profile(540 * MS);
	assert_int_equal(n_hints(p), 1);
	p->io.endpoints[0].slow_connect_ns--;
	assert_int_equal(n_hints(p), 0);
	p->io.endpoints[0].slow_connect_ns = 540 * MS;
	p->io.endpoints[0].slow_connects = 0;
	assert_int_equal(n_hints(p), 0);
	fx_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_network),
		cmocka_unit_test(test_slow_connects),
		cmocka_unit_test(test_serial_network_thresholds),
		cmocka_unit_test(test_serial_network_two_procs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
