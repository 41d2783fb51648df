// SPDX-License-Identifier: GPL-2.0
/*
 * Processes and threads of an aggregate: the stacks' time and samples
 * summed per (pid, tid), threads grouped into their processes, both
 * busiest first, and the names (comm) the profile recorded for them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/procs.h"
#include "classify/frame.h"
#include "lib/util.h"

#define PROFILE_COMM_LEN sizeof(((struct thread_info *)0)->comm)
_Static_assert(PROFILE_COMM_LEN < AGG_COMM_LEN, "comm copy needs its NUL");
_Static_assert(sizeof(((struct process_info *)0)->comm) == PROFILE_COMM_LEN,
	       "thread and process comm differ in size");

const struct process_info *procs_process(const struct profile *p,
					 uint32_t pid)
{
	size_t i;

	for (i = 0; i < p->n_procs; i++)
		if (p->procs[i].pid == pid)
			return &p->procs[i];
	return NULL;
}

const struct proc_stat *procs_stat(const struct aggregate *agg, uint32_t pid)
{
	size_t i;

	for (i = 0; i < agg->n_procs; i++)
		if (agg->procs[i].pid == pid)
			return &agg->procs[i];
	return NULL;
}

static const struct thread_info *find_thread(const struct profile *p,
					     uint32_t pid, uint32_t tid)
{
	size_t i;

	for (i = 0; i < p->n_threads; i++)
		if (p->threads[i].pid == pid && p->threads[i].tid == tid)
			return &p->threads[i];
	return NULL;
}

/* comm may fill its array without a NUL. */
static void copy_comm(char dst[AGG_COMM_LEN], const char *comm)
{
	size_t len = strnlen(comm, PROFILE_COMM_LEN);

	memcpy(dst, comm, len);
	dst[len] = '\0';
}

void procs_comm(const struct profile *p, uint32_t pid,
		  char comm[AGG_COMM_LEN])
{
	const struct process_info *pi = procs_process(p, pid);
	const struct thread_info *ti = find_thread(p, pid, pid);

	if (pi && pi->comm[0])
		copy_comm(comm, pi->comm);
	else if (ti)
		copy_comm(comm, ti->comm);
	else
		comm[0] = '\0';
}

const char *procs_exe(const struct profile *p, uint32_t pid)
{
	const struct process_info *pi = procs_process(p, pid);

	return pi ? pi->exe : NULL;
}

static int cmp_thread_id(const void *a, const void *b)
{
	const struct thread_stat *ta = a, *tb = b;
	int c = CMP(ta->pid, tb->pid);

	return c ? c : CMP(ta->tid, tb->tid);
}

/* Most time first, then most samples. */
static int cmp_busy(const struct time_split *ta, uint64_t samples_a,
		    const struct time_split *tb, uint64_t samples_b)
{
	int c = CMP(time_total(tb), time_total(ta));

	return c ? c : CMP(samples_b, samples_a);
}

static int cmp_thread_busiest(const void *a, const void *b)
{
	const struct thread_stat *ta = a, *tb = b;
	int c = cmp_busy(&ta->time, ta->samples, &tb->time, tb->samples);

	return c ? c : cmp_thread_id(a, b);
}

static int cmp_proc_busiest(const void *a, const void *b)
{
	const struct proc_stat *pa = a, *pb = b;
	int c = cmp_busy(&pa->time, pa->samples, &pb->time, pb->samples);

	return c ? c : CMP(pa->pid, pb->pid);
}

void procs_thread_comm(const struct profile *p, uint32_t pid, uint32_t tid,
		       char comm[AGG_COMM_LEN])
{
	const struct thread_info *ti = find_thread(p, pid, tid);

	if (ti && ti->comm[0])
		copy_comm(comm, ti->comm);
	else
		procs_comm(p, pid, comm);
}

bool procs_stack_loading(const struct profile *p, const struct stack_sample *s)
{
	const struct frame *root;

	if (!s->n_frames || !s->frames || s->truncated ||
	    s->frames[0] >= p->n_frames)
		return false;
	root = &p->frames[s->frames[0]];
	return classify_loader_module(root->module) && root->name &&
	       (!strcmp(root->name, "_start") ||
		!strncmp(root->name, "_dl_start", 9));
}

/* Threads with samples or waits, merged by (pid, tid), in that order. */
static int collect_threads(const struct profile *p, struct aggregate *agg)
{
	const struct stack_sample *s;
	struct thread_stat *t = NULL;
	size_t i, n_stacks = 0, n = 0;

	agg->threads = aggregate_alloc_array(p->n_stacks,
					      sizeof(*agg->threads));
	if (!agg->threads)
		return -ENOMEM;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		if (!stack_weight(s))
			continue;
		t = &agg->threads[n_stacks++];
		*t = (struct thread_stat){
			.pid = s->pid,
			.tid = s->tid,
			.samples = stack_on_cpu(s) ? s->count : 0,
		};
		if (t->samples && procs_stack_loading(p, s))
			t->loading_samples = t->samples;
		aggregate_count_time(&t->time, s);
	}
	qsort(agg->threads, n_stacks, sizeof(*agg->threads), cmp_thread_id);
	t = NULL;
	for (i = 0; i < n_stacks; i++) {
		if (t && !cmp_thread_id(t, &agg->threads[i])) {
			t->samples += agg->threads[i].samples;
			t->loading_samples += agg->threads[i].loading_samples;
			aggregate_add_time(&t->time, &agg->threads[i].time);
		} else {
			t = &agg->threads[n++];
			*t = agg->threads[i];
		}
	}
	agg->n_threads = n;
	for (i = 0; i < n; i++)
		procs_thread_comm(p, agg->threads[i].pid, agg->threads[i].tid,
				  agg->threads[i].comm);
	return 0;
}

static void describe_proc(const struct profile *p, struct proc_stat *ps)
{
	const struct process_info *pi = procs_process(p, ps->pid);

	procs_comm(p, ps->pid, ps->comm);
	if (pi) {
		ps->ppid = pi->ppid;
		ps->exe = pi->exe;
		ps->args = pi->args;
	}
}

/* One proc_stat per run of equal pids in the (pid, tid) ordered threads. */
static int group_procs(const struct profile *p, struct aggregate *agg)
{
	struct thread_stat *threads = agg->threads;
	struct proc_stat *ps;
	size_t i, j;

	agg->procs = aggregate_alloc_array(agg->n_threads,
					    sizeof(*agg->procs));
	if (!agg->procs)
		return -ENOMEM;
	for (i = 0; i < agg->n_threads; i = j) {
		ps = &agg->procs[agg->n_procs++];
		ps->pid = threads[i].pid;
		ps->threads = &threads[i];
		for (j = i; j < agg->n_threads && threads[j].pid == ps->pid; j++) {
			ps->samples += threads[j].samples;
			ps->loading_samples += threads[j].loading_samples;
			aggregate_add_time(&ps->time, &threads[j].time);
		}
		ps->n_threads = j - i;
		qsort(&threads[i], j - i, sizeof(*threads), cmp_thread_busiest);
		describe_proc(p, ps);
	}
	qsort(agg->procs, agg->n_procs, sizeof(*agg->procs), cmp_proc_busiest);
	return 0;
}

/* Lay the threads out in procs order, so that rows can simply follow. */
static int order_threads_by_procs(struct aggregate *agg)
{
	struct thread_stat *threads;
	size_t i, n = 0;

	threads = aggregate_alloc_array(agg->n_threads, sizeof(*threads));
	if (!threads)
		return -ENOMEM;
	for (i = 0; i < agg->n_procs; i++) {
		memcpy(threads + n, agg->procs[i].threads,
		       agg->procs[i].n_threads * sizeof(*threads));
		agg->procs[i].threads = threads + n;
		n += agg->procs[i].n_threads;
	}
	free(agg->threads);
	agg->threads = threads;
	return 0;
}

int aggregate_procs_build(const struct profile *p, struct aggregate *agg)
{
	int err;

	err = collect_threads(p, agg);
	if (!err)
		err = group_procs(p, agg);
	if (!err)
		err = order_threads_by_procs(agg);
	return err;
}

const struct thread_stat *procs_main_thread(const struct aggregate *agg,
					   uint32_t root_pid)
{
	const struct thread_stat *first = NULL, *t;
	const struct proc_stat *ps;
	size_t i;

	if (!agg->n_procs)
		return NULL;
	ps = &agg->procs[0];
	for (i = 0; i < agg->n_procs; i++)
		if (agg->procs[i].pid == root_pid)
			ps = &agg->procs[i];
	for (i = 0; i < ps->n_threads; i++) {
		t = &ps->threads[i];
		if (t->tid == ps->pid)
			return t;
		if (!first || t->tid < first->tid)
			first = t;
	}
	return first;
}

const char *procs_program_module(const struct profile *p)
{
	const char *exe = procs_exe(p, p->root_pid);
	size_t i;

	for (i = 0; i < p->n_procs && !exe; i++)
		exe = p->procs[i].exe;
	return exe ? path_basename(exe) : NULL;
}
