// SPDX-License-Identifier: GPL-2.0
/*
 * The focus view as Markdown: the set's time, the matched functions, its
 * callers and callees, hot lines and waits, within the row and token
 * budget; what did not fit is counted on the last line.  The selection is
 * analyze/focus.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/focus.h"
#include "report/md_util.h"
#include "report/report.h"
#include "report/source.h"

#define TITLE_MAX_BYTES		200
#define OMITTED_RESERVE		400	/* room kept for the last line */

struct focus_md {
	struct md_doc doc;
	const struct focus *fo;
	char **sources;		/* text of the hot lines that may show */
	size_t n_sources;
};

/* Rows each table got, for the omitted: line. */
struct focus_shown {
	size_t matched;
	size_t callers;
	size_t callees;
	size_t lines;
	size_t waits;
};

static void md_focus_title(struct focus_md *m)
{
	const struct focus *fo = m->fo;
	const struct profile *p = fo->p;
	char pattern[CLEAN_SIZE(NAME_MAX_BYTES)];
	char cmd[CLEAN_SIZE(TITLE_MAX_BYTES)], wall[DURATION_SIZE];

	md_span(pattern, fo->pattern, NAME_MAX_BYTES);
	md_clean(cmd, p->command ? p->command : "(unknown)", TITLE_MAX_BYTES,
		 false);
	fmt_duration(wall, p->wall_ns);
	md_printf(&m->doc, "# whyslow focus: `%s` in %s\n\n", pattern, cmd);
	md_printf(&m->doc, "Wall time %s, %" PRIu64 " on-CPU samples at %"
		  PRIu32 " Hz. `%s`, %s, matches %zu function%s.\n",
		  wall, fo->agg->samples, p->frequency_hz, pattern,
		  fo->regex ? "as an extended regex" :
		  "not a valid regex, as a substring", fo->n_matched,
		  fo->n_matched == 1 ? "" :
		  "s, taken as one set: a stack counts once however often "
		  "they are on it");
}

/* Its time: on-CPU self and total, off-CPU, wall. */
static void md_focus_time(struct focus_md *m)
{
	const struct focus *fo = m->fo;
	const struct profile *p = fo->p;
	uint64_t samples = fo->agg->samples;
	char self[SHARE_SIZE], total[SHARE_SIZE], self_ns[DURATION_SIZE];
	char total_ns[DURATION_SIZE], off[DURATION_SIZE], wall[DURATION_SIZE];

	fmt_share(self, fo->self, samples);
	fmt_share(total, fo->total, samples);
	fmt_duration(self_ns, fo->self_ns);
	fmt_duration(total_ns, fo->total_ns);
	fmt_duration(off, fo->offcpu_ns);
	fmt_duration(wall, focus_wall_ns(fo));
	md_printf(&m->doc, "\n- On-CPU self (running its own code): %" PRIu64
		  " samples, %s, %s of on-CPU samples, %.1f%% of wall.\n",
		  fo->self, self_ns, self, pct_of(fo->self_ns, p->wall_ns));
	md_printf(&m->doc, "- On-CPU total (with its callees): %" PRIu64
		  " samples, %s, %s of on-CPU samples, %.1f%% of wall.\n",
		  fo->total, total_ns, total, pct_of(fo->total_ns, p->wall_ns));
	if (p->quality.offcpu)
		md_printf(&m->doc, "- Off-CPU (waits with it on the stack): "
			  "%s, %.1f%% of wall.\n", off,
			  pct_of(fo->offcpu_ns, p->wall_ns));
	else
		md_put(&m->doc, "- Off-CPU: not traced; its waits are "
		       "unknown.\n");
	md_printf(&m->doc, "- Wall (both): %s, %.1f%% of wall time%s: the "
		  "most that removing it could save.\n", wall,
		  pct_of(focus_wall_ns(fo), p->wall_ns),
		  fo->agg->n_threads > 1 ? ", added up over threads" : "");
}

static char *matched_row(const void *ctx, size_t i)
{
	const struct focus_md *m = ctx;
	const struct aggregate *agg = m->fo->agg;
	const struct func_stat *fs = &agg->funcs[m->fo->matched[i]];
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char self[SHARE_SIZE], total[SHARE_SIZE];
	char oncpu[DURATION_SIZE], offcpu[DURATION_SIZE];

	md_name(name, focus_func_name(fs), NAME_MAX_BYTES, false);
	fmt_where(where, fs->file, fs->line, fs->module);
	fmt_share(self, fs->self, agg->samples);
	fmt_share(total, fs->total, agg->samples);
	fmt_cell_duration(oncpu, fs->total_ns);
	fmt_cell_duration(offcpu, fs->offcpu_ns);
	return str_printf("| `%s` | %s | %s | %s | %" PRIu64 " | %s | %s | "
			  "%.1f%% |\n", name, where, self, total, fs->self,
			  oncpu, offcpu,
			  pct_of(aggregate_func_wall(m->fo->agg, fs),
				 m->fo->p->wall_ns));
}

static int md_matched(struct focus_md *m, size_t *shown)
{
	static const char head[] =
		"\nEach function on its own (self, total: of all on-CPU "
		"samples; on-CPU, off-CPU: its time on the stack; wall: "
		"both, of the wall time).\n\n"
		"| function | where | self | total | samples | on-CPU | "
		"off-CPU | wall |\n"
		"|---|---|--:|--:|--:|--:|--:|--:|\n";

	md_put(&m->doc, "\n## Matched\n");
	md_focus_time(m);
	return md_rows(&m->doc, head, m->fo->n_matched, matched_row, m,
		       shown);
}

/* "`main` | hot.c:40", or "(root) | —" for FOCUS_NONE. */
static void fmt_link_name(char *name, char *where,
			  const struct aggregate *agg,
			  const struct focus_link *l, const char *none)
{
	const struct func_stat *fs;
	char clean[CLEAN_SIZE(NAME_MAX_BYTES)];

	if (l->func == FOCUS_NONE) {
		strcpy(name, none);
		strcpy(where, "—");
		return;
	}
	fs = &agg->funcs[l->func];
	md_name(clean, focus_func_name(fs), NAME_MAX_BYTES, false);
	snprintf(name, CLEAN_SIZE(NAME_MAX_BYTES) + 2, "`%s`", clean);
	fmt_where(where, fs->file, fs->line, fs->module);
}

/* "1.20 s (80.0%)" of the set's off-CPU time, "—" for none. */
static void fmt_offcpu_cell(char *buf, size_t size, uint64_t ns,
			    uint64_t whole)
{
	char time[DURATION_SIZE];

	if (!ns) {
		strcpy(buf, "—");
		return;
	}
	fmt_duration(time, ns);
	snprintf(buf, size, "%s (%.1f%%)", time, pct_of(ns, whole));
}

static char *link_row(const struct focus_md *m, const struct focus_link *l,
		      const char *none)
{
	const struct focus *fo = m->fo;
	char name[CLEAN_SIZE(NAME_MAX_BYTES) + 2], where[WHERE_SIZE];
	char oncpu[SHARE_SIZE], offcpu[DURATION_SIZE + 16];

	fmt_link_name(name, where, fo->agg, l, none);
	fmt_share(oncpu, l->samples, fo->total);
	fmt_offcpu_cell(offcpu, sizeof(offcpu), l->offcpu_ns, fo->offcpu_ns);
	return str_printf("| %s | %s | %s | %" PRIu64 " | %s | %.1f%% |\n",
			  name, where, oncpu, l->samples, offcpu,
			  pct_of(focus_link_wall_ns(l), focus_wall_ns(fo)));
}

static char *caller_row(const void *ctx, size_t i)
{
	const struct focus_md *m = ctx;

	return link_row(m, &m->fo->callers[i], "(root)");
}

static char *callee_row(const void *ctx, size_t i)
{
	const struct focus_md *m = ctx;

	return link_row(m, &m->fo->callees[i], "(self)");
}

/* What the off-CPU column holds, said in a table's head. */
static void fmt_offcpu_head(char *buf, size_t size, const struct focus *fo)
{
	char off[DURATION_SIZE];

	if (!fo->p->quality.offcpu) {
		snprintf(buf, size, "off-CPU: not traced");
		return;
	}
	if (!fo->offcpu_ns) {
		snprintf(buf, size, "off-CPU: no wait had it on the stack");
		return;
	}
	fmt_duration(off, fo->offcpu_ns);
	snprintf(buf, size, "off-CPU: time and share of its waits (%s)", off);
}

/* Shares of the set's time, said the same way for both tables. */
static char *link_head(const struct focus_md *m, const char *title,
		       const char *what, const char *column)
{
	const struct focus *fo = m->fo;
	char off[DURATION_SIZE + 64], wall[DURATION_SIZE];

	fmt_offcpu_head(off, sizeof(off), fo);
	fmt_duration(wall, focus_wall_ns(fo));
	return str_printf("\n## %s\n\n%s On-CPU: share of its %" PRIu64
			  " samples; %s; wall: share of its wall time "
			  "(%s).\n\n"
			  "| %s | where | on-CPU | samples | off-CPU | "
			  "wall |\n|---|---|--:|--:|--:|--:|\n",
			  title, what, fo->total, off, wall, column);
}

static int md_links(struct focus_md *m, size_t *callers, size_t *callees)
{
	char *head;
	int err;

	head = link_head(m, "Callers", "The function that calls it, from "
			 "its outermost call in each stack; (root): nothing "
			 "above it (a thread's entry, or a stack cut short).",
			 "caller");
	if (!head)
		return -ENOMEM;
	err = md_rows(&m->doc, head, m->fo->n_callers, caller_row, m,
		      callers);
	free(head);
	if (err)
		return err;
	head = link_head(m, "Callees", "What it calls, below each of its "
			 "calls, a stack counted once per callee (under "
			 "recursion rows can add up past 100%); (self): it is "
			 "the leaf, running its own code.", "callee");
	if (!head)
		return -ENOMEM;
	err = md_rows(&m->doc, head, m->fo->n_callees, callee_row, m,
		      callees);
	free(head);
	return err;
}

static char *line_row(const void *ctx, size_t i)
{
	const struct focus_md *m = ctx;
	const struct aggregate *agg = m->fo->agg;
	const struct line_stat *ls = &agg->lines[m->fo->lines[i]];
	char where[WHERE_SIZE], name[CLEAN_SIZE(NAME_MAX_BYTES)];
	char share[SHARE_SIZE], source[SOURCE_CELL_SIZE];

	fmt_where(where, ls->file, ls->line, NULL);
	md_name(name, focus_func_name(&agg->funcs[ls->func]), NAME_MAX_BYTES,
		 false);
	fmt_share(share, ls->samples, m->fo->total);
	fmt_source(source, i < m->n_sources ? m->sources[i] : NULL);
	return str_printf("| %s | `%s` | %s | %" PRIu64 " | %s |\n",
			  where, name, share, ls->samples, source);
}

static int md_lines(struct focus_md *m, size_t *shown)
{
	char *head;
	int err;

	head = str_printf("\n## Hot lines\n\n"
			  "Its source lines the on-CPU samples were running "
			  "(the innermost application frame with a line). "
			  "Share: of its %" PRIu64 " samples.\n\n"
			  "| line | function | share | samples | source |\n"
			  "|---|---|--:|--:|---|\n", m->fo->total);
	if (!head)
		return -ENOMEM;
	err = md_rows(&m->doc, head, m->fo->n_lines, line_row, m, shown);
	free(head);
	return err;
}

static char *wait_row(const void *ctx, size_t i)
{
	const struct focus_md *m = ctx;
	const struct focus *fo = m->fo;
	const struct wait_stat *wait = &fo->agg->waits[fo->waits[i]];
	char target[CLEAN_SIZE(NAME_MAX_BYTES)], where[FRAME_WHERE_SIZE];
	char time[DURATION_SIZE];

	md_clean(target, wait->target ? wait->target : "—", NAME_MAX_BYTES,
		 false);
	fmt_frame_where(where, wait->where, false);
	fmt_duration(time, wait->ns);
	return str_printf("| %s | %s | %s | %s | %.1f%% | %.1f%% | %" PRIu64
			  " |\n", md_categories[wait->reason].label, target,
			  where, time, pct_of(wait->ns, fo->offcpu_ns),
			  pct_of(wait->ns, fo->p->wall_ns), wait->count);
}

static int md_waits(struct focus_md *m, size_t *shown)
{
	static const char head[] =
		"\n## Waits\n\n"
		"Off-CPU stacks through it, merged by reason, target and "
		"call path; where: the innermost application frame; share: "
		"of its off-CPU time.\n\n"
		"| reason | target | where | time | share | % of wall | "
		"waits |\n"
		"|---|---|---|--:|--:|--:|--:|\n";

	return md_rows(&m->doc, head, m->fo->n_waits, wait_row, m, shown);
}

/* One part of the omitted: line. */
__attribute__((format(printf, 3, 4)))
static void md_omit(struct focus_md *m, bool *any, const char *fmt, ...)
{
	va_list ap;

	md_put(&m->doc, *any ? "; " : " ");
	va_start(ap, fmt);
	md_vprintf(&m->doc, fmt, ap);
	va_end(ap);
	*any = true;
}

/* Links cut, and the share of the set's wall time they held. */
static void omit_links(struct focus_md *m, const struct focus_link *links,
		       size_t n, size_t shown, const char *what, bool *any)
{
	uint64_t cut = 0;
	size_t i;

	for (i = shown; i < n; i++)
		cut += focus_link_wall_ns(&links[i]);
	if (shown < n)
		md_omit(m, any, "%zu %s (%.1f%% of its wall time)", n - shown,
			what, pct_of(cut, focus_wall_ns(m->fo)));
}

static void omit_rows(struct focus_md *m, const struct focus_shown *shown,
		      bool *any)
{
	const struct focus *fo = m->fo;
	const struct aggregate *agg = fo->agg;
	uint64_t cut = 0;
	size_t i;

	for (i = shown->lines; i < fo->n_lines; i++)
		cut += agg->lines[fo->lines[i]].samples;
	if (shown->lines < fo->n_lines)
		md_omit(m, any, "%zu hot lines (%.1f%% of its samples)",
			fo->n_lines - shown->lines, pct_of(cut, fo->total));
	for (cut = 0, i = shown->waits; i < fo->n_waits; i++)
		cut += agg->waits[fo->waits[i]].ns;
	if (shown->waits < fo->n_waits)
		md_omit(m, any, "%zu waits (%.1f%% of its off-CPU time)",
			fo->n_waits - shown->waits,
			pct_of(cut, fo->offcpu_ns));
}

/* The last line: every row cut, by top or by the budget. */
static void md_focus_omitted(struct focus_md *m,
			     const struct focus_shown *shown)
{
	const struct focus *fo = m->fo;
	bool any = false;

	m->doc.reserve = 0;
	md_put(&m->doc, "\nomitted:");
	if (shown->matched < fo->n_matched)
		md_omit(m, &any, "%zu matched functions",
			fo->n_matched - shown->matched);
	omit_links(m, fo->callers, fo->n_callers, shown->callers, "callers",
		   &any);
	omit_links(m, fo->callees, fo->n_callees, shown->callees, "callees",
		   &any);
	omit_rows(m, shown, &any);
	if (!any)
		md_put(&m->doc, " nothing");
	md_put(&m->doc, "\n");
}

int focus_md_write(FILE *f, const struct focus *fo,
		   const struct report_opts *opts)
{
	struct focus_md m = {
		.doc = {
			.f = f,
			.top = opts->top,
			.budget = (size_t)opts->budget_tokens * BYTES_PER_TOKEN,
			.reserve = OMITTED_RESERVE,
		},
		.fo = fo,
	};
	struct focus_shown shown = { 0 };
	int err;

	m.n_sources = fo->n_lines < m.doc.top ? fo->n_lines : m.doc.top;
	m.sources = source_focus_lines(fo, m.n_sources);
	if (!m.sources)
		return -ENOMEM;
	md_focus_title(&m);
	err = md_matched(&m, &shown.matched);
	if (!err)
		err = md_links(&m, &shown.callers, &shown.callees);
	if (!err)
		err = md_lines(&m, &shown.lines);
	if (!err)
		err = md_waits(&m, &shown.waits);
	if (!err)
		md_focus_omitted(&m, &shown);
	source_lines_free(m.sources, m.n_sources);
	return err;
}

