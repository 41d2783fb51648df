// SPDX-License-Identifier: GPL-2.0
/*
 * Lock contention off the critical path's timeline: a lock wait that
 * another thread of the process ended is charged to where that thread ran
 * while the waiter waited (it held the lock then), so a hint can name the
 * code whose critical section makes the work serial.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "record/critpath.h"

#define CP_MAX_LOCKS		3

struct lock_acc {
	int64_t frame;
	uint64_t wait_ns;
	uint64_t holder_samples;
	uint32_t tids[64];	/* waiting threads, up to 64 counted */
	uint32_t n_tids;
};

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
			n += holder_frame(w->p, tl->samples[j].stack) == f;
		if (f >= 0 && n > best_n) {
			best_n = n;
			best = f;
		}
	}
	if (best < 0 && i > 0 && tl->samples[i - 1].tid == tid)
		best = holder_frame(w->p, tl->samples[i - 1].stack);
	return best;
}

static struct lock_acc *lock_acc(struct lock_acc **accs, size_t *n,
				 int64_t frame)
{
	struct lock_acc *a;
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*accs)[i].frame == frame)
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

/* The holder's samples in [s, e) in its frame, each counted once. */
static void lock_add_cpu(const struct walker *w, struct lock_acc *a,
			 uint32_t tid, uint64_t s, uint64_t e, uint8_t *used)
{
	const struct cp_timeline *tl = w->tl;
	size_t i;

	for (i = cp_sample_at(tl, tid, s); i < tl->n_samples &&
	     tl->samples[i].tid == tid && tl->samples[i].ts < e; i++)
		if (!used[i] &&
		    holder_frame(w->p, tl->samples[i].stack) == a->frame) {
			used[i] = 1;
			a->holder_samples++;
		}
}

static bool lock_wait(const struct walker *w, const struct cp_wait *wt)
{
	int64_t t = cp_tid_index(w, wt->waker_tid);

	return w->p->stacks[wt->stack].reason == WAIT_LOCK && wt->waker_tid &&
	       wt->waker_tid != wt->tid && t >= 0 &&
	       w->thread_pid[t] == w->p->stacks[wt->stack].pid &&
	       wt->wake > wt->start;
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
	int err = -ENOMEM;

	if (!used)
		return -ENOMEM;
	for (i = 0; i < tl->n_waits; i++) {
		const struct cp_wait *wt = &tl->waits[i];
		uint64_t s = wt->start > win->start ? wt->start : win->start;
		uint64_t e = wt->wake < win->end ? wt->wake : win->end;

		if (!lock_wait(w, wt) || e <= s)
			continue;
		a = lock_acc(&accs, &n, holder_during(w, wt->waker_tid, s, e));
		if (!a)
			goto out;
		a->wait_ns += e - s;
		lock_add_tid(a, wt->tid);
		if (a->frame >= 0)
			lock_add_cpu(w, a, wt->waker_tid, s, e, used);
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
	return err;
}
