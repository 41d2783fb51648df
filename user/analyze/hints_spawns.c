// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rule about programs run many times (spawns): their runs' cost
 * on the critical path, and whether doing the work in-process or in
 * parallel would cut it.  See hints.c for what a rule does; the
 * thresholds are in hints_rules.h and the README's Hints table.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"
#include "analyze/procs.h"
#include "classify/frame.h"
#include "classify/wait.h"

enum spawn_advice {
	SPAWN_NONE,
	SPAWN_IN_PROCESS,	/* starting them is the cost */
	SPAWN_PARALLELISM,	/* work, one run at a time */
	SPAWN_OVERLAP_WAITS,	/* waits, one run at a time (curl, fetching) */
	SPAWN_SLEEPS,		/* sleep(1) runs: a script polling */
};

static const char *const spawn_advice_names[] = {
	[SPAWN_NONE] = "none", [SPAWN_IN_PROCESS] = "in_process",
	[SPAWN_PARALLELISM] = "parallelism",
	[SPAWN_OVERLAP_WAITS] = "overlap_waits", [SPAWN_SLEEPS] = "sleeps",
};

/* Its runs' wall time counting nested and parallel runs once, or their
 * sum in a profile saved without it. */
static uint64_t spawn_wall_ns(const struct io_spawn *s)
{
	return s->union_ns ? s->union_ns : s->wall_ns;
}

/* The wall time a program's runs took, counting nested and parallel runs
 * once (a profile saved without it has the sum), never more than the
 * wall time. */
static uint64_t spawn_cost_ns(const struct hint_list *h,
			      const struct io_spawn *s)
{
	return min_u64(spawn_wall_ns(s), h->p->wall_ns);
}

/*
 * Its processes' time on the critical path, when the path is known and
 * names the program: runs of several programs at once (a pipeline's sed
 * and grep) each count once there, where their wall times overlap.  Not
 * for a program that runs others (a script running sleep): the path goes
 * through what it ran, which its runs cost too.  false: not known.
 */
static bool spawn_path_ns(const struct hint_list *h, const struct io_spawn *s,
			  uint64_t *ns)
{
	const struct profile_critical *c = &h->p->critical;
	const struct io_summary *io = &h->p->io;
	const char *name = path_basename(s->program);
	size_t i;

	if (!c->ns)
		return false;
	for (i = 0; i < io->n_spawns; i++)
		if (io->spawns[i].parent &&
		    !strcmp(io->spawns[i].parent, s->program))
			return false;
	for (i = 0; i < c->n_programs; i++)
		if (!strcmp(c->programs[i].name, name)) {
			*ns = min_u64(c->programs[i].ns, c->ns);
			return true;
		}
	return false;
}

/* Its share of the wall time, counted once: its time on the critical
 * path, else the time with one of its runs going. */
static double spawn_share_pct(const struct hint_list *h,
			      const struct io_spawn *s)
{
	uint64_t ns;

	if (spawn_path_ns(h, s, &ns))
		return pct_of(ns, h->p->critical.ns);
	return pct_of(spawn_cost_ns(h, s), h->p->wall_ns);
}

/*
 * Its runs went one at a time, yet their sum passes the time with one
 * going: they ran inside each other, a script running scripts (pyenv's
 * shims), each waiting for the next.  That is not work to spread out.
 */
static bool spawn_nested(const struct io_spawn *s)
{
	return s->max_parallel == 1 && s->union_ns &&
	       !hint_at_least_pct(s->union_ns, s->wall_ns, SPAWN_NESTED_PCT);
}

/* A process of the program called name: its executable's name, or its
 * comm, which exec sets from the name run (cc, a link to gcc-12), cut
 * to 15 bytes. */
static bool runs_program(const struct proc_stat *ps, const char *name)
{
	size_t n = strlen(name);

	if (ps->exe && !strcmp(path_basename(ps->exe), name))
		return true;
	if (n > AGG_COMM_LEN - 2)
		n = AGG_COMM_LEN - 2;
	return strlen(ps->comm) == n && !strncmp(ps->comm, name, n);
}

/* What a program's processes cost, summed once for each spawn. */
struct spawn_procs_cost {
	/* of its runs' CPU time, how much went to starting them in the
	 * dynamic loader, before main (a C++ program's thousands of symbols
	 * bound at each start: cmake -E), by the share of its processes'
	 * samples taken there */
	uint64_t loading_ns;
	/* of its processes' time, the waits that runs made at once would
	 * overlap: on the network (curl fetching URLs one after another) or
	 * the disk, whichever is more; 0 when neither */
	uint64_t wait_ns;
	enum wait_reason wait;
	uint64_t sleep_ns;	/* ... and their sleeps */
};

static void spawn_procs_cost(const struct hint_list *h,
			     const struct io_spawn *s,
			     struct spawn_procs_cost *out)
{
	const char *name = path_basename(s->program);
	uint64_t samples = 0, loading = 0, network = 0, disk = 0;
	const struct proc_stat *ps;
	size_t i;

	for (i = 0; i < h->agg->n_procs; i++) {
		ps = &h->agg->procs[i];
		if (!runs_program(ps, name))
			continue;
		samples += ps->samples;
		loading += ps->loading_samples;
		network += ps->time.ns[WAIT_NETWORK];
		disk += ps->time.ns[WAIT_DISK];
		out->sleep_ns += ps->time.ns[WAIT_SLEEP];
	}
	out->loading_ns = samples ? (uint64_t)((unsigned __int128)s->cpu_ns *
					       loading / samples) : 0;
	out->wait = network >= disk ? WAIT_NETWORK : WAIT_DISK;
	out->wait_ns = network >= disk ? network : disk;
}

/*
 * Its runs do work: their own CPU time but starting them in the dynamic
 * loader is at least half the wall time with one going (parallel runs
 * add up against one wall: compilers of a make -j2 that wait for a CPU
 * half the time still read as work), and more each than starting a
 * process takes (a short program's time is all CPU too, but spent being
 * started: exec, the dynamic linker); and not nested.
 */
static bool spawn_is_work(const struct io_spawn *s, uint64_t loading_ns)
{
	uint64_t cpu = s->cpu_ns - min_u64(s->cpu_ns, loading_ns);

	return s->count && cpu / s->count >= SPAWN_WORK_MIN_CPU_NS &&
	       hint_at_least_pct(cpu, spawn_wall_ns(s), SPAWN_WORK_CPU_PCT) &&
	       !spawn_nested(s);
}

/* Most of its runs' time went waiting for programs it ran that do the
 * work (the gcc driver for cc1), or that ran long (a pyenv shim's bash
 * for pip, which itself waits on its builds; bash -c 'sleep 1'): a
 * launcher, not a cost of its own.  costs: each spawn's. */
static bool spawn_launches_work(const struct hint_list *h,
				const struct io_spawn *s,
				const struct spawn_procs_cost *costs)
{
	const struct io_summary *io = &h->p->io;
	uint64_t work = 0;
	size_t i;

	for (i = 0; i < io->n_spawns; i++)
		if (io->spawns[i].parent &&
		    !strcmp(io->spawns[i].parent, s->program) &&
		    (spawn_is_work(&io->spawns[i], costs[i].loading_ns) ||
		     io->spawns[i].wall_ns / io->spawns[i].count >=
		     SPAWN_LONG_RUN_NS))
			work += spawn_cost_ns(h, &io->spawns[i]);
	return hint_at_least_pct(work, spawn_cost_ns(h, s), SPAWN_LAUNCH_PCT);
}

/* ---- shim ------------------------------------------------------------- */

/* The command's first word (its path as run) in buf; "" when none. */
static void command_path(const struct profile *p, char *buf, size_t size)
{
	size_t n = p->command ? strcspn(p->command, " ") : 0;

	snprintf(buf, size, "%.*s", (int)min_u64(n, size - 1),
		 p->command ? p->command : "");
}

/*
 * The manager of a shims directory the command ran from: "pyenv" for
 * ~/.pyenv/shims/python3, "mise" for ~/.local/share/mise/shims/node
 * (pyenv, rbenv, nodenv, asdf and mise all have one, and a `which`
 * command that prints the program a shim runs); NULL when none.
 */
static char *shim_manager(const char *path)
{
	const char *shims = strstr(path, "/shims/"), *dir;

	if (!shims || shims == path)
		return NULL;
	for (dir = shims; dir > path && dir[-1] != '/'; dir--)
		;
	if (*dir == '.')
		dir++;
	return dir < shims ? strndup(dir, shims - dir) : NULL;
}

/* The row of a program run from a shims directory named name (any, for
 * NULL); NULL none. */
static const struct io_spawn *shim_spawn(const struct profile *p,
					 const char *name)
{
	const struct io_spawn *s;
	size_t i;

	for (i = 0; i < p->io.n_spawns; i++) {
		s = &p->io.spawns[i];
		if (path_in_shims(s->program) &&
		    (!name || !strcmp(path_basename(s->program), name)))
			return s;
	}
	return NULL;
}

/*
 * A shim on the path: a launcher that exec'd its way to the program (not
 * one that waited for it), named as the shim was run, and either run from
 * a shims directory or starting a program of its own name (python3 for
 * python3.11).  The command itself, first: a script that runs a loop then
 * execs its last command (sh -c 'grep ...; sort') is no shim, what ran
 * before is its work.  Else one the command ran (a script running
 * python3 through pyenv's shim at each line), found by its shims
 * directory among the programs run.  path: where the shim was run from;
 * *run: the row of its runs (the latter), else NULL.
 */
static const struct critical_launcher *shim_launcher(const struct profile *p,
						     char *path, size_t size,
						     const struct io_spawn **run)
{
	const struct profile_critical *c = &p->critical;
	const char *name;
	size_t i;

	*run = NULL;
	command_path(p, path, size);
	name = path_basename(path);
	for (i = 0; i < c->n_launchers; i++) {
		const struct critical_launcher *l = &c->launchers[i];

		if (l->waited || strcmp(l->name, name))
			continue;
		if (path_in_shims(path) ||
		    !strncmp(l->started, l->name, strlen(l->name)))
			return l;
	}
	for (i = 0; i < c->n_launchers; i++) {
		const struct critical_launcher *l = &c->launchers[i];

		if (!l->waited && (*run = shim_spawn(p, l->name))) {
			snprintf(path, size, "%s", (*run)->program);
			return l;
		}
	}
	return NULL;
}

/* The executable a shim chose: the command's, or the first process's
 * that runs the program the shim started. */
static const char *shim_exe(const struct profile *p,
			    const struct critical_launcher *l)
{
	const char *exe = procs_exe(p, p->root_pid);
	size_t i;

	if (exe && !strcmp(path_basename(exe), l->started))
		return exe;
	for (i = 0; i < p->n_procs; i++)
		if (p->procs[i].exe &&
		    !strcmp(path_basename(p->procs[i].exe), l->started))
			return p->procs[i].exe;
	return NULL;
}

static void shim_text(const struct hint_list *h, struct hint *hint,
		      const struct critical_launcher *l, const char *path,
		      const char *exe, const char *manager, uint64_t runs)
{
	char time[TIME_SIZE], pct[NUM_SIZE], by[AGG_COMM_LEN + 16] = "";
	char which[PATH_MAX] = "", ran[NUM_SIZE + 24] = "it ran", n[NUM_SIZE];

	hint_fmt_time(time, l->ns);
	hint_fmt_pct(pct, l->ns, h->p->critical.ns);
	if (l->interpreter)
		snprintf(by, sizeof(by), ", run by %.*s", AGG_COMM_LEN,
			 l->interpreter);
	if (manager)
		snprintf(which, sizeof(which), " (\"%s which %s\" prints "
			 "its path)", manager, l->name);
	if (runs > 1) {
		hint_fmt_count(n, runs);
		snprintf(ran, sizeof(ran), "its %s runs ran", n);
	}
	hint_text(hint, "%s is a shim (%s%s): %s %" PRIu32 " process%s "
		  "for %s, %s of wall time, before %s started; running %s "
		  "directly%s would skip that.", l->name, path, by, ran,
		  l->processes, l->processes == 1 ? "" : "es", time, pct,
		  l->started, exe ? exe : l->started, which);
}

/* A shim takes a fair share of the path: say so, and how to run what it
 * chose. */
void hint_shim(struct hint_list *h)
{
	struct hint hint = { .rule = "shim", .names_cause = true };
	const struct critical_launcher *l;
	const struct io_spawn *run;
	char path[PATH_MAX];
	const char *exe;
	char *manager;
	uint64_t runs;

	l = shim_launcher(h->p, path, sizeof(path), &run);
	if (!l || !hint_at_least_pct(l->ns, h->p->critical.ns, SHIM_MIN_PCT))
		return;
	exe = shim_exe(h->p, l);
	manager = shim_manager(path);
	runs = run && run->count ? run->count : 1;	/* else the command */
	shim_text(h, &hint, l, path, exe, manager, runs);
	hint_field_copy(h, &hint, "shim", path);
	hint_field_copy(h, &hint, "interpreter", l->interpreter);
	hint_field_copy(h, &hint, "started", l->started);
	hint_field_copy(h, &hint, "executable", exe);
	hint_field_uint(&hint, "runs", runs);
	hint_field_uint(&hint, "processes", l->processes);
	hint_field_uint(&hint, "ns", l->ns);
	hint_field_real(&hint, "wall_pct", pct_of(l->ns, h->p->critical.ns));
	hint_field_own(&hint, "manager", manager);
	hint_push(h, &hint);
}

/* ---- spawns ------------------------------------------------------------ */

/* shim: the command is one, or ran one (shim_launcher), whose runs before
 * the program it chose started are the shim hint's, not work. */
static enum spawn_advice spawn_advice(const struct hint_list *h, size_t i,
				      const struct spawn_procs_cost *costs,
				      bool shim)
{
	const struct io_spawn *s = &h->p->io.spawns[i];
	uint64_t cost = spawn_cost_ns(h, s);
	bool serial = s->max_parallel == 1 &&
		      s->count >= SPAWN_SERIAL_MIN_COUNT &&
		      hint_at_least_pct(cost, h->p->wall_ns,
					SPAWN_SERIAL_MIN_PCT);

	if (shim && s->prelude_count >= s->count)
		return SPAWN_NONE;
	if (spawn_is_work(s, costs[i].loading_ns))
		return serial ? SPAWN_PARALLELISM : SPAWN_NONE;
	if (serial && !spawn_nested(s) &&
	    hint_at_least_pct(costs[i].wait_ns, s->wall_ns, SPAWN_WAITS_PCT))
		return SPAWN_OVERLAP_WAITS;
	if (s->count < SPAWN_MIN_COUNT ||
	    spawn_share_pct(h, s) < SPAWN_MIN_PCT ||
	    spawn_launches_work(h, s, costs))
		return SPAWN_NONE;
	/* sleep 0.1 in a loop: the time is the sleeps', not the starts' */
	if (hint_at_least_pct(costs[i].sleep_ns, s->wall_ns, SPAWN_WAITS_PCT))
		return SPAWN_SLEEPS;
	return SPAWN_IN_PROCESS;
}

/*
 * "1.4 ms on average, 280 ms in all = 70% of wall time"; when runs were
 * nested in or beside each other, the share is of the time with one
 * going, or, not known in an older profile, at most all of it.
 */
static void spawn_times(const struct hint_list *h, const struct io_spawn *s,
			char *buf, size_t size)
{
	char mean[TIME_SIZE], sum[TIME_SIZE], wall[TIME_SIZE], pct[NUM_SIZE];
	uint64_t cost = spawn_cost_ns(h, s);

	hint_fmt_time(mean, s->wall_ns / s->count);
	hint_fmt_time(sum, s->wall_ns);
	hint_fmt_time(wall, cost);
	hint_fmt_pct(pct, cost, h->p->wall_ns);
	if (s->union_ns && s->union_ns < s->wall_ns)
		snprintf(buf, size, "%s on average, %s in all; %s = %s of wall "
			 "time with runs nested in or beside each other "
			 "counted once", mean, sum, wall, pct);
	else if (!s->union_ns && s->wall_ns > h->p->wall_ns)
		snprintf(buf, size, "%s on average, %s in all, runs nested in "
			 "or beside each other: up to all of the wall time",
			 mean, sum);
	else
		snprintf(buf, size, "%s on average, %s in all = %s of wall "
			 "time", mean, sum, pct);
}

/*
 * "1.6 ms on average, 480 ms in all; 193 ms on the critical path = 11% of
 * wall time, its runs beside other programs' the rest of their 480 ms":
 * what removing them could save, once, where their wall time would count
 * what ran at once (a pipeline's sed and grep) twice.  false: the path
 * does not name it.
 */
static bool spawn_path_times(const struct hint_list *h,
			     const struct io_spawn *s, char *buf, size_t size)
{
	char mean[TIME_SIZE], sum[TIME_SIZE], time[TIME_SIZE], pct[NUM_SIZE];
	char wall[TIME_SIZE], wall_pct[NUM_SIZE];
	uint64_t ns, cost = spawn_cost_ns(h, s);

	if (!spawn_path_ns(h, s, &ns))
		return false;
	hint_fmt_time(mean, s->wall_ns / s->count);
	hint_fmt_time(sum, s->wall_ns);
	hint_fmt_time(time, ns);
	hint_fmt_pct(pct, ns, h->p->critical.ns);
	hint_fmt_time(wall, cost);
	hint_fmt_pct(wall_pct, cost, h->p->wall_ns);
	if (hint_at_least_pct(ns, cost, SPAWN_ON_PATH_PCT))
		snprintf(buf, size, "%s on average, %s in all; %s on the "
			 "critical path%s = %s of wall time", mean, sum, time,
			 ns > cost ? " with starting them (fork to exec)" : "",
			 pct);
	else
		snprintf(buf, size, "%s on average, %s in all; %s on the "
			 "critical path = %s of wall time, its runs overlapping "
			 "other programs the rest of their %s (%s of wall "
			 "time, counting the overlap)", mean, sum, time, pct,
			 wall, wall_pct);
	return true;
}

/* ", 61% of their CPU in the dynamic loader as they started, before
 * main", when that is a fair share; else "". */
static void spawn_loading_text(const struct io_spawn *s, uint64_t loading,
			       char *buf, size_t size)
{
	char pct[NUM_SIZE];

	buf[0] = '\0';
	if (!hint_at_least_pct(loading, s->cpu_ns, SPAWN_LOADING_PCT))
		return;
	hint_fmt_pct(pct, loading, s->cpu_ns);
	snprintf(buf, size, ", %s of their CPU in the dynamic loader as they "
		 "started, before main", pct);
}

/*
 * The shell whose C code forked s's runs (frame: spawn_display_frame),
 * not a place a reader knows, or that ran them with none in a shell's
 * process: its name ("bash"); NULL when the runs were forked elsewhere.
 */
static const char *spawn_shell(const struct hint_list *h,
			       const struct io_spawn *s, int64_t frame)
{
	const char *shell;

	if (frame_in_source(h->p, frame) || s->site < 0 ||
	    (size_t)s->site >= h->p->io.n_sites)
		return NULL;
	shell = frame >= 0 ? h->p->frames[frame].module :
			     procs_exe(h->p, h->p->io.sites[s->site].pid);
	if (frame < 0 && shell)
		shell = path_basename(shell);
	return classify_shell(shell) ? shell : NULL;
}

/*
 * How the program that ran them does what the advice asks, when it has a
 * way: find's "-exec cmd {} +" runs one cmd for many files, xargs -P and
 * make -j run several at once.
 */
static const char *spawner_way(const struct hint_list *h,
			       const struct io_spawn *s,
			       enum spawn_advice advice)
{
	const char *parent = s->parent ? path_basename(s->parent) : "";

	if (advice != SPAWN_IN_PROCESS) {
		if (!strcmp(parent, "xargs"))
			return "xargs -P N";
		if (!strcmp(parent, "find"))
			return "find … -print0 | xargs -0 -P N";
		if (!strcmp(parent, "make") || !strcmp(parent, "gmake"))
			return "make -jN";
		if (classify_shell(parent) ||
		    spawn_shell(h, s, spawn_display_frame(h->p, s)))
			return "each run in the background and one wait "
			       "after the loop, or xargs -P N";
		return "make -jN, a process pool";
	}
	if (!strcmp(parent, "find"))
		return " (find's -exec … {} + in place of -exec … \\;: one "
		       "run for many files)";
	return "";
}

static void spawn_text(const struct hint_list *h, struct hint *hint,
		       const struct io_spawn *s, enum spawn_advice advice,
		       const char *where, const struct spawn_procs_cost *cost)
{
	char count[NUM_SIZE], times[6 * TIME_SIZE + 256], cpu[NUM_SIZE];
	const char *from = where ? ", spawned from " : "";
	char start[NUM_SIZE + 80], wait_pct[NUM_SIZE], sleep_pct[NUM_SIZE];

	hint_fmt_pct(wait_pct, cost->wait_ns, s->wall_ns);
	hint_fmt_pct(sleep_pct, cost->sleep_ns, s->wall_ns);
	hint_fmt_count(count, s->count);
	if (!spawn_path_times(h, s, times, sizeof(times)))
		spawn_times(h, s, times, sizeof(times));
	spawn_loading_text(s, cost->loading_ns, start, sizeof(start));
	/* the CPU of starting a process, fork to exec, is not in the wall */
	hint_fmt_pct(cpu, min_u64(s->cpu_ns, spawn_wall_ns(s)),
		     spawn_wall_ns(s));
	if (advice == SPAWN_OVERLAP_WAITS)
		hint_text(hint, "%s ran %s times, one at a time (%s), %s of it "
			  "waiting on the %s%s%s%s: running several at once "
			  "(%s), where no run needs another's output, would "
			  "overlap those waits.", s->program, count,
			  times, wait_pct, wait_reason_name(cost->wait), start,
			  from, where ? where : "", spawner_way(h, s, advice));
	else if (advice == SPAWN_PARALLELISM)
		hint_text(hint, "%s ran %s times, one at a time (%s), %s of "
			  "it on its own CPU%s%s%s: that is work, not the cost "
			  "of starting processes; running several at once "
			  "(%s), where no run needs another's output, would "
			  "overlap it.", s->program, count, times,
			  cpu, start, from, where ? where : "",
			  spawner_way(h, s, advice));
	else if (advice == SPAWN_SLEEPS)
		hint_text(hint, "%s ran %s times (%s), %s of it sleeping%s%s: "
			  "the script waits on a timer, not on work — sleep "
			  "less or poll less often, or wait for the event "
			  "itself (inotifywait for a file, wait for a process) "
			  "instead of sleeping.", s->program, count, times,
			  sleep_pct, from, where ? where : "");
	else
		hint_text(hint, "%s ran %s times (%s)%s%s%s: doing the work "
			  "in-process or in fewer, larger runs%s would remove "
			  "most of it.", s->program, count, times, start, from,
			  where ? where : "", spawner_way(h, s, advice));
}

/*
 * Where a program's runs were forked: its display frame, or, when that is
 * a shell's own C code (bash's make_child: no place a reader knows) or
 * none in a shell's process, the script: "the loop.sh script (bash)", the
 * process's comm; "a sh script" when that is a shell's name (bash
 * loop.sh, sh -c '...').
 */
static char *spawn_location(struct hint_list *h, const struct io_spawn *s)
{
	int64_t frame = spawn_display_frame(h->p, s);
	const char *shell = spawn_shell(h, s, frame);
	char comm[AGG_COMM_LEN], *out = NULL;
	int n;

	if (!shell)
		return hint_location(h, frame);
	procs_comm(h->p, h->p->io.sites[s->site].pid, comm);
	if (!comm[0] || classify_shell(comm))
		n = asprintf(&out, "a %s script", comm[0] ? comm : shell);
	else
		n = asprintf(&out, "the %s script (%s)", comm, shell);
	if (n < 0)
		h->err = -ENOMEM;
	return n < 0 ? NULL : out;
}

/* A figure a profile saved before it existed lacks: null. */
static void field_known(struct hint *hint, const char *name, uint64_t v)
{
	if (v)
		hint_field_uint(hint, name, v);
	else
		hint_field_null(hint, name);
}

/* pct: spawn_share_pct(h, s), worked out when the spawns were picked. */
static void spawn_hint(struct hint_list *h, const struct io_spawn *s,
		       enum spawn_advice advice, double pct,
		       const struct spawn_procs_cost *cost)
{
	struct hint hint = { .rule = "spawns", .names_cause = true };
	char *where = spawn_location(h, s);
	uint64_t path_ns;

	spawn_text(h, &hint, s, advice, where, cost);
	hint_field_copy(h, &hint, "program", s->program);
	hint_field_uint(&hint, "count", s->count);
	hint_field_uint(&hint, "mean_ns", s->wall_ns / s->count);
	hint_field_uint(&hint, "wall_ns", s->wall_ns);
	hint_field_real(&hint, "wall_pct", pct);
	if (spawn_path_ns(h, s, &path_ns))
		hint_field_uint(&hint, "critical_path_ns", path_ns);
	else
		hint_field_null(&hint, "critical_path_ns");
	hint_field_own(&hint, "location", where);
	field_known(&hint, "union_wall_ns", s->union_ns);
	field_known(&hint, "cpu_ns", s->cpu_ns);
	hint_field_uint(&hint, "loading_cpu_ns", cost->loading_ns);
	field_known(&hint, "max_parallel", s->max_parallel);
	hint_field_copy(h, &hint, "advice", spawn_advice_names[advice]);
	hint_field_uint(&hint, "wait_ns", cost->wait_ns);
	hint_field_copy(h, &hint, "wait", cost->wait_ns ?
			wait_reason_name(cost->wait) : NULL);
	hint_push(h, &hint);
}

/*
 * A program run many times, its runs a good part of the wall time: the
 * cost of starting processes, unless its runs do work (compilers, gzip),
 * which is advice to run them in parallel when they ran one at a time,
 * and no hint when they did not.
 */
struct spawn_pick {
	size_t i;
	enum spawn_advice advice;
	double pct;
};

static int cmp_pick(const void *a, const void *b)
{
	const struct spawn_pick *x = a, *y = b;

	if (x->pct != y->pct)
		return x->pct < y->pct ? 1 : -1;
	return CMP(x->i, y->i);
}

/* Hinted programs by the share each hint quotes, largest first. */
void hint_spawns(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	struct spawn_pick *pick = calloc(io->n_spawns + 1, sizeof(*pick));
	struct spawn_procs_cost *costs = calloc(io->n_spawns + 1,
						sizeof(*costs));
	const struct io_spawn *run;
	char path[PATH_MAX];
	/* a program from a shims directory ran (a script's python3 through
	 * pyenv's shim): its prelude is the shim's, on the path or not */
	bool shim = shim_launcher(h->p, path, sizeof(path), &run) != NULL ||
		    shim_spawn(h->p, NULL) != NULL;
	enum spawn_advice advice;
	size_t i, n = 0;

	if (!pick || !costs) {
		h->err = -ENOMEM;
		goto out;
	}
	/* once each: a launcher's advice weighs each program it ran */
	for (i = 0; i < io->n_spawns; i++)
		spawn_procs_cost(h, &io->spawns[i], &costs[i]);
	for (i = 0; i < io->n_spawns; i++) {
		advice = spawn_advice(h, i, costs, shim);
		if (advice != SPAWN_NONE)
			pick[n++] = (struct spawn_pick){
				i, advice, spawn_share_pct(h, &io->spawns[i]) };
	}
	qsort(pick, n, sizeof(*pick), cmp_pick);
	for (i = 0; i < n; i++)
		spawn_hint(h, &io->spawns[pick[i].i], pick[i].advice,
			   pick[i].pct, &costs[pick[i].i]);
out:
	free(costs);
	free(pick);
}

bool hint_spawning_function(const struct hint_list *h,
			    const struct func_stat *fs)
{
	const struct profile *p = h->p;
	const struct io_site *site;
	uint32_t target = fs - h->agg->funcs, k;
	size_t i;

	for (i = 0; i < p->io.n_spawns; i++) {
		if (p->io.spawns[i].site < 0 ||
		    (size_t)p->io.spawns[i].site >= p->io.n_sites ||
		    !hint_said(h, "spawns", "program",
			       p->io.spawns[i].program))
			continue;
		site = &p->io.sites[p->io.spawns[i].site];
		for (k = 0; k < site->n_frames; k++)
			if (h->agg->frame_func[site->frames[k]] == target)
				return true;
	}
	return false;
}
