/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the critical path tests share: a timeline built by hand (runs,
 * waits, forks and execs), and checks of the path found in it.
 */
#ifndef WHYSLOW_CRITPATH_CHECK_H
#define WHYSLOW_CRITPATH_CHECK_H

#include "profile_fixture.h"

#include "record/critpath.h"

#define MS	1000000ull
#define T0	(1000 * MS)

struct tl_builder {
	struct cp_timeline tl;
};

static inline void add_sample(struct tl_builder *b, uint32_t tid, uint64_t ts,
			      uint32_t stack)
{
	b->tl.samples = fx_grow(b->tl.samples, b->tl.n_samples,
				sizeof(*b->tl.samples));
	b->tl.samples[b->tl.n_samples++] = (struct cp_sample){
		.ts = ts, .tid = tid, .stack = stack };
}

/* Samples every ms in [from, to). */
static inline void add_run(struct tl_builder *b, uint32_t tid, uint64_t from,
			   uint64_t to, uint32_t stack)
{
	uint64_t t;

	for (t = from + MS; t <= to; t += MS)
		add_sample(b, tid, t - 1, stack);
}

static inline void add_wait(struct tl_builder *b, uint32_t tid, uint64_t start,
			    uint64_t wake, uint64_t end, uint32_t waker,
			    uint32_t stack)
{
	b->tl.waits = fx_grow(b->tl.waits, b->tl.n_waits, sizeof(*b->tl.waits));
	b->tl.waits[b->tl.n_waits++] = (struct cp_wait){
		.start = start, .wake = wake, .end = end, .tid = tid,
		.waker_tid = waker, .waker_pid = waker, .stack = stack,
		.runq_stack = stack };
}

static inline void add_exec(struct tl_builder *b, uint32_t pid, uint64_t ts,
			    const char *program)
{
	b->tl.execs = fx_grow(b->tl.execs, b->tl.n_execs, sizeof(*b->tl.execs));
	b->tl.execs[b->tl.n_execs++] = (struct cp_exec){
		.ts = ts, .pid = pid, .program = program };
}

static inline void tl_free(struct tl_builder *b)
{
	free(b->tl.samples);
	free(b->tl.waits);
	free(b->tl.execs);
}

static inline uint64_t cp_sum(const struct profile *p)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < p->n_stacks; i++)
		sum += p->stacks[i].cp_ns;
	return sum;
}

/* No time of the path went to a "[program: off-CPU, unseen]" stack. */
static inline void assert_nothing_unseen(const struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].cp_ns && p->stacks[i].n_frames)
			assert_null(strstr(p->frames[p->stacks[i].frames[0]].name,
					   "unseen"));
}

/* The index of the stack just added (s: what FX_STACK returned). */
static inline uint32_t stack_index(const struct profile *p,
				   const struct stack_sample *s)
{
	(void)s;
	return p->n_stacks - 1;
}

/* A fork by parent's main thread, then its exec of program. */
static inline void add_child(struct tl_builder *b, uint32_t pid,
			     uint32_t parent, uint64_t ts, const char *program)
{
	b->tl.execs = fx_grow(b->tl.execs, b->tl.n_execs, sizeof(*b->tl.execs));
	b->tl.execs[b->tl.n_execs++] = (struct cp_exec){
		.ts = ts, .pid = pid, .parent = parent, .parent_tid = parent };
	add_exec(b, pid, ts + MS / 10, program);
}

#endif
