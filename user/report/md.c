// SPDX-License-Identifier: GPL-2.0
/*
 * The Markdown summary: what a person or an AI assistant reads first.
 * Sections come in order of importance and the document stays within the
 * token budget: tables lose rows from the bottom, the data-quality
 * section is always kept (its room is reserved up front), and the last
 * line says what was left out.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/procs.h"
#include "report/source.h"
#include "classify/frame.h"
#include "analyze/hints.h"
#include "report/report.h"
#include "report/md_util.h"
#include "report/md_quality.h"
#include "analyze/shortfall.h"
#include "classify/wait.h"

#define PATH_MAX_BYTES		400	/* a formatted call path */
#define TITLE_MAX_BYTES		200
#define HINT_MAX_BYTES		600	/* a hint's text */
#define OMITTED_RESERVE		450	/* room kept for the last line */
#define THREAD_TOP_WAITS	3	/* wait categories in a thread's row */
#define THREAD_WAITS_SIZE	(THREAD_TOP_WAITS * (32 + DURATION_SIZE))

#include "report/md.h"


/* Row i of one of the tables below. */
struct md_table_rows {
	const struct md *m;
	row_fn row;
};

static char *md_table_row(const void *ctx, size_t i)
{
	const struct md_table_rows *rows = ctx;

	return rows->row(rows->m, i);
}

/* md_rows over the summary's row functions. */
int md_table(struct md *m, const char *head, size_t n, row_fn row,
		    size_t *shown)
{
	struct md_table_rows rows = { m, row };

	return md_rows(&m->doc, head, n, md_table_row, &rows, shown);
}

char *md_path_text(const struct aggregate *agg, const struct path_stat *path)
{
	char *raw, *clean;

	raw = path_format(agg, path);
	if (!raw)
		return NULL;
	clean = malloc(CLEAN_SIZE(PATH_MAX_BYTES));
	if (clean)
		md_name(clean, raw, PATH_MAX_BYTES, true);
	free(raw);
	return clean;
}

static void md_title(struct md *m)
{
	const struct profile *p = m->p;
	char cmd[CLEAN_SIZE(TITLE_MAX_BYTES)], wall[DURATION_SIZE];
	char cpu[DURATION_SIZE], user[DURATION_SIZE], sys[DURATION_SIZE];
	char period[DURATION_SIZE];

	md_clean(cmd, p->command ? p->command : "(unknown)", TITLE_MAX_BYTES,
		 false);
	fmt_duration(wall, p->wall_ns);
	fmt_duration(cpu, p->cpu_user_ns + p->cpu_sys_ns);
	fmt_duration(user, p->cpu_user_ns);
	fmt_duration(sys, p->cpu_sys_ns);
	md_printf(&m->doc, "# whyslow: %s\n\n", cmd);
	if (p->foreign) {
		/* no user/sys split, no rate of its own: Data quality says */
		fmt_duration(period, p->period_ns);
		md_printf(&m->doc, "Wall time %s, CPU time %s, %" PRIu64
			  " sample%s of %s each.\n", wall, cpu,
			  m->agg->samples, m->agg->samples == 1 ? "" : "s",
			  period);
		return;
	}
	md_printf(&m->doc, "Wall time %s, CPU time %s%s (user %s, sys %s), "
		  "%" PRIu64 " sample%s at %" PRIu32 " Hz.\n",
		  wall, cpu, p->cpu_from_rusage ? "" : " sampled", user, sys,
		  m->agg->samples, m->agg->samples == 1 ? "" : "s",
		  p->frequency_hz);
}

static char *category_row(const struct md *m, size_t i)
{
	enum wait_reason r = m->wall.order[i];
	uint64_t ns = m->wall.time->ns[r];
	char time[DURATION_SIZE];

	fmt_duration(time, ns);
	return str_printf("| %s | %s | %.1f%% |\n", md_categories[r].label,
			  time, pct_of(ns, m->p->wall_ns));
}

/* "network 1.00 s, lock 20.0 ms": a thread's longest waits, or "—". */
static void fmt_thread_waits(char *buf, const struct time_split *t)
{
	enum wait_reason order[WAIT__COUNT];
	size_t i, n = categories_by_time(t, order), shown = 0;
	char time[DURATION_SIZE];
	int len = 0;

	strcpy(buf, "—");
	for (i = 0; i < n && shown < THREAD_TOP_WAITS; i++) {
		if (order[i] == WAIT_NONE)
			continue;
		fmt_duration(time, t->ns[order[i]]);
		len += snprintf(buf + len, THREAD_WAITS_SIZE - len, "%s%s %s",
				shown++ ? ", " : "",
				md_categories[order[i]].label, time);
	}
}

static char *thread_wall_row(const struct md *m, size_t i)
{
	const struct thread_stat *t = &m->agg->threads[i];
	char comm[CLEAN_SIZE(AGG_COMM_LEN)], waits[THREAD_WAITS_SIZE];
	char oncpu[DURATION_SIZE], total[DURATION_SIZE];

	md_clean(comm, t->comm, AGG_COMM_LEN, false);
	fmt_cell_duration(oncpu, t->time.ns[WAIT_NONE]);
	fmt_thread_waits(waits, &t->time);
	fmt_duration(total, time_total(&t->time));
	return str_printf("| %" PRIu32 " | %s | %s | %s | %s |\n",
			  t->tid, comm, oncpu, waits, total);
}

/*
 * The wall time by category: of the one thread, or of the main thread,
 * whose life spans the run, and then every thread on its own.
 */
static int md_wall(struct md *m, struct shown *shown)
{
	const char *threads_head =
		"\nThreads run in parallel, so their times can add up to "
		"more than the wall time.\n\n"
		"| thread | comm | on-CPU | top waits | total |\n"
		"|--:|---|--:|---|--:|\n";
	char wall[DURATION_SIZE], comm[CLEAN_SIZE(AGG_COMM_LEN)];
	char *main_thread = NULL, *head;
	int err;

	fmt_duration(wall, m->p->wall_ns);
	if (m->agg->cp_known) {
		main_thread = strdup(" Along the critical path (see below), "
				     "which adds up to it:");
		if (!main_thread)
			return -ENOMEM;
	} else if (m->main_thread) {
		md_clean(comm, m->main_thread->comm, AGG_COMM_LEN, false);
		main_thread = str_printf(" The main thread, tid %" PRIu32
					 " (%s):", m->main_thread->tid, comm);
		if (!main_thread)
			return -ENOMEM;
	}
	head = str_printf("\n## Where the wall time went\n\n"
			  "Percentages are of the wall time, %s.%s%s\n\n"
			  "| category | time | %% of wall |\n|---|--:|--:|\n",
			  wall, m->p->quality.offcpu ? "" :
			  " Off-CPU time was not traced: waits are missing.",
			  main_thread ? main_thread : "");
	free(main_thread);
	if (!head)
		return -ENOMEM;
	err = md_table(m, head, m->wall.n, category_row, &shown->categories);
	free(head);
	if (err || !m->threaded || !shown->categories)
		return err;
	if (m->agg->cp_known)
		threads_head = "\nEach thread on its own, not along the "
			       "critical path. Threads run in parallel, so "
			       "their times can add up to more than the wall "
			       "time.\n\n"
			       "| thread | comm | on-CPU | top waits | total |\n"
			       "|--:|---|--:|---|--:|\n";
	return md_table(m, threads_head, m->agg->n_threads, thread_wall_row,
			&shown->thread_walls);
}

/* The i-th function of the table: by wall time once waits were traced. */
static const struct func_stat *func_at(const struct md *m, size_t i)
{
	return &m->agg->funcs[m->by_wall ? m->agg->by_wall[i] : i];
}

void md_func_where(const struct md *m, const struct func_stat *fs,
		   char *where)
{
	char entry[CLEAN_SIZE(NAME_MAX_BYTES)];
	struct func_time e;
	size_t len;

	fmt_where(where, fs->file, fs->line, fs->module);
	/* no memory: the cell without it */
	if (!aggregate_unnamed_function(fs) ||
	    aggregate_stripped_entry(m->p, m->agg, fs, &e) || !e.func)
		return;
	md_name(entry, e.func->name, NAME_MAX_BYTES, false);
	len = strlen(where);
	snprintf(where + len, FRAME_WHERE_SIZE - len, ", in `%s`", entry);
}

static char *func_row(const struct md *m, size_t i)
{
	const struct func_stat *fs = func_at(m, i);
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[FRAME_WHERE_SIZE];
	char self[SHARE_SIZE], total[SHARE_SIZE];
	char oncpu[DURATION_SIZE], offcpu[DURATION_SIZE];

	md_name(name, fs->name, NAME_MAX_BYTES, false);
	md_func_where(m, fs, where);
	fmt_share(self, fs->self, m->agg->samples);
	fmt_share(total, fs->total, m->agg->samples);
	fmt_cell_duration(oncpu, fs->total_ns);
	fmt_cell_duration(offcpu, fs->offcpu_ns);
	return str_printf("| `%s` | %s | %s | %s | %" PRIu64 " | %s | %s | "
			  "%.1f%% |\n", name, where, self, total, fs->self,
			  oncpu, offcpu,
			  pct_of(aggregate_func_wall(m->agg, fs), m->p->wall_ns));
}

static int md_functions(struct md *m, size_t *shown)
{
	char cpu[DURATION_SIZE], wall[DURATION_SIZE], *head;
	size_t i;
	int err;

	fmt_duration(cpu, m->agg->time.ns[WAIT_NONE]);
	fmt_duration(wall, m->p->wall_ns);
	head = str_printf("\n## Top functions\n\n"
			  "Percentages are of %" PRIu64 " on-CPU samples "
			  "(%s of CPU time). Self: in the function itself; "
			  "total: with its callees. On-CPU (sampled) and "
			  "off-CPU (traced waits): its time on the stack; "
			  "wall: %s, as a share of the wall time (%s)%s.%s "
			  "A function's share of wall time is the most that "
			  "removing it entirely could save (its Amdahl "
			  "ceiling): don't tune what cannot matter.\n\n"
			  "| function | where | self | total | samples | "
			  "on-CPU | off-CPU | wall |\n"
			  "|---|---|--:|--:|--:|--:|--:|--:|\n",
			  m->agg->samples, cpu,
			  m->agg->cp_known ? "its time on the critical path "
			  "but for waits for a CPU (the machine's load, "
			  "counted apart)" :
			  "both", wall,
			  m->threaded && !m->agg->cp_known ?
			  ", added up over threads, so it can pass 100%" : "",
			  m->agg->cp_known ? " Sorted by own time on the "
			  "critical path (from 1% of it), then by own time "
			  "(on-CPU self plus the waits it made)." :
			  m->by_wall ? " Sorted by own time (on-CPU self plus "
			  "the waits the function made itself), then wall "
			  "time." : "");
	if (!head)
		return -ENOMEM;
	err = md_table(m, head, m->agg->n_funcs, func_row, shown);
	free(head);
	for (i = 0; !err && i < *shown && i < m->agg->n_funcs; i++)
		if (profile_name_unsampled(func_at(m, i)->name)) {
			md_unsampled_note(m);
			break;
		}
	return err;
}

static char *line_row(const struct md *m, size_t i)
{
	const struct line_stat *ls = &m->agg->lines[i];
	char where[WHERE_SIZE], name[CLEAN_SIZE(NAME_MAX_BYTES)];
	char share[SHARE_SIZE], source[SOURCE_CELL_SIZE];

	fmt_where(where, ls->file, ls->line, NULL);
	md_name(name, m->agg->funcs[ls->func].name, NAME_MAX_BYTES, false);
	fmt_share(share, ls->samples, m->agg->samples);
	fmt_source(source, m->sources[i]);
	return str_printf("| %s | `%s` | %s | %" PRIu64 " | %s |\n",
			  where, name, share, ls->samples, source);
}

static int md_lines(struct md *m, size_t *shown)
{
	const struct aggregate *agg = m->agg;
	uint64_t in_lines = 0;
	size_t i;
	char *head;
	int err;

	for (i = 0; i < agg->n_lines; i++)
		in_lines += agg->lines[i].samples;
	head = str_printf("\n## Hot lines\n\n"
			  "The source line each on-CPU sample was running: "
			  "that of its innermost application frame with a "
			  "line (for Python, the line that called into C "
			  "code, if any). Percentages are of %" PRIu64
			  " on-CPU samples; %.1f%% ran in no application "
			  "line.\n\n"
			  "| line | function | share | samples | source |\n"
			  "|---|---|--:|--:|---|\n",
			  agg->samples,
			  pct_of(agg->samples - in_lines, agg->samples));
	if (!head)
		return -ENOMEM;
	err = md_table(m, head, agg->n_lines, line_row, shown);
	free(head);
	return err;
}

static char *path_row(const struct md *m, size_t i)
{
	const struct path_row *path = &m->path_rows[i];
	char share[SHARE_SIZE], *route, *row;

	route = malloc(CLEAN_SIZE(PATH_MAX_BYTES));
	if (!route)
		return NULL;
	md_name(route, path->text, PATH_MAX_BYTES, true);
	fmt_share(share, path->samples, m->agg->samples);
	row = str_printf("| %s | %" PRIu64 " | `%s` |\n", share,
			 path->samples, route);
	free(route);
	return row;
}

static int md_paths(struct md *m, size_t *shown)
{
	static const char head[] =
		"\n## Hot call paths\n\n"
		"Root first; runs of library, runtime or kernel frames fold "
		"to …(n)…, keeping the frames where code calls in and out; "
		"paths that differ only in n, or in how deep a recursion went, "
		"share a row, with the range: …(3–12)…, `expand (×34–37)`."
		"\n\n"
		"| share | samples | path |\n"
		"|--:|--:|---|\n";

	return md_table(m, head, m->n_path_rows, path_row, shown);
}

/* What a wait's share is of: the wall time, or all threads' time when
 * threads wait in parallel and their waits add up past the wall. */
static uint64_t waits_whole(const struct md *m)
{
	return m->threaded ? time_total(&m->agg->time) : m->p->wall_ns;
}

static char *wait_row(const struct md *m, size_t i)
{
	const struct wait_row *wait = &m->wait_rows[i];
	char target[WAIT_TARGET_SIZE], where[FRAME_WHERE_SIZE];
	char time[DURATION_SIZE], average[DURATION_SIZE];

	md_wait_target(target, wait);
	fmt_frame_where(where, wait->where, false);
	fmt_duration(time, wait->ns);
	fmt_duration(average, wait->count ? wait->ns / wait->count : 0);
	return str_printf("| %s | %s | %s | %s | %.1f%% | %" PRIu64 " | %s |\n",
			  md_categories[wait->reason].label, target, where,
			  time, pct_of(wait->ns, waits_whole(m)), wait->count,
			  average);
}

static int md_waits(struct md *m, size_t *shown)
{
	char whole[DURATION_SIZE], *head;
	int err;

	fmt_duration(whole, waits_whole(m));
	head = str_printf("\n## Top waits\n\n"
			  "Traced off-CPU time, stacks merged by reason, "
			  "target and where: the innermost application frame, "
			  "else the innermost user frame.%s%s%s\n\n"
			  "| reason | target | where | time | %% of %s | "
			  "waits | average |\n"
			  "|---|---|---|--:|--:|--:|--:|\n",
			  m->threaded ? " Waits are summed over threads, "
			  "which wait in parallel: shares are of all threads' "
			  "time together, " : "",
			  m->threaded ? whole : "",
			  m->threaded ? ", not of the wall time." : "",
			  m->threaded ? "thread time" : "wall");
	if (!head)
		return -ENOMEM;
	err = md_table(m, head, m->n_wait_rows, wait_row, shown);
	free(head);
	return err;
}

static char *hint_row(const struct md *m, size_t i)
{
	char text[CLEAN_SIZE(HINT_MAX_BYTES)];

	md_text(text, m->hints[i].text, HINT_MAX_BYTES, false, true);
	return str_printf("- %s\n", text);
}

/* What to do about it: every rule that fired, none when none did. */
static int md_hints(struct md *m, size_t *shown)
{
	static const char head[] = "\n## Hints\n\n";

	return md_table(m, head, m->n_hints, hint_row, shown);
}

static char *thread_row(const struct md *m, size_t i)
{
	const struct thread_stat *t = &m->agg->threads[i];
	char comm[CLEAN_SIZE(AGG_COMM_LEN)], share[SHARE_SIZE];

	md_clean(comm, t->comm, AGG_COMM_LEN, false);
	fmt_share(share, t->samples, m->agg->samples);
	return str_printf("| %" PRIu32 " | %" PRIu32 " | %s | %" PRIu64
			  " | %s |\n", t->pid, t->tid, comm, t->samples, share);
}

/* Only worth a table when there is more than one thread. */
static int md_threads(struct md *m, size_t *shown)
{
	static const char head[] =
		"\n## Processes / threads\n\n"
		"| pid | tid | comm | samples | share |\n"
		"|--:|--:|---|--:|--:|\n";

	*shown = 0;
	if (!m->threaded)
		return 0;
	return md_table(m, head, m->agg->n_threads, thread_row, shown);
}

/* One part of the omitted: line. */
__attribute__((format(printf, 3, 4)))
static void md_omit(struct md *m, bool *any, const char *fmt, ...)
{
	va_list ap;

	md_put(&m->doc, *any ? "; " : " ");
	va_start(ap, fmt);
	md_vprintf(&m->doc, fmt, ap);
	va_end(ap);
	*any = true;
}

/* Wall-time categories and threads' splits cut. */
static void omit_wall(struct md *m, const struct shown *shown, bool *any)
{
	const struct aggregate *agg = m->agg;
	uint64_t cut = 0;
	size_t i;

	for (i = shown->categories; i < m->wall.n; i++)
		cut += m->wall.time->ns[m->wall.order[i]];
	if (shown->categories < m->wall.n)
		md_omit(m, any, "%zu time categories (%.1f%% of wall)",
			m->wall.n - shown->categories,
			pct_of(cut, m->p->wall_ns));
	/* A single thread gets no table, so it is not left out of one. */
	if (!m->threaded || shown->thread_walls == agg->n_threads)
		return;
	for (cut = 0, i = shown->thread_walls; i < agg->n_threads; i++)
		cut += time_total(&agg->threads[i].time);
	md_omit(m, any, "wall time of %zu threads (%.1f%% of thread time)",
		agg->n_threads - shown->thread_walls,
		pct_of(cut, time_total(&agg->time)));
}

/*
 * Functions cut: by wall time, the first cut bounds what any of them
 * could save; on-CPU, the self samples of those that have any.
 */
static void omit_functions(struct md *m, size_t shown, bool *any)
{
	const struct aggregate *agg = m->agg;
	uint64_t self = 0;
	size_t i, n = 0;

	if (m->by_wall && shown < agg->n_funcs) {
		md_omit(m, any, "%zu functions, none over %.1f%% of wall",
			agg->n_funcs - shown,
			pct_of(aggregate_func_wall(agg, func_at(m, shown)),
			       m->p->wall_ns));
		return;
	}
	for (i = shown; i < agg->n_funcs; i++) {
		if (func_at(m, i)->self) {
			n++;
			self += func_at(m, i)->self;
		}
	}
	if (n)
		md_omit(m, any, "%.1f%% of samples across %zu functions",
			pct_of(self, agg->samples), n);
}

static void omit_lines(struct md *m, size_t shown, bool *any)
{
	const struct aggregate *agg = m->agg;
	uint64_t cut = 0;
	size_t i;

	for (i = shown; i < agg->n_lines; i++)
		cut += agg->lines[i].samples;
	if (shown < agg->n_lines)
		md_omit(m, any, "%zu hot lines (%.1f%%)", agg->n_lines - shown,
			pct_of(cut, agg->samples));
}

static void omit_stacks(struct md *m, const struct shown *shown, bool *any)
{
	const struct aggregate *agg = m->agg;
	uint64_t cut = 0;
	size_t i;

	for (i = shown->paths; i < m->n_path_rows; i++)
		cut += m->path_rows[i].samples;
	if (shown->paths < m->n_path_rows)
		md_omit(m, any, "%zu call paths (%.1f%%)",
			m->n_path_rows - shown->paths,
			pct_of(cut, agg->samples));
	for (cut = 0, i = shown->waits; i < m->n_wait_rows; i++)
		cut += m->wait_rows[i].ns;
	if (shown->waits < m->n_wait_rows)
		md_omit(m, any, "%zu waits (%.1f%% of off-CPU time)",
			m->n_wait_rows - shown->waits,
			pct_of(cut, agg->time.offcpu_ns));
}

static void omit_hints(struct md *m, size_t shown, bool *any)
{
	if (shown < m->n_hints)
		md_omit(m, any, "%zu hints", m->n_hints - shown);
}

/* One I/O table's cut rows: "3 files". */
static void omit_rows(struct md *m, size_t n, size_t shown, const char *what,
		      bool *any)
{
	if (shown < n)
		md_omit(m, any, "%zu %s", n - shown, what);
}

static void omit_io(struct md *m, const struct shown *shown, bool *any)
{
	const struct io_summary *io = &m->p->io;
	uint64_t cut = 0, all = 0;
	size_t i, left = io->n_files - shown->files - shown->reopened;

	for (i = 0; i < io->n_files; i++)
		all += io->files[i].time_ns;
	for (i = shown->files; i < io->n_files; i++)
		cut += io->files[i].time_ns;
	for (i = 0; i < shown->reopened; i++)
		cut -= io->files[m->reopened[i]].time_ns;
	if (left)
		md_omit(m, any, "%zu files (%.1f%% of file time)", left,
			pct_of(cut, all));
	omit_rows(m, io->n_endpoints, shown->endpoints, "endpoints", any);
	omit_rows(m, m->n_io_procs, shown->io_procs,
		  "process request lines", any);
	omit_rows(m, io->n_spawns, shown->spawns, "programs run", any);
}

static void omit_threads(struct md *m, size_t shown, bool *any)
{
	const struct aggregate *agg = m->agg;
	uint64_t samples = 0;
	size_t i;

	if (!m->threaded || shown == agg->n_threads)
		return;
	for (i = shown; i < agg->n_threads; i++)
		samples += agg->threads[i].samples;
	md_omit(m, any, "%zu threads (%.1f%%)", agg->n_threads - shown,
		pct_of(samples, agg->samples));
}

/* The last line: every row cut, by top or by the budget. */
static void md_omitted(struct md *m, const struct shown *shown)
{
	bool any = false;

	md_put(&m->doc, "\nomitted:");
	omit_wall(m, shown, &any);
	omit_hints(m, shown->hints, &any);
	omit_functions(m, shown->funcs, &any);
	omit_lines(m, shown->lines, &any);
	omit_stacks(m, shown, &any);
	omit_io(m, shown, &any);
	omit_threads(m, shown->threads, &any);
	if (shown->brief_quality)
		md_omit(m, &any, "Data quality's notes on unwinding and "
			"uncertainty");
	if (!any)
		md_put(&m->doc, " nothing");
	md_put(&m->doc, "\n");
}

/* What the sections show, decided once. */
static void md_plan(struct md *m)
{
	const struct aggregate *agg = m->agg;
	size_t i;

	m->threaded = agg->n_threads > 1;
	m->by_wall = agg->time.offcpu_ns > 0 || agg->cp_known;
	m->main_thread = m->threaded ? procs_main_thread(agg, m->p->root_pid) :
				       NULL;
	m->wall.time = agg->cp_known ? &agg->cp :
		       m->main_thread ? &m->main_thread->time : &agg->time;
	m->wall.n = categories_by_time(m->wall.time, m->wall.order);
	m->n_sources = agg->n_lines < m->doc.top ? agg->n_lines : m->doc.top;
	for (i = 0; i < m->p->io.n_procs; i++)
		m->n_io_procs += m->p->io.procs[i].requests > 0;
	if (agg->cp_known)
		m->n_runs = runs_on_path(m->p, agg, m->runs, RUNS_MAX);
}

char *md_verdict_text(const struct profile *p, const struct aggregate *agg,
		      const struct hint *hints, size_t n_hints)
{
	static const char head[] = "\n## Verdict\n\n";
	struct md m = { .p = p, .agg = agg, .hints = hints, .n_hints = n_hints,
			.doc = { .top = 1, .budget = SIZE_MAX / 2 } };
	char *text = NULL;
	size_t len = 0;
	int err;

	md_plan(&m);
	m.n_sources = agg->n_lines < MD_VERDICT_LINES ? agg->n_lines :
							MD_VERDICT_LINES;
	m.sources = source_lines(agg->lines, m.n_sources);
	if (!m.sources)
		return NULL;
	m.doc.f = open_memstream(&text, &len);
	if (!m.doc.f) {
		source_lines_free(m.sources, m.n_sources);
		return NULL;
	}
	err = unnamed_code_find(p, agg, &m.unnamed);
	if (!err)
		err = wait_rows_build(agg, &m.wait_rows, &m.n_wait_rows);
	if (!err)
		err = md_verdict(&m);
	free(m.wait_rows);
	source_lines_free(m.sources, m.n_sources);
	if (fclose(m.doc.f) || err || len < sizeof(head) - 1) {
		free(text);
		return NULL;
	}
	memmove(text, text + sizeof(head) - 1, len - (sizeof(head) - 1) + 1);
	len -= sizeof(head) - 1;
	while (len && text[len - 1] == '\n')
		text[--len] = '\0';
	return text;
}

int md_write(FILE *f, const struct profile *p,
		   const struct aggregate *agg, const struct hint *hints,
		   size_t n_hints, const struct report_opts *opts)
{
	struct md m = {
		.doc = {
			.f = f,
			.top = opts->top,
			.budget = (size_t)opts->budget_tokens * BYTES_PER_TOKEN,
		},
		.p = p,
		.agg = agg,
		.hints = hints,
		.n_hints = n_hints,
	};
	struct shown shown = { 0 };
	char *quality;
	int err;

	md_plan(&m);
	if (unnamed_code_find(p, agg, &m.unnamed))
		return -ENOMEM;
	quality = md_quality(p, agg, &m.unnamed);
	m.sources = source_lines(agg->lines, m.n_sources);
	if (!quality || !m.sources ||
	    path_rows_build(agg, &m.path_rows, &m.n_path_rows) ||
	    wait_rows_build(agg, &m.wait_rows, &m.n_wait_rows)) {
		err = -ENOMEM;
		goto out;
	}
	m.doc.reserve = strlen(quality) + OMITTED_RESERVE;
	md_title(&m);
	err = md_verdict(&m);
	/* the verdict and Data quality stay: a budget too small for both
	 * takes the latter without its notes on method */
	if (!md_fits(&m.doc, 0) && md_quality_brief(quality)) {
		shown.brief_quality = true;
		m.doc.reserve = strlen(quality) + OMITTED_RESERVE;
	}
	if (!err)
		err = md_wall(&m, &shown);
	if (!err)
		err = md_critical(&m, &shown.cp_programs, &shown.cp_funcs);
	if (!err)
		err = md_hints(&m, &shown.hints);
	if (!err)
		err = md_functions(&m, &shown.funcs);
	if (!err)
		err = md_lines(&m, &shown.lines);
	if (!err)
		err = md_paths(&m, &shown.paths);
	if (!err)
		err = md_waits(&m, &shown.waits);
	if (!err)
		err = md_io(&m, &shown);
	if (!err)
		err = md_threads(&m, &shown.threads);
	if (!err) {
		md_put(&m.doc, quality);
		md_omitted(&m, &shown);
	}
out:
	source_lines_free(m.sources, m.n_sources);
	path_rows_free(m.path_rows, m.n_path_rows);
	free(m.wait_rows);
	free(m.reopened);
	free(m.file_from);
	free(quality);
	return err;
}
