// SPDX-License-Identifier: GPL-2.0
/*
 * Spawned programs' runs and figures; see spawns.h.
 *
 * Summed, the wall times of nested processes count twice: a shell script
 * that runs bash -c 'bash -c ...' is charged each level, a make -j2 build
 * its parallel compilers side by side, and the sum passes the wall time.
 * A program's union_ns counts the time with at least one of its runs
 * going, once; max_parallel counts runs at once but not one that waits
 * for a run of its own program nested in it (found up the process tree),
 * so nesting is not taken for parallelism.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "record/spawns.h"

#define TREE_MAX_DEPTH	64	/* ancestors walked up from a run */

/* A run's start (+1) or end (-1), for the sweep of a program's runs. */
struct run_edge {
	uint32_t program;
	int32_t delta;
	uint64_t t;
	size_t run;
};

/* A run during the sweep. */
struct run_state {
	int64_t same;		/* nearest spawn run up the tree of its
				 * program, -1 none */
	uint32_t nested_going;	/* runs nested in it going now */
	bool going;
	bool nested;		/* counted in same's nested_going */
};

/* A run's nearest run up the tree of another program, for the votes. */
struct parent_vote {
	uint32_t program;
	uint32_t parent;
};

void spawn_trace_free(struct spawn_trace *st)
{
	free(st->execs);
	free(st->exits);
	free(st->forks);
	memset(st, 0, sizeof(*st));
}

static int cmp_exec(const void *a, const void *b)
{
	const struct spawn_exec *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return CMP(x->time, y->time);
}

static int cmp_exit(const void *a, const void *b)
{
	const struct spawn_exit *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return CMP(x->time, y->time);
}

static int cmp_fork(const void *a, const void *b)
{
	const struct spawn_fork *x = a, *y = b;

	if (x->child != y->child)
		return x->child < y->child ? -1 : 1;
	return CMP(x->time, y->time);
}

/* The first of n items sorted by cmp that is not less than key. */
static size_t lower_bound(const void *base, size_t n, size_t size,
			  const void *key,
			  int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cmp((const char *)base + mid * size, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first exit of pid at or after time; NULL none. */
static const struct spawn_exit *exit_after(const struct spawn_trace *st,
					   uint32_t pid, uint64_t time)
{
	struct spawn_exit key = { .pid = pid, .time = time };
	size_t i = lower_bound(st->exits, st->n_exits, sizeof(key), &key,
			       cmp_exit);

	return i < st->n_exits && st->exits[i].pid == pid ?
	       &st->exits[i] : NULL;
}

/*
 * The latest fork of pid at or before time, or with time UINT64_MAX its
 * latest; NULL none.
 */
static const struct spawn_fork *fork_before(const struct spawn_trace *st,
					    uint32_t pid, uint64_t time)
{
	struct spawn_fork key = { .child = pid, .time = time };
	size_t i = lower_bound(st->forks, st->n_forks, sizeof(key), &key,
			       cmp_fork);

	if (i < st->n_forks && !cmp_fork(&st->forks[i], &key))
		return &st->forks[i];
	return i && st->forks[i - 1].child == pid ? &st->forks[i - 1] : NULL;
}

int32_t spawn_fork_site(const struct spawn_trace *st, uint32_t pid)
{
	const struct spawn_fork *f = fork_before(st, pid, UINT64_MAX);

	return f ? f->site : IO_NO_SITE;
}

/*
 * The process's CPU time when exec i's run began.  A process seen forked
 * since its previous exec starts with none: its first program is charged
 * the CPU it took to start it, fork to exec, which the kernel's figure at
 * the exec would count only in part (it is brought up to date at ticks
 * and switches).  A later exec's figure may be a tick behind.
 */
static uint64_t run_cpu_start(const struct spawn_trace *st, size_t i)
{
	const struct spawn_exec *x = &st->execs[i];
	const struct spawn_fork *f = fork_before(st, x->pid, x->time);

	if (f && (i == 0 || st->execs[i - 1].pid != x->pid ||
		  st->execs[i - 1].time < f->time))
		return 0;
	return x->cpu;
}

/*
 * Where exec i's run ends, and its CPU time: at the process's next exec,
 * unless it exited first (its pid reused since), else at its exit; a run
 * seen neither exec again nor exit goes on until end_ns.
 */
static void run_end(const struct spawn_trace *st, const struct proc_table *t,
		    size_t i, uint64_t end_ns, struct spawn_run *r)
{
	const struct spawn_exec *x = &st->execs[i], *next = NULL;
	const struct spawn_exit *e = exit_after(st, x->pid, x->time);
	const struct proc *p = proc_table_find(t, x->pid);
	uint64_t cpu_end = 0, cpu_start = run_cpu_start(st, i);

	if (i + 1 < st->n_execs && st->execs[i + 1].pid == x->pid)
		next = &st->execs[i + 1];
	if (e && next && e->time > next->time)
		e = NULL;	/* a later run's */
	if (next && !e) {
		r->end = next->time;
		cpu_end = next->cpu;
	} else if (next) {
		r->end = e->time;
	} else if (p && p->exited && p->exit_time > x->time) {
		r->end = p->exit_time;
	} else {
		r->end = e ? e->time : end_ns;
	}
	if (e)
		cpu_end = e->cpu;
	if (r->end < r->start)
		r->end = r->start;
	r->cpu = cpu_end > cpu_start ? cpu_end - cpu_start : 0;
}

int spawn_runs(struct spawn_trace *st, const struct proc_table *t,
	       uint32_t root_pid, uint64_t end_ns, struct spawn_run **runs,
	       size_t *n)
{
	const struct spawn_exec *x;
	struct spawn_run *r;
	size_t i;

	qsort(st->execs, st->n_execs, sizeof(*st->execs), cmp_exec);
	qsort(st->exits, st->n_exits, sizeof(*st->exits), cmp_exit);
	qsort(st->forks, st->n_forks, sizeof(*st->forks), cmp_fork);
	*n = 0;
	*runs = calloc(st->n_execs + 1, sizeof(**runs));
	if (!*runs)
		return -ENOMEM;
	for (i = 0; i < st->n_execs; i++) {
		x = &st->execs[i];
		r = &(*runs)[i];
		r->pid = x->pid;
		r->program = x->program;
		r->start = x->time;
		/* The profiled command itself is not a spawn. */
		r->spawn = x->pid != root_pid ||
			   (i > 0 && st->execs[i - 1].pid == x->pid);
		run_end(st, t, i, end_ns, r);
	}
	*n = st->n_execs;
	return 0;
}

/* pid's parent when time came: from its fork, else the process table. */
static uint32_t parent_at(const struct spawn_trace *st,
			  const struct proc_table *t, uint32_t pid,
			  uint64_t time)
{
	const struct spawn_fork *f = fork_before(st, pid, time);
	const struct proc *p;

	if (f)
		return f->parent;
	p = proc_table_find(t, pid);
	return p ? p->ppid : 0;
}

static int cmp_run(const void *a, const void *b)
{
	const struct spawn_run *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return CMP(x->start, y->start);
}

/* The run of pid going at time (runs by pid and start); -1 none. */
static int64_t run_at(const struct spawn_run *runs, size_t n, uint32_t pid,
		      uint64_t time)
{
	struct spawn_run key = { .pid = pid, .start = time };
	size_t i = lower_bound(runs, n, sizeof(key), &key, cmp_run);

	/* the last run of pid that began at or before time */
	if (i < n && !cmp_run(&runs[i], &key))
		i++;
	if (!i || runs[i - 1].pid != pid || runs[i - 1].end <= time)
		return -1;
	return i - 1;
}

/*
 * The runs nearest up the process tree from run i, going when it began:
 * a spawn of its own program (*same) and any of another (*other); -1
 * none.  Processes forked but not exec'd run their parent's program: the
 * walk goes through them.
 */
static void runs_above(const struct spawn_run *runs, size_t n, size_t i,
		       const struct spawn_trace *st, const struct proc_table *t,
		       int64_t *same, int64_t *other)
{
	uint64_t when = runs[i].start;
	uint32_t pid = runs[i].pid, up;
	int64_t a;
	int depth;

	*same = -1;
	*other = -1;
	for (depth = 0; depth < TREE_MAX_DEPTH; depth++) {
		up = parent_at(st, t, pid, when);
		if (!up || up == pid)
			break;
		pid = up;
		a = run_at(runs, n, pid, when);
		if (a < 0 || (size_t)a == i)
			continue;
		if (runs[a].program != runs[i].program) {
			if (*other < 0)
				*other = a;
		} else if (*same < 0 && runs[a].spawn) {
			*same = a;
		}
		if (*same >= 0 && *other >= 0)
			break;
	}
}

static int cmp_run_edge(const void *a, const void *b)
{
	const struct run_edge *x = a, *y = b;

	if (x->program != y->program)
		return x->program < y->program ? -1 : 1;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	/* ends first: a run that ends as another begins (an exec of the
	 * same program) is not beside it */
	if (x->delta != y->delta)
		return x->delta - y->delta;
	return CMP(x->run, y->run);
}

/* Runs at once not waiting for a nested one: leaves changes. */
static void run_starts(struct run_state *s, size_t r, uint64_t *leaves)
{
	struct run_state *up = s[r].same >= 0 ? &s[s[r].same] : NULL;

	s[r].going = true;
	++*leaves;
	if (up && up->going) {
		s[r].nested = true;
		if (up->nested_going++ == 0)
			--*leaves;
	}
}

static void run_ends(struct run_state *s, size_t r, uint64_t *leaves)
{
	struct run_state *up = s[r].same >= 0 ? &s[s[r].same] : NULL;

	s[r].going = false;
	if (!s[r].nested_going)
		--*leaves;
	if (up && up->going && s[r].nested && --up->nested_going == 0)
		++*leaves;
}

/* union_ns and max_parallel of each program, edges sorted by program. */
static void sweep(const struct run_edge *e, size_t n, struct run_state *s,
		  struct io_spawn *rows)
{
	uint64_t going = 0, leaves = 0;
	struct io_spawn *row;
	size_t i;

	for (i = 0; i < n; i++) {
		row = &rows[e[i].program];
		if (i == 0 || e[i - 1].program != e[i].program)
			going = leaves = 0;
		else if (going)
			row->union_ns += e[i].t - e[i - 1].t;
		if (e[i].delta > 0) {
			going++;
			run_starts(s, e[i].run, &leaves);
		} else {
			going--;
			run_ends(s, e[i].run, &leaves);
		}
		if (leaves > row->max_parallel)
			row->max_parallel = leaves;
	}
}

/* The edges of the spawn runs, cut at end_ns; a run of no length has
 * none (it adds no time, and its end would sort before its start). */
static size_t run_edges(const struct spawn_run *runs, size_t n,
			uint64_t end_ns, struct run_edge *e)
{
	uint64_t start, end;
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		start = runs[i].start < end_ns ? runs[i].start : end_ns;
		end = runs[i].end < end_ns ? runs[i].end : end_ns;
		if (!runs[i].spawn || end <= start)
			continue;
		e[k++] = (struct run_edge){ runs[i].program, +1, start, i };
		e[k++] = (struct run_edge){ runs[i].program, -1, end, i };
	}
	qsort(e, k, sizeof(*e), cmp_run_edge);
	return k;
}

static int cmp_vote(const void *a, const void *b)
{
	const struct parent_vote *x = a, *y = b;

	if (x->program != y->program)
		return x->program < y->program ? -1 : 1;
	return CMP(x->parent, y->parent);
}

/* Each program's parent: the one most of its runs' votes name, ties to
 * the lower row.  0 or -ENOMEM. */
static int elect_parents(struct parent_vote *v, size_t n,
			 struct io_spawn *rows)
{
	size_t i, j, best = 0, best_n = 0;

	qsort(v, n, sizeof(*v), cmp_vote);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && !cmp_vote(&v[i], &v[j]); j++)
			;
		if (i == 0 || v[i - 1].program != v[i].program)
			best_n = 0;
		if (j - i > best_n) {
			best_n = j - i;
			best = i;
		}
		if (j < n && v[j].program == v[i].program)
			continue;
		free(rows[v[best].program].parent);
		rows[v[best].program].parent =
			strdup(rows[v[best].parent].program);
		if (!rows[v[best].program].parent)
			return -ENOMEM;
	}
	return 0;
}

/*
 * When the profiled command's process exec'd more than once (a shim:
 * bash, then env, then python), the time of its last exec, before which
 * what ran was the shim's doing; else 0.  runs are by pid, then start.
 */
static uint64_t command_last_exec(const struct spawn_run *runs, size_t n)
{
	size_t i, first;

	for (first = 0; first < n && runs[first].spawn; first++)
		;
	if (first == n)
		return 0;
	for (i = first + 1; i < n && runs[i].pid == runs[first].pid; i++)
		;
	return i - 1 > first ? runs[i - 1].start : 0;
}

/*
 * When pid, a shim (its first exec a program in a shims directory, as
 * pyenv's ~/.pyenv/shims/python3), exec'd the program it chose: its last
 * exec; 0 when pid is no shim.
 */
static uint64_t shim_exec_at(const struct spawn_run *runs, size_t n,
			     const struct io_spawn *rows, uint32_t pid)
{
	struct spawn_run key = { .pid = pid };
	size_t i = lower_bound(runs, n, sizeof(key), &key, cmp_run), last;

	if (i == n || runs[i].pid != pid ||
	    !path_in_shims(rows[runs[i].program].program))
		return 0;
	for (last = i; last + 1 < n && runs[last + 1].pid == pid; last++)
		;
	return last > i ? runs[last].start : 0;
}

/* Run i was over before a shim it ran in (its process, or one up the
 * tree) exec'd its program: the shim's doing, as a script runs it. */
static bool in_shim_prelude(const struct spawn_run *runs, size_t n, size_t i,
			    const struct spawn_trace *st,
			    const struct proc_table *t,
			    const struct io_spawn *rows)
{
	uint32_t pid = runs[i].pid, up;
	uint64_t at;
	int depth;

	for (depth = 0; depth < TREE_MAX_DEPTH; depth++) {
		at = shim_exec_at(runs, n, rows, pid);
		if (at && runs[i].end <= at)
			return true;
		up = parent_at(st, t, pid, runs[i].start);
		if (!up || up == pid)
			break;
		pid = up;
	}
	return false;
}

int spawn_figures(const struct spawn_run *runs, size_t n,
		  const struct spawn_trace *st, const struct proc_table *t,
		  uint64_t end_ns, struct io_spawn *rows, size_t n_rows)
{
	struct run_edge *e = calloc(2 * n + 1, sizeof(*e));
	struct run_state *s = calloc(n + 1, sizeof(*s));
	struct parent_vote *v = calloc(n + 1, sizeof(*v));
	uint64_t prelude_end = command_last_exec(runs, n);
	size_t i, n_v = 0;
	int64_t other;
	int err = -ENOMEM;

	if (!e || !s || !v)
		goto out;
	for (i = 0; i < n; i++)
		s[i].same = -1;
	for (i = 0; i < n; i++) {
		struct io_spawn *row = &rows[runs[i].program];

		if (!runs[i].spawn)
			continue;
		row->count++;
		row->wall_ns += runs[i].end - runs[i].start;
		row->cpu_ns += runs[i].cpu;
		row->prelude_count += (prelude_end &&
				       runs[i].end <= prelude_end) ||
				      in_shim_prelude(runs, n, i, st, t, rows);
		runs_above(runs, n, i, st, t, &s[i].same, &other);
		if (other >= 0)
			v[n_v++] = (struct parent_vote){
				runs[i].program, runs[other].program };
	}
	sweep(e, run_edges(runs, n, end_ns, e), s, rows);
	for (i = 0; i < n_rows; i++)
		if (rows[i].count && !rows[i].max_parallel)
			rows[i].max_parallel = 1;	/* runs of no length */
	err = elect_parents(v, n_v, rows);
out:
	free(e);
	free(s);
	free(v);
	return err;
}
