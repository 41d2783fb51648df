// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about threads waiting for each other: a lock the others
 * hold, Python's GIL.  See hints.c for what a rule does; the thresholds
 * are at the top of hints_rules.h and in the README's Hints table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "classify/wait.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"
#include "analyze/procs.h"

/* ---- lock_contention --------------------------------------------------- */

/* What a lock's holder did holding it: "slept" or "waited" a time, then
 * on what: "slept 370 ms", "waited 491 ms on the network". */
static const char *const held_on[WAIT__COUNT] = {
	[WAIT_NETWORK] = " on the network", [WAIT_DISK] = " on the disk",
	[WAIT_PIPE] = " on a pipe", [WAIT_POLL] = " in poll",
	[WAIT_CHILD] = " for a child process",
	[WAIT_JOIN] = " for a thread to end",
	[WAIT_PAGE_FAULT] = " on page faults",
};

const char *hints_lock_held_wait(const struct critical_lock *k,
				 const char **on)
{
	*on = "";
	if (k->holder_wait_ns <= k->holder_cpu_ns ||
	    k->holder_wait_reason >= WAIT__COUNT)
		return NULL;
	if (k->holder_wait_reason == WAIT_SLEEP)
		return "slept";
	*on = held_on[k->holder_wait_reason] ?: "";
	return "waited";
}

/* Where the lock's waiters took it, when that is another function than
 * where its holders ran (a section calling its work); NULL else. */
static char *lock_taken(struct hint_list *h, const struct critical_lock *k)
{
	const struct frame *site, *held = &h->p->frames[k->holder_frame];

	if (k->waiter_frame < 0 || (size_t)k->waiter_frame >= h->p->n_frames)
		return NULL;
	site = &h->p->frames[k->waiter_frame];
	if (!strcmp(site->name ?: "", held->name ?: "") &&
	    !strcmp(site->module ?: "", held->module ?: ""))
		return NULL;
	return hint_location(h, k->waiter_frame);
}

static void lock_hint(struct hint_list *h, const struct critical_lock *k)
{
	struct hint hint = { .rule = "lock_contention" };
	const struct frame *fr = &h->p->frames[k->holder_frame];
	char *where = hint_location(h, k->holder_frame);
	char *taken = lock_taken(h, k), *lock = NULL;
	char wait[TIME_SIZE], cpu[TIME_SIZE], held[TIME_SIZE];
	const char *on, *verb = hints_lock_held_wait(k, &on);

	/* waits of several threads add up past the wall time: no share */
	hint_fmt_time(wait, k->wait_ns);
	hint_fmt_time(cpu, k->holder_cpu_ns);
	hint_fmt_time(held, k->holder_wait_ns);
	if (where && asprintf(&lock, "a lock %s%s%sheld in %s",
			      taken ? "taken in " : "", taken ?: "",
			      taken ? " and " : "", where) < 0) {
		h->err = -ENOMEM;
		lock = NULL;
	}
	if (lock && verb)
		hint_text(&hint, "%" PRIu32 " thread%s waited %s in all for "
			  "%s, which %s %s%s holding it (and ran %s of CPU) "
			  "while they waited: the threads take turns on the "
			  "lock and on that wait — do not wait holding a "
			  "lock: take it only around the shared data.",
			  k->waiting_threads,
			  k->waiting_threads == 1 ? "" : "s", wait, lock,
			  verb, held, on, cpu);
	else if (lock)
		hint_text(&hint, "%" PRIu32 " thread%s waited %s in all for "
			  "%s, which ran %s of CPU while they waited: the work "
			  "under the lock is serial — shrink the critical "
			  "section or split the lock.",
			  k->waiting_threads,
			  k->waiting_threads == 1 ? "" : "s", wait, lock, cpu);
	hint_field_uint(&hint, "waiting_threads", k->waiting_threads);
	hint_field_uint(&hint, "wait_ns", k->wait_ns);
	hint_field_copy(h, &hint, "holder_function", fr->name);
	hint_field_copy(h, &hint, "holder_file", fr->file);
	if (fr->line > 0)
		hint_field_uint(&hint, "holder_line", fr->line);
	else
		hint_field_null(&hint, "holder_line");
	hint_field_uint(&hint, "holder_cpu_ns", k->holder_cpu_ns);
	hint_field_uint(&hint, "holder_wait_ns", k->holder_wait_ns);
	if (k->holder_wait_ns)
		hint_field_copy(h, &hint, "holder_wait",
				wait_reason_name(k->holder_wait_reason));
	else
		hint_field_null(&hint, "holder_wait");
	hint_field_own(&hint, "location", where);
	if (taken)
		hint_field_own(&hint, "lock_location", taken);
	else
		hint_field_null(&hint, "lock_location");
	free(lock);
	hint_push(h, &hint);
}

/*
 * Threads waited on a lock for a fair share of the wall time, released by
 * threads that ran known code while they waited: without that code the
 * hint would have nothing to say what to change; and ran it long enough
 * to have held them up.
 */
void hint_lock_contention(struct hint_list *h)
{
	const struct profile_critical *c = &h->p->critical;
	size_t i;

	for (i = 0; i < c->n_locks; i++)
		if (hints_lock_serial(h->p, &c->locks[i]) &&
		    hint_at_least_pct(c->locks[i].wait_ns, h->p->wall_ns,
				      LOCK_MIN_PCT))
			lock_hint(h, &c->locks[i]);
}

bool hints_lock_serial(const struct profile *p, const struct critical_lock *k)
{
	return k->holder_frame >= 0 && (size_t)k->holder_frame < p->n_frames &&
	       k->waiting_threads &&
	       hint_at_least_pct(k->holder_cpu_ns + k->holder_wait_ns,
				 k->wait_ns / k->waiting_threads,
				 LOCK_HOLDER_MIN_PCT);
}

/* ---- gil --------------------------------------------------------------- */

/* One process's GIL waits, and the Python code they waited in most. */
struct gil_waits {
	uint32_t pid;
	uint64_t wait_ns;	/* all its GIL waits */
	uint32_t func;		/* the function waited in most, AGG_NO_FUNC */
	int64_t frame;		/* ... its line waited in most; -1 */
	uint64_t func_ns;	/* waits in it */
	uint32_t threads;	/* threads that waited in it */
	uint64_t cpu_ns;	/* those threads' on-CPU time */
};

static uint32_t frame_func_of(const struct hint_list *h, int64_t frame)
{
	return frame < 0 ? AGG_NO_FUNC : h->agg->frame_func[frame];
}

/* Of pid's GIL waits: all of them, by function and by frame. */
static void gil_tally(const struct hint_list *h, struct gil_waits *g,
		      uint64_t *by_func, uint64_t *by_frame)
{
	const struct profile *p = h->p;
	uint32_t func;
	int64_t f;
	size_t i;

	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		if (s->reason != WAIT_GIL || s->pid != g->pid)
			continue;
		g->wait_ns += s->ns;
		f = profile_app_leaf(p, s->frames, s->n_frames);
		func = frame_func_of(h, f);
		if (func == AGG_NO_FUNC)
			continue;
		by_func[func] += s->ns;
		by_frame[f] += s->ns;
		if (g->func == AGG_NO_FUNC || by_func[func] > by_func[g->func])
			g->func = func;
	}
	if (g->func == AGG_NO_FUNC)
		return;
	g->func_ns = by_func[g->func];
	for (i = 0; i < p->n_frames; i++)
		if (h->agg->frame_func[i] == g->func &&
		    (g->frame < 0 || by_frame[i] > by_frame[g->frame]))
			g->frame = i;
}

/* g's GIL wait in s: the process's, in its function (any, without one). */
static bool gil_wait_of(const struct hint_list *h, const struct gil_waits *g,
			const struct stack_sample *s)
{
	return s->reason == WAIT_GIL && s->pid == g->pid &&
	       (g->func == AGG_NO_FUNC ||
		frame_func_of(h, profile_app_leaf(h->p, s->frames,
						 s->n_frames)) == g->func);
}

static int cmp_tid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The threads that waited (tids holds n_stacks), and the CPU they ran. */
static void gil_threads(const struct hint_list *h, struct gil_waits *g,
			uint32_t *tids)
{
	const struct profile *p = h->p;
	size_t i, n = 0, k;

	for (i = 0; i < p->n_stacks; i++)
		if (gil_wait_of(h, g, &p->stacks[i]))
			tids[n++] = p->stacks[i].tid;
	qsort(tids, n, sizeof(*tids), cmp_tid);
	for (i = k = 0; i < n; i++)
		if (!k || tids[k - 1] != tids[i])
			tids[k++] = tids[i];
	g->threads = k;
	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].pid == g->pid && stack_on_cpu(&p->stacks[i]) &&
		    bsearch(&p->stacks[i].tid, tids, k, sizeof(*tids), cmp_tid))
			g->cpu_ns += p->stacks[i].ns;
}

static void gil_hint(struct hint_list *h, const struct gil_waits *g)
{
	struct hint hint = { .rule = "gil", .names_cause = true };
	char wait[TIME_SIZE], cpu[TIME_SIZE], comm[AGG_COMM_LEN];
	char *where = hint_location(h, g->frame);
	uint64_t ns = where ? g->func_ns : g->wait_ns;

	hint_fmt_time(wait, ns);
	hint_fmt_time(cpu, g->cpu_ns);
	procs_comm(h->p, g->pid, comm);
	if (where)
		hint_text(&hint, "%" PRIu32 " threads ran %s but only one held "
			  "the GIL at a time: %s of waiting for it in all, "
			  "against %s on CPU — use processes "
			  "(multiprocessing, concurrent.futures."
			  "ProcessPoolExecutor) or code that releases the GIL.",
			  g->threads, where, wait, cpu);
	else
		hint_text(&hint, "%" PRIu32 " threads of %s (pid %" PRIu32 ") "
			  "took turns on the GIL: %s of waiting for it in "
			  "all, against %s on CPU — use processes "
			  "(multiprocessing, concurrent.futures."
			  "ProcessPoolExecutor) or code that releases the GIL.",
			  g->threads, comm, g->pid, wait, cpu);
	hint_field_uint(&hint, "pid", g->pid);
	hint_field_uint(&hint, "threads", g->threads);
	hint_field_uint(&hint, "wait_ns", ns);
	hint_field_real(&hint, "wait_pct", pct_of(ns, h->p->wall_ns));
	hint_field_uint(&hint, "process_wait_ns", g->wait_ns);
	hint_field_uint(&hint, "cpu_ns", g->cpu_ns);
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}

/* The processes with GIL waits, each once, in the order of the stacks;
 * pids holds n_stacks. */
static size_t gil_pids(const struct profile *p, uint32_t *pids)
{
	size_t i, j, n = 0;

	for (i = 0; i < p->n_stacks; i++) {
		if (p->stacks[i].reason != WAIT_GIL)
			continue;
		for (j = 0; j < n && pids[j] != p->stacks[i].pid; j++)
			;
		if (j == n)
			pids[n++] = p->stacks[i].pid;
	}
	return n;
}

/*
 * Python threads of one process that waited for the GIL, those waits a
 * fair share of the wall time: threads running Python code run one at a
 * time, whatever the CPUs.  Named by the Python code they waited in.
 */
void hint_gil(struct hint_list *h)
{
	const struct profile *p = h->p;
	size_t nf = p->n_frames ? p->n_frames : 1;
	size_t nu = h->agg->n_funcs ? h->agg->n_funcs : 1;
	uint64_t *by_func = calloc(nu, sizeof(*by_func));
	uint64_t *by_frame = calloc(nf, sizeof(*by_frame));
	uint32_t *pids = calloc(p->n_stacks + 1, sizeof(*pids));
	uint32_t *tids = calloc(p->n_stacks + 1, sizeof(*tids));
	struct gil_waits g;
	size_t i, n;

	if (!by_func || !by_frame || !pids || !tids) {
		h->err = -ENOMEM;
		goto out;
	}
	n = gil_pids(p, pids);
	for (i = 0; i < n && !h->err; i++) {
		memset(by_func, 0, nu * sizeof(*by_func));
		memset(by_frame, 0, nf * sizeof(*by_frame));
		g = (struct gil_waits){ .pid = pids[i], .func = AGG_NO_FUNC,
					.frame = -1 };
		gil_tally(h, &g, by_func, by_frame);
		gil_threads(h, &g, tids);
		if (g.threads >= GIL_MIN_THREADS &&
		    hint_at_least_pct(g.wait_ns, p->wall_ns, GIL_MIN_PCT))
			gil_hint(h, &g);
	}
out:
	free(by_func);
	free(by_frame);
	free(pids);
	free(tids);
}
