/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CPython walker's state (python.bpf.h): its bounds, maps and per-CPU
 * scratch, and the loads of what it read.  Split from python.bpf.h,
 * which documents the whole.
 */
#ifndef WHYSLOW_PYSTATE_BPF_H
#define WHYSLOW_PYSTATE_BPF_H

#include "common.bpf.h"
#define WS_PY_MAX_THREADS	256	/* PyThreadStates visited per walk */
/* Frames visited beyond the Python frames kept: 3.12+ shims (one per
 * entry from C into the interpreter: as many as Python frames in a
 * recursion through a C function, map() or a C method) and 3.13's
 * frames of other objects.  The walk visits 2 * max + this at most. */
#define WS_PY_MAX_SHIMS		64
#define WS_PY_COPY_PER_CALL	16	/* new code objects copied per walk */
#define WS_PY_WIN		256	/* bytes of one object read at once */
#define WS_PY_WIN_MASK		(WS_PY_WIN - 1)
#define WS_PY_FWIN		4096	/* bytes of data stack read at once */
#define WS_PY_PAGE		4096
#define WS_PY_SEEN		256	/* per-CPU cache of copied codes */
#define WS_PY_THREADS_CACHED	16384	/* py_threads entries */
/* How long a thread found in no PyThreadState is taken not to run Python
 * (a C library's thread: BLAS, gRPC...) before its tstate is sought
 * again: a thread that gains one (PyGILState_Ensure) may miss its first
 * 20 ms of Python stacks. */
#define WS_PY_NEG_NS		(20 * 1000 * 1000ULL)


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
 * that spares the walk a hash lookup per new frame. */
struct ws_py_seen {
	__u64 code;
	__u32 tgid;
	__u32 ident;
};

/*
 * Per-CPU state of a walk, in a map: the windows of objects read at once
 * and the ws_py_code being filled do not fit on the BPF stack, and the
 * loop state lives here so that the bpf_loop() context is small.  Fields
 * of a window are loaded at offsets masked to its size, hence the slack
 * after each.
 *
 * busy: perf_event programs run in hard IRQ context and could interrupt a
 * tracepoint program that has IRQs on (sched_switch has them off) on the
 * same CPU; the interrupting call then gives up (0 frames) rather than mix
 * its data into the interrupted one's.  It covers pyframes_scratch too,
 * until the caller has sent the frames.
 *
 * The maps here are defined once, in proc.bpf.c: oncpu.bpf.c, offcpu.bpf.c
 * and io.bpf.c share them in the linked object.
 */
struct ws_py_scratch {
	__u32 busy;
	__u32 n;		/* frames recorded */
	__u32 max;		/* frames wanted at most */
	__u32 trunc;		/* enum ws_py_trunc */
	__u64 ptr;		/* tstate or frame to visit next; 0: stop */
	__u64 want;		/* the thread id sought */
	__u64 found;		/* its tstate */
	__u64 frame;		/* its frame (3.10, 3.13) or cframe pointer */
	__u64 code_type;
	__u64 hash;		/* of the frames so far */
	__u64 hash_prev;	/* ... before the last one: to hash it again
				 * once a shim marks it an entry */
	__u64 last_code;	/* the last code object validated */
	__u32 last_ident;	/* ... its ident */
	__u32 len;		/* bytes read per visit */
	__u32 code_len;		/* bytes of a code object read to validate */
	__u16 id_off;		/* tstate field compared with want */
	__u16 frame_off;	/* tstate field that leads to the frame */
	__u32 fault;		/* a read of the thread list failed */
	__u32 n_todo;		/* entries of todo */
	/* fwin holds user memory [fbase, fbase + flen), flen <= WS_PY_FWIN */
	__u64 fbase;
	__u64 flen;
	__u64 fprev;		/* the frame visited before */
	struct ws_py_offsets off;
	/* Here rather than on the BPF stack, which the callers need. */
	struct ws_py_thread thread;	/* py_threads value being made */
	struct ws_py_code_key key;
	__u64 strs[3];			/* name, qualname, filename */
	__u64 linetable;
	/* frames whose code was not in the seen cache, walk order, and
	 * their codes: one repeated in the walk (a recursion through two
	 * functions, _parse and _parse_sub) takes one place, not one a
	 * frame, which left the outer frames of a deep import uncopied */
	__u16 todo[WS_PY_COPY_PER_CALL];
	__u64 noted[WS_PY_COPY_PER_CALL];
	struct ws_py_seen seen[WS_PY_SEEN];
	__u8 win[WS_PY_WIN + 8] __attribute__((aligned(8)));
	__u8 fwin[WS_PY_FWIN + WS_PY_WIN + 8] __attribute__((aligned(8)));
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

/* The frames of a walk, after the header of the event that sends them as
 * they are (WS_EV_PY_STACK): apart from ws_py_scratch, as per-CPU values
 * are limited to 32 KiB. */
struct ws_py_frames {
	struct ws_py_event ev;
	struct ws_py_frame frames[WS_PY_MAX_FRAMES];
};

struct pyframes_scratch_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ws_py_frames);
};
extern struct pyframes_scratch_map pyframes_scratch SEC(".maps");

/* What py_get() hands out. */
struct py_walk {
	struct ws_py_scratch *sc;
	struct ws_py_frames *buf;
};

/* bpf_loop() context: on the caller's stack, so small. */
struct py_loop_ctx {
	struct ws_py_scratch *sc;
	struct ws_py_frames *buf;
	__u32 tgid;
};

/*
 * Loads of the window at an offset from the table, as whole words: clang
 * knows no alignment for an element of a byte array and would load a
 * word byte by byte (22 instructions for a __u64).  The windows are
 * aligned and so are the fields of CPython's structs (user space refuses
 * offsets that are not); an offset that were not would read the word
 * that holds it, still within the window.
 */
#define PY_LOAD(buf, i, type)						\
	(*(const type *)__builtin_assume_aligned(			\
		&(buf)[(i) & ~(__u32)(sizeof(type) - 1)], sizeof(type)))

static __always_inline __u64 py_win_u64(const struct ws_py_scratch *sc,
					__u32 off)
{
	return PY_LOAD(sc->win, off & WS_PY_WIN_MASK, __u64);
}

static __always_inline __u32 py_win_u32(const struct ws_py_scratch *sc,
					__u32 off)
{
	return PY_LOAD(sc->win, off & WS_PY_WIN_MASK, __u32);
}

/* Loads of a frame at offset at of the frame window: at is a multiple of
 * 8 (frames are 8-byte aligned, and so is every window's start). */
static __always_inline __u64 py_fwin_u64(const struct ws_py_scratch *sc,
					 __u32 at, __u32 off)
{
	return PY_LOAD(sc->fwin, (at & (WS_PY_FWIN - 1)) +
				 (off & WS_PY_WIN_MASK), __u64);
}

static __always_inline __u32 py_fwin_u32(const struct ws_py_scratch *sc,
					 __u32 at, __u32 off)
{
	return PY_LOAD(sc->fwin, (at & (WS_PY_FWIN - 1)) +
				 (off & WS_PY_WIN_MASK), __u32);
}

static __always_inline __u8 py_fwin_u8(const struct ws_py_scratch *sc,
				       __u32 at, __u32 off)
{
	return sc->fwin[(at & (WS_PY_FWIN - 1)) + (off & WS_PY_WIN_MASK)];
}

static __always_inline __u32 py_max(__u32 a, __u32 b)
{
	return a > b ? a : b;
}

/* What an object pointer can be: user space, 8-byte aligned. */
static __always_inline bool py_user_ptr(__u64 p)
{
	return p && !(p & 7) && p < (1ULL << 47);
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
	return !bpf_probe_read_user(sc->win, len, (const void *)addr);
}

static __always_inline __u64 py_read_ptr(__u64 addr)
{
	__u64 v;

	if (bpf_probe_read_user(&v, sizeof(v), (const void *)addr))
		return 0;
	return v;
}

#endif
