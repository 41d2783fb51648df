// SPDX-License-Identifier: GPL-2.0
/*
 * JSON: the figures of the Markdown summary, for programs.  The `top`
 * option is for Markdown only: JSON lists every sampled function, but
 * only the JSON_MAX_PATHS hottest call paths, because distinct stacks can
 * run into the hundreds of thousands and the folded format is the one
 * meant to carry them all.  Paths list every frame, unfolded.
 */
#include <inttypes.h>
#include <stdio.h>

#include "aggregate.h"
#include "classify.h"
#include "report.h"

#define JSON_MAX_PATHS	100

static bool is_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), 0 when there is none.
 * Stops at the first byte that fails, so never reads past a NUL.
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return is_continuation(s[1]) ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
		return s[1] >= lo && s[1] <= hi && is_continuation(s[2]) ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
		return s[1] >= lo && s[1] <= hi && is_continuation(s[2]) &&
		       is_continuation(s[3]) ? 4 : 0;
	}
	return 0;
}

/* s as a JSON string, null for NULL; bad UTF-8 becomes U+FFFD. */
static void json_string(FILE *f, const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t len;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*c) {
		len = 1;
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c == '\n')
			fputs("\\n", f);
		else if (*c == '\t')
			fputs("\\t", f);
		else if (*c == '\r')
			fputs("\\r", f);
		else if (*c < 0x20)
			fprintf(f, "\\u%04x", *c);
		else if ((len = utf8_len(c)))
			fwrite(c, 1, len, f);
		else
			fputs("\\ufffd", f);
		c += len ? len : 1;
	}
	fputc('"', f);
}

static void json_bool(FILE *f, bool b)
{
	fputs(b ? "true" : "false", f);
}

/* Array element separator: each element on its own line. */
static void json_next(FILE *f, size_t i, const char *indent)
{
	fprintf(f, "%s\n%s", i ? "," : "", indent);
}

static void json_function(FILE *f, const struct func_stat *fs, uint64_t samples)
{
	fputs("{\"name\": ", f);
	json_string(f, fs->name);
	fputs(", \"module\": ", f);
	json_string(f, fs->module);
	fputs(", \"file\": ", f);
	json_string(f, fs->file);
	if (fs->file)
		fprintf(f, ", \"line\": %d", fs->line);
	else
		fputs(", \"line\": null", f);
	fprintf(f, ", \"class\": \"%s\"", frame_class_name(fs->cls));
	fprintf(f, ", \"self_samples\": %" PRIu64 ", \"total_samples\": %" PRIu64
		", \"self_ns\": %" PRIu64 ", \"total_ns\": %" PRIu64
		", \"self_pct\": %.2f, \"total_pct\": %.2f}",
		fs->self, fs->total, fs->self_ns, fs->total_ns,
		pct_of(fs->self, samples), pct_of(fs->total, samples));
}

static void json_path(FILE *f, const struct aggregate *agg,
		      const struct path_stat *path)
{
	uint32_t i;

	fputs("{\"frames\": [", f);
	for (i = 0; i < path->n_funcs; i++) {
		fputs(i ? ", " : "", f);
		json_string(f, agg->funcs[path->funcs[i]].name);
	}
	fprintf(f, "], \"samples\": %" PRIu64 ", \"ns\": %" PRIu64
		", \"pct\": %.2f}",
		path->samples, path->ns, pct_of(path->samples, agg->samples));
}

static void json_process(FILE *f, const struct proc_stat *ps, uint64_t samples)
{
	const struct thread_stat *t;
	size_t i;

	fprintf(f, "{\"pid\": %" PRIu32 ", \"ppid\": %" PRIu32 ", \"comm\": ",
		ps->pid, ps->ppid);
	json_string(f, ps->comm);
	fputs(", \"exe\": ", f);
	json_string(f, ps->exe);
	fprintf(f, ", \"samples\": %" PRIu64 ", \"ns\": %" PRIu64
		", \"pct\": %.2f, \"threads\": [",
		ps->samples, ps->ns, pct_of(ps->samples, samples));
	for (i = 0; i < ps->n_threads; i++) {
		t = &ps->threads[i];
		json_next(f, i, "      ");
		fprintf(f, "{\"tid\": %" PRIu32 ", \"comm\": ", t->tid);
		json_string(f, t->comm);
		fprintf(f, ", \"samples\": %" PRIu64 ", \"ns\": %" PRIu64
			", \"pct\": %.2f}",
			t->samples, t->ns, pct_of(t->samples, samples));
	}
	fputs("\n    ]}", f);
}

static void json_quality(FILE *f, const struct profile_quality *q)
{
	fprintf(f, "  \"quality\": {\n"
		"    \"lost_samples\": %" PRIu64 ",\n"
		"    \"lost_sideband\": %" PRIu64 ",\n"
		"    \"kstack_errors\": %" PRIu64 ",\n"
		"    \"ustack_errors\": %" PRIu64 ",\n"
		"    \"truncated_samples\": %" PRIu64 ",\n"
		"    \"frames_total\": %" PRIu64 ",\n"
		"    \"frames_unresolved\": %" PRIu64 ",\n"
		"    \"requested_hz\": %" PRIu32 ",\n"
		"    \"max_hz\": %" PRIu32 ",\n"
		"    \"kernel_addrs_hidden\": ",
		q->lost_samples, q->lost_sideband, q->kstack_errors,
		q->ustack_errors, q->truncated_samples, q->frames_total,
		q->frames_unresolved, q->requested_hz, q->max_hz);
	json_bool(f, q->kernel_addrs_hidden);
	fputs("\n  }\n", f);
}

static void json_header(FILE *f, const struct profile *p,
			const struct aggregate *agg)
{
	fputs("{\n  \"command\": ", f);
	json_string(f, p->command);
	fprintf(f, ",\n  \"wall_ns\": %" PRIu64
		",\n  \"cpu_ns\": %" PRIu64
		",\n  \"cpu_user_ns\": %" PRIu64
		",\n  \"cpu_sys_ns\": %" PRIu64
		",\n  \"cpu_from_rusage\": ",
		p->wall_ns, p->cpu_user_ns + p->cpu_sys_ns, p->cpu_user_ns,
		p->cpu_sys_ns);
	json_bool(f, p->cpu_from_rusage);
	fprintf(f, ",\n  \"samples\": %" PRIu64
		",\n  \"sampled_ns\": %" PRIu64
		",\n  \"kernel_samples\": %" PRIu64
		",\n  \"lost\": %" PRIu64
		",\n  \"frequency_hz\": %" PRIu32
		",\n  \"period_ns\": %" PRIu64 ",\n",
		agg->samples, agg->ns, agg->kernel_samples,
		p->quality.lost_samples, p->frequency_hz, p->period_ns);
}

int write_json(FILE *f, const struct profile *p, const struct aggregate *agg)
{
	size_t i, n_paths;

	json_header(f, p, agg);
	fputs("  \"functions\": [", f);
	for (i = 0; i < agg->n_funcs; i++) {
		json_next(f, i, "    ");
		json_function(f, &agg->funcs[i], agg->samples);
	}
	fputs("\n  ],\n  \"paths\": [", f);
	n_paths = agg->n_paths < JSON_MAX_PATHS ? agg->n_paths : JSON_MAX_PATHS;
	for (i = 0; i < n_paths; i++) {
		json_next(f, i, "    ");
		json_path(f, agg, &agg->paths[i]);
	}
	fputs("\n  ],\n  \"processes\": [", f);
	for (i = 0; i < agg->n_procs; i++) {
		json_next(f, i, "    ");
		json_process(f, &agg->procs[i], agg->samples);
	}
	fputs("\n  ],\n", f);
	json_quality(f, &p->quality);
	fputs("}\n", f);
	return 0;
}
