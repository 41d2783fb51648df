/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How much of a process's stack its samples carry past the 8 KiB copy
 * (oncpu.bpf.c), as user space asked (user/record/stackfar.c): by process,
 * and by executable, so that a process inherits its parent's at fork and,
 * at exec, what an earlier run of the same program needed -- a build's
 * hundred short cc1 runs get it from their first sample, not each from
 * its ninth.  Defined once, in proc.bpf.c.
 */
#ifndef WHYSLOW_STACKFAR_BPF_H
#define WHYSLOW_STACKFAR_BPF_H

#include "common.bpf.h"

/* tgid -> bytes past the copy, a multiple of WS_STACK_COPY up to
 * WS_STACK_FAR_MAX.  LRU: a process that exited makes room. */
struct stack_far_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
};
extern struct stack_far_map stack_far SEC(".maps");

/* The executable's inode -> the same, the most any of its runs asked. */
struct stack_far_exe_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u32);
};
extern struct stack_far_exe_map stack_far_exe SEC(".maps");

static __always_inline void stack_far_fork(__u32 ptgid, __u32 ctgid)
{
	__u32 *far = bpf_map_lookup_elem(&stack_far, &ptgid);

	if (far)
		bpf_map_update_elem(&stack_far, &ctgid, far, BPF_ANY);
}

static __always_inline void stack_far_exec(__u32 tgid, __u64 ino)
{
	__u32 *far = bpf_map_lookup_elem(&stack_far_exe, &ino);

	if (far)
		bpf_map_update_elem(&stack_far, &tgid, far, BPF_ANY);
	else
		bpf_map_delete_elem(&stack_far, &tgid);
}

#endif
