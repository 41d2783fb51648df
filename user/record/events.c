// SPDX-License-Identifier: GPL-2.0
/* Ring-buffer events into the collector; see events.h. */
#include <errno.h>
#include <string.h>

#include "lib/util.h"
#include "proc/procfs.h"
#include "record/events.h"

void record_events_drain(struct record_events *r)
{
	r->last_drain_ns = monotonic_ns();
	sideband_drain(r->sb, r->procs, r->all);
	py_attach_scan(r->py, r->procs);
}

/* How to merge pid's Python stack, when it has one (or the walk met an
 * invalid frame first). */
static const struct py_context *python_of(struct record_events *r,
					  uint32_t pid,
					  const struct py_frames *stack,
					  struct py_context *ctx)
{
	if (!stack->n && stack->truncated != WS_PY_TRUNC_INVALID)
		return NULL;
	ctx->stack = *stack;
	ctx->module = py_attach_module(r->py, pid);
	ctx->minor = py_attach_minor(r->py, pid);
	ctx->sym = r->sym;
	ctx->kinds = &r->kinds;
	ctx->site = false;
	return ctx->minor ? ctx : NULL;
}

/* An I/O site's Python stack, kept in the event. */
static struct py_frames site_frames(const struct ws_io_site *site)
{
	return (struct py_frames){
		.frames = site->py.frames,
		.n = site->py.n > WS_PY_SITE_FRAMES ? 0 : site->py.n,
		.truncated = site->py.truncated,
	};
}

/* Every mmap made before time is in the side-band once this returns, and
 * a process that ran before recording has its /proc mappings loaded. */
static void know_mappings(struct record_events *r, uint32_t pid,
			  uint64_t time)
{
	struct proc *p;

	if (time >= r->last_drain_ns)
		record_events_drain(r);
	p = proc_table_find(r->procs, pid);
	if (!p || !p->complete)
		proc_table_load(r->procs, pid, "/proc");
}

/*
 * A user stack as frame pointers gave it (bytes, or -errno), completed
 * with CFI from the registers and the stack copy taken with it (far: a
 * sample's stack past the copy, top->far_read copies, maybe none; NULL for
 * an I/O site's, which never has it).  Returns the number of
 * frames in ustack.  in_kernel: taken in the kernel, its user ip where
 * the thread entered it (a syscall, mostly): what CFI put back there is
 * learnt for the short waits (splice.h); a user-mode sample's ip,
 * anywhere, would teach nothing they use.
 */
static int user_stack(struct record_events *r, uint32_t pid, uint64_t time,
		      const __u64 *fp_stack, int fp_len,
		      const struct ws_user_top *top, const uint8_t *far,
		      __u64 *ustack, struct unwind_trace *trace,
		      enum unwind_stop *why, bool in_kernel)
{
	size_t need = 0;
	struct unwind_input in = {
		.ip = top->ip,
		.sp = top->sp,
		.bp = top->bp,
		.stack = top->stack,
		.stack_len = top->len > WS_STACK_COPY ? 0 : top->len,
		.holes = top->holes,
		.time = time,
		.trace = trace,
		.need = &need,
	};
	int n = fp_len > 0 ? fp_len / 8 : 0;

	if (far && top->far_read && in.stack_len == WS_STACK_COPY) {
		memcpy(r->stack, top->stack, WS_STACK_COPY);
		memcpy(r->stack + WS_STACK_COPY, far,
		       top->far_read * WS_STACK_COPY);
		in.stack = r->stack;
		in.stack_len += top->far_read * WS_STACK_COPY;
	}
	if (n > WS_MAX_STACK)
		n = WS_MAX_STACK;
	memcpy(ustack, fp_stack, n * sizeof(*ustack));
	*why = unwind_complete(r->sym, r->procs, pid, &in, ustack, &n,
			       WS_MAX_STACK);
	collector_note_unwind(r->coll, *why);
	if (*why == UNWIND_COPY_END && far && r->far && !r->err)
		r->err = stack_far_note(r->far, r->procs, pid, need,
					in.stack_len);
	if (in_kernel && !r->err)
		r->err = splices_learn(r->splices, pid, fp_stack,
				       fp_len > 0 ? fp_len / 8 : 0, ustack, n);
	return n;
}

/*
 * A process execs program: its command line and a Python's options are
 * read now, while the process is there (proc_python_opts); a later exec
 * of another program clears the options.  A Python not seen before is
 * loaded whole, which reads them.
 */
static int note_exec_args(struct record_events *r, uint32_t pid,
			  const char *program)
{
	struct proc *p = proc_table_find(r->procs, pid);

	if (p) {
		proc_python_opts(p, "/proc", program);
		return proc_read_args(p, "/proc");
	}
	if (proc_is_python(program))
		proc_table_load(r->procs, pid, "/proc");
	return 0;
}

/* An exec: a spawned program for the I/O tables, a new process image for
 * the critical path. */
static int note_exec(struct record_events *r, const struct ws_exec *ev)
{
	char program[WS_EXEC_PATH_LEN + 1], exe[WS_EXEC_PATH_LEN + 1];
	int err;

	memcpy(program, ev->filename, WS_EXEC_PATH_LEN);
	program[WS_EXEC_PATH_LEN] = '\0';
	memcpy(exe, ev->exe, WS_EXEC_PATH_LEN);
	exe[WS_EXEC_PATH_LEN] = '\0';
	if (program[0]) {
		err = note_exec_args(r, ev->pid, program);
		if (!err)
			err = collector_note_exec(r->coll, ev->pid, ev->time_ns,
						  program, exe[0] ? exe : NULL,
						  0, 0);
		if (err)
			return err;
	}
	return io_trace_exec(r->io, ev);
}

/* What happened at a site, counted at it; a fork is a birth on the
 * critical path's timeline too. */
static int site_happened(struct record_events *r, const struct ws_io_what *w,
			 int64_t site)
{
	unsigned int i;
	int err;

	if (w->op == WS_IO_FORK && w->child) {
		/* For a moment, when the Python walker comes in
		 * (record_bpf_load_python()), two programs see each fork. */
		for (i = 0; i < RECORD_EVENTS_FORKS; i++)
			if (r->forks[i] == w->child)
				return 0;
		r->forks[r->n_forks++ % RECORD_EVENTS_FORKS] = w->child;
		err = collector_note_exec(r->coll, w->child, w->time_ns, NULL,
					  NULL, w->pid, w->tid);
		if (err)
			return err;
	}
	return io_trace_site(r->io, w, site);
}

/* A site's first events: its stack interned, counted, and registered so
 * that the BPF side sends its repeats as WS_EV_IO_AGAIN. */
static int on_io_site(struct record_events *r, const struct ws_io_site *ev)
{
	const struct ws_io_what *w = &ev->what;
	const struct py_context *pyc;
	struct unwind_trace trace;
	__u64 ustack[WS_MAX_STACK];
	struct py_context py;
	struct py_frames pf;
	enum unwind_stop why;
	int64_t site;
	int nu, err;

	know_mappings(r, w->pid, w->time_ns);
	nu = user_stack(r, w->pid, w->time_ns, ev->ustack, ev->ustack_len,
			&ev->top, NULL, ustack, &trace, &why, true);
	pf = site_frames(ev);
	pyc = python_of(r, w->pid, &pf, &py);
	py.site = true;
	site = collector_add_site(r->coll, r->procs, w->pid, w->tid,
				  w->time_ns, ustack, nu, pyc);
	if (site < 0)
		return site;
	err = site_happened(r, w, site);
	if (err)
		return err;
	return io_sites_register(r->sites, ev, &trace, why, pyc != NULL, site);
}

/* Events of io.bpf.c; sizes were checked by the caller. */
static int on_io_event(struct record_events *r, const void *data,
		       size_t size, uint32_t type)
{
	const struct ws_io_again *again = data;

	switch (type) {
	case WS_EV_IO_SITE:
		r->io_full++;
		return on_io_site(r, data);
	case WS_EV_IO_AGAIN:
		if (again->what.site != WS_SITE_UNTOLD) {
			r->io_again++;
			return site_happened(r, &again->what,
					     again->what.site);
		}
		r->io_untold++;
		return site_happened(r, &again->what,
				     io_sites_untold(r->sites, &again->key));
	case WS_EV_FD:
	case WS_EV_REQUEST:
		return io_trace_fd(r->io, data);
	case WS_EV_EXEC:
		return note_exec(r, data);
	case WS_EV_EXIT:
		return io_trace_exit(r->io, data);
	case WS_EV_THREAD:	/* for the critical path, which -a has not */
		return r->all ? 0 : io_trace_thread(r->io, data);
	case WS_EV_PATH:
		return io_trace_path(r->io, data, size);
	}
	return 0;
}

static size_t event_size(uint32_t type)
{
	switch (type) {
	case WS_EV_SAMPLE:
		return sizeof(struct ws_sample);
	case WS_EV_WAIT:	/* short waits end before their top */
		return offsetof(struct ws_wait, top);
	case WS_EV_IO_SITE:
		return sizeof(struct ws_io_site);
	case WS_EV_IO_AGAIN:
		return sizeof(struct ws_io_again);
	case WS_EV_FD:
	case WS_EV_REQUEST:
		return sizeof(struct ws_fd_event);
	case WS_EV_EXEC:
		return sizeof(struct ws_exec);
	case WS_EV_EXIT:
		return sizeof(struct ws_exit);
	case WS_EV_THREAD:
		return sizeof(struct ws_thread_event);
	case WS_EV_PY_STACK:
		return sizeof(struct ws_py_event);
	case WS_EV_PATH:	/* variable: the path ends it */
		return offsetof(struct ws_path_event, path);
	}
	return SIZE_MAX;
}

/* A long wait, with the Python stack its thread sent at switch-out; the
 * wait a -p thread was in as the recording began, with the stacks read
 * then (record/blocked.h). */
static int on_wait(struct record_events *r, const struct ws_wait *w,
		   size_t size)
{
	const struct ws_wait_top *top = size >= sizeof(*w) ? &w->top : NULL;
	const struct py_context *pyc;
	struct py_context py;
	struct py_frames pf;

	know_mappings(r, w->key.pid, w->val.last_ns);
	py = (struct py_context){ .sym = r->sym, .kinds = &r->kinds };
	if (r->blocked &&
	    blocked_seed_stacks(r->blocked, w, r->offcpu->start_ns, r->py,
				&py, &top, &pyc))
		return offcpu_add_wait(r->offcpu, r->coll, r->procs, w, top,
				       pyc);
	if (!py_stacks_find(r->py_stacks, w->key.pid, w->key.tid, w->py_hash,
			    &pf) && w->py_hash)
		r->py_waits_lost++;
	return offcpu_add_wait(r->offcpu, r->coll, r->procs, w, top,
			       python_of(r, w->key.pid, &pf, &py));
}

int record_events_handle(void *ctx, void *data, size_t size)
{
	const struct ws_sample *s = data;
	struct record_events *r = ctx;
	__u64 ustack[WS_MAX_STACK];
	enum unwind_stop why;
	struct py_context py;
	const uint8_t *far;
	struct py_frames pf;
	uint32_t type;
	int nu;

	if (size < sizeof(type))
		return 0;
	memcpy(&type, data, sizeof(type));
	if (size < event_size(type))
		return 0;
	if (type == WS_EV_SAMPLE) {
		know_mappings(r, s->pid, s->time_ns);
		r->samples++;
		/* the stack past the copy ends the event */
		far = NULL;
		if (s->top.far * WS_STACK_COPY <= WS_STACK_FAR_MAX &&
		    s->top.far_read <= s->top.far &&
		    size - sizeof(*s) >= s->top.far * WS_STACK_COPY) {
			size -= s->top.far * WS_STACK_COPY;
			far = (const uint8_t *)data + size;
		}
		nu = user_stack(r, s->pid, s->time_ns, s->ustack, s->ustack_len,
				&s->top, far, ustack, NULL, &why,
				s->kstack_len > 0);
		py_frames_of_sample(s, size, &pf);
		r->err = collector_add(r->coll, r->procs, s, ustack, nu,
				       python_of(r, s->pid, &pf, &py));
	} else if (type == WS_EV_WAIT) {
		r->err = on_wait(r, data, size);
	} else if (type == WS_EV_PY_STACK) {
		r->err = py_stacks_add(r->py_stacks, data, size);
		if (r->err == -EINVAL)
			r->err = 0;	/* malformed: left out */
	} else if (r->io) {
		r->err = on_io_event(r, data, size, type);
	}
	return r->err;
}
