/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread state of the syscall a traced thread is in, for I/O tracing:
 * io.bpf.c sets it at sys_enter and reads it at sys_exit; offcpu.bpf.c adds
 * every off-CPU interval of the thread, so that the exit can tell how much
 * of the syscall's time was spent off the CPU.
 *
 * Task-local storage: found from the task in a few loads, no hashing, and
 * freed with the task.  Created only for traced threads that make an I/O
 * syscall.  Defined once, in proc.bpf.c: both objects share the one map.
 */
#ifndef WHYSLOW_SYSSTATE_BPF_H
#define WHYSLOW_SYSSTATE_BPF_H

#include "common.bpf.h"

/*
 * Reads (quick[0]) or writes (quick[1]) on the descriptor the thread used
 * last for them: io.bpf.c times one call in WS_IO_TIME_EVERY there, and
 * adds the others up here until the next timed one, which puts them in
 * the descriptor's io_fds entry (if it is still the one born at born_ns).
 */
struct ws_quick_fd {
	__s32 fd1;		/* the descriptor + 1; 0 none */
	__u32 calls;		/* not timed since the last timed one */
	__u64 born_ns;		/* its io_fds entry's */
	__u64 on_ns;		/* on-CPU time of the last timed call */
	__u64 n;		/* not yet in the entry: calls, */
	__u64 bytes;		/* their bytes, */
	__u64 ns;		/* their time (off-CPU measured, on-CPU as
				 * on_ns), */
	__u64 off;		/* and its off-CPU part */
};

struct ws_sys_state {
	__u64 enter_ns;		/* 0: a read or write not timed */
	__u64 offcpu_ns;	/* the thread's off-CPU time so far */
	__u64 offcpu_at_enter;
	__u64 arg0;		/* the syscall's first two arguments */
	__u64 arg1;
	__s32 nr;		/* the syscall being traced; -1 none */
	__u32 pad;
	struct ws_quick_fd quick[2];
};

struct sys_state_map {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ws_sys_state);
};
extern struct sys_state_map sys_state SEC(".maps");

#endif
