// SPDX-License-Identifier: GPL-2.0
/*
 * The summary's I/O section: files by blocked time, files reopened,
 * network endpoints, I/O concurrency per process and the programs spawned.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "analyze/hints.h"
#include "analyze/procs.h"
#include "report/md.h"
#include "report/md_util.h"
#include "report/path_short.h"
#include "classify/wait.h"

#define COUNT_SIZE		64	/* a count cell: "×17 (2 failed)" */
#define BYTES_SIZE		32

/* ---- I/O ---- */

/* Where an I/O site is shown, "—" when it has no frame to show. */
static void fmt_site(const struct md *m, char *buf, int32_t site)
{
	int64_t frame = site_display_frame(m->p, site);

	if (frame < 0)
		strcpy(buf, "—");
	else
		fmt_frame_where(buf, &m->p->frames[frame], true);
}

/* "512 B", "4.0 KiB", "1.5 MiB", "2.0 GiB"; "—" for none. */
static void fmt_bytes(char *buf, uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = bytes;
	size_t u = 0;

	if (!bytes) {
		strcpy(buf, "—");
		return;
	}
	if (bytes < 1024) {
		snprintf(buf, BYTES_SIZE, "%" PRIu64 " B", bytes);
		return;
	}
	for (v /= 1024; v >= 1024 && u + 1 < ARRAY_SIZE(units);
	     v /= 1024)
		u++;
	snprintf(buf, BYTES_SIZE, "%.1f %s", v, units[u]);
}

/* Blocked time: "–" when off-CPU tracing could not split it out. */
static void fmt_blocked(const struct md *m, char *buf, uint64_t ns)
{
	if (m->p->io.blocked_known)
		fmt_cell_duration(buf, ns);
	else
		strcpy(buf, "–");
}

/* "1", "×17" when opened again and again, "… (2 failed)". */
static void fmt_opens(char *buf, const struct io_file *f)
{
	int n = snprintf(buf, COUNT_SIZE, "%s%" PRIu64,
			 f->opens > 1 ? "×" : "", f->opens);

	if (f->failed_opens)
		snprintf(buf + n, COUNT_SIZE - n, " (%" PRIu64 " failed)",
			 f->failed_opens);
}

/* A table head, after the section's heading when it is the first. */
static char *io_head(const struct md *m, const char *head)
{
	return str_printf("%s%s", m->io_started ? "" : "\n## I/O\n", head);
}

/* The I/O table with head and rows; the heading goes with its first. */
static int md_io_table(struct md *m, const char *head, size_t n, row_fn row,
		       size_t *shown)
{
	char *full = io_head(m, head);
	int err;

	if (!full)
		return -ENOMEM;
	err = md_table(m, full, n, row, shown);
	free(full);
	if (*shown)
		m->io_started = true;
	return err;
}

/* The files' paths as they show: shortened alike in both tables. */
static int plan_paths(struct md *m)
{
	const struct io_summary *io = &m->p->io;
	const char **paths;
	size_t i;
	int err = -ENOMEM;

	paths = calloc(io->n_files + 1, sizeof(*paths));
	m->file_from = calloc(io->n_files + 1, sizeof(*m->file_from));
	if (paths && m->file_from) {
		for (i = 0; i < io->n_files; i++)
			paths[i] = io->files[i].path;
		err = path_short_plan(paths, io->n_files, NAME_MAX_BYTES,
				      m->file_from);
	}
	free(paths);
	return err;
}

/* File i's path for a table cell, never cut further; malloc'd. */
static char *path_cell(const struct md *m, size_t i)
{
	char *shown = path_short(m->p->io.files[i].path, m->file_from[i]);
	char *cell = shown ? malloc(CLEAN_SIZE(strlen(shown))) : NULL;

	if (cell)
		md_clean(cell, shown, strlen(shown), true);
	free(shown);
	return cell;
}

static char *file_row(const struct md *m, size_t i)
{
	const struct io_file *f = &m->p->io.files[i];
	char opens[COUNT_SIZE], read[BYTES_SIZE], written[BYTES_SIZE];
	char time[DURATION_SIZE], blocked[DURATION_SIZE];
	char from[FRAME_WHERE_SIZE], *path, *row;

	path = path_cell(m, i);
	if (!path)
		return NULL;
	fmt_opens(opens, f);
	fmt_bytes(read, f->read_bytes);
	fmt_bytes(written, f->write_bytes);
	fmt_cell_duration(time, f->time_ns);
	fmt_blocked(m, blocked, f->blocked_ns);
	fmt_site(m, from, f->site);
	row = str_printf("| %s | %s | %" PRIu64 " | %s | %" PRIu64
			 " | %s | %s | %s | %s |\n", path, opens, f->reads,
			 read, f->writes, written, time, blocked, from);
	free(path);
	return row;
}

static char *reopened_row(const struct md *m, size_t i)
{
	const struct io_file *f = &m->p->io.files[m->reopened[i]];
	char opens[COUNT_SIZE], time[DURATION_SIZE], from[FRAME_WHERE_SIZE];
	char *path, *row;

	path = path_cell(m, m->reopened[i]);
	if (!path)
		return NULL;
	fmt_opens(opens, f);
	fmt_cell_duration(time, f->time_ns);
	fmt_site(m, from, f->site);
	row = str_printf("| %s | %s | %s | %s |\n", path, opens, time, from);
	free(path);
	return row;
}

static int cmp_reopened(const void *a, const void *b, void *files)
{
	const struct io_file *x = (const struct io_file *)files + *(const size_t *)a;
	const struct io_file *y = (const struct io_file *)files + *(const size_t *)b;

	if (x->opens != y->opens)
		return x->opens > y->opens ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The files below the first `shown` rows of the by-time table that were
 * opened more often than any of those (and more than once), most opened
 * first: cheap files opened again and again, which the time order hides. */
static int plan_reopened(struct md *m, size_t shown)
{
	const struct io_summary *io = &m->p->io;
	uint64_t most = 1;
	size_t i;

	m->reopened = calloc(io->n_files + 1, sizeof(*m->reopened));
	if (!m->reopened)
		return -ENOMEM;
	for (i = 0; i < shown; i++)
		if (io->files[i].opens > most)
			most = io->files[i].opens;
	for (i = shown; i < io->n_files; i++)
		if (io->files[i].opens > most)
			m->reopened[m->n_reopened++] = i;
	qsort_r(m->reopened, m->n_reopened, sizeof(*m->reopened), cmp_reopened,
		io->files);
	return 0;
}

static uint64_t endpoint_ns(const struct io_endpoint *e)
{
	return e->connect_ns + e->send_ns + e->recv_ns;
}

static char *endpoint_row(const struct md *m, size_t i)
{
	const struct io_endpoint *e = &m->p->io.endpoints[i];
	char name[CLEAN_SIZE(NAME_MAX_BYTES)], raw[sizeof(e->proto) + 1];
	char proto[CLEAN_SIZE(sizeof(e->proto))], sent[BYTES_SIZE];
	char received[BYTES_SIZE], time[DURATION_SIZE];
	char blocked[DURATION_SIZE], from[FRAME_WHERE_SIZE], slow[32] = "";

	/* proto may fill its array without a NUL */
	snprintf(raw, sizeof(raw), "%.*s", (int)sizeof(e->proto), e->proto);
	md_clean(name, e->name, NAME_MAX_BYTES, true);
	md_clean(proto, raw, sizeof(e->proto), false);
	fmt_bytes(sent, e->bytes_sent);
	fmt_bytes(received, e->bytes_received);
	fmt_cell_duration(time, endpoint_ns(e));
	fmt_blocked(m, blocked, e->blocked_ns);
	fmt_site(m, from, e->site);
	if (e->slow_connects)
		snprintf(slow, sizeof(slow), " (%" PRIu64 " slow)",
			 e->slow_connects);
	return str_printf("| %s | %s%s | %" PRIu64 "%s | %" PRIu64 " | %" PRIu32
			  " | %s | %s | %s | %s | %s |\n", name, proto,
			  e->inbound ? " in" : "", e->connections, slow,
			  e->requests, e->max_in_flight, sent, received, time,
			  blocked, from);
}

/* The i-th process with requests. */
static const struct io_concurrency *io_proc_at(const struct md *m, size_t i)
{
	const struct io_summary *io = &m->p->io;
	size_t k;

	for (k = 0; k < io->n_procs; k++)
		if (io->procs[k].requests && !i--)
			return &io->procs[k];
	return NULL;
}

static char *io_proc_row(const struct md *m, size_t i)
{
	const struct io_concurrency *c = io_proc_at(m, i);
	char comm[AGG_COMM_LEN], clean[CLEAN_SIZE(AGG_COMM_LEN)];
	char avg[48] = "";

	procs_comm(m->p, c->pid, comm);
	md_clean(clean, comm, AGG_COMM_LEN, false);
	if (c->busy_ns)
		snprintf(avg, sizeof(avg), " (avg %.1f while busy)",
			 (double)c->request_ns / c->busy_ns);
	return str_printf("- pid %" PRIu32 " (%s): %" PRIu64 " requests, at "
			  "most %" PRIu32 " in flight%s, busy %.1f%% of "
			  "wall.\n", c->pid, clean, c->requests,
			  c->max_in_flight, avg,
			  pct_of(c->busy_ns, m->p->wall_ns));
}

/*
 * Wall: time with a run going (a profile saved without it: the runs'
 * sum); CPU and runs at once "—" when not known.
 */
static char *spawn_row(const struct md *m, size_t i)
{
	const struct io_spawn *s = &m->p->io.spawns[i];
	char program[CLEAN_SIZE(NAME_MAX_BYTES)], wall[DURATION_SIZE];
	char cpu[DURATION_SIZE], mean[DURATION_SIZE], from[FRAME_WHERE_SIZE];
	char at_once[16] = "—";

	md_clean(program, s->program, NAME_MAX_BYTES, true);
	fmt_duration(wall, s->union_ns ? s->union_ns : s->wall_ns);
	fmt_cell_duration(cpu, s->cpu_ns);
	fmt_duration(mean, s->count ? s->wall_ns / s->count : 0);
	if (s->max_parallel)
		snprintf(at_once, sizeof(at_once), "%" PRIu32,
			 s->max_parallel);
	fmt_site(m, from, s->site);
	return str_printf("| %s | %" PRIu64 " | %s | %s | %s | %s | %s |\n",
			  program, s->count, wall, cpu, mean, at_once, from);
}

/*
 * The files' totals, before the table of the costliest: what all of them
 * cost, which rows cut at --top leave unsaid (6,000 files of 0.2 ms are
 * no row, yet a second).
 */
static char *files_head(const struct md *m, const char *table)
{
	char failed[48] = "", written[64] = "", time[DURATION_SIZE];
	struct io_totals t;

	hint_io_totals(m->p, &t);
	if (!t.files)
		return str_printf("%s", table);
	if (t.failed_opens)
		snprintf(failed, sizeof(failed), ", %" PRIu64 " failed",
			 t.failed_opens);
	if (t.written)
		snprintf(written, sizeof(written), ", %" PRIu64 " of them "
			 "written", t.written);
	fmt_duration(time, t.time_ns);
	return str_printf("\nFiles opened: %" PRIu64 " (%" PRIu64 " opens%s)"
			  "%s; their open, read and write syscalls took %s, "
			  "%.1f%% of wall time.\n%s", t.files, t.opens, failed,
			  written, time, pct_of(t.time_ns, m->p->wall_ns),
			  table);
}

/*
 * Files, endpoints, requests in flight and programs run, each only when
 * there are any: the I/O behind the waits, and where the code did it.
 */
int md_io(struct md *m, struct shown *shown)
{
	static const char files[] =
		"\nFiles, by time in their open, read and write syscalls "
		"(blocked: the part off the CPU); ×N: opened N times.\n\n"
		"| file | opens | reads | read | writes | written | time | "
		"blocked | opened from |\n"
		"|---|--:|--:|--:|--:|--:|--:|--:|---|\n";
	static const char endpoints[] =
		"\nEndpoints, by time making connections (in connect(), "
		"and a non-blocking one's until its first use) and in send "
		"and receive syscalls; in: the peers of accepted connections; "
		"slow: connections a second or more in the making.\n\n"
		"| endpoint | proto | conns | requests | max in flight | "
		"sent | received | time | blocked | connected from |\n"
		"|---|---|--:|--:|--:|--:|--:|--:|--:|---|\n";
	static const char reopened[] =
		"\nFiles opened more often than any above, by opens.\n\n"
		"| file | opens | time | opened from |\n"
		"|---|--:|--:|---|\n";
	static const char procs[] = "\nRequests in flight, by process:\n\n";
	static const char spawns[] =
		"\nPrograms run, by wall time from exec to exit; wall: "
		"time with a run going (runs nested in or beside each other "
		"count once), CPU: their processes' own, from fork, at once: "
		"most runs at the same time.\n\n"
		"| program | runs | wall | CPU | mean | at once | "
		"spawned from |\n"
		"|---|--:|--:|--:|--:|--:|---|\n";
	const struct io_summary *io = &m->p->io;
	char *head = files_head(m, files);
	int err;

	if (!head)
		return -ENOMEM;
	err = plan_paths(m);
	if (!err)
		err = md_io_table(m, head, io->n_files, file_row,
				  &shown->files);
	free(head);
	if (!err)
		err = plan_reopened(m, shown->files);
	if (!err)
		err = md_io_table(m, reopened, m->n_reopened, reopened_row,
				  &shown->reopened);
	if (!err)
		err = md_io_table(m, endpoints, io->n_endpoints, endpoint_row,
				  &shown->endpoints);
	if (!err)
		err = md_io_table(m, procs, m->n_io_procs, io_proc_row,
				  &shown->io_procs);
	if (!err)
		err = md_io_table(m, spawns, io->n_spawns, spawn_row,
				  &shown->spawns);
	return err;
}
