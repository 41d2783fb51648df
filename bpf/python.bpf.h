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
 *   __u32 py_capture(task, tgid, tid, out)
 *	What oncpu and offcpu call: looks tgid up in py_procs, walks, then
 *	copies new code objects.  Returns out->n.
 *   __u32 py_walk(task, tgid, tid, out)
 *   __u32 py_walk_proc(task, tid, proc, out)	(proc looked up already)
 *	Fill *out with the thread's Python frames, innermost first; return
 *	how many.  0: no py_procs entry, the interpreter is not (or no longer)
 *	initialized, the thread has no PyThreadState, no Python code is
 *	running in it, or the per-CPU scratch is busy (see pywalk_scratch).
 *	out->n and out->truncated are always set; frames[n..] are left as
 *	they were.
 *   void py_copy_new_codes(tgid, proc, stack)
 *	Copies into py_codes at most WS_PY_COPY_PER_CALL code objects of
 *	*stack not there yet (the rest on later calls), so that user space
 *	can name them even once the process is gone.
 *
 * out->truncated: 0 the walk reached the outermost frame;
 * WS_PY_TRUNC_DEPTH more than WS_PY_MAX_FRAMES Python frames (or more than
 * WS_PY_MAX_STEPS frames with shims); WS_PY_TRUNC_FAULT a read failed
 * (memory paged out, a racing change): outer frames are missing.
 *
 * frames[i].code: the PyCodeObject's address, the py_codes key with tgid.
 * frames[i].instr: the index in 2-byte code units of the instruction that
 * frame is at: 3.10 f_lasti; 3.11+ (prev_instr / instr_ptr -
 * &co_code_adaptive) / 2, what CPython's own _PyInterpreterFrame_LASTI
 * gives.  Its line is PyCode_Addr2Line(code, 2 * instr).  -1: the frame
 * has not started (3.10 f_lasti -1; 3.11/3.12 prev_instr is one unit
 * before the code) or a value out of range.
 *
 * struct ws_py_code as filled here: names as raw code units of their kind
 * (name_kind 0 ASCII or 1 Latin-1: bytes; 2, 4: UCS-2/UCS-4 units) with
 * their NUL unit, or without one when cut at the buffer's size;
 * qualname empty on 3.10; a field left empty (kind 0) when the object is
 * not a compact str.  linetable_len bytes of co_linetable were copied,
 * linetable_full is its whole length (capped at 65535).  All other bytes
 * are zero.
 *
 * The walk: _PyRuntime.interpreters.head (the newest interpreter), then
 * .main if different (they are adjacent in 3.10-3.13) -> threads.head ->
 * tstate->next ..., until native_thread_id == tid (3.11+), or on 3.10
 * thread_id (pthread_self(): the fs base on x86-64 glibc) ==
 * task->thread.fsbase.  What was found is cached per tid in py_threads
 * (checked at each use, see there).  Then the current frame: 3.10
 * tstate->frame, 3.11/3.12 tstate->cframe->current_frame, 3.13
 * tstate->current_frame, and its callers (f_back / previous), skipping
 * shim frames (owner FRAME_OWNED_BY_CSTACK, 3.12+) and, on 3.13 when
 * proc->code_type is known, frames whose f_executable is not a code
 * object.  Each object is read once, all the fields it needs at once, into
 * a per-CPU window.
 *
 * Cost, in probe reads of user memory (~90 ns each on the CI VM, more when
 * cold): a known thread 2 (its tstate, and prev->next to check it is still
 * linked) + 1 for 3.11/3.12's cframe + 1 per frame (+1 per frame on 3.13
 * for the type); plus hash lookups in py_procs and py_threads.  A thread
 * not seen before: 1 + 1 per thread ahead of it in the list (new threads
 * are pushed at the head: the main thread is last).  A thread that is in
 * no list (a C library's thread) is searched again at most every
 * WS_PY_NEG_NS.  Codes already copied cost nothing (per-CPU cache); a new
 * one 9 reads.  Measured on 3.10-3.13, 4-7 frames: about 1-2 us per
 * sched_switch call, 2-3 us per sample (cold caches).
 *
 * Needs: bpf_loop (5.17; inlined by the verifier, so each loop body is
 * verified once whatever its bound), BPF_F_NO_PREALLOC hash maps in
 * perf_event programs (6.1).  BPF stack: about 60 bytes; the big state is
 * in the per-CPU pywalk_scratch map.
 *
 * Limits: code objects are keyed by (tgid, address): one freed and another
 * allocated at the same address (exec()'d, eval()'d or reloaded code)
 * keeps the first one's names.  Of several subinterpreters, only the main
 * and the newest are searched.  3.12's _xxsubinterpreters.run_string()
 * runs code in another OS thread on the subinterpreter's first tstate,
 * whose native_thread_id is that of the thread that created it: such
 * stacks are attributed to the creating thread (CPython bug; fixed in
 * 3.13).  Reads race with the interpreter in other threads (the thread
 * list): a walk can then come out wrong, never unsafe, always bounded.
 */
#ifndef WHYSLOW_PYTHON_BPF_H
#define WHYSLOW_PYTHON_BPF_H

#include "common.bpf.h"

#define WS_PY_MAX_THREADS	256	/* PyThreadStates visited per walk */
/* Frames visited per walk: Python frames plus 3.12+ shims (one per entry
 * from C into the interpreter, at least the outermost). */
#define WS_PY_MAX_STEPS		(WS_PY_MAX_FRAMES + 16)
#define WS_PY_COPY_PER_CALL	8	/* new code objects copied per call */
#define WS_PY_WIN		256	/* bytes of one object read at once */
#define WS_PY_WIN_MASK		(WS_PY_WIN - 1)
#define WS_PY_OWNED_BY_CSTACK	3	/* _PyInterpreterFrame.owner, 3.12+ */
#define WS_PY_MAX_INSTR		(1 << 20)	/* code units; beyond: -1 */
#define WS_PY_SEEN		256	/* per-CPU cache of copied codes */
#define WS_PY_THREADS_CACHED	16384	/* py_threads entries */
/* How long a thread found in no PyThreadState is taken not to run Python
 * (a C library's thread: BLAS, gRPC...) before its tstate is sought
 * again: a thread that gains one (PyGILState_Ensure) may miss its first
 * 20 ms of Python stacks. */
#define WS_PY_NEG_NS		(20 * 1000 * 1000ULL)

/* PyASCIIObject.state: interned:2, kind:3, compact:1, ascii:1 from bit 0
 * in 3.10-3.13 (GCC allocates bitfields from the low bit on x86-64). */
#define WS_PY_STR_KIND(s)	(((s) >> 2) & 7)
#define WS_PY_STR_COMPACT	(1u << 5)
#define WS_PY_STR_ASCII		(1u << 6)
/* PyASCIIObject.length (Py_ssize_t, right after PyObject_HEAD) in every
 * default (not free-threaded) build from 3.3 to 3.13; not in
 * ws_py_offsets. */
#define WS_PY_STR_LENGTH	16

enum {
	WS_PY_TRUNC_DEPTH = 1,
	WS_PY_TRUNC_FAULT = 2,
};

/* tgid -> where its interpreter is, filled by the loader. */
struct py_procs_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct ws_py_proc);
};
extern struct py_procs_map py_procs SEC(".maps");

/*
 * (tgid, code object) -> its names and line table, filled here, read by
 * user space at the end.  Preallocated: without, every insert allocates
 * from a small per-CPU cache that refills later, so a stack seen once (a
 * single long wait) would get one of its new code objects named, not all.
 */
struct py_codes_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ws_py_code_key);
	__type(value, struct ws_py_code);
};
extern struct py_codes_map py_codes SEC(".maps");

/*
 * tid -> its PyThreadState, so that a walk need not go down the thread
 * list (the main thread is its last entry: with 100 threads, 100 reads,
 * 30 us here).  A cached tstate is used only if it still holds the thread's
 * id and is still linked: tstate->prev->next == tstate, or the list's
 * head == tstate when prev is NULL.  A freed tstate fails that (free()
 * overwrites prev, and unlinking changes its neighbours), a reused one
 * holds another id.  tstate 0: no Python thread, as of when.
 * BPF-internal; not in whyslow.h.
 */
struct ws_py_thread {
	__u64 tstate;
	__u64 runtime;		/* proc->runtime: stale if the tid moved on */
	__u64 head;		/* &interp->threads.head */
	__u64 when;		/* tstate 0: bpf_ktime_get_ns() of the search */
};

struct py_threads_map {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, WS_PY_THREADS_CACHED);
	__type(key, __u32);
	__type(value, struct ws_py_thread);
};
extern struct py_threads_map py_threads SEC(".maps");

/* A code object known to be in py_codes: a direct-mapped per-CPU cache
 * that spares py_copy_new_codes() a hash lookup per frame. */
struct ws_py_seen {
	__u64 code;
	__u32 tgid;
	__u32 ident;
};

/*
 * Per-CPU state of a walk or copy, in a map: the window of an object read
 * at once and the ws_py_code being filled do not fit on the BPF stack, and
 * the loop state lives here so that the bpf_loop() context is small.
 * Fields of the window are loaded at offsets masked to WS_PY_WIN_MASK,
 * hence the 8 bytes of slack after it.
 *
 * busy: perf_event programs run in hard IRQ context and could interrupt a
 * tracepoint program that has IRQs on (sched_switch has them off) on the
 * same CPU; the interrupting call then gives up (0 frames) rather than mix
 * its data into the interrupted one's.
 *
 * The maps here are defined once, in proc.bpf.c: oncpu.bpf.c, offcpu.bpf.c
 * and io.bpf.c share them in the linked object.
 */
struct ws_py_scratch {
	__u32 busy;
	__u32 n;		/* frames recorded */
	__u64 ptr;		/* tstate or frame to visit next; 0: stop */
	__u64 want;		/* the thread id sought */
	__u64 found;		/* its tstate */
	__u64 frame;		/* its frame (3.10, 3.13) or cframe pointer */
	__u64 code_type;
	__u32 len;		/* bytes read per visit */
	__u16 id_off;		/* tstate field compared with want */
	__u16 frame_off;	/* tstate field that leads to the frame */
	__u32 fault;		/* a read failed */
	__u32 copied;		/* code objects copied (or tried) this call */
	struct ws_py_offsets off;
	/* Here rather than on the BPF stack, which the callers need. */
	struct ws_py_thread thread;	/* py_threads value being made */
	struct ws_py_code_key key;
	__u64 strs[3];			/* name, qualname, filename */
	__u64 linetable;
	struct ws_py_seen seen[WS_PY_SEEN];
	__u8 win[WS_PY_WIN + 8] __attribute__((aligned(8)));
	struct ws_py_code code;
	/* Never written: what code is cleared from, with one helper call
	 * (clang refuses a 1.5 KiB __builtin_memset on BPF, and 190 inline
	 * stores would be 190 instructions). */
	struct ws_py_code zero;
};

struct pywalk_scratch_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ws_py_scratch);
};
extern struct pywalk_scratch_map pywalk_scratch SEC(".maps");

/* bpf_loop() context: on the caller's stack, so small. */
struct py_loop_ctx {
	struct ws_py_scratch *sc;
	struct ws_py_stack *stack;
	__u32 tgid;
};

/* Loads of the window at an offset from the table. */
static __always_inline __u64 py_win_u64(const struct ws_py_scratch *sc,
					__u32 off)
{
	return *(const __u64 *)&sc->win[off & WS_PY_WIN_MASK];
}

static __always_inline __u32 py_win_u32(const struct ws_py_scratch *sc,
					__u32 off)
{
	return *(const __u32 *)&sc->win[off & WS_PY_WIN_MASK];
}

static __always_inline __u8 py_win_u8(const struct ws_py_scratch *sc,
				      __u32 off)
{
	return sc->win[off & WS_PY_WIN_MASK];
}

static __always_inline __u32 py_max(__u32 a, __u32 b)
{
	return a > b ? a : b;
}

/* Reads len bytes (at most WS_PY_WIN) at addr into the window; false on a
 * fault. */
static __always_inline bool py_read_win(struct ws_py_scratch *sc, __u64 addr,
					__u64 len)
{
	/* 64-bit, or clang may test a zero-extended copy and pass the
	 * unchecked register to the helper. */
	barrier_var(len);
	if (len > WS_PY_WIN)
		len = WS_PY_WIN;
	if (bpf_probe_read_user(sc->win, len, (const void *)addr)) {
		sc->fault = 1;
		return false;
	}
	return true;
}

static __always_inline __u64 py_read_ptr(__u64 addr)
{
	__u64 v;

	if (bpf_probe_read_user(&v, sizeof(v), (const void *)addr))
		return 0;
	return v;
}

/* One PyThreadState: is it the thread's?  Else on to tstate->next. */
static long py_thread_step(__u64 i, void *arg)
{
	struct py_loop_ctx *c = arg;
	struct ws_py_scratch *sc = c->sc;
	__u64 ts = sc->ptr;

	if (!ts || !py_read_win(sc, ts, sc->len))
		return 1;
	if (py_win_u64(sc, sc->id_off) == sc->want) {
		sc->found = ts;
		sc->frame = py_win_u64(sc, sc->frame_off);
		return 1;
	}
	sc->ptr = py_win_u64(sc, sc->off.tstate_next);
	return 0;
}

/*
 * Which code object lives at this address now: code objects are freed
 * (module and class bodies after import) and their addresses reused, so
 * the address alone would name a later function after an earlier one.
 * co_filename and co_name are adjacent in 3.10 to 3.13: one read.
 */
static __always_inline __u32 py_code_ident(__u64 code,
					   const struct ws_py_offsets *o)
{
	__u64 ptrs[2];

	if (o->code_name != o->code_filename + 8 ||
	    bpf_probe_read_user(ptrs, sizeof(ptrs),
				(const void *)(code + o->code_filename)))
		return 0;
	return (__u32)(ptrs[0] >> 4) ^ (__u32)(ptrs[0] >> 36) ^
	       (__u32)(ptrs[1] >> 4) * 0x9e3779b1u ^ (__u32)(ptrs[1] >> 36);
}

/* One frame: record it unless it is a shim, then on to its caller. */
static long py_frame_step(__u64 i, void *arg)
{
	struct py_loop_ctx *c = arg;
	struct ws_py_scratch *sc = c->sc;
	struct ws_py_stack *out = c->stack;
	const struct ws_py_offsets *o = &sc->off;
	__u64 frame = sc->ptr, code, type;
	__s64 d;
	__s32 instr;
	__u32 n;

	if (!frame || !py_read_win(sc, frame, sc->len))
		return 1;
	code = py_win_u64(sc, o->frame_code);
	sc->ptr = py_win_u64(sc, o->frame_previous);
	if (o->frame_owner != WS_PY_NONE &&
	    py_win_u8(sc, o->frame_owner) == WS_PY_OWNED_BY_CSTACK)
		return 0;
	if (!code)
		return 0;
	/* Only 3.13+ frames may hold something else than a code object. */
	if (sc->code_type && o->minor >= 13) {
		if (bpf_probe_read_user(&type, sizeof(type),
					(const void *)(code + o->type_of_object))) {
			sc->fault = 1;
			return 1;
		}
		if (type != sc->code_type)
			return 0;
	}
	n = sc->n;
	if (n >= WS_PY_MAX_FRAMES) {
		out->truncated = WS_PY_TRUNC_DEPTH;
		return 1;
	}
	if (o->code_first_instr == WS_PY_NONE) {
		instr = (__s32)py_win_u32(sc, o->frame_instr);	/* f_lasti */
	} else {
		d = (__s64)(py_win_u64(sc, o->frame_instr) - code -
			    o->code_first_instr);
		instr = d < -2 || d > 2 * WS_PY_MAX_INSTR ? -1 : (__s32)(d >> 1);
	}
	out->frames[n].code = code;
	out->frames[n].instr = instr < -1 ? -1 : instr;
	out->frames[n].ident = py_code_ident(code, o);
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
	if (r < 0)
		return false;	/* unknown: do not cache */
	nt->tstate = r ? sc->found : 0;
	nt->runtime = proc->runtime;
	nt->when = nt->tstate ? 0 : bpf_ktime_get_ns();
	bpf_map_update_elem(&py_threads, &tid, nt, BPF_ANY);
	return nt->tstate != 0;
}

static __always_inline __u32 py_walk_locked(struct ws_py_scratch *sc,
					    struct task_struct *task, __u32 tid,
					    const struct ws_py_proc *proc,
					    struct ws_py_stack *out)
{
	struct py_loop_ctx c = { .sc = sc, .stack = out };
	const struct ws_py_offsets *o = &sc->off;
	__u64 frame;
	__u32 len;

	sc->off = proc->off;
	sc->code_type = proc->code_type;
	sc->fault = 0;
	sc->n = 0;

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
		return 0;
	sc->len = len;
	if (!py_find_tstate(sc, &c, tid, proc))
		return 0;

	frame = sc->frame;
	if (o->tstate_cframe != WS_PY_NONE && frame)
		frame = py_read_ptr(frame + o->cframe_current_frame);
	if (!frame)
		return 0;

	len = py_max(py_max(o->frame_code, o->frame_previous),
		     o->frame_instr) + 8;
	if (o->frame_owner != WS_PY_NONE)
		len = py_max(len, o->frame_owner + 1);
	if (len > WS_PY_WIN)
		return 0;
	sc->len = len;
	sc->ptr = frame;
	bpf_loop(WS_PY_MAX_STEPS, py_frame_step, &c, 0);

	out->n = sc->n;
	if (sc->fault)
		out->truncated = WS_PY_TRUNC_FAULT;
	else if (sc->ptr)	/* frame or step limit */
		out->truncated = WS_PY_TRUNC_DEPTH;
	return out->n;
}

static __always_inline struct ws_py_scratch *py_scratch_get(void)
{
	__u32 zero = 0;
	struct ws_py_scratch *sc = bpf_map_lookup_elem(&pywalk_scratch, &zero);

	if (!sc || sc->busy)
		return NULL;
	sc->busy = 1;
	return sc;
}

/* The walk, for callers that already looked proc up. */
static __always_inline __u32 py_walk_proc(struct task_struct *task, __u32 tid,
					  const struct ws_py_proc *proc,
					  struct ws_py_stack *out)
{
	struct ws_py_scratch *sc;
	__u32 n;

	out->n = 0;
	out->truncated = 0;
	sc = py_scratch_get();
	if (!sc)
		return 0;
	n = py_walk_locked(sc, task, tid, proc, out);
	sc->busy = 0;
	return n;
}

static __always_inline __u32 py_walk(struct task_struct *task, __u32 tgid,
				     __u32 tid, struct ws_py_stack *out)
{
	const struct ws_py_proc *proc = bpf_map_lookup_elem(&py_procs, &tgid);

	if (!proc) {
		out->n = 0;
		out->truncated = 0;
		return 0;
	}
	return py_walk_proc(task, tid, proc, out);
}

/*
 * A str into dst as its code units (1 byte for ASCII and Latin-1, 2 or 4)
 * with the terminating NUL unit, cut at size: no NUL unit then.  Returns
 * the kind for struct ws_py_code (0 ASCII, else 1, 2, 4); leaves dst empty
 * (kind 0) when obj is not a compact str or cannot be read.
 */
static __always_inline __u8 py_copy_str(struct ws_py_scratch *sc, char *dst,
					__u32 size, __u64 obj)
{
	const struct ws_py_offsets *o = &sc->off;
	__u64 len, data;
	__u32 state, kind, unit;

	if (!obj || !py_read_win(sc, obj,
				 py_max(o->unicode_state + 4,
					WS_PY_STR_LENGTH + 8)))
		return 0;
	state = py_win_u32(sc, o->unicode_state);
	if (!(state & WS_PY_STR_COMPACT))
		return 0;	/* 3.10/3.11 legacy str: not in code objects */
	if (state & WS_PY_STR_ASCII) {
		kind = 0;
		unit = 1;
		data = obj + o->unicode_ascii_data;
	} else {
		kind = WS_PY_STR_KIND(state);
		if (kind != 1 && kind != 2 && kind != 4)
			return 0;
		unit = kind;
		data = obj + o->unicode_compact_data;
	}
	/* The string's own length: no read past its end, and a cut string
	 * is told by its missing NUL. */
	len = py_win_u64(sc, WS_PY_STR_LENGTH);
	if (len > size)
		len = size;
	len = (len + 1) * unit;
	barrier_var(len);
	if (len > size)
		len = size;
	if (bpf_probe_read_user(dst, len, (const void *)data))
		return 0;	/* dst zeroed by the helper */
	return kind;
}

/* Fills sc->code from the code object at code; false if it is not one or
 * could not be read. */
static __always_inline bool py_copy_code(struct ws_py_scratch *sc, __u64 code)
{
	const struct ws_py_offsets *o = &sc->off;
	struct ws_py_code *pc = &sc->code;
	__u64 linetable, size;
	__u32 len;

	len = py_max(py_max(o->code_name, o->code_filename),
		     py_max(o->code_linetable, o->type_of_object)) + 8;
	len = py_max(len, o->code_firstlineno + 4);
	if (o->code_qualname != WS_PY_NONE)
		len = py_max(len, o->code_qualname + 8);
	if (len > WS_PY_WIN || !py_read_win(sc, code, len))
		return false;
	if (sc->code_type && py_win_u64(sc, o->type_of_object) != sc->code_type)
		return false;

	bpf_probe_read_kernel(pc, sizeof(*pc), &sc->zero);
	pc->firstlineno = (__s32)py_win_u32(sc, o->code_firstlineno);
	/* The window is reused for each str: keep the pointers. */
	sc->strs[0] = py_win_u64(sc, o->code_name);
	sc->strs[1] = o->code_qualname != WS_PY_NONE ?
		      py_win_u64(sc, o->code_qualname) : 0;
	sc->strs[2] = py_win_u64(sc, o->code_filename);
	sc->linetable = py_win_u64(sc, o->code_linetable);

	pc->name_kind = py_copy_str(sc, pc->name, sizeof(pc->name),
				    sc->strs[0]);
	pc->qualname_kind = py_copy_str(sc, pc->qualname, sizeof(pc->qualname),
					sc->strs[1]);
	pc->filename_kind = py_copy_str(sc, pc->filename, sizeof(pc->filename),
					sc->strs[2]);

	linetable = sc->linetable;
	if (linetable) {
		size = py_read_ptr(linetable + o->bytes_size);	/* ob_size */
		if ((__s64)size > 0) {
			len = size > WS_PY_LINETABLE_LEN ? WS_PY_LINETABLE_LEN :
							   size;
			barrier_var(len);
			if (len > WS_PY_LINETABLE_LEN)
				len = WS_PY_LINETABLE_LEN;
			if (!bpf_probe_read_user(pc->linetable, len,
						 (const void *)(linetable +
								o->bytes_data))) {
				pc->linetable_len = len;
				pc->linetable_full = size > 0xffff ? 0xffff : size;
			}
		}
	}
	return true;
}

static __always_inline struct ws_py_seen *py_seen_slot(struct ws_py_scratch *sc,
						       __u64 code, __u32 tgid)
{
	/* objects are 16-byte aligned */
	__u32 h = (__u32)(code >> 4) ^ (__u32)(code >> 12) ^ tgid;

	return &sc->seen[h & (WS_PY_SEEN - 1)];
}

/* One frame's code object: into py_codes if new, within the budget. */
static long py_copy_step(__u64 i, void *arg)
{
	struct py_loop_ctx *c = arg;
	struct ws_py_scratch *sc = c->sc;
	struct ws_py_seen *seen;
	__u64 code;
	__u32 ident;
	long err;

	if (i >= WS_PY_MAX_FRAMES)
		return 1;
	code = c->stack->frames[i].code;
	ident = c->stack->frames[i].ident;
	seen = py_seen_slot(sc, code, c->tgid);
	if (seen->code == code && seen->tgid == c->tgid && seen->ident == ident)
		return 0;
	sc->key.pid = c->tgid;
	sc->key.ident = ident;
	sc->key.code = code;
	if (!bpf_map_lookup_elem(&py_codes, &sc->key)) {
		if (sc->copied >= WS_PY_COPY_PER_CALL)
			return 0;
		sc->copied++;	/* tries count too: bounded work per call */
		if (!py_copy_code(sc, code))
			return 0;
		err = bpf_map_update_elem(&py_codes, &sc->key, &sc->code,
					  BPF_NOEXIST);
		if (err && err != -EEXIST)
			return 0;	/* map full: try again later */
	}
	seen->code = code;
	seen->tgid = c->tgid;
	seen->ident = ident;
	return 0;
}

static __always_inline void py_copy_new_codes(__u32 tgid,
					      const struct ws_py_proc *proc,
					      const struct ws_py_stack *stack)
{
	struct py_loop_ctx c = { .stack = (struct ws_py_stack *)stack,
				 .tgid = tgid };
	__u32 n = stack->n;

	if (!n)
		return;
	if (n > WS_PY_MAX_FRAMES)
		n = WS_PY_MAX_FRAMES;
	c.sc = py_scratch_get();
	if (!c.sc)
		return;
	c.sc->off = proc->off;
	c.sc->code_type = proc->code_type;
	c.sc->copied = 0;
	bpf_loop(n, py_copy_step, &c, 0);
	c.sc->busy = 0;
}

/* Walk and copy in one: what oncpu and offcpu call. */
static __always_inline __u32 py_capture(struct task_struct *task, __u32 tgid,
					__u32 tid, struct ws_py_stack *out)
{
	const struct ws_py_proc *proc = bpf_map_lookup_elem(&py_procs, &tgid);
	__u32 n;

	if (!proc) {
		out->n = 0;
		out->truncated = 0;
		return 0;
	}
	n = py_walk_proc(task, tid, proc, out);
	if (n)
		py_copy_new_codes(tgid, proc, out);
	return n;
}

#endif
