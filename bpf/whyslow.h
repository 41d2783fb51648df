/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared by the BPF programs and the user-space loader. */
#ifndef WHYSLOW_H
#define WHYSLOW_H

#define WS_MAX_STACK	127	/* kernel's default perf_event_max_stack */
#define WS_COMM_LEN	16

enum ws_event_type {
	WS_EV_SAMPLE = 1,
};

/* One on-CPU sample.  Stack lengths are in bytes (as bpf_get_stack
 * returns them) or a negative errno when the stack could not be read. */
struct ws_sample {
	__u32 type;
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 cpu;
	__u64 time_ns;		/* CLOCK_MONOTONIC */
	__s32 kstack_len;
	__s32 ustack_len;
	char comm[WS_COMM_LEN];
	__u64 kstack[WS_MAX_STACK];
	__u64 ustack[WS_MAX_STACK];
};

/* Per-CPU counters of everything the BPF side had to drop. */
enum ws_counter {
	WS_CNT_RINGBUF_FULL,	/* sample not sent: ring buffer full */
	WS_CNT_KSTACK_ERR,	/* bpf_get_stack failed, kernel side */
	WS_CNT_USTACK_ERR,	/* bpf_get_stack failed, user side */
	WS_CNT_TRACED_FULL,	/* a forked child could not be tracked */
	WS_CNT__MAX,
};

#define WS_MAX_TRACED	65536	/* processes tracked at once */

#define WS_PF_KTHREAD	0x00200000	/* include/linux/sched.h, not in BTF */

#endif
