// SPDX-License-Identifier: GPL-2.0
/*
 * Off-CPU time: every interval a traced thread spends off the CPU, split
 * into blocked (until woken) and run-queue delay (woken, waiting for a
 * CPU), with the syscall it was in, what that syscall's file descriptor
 * is, and its stacks.  Waits of at least min_block_ns stream to user space
 * with their kernel stack; shorter ones add up in the offcpu map, which
 * user space reads once at the end.
 */
#include "common.bpf.h"
#include "fdtarget.bpf.h"
#include "maps.bpf.h"
#include "python.bpf.h"
#include "syscalls.h"
#include "sysstate.bpf.h"

const volatile bool offcpu_enabled = true;
const volatile __u64 min_block_ns = 0;	/* shorter: no kernel stack */
__u64 record_start_ns = 0;		/* set when the command is released */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WS_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct ws_offcpu_start);
} offcpu_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);	/* distinct short waits */
	__type(key, struct ws_offcpu_key);
	__type(value, struct ws_offcpu_val);
} offcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 8192);	/* distinct user stacks of waits */
	__uint(key_size, sizeof(__u32));
	__uint(value_size, WS_MAX_STACK * sizeof(__u64));
} stacks SEC(".maps");

/*
 * Per thread of a CPython process: the hash of its Python stack at its
 * switch-out at ts (0: none), what a long wait names; and the hash of the
 * last stack sent for it (WS_EV_PY_STACK), which user space keeps, so a
 * thread that blocks again where it did before sends nothing.  ts tells a
 * wait whether cur is of its own switch-out (a process that exec'd is
 * walked no more).
 */
struct ws_py_last {
	__u64 cur;
	__u64 sent;
	__u64 ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct ws_py_last);
} py_last SEC(".maps");

/*
 * The top of the user stack of threads off the CPU, taken at switch-out
 * (only the thread itself can read its memory) for the long waits' CFI
 * unwinding.  LRU: a thread that never runs again ages out.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct ws_wait_top);
} offcpu_top SEC(".maps");

/*
 * The user stacks (pid, stack id) whose wait has carried its stack top:
 * the first wait of each does, however short, so that user space learns
 * how CFI completes it (user/record/splice.h) before the waits that
 * come without one.  LRU: what ages out is sent once more.
 */
struct wait_stack_key {
	__u32 pid;
	__s32 ustack_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct wait_stack_key);
	__type(value, __u8);
} wait_stacks_topped SEC(".maps");

const volatile bool copy_wait_stack = true;	/* false: --fp-only */

/* A zero-length ws_wait_top to create offcpu_top entries from: a global,
 * so a switch-out costs no scratch lookup or write. */
static const struct ws_wait_top empty_top;

/* Per-CPU scratch: struct ws_offcpu_start is too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ws_offcpu_start);
} start_scratch SEC(".maps");

/*
 * Which traced thread runs on this CPU, since when: the CPU time of the
 * traced tasks, measured apart from the samples, says how many samples
 * the sampler should have taken.
 */
struct oncpu_slot {
	__u32 tid;		/* 0: no traced thread */
	__u32 pad;
	__u64 since;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct oncpu_slot);
} oncpu_since SEC(".maps");

/* poll()/ppoll() on a single descriptor waits on that descriptor; on a
 * few, on the most telling of them (fdt_poll_rank); on more, none. */
static __always_inline int poll_fd(struct pt_regs *regs)
{
	__u64 n = BPF_CORE_READ(regs, si), ufds = BPF_CORE_READ(regs, di);
	struct pollfd pfd;

	if (n == 1)
		return bpf_probe_read_user(&pfd, sizeof(pfd), (void *)ufds) ?
		       -1 : pfd.fd;
	if (!n || n > WS_POLL_FDS)
		return -1;
	return fdt_poll_fd_global(ufds, n);
}

static __always_inline __s32 user_stack_id(void *ctx)
{
	long id = bpf_get_stackid(ctx, &stacks, BPF_F_USER_STACK);

	if (id == -EEXIST || id == -ENOMEM)
		count_event(WS_CNT_STACK_COLLISION);
	return id;
}

/*
 * py_walk_stack() for save_python_stack(), whose caller holds w (py_get)
 * and looked up proc, tgid's.  Global, hence __noinline: verified once,
 * not on each path of the switch program (it was 10,000 of
 * offcpu_switch_py's 15,000 instructions verified); the task as its
 * address (task_addr()).
 */
__noinline int offcpu_py_walk(__u64 task, __u32 tgid, __u32 tid,
			      const struct ws_py_proc *proc)
{
	__u32 zero = 0;
	struct py_walk w = {
		.sc = bpf_map_lookup_elem(&pywalk_scratch, &zero),
		.buf = bpf_map_lookup_elem(&pyframes_scratch, &zero),
	};

	if (!proc || !w.sc || !w.buf)
		return 0;
	return py_walk_stack(&w, (struct task_struct *)task, tgid, tid, proc,
			     WS_PY_MAX_FRAMES);
}

/* The Python stack can only be read now, by the thread itself.  Most
 * switches are of other processes: one lookup decides, nothing else. */
static __always_inline void save_python_stack(struct task_struct *prev,
					      __u32 tgid, __u32 tid, __u64 ts)
{
	static const struct ws_py_last none;
	const struct ws_py_proc *proc = bpf_map_lookup_elem(&py_procs, &tgid);
	struct ws_py_last *last;
	struct py_walk w;
	__u64 size;
	long n;

	if (!proc)
		return;
	last = map_lookup_or_try_init(&py_last, &tid, &none);
	if (!last)
		return;
	last->cur = 0;
	last->ts = ts;
	if (!py_get(&w))
		return;
	n = offcpu_py_walk(task_addr(prev), tgid, tid, proc);
	if (n > 0) {
		last->cur = w.buf->ev.hash;
		/* at most WS_PY_MAX_FRAMES already: bounded again on the
		 * register used (barrier_var) for the verifier, which knows
		 * nothing of a global function's result */
		barrier_var(n);
		if (n > WS_PY_MAX_FRAMES)
			n = WS_PY_MAX_FRAMES;
		size = sizeof(w.buf->ev) + n * sizeof(struct ws_py_frame);
		if (last->cur != last->sent &&
		    !bpf_ringbuf_output(&events, &w.buf->ev, size,
					submit_flags()))
			last->sent = last->cur;
	}
	py_put(&w);
}

/* The thread's user registers and stack top, in place in offcpu_top. */
static __always_inline void save_user_top(__u32 tid, struct task_struct *prev)
{
	struct ws_wait_top *top;

	top = map_lookup_or_try_init(&offcpu_top, &tid, &empty_top);
	if (!top)
		return;
	COPY_USER_TOP(prev, top, WS_WAIT_STACK_COPY);
}

/* The first wait sent of this user stack (or the first since its entry
 * aged out). */
static __always_inline bool first_of_stack(const struct ws_offcpu_key *k)
{
	struct wait_stack_key key = { .pid = k->pid,
				      .ustack_id = k->ustack_id };
	__u8 one = 1;

	if (k->ustack_id < 0 || bpf_map_lookup_elem(&wait_stacks_topped, &key))
		return false;
	bpf_map_update_elem(&wait_stacks_topped, &key, &one, BPF_ANY);
	return true;
}

/* A long wait goes to user space whole, with its kernel stack. */
static __always_inline bool send_wait(struct task_struct *next,
				      struct ws_offcpu_start *st,
				      const struct ws_offcpu_val *val,
				      bool at_switch_in)
{
	const struct ws_wait_top *top = NULL;
	struct ws_py_last *py;
	struct ws_wait *w;
	bool full = false;

	/* Only waits of WS_WAIT_TOP_NS and more carry the stack top (the
	 * event is 2 KiB longer), and the first of each stack. */
	if (val->blocked_ns + val->runq_ns >= WS_WAIT_TOP_NS ||
	    first_of_stack(&st->key))
		top = bpf_map_lookup_elem(&offcpu_top, &st->key.tid);
	if (top && top->len)
		full = true;
	if (full)
		w = bpf_ringbuf_reserve(&events, sizeof(*w), 0);
	else
		w = bpf_ringbuf_reserve(&events,
					__builtin_offsetof(struct ws_wait, top), 0);
	if (!w) {
		count_event(WS_CNT_WAIT_TO_MAP);	/* not lost: see caller */
		return false;
	}
	w->type = WS_EV_WAIT;
	w->key = st->key;
	w->val = *val;
	w->waker = st->waker;
	py = bpf_map_lookup_elem(&py_last, &st->key.tid);
	w->py_hash = py && py->ts == st->ts ? py->cur : 0;
	resolve_fd_target(next, st->fd, &w->key.target);
	w->kstack_len = at_switch_in ?
			bpf_get_task_stack(next, w->kstack, sizeof(w->kstack), 0) :
			0;
	if (full && top)
		bpf_probe_read_kernel(&w->top, sizeof(w->top), top);
	bpf_ringbuf_submit(w, submit_flags());
	return true;
}

/* Short waits add up in a map, by thread, syscall, user stack and what
 * the descriptor is, with no kernel stack. */
static __always_inline void add_short_wait(struct task_struct *next,
					   struct ws_offcpu_start *st,
					   const struct ws_offcpu_val *val)
{
	static const struct ws_offcpu_val zero;
	struct ws_offcpu_val *v;

	resolve_fd_target(next, st->fd, &st->key.target);
	v = map_lookup_or_try_init(&offcpu, &st->key, &zero);
	if (!v) {
		count_event(WS_CNT_OFFCPU_FULL);
		return;
	}
	__sync_fetch_and_add(&v->blocked_ns, val->blocked_ns);
	__sync_fetch_and_add(&v->runq_ns, val->runq_ns);
	__sync_fetch_and_add(&v->count, 1);
	v->last_ns = val->last_ns;
}

/*
 * st's wait ended at end; next is its thread.  at_switch_in: as the thread
 * comes back, when its kernel stack is still where it blocked.
 */
static __always_inline void end_wait(struct task_struct *next,
				     struct ws_offcpu_start *st, __u64 end,
				     bool at_switch_in)
{
	struct ws_offcpu_val val = { .count = 1, .last_ns = end };
	struct ws_sys_state *ss;
	__u64 start, woke;

	start = st->ts > record_start_ns ? st->ts : record_start_ns;
	if (end <= start)
		return;
	if (at_switch_in) {
		/* for io.bpf.c: how much of a syscall was off the CPU */
		ss = bpf_task_storage_get(&sys_state, next, NULL, 0);
		if (ss)
			ss->offcpu_ns += end - start;
	}
	woke = ws_wake_point(st, start, end);
	val.blocked_ns = woke - start;
	val.runq_ns = end - woke;
	if (end - start < min_block_ns ||
	    !send_wait(next, st, &val, at_switch_in))
		add_short_wait(next, st, &val);
}

static __always_inline void switch_in(struct task_struct *next)
{
	__u32 tid = BPF_CORE_READ(next, pid);
	struct ws_offcpu_start *st = bpf_map_lookup_elem(&offcpu_start, &tid);

	if (!st)
		return;
	end_wait(next, st, bpf_ktime_get_ns(), true);
	bpf_map_delete_elem(&offcpu_start, &tid);
}

/*
 * The kernel runs no BPF program while some tasks are current (on these
 * test machines, the sandbox's own supervisor): a traced thread that one
 * of them switched to, or woke from an interrupt, came back unreported,
 * its wait still open when it is next seen, at a switch-out or its exit.
 * It has run since without a switch-out, which would have been seen: its
 * CPU time since the wait began says when it came back.
 */
static __always_inline void end_unseen_wait(struct task_struct *task,
					    struct ws_offcpu_start *st)
{
	__u64 ran = BPF_CORE_READ(task, se.sum_exec_runtime) - st->run_ns;
	__u64 now = bpf_ktime_get_ns();

	count_event(WS_CNT_WAIT_END_UNSEEN);
	if (st->run_ns && ran < now - st->ts)
		end_wait(task, st, now - ran, false);
}

/*
 * At switch-out only what is gone later: the time, the syscall and its
 * descriptor, and the user stack (only the thread itself can read it).
 * The costly kernel stack and descriptor target wait for switch-in, when
 * the wait's length is known.
 */
static __always_inline void switch_out(void *ctx, bool preempt,
				       struct task_struct *prev,
				       const bool python)
{
	__u32 tid = BPF_CORE_READ(prev, pid), zero = 0;
	struct ws_offcpu_start *st = bpf_map_lookup_elem(&start_scratch, &zero);
	struct ws_offcpu_start *open;
	struct pt_regs *regs;
	long nr, err;

	if (!st)
		return;
	__builtin_memset(&st->key, 0, sizeof(st->key));
	st->ts = bpf_ktime_get_ns();
	st->run_ns = BPF_CORE_READ(prev, se.sum_exec_runtime);
	st->wake_ts = 0;
	st->waker.tid = 0;
	st->waker.pid = 0;
	st->fd = -1;
	st->key.pid = BPF_CORE_READ(prev, tgid);
	st->key.tid = tid;
	st->key.runnable = preempt || BPF_CORE_READ(prev, __state) == 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(prev);
	/*
	 * orig_ax holds the syscall number only inside a syscall; in a page
	 * fault it is the error code.  Syscall entry sets ax to -ENOSYS and
	 * it stays so until the syscall returns.
	 */
	nr = (long)BPF_CORE_READ(regs, ax) == -ENOSYS ?
	     (long)BPF_CORE_READ(regs, orig_ax) : -1;
	st->key.syscall = nr;
	if (ws_fd_syscall(nr))
		st->fd = BPF_CORE_READ(regs, di);
	else if (nr == WS_NR_poll || nr == WS_NR_ppoll)
		st->fd = poll_fd(regs);
	else if (nr == WS_NR_select || nr == WS_NR_pselect6)
		st->fd = fdt_select_fd_global(BPF_CORE_READ(regs, si),
					      BPF_CORE_READ(regs, di));
	st->key.ustack_id = BPF_CORE_READ(prev, flags) & WS_PF_KTHREAD ?
			    WS_NO_STACK : user_stack_id(ctx);
	/* one update when no wait is open, as nearly always */
	err = bpf_map_update_elem(&offcpu_start, &tid, st, BPF_NOEXIST);
	if (err == -EEXIST) {
		open = bpf_map_lookup_elem(&offcpu_start, &tid);
		if (open)
			end_unseen_wait(prev, open);
		err = bpf_map_update_elem(&offcpu_start, &tid, st, BPF_ANY);
	}
	if (err)
		count_event(WS_CNT_OFFCPU_FULL);
	if (python)
		save_python_stack(prev, st->key.pid, tid, st->ts);
	if (copy_wait_stack && st->key.ustack_id != WS_NO_STACK)
		save_user_top(tid, prev);
}

/* A thread's last switch-out, in do_task_dead(), starts no wait. */
static __always_inline bool exiting(struct task_struct *task)
{
	return BPF_CORE_READ(task, exit_state) ||
	       (BPF_CORE_READ(task, __state) & WS_TASK_DEAD);
}

/*
 * Adds the time prev ran to WS_CNT_ONCPU_NS when it was traced as it came
 * in (at its last switch-out, an exiting process is no longer in traced);
 * starts next's.  A traced prev not seen coming in (end_unseen_wait(), or
 * running as recording began) ran the slice the scheduler measured: else a
 * CPU-bound thread's whole stretch went uncounted (100-280 ms of 1.4 s in
 * CI runs).
 */
static __always_inline void account_oncpu(struct task_struct *prev,
					  bool prev_traced, __u32 next_tid,
					  bool next_traced)
{
	__u32 prev_tid = BPF_CORE_READ(prev, pid), zero = 0;
	struct oncpu_slot *slot;
	__u64 now, start, slice;

	slot = bpf_map_lookup_elem(&oncpu_since, &zero);
	/* most switches on a busy machine are of untraced tasks: no clock */
	if (!slot || (!slot->tid && !next_traced && !prev_traced))
		return;
	now = bpf_ktime_get_ns();
	start = slot->since > record_start_ns ? slot->since : record_start_ns;
	if (record_start_ns && slot->tid == prev_tid && slot->since &&
	    now > start) {
		count_add(WS_CNT_ONCPU_NS, now - start);
	} else if (record_start_ns && prev_traced && now > record_start_ns) {
		slice = BPF_CORE_READ(prev, se.sum_exec_runtime) -
			BPF_CORE_READ(prev, se.prev_sum_exec_runtime);
		count_add(WS_CNT_ONCPU_NS, slice < now - record_start_ns ?
					   slice : now - record_start_ns);
	}
	slot->tid = next_traced ? next_tid : 0;
	slot->since = next_traced ? now : 0;
}

/* python: save the Python stack at a switch-out (offcpu_switch_py, see
 * oncpu.bpf.c's sample_oncpu_py); a constant. */
static __always_inline int on_switch(void *ctx, bool preempt,
				     struct task_struct *prev,
				     struct task_struct *next,
				     const bool python)
{
	bool prev_traced, next_traced;

	if (!offcpu_enabled)
		return 0;
	prev_traced = is_traced(BPF_CORE_READ(prev, tgid)) &&
		      BPF_CORE_READ(prev, pid);
	next_traced = is_traced(BPF_CORE_READ(next, tgid));
	account_oncpu(prev, prev_traced, BPF_CORE_READ(next, pid),
		      next_traced);
	if (prev_traced && !exiting(prev))
		switch_out(ctx, preempt, prev, python);
	if (next_traced)
		switch_in(next);
	return 0;
}

SEC_TP_BTF("sched_switch")
int BPF_PROG(offcpu_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(ctx, preempt, prev, next, false);
}

SEC_TP_BTF("sched_switch")
int BPF_PROG(offcpu_switch_py, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	return on_switch(ctx, preempt, prev, next, true);
}

/*
 * The end of the blocked part: from here on the thread waits for a CPU.
 * The task running now ended the wait, or an interrupt did while it ran
 * (no cheap test tells them apart here: the kernel's preempt count is no
 * symbol BPF can load): user space follows the critical path only
 * through waits that tasks end (locks, pipes, children).
 */
SEC_TP_BTF("sched_waking")
int BPF_PROG(offcpu_waking, struct task_struct *p)
{
	__u32 tid = BPF_CORE_READ(p, pid);
	struct ws_offcpu_start *st;
	__u64 id;

	if (!offcpu_enabled || !is_traced(BPF_CORE_READ(p, tgid)))
		return 0;
	st = bpf_map_lookup_elem(&offcpu_start, &tid);
	if (!st || st->wake_ts)
		return 0;
	st->wake_ts = bpf_ktime_get_ns();
	id = bpf_get_current_pid_tgid();
	st->waker.tid = (__u32)id;
	st->waker.pid = id >> 32;
	return 0;
}

/* A thread that exits has no wait open: one still open came back
 * unreported (end_unseen_wait()), and would else run to the end. */
SEC_TP_BTF("sched_process_exit")
int BPF_PROG(offcpu_exit, struct task_struct *task)
{
	__u32 tid = BPF_CORE_READ(task, pid);
	struct ws_offcpu_start *open;

	if (!offcpu_enabled)
		return 0;
	open = bpf_map_lookup_elem(&offcpu_start, &tid);
	if (!open)
		return 0;
	end_unseen_wait(task, open);
	bpf_map_delete_elem(&offcpu_start, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
