// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about how a file's bytes went: written a few bytes at a
 * time, read many times over.  See hints.c for what a rule does; the
 * thresholds are at the top of hints_rules.h and in the README's Hints
 * table.
 */
#include <errno.h>
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
	"__sys_sendto", "__x64_sys_sendto", "__sys_sendmsg",
	"__x64_sys_sendmsg", "__x64_sys_sendmmsg",
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

/* An explicit flush: C++'s std::endl, std::flush, a stream's flush(),
 * C's fflush. */
enum flush_kind { FLUSH_NONE, FLUSH_ENDL, FLUSH_CALL };

static enum flush_kind flush_frame(const struct frame *f)
{
	static const char *const c_flushes[] = {
		"fflush", "_IO_fflush", "fflush_unlocked",
	};
	const char *n = f->name;

	if (!n || f->cls == CLASS_KERNEL)
		return FLUSH_NONE;
	if (!strncmp(n, "std::endl<", 10) || strstr(n, " std::endl<"))
		return FLUSH_ENDL;
	if (!strncmp(n, "std::flush<", 11) || strstr(n, " std::flush<") ||
	    (!strncmp(n, "std::", 5) && strstr(n, "ostream") &&
	     str_ends_with(n, "::flush()")) ||
	    name_in(n, c_flushes, ARRAY_SIZE(c_flushes)))
		return FLUSH_CALL;
	return FLUSH_NONE;
}

/* Whether s is in a write syscall (*writes), and the outermost explicit
 * flush on its way there. */
static enum flush_kind stack_flush(const struct profile *p,
				   const struct stack_sample *s, bool *writes)
{
	enum flush_kind kind = FLUSH_NONE;
	uint32_t i;

	*writes = false;
	for (i = 0; i < s->n_frames; i++) {
		const struct frame *f = &p->frames[s->frames[i]];

		if (f->cls == CLASS_KERNEL &&
		    name_in(f->name, write_calls, ARRAY_SIZE(write_calls)))
			*writes = true;
		if (!kind)
			kind = flush_frame(f);
	}
	return kind;
}

/* Most on-CPU samples in write syscalls came through explicit flushes:
 * which (std::endl when most of those did); FLUSH_NONE else. */
static enum flush_kind writes_flushed(const struct profile *p)
{
	uint64_t all = 0, flushed = 0, endl = 0;
	enum flush_kind k;
	bool writes;
	size_t i;

	for (i = 0; i < p->n_stacks; i++) {
		const struct stack_sample *s = &p->stacks[i];

		if (!stack_on_cpu(s))
			continue;
		k = stack_flush(p, s, &writes);
		if (!writes)
			continue;
		all += s->count;
		flushed += k ? s->count : 0;
		endl += k == FLUSH_ENDL ? s->count : 0;
	}
	if (!all || !hint_at_least_pct(flushed, all, SMALLW_FLUSHED_PCT))
		return FLUSH_NONE;
	return endl * 2 > flushed ? FLUSH_ENDL : FLUSH_CALL;
}

static const char *flush_clause(enum flush_kind k)
{
	switch (k) {
	case FLUSH_ENDL:
		return " Most of them came from std::endl, which flushes the "
		       "stream at each line: write '\\n' instead, and flush "
		       "only where output must appear at once.";
	case FLUSH_CALL:
		return " Most of them came from explicit flushes (fflush, a "
		       "stream's flush()): flush only where output must "
		       "appear at once.";
	default:
		return "";
	}
}

/* What was written small: a file's row or an endpoint's. */
struct written {
	const char *name;	/* path, or endpoint */
	uint64_t writes;
	uint64_t bytes;
	uint64_t time_ns;
	uint64_t receives;	/* a socket's */
	uint64_t opens;		/* a file's */
	bool socket;
	bool inherited;		/* not opened by the process: stdout */
};

/* A file opened about once a write (node's fs.appendFileSync, a logger
 * that opens its file for each line): " The file was opened again …". */
static void reopen_clause(char *buf, size_t size, const struct written *w)
{
	char opens[NUM_SIZE];

	buf[0] = '\0';
	if (w->socket || w->opens < 2 ||
	    (unsigned __int128)w->opens * 2 < w->writes)
		return;
	hint_fmt_count(opens, w->opens);
	snprintf(buf, size, " The file was opened again for each write (%s "
		 "opens, in that time too): open it once and keep it open.",
		 opens);
}

static void small_writes_hint(struct hint_list *h, const struct written *w,
			      uint64_t all_writes)
{
	struct hint hint = { .rule = "small_writes", .names_cause = true };
	char writes[NUM_SIZE], mean[NUM_SIZE], pct[NUM_SIZE], time[TIME_SIZE];
	double mean_bytes = (double)w->bytes / w->writes;
	/* a standard stream, as unbuffered as the Python it came to */
	const struct process_info *py = w->inherited ?
					unbuffered_python(h->p) : NULL;
	char *where = hint_location(h, file_caller(h, w->writes, all_writes,
						   true));
	char *py_text = python_clause(py);
	enum flush_kind flushed = w->socket ? FLUSH_NONE :
				  writes_flushed(h->p);
	char reopen[160];

	reopen_clause(reopen, sizeof(reopen), w);
	hint_fmt_count(writes, w->writes);
	hint_fmt_number(mean, mean_bytes);
	hint_fmt_pct(pct, w->time_ns, h->p->wall_ns);
	hint_fmt_time(time, w->time_ns);
	if (py_text)
		hint_text(&hint, "%s %s to %s averaging %s byte%s took %s of "
			  "wall time (%s) in syscalls%s%s: buffering the "
			  "output, to write a few KB at a time, would remove "
			  "most of those syscalls.%s%s%s", writes,
			  w->socket ? "sends" : "writes", w->name, mean,
			  strcmp(mean, "1") ? "s" : "", pct, time,
			  where ? ", from " : "", where ? where : "", reopen,
			  flush_clause(flushed), py_text);
	free(py_text);
	hint_field_copy(h, &hint, "path", w->name);
	hint_field_uint(&hint, "writes", w->writes);
	hint_field_uint(&hint, "write_bytes", w->bytes);
	hint_field_real(&hint, "mean_bytes", mean_bytes);
	hint_field_uint(&hint, "time_ns", w->time_ns);
	hint_field_real(&hint, "time_pct", pct_of(w->time_ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_field_uint(&hint, "opens", w->socket ? 0 : w->opens);
	if (py)
		hint_field_uint(&hint, "unbuffered_pid", py->pid);
	else
		hint_field_null(&hint, "unbuffered_pid");
	if (flushed)
		hint_field_copy(h, &hint, "flushed_by", flushed == FLUSH_ENDL ?
				"std::endl" : "flush");
	else
		hint_field_null(&hint, "flushed_by");
	hint_push(h, &hint);
}

/*
 * A socket's sends that answer its receives, one each or so (a server's
 * answers to pgbench's one-row queries, a client's commands each waiting
 * for its reply): request/response exchanges, which buffering does not
 * merge; the serial_network hint is about a client's.
 */
static bool exchanges(const struct written *w)
{
	return w->socket &&
	       (unsigned __int128)w->receives * 100 >=
	       (unsigned __int128)w->writes * SMALLW_EXCHANGE_PCT;
}

static void small_writes_check(struct hint_list *h, const struct written *w,
			       uint64_t all_writes)
{
	if (w->writes >= SMALLW_MIN_WRITES && !exchanges(w) &&
	    w->bytes < (unsigned __int128)w->writes * SMALLW_MAX_MEAN &&
	    hint_at_least_pct(w->time_ns, h->p->wall_ns, SMALLW_MIN_PCT))
		small_writes_hint(h, w, all_writes);
}

/*
 * A file, terminal, pipe or socket written in many small pieces, its
 * syscalls a part of the wall: output that is not buffered.
 */
void hint_small_writes(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	struct written w;
	uint64_t all = 0;
	size_t i;

	for (i = 0; i < io->n_files; i++)
		all += io->files[i].writes;
	for (i = 0; i < io->n_endpoints; i++)
		all += io->endpoints[i].sends;
	for (i = 0; i < io->n_files && !h->err; i++) {
		const struct io_file *f = &io->files[i];

		w = (struct written){
			.name = f->path, .writes = f->writes,
			.bytes = f->write_bytes, .time_ns = f->time_ns,
			.opens = f->opens, .inherited = !f->opens,
		};
		small_writes_check(h, &w, all);
	}
	for (i = 0; i < io->n_endpoints && !h->err; i++) {
		const struct io_endpoint *e = &io->endpoints[i];

		w = (struct written){
			.name = e->name, .writes = e->sends,
			.bytes = e->bytes_sent, .time_ns = e->send_ns,
			.receives = e->receives, .socket = true,
		};
		small_writes_check(h, &w, all);
	}
}

/* ---- reread_volume ----------------------------------------------------- */

static void reread_hint(struct hint_list *h, const struct io_file *f,
			uint64_t all_read_bytes)
{
	struct hint hint = { .rule = "reread_volume", .names_cause = true };
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

/* ---- many_files -------------------------------------------------------- */

void hint_io_totals(const struct profile *p, struct io_totals *t)
{
	const struct io_file *f;
	size_t i;

	*t = (struct io_totals){ 0 };
	for (i = 0; i < p->io.n_files; i++) {
		f = &p->io.files[i];
		if (!f->opens && !f->failed_opens)
			continue;
		t->files++;
		t->opens += f->opens;
		t->failed_opens += f->failed_opens;
		t->written += f->writes > 0;
		t->directories += f->directory;
		t->time_ns += f->time_ns;
		if (f->time_ns > t->top_ns)
			t->top_ns = f->time_ns;
	}
}

/* "6,403 files opened (6,954 opens), 2,725 of them written" (or
 * "7,700 of them directories") */
static void many_files_count(const struct io_totals *t, char *buf,
			     size_t size)
{
	char files[NUM_SIZE], opens[NUM_SIZE], written[NUM_SIZE];
	char dirs[NUM_SIZE];
	int n;

	hint_fmt_count(files, t->files);
	hint_fmt_count(opens, t->opens);
	hint_fmt_count(written, t->written);
	hint_fmt_count(dirs, t->directories);
	n = snprintf(buf, size, "%s files opened (%s opens)", files, opens);
	if (t->written && n > 0 && (size_t)n < size)
		n += snprintf(buf + n, size - n, ", %s of them written",
			      written);
	if (t->directories && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - n, ", %s of them directories", dirs);
}

/* What cuts it: a walk of many directories is the tree's size, not the
 * files' number to pack. */
static const char *many_files_advice(const struct io_totals *t)
{
	if (t->directories * 2 >= t->files)
		return "the cost is walking the directory tree, each "
		       "directory opened and listed (from the disk when not "
		       "cached) — walking less of it (pruning what is not "
		       "needed, a narrower root) or keeping a list of what is "
		       "needed would cut it.";
	return "the cost is the number of files — fewer, larger files "
	       "(packing them) or a faster filesystem would cut it.";
}

static void many_files_hint(struct hint_list *h, const struct io_totals *t)
{
	struct hint hint = { .rule = "many_files", .names_cause = true };
	char count[4 * NUM_SIZE + 64], time[TIME_SIZE], pct[NUM_SIZE];
	char top[NUM_SIZE];
	struct opener by;
	char *where;

	if (hint_find_opener(h->p, false, &by)) {
		h->err = -ENOMEM;
		return;
	}
	where = hint_location(h, by.frame);
	many_files_count(t, count, sizeof(count));
	hint_fmt_time(time, t->time_ns);
	hint_fmt_pct(pct, t->time_ns, h->p->wall_ns);
	hint_fmt_pct(top, t->top_ns, t->time_ns);
	hint_text(&hint, "%s%s%s: their open, read and write syscalls took "
		  "%s, %s of wall time, the costliest file %s of that: %s",
		  count, where ? ", most from " : "", where ? where : "",
		  time, pct, top, many_files_advice(t));
	hint_field_uint(&hint, "files", t->files);
	hint_field_uint(&hint, "directories", t->directories);
	hint_field_uint(&hint, "opens", t->opens);
	hint_field_uint(&hint, "written_files", t->written);
	hint_field_uint(&hint, "syscall_ns", t->time_ns);
	hint_field_real(&hint, "syscall_pct",
			pct_of(t->time_ns, h->p->wall_ns));
	hint_field_real(&hint, "top_file_pct", pct_of(t->top_ns, t->time_ns));
	hint_field_own(&hint, "location", where);
	hint_field_uint(&hint, "location_opens", by.opens);
	hint_push(h, &hint);
}

/*
 * Many files, their syscalls a large part of the wall even without the
 * costliest file's (one big file is not this, and one slow create
 * among thousands is noise): the cost of a file as such (a path lookup,
 * an inode, a directory entry), which no cache of one file's contents
 * removes (git writing a loose object per blob).
 */
void hint_many_files(struct hint_list *h)
{
	struct io_totals t;

	hint_io_totals(h->p, &t);
	if (t.files < MANY_MIN_FILES ||
	    !hint_at_least_pct(t.time_ns - t.top_ns, h->p->wall_ns,
			       MANY_MIN_PCT))
		return;
	many_files_hint(h, &t);
}
