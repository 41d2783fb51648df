// SPDX-License-Identifier: GPL-2.0
/* Wait reasons and syscall names; see wait.h and the README's rules. */
#include <string.h>

#include "classify/wait.h"
#include "lib/util.h"
#include "syscalls.h"

struct syscall_info {
	int nr;
	const char *name;
	enum wait_reason reason;	/* WAIT_NONE: decided by fd or stack */
};

/* x86-64 numbers of the syscalls a thread commonly blocks in. */
static const struct syscall_info syscalls[] = {
	{ WS_NR_read, "read", WAIT_NONE },
	{ WS_NR_write, "write", WAIT_NONE },
	{ WS_NR_open, "open", WAIT_NONE },
	{ WS_NR_stat, "stat", WAIT_NONE },
	{ WS_NR_fstat, "fstat", WAIT_NONE },
	{ WS_NR_lstat, "lstat", WAIT_NONE },
	{ WS_NR_poll, "poll", WAIT_POLL },
	{ WS_NR_mmap, "mmap", WAIT_NONE },
	{ WS_NR_ioctl, "ioctl", WAIT_NONE },
	{ WS_NR_pread64, "pread64", WAIT_NONE },
	{ WS_NR_pwrite64, "pwrite64", WAIT_NONE },
	{ WS_NR_readv, "readv", WAIT_NONE },
	{ WS_NR_writev, "writev", WAIT_NONE },
	{ WS_NR_select, "select", WAIT_POLL },
	{ WS_NR_sched_yield, "sched_yield", WAIT_CPU },
	{ WS_NR_msync, "msync", WAIT_DISK },
	{ WS_NR_pause, "pause", WAIT_SLEEP },
	{ WS_NR_nanosleep, "nanosleep", WAIT_SLEEP },
	{ WS_NR_sendfile, "sendfile", WAIT_NONE },
	{ WS_NR_connect, "connect", WAIT_NETWORK },
	{ WS_NR_accept, "accept", WAIT_NETWORK },
	{ WS_NR_sendto, "sendto", WAIT_NONE },
	{ WS_NR_recvfrom, "recvfrom", WAIT_NONE },
	{ WS_NR_sendmsg, "sendmsg", WAIT_NONE },
	{ WS_NR_recvmsg, "recvmsg", WAIT_NONE },
	{ WS_NR_clone, "clone", WAIT_NONE },
	{ WS_NR_fork, "fork", WAIT_NONE },
	{ WS_NR_vfork, "vfork", WAIT_CHILD },
	{ WS_NR_execve, "execve", WAIT_NONE },
	{ WS_NR_wait4, "wait4", WAIT_CHILD },
	{ WS_NR_flock, "flock", WAIT_LOCK },
	{ WS_NR_fsync, "fsync", WAIT_DISK },
	{ WS_NR_fdatasync, "fdatasync", WAIT_DISK },
	{ WS_NR_truncate, "truncate", WAIT_NONE },
	{ WS_NR_ftruncate, "ftruncate", WAIT_NONE },
	{ WS_NR_rename, "rename", WAIT_NONE },
	{ WS_NR_unlink, "unlink", WAIT_NONE },
	{ WS_NR_rt_sigtimedwait, "rt_sigtimedwait", WAIT_SLEEP },
	{ WS_NR_rt_sigsuspend, "rt_sigsuspend", WAIT_SLEEP },
	{ WS_NR_sync, "sync", WAIT_DISK },
	{ WS_NR_futex, "futex", WAIT_LOCK },
	{ WS_NR_io_getevents, "io_getevents", WAIT_DISK },
	{ WS_NR_getdents64, "getdents64", WAIT_NONE },
	{ WS_NR_clock_nanosleep, "clock_nanosleep", WAIT_SLEEP },
	{ WS_NR_epoll_wait, "epoll_wait", WAIT_POLL },
	{ WS_NR_waitid, "waitid", WAIT_CHILD },
	{ WS_NR_openat, "openat", WAIT_NONE },
	{ WS_NR_newfstatat, "newfstatat", WAIT_NONE },
	{ WS_NR_pselect6, "pselect6", WAIT_POLL },
	{ WS_NR_ppoll, "ppoll", WAIT_POLL },
	{ WS_NR_splice, "splice", WAIT_NONE },
	{ WS_NR_sync_file_range, "sync_file_range", WAIT_DISK },
	{ WS_NR_epoll_pwait, "epoll_pwait", WAIT_POLL },
	{ WS_NR_accept4, "accept4", WAIT_NETWORK },
	{ WS_NR_preadv, "preadv", WAIT_NONE },
	{ WS_NR_pwritev, "pwritev", WAIT_NONE },
	{ WS_NR_recvmmsg, "recvmmsg", WAIT_NONE },
	{ WS_NR_syncfs, "syncfs", WAIT_DISK },
	{ WS_NR_sendmmsg, "sendmmsg", WAIT_NONE },
	{ WS_NR_copy_file_range, "copy_file_range", WAIT_NONE },
	{ WS_NR_statx, "statx", WAIT_NONE },
	{ WS_NR_io_uring_enter, "io_uring_enter", WAIT_NONE },
	{ WS_NR_clone3, "clone3", WAIT_NONE },
	{ WS_NR_epoll_pwait2, "epoll_pwait2", WAIT_POLL },
	{ WS_NR_futex_waitv, "futex_waitv", WAIT_LOCK },
};

static const struct syscall_info *find_syscall(int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(syscalls); i++)
		if (syscalls[i].nr == nr)
			return &syscalls[i];
	return NULL;
}

const char *wait_syscall_name(int nr)
{
	const struct syscall_info *s = find_syscall(nr);

	return s ? s->name : NULL;
}

const char *wait_reason_name(enum wait_reason r)
{
	static const char *const names[WAIT__COUNT] = {
		[WAIT_NONE] = "on_cpu", [WAIT_NETWORK] = "network",
		[WAIT_DISK] = "disk", [WAIT_LOCK] = "lock",
		[WAIT_SLEEP] = "sleep", [WAIT_PIPE] = "pipe",
		[WAIT_POLL] = "poll", [WAIT_CHILD] = "child",
		[WAIT_JOIN] = "join", [WAIT_GIL] = "gil",
		[WAIT_PAGE_FAULT] = "page_fault", [WAIT_CPU] = "cpu_wait",
		[WAIT_OTHER] = "other",
	};

	return r < WAIT__COUNT ? names[r] : "other";
}

enum wait_reason wait_syscall_reason(int nr)
{
	const struct syscall_info *s = find_syscall(nr);

	return s ? s->reason : WAIT_NONE;
}

static bool frame_joins(const char *name)
{
	static const char *const joins[] = {
		"pthread_join", "__pthread_join", "__pthread_clockjoin_ex",
		"__pthread_timedjoin_ex", "pthread_timedjoin_np",
		"pthread_clockjoin_np", "thrd_join", "std::thread::join()",
	};
	return name_in(name, joins, ARRAY_SIZE(joins));
}

/* The CPython interpreter's own code: libpython, or a python executable
 * that links it statically. */
static bool python_runtime(const struct frame *f)
{
	return f->cls == CLASS_RUNTIME && cpython_file_name(f->module);
}

/*
 * CPython's functions that wait for the GIL: take_gil (PyCOND_TIMEDWAIT
 * when not inlined), drop_gil (forced to switch, it waits for another
 * thread to take it).
 */
bool wait_gil_frame(const struct frame *f)
{
	static const char *const gil[] = {
		"take_gil", "drop_gil", "PyCOND_TIMEDWAIT", "PyCOND_WAIT",
	};

	return python_runtime(f) && name_in(f->name, gil, ARRAY_SIZE(gil));
}

/*
 * The interpreter waiting on a condition variable is waiting for the GIL
 * even where take_gil is inlined out of its symbols (a distribution's
 * python3.11 has no symbol of its own for it): on Linux CPython's locks
 * are semaphores, and the GIL's are its only condition variables.
 */
static const char *const cond_waits[] = {
	"pthread_cond_wait", "pthread_cond_timedwait",
	"pthread_cond_clockwait", "__pthread_cond_wait",
	"__pthread_cond_timedwait", "__pthread_cond_clockwait",
};

bool wait_gil_call(const struct frame *runtime, const struct frame *callee)
{
	if (wait_gil_frame(runtime))
		return true;
	return python_runtime(runtime) && callee &&
	       callee->cls != CLASS_KERNEL &&
	       name_in(callee->name, cond_waits, ARRAY_SIZE(cond_waits));
}

/* A mutex being taken (the lock a condition variable takes back once
 * signalled, too), in libc's names. */
static const char *const mutex_locks[] = {
	"pthread_mutex_lock", "__pthread_mutex_lock",
	"___pthread_mutex_lock", "__pthread_mutex_cond_lock",
	"__lll_lock_wait", "__lll_lock_wait_private",
};

/* A frame of Python code (no mapping: its file is a .py) in
 * threading.py named one of names. */
static bool python_threading(const struct frame *f, const char *const *names,
			     size_t n)
{
	size_t len = f->file && !f->path ? strlen(f->file) : 0;

	return len >= 13 && !strcmp(f->file + len - 13, "/threading.py") &&
	       name_in(f->name, names, n);
}

/* threading.Condition.wait (3.10 names a function without its class):
 * Event.wait, Queue.get, Semaphore.acquire, Barrier.wait and
 * Future.result wait in it, for an event, on a lock of its own that
 * notify() releases. */
static bool python_condition(const struct frame *f)
{
	static const char *const waits[] = {
		"Condition.wait", "Condition.wait_for", "wait", "wait_for",
	};

	return python_threading(f, waits, ARRAY_SIZE(waits));
}

/* ... and the lock it takes back once notified: a lock wait. */
static bool python_reacquire(const struct frame *f)
{
	static const char *const takes[] = {
		"Condition._acquire_restore", "_acquire_restore",
	};

	return python_threading(f, takes, ARRAY_SIZE(takes));
}

bool wait_on_condition(const struct profile *p, const struct stack_sample *st)
{
	/* Go parks a thread with no goroutine to run on a note (stopm ->
	 * notesleep), and its runtime mutex is runtime.lock2 */
	static const char *const go_notes[] = {
		"runtime.notesleep", "runtime.notetsleep",
		"runtime.notetsleepg", "runtime.notetsleep_internal",
	};
	bool cond = false;
	uint32_t j;

	for (j = 0; j < st->n_frames; j++) {	/* outermost first */
		const struct frame *f = &p->frames[st->frames[j]];

		if (f->cls == CLASS_KERNEL)
			continue;
		if (name_in(f->name, cond_waits, ARRAY_SIZE(cond_waits)) ||
		    name_in(f->name, go_notes, ARRAY_SIZE(go_notes)) ||
		    python_condition(f))
			cond = true;
		else if (cond && (name_in(f->name, mutex_locks, ARRAY_SIZE(mutex_locks)) ||
				  python_reacquire(f)))
			return false;
	}
	return cond;
}

bool wait_on_mutex(const struct profile *p, const struct stack_sample *st)
{
	const struct frame *py = NULL;
	uint32_t j;

	if (st->reason != WAIT_LOCK || wait_on_condition(p, st))
		return false;
	for (j = 0; j < st->n_frames; j++) {	/* outermost first */
		const struct frame *f = &p->frames[st->frames[j]];

		if (f->cls == CLASS_KERNEL)
			continue;
		if (name_in(f->name, mutex_locks, ARRAY_SIZE(mutex_locks)) ||
		    python_reacquire(f))
			return true;
		if (f->file && !f->path)
			py = f;
	}
	/* CPython's locks are semaphores: taken by the program's code (`with
	 * lock:`), not the standard library's (a pool's worker waiting on
	 * its SimpleQueue) */
	return py && (py->cls == CLASS_APP || py->cls == CLASS_LIBRARY);
}

bool wait_gil_replaced(const struct profile *p, const uint32_t *ids,
		       uint32_t n, const struct stack_sample *st,
		       uint32_t py_frames)
{
	const struct frame *callee = py_frames < st->n_frames ?
				     &p->frames[st->frames[py_frames]] : NULL;
	uint32_t i;

	for (i = 0; i + 1 < n; i++)	/* inlined: take_gil by name */
		if (wait_gil_frame(&p->frames[ids[i]]))
			return true;
	return n && wait_gil_call(&p->frames[ids[n - 1]], callee);
}

/* Python's Thread.join (join before 3.11 named functions by qualname):
 * the lock it waits on is released as the thread ends. */
static bool python_joins(const struct frame *f)
{
	static const char *const joins[] = {
		"Thread.join", "join", "Thread._wait_for_tstate_lock",
		"_wait_for_tstate_lock",
	};
	return python_threading(f, joins, ARRAY_SIZE(joins));
}

/*
 * A goroutine parked on a sync.Mutex or RWMutex (a lock wait) or in a
 * WaitGroup's Wait (a join): the thread then runs Go's scheduler, and
 * what it waits in there looking for other goroutines (a futex for a
 * note, runqgrab's usleep) is the goroutine's wait; WAIT_NONE when the
 * stack shows no goroutine parked so.
 */
static enum wait_reason go_parked(const struct profile *p,
				  const struct stack_sample *st)
{
	static const char *const mutexes[] = {
		"sync.runtime_SemacquireMutex", "sync.runtime_SemacquireRWMutex",
		"sync.runtime_SemacquireRWMutexR",
	};
	static const char *const parks[] = {
		"runtime.gopark", "runtime.goparkunlock",
	};
	enum wait_reason r = WAIT_NONE;
	uint32_t j;

	for (j = 0; j < st->n_frames; j++) {	/* outermost first */
		const char *name = p->frames[st->frames[j]].name;

		if (p->frames[st->frames[j]].cls == CLASS_KERNEL || !name)
			continue;
		if (name_in(name, mutexes, ARRAY_SIZE(mutexes)))
			r = WAIT_LOCK;
		else if (!strcmp(name, "sync.runtime_Semacquire"))
			r = WAIT_JOIN;		/* sync.(*WaitGroup).Wait */
		else if (r && name_in(name, parks, ARRAY_SIZE(parks)))
			return r;
	}
	return WAIT_NONE;
}

/* Python's Thread.start (start before 3.11): it waits until the new
 * thread has run its first bytecode, which needs the GIL; while other
 * threads hold it (a busy process, a loaded machine), that wait is the
 * GIL's, not a lock the program took. */
static bool python_starts(const struct frame *f)
{
	static const char *const starts[] = { "Thread.start", "start" };

	return python_threading(f, starts, ARRAY_SIZE(starts));
}

enum wait_reason wait_join_or(const struct profile *p,
			      const struct stack_sample *st, enum wait_reason r)
{
	enum wait_reason go;
	uint32_t j;

	if (r != WAIT_CPU && r != WAIT_NONE && (go = go_parked(p, st)))
		return go;
	if (r != WAIT_LOCK)
		return r;
	for (j = 0; j < st->n_frames; j++) {
		const struct frame *f = &p->frames[st->frames[j]];

		if (f->cls == CLASS_KERNEL)
			continue;
		if (frame_joins(f->name) || python_joins(f))
			return WAIT_JOIN;
		if (python_starts(f) ||
		    wait_gil_call(f, j + 1 < st->n_frames ?
				  &p->frames[st->frames[j + 1]] : NULL))
			return WAIT_GIL;
	}
	return r;
}

bool wait_target_terminal(const char *target)
{
	return target && (strstr(target, " /dev/ptmx") ||
			  strstr(target, " /dev/pts/") ||
			  strstr(target, " /dev/tty"));
}

bool wait_target_idle(const char *target)
{
	return target && (!strncmp(target, WAIT_ACCEPT_PREFIX,
				   strlen(WAIT_ACCEPT_PREFIX)) ||
			  strstr(target, WAIT_LISTENING));
}
