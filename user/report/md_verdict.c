// SPDX-License-Identifier: GPL-2.0
/*
 * The summary's verdict, its first lines: on the critical path when there
 * is one (md_critical.c), else by what the time went to: the hottest
 * function, the longest wait, or, for a whole machine (record -a), who
 * ran on its CPUs.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/hints_rules.h"
#include "classify/frame.h"
#include "report/md.h"

/* The hottest path that ends in function func. */
static const struct path_stat *hottest_path_to(const struct aggregate *agg,
					       uint32_t func)
{
	size_t i;

	for (i = 0; i < agg->n_paths; i++)
		if (agg->paths[i].funcs[agg->paths[i].n_funcs - 1] == func)
			return &agg->paths[i];
	return NULL;
}

/* The hottest function, its share, and the path that reaches it most. */
static int md_top_function(struct md *m)
{
	const struct aggregate *agg = m->agg;
	size_t k = aggregate_top_function(agg);
	const struct func_stat *top = &agg->funcs[k];
	const struct path_stat *path = hottest_path_to(agg, k);
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char self[SHARE_SIZE], total[SHARE_SIZE], share[SHARE_SIZE];
	char *route;

	md_name(name, top->name, NAME_MAX_BYTES, false);
	fmt_where(where, top->file, top->line, top->module);
	fmt_share(self, top->self, agg->samples);
	fmt_share(total, top->total, agg->samples);
	md_printf(&m->doc, "`%s` (%s, %s)", name, frame_class_name(top->cls),
		  where);
	if (md_called_from(m, top))
		return -ENOMEM;
	md_printf(&m->doc, " is %s of on-CPU samples (self), %s with its "
		  "callees (total)", self, total);
	if (path) {
		route = md_path_text(agg, path);
		if (!route)
			return -ENOMEM;
		fmt_share(share, path->samples, agg->samples);
		md_printf(&m->doc, "; its hottest path is `%s` (%s)", route,
			  share);
		free(route);
	}
	md_put(&m->doc, ".");
	return 0;
}

/* "read a.html", or "read a.html and 29,928 others" for a row of many. */
void md_wait_target(char *buf, const struct wait_row *wait)
{
	char others[NUM_SIZE];

	md_clean(buf, wait->target ? wait->target : "—", NAME_MAX_BYTES, false);
	if (wait->n_targets < 2)
		return;
	hint_fmt_count(others, wait->n_targets - 1);
	sprintf(buf + strlen(buf), " and %s others", others);
}

void md_wait_context(struct md *m, const struct wait_row *wait)
{
	char clean[WAIT_TARGET_SIZE];

	if (!wait->target && !wait->where)
		return;
	md_put(&m->doc, " (");
	if (wait->target) {
		md_wait_target(clean, wait);
		md_put(&m->doc, clean);
	}
	if (wait->where) {
		md_name(clean, wait->where->name, NAME_MAX_BYTES, false);
		md_printf(&m->doc, "%sin `%s`", wait->target ? " " : "", clean);
	}
	md_put(&m->doc, ")");
}

/* The longest row of waits of reason r: rows are longest first. */
static const struct wait_row *longest_wait(const struct md *m,
					   enum wait_reason r)
{
	size_t i;

	for (i = 0; i < m->n_wait_rows; i++)
		if (m->wait_rows[i].reason == r)
			return &m->wait_rows[i];
	return NULL;
}

/*
 * Waits outweigh running: name the longest wait category and its longest
 * wait.  Shares are of the wall time, or of all threads' time when
 * threads run in parallel.
 */
static void md_wait_verdict(struct md *m)
{
	const struct time_split *t = &m->agg->time;
	uint64_t whole = m->threaded ? time_total(t) : m->p->wall_ns;
	enum wait_reason order[WAIT__COUNT], r;
	const struct wait_row *wait;

	/* Some wait has time, so the longest is first or after on-CPU. */
	categories_by_time(t, order);
	r = order[order[0] == WAIT_NONE];
	md_printf(&m->doc, "%.1f%% of %s is %s", pct_of(t->ns[r], whole),
		  m->threaded ? "the threads' time" : "wall time",
		  md_categories[r].doing);
	wait = longest_wait(m, r);
	if (wait)
		md_wait_context(m, wait);
	if (t->offcpu_ns != t->ns[r])
		md_printf(&m->doc, ", %.1f%% in all waits",
			  pct_of(t->offcpu_ns, whole));
	md_printf(&m->doc, "; on-CPU time is %.1f%%.",
		  pct_of(t->ns[WAIT_NONE], whole));
}

/* " The kernel dominates: 68.2% of samples were taken in kernel mode:
 * system calls `openat` 21.1%, …; page faults 12.8%.", shares of the
 * on-CPU time (a recording with no critical path: -p, -a). */
static void md_kernel_sentence(struct md *m)
{
	const struct aggregate *agg = m->agg;
	struct kernel_split ks;

	md_printf(&m->doc, " The kernel dominates: %.1f%% of samples were "
		  "taken in kernel mode", pct_of(agg->kernel_samples,
						 agg->samples));
	aggregate_kernel_split(m->p, agg, &ks);
	if (!md_kernel_parts(m, &ks, agg->time.ns[WAIT_NONE]))
		md_put(&m->doc, " (system calls, page faults)");
	md_put(&m->doc, ".");
}

static int md_cpu_verdict(struct md *m)
{
	const struct aggregate *agg = m->agg;
	int err;

	if (!agg->samples) {
		md_put(&m->doc, "No samples were recorded: the program ended "
		       "too soon or never ran on a CPU (only on-CPU time is "
		       "sampled).");
		return 0;
	}
	if (!agg->n_funcs) {
		md_put(&m->doc, "No sample has a readable stack; see Data "
		       "quality.");
		return 0;
	}
	err = md_top_function(m);
	if (err)
		return err;
	if (agg->samples < MIN_TRUSTED_SAMPLES)
		md_printf(&m->doc, " Only %" PRIu64 " samples: the profile "
			  "is too short to trust; run longer or sample "
			  "faster.",
			  agg->samples);
	else if (agg->kernel_samples * 2 > agg->samples)
		md_kernel_sentence(m);
	return 0;
}

/* record -a: every process's threads, most of them idle. */
static bool system_wide(const struct profile *p)
{
	return p->command && !strcmp(p->command, PROFILE_COMMAND_ALL);
}

/* "The CPUs were 50.1% busy (3.03 s of 2 × 3.03 s); `sh` (pid 7167) ran
 * 99.9% of it, `node` (pid 9) 0.1%. ": who used the machine. */
static void md_machine_sentence(struct md *m)
{
	const struct aggregate *agg = m->agg;
	const struct proc_stat *top[2] = { NULL, NULL };
	char comm[CLEAN_SIZE(AGG_COMM_LEN)], cpu[DURATION_SIZE];
	uint64_t busy = agg->time.ns[WAIT_NONE];
	size_t i, k;

	fmt_duration(cpu, busy);
	if (m->p->n_cpus && m->p->wall_ns)
		md_printf(&m->doc, "The %u CPUs were %.1f%% busy (%s of CPU "
			  "time); ", m->p->n_cpus,
			  pct_of(busy, (uint64_t)m->p->n_cpus * m->p->wall_ns),
			  cpu);
	for (i = 0; i < agg->n_procs; i++)
		for (k = 0; k < 2; k++)
			if (!top[k] || agg->procs[i].samples >
				       top[k]->samples) {
				if (!k)
					top[1] = top[0];
				top[k] = &agg->procs[i];
				break;
			}
	for (k = 0; k < 2 && top[k] && top[k]->samples; k++) {
		md_clean(comm, top[k]->comm, AGG_COMM_LEN, false);
		md_printf(&m->doc, "%s`%s` (pid %" PRIu32 ") %.1f%%", k ? ", " :
			  "the most: ", comm, top[k]->pid,
			  pct_of(top[k]->samples, agg->samples));
	}
	md_put(&m->doc, ". ");
}

/*
 * Of a machine's waits, those that say it held work up rather than idled:
 * the disk, page faults, a CPU (runnable).  Each that adds up to 10% of
 * the wall or more, with the process that waited most: "Waiting on the
 * disk: 4.20 s in all threads, the most `tar` (pid 12) 3.90 s."
 */
static void md_machine_waits(struct md *m)
{
	static const enum wait_reason busy[] = {
		WAIT_DISK, WAIT_PAGE_FAULT, WAIT_CPU,
	};
	const struct aggregate *agg = m->agg;
	char comm[CLEAN_SIZE(AGG_COMM_LEN)], all[DURATION_SIZE];
	char most[DURATION_SIZE];
	const struct proc_stat *top;
	size_t i, k;

	for (k = 0; k < ARRAY_SIZE(busy); k++) {
		enum wait_reason r = busy[k];

		if (agg->time.ns[r] * 10 < m->p->wall_ns || !m->p->wall_ns)
			continue;
		top = NULL;
		for (i = 0; i < agg->n_procs; i++)
			if (!top || agg->procs[i].time.ns[r] > top->time.ns[r])
				top = &agg->procs[i];
		fmt_duration(all, agg->time.ns[r]);
		md_printf(&m->doc, " %c%s: %s in all threads",
			  toupper((unsigned char)md_categories[r].doing[0]),
			  md_categories[r].doing + 1, all);
		if (top && top->time.ns[r]) {
			md_clean(comm, top->comm, AGG_COMM_LEN, false);
			fmt_duration(most, top->time.ns[r]);
			md_printf(&m->doc, ", the most `%s` (pid %" PRIu32
				  ") %s", comm, top->pid, most);
		}
		md_put(&m->doc, ".");
	}
}

/* record -a: who ran on the CPUs, and in what; what held work up (the
 * disk, a CPU); its threads' other waits are mostly idle ones, which no
 * verdict should weigh against that. */
static int md_machine_verdict(struct md *m)
{
	int err;

	if (m->agg->samples)
		md_machine_sentence(m);
	err = md_cpu_verdict(m);
	if (err)
		return err;
	md_machine_waits(m);
	if (m->agg->time.offcpu_ns)
		md_put(&m->doc, " Other waits are not weighed here: a "
		       "machine's threads are mostly idle ones waiting for "
		       "work; record one program (-- CMD, or -p PID) for what "
		       "it waits on.");
	return 0;
}

/* -p of threads asleep since before the recording: their waits have no
 * stack taken as they began, whyslow not having seen that, but one read
 * from the process's memory at the end. */
static void blocked_before_verdict(struct md *m)
{
	uint64_t n = m->p->quality.blocked_before;
	uint64_t read = m->p->quality.blocked_stacks;

	if (!n)
		return;
	md_printf(&m->doc, " %s blocked in a syscall since before the "
		  "recording began and through it (see Data quality): ",
		  n == 1 ? "A thread was" : "Threads were");
	if (read >= n)
		md_printf(&m->doc, "%s stack was read from the process's "
			  "memory at the end, as gdb or py-spy dump reads one.",
			  n == 1 ? "its" : "their");
	else
		md_put(&m->doc, "whyslow takes a wait's stack as it begins, so "
		       "where in the code it waits is not known; record it "
		       "from its start (-- CMD) for that.");
}

int md_verdict(struct md *m)
{
	const struct time_split *t = &m->agg->time;
	int err = 0;

	md_put(&m->doc, "\n## Verdict\n\n");
	/* record -p of threads that slept through it */
	if (!m->agg->samples && !t->offcpu_ns && m->p->quality.offcpu &&
	    !m->p->foreign && !m->p->root_pid && !system_wide(m->p))
		md_put(&m->doc, "Nothing ran or waited in the traced threads "
		       "while recording: no sample, and no wait began. "
		       "whyslow sees a wait from its start, so a thread "
		       "blocked since before the recording began (a process "
		       "that hangs) shows nothing until it wakes: record it "
		       "from its start (-- CMD), or longer.");
	else if (m->agg->cp_known)
		err = md_critical_verdict(m);
	else if (system_wide(m->p))
		err = md_machine_verdict(m);
	else if (t->offcpu_ns > t->ns[WAIT_NONE])
		md_wait_verdict(m);
	else
		err = md_cpu_verdict(m);
	if (!err)
		md_unnamed_verdict(m);
	if (!err)
		blocked_before_verdict(m);
	md_put(&m->doc, "\n");
	return err;
}
