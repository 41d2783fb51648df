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

struct ws_sys_state {
	__u64 enter_ns;
	__u64 offcpu_ns;	/* the thread's off-CPU time so far */
	__u64 offcpu_at_enter;
	__u64 arg0;		/* the syscall's first two arguments */
	__u64 arg1;
	__s32 nr;		/* the syscall being traced; -1 none */
	__u32 pad;
};

struct sys_state_map {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct ws_sys_state);
};
extern struct sys_state_map sys_state SEC(".maps");

#endif
