// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rule about thread pools too small for their waits: a process
 * whose worker threads were each busy nearly all their lives, mostly
 * waiting on the network or the disk (a link checker's fetches, two at a
 * time), and held up much of the run.  Waits need no CPU: more workers
 * overlap more of them.  Not sleeps: a worker that sleeps may be polling
 * (the sleeps hint's case), and more pollers poll more.  See hints.c for what a rule does; the
 * thresholds are in hints_rules.h and the README's Hints table.
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

/* Waits a task makes (a fetch, a read), as opposed to those of a worker
 * with nothing to do (a queue's lock). */
static bool task_wait(enum wait_reason r)
{
	return r == WAIT_NETWORK || r == WAIT_DISK;
}

struct pool {
	const struct proc_stat *ps;
	uint32_t workers;
	uint64_t life_ns;	/* the workers' times, summed */
	uint64_t busy_ns;	/* ... on the CPU or in a task's wait */
	uint64_t wait_ns[WAIT__COUNT];	/* ... of which in each wait */
	uint64_t held_ns;	/* their stacks' time on the critical path;
				 * without one, the busiest worker's busy
				 * time (the pool was busy at least that) */
	uint64_t waits;		/* their task waits, counted */
	int64_t frame;		/* where their task waits were most, -1 */
};

/* t's time in a task's waits; each kind's added to per[], when given. */
static uint64_t task_wait_ns(const struct thread_stat *t, uint64_t *per)
{
	uint64_t ns = 0;
	int r;

	for (r = 0; r < WAIT__COUNT; r++) {
		if (!task_wait(r))
			continue;
		ns += t->time.ns[r];
		if (per)
			per[r] += t->time.ns[r];
	}
	return ns;
}

/* A worker: a thread not its process's first, busy nearly all its life
 * and mostly in a task's waits. */
static bool is_worker(const struct thread_stat *t)
{
	uint64_t life = time_total(&t->time), waits = task_wait_ns(t, NULL);

	return t->tid != t->pid &&
	       hint_at_least_pct(t->time.ns[WAIT_NONE] + waits, life,
				 POOL_BUSY_PCT) &&
	       hint_at_least_pct(waits, life, POOL_WAIT_PCT);
}

/* The process's first thread waited for the pool (on its results' lock,
 * or joining it) most of its life: a client of its workers, not a server
 * whose workers wait for requests while it polls. */
static bool main_waited(const struct proc_stat *ps)
{
	const struct thread_stat *t;
	size_t i;

	for (i = 0; i < ps->n_threads; i++) {
		t = &ps->threads[i];
		if (t->tid == t->pid)
			return hint_at_least_pct(t->time.ns[WAIT_LOCK] +
						 t->time.ns[WAIT_JOIN],
						 time_total(&t->time),
						 POOL_MAIN_WAIT_PCT);
	}
	return false;
}

static bool worker_of(const struct pool *pool, uint32_t tid)
{
	size_t i;

	for (i = 0; i < pool->ps->n_threads; i++)
		if (pool->ps->threads[i].tid == tid)
			return is_worker(&pool->ps->threads[i]);
	return false;
}

/* Their time on the path and where they waited, from their stacks. */
static void pool_stacks(const struct hint_list *h, struct pool *pool,
			uint64_t *by_frame)
{
	const struct profile *p = h->p;
	int64_t f;
	size_t i;

	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		if (s->pid != pool->ps->pid || !worker_of(pool, s->tid))
			continue;
		if (h->agg->cp_known)
			pool->held_ns += s->cp_ns;
		if (!task_wait(s->reason))
			continue;
		pool->waits += s->count;
		f = display_frame(p, s->frames, s->n_frames);
		if (f < 0 || (size_t)f >= p->n_frames)
			continue;
		by_frame[f] += s->ns;
		if (pool->frame < 0 || by_frame[f] > by_frame[pool->frame])
			pool->frame = f;
	}
}

static void pool_tally(struct pool *pool, bool cp_known)
{
	size_t i;

	for (i = 0; i < pool->ps->n_threads; i++) {
		const struct thread_stat *t = &pool->ps->threads[i];
		uint64_t busy;

		if (!is_worker(t))
			continue;
		pool->workers++;
		pool->life_ns += time_total(&t->time);
		busy = t->time.ns[WAIT_NONE] + task_wait_ns(t, pool->wait_ns);
		pool->busy_ns += busy;
		if (!cp_known && busy > pool->held_ns)
			pool->held_ns = busy;
	}
}

/* "network 2.1 s, disk 80 ms": the task waits. */
static void fmt_waits(char *buf, size_t size, const struct pool *pool)
{
	char time[TIME_SIZE];
	size_t len = 0;
	int r;

	buf[0] = '\0';
	for (r = 0; r < WAIT__COUNT && len < size; r++) {
		if (!task_wait(r) || !pool->wait_ns[r])
			continue;
		hint_fmt_time(time, pool->wait_ns[r]);
		len += snprintf(buf + len, size - len, "%s%s %s",
				len ? ", " : "", wait_reason_name(r), time);
	}
}

static void pool_hint(struct hint_list *h, const struct pool *pool)
{
	struct hint hint = { .rule = "pool", .names_cause = true };
	char busy[NUM_SIZE], waited[NUM_SIZE], held[NUM_SIZE], waits[96];
	char *where = hint_location(h, pool->frame);
	const char *exe = procs_exe(h->p, pool->ps->pid);
	uint64_t wait_ns = 0;
	bool python;
	int r;

	for (r = 0; r < WAIT__COUNT; r++)
		wait_ns += pool->wait_ns[r];
	exe = exe ? path_basename(exe) : pool->ps->comm;
	python = cpython_file_name(exe);
	hint_fmt_pct(busy, pool->busy_ns, pool->life_ns);
	hint_fmt_pct(waited, wait_ns, pool->life_ns);
	hint_fmt_pct(held, pool->held_ns, h->p->wall_ns);
	fmt_waits(waits, sizeof(waits), pool);
	hint_text(&hint, "%" PRIu32 " worker threads of %s (pid %" PRIu32 ") "
		  "were busy %s of their time, %s of it waiting (%s%s%s), and "
		  "held up %s of the wall time: the pool's size is the limit. "
		  "Waits need no CPU: more workers overlap more of them (%s).",
		  pool->workers, exe, pool->ps->pid, busy, waited, waits,
		  where ? " in " : "", where ? where : "", held,
		  python ? "ThreadPoolExecutor(max_workers=…), or asyncio" :
			   "a larger pool, or asynchronous I/O");
	hint_field_copy(h, &hint, "program", exe);
	hint_field_uint(&hint, "pid", pool->ps->pid);
	hint_field_uint(&hint, "workers", pool->workers);
	hint_field_real(&hint, "busy_of_life_pct",
			pct_of(pool->busy_ns, pool->life_ns));
	hint_field_uint(&hint, "wait_ns", wait_ns);
	hint_field_real(&hint, "wall_pct", pct_of(pool->held_ns,
						  h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}

/*
 * Each process's workers (threads busy ≥ POOL_BUSY_PCT of their lives,
 * ≥ POOL_WAIT_PCT in a task's waits), at least POOL_MIN_WORKERS of
 * them, on the critical path ≥ POOL_PATH_PCT of the wall, while its
 * first thread waited for them; POOL_MIN_WAITS of those waits a worker
 * at least, as several tasks each make.
 */
void hint_pool(struct hint_list *h)
{
	const struct aggregate *agg = h->agg;
	uint64_t *by_frame;
	size_t i;

	for (i = 0; i < agg->n_procs && !h->err; i++) {
		struct pool pool = { .ps = &agg->procs[i], .frame = -1 };

		pool_tally(&pool, agg->cp_known);
		if (pool.workers < POOL_MIN_WORKERS || !main_waited(pool.ps))
			continue;
		by_frame = calloc(h->p->n_frames ? h->p->n_frames : 1,
				  sizeof(*by_frame));
		if (!by_frame) {
			h->err = -ENOMEM;
			return;
		}
		pool_stacks(h, &pool, by_frame);
		free(by_frame);
		/* one task each (a wait or two): no more tasks to share */
		if (pool.waits >= (uint64_t)POOL_MIN_WAITS * pool.workers &&
		    hint_at_least_pct(pool.held_ns, h->p->wall_ns,
				      POOL_PATH_PCT))
			pool_hint(h, &pool);
	}
}
