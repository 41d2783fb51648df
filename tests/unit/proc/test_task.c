// SPDX-License-Identifier: GPL-2.0
/* A thread from outside (proc/task.c): its schedstat and syscall, a
 * socket's peer from the net tables, each malformed in turn. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc/procfs.h"
#include "whyslow.h"
#include "tmpdir.h"

static char dir[] = "/tmp/ws-task-XXXXXX";

/* dir/rel, its directories made: text. */
static void put(const char *rel, const char *text)
{
	char file[160], *slash;
	FILE *f;

	snprintf(file, sizeof(file), "%s/%s", dir, rel);
	for (slash = strchr(file + strlen(dir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(file, 0755);
		*slash = '/';
	}
	f = fopen(file, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void test_schedstat(void **state)
{
	uint64_t run = 0, n = 0;

	(void)state;
	put("7/task/8/schedstat", "1234567 89 42\n");
	assert_int_equal(procfs_task_schedstat(dir, 7, 8, &run, &n), 0);
	assert_int_equal(run, 1234567);
	assert_int_equal(n, 42);
	put("7/task/9/schedstat", "1234567 89\n");
	assert_int_equal(procfs_task_schedstat(dir, 7, 9, &run, &n), -EINVAL);
	assert_true(procfs_task_schedstat(dir, 7, 10, &run, &n) < 0);
	assert_int_equal(procfs_task_schedstat("/proc", getpid(), getpid(),
					       &run, &n), 0);
}

static void test_syscall(void **state)
{
	struct procfs_syscall sc;

	(void)state;
	assert_int_equal(procfs_parse_syscall("45 0x4 0x7fc063f99df0 0xa 0x0 "
					      "0x0 0x0 0x7ffd575b3158 "
					      "0x7fc064128929\n", &sc), 0);
	assert_int_equal(sc.nr, 45);
	assert_int_equal(sc.args[0], 4);
	assert_int_equal(sc.args[2], 10);
	assert_true(sc.sp == 0x7ffd575b3158 && sc.pc == 0x7fc064128929);
	assert_int_equal(procfs_parse_syscall("-1 0x7ffd575b3158 0x401000\n",
					      &sc), 0);
	assert_int_equal(sc.nr, -1);
	assert_true(sc.sp == 0x7ffd575b3158 && sc.pc == 0x401000);
	/* pointers missing, or more after them */
	assert_int_equal(procfs_parse_syscall("-1 0x7ffd575b3158\n", &sc),
			 -EINVAL);
	assert_int_equal(procfs_parse_syscall("45 0x4 0x5 0x6 0x0 0x0 0x0 0x1\n",
					      &sc), -EINVAL);
	assert_int_equal(procfs_parse_syscall("45 0x4 0x5 0x6 0x0 0x0 0x0 0x1 "
					      "0x2 0x3\n", &sc), -EINVAL);
	assert_int_equal(procfs_parse_syscall("running\n", &sc), -EAGAIN);
	assert_int_equal(procfs_parse_syscall("", &sc), -EINVAL);
	assert_int_equal(procfs_parse_syscall("45 0x4 0x5\n", &sc), -EINVAL);
	assert_int_equal(procfs_parse_syscall("45 4 0x5 0x6 0x0 0x0 0x0 0x1 "
					      "0x2", &sc), -EINVAL);
	assert_int_equal(procfs_parse_syscall("-2 0x1 0x2", &sc), -EINVAL);
	assert_int_equal(procfs_parse_syscall("99999 0x0 0x0 0x0 0x0 0x0 0x0 "
					      "0x1 0x2", &sc), -EINVAL);
	put("7/task/8/syscall", "232 0x3 0x0 0x0 0x0 0x0 0x0 0x1 0x2\n");
	assert_int_equal(procfs_task_syscall(dir, 7, 8, &sc), 0);
	assert_int_equal(sc.nr, 232);
	assert_int_equal(sc.args[0], 3);
}

#define TCP_LINE(ino, state) \
	"   3: 0100007F:A8C3 0100007F:1F90 " state " 00000000:00000000 " \
	"00:00000000 00000000     0        0 " ino " 1 0000000000000000 " \
	"20 4 30 10 -1\n"

static void test_inet_line(void **state)
{
	struct procfs_peer peer;
	uint64_t ino = 0;

	(void)state;
	assert_true(procfs_parse_inet_line(TCP_LINE("5222875", "01"), AF_INET,
					   &peer, &ino));
	assert_int_equal(ino, 5222875);
	assert_int_equal(peer.port, 8080);
	assert_memory_equal(peer.addr, "\x7f\0\0\x01", 4);
	assert_false(peer.listening);
	assert_true(procfs_parse_inet_line(TCP_LINE("9", "0A"), AF_INET,
					   &peer, &ino));
	assert_true(peer.listening);
	assert_true(procfs_parse_inet_line(
		"   0: 00000000000000000000000001000000:1F90 "
		"0000000000000000FFFF00000100007F:D431 01 00000000:00000000 "
		"00:00000000 00000000     0        0 77 1\n", AF_INET6, &peer,
		&ino));
	assert_int_equal(ino, 77);
	assert_int_equal(peer.port, 0xd431);
	assert_memory_equal(peer.addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f\0\0\x01",
			    16);
	/* the header, cut lines, bad hex, a port too long */
	assert_false(procfs_parse_inet_line("  sl  local_address rem_address "
					    "st tx_queue", AF_INET, &peer,
					    &ino));
	assert_false(procfs_parse_inet_line("   3: 0100007F:A8C3 0100", AF_INET,
					    &peer, &ino));
	assert_false(procfs_parse_inet_line("   3: 0100007G:A8C3 0100007F:1F90 "
					    "01", AF_INET, &peer, &ino));
	assert_false(procfs_parse_inet_line("   3: 0100007F:A8C3 0100007F:1F901 "
					    "01", AF_INET, &peer, &ino));
	assert_false(procfs_parse_inet_line("   3: 0100007F:A8C3 0100007F:1F90 "
					    "01 00000000:00000000 00:00000000",
					    AF_INET, &peer, &ino));
	assert_false(procfs_parse_inet_line("   3: 0100007F:A8C3", AF_INET6,
					    &peer, &ino));
	/* a port cut short: nothing read past the end (fuzz_procfs) */
	assert_false(procfs_parse_inet_line("   0: 0000000000000000FFF0F10000"
					    "00007F:Dp", AF_INET6, &peer,
					    &ino));
}

static void test_socket_peer(void **state)
{
	struct procfs_peer peer;

	(void)state;
	put("7/net/tcp", "  sl  local_address rem_address   st\n"
	    TCP_LINE("100", "01") TCP_LINE("200", "0A"));
	put("7/net/tcp6", "  sl  local_address\n");
	put("7/net/udp", "  sl  local_address\n"
	    "   1: 00000000:0035 0200000A:0035 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 300 2\n");
	put("7/net/udp6", "");
	put("7/net/unix", "Num       RefCount Protocol Flags    Type St Inode "
	    "Path\n0000000000000000: 00000002 00000000 00010000 0001 01 400 "
	    "/run/x.sock\n");
	assert_int_equal(procfs_socket_peer(dir, 7, 100, &peer), 0);
	assert_int_equal(peer.kind, PROCFS_SOCK_TCP);
	assert_int_equal(peer.family, AF_INET);
	assert_int_equal(peer.port, 8080);
	assert_int_equal(procfs_socket_peer(dir, 7, 200, &peer), 0);
	assert_true(peer.listening);
	assert_int_equal(procfs_socket_peer(dir, 7, 300, &peer), 0);
	assert_int_equal(peer.kind, PROCFS_SOCK_UDP);
	assert_memory_equal(peer.addr, "\x0a\0\0\x02", 4);
	assert_int_equal(peer.port, 53);
	assert_int_equal(procfs_socket_peer(dir, 7, 400, &peer), 0);
	assert_int_equal(peer.kind, PROCFS_SOCK_UNIX);
	assert_int_equal(procfs_socket_peer(dir, 7, 500, &peer), -ENOENT);
	assert_true(procfs_socket_peer(dir, 8, 100, &peer) < 0);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

/* A process's memory read from outside (here this one's), whole or not
 * at all; and the order a poll's descriptors are ranked in. */
static void test_task_mem(void **state)
{
	static const char text[] = "pollfd array";
	char buf[sizeof(text)];

	(void)state;
	assert_int_equal(procfs_task_mem(getpid(), (uintptr_t)text, buf,
					 sizeof(buf)), 0);
	assert_string_equal(buf, text);
	assert_true(procfs_task_mem(getpid(), 0, buf, sizeof(buf)) < 0);
	assert_true(procfs_task_mem(0x7fffffff, (uintptr_t)text, buf,
				    sizeof(buf)) < 0);
	assert_true(ws_poll_rank(WS_TGT_TCP) > ws_poll_rank(WS_TGT_UNIX));
	assert_int_equal(ws_poll_rank(WS_TGT_UDP), ws_poll_rank(WS_TGT_TCP));
	assert_true(ws_poll_rank(WS_TGT_UNIX) > ws_poll_rank(WS_TGT_PIPE));
	assert_true(ws_poll_rank(WS_TGT_PIPE) > ws_poll_rank(WS_TGT_ANON));
	assert_true(ws_poll_rank(WS_TGT_ANON) > ws_poll_rank(WS_TGT_NONE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedstat),
		cmocka_unit_test(test_syscall),
		cmocka_unit_test(test_inet_line),
		cmocka_unit_test(test_socket_peer),
		cmocka_unit_test(test_task_mem),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
