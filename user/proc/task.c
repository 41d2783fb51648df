// SPDX-License-Identifier: GPL-2.0
/*
 * A thread as /proc shows it from outside: how often it ran, the syscall
 * it is in, and the peer of a socket it holds.  What whyslow needs of a
 * thread blocked since before the recording, which no event describes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "lib/util.h"
#include "proc/procfs.h"

#define HEX_DIGITS	"0123456789ABCDEFabcdef"

int procfs_task_mem(unsigned int pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr,
				.iov_len = len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

/* /proc/PID/task/TID/name into buf, whole: its length or -errno. */
static ssize_t read_task_file(const char *procfs, unsigned int pid,
			      unsigned int tid, const char *name, char *buf,
			      size_t size)
{
	char path[96];
	ssize_t len;
	bool cut;

	snprintf(path, sizeof(path), "%s/%u/task/%u/%s", procfs, pid, tid,
		 name);
	len = procfs_read(path, buf, size, &cut);
	return len >= 0 && cut ? -EINVAL : len;
}

int procfs_task_schedstat(const char *procfs, unsigned int pid,
			  unsigned int tid, uint64_t *run_ns,
			  uint64_t *switches)
{
	unsigned long long run, delay, n;
	char buf[128];
	ssize_t len;

	len = read_task_file(procfs, pid, tid, "schedstat", buf, sizeof(buf));
	if (len < 0)
		return (int)len;
	if (sscanf(buf, "%llu %llu %llu", &run, &delay, &n) != 3)
		return -EINVAL;
	*run_ns = run;
	*switches = n;
	return 0;
}

int procfs_parse_syscall(const char *text, struct procfs_syscall *out)
{
	unsigned long long word;
	const char *s = text;
	char *end;
	int i;

	if (!strncmp(s, "running", 7))
		return -EAGAIN;
	errno = 0;
	out->nr = strtol(s, &end, 10);
	if (errno || end == s || *end != ' ' || out->nr < -1 ||
	    out->nr > 1024)
		return -EINVAL;
	memset(out->args, 0, sizeof(out->args));
	/* the arguments in a syscall, then the stack and instruction
	 * pointers */
	for (i = out->nr < 0 ? 6 : 0; i < 8; i++) {
		s = end + 1;
		if (strncmp(s, "0x", 2))
			return -EINVAL;
		word = strtoull(s + 2, &end, 16);
		if (errno || end == s + 2 || (*end != ' ' && i < 7) ||
		    (i == 7 && *end && *end != '\n'))
			return -EINVAL;
		if (i < 6)
			out->args[i] = word;
		else if (i == 6)
			out->sp = word;
		else
			out->pc = word;
	}
	return 0;
}

int procfs_task_syscall(const char *procfs, unsigned int pid,
			unsigned int tid, struct procfs_syscall *out)
{
	char buf[256];
	ssize_t len;

	len = read_task_file(procfs, pid, tid, "syscall", buf, sizeof(buf));
	return len < 0 ? (int)len : procfs_parse_syscall(buf, out);
}

/* "0100007F" (a __be32 printed as a host u32, x86: little-endian) or
 * IPv6's four of them into addr; the end of what was parsed, or NULL. */
static const char *parse_addr(const char *s, int words, uint8_t *addr)
{
	char word[9];
	unsigned long v;
	char *end;
	int i, j;

	for (i = 0; i < words; i++) {
		/* stops at the string's end: never reads past it */
		if (strspn(s, HEX_DIGITS) < 8)
			return NULL;
		memcpy(word, s, 8);
		word[8] = '\0';
		v = strtoul(word, &end, 16);
		for (j = 0; j < 4; j++)
			addr[4 * i + j] = (v >> (8 * j)) & 0xff;
		s += 8;
	}
	return s;
}

#define TCP_LISTEN	10

bool procfs_parse_inet_line(const char *line, int family,
			    struct procfs_peer *out, uint64_t *ino)
{
	int words = family == AF_INET6 ? 4 : 1, i;
	uint8_t local[16];
	unsigned long long v;
	const char *s;
	char *end;

	memset(out, 0, sizeof(*out));
	out->family = family;
	s = strchr(line, ':');			/* "  12: " */
	if (!s || s[1] != ' ')
		return false;
	s += 2;
	if (!(s = parse_addr(s, words, local)) || *s != ':' ||
	    strspn(s + 1, HEX_DIGITS) != 4 || s[5] != ' ')
		return false;
	s += 6;					/* ":PORT " */
	if (!(s = parse_addr(s, words, out->addr)) || *s != ':')
		return false;
	errno = 0;
	v = strtoull(s + 1, &end, 16);
	if (errno || end != s + 5 || v > UINT16_MAX)
		return false;
	out->port = v;
	v = strtoull(end, &end, 16);		/* state */
	out->listening = v == TCP_LISTEN;
	/* tx:rx tr:when retrnsmt uid timeout, then the inode */
	for (i = 0; i < 5; i++) {
		while (*end == ' ')
			end++;
		end += strcspn(end, " ");
		if (!*end)
			return false;
	}
	errno = 0;
	*ino = strtoull(end, &end, 10);
	return !errno && (*end == ' ' || !*end);
}

/* A line of a net table naming the socket sought, and what it says. */
struct net_match {
	int family;		/* AF_INET, AF_INET6; AF_UNIX */
	uint64_t ino;
	struct procfs_peer *out;
};

/* "Num RefCount Protocol Flags Type St Inode Path": the 7th field */
static bool net_line_matches(const char *line, const struct net_match *m)
{
	unsigned long long unix_ino;
	uint64_t ino;

	if (m->family == AF_UNIX)
		return sscanf(line, "%*s %*s %*s %*s %*s %*s %llu",
			      &unix_ino) == 1 && unix_ino == m->ino;
	return procfs_parse_inet_line(line, m->family, m->out, &ino) &&
	       ino == m->ino;
}

/* 0 when /proc/PID/net/table has the socket, -ENOENT, or -errno. */
static int find_in_table(const char *procfs, unsigned int pid,
			 const char *table, const struct net_match *m)
{
	struct procfs_lines l;
	char path[96];
	int ret = -ENOENT;

	snprintf(path, sizeof(path), "%s/%u/net/%s", procfs, pid, table);
	if (procfs_lines_open(&l, path, PROCFS_MAPS_MAX, PROCFS_SMALL_LINE))
		return -errno;
	while (ret && procfs_lines_next(&l))
		if (net_line_matches(l.line, m))
			ret = 0;
	procfs_lines_close(&l);
	return ret;
}

int procfs_socket_peer(const char *procfs, unsigned int pid, uint64_t ino,
		       struct procfs_peer *out)
{
	static const struct {
		const char *table;
		int family;
		enum procfs_sock_kind kind;
	} tables[] = {
		{ "tcp", AF_INET, PROCFS_SOCK_TCP },
		{ "tcp6", AF_INET6, PROCFS_SOCK_TCP },
		{ "udp", AF_INET, PROCFS_SOCK_UDP },
		{ "udp6", AF_INET6, PROCFS_SOCK_UDP },
		{ "unix", AF_UNIX, PROCFS_SOCK_UNIX },
	};
	struct net_match m = { .ino = ino, .out = out };
	size_t i;
	int err = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(tables) && err; i++) {
		m.family = tables[i].family;
		err = find_in_table(procfs, pid, tables[i].table, &m);
		if (!err && m.family == AF_UNIX)
			memset(out, 0, sizeof(*out));
		if (!err)
			out->kind = tables[i].kind;
	}
	return err;
}
