// SPDX-License-Identifier: GPL-2.0
/*
 * JSON: the figures of the Markdown summary, for programs.  The `top`
 * option is for Markdown only: JSON lists every function with time, but
 * only the JSON_MAX_PATHS hottest lines, call paths and longest waits,
 * because distinct stacks can run into the hundreds of thousands and the
 * folded format is the one meant to carry them all.  The I/O rows and
 * the hints are all there.  Paths and waits list every frame, unfolded.
 * Categories hold time only: on-CPU is sampled, waits are traced; "pct"
 * of a category, function or wait is of the wall time, of a line or path
 * of the on-CPU samples.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/procs.h"
#include "analyze/runs.h"
#include "report/source.h"
#include "classify/clone.h"
#include "classify/frame.h"
#include "analyze/hints.h"
#include "report/report.h"
#include "report/json_util.h"
#include "analyze/shortfall.h"
#include "classify/wait.h"

#define JSON_MAX_PATHS	100

/* What the array writers need. */
struct json {
	FILE *f;
	const struct profile *p;
	const struct aggregate *agg;
	const struct hint *hints;	/* what to do about it: hints.h */
	enum wait_reason categories[WAIT__COUNT];	/* of agg->time */
	size_t n_categories;
	enum wait_reason cp_categories[WAIT__COUNT];	/* of agg->cp */
	size_t n_cp_categories;
	char **sources;		/* text of the first n_lines hot lines */
	size_t n_lines;
	struct path_run runs[RUNS_MAX];	/* the longest runs on the path */
	size_t n_runs;
};

typedef void (*json_item_fn)(const struct json *j, size_t i);

/* Array element separator: each element on its own line. */
static void json_next(FILE *f, size_t i, const char *indent)
{
	fprintf(f, "%s\n%s", i ? "," : "", indent);
}

/*
 * "key": [ item 0, ..., item n-1 ], one item a line, in an object at
 * depth (1: the top level), followed by after.
 */
static void json_list(const struct json *j, int depth, const char *key,
		      size_t n, json_item_fn item, const char *after)
{
	size_t i;

	fprintf(j->f, "%*s\"%s\": [", 2 * depth, "", key);
	for (i = 0; i < n; i++) {
		fprintf(j->f, "%s\n%*s", i ? "," : "", 2 * depth + 2, "");
		item(j, i);
	}
	fprintf(j->f, "\n%*s]%s", 2 * depth, "", after);
}

static void json_array(const struct json *j, const char *key, size_t n,
		       json_item_fn item)
{
	json_list(j, 1, key, n, item, ",\n");
}

static size_t json_cap(size_t n)
{
	return n < JSON_MAX_PATHS ? n : JSON_MAX_PATHS;
}

static void json_category(const struct json *j, size_t i)
{
	enum wait_reason r = j->categories[i];
	uint64_t ns = j->agg->time.ns[r];

	fprintf(j->f, "{\"name\": \"%s\", \"on_cpu\": ", wait_reason_name(r));
	json_bool(j->f, r == WAIT_NONE);
	fprintf(j->f, ", \"ns\": %" PRIu64 ", \"pct\": %.2f}", ns,
		pct_of(ns, j->p->wall_ns));
}

/* The clone suffix of symbol k of fs ("" when none). */
static const char *json_clone(const struct json *j, const struct func_stat *fs,
			      uint32_t k)
{
	const char *sym = j->agg->symbols[fs->first_symbol + k];
	size_t len = strlen(sym);

	return sym + clone_suffix_start(sym, len);
}

/*
 * The symbols the function was named from, as in the binary (mangled;
 * foo.constprop.0), and the compiler's clone suffixes among them, each
 * once.
 */
static void json_symbols(const struct json *j, const struct func_stat *fs)
{
	const char *clone;
	uint32_t k, m;
	bool first = true;

	fputs(", \"symbols\": [", j->f);
	for (k = 0; k < fs->n_symbols; k++) {
		fputs(k ? ", " : "", j->f);
		json_string(j->f, j->agg->symbols[fs->first_symbol + k]);
	}
	fputs("], \"clones\": [", j->f);
	for (k = 0; k < fs->n_symbols; k++) {
		clone = json_clone(j, fs, k);
		for (m = 0; m < k && strcmp(json_clone(j, fs, m), clone); m++)
			;
		if (!*clone || m < k)
			continue;
		fputs(first ? "" : ", ", j->f);
		json_string(j->f, clone);
		first = false;
	}
	fputc(']', j->f);
}

static void json_function(const struct json *j, size_t i)
{
	const struct func_stat *fs = &j->agg->funcs[i];
	uint64_t samples = j->agg->samples;
	FILE *f = j->f;

	fputs("{\"name\": ", f);
	json_string(f, fs->name);
	fputs(", \"module\": ", f);
	json_string(f, fs->module);
	json_file_line(f, fs->file, fs->line);
	fprintf(f, ", \"class\": \"%s\"", frame_class_name(fs->cls));
	fprintf(f, ", \"self_samples\": %" PRIu64 ", \"total_samples\": %" PRIu64
		", \"self_ns\": %" PRIu64 ", \"total_ns\": %" PRIu64
		", \"self_pct\": %.2f, \"total_pct\": %.2f",
		fs->self, fs->total, fs->self_ns, fs->total_ns,
		pct_of(fs->self, samples), pct_of(fs->total, samples));
	fprintf(f, ", \"oncpu_ns\": %" PRIu64 ", \"offcpu_ns\": %" PRIu64
		", \"wall_ns\": %" PRIu64 ", \"wall_pct\": %.2f"
		", \"critical_ns\": %" PRIu64 ", \"threads_wall_ns\": %" PRIu64,
		fs->total_ns, fs->offcpu_ns,
		aggregate_func_wall(j->agg, fs),
		pct_of(aggregate_func_wall(j->agg, fs), j->p->wall_ns),
		fs->cp_ns, func_wall_ns(fs));
	json_symbols(j, fs);
	fputc('}', f);
}

/* ---- the critical path ---- */

static void json_cp_category(const struct json *j, size_t i)
{
	enum wait_reason r = j->cp_categories[i];
	uint64_t ns = j->agg->cp.ns[r];

	fprintf(j->f, "{\"category\": \"%s\", \"ns\": %" PRIu64
		", \"pct\": %.2f}", r == WAIT_NONE ? "cpu" : wait_reason_name(r),
		ns, pct_of(ns, j->p->critical.ns));
}

static void json_cp_program(const struct json *j, size_t i)
{
	const struct critical_program *cp = &j->p->critical.programs[i];
	size_t k;

	fputs("{\"name\": ", j->f);
	json_string(j->f, cp->name);
	fputs(", \"pids\": [", j->f);
	for (k = 0; k < cp->n_pids; k++)
		fprintf(j->f, "%s%" PRIu32, k ? ", " : "", cp->pids[k]);
	fprintf(j->f, "], \"runs\": %" PRIu64 ", \"ns\": %" PRIu64
		", \"pct\": %.2f}", cp->runs, cp->ns,
		pct_of(cp->ns, j->p->critical.ns));
}

static void json_cp_run(const struct json *j, size_t i)
{
	const struct path_run *r = &j->runs[i];
	const char *args = r->proc ? r->proc->args : NULL;
	char comm[AGG_COMM_LEN], brief[RUNS_BRIEF_MAX];

	procs_comm(j->p, r->pid, comm);
	runs_brief(args, brief, sizeof(brief));
	fprintf(j->f, "{\"pid\": %" PRIu32 ", \"comm\": ", r->pid);
	json_string(j->f, comm);
	fputs(", \"args\": ", j->f);
	json_string(j->f, args);
	fputs(", \"brief\": ", j->f);
	json_string(j->f, args ? brief : NULL);
	fprintf(j->f, ", \"ns\": %" PRIu64 ", \"pct\": %.2f}", r->ns,
		pct_of(r->ns, j->p->critical.ns));
}

static void json_cp_function(const struct json *j, size_t i)
{
	const struct func_stat *fs = &j->agg->funcs[j->agg->by_cp[i]];

	fputs("{\"name\": ", j->f);
	json_string(j->f, fs->name);
	fputs(", \"module\": ", j->f);
	json_string(j->f, fs->module);
	json_file_line(j->f, fs->file, fs->line);
	fprintf(j->f, ", \"ns\": %" PRIu64 ", \"pct\": %.2f"
		", \"total_ns\": %" PRIu64 ", \"total_pct\": %.2f}",
		fs->own_cp_ns, pct_of(fs->own_cp_ns, j->p->critical.ns),
		fs->cp_ns, pct_of(fs->cp_ns, j->p->critical.ns));
}

static void json_launcher(const struct json *j, size_t i)
{
	const struct critical_launcher *l = &j->p->critical.launchers[i];

	fputs("{\"name\": ", j->f);
	json_string(j->f, l->name);
	fputs(", \"interpreter\": ", j->f);
	json_string(j->f, l->interpreter);
	fputs(", \"started\": ", j->f);
	json_string(j->f, l->started);
	fprintf(j->f, ", \"processes\": %" PRIu32 ", \"ns\": %" PRIu64
		", \"pct\": %.2f, \"kind\": \"%s\"}", l->processes, l->ns,
		pct_of(l->ns, j->p->critical.ns),
		l->waited ? "waited" : "exec_chain");
}

/* "kernel": the path's on-CPU time in the kernel, by system call. */
static void json_cp_kernel(struct json *j)
{
	struct kernel_split ks;
	size_t i;

	aggregate_kernel_split(j->p, j->agg, &ks);
	fprintf(j->f, "    \"kernel\": {\"ns\": %" PRIu64 ", \"syscall_ns\": %"
		PRIu64 ", \"page_fault_ns\": %" PRIu64 ", \"syscalls\": [",
		ks.ns, ks.syscall_ns, ks.page_fault_ns);
	for (i = 0; i < ks.n_syscalls; i++) {
		fputs(i ? ", {\"name\": " : "{\"name\": ", j->f);
		json_string(j->f, ks.syscalls[i].name);
		fprintf(j->f, ", \"ns\": %" PRIu64 "}", ks.syscalls[i].ns);
	}
	fputs("]},\n", j->f);
}

static void json_critical(struct json *j)
{
	const struct profile_critical *c = &j->p->critical;

	if (!j->agg->cp_known) {
		fputs("  \"critical_path\": null,\n  \"launchers\": [],\n",
		      j->f);
		return;
	}
	j->n_cp_categories = categories_by_time(&j->agg->cp, j->cp_categories);
	fprintf(j->f, "  \"critical_path\": {\n    \"ns\": %" PRIu64
		",\n    \"idle_ns\": %" PRIu64 ",\n", c->ns,
		j->agg->cp_idle.offcpu_ns);
	json_list(j, 2, "categories", j->n_cp_categories, json_cp_category,
		  ",\n");
	json_cp_kernel(j);
	json_list(j, 2, "programs", c->n_programs, json_cp_program, ",\n");
	j->n_runs = runs_on_path(j->p, j->agg, j->runs, RUNS_MAX);
	json_list(j, 2, "runs", j->n_runs, json_cp_run, ",\n");
	json_list(j, 2, "functions", json_cap(j->agg->n_by_cp), json_cp_function,
		  "\n");
	fputs("  },\n", j->f);
	json_array(j, "launchers", c->n_launchers, json_launcher);
}

static void json_line(const struct json *j, size_t i)
{
	const struct line_stat *ls = &j->agg->lines[i];
	FILE *f = j->f;

	fputs("{\"file\": ", f);
	json_string(f, ls->file);
	fprintf(f, ", \"line\": %d, \"function\": ", ls->line);
	json_string(f, j->agg->funcs[ls->func].name);
	fprintf(f, ", \"samples\": %" PRIu64 ", \"pct\": %.2f, \"source\": ",
		ls->samples, pct_of(ls->samples, j->agg->samples));
	json_string(f, j->sources[i]);
	fputs("}", f);
}

/* Names root first, a function repeated (recursion) once, and how many
 * times each is repeated. */
static void json_frames(const struct json *j, const uint32_t *funcs,
			uint32_t n)
{
	uint32_t i, run;

	fputs("\"frames\": [", j->f);
	for (i = 0; i < n; i += path_run_length(funcs, n, i)) {
		fputs(i ? ", " : "", j->f);
		json_string(j->f, j->agg->funcs[funcs[i]].name);
	}
	fputs("], \"repeats\": [", j->f);
	for (i = 0; i < n; i += run) {
		run = path_run_length(funcs, n, i);
		fprintf(j->f, "%s%" PRIu32, i ? ", " : "", run);
	}
	fputs("]", j->f);
}

static void json_path(const struct json *j, size_t i)
{
	const struct path_stat *path = &j->agg->paths[i];

	fputs("{", j->f);
	json_frames(j, path->funcs, path->n_funcs);
	fprintf(j->f, ", \"samples\": %" PRIu64 ", \"ns\": %" PRIu64
		", \"pct\": %.2f}",
		path->samples, path->ns,
		pct_of(path->samples, j->agg->samples));
}

static void json_wait(const struct json *j, size_t i)
{
	const struct wait_stat *wait = &j->agg->waits[i];

	fprintf(j->f, "{\"reason\": \"%s\", \"target\": ",
		wait_reason_name(wait->reason));
	json_string(j->f, wait->target);
	fputs(", ", j->f);
	json_frames(j, wait->funcs, wait->n_funcs);
	fputs(", \"function\": ", j->f);
	json_string(j->f, wait->where ? wait->where->name : NULL);
	fprintf(j->f, ", \"ns\": %" PRIu64 ", \"pct\": %.2f, \"count\": %"
		PRIu64 "}", wait->ns, pct_of(wait->ns, j->p->wall_ns),
		wait->count);
}

/* On-CPU and off-CPU time, and the categories that hold any, by name. */
static void json_time(FILE *f, const struct time_split *t)
{
	enum wait_reason order[WAIT__COUNT];
	size_t i, n = categories_by_time(t, order);

	fprintf(f, ", \"oncpu_ns\": %" PRIu64 ", \"offcpu_ns\": %" PRIu64
		", \"categories\": {", t->ns[WAIT_NONE], t->offcpu_ns);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "",
			wait_reason_name(order[i]), t->ns[order[i]]);
	fputs("}", f);
}

/* Samples, their share of all, and the time split of a process or thread. */
static void json_counts(FILE *f, uint64_t samples, const struct time_split *t,
			uint64_t all_samples)
{
	fprintf(f, ", \"samples\": %" PRIu64 ", \"ns\": %" PRIu64
		", \"pct\": %.2f", samples, t->ns[WAIT_NONE],
		pct_of(samples, all_samples));
	json_time(f, t);
}

static void json_process(const struct json *j, size_t i)
{
	const struct proc_stat *ps = &j->agg->procs[i];
	uint64_t samples = j->agg->samples;
	const struct thread_stat *t;
	FILE *f = j->f;
	size_t k;

	fprintf(f, "{\"pid\": %" PRIu32 ", \"ppid\": %" PRIu32 ", \"comm\": ",
		ps->pid, ps->ppid);
	json_string(f, ps->comm);
	fputs(", \"exe\": ", f);
	json_string(f, ps->exe);
	fputs(", \"args\": ", f);
	json_string(f, ps->args);
	json_counts(f, ps->samples, &ps->time, samples);
	fputs(", \"threads\": [", f);
	for (k = 0; k < ps->n_threads; k++) {
		t = &ps->threads[k];
		json_next(f, k, "      ");
		fprintf(f, "{\"tid\": %" PRIu32 ", \"comm\": ", t->tid);
		json_string(f, t->comm);
		json_counts(f, t->samples, &t->time, samples);
		fputs("}", f);
	}
	fputs("\n    ]}", f);
}

/* ---- I/O and hints ---- */

/* The display frame of an I/O site as {name, file, line}, or null. */
static void json_site(FILE *f, const struct profile *p, int32_t site)
{
	int64_t frame = site_display_frame(p, site);
	const struct frame *fr;

	if (frame < 0) {
		fputs("null", f);
		return;
	}
	fr = &p->frames[frame];
	fputs("{\"name\": ", f);
	json_string(f, fr->name);
	json_file_line(f, fr->file, fr->line);
	fputs("}", f);
}

/* Time off the CPU: null when off-CPU tracing could not split it out. */
static void json_blocked(const struct json *j, uint64_t ns)
{
	if (j->p->io.blocked_known)
		fprintf(j->f, ", \"blocked_ns\": %" PRIu64, ns);
	else
		fputs(", \"blocked_ns\": null", j->f);
}

static void json_file(const struct json *j, size_t i)
{
	const struct io_file *io = &j->p->io.files[i];
	FILE *f = j->f;

	fputs("{\"path\": ", f);
	json_string(f, io->path);
	fprintf(f, ", \"opens\": %" PRIu64 ", \"failed_opens\": %" PRIu64
		", \"reads\": %" PRIu64 ", \"read_bytes\": %" PRIu64
		", \"writes\": %" PRIu64 ", \"write_bytes\": %" PRIu64
		", \"time_ns\": %" PRIu64, io->opens, io->failed_opens,
		io->reads, io->read_bytes, io->writes, io->write_bytes,
		io->time_ns);
	json_blocked(j, io->blocked_ns);
	fputs(", \"processes\": ", f);
	if (io->procs)	/* null: not known */
		fprintf(f, "%" PRIu64, io->procs);
	else
		fputs("null", f);
	fprintf(f, ", \"syncs\": %" PRIu64 ", \"sync_ns\": %" PRIu64
		", \"sync_writes\": %" PRIu64 ", \"sync_write_ns\": %" PRIu64,
		io->syncs, io->sync_ns, io->sync_writes, io->sync_write_ns);
	fputs(", \"opened_from\": ", f);
	json_site(f, j->p, io->site);
	fprintf(f, ", \"opened_from_count\": %" PRIu64 ", \"repeated\": ",
		io->site_opens);
	json_bool(f, io_file_repeated(io));
	fputs(", \"directory\": ", f);
	json_bool(f, io->directory);
	if (io->size)	/* null: not known */
		fprintf(f, ", \"size_bytes\": %" PRIu64 "}", io->size);
	else
		fputs(", \"size_bytes\": null}", f);
}

static void json_endpoint(const struct json *j, size_t i)
{
	const struct io_endpoint *e = &j->p->io.endpoints[i];
	char proto[sizeof(e->proto) + 1];
	FILE *f = j->f;

	/* proto may fill its array without a NUL */
	snprintf(proto, sizeof(proto), "%.*s", (int)sizeof(e->proto),
		 e->proto);
	fputs("{\"endpoint\": ", f);
	json_string(f, e->name);
	fputs(", \"protocol\": ", f);
	json_string(f, proto);
	fputs(", \"inbound\": ", f);
	json_bool(f, e->inbound);
	fprintf(f, ", \"connections\": %" PRIu64 ", \"sends\": %" PRIu64
		", \"receives\": %" PRIu64 ", \"bytes_sent\": %" PRIu64
		", \"bytes_received\": %" PRIu64 ", \"connect_ns\": %" PRIu64
		", \"send_ns\": %" PRIu64 ", \"recv_ns\": %" PRIu64,
		e->connections, e->sends, e->receives, e->bytes_sent,
		e->bytes_received, e->connect_ns, e->send_ns, e->recv_ns);
	json_blocked(j, e->blocked_ns);
	fprintf(f, ", \"requests\": %" PRIu64 ", \"request_ns\": %" PRIu64
		", \"max_in_flight\": %" PRIu32 ", \"slow_connects\": %" PRIu64
		", \"slow_connect_ns\": %" PRIu64 ", \"connected_from\": ",
		e->requests, e->request_ns, e->max_in_flight, e->slow_connects,
		e->slow_connect_ns);
	json_site(f, j->p, e->site);
	fputs("}", f);
}

static void json_concurrency(const struct json *j, size_t i)
{
	const struct io_concurrency *c = &j->p->io.procs[i];
	char comm[AGG_COMM_LEN];
	FILE *f = j->f;

	procs_comm(j->p, c->pid, comm);
	fprintf(f, "{\"pid\": %" PRIu32 ", \"comm\": ", c->pid);
	json_string(f, comm);
	fprintf(f, ", \"requests\": %" PRIu64 ", \"request_ns\": %" PRIu64
		", \"busy_ns\": %" PRIu64 ", \"max_in_flight\": %" PRIu32,
		c->requests, c->request_ns, c->busy_ns, c->max_in_flight);
	if (c->busy_ns)
		fprintf(f, ", \"avg_in_flight\": %.2f}",
			(double)c->request_ns / c->busy_ns);
	else
		fputs(", \"avg_in_flight\": null}", f);
}

/* ", \"name\": v", or null when v is 0: not known (an older profile). */
static void json_known(FILE *f, const char *name, uint64_t v)
{
	if (v)
		fprintf(f, ", \"%s\": %" PRIu64, name, v);
	else
		fprintf(f, ", \"%s\": null", name);
}

static void json_spawn(const struct json *j, size_t i)
{
	const struct io_spawn *s = &j->p->io.spawns[i];
	FILE *f = j->f;

	fputs("{\"program\": ", f);
	json_string(f, s->program);
	fprintf(f, ", \"count\": %" PRIu64 ", \"wall_ns\": %" PRIu64
		", \"mean_ns\": %" PRIu64 ", \"spawned_from\": ", s->count,
		s->wall_ns, s->count ? s->wall_ns / s->count : 0);
	json_site(f, j->p, s->site);
	fprintf(f, ", \"spawned_from_count\": %" PRIu64, s->site_count);
	json_known(f, "union_wall_ns", s->union_ns);
	json_known(f, "cpu_ns", s->cpu_ns);
	json_known(f, "max_parallel", s->max_parallel);
	fputs(", \"parent\": ", f);
	json_string(f, s->parent);
	fprintf(f, ", \"prelude_count\": %" PRIu64 "}", s->prelude_count);
}

/* Every row, not limited by top: files, endpoints, processes, programs. */
static void json_io(const struct json *j)
{
	const struct io_summary *io = &j->p->io;

	fputs("  \"io\": {\n    \"traced\": ", j->f);
	json_bool(j->f, io->traced);
	fputs(",\n    \"blocked_known\": ", j->f);
	json_bool(j->f, io->blocked_known);
	fputs(",\n", j->f);
	json_list(j, 2, "files", io->n_files, json_file, ",\n");
	json_list(j, 2, "endpoints", io->n_endpoints, json_endpoint, ",\n");
	json_list(j, 2, "concurrency", io->n_procs, json_concurrency, ",\n");
	json_list(j, 2, "spawns", io->n_spawns, json_spawn, "\n");
	fputs("  },\n", j->f);
}

static void json_hint_field(FILE *f, const struct hint_field *hf)
{
	fprintf(f, ", \"%s\": ", hf->name);
	switch (hf->type) {
	case HINT_UINT:
		fprintf(f, "%" PRIu64, hf->u);
		break;
	case HINT_REAL:
		if (isfinite(hf->d))
			fprintf(f, "%.2f", hf->d);
		else
			fputs("null", f);
		break;
	case HINT_STR:
		json_string(f, hf->s);
		break;
	default:
		fputs("null", f);
	}
}

/* {"rule", "text", and the rule's own numbers}. */
static void json_hint(const struct json *j, size_t i)
{
	const struct hint *h = &j->hints[i];
	size_t k;

	fputs("{\"rule\": ", j->f);
	json_string(j->f, h->rule);
	fputs(", \"text\": ", j->f);
	json_string(j->f, h->text);
	for (k = 0; k < h->n_fields; k++)
		json_hint_field(j->f, &h->fields[k]);
	fputs("}", j->f);
}

static void json_quality(FILE *f, const struct profile *p)
{
	const struct profile_quality *q = &p->quality;
	struct shortfall sf;
	size_t i;

	/* another tool's file: the counters below were not recorded */
	fprintf(f, "  \"quality\": {\n    \"foreign\": %s,\n"
		"    \"lost_samples\": %" PRIu64 ",\n"
		"    \"lost_sideband\": %" PRIu64 ",\n"
		"    \"kstack_errors\": %" PRIu64 ",\n"
		"    \"ustack_errors\": %" PRIu64 ",\n"
		"    \"truncated_samples\": %" PRIu64 ",\n"
		"    \"py_truncated_samples\": %" PRIu64 ",\n"
		"    \"frames_total\": %" PRIu64 ",\n"
		"    \"frames_unresolved\": %" PRIu64 ",\n"
		"    \"requested_hz\": %" PRIu32 ",\n"
		"    \"max_hz\": %" PRIu32 ",\n"
		"    \"kernel_addrs_hidden\": ",
		p->foreign ? "true" : "false", q->lost_samples, q->lost_sideband, q->kstack_errors,
		q->ustack_errors, q->truncated_samples,
		q->py_truncated_samples, q->frames_total,
		q->frames_unresolved, q->requested_hz, q->max_hz);
	json_bool(f, q->kernel_addrs_hidden);
	fputs(",\n    \"offcpu\": ", f);
	json_bool(f, q->offcpu);
	fprintf(f, ",\n    \"offcpu_dropped\": %" PRIu64
		",\n    \"stack_collisions\": %" PRIu64
		",\n    \"min_block_ns\": %" PRIu64
		",\n    \"offcpu_short_ns\": %" PRIu64
		",\n    \"io_dropped\": %" PRIu64
		",\n    \"truncated_no_copy\": %" PRIu64
		",\n    \"truncated_copy_end\": %" PRIu64
		",\n    \"truncated_no_cfi\": %" PRIu64
		",\n    \"truncated_bad_rule\": %" PRIu64
		",\n    \"maps_cut\": %" PRIu64
		",\n    \"cfi_unwinding\": ",
		q->offcpu_dropped, q->stack_collisions, q->min_block_ns,
		q->offcpu_short_ns, q->io_dropped, q->truncated_no_copy,
		q->truncated_copy_end, q->truncated_no_cfi,
		q->truncated_bad_rule, q->maps_cut);
	json_bool(f, q->cfi_unwinding);
	shortfall_of(p, p->samples, &sf);
	fprintf(f, ",\n    \"waits_to_map\": %" PRIu64
		",\n    \"cpu_sampled_ns\": %" PRIu64
		",\n    \"expected_samples\": %" PRIu64
		",\n    \"missing_samples_pct\": %.1f"
		",\n    \"unresolved_samples\": %" PRIu64
		",\n    \"sampler_ns\": %" PRIu64,
		q->waits_to_map, q->cpu_sampled_ns, sf.expected,
		sf.missing_pct, q->unresolved_samples, q->sampler_ns);
	fprintf(f, ",\n    \"dwarf_refused\": %" PRIu64
		",\n    \"symbols_refused\": %" PRIu64
		",\n    \"perfmap_lines_skipped\": %" PRIu64
		",\n    \"perfmap_bytes_skipped\": %" PRIu64
		",\n    \"perfmap_refused\": %" PRIu64
		",\n    \"py_invalid_samples\": %" PRIu64
		",\n    \"py_native_mismatch_samples\": %" PRIu64
		",\n    \"io_untimed\": %" PRIu64
		",\n    \"io_timed_every\": %" PRIu64
		",\n    \"steal_ns\": %" PRIu64
		",\n    \"blocked_before\": %" PRIu64
		",\n    \"blocked_stacks\": %" PRIu64
		",\n    \"untraced_forks\": %" PRIu64
		",\n    \"bpf_missed_runs\": %" PRIu64
		",\n    \"waits_end_unseen\": %" PRIu64,
		q->dwarf_refused, q->symbols_refused, q->perfmap_lines_skipped,
		q->perfmap_bytes_skipped, q->perfmap_refused,
		q->py_invalid_samples, q->py_native_mismatch_samples,
		q->io_untimed, q->io_timed_every, q->steal_ns,
		q->blocked_before, q->blocked_stacks, q->untraced_forks,
		q->bpf_missed_runs, q->waits_end_unseen);
	fprintf(f, ",\n    \"overhead\": {\"tracing_samples\": %" PRIu64
		", \"tracing_ns\": %" PRIu64 ", \"whyslow_cpu_ns\": %" PRIu64
		"}", q->tracing_samples, q->tracing_ns, q->whyslow_cpu_ns);
	fputs(",\n    \"notes\": [", f);
	for (i = 0; i < p->n_notes; i++) {
		json_next(f, i, "      ");
		json_string(f, p->notes[i]);
	}
	fputs("\n    ]\n  }\n", f);
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
		agg->samples, agg->time.ns[WAIT_NONE], agg->kernel_samples,
		p->quality.lost_samples, p->frequency_hz, p->period_ns);
}

/* The process that started (its pid and comm) when the verdict's
 * function ran mostly as processes started, else null. */
static void json_starting(FILE *f, const struct profile *p,
			  const struct app_caller *caller)
{
	char comm[AGG_COMM_LEN];

	if (caller->loading_pid < 0) {
		fputs("null", f);
		return;
	}
	procs_comm(p, caller->loading_pid, comm);
	fprintf(f, "{\"pid\": %" PRId64 ", \"comm\": ", caller->loading_pid);
	json_string(f, comm);
	fputc('}', f);
}

/* A function and its time (aggregate_top_callee's callee,
 * aggregate_stripped_entry's), or null. */
static void json_func_time(FILE *f, const struct func_time *c)
{
	if (!c->func) {
		fputs("null", f);
		return;
	}
	fputs("{\"name\": ", f);
	json_string(f, c->func->name);
	fputs(", \"module\": ", f);
	json_string(f, c->func->module);
	fprintf(f, ", \"class\": \"%s\", \"ns\": %" PRIu64 "}",
		frame_class_name(c->func->cls), c->ns);
}

/* "verdict_function": its name and, for a library's or runtime's, the
 * application function it was called from on most of its time. */
static int json_verdict_function(FILE *f, const struct profile *p,
				 const struct aggregate *agg)
{
	const struct func_stat *fs = aggregate_verdict_function(p, agg);
	const struct frame *fr;
	struct func_time entry;
	struct app_caller caller;
	struct func_time callee;
	int err;

	fputs("  \"verdict_function\": ", f);
	if (!fs) {
		fputs("null,\n", f);
		return 0;
	}
	err = aggregate_app_caller(p, agg, fs, &caller);
	if (!err)
		err = aggregate_top_callee(p, agg, fs, &callee);
	if (!err)
		err = aggregate_stripped_entry(p, agg, fs, &entry);
	if (err)
		return err;
	fputs("{\"name\": ", f);
	json_string(f, fs->name);
	fputs(", \"module\": ", f);
	json_string(f, fs->module);
	fprintf(f, ", \"class\": \"%s\", \"starting\": ",
		frame_class_name(fs->cls));
	json_starting(f, p, &caller);
	fputs(", \"called_from\": ", f);
	if (caller.func) {
		fr = caller.frame >= 0 ? &p->frames[caller.frame] : NULL;
		fputs("{\"name\": ", f);
		json_string(f, caller.func->name);
		if (fr)
			json_file_line(f, fr->file, fr->line);
		else
			json_file_line(f, caller.func->file,
				       caller.func->line);
		fprintf(f, ", \"ns\": %" PRIu64 "}", caller.ns);
	} else {
		fputs("null", f);
	}
	fputs(", \"callee\": ", f);
	json_func_time(f, &callee);
	fputs(", \"inside\": ", f);
	json_func_time(f, &entry);
	fputs("},\n", f);
	return 0;
}

int json_write(FILE *f, const struct profile *p, const struct aggregate *agg,
	       const struct hint *hints, size_t n_hints)
{
	struct json j = {
		.f = f,
		.p = p,
		.agg = agg,
		.hints = hints,
		.n_lines = json_cap(agg->n_lines),
	};
	char *verdict;

	j.sources = source_lines(agg->lines, j.n_lines);
	verdict = md_verdict_text(p, agg, hints, n_hints);
	if (!j.sources || !verdict) {
		source_lines_free(j.sources, j.n_lines);
		free(verdict);
		return -ENOMEM;
	}
	j.n_categories = categories_by_time(&agg->time, j.categories);
	json_header(f, p, agg);
	fputs("  \"verdict\": ", f);
	json_string(f, verdict);
	fputs(",\n", f);
	if (json_verdict_function(f, p, agg)) {
		source_lines_free(j.sources, j.n_lines);
		free(verdict);
		return -ENOMEM;
	}
	json_array(&j, "categories", j.n_categories, json_category);
	json_critical(&j);
	json_array(&j, "hints", n_hints, json_hint);
	json_array(&j, "functions", agg->n_funcs, json_function);
	json_array(&j, "hot_lines", j.n_lines, json_line);
	json_array(&j, "paths", json_cap(agg->n_paths), json_path);
	json_array(&j, "waits", json_cap(agg->n_waits), json_wait);
	json_array(&j, "processes", agg->n_procs, json_process);
	json_io(&j);
	json_quality(f, p);
	fputs("}\n", f);
	source_lines_free(j.sources, j.n_lines);
	free(verdict);
	return 0;
}
