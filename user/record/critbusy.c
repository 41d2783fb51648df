// SPDX-License-Identifier: GPL-2.0
/*
 * Which other thread kept a process busy while one of its threads waited
 * for something no traced task delivered (a timed wait that timed out):
 * what the waiter waited for is most likely that thread's work.
 */
#include <stdbool.h>
#include <stdint.h>

#include "record/critpath.h"

/* The busiest thread must have run, or been ready to, this share of the
 * piece: less, and the process mostly idled with the waiter. */
#define CP_BUSY_MIN_PCT		25
/* Threads looked at, and waits of each, at most. */
#define CP_BUSY_MAX_THREADS	256
#define CP_BUSY_MAX_WAITS	4096
/* An idle thread ran or was ready to run under this share of its life: a
 * worker of a pool waiting for tasks (V8's, zstd's), not one of threads
 * taking turns on a lock, which each hold it a share (a quarter for
 * mutex4's four). */
#define CP_IDLE_MAX_PCT		10
/* Generations of processes below the waiter's looked through, at most. */
#define CP_BUSY_MAX_GENERATIONS	16
/* Sample periods around an interval where a sample shows its thread ran. */
#define CP_BUSY_NEAR		2

static uint64_t overlap(uint64_t s, uint64_t e, uint64_t a, uint64_t b)
{
	uint64_t lo = s > a ? s : a, hi = e < b ? e : b;

	return hi > lo ? hi - lo : 0;
}

/* From tid's first event to its last: when it lived, as far as seen. */
static void thread_span(const struct cp_timeline *tl, uint32_t tid,
			uint64_t *first, uint64_t *last)
{
	size_t i = cp_sample_at(tl, tid, 0), j = cp_sample_at(tl, tid + 1, 0);
	size_t k = cp_wait_after(tl, tid, 0), l = cp_wait_after(tl, tid + 1, 0);

	*first = UINT64_MAX;
	*last = 0;
	if (i < j) {
		*first = tl->samples[i].ts;
		*last = tl->samples[j - 1].ts;
	}
	if (k < l) {
		*first = tl->waits[k].start < *first ? tl->waits[k].start :
						      *first;
		*last = tl->waits[l - 1].end > *last ? tl->waits[l - 1].end :
						      *last;
	}
}

/* An unseen wait would look busy: nothing on a CPU or a run queue (no
 * sample, no runnable time), nothing busy.  A sample is looked for up to
 * CP_BUSY_NEAR periods around [s, e): an interval shorter than a period
 * (tar's run between two writes into gzip's pipe) most often has none of
 * its own. */
static uint64_t busy_in(const struct walker *w, uint32_t tid, uint64_t s,
			uint64_t e, bool with_runq)
{
	const struct cp_timeline *tl = w->tl;
	uint64_t near = CP_BUSY_NEAR * w->p->period_ns;
	size_t i = cp_wait_after(tl, tid, s), n;
	uint64_t first, last, alive, blocked = 0, runq = 0;

	thread_span(tl, tid, &first, &last);
	alive = overlap(s, e, first, last);
	for (n = 0; i < tl->n_waits && tl->waits[i].tid == tid &&
		    tl->waits[i].start < e && n < CP_BUSY_MAX_WAITS; i++, n++) {
		blocked += overlap(s, e, tl->waits[i].start, tl->waits[i].wake);
		runq += overlap(s, e, tl->waits[i].wake, tl->waits[i].end);
	}
	i = cp_sample_at(tl, tid, s > near ? s - near : 0);
	if (!runq && (i == tl->n_samples || tl->samples[i].tid != tid ||
		      tl->samples[i].ts >= e + near))
		return 0;
	if (!with_runq)
		blocked += runq;
	return alive > blocked ? alive - blocked : 0;
}

uint64_t cp_busy_in(const struct walker *w, uint32_t tid, uint64_t s,
		   uint64_t e)
{
	return busy_in(w, tid, s, e, true);
}

uint64_t cp_running_in(const struct walker *w, uint32_t tid, uint64_t s,
		       uint64_t e)
{
	return busy_in(w, tid, s, e, false);
}

/* Who forked pid (its fork seen), else its process's parent; 0. */
static uint32_t parent_of(const struct walker *w, uint32_t pid)
{
	const struct cp_image *img = cp_image_at(w, pid, 0);
	int64_t i;

	if (img && img->parent)
		return img->parent;
	i = cp_tid_index(w, pid);
	return i >= 0 && w->thread_pid[i] == pid ? w->thread_ppid[i] : 0;
}

bool cp_descends_from(const struct walker *w, uint32_t pid, uint32_t anc)
{
	int depth;

	for (depth = 0; pid && depth < CP_BUSY_MAX_GENERATIONS; depth++) {
		pid = parent_of(w, pid);
		if (pid == anc)
			return true;
	}
	return false;
}

/* Thread t's process is pid's child, or a child of one (script(1)
 * running its command through dash, which forks it). */
static bool descends_from(const struct walker *w, size_t t, uint32_t pid)
{
	uint32_t up = w->thread_ppid[t];

	return up && (up == pid || cp_descends_from(w, up, pid));
}

/* The fair share: CP_BUSY_MIN_PCT. */
int64_t cp_busiest_thread(const struct walker *w, uint32_t tid,
			  uint32_t pid, uint64_t s, uint64_t e)
{
	uint64_t busy, best_ns = 0;
	int64_t best = -1;
	size_t t;

	for (t = 0; t < w->n_tids && t < CP_BUSY_MAX_THREADS; t++) {
		if (w->tids[t] == tid || (w->thread_pid[t] != pid &&
					  !descends_from(w, t, pid)))
			continue;
		busy = cp_busy_in(w, w->tids[t], s, e);
		if (busy > best_ns) {
			best_ns = busy;
			best = t;
		}
	}
	if (best_ns * 100 < (e - s) * CP_BUSY_MIN_PCT)
		return -1;
	return best;
}

int64_t cp_child_ending_near(const struct walker *w, uint32_t pid,
			     uint64_t s, uint64_t wake, uint64_t within)
{
	uint64_t first, last, busy, best_ns = 0;
	int64_t best = -1;
	size_t t;

	for (t = 0; t < w->n_tids && t < CP_BUSY_MAX_THREADS; t++) {
		if (w->thread_ppid[t] != pid)
			continue;
		thread_span(w->tl, w->tids[t], &first, &last);
		if (!cp_alive_at(w, w->thread_pid[t], s) ||
		    last + within < wake || last > wake + within)
			continue;
		busy = cp_busy_in(w, w->tids[t], s, wake);
		if (busy > best_ns) {
			best_ns = busy;
			best = t;
		}
	}
	return best;
}

bool cp_thread_idle(const struct walker *w, uint32_t tid, uint64_t s,
		    uint64_t e)
{
	uint64_t first, last, alive;

	thread_span(w->tl, tid, &first, &last);
	alive = overlap(s, e, first, last);
	return cp_busy_in(w, tid, s, e) * 100 < alive * CP_IDLE_MAX_PCT;
}
