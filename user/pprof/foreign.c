// SPDX-License-Identifier: GPL-2.0
/*
 * Profiles of other tools: the sample value that measures time, frames
 * of every line of a location, threads and processes of the labels.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/frame.h"
#include "classify/wait.h"
#include "lib/intern.h"
#include "lib/util.h"
#include "pprof/foreign.h"
#include "pprof/internal.h"

#define MAX_SYSCALL_NR	1024	/* x86-64's are below 512 */
#define MAX_SYSCALLS	128	/* ... of which whyslow names fewer */

/* Which sample value measures time best: cpu, then wall, then any
 * nanoseconds; else a count of samples, one period each. */
struct value_choice {
	size_t n_types;
	size_t time;		/* index of the value used */
	bool is_ns;
	int64_t count;		/* index of a count type, -1 none */
	bool whyslow;		/* whyslow's own types: a whyslow profile
				 * re-encoded (go tool pprof -proto) */
	char name[64];		/* "cpu/nanoseconds" for the note */
	/* the syscalls whyslow names, for its "syscall" labels */
	struct { int nr; const char *name; } syscalls[MAX_SYSCALLS];
	size_t n_syscalls;
};

/* whyslow's sample types, in the order of internal.h's VAL_* */
static const char *const ws_types[VAL_COUNT][2] = {
	{ "samples", "count" }, { "cpu", "nanoseconds" },
	{ "waits", "count" }, { "offcpu", "nanoseconds" },
	{ "wall", "nanoseconds" },
};


/* Memory, goroutines: no sample type that counts time or samples. */
static int refuse_untimed(struct reader *rd, size_t n)
{
	char types[160] = "";
	const struct span *t, *u;
	uint64_t v[2];
	size_t i, len = 0;

	for (i = 0; i < n && len < sizeof(types) - 1; i++) {
		pprof_read_small(rd, &rd->top.of[PROFILE_SAMPLE_TYPE][i], v, 2,
				 "");
		t = pprof_string_ref(rd, v[0]);
		u = pprof_string_ref(rd, v[1]);
		len += snprintf(types + len, sizeof(types) - len, "%s%.*s/%.*s",
				i ? ", " : "", (int)t->len, t->data,
				(int)u->len, u->data);
	}
	return pprof_fail(rd, "unsupported pprof profile: its values (%s) "
			  "measure no time; whyslow reads CPU and wall-time "
			  "profiles (go tool pprof reads this one)", types);
}

/* "samples/count", perf_to_profile's "cycles_sample/count": a count of
 * samples, each a sampling period of time. */
static bool is_sample_count(const struct reader *rd, const uint64_t *v)
{
	const struct span *t = pprof_string_ref(rd, v[0]);
	size_t len = t->len - (t->len && t->data[t->len - 1] == 's');

	return pprof_string_is(rd, v[1], "count") && len >= 6 &&
	       !memcmp(t->data + len - 6, "sample", 6);
}

static int choose_value(struct reader *rd, struct value_choice *c)
{
	size_t n = rd->top.n[PROFILE_SAMPLE_TYPE], i;
	int best = -1, rank, best_rank = 0, samples = -1;
	uint64_t v[2];
	const struct span *type, *unit;
	int err;

	if (!n || n > MAX_SAMPLE_TYPES)
		return pprof_fail(rd,
				"not a valid pprof profile: %zu sample types", n);
	c->n_types = n;
	c->count = -1;
	c->whyslow = n == VAL_COUNT;
	for (i = 0; i < n; i++) {
		err = pprof_read_small(rd, &rd->top.of[PROFILE_SAMPLE_TYPE][i], v, 2,
				 "sample type");
		if (err)
			return err;
		if (v[0] >= rd->n_strs || v[1] >= rd->n_strs)
			return pprof_fail(rd,
					"not a valid pprof profile: bad sample "
					"type string index");
		rank = pprof_string_is(rd, v[1], "nanoseconds") ?
		       (pprof_string_is(rd, v[0], "cpu") ? 3 :
			pprof_string_is(rd, v[0], "wall") ? 2 : 1) : 0;
		if (rank > best_rank || best < 0 || (!rank && !best_rank)) {
			best = i;
			best_rank = rank;
		}
		if (pprof_string_is(rd, v[1], "count") && c->count < 0)
			c->count = i;
		if (samples < 0 && is_sample_count(rd, v))
			samples = i;
		if (i < VAL_COUNT && (!pprof_string_is(rd, v[0], ws_types[i][0]) ||
				      !pprof_string_is(rd, v[1], ws_types[i][1])))
			c->whyslow = false;
	}
	if (!best_rank && samples < 0)
		return refuse_untimed(rd, n);
	c->time = best_rank ? best : samples;
	c->is_ns = best_rank > 0;
	pprof_read_small(rd, &rd->top.of[PROFILE_SAMPLE_TYPE][c->time], v, 2,
			 "");
	type = pprof_string_ref(rd, v[0]);
	unit = pprof_string_ref(rd, v[1]);
	snprintf(c->name, sizeof(c->name), "%.*s/%.*s", (int)type->len,
		 (const char *)type->data, (int)unit->len,
		 (const char *)unit->data);
	return 0;
}

/* Frames of the foreign profile: one per (location, line), the lines of
 * a location innermost first as pprof stores them. */
static int foreign_frames(struct reader *rd, struct tables *t,
			  struct profile *out)
{
	size_t n = 0, i, j, k = 0;
	const struct function_rec *fn;
	const struct mapping_rec *map;
	const struct span *file;
	struct frame *fr;
	int err;

	for (i = 0; i < t->n_locs; i++)
		n += t->locs[i].n_lines ? t->locs[i].n_lines : 1;
	out->frames = pprof_calloc(rd, n + 1, sizeof(*out->frames));
	if (!out->frames)
		return -ENOMEM;
	for (i = 0; i < t->n_locs; i++) {
		struct location_rec *loc = &t->locs[i];
		size_t lines = loc->n_lines ? loc->n_lines : 1;

		map = pprof_find_id(t->maps, t->n_maps, sizeof(*map),
				    loc->mapping_id);
		loc->first_frame = k;
		for (j = 0; j < lines; j++, k++) {
			fr = &out->frames[k];
			out->n_frames = k + 1;
			fn = loc->n_lines ?
			     pprof_find_id(t->fns, t->n_fns, sizeof(*fn),
					   loc->lines[j].function_id) : NULL;
			file = map ? pprof_string_ref(rd, map->filename) : NULL;
			if (fn && (err = pprof_function_names(rd, fn, true,
					&fr->name, &fr->system_name)))
				return err;
			if (fn && (err = pprof_string_at(rd, fn->filename, true,
						   &fr->file)))
				return err;
			if (map && (err = pprof_string_at(rd, map->filename, true,
						    &fr->path)))
				return err;
			if (map && (err = pprof_string_at(rd, map->build_id, true,
						    &fr->build_id)))
				return err;
			fr->resolved = fr->name && fr->name[0];
			if (!fr->resolved) {
				free(fr->name);
				fr->name = pprof_strdup(rd, "[unknown]");
			}
			fr->module = pprof_strdup(rd, fr->path ?
						  path_basename(fr->path) :
						  "[unknown]");
			if (!fr->name || !fr->module)
				return -ENOMEM;
			fr->line = loc->n_lines ? (int)loc->lines[j].line : 0;
			/* all but the last line are inlined into the next */
			fr->inlined = j + 1 < lines;
			fr->start_line = fn ? (int)fn->start_line : 0;
			fr->addr = loc->address;
			fr->addr_offset = map && map->offset ?
					  pprof_location_offset(loc, map) : 0;
			fr->cls = !strncmp(fr->name, "runtime.", 8) ?
				  CLASS_RUNTIME :
				  classify_mapping(file && file->len ?
						   fr->path : NULL, NULL);
			fr->cls = classify_source(fr->cls, fr->file, fr->name,
						  NULL);
		}
	}
	return 0;
}

static int note_foreign(struct profile *out, const struct value_choice *c)
{
	char *line;
	int n;

	out->notes = calloc(2, sizeof(*out->notes));
	if (!out->notes)
		return -ENOMEM;
	if (c->whyslow)
		n = asprintf(&line, "read from a whyslow profile another tool "
			     "re-encoded (go tool pprof -proto): waits from its "
			     "values and reason labels; frame classes, tasks, "
			     "I/O and data quality were not kept");
	else
		n = asprintf(&line, "read from a pprof profile of another "
			     "tool: the %s values are shown as on-CPU %s; "
			     "waits, labels whyslow does not know and data "
			     "quality were not recorded", c->name, c->is_ns ?
			     "time" : "samples (one period each)");
	if (n < 0)
		return -ENOMEM;
	out->notes[0] = line;
	out->n_notes = 1;
	return 0;
}

/* Threads and processes of the samples' pid/tid labels (0 when none). */
static int foreign_task(struct reader *rd, struct intern *in, void **arr,
			size_t *cap, const void *key, uint32_t len,
			size_t elem, int *added)
{
	int64_t i = intern_bytes(in, key, len, added);

	/* the intern's own tables: about 40 bytes an item */
	if (i < 0 || (*added && pprof_charge(rd, 40, 1)) ||
	    pprof_reserve(rd, arr, cap, i, elem))
		return rd->failed ? -EINVAL : -ENOMEM;
	return i;
}

/* Threads and processes of the samples' pid/tid labels (0 when none),
 * found through an intern: samples of other tools can be many. */
static int foreign_tasks(struct reader *rd, struct profile *out,
			 const uint64_t *threads)
{
	struct intern th, pr;
	size_t i, cap_th = 0, cap_pr = 0;
	int j, k, added, err = 0;

	intern_init(&th);
	intern_init(&pr);
	for (i = 0; i < out->n_stacks && !err; i++) {
		const struct stack_sample *st = &out->stacks[i];
		uint32_t key[2] = { st->pid, st->tid };

		j = foreign_task(rd, &th, (void **)&out->threads, &cap_th, key,
				 sizeof(key), sizeof(*out->threads), &added);
		if ((err = j < 0 ? j : 0))
			break;
		if (added) {
			out->threads[j].pid = st->pid;
			out->threads[j].tid = st->tid;
			if (threads[i])
				pprof_string_copy(rd, threads[i],
						  out->threads[j].comm,
						  sizeof(out->threads[j].comm));
			out->n_threads++;
		}
		k = foreign_task(rd, &pr, (void **)&out->procs, &cap_pr, key,
				 sizeof(key[0]), sizeof(*out->procs), &added);
		if ((err = k < 0 ? k : 0) || !added)
			continue;
		out->procs[k].pid = st->pid;
		memcpy(out->procs[k].comm, out->threads[j].comm,
		       sizeof(out->procs[k].comm));
		out->n_procs++;
	}
	intern_free(&th);
	intern_free(&pr);
	return err;
}

/* The syscalls whyslow names, once: a label is looked up among them. */
static void list_syscalls(struct value_choice *c)
{
	int nr;

	for (nr = 0; nr < MAX_SYSCALL_NR && c->n_syscalls < MAX_SYSCALLS; nr++)
		if (wait_syscall_name(nr)) {
			c->syscalls[c->n_syscalls].nr = nr;
			c->syscalls[c->n_syscalls++].name =
				wait_syscall_name(nr);
		}
}

/* A sample of whyslow's layout: a wait by its reason label, with the
 * values whyslow gives waits. */
static int ws_layout_stack(struct reader *rd, const struct sample_rec *s,
			   const struct value_choice *c,
			   struct stack_sample *st)
{
	size_t i;
	int r;

	for (r = WAIT_NONE + 1; s->reason && r < WAIT__COUNT; r++)
		if (pprof_string_is(rd, s->reason, wait_reason_name(r)))
			break;
	st->reason = s->reason && r < WAIT__COUNT ? r : WAIT_NONE;
	st->count = s->vals[st->reason ? VAL_WAITS : VAL_SAMPLES];
	st->ns = s->vals[st->reason ? VAL_OFFCPU : VAL_CPU];
	for (i = 0; s->syscall && i < c->n_syscalls; i++)
		if (pprof_string_is(rd, s->syscall, c->syscalls[i].name)) {
			st->syscall = c->syscalls[i].nr;
			break;
		}
	return s->target ? pprof_string_at(rd, s->target, true, &st->target) :
	       0;
}

static int foreign_stack(struct reader *rd, const struct tables *t,
			 const struct sample_rec *s,
			 const struct value_choice *c, uint64_t period,
			 struct profile *out)
{
	struct stack_sample *st = &out->stacks[out->n_stacks];
	const struct location_rec *loc;
	size_t i, n = 0, j;
	uint32_t *frames;

	if (s->n_vals != c->n_types)
		return pprof_fail(rd,
				"not a valid pprof profile: a sample has %zu "
				"values for %zu sample types", s->n_vals,
				c->n_types);
	for (i = 0; i < s->n_locs; i++) {
		loc = pprof_find_id(t->locs, t->n_locs, sizeof(*loc),
				    s->locs[i]);
		if (!loc)
			return pprof_fail(rd,
					"not a valid pprof profile: a sample "
					"refers to location %llu, which does not "
					"exist", (unsigned long long)s->locs[i]);
		n += loc->n_lines ? loc->n_lines : 1;
	}
	frames = pprof_stack_frames(rd, n);
	if (!frames)
		return -ENOMEM;
	st->frames = frames;
	out->n_stacks++;
	/* sample locations innermost first; a location's lines too */
	for (i = s->n_locs; i-- > 0;) {
		size_t lines;

		loc = pprof_find_id(t->locs, t->n_locs, sizeof(*loc),
				    s->locs[i]);
		lines = loc->n_lines ? loc->n_lines : 1;
		for (j = lines; j-- > 0;)
			*frames++ = loc->first_frame + j;
	}
	st->n_frames = n;
	st->pid = s->pid;
	st->tid = s->tid;
	st->syscall = -1;
	st->truncated = s->truncated;
	if (c->whyslow)
		return ws_layout_stack(rd, s, c, st);
	if (c->is_ns) {
		st->ns = s->vals[c->time];
		st->count = c->count >= 0 ? s->vals[c->count] :
			    (period ? st->ns / period : 1);
	} else {
		st->count = s->vals[c->time];
		if (st->count > MAX_SAMPLE_VALUE / period)
			return pprof_fail(rd,
					"unsupported pprof profile: a sample "
					"stands for over 2^50 ns");
		st->ns = st->count * period;
	}
	return 0;
}

int pprof_foreign_read(struct reader *rd, struct tables *t,
		       struct profile *out)
{
	struct value_choice c;
	struct sample_rec s = { 0 };
	uint64_t *threads = NULL, v[2], period;
	size_t n = rd->top.n[PROFILE_SAMPLE], i;
	int err;

	if ((err = choose_value(rd, &c)) || (err = foreign_frames(rd, t, out)))
		return err;
	c.n_syscalls = 0;
	if (c.whyslow)
		list_syscalls(&c);
	/* the period counts in nanoseconds only when its type is time */
	period = rd->top.scalar[PROFILE_PERIOD];
	if (rd->top.n[PROFILE_PERIOD_TYPE] &&
	    !pprof_read_small(rd, &rd->top.of[PROFILE_PERIOD_TYPE]
				[rd->top.n[PROFILE_PERIOD_TYPE] - 1], v, 2, "") &&
	    !pprof_string_is(rd, v[1], "nanoseconds"))
		period = 0;
	if (!period || period > 60 * 1000000000ull)
		period = 10000000;	/* 100 Hz, Go's default */
	out->stacks = pprof_calloc(rd, n + 1, sizeof(*out->stacks));
	threads = pprof_calloc(rd, n + 1, sizeof(*threads));
	if (!out->stacks || !threads) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !err; i++) {
		err = pprof_sample_read(rd, &rd->top.of[PROFILE_SAMPLE][i], &s);
		threads[i] = s.thread;
		if (!err)
			err = foreign_stack(rd, t, &s, &c, period, out);
		if (!err && out->stacks[i].reason) {
			out->quality.offcpu = true;
		} else if (!err) {
			out->samples += out->stacks[i].count;
			out->cpu_user_ns += out->stacks[i].ns;
		}
	}
	if (!err)
		err = foreign_tasks(rd, out, threads);
	if (!err)
		err = note_foreign(out, &c);
	out->period_ns = period;
	out->frequency_hz = 1000000000ull / period;
	out->wall_ns = rd->top.scalar[PROFILE_DURATION_NANOS] ?:
		       out->cpu_user_ns;
	out->time_ns = rd->top.scalar[PROFILE_TIME_NANOS];
	out->foreign = true;
	/* whyslow's comment is the command */
	if (!err && c.whyslow && rd->top.scalar[PROFILE_COMMENT])
		err = pprof_string_at(rd, rd->top.scalar[PROFILE_COMMENT], true,
				      &out->command);
	if (!err && !out->command)
		out->command = strdup("(a pprof profile)");
	if (!err && !out->command)
		err = -ENOMEM;
out:
	free(s.locs);
	free(threads);
	return err;
}
