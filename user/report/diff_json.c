// SPDX-License-Identifier: GPL-2.0
/*
 * whyslow diff as JSON: both profiles, the wall time and categories, every
 * function with time in either, the hot paths that appeared or vanished,
 * and the verdict (diff_text.c) as plain text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "analyze/diff.h"
#include "classify/wait.h"
#include "report/diff_text.h"
#include "report/json_util.h"
#include "report/report.h"

/* after / before as JSON, null when a side is within noise of 0. */
static void json_ratio(FILE *f, const struct diff_change *c)
{
	if (c->ns[DIFF_BEFORE] > c->noise && c->ns[DIFF_AFTER] > c->noise)
		fprintf(f, "%.3f",
			(double)c->ns[DIFF_AFTER] / c->ns[DIFF_BEFORE]);
	else
		fputs("null", f);
}

/* before_ns, after_ns, delta_ns, ratio, noise_ns: an object's fields. */
static void json_change(FILE *f, const struct diff_change *c)
{
	fprintf(f, "\"before_ns\": %" PRIu64 ", \"after_ns\": %" PRIu64
		", \"delta_ns\": %" PRId64 ", \"ratio\": ", c->ns[DIFF_BEFORE],
		c->ns[DIFF_AFTER], diff_change_delta(c));
	json_ratio(f, c);
	fprintf(f, ", \"noise_ns\": %" PRIu64, c->noise);
}

static void json_side(FILE *f, const struct diff_side *s, const char *key)
{
	const struct profile *p = s->p;

	fprintf(f, "  \"%s\": {\"command\": ", key);
	json_string(f, p->command);
	fprintf(f, ", \"wall_ns\": %" PRIu64 ", \"cpu_ns\": %" PRIu64
		", \"sampled_ns\": %" PRIu64 ", \"samples\": %" PRIu64
		", \"frequency_hz\": %" PRIu32 ", \"period_ns\": %" PRIu64
		", \"offcpu\": ", p->wall_ns, p->cpu_user_ns + p->cpu_sys_ns,
		s->agg.time.ns[WAIT_NONE], s->agg.samples, p->frequency_hz,
		p->period_ns);
	json_bool(f, p->quality.offcpu);
	fprintf(f, ", \"overhead\": {\"tracing_samples\": %" PRIu64
		", \"tracing_ns\": %" PRIu64 ", \"whyslow_cpu_ns\": %" PRIu64
		"}", p->quality.tracing_samples, p->quality.tracing_ns,
		p->quality.whyslow_cpu_ns);
	fputs(", \"main_thread\": ", f);
	if (s->main_thread)
		fprintf(f, "%" PRIu32, s->main_thread->tid);
	else
		fputs("null", f);
	fputs("},\n", f);
}

static void json_categories(FILE *f, const struct diff *d)
{
	enum wait_reason r;
	size_t i;

	fputs("  \"categories\": [", f);
	for (i = 0; i < d->n_cats; i++) {
		r = d->cat_order[i];
		fprintf(f, "%s\n    {\"name\": \"%s\", ", i ? "," : "",
			wait_reason_name(r));
		json_change(f, &d->cat[r]);
		fputs(", \"significant\": ", f);
		json_bool(f, diff_change_significant(&d->cat[r]));
		fputs("}", f);
	}
	fputs("\n  ],\n", f);
}

static void json_func(FILE *f, const struct diff_func *fd)
{
	static const struct func_stat none;	/* no time at all */
	const struct func_stat *b = fd->fs[DIFF_BEFORE] ?: &none;
	const struct func_stat *a = fd->fs[DIFF_AFTER] ?: &none;
	const struct func_stat *id = diff_func_id(fd);

	fputs("{\"name\": ", f);
	json_string(f, id->name);
	fputs(", \"module\": ", f);
	json_string(f, id->module);
	json_file_line(f, id->file, id->line);
	fputs(", ", f);
	json_change(f, &fd->own);
	fprintf(f, ", \"status\": \"%s\", \"self_before_ns\": %" PRIu64
		", \"self_after_ns\": %" PRIu64
		", \"self_samples_before\": %" PRIu64
		", \"self_samples_after\": %" PRIu64
		", \"total_before_ns\": %" PRIu64
		", \"total_after_ns\": %" PRIu64
		", \"wall_before_ns\": %" PRIu64 ", \"wall_after_ns\": %" PRIu64
		", \"ranked_before_ns\": %" PRIu64
		", \"ranked_after_ns\": %" PRIu64
		"}", diff_func_status_name(fd->status), b->self_ns, a->self_ns,
		b->self, a->self, b->total_ns, a->total_ns,
		fd->wall.ns[DIFF_BEFORE], fd->wall.ns[DIFF_AFTER],
		fd->rank.ns[DIFF_BEFORE], fd->rank.ns[DIFF_AFTER]);
}

static void json_path_list(FILE *f, const struct diff *d, const char *key,
			   const struct diff_path *paths, size_t n)
{
	const struct diff_path *pd;
	size_t i;

	fprintf(f, "    \"%s\": [", key);
	for (i = 0; i < n; i++) {
		pd = &paths[i];
		fprintf(f, "%s\n      {\"path\": ", i ? "," : "");
		json_string(f, pd->text);
		fprintf(f, ", \"before_ns\": %" PRIu64 ", \"after_ns\": %"
			PRIu64 ", \"before_samples\": %" PRIu64
			", \"after_samples\": %" PRIu64 ", \"before_pct\": %.2f"
			", \"after_pct\": %.2f}", pd->ns[DIFF_BEFORE],
			pd->ns[DIFF_AFTER], pd->samples[DIFF_BEFORE],
			pd->samples[DIFF_AFTER],
			diff_path_pct(d, pd, DIFF_BEFORE),
			diff_path_pct(d, pd, DIFF_AFTER));
	}
	fprintf(f, "\n    ]");
}

/*
 * Every function with time in either profile, biggest own change first;
 * ratio is after / before (null when a side is within noise of
 * nothing); pct of a path is of its
 * profile's wall time.
 */
int diff_json_write(FILE *f, const struct diff *d)
{
	char *verdict = diff_text_verdict_string(d);
	size_t i;

	if (!verdict)
		return -ENOMEM;
	fputs("{\n  \"verdict\": ", f);
	json_string(f, verdict);
	fputs(",\n", f);
	free(verdict);
	json_side(f, &d->side[DIFF_BEFORE], "before");
	json_side(f, &d->side[DIFF_AFTER], "after");
	fprintf(f, "  \"wall\": {\"by\": \"%s\", ",
		d->by_cpu ? "on_cpu" : "wall");
	json_change(f, &d->wall);
	fputs(", \"significant\": ", f);
	json_bool(f, diff_change_significant(&d->wall));
	fputs("},\n", f);
	json_categories(f, d);
	fputs("  \"functions\": [", f);
	for (i = 0; i < d->n_funcs; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_func(f, &d->funcs[i]);
	}
	fputs("\n  ],\n  \"paths\": {\n", f);
	json_path_list(f, d, "appeared", d->paths, d->n_appeared);
	fputs(",\n", f);
	json_path_list(f, d, "vanished", d->paths + d->n_appeared,
		       d->n_vanished);
	fputs("\n  }\n}\n", f);
	return 0;
}

