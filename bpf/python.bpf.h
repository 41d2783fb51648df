/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPython stacks, read from the interpreter's own data structures by the
 * thread that runs them, so that a sample or a wait can name the Python
 * functions it was in, and (instruction offset + copied line table) the
 * lines.  CPython 3.10 to 3.13 (release builds, GIL, x86-64); the byte
 * offsets of each version come from user space in struct ws_py_offsets.
 *
 * API.  task/tgid/tid are the thread that is running: current in a
 * perf_event program (bpf_get_current_task_btf()), prev in
 * tp_btf/sched_switch.  Every read of Python memory is bpf_probe_read_user,
 * i.e. of the current process.
 *
 *   bool py_get(w) / void py_put(w)
 *	Take and give back the per-CPU walk state (struct py_walk: the
 *	scratch and the frames buffer).  false: busy (see pywalk_scratch).
 *   __u32 py_walk_stack(w, task, tgid, tid, proc, max)
 *	Walks the thread's stack into w->buf: at most max frames (a power
 *	of two up to WS_PY_MAX_FRAMES) innermost first in buf->frames,
 *	buf->ev.py.n and .truncated, buf->ev.hash; copies code objects not
 *	yet in py_codes.  Returns n.  0: the interpreter is not (or no
 *	longer) initialized, the thread has no PyThreadState, or no Python
 *	code is running in it.
 *   __u64 py_site_walk(w, task, tgid, tid)
 *	For I/O sites: py_get() and the innermost WS_PY_SITE_FRAMES frames
 *	into w->buf, with py_procs looked up here; returns their hash, 0
 *	with none.  The caller copies them only for a site not seen before.
 *
 * truncated (enum ws_py_trunc): DEPTH more than max Python frames (or
 * 2 * max + WS_PY_MAX_SHIMS frames with shims); FAULT a frame could not be
 * read (memory paged out, a racing change); INVALID a frame's code
 * object did not validate: not a PyCode_Type object, a first line out of
 * range, a name or file that is no pointer, or (when copied) a name that
 * is no str; or a frame is its own caller or not 8-byte aligned.  The
 * walk ends there and the frames before it are kept: no garbage frame is
 * ever sent.
 *
 * frames[i].code: the PyCodeObject's address (WS_PY_FRAME_ENTRY set on
 * the first frame of each _PyEval_EvalFrameDefault call, 3.11+: is_entry
 * on 3.11, the shim under it on 3.12+), the py_codes key with tgid
 * and ident (a hash of its co_filename and co_name pointers, so that a
 * code object freed and another allocated at its address are told
 * apart).  frames[i].instr: the index in 2-byte code units of the
 * instruction that frame is at: 3.10 f_lasti; 3.11+ (prev_instr /
 * instr_ptr - &co_code_adaptive) / 2, what CPython's own
 * _PyInterpreterFrame_LASTI gives.  Its line is PyCode_Addr2Line(code,
 * 2 * instr).  -1: the frame has not started (3.10 f_lasti -1; 3.11/3.12
 * prev_instr is one unit before the code) or a value out of range.
 *
 * struct ws_py_code as filled here: names as raw code units of their kind
 * (name_kind 0 ASCII or 1 Latin-1: bytes; 2, 4: UCS-2/UCS-4 units) with
 * their NUL unit, or without one when cut at the buffer's size;
 * qualname empty on 3.10; qualname or filename left empty (kind 0) when
 * the object is not a compact str.  linetable_len bytes of co_linetable
 * were copied, linetable_full is its whole length (capped at 65535).  All
 * other bytes are zero.
 *
 * The walk: _PyRuntime.interpreters.head (the newest interpreter), then
 * .main if different (they are adjacent in 3.10-3.13) -> threads.head ->
 * tstate->next ..., until native_thread_id == tid (3.11+), or on 3.10
 * thread_id (pthread_self(): the fs base on x86-64 glibc) ==
 * task->thread.fsbase.  What was found is cached per tid in py_threads
 * (checked at each use, see there).  Then the current frame: 3.10
 * tstate->frame, 3.11/3.12 tstate->cframe->current_frame, 3.13
 * tstate->current_frame, and its callers (f_back / previous), skipping
 * shim frames (owner FRAME_OWNED_BY_CSTACK, 3.12+) and, on 3.13, frames
 * whose f_executable is not a code object.
 *
 * Cost, in probe reads of user memory (~90 ns each on the CI VM, more when
 * cold): a known thread 2 (its tstate, and prev->next to check it is still
 * linked) + 1 for 3.11/3.12's cframe; frames: 3.11+ keep them on a data
 * stack, each caller just below its callee, so one 4 KiB read takes 20 to
 * 60 frames (a frame elsewhere, a generator's, costs its own small read);
 * 3.10's are heap objects, a read each.  A code object costs one read
 * (its type, first line, name and file, to validate it), none when it is
 * the previous frame's (recursion).  A thread not seen before: 1 + 1 per
 * thread ahead of it in the list (new threads are pushed at the head: the
 * main thread is last).  A thread that is in no list (a C library's
 * thread) is searched again at most every WS_PY_NEG_NS; a main thread in
 * none at every walk (the interpreter's own, as it starts).  Codes already
 * copied cost a per-CPU cache probe; a new one 9 reads, at most
 * WS_PY_COPY_PER_CALL per walk (the rest on later walks).
 *
 * Needs: bpf_loop (5.17; inlined by the verifier, so each loop body is
 * verified once whatever its bound), BPF_F_NO_PREALLOC hash maps in
 * perf_event programs (6.1).  BPF stack: about 80 bytes; the big state is
 * in the per-CPU pywalk_scratch and pyframes_scratch maps.
 *
 * Limits: code objects are keyed by (tgid, address, ident): one freed and
 * another allocated at the same address with the same name and file
 * objects (exec()'d, eval()'d or reloaded code) keeps the first one's
 * line table.  Of several subinterpreters, only the main and the newest
 * are searched.  3.12's _xxsubinterpreters.run_string() runs code in
 * another OS thread on the subinterpreter's first tstate, whose
 * native_thread_id is that of the thread that created it: such stacks are
 * attributed to the creating thread (CPython bug; fixed in 3.13).  Reads
 * race with the interpreter in other threads (the thread list): a walk
 * can then come out short, never unsafe, always bounded.
 */
#ifndef WHYSLOW_PYTHON_BPF_H
#define WHYSLOW_PYTHON_BPF_H

#include "pycode.bpf.h"

/* One PyThreadState: is it the thread's?  Else on to tstate->next. */
static long py_thread_step(__u64 i, void *arg)
{
	struct py_loop_ctx *c = arg;
	struct ws_py_scratch *sc = c->sc;
	__u64 ts = sc->ptr;

	if (!ts)
		return 1;
	if (!py_read_win(sc, ts, sc->len)) {
		sc->fault = 1;
		return 1;
	}
	if (py_win_u64(sc, sc->id_off) == sc->want) {
		sc->found = ts;
		sc->frame = py_win_u64(sc, sc->frame_off);
		return 1;
	}
	sc->ptr = py_win_u64(sc, sc->off.tstate_next);
	return 0;
}

/*
 * The frame at addr in sc->fwin, read unless the window holds it: its
 * offset there, or -1 on a fault.  On a data stack (3.11+) the caller
 * sits just below its callee, so a window that ends at this frame holds
 * the next ones too.  It starts no lower than the frame's own page: the
 * page below may be unmapped (a data stack chunk is mmap'd on its own),
 * and a read that faults costs more than the frames it would have held
 * (the exception, and the helper clearing the 4 KiB it did not read).
 * Reading from the page instead cut the BPF time per syscall of a Python
 * script opening files 36 frames deep from ~840 to ~680 ns.
 */
static __always_inline long py_frame_window(struct ws_py_scratch *sc,
					    __u64 addr)
{
	__u64 len = sc->len, base, size;

	if (addr >= sc->fbase && addr + len <= sc->fbase + sc->flen)
		return addr - sc->fbase;
	if (addr < sc->fprev && sc->fprev - addr < WS_PY_FWIN / 2) {
		base = addr & ~(__u64)(WS_PY_PAGE - 1);
		if (addr + len - base > WS_PY_FWIN)
			base = addr + len - WS_PY_FWIN;
		size = addr + len - base;
		barrier_var(size);
		if (size <= WS_PY_FWIN &&
		    !bpf_probe_read_user(sc->fwin, size, (const void *)base)) {
			sc->fbase = base;
			sc->flen = size;
			return addr - base;
		}
	}
	barrier_var(len);
	if (len > WS_PY_WIN)
		return -1;
	if (bpf_probe_read_user(sc->fwin, len, (const void *)addr)) {
		sc->flen = 0;
		return -1;
	}
	sc->fbase = addr;
	sc->flen = len;
	return 0;
}

/*
 * A shim (3.12+) sits under the frames of one _PyEval_EvalFrameDefault
 * call: the frame recorded last, unless it is an entry already (a call
 * whose frames were all skipped), is that call's first, and is hashed
 * again with its flag.
 */
static __always_inline void py_mark_entry(struct py_loop_ctx *c)
{
	struct ws_py_scratch *sc = c->sc;
	struct ws_py_frame *f;

	if (!sc->n)
		return;
	f = &c->buf->frames[(sc->n - 1) & (WS_PY_MAX_FRAMES - 1)];
	if (f->code & WS_PY_FRAME_ENTRY)
		return;
	f->code |= WS_PY_FRAME_ENTRY;
	sc->hash = py_hash_frame(sc->hash_prev, f->code, f->instr, f->ident);
}

/* One frame: record it unless it is a shim, then on to its caller. */
static long py_frame_step(__u64 i, void *arg)
{
	struct py_loop_ctx *c = arg;
	struct ws_py_scratch *sc = c->sc;
	const struct ws_py_offsets *o = &sc->off;
	__u64 frame = sc->ptr, code;
	struct ws_py_frame *f;
	long at;
	__s64 d;
	__s32 instr;
	__u32 n;
	int ok;

	if (!frame)
		return 1;
	if (frame & 7) {
		sc->trunc = WS_PY_TRUNC_INVALID;	/* frames are aligned */
		return 1;
	}
	at = py_frame_window(sc, frame);
	if (at < 0) {
		sc->trunc = WS_PY_TRUNC_FAULT;
		return 1;
	}
	code = py_fwin_u64(sc, at, o->frame_code);
	sc->ptr = py_fwin_u64(sc, at, o->frame_previous);
	sc->fprev = frame;
	if (sc->ptr == frame) {
		sc->trunc = WS_PY_TRUNC_INVALID;	/* its own caller */
		return 1;
	}
	if (o->frame_owner != WS_PY_NONE &&
	    py_fwin_u8(sc, at, o->frame_owner) == WS_PY_OWNED_BY_CSTACK) {
		py_mark_entry(c);
		return 0;
	}
	if (!code)
		return 0;
	n = sc->n;
	if (n >= sc->max) {
		sc->trunc = WS_PY_TRUNC_DEPTH;
		return 1;
	}
	if (code != sc->last_code) {
		ok = py_check_code(sc, code);
		if (ok < 0) {
			sc->trunc = WS_PY_TRUNC_INVALID;
			return 1;
		}
		if (!ok)
			return 0;
		py_note_code(sc, c->tgid, n);
	}
	if (o->code_first_instr == WS_PY_NONE) {
		instr = (__s32)py_fwin_u32(sc, at, o->frame_instr); /* f_lasti */
	} else {
		d = (__s64)(py_fwin_u64(sc, at, o->frame_instr) - code -
			    o->code_first_instr);
		instr = d < -2 || d > 2 * WS_PY_MAX_INSTR ? -1 : (__s32)(d >> 1);
	}
	instr = instr < -1 ? -1 : instr;
	/* 3.11: the eval call that ran this frame first set is_entry */
	if (o->frame_is_entry != WS_PY_NONE &&
	    py_fwin_u8(sc, at, o->frame_is_entry))
		code |= WS_PY_FRAME_ENTRY;
	f = &c->buf->frames[n & (WS_PY_MAX_FRAMES - 1)];
	f->code = code;
	f->instr = instr;
	f->ident = sc->last_ident;
	sc->hash_prev = sc->hash;
	sc->hash = py_hash_frame(sc->hash, code, instr, sc->last_ident);
	sc->n = n + 1;
	return 0;
}

/* Is the cached tstate still the thread's?  Leaves sc->frame set. */
static __always_inline bool py_tstate_valid(struct ws_py_scratch *sc,
					    const struct ws_py_thread *t)
{
	__u64 ts = t->tstate, prev;

	if (!py_read_win(sc, ts, sc->len) ||
	    py_win_u64(sc, sc->id_off) != sc->want)
		return false;
	sc->frame = py_win_u64(sc, sc->frame_off);
	prev = py_win_u64(sc, sc->off.tstate_next - 8);
	return py_read_ptr(prev ? prev + sc->off.tstate_next : t->head) == ts;
}

/* Goes down the thread list of interp: 1 found (sc->found), 0 not there,
 * -1 unknown (a read failed, or the list is longer than the bound). */
static __always_inline int py_search_interp(struct ws_py_scratch *sc,
					    struct py_loop_ctx *c, __u64 interp,
					    __u64 *head)
{
	*head = interp + sc->off.interp_threads_head;
	sc->ptr = py_read_ptr(*head);
	sc->found = 0;
	bpf_loop(WS_PY_MAX_THREADS, py_thread_step, c, 0);
	if (sc->found)
		return 1;
	return sc->fault || sc->ptr ? -1 : 0;
}

/*
 * Finds the thread's PyThreadState: from py_threads, else down the thread
 * lists of the newest interpreter (interpreters.head: a subinterpreter if
 * any, such as mod_wsgi runs requests in) and of the main one.  Other
 * subinterpreters are not searched: ws_py_offsets has no
 * PyInterpreterState.next.  sc->len, id_off, frame_off and want are set.
 */
static __always_inline bool py_find_tstate(struct ws_py_scratch *sc,
					   struct py_loop_ctx *c, __u32 tid,
					   const struct ws_py_proc *proc)
{
	struct ws_py_thread *t, *nt = &sc->thread;
	__u64 head, main;
	int r;

	t = bpf_map_lookup_elem(&py_threads, &tid);
	if (t && t->runtime == proc->runtime) {
		if (!t->tstate) {
			if (bpf_ktime_get_ns() - t->when < WS_PY_NEG_NS)
				return false;
		} else if (py_tstate_valid(sc, t)) {
			return true;
		}
	}

	/* interpreters.head (the newest) and .main, adjacent in 3.10-3.13 */
	sc->fault = 0;
	if (!py_read_win(sc, proc->runtime + sc->off.runtime_interpreters_head,
			 16))
		return false;
	head = py_win_u64(sc, 0);
	main = py_win_u64(sc, 8);
	if (!main)
		return false;	/* not initialized, or finalized */
	/* The newest first: a thread running in a subinterpreter
	 * (_interpreters.run_string) has a tstate in each, and the
	 * subinterpreter's is the one running. */
	r = py_search_interp(sc, c, head ?: main, &nt->head);
	if (r == 0 && head && head != main)
		r = py_search_interp(sc, c, main, &nt->head);
	/* unknown: not cached; nor is a main thread found in no list: it
	 * gets its tstate as the interpreter starts (a walk at one of the
	 * loader's opens came before it, and its first 20 ms of Python
	 * were lost in one run in ten) */
	if (r < 0 || (!r && tid == c->tgid))
		return false;
	nt->tstate = r ? sc->found : 0;
	nt->runtime = proc->runtime;
	nt->when = nt->tstate ? 0 : bpf_ktime_get_ns();
	bpf_map_update_elem(&py_threads, &tid, nt, BPF_ANY);
	return nt->tstate != 0;
}

/* Sets what the thread search reads of a tstate; false if the offsets
 * are out of reach. */
static __always_inline bool py_setup_thread(struct ws_py_scratch *sc,
					    struct task_struct *task, __u32 tid)
{
	const struct ws_py_offsets *o = &sc->off;
	__u32 len;

	/* Which thread: 3.11+ by kernel tid, 3.10 by pthread_self(). */
	if (o->tstate_native_thread_id != WS_PY_NONE) {
		sc->id_off = o->tstate_native_thread_id;
		sc->want = tid;
	} else {
		sc->id_off = o->tstate_thread_id;
		sc->want = BPF_CORE_READ(task, thread.fsbase);
	}
	sc->frame_off = o->tstate_cframe != WS_PY_NONE ? o->tstate_cframe :
							  o->tstate_frame;
	/* A field this version lacks (WS_PY_NONE) makes len too big.  The
	 * window starts at the tstate, so it holds prev (just before next,
	 * in 3.10-3.13). */
	len = py_max(py_max(sc->id_off, sc->frame_off), o->tstate_next) + 8;
	if (len > WS_PY_WIN || o->tstate_next < 8)
		return false;
	sc->len = len;
	return true;
}

/* Sets what the frame walk reads of a frame and of a code object. */
static __always_inline bool py_setup_frames(struct ws_py_scratch *sc)
{
	const struct ws_py_offsets *o = &sc->off;
	__u32 len;

	len = py_max(py_max(o->frame_code, o->frame_previous),
		     o->frame_instr) + 8;
	if (o->frame_owner != WS_PY_NONE)
		len = py_max(len, o->frame_owner + 1);
	if (o->frame_is_entry != WS_PY_NONE)
		len = py_max(len, o->frame_is_entry + 1);
	/* whole words: a window that ends at a frame's end starts aligned */
	len = (len + 7) & ~7u;
	if (len > WS_PY_WIN)
		return false;
	sc->len = len;
	len = py_max(py_max(o->code_name, o->code_filename),
		     o->type_of_object) + 8;
	len = py_max(len, o->code_firstlineno + 4);
	if (len > WS_PY_WIN)
		return false;
	sc->code_len = len;
	return true;
}

static __always_inline __u32 py_walk_frames(struct py_loop_ctx *c,
					    struct task_struct *task,
					    __u32 tid,
					    const struct ws_py_proc *proc)
{
	struct ws_py_scratch *sc = c->sc;
	const struct ws_py_offsets *o = &sc->off;
	__u64 frame;

	if (!py_setup_thread(sc, task, tid) || !py_find_tstate(sc, c, tid, proc))
		return 0;
	frame = sc->frame;
	if (o->tstate_cframe != WS_PY_NONE && frame)
		frame = py_read_ptr(frame + o->cframe_current_frame);
	if (!frame || !py_setup_frames(sc))
		return 0;
	sc->ptr = frame;
	sc->flen = 0;
	/* 3.11+: the first window may as well hold the callers */
	sc->fprev = o->minor >= 11 ? frame + WS_PY_FWIN / 4 : 0;
	sc->last_code = 0;
	sc->n_todo = 0;
	bpf_loop(2 * sc->max + WS_PY_MAX_SHIMS, py_frame_step, c, 0);
	if (!sc->trunc && sc->ptr)	/* frame or step limit */
		sc->trunc = WS_PY_TRUNC_DEPTH;
	return sc->n;
}

/* w->sc is NULL unless it returns true. */
static __always_inline bool py_get(struct py_walk *w)
{
	__u32 zero = 0;
	struct ws_py_scratch *sc = bpf_map_lookup_elem(&pywalk_scratch, &zero);
	struct ws_py_frames *buf = bpf_map_lookup_elem(&pyframes_scratch,
						       &zero);

	w->sc = NULL;
	w->buf = NULL;
	if (!sc || !buf || sc->busy)
		return false;
	sc->busy = 1;
	w->sc = sc;
	w->buf = buf;
	return true;
}

static __always_inline void py_put(struct py_walk *w)
{
	w->sc->busy = 0;
}

static __always_inline __u32 py_walk_stack(struct py_walk *w,
					   struct task_struct *task,
					   __u32 tgid, __u32 tid,
					   const struct ws_py_proc *proc,
					   __u32 max)
{
	struct py_loop_ctx c = { .sc = w->sc, .buf = w->buf, .tgid = tgid };
	struct ws_py_scratch *sc = w->sc;
	struct ws_py_event *ev = &w->buf->ev;

	sc->off = proc->off;
	sc->code_type = proc->code_type;
	sc->max = max < WS_PY_MAX_FRAMES ? max : WS_PY_MAX_FRAMES;
	sc->n = 0;
	sc->trunc = 0;
	sc->hash = tgid;
	if (py_walk_frames(&c, task, tid, proc))
		py_copy_new_codes(&c);
	ev->type = WS_EV_PY_STACK;
	ev->pid = tgid;
	ev->tid = tid;
	ev->pad = 0;
	ev->hash = sc->hash ?: 1;
	ev->py.n = sc->n;
	ev->py.truncated = sc->trunc;
	return sc->n;
}

/* For I/O sites: takes w (the caller gives it back with py_put() if
 * w->sc is set) and walks the innermost WS_PY_SITE_FRAMES frames into
 * w->buf.  Returns their hash, 0 with none. */
static __always_inline __u64 py_site_walk(struct py_walk *w,
					  struct task_struct *task,
					  __u32 tgid, __u32 tid)
{
	const struct ws_py_proc *proc = bpf_map_lookup_elem(&py_procs, &tgid);

	w->sc = NULL;
	if (!proc || !py_get(w) ||
	    !py_walk_stack(w, task, tgid, tid, proc, WS_PY_SITE_FRAMES))
		return 0;
	return w->buf->ev.hash;
}

#endif
