/* SPDX-License-Identifier: GPL-2.0 */
/* State shared by every BPF program of whyslow: defined in proc.bpf.c,
 * declared here so the linked object holds one copy of each. */
#ifndef WHYSLOW_COMMON_BPF_H
#define WHYSLOW_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <asm-generic/errno.h>	/* what BPF helpers return, negated */
#include "whyslow.h"

/*
 * A tp_btf program whose attach point (the kernel's BTF id of
 * btf_trace_<tp>) user space gives libbpf: for "tp_btf/<tp>" libbpf 1.1
 * reads and parses the kernel's whole BTF at every load (~10 ms, 11 MB),
 * user/record/corebtf.c has the ids cached.
 */
#define SEC_TP_BTF(tp)	SEC("ws_tp_btf/" tp)

extern const volatile bool trace_all;	/* -a: every process but ours */
extern const volatile __u32 self_tgid;
extern const volatile __u64 wakeup_bytes;	/* wake the reader past this */

struct traced_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* written only at fork */
	__uint(max_entries, WS_MAX_TRACED);
	__type(key, __u32);
	__type(value, __u8);
};
extern struct traced_map traced SEC(".maps");

struct counters_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WS_CNT__MAX);
	__type(key, __u32);
	__type(value, __u64);
};
extern struct counters_map counters SEC(".maps");

struct events_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);	/* resized by the loader */
};
extern struct events_map events SEC(".maps");

static __always_inline void count_add(__u32 which, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &which);

	if (v)
		*v += n;
}

static __always_inline void count_event(__u32 which)
{
	count_add(which, 1);
}

/* Waking the reader on every sample costs an IPI each; it polls every
 * 100 ms anyway, so wake it only when the ring is filling up. */
static __always_inline __u64 submit_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

/* A task as a number, for a global function: the verifier passes it no
 * pointer to a task (bpf/README.md), so the address is copied out with a
 * probe read. */
static __always_inline __u64 task_addr(struct task_struct *task)
{
	__u64 addr = 0;

	bpf_probe_read_kernel(&addr, sizeof(addr), &task);
	return addr;
}

static __always_inline bool is_traced(__u32 tgid)
{
	if (tgid == 0 || tgid == self_tgid)
		return false;
	return trace_all || bpf_map_lookup_elem(&traced, &tgid);
}

/*
 * The task's user registers and the top of its user stack into
 * (ip, sp, bp, len, stack[size]), for a wait (struct ws_wait_top): size
 * bytes from sp, else (the stack's mapping ends sooner: a main thread's a
 * few KiB above main) all there is up to the page boundary where it ends,
 * the farthest boundary first; else nothing.  For unwinding in user space
 * what frame pointers miss: halving the size instead lost the outer
 * frames of one sample in five of a program whose stack was 4-8 KiB deep.
 */
#define COPY_USER_TOP(task, top, size)					\
	do {								\
		struct pt_regs *top_regs_ =				\
			(struct pt_regs *)bpf_task_pt_regs(task);	\
		__u64 top_sp_ = BPF_CORE_READ(top_regs_, sp);		\
		__u64 top_end_ = (top_sp_ + (size)) & ~(WS_USER_PAGE - 1);\
		__u64 top_len_;						\
		int top_i_;						\
									\
		(top)->ip = BPF_CORE_READ(top_regs_, ip);		\
		(top)->sp = top_sp_;					\
		(top)->bp = BPF_CORE_READ(top_regs_, bp);		\
		(top)->pad = 0;						\
		(top)->len = 0;						\
		if (!bpf_probe_read_user((top)->stack, (size),		\
					 (void *)top_sp_)) {		\
			(top)->len = (size);				\
			break;						\
		}							\
		for (top_i_ = 0; top_i_ <= (size) / WS_USER_PAGE; top_i_++) {\
			top_len_ = top_end_ - top_i_ * WS_USER_PAGE - top_sp_;\
			barrier_var(top_len_);				\
			if ((__s64)top_len_ <= 0)			\
				break;					\
			if (top_len_ >= (size))				\
				continue;				\
			if (!bpf_probe_read_user((top)->stack, top_len_,\
						 (void *)top_sp_)) {	\
				(top)->len = top_len_;			\
				break;					\
			}						\
		}							\
	} while (0)

struct copy_pages {
	__u8 b[WS_STACK_COPY + WS_USER_PAGE];
};
struct copy_pages_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WS_COPY__SLOTS);
	__type(key, __u32);
	__type(value, struct copy_pages);
};
extern struct copy_pages_map copy_pages SEC(".maps");

/*
 * WS_STACK_COPY bytes of user stack from `from` into dst.  Where the one
 * read fails, a page at a time, in slot of copy_pages: a page not there
 * (a large local buffer's, never touched; or past the stack's mapping)
 * reads as zeros and sets its bit in *holes (bit i: the i-th page from
 * from's), for the frames above it are still read.  Returns the bytes
 * copied: WS_STACK_COPY, or 0 when no page was there.
 */
static __always_inline __u32 copy_user_pages(void *dst, __u64 from,
					     __u32 slot, __u32 *holes)
{
	__u64 skip = from & (WS_USER_PAGE - 1), base = from - skip;
	struct copy_pages *pages;
	__u32 i, all = 0;

	*holes = 0;
	if (!bpf_probe_read_user(dst, WS_STACK_COPY, (void *)from))
		return WS_STACK_COPY;
	pages = bpf_map_lookup_elem(&copy_pages, &slot);
	if (!pages)
		return 0;
	for (i = 0; i <= WS_STACK_COPY / WS_USER_PAGE; i++) {
		all |= 1 << i;
		/* on failure the helper zeroes the page */
		if (bpf_probe_read_user(pages->b + i * WS_USER_PAGE,
					WS_USER_PAGE,
					(void *)(base + i * WS_USER_PAGE)))
			*holes |= 1 << i;
	}
	if (*holes == all)
		return 0;
	if (!skip)	/* the copy ends where the last page starts */
		*holes &= ~(1 << (WS_STACK_COPY / WS_USER_PAGE));
	bpf_probe_read_kernel(dst, WS_STACK_COPY, pages->b + skip);
	return WS_STACK_COPY;
}

/* The task's user registers and the top of its user stack, for a sample
 * or an I/O site: no stack past the copy (oncpu.bpf.c adds it to a
 * sample where asked). */
static __always_inline void copy_user_top(struct task_struct *task,
					  struct ws_user_top *top, __u32 slot)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);

	top->ip = BPF_CORE_READ(regs, ip);
	top->sp = BPF_CORE_READ(regs, sp);
	top->bp = BPF_CORE_READ(regs, bp);
	top->len = copy_user_pages(top->stack, top->sp, slot, &top->holes);
	top->far = 0;
	top->far_read = 0;
}

#endif
