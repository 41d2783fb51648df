// SPDX-License-Identifier: GPL-2.0
/* See critpath.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/wait.h"
#include "lib/util.h"
#include "record/critpath.h"
#include "syscalls.h"

/* Wakers followed at most this deep: a chain of threads each waiting on
 * the next (a pipeline) is rarely longer. */
#define CP_MAX_DEPTH		24
/* Parents followed to name a forked process that did not exec. */
#define CP_MAX_PARENTS		16
/* Sample periods a thread cannot run without a sample. */
#define CP_UNSEEN_PERIODS	20
/* Waits for children looked at after one, and the most the waiter may
 * run between two of them to be back to back. */
#define CP_CHILD_CHAIN		64
#define CP_CHILD_GAP_NS		(2 * 1000000ull)
/* How much of a producer's run its pipe's reader must have run for. */
#define CP_FEED_BUSY_PCT	90
/* A wait no traced task ended is cut in at most this many pieces, each
 * charged to the thread of the process that ran most in it ... */
#define CP_BUSY_PIECES		8
#define CP_BUSY_MIN_PIECE	(10 * 1000000ull)	/* ns, unless fewer */
/* (the share of it that thread must have run: critbusy.c) */

static int cmp_sample(const void *a, const void *b)
{
	const struct cp_sample *x = a, *y = b;

	return x->tid != y->tid ? CMP(x->tid, y->tid) : CMP(x->ts, y->ts);
}

static int cmp_wait(const void *a, const void *b)
{
	const struct cp_wait *x = a, *y = b;

	return x->tid != y->tid ? CMP(x->tid, y->tid) : CMP(x->start, y->start);
}

static int cmp_exec(const void *a, const void *b)
{
	const struct cp_exec *x = a, *y = b;

	return x->pid != y->pid ? CMP(x->pid, y->pid) : CMP(x->ts, y->ts);
}

static int cmp_u32(const void *a, const void *b)
{
	return CMP(*(const uint32_t *)a, *(const uint32_t *)b);
}

/* ---- lookups in the sorted timeline ---- */

/* First sample of tid at or after ts. */
size_t cp_sample_at(const struct cp_timeline *tl, uint32_t tid, uint64_t ts)
{
	size_t lo = 0, hi = tl->n_samples;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cp_sample *s = &tl->samples[mid];

		if (s->tid < tid || (s->tid == tid && s->ts < ts))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t cp_wait_after(const struct cp_timeline *tl, uint32_t tid,
			 uint64_t ts)
{
	size_t lo = 0, hi = tl->n_waits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cp_wait *w = &tl->waits[mid];

		if (w->tid < tid || (w->tid == tid && w->end <= ts))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t cp_tid_index(const struct walker *w, uint32_t tid)
{
	const uint32_t *t = bsearch(&tid, w->tids, w->n_tids,
				    sizeof(*w->tids), cmp_u32);

	return t ? t - w->tids : -1;
}

struct cp_image *cp_image_at(const struct walker *w, uint32_t pid,
			     uint64_t ts)
{
	size_t lo = 0, hi = w->n_images, first;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->images[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == w->n_images || w->images[lo].pid != pid)
		return NULL;
	first = lo;
	while (lo + 1 < w->n_images && w->images[lo + 1].pid == pid &&
	       w->images[lo + 1].start <= ts)
		lo++;
	return &w->images[lo < first ? first : lo];
}

/* ---- charging ---- */

/* The outermost frame of a stack in an executable (not a library, the
 * kernel or Python code): what the process image runs, "bash" for a
 * shell script. */
static int64_t exe_frame(const struct profile *p, const struct stack_sample *st)
{
	uint32_t i;

	for (i = 0; i < st->n_frames; i++) {
		const struct frame *f = &p->frames[st->frames[i]];

		if (f->cls == CLASS_KERNEL || !f->path || !f->module)
			continue;
		if (strstr(f->module, ".so") || strstr(f->module, ".py"))
			continue;
		return st->frames[i];
	}
	return -1;
}

/* The stack's innermost application frame has a source line. */
static bool in_source(const struct profile *p, const struct stack_sample *st)
{
	int64_t f = profile_app_leaf(p, st->frames, st->n_frames);

	return f >= 0 && p->frames[f].file && p->frames[f].line > 0;
}

static void charge(struct walker *w, uint32_t stack, uint64_t ns,
		   uint64_t ts)
{
	struct stack_sample *st = &w->p->stacks[stack];
	struct cp_image *img = cp_image_at(w, st->pid, ts);

	st->cp_ns += ns;
	if (!img)
		return;
	img->own_ns += ns;
	if (in_source(w->p, st))
		img->source_ns += ns;
	if (img->first_ns > ts)
		img->first_ns = ts;
	if (img->exe_frame < 0)
		img->exe_frame = exe_frame(w->p, st);
}


/*
 * A stack for time of an image that no event shows: a frame named after
 * its program, "[gzip: not sampled]" for CPU time no sample fell in (a
 * start-up, a short run), "[gzip: off-CPU, unseen]" for time too long to
 * have run unsampled (a wait that began
 * before the recording, or whose event was lost).
 */
static int64_t unsampled_stack(struct walker *w, uint32_t pid, uint32_t tid,
			       uint64_t ts, bool unseen)
{
	struct cp_image *img = cp_image_at(w, pid, ts);
	struct profile *p = w->p;
	size_t i = img ? 2 * (size_t)(img - w->images) + unseen : 0;
	struct stack_sample *st;
	struct frame *fr;
	char name[256];

	if (!img)
		return -1;
	if (w->unsampled[i] >= 0)
		return w->unsampled[i];
	if (p->n_stacks == w->cap_stacks) {
		void *n = reallocarray(p->stacks, 2 * w->cap_stacks,
				       sizeof(*p->stacks));

		if (!n)
			return -ENOMEM;
		p->stacks = n;
		w->cap_stacks *= 2;
	}
	fr = reallocarray(p->frames, p->n_frames + 1, sizeof(*p->frames));
	if (!fr)
		return -ENOMEM;
	p->frames = fr;
	fr = &p->frames[p->n_frames];
	memset(fr, 0, sizeof(*fr));
	snprintf(name, sizeof(name), "[%s%s]", cp_image_program(w, img),
		 unseen ? CP_UNSEEN_SUFFIX : CP_UNSAMPLED_SUFFIX);
	fr->name = strdup(name);
	fr->module = strdup(cp_image_program(w, img));
	if (!fr->name || !fr->module) {
		free(fr->name);
		free(fr->module);
		return -ENOMEM;
	}
	fr->cls = CLASS_APP;
	fr->resolved = true;
	st = &p->stacks[p->n_stacks];
	memset(st, 0, sizeof(*st));
	st->frames = malloc(sizeof(*st->frames));
	if (!st->frames) {
		free(fr->name);
		free(fr->module);
		return -ENOMEM;
	}
	st->frames[0] = p->n_frames++;
	st->n_frames = 1;
	st->pid = pid;
	st->tid = tid;
	st->syscall = -1;
	st->reason = unseen ? WAIT_OTHER : WAIT_NONE;
	w->unsampled[i] = p->n_stacks;
	return p->n_stacks++;
}

static void charge_unseen(struct walker *w, uint32_t tid, uint32_t pid,
			  uint64_t s, uint64_t len, bool unseen)
{
	int64_t t = cp_tid_index(w, tid);
	int64_t stack = unsampled_stack(w, t < 0 ? pid : w->thread_pid[t],
					tid, s, unseen);

	if (stack == -ENOMEM)
		w->err = -ENOMEM;
	else if (stack >= 0)
		charge(w, stack, len, s);
}

/* tid ran (or waited too briefly to keep) in [s, e): its samples then
 * share the time; none, the nearest sample of the thread; none at all,
 * a stack named after its program.  Long enough that it would have been
 * sampled, it did not run: a wait we did not see. */
static void charge_running(struct walker *w, uint32_t tid, uint32_t pid,
			   uint64_t s, uint64_t e)
{
	const struct cp_timeline *tl = w->tl;
	size_t i = cp_sample_at(tl, tid, s), j = i, k;
	uint64_t len = e - s, share;

	while (j < tl->n_samples && tl->samples[j].tid == tid &&
	       tl->samples[j].ts < e)
		j++;
	if (j == i && len >= CP_UNSEEN_PERIODS * w->p->period_ns) {
		charge_unseen(w, tid, pid, s, len, true);
		return;
	}
	if (j > i) {
		share = len / (j - i);
		for (k = i; k < j; k++)
			charge(w, tl->samples[k].stack,
			       k + 1 == j ? len - share * (j - i - 1) : share,
			       tl->samples[k].ts);
		return;
	}
	if (i < tl->n_samples && tl->samples[i].tid == tid) {
		charge(w, tl->samples[i].stack, len, s);
		return;
	}
	if (i > 0 && tl->samples[i - 1].tid == tid) {
		charge(w, tl->samples[i - 1].stack, len, s);
		return;
	}
	charge_unseen(w, tid, pid, s, len, false);
}

/* pause(), sigsuspend(), sigtimedwait(): waiting for a signal, a child's
 * SIGCHLD as often as a timer's (timeout(1) running a command), not a
 * sleep of the program's own. */
static bool signal_wait(const struct stack_sample *st)
{
	return st->reason == WAIT_SLEEP &&
	       (st->syscall == WS_NR_pause || st->syscall == WS_NR_rt_sigsuspend ||
		st->syscall == WS_NR_rt_sigtimedwait);
}

/* Waits a task ends (not an interrupt, a timer or a device): the task
 * that woke the thread held it up. */
static bool follow_waker(const struct walker *w, const struct cp_wait *wt,
			 int depth)
{
	if (!wt->waker_tid || wt->waker_tid == wt->tid || depth >= CP_MAX_DEPTH)
		return false;
	/* a process that ran too briefly to leave an event, known by its
	 * exec */
	if (cp_tid_index(w, wt->waker_tid) < 0 &&
	    !cp_image_at(w, wt->waker_pid, wt->wake))
		return false;
	switch (w->p->stacks[wt->stack].reason) {
	case WAIT_LOCK: case WAIT_JOIN: case WAIT_GIL: case WAIT_PIPE:
	case WAIT_CHILD: case WAIT_POLL: case WAIT_OTHER:
		return true;
	default:
		return signal_wait(&w->p->stacks[wt->stack]);
	}
}

static void charge_thread(struct walker *w, uint32_t tid, uint32_t pid,
			  uint64_t a, uint64_t b, int depth);

/* Waiting for a child to end or for what it returns, not for room to
 * write into: tar feeding gzip is no launcher. */
static bool waits_for_result(const struct stack_sample *st)
{
	const char *sys = wait_syscall_name(st->syscall);

	if (st->reason == WAIT_CHILD)
		return true;
	return !sys || (!strstr(sys, "write") && !strstr(sys, "send") &&
			!strstr(sys, "splice"));
}

/* Waits of a kind a task ends (a lock, a join, a signal, a terminal's
 * output), were it traced. */
static bool task_ends(const struct stack_sample *st)
{
	return st->reason == WAIT_LOCK || st->reason == WAIT_JOIN ||
	       st->reason == WAIT_GIL || st->reason == WAIT_OTHER ||
	       signal_wait(st) || wait_target_terminal(st->target);
}

/* Waits task_ends() that none traced did: a timeout, or a waker outside
 * the traced set (the tty worker).  While the process's other threads or
 * its children ran, their work is what the waiter waited for (a main
 * thread polling its workers with timed waits, timeout(1)'s alarm ending
 * its command, script(1) relaying its command's output), piece by piece;
 * else the wait is its own. */
static void charge_unwoken(struct walker *w, const struct cp_wait *wt,
			   uint64_t s, uint64_t e, int depth)
{
	const struct stack_sample *st = &w->p->stacks[wt->stack];
	uint64_t piece = (e - s) / CP_BUSY_PIECES, a, b;
	int64_t t;

	if (!task_ends(st) || depth >= CP_MAX_DEPTH || !w->p->period_ns) {
		charge(w, wt->stack, e - s, s);
		return;
	}
	if (piece < CP_BUSY_MIN_PIECE)
		piece = CP_BUSY_MIN_PIECE;
	for (a = s; a < e && !w->err; a = b) {
		b = e - a <= piece + piece / 2 ? e : a + piece;
		t = cp_busiest_thread(w, wt->tid, st->pid, a, b);
		if (t < 0)
			charge(w, wt->stack, b - a, a);
		else
			charge_thread(w, w->tids[t], w->thread_pid[t], a, b,
				      depth + 1);
	}
}

bool cp_alive_at(const struct walker *w, uint32_t pid, uint64_t ts)
{
	const struct cp_image *img = cp_image_at(w, pid, 0);

	return img && img->born <= ts;
}

/*
 * Waits for children back to back, each ended by another child's exit,
 * all of them alive when the first began: a shell waiting for the
 * processes of a pipeline (tar's exit ends the first, gzip's the next).
 * Each was for the child that ended last (gzip), whose work went on all
 * along; not the first to end (tar, feeding gzip beside it).  Of wt and
 * the waits after it, that last one.
 */
static const struct cp_wait *last_child_wait(const struct walker *w,
					     const struct cp_wait *wt,
					     uint64_t s, int depth)
{
	const struct cp_timeline *tl = w->tl;
	const struct cp_wait *last = wt, *next;
	size_t i = wt - tl->waits, n;
	uint64_t end = wt->end;
	enum wait_reason r;

	if (w->p->stacks[wt->stack].reason != WAIT_CHILD)
		return wt;
	for (n = 0; n < CP_CHILD_CHAIN && ++i < tl->n_waits; n++) {
		next = &tl->waits[i];
		if (next->tid != wt->tid || next->start > end + CP_CHILD_GAP_NS)
			break;
		end = next->end;
		r = w->p->stacks[next->stack].reason;
		if (r == WAIT_CPU)	/* preempted in between: on a busy CPU */
			continue;
		if (r != WAIT_CHILD || !follow_waker(w, next, depth) ||
		    !cp_alive_at(w, next->waker_pid, s))
			break;
		last = next;
	}
	return last;
}

static void charge_blocked(struct walker *w, const struct cp_wait *wt,
			   uint64_t s, uint64_t e, int depth)
{
	const struct stack_sample *st = &w->p->stacks[wt->stack];
	const struct cp_wait *by;
	struct cp_image *img;
	int64_t t;

	if (!follow_waker(w, wt, depth)) {
		charge_unwoken(w, wt, s, e, depth);
		return;
	}
	img = cp_image_at(w, st->pid, s);
	if (img && waits_for_result(st))
		img->passed_ns += e - s;
	by = last_child_wait(w, wt, s, depth);
	/* children that ended at once (the pipeline's last two, one exit
	 * waking the waiter, the other's reaped with it): the busiest */
	if (by == wt && st->reason == WAIT_CHILD &&
	    (t = cp_child_ending_near(w, st->pid, s, wt->wake,
				      CP_CHILD_GAP_NS)) >= 0) {
		charge_thread(w, w->tids[t], w->thread_pid[t], s, e,
			      depth + 1);
		return;
	}
	charge_thread(w, by->waker_tid, by->waker_pid, s, e, depth + 1);
}

/* tid (not its process pid's first thread) was made in (a, b): its
 * birth, NULL when not, or not known. */
static const struct cp_birth *born_in(const struct cp_timeline *tl,
				      uint32_t tid, uint32_t pid, uint64_t a,
				      uint64_t b)
{
	size_t lo = 0, hi = tl->n_births, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tl->births[mid].tid < tid ||
		    (tl->births[mid].tid == tid && tl->births[mid].ts <= a))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < tl->n_births && tl->births[lo].tid == tid &&
	    tl->births[lo].ts < b && tl->births[lo].pid == pid &&
	    tl->births[lo].parent_tid != tid)
		return &tl->births[lo];
	return NULL;
}

/*
 * wt is a write into a full pipe that its reader ended by taking some
 * (tar feeding gzip), and the reader ran all along [a, b) (CP_FEED_BUSY_PCT
 * of it): the writer's time there held nothing up, as the reader could
 * not have read sooner; what the reader did is the path.
 */
static bool feeds_busy_reader(struct walker *w, const struct cp_wait *wt,
			      uint32_t pid, uint64_t a, uint64_t b, int depth)
{
	const struct stack_sample *st = &w->p->stacks[wt->stack];

	return depth < CP_MAX_DEPTH && st->reason == WAIT_PIPE &&
	       !waits_for_result(st) && wt->waker_pid != pid &&
	       follow_waker(w, wt, depth) &&
	       cp_running_in(w, wt->waker_tid, a, b) * 100 >=
	       (b - a) * CP_FEED_BUSY_PCT;
}

/* tid ran [a, next's start), then blocked in next: the run is the path,
 * or, where it fed a busy reader, what the reader did meanwhile. */
static void charge_run_before(struct walker *w, uint32_t tid, uint32_t pid,
			      uint64_t a, const struct cp_wait *next, int depth)
{
	uint64_t b = next->start;

	if (feeds_busy_reader(w, next, pid, a, b, depth)) {
		charge_thread(w, next->waker_tid, next->waker_pid, a, b,
			      depth + 1);
		return;
	}
	charge_running(w, tid, pid, a, b);
}

/* What tid did in [a, b), charged: running, waiting, or through the
 * threads that ended its waits; before its process was forked, through
 * the thread that forked it (a wait ended by a child started meanwhile:
 * what led to the child is what was waited for); before it was made, a
 * thread (Go's new M), through the thread that made it. */
static void charge_thread(struct walker *w, uint32_t tid, uint32_t pid,
			  uint64_t a, uint64_t b, int depth)
{
	const struct cp_timeline *tl = w->tl;
	const struct cp_image *img = cp_image_at(w, pid, a);
	const struct cp_birth *made;
	uint64_t t = a, born;
	size_t i;

	if (tid == pid && img && !img->seq && img->born > a &&
	    img->parent_tid && depth < CP_MAX_DEPTH) {
		born = img->born < b ? img->born : b;
		charge_thread(w, img->parent_tid, img->parent, a, born,
			      depth + 1);
		t = born;
	} else if (tid != pid && depth < CP_MAX_DEPTH &&
		   (made = born_in(tl, tid, pid, a, b))) {
		charge_thread(w, made->parent_tid, pid, a, made->ts,
			      depth + 1);
		t = made->ts;
	}
	i = cp_wait_after(tl, tid, t);

	for (; t < b && !w->err; i++) {
		const struct cp_wait *wt = i < tl->n_waits ? &tl->waits[i] : NULL;
		uint64_t s, e, wake;

		if (!wt || wt->tid != tid || wt->start >= b) {
			charge_running(w, tid, pid, t, b);
			return;
		}
		if (wt->start > t) {
			charge_run_before(w, tid, pid, t, wt, depth);
			t = wt->start;
		}
		s = t;
		e = wt->end < b ? wt->end : b;
		wake = wt->wake < s ? s : wt->wake > e ? e : wt->wake;
		if (wake > s)
			charge_blocked(w, wt, s, wake, depth);
		/* woken, it waited for a CPU: its own, unless the reader it
		 * feeds worked on meanwhile */
		if (e > wake && feeds_busy_reader(w, wt, pid, wake, e, depth))
			charge_thread(w, wt->waker_tid, wt->waker_pid, wake, e,
				      depth + 1);
		else if (e > wake)
			charge(w, wt->runq_stack, e - wake, wake);
		t = e;
	}
}

/* ---- set-up: threads, images ---- */

static int index_threads(struct walker *w)
{
	const struct profile *p = w->p;
	size_t i, k, n = 0;

	w->tids = malloc((p->n_threads + 1) * sizeof(*w->tids));
	w->thread_pid = malloc((p->n_threads + 1) * sizeof(*w->thread_pid));
	w->thread_ppid = calloc(p->n_threads + 1, sizeof(*w->thread_ppid));
	if (!w->tids || !w->thread_pid || !w->thread_ppid)
		return -ENOMEM;
	for (i = 0; i < p->n_threads; i++)
		w->tids[n++] = p->threads[i].tid;
	qsort(w->tids, n, sizeof(*w->tids), cmp_u32);
	for (i = k = 0; i < n; i++)	/* distinct */
		if (!k || w->tids[k - 1] != w->tids[i])
			w->tids[k++] = w->tids[i];
	w->n_tids = k;
	for (i = 0; i < w->n_tids; i++)
		for (k = 0; k < p->n_threads; k++)
			if (p->threads[k].tid == w->tids[i]) {
				w->thread_pid[i] = p->threads[k].pid;
				break;
			}
	for (i = 0; i < w->n_tids; i++) {
		const struct process_info *pi = cp_proc_of(p, w->thread_pid[i]);

		w->thread_ppid[i] = pi ? pi->ppid : 0;
	}
	return 0;
}

const struct process_info *cp_proc_of(const struct profile *p, uint32_t pid)
{
	size_t i;

	for (i = 0; i < p->n_procs; i++)
		if (p->procs[i].pid == pid)
			return &p->procs[i];
	return NULL;
}

static void init_image(struct cp_image *img, uint32_t pid, uint32_t seq,
		       uint64_t start, const struct cp_exec *x)
{
	memset(img, 0, sizeof(*img));
	img->pid = pid;
	img->seq = seq;
	img->start = start;
	img->first_ns = UINT64_MAX;
	img->born = UINT64_MAX;
	img->exe_frame = -1;
	img->parent_image = -1;
	img->name = x ? path_basename(x->program) : NULL;
	img->exe = x ? x->exe : NULL;
}

/* Every pid: its image as forked, then one per exec. */
static int build_images(struct walker *w)
{
	const struct cp_timeline *tl = w->tl;
	size_t n_pids = 0, i, j, k;
	uint32_t *pids;

	pids = malloc((w->n_tids + tl->n_execs + 1) * sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	for (i = 0; i < w->n_tids; i++)
		pids[n_pids++] = w->thread_pid[i];
	for (i = 0; i < tl->n_execs; i++)
		pids[n_pids++] = tl->execs[i].pid;
	qsort(pids, n_pids, sizeof(*pids), cmp_u32);
	w->images = calloc(n_pids + tl->n_execs + 1, sizeof(*w->images));
	w->unsampled = malloc(2 * (n_pids + tl->n_execs + 1) *
			      sizeof(*w->unsampled));
	if (!w->images || !w->unsampled) {
		free(pids);
		return -ENOMEM;
	}
	for (i = j = 0; i < n_pids; i++) {
		struct cp_image *forked;

		if (i && pids[i] == pids[i - 1])
			continue;
		forked = &w->images[w->n_images++];
		init_image(forked, pids[i], 0, 0, NULL);
		for (k = 0; j < tl->n_execs && tl->execs[j].pid <= pids[i]; j++) {
			const struct cp_exec *x = &tl->execs[j];

			if (x->pid != pids[i])
				continue;
			if (!x->program) {	/* its fork */
				forked->born = x->ts < forked->born ?
					       x->ts : forked->born;
				forked->parent = x->parent;
				forked->parent_tid = x->parent_tid;
			} else
				init_image(&w->images[w->n_images++], pids[i],
					   ++k, x->ts, x);
		}
	}
	for (i = 0; i < 2 * w->n_images; i++)
		w->unsampled[i] = -1;
	free(pids);
	return 0;
}

static void note_born(struct walker *w, uint32_t tid, uint64_t ts)
{
	int64_t t = cp_tid_index(w, tid);
	struct cp_image *img;

	img = t < 0 ? NULL : cp_image_at(w, w->thread_pid[t], ts);

	if (img && !img->seq && img->born > ts)
		img->born = ts;
}

/*
 * An image as forked runs its parent's program (a subshell is the shell):
 * named after the parent's image then, else after the process's comm.
 */
static void name_images(struct walker *w)
{
	const struct profile *p = w->p;
	size_t i;
	int pass;

	for (i = 0; i < w->tl->n_samples; i++)
		note_born(w, w->tl->samples[i].tid, w->tl->samples[i].ts);
	for (i = 0; i < w->tl->n_waits; i++)
		note_born(w, w->tl->waits[i].tid, w->tl->waits[i].start);
	for (pass = 0; pass < CP_MAX_PARENTS; pass++)
		for (i = 0; i < w->n_images; i++) {
			struct cp_image *img = &w->images[i], *parent;
			const struct process_info *pi;
			uint32_t ppid;

			if (img->name || img->seq)
				continue;
			pi = cp_proc_of(p, img->pid);
			ppid = pi && pi->ppid ? pi->ppid : img->parent;
			parent = ppid && ppid != img->pid ?
				 cp_image_at(w, ppid, img->born) : NULL;
			if (parent && parent->name) {
				img->name = parent->name;
				img->parent_image = parent - w->images;
			}
		}
	for (i = 0; i < w->n_images; i++) {
		struct cp_image *img = &w->images[i];
		const struct process_info *pi;

		if (img->name)
			continue;
		pi = cp_proc_of(p, img->pid);
		snprintf(img->comm, sizeof(img->comm), "%.*s",
			 (int)sizeof(pi->comm), pi ? pi->comm : "?");
		img->name = img->comm;
	}
}

/* ---- results: programs, launchers, locks ---- */

/* What an image runs: its executable's file, by its own name, as a frame
 * or its exec showed it ("bash" for a script, "python3.11" for python3,
 * "x86_64-linux-gnu-ld.bfd" for ld), else the name it was exec'd by. */
const char *cp_image_program(const struct walker *w,
			     const struct cp_image *img)
{
	int hops;

	/* a child between its fork and its exec is starting that program:
	 * the cost of running date includes its fork and exec */
	if (!img->seq && img + 1 < w->images + w->n_images &&
	    img[1].pid == img->pid)
		img++;
	/* a subshell that never exec'd runs its parent's program: "dash"
	 * for both, though only the parent was sampled */
	for (hops = 0; hops < CP_MAX_PARENTS && img->exe_frame < 0 &&
		       !img->exe && img->parent_image >= 0; hops++)
		img = &w->images[img->parent_image];
	if (img->exe_frame >= 0)
		return w->p->frames[img->exe_frame].module;
	return img->exe ? img->exe : img->name;
}

static int add_pid(struct critical_program *cp, uint32_t pid)
{
	uint32_t *n;
	size_t i;

	for (i = 0; i < cp->n_pids; i++)
		if (cp->pids[i] == pid)
			return 0;
	n = reallocarray(cp->pids, cp->n_pids + 1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	cp->pids = n;
	cp->pids[cp->n_pids++] = pid;
	return 0;
}

static int cmp_program(const void *a, const void *b)
{
	const struct critical_program *x = a, *y = b;

	return x->ns != y->ns ? CMP(y->ns, x->ns) : strcmp(x->name, y->name);
}

/* Each program's execs, those the path did not take too (a link of
 * make -j beside the one it waited for). */
static void count_runs(struct walker *w)
{
	struct profile_critical *c = &w->p->critical;
	size_t i, k;

	for (i = 0; i < w->n_images; i++) {
		const struct cp_image *img = &w->images[i];
		const char *name;

		if (!img->seq)
			continue;
		name = cp_image_program(w, img);
		for (k = 0; k < c->n_programs; k++)
			if (!strcmp(c->programs[k].name, name)) {
				c->programs[k].runs++;
				break;
			}
	}
}

static int build_programs(struct walker *w)
{
	struct profile_critical *c = &w->p->critical;
	size_t i, k;

	c->programs = calloc(w->n_images + 1, sizeof(*c->programs));
	if (!c->programs)
		return -ENOMEM;
	for (i = 0; i < w->n_images; i++) {
		const struct cp_image *img = &w->images[i];
		const char *name = cp_image_program(w, img);

		if (!img->own_ns)
			continue;
		for (k = 0; k < c->n_programs; k++)
			if (!strcmp(c->programs[k].name, name))
				break;
		if (k == c->n_programs) {
			c->programs[k].name = strdup(name);
			if (!c->programs[k].name)
				return -ENOMEM;
			c->n_programs++;
		}
		c->programs[k].ns += img->own_ns;
		if (add_pid(&c->programs[k], img->pid))
			return -ENOMEM;
	}
	count_runs(w);
	qsort(c->programs, c->n_programs, sizeof(*c->programs), cmp_program);
	return 0;
}

/* ---- the whole ---- */

static void walker_free(struct walker *w)
{
	free(w->images);
	free(w->unsampled);
	free(w->tids);
	free(w->thread_pid);
	free(w->thread_ppid);
}

static void critical_reset(struct profile *p)
{
	size_t i;

	profile_critical_free(&p->critical);
	for (i = 0; i < p->n_stacks; i++)
		p->stacks[i].cp_ns = 0;
}

int critpath_build(struct profile *p, struct cp_timeline *tl,
		   const struct cp_window *win)
{
	struct walker w = { .p = p, .tl = tl, .cap_stacks = p->n_stacks };
	int err;

	if (win->end <= win->start || !win->root_tid)
		return 0;
	qsort(tl->samples, tl->n_samples, sizeof(*tl->samples), cmp_sample);
	qsort(tl->waits, tl->n_waits, sizeof(*tl->waits), cmp_wait);
	qsort(tl->execs, tl->n_execs, sizeof(*tl->execs), cmp_exec);
	err = index_threads(&w);
	if (!err)
		err = build_images(&w);
	if (err)
		goto out;
	name_images(&w);
	if (!w.cap_stacks) {
		w.cap_stacks = 16;
		err = -ENOMEM;
		p->stacks = reallocarray(p->stacks, w.cap_stacks,
					 sizeof(*p->stacks));
		if (!p->stacks)
			goto out;
	}
	p->critical.ns = win->end - win->start;
	p->critical.root_tid = win->root_tid;
	charge_thread(&w, win->end_tid ? win->end_tid : win->root_tid,
		      win->root_tid, win->start, win->end, 0);
	err = w.err;
	if (!err)
		err = build_programs(&w);
	if (!err)
		err = critpath_launchers(&w);
	if (!err)
		err = critpath_locks(&w, win);
out:
	if (err)
		critical_reset(p);
	walker_free(&w);
	return err;
}
