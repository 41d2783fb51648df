// SPDX-License-Identifier: GPL-2.0
/*
 * Lock contention off the critical path's timeline: a lock wait that
 * another thread of the process ended is charged to where that thread ran
 * while the waiter waited (it held the lock then), so a hint can name the
 * code whose critical section makes the work serial.  Not a condition
 * variable's wait (for work, for a result), nor one of a pool's idle
 * threads, nor one while the process ran in parallel: no lock held those.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classify/wait.h"
#include "lib/util.h"
#include "record/critpath.h"

#define CP_MAX_LOCKS		3
/* A wait while the process's other threads ran this many at a time, on
 * average, in percent: the work went on in parallel (a main thread
 * waiting on its workers), whatever lock there was; where threads take
 * turns on one, about one runs (threads that were woken and wait for a
 * CPU are not counted: on a loaded machine they would pass for work) */
#define CP_LOCK_PARALLEL_PCT	150
/* ... measured on waits of this many sample periods or more */
#define CP_LOCK_PARALLEL_PERIODS	10

struct lock_acc {
	int64_t frame;
	uint64_t wait_ns;
	uint64_t holder_samples;
	uint32_t tids[64];	/* waiting threads, up to 64 counted */
	uint32_t n_tids;
};

/* Frames of one function (name and module): its lines differ. */
static bool same_function(const struct profile *p, int64_t a, int64_t b)
{
	const struct frame *x, *y;

	if (a < 0 || b < 0)
		return a == b;
	x = &p->frames[a];
	y = &p->frames[b];
	return !strcmp(x->name, y->name) &&
	       !strcmp(x->module ? x->module : "", y->module ? y->module : "");
}

/* Where a releasing thread ran: the innermost application frame. */
static int64_t holder_frame(const struct profile *p, uint32_t stack)
{
	const struct stack_sample *st = &p->stacks[stack];
	uint32_t i;

	for (i = st->n_frames; i-- > 0;)
		if (p->frames[st->frames[i]].cls == CLASS_APP)
			return st->frames[i];
	return -1;
}

/* The holder's frame with the most samples in [s, e), else the one of its
 * last sample before e. */
static int64_t holder_during(const struct walker *w, uint32_t tid,
			     uint64_t s, uint64_t e)
{
	const struct cp_timeline *tl = w->tl;
	size_t i = cp_sample_at(tl, tid, s), best_n = 0, k, j;
	int64_t best = -1;

	for (k = i; k < tl->n_samples && tl->samples[k].tid == tid &&
		    tl->samples[k].ts < e && k < i + 256; k++) {
		int64_t f = holder_frame(w->p, tl->samples[k].stack);
		size_t n = 0;

		for (j = i; j < tl->n_samples && tl->samples[j].tid == tid &&
			    tl->samples[j].ts < e && j < i + 256; j++)
			n += same_function(w->p, f, holder_frame(w->p,
					   tl->samples[j].stack));
		if (f >= 0 && n > best_n) {
			best_n = n;
			best = f;
		}
	}
	if (best < 0 && i > 0 && tl->samples[i - 1].tid == tid)
		best = holder_frame(w->p, tl->samples[i - 1].stack);
	return best;
}

static struct lock_acc *lock_acc(const struct profile *p,
				 struct lock_acc **accs, size_t *n,
				 int64_t frame)
{
	struct lock_acc *a;
	size_t i;

	for (i = 0; i < *n; i++)
		if (same_function(p, (*accs)[i].frame, frame))
			return &(*accs)[i];
	a = reallocarray(*accs, *n + 1, sizeof(**accs));
	if (!a)
		return NULL;
	*accs = a;
	a = &a[(*n)++];
	memset(a, 0, sizeof(*a));
	a->frame = frame;
	return a;
}

static void lock_add_tid(struct lock_acc *a, uint32_t tid)
{
	uint32_t i;

	for (i = 0; i < a->n_tids; i++)
		if (a->tids[i] == tid)
			return;
	if (a->n_tids < ARRAY_SIZE(a->tids))
		a->tids[a->n_tids++] = tid;
}

/*
 * The samples in [s, e) of the threads of pid in the holder's frame, each
 * counted once: while the waiter waited, whoever ran there held the lock
 * (the holder that woke it may have taken over from others meanwhile).
 */
static void lock_add_cpu(const struct walker *w, struct lock_acc *a,
			 uint32_t pid, uint64_t s, uint64_t e, uint8_t *used)
{
	const struct cp_timeline *tl = w->tl;
	size_t t, i;

	for (t = 0; t < w->n_tids; t++) {
		uint32_t tid = w->tids[t];

		if (w->thread_pid[t] != pid)
			continue;
		for (i = cp_sample_at(tl, tid, s); i < tl->n_samples &&
		     tl->samples[i].tid == tid && tl->samples[i].ts < e; i++)
			if (!used[i] &&
			    same_function(w->p, a->frame, holder_frame(w->p,
					  tl->samples[i].stack))) {
				used[i] = 1;
				a->holder_samples++;
			}
	}
}

static bool lock_wait(const struct walker *w, const struct cp_wait *wt)
{
	int64_t t = cp_tid_index(w, wt->waker_tid);

	return w->p->stacks[wt->stack].reason == WAIT_LOCK && wt->waker_tid &&
	       !wait_on_condition(w->p, &w->p->stacks[wt->stack]) &&
	       wt->waker_tid != wt->tid && t >= 0 &&
	       w->thread_pid[t] == w->p->stacks[wt->stack].pid &&
	       wt->wake > wt->start;
}

/* The other threads of the waiter's process kept several CPUs busy
 * while it waited, in [s, e), by their samples: a wait too short to
 * tell stays in. */
static bool parallel_meanwhile(const struct walker *w,
			       const struct cp_wait *wt, uint32_t pid,
			       uint64_t s, uint64_t e)
{
	const struct cp_timeline *tl = w->tl;
	uint64_t n = 0, period = w->p->period_ns;
	size_t t, i;

	if (!period || e - s < CP_LOCK_PARALLEL_PERIODS * period)
		return false;
	for (t = 0; t < w->n_tids; t++) {
		if (w->thread_pid[t] != pid || w->tids[t] == wt->tid)
			continue;
		for (i = cp_sample_at(tl, w->tids[t], s); i < tl->n_samples &&
		     tl->samples[i].tid == w->tids[t] &&
		     tl->samples[i].ts < e; i++)
			n++;
	}
	return n * period * 100 >= (e - s) * CP_LOCK_PARALLEL_PCT;
}

/* Per thread of w->tids: idle over the window (1), else 0. */
static uint8_t *idle_threads(const struct walker *w,
			     const struct cp_window *win)
{
	uint8_t *idle = calloc(w->n_tids + 1, 1);
	size_t t;

	for (t = 0; idle && t < w->n_tids; t++)
		idle[t] = cp_thread_idle(w, w->tids[t], win->start, win->end);
	return idle;
}

static int cmp_lock(const void *a, const void *b)
{
	const struct lock_acc *x = a, *y = b;

	return x->wait_ns != y->wait_ns ? CMP(y->wait_ns, x->wait_ns) :
					  CMP(x->frame, y->frame);
}

int critpath_locks(struct walker *w, const struct cp_window *win)
{
	const struct cp_timeline *tl = w->tl;
	struct profile_critical *c = &w->p->critical;
	struct lock_acc *accs = NULL, *a;
	size_t n = 0, i;
	uint8_t *used = calloc(tl->n_samples + 1, 1);
	uint8_t *idle = idle_threads(w, win);
	int err = -ENOMEM;

	if (!used || !idle)
		goto out;
	for (i = 0; i < tl->n_waits; i++) {
		const struct cp_wait *wt = &tl->waits[i];
		uint64_t s = wt->start > win->start ? wt->start : win->start;
		/* to the end of the wait: getting the CPU back is part of
		 * waiting for the lock, as its caller sees it */
		uint64_t e = wt->end < win->end ? wt->end : win->end;
		/* the holder held it until the wakeup */
		uint64_t held = wt->wake < e ? wt->wake : e;
		uint32_t pid = w->p->stacks[wt->stack].pid;
		int64_t t = cp_tid_index(w, wt->tid);

		/* a pool's idle worker waits for work, and threads that
		 * ran side by side meanwhile were not serialized */
		if (!lock_wait(w, wt) || held <= s ||
		    (t >= 0 && idle[t]) ||
		    parallel_meanwhile(w, wt, pid, s, held))
			continue;
		a = lock_acc(w->p, &accs, &n, holder_during(w, wt->waker_tid,
								 s, held));
		if (!a)
			goto out;
		a->wait_ns += e - s;
		lock_add_tid(a, wt->tid);
		if (a->frame >= 0)
			lock_add_cpu(w, a, pid, s, held, used);
	}
	qsort(accs, n, sizeof(*accs), cmp_lock);
	c->locks = calloc(CP_MAX_LOCKS, sizeof(*c->locks));
	if (!c->locks)
		goto out;
	for (i = 0; i < n && c->n_locks < CP_MAX_LOCKS; i++)
		c->locks[c->n_locks++] = (struct critical_lock){
			.holder_frame = accs[i].frame,
			.waiting_threads = accs[i].n_tids,
			.wait_ns = accs[i].wait_ns,
			.holder_cpu_ns = accs[i].holder_samples *
					 w->p->period_ns,
		};
	err = 0;
out:
	free(accs);
	free(used);
	free(idle);
	return err;
}
