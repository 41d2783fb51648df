// SPDX-License-Identifier: GPL-2.0
/* Wait classification: a recorded wait's syscall, descriptor target and
 * kernel stack to its reason and description, and the names writers
 * print. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "lib/util.h"
#include "classify/wait.h"
#include "classify/wait_event.h"
#include "syscalls.h"

static enum wait_reason by_stack(int nr, const char *const *kframes,
				 size_t n)
{
	return classify_wait(nr, NULL, false, kframes, n);
}

static struct ws_target tcp_peer(const char *ip, uint16_t port)
{
	struct ws_target t = { .kind = WS_TGT_TCP, .family = AF_INET,
			       .port = port, .fd = 3 };

	inet_pton(AF_INET, ip, t.addr);
	return t;
}

/* A syscall that says what it waits for decides by itself. */
static void test_syscall_decides(void **state)
{
	(void)state;
	assert_int_equal(by_stack(WS_NR_nanosleep, NULL, 0), WAIT_SLEEP);
	assert_int_equal(by_stack(WS_NR_clock_nanosleep, NULL, 0), WAIT_SLEEP);
	assert_int_equal(by_stack(WS_NR_futex, NULL, 0), WAIT_LOCK);
	assert_int_equal(by_stack(WS_NR_fsync, NULL, 0), WAIT_DISK);
	assert_int_equal(by_stack(WS_NR_wait4, NULL, 0), WAIT_CHILD);
	assert_int_equal(by_stack(WS_NR_epoll_wait, NULL, 0), WAIT_POLL);
	assert_int_equal(by_stack(WS_NR_connect, NULL, 0), WAIT_NETWORK);
	assert_int_equal(by_stack(WS_NR_sched_yield, NULL, 0), WAIT_CPU);
}

/* Preempted is waiting for a CPU, whatever the syscall. */
static void test_runnable(void **state)
{
	struct ws_target t = tcp_peer("10.0.0.5", 5432);

	(void)state;
	assert_int_equal(classify_wait(WS_NR_futex, NULL, true, NULL, 0),
			 WAIT_CPU);
	assert_int_equal(classify_wait(WS_NR_read, &t, true, NULL, 0),
			 WAIT_CPU);
}

/* read() and poll() wait on what their descriptor is. */
static void test_target_decides(void **state)
{
	struct ws_target tcp = tcp_peer("10.0.0.5", 5432);
	struct ws_target pipe = { .kind = WS_TGT_PIPE, .fd = 4 };
	struct ws_target file = { .kind = WS_TGT_FILE, .fd = 5 };

	(void)state;
	assert_int_equal(classify_wait(WS_NR_read, &tcp, false, NULL, 0),
			 WAIT_NETWORK);
	assert_int_equal(classify_wait(WS_NR_read, &pipe, false, NULL, 0),
			 WAIT_PIPE);
	assert_int_equal(classify_wait(WS_NR_pread64, &file, false, NULL, 0),
			 WAIT_DISK);
	assert_int_equal(classify_wait(WS_NR_poll, &pipe, false, NULL, 0),
			 WAIT_PIPE);
	/* a syscall with its own reason (a lock) is not decided by the fd */
	assert_int_equal(classify_wait(WS_NR_futex, &file, false, NULL, 0),
			 WAIT_LOCK);
}

/* Without a telling syscall or target, the innermost known kernel
 * function decides; nothing known is "other". */
static void test_stack_decides(void **state)
{
	const char *const fault[] = { "schedule", "io_schedule",
				      "folio_wait_bit", "filemap_fault",
				      "handle_mm_fault", "exc_page_fault" };
	const char *const pipe[] = { NULL, "schedule", "pipe_read",
				     "vfs_read" };
	const char *const tcp[] = { "schedule", "sk_wait_data",
				    "tcp_recvmsg" };
	const char *const unknown[] = { "schedule", "something_else" };
	/* an unlink that discards the file's blocks (SQLite's journal) */
	const char *const discard[] = { "schedule", "schedule_timeout",
					"submit_bio_wait",
					"blkdev_issue_discard",
					"ext4_free_blocks" };

	(void)state;
	assert_int_equal(by_stack(-1, fault, 6), WAIT_DISK);
	assert_int_equal(by_stack(-1, fault + 4, 2), WAIT_PAGE_FAULT);
	assert_int_equal(by_stack(WS_NR_read, pipe, 4), WAIT_PIPE);
	assert_int_equal(by_stack(WS_NR_recvfrom, tcp, 3), WAIT_NETWORK);
	assert_int_equal(by_stack(WS_NR_read, unknown, 2), WAIT_OTHER);
	assert_int_equal(by_stack(WS_NR_unlink, discard, 5), WAIT_DISK);
	assert_int_equal(by_stack(-1, NULL, 0), WAIT_OTHER);
}

static void test_describe(void **state)
{
	struct ws_target tcp = tcp_peer("127.0.0.1", 8080);
	struct ws_target file = { .kind = WS_TGT_FILE, .fd = 5 };
	char buf[128];

	(void)state;
	wait_event_describe(WS_NR_recvfrom, &tcp, buf, sizeof(buf));
	assert_string_equal(buf, "recv from 127.0.0.1:8080");
	wait_event_describe(WS_NR_sendto, &tcp, buf, sizeof(buf));
	assert_string_equal(buf, "send to 127.0.0.1:8080");
	assert_false(wait_target_idle(buf));
	wait_event_describe(WS_NR_accept4, &tcp, buf, sizeof(buf));
	assert_string_equal(buf, "accept (TCP)");
	assert_true(wait_target_idle(buf));	/* a server, idle */
	/* no peer: a server's listening socket, not "to 0.0.0.0:0" */
	tcp = tcp_peer("0.0.0.0", 0);
	wait_event_describe(WS_NR_poll, &tcp, buf, sizeof(buf));
	assert_string_equal(buf, "poll for connections on a listening TCP "
			    "socket");
	assert_true(wait_target_idle(buf));
	assert_false(wait_target_idle(NULL));
	tcp.kind = WS_TGT_UDP;
	wait_event_describe(WS_NR_recvfrom, &tcp, buf, sizeof(buf));
	assert_string_equal(buf, "recv on an unconnected UDP socket");
	strcpy(file.path, "src/data.bin");
	wait_event_describe(WS_NR_fsync, &file, buf, sizeof(buf));
	assert_string_equal(buf, "fsync src/data.bin");
	assert_false(wait_target_terminal(buf));
	strcpy(file.path, "/dev/ptmx");
	wait_event_describe(WS_NR_poll, &file, buf, sizeof(buf));
	assert_string_equal(buf, "poll /dev/ptmx");
	assert_true(wait_target_terminal(buf));
	assert_true(wait_target_terminal("read /dev/pts/3"));
	assert_false(wait_target_terminal("read /home/u/dev/pts/x"));
	assert_false(wait_target_terminal(NULL));
	wait_event_describe(WS_NR_read, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(wait_reason_name(WAIT_NONE), "on_cpu");
	assert_string_equal(wait_reason_name(WAIT_CPU), "cpu_wait");
	assert_string_equal(wait_reason_name(WAIT_PAGE_FAULT), "page_fault");
	assert_string_equal(wait_reason_name(WAIT__COUNT), "other");
	assert_string_equal(wait_syscall_name(WS_NR_openat), "openat");
	assert_string_equal(wait_syscall_name(WS_NR_futex_waitv),
			    "futex_waitv");
	assert_null(wait_syscall_name(-1));
	assert_int_equal(wait_syscall_reason(WS_NR_read), WAIT_NONE);
	assert_int_equal(wait_syscall_reason(WS_NR_flock), WAIT_LOCK);
}

/* A futex wait under pthread_join is a join; under a mutex, a lock. */
static void test_join(void **state)
{
	struct frame frames[] = {
		{ .name = "main", .cls = CLASS_APP },
		{ .name = "__pthread_clockjoin_ex", .cls = CLASS_RUNTIME },
		{ .name = "__lll_lock_wait", .cls = CLASS_RUNTIME },
		{ .name = "futex_wait", .cls = CLASS_KERNEL },
	};
	uint32_t join[] = { 0, 1, 3 }, lock[] = { 0, 2, 3 };
	struct profile p = { .frames = frames, .n_frames = 4 };
	struct stack_sample sj = { .frames = join, .n_frames = 3 };
	struct stack_sample sl = { .frames = lock, .n_frames = 3 };

	(void)state;
	assert_int_equal(wait_join_or(&p, &sj, WAIT_LOCK), WAIT_JOIN);
	assert_int_equal(wait_join_or(&p, &sl, WAIT_LOCK), WAIT_LOCK);
	/* only lock waits: a join frame over a pipe read stays a pipe */
	assert_int_equal(wait_join_or(&p, &sj, WAIT_PIPE), WAIT_PIPE);
	assert_string_equal(wait_reason_name(WAIT_JOIN), "join");
}

/*
 * A goroutine parked on a sync.Mutex: the thread's sleep in Go's
 * scheduler looking for other work (runqgrab's usleep) is its lock wait;
 * in a WaitGroup's Wait, a join; its wait for a CPU stays one, and a
 * sleep with no goroutine parked (sysmon's) a sleep.
 */
static void test_go_parked(void **state)
{
	struct frame frames[] = {
		{ .name = "main.worker", .cls = CLASS_APP },
		{ .name = "sync.(*Mutex).lockSlow", .cls = CLASS_APP },
		{ .name = "sync.runtime_SemacquireMutex", .cls = CLASS_RUNTIME },
		{ .name = "runtime.goparkunlock", .cls = CLASS_RUNTIME },
		{ .name = "runtime.findRunnable", .cls = CLASS_RUNTIME },
		{ .name = "runtime.usleep.abi0", .cls = CLASS_RUNTIME },
		{ .name = "hrtimer_nanosleep", .cls = CLASS_KERNEL },
		{ .name = "sync.(*WaitGroup).Wait", .cls = CLASS_APP },
		{ .name = "sync.runtime_Semacquire", .cls = CLASS_RUNTIME },
		{ .name = "runtime.sysmon", .cls = CLASS_RUNTIME },
	};
	uint32_t mu[] = { 0, 1, 2, 3, 4, 5, 6 }, wg[] = { 0, 7, 8, 3, 4, 5, 6 };
	uint32_t sysmon[] = { 9, 5, 6 }, unparked[] = { 0, 1, 2, 5, 6 };
	struct profile p = { .frames = frames, .n_frames = 10 };
	struct stack_sample s = { .frames = mu, .n_frames = 7 };

	(void)state;
	assert_int_equal(wait_join_or(&p, &s, WAIT_SLEEP), WAIT_LOCK);
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_LOCK);
	assert_int_equal(wait_join_or(&p, &s, WAIT_CPU), WAIT_CPU);
	s.frames = wg;
	assert_int_equal(wait_join_or(&p, &s, WAIT_SLEEP), WAIT_JOIN);
	s.frames = sysmon;
	s.n_frames = 3;
	assert_int_equal(wait_join_or(&p, &s, WAIT_SLEEP), WAIT_SLEEP);
	s.frames = unparked;	/* no park under it: not a parked goroutine */
	s.n_frames = 5;
	assert_int_equal(wait_join_or(&p, &s, WAIT_SLEEP), WAIT_SLEEP);
}

/*
 * GIL waits, by the interpreter's frames: take_gil by name, or the
 * interpreter calling a condition-variable wait (take_gil inlined away);
 * not the same names in code that is not the interpreter's.
 */
static void test_gil(void **state)
{
	struct frame frames[] = {
		{ .name = "spin", .file = "/home/u/gil.py", .cls = CLASS_APP },
		{ .name = "take_gil", .module = "libpython3.12.so.1.0",
		  .cls = CLASS_RUNTIME },
		{ .name = "pthread_cond_timedwait", .module = "libc.so.6",
		  .cls = CLASS_RUNTIME },
		{ .name = "futex_wait", .module = "[kernel]",
		  .cls = CLASS_KERNEL },
		{ .name = "_PyEval_EvalFrameDefault", .module = "python3.11",
		  .cls = CLASS_RUNTIME },
		{ .name = "take_gil", .module = "myapp", .cls = CLASS_APP },
		{ .name = "worker", .module = "libfoo.so", .cls = CLASS_LIBRARY },
		{ .name = "Thread.join", .file = "/usr/lib/python3.11/"
		  "threading.py", .cls = CLASS_RUNTIME },
		{ .name = "__new_sem_wait_slow64", .module = "libc.so.6",
		  .cls = CLASS_RUNTIME },
		{ .name = "Thread.start", .file = "/usr/lib/python3.11/"
		  "threading.py", .cls = CLASS_RUNTIME },
		{ .name = "Thread.start", .file = "/home/u/mythreads.py",
		  .cls = CLASS_APP },
	};
	uint32_t named[] = { 0, 1, 2, 3 }, inlined[] = { 0, 4, 2, 3 };
	uint32_t app[] = { 0, 5, 2, 3 }, lib[] = { 0, 6, 2, 3 };
	uint32_t join[] = { 7, 4, 8, 3 }, start[] = { 9, 4, 8, 3 };
	uint32_t own_start[] = { 10, 4, 8, 3 };
	struct profile p = { .frames = frames, .n_frames = 11 };
	struct stack_sample s = { .n_frames = 4 };

	(void)state;
	s.frames = named;
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_GIL);
	s.frames = inlined;
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_GIL);
	s.frames = app;
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_LOCK);
	s.frames = lib;
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_LOCK);
	/* Python's Thread.join waits on a semaphore the thread's end posts */
	s.frames = join;
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_JOIN);
	/* its Thread.start waits for the new thread to get the GIL; a
	 * program's own start() is not threading's */
	s.frames = start;
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_GIL);
	s.frames = own_start;
	assert_int_equal(wait_join_or(&p, &s, WAIT_LOCK), WAIT_LOCK);
	/* the interpreter's frame the Python frames replaced */
	assert_true(wait_gil_call(&frames[4], &frames[2]));
	assert_true(wait_gil_call(&frames[1], NULL));
	assert_false(wait_gil_call(&frames[4], &frames[8]));
	assert_false(wait_gil_call(&frames[4], NULL));
	assert_false(wait_gil_call(&frames[5], &frames[2]));
	assert_string_equal(wait_reason_name(WAIT_GIL), "gil");
}

/*
 * Which lock waits take a mutex, whose holder holds the waiter up
 * whatever it does: pthread_mutex_lock; a CPython lock taken by the
 * program's code.  Not a wait for an event: pthread_cond_wait, Python's
 * Condition.wait (Queue.get, Event.wait; "wait" on 3.10) but for the
 * lock it takes back, nor a standard library function's wait (a pool's
 * worker on its SimpleQueue).
 */
static void test_mutex(void **state)
{
	struct frame frames[] = {
		{ .name = "worker", .file = "/home/u/app.py", .cls = CLASS_APP },
		{ .name = "__new_sem_wait_slow64", .module = "libc.so.6",
		  .path = "/usr/lib/x86_64-linux-gnu/libc.so.6",
		  .cls = CLASS_RUNTIME },
		{ .name = "futex_wait", .module = "[kernel]",
		  .cls = CLASS_KERNEL },
		{ .name = "Condition.wait", .file = "/usr/lib/python3.11/"
		  "threading.py", .cls = CLASS_RUNTIME },
		{ .name = "wait", .file = "/usr/lib/python3.10/threading.py",
		  .cls = CLASS_RUNTIME },
		{ .name = "Condition._acquire_restore", .file = "/usr/lib/"
		  "python3.11/threading.py", .cls = CLASS_RUNTIME },
		{ .name = "_worker", .file = "/usr/lib/python3.11/concurrent/"
		  "futures/thread.py", .cls = CLASS_RUNTIME },
		{ .name = "main", .module = "app", .path = "/bin/app",
		  .cls = CLASS_APP },
		{ .name = "___pthread_mutex_lock", .module = "libc.so.6",
		  .path = "/lib/libc.so.6", .cls = CLASS_RUNTIME },
		{ .name = "pthread_cond_wait", .module = "libc.so.6",
		  .path = "/lib/libc.so.6", .cls = CLASS_RUNTIME },
		{ .name = "fetch", .file = "/home/u/lib/site-packages/x.py",
		  .cls = CLASS_LIBRARY },
	};
	uint32_t with_lock[] = { 0, 1, 2 }, cond[] = { 0, 3, 1, 2 };
	uint32_t cond310[] = { 0, 4, 1, 2 }, back[] = { 0, 3, 5, 1, 2 };
	uint32_t pool[] = { 6, 1, 2 }, c_mutex[] = { 7, 8, 2 };
	uint32_t c_cond[] = { 7, 9, 2 }, c_back[] = { 7, 9, 8, 2 };
	uint32_t lib[] = { 0, 10, 1, 2 }, bare[] = { 7, 2 };
	struct profile p = { .frames = frames, .n_frames = 11 };
	struct stack_sample s = { .reason = WAIT_LOCK };

	(void)state;
#define MUTEX(f) (s.frames = (f), s.n_frames = ARRAY_SIZE(f), \
		  wait_on_mutex(&p, &s))
#define COND(f) (s.frames = (f), s.n_frames = ARRAY_SIZE(f), \
		 wait_on_condition(&p, &s))
	assert_true(MUTEX(with_lock));
	assert_true(MUTEX(lib));
	assert_true(MUTEX(c_mutex));
	assert_true(MUTEX(back));
	assert_true(MUTEX(c_back));
	assert_false(MUTEX(cond));
	assert_false(MUTEX(cond310));
	assert_false(MUTEX(pool));
	assert_false(MUTEX(c_cond));
	assert_false(MUTEX(bare));	/* a futex of its own: unknown */
	assert_true(COND(cond));
	assert_true(COND(cond310));
	assert_false(COND(back));
	assert_false(COND(with_lock));
	/* only a lock wait takes a mutex */
	s.reason = WAIT_SLEEP;
	assert_false(MUTEX(with_lock));
#undef MUTEX
#undef COND
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join),
		cmocka_unit_test(test_go_parked),
		cmocka_unit_test(test_mutex),
		cmocka_unit_test(test_gil),
		cmocka_unit_test(test_syscall_decides),
		cmocka_unit_test(test_runnable),
		cmocka_unit_test(test_target_decides),
		cmocka_unit_test(test_stack_decides),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
