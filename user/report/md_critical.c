// SPDX-License-Identifier: GPL-2.0
/*
 * The verdict built on the critical path, in the Markdown summary (its
 * section is md_critical_section.c's).  The path partitions the wall
 * time, so every share here is of the wall time and none passes 100%.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "classify/frame.h"
#include "analyze/procs.h"
#include "report/md.h"

#define CP_SECOND_WAIT_PCT	20	/* a wait category after the first is
					 * named from this % of the path */
#define CP_CPU_WAIT_PCT		25	/* waits for a CPU, from this % */
#define CP_OWN_LOAD_PCT		85	/* the traced CPU time, % of all
					 * CPUs' wall: the load is its own */
#define CP_HINT_MIN_PCT		20.0	/* a hint's cause, % of wall, that the
					 * verdict points to */
#define CP_HINT_CLAUSE_MAX	240	/* bytes of the hint quoted */
#define CP_KERNEL_WALL_PCT	20	/* on-CPU in the kernel, % of the path
					 * (and half the on-CPU), said */
#define CP_KERNEL_PART_PCT	5	/* a system call or page faults, % of
					 * the path, named in it */
#define CP_CALLEE_PCT		20	/* a library's function an application
					 * function's time is in, % of the
					 * path's work, named with it */
#define CP_VERDICT_RUNS		2	/* longest runs of the top program
					 * the verdict names */

/* The row of waits of reason r that holds most of the path (a row of
 * many small targets counts as one: wait_rows_build). */
static const struct wait_row *path_wait(const struct md *m,
					enum wait_reason r)
{
	const struct wait_row *best = NULL, *row;
	size_t i;

	for (i = 0; i < m->n_wait_rows; i++) {
		row = &m->wait_rows[i];
		if (row->reason == r && row->cp_ns &&
		    (!best || row->cp_ns > best->cp_ns))
			best = row;
	}
	return best;
}

/* The innermost function at least half the path's work runs under: where
 * thin spread work comes from (compile() under compileall); NULL when
 * that is the kernel's, a program's entry or none.  Not an interpreter's
 * own C code (a CPython helper every call goes through), which no reader
 * changes, nor its import machinery (the imports hint tells what was
 * imported; py_compile's compile(), not the source_to_code() it calls).
 * app: of the application's functions only. */
static const struct func_stat *path_under(const struct aggregate *agg,
					  uint64_t work, bool app)
{
	const struct func_stat *best = NULL;
	size_t i;

	for (i = 0; i < agg->n_funcs; i++) {
		const struct func_stat *fs = &agg->funcs[i];

		if (fs->cp_ns * 2 < work || fs->cls == CLASS_KERNEL ||
		    (app && fs->cls != CLASS_APP) ||
		    (fs->cls == CLASS_RUNTIME &&
		     classify_interpreter_module(fs->module)) ||
		    classify_importlib_file(fs->file) ||
		    aggregate_entry_function(fs->name))
			continue;
		if (!best || fs->cp_ns < best->cp_ns)
			best = fs;
	}
	return best;
}

/* The source line where program name (a comm) was started from
 * (spawn_display_frame, if frame_in_source); -1 when none, or when the
 * spawns hint the verdict points to (hint) says it. */
static int64_t spawned_at(const struct md *m, const char *name,
			  const struct hint *hint)
{
	const struct hint_field *said = hint && !strcmp(hint->rule, "spawns") ?
					hint_field(hint, "program") : NULL;
	const struct io_spawn *s;
	int64_t frame;
	size_t i;

	for (i = 0; i < m->p->io.n_spawns; i++) {
		s = &m->p->io.spawns[i];
		if (strncmp(path_basename(s->program), name, 15))
			continue;
		if (said && said->type == HINT_STR && said->s &&
		    !strcmp(said->s, s->program))
			return -1;
		frame = spawn_display_frame(m->p, s);
		return frame_in_source(m->p, frame) ? frame : -1;
	}
	return -1;
}

/* "`sed` does the work: 40.7% of the wall time (271 processes), then
 * `date` 34.7% (300)": programs until 80% of the path, at most 3; the
 * first with where the traced program started it, unless hint says.
 * lead: the launcher said before it, whose started program comes first
 * (its shim's bash may hold more of the path); waits: the path is mostly
 * a wait, which no program works in ("`sleep` holds the path"). */
static void md_work_sentence(struct md *m, const struct hint *hint,
			     const struct critical_launcher *lead, bool waits)
{
	const struct profile_critical *c = &m->p->critical;
	char prog[CLEAN_SIZE(64)], name[CLEAN_SIZE(NAME_MAX_BYTES)];
	char where[WHERE_SIZE];
	const struct frame *fr;
	bool after = lead != NULL;
	size_t i, k, first = 0;
	uint64_t sum = 0;
	int64_t at;

	for (k = 0; lead && k < c->n_programs; k++)
		if (!strcmp(c->programs[k].name, lead->started)) {
			first = k;
			break;
		}
	for (i = 0; i < c->n_programs && i < 3; i++) {
		/* first, then the others in their order */
		const struct critical_program *cp =
			&c->programs[!i ? first : i <= first ? i - 1 : i];

		md_clean(prog, cp->name, 64, false);
		if (!i)
			md_printf(&m->doc, "%s `%s` %s: %.1f%% of the wall "
				  "time", after ? "" : ".", prog, waits ?
				  "holds the path" : "does the work",
				  pct_of(cp->ns, c->ns));
		else
			md_printf(&m->doc, "%s`%s` %.1f%%", i == 1 ?
				  ", then " : ", ", prog, pct_of(cp->ns, c->ns));
		if (cp->n_pids > 1)
			md_printf(&m->doc, " (%zu processes)", cp->n_pids);
		at = i ? -1 : spawned_at(m, cp->name, hint);
		if (at >= 0) {
			fr = &m->p->frames[at];
			md_name(name, fr->name, NAME_MAX_BYTES, false);
			fmt_where(where, fr->file, fr->line, fr->module);
			md_printf(&m->doc, ", spawned from `%s` (%s)", name,
				  where);
		}
		sum += cp->ns;
		if (sum * 10 >= c->ns * 8)
			break;
	}
}

/* Threads waited on a lock for a fair share of the wall time, held by
 * code that ran meanwhile (not an idle pool's signaller): the work under
 * it is serial, whatever the path shows running.  Not when the verdict
 * points at the lock_contention hint, which said it. */
static void md_lock_sentence(struct md *m, const struct hint *pointed)
{
	const struct profile_critical *c = &m->p->critical;
	const struct critical_lock *k = NULL;
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], time[DURATION_SIZE];
	const char *verb, *on;
	size_t i;

	if (pointed && !strcmp(pointed->rule, "lock_contention"))
		return;
	for (i = 0; i < c->n_locks && !k; i++)	/* wait_ns desc */
		if (hints_lock_serial(m->p, &c->locks[i]))
			k = &c->locks[i];
	if (!k || k->wait_ns * 5 < c->ns)
		return;
	fmt_duration(time, k->wait_ns);
	md_printf(&m->doc, " %" PRIu32 " thread%s waited %s on a lock",
		  k->waiting_threads, k->waiting_threads == 1 ? "" : "s", time);
	md_name(name, m->p->frames[k->holder_frame].name, NAME_MAX_BYTES,
		false);
	md_printf(&m->doc, " held in `%s`", name);
	verb = hints_lock_held_wait(k, &on);
	if (!verb) {
		md_put(&m->doc, ": the work under it runs one thread at a "
		       "time.");
		return;
	}
	fmt_duration(time, k->holder_wait_ns);
	md_printf(&m->doc, ", which %s %s%s holding it meanwhile: the threads "
		  "take turns on the lock and on that wait.", verb, time, on);
}

/* "; its longest runs: `cc1 … bpf.c` 3.3%, `cc1 … io.c` 2.9% (see
 * Longest runs)": which of the top program's many processes took the
 * time (a build's compiles); false when none of them is among the
 * longest runs.  Runs with nothing to tell them apart (gzip reading a
 * pipe, 542 times: `gzip` 1.0%, `gzip` 1.0%) are not named. */
static bool md_top_runs(struct md *m)
{
	const struct profile_critical *c = &m->p->critical;
	char brief[RUNS_BRIEF_MAX], run[CLEAN_SIZE(RUNS_BRIEF_MAX)];
	char comm[AGG_COMM_LEN], last[RUNS_BRIEF_MAX] = "";
	const struct path_run *r;
	size_t i, k = 0;

	for (i = 0; i < m->n_runs && k < CP_VERDICT_RUNS; i++) {
		r = &m->runs[i];
		procs_comm(m->p, r->pid, comm);
		if (!r->proc || !r->proc->args || !comm[0] ||
		    strncmp(comm, c->programs[0].name, strlen(comm)))
			continue;
		runs_brief(r->proc->args, brief, sizeof(brief));
		if (!strchr(brief, ' ') || !strcmp(brief, last))
			continue;
		strcpy(last, brief);
		md_clean(run, brief, RUNS_BRIEF_MAX, false);
		md_printf(&m->doc, "%s`%s` %.1f%%", k++ ? ", " :
			  "; its longest runs: ", run, pct_of(r->ns, c->ns));
	}
	if (k)
		md_put(&m->doc, " (see Longest runs)");
	return k;
}

/* "; of its own code, `test_json` (test_x.py:10) ran in 41.0% of on-CPU
 * samples with its callees": work under a framework's function (pytest's
 * runner, a web server's) is the program's own functions' that the
 * framework calls: the named one with the most samples, from
 * CP_CALLEE_PCT of them; not an outer one holding as much of the path as
 * under does (main() around it all). */
static void md_own_code(struct md *m, const struct func_stat *under)
{
	const struct func_stat *best = NULL, *fs;
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char share[SHARE_SIZE];
	size_t i;

	if (under->cls == CLASS_APP)
		return;
	for (i = 0; i < m->agg->n_funcs; i++) {
		fs = &m->agg->funcs[i];
		if (fs->cls == CLASS_APP && fs->name[0] != '[' &&
		    !aggregate_entry_function(fs->name) &&
		    (!best || fs->total > best->total))
			best = fs;
	}
	if (!best || best->total * 100 < m->agg->samples * CP_CALLEE_PCT ||
	    best->cp_ns >= under->cp_ns)
		return;
	md_name(name, best->name, NAME_MAX_BYTES, false);
	fmt_where(where, best->file, best->line, best->module);
	fmt_share(share, best->total, m->agg->samples);
	md_printf(&m->doc, "; of its own code, `%s` (%s) ran in %s of on-CPU "
		  "samples with its callees", name, where, share);
}

/* "; its busiest lines, of on-CPU samples: etl.py:6 `w.writerow(row)`
 * 31.4%, etl.py:15 `db.execute(…)` 26.1%": work under no function but
 * the entry (a script's top-level code) is told by the lines it ran, from
 * CP_CALLEE_PCT of the samples, at most MD_VERDICT_LINES. */
static void md_busy_lines(struct md *m)
{
	char where[WHERE_SIZE], src[SOURCE_CELL_SIZE], share[SHARE_SIZE];
	const struct line_stat *l;
	size_t i, n = 0;

	while (n < MD_VERDICT_LINES && n < m->n_sources &&
	       m->agg->lines[n].samples * 100 >=
	       m->agg->samples * CP_CALLEE_PCT)
		n++;
	for (i = 0; i < n; i++) {
		l = &m->agg->lines[i];
		fmt_where(where, l->file, l->line, NULL);
		fmt_source(src, m->sources[i]);
		fmt_share(share, l->samples, m->agg->samples);
		md_printf(&m->doc, "%s%s%s%s %s", i ? ", " : n > 1 ?
			  "; its busiest lines, of on-CPU samples: " :
			  "; its busiest line, of on-CPU samples: ", where,
			  m->sources[i] && *m->sources[i] ? " " : "",
			  m->sources[i] && *m->sources[i] ? src : "", share);
	}
}

/* "spread thin: no function has 5% of it on its own (the most, `x` in
 * y.c:3, 2.1%); most of it under `compile` (py_compile.py:163), 81.0% of
 * the wall time with its callees"; what it is under unnamed (stripped
 * code), which of the program's runs took it.  pct: the 5% (10% when
 * md_most_is_minor()). */
static int md_spread_thin(struct md *m, const struct func_stat *most,
			  const char *name, const char *where, int pct)
{
	const struct profile_critical *c = &m->p->critical;
	uint64_t work = aggregate_path_work_ns(m->agg, c);
	const struct func_stat *under = path_under(m->agg, work, false);
	char uname[CLEAN_SIZE(NAME_MAX_BYTES)], uwhere[WHERE_SIZE];
	struct func_time entry;
	int err = aggregate_stripped_entry(m->p, m->agg, most, &entry);

	if (err)
		return err;
	md_printf(&m->doc, "; spread thin: no function has %d%% of it on its "
		  "own (the most, `%s` in %s", pct, name, where);
	/* stripped code: the named function it runs inside */
	if (entry.func) {
		md_name(uname, entry.func->name, NAME_MAX_BYTES, false);
		md_printf(&m->doc, ", inside `%s`", uname);
	}
	md_printf(&m->doc, ", %.1f%%",
		  pct_of(aggregate_verdict_own_ns(m->agg, most), c->ns));
	if (under == most && !aggregate_path_idle(m->agg))
		md_printf(&m->doc, ", and %.1f%% of the wall time with its "
			  "callees", pct_of(under->cp_ns, c->ns));
	md_put(&m->doc, ")");
	if (aggregate_path_idle(m->agg))
		return 0;
	if (!under) {
		md_busy_lines(m);
		return 0;
	}
	if (under == most || (under->name[0] == '[' && md_top_runs(m)))
		return 0;
	md_name(uname, under->name, NAME_MAX_BYTES, false);
	fmt_where(uwhere, under->file, under->line, under->module);
	md_printf(&m->doc, "; most of it under `%s` (%s), %.1f%% of the "
		  "wall time with its callees", uname, uwhere,
		  pct_of(under->cp_ns, c->ns));
	md_own_code(m, under);
	return 0;
}

/* A library's or runtime's function is not what the reader changes: the
 * application function it was called from; stripped code, the named
 * function it runs inside too. */
int md_called_from(struct md *m, const struct func_stat *fs)
{
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	const struct frame *fr;
	struct func_time entry;
	struct app_caller caller;
	int err;

	err = aggregate_stripped_entry(m->p, m->agg, fs, &entry);
	if (err)
		return err;
	err = aggregate_app_caller(m->p, m->agg, fs, &caller);
	if (!err && entry.func) {
		md_name(name, entry.func->name, NAME_MAX_BYTES, false);
		md_printf(&m->doc, ", inside `%s`%s", name,
			  caller.func || caller.loading_pid >= 0 ? "," : "");
	}
	if (!err && caller.loading_pid >= 0) {
		char comm[AGG_COMM_LEN];

		procs_comm(m->p, caller.loading_pid, comm);
		md_name(name, comm, NAME_MAX_BYTES, false);
		md_printf(&m->doc, " as `%s` processes started, before main "
			  "(the dynamic loader binding their libraries' "
			  "symbols)", name);
		return 0;
	}
	if (err || !caller.func)
		return err;
	fr = caller.frame >= 0 ? &m->p->frames[caller.frame] : NULL;
	md_name(name, caller.func->name, NAME_MAX_BYTES, false);
	if (fr && fr->file && fr->line > 0)
		fmt_where(where, fr->file, fr->line, fr->module);
	else
		fmt_where(where, caller.func->file, caller.func->line,
			  caller.func->module);
	md_printf(&m->doc, " called from `%s` (%s)", name, where);
	return 0;
}

/*
 * ", 70.1% in the kernel: system calls `openat` 23.5%, `link` 7.9%, ...;
 * page faults 12.0%", when the kernel's share is a fair part of the wall
 * time and most of the time on the CPU: the program's cost is its system
 * calls (tar, cp -r, git add), not the function the verdict names.
 */
static void md_kernel_clause(struct md *m)
{
	const struct profile_critical *c = &m->p->critical;
	struct kernel_split ks;

	aggregate_kernel_split(m->p, m->agg, &ks);
	if (ks.ns * 100 < c->ns * CP_KERNEL_WALL_PCT ||
	    ks.ns * 2 < m->agg->cp.ns[WAIT_NONE])
		return;
	md_printf(&m->doc, ", %.1f%% in the kernel", pct_of(ks.ns, c->ns));
	md_kernel_parts(m, &ks, c->ns);
}

size_t md_kernel_parts(struct md *m, const struct kernel_split *ks,
		       uint64_t whole)
{
	char name[CLEAN_SIZE(NAME_MAX_BYTES)];
	size_t i;

	for (i = 0; i < ks->n_syscalls; i++) {
		if (ks->syscalls[i].ns * 100 < whole * CP_KERNEL_PART_PCT)
			break;
		md_name(name, ks->syscalls[i].name, NAME_MAX_BYTES, false);
		md_printf(&m->doc, "%s`%s` %.1f%%",
			  i ? ", " : ": system calls ", name,
			  pct_of(ks->syscalls[i].ns, whole));
	}
	if (ks->page_fault_ns * 100 < whole * CP_KERNEL_PART_PCT)
		return i;
	md_printf(&m->doc, "%spage faults %.1f%%", i ? "; " : ": ",
		  pct_of(ks->page_fault_ns, whole));
	return i + 1;
}

/* ", of which `memcmp` (runtime, libc.so.6) 38.4%": what an application
 * function's time went to, when that is a library's or runtime's code
 * and a fair share of the path (a C++ map's string compares inlined into
 * main). */
static int md_callee_clause(struct md *m, const struct func_stat *fs)
{
	const struct profile_critical *c = &m->p->critical;
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	struct func_time tc;
	int err = aggregate_top_callee(m->p, m->agg, fs, &tc);

	if (err || !tc.func || tc.ns * 100 < aggregate_path_work_ns(m->agg, c) *
						 CP_CALLEE_PCT)
		return err;
	md_name(name, tc.func->name, NAME_MAX_BYTES, false);
	fmt_where(where, tc.func->file, tc.func->line, tc.func->module);
	md_printf(&m->doc, ", of which `%s` (%s, %s) %.1f%%", name,
		  frame_class_name(tc.func->cls), where, pct_of(tc.ns, c->ns));
	return 0;
}

/* "; most of it under `main::count` (main.rs:5), 85.0%": an application
 * function the named one calls that holds most of the path (a Rust
 * main() whose own loop leads by own time, its count() by its callees). */
static void md_app_under(struct md *m, const struct func_stat *fs)
{
	const struct profile_critical *c = &m->p->critical;
	const struct func_stat *under = path_under(m->agg,
						   aggregate_path_work_ns(m->agg, c),
						   true);
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];

	/* a caller of fs whose share is less only for stacks cut short
	 * (Rust's lang_start under main) is no part of it */
	if (!under || under == fs || fs->cls != CLASS_APP ||
	    under->cp_ns >= fs->cp_ns ||
	    aggregate_path_idle(m->agg) ||
	    aggregate_under_ns(m->p, m->agg, fs, under) * 2 < under->cp_ns)
		return;
	md_name(name, under->name, NAME_MAX_BYTES, false);
	fmt_where(where, under->file, under->line, under->module);
	md_printf(&m->doc, "; most of it under `%s` (%s), %.1f%%", name, where,
		  pct_of(under->cp_ns, c->ns));
}

/*
 * "; while it ran (70.0 ms on the CPU, 12 threads), most of it under
 * `do_GET` (server.py:672), 61.0% of on-CPU samples with its callees":
 * what an idle server did when asked, in whichever thread served (a
 * thread per request is on no path but its own); else the function of
 * most samples of its own.
 */
static int md_idle_work(struct md *m)
{
	const struct aggregate *agg = m->agg;
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char time[DURATION_SIZE], share[SHARE_SIZE];
	bool under;
	const struct func_stat *fs = aggregate_idle_function(agg, &under);

	if (!fs || !agg->samples)	/* it never ran: nothing to name */
		return 0;
	md_name(name, fs->name, NAME_MAX_BYTES, false);
	fmt_where(where, fs->file, fs->line, fs->module);
	fmt_duration(time, agg->time.ns[WAIT_NONE]);
	md_printf(&m->doc, "; while it ran (%s on the CPU, %zu thread%s", time,
		  agg->n_threads, agg->n_threads == 1 ? "" : "s");
	/* a pre-forking server's workers: processes, not its threads */
	if (agg->n_procs > 1)
		md_printf(&m->doc, " in %zu processes", agg->n_procs);
	md_printf(&m->doc, "), most %s `%s` (%s, %s)",
		  under ? "of it under" : "in", name,
		  frame_class_name(fs->cls), where);
	if (!under && md_called_from(m, fs))
		return -ENOMEM;
	fmt_share(share, under ? fs->total : fs->self, agg->samples);
	md_printf(&m->doc, ", %s of on-CPU samples%s", share,
		  under ? " with its callees" : " (self)");
	return 0;
}

/*
 * "; most in the code of `MorphologyApply` (library, libMagickCore…: 2
 * functions with no symbol, and its own), 27.7% of the wall time on
 * their own": a stripped library's function split in several static ones
 * outweighs fs (aggregate_stripped_group).  1 when said, 0 not, -ENOMEM.
 */
static int md_stripped_group(struct md *m, const struct func_stat *fs)
{
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], module[CLEAN_SIZE(NAME_MAX_BYTES)];
	struct func_time group;
	uint32_t members;
	int err = aggregate_stripped_group(m->p, m->agg, fs, &group, &members);

	if (err || !group.func)
		return err;
	md_name(name, group.func->name, NAME_MAX_BYTES, false);
	md_clean(module, group.func->module ? group.func->module : "?",
		 NAME_MAX_BYTES, false);
	md_printf(&m->doc, "; most in the code of `%s` (%s, %s: %" PRIu32
		  " functions with no symbol, and its own)", name,
		  frame_class_name(group.func->cls), module, members);
	err = md_called_from(m, group.func);
	if (err)
		return err;
	md_printf(&m->doc, ", %.1f%% of the wall time on their own",
		  pct_of(group.ns, m->p->critical.ns));
	return 1;
}

/* Another wait category of the program's, not the first, that holds a
 * fair share of the path: "; 30.2% is sleeping (in `<module>`,
 * sl.py:7)".  Waits for a CPU are the machine's load: md_cpu_wait. */
static enum wait_reason second_wait(const struct md *m, enum wait_reason first)
{
	const struct time_split *t = &m->agg->cp;
	enum wait_reason order[WAIT__COUNT];
	size_t i, n = categories_by_time(t, order);

	for (i = 0; i < n; i++) {
		enum wait_reason r = order[i];

		if (r == first || r == WAIT_NONE || r == WAIT_CPU)
			continue;
		if (t->ns[r] * 100 >= m->p->critical.ns * CP_SECOND_WAIT_PCT)
			return r;
		break;
	}
	return WAIT_NONE;
}

/*
 * Waits for a CPU, not the first category, when they hold enough of the
 * path that the program's own figures leave out a large part: a busy
 * machine (two loops beside it: 34%) slows what it runs.  When the traced
 * programs themselves kept the CPUs busy (ninja's four compilers on two
 * CPUs), the load is theirs, and other programs are not to blame.
 */
static void md_cpu_wait(struct md *m, enum wait_reason first)
{
	const struct profile *p = m->p;
	uint64_t ns = m->agg->cp.ns[WAIT_CPU];
	uint64_t cpu = p->cpu_user_ns + p->cpu_sys_ns;
	uint64_t room = (uint64_t)p->n_cpus * p->wall_ns;
	char cpu_s[DURATION_SIZE], wall_s[DURATION_SIZE];

	if (first == WAIT_CPU ||
	    ns * 100 < m->p->critical.ns * CP_CPU_WAIT_PCT)
		return;
	md_printf(&m->doc, "; %.1f%% is %s", pct_of(ns, p->critical.ns),
		  md_categories[WAIT_CPU].doing);
	if (!room || (unsigned __int128)cpu * 100 <
		     (unsigned __int128)room * CP_OWN_LOAD_PCT) {
		md_printf(&m->doc, " (the machine's load: other programs, or "
			  "more runnable threads than CPUs)");
		return;
	}
	fmt_duration(cpu_s, cpu);
	fmt_duration(wall_s, p->wall_ns);
	md_printf(&m->doc, ": the traced programs kept the machine's %u "
		  "CPUs %.0f%% busy themselves (%s of CPU time in %s), more "
		  "of their threads runnable at once than there are CPUs",
		  p->n_cpus, pct_of(cpu, room), cpu_s, wall_s);
}

static void md_second_wait(struct md *m, enum wait_reason first)
{
	enum wait_reason r = second_wait(m, first);
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	const struct wait_row *wait;
	const struct frame *fr;

	if (r == WAIT_NONE)
		return;
	md_printf(&m->doc, "; %.1f%% is %s",
		  pct_of(m->agg->cp.ns[r], m->p->critical.ns),
		  md_categories[r].doing);
	wait = path_wait(m, r);
	fr = wait ? wait->where : NULL;
	if (!wait || wait->target || !fr || !fr->file) {
		if (wait)
			md_wait_context(m, wait);
		return;
	}
	md_name(name, fr->name, NAME_MAX_BYTES, false);
	fmt_where(where, fr->file, fr->line, fr->module);
	md_printf(&m->doc, " (in `%s`, %s)", name, where);
}

/* The hint's share of the wall time, -1 when it has none (a library
 * function's share is of on-CPU time: it is the verdict's own kind).
 * cost_pct first: a hint that weighs more than its syscalls says so
 * (files reread: their opener's time that went to rereading them). */
static double hint_wall_pct(const struct md *m, const struct hint *h)
{
	static const char *const names[] = {
		"cost_pct", "sleep_pct", "time_pct", "syscall_pct",
		"busy_pct", "wall_pct", "wait_pct",
	};
	const struct hint_field *f;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		f = hint_field(h, names[i]);
		if (f && f->type == HINT_REAL)
			return f->d;
	}
	f = hint_field(h, "wait_ns");	/* lock_contention */
	if (f && f->type == HINT_UINT && m->p->wall_ns)
		return pct_of(f->u, m->p->wall_ns);
	return -1;
}

/* The hint is about fs: its location is "name (file:line)" of fs. */
static bool hint_is_at(const struct hint *h, const struct func_stat *fs)
{
	const struct hint_field *f = hint_field(h, "location");
	size_t n;

	if (!fs || !fs->name || !f || f->type != HINT_STR || !f->s)
		return false;
	n = strlen(fs->name);
	return !strncmp(f->s, fs->name, n) &&
	       (!f->s[n] || !strncmp(f->s + n, " (", 2));
}

/*
 * The largest hint whose cause holds a fair share of the wall time
 * somewhere the verdict's function is not, or one that names a cause
 * (hint.names_cause) even there; NULL when none.  Sleeps the verdict already named are not said twice.
 */
static const struct hint *pointed_hint(const struct md *m,
				       const struct func_stat *fs,
				       enum wait_reason first)
{
	const struct hint *best = NULL;
	double pct, best_pct = CP_HINT_MIN_PCT;
	size_t i;

	for (i = 0; i < m->n_hints; i++) {
		/* a shim is the launchers sentence's, with its figures */
		if (!strcmp(m->hints[i].rule, "shim"))
			continue;
		pct = hint_wall_pct(m, &m->hints[i]);
		if (pct >= best_pct) {
			best = &m->hints[i];
			best_pct = pct;
		}
	}
	if (!best || !best->text ||
	    (hint_is_at(best, fs) && !best->names_cause))
		return NULL;
	if (!strcmp(best->rule, "sleeps") && (first == WAIT_SLEEP ||
					      second_wait(m, first) ==
					      WAIT_SLEEP))
		return NULL;
	return best;
}

/* A hint's first clause, to its first ": "; a longer one than
 * CP_HINT_CLAUSE_MAX to its last ", " before that outside parentheses, so
 * it ends whole ("…, before main"), not in a word. */
static size_t hint_clause_len(const char *text)
{
	const char *cut = strstr(text, ": ");
	size_t n = cut ? (size_t)(cut - text) : strlen(text), i, last = 0;
	int depth = 0;

	if (n <= CP_HINT_CLAUSE_MAX)
		return n;
	for (i = 0; i < CP_HINT_CLAUSE_MAX; i++) {
		if (text[i] == '(')
			depth++;
		else if (text[i] == ')' && depth)
			depth--;
		else if (!depth && text[i] == ',' && text[i + 1] == ' ')
			last = i;
	}
	return last ? last : CP_HINT_CLAUSE_MAX;
}

/* "; see the `small_writes` hint: 1.2M writes … took 21% of wall time
 * (…)", the hint's first clause. */
static void md_hint_pointer(struct md *m, const struct hint *best)
{
	char text[CLEAN_SIZE(CP_HINT_CLAUSE_MAX)], clause[CP_HINT_CLAUSE_MAX + 1];
	size_t n;

	if (!best)
		return;
	n = hint_clause_len(best->text);
	memcpy(clause, best->text, n);
	clause[n] = '\0';
	md_text(text, clause, CP_HINT_CLAUSE_MAX, false, true);
	md_printf(&m->doc, "; see the `%s` hint: %s", best->rule, text);
}

/* What an idle server's path waits in: new connections (an accept, a
 * listening socket), else its event loop's poll. */
static const char *idle_doing(const struct wait_row *wait)
{
	return wait && wait_target_idle(wait->target) ?
	       "idle, waiting for new connections" :
	       "idle, waiting in its event loop for requests";
}

/* A virtio driver ringing its device: on a virtual machine each such
 * register write exits to the hypervisor, the time of it sampled here
 * (iowrite16 under a cold read or an fdatasync). */
static bool device_notify(const struct func_stat *fs)
{
	static const char *const names[] = {
		"iowrite8", "iowrite16", "iowrite32", "vp_notify",
		"virtqueue_notify",
	};

	return fs->cls == CLASS_KERNEL &&
	       name_in(fs->name, names, ARRAY_SIZE(names));
}

/*
 * The function of most own time, fs, has less than CP_MINOR_OWN_PCT of the
 * path's work, and another function (not one fs calls) holds twice what
 * fs does with its callees: the verdict leads with that one, as spread
 * thin.  A JavaScript program whose hashes() spends 58% in Node's and
 * libc's code, 2% each, was said to be "most in" fib(), 6.4% of it.
 */
#define CP_MINOR_OWN_PCT	10

static bool md_most_is_minor(const struct md *m, const struct func_stat *fs)
{
	uint64_t work = aggregate_path_work_ns(m->agg, &m->p->critical);
	const struct func_stat *under = path_under(m->agg, work, false);

	return under && under != fs && under->cp_ns >= 2 * fs->cp_ns &&
	       aggregate_verdict_own_ns(m->agg, fs) * 100 <
	       work * CP_MINOR_OWN_PCT;
}

/* "; most in `x` (app, a.c:3) …", a stripped library's code by its entry
 * (md_stripped_group), or spread thin: what of the path's work fs, the
 * function of most own time, tells.  0 or -ENOMEM. */
static int md_path_function(struct md *m, const struct func_stat *fs)
{
	const struct profile_critical *c = &m->p->critical;
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	const char *kctx;
	bool faults, major;
	int err;

	md_name(name, fs->name, NAME_MAX_BYTES, false);
	fmt_where(where, fs->file, fs->line, fs->module);
	major = aggregate_verdict_own_ns(m->agg, fs) * 20 >=
		aggregate_path_work_ns(m->agg, c);
	if (!major || md_most_is_minor(m, fs))
		return md_spread_thin(m, fs, name, where,
				      major ? CP_MINOR_OWN_PCT : 5);
	err = md_stripped_group(m, fs);
	if (err)
		return err < 0 ? err : 0;
	kctx = aggregate_kernel_context(m->p, m->agg, fs, &faults);
	if (faults)
		snprintf(where, sizeof(where), "in page faults");
	else if (kctx)
		snprintf(where, sizeof(where), "%sin the `%.32s` system call",
			 device_notify(fs) ? "notifying the device, " : "",
			 kctx);
	md_printf(&m->doc, "; most in `%s` (%s, %s)", name,
		  frame_class_name(fs->cls), where);
	err = md_called_from(m, fs);
	if (err)
		return err;
	md_printf(&m->doc, ", %.1f%% of the wall time with its callees",
		  pct_of(fs->cp_ns, c->ns));
	err = md_callee_clause(m, fs);
	if (err)
		return err;
	md_app_under(m, fs);
	/* a stripped program's address says little; which of its runs (git
	 * gc's pack-objects) says more */
	if (aggregate_unnamed_function(fs))
		md_top_runs(m);
	return 0;
}

int md_critical_verdict(struct md *m)
{
	const struct profile_critical *c = &m->p->critical;
	const struct time_split *t = &m->agg->cp;
	enum wait_reason order[WAIT__COUNT], r;
	const struct wait_row *wait;
	const struct func_stat *fs = aggregate_path_function(m->agg, c);
	const struct critical_launcher *lead = md_leading_launcher(m);
	const struct hint *hint;
	bool idle;
	int err;

	categories_by_time(t, order);
	r = order[0];
	/* a server that waits for connections is idle: said, and what it
	 * did when asked is named instead (md_idle_work) */
	idle = r != WAIT_NONE && aggregate_path_idle(m->agg);
	if (r == WAIT_NONE) {
		md_printf(&m->doc, "On the critical path, %.1f%% of the wall "
			  "time is on-CPU", pct_of(t->ns[WAIT_NONE], c->ns));
		md_kernel_clause(m);
	} else {
		wait = path_wait(m, r);
		md_printf(&m->doc, "On the critical path, %.1f%% of the wall "
			  "time is %s", pct_of(idle ? m->agg->cp_idle.offcpu_ns :
					       t->ns[r], c->ns),
			  idle ? idle_doing(wait) : md_categories[r].doing);
		if (wait)
			md_wait_context(m, wait);
		md_printf(&m->doc, "; on-CPU time is %.1f%%",
			  pct_of(t->ns[WAIT_NONE], c->ns));
		md_kernel_clause(m);
	}
	md_second_wait(m, r);
	md_cpu_wait(m, r);
	hint = pointed_hint(m, fs, r);
	if (lead) {
		md_put(&m->doc, ".");
		md_launcher_say(m, lead);
	}
	md_work_sentence(m, hint, lead, r != WAIT_NONE);
	if (idle) {
		err = md_idle_work(m);
		if (err)
			return err;
	} else if (fs) {
		err = md_path_function(m, fs);
		if (err)
			return err;
	}
	md_hint_pointer(m, hint);
	md_put(&m->doc, ".");
	md_lock_sentence(m, hint);
	md_launchers_sentence(m, lead);
	return 0;
}
