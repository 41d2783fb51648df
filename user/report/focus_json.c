// SPDX-License-Identifier: GPL-2.0
/*
 * The focus view as JSON: the set's time, the matched functions, callers,
 * callees, up to FOCUS_JSON_MAX hot lines and waits.  The selection is
 * analyze/focus.c's.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/focus.h"
#include "classify/frame.h"
#include "classify/wait.h"
#include "report/json_util.h"
#include "report/report.h"
#include "report/source.h"

#define FOCUS_JSON_MAX		100	/* lines and waits in JSON */

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
		", \"wall_pct\": %.2f}", fs->offcpu_ns,
		aggregate_func_wall(fo->agg, fs),
		pct_of(aggregate_func_wall(fo->agg, fs), fo->p->wall_ns));
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
		l->samples, l->oncpu_ns, l->offcpu_ns, focus_link_wall_ns(l),
		pct_of(l->samples, fo->total),
		pct_of(l->offcpu_ns, fo->offcpu_ns),
		pct_of(focus_link_wall_ns(l), focus_wall_ns(fo)));
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

int focus_json_write(FILE *f, const struct focus *fo)
{
	size_t n_lines = json_cap(fo->n_lines);
	char **sources;

	sources = source_focus_lines(fo, n_lines);
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
