// SPDX-License-Identifier: GPL-2.0
/* Which processes are traced: the loader seeds the map, fork extends it,
 * exit of the last thread removes the process. */
#include "common.bpf.h"
#include "fdtarget.bpf.h"
#include "python.bpf.h"
#include "stackfar.bpf.h"
#include "sysstate.bpf.h"

const volatile bool trace_all = false;
const volatile __u32 self_tgid = 0;
const volatile __u64 wakeup_bytes = 1 << 20;

struct traced_map traced SEC(".maps");
struct counters_map counters SEC(".maps");
struct events_map events SEC(".maps");
struct copy_pages_map copy_pages SEC(".maps");
/* The maps of the helper headers, which declare them extern. */
struct fdt_scratch_map fdt_scratch SEC(".maps");
struct py_procs_map py_procs SEC(".maps");
struct py_codes_map py_codes SEC(".maps");
struct py_threads_map py_threads SEC(".maps");
struct pywalk_scratch_map pywalk_scratch SEC(".maps");
struct pyframes_scratch_map pyframes_scratch SEC(".maps");
struct sys_state_map sys_state SEC(".maps");
struct stack_far_map stack_far SEC(".maps");
struct stack_far_exe_map stack_far_exe SEC(".maps");

SEC_TP_BTF("sched_process_fork")
int BPF_PROG(track_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = BPF_CORE_READ(parent, tgid);
	__u32 ctgid = BPF_CORE_READ(child, tgid);
	__u8 one = 1;

	if (ptgid == ctgid)
		return 0;
	stack_far_fork(ptgid, ctgid);
	if (trace_all || !bpf_map_lookup_elem(&traced, &ptgid))
		return 0;
	if (bpf_map_update_elem(&traced, &ctgid, &one, BPF_ANY))
		count_event(WS_CNT_TRACED_FULL);
	return 0;
}

SEC_TP_BTF("sched_process_exit")
int BPF_PROG(track_exit, struct task_struct *task)
{
	__u32 tgid = BPF_CORE_READ(task, tgid);

	/* signal->live reaches 0 when the last thread of the group exits. */
	if (BPF_CORE_READ(task, signal, live.counter) == 0)
		bpf_map_delete_elem(&traced, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
