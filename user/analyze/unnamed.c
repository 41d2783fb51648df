// SPDX-License-Identifier: GPL-2.0
/*
 * Code that ran without names (unnamed.h): which binary's, which JIT's.
 * A binary's counts on-CPU samples at their innermost user frame, where
 * the time went: a stripped caller of named code costs a name, not the
 * verdict.  A JIT's counts samples with its code anywhere on the stack.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/unnamed.h"
#include "lib/util.h"

/* Distinct stripped binaries counted; past that, the rest are left out. */
#define UNNAMED_MAX_MODULES	64

struct module_count {
	const char *module;
	const char *path;
	uint64_t samples;
};

bool unnamed_frame_stripped(const struct frame *f)
{
	return !f->resolved && f->cls != CLASS_KERNEL && f->path && f->module;
}

/* Whether s has a frame of anonymous code: JIT code calls into its
 * runtime's builtins, so its time is mostly its callees'. */
static bool has_anon(const struct profile *p, const struct stack_sample *s)
{
	uint32_t i;

	for (i = 0; i < s->n_frames; i++)
		if (s->frames[i] < p->n_frames &&
		    frame_anon(&p->frames[s->frames[i]]))
			return true;
	return false;
}

/* The innermost frame of s that is not the kernel's, NULL when none. */
static const struct frame *innermost_user(const struct profile *p,
					  const struct stack_sample *s)
{
	const struct frame *f;
	uint32_t i = s->n_frames;

	while (i--) {
		if (s->frames[i] >= p->n_frames)
			continue;
		f = &p->frames[s->frames[i]];
		if (f->cls != CLASS_KERNEL)
			return f;
	}
	return NULL;
}

static void count_module(struct module_count *mods, size_t *n,
			 const struct frame *f, uint64_t samples)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(mods[i].path, f->path))
			break;
	if (i == *n) {
		if (*n == UNNAMED_MAX_MODULES)
			return;
		mods[(*n)++] = (struct module_count){ f->module, f->path, 0 };
	}
	mods[i].samples += samples;
}

/* pid's index in agg->procs (a short list), or agg->n_procs. */
static size_t proc_index(const struct aggregate *agg, uint32_t pid)
{
	size_t i;

	for (i = 0; i < agg->n_procs && agg->procs[i].pid != pid; i++)
		;
	return i;
}

/* "python3.12" → 12; "python3" and others: -1, not known. */
static int python_minor(const char *name)
{
	const char *dot;

	if (strncmp(name, "python3.", 8))
		return -1;
	dot = name + 8;
	if (*dot < '0' || *dot > '9')
		return -1;
	return atoi(dot);
}

static enum unnamed_runtime runtime_of(const char *name)
{
	int minor;

	if (!strcmp(name, "node") || !strcmp(name, "nodejs"))
		return UNNAMED_RT_NODE;
	if (!strcmp(name, "java"))
		return UNNAMED_RT_JAVA;
	if (!strncmp(name, "python3", 7)) {
		minor = python_minor(name);
		/* -X perf came with 3.12 */
		return minor < 0 || minor >= 12 ? UNNAMED_RT_PYTHON :
						  UNNAMED_RT_NONE;
	}
	return UNNAMED_RT_NONE;
}

/* The process with most of by_proc's samples; NULL when none has any. */
static const struct proc_stat *busiest(const struct aggregate *agg,
				       const uint64_t *by_proc)
{
	const struct proc_stat *best = NULL;
	size_t i;

	for (i = 0; i < agg->n_procs; i++)
		if (by_proc[i] && (!best ||
				   by_proc[i] > by_proc[best - agg->procs]))
			best = &agg->procs[i];
	return best;
}

static const char *exe_name(const struct proc_stat *ps)
{
	return ps->exe ? path_basename(ps->exe) : ps->comm;
}

/* Stack s starts in code a perf map named: what called it is lost. */
static bool jit_rooted(const struct profile *p, const struct stack_sample *s)
{
	const struct frame *f;

	if (!s->n_frames || s->frames[0] >= p->n_frames)
		return false;
	f = &p->frames[s->frames[0]];
	return f->module && !strcmp(f->module, "[jit]");
}

/* Stack s runs JavaScript in V8's interpreter, whose frames are all its
 * trampoline's unless node copies it per function. */
static bool js_interpreted(const struct profile *p,
			   const struct stack_sample *s)
{
	uint32_t i;

	for (i = 0; i < s->n_frames; i++)
		if (s->frames[i] < p->n_frames &&
		    !strcmp(p->frames[s->frames[i]].name,
			    "Builtins_InterpreterEntryTrampoline"))
			return true;
	return false;
}

/* Stack s, of a process of runtime rt, whose perf map leaves it
 * incomplete. */
static bool jit_gap(const struct profile *p, enum unnamed_runtime rt,
		    const struct stack_sample *s)
{
	switch (rt) {
	case UNNAMED_RT_JAVA:
		return jit_rooted(p, s);
	case UNNAMED_RT_NODE:
		return js_interpreted(p, s);
	default:
		return false;
	}
}

static void pick_anon(const struct aggregate *agg,
		      const uint64_t *by_proc, struct unnamed_code *out)
{
	const struct proc_stat *best = busiest(agg, by_proc);
	const char *exe;

	if (!best)
		return;
	exe = exe_name(best);
	/* Only a JIT runtime's anonymous code is JIT code: elsewhere
	 * "[unknown]" is mostly a return address the unwinder could not
	 * place (cp, make, dash), and no flag would name it. */
	out->runtime = runtime_of(exe);
	if (out->runtime == UNNAMED_RT_NONE) {
		out->anon_samples = 0;
		return;
	}
	out->anon_samples = by_proc[best - agg->procs];
	out->anon_pid = best->pid;
	out->anon_program = exe;
}

int unnamed_code_find(const struct profile *p, const struct aggregate *agg,
		      struct unnamed_code *out)
{
	struct module_count *mods;
	const struct stack_sample *s;
	const struct proc_stat *jit;
	enum unnamed_runtime *rts;
	const struct frame *f;
	uint64_t *by_proc, *gaps;
	size_t i, j, n = 0;
	bool anon;

	memset(out, 0, sizeof(*out));
	mods = calloc(UNNAMED_MAX_MODULES, sizeof(*mods));
	by_proc = aggregate_alloc_array(agg->n_procs, sizeof(*by_proc));
	gaps = aggregate_alloc_array(agg->n_procs, sizeof(*gaps));
	rts = aggregate_alloc_array(agg->n_procs, sizeof(*rts));
	if (!mods || !by_proc || !gaps || !rts) {
		free(mods);
		free(by_proc);
		free(gaps);
		free(rts);
		return -ENOMEM;
	}
	for (i = 0; i < agg->n_procs; i++)
		rts[i] = runtime_of(exe_name(&agg->procs[i]));
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		if (!stack_on_cpu(s))
			continue;
		f = innermost_user(p, s);
		if (f && unnamed_frame_stripped(f))
			count_module(mods, &n, f, s->count);
		anon = has_anon(p, s);
		out->anon_samples += anon ? s->count : 0;
		j = proc_index(agg, s->pid);
		if (j == agg->n_procs)
			continue;
		by_proc[j] += anon ? s->count : 0;
		gaps[j] += jit_gap(p, rts[j], s) ? s->count : 0;
	}
	for (i = 0; i < n; i++)
		if (mods[i].samples > out->samples) {
			out->module = mods[i].module;
			out->path = mods[i].path;
			out->samples = mods[i].samples;
		}
	pick_anon(agg, by_proc, out);
	for (i = 0; i < p->n_frames; i++)
		if (p->frames[i].module &&
		    !strcmp(p->frames[i].module, "[jit]"))
			out->perf_map = true;
	jit = busiest(agg, gaps);
	if (jit) {
		out->jit_gap = gaps[jit - agg->procs];
		out->jit_gap_rt = rts[jit - agg->procs];
	}
	free(mods);
	free(by_proc);
	free(gaps);
	free(rts);
	return 0;
}
