// SPDX-License-Identifier: GPL-2.0
/* See offcpu.h. */
#include <errno.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "record/fdproc.h"
#include "record/offcpu.h"
#include "record/taskmem.h"
#include "record/unwind.h"

/* Addresses of a stack id; 0 frames when it was not recorded or lost. */
static int read_stack(int fd, __s32 id, __u64 *addrs)
{
	int n;

	if (id < 0 || bpf_map_lookup_elem(fd, &id, addrs))
		return 0;
	for (n = 0; n < WS_MAX_STACK && addrs[n]; n++)
		;
	return n;
}

/* top: the stack's top at switch-out, to complete it with CFI; NULL. */
static int add_key(const struct offcpu_maps *m, struct collector *c,
		   const struct proc_table *t, const struct ws_offcpu_key *k,
		   const struct ws_offcpu_val *v, const __u64 *kstack, int nk,
		   const struct ws_wait_top *top, const struct py_context *py)
{
	__u64 ustack[WS_MAX_STACK], fp[WS_MAX_STACK];
	int nu = read_stack(m->stacks_fd, k->ustack_id, ustack), nfp = nu;
	struct unwind_input in;
	int err;

	if (top && top->len && top->len <= WS_WAIT_STACK_COPY && m->sym) {
		if (!nu)	/* no frame-pointer stack: CFI from the top */
			ustack[nu++] = top->ip;
		in = (struct unwind_input){ .ip = top->ip, .sp = top->sp,
					    .bp = top->bp, .stack = top->stack,
					    .stack_len = top->len,
					    .time = v->last_ns };
		memcpy(fp, ustack, nfp * sizeof(*fp));
		unwind_complete(m->sym, t, k->pid, &in, ustack, &nu,
				WS_MAX_STACK);
		err = splices_learn(m->splices, k->pid, fp, nfp, ustack, nu);
		if (err)
			return err;
	} else {
		splices_apply(m->splices, k->pid, ustack, &nu, WS_MAX_STACK);
	}
	return collector_add_offcpu(c, t, k, v, kstack, nk, ustack, nu, py);
}

int offcpu_add_wait(const struct offcpu_maps *m, struct collector *c,
		    const struct proc_table *t, const struct ws_wait *w,
		    const struct ws_wait_top *top, const struct py_context *py)
{
	int nk = w->kstack_len > 0 ? w->kstack_len / 8 : 0;
	uint64_t end = w->val.last_ns;
	uint64_t len = w->val.blocked_ns + w->val.runq_ns;
	int err;

	err = add_key(m, c, t, &w->key, &w->val, w->kstack, nk, top, py);
	if (err || len > end)
		return err;
	return collector_note_wait(c, w->key.tid, end - len,
				   end - w->val.runq_ns, end, &w->waker);
}

/* A wait still going on when recording ended counts up to end_ns, split
 * as the BPF side splits finished ones.  What its descriptor is, the BPF
 * side tells as the wait ends: for one still open, /proc tells it now. */
static int add_open_wait(const struct offcpu_maps *m, struct collector *c,
			 const struct proc_table *t,
			 const struct ws_offcpu_start *st, uint64_t end_ns,
			 const struct ws_wait_top *top,
			 const struct py_context *py)
{
	uint64_t start = st->ts > m->start_ns ? st->ts : m->start_ns;
	struct ws_offcpu_val v = { .count = 1, .last_ns = end_ns };
	struct ws_offcpu_key key = st->key;
	uint64_t woke;
	int err;

	if (end_ns <= start)
		return 0;
	if (m->procfs && st->fd >= 0 && key.target.kind == WS_TGT_NONE)
		fdproc_target(m->procfs, key.pid, st->fd, &key.target);
	woke = ws_wake_point(st, start, end_ns);
	v.blocked_ns = woke - start;
	v.runq_ns = end_ns - woke;
	err = add_key(m, c, t, &key, &v, NULL, 0, top, py);
	return err ? err : collector_note_wait(c, st->key.tid, start, woke,
					       end_ns, &st->waker);
}

int offcpu_add_blocked(const struct offcpu_maps *m, struct collector *c,
		       const struct proc_table *t,
		       const struct ws_offcpu_key *k, uint64_t end_ns,
		       const struct ws_wait_top *top,
		       const struct py_context *py)
{
	struct ws_offcpu_start st = { .ts = m->start_ns, .fd = k->target.fd,
				      .key = *k };

	return add_open_wait(m, c, t, &st, end_ns, top, py);
}

bool offcpu_wait_open(const struct offcpu_maps *m, uint32_t tid)
{
	struct ws_offcpu_start st;

	return !bpf_map_lookup_elem(m->start_fd, &tid, &st) && st.ts;
}

/* Buffers for the stacks of waits still open, read from memory. */
struct open_stacks {
	struct py_task_stack *py;
	struct ws_wait_top *top;
	size_t reads;
};

/*
 * st's wait, still open, with its thread's stacks as they are now: the
 * wait the BPF side saw begin, while the thread is still in its syscall
 * (no event carries its stacks: one does as a wait ends).
 */
static int add_open_read(const struct offcpu_maps *m, struct collector *c,
			 const struct proc_table *t,
			 const struct ws_offcpu_start *st, uint64_t end_ns,
			 struct open_stacks *os)
{
	struct py_context ctx = { .sym = m->sym, .kinds = m->kinds };
	const struct ws_wait_top *top = NULL;
	const struct py_context *py = NULL;
	struct procfs_syscall sc;
	int err = 0;

	if (m->procfs && os->top && os->reads < OFFCPU_OPEN_READS &&
	    st->key.syscall >= 0 &&
	    !procfs_task_syscall(m->procfs, st->key.pid, st->key.tid, &sc) &&
	    sc.nr == st->key.syscall) {
		os->reads++;
		py = taskmem_python(st->key.pid, st->key.tid, m->py, os->py, c,
				    &ctx, &err);
		top = taskmem_top(st->key.pid, &sc, os->top);
	}
	return err ? err : add_open_wait(m, c, t, st, end_ns, top, py);
}

int offcpu_collect(const struct offcpu_maps *m, struct collector *c,
		   const struct proc_table *t, uint64_t end_ns,
		   uint64_t *short_ns)
{
	struct open_stacks os = {
		.py = m->py ? malloc(sizeof(*os.py)) : NULL,
		.top = malloc(sizeof(*os.top)),
	};
	struct ws_offcpu_key key, next;
	struct ws_offcpu_val val;
	struct ws_offcpu_start st;
	__u32 tid, next_tid;
	void *prev = NULL;
	int err = 0;

	while (!bpf_map_get_next_key(m->offcpu_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(m->offcpu_fd, &key, &val))
			continue;
		*short_ns += val.blocked_ns + val.runq_ns;
		if ((err = add_key(m, c, t, &key, &val, NULL, 0, NULL, NULL)))
			goto out;
	}
	prev = NULL;
	while (!bpf_map_get_next_key(m->start_fd, prev, &next_tid)) {
		tid = next_tid;
		prev = &tid;
		/* a wait seeded at the start (record/blocked.h) still
		 * open: the thread ran since, or blocked_collect adds it */
		if (bpf_map_lookup_elem(m->start_fd, &tid, &st) || !st.ts)
			continue;
		if ((err = add_open_read(m, c, t, &st, end_ns, &os)))
			goto out;
	}
out:
	free(os.py);
	free(os.top);
	return err;
}
