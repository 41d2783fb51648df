/* SPDX-License-Identifier: GPL-2.0 */
/* Types shared by the BPF programs and the user-space loader. */
#ifndef WHYSLOW_H
#define WHYSLOW_H

#define WS_MAX_STACK	127	/* kernel's default perf_event_max_stack */
#define WS_COMM_LEN	16

enum ws_event_type {
	WS_EV_SAMPLE = 1,
	WS_EV_WAIT,
	WS_EV_IO_SITE,		/* struct ws_io_site */
	WS_EV_FD,		/* struct ws_fd_event */
	WS_EV_EXEC,		/* struct ws_exec */
	WS_EV_REQUEST,		/* struct ws_fd_event: a request ended */
	WS_EV_EXIT,		/* struct ws_exit */
	WS_EV_PY_STACK,		/* struct ws_py_event */
	WS_EV_PATH,		/* struct ws_path_event */
	WS_EV_IO_AGAIN,		/* struct ws_io_again */
	WS_EV_THREAD,		/* struct ws_thread_event */
};

/* ---- CPython ---------------------------------------------------------- */

/* Python frames walked per stack: CPython's default recursion limit is
 * 1,000.  A power of two (the BPF side masks indexes with it). */
#define WS_PY_MAX_FRAMES	1024
#define WS_PY_SITE_FRAMES	64	/* ... kept for an I/O site, innermost */
#define WS_PY_NONE		0xffff	/* offset of a field this version lacks */

/*
 * Where a CPython version keeps what the walker reads, in bytes (see
 * user/python/offsets.c for the table and how each was verified).
 */
struct ws_py_offsets {
	__u16 runtime_interpreters_head;	/* _PyRuntimeState */
	__u16 interp_threads_head;		/* PyInterpreterState */
	__u16 tstate_next;			/* PyThreadState */
	__u16 tstate_thread_id;			/* pthread_t: fsbase on x86-64 */
	__u16 tstate_native_thread_id;		/* kernel tid; NONE on 3.10 */
	__u16 tstate_frame;			/* 3.10 frame, 3.13 current_frame */
	__u16 tstate_cframe;			/* 3.11, 3.12; else NONE */
	__u16 cframe_current_frame;
	__u16 frame_code;			/* f_code / f_executable */
	__u16 frame_previous;			/* f_back / previous */
	__u16 frame_instr;			/* 3.10 f_lasti (int); else a pointer */
	__u16 frame_owner;			/* char; NONE on 3.10, 3.11 */
	__u16 frame_is_entry;			/* 3.11 only; else NONE */
	__u16 code_first_instr;			/* co_code_adaptive; 3.10: NONE */
	__u16 code_name;
	__u16 code_qualname;			/* NONE on 3.10 */
	__u16 code_filename;
	__u16 code_firstlineno;
	__u16 code_linetable;
	__u16 unicode_state;			/* PyASCIIObject.state */
	__u16 unicode_ascii_data;		/* compact ASCII: data follows */
	__u16 unicode_compact_data;		/* compact non-ASCII */
	__u16 bytes_size;			/* PyVarObject.ob_size */
	__u16 bytes_data;			/* ob_sval */
	__u16 type_of_object;			/* ob_type, to check 3.13 f_executable */
	__u8 minor;				/* 10 for 3.10, ... */
	__u8 pad;
};

/* A traced CPython process, as the loader finds it. */
struct ws_py_proc {
	__u64 runtime;			/* address of _PyRuntime */
	__u64 code_type;		/* address of PyCode_Type, 0 unknown */
	struct ws_py_offsets off;
};

/*
 * Set in ws_py_frame.code (user addresses stay below 2^47): the frame is
 * the first one its _PyEval_EvalFrameDefault call ran, so each such call
 * in the native stack matches a run of Python frames.  3.11 reads it from
 * _PyInterpreterFrame.is_entry, 3.12+ from the shim frame (owner C stack)
 * each call pushes under it; on 3.10 every frame has its own call and the
 * flag is not set.
 */
#define WS_PY_FRAME_ENTRY	(1ull << 63)

struct ws_py_frame {
	__u64 code;			/* PyCodeObject address, with
					 * WS_PY_FRAME_ENTRY */
	__s32 instr;			/* instruction offset in code units, -1 unknown */
	__u32 ident;			/* hash of its co_filename and co_name
					 * pointers: a freed code object's
					 * address is reused by another */
};

/* Why a Python stack lacks its outer frames (ws_py_head.truncated). */
enum ws_py_trunc {
	WS_PY_TRUNC_NONE,
	WS_PY_TRUNC_DEPTH,	/* deeper than the frames walked */
	WS_PY_TRUNC_FAULT,	/* a frame could not be read */
	WS_PY_TRUNC_INVALID,	/* a frame's code object did not validate:
				 * the walk ended there, nothing after it
				 * is sent */
};

/* A Python stack as events carry it: this header, then n frames. */
struct ws_py_head {
	__u32 n;			/* frames, innermost first */
	__u32 truncated;		/* enum ws_py_trunc */
};

/* The innermost frames of a Python stack, in an I/O site. */
struct ws_py_stack {
	__u32 n;			/* frames, innermost first */
	__u32 truncated;		/* enum ws_py_trunc */
	struct ws_py_frame frames[WS_PY_SITE_FRAMES];
};

/*
 * The Python stack a thread had when it went off the CPU: sent only when
 * it differs from the last one sent for the thread, so that a wait (sent
 * later, at switch-in) names it by hash.  hash covers pid and the frames
 * and is never 0.  py.n struct ws_py_frame follow it in the event.
 */
struct ws_py_event {
	__u32 type;			/* WS_EV_PY_STACK */
	__u32 pid;			/* tgid */
	__u32 tid;
	__u32 pad;
	__u64 hash;
	struct ws_py_head py;
};

#define WS_PY_NAME_LEN		96
#define WS_PY_FILE_LEN		192
#define WS_PY_LINETABLE_LEN	3072	/* 3.11+: ~20 bytes a line */

/* What the report needs of a code object, copied while the process lives. */
struct ws_py_code {
	__s32 firstlineno;
	__u16 linetable_len;		/* bytes copied */
	__u16 linetable_full;		/* the object's whole length */
	__u8 name_kind;			/* PyUnicode kind: 0 ASCII, 1/2/4 bytes */
	__u8 qualname_kind;
	__u8 filename_kind;
	__u8 pad;
	char name[WS_PY_NAME_LEN];
	char qualname[WS_PY_NAME_LEN];
	char filename[WS_PY_FILE_LEN];
	__u8 linetable[WS_PY_LINETABLE_LEN];
};

/* PyASCIIObject.state: interned:2, kind:3, compact:1, ascii:1 from bit 0
 * in 3.10-3.13 (GCC allocates bitfields from the low bit on x86-64). */
#define WS_PY_STR_KIND(s)	(((s) >> 2) & 7)
#define WS_PY_STR_COMPACT	(1u << 5)
#define WS_PY_STR_ASCII		(1u << 6)
/* PyASCIIObject.length (Py_ssize_t, right after PyObject_HEAD) in every
 * default (not free-threaded) build from 3.3 to 3.13; not in
 * ws_py_offsets. */
#define WS_PY_STR_LENGTH	16
/*
 * Where a str's code units are, from its PyASCIIObject.state: its kind
 * for struct ws_py_code (0 ASCII, else 1, 2 or 4 bytes a unit) into
 * *kind, the offset of its data into *data; -1 when it is not a compact
 * str (3.10/3.11's legacy ones are not in code objects) or its kind is
 * none of those.
 */
static inline int ws_py_str_layout(const struct ws_py_offsets *o, __u32 state,
				   __u32 *kind, __u32 *data)
{
	if (!(state & WS_PY_STR_COMPACT))
		return -1;
	if (state & WS_PY_STR_ASCII) {
		*kind = 0;
		*data = o->unicode_ascii_data;
		return 0;
	}
	*kind = WS_PY_STR_KIND(state);
	*data = o->unicode_compact_data;
	return *kind == 1 || *kind == 2 || *kind == 4 ? 0 : -1;
}

/* _PyInterpreterFrame.owner of a shim frame (3.12+): FRAME_OWNED_BY_CSTACK */
#define WS_PY_OWNED_BY_CSTACK	3
#define WS_PY_MAX_INSTR		(1 << 20)	/* code units; beyond: -1 */
#define WS_PY_MAX_LINE		(1 << 24)	/* a sane co_firstlineno */

/*
 * Which code object lives at this address now (ws_py_frame.ident): code
 * objects are freed (module and class bodies after import) and their
 * addresses reused, so the address alone would name a later function
 * after an earlier one.  From its co_filename and co_name pointers.
 */
static inline __u32 ws_py_code_ident(__u64 file, __u64 name)
{
	return (__u32)(file >> 4) ^ (__u32)(file >> 36) ^
	       (__u32)(name >> 4) * 0x9e3779b1u ^ (__u32)(name >> 36);
}

struct ws_py_code_key {
	__u32 pid;
	__u32 ident;			/* as in struct ws_py_frame */
	__u64 code;
};

/* Bytes of user stack copied from the stack pointer, with the user
 * registers: the frames of code without frame pointers (libc, -O2 builds)
 * are unwound from them in user space with their CFI.  perf's
 * --call-graph dwarf copies 8 KiB too. */
#define WS_STACK_COPY	8192

/* A process whose stack frames are larger (local buffers: GNU sort's
 * compare takes 8.6 KiB, glibc's strtold 14 KiB) or whose stack is deeper
 * (clang's parser: 32-64 KiB) gets up to this much of its stack past the
 * copy, in its samples: user space asks for it in stack_far once its
 * samples keep needing it (record/stackfar.c). */
#define WS_STACK_FAR_MAX	(7 * WS_STACK_COPY)

#define WS_USER_PAGE	4096ull	/* struct ws_user_top's holes */

/* Slots of the scratch where a copy is put together page by page. */
enum ws_copy_slot {
	WS_COPY_SAMPLE,		/* perf event: may interrupt the others */
	WS_COPY_SITE,
	WS_COPY__SLOTS,
};

struct ws_user_top {
	__u64 ip, sp, bp;	/* user registers */
	__u16 len;		/* bytes of stack read from sp, 0 none */
	__u8 far;		/* a sample's last far * WS_STACK_COPY bytes:
				 * its stack from sp + len on ... */
	__u8 far_read;		/* ... far_read * WS_STACK_COPY of them read */
	__u32 holes;		/* bit i: the i-th page from sp's was not
				 * there (its bytes read as 0) */
	__u8 stack[WS_STACK_COPY];
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
	struct ws_user_top top;
	struct ws_py_head py;	/* n == 0: not in Python code */
	struct ws_py_frame py_frames[];	/* py.n of them, then the stack
					 * past top.stack (top.far) */
};

/* What a blocked syscall's file descriptor is, resolved in BPF from the
 * task's file table at switch-out (the process may be gone by the report). */
enum ws_target_kind {
	WS_TGT_NONE,
	WS_TGT_FILE,		/* regular file, directory, block device */
	WS_TGT_TCP,
	WS_TGT_UDP,
	WS_TGT_UNIX,
	WS_TGT_SOCKET,		/* another socket family */
	WS_TGT_PIPE,		/* pipe or FIFO */
	WS_TGT_CHAR,		/* character device: tty, /dev/null, ... */
	WS_TGT_ANON,		/* eventfd, epoll, timerfd, signalfd, ... */
};

/* poll() descriptors looked at, at most: a poll on more waits on none. */
#define WS_POLL_FDS		4

/*
 * How telling a descriptor of this kind is as what a poll() on a few of
 * them waits for: a network socket most (curl polls its connection beside
 * its multi handle's wakeup socketpair), then another socket, then a
 * pipe, file or device, an anon inode (eventfd, timerfd) least; -1 none.
 * The BPF side ranks a waiting thread's, user space a -p thread's blocked
 * since before the recording.
 */
static inline int ws_poll_rank(int kind)
{
	switch (kind) {
	case WS_TGT_TCP: case WS_TGT_UDP:
		return 3;
	case WS_TGT_UNIX: case WS_TGT_SOCKET:
		return 2;
	case WS_TGT_FILE: case WS_TGT_PIPE: case WS_TGT_CHAR:
		return 1;
	case WS_TGT_ANON:
		return 0;
	}
	return -1;
}

#define WS_PATH_LEN	96

struct ws_target {
	__u8 kind;		/* enum ws_target_kind */
	__u8 family;		/* AF_INET, AF_INET6 for TCP/UDP */
	__u16 port;		/* peer port, host byte order */
	__s32 fd;
	__u8 addr[16];		/* peer address: 4 bytes for AF_INET */
	__u64 ino;		/* inode number: files, pipes, sockets */
	char path[WS_PATH_LEN];	/* last components of a file's path (for
				 * the I/O tables its whole path when it
				 * fits, else a struct ws_path_event has
				 * it), or the name of an anon inode
				 * ("[eventfd]") */
};

#define WS_NO_STACK	(-1)	/* stack not recorded */

/* One kind of off-CPU interval of one thread. */
struct ws_offcpu_key {
	__u32 pid;
	__u32 tid;
	__s32 ustack_id;	/* in the stacks map, or WS_NO_STACK / -errno */
	__s32 syscall;		/* x86-64 number; -1 when not in a syscall */
	__u8 runnable;		/* preempted: waiting for a CPU, not blocked */
	__u8 pad[7];
	struct ws_target target;
};

struct ws_offcpu_val {
	__u64 blocked_ns;	/* switch-out until woken */
	__u64 runq_ns;		/* woken until running again */
	__u64 count;
	__u64 last_ns;		/* when the last interval ended */
};

/* The task running when a blocked thread was woken: tid 0 when none was
 * seen (or the idle task). */
struct ws_waker {
	__u32 tid;
	__u32 pid;		/* tgid */
};

/* Switch-out state of a thread that is off the CPU right now. */
struct ws_offcpu_start {
	__u64 ts;
	__u64 wake_ts;		/* 0 until woken */
	__u64 run_ns;		/* the thread's CPU time as the wait
				 * began (se.sum_exec_runtime; a -p
				 * thread's schedstat), 0 unknown */
	__s32 fd;		/* the syscall's descriptor, -1 none */
	struct ws_waker waker;
	__u32 pad;
	struct ws_offcpu_key key;
};

/* A wait of at least --min-block-us, sent as it ends with its kernel
 * stack (read at switch-in: a sleeping task's stack is where it blocked). */
/* The top of the user stack at a switch-out, for unwinding the user stack
 * of a long wait with CFI: less than a sample's copy, to keep the cost of
 * every switch-out bounded. */
#define WS_WAIT_STACK_COPY	2048

struct ws_wait_top {
	__u64 ip, sp, bp;
	__u32 len;		/* bytes of stack read from sp, 0 none */
	__u32 pad;
	__u8 stack[WS_WAIT_STACK_COPY];
};

/*
 * A long wait; waits of at least WS_WAIT_TOP_NS are sent whole, shorter
 * ones without top (the event ends at its offset): only those are
 * unwound with CFI.
 */
struct ws_wait {
	__u32 type;		/* WS_EV_WAIT */
	__s32 kstack_len;	/* bytes, or -errno */
	struct ws_offcpu_key key;
	struct ws_offcpu_val val;
	struct ws_waker waker;
	__u64 kstack[WS_MAX_STACK];
	__u64 py_hash;		/* the thread's Python stack at switch-out:
				 * its last ws_py_event of this hash; 0 none */
	struct ws_wait_top top;	/* at switch-out */
};

/* A wait this long carries its stack's top: a program built without
 * frame pointers (most of a distribution's) unwinds by CFI alone, and a
 * lock held across a sleep of 500 us, or a request, is one such wait
 * (~2 us of user space's unwinding each, 2 KiB of ring buffer). */
#define WS_WAIT_TOP_NS	100000ull	/* 100 us */

/*
 * Where an off-CPU interval [start, end) turns from blocked into waiting
 * for a CPU: at the wakeup.  Preempted threads never blocked; a thread
 * with no wakeup seen was blocked throughout.  Shared by the BPF side
 * (finished waits) and user space (waits still open at the end).
 */
static inline __u64 ws_wake_point(const struct ws_offcpu_start *st,
				  __u64 start, __u64 end)
{
	if (st->key.runnable)
		return start;
	if (!st->wake_ts)
		return end;
	if (st->wake_ts < start)
		return start;
	return st->wake_ts < end ? st->wake_ts : end;
}

/* ---- I/O: files, sockets, spawned programs --------------------------- */

/* A traced process's descriptor: what it is and what was done with it
 * since it was opened (or first used while traced).  Kept in BPF per
 * (tgid, fd); sent to user space when closed or replaced. */
struct ws_fd_key {
	__u32 pid;
	__s32 fd;
};

/* Of the reads (or writes) a thread repeats on one descriptor, one in this
 * many is timed (bpf/io.bpf.c). */
#define WS_IO_TIME_EVERY	8

struct ws_fd_stats {
	__u64 reads;		/* read and receive syscalls */
	__u64 read_bytes;
	__u64 read_ns;		/* their time, enter to exit */
	__u64 writes;		/* write and send syscalls */
	__u64 write_bytes;
	__u64 write_ns;
	__u64 offcpu_ns;	/* of read_ns + write_ns, off the CPU */
	/* A connection this process made: the request in flight. */
	__u64 req_start;	/* 0: none */
	__u64 last_recv_end;	/* end of the last receive since */
	__u64 last_end;		/* end of the last syscall on it */
	__u8 client;		/* connect()ed by this process */
	__u8 inbound;		/* accept()ed */
	__u8 responded;		/* received since the request's first send */
	__u8 connecting;	/* connect() returned EINPROGRESS, and the
				 * connection was not used since */
	__u8 dsync;		/* opened O_DSYNC or O_SYNC: each write waits
				 * until its data is on the disk */
	__u8 pad[3];
	__u64 path_id;		/* a file's whole path: its ws_path_event;
				 * 0 none (target.path has it, not a file,
				 * or not sent) */
	__u64 born_ns;		/* when the entry was made */
	__u64 untimed;		/* of reads + writes, those not timed: their
				 * on-CPU time is the thread's last timed
				 * call's on the descriptor */
	__u64 syncs;		/* fsync, fdatasync, sync_file_range */
	__u64 sync_ns;		/* their time, enter to exit */
	__u64 connect_wait_ns;	/* a non-blocking connect(): from its
				 * return to the first send or receive,
				 * when the connection was made */
	struct ws_target target;
};

/* When the request in flight on a connection ended: at its last receive,
 * else (no answer yet) at the last syscall on it. */
static inline __u64 ws_request_end(const struct ws_fd_stats *s)
{
	return s->responded ? s->last_recv_end : s->last_end;
}

struct ws_fd_event {
	__u32 type;		/* WS_EV_FD, WS_EV_REQUEST */
	__u32 pid;
	__s32 fd;
	__u32 pad;
	__u64 time_ns;
	struct ws_fd_stats stats;
};

enum ws_io_op {
	WS_IO_OPEN = 1,		/* target: the file opened */
	WS_IO_OPEN_FAILED,	/* target.path: the name given, ret: -errno */
	WS_IO_CONNECT,
	WS_IO_ACCEPT,
	WS_IO_FORK,		/* child: the new process */
};

/* What happened at a site: in both site events. */
struct ws_io_what {
	__u32 op;		/* enum ws_io_op */
	__u32 pid;
	__u32 tid;
	__u32 child;		/* WS_IO_FORK */
	__s32 ret;		/* the syscall's return value */
	__u32 site;		/* WS_EV_IO_AGAIN: the site's ws_site_check.site */
	__u64 time_ns;		/* when the syscall returned */
	__u64 dur_ns;		/* enter to exit */
	__u64 offcpu_ns;	/* of which off the CPU */
	__u64 path_id;		/* WS_IO_OPEN: the file's ws_path_event,
				 * WS_IO_OPEN_FAILED: the name given's; 0
				 * none: target.path has it */
	struct ws_target target;
};

/*
 * A site's stacks are sent once per distinct site (bpf/iosite.bpf.c): user
 * space, having unwound them, tells the BPF side how to know the site
 * again from the thread's registers and a few words of its stack, and a
 * repeat is a ws_io_again naming it.  A site is told by its thread, the
 * process image and user ip, its Python frames and, where the rule for
 * that ip says so, its frame-pointer stack from fp_from on and its
 * innermost return address.
 */
struct ws_site_key {
	__u64 mm;		/* the process image (task->mm) */
	__u64 ip;		/* user ip at the syscall */
	__u64 py_hash;		/* ws_py_hash() of its Python frames */
	__u64 fp_hash;		/* of the frame-pointer stack from the rule's
				 * fp_from on; 0 when the rule has none */
	__u64 ra;		/* the word at the rule's ra_off from sp (the
				 * innermost frame's return address); 0 none */
	__u32 tid;
	__u32 pad;
};

/* Per (mm, ip), as the first site there unwound: from which frame on the
 * frame-pointer stack is to be trusted, WS_SITE_NO_FP none (code without
 * frame pointers: what the walk finds is not return addresses); where
 * the innermost frame's return address is, WS_SITE_NO_FP none (so a
 * function called from two places is two sites). */
struct ws_site_rule_key {
	__u64 mm;
	__u64 ip;
};

#define WS_SITE_NO_FP	(-1)

struct ws_site_rule {
	__s32 fp_from;
	__s32 ra_off;		/* bytes from sp */
};

/* What makes the CFI unwinding of a repeat come out as the site's: the
 * words it read from the stack, by offset from sp, bp - sp when bp itself
 * was used, and a stack copy as long as the walk needed. */
#define WS_SITE_WORDS	64

struct ws_site_check {
	__u32 site;		/* user space's number for the site */
	__u16 n_words;
	__u16 span;		/* bytes read from sp: every off + 8 <= span;
				 * a size the stack copy would take whole */
	__s64 bp_delta;
	__u64 sp;		/* the walk ran into the copy's end, whose
				 * length depends on where the stack ends: sp
				 * must be this one; 0 any */
	__u8 bp_used;
	__u8 pad[7];
	__u16 off[WS_SITE_WORDS];
	__u64 val[WS_SITE_WORDS];
};

/* The hashes of ws_site_key, the same on both sides: FNV-1a over whole
 * words, then over their count. */
#define WS_HASH_INIT	0xcbf29ce484222325ull
#define WS_HASH_PRIME	0x100000001b3ull

static inline __u64 ws_hash_word(__u64 h, __u64 v)
{
	return (h ^ v) * WS_HASH_PRIME;
}

/* Where something happened the first times, with the thread's stacks. */
struct ws_io_site {
	__u32 type;		/* WS_EV_IO_SITE */
	__s32 ustack_len;	/* bytes, or -errno */
	struct ws_io_what what;
	struct ws_site_key key;	/* key.mm 0: none (no repeat is told) */
	__u64 ustack[WS_MAX_STACK];
	struct ws_py_stack py;
	struct ws_user_top top;	/* at the syscall */
};

/*
 * A file's whole path, as d_path() walks it, when it does not fit
 * ws_target.path (or was cut): sent when the I/O tracer first sees a
 * descriptor of the file (an open, or the first read or write of one it
 * did not see opened), and for a long name given to a failed open().
 * Seen from the root of the task's mount namespace (a container's own
 * root), not from a chroot.  Variable length: the event ends at the
 * path's NUL.
 */
#define WS_FILE_PATH_LEN	4096	/* PATH_MAX, with the NUL */
#define WS_PATH_COMPS		64	/* components walked at most */

enum ws_path_flags {
	WS_PATH_CUT = 1,	/* leading components left out: deeper than
				 * WS_PATH_COMPS, longer than
				 * WS_FILE_PATH_LEN, or not connected to a
				 * root; path then starts with '/' */
	WS_PATH_GIVEN = 2,	/* a failed open()'s name, as given */
};

struct ws_path_event {
	__u32 type;		/* WS_EV_PATH */
	__u32 pid;		/* tgid */
	__u64 id;		/* in ws_fd_stats and ws_io_site: never 0 */
	__u16 len;		/* bytes of path, the NUL not counted */
	__u8 flags;		/* enum ws_path_flags */
	__u8 pad[5];
	char path[WS_FILE_PATH_LEN];	/* the event ends after the NUL */
};

/* A repeat of a site user space registered; or, what.site
 * WS_SITE_UNTOLD, an event sent without its stacks because the ring
 * buffer was half full (a burst of new sites' stacks): counted at its
 * file, and at its site if user space knows only one for its key. */
#define WS_SITE_UNTOLD	0xffffffffu

struct ws_io_again {
	__u32 type;		/* WS_EV_IO_AGAIN */
	__u32 pad;
	struct ws_io_what what;
	struct ws_site_key key;	/* WS_SITE_UNTOLD: fp_hash and ra 0 */
};

#define WS_EXEC_PATH_LEN	256

/* A successful execve() of a traced process. */
struct ws_exec {
	__u32 type;		/* WS_EV_EXEC */
	__u32 pid;
	__u64 time_ns;
	char filename[WS_EXEC_PATH_LEN];	/* as given to execve() */
	char exe[WS_EXEC_PATH_LEN];	/* the file it runs, by its own name
					 * (symlinks followed, a script's
					 * interpreter): its basename */
	__u64 cpu_ns;		/* the process's CPU time so far: see
				 * ws_exit */
};

/*
 * The last thread of a process that exec'd while traced switched out for
 * the last time.  cpu_ns is the thread group's sum_exec_runtime (its
 * threads', gone or not), so a run's CPU is its exit's (or next exec's)
 * cpu_ns less its exec's.  The kernel brings a running thread's figure
 * up to date at its ticks and switches: at the exec it may lag by up to a
 * tick (the run gets that much of the CPU before it), at the last switch
 * it does not.
 */
struct ws_exit {
	__u32 type;		/* WS_EV_EXIT */
	__u32 pid;
	__u64 time_ns;
	__u64 cpu_ns;
	__u32 exit_tid;		/* the thread that called exit_group(), the
				 * one that ended it (a Go program's main
				 * goroutine's, not its first thread); 0
				 * unknown: killed by a signal */
	__u32 pad;
};

/* A thread made in a traced process: before it, what it did later was
 * its maker's to do (the critical path charges the maker). */
struct ws_thread_event {
	__u32 type;		/* WS_EV_THREAD */
	__u32 pid;
	__u32 tid;
	__u32 parent_tid;	/* the thread that cloned it */
	__u64 time_ns;
};

/* Per-CPU counters of everything the BPF side had to drop. */
enum ws_counter {
	WS_CNT_RINGBUF_FULL,	/* on-CPU sample lost: ring buffer full */
	WS_CNT_KSTACK_ERR,	/* bpf_get_stack failed, kernel side */
	WS_CNT_USTACK_ERR,	/* bpf_get_stack failed, user side */
	WS_CNT_TRACED_FULL,	/* a forked child could not be tracked */
	WS_CNT_OFFCPU_FULL,	/* off-CPU interval not stored: map full */
	WS_CNT_STACK_COLLISION,	/* stack map full or hash collision */
	WS_CNT_IO_DROPPED,	/* I/O event or descriptor not recorded */
	WS_CNT_WAIT_TO_MAP,	/* long wait not sent (ring buffer full):
				 * added to the short waits' map instead */
	WS_CNT_ONCPU_NS,	/* ns traced tasks ran, from sched_switch */
	WS_CNT_SAMPLER_NS,	/* ns the sampler took on traced tasks, timed
				 * by itself: the kernel's run-time
				 * statistics would time every BPF program
				 * of the machine, each syscall's twice */
	WS_CNT_WAIT_END_UNSEEN,	/* waits whose switch-in the kernel did not
				 * report: ended where the thread's CPU
				 * time says, or (end unknown) dropped */
	WS_CNT_FAR_SKIPPED,	/* a sample sent without the longer stack
				 * copy its process had: the ring buffer
				 * half full (not lost) */
	WS_CNT__MAX,
};

#define WS_KSYM_LEN	640	/* a kernel symbol as ksym.bpf.c gives it:
				 * a name of up to 511 bytes, its offset,
				 * size and module */
#define WS_MAX_TRACED	65536	/* processes tracked at once */
#define WS_MAX_THREADS	16384	/* traced threads off-CPU at once */

#define WS_PF_KTHREAD	0x00200000	/* include/linux/sched.h, not in BTF */
#define WS_TASK_DEAD	0x00000080	/* ditto */
#define WS_SIGNAL_GROUP_EXIT	0x00000004	/* include/linux/sched/signal.h */
#define WS_SIGKILL		9

#endif
