// SPDX-License-Identifier: GPL-2.0
/* Threads blocked through the whole recording; see blocked.h. */
#include <dirent.h>
#include <poll.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "lib/util.h"
#include "classify/wait.h"
#include "proc/procfs.h"
#include "record/blocked.h"
#include "record/fdproc.h"
#include "record/taskmem.h"
#include "syscalls.h"

static int add_task(struct blocked_tasks *b, uint32_t pid, uint32_t tid)
{
	struct blocked_task *t;

	if (b->n >= BLOCKED_MAX_TASKS)
		return 0;
	if (b->n == b->cap) {
		t = reallocarray(b->v, b->cap ? 2 * b->cap : 8, sizeof(*t));
		if (!t)
			return -ENOMEM;
		b->v = t;
		b->cap = b->cap ? 2 * b->cap : 8;
	}
	t = &b->v[b->n];
	*t = (struct blocked_task){ .pid = pid, .tid = tid, .syscall = -1 };
	if (procfs_task_schedstat(b->procfs, pid, tid, &t->run_ns,
				  &t->switches))
		return 0;		/* gone, or no schedstats */
	b->n++;
	return 0;
}

int blocked_snapshot(struct blocked_tasks *b, const char *procfs,
		     const uint32_t *pids, size_t n_pids)
{
	char path[64], *end;
	struct dirent *d;
	unsigned long tid;
	size_t i;
	DIR *dir;
	int err = 0;

	*b = (struct blocked_tasks){ .procfs = procfs };
	for (i = 0; i < n_pids && !err; i++) {
		snprintf(path, sizeof(path), "%s/%u/task", procfs, pids[i]);
		dir = opendir(path);
		if (!dir)
			continue;
		while (!err && (d = readdir(dir))) {
			tid = strtoul(d->d_name, &end, 10);
			if (*end || !tid || tid > UINT32_MAX)
				continue;
			err = add_task(b, pids[i], tid);
		}
		closedir(dir);
	}
	return err;
}

/* Descriptors of a poll, select or epoll ranked for a wait that began
 * before the recording: more than the BPF side ranks (WS_POLL_FDS), as it
 * is done once per thread. */
#define BLOCKED_POLL_FDS	64

/* Of descriptors fds[0..n) of pid, the one ranked highest as the BPF side
 * ranks a poll's (ws_poll_rank), the first of equals, into t. */
static void best_fd_target(const struct blocked_tasks *b, uint32_t pid,
			   const int *fds, size_t n, struct ws_target *t)
{
	struct ws_target fdt;
	int rank, best = -1;
	size_t i;

	for (i = 0; i < n; i++) {
		fdproc_target(b->procfs, pid, fds[i], &fdt);
		rank = ws_poll_rank(fdt.kind);
		if (rank > best) {
			best = rank;
			*t = fdt;
		}
	}
}

/* What a poll() waits on: its descriptors, read from the thread's
 * memory. */
static void poll_target(const struct blocked_tasks *b, uint32_t pid,
			const struct procfs_syscall *sc, struct ws_target *t)
{
	struct pollfd pfd[BLOCKED_POLL_FDS];
	int fds[BLOCKED_POLL_FDS];
	uint64_t n = sc->args[1];
	size_t i;

	if (!n || n > BLOCKED_POLL_FDS ||
	    procfs_task_mem(pid, sc->args[0], pfd, n * sizeof(*pfd)))
		return;
	for (i = 0; i < n; i++)
		fds[i] = pfd[i].fd;
	best_fd_target(b, pid, fds, n, t);
}

/* What a select() waits on: the descriptors of its read set (a server's
 * listening sockets: postgres's postmaster), the first BLOCKED_POLL_FDS. */
static void select_target(const struct blocked_tasks *b, uint32_t pid,
			  const struct procfs_syscall *sc, struct ws_target *t)
{
	uint64_t set[FD_SETSIZE / 64], nfds = sc->args[0];
	int fds[BLOCKED_POLL_FDS];
	size_t n = 0;
	uint64_t fd;

	if (!nfds || nfds > 64 * ARRAY_SIZE(set) || !sc->args[1] ||
	    procfs_task_mem(pid, sc->args[1], set, (nfds + 63) / 64 * 8))
		return;
	for (fd = 0; fd < nfds && n < BLOCKED_POLL_FDS; fd++)
		if (set[fd / 64] >> (fd % 64) & 1)
			fds[n++] = fd;
	best_fd_target(b, pid, fds, n, t);
}

/* What an epoll_wait() waits on: the descriptors in the epoll instance,
 * its "tfd:" lines in /proc/PID/fdinfo/EPFD. */
static void epoll_target(const struct blocked_tasks *b, uint32_t pid,
			 uint64_t epfd, struct ws_target *t)
{
	struct procfs_lines l;
	int fds[BLOCKED_POLL_FDS], fd;
	char path[64];
	size_t n = 0;

	if (epfd > INT32_MAX)
		return;
	snprintf(path, sizeof(path), "%s/%u/fdinfo/%d", b->procfs, pid,
		 (int)epfd);
	if (procfs_lines_open(&l, path, PROCFS_SMALL_MAX, PROCFS_SMALL_LINE))
		return;
	while (n < BLOCKED_POLL_FDS && procfs_lines_next(&l))
		if (sscanf(l.line, "tfd: %d", &fd) == 1 && fd >= 0)
			fds[n++] = fd;
	procfs_lines_close(&l);
	best_fd_target(b, pid, fds, n, t);
}

/* bt's wait as the BPF side keys one: its syscall, and what the
 * descriptor it waits on is. */
static void blocked_key(const struct blocked_tasks *b,
			const struct blocked_task *bt,
			const struct procfs_syscall *sc,
			struct ws_offcpu_key *key)
{
	memset(key, 0, sizeof(*key));	/* as the BPF side clears one */
	key->pid = bt->pid;
	key->tid = bt->tid;
	key->ustack_id = WS_NO_STACK;
	key->syscall = sc->nr;
	key->target.fd = -1;
	if (ws_fd_syscall(sc->nr) && sc->args[0] <= INT32_MAX)
		fdproc_target(b->procfs, bt->pid, (int)sc->args[0],
			      &key->target);
	else if (sc->nr == WS_NR_poll || sc->nr == WS_NR_ppoll)
		poll_target(b, bt->pid, sc, &key->target);
	else if (sc->nr == WS_NR_select || sc->nr == WS_NR_pselect6)
		select_target(b, bt->pid, sc, &key->target);
	else if (sc->nr == WS_NR_epoll_wait || sc->nr == WS_NR_epoll_pwait ||
		 sc->nr == WS_NR_epoll_pwait2)
		epoll_target(b, bt->pid, sc->args[0], &key->target);
}

/* bt's stacks now, kept for its seeded wait (the code objects to c). */
static int seed_stacks(struct blocked_task *bt,
		       const struct procfs_syscall *sc,
		       const struct py_attach *py, struct py_task_stack *stack,
		       struct collector *c)
{
	struct py_context ctx = { 0 };
	struct ws_wait_top *top = malloc(sizeof(*top));
	int err = 0;

	if (top && taskmem_top(bt->pid, sc, top))
		bt->seed_top = top;
	else
		free(top);
	if (!taskmem_python(bt->pid, bt->tid, py, stack, c, &ctx, &err))
		return err;
	bt->seed_py = malloc((stack->n ? stack->n : 1) * sizeof(*bt->seed_py));
	if (!bt->seed_py)
		return -ENOMEM;
	memcpy(bt->seed_py, stack->frames, stack->n * sizeof(*bt->seed_py));
	bt->seed_py_n = stack->n;
	bt->seed_py_truncated = stack->truncated;
	return 0;
}

int blocked_seed(struct blocked_tasks *b, const struct offcpu_maps *m,
		 struct collector *c, const struct py_attach *py)
{
	struct py_task_stack *stack = py ? malloc(sizeof(*stack)) : NULL;
	struct ws_offcpu_start st;
	struct procfs_syscall sc;
	struct blocked_task *bt;
	size_t i, n = 0;
	int err = 0;

	for (i = 0; i < b->n && !err; i++) {
		bt = &b->v[i];
		if (procfs_task_syscall(b->procfs, bt->pid, bt->tid, &sc) ||
		    sc.nr < 0)
			continue;
		memset(&st, 0, sizeof(st));	/* ts 0: from the start */
		blocked_key(b, bt, &sc, &st.key);
		st.fd = st.key.target.fd;
		/* its CPU time, had it run since, would have left a wait
		 * the BPF side saw begin: what ends this one if its
		 * switch-in goes unreported */
		st.run_ns = bt->run_ns;
		/* not over a wait the BPF side saw begin meanwhile */
		if (bpf_map_update_elem(m->start_fd, &bt->tid, &st,
					BPF_NOEXIST))
			continue;
		if (n++ < BLOCKED_SEED_STACKS)
			err = seed_stacks(bt, &sc, py, stack, c);
	}
	free(stack);
	return err;
}

/* bt's Python stack as read at the start, into ctx; NULL none. */
static const struct py_context *seed_python(const struct blocked_task *bt,
					    const struct py_attach *py,
					    struct py_context *ctx)
{
	if (!bt->seed_py)
		return NULL;
	ctx->stack = (struct py_frames){ .frames = bt->seed_py,
					 .n = bt->seed_py_n,
					 .truncated = bt->seed_py_truncated };
	ctx->module = py_attach_module(py, bt->pid);
	ctx->minor = py_attach_minor(py, bt->pid);
	return ctx;
}

bool blocked_seed_stacks(struct blocked_tasks *b, const struct ws_wait *w,
			 uint64_t start_ns, const struct py_attach *py,
			 struct py_context *ctx, const struct ws_wait_top **top,
			 const struct py_context **pyc)
{
	uint64_t len = w->val.blocked_ns + w->val.runq_ns;
	struct blocked_task *bt;
	size_t i;

	if (w->key.ustack_id != WS_NO_STACK || w->val.last_ns < len ||
	    w->val.last_ns - len != start_ns)
		return false;
	for (i = 0; i < b->n; i++) {
		bt = &b->v[i];
		if (bt->tid != w->key.tid || bt->seed_given ||
		    (!bt->seed_top && !bt->seed_py))
			continue;
		bt->seed_given = true;
		*top = bt->seed_top;
		*pyc = seed_python(bt, py, ctx);
		return true;
	}
	return false;
}

int blocked_collect(struct blocked_tasks *b, const struct offcpu_maps *m,
		    struct collector *c, const struct proc_table *t,
		    const struct py_attach *py, struct pyn_kinds *kinds,
		    uint64_t end_ns)
{
	struct py_task_stack *stack = py ? malloc(sizeof(*stack)) : NULL;
	struct ws_wait_top *top = malloc(sizeof(*top));
	const struct ws_wait_top *tp;
	const struct py_context *pyc;
	struct ws_offcpu_key key;
	struct procfs_syscall sc;
	struct blocked_task *bt;
	struct py_context ctx;
	uint64_t run, switches;
	size_t i;
	int err = 0;

	for (i = 0; i < b->n; i++) {
		bt = &b->v[i];
		if (procfs_task_schedstat(b->procfs, bt->pid, bt->tid, &run,
					  &switches) ||
		    run != bt->run_ns || switches != bt->switches ||
		    procfs_task_syscall(b->procfs, bt->pid, bt->tid, &sc) ||
		    sc.nr < 0 || offcpu_wait_open(m, bt->tid))
			continue;
		blocked_key(b, bt, &sc, &key);
		ctx = (struct py_context){ .sym = m->sym, .kinds = kinds };
		if (bt->seed_top || bt->seed_py) {
			/* it has not run since they were read at the start */
			pyc = seed_python(bt, py, &ctx);
			tp = bt->seed_top;
		} else {
			pyc = taskmem_python(bt->pid, bt->tid, py, stack, c,
					     &ctx, &err);
			tp = top ? taskmem_top(bt->pid, &sc, top) : NULL;
		}
		if (!err)
			err = offcpu_add_blocked(m, c, t, &key, end_ns, tp,
						 pyc);
		if (err)
			break;
		bt->syscall = sc.nr;
		bt->py_stack = pyc != NULL;
		bt->native_stack = tp != NULL;
		b->found++;
		b->stacks += bt->py_stack || bt->native_stack;
	}
	free(stack);
	free(top);
	return err;
}

/* How its stack was found, for its note. */
static const char *stack_read(const struct blocked_task *bt)
{
	if (bt->native_stack && bt->py_stack)
		return "with its user and Python stacks read from the "
		       "process's memory at the end";
	if (bt->native_stack)
		return "with its user stack unwound from the process's "
		       "memory at the end";
	if (bt->py_stack)
		return "with its Python stack read from the process's "
		       "memory at the end";
	return "with no stack (one is taken as a wait begins)";
}

int blocked_notes(const struct blocked_tasks *b, struct profile *out)
{
	const char *name;
	size_t i, n = 0;
	char *line;
	int err = 0;

	for (i = 0; i < b->n && n < BLOCKED_MAX_NOTES && !err; i++) {
		if (b->v[i].syscall < 0)
			continue;
		name = wait_syscall_name(b->v[i].syscall);
		if (++n == BLOCKED_MAX_NOTES && b->found > BLOCKED_MAX_NOTES)
			err = asprintf(&line, "%zu more threads were blocked "
				       "since before the recording began, "
				       "likewise", b->found - n + 1);
		else
			err = asprintf(&line, "Thread %u (pid %u) was blocked "
				       "in %s%s since before the recording "
				       "began: its wait counts from whyslow's "
				       "start, %s", b->v[i].tid, b->v[i].pid,
				       name ? name : "syscall ",
				       name ? "" : "?", stack_read(&b->v[i]));
		if (err < 0)
			return -ENOMEM;
		err = profile_add_note(out, line);
		free(line);
	}
	return err;
}

void blocked_free(struct blocked_tasks *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->v[i].seed_top);
		free(b->v[i].seed_py);
	}
	free(b->v);
	*b = (struct blocked_tasks){ 0 };
}
