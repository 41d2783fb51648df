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
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "classify.h"
#include "report.h"

#define BYTES_PER_TOKEN		4
/* Fewer samples: a share is marked uncertain, a profile is too short. */
#define MIN_TRUSTED_SAMPLES	30
#define NAME_MAX_BYTES		96	/* names, modules, files, comms */
#define PATH_MAX_BYTES		400	/* a formatted call path */
#define TITLE_MAX_BYTES		200
#define OMITTED_RESERVE		200	/* room kept for the last line */
#define CLEAN_SIZE(max)		(2 * (max) + 8)	/* md_clean's worst case */
#define WHERE_SIZE		(CLEAN_SIZE(NAME_MAX_BYTES) + 16)
#define SHARE_SIZE		32
#define DURATION_SIZE		32

struct md {
	FILE *f;
	const struct profile *p;
	const struct aggregate *agg;
	size_t top;		/* rows per table */
	size_t budget;		/* bytes for the whole document */
	size_t reserve;		/* bytes kept for the sections that must follow */
	size_t used;
};

/* Rows each table got, for the omitted: line. */
struct shown {
	size_t funcs;
	size_t paths;
	size_t threads;
};

typedef char *(*row_fn)(const struct md *m, size_t i);

static bool is_continuation(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * s made safe for a table cell or code span: '|' escaped, '`' and control
 * characters replaced, and cut to max bytes on a UTF-8 boundary, keeping
 * the head or, for files and paths, the tail (the file name, the leaf).
 * out must hold CLEAN_SIZE(max) bytes.
 */
static void md_clean(char *out, const char *s, size_t max, bool keep_tail)
{
	size_t len = strlen(s), from = 0, to = len, o = 0;
	unsigned char c;

	if (len > max && keep_tail) {
		from = len - max;
		while (from < len && is_continuation(s[from]))
			from++;
		o += sprintf(out, "…");
	} else if (len > max) {
		to = max;
		while (to > 0 && is_continuation(s[to]))
			to--;
	}
	for (; from < to; from++) {
		c = s[from];
		if (c == '|') {
			out[o++] = '\\';
			out[o++] = '|';
		} else if (c == '`') {
			out[o++] = '\'';
		} else {
			out[o++] = c < 0x20 || c == 0x7f ? ' ' : c;
		}
	}
	if (to < len)
		o += sprintf(out + o, "…");
	out[o] = '\0';
}

/*
 * "70.1%", or "4.2% ±2.0~" when fewer than MIN_TRUSTED_SAMPLES back it:
 * ± is the standard error of a sampled proportion, 100·√(p(1−p)/n).
 * No sample at all is exact, not uncertain.
 */
static void fmt_share(char *buf, uint64_t part, uint64_t whole)
{
	double p = pct_of(part, whole) / 100.0;

	if (!part || part >= MIN_TRUSTED_SAMPLES)
		snprintf(buf, SHARE_SIZE, "%.1f%%", 100.0 * p);
	else
		snprintf(buf, SHARE_SIZE, "%.1f%% ±%.1f~", 100.0 * p,
			 100.0 * sqrt(p * (1.0 - p) / (double)whole));
}

static void fmt_duration(char *buf, uint64_t ns)
{
	if (ns >= 1000000000)
		snprintf(buf, DURATION_SIZE, "%.2f s", ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, DURATION_SIZE, "%.1f ms", ns / 1e6);
	else if (ns >= 1000)
		snprintf(buf, DURATION_SIZE, "%.1f µs", ns / 1e3);
	else
		snprintf(buf, DURATION_SIZE, "%" PRIu64 " ns", ns);
}

/* Where a function is: file:line when known, else its module. */
static void fmt_where(char *buf, const struct func_stat *fs)
{
	char file[CLEAN_SIZE(NAME_MAX_BYTES)];

	if (fs->file) {
		md_clean(file, fs->file, NAME_MAX_BYTES, true);
		snprintf(buf, WHERE_SIZE, "%s:%d", file, fs->line);
	} else {
		md_clean(buf, fs->module ? fs->module : "?", NAME_MAX_BYTES,
			 false);
	}
}

static void md_put(struct md *m, const char *s)
{
	fputs(s, m->f);
	m->used += strlen(s);
}

__attribute__((format(printf, 2, 3)))
static void md_printf(struct md *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(m->f, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->used += n;
}

static bool md_fits(const struct md *m, size_t len)
{
	return m->used + len + m->reserve <= m->budget;
}

/*
 * head, then rows 0..n-1 (at most top) while they fit the budget; nothing
 * at all when not even the first row fits.  0 or -ENOMEM.
 */
static int md_table(struct md *m, const char *head, size_t n, row_fn row,
		    size_t *shown)
{
	size_t i, need;
	char *text;

	for (i = 0; i < n && i < m->top; i++) {
		text = row(m, i);
		if (!text)
			return -ENOMEM;
		need = strlen(text) + (i ? 0 : strlen(head));
		if (!md_fits(m, need)) {
			free(text);
			break;
		}
		if (!i)
			md_put(m, head);
		md_put(m, text);
		free(text);
	}
	*shown = i;
	return 0;
}

/* asprintf returning the string, NULL when out of memory. */
__attribute__((format(printf, 1, 2)))
static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	char *row;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&row, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : row;
}

/* path_format made safe for a code span; NULL when out of memory. */
static char *path_text(const struct aggregate *agg,
		       const struct path_stat *path)
{
	char *raw, *clean;

	raw = path_format(agg, path);
	if (!raw)
		return NULL;
	clean = malloc(CLEAN_SIZE(PATH_MAX_BYTES));
	if (clean)
		md_clean(clean, raw, PATH_MAX_BYTES, true);
	free(raw);
	return clean;
}

static void md_title(struct md *m)
{
	const struct profile *p = m->p;
	char cmd[CLEAN_SIZE(TITLE_MAX_BYTES)], wall[DURATION_SIZE];
	char cpu[DURATION_SIZE], user[DURATION_SIZE], sys[DURATION_SIZE];

	md_clean(cmd, p->command ? p->command : "(unknown)", TITLE_MAX_BYTES,
		 false);
	fmt_duration(wall, p->wall_ns);
	fmt_duration(cpu, p->cpu_user_ns + p->cpu_sys_ns);
	fmt_duration(user, p->cpu_user_ns);
	fmt_duration(sys, p->cpu_sys_ns);
	md_printf(m, "# whyslow: %s\n\n", cmd);
	md_printf(m, "Wall time %s, CPU time %s%s (user %s, sys %s), "
		  "%" PRIu64 " samples at %" PRIu32 " Hz.\n",
		  wall, cpu, p->cpu_from_rusage ? "" : " sampled", user, sys,
		  m->agg->samples, p->frequency_hz);
}

/* The hottest path that ends in function func. */
static const struct path_stat *hottest_path_to(const struct aggregate *agg,
					       uint32_t func)
{
	size_t i;

	for (i = 0; i < agg->n_paths; i++)
		if (agg->paths[i].funcs[agg->paths[i].n_funcs - 1] == func)
			return &agg->paths[i];
	return NULL;
}

/* The hottest function, its share, and the path that reaches it most. */
static int md_top_function(struct md *m)
{
	const struct aggregate *agg = m->agg;
	const struct func_stat *top = &agg->funcs[0];
	const struct path_stat *path = hottest_path_to(agg, 0);
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char self[SHARE_SIZE], total[SHARE_SIZE], share[SHARE_SIZE];
	char *route;

	md_clean(name, top->name, NAME_MAX_BYTES, false);
	fmt_where(where, top);
	fmt_share(self, top->self, agg->samples);
	fmt_share(total, top->total, agg->samples);
	md_printf(m, "`%s` (%s, %s) is %s of on-CPU samples (self), "
		  "%s with its callees (total)",
		  name, frame_class_name(top->cls), where, self, total);
	if (path) {
		route = path_text(agg, path);
		if (!route)
			return -ENOMEM;
		fmt_share(share, path->samples, agg->samples);
		md_printf(m, "; its hottest path is `%s` (%s)", route, share);
		free(route);
	}
	md_put(m, ".");
	return 0;
}

static int md_verdict(struct md *m)
{
	const struct aggregate *agg = m->agg;
	int err;

	md_put(m, "\n## Verdict\n\n");
	if (!agg->samples) {
		md_put(m, "No samples were recorded: the program ended too soon "
		       "or never ran on a CPU (only on-CPU time is sampled).\n");
		return 0;
	}
	if (!agg->n_funcs) {
		md_put(m, "No sample has a readable stack; see Data quality.\n");
		return 0;
	}
	err = md_top_function(m);
	if (err)
		return err;
	if (agg->samples < MIN_TRUSTED_SAMPLES)
		md_printf(m, " Only %" PRIu64 " samples: the profile is too "
			  "short to trust; run longer or sample faster.",
			  agg->samples);
	else if (agg->kernel_samples * 2 > agg->samples)
		md_printf(m, " The kernel dominates: %.1f%% of samples were "
			  "taken in kernel mode (system calls, page faults).",
			  pct_of(agg->kernel_samples, agg->samples));
	md_put(m, "\n");
	return 0;
}

static char *func_row(const struct md *m, size_t i)
{
	const struct func_stat *fs = &m->agg->funcs[i];
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], where[WHERE_SIZE];
	char self[SHARE_SIZE], total[SHARE_SIZE];

	md_clean(name, fs->name, NAME_MAX_BYTES, false);
	fmt_where(where, fs);
	fmt_share(self, fs->self, m->agg->samples);
	fmt_share(total, fs->total, m->agg->samples);
	return str_printf("| `%s` | %s | %s | %s | %" PRIu64 " |\n",
			  name, where, self, total, fs->self);
}

static int md_functions(struct md *m, size_t *shown)
{
	char cpu[DURATION_SIZE], *head;
	int err;

	fmt_duration(cpu, m->agg->ns);
	head = str_printf("\n## Top functions\n\n"
			  "Percentages are of %" PRIu64 " on-CPU samples "
			  "(%s of CPU time). Self: in the function itself; "
			  "total: with its callees.\n\n"
			  "| function | where | self | total | samples |\n"
			  "|---|---|--:|--:|--:|\n",
			  m->agg->samples, cpu);
	if (!head)
		return -ENOMEM;
	err = md_table(m, head, m->agg->n_funcs, func_row, shown);
	free(head);
	return err;
}

static char *path_row(const struct md *m, size_t i)
{
	const struct path_stat *path = &m->agg->paths[i];
	char share[SHARE_SIZE], *route, *row;

	route = path_text(m->agg, path);
	if (!route)
		return NULL;
	fmt_share(share, path->samples, m->agg->samples);
	row = str_printf("| %s | %" PRIu64 " | `%s` |\n",
			 share, path->samples, route);
	free(route);
	return row;
}

static int md_paths(struct md *m, size_t *shown)
{
	static const char head[] =
		"\n## Hot call paths\n\n"
		"Root first; runs of library, runtime or kernel frames fold "
		"to …(n)…, keeping the frames where code calls in and out.\n\n"
		"| share | samples | path |\n"
		"|--:|--:|---|\n";

	return md_table(m, head, m->agg->n_paths, path_row, shown);
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
	if (m->agg->n_threads < 2)
		return 0;
	return md_table(m, head, m->agg->n_threads, thread_row, shown);
}

static void quality_stacks(FILE *f, const struct aggregate *agg,
			   const struct profile_quality *q)
{
	fprintf(f, "- Truncated stacks: %.1f%% of samples (%" PRIu64 ")",
		pct_of(agg->truncated_samples, agg->samples),
		agg->truncated_samples);
	if (agg->truncated_samples)
		fputs(": usually code built without frame pointers "
		      "(-fno-omit-frame-pointer); callers above the cut are "
		      "missing, so totals of outer functions are low", f);
	fprintf(f, ".\n- Unresolved frames: %.1f%% (%" PRIu64 " of %" PRIu64
		").\n- Stack read errors: %" PRIu64 " kernel, %" PRIu64
		" user.\n",
		pct_of(q->frames_unresolved, q->frames_total),
		q->frames_unresolved, q->frames_total, q->kstack_errors,
		q->ustack_errors);
	if (agg->empty_samples)
		fprintf(f, "- Samples without any frame: %" PRIu64
			" (in no function or path).\n", agg->empty_samples);
}

static void quality_sampling(FILE *f, const struct profile *p,
			     const struct aggregate *agg)
{
	const struct profile_quality *q = &p->quality;
	char period[DURATION_SIZE];

	fmt_duration(period, p->period_ns);
	fprintf(f, "- Frequency: %" PRIu32 " Hz, one sample = %s of CPU time",
		p->frequency_hz, period);
	if (q->requested_hz > q->max_hz && q->max_hz)
		fprintf(f, "; %" PRIu32 " Hz requested, clamped to the kernel "
			"limit kernel.perf_event_max_sample_rate = %" PRIu32,
			q->requested_hz, q->max_hz);
	fputs(".\n", f);
	if (q->kernel_addrs_hidden)
		fputs("- Kernel addresses hidden (kernel.kptr_restrict): "
		      "kernel frames are unresolved.\n", f);
	fprintf(f, "- Uncertainty: `~` marks a share resting on fewer than "
		"%d samples; ± is its standard error in percentage points, "
		"100·√(p(1−p)/n), n = %" PRIu64 ".\n",
		MIN_TRUSTED_SAMPLES, agg->samples);
}

/* The data-quality section as a string, to reserve its room up front. */
static char *md_quality(const struct md *m)
{
	const struct profile_quality *q = &m->p->quality;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "\n## Data quality\n\n"
		"- Samples: %" PRIu64 " kept, %" PRIu64 " lost (ring buffer "
		"full), %" PRIu64 " mmap/comm records lost.\n",
		m->agg->samples, q->lost_samples, q->lost_sideband);
	quality_stacks(f, m->agg, q);
	quality_sampling(f, m->p, m->agg);
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}

/* The last line: every row cut, by top or by the budget. */
static void md_omitted(struct md *m, const struct shown *shown)
{
	const struct aggregate *agg = m->agg;
	uint64_t self = 0, path_samples = 0, thread_samples = 0;
	size_t i, funcs = 0, threads = 0;
	const char *sep = " ";

	for (i = shown->funcs; i < agg->n_funcs; i++) {
		if (agg->funcs[i].self) {
			funcs++;
			self += agg->funcs[i].self;
		}
	}
	for (i = shown->paths; i < agg->n_paths; i++)
		path_samples += agg->paths[i].samples;
	/* A single thread gets no table, so it is not left out of one. */
	for (i = shown->threads; agg->n_threads > 1 && i < agg->n_threads; i++) {
		threads++;
		thread_samples += agg->threads[i].samples;
	}

	md_put(m, "\nomitted:");
	if (funcs) {
		md_printf(m, "%s%.1f%% of samples across %zu functions", sep,
			  pct_of(self, agg->samples), funcs);
		sep = "; ";
	}
	if (shown->paths < agg->n_paths) {
		md_printf(m, "%s%zu call paths (%.1f%%)", sep,
			  agg->n_paths - shown->paths,
			  pct_of(path_samples, agg->samples));
		sep = "; ";
	}
	if (threads)
		md_printf(m, "%s%zu threads (%.1f%%)", sep, threads,
			  pct_of(thread_samples, agg->samples));
	else if (!funcs && shown->paths == agg->n_paths)
		md_put(m, " nothing");
	md_put(m, "\n");
}

int write_markdown(FILE *f, const struct profile *p,
		   const struct aggregate *agg, const struct report_opts *opts)
{
	struct md m = {
		.f = f,
		.p = p,
		.agg = agg,
		.top = opts->top,
		.budget = (size_t)opts->budget_tokens * BYTES_PER_TOKEN,
	};
	struct shown shown = { 0 };
	char *quality;
	int err;

	quality = md_quality(&m);
	if (!quality)
		return -ENOMEM;
	m.reserve = strlen(quality) + OMITTED_RESERVE;
	md_title(&m);
	err = md_verdict(&m);
	if (!err)
		err = md_functions(&m, &shown.funcs);
	if (!err)
		err = md_paths(&m, &shown.paths);
	if (!err)
		err = md_threads(&m, &shown.threads);
	if (!err) {
		md_put(&m, quality);
		md_omitted(&m, &shown);
	}
	free(quality);
	return err;
}
