// SPDX-License-Identifier: GPL-2.0
/* On-CPU sampling: a cpu-clock perf event on every CPU runs this program;
 * samples of traced processes go to user space with both stacks, and the
 * Python stack after them: the event is as long as its frames need. */
#include "common.bpf.h"
#include "python.bpf.h"
#include "stackfar.bpf.h"

const volatile bool copy_user_stack = true;	/* false: --fp-only */
/* A sample carries the longer copy while the ring buffer holds less than
 * this (half of it): the copies are 8 times the size of a sample, and the
 * sample itself matters more than its outer frames. */
const volatile __u64 far_ring_bytes = 1 << 20;

static __always_inline __u32 far_len_of(__u32 tgid)
{
	const __u32 *far;

	if (!copy_user_stack)
		return 0;
	far = bpf_map_lookup_elem(&stack_far, &tgid);
	if (!far || *far > WS_STACK_FAR_MAX)
		return 0;
	return *far & ~(WS_STACK_COPY - 1);
}

/* The stack from `from` on into the event at off, WS_STACK_COPY at a time,
 * up to far bytes, its missing pages put in *holes: the copies read. */
static __always_inline __u32 copy_user_far(struct bpf_dynptr *ptr, __u64 off,
					   __u32 far, __u64 from, __u32 *holes)
{
	__u32 got = 0, h;
	void *dst;
	int i;

	for (i = 0; i < WS_STACK_FAR_MAX / WS_STACK_COPY; i++) {
		if (got >= far)
			break;
		dst = bpf_dynptr_data(ptr, off + got, WS_STACK_COPY);
		if (!dst)
			break;
		if (!copy_user_pages(dst, from + got, WS_COPY_SAMPLE, &h))
			break;
		/* its pages from sp's: WS_STACK_COPY is 2 of them */
		*holes |= h << (2 * (i + 1));
		got += WS_STACK_COPY;
	}
	return got / WS_STACK_COPY;
}

static __always_inline void fill_sample(struct bpf_perf_event_data *ctx,
					struct task_struct *task, __u64 id,
					__u64 time, struct ws_sample *s)
{
	s->type = WS_EV_SAMPLE;
	s->pid = id >> 32;
	s->tid = (__u32)id;
	s->cpu = bpf_get_smp_processor_id();
	s->time_ns = time;
	bpf_get_current_comm(s->comm, sizeof(s->comm));

	s->kstack_len = bpf_get_stack(ctx, s->kstack, sizeof(s->kstack), 0);
	if (s->kstack_len < 0)
		count_event(WS_CNT_KSTACK_ERR);

	if (task->flags & WS_PF_KTHREAD) {
		s->ustack_len = 0;
		s->top.len = 0;
		s->top.holes = 0;
	} else {
		s->ustack_len = bpf_get_stack(ctx, s->ustack, sizeof(s->ustack),
					      BPF_F_USER_STACK);
		if (s->ustack_len < 0)
			count_event(WS_CNT_USTACK_ERR);
		if (copy_user_stack)
			copy_user_top(task, &s->top, WS_COPY_SAMPLE);
		else
			s->top.len = s->top.holes = 0;
	}
}

/* python: walk the Python stack (sample_oncpu_py); a constant, so that
 * sample_oncpu has no walker for the verifier to check. */
static __always_inline int sample(struct bpf_perf_event_data *ctx,
				  const bool python)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u64 id = bpf_get_current_pid_tgid();
	const struct ws_py_proc *proc;
	struct py_walk w = {};
	struct bpf_dynptr ptr;
	__u32 tgid = id >> 32;
	struct ws_sample *s;
	__u64 len = 0, start;
	__u32 far;

	if (!is_traced(tgid))
		return 0;
	start = bpf_ktime_get_ns();
	proc = python ? bpf_map_lookup_elem(&py_procs, &tgid) : NULL;
	if (proc && py_get(&w))
		len = py_walk_stack(&w, task, tgid, (__u32)id, proc,
				    WS_PY_MAX_FRAMES) *
		      sizeof(struct ws_py_frame);
	barrier_var(len);
	if (len > sizeof(w.buf->frames))
		len = sizeof(w.buf->frames);

	far = far_len_of(tgid);
	if (far && bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >
		   far_ring_bytes) {
		far = 0;
		count_event(WS_CNT_FAR_SKIPPED);
	}
	if (bpf_ringbuf_reserve_dynptr(&events, sizeof(*s) + len + far, 0,
				       &ptr)) {
		count_event(WS_CNT_RINGBUF_FULL);
		goto discard;
	}
	s = bpf_dynptr_data(&ptr, 0, sizeof(*s));
	if (!s)
		goto discard;
	fill_sample(ctx, task, id, start, s);
	s->top.far = far / WS_STACK_COPY;
	s->top.far_read = 0;
	if (far && s->top.len == WS_STACK_COPY)
		s->top.far_read = copy_user_far(&ptr, sizeof(*s) + len, far,
					       s->top.sp + WS_STACK_COPY,
					       &s->top.holes);
	s->py.n = 0;
	s->py.truncated = 0;
	if (w.sc) {
		s->py = w.buf->ev.py;
		if (len && bpf_dynptr_write(&ptr, sizeof(*s), w.buf->frames,
					    len, 0))
			s->py.n = 0;
	}
	count_add(WS_CNT_SAMPLER_NS, bpf_ktime_get_ns() - start);
	bpf_ringbuf_submit_dynptr(&ptr, submit_flags());
	goto out;
discard:
	bpf_ringbuf_discard_dynptr(&ptr, 0);
out:
	if (w.sc)
		py_put(&w);
	return 0;
}

SEC("perf_event")
int sample_oncpu(struct bpf_perf_event_data *ctx)
{
	return sample(ctx, false);
}

/* The same with Python stacks: loaded instead, or later in its place,
 * once a CPython process is seen (user/record/bpf.c). */
SEC("perf_event")
int sample_oncpu_py(struct bpf_perf_event_data *ctx)
{
	return sample(ctx, true);
}

char LICENSE[] SEC("license") = "GPL";
