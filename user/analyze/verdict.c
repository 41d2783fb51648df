// SPDX-License-Identifier: GPL-2.0
/*
 * What the verdict names (aggregate.h): the function where most of the
 * critical path's time went, and, when that is a library's or runtime's
 * (std::sort's partition, memcpy), the application function it was
 * called from, for that one is what a reader can change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/procs.h"
#include "analyze/unnamed.h"

/* CPython's own C code (the interpreter or libpython), which shows under
 * the Python function that ran it (record/pynative.h). */
static bool python_runtime(const struct func_stat *fs)
{
	return fs->cls == CLASS_RUNTIME && cpython_file_name(fs->module);
}

/*
 * The kernel switching a thread back in: samples due while it switched
 * with interrupts off land here as it turns them on (a virtual machine's
 * cpu-clock), under whatever syscall blocked.  What it stands for is the
 * waits, which the verdict names; as code it is nothing to change.
 */
static bool switch_in(const struct func_stat *fs)
{
	static const char *const names[] = {
		"finish_task_switch", "__schedule", "schedule",
	};

	return fs->cls == CLASS_KERNEL &&
	       name_in(fs->name, names, ARRAY_SIZE(names));
}

size_t aggregate_top_function(const struct aggregate *agg)
{
	size_t i;

	for (i = 0; i < agg->n_funcs; i++)
		if (!switch_in(&agg->funcs[i]))
			return i;
	return 0;
}

uint64_t aggregate_path_work_ns(const struct aggregate *agg,
				const struct profile_critical *c)
{
	uint64_t aside = agg->cp.ns[WAIT_CPU] + agg->cp_idle.offcpu_ns;

	return c->ns > aside ? c->ns - aside : c->ns;
}

/* Whether running leads the path's waits (waits for a CPU aside, the
 * machine's load, and a server's waits for new connections, its idle
 * time): then the work is what the verdict is about. */
static bool path_mostly_running(const struct aggregate *agg)
{
	size_t r;

	for (r = WAIT_NONE + 1; r < WAIT__COUNT; r++)
		if (r != WAIT_CPU &&
		    agg->cp.ns[r] - agg->cp_idle.ns[r] > agg->cp.ns[WAIT_NONE])
			return false;
	return true;
}

bool aggregate_path_idle(const struct aggregate *agg)
{
	return agg->cp_idle.offcpu_ns * 2 >=
	       agg->cp.ns[WAIT_NONE] + agg->cp.offcpu_ns;
}

uint64_t aggregate_verdict_own_ns(const struct aggregate *agg,
				  const struct func_stat *fs)
{
	return path_mostly_running(agg) || aggregate_path_idle(agg) ?
	       fs->own_cp_cpu_ns : fs->own_cp_ns;
}

/* The larger of a and b by own, a when b is NULL. */
static const struct func_stat *more_own(const struct aggregate *agg,
					const struct func_stat *a,
					const struct func_stat *b)
{
	if (!a || !b)
		return a ? a : b;
	return aggregate_verdict_own_ns(agg, b) >
	       aggregate_verdict_own_ns(agg, a) ? b : a;
}

bool aggregate_unnamed_function(const struct func_stat *fs)
{
	return fs->name[0] == '[' && strstr(fs->name, "+0x");
}

/* In the program that does the work when one of its functions has a fair
 * share of it; not CPython's int arithmetic or dict lookups when the
 * Python code that ran them has a fair share of its own (the code, not
 * the kernel's page clearing under an interpreter whyslow cannot walk:
 * the page faults have their clause).  By own time
 * running when running leads the path (sl.py's <module> sleeps, `work`
 * runs), else by own time with its waits. */
const struct func_stat *aggregate_path_function(const struct aggregate *agg,
						const struct profile_critical *c)
{
	const struct func_stat *any = NULL, *py = NULL, *in_main = NULL;
	const struct func_stat *user = NULL;
	uint64_t work = aggregate_path_work_ns(agg, c), own;
	size_t i;

	for (i = 0; i < agg->n_by_cp; i++) {
		const struct func_stat *fs = &agg->funcs[agg->by_cp[i]];

		if (profile_name_unsampled(fs->name) || switch_in(fs))
			continue;	/* no code, or none to change */
		own = aggregate_verdict_own_ns(agg, fs);
		if (!own)
			continue;
		any = more_own(agg, any, fs);
		if (fs->cls != CLASS_KERNEL)
			user = more_own(agg, user, fs);
		if (python_runtime(fs))
			continue;
		if (c->n_programs && fs->module &&
		    !strcmp(fs->module, c->programs[0].name) &&
		    own * 10 >= work)
			in_main = more_own(agg, in_main, fs);
		if (own * 20 >= work && fs->cls != CLASS_KERNEL)
			py = more_own(agg, py, fs);
	}
	/* a stripped program's "[git+0x2ab160]" tells less than the library
	 * code it called that ran longer (zlib inflating git's objects); the
	 * kernel's, the verdict's system calls and page faults say */
	if (in_main && (!aggregate_unnamed_function(in_main) ||
			more_own(agg, in_main, user) == in_main))
		return in_main;
	return py && (!any || python_runtime(any)) ? py : any;
}

bool aggregate_entry_function(const char *name)
{
	static const char *const entries[] = {
		"_start", "__libc_start_main", "__libc_start_call_main",
		"main", "<module>", "_run_module_as_main", "_run_code",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(entries); i++)
		if (!strcmp(name, entries[i]))
			return true;
	return profile_name_unsampled(name);
}

/* The program's own or Python code: what a server's reader wrote or
 * reads (a standard library handler), not the interpreter's C. */
static bool readable_code(const struct func_stat *fs)
{
	return fs->cls == CLASS_APP ||
	       (fs->file && str_ends_with(fs->file, ".py"));
}

/* The innermost such function half the on-CPU samples run under (a
 * handler: do_GET; of two as deep, the one with samples of its own), NULL
 * when none. */
static const struct func_stat *cpu_under(const struct aggregate *agg)
{
	const struct func_stat *best = NULL;
	size_t i;

	for (i = 0; i < agg->n_funcs; i++) {
		const struct func_stat *fs = &agg->funcs[i];

		if (fs->total * 2 < agg->samples || !readable_code(fs) ||
		    aggregate_entry_function(fs->name))
			continue;
		if (!best || fs->total < best->total ||
		    (fs->total == best->total && fs->self > best->self))
			best = fs;
	}
	return best;
}

const struct func_stat *aggregate_idle_function(const struct aggregate *agg,
						bool *under)
{
	const struct func_stat *fs = cpu_under(agg);

	*under = fs != NULL;
	if (fs || !agg->samples || !agg->n_funcs)
		return fs;
	return &agg->funcs[aggregate_top_function(agg)];
}

const struct func_stat *aggregate_verdict_function(const struct profile *p,
						   const struct aggregate *agg)
{
	const struct time_split *t = &agg->time;
	bool under;

	if (agg->cp_known && aggregate_path_idle(agg))
		return aggregate_idle_function(agg, &under);
	if (agg->cp_known)
		return aggregate_path_function(agg, &p->critical);
	if (t->offcpu_ns > t->ns[WAIT_NONE] || !agg->samples || !agg->n_funcs)
		return NULL;
	return &agg->funcs[aggregate_top_function(agg)];
}

/*
 * Where stack s keeps its own time, as aggregate.c counts it: an on-CPU
 * stack at its leaf, a wait (but for a CPU) at its display frame.  Its
 * position in s->frames, or -1; *weight gets the time it stands for.
 */
static int64_t own_position(const struct profile *p, const struct aggregate *agg,
			    const struct stack_sample *s, uint64_t *weight)
{
	int64_t frame;
	uint32_t i;

	*weight = stack_path_ns(agg, s);
	if (!s->n_frames || !s->frames)
		return -1;
	if (stack_on_cpu(s))
		return s->n_frames - 1;
	if (s->reason == WAIT_CPU)
		return -1;
	frame = display_frame(p, s->frames, s->n_frames);
	for (i = s->n_frames; frame >= 0 && i--;)
		if (s->frames[i] == frame)
			return i;
	return -1;
}

/* fs's index, when its callers mean something: a library's or runtime's
 * function of agg (an application function is what the reader changes);
 * AGG_NO_FUNC else. */
static uint32_t caller_target(const struct aggregate *agg,
			      const struct func_stat *fs)
{
	if (!fs || fs->cls == CLASS_APP || !agg->frame_func ||
	    fs < agg->funcs || fs >= agg->funcs + agg->n_funcs)
		return AGG_NO_FUNC;
	return fs - agg->funcs;
}

/* own_position when s holds function target's own time, else -1. */
static int64_t own_position_of(const struct profile *p,
			       const struct aggregate *agg,
			       const struct stack_sample *s, uint32_t target,
			       uint64_t *weight)
{
	int64_t own = own_position(p, agg, s, weight);

	if (own < 0 || !*weight || s->frames[own] >= p->n_frames ||
	    agg->frame_func[s->frames[own]] != target)
		return -1;
	return own;
}

/*
 * The innermost application frame above position own of s; with none,
 * and python set, the innermost Python frame (a standard library's: the
 * program is one, `python -m compileall`) but importlib's frozen
 * trampolines, which ran the interpreter's code at own; -1 none.
 */
static int64_t app_above(const struct profile *p, const struct stack_sample *s,
			 int64_t own, bool python)
{
	int64_t app = profile_app_leaf(p, s->frames, own);

	while (app < 0 && python && own-- > 0)
		if (s->frames[own] < p->n_frames &&
		    frame_python_code(&p->frames[s->frames[own]]))
			return s->frames[own];
	return app;
}

/* The function of most weight, and its frame of most weight in it. */
static void pick_caller(const struct aggregate *agg, const uint64_t *by_func,
			const uint64_t *by_frame, size_t n_frames,
			struct app_caller *out)
{
	uint32_t best = AGG_NO_FUNC, f;
	size_t i;

	for (f = 0; f < agg->n_funcs; f++)
		if (by_func[f] && (best == AGG_NO_FUNC ||
				   by_func[f] > by_func[best]))
			best = f;
	if (best == AGG_NO_FUNC)
		return;
	out->func = &agg->funcs[best];
	out->ns = by_func[best];
	for (i = 0; i < n_frames; i++)
		if (agg->frame_func[i] == best && by_frame[i] &&
		    (out->frame < 0 || by_frame[i] > by_frame[out->frame]))
			out->frame = i;
}

/* Where fs's time went, for aggregate_app_caller. */
struct caller_weights {
	uint64_t own;		/* all of it */
	uint64_t with_app;	/* under an application frame */
	uint64_t loading;	/* as a process started */
	uint64_t loading_top;	/* the stack of most weight of those */
};

int aggregate_app_caller(const struct profile *p, const struct aggregate *agg,
			 const struct func_stat *fs, struct app_caller *out)
{
	uint64_t *by_func, *by_frame, weight;
	struct caller_weights w = { 0 };
	const struct stack_sample *s;
	int64_t own, app;
	uint32_t target;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->frame = -1;
	out->loading_pid = -1;
	target = caller_target(agg, fs);
	if (target == AGG_NO_FUNC)
		return 0;
	by_func = aggregate_alloc_array(agg->n_funcs, sizeof(*by_func));
	by_frame = aggregate_alloc_array(p->n_frames, sizeof(*by_frame));
	if (!by_func || !by_frame) {
		free(by_func);
		free(by_frame);
		return -ENOMEM;
	}
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		own = own_position_of(p, agg, s, target, &weight);
		if (own < 0)
			continue;
		w.own += weight;
		if (procs_stack_loading(p, s)) {
			w.loading += weight;
			if (weight > w.loading_top) {
				w.loading_top = weight;
				out->loading_pid = s->pid;
			}
			continue;
		}
		app = app_above(p, s, own, python_runtime(fs));
		if (app < 0 || agg->frame_func[app] == AGG_NO_FUNC)
			continue;
		w.with_app += weight;
		by_func[agg->frame_func[app]] += weight;
		by_frame[app] += weight;
	}
	if (w.loading * 2 < w.own)
		out->loading_pid = -1;
	if (out->loading_pid < 0 && w.with_app * 2 >= w.own)
		pick_caller(agg, by_func, by_frame, p->n_frames, out);
	/* a caller of a sliver is chance: a garbage collection runs at
	 * whichever allocation crosses its threshold (pytest's, 8% of its
	 * time under one import of all) */
	if (out->func && out->ns * 4 < w.own) {
		out->func = NULL;
		out->frame = -1;
		out->ns = 0;
	}
	free(by_func);
	free(by_frame);
	return 0;
}

/* OpenMP's runtime: it runs the parallel regions a function of the
 * calling binary outlined (GOMP_parallel -> MorphologyApply._omp_fn.0). */
static bool openmp_runtime(const char *module)
{
	return module && (!strncmp(module, "libgomp.so", 10) ||
			  !strncmp(module, "libomp.so", 9) ||
			  !strncmp(module, "libiomp5.so", 11));
}

/*
 * The innermost named frame above position own of s, in the same binary
 * as the stripped code there: the exported function (zlib's inflate) its
 * unnamed code (the static inflate_fast) runs under, OpenMP's runtime
 * passed (ImageMagick's MorphologyApply, its parallel loop's code under
 * GOMP_parallel); -1 when none, or when another binary's frame comes
 * first (a callback).
 */
static int64_t named_entry_above(const struct profile *p,
				 const struct stack_sample *s, int64_t own)
{
	const struct frame *code = &p->frames[s->frames[own]], *f;

	if (!unnamed_frame_stripped(code))
		return -1;
	while (own-- > 0) {
		if (s->frames[own] >= p->n_frames)
			return -1;
		f = &p->frames[s->frames[own]];
		if (openmp_runtime(f->module))
			continue;
		if (!f->module || strcmp(f->module, code->module))
			return -1;
		if (f->resolved)
			return s->frames[own];
	}
	return -1;
}

/* The named entry above position at of s gets weight, in by_func. */
static void count_entry(const struct profile *p, const struct aggregate *agg,
			const struct stack_sample *s, int64_t at,
			uint64_t weight, uint64_t *by_func)
{
	int64_t entry = named_entry_above(p, s, at);

	if (entry >= 0 && agg->frame_func[entry] != AGG_NO_FUNC)
		by_func[agg->frame_func[entry]] += weight;
}

/* The entry with at least half of all, the most of such. */
static void pick_entry(const struct aggregate *agg, const uint64_t *by_func,
		       uint64_t all, struct func_time *out)
{
	uint32_t f;

	for (f = 0; f < agg->n_funcs; f++)
		if (by_func[f] * 2 >= all && by_func[f] > out->ns) {
			out->func = &agg->funcs[f];
			out->ns = by_func[f];
		}
}

int aggregate_stripped_entry(const struct profile *p,
			     const struct aggregate *agg,
			     const struct func_stat *fs,
			     struct func_time *out)
{
	uint64_t *by_func, weight, own_ns = 0;
	const struct stack_sample *s;
	uint32_t target;
	int64_t own;
	size_t i;

	memset(out, 0, sizeof(*out));
	target = caller_target(agg, fs);
	if (target == AGG_NO_FUNC)
		return 0;
	by_func = aggregate_alloc_array(agg->n_funcs, sizeof(*by_func));
	if (!by_func)
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		own = own_position_of(p, agg, s, target, &weight);
		if (own < 0)
			continue;
		own_ns += weight;
		count_entry(p, agg, s, own, weight, by_func);
	}
	pick_entry(agg, by_func, own_ns, out);
	free(by_func);
	return 0;
}

int aggregate_frame_entry(const struct profile *p,
			  const struct aggregate *agg, int64_t frame,
			  struct func_time *out)
{
	uint64_t *by_func, all = 0;
	const struct stack_sample *s;
	uint32_t k;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (frame < 0 || (size_t)frame >= p->n_frames ||
	    !unnamed_frame_stripped(&p->frames[frame]))
		return 0;
	by_func = aggregate_alloc_array(agg->n_funcs, sizeof(*by_func));
	if (!by_func)
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		for (k = 0; k < s->n_frames && s->frames[k] != frame; k++)
			;
		if (k == s->n_frames)
			continue;
		all += s->ns;
		count_entry(p, agg, s, k, s->ns, by_func);
	}
	pick_entry(agg, by_func, all, out);
	free(by_func);
	return 0;
}

/* Functions with own time on the path looked at for a group, at most,
 * and groups kept. */
#define GROUP_SCAN	32

int aggregate_stripped_group(const struct profile *p,
			     const struct aggregate *agg,
			     const struct func_stat *fs,
			     struct func_time *out, uint32_t *members)
{
	const struct func_stat *key[GROUP_SCAN];
	uint64_t sum[GROUP_SCAN];
	uint32_t count[GROUP_SCAN];
	size_t n = 0, i, k, best = GROUP_SCAN;
	struct func_time e;
	int err;

	memset(out, 0, sizeof(*out));
	*members = 0;
	if (!aggregate_unnamed_function(fs))
		return 0;
	for (i = 0; i < agg->n_by_cp && i < GROUP_SCAN; i++) {
		const struct func_stat *g = &agg->funcs[agg->by_cp[i]];

		if (!aggregate_unnamed_function(g))
			continue;
		err = aggregate_stripped_entry(p, agg, g, &e);
		if (err)
			return err;
		if (!e.func)
			continue;
		for (k = 0; k < n && key[k] != e.func; k++)
			;
		if (k == n) {
			key[n] = e.func;
			sum[n] = aggregate_verdict_own_ns(agg, e.func);
			count[n++] = 0;
		}
		sum[k] += aggregate_verdict_own_ns(agg, g);
		count[k]++;
	}
	for (k = 0; k < n; k++)
		if (count[k] >= 2 && (best == GROUP_SCAN || sum[k] > sum[best]))
			best = k;
	if (best == GROUP_SCAN ||
	    sum[best] * 4 <= aggregate_verdict_own_ns(agg, fs) * 5)
		return 0;
	out->func = key[best];
	out->ns = sum[best];
	*members = count[best];
	return 0;
}

/* Distinct system calls a kernel split tells apart; more count in its
 * syscall_ns only (x86-64 has some 360). */
#define KERNEL_SPLIT_MAX	512

/* A system call's entry in the kernel: "__x64_sys_openat" -> "openat";
 * NULL for another function. */
static const char *syscall_name(const char *name)
{
	static const char *const prefixes[] = {
		"__x64_sys_", "__ia32_sys_", "__se_sys_", "__do_sys_",
		"ksys_",	/* read, write, pread64: the x64 entry inlined */
	};
	size_t i, len;

	for (i = 0; name && i < ARRAY_SIZE(prefixes); i++) {
		len = strlen(prefixes[i]);
		if (!strncmp(name, prefixes[i], len) && name[len])
			return name + len;
	}
	return NULL;
}

/* What kernel code s ran in: a system call's name, else page fault (set)
 * or neither (an interrupt, the scheduler). */
static const char *kernel_context(const struct profile *p,
				  const struct stack_sample *s, bool *fault)
{
	const struct frame *f;
	const char *name;
	uint32_t i;

	*fault = false;
	for (i = 0; i < s->n_frames; i++) {
		if (s->frames[i] >= p->n_frames)
			continue;
		f = &p->frames[s->frames[i]];
		if (f->cls != CLASS_KERNEL)
			continue;
		name = syscall_name(f->name);
		if (name)
			return name;
		if (f->name && !strcmp(f->name, "asm_exc_page_fault"))
			*fault = true;
	}
	return NULL;
}

/* The KERNEL_SPLIT_TOP of the n calls of most time into out. */
static void top_syscalls(struct kernel_split *out, const char **names,
			 const uint64_t *ns, size_t n)
{
	size_t i, k, best;
	bool taken[KERNEL_SPLIT_MAX] = { false };

	for (k = 0; k < KERNEL_SPLIT_TOP; k++) {
		best = n;
		for (i = 0; i < n; i++)
			if (!taken[i] && ns[i] &&
			    (best == n || ns[i] > ns[best]))
				best = i;
		if (best == n)
			break;
		taken[best] = true;
		out->syscalls[k].name = names[best];
		out->syscalls[k].ns = ns[best];
		out->n_syscalls = k + 1;
	}
}

/* Adds w to name's entry among the *n of names[] and ns[], a new one
 * while there are fewer than max: its index, or max when there was no
 * room. */
static size_t tally_name(const char **names, uint64_t *ns, size_t *n,
			 size_t max, const char *name, uint64_t w)
{
	size_t k;

	for (k = 0; k < *n && strcmp(names[k], name); k++)
		;
	if (k == *n) {
		if (*n == max)
			return max;
		names[k] = name;
		ns[k] = 0;
		(*n)++;
	}
	ns[k] += w;
	return k;
}

void aggregate_kernel_split(const struct profile *p,
			    const struct aggregate *agg,
			    struct kernel_split *out)
{
	const char *names[KERNEL_SPLIT_MAX], *name;
	uint64_t ns[KERNEL_SPLIT_MAX], w;
	const struct stack_sample *s;
	size_t i, n = 0;
	bool fault;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		w = stack_path_ns(agg, s);
		if (!stack_on_cpu(s) || !s->kernel_mode || !w)
			continue;
		out->ns += w;
		name = kernel_context(p, s, &fault);
		if (!name) {
			if (fault)
				out->page_fault_ns += w;
			continue;
		}
		out->syscall_ns += w;
		/* past KERNEL_SPLIT_MAX: counted in syscall_ns only */
		tally_name(names, ns, &n, KERNEL_SPLIT_MAX, name, w);
	}
	top_syscalls(out, names, ns, n);
}

/* Kernel contexts aggregate_kernel_context tells apart; more are left
 * out of its count (the half it needs is of all of fs's time). */
#define KERNEL_CONTEXT_MAX	16

const char *aggregate_kernel_context(const struct profile *p,
				     const struct aggregate *agg,
				     const struct func_stat *fs, bool *faults)
{
	static const char fault_name[] = "";	/* no syscall's name */
	const char *names[KERNEL_CONTEXT_MAX], *name;
	uint64_t ns[KERNEL_CONTEXT_MAX], w, all = 0;
	uint32_t target = fs - agg->funcs;
	const struct stack_sample *s;
	size_t i, k, n = 0, best = 0;
	bool fault;

	*faults = false;
	if (fs->cls != CLASS_KERNEL)
		return NULL;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		w = stack_path_ns(agg, s);
		if (!stack_on_cpu(s) || !w || !s->n_frames ||
		    agg->frame_func[s->frames[s->n_frames - 1]] != target)
			continue;
		all += w;
		name = kernel_context(p, s, &fault);
		if (!name && !fault)
			continue;
		k = tally_name(names, ns, &n, KERNEL_CONTEXT_MAX,
			       name ? name : fault_name, w);
		if (k < n && ns[k] > ns[best])
			best = k;
	}
	if (!n || ns[best] * 2 < all)
		return NULL;
	*faults = names[best] == fault_name;
	return *faults ? NULL : names[best];
}

int aggregate_top_callee(const struct profile *p, const struct aggregate *agg,
			 const struct func_stat *fs, struct func_time *out)
{
	uint32_t target = fs - agg->funcs, pos, leaf;
	const struct stack_sample *s;
	uint64_t *by, w;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (fs->cls != CLASS_APP)
		return 0;
	by = aggregate_alloc_array(agg->n_funcs, sizeof(*by));
	if (!by)
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		w = stack_path_ns(agg, s);
		if (!stack_on_cpu(s) || !w || !s->n_frames)
			continue;
		pos = stack_func_position(agg, s, target);
		leaf = agg->frame_func[s->frames[s->n_frames - 1]];
		if (pos == s->n_frames || leaf == AGG_NO_FUNC ||
		    leaf == target ||
		    frame_python_code(&p->frames[s->frames[pos]]) ||
		    (agg->funcs[leaf].cls != CLASS_LIBRARY &&
		     agg->funcs[leaf].cls != CLASS_RUNTIME))
			continue;
		by[leaf] += w;
		if (!out->func || by[leaf] > out->ns) {
			out->func = &agg->funcs[leaf];
			out->ns = by[leaf];
		}
	}
	free(by);
	return 0;
}

uint64_t aggregate_under_ns(const struct profile *p,
			    const struct aggregate *agg,
			    const struct func_stat *outer,
			    const struct func_stat *inner)
{
	uint32_t o = outer - agg->funcs, in = inner - agg->funcs, po, pi;
	const struct stack_sample *s;
	uint64_t ns = 0, w;
	size_t i;

	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		w = stack_path_ns(agg, s);
		if (!w)
			continue;
		po = stack_func_position(agg, s, o);
		pi = stack_func_position(agg, s, in);
		if (po < pi && pi < s->n_frames)
			ns += w;
	}
	return ns;
}
