/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded reads of /proc files.  What a process shows there is partly its
 * own doing (its mappings, the paths it maps, its name), so every read
 * has a cap on the whole file and on a line, and says when it cut.
 */
#ifndef WHYSLOW_PROCFS_H
#define WHYSLOW_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Caps of the files whyslow reads */
#define PROCFS_MAPS_MAX		(64u << 20)	/* 65530 mappings of ~1 KiB */
#define PROCFS_MAPS_LINE	8192		/* PATH_MAX and the fields */
#define PROCFS_SMALL_MAX	(64u << 10)	/* status, stat, comm, ... */
#define PROCFS_SMALL_LINE	1024

/*
 * Up to size - 1 bytes of path into buf, NUL-terminated (buf[0] = '\0' on
 * error).  The length read, or -errno; *cut set when the file had more.
 */
ssize_t procfs_read(const char *path, char *buf, size_t size, bool *cut);

/* A file read line by line within caps. */
struct procfs_lines {
	FILE *f;
	char *line;		/* the current line, without its newline */
	size_t max_line;	/* bytes a line may have, newline included */
	size_t max_total;	/* bytes of the file read at most */
	size_t total;		/* bytes read so far */
	size_t long_lines;	/* lines skipped: longer than max_line */
	bool cut;		/* stopped at max_total before the end */
};

/* Bytes of /proc/PID/environ and cmdline read, at most. */
#define PROCFS_ENV_MAX		(64u << 10)

/* What a Python's environment and command line say of it. */
enum {
	/* its standard streams are unbuffered: PYTHONUNBUFFERED set to a
	 * non-empty value, or -u among the interpreter's options */
	PROCFS_PY_UNBUFFERED = 1,
	/* it runs code given with -c, whose file is "<string>" */
	PROCFS_PY_COMMAND = 2,
};

/* Those flags, from its environment and command line (NUL-separated,
 * env_len and cmd_len bytes). */
unsigned int procfs_python_opts(const char *environ, size_t env_len,
				const char *cmdline, size_t cmd_len);
/* The same for process pid, read from procfs ("/proc"): the flags, or
 * -errno (the process is gone). */
int procfs_pid_python_opts(const char *procfs, unsigned int pid);

/* Bytes of a process's command line kept, joined (procfs_cmdline_join). */
#define PROCFS_ARGS_MAX		512

/*
 * cmdline (NUL-separated words, len bytes, as /proc/PID/cmdline has them)
 * as one line in out: the words joined by a space, as a shell takes them
 * (a word that is empty or holds a space, a quote or a backslash in
 * single quotes, a single quote in it as '\''), a byte outside printable
 * ASCII as '?', cut at size - 1 bytes.  The workload writes it: nothing
 * in it is trusted.
 */
void procfs_cmdline_join(const char *cmdline, size_t len, char *out,
			 size_t size);
/* The same for whyslow's own command line (the words of its argv, each
 * with its NUL): bytes from 0x80 kept, as UTF-8 is. */
void procfs_argv_join(const char *words, size_t len, char *out, size_t size);
/* The same for process pid, read from procfs ("/proc"): 0, or -errno
 * (the process is gone); "" for a kernel thread or a zombie. */
int procfs_pid_cmdline(const char *procfs, unsigned int pid, char *out,
		       size_t size);

/*
 * The machine's steal time so far, in ns: how long the hypervisor ran
 * something else while this guest's CPUs had work (all CPUs, the "cpu"
 * line of /proc/stat, whose text is stat; clk_tck its unit per second).
 * 0, or -EINVAL when the line is not there or malformed.
 */
int procfs_stat_steal_ns(const char *stat, long clk_tck, uint64_t *ns);
/* The same, read from procfs ("/proc"): 0 or -errno. */
int procfs_steal_ns(const char *procfs, uint64_t *ns);

/*
 * A thread's scheduling so far, /proc/PID/task/TID/schedstat: its time
 * on a CPU (ns) and how many times it was switched in.  Unchanged over a
 * span: it never ran in it.  0 or -errno (-EINVAL malformed).
 */
int procfs_task_schedstat(const char *procfs, unsigned int pid,
			  unsigned int tid, uint64_t *run_ns,
			  uint64_t *switches);

/* Where a thread is, /proc/PID/task/TID/syscall: "nr a0 ... a5 sp pc". */
struct procfs_syscall {
	long nr;		/* -1: blocked, not in a syscall */
	uint64_t args[6];	/* nr >= 0 only */
	uint64_t sp, pc;	/* its user stack and instruction pointers */
};

/* Parses text; -EAGAIN when it is running, -EINVAL malformed. */
int procfs_parse_syscall(const char *text, struct procfs_syscall *out);
int procfs_task_syscall(const char *procfs, unsigned int pid,
			unsigned int tid, struct procfs_syscall *out);

/* len bytes of process pid's memory at addr into buf (process_vm_readv,
 * as root: what a -p thread's blocked syscall points to): 0, or -errno
 * (-EFAULT when only part of it could be read). */
int procfs_task_mem(unsigned int pid, uint64_t addr, void *buf, size_t len);

/* A socket's peer by its inode, from the process's /proc/PID/net
 * tables (tcp, tcp6, udp, udp6, then unix). */
enum procfs_sock_kind { PROCFS_SOCK_TCP = 1, PROCFS_SOCK_UDP, PROCFS_SOCK_UNIX };

struct procfs_peer {
	enum procfs_sock_kind kind;
	int family;		/* AF_INET, AF_INET6; TCP and UDP */
	uint8_t addr[16];	/* the peer's, network order */
	uint16_t port;		/* the peer's, host order */
	bool listening;		/* a TCP socket in LISTEN */
};

/*
 * One line of a /proc/net/{tcp,tcp6,udp,udp6} table: true, with the
 * socket's inode, when it is well formed.
 */
bool procfs_parse_inet_line(const char *line, int family,
			    struct procfs_peer *out, uint64_t *ino);
/* 0, or -ENOENT when no table has ino, -errno. */
int procfs_socket_peer(const char *procfs, unsigned int pid, uint64_t ino,
		       struct procfs_peer *out);

/* Process pid's parent (/proc/PID/stat); 0 when it is gone or has none. */
uint32_t procfs_pid_ppid(const char *procfs, uint32_t pid);

/* Processes read from procfs at most, for procfs_descendants(). */
#define PROCFS_MAX_PIDS		(1u << 22)

/*
 * The processes under roots as procfs shows them now (their children,
 * the children's, ...), breadth first, at most max, the roots left out:
 * a malloc'd array in *out of *n_out.  0 or -errno.
 */
int procfs_descendants(const char *procfs, const uint32_t *roots,
		       size_t n_roots, size_t max, uint32_t **out,
		       size_t *n_out);

int procfs_lines_open(struct procfs_lines *l, const char *path,
		      size_t max_total, size_t max_line);
/* The next whole line in l->line: true, or false at the end or a cap. */
bool procfs_lines_next(struct procfs_lines *l);
/* True when anything was left out (a long line, the cap on the file). */
bool procfs_lines_close(struct procfs_lines *l);

#endif
