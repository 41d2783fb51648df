// SPDX-License-Identifier: GPL-2.0
/* Wait classification; see wait.h and the README's rules. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "classify/wait.h"

struct syscall_info {
	int nr;
	const char *name;
	enum wait_reason reason;	/* WAIT_NONE: decided by fd or stack */
};

/* x86-64 numbers of the syscalls a thread commonly blocks in. */
static const struct syscall_info syscalls[] = {
	{ 0, "read", WAIT_NONE },
	{ 1, "write", WAIT_NONE },
	{ 2, "open", WAIT_NONE },
	{ 4, "stat", WAIT_NONE },
	{ 5, "fstat", WAIT_NONE },
	{ 6, "lstat", WAIT_NONE },
	{ 7, "poll", WAIT_POLL },
	{ 9, "mmap", WAIT_NONE },
	{ 16, "ioctl", WAIT_NONE },
	{ 17, "pread64", WAIT_NONE },
	{ 18, "pwrite64", WAIT_NONE },
	{ 19, "readv", WAIT_NONE },
	{ 20, "writev", WAIT_NONE },
	{ 23, "select", WAIT_POLL },
	{ 24, "sched_yield", WAIT_CPU },
	{ 26, "msync", WAIT_DISK },
	{ 34, "pause", WAIT_SLEEP },
	{ 35, "nanosleep", WAIT_SLEEP },
	{ 40, "sendfile", WAIT_NONE },
	{ 42, "connect", WAIT_NETWORK },
	{ 43, "accept", WAIT_NETWORK },
	{ 44, "sendto", WAIT_NONE },
	{ 45, "recvfrom", WAIT_NONE },
	{ 46, "sendmsg", WAIT_NONE },
	{ 47, "recvmsg", WAIT_NONE },
	{ 56, "clone", WAIT_NONE },
	{ 57, "fork", WAIT_NONE },
	{ 58, "vfork", WAIT_CHILD },
	{ 59, "execve", WAIT_NONE },
	{ 61, "wait4", WAIT_CHILD },
	{ 73, "flock", WAIT_LOCK },
	{ 74, "fsync", WAIT_DISK },
	{ 75, "fdatasync", WAIT_DISK },
	{ 76, "truncate", WAIT_NONE },
	{ 77, "ftruncate", WAIT_NONE },
	{ 82, "rename", WAIT_NONE },
	{ 87, "unlink", WAIT_NONE },
	{ 128, "rt_sigtimedwait", WAIT_SLEEP },
	{ 130, "rt_sigsuspend", WAIT_SLEEP },
	{ 162, "sync", WAIT_DISK },
	{ 202, "futex", WAIT_LOCK },
	{ 208, "io_getevents", WAIT_DISK },
	{ 217, "getdents64", WAIT_NONE },
	{ 230, "clock_nanosleep", WAIT_SLEEP },
	{ 232, "epoll_wait", WAIT_POLL },
	{ 247, "waitid", WAIT_CHILD },
	{ 257, "openat", WAIT_NONE },
	{ 262, "newfstatat", WAIT_NONE },
	{ 270, "pselect6", WAIT_POLL },
	{ 271, "ppoll", WAIT_POLL },
	{ 275, "splice", WAIT_NONE },
	{ 277, "sync_file_range", WAIT_DISK },
	{ 281, "epoll_pwait", WAIT_POLL },
	{ 288, "accept4", WAIT_NETWORK },
	{ 295, "preadv", WAIT_NONE },
	{ 296, "pwritev", WAIT_NONE },
	{ 299, "recvmmsg", WAIT_NONE },
	{ 306, "syncfs", WAIT_DISK },
	{ 307, "sendmmsg", WAIT_NONE },
	{ 326, "copy_file_range", WAIT_NONE },
	{ 332, "statx", WAIT_NONE },
	{ 426, "io_uring_enter", WAIT_NONE },
	{ 435, "clone3", WAIT_NONE },
	{ 441, "epoll_pwait2", WAIT_POLL },
	{ 449, "futex_waitv", WAIT_LOCK },
};

static const struct syscall_info *find_syscall(int nr)
{
	size_t i;

	for (i = 0; i < sizeof(syscalls) / sizeof(syscalls[0]); i++)
		if (syscalls[i].nr == nr)
			return &syscalls[i];
	return NULL;
}

const char *syscall_name(int nr)
{
	const struct syscall_info *s = find_syscall(nr);

	return s ? s->name : NULL;
}

const char *wait_reason_name(enum wait_reason r)
{
	static const char *const names[WAIT__COUNT] = {
		[WAIT_NONE] = "on_cpu", [WAIT_NETWORK] = "network",
		[WAIT_DISK] = "disk", [WAIT_LOCK] = "lock",
		[WAIT_SLEEP] = "sleep", [WAIT_PIPE] = "pipe",
		[WAIT_POLL] = "poll", [WAIT_CHILD] = "child",
		[WAIT_PAGE_FAULT] = "page_fault", [WAIT_CPU] = "cpu_wait",
		[WAIT_OTHER] = "other",
	};

	return r < WAIT__COUNT ? names[r] : "other";
}

static enum wait_reason reason_of_target(const struct ws_target *t)
{
	switch (t->kind) {
	case WS_TGT_TCP:
	case WS_TGT_UDP:
	case WS_TGT_SOCKET:
		return WAIT_NETWORK;
	case WS_TGT_UNIX:
	case WS_TGT_PIPE:
		return WAIT_PIPE;
	case WS_TGT_FILE:
		return WAIT_DISK;
	default:
		return WAIT_NONE;
	}
}

/* Kernel functions that say what a blocked stack waits for, matched as
 * prefixes, most specific first. */
static const struct {
	const char *prefix;
	enum wait_reason reason;
} kernel_waits[] = {
	{ "exc_page_fault", WAIT_PAGE_FAULT },
	{ "do_user_addr_fault", WAIT_PAGE_FAULT },
	{ "handle_mm_fault", WAIT_PAGE_FAULT },
	{ "futex_", WAIT_LOCK },
	{ "__futex", WAIT_LOCK },
	{ "rwsem_down", WAIT_LOCK },
	{ "__mutex_lock", WAIT_LOCK },
	{ "pipe_read", WAIT_PIPE },
	{ "pipe_write", WAIT_PIPE },
	{ "wait_for_partner", WAIT_PIPE },
	{ "unix_", WAIT_PIPE },
	{ "tcp_", WAIT_NETWORK },
	{ "udp_", WAIT_NETWORK },
	{ "inet_", WAIT_NETWORK },
	{ "sk_wait_data", WAIT_NETWORK },
	{ "sk_stream_wait", WAIT_NETWORK },
	{ "io_schedule", WAIT_DISK },
	{ "folio_wait", WAIT_DISK },
	{ "wait_on_page", WAIT_DISK },
	{ "blk_", WAIT_DISK },
	{ "jbd2_", WAIT_DISK },
	{ "ext4_sync", WAIT_DISK },
	{ "file_write_and_wait", WAIT_DISK },
	{ "do_nanosleep", WAIT_SLEEP },
	{ "hrtimer_nanosleep", WAIT_SLEEP },
	{ "do_wait", WAIT_CHILD },
	{ "kernel_wait4", WAIT_CHILD },
	{ "ep_poll", WAIT_POLL },
	{ "do_sys_poll", WAIT_POLL },
	{ "do_select", WAIT_POLL },
};

static enum wait_reason reason_of_stack(const char *const *kframes, size_t n)
{
	size_t i, j;

	/* leaf first: the innermost known function decides */
	for (i = 0; i < n; i++) {
		if (!kframes[i])
			continue;
		for (j = 0; j < sizeof(kernel_waits) / sizeof(kernel_waits[0]); j++)
			if (!strncmp(kframes[i], kernel_waits[j].prefix,
				     strlen(kernel_waits[j].prefix)))
				return kernel_waits[j].reason;
	}
	return WAIT_NONE;
}

enum wait_reason classify_wait(int syscall, const struct ws_target *target,
			       bool runnable, const char *const *kframes,
			       size_t n_kframes)
{
	const struct syscall_info *s = find_syscall(syscall);
	enum wait_reason r;

	if (runnable)
		return WAIT_CPU;
	/* poll() on one descriptor waits on that descriptor */
	if (target && target->kind != WS_TGT_NONE &&
	    (r = reason_of_target(target)) != WAIT_NONE &&
	    (!s || s->reason == WAIT_NONE || s->reason == WAIT_POLL ||
	     s->reason == WAIT_NETWORK))
		return r;
	if (s && s->reason != WAIT_NONE)
		return s->reason;
	r = reason_of_stack(kframes, n_kframes);
	return r != WAIT_NONE ? r : WAIT_OTHER;
}

static const char *verb_of(int syscall)
{
	switch (syscall) {
	case 0: case 17: case 19: case 295:
		return "read";
	case 1: case 18: case 20: case 296:
		return "write";
	case 44: case 46: case 307:
		return "send";
	case 45: case 47: case 299:
		return "recv";
	case 7: case 271:
		return "poll";
	default:
		return syscall_name(syscall);
	}
}

void format_peer(const struct ws_target *t, bool with_port, char *buf,
		 size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	bool v6 = t->family == AF_INET6;

	inet_ntop(v6 ? AF_INET6 : AF_INET, t->addr, addr, sizeof(addr));
	if (!with_port)
		snprintf(buf, size, "%s", addr);
	else
		snprintf(buf, size, v6 ? "[%s]:%u" : "%s:%u", addr, t->port);
}

void describe_wait(int syscall, const struct ws_target *t, char *buf,
		   size_t size)
{
	const char *verb = verb_of(syscall);
	char peer[64], path[WS_PATH_LEN + 1];
	bool incoming = syscall == 0 || syscall == 45 || syscall == 47 ||
			syscall == 299 || syscall == 17 || syscall == 19;

	buf[0] = '\0';
	if (!t || t->kind == WS_TGT_NONE || !verb)
		return;
	memcpy(path, t->path, WS_PATH_LEN);
	path[WS_PATH_LEN] = '\0';
	switch (t->kind) {
	case WS_TGT_TCP:
	case WS_TGT_UDP:
		format_peer(t, true, peer, sizeof(peer));
		if (syscall == 43 || syscall == 288)
			snprintf(buf, size, "accept (%s)", t->kind == WS_TGT_TCP ?
				 "TCP" : "UDP");
		else
			snprintf(buf, size, "%s %s %s%s", verb,
				 incoming ? "from" : "to", peer,
				 t->kind == WS_TGT_UDP ? " (UDP)" : "");
		break;
	case WS_TGT_UNIX:
		snprintf(buf, size, "%s unix socket%s%s", verb, path[0] ? " " : "",
			 path);
		break;
	case WS_TGT_PIPE:
		snprintf(buf, size, "%s pipe", verb);
		break;
	case WS_TGT_SOCKET:
		snprintf(buf, size, "%s socket (family %u)", verb, t->family);
		break;
	default:
		snprintf(buf, size, "%s %s", verb, path[0] ? path : "?");
		break;
	}
}
