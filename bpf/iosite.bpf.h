/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where files are opened, connections made and processes forked: see
 * iosite.bpf.c.  io_site() is a global BPF function, verified once per
 * program that calls it (io_exit, io_fork) whatever their state;
 * io_site_py() the same with Python stacks (io_exit_py, io_fork_py).
 */
#ifndef WHYSLOW_IOSITE_BPF_H
#define WHYSLOW_IOSITE_BPF_H

#include "common.bpf.h"

/* What happened: on the caller's stack, every byte set. */
struct io_site_args {
	__u32 op;		/* enum ws_io_op */
	__s32 ret;
	__u32 child;		/* WS_IO_FORK */
	__u32 pad;
	__u64 start;		/* the syscall's enter, ktime */
	__u64 now;
	__u64 off;		/* of which off the CPU */
	__u64 name;		/* t NULL: a failed open()'s path (user
				 * address), 0 none */
	__u64 path_id;		/* see struct ws_io_what */
};

/* Sends the site of the current thread: its stacks the first times, its
 * number once user space knows it.  t: what the descriptor is, NULL
 * none.  Returns 0.  io_site_py(): with its Python stack. */
int io_site(struct io_site_args *a, struct ws_target *t);
int io_site_py(struct io_site_args *a, struct ws_target *t);

#endif
