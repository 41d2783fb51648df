// SPDX-License-Identifier: GPL-2.0
/* An event loop's waits in epoll told as network waits while one of its
 * process's requests was in flight (record/netwait.c). */
#include "profile_fixture.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "record/netwait.h"
#include "syscalls.h"

#define MS	1000000ull
#define T0	(1000 * MS)

struct fixture {
	struct profile *p;
	struct io_trace *io;
	struct cp_timeline tl;
	uint32_t loop;		/* node's epoll_pwait stack, pid 10 */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct stack_sample *st;
	uint32_t uv, ep;

	assert_non_null(f);
	f->p = fx_new("node fetch.js");
	f->io = io_trace_new();
	assert_non_null(f->io);
	fx_proc(f->p, 10, 1, "node", "/usr/bin/node");
	uv = fx_frame(f->p, "uv__io_poll", "node", CLASS_RUNTIME);
	ep = fx_frame(f->p, "epoll_pwait", "libc.so.6", CLASS_RUNTIME);
	st = FX_WAIT(f->p, 10, 10, 4, WAIT_POLL, 400 * MS, NULL, uv, ep);
	st->syscall = WS_NR_epoll_pwait;
	f->loop = st - f->p->stacks;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	io_trace_free(f->io);
	free(f->tl.waits);
	fx_free(f->p);
	free(f);
	return 0;
}

/* A 100 ms wait of the loop from start (ms after T0), woken by waker. */
static void loop_wait(struct fixture *f, uint64_t start, uint32_t waker)
{
	f->tl.waits = fx_grow(f->tl.waits, f->tl.n_waits,
			      sizeof(*f->tl.waits));
	f->tl.waits[f->tl.n_waits++] = (struct cp_wait){
		.start = T0 + start * MS, .wake = T0 + (start + 100) * MS,
		.end = T0 + (start + 100) * MS, .tid = 10, .waker_tid = waker,
		.waker_pid = waker, .stack = f->loop, .runq_stack = f->loop };
}

/* A request of pid to the peer, [start, end) ms after T0. */
static void request(struct fixture *f, uint32_t pid, const char *peer,
		    uint64_t start, uint64_t end)
{
	struct ws_fd_event ev = { .type = WS_EV_REQUEST, .pid = pid };
	struct ws_fd_stats *s = &ev.stats;

	s->client = s->responded = 1;
	s->req_start = T0 + start * MS;
	s->last_recv_end = T0 + end * MS;
	s->last_end = s->last_recv_end + 1;
	if (peer[0] == '/') {
		s->target.kind = WS_TGT_UNIX;
		strncpy(s->target.path, peer, sizeof(s->target.path) - 1);
	} else {
		s->target.kind = WS_TGT_TCP;
		s->target.family = AF_INET;
		s->target.port = 8765;
		assert_int_equal(inet_pton(AF_INET, peer, s->target.addr), 1);
	}
	assert_int_equal(io_trace_fd(f->io, &ev), 0);
}

static const struct stack_sample *stack_of(const struct fixture *f, size_t i)
{
	assert_true(f->tl.waits[i].stack < f->p->n_stacks);
	return &f->p->stacks[f->tl.waits[i].stack];
}

/* Four waits of 100 ms: two while a request was out (one of them only
 * 60% covered), one beside no request (a timer), one beside a request of
 * another process.  The first two wait on the network, in a stack of
 * their own; the time of all four is kept. */
static void test_loop_waits_on_network(void **state)
{
	struct fixture *f = *state;
	const struct stack_sample *net;

	loop_wait(f, 0, 0);
	loop_wait(f, 200, 0);
	loop_wait(f, 400, 0);
	loop_wait(f, 600, 0);
	request(f, 10, "127.0.0.1", 0, 100);
	request(f, 10, "127.0.0.1", 240, 300);	/* 60 of the 100 ms */
	request(f, 11, "127.0.0.1", 600, 700);
	assert_int_equal(netwait_split(f->p, &f->tl, f->io), 0);
	net = stack_of(f, 0);
	assert_ptr_equal(stack_of(f, 1), net);
	assert_int_equal(net->reason, WAIT_NETWORK);
	assert_string_equal(net->target,
			    "epoll_pwait for a response from 127.0.0.1:8765");
	assert_int_equal(net->ns, 200 * MS);
	assert_int_equal(net->count, 2);
	assert_int_equal(net->n_frames, 2);
	assert_int_equal(net->frames[1], f->p->stacks[f->loop].frames[1]);
	assert_int_equal(f->tl.waits[2].stack, f->loop);
	assert_int_equal(f->tl.waits[3].stack, f->loop);
	assert_int_equal(f->p->stacks[f->loop].reason, WAIT_POLL);
	assert_int_equal(f->p->stacks[f->loop].ns, 200 * MS);
	assert_int_equal(f->p->stacks[f->loop].count, 2);
}

/* Under half covered, or woken by a thread of its own process (the loop's
 * wake-up from a worker): the loop's own wait. */
static void test_own_wake_or_short_overlap_stays(void **state)
{
	struct fixture *f = *state;

	loop_wait(f, 0, 10);
	loop_wait(f, 200, 0);
	request(f, 10, "127.0.0.1", 0, 100);
	request(f, 10, "127.0.0.1", 260, 300);	/* 40 of the 100 ms */
	assert_int_equal(netwait_split(f->p, &f->tl, f->io), 0);
	assert_int_equal(f->tl.waits[0].stack, f->loop);
	assert_int_equal(f->tl.waits[1].stack, f->loop);
	assert_int_equal(f->p->n_stacks, 1);
	assert_int_equal(f->p->stacks[f->loop].ns, 400 * MS);
}

/* Requests overlapping each other count once; the endpoint named is the
 * one in flight longest; a Unix socket's is a pipe wait. */
static void test_overlap_and_unix_socket(void **state)
{
	struct fixture *f = *state;
	const struct stack_sample *a, *b;

	loop_wait(f, 0, 0);
	loop_wait(f, 200, 0);
	request(f, 10, "127.0.0.1", 0, 30);
	request(f, 10, "/run/db.sock", 20, 60);	/* [0, 60): 60% */
	request(f, 10, "127.0.0.1", 150, 230);
	request(f, 10, "/run/db.sock", 250, 300);
	assert_int_equal(netwait_split(f->p, &f->tl, f->io), 0);
	a = stack_of(f, 0);
	b = stack_of(f, 1);
	assert_int_equal(a->reason, WAIT_PIPE);
	assert_string_equal(a->target, "epoll_pwait for a response from "
			    "unix socket /run/db.sock");
	assert_int_equal(b->reason, WAIT_PIPE);
	assert_ptr_equal(a, b);
	assert_int_equal(a->ns, 200 * MS);
}

/* A connection of pid to the peer made from start to made (ms after T0),
 * non-blocking: connect() returned at start, first used at made; then
 * its request answered at end.  Told at its close. */
static void slow_connection(struct fixture *f, uint32_t pid, uint64_t start,
			    uint64_t made, uint64_t end)
{
	struct ws_fd_event ev = { .type = WS_EV_FD, .pid = pid };
	struct ws_fd_stats *s = &ev.stats;

	s->client = s->responded = 1;
	s->born_ns = s->req_start = T0 + start * MS;
	s->connect_wait_ns = (made - start) * MS;
	s->last_recv_end = T0 + end * MS;
	s->last_end = s->last_recv_end + 1;
	s->target.kind = WS_TGT_TCP;
	s->target.family = AF_INET;
	s->target.port = 8765;
	assert_int_equal(inet_pton(AF_INET, "127.0.0.1", s->target.addr), 1);
	ev.time_ns = s->last_end;
	assert_int_equal(io_trace_fd(f->io, &ev), 0);
}

/* A connection whose SYN was sent again (1 s in the making), then its
 * request: the loop's waits while it was made wait for the connection,
 * the one after it for the answer. */
static void test_loop_waits_for_connection(void **state)
{
	struct fixture *f = *state;
	const struct stack_sample *conn, *resp;

	loop_wait(f, 0, 0);
	loop_wait(f, 500, 0);
	loop_wait(f, 1010, 0);
	slow_connection(f, 10, 0, 1000, 1100);
	assert_int_equal(netwait_split(f->p, &f->tl, f->io), 0);
	conn = stack_of(f, 0);
	assert_ptr_equal(stack_of(f, 1), conn);
	assert_int_equal(conn->reason, WAIT_NETWORK);
	assert_string_equal(conn->target, "epoll_pwait for a connection to "
			    "127.0.0.1:8765 to be made");
	assert_int_equal(conn->ns, 200 * MS);
	resp = stack_of(f, 2);
	assert_ptr_not_equal(resp, conn);
	assert_string_equal(resp->target,
			    "epoll_pwait for a response from 127.0.0.1:8765");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_loop_waits_for_connection,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop_waits_on_network,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_own_wake_or_short_overlap_stays, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_and_unix_socket,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
