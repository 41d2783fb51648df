// SPDX-License-Identifier: GPL-2.0
/*
 * The critical path's summary (struct profile_critical) in whyslow's
 * field-15 data: its length, programs, launchers and locks.  What each
 * stack contributed travels with the stack (whyslow.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pprof/whyslow_critical.h"

enum { CR_NS = 1, CR_ROOT_TID, CR_PROGRAM, CR_LAUNCHER, CR_LOCK };
enum { CRP_NAME = 1, CRP_NS, CRP_PID /* repeated */, CRP_RUNS,
       CRP__COUNT = CRP_RUNS };
enum { CRL_NAME = 1, CRL_INTERPRETER, CRL_STARTED, CRL_PROCESSES, CRL_NS,
       CRL_WAITED, CRL__COUNT = CRL_WAITED };
enum { CRK_HOLDER_FRAME = 1 /* +1, 0 none */, CRK_WAITING, CRK_WAIT_NS,
       CRK_HOLDER_CPU_NS, CRK_HOLDER_WAIT_NS, CRK_HOLDER_WAIT_REASON,
       CRK_WAITER_FRAME /* +1, 0 none */,
       CRK__COUNT = CRK_WAITER_FRAME };

static void put_programs(struct writer *w, struct pb_buf *b,
			 const struct profile_critical *c)
{
	struct pb_buf e = { 0 };
	size_t i, k;

	for (i = 0; i < c->n_programs; i++) {
		const struct critical_program *cp = &c->programs[i];

		e.len = 0;
		pb_uint(&e, CRP_NAME, pprof_str_id(w, cp->name));
		pb_uint(&e, CRP_NS, cp->ns);
		pb_uint(&e, CRP_RUNS, cp->runs);
		for (k = 0; k < cp->n_pids; k++)
			pb_uint(&e, CRP_PID, cp->pids[k]);
		pb_msg(b, CR_PROGRAM, &e);
	}
	pb_buf_free(&e);
}

void pprof_whyslow_critical_put(struct writer *w, struct pb_buf *x,
				uint32_t field, const struct profile_critical *c)
{
	struct pb_buf b = { 0 }, e = { 0 };
	size_t i;

	if (!c->ns)
		return;
	pb_uint(&b, CR_NS, c->ns);
	pb_uint(&b, CR_ROOT_TID, c->root_tid);
	put_programs(w, &b, c);
	for (i = 0; i < c->n_launchers; i++) {
		const struct critical_launcher *l = &c->launchers[i];

		e.len = 0;
		pb_uint(&e, CRL_NAME, pprof_str_id(w, l->name));
		pb_uint(&e, CRL_INTERPRETER, pprof_str_id(w, l->interpreter));
		pb_uint(&e, CRL_STARTED, pprof_str_id(w, l->started));
		pb_uint(&e, CRL_PROCESSES, l->processes);
		pb_uint(&e, CRL_NS, l->ns);
		pb_uint(&e, CRL_WAITED, l->waited);
		pb_msg(&b, CR_LAUNCHER, &e);
	}
	for (i = 0; i < c->n_locks; i++) {
		const struct critical_lock *k = &c->locks[i];

		e.len = 0;
		pb_uint(&e, CRK_HOLDER_FRAME, (uint64_t)(k->holder_frame + 1));
		pb_uint(&e, CRK_WAITING, k->waiting_threads);
		pb_uint(&e, CRK_WAIT_NS, k->wait_ns);
		pb_uint(&e, CRK_HOLDER_CPU_NS, k->holder_cpu_ns);
		pb_uint(&e, CRK_HOLDER_WAIT_NS, k->holder_wait_ns);
		pb_uint(&e, CRK_HOLDER_WAIT_REASON, k->holder_wait_reason);
		pb_uint(&e, CRK_WAITER_FRAME, (uint64_t)(k->waiter_frame + 1));
		pb_msg(&b, CR_LOCK, &e);
	}
	pb_msg(x, field, &b);
	pb_buf_free(&b);
	pb_buf_free(&e);
}

/* ---- reading ---- */

static int read_pids(struct reader *rd, const struct span *sp,
		     struct critical_program *cp)
{
	struct pb_reader r;
	struct pb_field f;
	size_t cap = 0;
	int got;

	pb_reader_init(&r, sp->data, sp->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num != CRP_PID || f.wire != PB_VARINT)
			continue;
		if (pprof_reserve(rd, (void **)&cp->pids, &cap, cp->n_pids + 1,
				  sizeof(*cp->pids)))
			return -ENOMEM;
		cp->pids[cp->n_pids++] = f.v;
	}
	return got < 0 ? pprof_malformed(rd, &r, "critical path program") : 0;
}

static int read_programs(struct reader *rd, const struct span *rows,
			 size_t n, struct profile_critical *c)
{
	uint64_t v[CRP__COUNT];
	size_t i;
	int err = 0;

	c->programs = pprof_calloc(rd, n + 1, sizeof(*c->programs));
	if (!c->programs)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		struct critical_program *cp = &c->programs[i];

		err = pprof_read_small(rd, &rows[i], v, CRP__COUNT,
				       "critical path program");
		if (err)
			break;
		c->n_programs = i + 1;
		cp->ns = v[CRP_NS - 1];
		cp->runs = v[CRP_RUNS - 1];
		err = pprof_string_at(rd, v[CRP_NAME - 1], false, &cp->name);
		if (!err)
			err = read_pids(rd, &rows[i], cp);
	}
	return err;
}

static int read_launchers(struct reader *rd, const struct span *rows,
			  size_t n, struct profile_critical *c)
{
	uint64_t v[CRL__COUNT];
	size_t i;
	int err = 0;

	c->launchers = pprof_calloc(rd, n + 1, sizeof(*c->launchers));
	if (!c->launchers)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		struct critical_launcher *l = &c->launchers[i];

		err = pprof_read_small(rd, &rows[i], v, CRL__COUNT, "launcher");
		if (err)
			break;
		c->n_launchers = i + 1;
		l->processes = v[CRL_PROCESSES - 1];
		l->ns = v[CRL_NS - 1];
		l->waited = v[CRL_WAITED - 1] != 0;
		err = pprof_string_at(rd, v[CRL_NAME - 1], false, &l->name);
		if (!err)
			err = pprof_string_at(rd, v[CRL_STARTED - 1], false,
					      &l->started);
		if (!err)
			err = pprof_string_at(rd, v[CRL_INTERPRETER - 1], true,
					      &l->interpreter);
	}
	return err;
}

static int read_locks(struct reader *rd, const struct span *rows, size_t n,
		      const struct profile *out, struct profile_critical *c)
{
	uint64_t v[CRK__COUNT];
	size_t i;
	int err;

	c->locks = pprof_calloc(rd, n + 1, sizeof(*c->locks));
	if (!c->locks)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = pprof_read_small(rd, &rows[i], v, CRK__COUNT, "lock");
		if (err)
			return err;
		if (v[CRK_HOLDER_FRAME - 1] > out->n_frames ||
		    v[CRK_WAITER_FRAME - 1] > out->n_frames)
			return pprof_fail(rd, "inconsistent whyslow data: lock "
					  "frame %llu or %llu",
					  (unsigned long long)
					  v[CRK_HOLDER_FRAME - 1],
					  (unsigned long long)
					  v[CRK_WAITER_FRAME - 1]);
		if (v[CRK_HOLDER_WAIT_REASON - 1] >= WAIT__COUNT)
			return pprof_fail(rd, "inconsistent whyslow data: lock "
					  "holder wait reason %llu",
					  (unsigned long long)
					  v[CRK_HOLDER_WAIT_REASON - 1]);
		c->locks[i] = (struct critical_lock){
			.holder_frame = (int64_t)v[CRK_HOLDER_FRAME - 1] - 1,
			.waiting_threads = v[CRK_WAITING - 1],
			.wait_ns = v[CRK_WAIT_NS - 1],
			.holder_cpu_ns = v[CRK_HOLDER_CPU_NS - 1],
			.holder_wait_ns = v[CRK_HOLDER_WAIT_NS - 1],
			.holder_wait_reason = v[CRK_HOLDER_WAIT_REASON - 1],
			.waiter_frame = (int64_t)v[CRK_WAITER_FRAME - 1] - 1,
		};
		c->n_locks = i + 1;
	}
	return 0;
}

int pprof_whyslow_critical_read(struct reader *rd, const struct span *x,
				uint32_t field, struct profile *out)
{
	struct profile_critical *c = &out->critical;
	struct span *msg = NULL, *rows[3] = { 0 };
	static const uint32_t kinds[] = { CR_PROGRAM, CR_LAUNCHER, CR_LOCK };
	size_t n_msg, n[3] = { 0 }, i;
	uint64_t v[2];
	int err;

	err = pprof_spans_of(rd, x, field, &msg, &n_msg);
	if (err || !n_msg)
		goto out;
	if ((err = pprof_read_small(rd, &msg[n_msg - 1], v, 2, "critical path")))
		goto out;
	for (i = 0; i < 3 && !err; i++)
		err = pprof_spans_of(rd, &msg[n_msg - 1], kinds[i], &rows[i],
				     &n[i]);
	if (!err)
		err = read_programs(rd, rows[0], n[0], c);
	if (!err)
		err = read_launchers(rd, rows[1], n[1], c);
	if (!err)
		err = read_locks(rd, rows[2], n[2], out, c);
	if (!err) {
		c->ns = v[CR_NS - 1];
		c->root_tid = v[CR_ROOT_TID - 1];
	}
out:
	free(msg);
	for (i = 0; i < 3; i++)
		free(rows[i]);
	return err;
}
