// SPDX-License-Identifier: GPL-2.0
/*
 * The critical path's section in the Markdown summary: the programs on it,
 * the launchers, the longest runs and the functions, each with its share
 * of the wall time, which the path partitions; and what the verdict says
 * of the launchers.
 */
#include <inttypes.h>
#include <stdio.h>

#include "lib/util.h"
#include "analyze/procs.h"
#include "analyze/runs.h"
#include "report/md.h"

#define CP_MAX_PIDS_SHOWN	4

/* ---- the verdict's sentences about launchers ---- */

void md_launcher_say(struct md *m, const struct critical_launcher *l)
{
	const struct profile_critical *c = &m->p->critical;
	char name[CLEAN_SIZE(64)], interp[CLEAN_SIZE(64)];
	char started[CLEAN_SIZE(64)], time[DURATION_SIZE];

	md_clean(name, l->name, 64, false);
	md_clean(started, l->started, 64, false);
	fmt_duration(time, l->ns);
	md_printf(&m->doc, " `%s` is a launcher", name);
	if (l->interpreter) {
		md_clean(interp, l->interpreter, 64, false);
		md_printf(&m->doc, " (%s)", interp);
	}
	if (l->waited)
		md_printf(&m->doc, " waiting for `%s`: its own %s in "
			  "%" PRIu32 " process%s (%.1f%% of wall).",
			  started, time, l->processes,
			  l->processes == 1 ? "" : "es",
			  pct_of(l->ns, c->ns));
	else
		md_printf(&m->doc, ": %s in %" PRIu32 " process%s "
			  "before %s started (%.1f%% of wall).", time,
			  l->processes, l->processes == 1 ? "" : "es",
			  started, pct_of(l->ns, c->ns));
}

/* A fair finding from 5% of the path on; the section lists them all. */
static bool launcher_worth_saying(const struct profile_critical *c,
				  const struct critical_launcher *l)
{
	return l->ns * 20 >= c->ns;
}

const struct critical_launcher *md_leading_launcher(const struct md *m)
{
	const struct profile_critical *c = &m->p->critical;

	if (!c->n_launchers || !c->n_programs ||
	    !launcher_worth_saying(c, &c->launchers[0]) ||
	    c->launchers[0].ns <= c->programs[0].ns)
		return NULL;
	return &c->launchers[0];
}

void md_launchers_sentence(struct md *m, const struct critical_launcher *said)
{
	const struct profile_critical *c = &m->p->critical;
	size_t i;

	for (i = 0; i < c->n_launchers && i < 2; i++) {
		if (!launcher_worth_saying(c, &c->launchers[i]))
			break;
		if (&c->launchers[i] != said)
			md_launcher_say(m, &c->launchers[i]);
	}
}

/* ---- the section ---- */

static char *program_row(const struct md *m, size_t i)
{
	const struct critical_program *cp = &m->p->critical.programs[i];
	char name[CLEAN_SIZE(64)], time[DURATION_SIZE], pids[64];
	size_t k;
	int len = 0;

	md_clean(name, cp->name, 64, false);
	fmt_duration(time, cp->ns);
	pids[0] = '\0';
	for (k = 0; k < cp->n_pids && k < CP_MAX_PIDS_SHOWN; k++)
		len += snprintf(pids + len, sizeof(pids) - len, "%s%" PRIu32,
				k ? ", " : "", cp->pids[k]);
	if (cp->n_pids > CP_MAX_PIDS_SHOWN)
		snprintf(pids + len, sizeof(pids) - len, " … (%zu)",
			 cp->n_pids);
	return str_printf("| `%s` | %s | %s | %.1f%% |\n", name, pids, time,
			  pct_of(cp->ns, m->p->critical.ns));
}

static char *run_row(const struct md *m, size_t i)
{
	const struct path_run *r = &m->runs[i];
	const char *args = r->proc ? r->proc->args : NULL;
	char comm[AGG_COMM_LEN], name[CLEAN_SIZE(64)], time[DURATION_SIZE];
	char brief[RUNS_BRIEF_MAX], run[CLEAN_SIZE(RUNS_BRIEF_MAX)];

	procs_comm(m->p, r->pid, comm);
	md_clean(name, comm, 64, false);
	runs_brief(args, brief, sizeof(brief));
	md_clean(run, brief[0] ? brief : "—", RUNS_BRIEF_MAX, false);
	fmt_duration(time, r->ns);
	return str_printf("| %" PRIu32 " | `%s` | %s | %s | %.1f%% |\n",
			  r->pid, name, run, time,
			  pct_of(r->ns, m->p->critical.ns));
}

static char *path_func_row(const struct md *m, size_t i)
{
	const struct func_stat *fs = &m->agg->funcs[m->agg->by_cp[i]];
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[FRAME_WHERE_SIZE];
	char own[DURATION_SIZE];

	md_name(name, fs->name, NAME_MAX_BYTES, false);
	md_func_where(m, fs, where);
	fmt_duration(own, fs->own_cp_ns);
	return str_printf("| `%s` | %s | %s | %.1f%% | %.1f%% |\n", name, where,
			  own, pct_of(fs->own_cp_ns, m->p->critical.ns),
			  pct_of(fs->cp_ns, m->p->critical.ns));
}

static char *launcher_row(const struct md *m, size_t i)
{
	const struct critical_launcher *l = &m->p->critical.launchers[i];
	char name[CLEAN_SIZE(64)], interp[CLEAN_SIZE(64)];
	char started[CLEAN_SIZE(64)], time[DURATION_SIZE];

	md_clean(name, l->name, 64, false);
	md_clean(interp, l->interpreter ? l->interpreter : "—", 64, false);
	md_clean(started, l->started, 64, false);
	fmt_duration(time, l->ns);
	return str_printf("| `%s` | %s | `%s` | %" PRIu32 " | %s | %.1f%% |\n",
			  name, interp, started, l->processes, time,
			  pct_of(l->ns, m->p->critical.ns));
}

void md_unsampled_note(struct md *m)
{
	if (m->unsampled_noted)
		return;
	m->unsampled_noted = true;
	md_printf(&m->doc, "\n`[program: not sampled]`: time a process of "
		  "the program was on the critical path, running (its "
		  "start-up: fork, exec, the dynamic linker; or a run "
		  "shorter than a sample period) where no sample fell; "
		  "`[program: off-CPU, unseen]`: off the CPU with no wait "
		  "traced (begun before the recording, or its event lost). "
		  "Nothing was sampled or traced there, so their on-CPU and "
		  "off-CPU cells are empty; their wall share is the path's "
		  "own measure.\n");
}

/* One of the first n functions on the path is such a frame. */
static bool path_shows_unsampled(const struct md *m, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < m->agg->n_by_cp; i++)
		if (profile_name_unsampled(m->agg->funcs[m->agg->by_cp[i]].name))
			return true;
	return false;
}

int md_critical(struct md *m, size_t *shown_programs, size_t *shown_funcs)
{
	size_t shown_launchers, shown_runs;
	static const char programs_head[] =
		"\n## Critical path\n\n"
		"What held up the end of the run: the wall time of the thread "
		"that ended it, "
		"each wait another traced thread or process ended (a lock "
		"released, a pipe written, a child exited) charged to what "
		"that one did meanwhile. It adds up to the wall time, so no "
		"share passes 100%.\n\n"
		"| program | pids | time | % of wall |\n|---|---|--:|--:|\n";
	static const char launchers_head[] =
		"\nLaunchers: processes that mostly waited for what they "
		"started (shims, `sh -c`, make, compiler drivers), with their "
		"own cost on the path; a shim that exec'd the program, all "
		"that ran before it. Started: what their own children ran, "
		"the program longest on the path; one row per launcher "
		"program, interpreter and started program.\n\n"
		"| launcher | run by | started | processes | time | % of wall "
		"|\n|---|---|---|--:|--:|--:|\n";
	static const char runs_head[] =
		"\nLongest runs: the processes longest on the path, by "
		"their command lines (the program, then its operands: "
		"options and their values left out).\n\n"
		"| pid | program | run | time | % of wall |\n"
		"|--:|---|---|--:|--:|\n";
	static const char funcs_head[] =
		"\nFunctions: their time on the path but for waits for a "
		"CPU (the machine's load, in its own row above).\n\n"
		"| function on the path | where | own | own % | with "
		"callees % |\n|---|---|--:|--:|--:|\n";
	int err;

	if (!m->agg->cp_known)
		return 0;
	err = md_table(m, programs_head, m->p->critical.n_programs,
		       program_row, shown_programs);
	if (!err && m->p->critical.n_launchers)
		err = md_table(m, launchers_head, m->p->critical.n_launchers,
			       launcher_row, &shown_launchers);
	if (!err && m->n_runs)
		err = md_table(m, runs_head, m->n_runs, run_row,
			       &shown_runs);
	if (!err)
		err = md_table(m, funcs_head, m->agg->n_by_cp, path_func_row,
			       shown_funcs);
	if (!err && path_shows_unsampled(m, *shown_funcs))
		md_unsampled_note(m);
	return err;
}
