// SPDX-License-Identifier: GPL-2.0
/* On-CPU sampling: a cpu-clock perf event on every CPU runs this program;
 * samples of traced processes go to user space with both stacks. */
#include "common.bpf.h"
#include "python.bpf.h"

const volatile bool copy_user_stack = true;	/* false: --fp-only */

SEC("perf_event")
int sample_oncpu(struct bpf_perf_event_data *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	struct ws_sample *s;

	if (!is_traced(tgid))
		return 0;

	s = bpf_ringbuf_reserve(&events, sizeof(*s), 0);
	if (!s) {
		count_event(WS_CNT_RINGBUF_FULL);
		return 0;
	}
	s->type = WS_EV_SAMPLE;
	s->pid = tgid;
	s->tid = (__u32)id;
	s->cpu = bpf_get_smp_processor_id();
	s->time_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(s->comm, sizeof(s->comm));

	s->kstack_len = bpf_get_stack(ctx, s->kstack, sizeof(s->kstack), 0);
	if (s->kstack_len < 0)
		count_event(WS_CNT_KSTACK_ERR);

	if (task->flags & WS_PF_KTHREAD) {
		s->ustack_len = 0;
		s->top.len = 0;
	} else {
		s->ustack_len = bpf_get_stack(ctx, s->ustack, sizeof(s->ustack),
					      BPF_F_USER_STACK);
		if (s->ustack_len < 0)
			count_event(WS_CNT_USTACK_ERR);
		if (copy_user_stack)
			copy_user_top(task, &s->top);
		else
			s->top.len = 0;
	}
	py_capture(task, tgid, s->tid, &s->py);
	bpf_ringbuf_submit(s, submit_flags());
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
