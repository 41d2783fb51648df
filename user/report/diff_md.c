// SPDX-License-Identifier: GPL-2.0
/*
 * whyslow diff as Markdown: the two profiles, the verdict (diff_text.c),
 * wall time and waits, functions faster and slower, hot paths that
 * appeared or vanished, within the row and token budget; what did not
 * fit is counted on the last line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/diff.h"
#include "report/diff_text.h"
#include "report/md_util.h"
#include "report/report.h"

#define PATH_MAX_BYTES		400	/* a formatted call path */
#define TITLE_MAX_BYTES		100	/* each command in the title */
#define OMITTED_RESERVE		300	/* room kept for the last line */

struct diff_md {
	struct md_doc doc;
	const struct diff *d;
	const uint32_t *funcs;	/* the table's: d->faster or d->slower */
};

/* Shown rows, for the omitted: line. */
struct diff_shown {
	size_t cats;
	size_t faster;
	size_t slower;
	size_t appeared;
	size_t vanished;
	size_t paths;
};

static void md_side(struct diff_md *m, const struct diff_side *s,
		    const char *label)
{
	const struct profile *p = s->p;
	char wall[DURATION_SIZE], cpu[DURATION_SIZE];
	char tracing[DURATION_SIZE], own[DURATION_SIZE];

	fmt_duration(wall, p->wall_ns);
	fmt_duration(cpu, p->cpu_user_ns + p->cpu_sys_ns);
	md_printf(&m->doc, "%s: wall %s, CPU %s%s, %" PRIu64 " samples at %"
		  PRIu32 " Hz%s", label, wall, cpu,
		  p->cpu_from_rusage ? "" : " sampled", s->agg.samples,
		  p->frequency_hz, p->quality.offcpu ? "" :
		  ", off-CPU not traced");
	if (s->main_thread)
		md_printf(&m->doc, ", %zu threads (main: tid %" PRIu32 ")",
			  s->agg.n_threads, s->main_thread->tid);
	if (p->quality.tracing_ns || p->quality.whyslow_cpu_ns) {
		fmt_duration(tracing, p->quality.tracing_ns);
		fmt_duration(own, p->quality.whyslow_cpu_ns);
		md_printf(&m->doc, "; whyslow's own cost: tracing %s (left "
			  "out of the samples), its process %s of CPU",
			  tracing, own);
	}
	md_put(&m->doc, ".");
}

static int md_head(struct diff_md *m)
{
	const struct diff *d = m->d;
	char before[CLEAN_SIZE(TITLE_MAX_BYTES)];
	char after[CLEAN_SIZE(TITLE_MAX_BYTES)];
	char *verdict = NULL;
	size_t len = 0;
	FILE *f;

	md_clean(before, d->side[DIFF_BEFORE].p->command ?: "(unknown)",
		 TITLE_MAX_BYTES, false);
	md_clean(after, d->side[DIFF_AFTER].p->command ?: "(unknown)",
		 TITLE_MAX_BYTES, false);
	md_printf(&m->doc, "# whyslow diff: %s → %s\n\n", before, after);
	md_side(m, &d->side[DIFF_BEFORE], "BEFORE");
	md_put(&m->doc, " ");
	md_side(m, &d->side[DIFF_AFTER], "AFTER");
	f = open_memstream(&verdict, &len);
	if (!f)
		return -ENOMEM;
	diff_text_verdict(f, d, true);
	if (fclose(f)) {
		free(verdict);
		return -ENOMEM;
	}
	md_printf(&m->doc, "\n\n## Verdict\n\n%s\n", verdict);
	free(verdict);
	return 0;
}

/* "| wall | 4.10 s | 2.16 s | −1.94 s | 1.9× faster |" */
static char *change_row(const char *label, const struct diff_change *c,
			enum diff_words w)
{
	char before[DURATION_SIZE], after[DURATION_SIZE];
	char delta[DIFF_DELTA_SIZE], change[DIFF_CHANGE_SIZE];

	fmt_cell_duration(before, c->ns[DIFF_BEFORE]);
	fmt_cell_duration(after, c->ns[DIFF_AFTER]);
	diff_text_delta(delta, c);
	diff_text_change(change, c, w);
	return str_printf("| %s | %s | %s | %s | %s |\n", label, before, after,
			  delta, change);
}

/* Row 0 is the wall time, then the categories. */
static char *time_row(const void *ctx, size_t i)
{
	const struct diff *d = ((const struct diff_md *)ctx)->d;
	enum wait_reason r;

	if (!i)
		return change_row(d->by_cpu ? "**on-CPU (no wall time)**" :
				  "**wall**", &d->wall, DIFF_WORDS_TIME);
	r = d->cat_order[i - 1];
	return change_row(md_categories[r].label, &d->cat[r],
			  r == WAIT_NONE ? DIFF_WORDS_TIME : DIFF_WORDS_WAIT);
}

static int md_time(struct diff_md *m, size_t *shown)
{
	const struct diff *d = m->d;
	bool threaded = d->side[DIFF_BEFORE].main_thread ||
			d->side[DIFF_AFTER].main_thread;
	char *head;
	int err;

	head = str_printf("\n## Wall time and waits\n\n"
			  "Absolute times; Δ = after − before; ≈: within "
			  "noise (a change no larger than 2%% of the larger "
			  "time, two sampling periods, or two standard errors "
			  "of sampled time).%s\n\n"
			  "| | before | after | Δ | change |\n"
			  "|---|--:|--:|--:|---|\n",
			  threaded ? " Categories are the main thread's in a "
			  "threaded profile (its life spans the run)." : "");
	if (!head)
		return -ENOMEM;
	err = md_rows(&m->doc, head, d->n_cats + 1, time_row, m, shown);
	free(head);
	/* The wall row is not a category. */
	*shown -= *shown > 0;
	return err;
}

static char *func_row(const void *ctx, size_t i)
{
	const struct diff_md *m = ctx;
	const struct diff_func *fd = &m->d->funcs[m->funcs[i]];
	const struct func_stat *id = diff_func_id(fd);
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char before[DURATION_SIZE], after[DURATION_SIZE];
	char delta[DIFF_DELTA_SIZE], change[DIFF_CHANGE_SIZE];
	char wall_b[DURATION_SIZE], wall_a[DURATION_SIZE];

	md_name(name, id->name, NAME_MAX_BYTES, false);
	fmt_where(where, id->file, id->line, id->module);
	fmt_cell_duration(before, fd->own.ns[DIFF_BEFORE]);
	fmt_cell_duration(after, fd->own.ns[DIFF_AFTER]);
	diff_text_delta(delta, &fd->own);
	diff_text_change(change, &fd->own, DIFF_WORDS_OWN);
	fmt_cell_duration(wall_b, fd->wall.ns[DIFF_BEFORE]);
	fmt_cell_duration(wall_a, fd->wall.ns[DIFF_AFTER]);
	return str_printf("| `%s` | %s | %s | %s | %s | %s | %s | %s |\n",
			  name, where, before, after, delta, change, wall_b,
			  wall_a);
}

/* A function of one side only: its own and total time there. */
static char *one_side_row(const void *ctx, size_t i)
{
	const struct diff_md *m = ctx;
	const struct diff_func *fd = &m->d->funcs[m->funcs[i]];
	const struct func_stat *id = diff_func_id(fd);
	enum diff_which w = fd->status == DIFF_FUNC_APPEARED ? DIFF_AFTER :
			    DIFF_BEFORE;
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char own[DURATION_SIZE], total[DURATION_SIZE];

	md_name(name, id->name, NAME_MAX_BYTES, false);
	fmt_where(where, id->file, id->line, id->module);
	fmt_cell_duration(own, fd->own.ns[w]);
	fmt_cell_duration(total, fd->wall.ns[w]);
	return str_printf("| `%s` | %s | %s | %s |\n", name, where, own,
			  total);
}

#define ONE_SIDE_HEAD \
	"| function | where | own | total |\n|---|---|--:|--:|\n"

#define FUNC_TABLE_HEAD \
	"| function | where | own before | own after | Δ own | change | " \
	"total before | total after |\n" \
	"|---|---|--:|--:|--:|---|--:|--:|\n"

/* One table of functions; the section's intro goes out with the first
 * row that fits (*intro_out). */
static int md_func_table(struct diff_md *m, const char *intro, bool *intro_out,
			 const char *table, const uint32_t *funcs, size_t n,
			 md_row_fn row, size_t *shown)
{
	char *head = str_printf("%s%s", *intro_out ? "" : intro, table);
	int err;

	if (!head)
		return -ENOMEM;
	m->funcs = funcs;
	err = md_rows(&m->doc, head, n, row, m, shown);
	free(head);
	*intro_out = *intro_out || *shown;
	return err;
}

/* Faster functions, slower, then those of one profile only. */
static int md_funcs(struct diff_md *m, struct diff_shown *shown)
{
	static const char intro[] =
		"\n## Functions\n\n"
		"Matched by name (a compiler's clone suffix aside) and "
		"module, the two programs' own executables as one. Own: "
		"on-CPU self time plus the waits the function made itself; "
		"total: its wall time, on and off the CPU with its callees. "
		"Biggest change in own time first, a Python function's "
		"with the runtime and library code it called counted in "
		"(that code then ranks by the rest); changes within noise are "
		"not listed, and a side within noise of nothing gives no "
		"ratio.\n";
	const struct diff *d = m->d;
	bool out = false;
	int err;

	if (!d->n_faster && !d->n_slower && !d->n_appeared_funcs &&
	    !d->n_vanished_funcs) {
		md_put(&m->doc, "\n## Functions\n\nNo function's own time "
		       "changed beyond noise.\n");
		return 0;
	}
	err = md_func_table(m, intro, &out, "\nFaster:\n\n" FUNC_TABLE_HEAD,
			    d->faster, d->n_faster, func_row, &shown->faster);
	if (!err)
		err = md_func_table(m, intro, &out,
				    "\nSlower:\n\n" FUNC_TABLE_HEAD,
				    d->slower, d->n_slower, func_row,
				    &shown->slower);
	if (!err)
		err = md_func_table(m, intro, &out,
				    "\nAppeared (time beyond noise in AFTER only):\n\n"
				    ONE_SIDE_HEAD, d->appeared_funcs,
				    d->n_appeared_funcs, one_side_row,
				    &shown->appeared);
	if (!err)
		err = md_func_table(m, intro, &out,
				    "\nVanished (time beyond noise in BEFORE only):\n\n"
				    ONE_SIDE_HEAD, d->vanished_funcs,
				    d->n_vanished_funcs, one_side_row,
				    &shown->vanished);
	return err;
}

static char *path_row(const void *ctx, size_t i)
{
	const struct diff *d = ((const struct diff_md *)ctx)->d;
	const struct diff_path *pd = &d->paths[i];
	char clean[CLEAN_SIZE(PATH_MAX_BYTES)];

	md_name(clean, pd->text, PATH_MAX_BYTES, true);
	return str_printf("| %s | %.1f%% | %.1f%% | `%s` |\n",
			  i < d->n_appeared ? "appeared" : "vanished",
			  diff_path_pct(d, pd, DIFF_BEFORE),
			  diff_path_pct(d, pd, DIFF_AFTER), clean);
}

static int md_paths(struct diff_md *m, size_t *shown)
{
	char *head;
	int err;

	*shown = 0;
	if (!m->d->n_appeared && !m->d->n_vanished)
		return 0;
	head = str_printf("\n## Hot paths appeared or vanished\n\n"
			  "On-CPU call paths with %.0f%% of the wall time or "
			  "more in one profile and under 1/%d of that share "
			  "in the other; root first.\n\n"
			  "| | before | after | path |\n"
			  "|---|--:|--:|---|\n", DIFF_HOT_PATH_PCT,
			  DIFF_GONE_PATH_PART);
	if (!head)
		return -ENOMEM;
	err = md_rows(&m->doc, head, m->d->n_appeared + m->d->n_vanished,
		      path_row, m, shown);
	free(head);
	return err;
}

/* The functions a table left out, and their change added up. */
static void omit_funcs(struct diff_md *m, const uint32_t *funcs, size_t n,
		       size_t shown, const char *what, bool *any)
{
	char delta[DIFF_DELTA_SIZE];
	struct diff_change sum = { { 0, 0 }, 0 };
	const struct diff_change *own;
	size_t i;

	if (shown >= n)
		return;
	for (i = shown; i < n; i++) {
		own = &m->d->funcs[funcs[i]].own;
		sum.ns[DIFF_BEFORE] += own->ns[DIFF_BEFORE];
		sum.ns[DIFF_AFTER] += own->ns[DIFF_AFTER];
	}
	diff_text_delta(delta, &sum);
	md_printf(&m->doc, "%s%zu %s functions (%s own time in all)",
		  *any ? "; " : " ", n - shown, what, delta);
	*any = true;
}

static void md_omitted(struct diff_md *m, const struct diff_shown *shown)
{
	const struct diff *d = m->d;
	size_t paths = d->n_appeared + d->n_vanished;
	bool any = false;

	md_put(&m->doc, "\nomitted:");
	if (shown->cats < d->n_cats) {
		md_printf(&m->doc, " %zu time categories", d->n_cats -
			  shown->cats);
		any = true;
	}
	omit_funcs(m, d->faster, d->n_faster, shown->faster, "faster", &any);
	omit_funcs(m, d->slower, d->n_slower, shown->slower, "slower", &any);
	omit_funcs(m, d->appeared_funcs, d->n_appeared_funcs,
		   shown->appeared, "appeared", &any);
	omit_funcs(m, d->vanished_funcs, d->n_vanished_funcs,
		   shown->vanished, "vanished", &any);
	if (shown->paths < paths) {
		md_printf(&m->doc, "%s%zu changed paths", any ? "; " : " ",
			  paths - shown->paths);
		any = true;
	}
	md_put(&m->doc, any ? "\n" : " nothing\n");
}

int diff_md_write(FILE *f, const struct diff *d,
		  const struct report_opts *opts)
{
	struct diff_md m = {
		.doc = {
			.f = f,
			.top = opts->top,
			.budget = (size_t)opts->budget_tokens * BYTES_PER_TOKEN,
			.reserve = OMITTED_RESERVE,
		},
		.d = d,
	};
	struct diff_shown shown = { 0 };
	int err;

	err = md_head(&m);
	if (!err)
		err = md_time(&m, &shown.cats);
	if (!err)
		err = md_funcs(&m, &shown);
	if (!err)
		err = md_paths(&m, &shown.paths);
	if (!err)
		md_omitted(&m, &shown);
	return err;
}

