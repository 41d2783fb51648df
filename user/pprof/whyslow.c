// SPDX-License-Identifier: GPL-2.0
/*
 * whyslow's field-15 extensions of profile.proto, written and read: the
 * numbers of each field below (the I/O tables' in whyslow_io.c); the
 * README ("Saved profiles") draws it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classify/frame.h"
#include "classify/tracing.h"
#include "classify/wait.h"
#include "pprof/whyslow.h"
#include "pprof/whyslow_critical.h"
#include "pprof/whyslow_io.h"

/* whyslow's message in field 15 */
enum {
	WS_VERSION = 1, WS_ROOT_PID, WS_WALL_NS, WS_CPU_USER_NS, WS_CPU_SYS_NS,
	WS_CPU_FROM_RUSAGE, WS_FREQUENCY_HZ, WS_PERIOD_NS, WS_SAMPLES,
	WS_COMMAND, WS_FRAME_UNUSED, WS_STACK_UNUSED, WS_THREAD, WS_PROCESS,
	WS_QUALITY,
	WS_NOTE, WS_IO, WS_TIME_NS, WS_CRITICAL, WS_N_CPUS,
};
enum { WF_MODULE = 1, WF_PATH, WF_CLASS, WF_RESOLVED, WF_INLINED };
enum { WK_REASON = 1, WK_SYSCALL, WK_TARGET, WK_TRUNCATED, WK_KERNEL_MODE,
       WK_CP_NS };
enum { WT_PID = 1, WT_TID, WT_COMM };
enum { WP_PID = 1, WP_PPID, WP_COMM, WP_EXE, WP_PY_UNBUFFERED, WP_ARGS };

#define WS_FORMAT_VERSION	1

/* ---- writing ---- */

/* What pprof has no field for, per frame and per stack. */
void pprof_whyslow_put_frame(struct writer *w, struct pb_buf *loc,
			    const struct frame *f)
{
	struct pb_buf e = { 0 };

	pb_uint(&e, WF_MODULE, pprof_str_id(w, f->module));
	pb_uint(&e, WF_PATH, pprof_str_id(w, f->path));
	pb_uint(&e, WF_CLASS, f->cls);
	pb_uint(&e, WF_RESOLVED, f->resolved);
	if (f->inlined)
		pb_uint(&e, WF_INLINED, 1);
	pb_msg(loc, WHYSLOW_FIELD, &e);
	pb_buf_free(&e);
}

void pprof_whyslow_put_stack(struct writer *w, struct pb_buf *sample,
			    const struct stack_sample *st)
{
	struct pb_buf e = { 0 };

	pb_uint(&e, WK_REASON, st->reason);
	pb_int(&e, WK_SYSCALL, st->syscall);
	pb_uint(&e, WK_TARGET, pprof_str_id(w, st->target));
	pb_uint(&e, WK_TRUNCATED, st->truncated);
	pb_uint(&e, WK_KERNEL_MODE, st->kernel_mode);
	pb_uint(&e, WK_CP_NS, st->cp_ns);
	/* present even when all zero: it marks the sample as whyslow's */
	pb_msg(sample, WHYSLOW_FIELD, &e);
	pb_buf_free(&e);
}

static void put_ws_tasks(struct writer *w, struct pb_buf *x,
			 const struct profile *p)
{
	char comm[sizeof(p->threads[0].comm) + 1];
	struct pb_buf e = { 0 };
	size_t i;

	for (i = 0; i < p->n_threads; i++) {
		e.len = 0;
		memcpy(comm, p->threads[i].comm, sizeof(p->threads[i].comm));
		comm[sizeof(comm) - 1] = '\0';
		pb_uint(&e, WT_PID, p->threads[i].pid);
		pb_uint(&e, WT_TID, p->threads[i].tid);
		pb_uint(&e, WT_COMM, pprof_str_id(w, comm));
		pb_msg(x, WS_THREAD, &e);
	}
	for (i = 0; i < p->n_procs; i++) {
		e.len = 0;
		memcpy(comm, p->procs[i].comm, sizeof(p->procs[i].comm));
		comm[sizeof(comm) - 1] = '\0';
		pb_uint(&e, WP_PID, p->procs[i].pid);
		pb_uint(&e, WP_PPID, p->procs[i].ppid);
		pb_uint(&e, WP_COMM, pprof_str_id(w, comm));
		pb_uint(&e, WP_EXE, pprof_str_id(w, p->procs[i].exe));
		if (p->procs[i].py_unbuffered)
			pb_uint(&e, WP_PY_UNBUFFERED, 1);
		if (p->procs[i].args)
			pb_uint(&e, WP_ARGS, pprof_str_id(w, p->procs[i].args));
		pb_msg(x, WS_PROCESS, &e);
	}
	pb_buf_free(&e);
}

/*
 * The quality counters, field n + 1 for the n-th in struct order: adding
 * one at the end of struct profile_quality keeps older files readable.
 */
#define QUALITY_FIELDS(X)						\
	X(lost_samples) X(lost_sideband) X(kstack_errors)		\
	X(ustack_errors) X(truncated_samples) X(py_truncated_samples)	\
	X(frames_total) X(frames_unresolved) X(requested_hz) X(max_hz)	\
	X(kernel_addrs_hidden) X(offcpu) X(offcpu_dropped)		\
	X(stack_collisions) X(min_block_ns) X(offcpu_short_ns)		\
	X(io_dropped) X(truncated_no_copy) X(truncated_copy_end)	\
	X(truncated_no_cfi) X(truncated_bad_rule) X(cfi_unwinding)	\
	X(waits_to_map) X(cpu_sampled_ns) X(unresolved_samples)	\
	X(sampler_ns) X(maps_cut)				\
	X(dwarf_refused) X(symbols_refused) X(perfmap_lines_skipped)	\
	X(perfmap_bytes_skipped) X(perfmap_refused)			\
	X(tracing_samples) X(tracing_ns) X(whyslow_cpu_ns)	\
	X(py_invalid_samples) X(py_native_mismatch_samples)		\
	X(io_untimed) X(io_timed_every) X(steal_ns)	\
	X(blocked_before) X(blocked_stacks) X(untraced_forks)		\
	X(bpf_missed_runs) X(waits_end_unseen)

static void put_ws_quality(struct pb_buf *x, const struct profile_quality *q)
{
	struct pb_buf e = { 0 };
	uint32_t n = 0;

#define PUT_QUALITY(f)	pb_uint(&e, ++n, q->f);
	QUALITY_FIELDS(PUT_QUALITY)
#undef PUT_QUALITY
	pb_msg(x, WS_QUALITY, &e);
	pb_buf_free(&e);
}

void pprof_whyslow_put_period_type(struct writer *w, struct pb_buf *b,
			    const struct profile *p)
{
	struct pb_buf x = { 0 }, vt = { 0 };
	size_t i;

	pb_uint(&x, WS_VERSION, WS_FORMAT_VERSION);
	pb_uint(&x, WS_ROOT_PID, p->root_pid);
	pb_uint(&x, WS_WALL_NS, p->wall_ns);
	pb_uint(&x, WS_CPU_USER_NS, p->cpu_user_ns);
	pb_uint(&x, WS_CPU_SYS_NS, p->cpu_sys_ns);
	pb_uint(&x, WS_CPU_FROM_RUSAGE, p->cpu_from_rusage);
	pb_uint(&x, WS_FREQUENCY_HZ, p->frequency_hz);
	pb_uint(&x, WS_PERIOD_NS, p->period_ns);
	pb_uint(&x, WS_SAMPLES, p->samples);
	pb_uint(&x, WS_COMMAND, pprof_str_id(w, p->command));
	pb_uint(&x, WS_TIME_NS, p->time_ns);
	pb_uint(&x, WS_N_CPUS, p->n_cpus);
	put_ws_tasks(w, &x, p);
	put_ws_quality(&x, &p->quality);
	for (i = 0; i < p->n_notes; i++)
		pb_uint(&x, WS_NOTE, pprof_str_id(w, p->notes[i]));
	pprof_whyslow_io_put(w, &x, WS_IO, &p->io);
	pprof_whyslow_critical_put(w, &x, WS_CRITICAL, &p->critical);
	pb_uint(&vt, VT_TYPE, pprof_str_id(w, "cpu"));
	pb_uint(&vt, VT_UNIT, pprof_str_id(w, "nanoseconds"));
	pb_msg(&vt, WHYSLOW_FIELD, &x);
	pb_msg(b, PROFILE_PERIOD_TYPE, &vt);
	pb_buf_free(&x);
	pb_buf_free(&vt);
}

/* ---- reading ---- */

/* Lines of a Location of a frame and those inlined into it: whyslow
 * writes SYM_MAX_INLINE + 1 at most. */
#define WS_MAX_GROUP_LINES	64

/*
 * Locations without whyslow's field are runs of a frame and the frames
 * inlined into it (write.c): each Line a frame's function, whose id is
 * the frame's Location's.
 */
static int ws_groups_check(struct reader *rd, const struct tables *t,
			   size_t n_frames)
{
	const struct location_rec *loc, *fl;
	uint64_t id;
	size_t i, j;

	for (i = 0; i < t->n_locs; i++) {
		loc = &t->locs[i];
		if (loc->extra.data)
			continue;
		if (loc->n_lines < 2 || loc->n_lines > WS_MAX_GROUP_LINES)
			goto bad;
		for (j = 0; j < loc->n_lines; j++) {
			id = loc->lines[j].function_id;
			fl = id <= n_frames ? pprof_find_id(t->locs, t->n_locs,
							    sizeof(*fl), id) : NULL;
			if (!fl || !fl->extra.data ||
			    fl->lines[0].function_id != id)
				goto bad;
		}
	}
	return 0;
bad:
	return pprof_fail(rd, "inconsistent whyslow data: location %llu",
			  (unsigned long long)loc->id);
}

/* The frames of Location id, outermost first, into frames when not
 * NULL: how many, 0 when id is no Location. */
static size_t ws_loc_frames(const struct tables *t, size_t n_frames,
			    uint64_t id, uint32_t *frames)
{
	const struct location_rec *loc;
	size_t j;

	if (id && id <= n_frames) {
		if (frames)
			frames[0] = id - 1;
		return 1;
	}
	loc = pprof_find_id(t->locs, t->n_locs, sizeof(*loc), id);
	if (!loc || loc->extra.data)	/* ws_groups_check checked it */
		return 0;
	for (j = 0; frames && j < loc->n_lines; j++)
		frames[j] = loc->lines[loc->n_lines - 1 - j].function_id - 1;
	return loc->n_lines;
}

static int ws_frames(struct reader *rd, const struct tables *t,
		     struct profile *out)
{
	size_t n_extra = 0;
	const struct function_rec *fn;
	const struct mapping_rec *map;
	struct location_rec *loc;
	struct frame *fr;
	uint64_t v[WF_INLINED];
	size_t i;
	int err;

	for (i = 0; i < t->n_locs; i++)
		n_extra += t->locs[i].extra.data != NULL;
	out->frames = pprof_calloc(rd, n_extra + 1, sizeof(*out->frames));
	if (!out->frames)
		return -ENOMEM;
	for (i = 0; i < n_extra; i++) {
		loc = pprof_find_id(t->locs, t->n_locs, sizeof(*loc), i + 1);
		if (!loc || loc->n_lines != 1 || !loc->extra.data ||
		    !(fn = pprof_find_id(t->fns, t->n_fns, sizeof(*fn),
					 loc->lines[0].function_id)))
			return pprof_fail(rd,
					"inconsistent whyslow data: location "
					"%zu", i + 1);
		map = pprof_find_id(t->maps, t->n_maps, sizeof(*map),
				    loc->mapping_id);
		err = pprof_read_small(rd, &loc->extra, v, WF_INLINED, "frame");
		if (err)
			return err;
		if (v[2] > CLASS_KERNEL)
			return pprof_fail(rd,
					"inconsistent whyslow data: frame class "
					"%llu", (unsigned long long)v[2]);
		fr = &out->frames[i];
		out->n_frames = i + 1;
		fr->cls = v[2];
		fr->resolved = v[3];
		fr->inlined = v[4];
		fr->line = (int)loc->lines[0].line;
		fr->start_line = (int)fn->start_line;
		fr->addr = loc->address;
		if ((err = pprof_function_names(rd, fn, false, &fr->name,
						&fr->system_name)) ||
		    (err = pprof_string_at(rd, fn->filename, true, &fr->file)) ||
		    (err = pprof_string_at(rd, v[0], false, &fr->module)) ||
		    (err = pprof_string_at(rd, v[1], true, &fr->path)) ||
		    (map && (err = pprof_string_at(rd, map->build_id, true,
					     &fr->build_id))))
			return err;
		/* whyslow writes a mapping's offset for files only */
		if (fr->path && map && map->offset)
			fr->addr_offset = pprof_location_offset(loc, map);
	}
	return ws_groups_check(rd, t, n_extra);
}

static int ws_stack(struct reader *rd, const struct tables *t,
		    const struct sample_rec *s, struct profile *out)
{
	struct stack_sample *st = &out->stacks[out->n_stacks];
	uint64_t v[WK_CP_NS];
	size_t i, k, n = 0;
	int err;

	if (s->n_vals != VAL_COUNT || s->truncated || !s->extra.data)
		return pprof_fail(rd,
				"inconsistent whyslow data: a sample of %zu "
				"values%s", s->n_vals, s->extra.data ? "" :
				" without whyslow's field");
	err = pprof_read_small(rd, &s->extra, v, WK_CP_NS, "stack");
	if (err)
		return err;
	if (v[0] >= WAIT__COUNT)
		return pprof_fail(rd,
				"inconsistent whyslow data: wait reason %llu",
				(unsigned long long)v[0]);
	for (i = 0; i < s->n_locs; i++) {
		k = ws_loc_frames(t, out->n_frames, s->locs[i], NULL);
		if (!k)
			return pprof_fail(rd,
					"inconsistent whyslow data: location "
					"id %llu", (unsigned long long)s->locs[i]);
		n += k;
	}
	st->frames = pprof_stack_frames(rd, n);
	if (!st->frames)
		return -ENOMEM;
	out->n_stacks++;
	/* locations innermost first, frames root first */
	for (i = s->n_locs, k = 0; i-- > 0;)
		k += ws_loc_frames(t, out->n_frames, s->locs[i],
				   st->frames + k);
	st->n_frames = n;
	st->pid = s->pid;
	st->tid = s->tid;
	st->reason = v[0];
	st->count = s->vals[st->reason == WAIT_NONE ? VAL_SAMPLES : VAL_WAITS];
	st->ns = s->vals[st->reason == WAIT_NONE ? VAL_CPU : VAL_OFFCPU];
	st->syscall = (int)(int64_t)v[1];
	st->truncated = v[3];
	st->kernel_mode = v[4];
	st->cp_ns = v[WK_CP_NS - 1];
	return v[2] ? pprof_string_at(rd, v[2], false, &st->target) : 0;
}

static int ws_stacks(struct reader *rd, const struct tables *t,
		     struct profile *out)
{
	struct sample_rec s = { 0 };
	size_t n = rd->top.n[PROFILE_SAMPLE], i;
	int err = 0;

	out->stacks = pprof_calloc(rd, n + 1, sizeof(*out->stacks));
	if (!out->stacks)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		err = pprof_sample_read(rd, &rd->top.of[PROFILE_SAMPLE][i], &s);
		if (!err)
			err = ws_stack(rd, t, &s, out);
	}
	free(s.locs);
	return err;
}

static int ws_tasks(struct reader *rd, const struct span *x,
		    struct profile *out)
{
	struct span *th = NULL, *pr = NULL;
	size_t n_th, n_pr, i;
	uint64_t v[WP_ARGS];
	int err;

	if ((err = pprof_spans_of(rd, x, WS_THREAD, &th, &n_th)) ||
	    (err = pprof_spans_of(rd, x, WS_PROCESS, &pr, &n_pr)))
		goto out;
	out->threads = pprof_calloc(rd, n_th + 1, sizeof(*out->threads));
	out->procs = pprof_calloc(rd, n_pr + 1, sizeof(*out->procs));
	err = -ENOMEM;
	if (!out->threads || !out->procs)
		goto out;
	err = 0;
	for (i = 0; i < n_th && !err; i++) {
		struct thread_info *t = &out->threads[i];

		err = pprof_read_small(rd, &th[i], v, 3, "thread");
		if (err)
			break;
		t->pid = v[0];
		t->tid = v[1];
		err = pprof_string_copy(rd, v[2], t->comm, sizeof(t->comm));
		out->n_threads = i + 1;
	}
	for (i = 0; i < n_pr && !err; i++) {
		struct process_info *p = &out->procs[i];

		err = pprof_read_small(rd, &pr[i], v, WP_ARGS, "process");
		if (err)
			break;
		out->n_procs = i + 1;
		p->pid = v[0];
		p->ppid = v[1];
		p->py_unbuffered = v[4] != 0;
		err = pprof_string_copy(rd, v[2], p->comm, sizeof(p->comm));
		if (!err)
			err = pprof_string_at(rd, v[3], true, &p->exe);
		if (!err)
			err = pprof_string_at(rd, v[5], true, &p->args);
	}
out:
	free(th);
	free(pr);
	return err;
}

static int ws_quality(struct reader *rd, const struct span *x,
		      struct profile_quality *q)
{
	struct span *sp;
	uint64_t v[64];
	size_t n;
	uint32_t k = 0;
	int err;

#define COUNT_QUALITY(f)	+1
	_Static_assert(0 QUALITY_FIELDS(COUNT_QUALITY) <= 64,
		       "the quality message outgrew its reader");
#undef COUNT_QUALITY
	err = pprof_spans_of(rd, x, WS_QUALITY, &sp, &n);
	if (err || !n) {
		free(sp);
		return err;
	}
	err = pprof_read_small(rd, &sp[n - 1], v, 64, "quality");
	free(sp);
	if (err)
		return err;
#define GET_QUALITY(f)	q->f = v[k++];
	QUALITY_FIELDS(GET_QUALITY)
#undef GET_QUALITY
	return 0;
}

static int ws_notes(struct reader *rd, const struct span *x,
		    struct profile *out)
{
	struct pb_reader r;
	struct pb_field f;
	size_t cap = 0;
	int got, err;

	pb_reader_init(&r, x->data, x->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num != WS_NOTE || f.wire != PB_VARINT)
			continue;
		if (pprof_reserve(rd, (void **)&out->notes, &cap, out->n_notes + 1,
				  sizeof(*out->notes)))
			return -ENOMEM;
		err = pprof_string_at(rd, f.v, false, &out->notes[out->n_notes]);
		if (err)
			return err;
		out->n_notes++;
	}
	return got < 0 ? pprof_malformed(rd, &r, "note") : 0;
}

int pprof_whyslow_read(struct reader *rd, const struct tables *t,
		       struct profile *out)
{
	const struct span *x = &rd->top.whyslow;
	uint64_t v[WS_N_CPUS];
	int err;

	err = pprof_read_small(rd, x, v, WS_N_CPUS, "whyslow data");
	if (err)
		return err;
	if (v[WS_VERSION - 1] != WS_FORMAT_VERSION)
		return pprof_fail(rd,
				"whyslow data of format version %llu; this "
				"whyslow reads version %d",
				(unsigned long long)v[WS_VERSION - 1],
				WS_FORMAT_VERSION);
	out->root_pid = v[WS_ROOT_PID - 1];
	out->wall_ns = v[WS_WALL_NS - 1];
	out->cpu_user_ns = v[WS_CPU_USER_NS - 1];
	out->cpu_sys_ns = v[WS_CPU_SYS_NS - 1];
	out->cpu_from_rusage = v[WS_CPU_FROM_RUSAGE - 1];
	out->frequency_hz = v[WS_FREQUENCY_HZ - 1];
	out->period_ns = v[WS_PERIOD_NS - 1];
	out->samples = v[WS_SAMPLES - 1];
	out->time_ns = v[WS_TIME_NS - 1];
	out->n_cpus = v[WS_N_CPUS - 1] <= UINT32_MAX ? v[WS_N_CPUS - 1] : 0;
	err = pprof_string_at(rd, v[WS_COMMAND - 1], false, &out->command);
	if (err)
		return err;
	err = ws_frames(rd, t, out);
	if (!err)
		err = ws_stacks(rd, t, out);
	if (!err)
		err = ws_tasks(rd, x, out);
	if (!err)
		err = ws_quality(rd, x, &out->quality);
	if (!err)
		err = ws_notes(rd, x, out);
	if (!err)
		err = pprof_whyslow_io_read(rd, x, WS_IO, out);
	if (!err)
		err = pprof_whyslow_critical_read(rd, x, WS_CRITICAL, out);
	/* every recording since it was counted took some CPU */
	if (!err && !out->quality.whyslow_cpu_ns)
		tracing_strip(out);
	return err;
}
