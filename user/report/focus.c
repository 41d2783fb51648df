// SPDX-License-Identifier: GPL-2.0
/*
 * The focus ("sandwich") view: one function, or every function whose name
 * matches a pattern taken as one set, seen from inside.  Its time, who
 * calls it, what it calls, its hot lines and its waits, so that an AI
 * assistant can walk a large profile one function at a time, up through
 * the callers or down through the callees.
 *
 * Built from the merged paths (on-CPU) and waits (off-CPU) of the
 * aggregate, which are function sequences already: a stack counts once
 * for the set however often recursion puts the set on it, once for the
 * caller of its outermost occurrence, and once for each distinct callee.
 */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/aggregate.h"
#include "report/source.h"
#include "classify/frame.h"
#include "report/report.h"
#include "report/json_util.h"
#include "report/md_util.h"
#include "classify/wait.h"

#define FOCUS_NONE		UINT32_MAX	/* the (root) or (self) row */
#define FOCUS_JSON_MAX		100	/* lines and waits in JSON */
#define TITLE_MAX_BYTES		200
#define OMITTED_RESERVE		400	/* room kept for the last line */

/* A caller or callee of the set, and the set's time that went through it. */
struct focus_link {
	uint32_t func;		/* agg->funcs index, or FOCUS_NONE */
	uint64_t samples;
	uint64_t oncpu_ns;
	uint64_t offcpu_ns;
	size_t stamp;		/* 1 + the last stack that counted it */
};

struct focus {
	const struct profile *p;
	const struct aggregate *agg;
	const char *pattern;
	bool regex;		/* the pattern compiled as a regex */
	bool *in;		/* agg->funcs index → in the set */
	uint32_t *matched;	/* agg->funcs indexes, in table order */
	size_t n_matched;
	/* The set's time, each stack once. */
	uint64_t self;		/* samples with a function of the set as leaf */
	uint64_t self_ns;
	uint64_t total;		/* samples with it on the stack */
	uint64_t total_ns;
	uint64_t offcpu_ns;	/* waits with it on the stack */
	/* n_funcs + 1 slots while counting, the last for FOCUS_NONE; then
	 * those with time, most first. */
	struct focus_link *callers;
	size_t n_callers;
	struct focus_link *callees;
	size_t n_callees;
	size_t *lines;		/* agg->lines indexes of the set's lines */
	size_t n_lines;
	size_t *waits;		/* agg->waits indexes through the set */
	size_t n_waits;
};

static uint64_t link_wall_ns(const struct focus_link *l)
{
	return l->oncpu_ns + l->offcpu_ns;
}

static uint64_t focus_wall_ns(const struct focus *fo)
{
	return fo->total_ns + fo->offcpu_ns;
}

static const char *func_name(const struct func_stat *fs)
{
	return fs->name ? fs->name : "";
}

/*
 * Mark the functions whose name matches: a POSIX extended regex, or,
 * when the pattern is none, a literal substring.  0 or -ENOENT.
 */
static int match_funcs(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	const char *name;
	size_t i, n = 0;
	regex_t re;

	fo->regex = !regcomp(&re, fo->pattern, REG_EXTENDED | REG_NOSUB);
	for (i = 0; i < agg->n_funcs; i++) {
		name = func_name(&agg->funcs[i]);
		fo->in[i] = fo->regex ? !regexec(&re, name, 0, NULL, 0) :
					strstr(name, fo->pattern) != NULL;
		n += fo->in[i];
	}
	if (fo->regex)
		regfree(&re);
	return n ? 0 : -ENOENT;
}

/* The matches in the order of the functions table: by wall time once
 * waits were traced, else by on-CPU self time. */
static void order_matched(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	bool by_wall = agg->time.offcpu_ns > 0;
	uint32_t func;
	size_t i;

	for (i = 0; i < agg->n_funcs; i++) {
		func = by_wall ? agg->by_wall[i] : i;
		if (fo->in[func])
			fo->matched[fo->n_matched++] = func;
	}
}

/* The stack's weight added to l, once per stack. */
static void add_link(struct focus_link *l, size_t stamp, bool on_cpu,
		     uint64_t samples, uint64_t ns)
{
	if (l->stamp == stamp)
		return;
	l->stamp = stamp;
	if (on_cpu) {
		l->samples += samples;
		l->oncpu_ns += ns;
	} else {
		l->offcpu_ns += ns;
	}
}

/*
 * One merged stack, funcs[0..n-1] root first: its weight to the set, to
 * the caller of the set's outermost occurrence, and to the frame below
 * each occurrence that leaves the set (or (self) at the leaf).
 */
static void count_stack(struct focus *fo, const uint32_t *funcs, uint32_t n,
			size_t stamp, bool on_cpu, uint64_t samples,
			uint64_t ns)
{
	uint32_t none = fo->agg->n_funcs, first, k;

	for (first = 0; first < n && !fo->in[funcs[first]]; first++)
		;
	if (first == n)
		return;
	if (on_cpu) {
		fo->total += samples;
		fo->total_ns += ns;
	} else {
		fo->offcpu_ns += ns;
	}
	add_link(&fo->callers[first ? funcs[first - 1] : none], stamp, on_cpu,
		 samples, ns);
	for (k = first; k + 1 < n; k++)
		if (fo->in[funcs[k]] && !fo->in[funcs[k + 1]])
			add_link(&fo->callees[funcs[k + 1]], stamp, on_cpu,
				 samples, ns);
	if (!fo->in[funcs[n - 1]])
		return;
	add_link(&fo->callees[none], stamp, on_cpu, samples, ns);
	if (on_cpu) {
		fo->self += samples;
		fo->self_ns += ns;
	}
}

static void count_stacks(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	const struct path_stat *path;
	const struct wait_stat *wait;
	size_t i;

	for (i = 0; i < agg->n_paths; i++) {
		path = &agg->paths[i];
		count_stack(fo, path->funcs, path->n_funcs, i + 1, true,
			    path->samples, path->ns);
	}
	for (i = 0; i < agg->n_waits; i++) {
		wait = &agg->waits[i];
		count_stack(fo, wait->funcs, wait->n_funcs,
			    agg->n_paths + i + 1, false, 0, wait->ns);
	}
}

/* Most time first, then most samples, (root)/(self) after functions. */
static int cmp_link(const void *a, const void *b, void *ctx)
{
	const struct focus_link *la = a, *lb = b;
	const struct func_stat *funcs = ctx, *fa, *fb;
	uint64_t wa = link_wall_ns(la), wb = link_wall_ns(lb);

	if (wa != wb)
		return wa > wb ? -1 : 1;
	if (la->samples != lb->samples)
		return la->samples > lb->samples ? -1 : 1;
	if (la->func == FOCUS_NONE || lb->func == FOCUS_NONE)
		return (la->func == FOCUS_NONE) - (lb->func == FOCUS_NONE);
	fa = &funcs[la->func];
	fb = &funcs[lb->func];
	return cmp_identity(fa->name, fa->module, fb->name, fb->module);
}

/* The slots with time moved to the front, named and sorted; how many. */
static size_t compact_links(const struct aggregate *agg,
			    struct focus_link *links)
{
	size_t i, n = 0;

	for (i = 0; i <= agg->n_funcs; i++) {
		if (!links[i].samples && !link_wall_ns(&links[i]))
			continue;
		links[n] = links[i];
		links[n++].func = i < agg->n_funcs ? i : FOCUS_NONE;
	}
	qsort_r(links, n, sizeof(*links), cmp_link, agg->funcs);
	return n;
}

/* Whether a wait's stack passes through the set. */
static bool wait_in_focus(const struct focus *fo, const struct wait_stat *w)
{
	uint32_t k;

	for (k = 0; k < w->n_funcs; k++)
		if (fo->in[w->funcs[k]])
			return true;
	return false;
}

/* The set's hot lines and waits, in the aggregate's order. */
static void select_rows(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	size_t i;

	for (i = 0; i < agg->n_lines; i++)
		if (fo->in[agg->lines[i].func])
			fo->lines[fo->n_lines++] = i;
	for (i = 0; i < agg->n_waits; i++)
		if (wait_in_focus(fo, &agg->waits[i]))
			fo->waits[fo->n_waits++] = i;
}

static void focus_free(struct focus *fo)
{
	free(fo->in);
	free(fo->matched);
	free(fo->callers);
	free(fo->callees);
	free(fo->lines);
	free(fo->waits);
}

/* Everything the view shows, before a byte is written.  0 or -errno. */
static int focus_build(struct focus *fo)
{
	const struct aggregate *agg = fo->agg;
	size_t n = agg->n_funcs;
	int err;

	fo->in = calloc(n + 1, sizeof(*fo->in));
	fo->matched = calloc(n + 1, sizeof(*fo->matched));
	fo->callers = calloc(n + 1, sizeof(*fo->callers));
	fo->callees = calloc(n + 1, sizeof(*fo->callees));
	fo->lines = calloc(agg->n_lines + 1, sizeof(*fo->lines));
	fo->waits = calloc(agg->n_waits + 1, sizeof(*fo->waits));
	if (!fo->in || !fo->matched || !fo->callers || !fo->callees ||
	    !fo->lines || !fo->waits)
		return -ENOMEM;
	err = match_funcs(fo);
	if (err)
		return err;
	order_matched(fo);
	count_stacks(fo);
	fo->n_callers = compact_links(agg, fo->callers);
	fo->n_callees = compact_links(agg, fo->callees);
	select_rows(fo);
	return 0;
}

/* The lines rows 0..n-1 point at, for source_lines. */
static struct line_stat *focus_line_stats(const struct focus *fo, size_t n)
{
	struct line_stat *ls = calloc(n + 1, sizeof(*ls));
	size_t i;

	if (!ls)
		return NULL;
	for (i = 0; i < n; i++)
		ls[i] = fo->agg->lines[fo->lines[i]];
	return ls;
}

/* The text of the set's first n hot lines; NULL when out of memory. */
static char **focus_sources(const struct focus *fo, size_t n)
{
	struct line_stat *ls = focus_line_stats(fo, n);
	char **text;

	if (!ls)
		return NULL;
	text = source_lines(ls, n);
	free(ls);
	return text;
}

/* ---- Markdown ---- */

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

	md_clean(name, func_name(fs), NAME_MAX_BYTES, false);
	fmt_where(where, fs->file, fs->line, fs->module);
	fmt_share(self, fs->self, agg->samples);
	fmt_share(total, fs->total, agg->samples);
	fmt_cell_duration(oncpu, fs->total_ns);
	fmt_cell_duration(offcpu, fs->offcpu_ns);
	return str_printf("| `%s` | %s | %s | %s | %" PRIu64 " | %s | %s | "
			  "%.1f%% |\n", name, where, self, total, fs->self,
			  oncpu, offcpu,
			  pct_of(func_wall_ns(fs), m->fo->p->wall_ns));
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
	md_clean(clean, func_name(fs), NAME_MAX_BYTES, false);
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
			  pct_of(link_wall_ns(l), focus_wall_ns(fo)));
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
	md_clean(name, func_name(&agg->funcs[ls->func]), NAME_MAX_BYTES,
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
		cut += link_wall_ns(&links[i]);
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

static int write_focus_md(FILE *f, const struct focus *fo,
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
	m.sources = focus_sources(fo, m.n_sources);
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

/* ---- JSON ---- */

static void json_func_name(FILE *f, const struct func_stat *fs)
{
	fputs("{\"name\": ", f);
	json_string(f, fs->name);
	fputs(", \"module\": ", f);
	json_string(f, fs->module);
	json_file_line(f, fs->file, fs->line);
}

static void json_matched(FILE *f, const struct focus *fo, size_t i)
{
	const struct func_stat *fs = &fo->agg->funcs[fo->matched[i]];
	uint64_t samples = fo->agg->samples;

	json_func_name(f, fs);
	fprintf(f, ", \"class\": \"%s\"", frame_class_name(fs->cls));
	fprintf(f, ", \"self_samples\": %" PRIu64 ", \"total_samples\": %"
		PRIu64 ", \"self_ns\": %" PRIu64 ", \"total_ns\": %" PRIu64
		", \"self_pct\": %.2f, \"total_pct\": %.2f",
		fs->self, fs->total, fs->self_ns, fs->total_ns,
		pct_of(fs->self, samples), pct_of(fs->total, samples));
	fprintf(f, ", \"offcpu_ns\": %" PRIu64 ", \"wall_ns\": %" PRIu64
		", \"wall_pct\": %.2f}", fs->offcpu_ns, func_wall_ns(fs),
		pct_of(func_wall_ns(fs), fo->p->wall_ns));
}

static void json_link(FILE *f, const struct focus *fo,
		      const struct focus_link *l, const char *none)
{
	if (l->func == FOCUS_NONE) {
		fputs("{\"name\": ", f);
		json_string(f, none);
		fputs(", \"module\": null", f);
		json_file_line(f, NULL, 0);
	} else {
		json_func_name(f, &fo->agg->funcs[l->func]);
	}
	fprintf(f, ", \"samples\": %" PRIu64 ", \"oncpu_ns\": %" PRIu64
		", \"offcpu_ns\": %" PRIu64 ", \"wall_ns\": %" PRIu64
		", \"oncpu_pct\": %.2f, \"offcpu_pct\": %.2f, \"pct\": %.2f}",
		l->samples, l->oncpu_ns, l->offcpu_ns, link_wall_ns(l),
		pct_of(l->samples, fo->total),
		pct_of(l->offcpu_ns, fo->offcpu_ns),
		pct_of(link_wall_ns(l), focus_wall_ns(fo)));
}

static void json_caller(FILE *f, const struct focus *fo, size_t i)
{
	json_link(f, fo, &fo->callers[i], "(root)");
}

static void json_callee(FILE *f, const struct focus *fo, size_t i)
{
	json_link(f, fo, &fo->callees[i], "(self)");
}

static void json_frames(FILE *f, const struct aggregate *agg,
			const uint32_t *funcs, uint32_t n)
{
	uint32_t i;

	fputs("\"frames\": [", f);
	for (i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		json_string(f, agg->funcs[funcs[i]].name);
	}
	fputs("]", f);
}

static void json_wait(FILE *f, const struct focus *fo, size_t i)
{
	const struct wait_stat *wait = &fo->agg->waits[fo->waits[i]];

	fprintf(f, "{\"reason\": \"%s\", \"target\": ",
		wait_reason_name(wait->reason));
	json_string(f, wait->target);
	fputs(", ", f);
	json_frames(f, fo->agg, wait->funcs, wait->n_funcs);
	fputs(", \"function\": ", f);
	json_string(f, wait->where ? wait->where->name : NULL);
	fprintf(f, ", \"ns\": %" PRIu64 ", \"pct\": %.2f, \"wall_pct\": %.2f"
		", \"count\": %" PRIu64 "}", wait->ns,
		pct_of(wait->ns, fo->offcpu_ns),
		pct_of(wait->ns, fo->p->wall_ns), wait->count);
}

typedef void (*json_item_fn)(FILE *f, const struct focus *fo, size_t i);

/* "key": [ one item a line ], at the top level. */
static void json_list(FILE *f, const struct focus *fo, const char *key,
		      size_t n, json_item_fn item)
{
	size_t i;

	fprintf(f, ",\n  \"%s\": [", key);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s\n    ", i ? "," : "");
		item(f, fo, i);
	}
	fputs("\n  ]", f);
}

/* The hot lines, with their text: sources[i] is of row i. */
static void json_lines(FILE *f, const struct focus *fo, char **sources,
		       size_t n)
{
	const struct line_stat *ls;
	size_t i;

	fputs(",\n  \"lines\": [", f);
	for (i = 0; i < n; i++) {
		ls = &fo->agg->lines[fo->lines[i]];
		fprintf(f, "%s\n    {\"file\": ", i ? "," : "");
		json_string(f, ls->file);
		fprintf(f, ", \"line\": %d, \"function\": ", ls->line);
		json_string(f, fo->agg->funcs[ls->func].name);
		fprintf(f, ", \"samples\": %" PRIu64 ", \"pct\": %.2f, "
			"\"source\": ", ls->samples,
			pct_of(ls->samples, fo->total));
		json_string(f, sources[i]);
		fputs("}", f);
	}
	fputs("\n  ]", f);
}

/* The set's time: the figures of the Matched list in Markdown. */
static void json_time(FILE *f, const struct focus *fo)
{
	uint64_t samples = fo->agg->samples, wall = fo->p->wall_ns;

	fprintf(f, ",\n  \"time\": {\"self_samples\": %" PRIu64
		", \"total_samples\": %" PRIu64 ", \"self_ns\": %" PRIu64
		", \"total_ns\": %" PRIu64 ", \"self_pct\": %.2f"
		", \"total_pct\": %.2f, \"offcpu_ns\": %" PRIu64
		", \"offcpu_pct\": %.2f, \"wall_ns\": %" PRIu64
		", \"wall_pct\": %.2f}",
		fo->self, fo->total, fo->self_ns, fo->total_ns,
		pct_of(fo->self, samples), pct_of(fo->total, samples),
		fo->offcpu_ns, pct_of(fo->offcpu_ns, wall), focus_wall_ns(fo),
		pct_of(focus_wall_ns(fo), wall));
}

static size_t json_cap(size_t n)
{
	return n < FOCUS_JSON_MAX ? n : FOCUS_JSON_MAX;
}

static int write_focus_json(FILE *f, const struct focus *fo)
{
	size_t n_lines = json_cap(fo->n_lines);
	char **sources;

	sources = focus_sources(fo, n_lines);
	if (!sources)
		return -ENOMEM;
	fputs("{\n  \"focus\": ", f);
	json_string(f, fo->pattern);
	fputs(",\n  \"regex\": ", f);
	json_bool(f, fo->regex);
	fputs(",\n  \"command\": ", f);
	json_string(f, fo->p->command);
	fprintf(f, ",\n  \"wall_ns\": %" PRIu64 ",\n  \"samples\": %" PRIu64
		",\n  \"offcpu_traced\": ", fo->p->wall_ns, fo->agg->samples);
	json_bool(f, fo->p->quality.offcpu);
	json_time(f, fo);
	json_list(f, fo, "matched", fo->n_matched, json_matched);
	json_list(f, fo, "callers", fo->n_callers, json_caller);
	json_list(f, fo, "callees", fo->n_callees, json_callee);
	json_lines(f, fo, sources, n_lines);
	json_list(f, fo, "waits", json_cap(fo->n_waits), json_wait);
	fputs("\n}\n", f);
	source_lines_free(sources, n_lines);
	return 0;
}

int write_focus(FILE *f, const struct profile *p, const struct aggregate *agg,
		const struct report_opts *opts)
{
	struct focus fo = {
		.p = p,
		.agg = agg,
		.pattern = opts->focus,
	};
	struct report_opts o = *opts;
	int err;

	if (!o.focus || !*o.focus ||
	    (o.format != FORMAT_MD && o.format != FORMAT_JSON))
		return -EINVAL;
	if (o.top <= 0)
		o.top = REPORT_DEFAULT_TOP;
	if (o.budget_tokens <= 0)
		o.budget_tokens = REPORT_DEFAULT_BUDGET;
	err = focus_build(&fo);
	if (err)
		goto out;
	if (o.format == FORMAT_MD)
		err = write_focus_md(f, &fo, &o);
	else
		err = write_focus_json(f, &fo);
out:
	focus_free(&fo);
	return err;
}
