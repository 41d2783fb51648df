// SPDX-License-Identifier: GPL-2.0
/* A recorded wait's reason and description; see wait_event.h and the
 * README's rules. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "classify/wait_event.h"
#include "lib/util.h"
#include "syscalls.h"

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
	{ "submit_bio_wait", WAIT_DISK },	/* a discard at unlink */
	{ "wait_for_completion_io", WAIT_DISK },
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
		for (j = 0; j < ARRAY_SIZE(kernel_waits); j++)
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
	enum wait_reason s = wait_syscall_reason(syscall), r;

	if (runnable)
		return WAIT_CPU;
	/* poll() on one descriptor waits on that descriptor */
	if (target && target->kind != WS_TGT_NONE &&
	    (r = reason_of_target(target)) != WAIT_NONE &&
	    (s == WAIT_NONE || s == WAIT_POLL || s == WAIT_NETWORK))
		return r;
	if (s != WAIT_NONE)
		return s;
	r = reason_of_stack(kframes, n_kframes);
	return r != WAIT_NONE ? r : WAIT_OTHER;
}

static const char *verb_of(int syscall)
{
	switch (syscall) {
	case WS_NR_read: case WS_NR_pread64: case WS_NR_readv:
	case WS_NR_preadv:
		return "read";
	case WS_NR_write: case WS_NR_pwrite64: case WS_NR_writev:
	case WS_NR_pwritev:
		return "write";
	case WS_NR_sendto: case WS_NR_sendmsg: case WS_NR_sendmmsg:
		return "send";
	case WS_NR_recvfrom: case WS_NR_recvmsg: case WS_NR_recvmmsg:
		return "recv";
	case WS_NR_poll: case WS_NR_ppoll:
		return "poll";
	default:
		return wait_syscall_name(syscall);
	}
}

void wait_event_format_peer(const struct ws_target *t, bool with_port,
			    char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	bool v6 = t->family == AF_INET6;

	inet_ntop(v6 ? AF_INET6 : AF_INET, t->addr, addr, sizeof(addr));
	if (!with_port)
		snprintf(buf, size, "%s", addr);
	else
		snprintf(buf, size, v6 ? "[%s]:%u" : "%s:%u", addr, t->port);
}

/* A socket with no peer: TCP's listening, UDP's unconnected. */
static bool no_peer(const struct ws_target *t)
{
	static const __u8 zero[sizeof(t->addr)];

	return !t->port && !memcmp(t->addr, zero, sizeof(zero));
}

void wait_event_describe(int syscall, const struct ws_target *t, char *buf,
			 size_t size)
{
	const char *verb = verb_of(syscall);
	char peer[64], path[WS_PATH_LEN + 1];
	bool incoming = syscall == WS_NR_read || syscall == WS_NR_recvfrom ||
			syscall == WS_NR_recvmsg || syscall == WS_NR_recvmmsg ||
			syscall == WS_NR_pread64 || syscall == WS_NR_readv;

	buf[0] = '\0';
	if (!t || t->kind == WS_TGT_NONE || !verb)
		return;
	memcpy(path, t->path, WS_PATH_LEN);
	path[WS_PATH_LEN] = '\0';
	switch (t->kind) {
	case WS_TGT_TCP:
	case WS_TGT_UDP:
		wait_event_format_peer(t, true, peer, sizeof(peer));
		if (syscall == WS_NR_accept || syscall == WS_NR_accept4)
			snprintf(buf, size, WAIT_ACCEPT_PREFIX "%s)",
				 t->kind == WS_TGT_TCP ? "TCP" : "UDP");
		else if (no_peer(t))	/* not "to 0.0.0.0:0" */
			snprintf(buf, size, "%s %s", verb,
				 t->kind == WS_TGT_TCP ?
				 WAIT_LISTENING " TCP socket" :
				 "on an unconnected UDP socket");
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

size_t wait_event_kernel_names(const struct profile *p,
			       const struct stack_sample *st,
			       const char **names)
{
	size_t n = 0;
	uint32_t j;

	for (j = st->n_frames; j-- > 0 && n < WS_MAX_STACK;) {
		const struct frame *f = &p->frames[st->frames[j]];

		if (f->cls != CLASS_KERNEL)
			break;
		names[n++] = f->name;
	}
	return n;
}
