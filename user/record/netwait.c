// SPDX-License-Identifier: GPL-2.0
/* See netwait.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/wait.h"
#include "lib/intern.h"
#include "record/netwait.h"

/* Requests looked at per wait, back from its wake: a crawler's hundreds
 * in flight at once count as the last of them. */
#define NETWAIT_MAX_SCAN	64

/* A wait's new stack: the one it was in, for one endpoint, for its
 * answer or for its connection. */
struct twin_key {
	uint32_t stack;
	uint32_t endpoint;
	uint32_t connecting;
};

/* Intervals of a kind, sorted by pid then start. */
struct spans {
	const struct io_request *r;
	size_t n;
};

struct netwait {
	struct profile *p;
	struct io_trace *io;
	struct spans reqs;	/* requests in flight */
	struct spans slow;	/* connections slow to make */
	struct intern twins;	/* struct twin_key → its stack - base */
	size_t base;		/* p->n_stacks before the first twin */
	size_t cap_stacks;
};

/* First span of pid starting at or after ts, or of a later pid. */
static size_t span_at(const struct spans *sp, uint32_t pid, uint64_t ts)
{
	size_t lo = 0, hi = sp->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (sp->r[mid].pid < pid ||
		    (sp->r[mid].pid == pid && sp->r[mid].start < ts))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Of [s, e), the time at least one span of pid (a request in flight, a
 * connection in the making) covered, and (*endpoint) the endpoint of the
 * span covering it longest.
 */
static uint64_t in_flight(const struct spans *sp, uint32_t pid, uint64_t s,
			  uint64_t e, uint32_t *endpoint)
{
	size_t hi = span_at(sp, pid, e), lo = hi, i;
	uint64_t covered = 0, best = 0, upto = s, a, b;

	while (lo > 0 && hi - lo < NETWAIT_MAX_SCAN &&
	       sp->r[lo - 1].pid == pid)
		lo--;
	for (i = lo; i < hi; i++) {	/* by start: a union in one pass */
		a = sp->r[i].start > s ? sp->r[i].start : s;
		b = sp->r[i].end < e ? sp->r[i].end : e;
		if (b <= a)
			continue;
		if (b - a > best) {
			best = b - a;
			*endpoint = sp->r[i].endpoint;
		}
		if (a < upto)
			a = upto;
		if (b > a) {
			covered += b - a;
			upto = b;
		}
	}
	return covered;
}

/* st's copy for the waits of an endpoint: nothing counted yet. */
static int make_twin(struct netwait *nw, const struct twin_key *key)
{
	const char *sys, *peer;
	struct stack_sample *st, *orig;
	bool unix_socket;
	char target[160];
	size_t i = nw->p->n_stacks;

	if (intern_items_reserve((void **)&nw->p->stacks, &nw->cap_stacks, i,
				 sizeof(*nw->p->stacks)))
		return -ENOMEM;
	orig = &nw->p->stacks[key->stack];
	st = &nw->p->stacks[i];
	*st = *orig;
	st->count = st->ns = st->cp_ns = 0;
	peer = io_trace_peer(nw->io, key->endpoint, &unix_socket);
	sys = wait_syscall_name(orig->syscall);
	if (key->connecting)
		snprintf(target, sizeof(target), "%s for a connection to %s "
			 "to be made", sys ? sys : "poll", peer);
	else
		snprintf(target, sizeof(target), "%s for a response from "
			 "%s%s", sys ? sys : "poll",
			 unix_socket ? "unix socket " : "", peer);
	st->reason = unix_socket ? WAIT_PIPE : WAIT_NETWORK;
	st->frames = malloc((orig->n_frames + 1) * sizeof(*st->frames));
	st->target = strdup(target);
	if (!st->frames || !st->target) {
		free(st->frames);
		free(st->target);
		return -ENOMEM;
	}
	memcpy(st->frames, orig->frames, orig->n_frames * sizeof(*st->frames));
	nw->p->n_stacks++;
	return 0;
}

/* Wait w, one request of its process in flight (or one connection in
 * the making) for most of it: moved. */
static int move_wait(struct netwait *nw, struct cp_wait *w, uint32_t endpoint,
		     bool connecting, uint64_t blocked)
{
	struct twin_key key = { .stack = w->stack, .endpoint = endpoint,
				.connecting = connecting };
	struct stack_sample *from, *to;
	int added, err;
	int64_t k;

	k = intern_bytes(&nw->twins, &key, sizeof(key), &added);
	if (k < 0)
		return k;
	if (added && (err = make_twin(nw, &key)))
		return err;
	from = &nw->p->stacks[w->stack];
	to = &nw->p->stacks[nw->base + k];
	if (blocked > from->ns)	/* the stack's sum is the truth */
		blocked = from->ns;
	from->ns -= blocked;
	to->ns += blocked;
	if (from->count) {	/* it counts each timeline wait, and more */
		from->count--;
		to->count++;
	}
	w->stack = nw->base + k;
	return 0;
}

/* A wait on many descriptors at once, of its process's event loop. */
static bool loop_wait(const struct profile *p, const struct cp_wait *w)
{
	return w->stack < p->n_stacks &&
	       p->stacks[w->stack].reason == WAIT_POLL &&
	       w->wake > w->start && w->wake <= w->end &&
	       w->waker_pid != p->stacks[w->stack].pid;
}

int netwait_split(struct profile *p, struct cp_timeline *tl,
		  struct io_trace *io)
{
	struct netwait nw = { .p = p, .io = io, .base = p->n_stacks,
			      .cap_stacks = p->n_stacks };
	uint64_t blocked;
	uint32_t endpoint = 0;
	size_t i;
	int err = 0;

	nw.reqs.r = io_trace_requests(io, &nw.reqs.n);
	nw.slow.r = io_trace_slow_connects(io, &nw.slow.n);
	if (!nw.reqs.n && !nw.slow.n)
		return 0;
	intern_init(&nw.twins);
	for (i = 0; i < tl->n_waits && !err; i++) {
		struct cp_wait *w = &tl->waits[i];
		uint32_t pid;

		if (!loop_wait(p, w))
			continue;
		pid = p->stacks[w->stack].pid;
		blocked = w->wake - w->start;
		if (2 * in_flight(&nw.slow, pid, w->start, w->wake,
				  &endpoint) >= blocked)
			err = move_wait(&nw, w, endpoint, true, blocked);
		else if (2 * in_flight(&nw.reqs, pid, w->start, w->wake,
				       &endpoint) >= blocked)
			err = move_wait(&nw, w, endpoint, false, blocked);
	}
	intern_free(&nw.twins);
	return err;
}
