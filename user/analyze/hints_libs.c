// SPDX-License-Identifier: GPL-2.0
/*
 * The hot_library_function rule: the library functions with most on-CPU
 * time that the application calls directly, the line that calls them and
 * what would change their cost (fewer calls, fewer queries, or, when it
 * is the program's job, nothing but the library's own speed); none for a
 * function another hint tells (a compressor's, BLAS's, the runs the
 * spawns hint counts) or whose time is another's (a pool running the
 * application's code, syncs).  See hints.c for what a rule does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"
#include "analyze/procs.h"

/* Scratch of the search for the app code that calls a function. */
struct callers {
	uint64_t *by_frame;	/* samples, by the calling frame */
	uint64_t *by_func;	/* samples, by its function */
	size_t *frame_stamp;	/* 1 + index of the last stack counted */
	size_t *func_stamp;
};

/*
 * Library code the profile can name: a function of a Python module, or a
 * named function of a shared library; not the interpreter's internals.
 */
static bool library_frame(const struct frame *f)
{
	size_t len = f->file ? strlen(f->file) : 0;

	if (f->cls != CLASS_LIBRARY && f->cls != CLASS_RUNTIME)
		return false;
	if (len >= 3 && !strcmp(f->file + len - 3, ".py"))
		return true;
	return f->cls == CLASS_LIBRARY && f->resolved;
}

/* Native code between Python and a library: CPython's own, or an
 * extension module's (_hashlib.cpython-311-x86_64-linux-gnu.so's
 * EVP_digest between digest() and libcrypto's EVP_DigestFinal). */
static bool python_glue(const struct frame *f)
{
	const char *m = f->module;

	return f->cls != CLASS_KERNEL && m &&
	       (cpython_file_name(m) || strstr(m, ".cpython-") ||
		strstr(m, ".abi3.so"));
}

/*
 * The app frame that calls frame k of s, directly or through frames no
 * symbol named (an extension module's glue: _sqlite3 between query and
 * sqlite3_step) or Python's glue; for a native library's function in a
 * stack with no app frame at all (python -m zipfile), the Python frame
 * that does (ZipFile.write for zlib's deflate): the standard library is
 * then the program; -1 none.
 */
static int64_t app_caller(const struct profile *p,
			  const struct stack_sample *s, uint32_t k)
{
	bool native = !frame_python_code(&p->frames[s->frames[k]]);
	const struct frame *f;
	uint32_t j;

	while (k-- > 0) {
		f = &p->frames[s->frames[k]];
		if (f->cls == CLASS_APP)
			return s->frames[k];
		if (f->cls == CLASS_KERNEL)
			return -1;
		if (f->resolved && !python_glue(f))
			break;
	}
	if (!native || k == UINT32_MAX ||
	    !frame_python_code(&p->frames[s->frames[k]]))
		return -1;
	for (j = 0; j < k; j++)
		if (p->frames[s->frames[j]].cls == CLASS_APP)
			return -1;
	return s->frames[k];
}

/* Samples of on-CPU stack idx where app code calls func directly. */
static void count_callers(const struct hint_list *h, size_t idx, uint32_t func,
			  struct callers *c)
{
	const struct stack_sample *s = &h->p->stacks[idx];
	const uint32_t *frame_func = h->agg->frame_func;
	uint32_t k, cf;
	int64_t caller;

	for (k = 1; k < s->n_frames; k++) {
		if (frame_func[s->frames[k]] != func)
			continue;
		caller = app_caller(h->p, s, k);
		if (caller < 0)
			continue;
		/* Once per stack, even under recursion. */
		if (c->frame_stamp[caller] != idx + 1) {
			c->frame_stamp[caller] = idx + 1;
			c->by_frame[caller] += s->count;
		}
		cf = frame_func[caller];
		if (cf != AGG_NO_FUNC && c->func_stamp[cf] != idx + 1) {
			c->func_stamp[cf] = idx + 1;
			c->by_func[cf] += s->count;
		}
	}
}

/*
 * The app function that calls func directly in the most samples, and of
 * its frames (lines) the one that does most; -1 when no app code does.
 */
static int64_t find_caller(const struct hint_list *h, uint32_t func,
			   struct callers *c, uint64_t *samples)
{
	const struct profile *p = h->p;
	size_t i, best = 0;
	int64_t frame = -1;

	memset(c->by_frame, 0, p->n_frames * sizeof(*c->by_frame));
	memset(c->frame_stamp, 0, p->n_frames * sizeof(*c->frame_stamp));
	memset(c->by_func, 0, h->agg->n_funcs * sizeof(*c->by_func));
	memset(c->func_stamp, 0, h->agg->n_funcs * sizeof(*c->func_stamp));
	for (i = 0; i < p->n_stacks; i++)
		if (stack_on_cpu(&p->stacks[i]))
			count_callers(h, i, func, c);
	for (i = 1; i < h->agg->n_funcs; i++)
		if (c->by_func[i] > c->by_func[best])
			best = i;
	*samples = h->agg->n_funcs ? c->by_func[best] : 0;
	if (!*samples)
		return -1;
	for (i = 0; i < p->n_frames; i++)
		if (h->agg->frame_func[i] == best &&
		    (frame < 0 || c->by_frame[i] > c->by_frame[frame]))
			frame = i;
	return frame;
}

/*
 * A database client's entry point: its time is the queries it runs,
 * which caching its results would not make fewer or cheaper.
 */
static bool database_call(const struct func_stat *fs)
{
	static const char *const prefixes[] = {
		"sqlite3_", "PQexec", "PQgetResult", "mysql_query",
		"mysql_real_query", "mysql_stmt_execute",
	};
	static const char *const modules[] = {
		"libsqlite3", "_sqlite3", "libpq", "libmysqlclient",
		"libmariadb",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(fs->name, prefixes[i], strlen(prefixes[i])))
			return true;
	for (i = 0; fs->module && i < ARRAY_SIZE(modules); i++)
		if (!strncmp(fs->module, modules[i], strlen(modules[i])))
			return true;
	return false;
}

enum lib_advice {
	LIB_CALL_LESS, LIB_QUERIES, LIB_WORK, LIB_CODEC_WORK,
	LIB_PROGRAM,	/* called from a program's code without symbols */
};

/* A compression library's, not decompressing: its work has a level to
 * lower. */
static bool codec_call(const struct func_stat *fs)
{
	static const char *const modules[] = {
		"libz.", "liblzma.", "libzstd.", "libbz2.", "liblz4.",
		"libbrotli",
	};
	static const char *const undo[] = {
		"decompress", "Decompress", "inflate", "decode", "Decode",
		"uncompress",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(undo); i++)
		if (strstr(fs->name, undo[i]))
			return false;
	for (i = 0; fs->module && i < ARRAY_SIZE(modules); i++)
		if (!strncmp(fs->module, modules[i], strlen(modules[i])))
			return true;
	return false;
}

/* Names of programs told apart when finding the one a function runs in. */
#define JOB_PROGRAMS	8

/*
 * The on-CPU time of the program (its processes, by name) fs has most of
 * its time in, and (*in) fs's time there: clang's, for libclang's entry
 * in a build where cc1 has most of the CPU.  Of the stacks that reached
 * their root (those cut short may or may not run under fs: clang's,
 * 200 frames deep) and not of its start-up in the dynamic loader.
 */
/* s's process when s counts in program_cpu(): on the CPU, whole, not
 * the program starting; *last caches the lookup. */
static const struct proc_stat *counted(const struct hint_list *h,
				       const struct stack_sample *s,
				       const struct proc_stat **last)
{
	if (!stack_on_cpu(s) || s->truncated || procs_stack_loading(h->p, s))
		return NULL;
	if (!*last || (*last)->pid != s->pid)
		*last = procs_stat(h->agg, s->pid);
	return *last;
}

static uint64_t program_cpu(const struct hint_list *h,
			    const struct func_stat *fs, uint64_t *in)
{
	const struct aggregate *agg = h->agg;
	const struct proc_stat *ps, *last = NULL;
	const char *comm[JOB_PROGRAMS];
	uint64_t ns[JOB_PROGRAMS], all = 0;
	uint32_t target = fs - agg->funcs;
	size_t i, k, n = 0, best = 0;
	bool under;

	*in = 0;
	for (i = 0; i < h->p->n_stacks; i++) {
		const struct stack_sample *s = &h->p->stacks[i];

		if (!(ps = counted(h, s, &last)))
			continue;
		under = stack_func_position(agg, s, target) < s->n_frames;
		for (k = 0; k < n && strcmp(comm[k], ps->comm); k++)
			;
		if (k == n && (n == JOB_PROGRAMS || !under))
			continue;
		if (k == n) {
			comm[n] = ps->comm;
			ns[n++] = 0;
		}
		ns[k] += under ? s->ns : 0;
		if (ns[k] > ns[best])
			best = k;
	}
	for (i = 0; n && i < h->p->n_stacks; i++) {
		ps = counted(h, &h->p->stacks[i], &last);
		if (ps && !strcmp(ps->comm, comm[best]))
			all += h->p->stacks[i].ns;
	}
	if (n)
		*in = ns[best];
	return all;
}

/*
 * The program is a driver of the library (xz of liblzma's lzma_code, a
 * hashing or image tool, clang of libclang in a build): the function is
 * nearly all of its on-CPU time but its start-up, nearly all of that from
 * one caller, which therefore holds nearly all of the program's CPU too,
 * its main loop.  Then the time is the library's work on the input, not
 * calls to save.
 */
static bool library_is_job(const struct hint_list *h,
			   const struct func_stat *fs, uint64_t samples)
{
	uint64_t in, all = program_cpu(h, fs, &in);

	return hint_at_least_pct(in, all, HOT_LIB_JOB_PCT) &&
	       hint_at_least_pct(samples, fs->total, HOT_LIB_JOB_PCT);
}

/*
 * The leaf function with most of fs's on-CPU time, when it has half of it
 * or more: what fs's work is (apt-cache's libapt-pkg entry decompressing
 * with liblz4); NULL else.
 */
static const struct func_stat *work_under(struct hint_list *h,
					  const struct func_stat *fs)
{
	const struct aggregate *agg = h->agg;
	uint64_t *by = aggregate_alloc_array(agg->n_funcs, sizeof(*by));
	uint32_t target = fs - agg->funcs, best = AGG_NO_FUNC, leaf;
	const struct func_stat *g = NULL;
	size_t i;

	if (!by) {
		h->err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < h->p->n_stacks; i++) {
		const struct stack_sample *s = &h->p->stacks[i];

		if (!stack_on_cpu(s) ||
		    stack_func_position(agg, s, target) == s->n_frames)
			continue;
		leaf = agg->frame_func[s->frames[s->n_frames - 1]];
		if (leaf == AGG_NO_FUNC)
			continue;
		by[leaf] += s->ns;
		if (best == AGG_NO_FUNC || by[leaf] > by[best])
			best = leaf;
	}
	if (best != AGG_NO_FUNC && by[best] * 2 >= fs->total_ns)
		g = &agg->funcs[best];
	free(by);
	return g;
}

/* The advice, and for a library's own work what it is (work_under), or
 * NULL. */
/* caller: the application frame calling fs; without a name, the code of a
 * program the reader did not write (jq's, calling libjq's input reader),
 * whose calls are not theirs to make fewer. */
static enum lib_advice lib_advice(struct hint_list *h,
				  const struct func_stat *fs, int64_t caller,
				  uint64_t samples, const struct func_stat **work)
{
	*work = NULL;
	if (database_call(fs))
		return LIB_QUERIES;
	if (!library_is_job(h, fs, samples))
		return h->p->frames[caller].resolved ? LIB_CALL_LESS :
						       LIB_PROGRAM;
	*work = work_under(h, fs);
	return codec_call(*work ? *work : fs) ? LIB_CODEC_WORK : LIB_WORK;
}

static const char *const lib_advice_text[] = {
	[LIB_CALL_LESS] = ": calling it less often, or caching its results, "
			  "would save up to that.",
	[LIB_QUERIES] = ": running fewer or cheaper queries (an index on "
			"the columns they filter by, one query instead of "
			"many) would save up to that.",
	[LIB_WORK] = ", nearly all the program does: that is the library's "
		     "own work on its input — a faster setting, a faster "
		     "library or less input would change it; calling it "
		     "less often only if the same data is processed twice.",
	[LIB_PROGRAM] = ": that is how the program uses the library on its "
			"input — less input, other options or another "
			"program would change it, not code to change here.",
	[LIB_CODEC_WORK] = ", nearly all the program does: that is the "
			   "library's own work on its input — a faster "
			   "setting (a lower compression level), a faster "
			   "library or less input would change it; calling "
			   "it less often only if the same data is processed "
			   "twice.",
};

static const char *const lib_advice_name[] = {
	[LIB_CALL_LESS] = "call_less_or_cache",
	[LIB_QUERIES] = "fewer_queries",
	[LIB_WORK] = "library_work",
	[LIB_CODEC_WORK] = "library_work",
	[LIB_PROGRAM] = "program_work",
};

/* Field name, a string, of the hints of rule from the i-th on: the first
 * such hint's (*i its index), NULL none. */
static const char *said_from(const struct hint_list *h, const char *rule,
			     const char *name, size_t *i)
{
	const struct hint_field *f;

	for (; *i < h->n; ++*i) {
		f = hint_field(&h->list[*i], name);
		if (!strcmp(h->list[*i].rule, rule) && f &&
		    f->type == HINT_STR && f->s)
			return f->s;
	}
	return NULL;
}

bool hint_said(const struct hint_list *h, const char *rule,
	       const char *name, const char *value)
{
	const char *s;
	size_t i;

	for (i = 0; value && (s = said_from(h, rule, name, &i)); i++)
		if (!strcmp(s, value))
			return true;
	return false;
}

/* The compressor hint said what the program calling the library at caller
 * does (xz driving liblzma): its calls need no second hint. */
static bool compressor_said(const struct hint_list *h, int64_t caller)
{
	return hint_said(h, "compressor", "program",
			 h->p->frames[caller].module);
}

static void hot_library_hint(struct hint_list *h, const struct func_stat *fs,
			     int64_t caller, uint64_t samples)
{
	struct hint hint = { .rule = "hot_library_function" };
	uint64_t cpu = h->agg->time.ns[WAIT_NONE];
	char share[NUM_SIZE], time[TIME_SIZE], called[NUM_SIZE];
	const struct func_stat *work;
	enum lib_advice advice;
	char *where;

	if (compressor_said(h, caller))
		return;
	where = hint_location(h, caller);
	advice = lib_advice(h, fs, caller, samples, &work);

	/* named when it is another library's */
	if (work && (!work->module || !fs->module ||
		     !strcmp(work->module, fs->module)))
		work = NULL;
	hint_fmt_pct(share, fs->total_ns, cpu);
	hint_fmt_time(time, fs->total_ns);
	hint_fmt_pct(called, samples, fs->total);
	if (where && work)
		hint_text(&hint, "%s is on %s of on-CPU time (%s), %s of it "
			  "called directly from %s, most of it in %s (%s)%s",
			  fs->name, share, time, called, where, work->name,
			  work->module, lib_advice_text[advice]);
	else if (where)
		hint_text(&hint, "%s is on %s of on-CPU time (%s), %s of it "
			  "called directly from %s%s", fs->name, share, time,
			  called, where, lib_advice_text[advice]);
	hint_field_copy(h, &hint, "function", fs->name);
	hint_field_copy(h, &hint, "module", fs->module);
	hint_field_uint(&hint, "cpu_ns", fs->total_ns);
	hint_field_real(&hint, "cpu_pct", pct_of(fs->total_ns, cpu));
	hint_field_own(&hint, "location", where);
	hint_field_real(&hint, "caller_pct", pct_of(samples, fs->total));
	hint_field_copy(h, &hint, "work_function", work ? work->name : NULL);
	hint_field_copy(h, &hint, "advice", lib_advice_name[advice]);
	hint_push(h, &hint);
}

static int cmp_candidate(const void *a, const void *b, void *ctx)
{
	const struct func_stat *funcs = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	uint64_t na = funcs[ia].total_ns, nb = funcs[ib].total_ns;

	if (na != nb)
		return na < nb ? 1 : -1;
	return (ia > ib) - (ia < ib);
}

/* Library functions with at least HOT_LIB_MIN_PCT of on-CPU time,
 * HOT_LIB_MIN_WALL_PCT of wall time and HOT_LIB_MIN_NS. */
static size_t hot_library_candidates(const struct hint_list *h, uint32_t *out,
				     bool *library)
{
	const struct aggregate *agg = h->agg;
	size_t i, n = 0;

	for (i = 0; i < h->p->n_frames; i++)
		if (agg->frame_func[i] != AGG_NO_FUNC &&
		    library_frame(&h->p->frames[i]))
			library[agg->frame_func[i]] = true;
	for (i = 0; i < agg->n_funcs; i++)
		if (library[i] &&
		    hint_at_least_pct(agg->funcs[i].total_ns,
				      agg->time.ns[WAIT_NONE],
				      HOT_LIB_MIN_PCT) &&
		    hint_at_least_pct(agg->funcs[i].total_ns, h->p->wall_ns,
				      HOT_LIB_MIN_WALL_PCT) &&
		    agg->funcs[i].total_ns >= HOT_LIB_MIN_NS)
			out[n++] = i;
	qsort_r(out, n, sizeof(*out), cmp_candidate, agg->funcs);
	return n;
}

static void free_callers(struct callers *c)
{
	free(c->by_frame);
	free(c->by_func);
	free(c->frame_stamp);
	free(c->func_stamp);
}

/* The reference_blas hint said fs's library (a path): libblas.so.3's
 * dsyrk_ needs no hint of its own. */
static bool blas_said(const struct hint_list *h, const struct func_stat *fs)
{
	const char *s;
	size_t i;

	for (i = 0; fs->module &&
		    (s = said_from(h, "reference_blas", "library", &i)); i++)
		if (!strcmp(path_basename(s), fs->module))
			return true;
	return false;
}

bool hint_app_callee_below(const struct profile *p,
			   const struct aggregate *agg,
			   const struct stack_sample *s, uint32_t k)
{
	uint32_t func = agg->frame_func[s->frames[k]], f;

	while (++k < s->n_frames) {
		f = agg->frame_func[s->frames[k]];
		if (f != func && f != AGG_NO_FUNC &&
		    p->frames[s->frames[k]].cls == CLASS_APP)
			return true;
	}
	return false;
}

/* fs's on-CPU time in the stacks where below(p, agg, s, k) holds of its
 * frame k. */
static uint64_t oncpu_where(const struct hint_list *h,
			    const struct func_stat *fs,
			    bool (*below)(const struct profile *,
					  const struct aggregate *,
					  const struct stack_sample *, uint32_t))
{
	const struct aggregate *agg = h->agg;
	uint32_t target = fs - agg->funcs, k;
	uint64_t ns = 0;
	size_t i;

	for (i = 0; i < h->p->n_stacks; i++) {
		const struct stack_sample *s = &h->p->stacks[i];

		if (!stack_on_cpu(s))
			continue;
		k = stack_func_position(agg, s, target);
		if (k < s->n_frames && below(h->p, agg, s, k))
			ns += s->ns;
	}
	return ns;
}

/* s syncs a file to disk: the kernel's fsync, fdatasync, msync or
 * sync_file_range under fs (inlined entries leave do_fsync). */
static bool syncing(const struct profile *p, const struct aggregate *agg,
		    const struct stack_sample *s, uint32_t k)
{
	static const char *const entries[] = {
		"do_fsync", "vfs_fsync_range", "__x64_sys_fsync",
		"__x64_sys_fdatasync", "__x64_sys_msync",
		"__x64_sys_sync_file_range", "ksys_sync_file_range",
	};
	const struct frame *f;
	size_t i;

	(void)agg;
	while (++k < s->n_frames) {
		f = &p->frames[s->frames[k]];
		if (f->cls != CLASS_KERNEL || !f->name)
			continue;
		for (i = 0; i < ARRAY_SIZE(entries); i++)
			if (!strcmp(f->name, entries[i]))
				return true;
	}
	return false;
}

/*
 * fs runs the application's own code for half its on-CPU time or more (a
 * process pool's workers, forked under the Pool() that made them; a
 * thread pool, a test runner, sorted()'s key): its time is that code's,
 * not the library's, and the application's functions tell it.  Or it
 * spends that half syncing files (sqlite3_step in fdatasync at each
 * commit): the syncs hint tells that, and "fewer or cheaper queries"
 * would be the wrong advice.
 */
static bool work_elsewhere(const struct hint_list *h,
			   const struct func_stat *fs)
{
	return oncpu_where(h, fs, hint_app_callee_below) * 2 >= fs->total_ns ||
	       oncpu_where(h, fs, syncing) * 2 >= fs->total_ns;
}

/*
 * The library functions with most on-CPU time that application code calls
 * directly: where the application spends its CPU in code it did not
 * write, and the line that calls it.
 */
void hint_hot_library_functions(struct hint_list *h)
{
	size_t nf = h->p->n_frames ? h->p->n_frames : 1;
	size_t nu = h->agg->n_funcs ? h->agg->n_funcs : 1;
	struct callers c = {
		.by_frame = calloc(nf, sizeof(*c.by_frame)),
		.by_func = calloc(nu, sizeof(*c.by_func)),
		.frame_stamp = calloc(nf, sizeof(*c.frame_stamp)),
		.func_stamp = calloc(nu, sizeof(*c.func_stamp)),
	};
	uint32_t *cand = calloc(nu, sizeof(*cand));
	bool *library = calloc(nu, sizeof(*library));
	size_t i, n, fired = 0;
	uint64_t samples;
	int64_t caller;

	if (!c.by_frame || !c.by_func || !c.frame_stamp || !c.func_stamp ||
	    !cand || !library) {
		h->err = -ENOMEM;
		goto out;
	}
	n = hot_library_candidates(h, cand, library);
	for (i = 0; i < n && fired < HOT_LIB_MAX && !h->err; i++) {
		if (work_elsewhere(h, &h->agg->funcs[cand[i]]) ||
		    hint_spawning_function(h, &h->agg->funcs[cand[i]]) ||
		    blas_said(h, &h->agg->funcs[cand[i]]))
			continue;
		caller = find_caller(h, cand[i], &c, &samples);
		if (caller < 0)
			continue;
		hot_library_hint(h, &h->agg->funcs[cand[i]], caller, samples);
		fired++;
	}
out:
	free_callers(&c);
	free(cand);
	free(library);
}
