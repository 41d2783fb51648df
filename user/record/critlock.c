// SPDX-License-Identifier: GPL-2.0
/*
 * Lock contention off the critical path's timeline: a lock wait that
 * another thread of the process ended is charged to where that thread ran
 * while the waiter waited (it held the lock then), so a hint can name the
 * code whose critical section makes the work serial.  Waits are told
 * apart by where the waiters took the lock: one lock whose holders ran
 * in several functions (the section's own code, a callee, the unlock)
 * is one, with its holders' time in all of them.  On a mutex, where
 * it waited too: a sleep, a request or a disk read made holding it is
 * the commonest critical section that serializes threads.  Not a condition
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

#define CP_LOCK_LINES	4	/* the holders' lines weighed */

struct lock_acc {
	int64_t site;		/* where its waiters took it; -1 unknown:
				 * then one per holder function */
	int64_t frame;		/* its holders' line with the most time */
	int64_t lines[CP_LOCK_LINES];	/* the holders' frames, by line */
	uint64_t line_ns[CP_LOCK_LINES];
	size_t n_lines;
	uint64_t wait_ns;
	uint64_t holder_samples;
	uint64_t held_wait_ns[WAIT__COUNT];	/* the holder's own waits
						 * under it, by reason */
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

/* Frames of one function at one line. */
static bool same_line(const struct profile *p, int64_t a, int64_t b)
{
	return same_function(p, a, b) &&
	       (a < 0 || p->frames[a].line == p->frames[b].line);
}

/* Where a thread ran or waited: the innermost application frame. */
static int64_t holder_frame(const struct profile *p, uint32_t stack)
{
	const struct stack_sample *st = &p->stacks[stack];

	return profile_app_leaf(p, st->frames, st->n_frames);
}

/* A wait of a thread that holds a mutex, which holds its waiters up the
 * whole time: not one for the mutex itself (the holder's own, before it
 * took it) or for Python's GIL, nor for a CPU. */
static bool held_across(const struct profile *p, const struct cp_wait *hw)
{
	enum wait_reason r = p->stacks[hw->stack].reason;

	return r != WAIT_LOCK && r != WAIT_GIL && r != WAIT_CPU &&
	       r != WAIT_NONE && hw->wake > hw->start;
}

/* Samples, and waits, of a holder looked at per lock wait, at most. */
#define CP_LOCK_SCAN	256

/* Where the holder was in a lock wait's window: its innermost
 * application frames (a function's lines apart), and the time in each. */
struct holder_time {
	int64_t frame[2 * CP_LOCK_SCAN];
	uint64_t ns[2 * CP_LOCK_SCAN];
	size_t n;
};

static void holder_time_add(struct holder_time *h, int64_t frame,
			    uint64_t ns)
{
	size_t k;

	if (frame < 0)
		return;
	for (k = 0; k < h->n; k++)
		if (h->frame[k] == frame) {
			h->ns[k] += ns;
			return;
		}
	if (h->n < ARRAY_SIZE(h->frame)) {
		h->frame[h->n] = frame;
		h->ns[h->n++] = ns;
	}
}

/* tid's samples in [s, e), and with waits (a mutex's waiter: the holder
 * held it across them) its blocked time. */
static void holder_time_of(const struct walker *w, struct holder_time *h,
			   uint32_t tid, uint64_t s, uint64_t e, bool waits)
{
	const struct cp_timeline *tl = w->tl;
	size_t i = cp_sample_at(tl, tid, s), k;

	for (k = i; k < tl->n_samples && tl->samples[k].tid == tid &&
		    tl->samples[k].ts < e && k < i + CP_LOCK_SCAN; k++)
		holder_time_add(h, holder_frame(w->p,
				tl->samples[k].stack), w->p->period_ns ?: 1);
	i = cp_wait_after(tl, tid, s);
	for (k = i; waits && k < tl->n_waits && tl->waits[k].tid == tid &&
		    tl->waits[k].start < e && k < i + CP_LOCK_SCAN; k++)
		if (held_across(w->p, &tl->waits[k]))
			holder_time_add(h, holder_frame(w->p,
					tl->waits[k].stack),
					tl->waits[k].wake - tl->waits[k].start);
}

/* The time in h of frame k's function, all its lines. */
static uint64_t holder_function_ns(const struct profile *p,
				   const struct holder_time *h, size_t k)
{
	uint64_t ns = 0;
	size_t j;

	for (j = 0; j < h->n; j++)
		if (same_function(p, h->frame[j], h->frame[k]))
			ns += h->ns[j];
	return ns;
}

/* The holder's function with the most time in [s, e), at its line with
 * the most (*ns its time), else the frame of its last sample before e
 * (*ns 0). */
static int64_t holder_during(const struct walker *w, uint32_t tid,
			     uint64_t s, uint64_t e, bool waits, uint64_t *ns)
{
	const struct cp_timeline *tl = w->tl;
	struct holder_time h;	/* 8 KiB: only n is set */
	size_t i, k, best_k = 0;
	uint64_t fn_ns, best_fn = 0;
	int64_t best = -1;

	h.n = 0;
	holder_time_of(w, &h, tid, s, e, waits);
	for (k = 0; k < h.n; k++) {
		fn_ns = holder_function_ns(w->p, &h, k);
		if (best < 0 || fn_ns > best_fn ||
		    (fn_ns == best_fn && h.ns[k] > h.ns[best_k])) {
			best = h.frame[k];
			best_k = k;
			best_fn = fn_ns;
		}
	}
	*ns = best < 0 ? 0 : h.ns[best_k];
	i = cp_sample_at(tl, tid, s);
	if (best < 0 && i > 0 && tl->samples[i - 1].tid == tid)
		best = holder_frame(w->p, tl->samples[i - 1].stack);
	return best;
}

/* One wait's holder line and its time, for the line with the most time
 * in all its waits: the sleep it held the lock across, not the unlock the
 * first waiter happened to see. */
static void lock_line_add(struct lock_acc *a, int64_t frame, uint64_t ns)
{
	size_t k, best = 0;

	for (k = 0; k < a->n_lines && a->lines[k] != frame; k++)
		;
	if (k == a->n_lines) {
		if (k == CP_LOCK_LINES)
			return;
		a->lines[a->n_lines++] = frame;
		a->line_ns[k] = 0;
	}
	a->line_ns[k] += ns;
	for (k = 0; k < a->n_lines; k++)
		if (a->line_ns[k] > a->line_ns[best])
			best = k;
	a->frame = a->lines[best];
}

static struct lock_acc *lock_acc(const struct profile *p,
				 struct lock_acc **accs, size_t *n,
				 int64_t site, int64_t frame)
{
	struct lock_acc *a;
	size_t i;

	for (i = 0; i < *n; i++)
		if (site >= 0 ? same_line(p, (*accs)[i].site, site) :
				(*accs)[i].site < 0 &&
				same_function(p, (*accs)[i].frame, frame))
			return &(*accs)[i];
	a = reallocarray(*accs, *n + 1, sizeof(**accs));
	if (!a)
		return NULL;
	*accs = a;
	a = &a[(*n)++];
	memset(a, 0, sizeof(*a));
	a->site = site;
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

/* frame is in the function of one of a's holder lines. */
static bool holder_of(const struct profile *p, const struct lock_acc *a,
		      int64_t frame)
{
	size_t k;

	for (k = 0; k < a->n_lines; k++)
		if (same_function(p, a->lines[k], frame))
			return true;
	return false;
}

/*
 * The samples in [s, e) of the threads of pid in the holders' functions,
 * each counted once: while the waiter waited, whoever ran there held the
 * lock (the holder that woke it may have taken over from others
 * meanwhile).
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
			    holder_of(w->p, a, holder_frame(w->p,
				      tl->samples[i].stack))) {
				used[i] = 1;
				a->holder_samples++;
			}
	}
}

/*
 * The holder's own waits in [s, e) in the holders' functions, each counted
 * once: it held the mutex across them (it held it when the waiter
 * blocked and until it woke it, and took no lock while blocked).
 */
static void lock_add_blocked(const struct walker *w, struct lock_acc *a,
			     uint32_t holder, uint64_t s, uint64_t e,
			     uint8_t *used)
{
	const struct cp_timeline *tl = w->tl;
	size_t k, i = cp_wait_after(tl, holder, s);

	for (k = i; k < tl->n_waits && tl->waits[k].tid == holder &&
		    tl->waits[k].start < e && k < i + CP_LOCK_SCAN; k++) {
		const struct cp_wait *hw = &tl->waits[k];

		if (used[k] || !held_across(w->p, hw) ||
		    !holder_of(w->p, a, holder_frame(w->p, hw->stack)))
			continue;
		used[k] = 1;
		a->held_wait_ns[w->p->stacks[hw->stack].reason] +=
			hw->wake - hw->start;
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

static struct critical_lock lock_summary(const struct profile *p,
					 const struct lock_acc *a)
{
	struct critical_lock k = {
		.holder_frame = a->frame,
		.waiter_frame = a->site,
		.waiting_threads = a->n_tids,
		.wait_ns = a->wait_ns,
		.holder_cpu_ns = a->holder_samples * p->period_ns,
		.holder_wait_reason = WAIT_NONE,
	};
	size_t r;

	for (r = 0; r < WAIT__COUNT; r++) {
		k.holder_wait_ns += a->held_wait_ns[r];
		if (a->held_wait_ns[r] > a->held_wait_ns[k.holder_wait_reason])
			k.holder_wait_reason = r;
	}
	return k;
}

int critpath_locks(struct walker *w, const struct cp_window *win)
{
	const struct cp_timeline *tl = w->tl;
	struct profile_critical *c = &w->p->critical;
	struct lock_acc *accs = NULL, *a;
	size_t n = 0, i;
	uint8_t *used = calloc(tl->n_samples + 1, 1);
	uint8_t *used_waits = calloc(tl->n_waits + 1, 1);
	uint8_t *idle = idle_threads(w, win);
	int err = -ENOMEM;

	if (!used || !used_waits || !idle)
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
		int64_t t = cp_tid_index(w, wt->tid), frame;
		uint64_t frame_ns;
		bool mutex;

		if (!lock_wait(w, wt) || held <= s)
			continue;
		/* a pool's idle worker waits for work (a thread blocked on
		 * a mutex does not, however long), and threads that ran
		 * side by side meanwhile were not serialized */
		mutex = wait_on_mutex(w->p, &w->p->stacks[wt->stack]);
		if ((!mutex && t >= 0 && idle[t]) ||
		    parallel_meanwhile(w, wt, pid, s, held))
			continue;
		frame = holder_during(w, wt->waker_tid, s, held, mutex,
				      &frame_ns);
		a = lock_acc(w->p, &accs, &n,
			     frame < 0 ? -1 : holder_frame(w->p, wt->stack),
			     frame);
		if (!a)
			goto out;
		a->wait_ns += e - s;
		lock_add_tid(a, wt->tid);
		if (a->frame < 0)
			continue;
		lock_line_add(a, frame, frame_ns);
		lock_add_cpu(w, a, pid, s, held, used);
		if (mutex)
			lock_add_blocked(w, a, wt->waker_tid, s, held,
					 used_waits);
	}
	qsort(accs, n, sizeof(*accs), cmp_lock);
	c->locks = calloc(CP_MAX_LOCKS, sizeof(*c->locks));
	if (!c->locks)
		goto out;
	for (i = 0; i < n && c->n_locks < CP_MAX_LOCKS; i++)
		c->locks[c->n_locks++] = lock_summary(w->p, &accs[i]);
	err = 0;
out:
	free(accs);
	free(used);
	free(used_waits);
	free(idle);
	return err;
}
