// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about how a file's bytes went: written a few bytes at a
 * time, read many times over.  See hints.c for what a rule does; the
 * thresholds are at the top of hints_rules.h and in the README's Hints
 * table.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"

/* The kernel's entry points of the write and read syscalls. */
static const char *const write_calls[] = {
	"ksys_write", "__x64_sys_write", "__x64_sys_writev",
	"__x64_sys_pwrite64", "__x64_sys_pwritev", "do_writev",
};
static const char *const read_calls[] = {
	"ksys_read", "ksys_pread64", "__x64_sys_read", "__x64_sys_pread64",
	"__x64_sys_readv", "__x64_sys_preadv", "do_readv",
};

/*
 * Where a file's reads or writes came from: their events carry no stack,
 * so the code under the samples taken in those syscalls, when the file
 * did most of them (of the profile's, by mine of total); -1 otherwise.
 */
static int64_t file_caller(const struct hint_list *h, uint64_t mine,
			   uint64_t total, bool write)
{
	if (!hint_at_least_pct(mine, total, SYSCALL_OWNER_PCT))
		return -1;
	return write ? hint_syscall_caller(h, write_calls,
					   ARRAY_SIZE(write_calls)) :
		       hint_syscall_caller(h, read_calls,
					   ARRAY_SIZE(read_calls));
}

/* ---- small_writes ------------------------------------------------------ */

/* The first Python process that ran with unbuffered output; NULL none. */
static const struct process_info *unbuffered_python(const struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n_procs; i++)
		if (p->procs[i].py_unbuffered)
			return &p->procs[i];
	return NULL;
}

/* " python3 (pid 7) ran with PYTHONUNBUFFERED or -u: ..." or "". */
static char *python_clause(const struct process_info *py)
{
	char *s = NULL;

	if (!py)
		return strdup("");
	if (asprintf(&s, " %.16s (pid %" PRIu32 ") ran with PYTHONUNBUFFERED "
		     "or -u, which makes each write to stdout and stderr a "
		     "syscall: unset it, and flush only where output must "
		     "appear at once (print(..., flush=True)).", py->comm,
		     py->pid) < 0)
		return NULL;
	return s;
}

static void small_writes_hint(struct hint_list *h, const struct io_file *f,
			      uint64_t all_writes)
{
	struct hint hint = { .rule = "small_writes" };
	char writes[NUM_SIZE], mean[NUM_SIZE], pct[NUM_SIZE], time[TIME_SIZE];
	double mean_bytes = (double)f->write_bytes / f->writes;
	/* inherited, not opened: a standard stream, as unbuffered as the
	 * Python it came to */
	const struct process_info *py = f->opens ? NULL :
					unbuffered_python(h->p);
	char *where = hint_location(h, file_caller(h, f->writes, all_writes,
						   true));
	char *py_text = python_clause(py);

	hint_fmt_count(writes, f->writes);
	hint_fmt_number(mean, mean_bytes);
	hint_fmt_pct(pct, f->time_ns, h->p->wall_ns);
	hint_fmt_time(time, f->time_ns);
	if (py_text)
		hint_text(&hint, "%s writes to %s averaging %s byte%s took %s "
			  "of wall time (%s) in syscalls%s%s: buffering the "
			  "output, to write a few KB at a time, would remove "
			  "most of those syscalls.%s", writes, f->path, mean,
			  strcmp(mean, "1") ? "s" : "", pct, time,
			  where ? ", from " : "", where ? where : "", py_text);
	free(py_text);
	hint_field_copy(h, &hint, "path", f->path);
	hint_field_uint(&hint, "writes", f->writes);
	hint_field_uint(&hint, "write_bytes", f->write_bytes);
	hint_field_real(&hint, "mean_bytes", mean_bytes);
	hint_field_uint(&hint, "time_ns", f->time_ns);
	hint_field_real(&hint, "time_pct", pct_of(f->time_ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	if (py)
		hint_field_uint(&hint, "unbuffered_pid", py->pid);
	else
		hint_field_null(&hint, "unbuffered_pid");
	hint_push(h, &hint);
}

/*
 * A file, terminal or pipe written in many small pieces, its syscalls a
 * part of the wall: output that is not buffered.
 */
void hint_small_writes(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	const struct io_file *f;
	uint64_t all = 0;
	size_t i;

	for (i = 0; i < io->n_files; i++)
		all += io->files[i].writes;
	for (i = 0; i < io->n_endpoints; i++)
		all += io->endpoints[i].sends;
	for (i = 0; i < io->n_files; i++) {
		f = &io->files[i];
		if (f->writes < SMALLW_MIN_WRITES ||
		    f->write_bytes >=
		    (unsigned __int128)f->writes * SMALLW_MAX_MEAN)
			continue;
		if (hint_at_least_pct(f->time_ns, h->p->wall_ns,
				      SMALLW_MIN_PCT))
			small_writes_hint(h, f, all);
	}
}

/* ---- reread_volume ----------------------------------------------------- */

static void reread_hint(struct hint_list *h, const struct io_file *f,
			uint64_t all_read_bytes)
{
	struct hint hint = { .rule = "reread_volume" };
	char size[TIME_SIZE], bytes[TIME_SIZE], times[NUM_SIZE];
	char pct[NUM_SIZE], time[TIME_SIZE];
	double ratio = (double)f->read_bytes / f->size;
	int64_t frame = file_caller(h, f->read_bytes, all_read_bytes, false);
	bool opened = frame < 0;
	char *where;

	if (opened)
		frame = site_display_frame(h->p, f->site);
	where = hint_location(h, frame);
	hint_fmt_bytes(size, f->size);
	hint_fmt_bytes(bytes, f->read_bytes);
	hint_fmt_number(times, ratio);
	hint_fmt_pct(pct, f->time_ns, h->p->wall_ns);
	hint_fmt_time(time, f->time_ns);
	hint_text(&hint, "%s (%s) was read %s× its size (%s)%s%s: each pass "
		  "reads the whole file — an index, or keeping what is "
		  "needed in memory, would remove most of that; its syscalls "
		  "took %s of wall time (%s).", f->path, size, times, bytes,
		  where ? (opened ? ", opened from " : " from ") : "",
		  where ? where : "", pct, time);
	hint_field_copy(h, &hint, "path", f->path);
	hint_field_uint(&hint, "size_bytes", f->size);
	hint_field_uint(&hint, "read_bytes", f->read_bytes);
	hint_field_real(&hint, "times_size", ratio);
	hint_field_uint(&hint, "reads", f->reads);
	hint_field_uint(&hint, "time_ns", f->time_ns);
	hint_field_real(&hint, "time_pct", pct_of(f->time_ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_field_copy(h, &hint, "location_is", where ?
			(opened ? "opened" : "read") : NULL);
	hint_push(h, &hint);
}

/*
 * A file read many times its size, and a good many bytes: each pass over
 * it reads it whole (a query without an index, a file scanned per item).
 * Its size is known when the recording could look it up at the end.
 */
void hint_reread_volume(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	const struct io_file *f;
	uint64_t all = 0;
	size_t i;

	for (i = 0; i < io->n_files; i++)
		all += io->files[i].read_bytes;
	for (i = 0; i < io->n_files; i++) {
		f = &io->files[i];
		if (!f->size || f->read_bytes < REREAD_MIN_BYTES ||
		    f->read_bytes < (unsigned __int128)f->size *
				    REREAD_MIN_TIMES)
			continue;
		if (hint_at_least_pct(f->time_ns, h->p->wall_ns,
				      REREAD_MIN_PCT))
			reread_hint(h, f, all);
	}
}
