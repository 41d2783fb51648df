// SPDX-License-Identifier: GPL-2.0
/*
 * What traced processes do with files, sockets and processes, from the
 * raw syscall tracepoints and the fork/exec ones:
 *
 *  - per descriptor (tgid, fd): reads, writes, bytes, time in them and how
 *    much of it off the CPU, fsyncs and their time, in io_fds; sent to
 *    user space when the fd is closed or replaced (WS_EV_FD); a
 *    descriptor first used while traced (stdin, socket(), pipe(),
 *    inherited) gets an entry then.  User space collects the entries
 *    left by processes that exited from the map;
 *  - a file's whole path, once per descriptor (WS_EV_PATH, named by an id
 *    that the descriptor's figures and the open's site carry), and the
 *    name given to a failed open();
 *  - where files are opened, connections made and accepted, processes
 *    forked (WS_EV_IO_SITE, with user and Python stacks and the syscall's
 *    time);
 *  - on a connection the process made, each request/response exchange
 *    (WS_EV_REQUEST), for the requests-in-flight figures, and for a
 *    non-blocking connect() how long the connection took to be made
 *    (to its first send or receive: a SYN retransmitted waits 1 s);
 *  - every execve() (WS_EV_EXEC), and the exit of a process that
 *    exec'd (WS_EV_EXIT), each with the process's CPU time so far.
 *
 * Cost: the sys_enter program filters on the syscall number first (a
 * switch), then on the traced tgid; the exit finds its state in task-local
 * storage (untraced threads have none: one load and out).  What a
 * descriptor is (a path walk) is resolved once, when it is first seen.
 * Reads and writes repeated on one descriptor by one thread are timed one
 * in WS_IO_TIME_EVERY (never on a connection the process made, whose
 * requests need every call's time, nor without off-CPU tracing): the others cost no clock read, no
 * hash lookup and no atomic add, but a few adds in the thread's storage
 * (struct ws_quick_fd), put in the descriptor's entry at the next timed
 * call, at its close, at exec and at the thread's exit.  Their counts,
 * bytes and off-CPU time are exact; their on-CPU time is the thread's last
 * timed call's on the descriptor (for 1 M one-byte preads that saves 60%
 * of our cost per call; their syscalls' total stays within a few %).
 */
#include "common.bpf.h"
#include "fdtarget.bpf.h"
#include "iosite.bpf.h"
#include "stackfar.bpf.h"
#include "syscalls.h"
#include "sysstate.bpf.h"

extern const volatile bool offcpu_enabled;	/* offcpu.bpf.c */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* written at open, not per read */
	__uint(max_entries, 16384);
	__type(key, struct ws_fd_key);
	__type(value, struct ws_fd_stats);
} io_fds SEC(".maps");

/* Processes that exec'd while traced, whose exit is sent: kept apart from
 * `traced`, which proc.bpf.c empties at sched_process_exit, before the
 * last switch-out. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* written only at exec */
	__uint(max_entries, WS_MAX_TRACED);
	__type(key, __u32);
	__type(value, __u8);
} io_execd SEC(".maps");

/* Of those, the thread that called exit_group(), once it has. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);	/* written at an exit */
	__uint(max_entries, WS_MAX_TRACED);
	__type(key, __u32);
	__type(value, __u32);
} io_exit_caller SEC(".maps");

/* Where a new io_fds value is made: too big for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ws_fd_stats);
} fdstats_scratch SEC(".maps");

enum io_class {
	IO_NONE,
	IO_OPEN,
	IO_READ,
	IO_WRITE,
	IO_CONNECT,
	IO_ACCEPT,
	IO_CLOSE,
	IO_NEWFD,	/* returns a new descriptor: an entry left on its
			 * number (closed by exec, close_range) is stale */
	IO_PIPE,	/* the same, two of them, written to int[2] */
	IO_SYNC,	/* waits for the descriptor's data to be on disk */
};

static __always_inline enum io_class io_class(long nr)
{
	if (ws_sync_syscall(nr))
		return IO_SYNC;
	switch (nr) {
	case WS_NR_open: case WS_NR_creat:
	case WS_NR_openat: case WS_NR_openat2:
		return IO_OPEN;
	case WS_NR_read: case WS_NR_pread64: case WS_NR_readv:
	case WS_NR_preadv: case WS_NR_preadv2:
	case WS_NR_recvfrom: case WS_NR_recvmsg: case WS_NR_recvmmsg:
		return IO_READ;
	case WS_NR_write: case WS_NR_pwrite64: case WS_NR_writev:
	case WS_NR_pwritev: case WS_NR_pwritev2:
	case WS_NR_sendto: case WS_NR_sendmsg: case WS_NR_sendmmsg:
	case WS_NR_sendfile:			/* out_fd first */
		return IO_WRITE;
	case WS_NR_connect:
		return IO_CONNECT;
	case WS_NR_accept: case WS_NR_accept4:
		return IO_ACCEPT;
	case WS_NR_close:
		return IO_CLOSE;
	case WS_NR_dup: case WS_NR_dup2: case WS_NR_dup3:
	case WS_NR_socket: case WS_NR_epoll_create: case WS_NR_epoll_create1:
	case WS_NR_inotify_init: case WS_NR_inotify_init1:
	case WS_NR_signalfd: case WS_NR_timerfd_create: case WS_NR_eventfd:
	case WS_NR_signalfd4: case WS_NR_eventfd2:
	case WS_NR_open_by_handle_at: case WS_NR_memfd_create:
	case WS_NR_pidfd_open:
	case WS_NR_fcntl:	/* only F_DUPFD* make a descriptor: see exit */
		return IO_NEWFD;
	case WS_NR_pipe: case WS_NR_pipe2:
		return IO_PIPE;
	}
	return IO_NONE;
}

SEC_TP_BTF("sys_enter")
int BPF_PROG(io_enter, struct pt_regs *regs, long id)
{
	enum io_class cls = io_class(id);
	struct task_struct *task;
	struct ws_sys_state *st;
	struct ws_quick_fd *q;

	if (cls == IO_NONE)
		return 0;
	task = bpf_get_current_task_btf();
	st = bpf_task_storage_get(&sys_state, task, NULL, 0);
	if (!st) {
		if (!is_traced(task->tgid))
			return 0;
		st = bpf_task_storage_get(&sys_state, task, NULL,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!st) {
			count_event(WS_CNT_IO_DROPPED);
			return 0;
		}
	}
	st->nr = id;
	st->arg0 = regs->di;
	st->arg1 = regs->si;
	st->offcpu_at_enter = st->offcpu_ns;
	/* without off-CPU tracing a call's time is not split into on and
	 * off the CPU: one that blocked would stand for those that did not */
	if (offcpu_enabled && (cls == IO_READ || cls == IO_WRITE)) {
		q = &st->quick[cls == IO_WRITE];
		if (q->fd1 && q->fd1 == (__s32)st->arg0 + 1 &&
		    ++q->calls < WS_IO_TIME_EVERY) {
			st->enter_ns = 0;
			return 0;
		}
	}
	st->enter_ns = bpf_ktime_get_ns();
	return 0;
}

static __always_inline void send_fd_event(__u32 type, const struct ws_fd_key *key,
					  const struct ws_fd_stats *v, __u64 now)
{
	struct ws_fd_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);

	if (!ev) {
		count_event(WS_CNT_IO_DROPPED);
		return;
	}
	ev->type = type;
	ev->pid = key->pid;
	ev->fd = key->fd;
	ev->pad = 0;
	ev->time_ns = now;
	__builtin_memcpy(&ev->stats, v, sizeof(ev->stats));
	bpf_ringbuf_submit(ev, submit_flags());
}

/* The descriptor is closed or replaced: its figures go to user space. */
static __always_inline void fd_flush(const struct ws_fd_key *key, __u64 now)
{
	struct ws_fd_stats *v = bpf_map_lookup_elem(&io_fds, key);

	if (!v)
		return;
	send_fd_event(WS_EV_FD, key, v, now);
	bpf_map_delete_elem(&io_fds, key);
}

/* The calls a thread did not time, into their descriptor's entry e (or
 * the entry looked up here, e NULL), if it is still the one they were
 * made on; else they are lost, and counted. */
static __always_inline void quick_put(struct ws_quick_fd *q, __u32 pid,
				      struct ws_fd_stats *e, bool write)
{
	struct ws_fd_key key = { .pid = pid, .fd = q->fd1 - 1 };

	if (!q->n)
		return;
	if (!e)
		e = bpf_map_lookup_elem(&io_fds, &key);
	if (e && e->born_ns == q->born_ns) {
		__sync_fetch_and_add(write ? &e->writes : &e->reads, q->n);
		__sync_fetch_and_add(write ? &e->write_bytes : &e->read_bytes,
				     q->bytes);
		__sync_fetch_and_add(write ? &e->write_ns : &e->read_ns, q->ns);
		if (q->off)
			__sync_fetch_and_add(&e->offcpu_ns, q->off);
		__sync_fetch_and_add(&e->untimed, q->n);
	} else {
		count_event(WS_CNT_IO_DROPPED);
	}
	q->n = q->bytes = q->ns = q->off = 0;
}

/* fd is closed or replaced (or the thread ends, fd -1: both): what the
 * thread did not time on it goes to its entry first. */
static __always_inline void quick_close(struct ws_sys_state *st, __u32 pid,
					int fd)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (!st->quick[i].fd1 ||
		    (fd >= 0 && st->quick[i].fd1 != fd + 1))
			continue;
		quick_put(&st->quick[i], pid, NULL, i);
		st->quick[i].fd1 = 0;
	}
}

/* The thread (current) execs or ends. */
static __always_inline void quick_exit(__u32 pid)
{
	struct ws_sys_state *st;

	st = bpf_task_storage_get(&sys_state, bpf_get_current_task_btf(),
				  NULL, 0);
	if (st)
		quick_close(st, pid, -1);
}

/*
 * fd is closed or replaced: what the thread did not time on it goes to its
 * entry, and the entry to user space.  Global, hence __noinline: verified
 * once per program, not on each of its callers' paths (a third of
 * io_exit's verification).
 */
__noinline int io_fd_gone(struct ws_sys_state *st, __u32 pid, int fd,
			  __u64 now)
{
	struct ws_fd_key key = { .pid = pid, .fd = fd };

	if (st)	/* the verifier checks a global's arguments, not its callers */
		quick_close(st, pid, fd);
	fd_flush(&key, now);
	return 0;
}

/* A timed call on v: the next ones on its descriptor may go untimed,
 * but on a connection the process made. */
static __always_inline void quick_arm(struct ws_quick_fd *q,
				      const struct ws_fd_stats *v, int fd,
				      __u64 on_ns)
{
	q->fd1 = v->client ? 0 : fd + 1;
	q->calls = 0;
	q->born_ns = v->born_ns;
	q->on_ns = on_ns;
}

/* A fresh entry for key, replacing (and flushing) a stale one. */
static __always_inline struct ws_fd_stats *fd_entry_new(struct task_struct *task,
							const struct ws_fd_key *key,
							__u8 client, __u8 inbound,
							__u64 start, __u64 now)
{
	struct ws_fd_stats *v;
	__u32 zero = 0;

	v = bpf_map_lookup_elem(&fdstats_scratch, &zero);
	if (!v)
		return NULL;
	__builtin_memset(v, 0, sizeof(*v) - sizeof(v->target));
	/* opened so, or a dup of one so opened (dd oflag=dsync's stdout) */
	v->dsync = (resolve_fd_target_whole(task, key->fd, &v->target) &
		    WS_O_DSYNC) != 0;
	v->path_id = fdt_send_path(key->pid, NULL);
	v->client = client;
	v->inbound = inbound;
	v->req_start = client ? start : 0;
	v->last_end = now;
	v->born_ns = now;
	if (bpf_map_update_elem(&io_fds, key, v, BPF_ANY)) {
		count_event(WS_CNT_IO_DROPPED);
		return NULL;
	}
	return bpf_map_lookup_elem(&io_fds, key);
}

/* A read or write: counted, and a step of the request on a connection. */
static __always_inline void fd_account(struct ws_fd_stats *v,
				       const struct ws_fd_key *key, bool write,
				       long ret, __u64 start, __u64 now,
				       __u64 off)
{
	if (write) {
		__sync_fetch_and_add(&v->writes, 1);
		__sync_fetch_and_add(&v->write_ns, now - start);
		if (ret > 0)
			__sync_fetch_and_add(&v->write_bytes, ret);
	} else {
		__sync_fetch_and_add(&v->reads, 1);
		__sync_fetch_and_add(&v->read_ns, now - start);
		if (ret > 0)
			__sync_fetch_and_add(&v->read_bytes, ret);
	}
	if (off)
		__sync_fetch_and_add(&v->offcpu_ns, off);
	v->last_end = now;
	if (v->connecting && start > v->born_ns) {
		v->connect_wait_ns = start - v->born_ns;
		v->connecting = 0;
	}
	if (!v->client || ret < 0)
		return;
	if (!write) {
		/* Data, or the end of it: the answer is (still) coming. */
		if (v->req_start) {
			v->responded = 1;
			v->last_recv_end = now;
		}
		return;
	}
	if (v->responded) {	/* a send after an answer: a new request */
		send_fd_event(WS_EV_REQUEST, key, v, now);
		v->responded = 0;
		v->req_start = start;
	} else if (!v->req_start) {
		v->req_start = start;
	}
}

/* python: the sites' Python stacks (io_exit_py, see oncpu.bpf.c's
 * sample_oncpu_py); a constant. */
static __always_inline int on_sys_exit(long ret, const bool python)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct ws_sys_state *st = bpf_task_storage_get(&sys_state, task, NULL, 0);
	struct ws_fd_stats *v = NULL;
	const char *name = NULL;
	struct ws_quick_fd *q;
	struct ws_fd_key key;
	__u8 client = 0, inbound = 0;
	int fds[2];
	__u64 now, start, off;
	enum io_class cls;
	__u32 op = 0;
	bool create = false;
	__s32 nr;

	if (!st || st->nr < 0)
		return 0;
	nr = st->nr;
	cls = io_class(nr);
	st->nr = -1;
	off = st->offcpu_ns - st->offcpu_at_enter;
	if (!st->enter_ns) {
		/* not timed: a read or write on its thread's quick fd */
		q = &st->quick[cls == IO_WRITE];
		q->n++;
		if (ret > 0)
			q->bytes += ret;
		q->ns += q->on_ns + off;
		q->off += off;
		return 0;
	}
	now = bpf_ktime_get_ns();
	start = st->enter_ns;
	if (off > now - start)
		off = now - start;
	key.pid = task->tgid;
	key.fd = (int)st->arg0;

	switch (cls) {
	case IO_READ:
	case IO_WRITE:
	case IO_SYNC:
		if (key.fd < 0)
			return 0;
		v = bpf_map_lookup_elem(&io_fds, &key);
		create = !v;
		break;
	case IO_OPEN:
		if (ret < 0) {
			/* open(name) and creat(name); openat*(dirfd, name) */
			op = WS_IO_OPEN_FAILED;
			name = (const char *)(nr == WS_NR_open ||
					      nr == WS_NR_creat ?
					      st->arg0 : st->arg1);
			break;
		}
		op = WS_IO_OPEN;
		key.fd = ret;
		create = true;
		break;
	case IO_CONNECT:
		if (ret < 0 && ret != -EINPROGRESS)
			return 0;
		op = WS_IO_CONNECT;
		client = 1;
		create = true;
		break;
	case IO_ACCEPT:
		if (ret < 0)
			return 0;
		op = WS_IO_ACCEPT;
		key.fd = ret;
		inbound = 1;
		create = true;
		break;
	case IO_CLOSE:
		io_fd_gone(st, key.pid, key.fd, now);
		return 0;
	case IO_NEWFD:
		/* fcntl(fd, F_DUPFD or F_DUPFD_CLOEXEC, ...) */
		if (ret >= 0 && (nr != WS_NR_fcntl ||
				 st->arg1 == WS_F_DUPFD ||
				 st->arg1 == WS_F_DUPFD_CLOEXEC)) {
			io_fd_gone(st, key.pid, ret, now);
		}
		return 0;
	case IO_PIPE:
		if (ret == 0 &&
		    !bpf_probe_read_user(fds, sizeof(fds), (void *)st->arg0)) {
			io_fd_gone(st, key.pid, fds[0], now);
			io_fd_gone(st, key.pid, fds[1], now);
		}
		return 0;
	default:
		return 0;
	}

	if (create) {
		io_fd_gone(st, key.pid, key.fd, now);
		v = fd_entry_new(task, &key, client, inbound, start, now);
		if (v && cls == IO_CONNECT && ret == -EINPROGRESS)
			v->connecting = 1;
	}
	if (name || (op && v)) {
		struct io_site_args a = {
			.op = op, .ret = ret, .start = start, .now = now,
			.off = off, .name = (__u64)name,
			.path_id = v ? v->path_id : fdt_send_path(key.pid, name),
		};

		if (python)
			io_site_py(&a, v ? &v->target : NULL);
		else
			io_site(&a, v ? &v->target : NULL);
	}
	if (v && cls == IO_SYNC) {
		__sync_fetch_and_add(&v->syncs, 1);
		__sync_fetch_and_add(&v->sync_ns, now - start);
	}
	if (v && (cls == IO_READ || cls == IO_WRITE)) {
		q = &st->quick[cls == IO_WRITE];
		quick_put(q, key.pid, q->fd1 == key.fd + 1 ? v : NULL,
			  cls == IO_WRITE);
		fd_account(v, &key, cls == IO_WRITE, ret, start, now, off);
		quick_arm(q, v, key.fd, now - start - off);
	}
	return 0;
}

SEC_TP_BTF("sys_exit")
int BPF_PROG(io_exit, struct pt_regs *regs, long ret)
{
	return on_sys_exit(ret, false);
}

SEC_TP_BTF("sys_exit")
int BPF_PROG(io_exit_py, struct pt_regs *regs, long ret)
{
	return on_sys_exit(ret, true);
}

/* A new thread of a traced process: who made it, when. */
static __always_inline void send_thread(struct task_struct *parent,
					struct task_struct *child)
{
	struct ws_thread_event *ev = bpf_ringbuf_reserve(&events, sizeof(*ev),
							 0);

	if (!ev) {
		count_event(WS_CNT_IO_DROPPED);
		return;
	}
	ev->type = WS_EV_THREAD;
	ev->pid = child->tgid;
	ev->tid = child->pid;
	ev->parent_tid = parent->pid;
	ev->time_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(ev, submit_flags());
}

/* A new process of a traced one: where it was forked from.  Runs in the
 * parent, whose stacks are read; a thread is only told. */
static __always_inline int on_fork(struct task_struct *parent,
				   struct task_struct *child, const bool python)
{
	struct io_site_args a = { .op = WS_IO_FORK };
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	if (!is_traced(tgid))
		return 0;
	if (child->tgid == parent->tgid) {
		send_thread(parent, child);
		return 0;
	}
	a.child = child->tgid;
	a.now = a.start = bpf_ktime_get_ns();
	if (python)
		io_site_py(&a, NULL);
	else
		io_site(&a, NULL);
	return 0;
}

SEC_TP_BTF("sched_process_fork")
int BPF_PROG(io_fork, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child, false);
}

SEC_TP_BTF("sched_process_fork")
int BPF_PROG(io_fork_py, struct task_struct *parent, struct task_struct *child)
{
	return on_fork(parent, child, true);
}

/*
 * CPU time of task's thread group so far: sum_sched_runtime has each
 * thread released (__exit_signal(): a thread but the leader releases
 * itself as it exits, the leader is released when its parent reaps it),
 * and nr_threads counts those not yet released, so the leader's own time
 * is added here only while nr_threads counts it (the last thread released
 * is the leader).  Its exit_state is no test: the parent marks it
 * EXIT_DEAD before releasing it, and in between (at the last switch of a
 * short program, often) its whole run read 0.  Read under stats_lock's
 * sequence, as the kernel's readers do, bounded.  At an exec the task is
 * the leader (de_thread() released the old one, as a thread).
 */
static __always_inline __u64 group_cpu_ns(struct task_struct *task)
{
	struct task_struct *leader = BPF_CORE_READ(task, group_leader);
	struct signal_struct *sig = BPF_CORE_READ(task, signal);
	__u32 seq, again;
	__u64 ns = 0;
	int i, live;

	for (i = 0; i < 4; i++) {
		seq = BPF_CORE_READ(sig, stats_lock.seqcount.seqcount.sequence);
		ns = BPF_CORE_READ(sig, sum_sched_runtime);
		live = BPF_CORE_READ(sig, nr_threads);
		barrier();
		again = BPF_CORE_READ(sig, stats_lock.seqcount.seqcount.sequence);
		if (!(seq & 1) && seq == again)
			break;
	}
	if (live > 0)
		ns += BPF_CORE_READ(leader, se.sum_exec_runtime);
	return ns;
}

SEC_TP_BTF("sched_process_exec")
int BPF_PROG(io_exec, struct task_struct *p, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	__u32 tgid = p->tgid;
	struct ws_exec *ev;
	__u8 one = 1;

	if (!is_traced(tgid))
		return 0;
	stack_far_exec(tgid, BPF_CORE_READ(bprm, file, f_inode, i_ino));
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		count_event(WS_CNT_IO_DROPPED);
		return 0;
	}
	ev->type = WS_EV_EXEC;
	ev->pid = tgid;
	ev->time_ns = bpf_ktime_get_ns();
	if (bpf_probe_read_kernel_str(ev->filename, sizeof(ev->filename),
				      BPF_CORE_READ(bprm, filename)) < 0)
		ev->filename[0] = '\0';
	/* bprm->file: what exec_binprm() ended on, the ELF file itself */
	if (bpf_probe_read_kernel_str(ev->exe, sizeof(ev->exe),
				      BPF_CORE_READ(bprm, file, f_path.dentry,
						    d_name.name)) < 0)
		ev->exe[0] = '\0';
	ev->cpu_ns = group_cpu_ns(p);
	bpf_ringbuf_submit(ev, submit_flags());
	if (bpf_map_update_elem(&io_execd, &tgid, &one, BPF_ANY))
		count_event(WS_CNT_IO_DROPPED);
	quick_exit(tgid);	/* the close-on-exec descriptors are gone */
	return 0;
}

/* A thread ends: what it did not time goes to its descriptors.  (Not
 * asked of `traced`, which track_exit may have left already: only traced
 * threads have the storage.) */
SEC_TP_BTF("sched_process_exit")
int BPF_PROG(io_thread_exit)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 tgid = task->tgid, tid = task->pid;

	quick_exit(tgid);
	/* do_group_exit() flags the group and sends its other threads
	 * SIGKILL; a fatal signal sends it to every thread */
	if (!(BPF_CORE_READ(task, signal, flags) & WS_SIGNAL_GROUP_EXIT) ||
	    (BPF_CORE_READ(task, pending.signal.sig[0]) &
	     (1ull << (WS_SIGKILL - 1))) ||
	    !bpf_map_lookup_elem(&io_execd, &tgid))
		return 0;
	bpf_map_update_elem(&io_exit_caller, &tgid, &tid, BPF_NOEXIST);
	return 0;
}

/*
 * The last switch-out of the last thread of a process that exec'd: its
 * CPU time, final here (the switch brought it up to date; at
 * sched_process_exit it can be a scheduler tick behind, all of a short
 * program's).  Every switch of the machine comes here: one load and out
 * unless prev is dead.
 */
SEC_TP_BTF("sched_switch")
int BPF_PROG(io_dead_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 tgid, *caller, exit_tid = 0;
	struct ws_exit *ev;

	if (!(BPF_CORE_READ(prev, __state) & WS_TASK_DEAD))
		return 0;
	tgid = BPF_CORE_READ(prev, tgid);
	/* signal->live reaches 0 when the last thread of the group exits. */
	if (BPF_CORE_READ(prev, signal, live.counter) != 0 ||
	    bpf_map_delete_elem(&io_execd, &tgid))
		return 0;
	caller = bpf_map_lookup_elem(&io_exit_caller, &tgid);
	if (caller) {
		exit_tid = *caller;
		bpf_map_delete_elem(&io_exit_caller, &tgid);
	}
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		count_event(WS_CNT_IO_DROPPED);
		return 0;
	}
	ev->type = WS_EV_EXIT;
	ev->pid = tgid;
	ev->time_ns = bpf_ktime_get_ns();
	ev->cpu_ns = group_cpu_ns(prev);
	ev->exit_tid = exit_tid;
	ev->pad = 0;
	bpf_ringbuf_submit(ev, submit_flags());
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
