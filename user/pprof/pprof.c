// SPDX-License-Identifier: GPL-2.0
/*
 * struct profile ⇄ profile.proto.  See pprof.h for what goes where, and the
 * README ("Saved profiles") for the layout of whyslow's data in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "classify/frame.h"
#include "lib/intern.h"
#include "pprof/pprof.h"
#include "pprof/read.h"
#include "pprof/protobuf.h"
#include "lib/sudo.h"
#include "classify/wait.h"

/*
 * whyslow's own data rides in field 15 of messages that stop at a lower
 * field: per frame in its Location, per stack in its Sample, the rest in
 * the period_type ValueType.  Readers skip fields they do not know, and
 * one-byte keys suit decoders that read no others (npm's pprof-format).
 */
#define WHYSLOW_FIELD	15

enum { VT_TYPE = 1, VT_UNIT };
enum { SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE, SAMPLE_LABEL };
enum { LABEL_KEY = 1, LABEL_STR, LABEL_NUM, LABEL_NUM_UNIT };
enum { MAPPING_ID = 1, MAPPING_START, MAPPING_LIMIT, MAPPING_OFFSET,
       MAPPING_FILENAME, MAPPING_BUILD_ID, MAPPING_HAS_FUNCTIONS };
enum { LOCATION_ID = 1, LOCATION_MAPPING_ID, LOCATION_ADDRESS, LOCATION_LINE };
enum { LINE_FUNCTION_ID = 1, LINE_LINE };
enum { FUNCTION_ID = 1, FUNCTION_NAME, FUNCTION_SYSTEM_NAME,
       FUNCTION_FILENAME, FUNCTION_START_LINE };

/* whyslow's message in field 100 */
enum {
	WS_VERSION = 1, WS_ROOT_PID, WS_WALL_NS, WS_CPU_USER_NS, WS_CPU_SYS_NS,
	WS_CPU_FROM_RUSAGE, WS_FREQUENCY_HZ, WS_PERIOD_NS, WS_SAMPLES,
	WS_COMMAND, WS_FRAME_UNUSED, WS_STACK_UNUSED, WS_THREAD, WS_PROCESS,
	WS_QUALITY,
	WS_NOTE, WS_IO, WS_TIME_NS,
};
enum { WF_MODULE = 1, WF_PATH, WF_CLASS, WF_RESOLVED };
enum { WK_REASON = 1, WK_SYSCALL, WK_TARGET, WK_TRUNCATED, WK_KERNEL_MODE };
enum { WT_PID = 1, WT_TID, WT_COMM };
enum { WP_PID = 1, WP_PPID, WP_COMM, WP_EXE };
enum { WI_TRACED = 1, WI_BLOCKED_KNOWN, WI_FILE, WI_ENDPOINT, WI_CONCURRENCY,
       WI_SPAWN, WI_SITE };

#define WS_FORMAT_VERSION	1
/* The sample values whyslow writes, in this order: samples and cpu are
 * a CPU profile on their own (tools that pick "samples" see that), waits
 * and offcpu count and time the traced waits, wall is their sum. */
enum { VAL_SAMPLES, VAL_CPU, VAL_WAITS, VAL_OFFCPU, VAL_WALL, VAL_COUNT };
#define MAX_SAMPLE_TYPES	64	/* in a file of another tool */
#define MAX_STACK_DEPTH		4096	/* locations of one sample, kept */
/* A sample value: 13 days in ns, so sums of them cannot wrap; negative
 * ones (pprof -diff_base output) are refused too. */
#define MAX_SAMPLE_VALUE	(1ull << 50)
#define READ_CHUNK		(1u << 16)

/* ---- writing ---------------------------------------------------------- */

struct writer {
	struct intern strs;
	int err;
};

static uint64_t str_id(struct writer *w, const char *s)
{
	int added;
	int64_t i = intern_bytes(&w->strs, s ? s : "", s ? strlen(s) : 0,
				 &added);

	if (i < 0) {
		w->err = i;
		return 0;
	}
	return i;
}

static void put_value_type(struct writer *w, struct pb_buf *b, uint32_t field,
			   const char *type, const char *unit)
{
	struct pb_buf vt = { 0 };

	pb_uint(&vt, VT_TYPE, str_id(w, type));
	pb_uint(&vt, VT_UNIT, str_id(w, unit));
	pb_msg(b, field, &vt);
	pb_buf_free(&vt);
}

static void put_label(struct writer *w, struct pb_buf *b, const char *key,
		      const char *str, int64_t num, bool is_num)
{
	struct pb_buf l = { 0 };

	pb_uint(&l, LABEL_KEY, str_id(w, key));
	if (is_num)
		pb_int(&l, LABEL_NUM, num);
	else
		pb_uint(&l, LABEL_STR, str_id(w, str));
	pb_msg(b, SAMPLE_LABEL, &l);
	pb_buf_free(&l);
}

/* What pprof has no field for, per frame and per stack. */
static void put_frame_extra(struct writer *w, struct pb_buf *loc,
			    const struct frame *f)
{
	struct pb_buf e = { 0 };

	pb_uint(&e, WF_MODULE, str_id(w, f->module));
	pb_uint(&e, WF_PATH, str_id(w, f->path));
	pb_uint(&e, WF_CLASS, f->cls);
	pb_uint(&e, WF_RESOLVED, f->resolved);
	pb_msg(loc, WHYSLOW_FIELD, &e);
	pb_buf_free(&e);
}

static void put_stack_extra(struct writer *w, struct pb_buf *sample,
			    const struct stack_sample *st)
{
	struct pb_buf e = { 0 };

	pb_uint(&e, WK_REASON, st->reason);
	pb_int(&e, WK_SYSCALL, st->syscall);
	pb_uint(&e, WK_TARGET, str_id(w, st->target));
	pb_uint(&e, WK_TRUNCATED, st->truncated);
	pb_uint(&e, WK_KERNEL_MODE, st->kernel_mode);
	/* present even when all zero: it marks the sample as whyslow's */
	pb_msg(sample, WHYSLOW_FIELD, &e);
	pb_buf_free(&e);
}

static const char *thread_comm(const struct profile *p, uint32_t tid)
{
	size_t i;

	for (i = 0; i < p->n_threads; i++)
		if (p->threads[i].tid == tid)
			return p->threads[i].comm;
	return NULL;
}

static void put_sample(struct writer *w, struct pb_buf *b,
		       const struct profile *p, const struct stack_sample *st,
		       uint64_t *ids)
{
	struct pb_buf s = { 0 };
	uint64_t v[VAL_COUNT] = { 0 };
	char comm[sizeof(p->threads[0].comm) + 1] = "";
	const char *c = thread_comm(p, st->tid);
	uint32_t i;

	for (i = 0; i < st->n_frames; i++)
		ids[i] = (uint64_t)st->frames[st->n_frames - 1 - i] + 1;
	pb_packed(&s, SAMPLE_LOCATION_ID, ids, st->n_frames);
	v[st->reason == WAIT_NONE ? VAL_SAMPLES : VAL_WAITS] = st->count;
	v[st->reason == WAIT_NONE ? VAL_CPU : VAL_OFFCPU] = st->ns;
	v[VAL_WALL] = st->ns;
	pb_packed(&s, SAMPLE_VALUE, v, VAL_COUNT);
	put_label(w, &s, "pid", NULL, st->pid, true);
	put_label(w, &s, "tid", NULL, st->tid, true);
	if (c) {
		memcpy(comm, c, sizeof(p->threads[0].comm));
		put_label(w, &s, "thread", comm, 0, false);
	}
	if (st->reason != WAIT_NONE)
		put_label(w, &s, "reason", wait_reason_name(st->reason), 0,
			  false);
	if (st->syscall >= 0 && syscall_name(st->syscall))
		put_label(w, &s, "syscall", syscall_name(st->syscall), 0, false);
	if (st->target)
		put_label(w, &s, "target", st->target, 0, false);
	put_stack_extra(w, &s, st);
	pb_msg(b, PROFILE_SAMPLE, &s);
	pb_buf_free(&s);
}

static const char *frame_file_name(const struct frame *f)
{
	return f->path ? f->path : f->module;
}

/*
 * One mapping per file of the frames (or module name), numbered from 1 in
 * order of first use; map_ids[i] is frame i's.
 */
static void number_mappings(struct writer *w, const struct profile *p,
			    uint64_t *map_ids)
{
	struct intern files;
	const char *name;
	size_t i;
	int added;
	int64_t k;

	intern_init(&files);
	for (i = 0; i < p->n_frames; i++) {
		name = frame_file_name(&p->frames[i]);
		k = intern_bytes(&files, name, strlen(name), &added);
		if (k < 0) {
			w->err = k;
			break;
		}
		map_ids[i] = (uint64_t)k + 1;
	}
	intern_free(&files);
}

static void put_frames(struct writer *w, struct pb_buf *b,
		       const struct profile *p)
{
	struct pb_buf m = { 0 }, loc = { 0 }, line = { 0 }, fn = { 0 };
	uint64_t *map_ids = calloc(p->n_frames + 1, sizeof(*map_ids));
	uint64_t next_map = 1;
	const struct frame *f;
	size_t i;

	if (!map_ids) {
		w->err = -ENOMEM;
		return;
	}
	number_mappings(w, p, map_ids);
	for (i = 0; i < p->n_frames && !w->err; i++) {
		f = &p->frames[i];
		if (map_ids[i] == next_map) {	/* first frame of its file */
			next_map++;
			pb_uint(&m, MAPPING_ID, map_ids[i]);
			pb_uint(&m, MAPPING_FILENAME,
				str_id(w, frame_file_name(f)));
			pb_uint(&m, MAPPING_BUILD_ID, str_id(w, f->build_id));
			pb_uint(&m, MAPPING_HAS_FUNCTIONS, 1);
			pb_msg(b, PROFILE_MAPPING, &m);
			m.len = 0;
		}
		pb_uint(&line, LINE_FUNCTION_ID, i + 1);
		pb_int(&line, LINE_LINE, f->line);
		pb_uint(&loc, LOCATION_ID, i + 1);
		pb_uint(&loc, LOCATION_MAPPING_ID, map_ids[i]);
		pb_msg(&loc, LOCATION_LINE, &line);
		put_frame_extra(w, &loc, f);
		pb_msg(b, PROFILE_LOCATION, &loc);
		pb_uint(&fn, FUNCTION_ID, i + 1);
		pb_uint(&fn, FUNCTION_NAME, str_id(w, f->name));
		pb_uint(&fn, FUNCTION_SYSTEM_NAME, str_id(w, f->name));
		pb_uint(&fn, FUNCTION_FILENAME, str_id(w, f->file));
		pb_int(&fn, FUNCTION_START_LINE, f->start_line);
		pb_msg(b, PROFILE_FUNCTION, &fn);
		line.len = loc.len = fn.len = 0;
	}
	free(map_ids);
	pb_buf_free(&m);
	pb_buf_free(&loc);
	pb_buf_free(&line);
	pb_buf_free(&fn);
}

static void put_ws_tasks(struct writer *w, struct pb_buf *x,
			 const struct profile *p)
{
	char comm[sizeof(p->threads[0].comm) + 1];
	struct pb_buf e = { 0 };
	size_t i;

	for (i = 0; i < p->n_threads; i++) {
		e.len = 0;
		memcpy(comm, p->threads[i].comm, sizeof(p->threads[i].comm));
		comm[sizeof(comm) - 1] = '\0';
		pb_uint(&e, WT_PID, p->threads[i].pid);
		pb_uint(&e, WT_TID, p->threads[i].tid);
		pb_uint(&e, WT_COMM, str_id(w, comm));
		pb_msg(x, WS_THREAD, &e);
	}
	for (i = 0; i < p->n_procs; i++) {
		e.len = 0;
		memcpy(comm, p->procs[i].comm, sizeof(p->procs[i].comm));
		comm[sizeof(comm) - 1] = '\0';
		pb_uint(&e, WP_PID, p->procs[i].pid);
		pb_uint(&e, WP_PPID, p->procs[i].ppid);
		pb_uint(&e, WP_COMM, str_id(w, comm));
		pb_uint(&e, WP_EXE, str_id(w, p->procs[i].exe));
		pb_msg(x, WS_PROCESS, &e);
	}
	pb_buf_free(&e);
}

/*
 * The quality counters, field n + 1 for the n-th in struct order: adding
 * one at the end of struct profile_quality keeps older files readable.
 */
#define QUALITY_FIELDS(X)						\
	X(lost_samples) X(lost_sideband) X(kstack_errors)		\
	X(ustack_errors) X(truncated_samples) X(py_truncated_samples)	\
	X(frames_total) X(frames_unresolved) X(requested_hz) X(max_hz)	\
	X(kernel_addrs_hidden) X(offcpu) X(offcpu_dropped)		\
	X(stack_collisions) X(min_block_ns) X(offcpu_short_ns)		\
	X(io_dropped) X(truncated_no_copy) X(truncated_copy_end)	\
	X(truncated_no_cfi) X(truncated_bad_rule) X(cfi_unwinding)	\
	X(waits_to_map) X(cpu_sampled_ns) X(unresolved_samples)	\
	X(sampler_ns) X(maps_cut)				\
	X(dwarf_refused) X(symbols_refused) X(perfmap_lines_skipped)	\
	X(perfmap_bytes_skipped) X(perfmap_refused)

static void put_ws_quality(struct pb_buf *x, const struct profile_quality *q)
{
	struct pb_buf e = { 0 };
	uint32_t n = 0;

#define PUT_QUALITY(f)	pb_uint(&e, ++n, q->f);
	QUALITY_FIELDS(PUT_QUALITY)
#undef PUT_QUALITY
	pb_msg(x, WS_QUALITY, &e);
	pb_buf_free(&e);
}

/* I/O rows: each field's number is its position in these lists. */
#define IO_FILE_FIELDS(X)						\
	X(opens) X(failed_opens) X(reads) X(read_bytes) X(writes)	\
	X(write_bytes) X(time_ns) X(blocked_ns) X(site_opens)
#define IO_ENDPOINT_FIELDS(X)						\
	X(inbound) X(connections) X(sends) X(receives) X(bytes_sent)	\
	X(bytes_received) X(connect_ns) X(send_ns) X(recv_ns)		\
	X(blocked_ns) X(requests) X(request_ns) X(max_in_flight)
#define IO_CONCURRENCY_FIELDS(X)					\
	X(pid) X(requests) X(request_ns) X(busy_ns) X(max_in_flight)
#define IO_SPAWN_FIELDS(X)	X(count) X(wall_ns) X(site_count)
/* after the numbers: the string, then the site (+1, 0 none) */
#define IO_STR_FIELD	30
#define IO_SITE_FIELD	31
#define IO_PROTO_FIELD	32

static void put_ws_io(struct writer *w, struct pb_buf *x,
		      const struct io_summary *io)
{
	struct pb_buf b = { 0 }, e = { 0 };
	uint32_t n;
	size_t i;

	pb_uint(&b, WI_TRACED, io->traced);
	pb_uint(&b, WI_BLOCKED_KNOWN, io->blocked_known);
#define PUT_ROW(f)	pb_uint(&e, ++n, row->f);
	for (i = 0; i < io->n_files; i++) {
		const struct io_file *row = &io->files[i];

		e.len = 0;
		n = 0;
		IO_FILE_FIELDS(PUT_ROW)
		pb_uint(&e, IO_STR_FIELD, str_id(w, row->path));
		pb_uint(&e, IO_SITE_FIELD, (uint64_t)(row->site + 1));
		pb_msg(&b, WI_FILE, &e);
	}
	for (i = 0; i < io->n_endpoints; i++) {
		const struct io_endpoint *row = &io->endpoints[i];
		char proto[sizeof(row->proto) + 1] = "";

		e.len = 0;
		n = 0;
		IO_ENDPOINT_FIELDS(PUT_ROW)
		memcpy(proto, row->proto, sizeof(row->proto));
		pb_uint(&e, IO_STR_FIELD, str_id(w, row->name));
		pb_uint(&e, IO_SITE_FIELD, (uint64_t)(row->site + 1));
		pb_uint(&e, IO_PROTO_FIELD, str_id(w, proto));
		pb_msg(&b, WI_ENDPOINT, &e);
	}
	for (i = 0; i < io->n_procs; i++) {
		const struct io_concurrency *row = &io->procs[i];

		e.len = 0;
		n = 0;
		IO_CONCURRENCY_FIELDS(PUT_ROW)
		pb_msg(&b, WI_CONCURRENCY, &e);
	}
	for (i = 0; i < io->n_spawns; i++) {
		const struct io_spawn *row = &io->spawns[i];

		e.len = 0;
		n = 0;
		IO_SPAWN_FIELDS(PUT_ROW)
		pb_uint(&e, IO_STR_FIELD, str_id(w, row->program));
		pb_uint(&e, IO_SITE_FIELD, (uint64_t)(row->site + 1));
		pb_msg(&b, WI_SPAWN, &e);
	}
#undef PUT_ROW
	for (i = 0; i < io->n_sites; i++) {
		const struct io_site *s = &io->sites[i];
		uint64_t *ids = calloc(s->n_frames + 1, sizeof(*ids));
		uint32_t j;

		if (!ids) {
			w->err = -ENOMEM;
			break;
		}
		for (j = 0; j < s->n_frames; j++)
			ids[j] = s->frames[j];
		e.len = 0;
		pb_uint(&e, 1, s->pid);
		pb_packed(&e, 2, ids, s->n_frames);
		pb_uint(&e, 3, s->n_frames);	/* 0 frames: no field 2 */
		free(ids);
		pb_msg(&b, WI_SITE, &e);
	}
	pb_msg(x, WS_IO, &b);
	pb_buf_free(&b);
	pb_buf_free(&e);
}

/* period_type, cpu/nanoseconds, with the rest of whyslow's data. */
static void put_period_type(struct writer *w, struct pb_buf *b,
			    const struct profile *p)
{
	struct pb_buf x = { 0 }, vt = { 0 };
	size_t i;

	pb_uint(&x, WS_VERSION, WS_FORMAT_VERSION);
	pb_uint(&x, WS_ROOT_PID, p->root_pid);
	pb_uint(&x, WS_WALL_NS, p->wall_ns);
	pb_uint(&x, WS_CPU_USER_NS, p->cpu_user_ns);
	pb_uint(&x, WS_CPU_SYS_NS, p->cpu_sys_ns);
	pb_uint(&x, WS_CPU_FROM_RUSAGE, p->cpu_from_rusage);
	pb_uint(&x, WS_FREQUENCY_HZ, p->frequency_hz);
	pb_uint(&x, WS_PERIOD_NS, p->period_ns);
	pb_uint(&x, WS_SAMPLES, p->samples);
	pb_uint(&x, WS_COMMAND, str_id(w, p->command));
	pb_uint(&x, WS_TIME_NS, p->time_ns);
	put_ws_tasks(w, &x, p);
	put_ws_quality(&x, &p->quality);
	for (i = 0; i < p->n_notes; i++)
		pb_uint(&x, WS_NOTE, str_id(w, p->notes[i]));
	put_ws_io(w, &x, &p->io);
	pb_uint(&vt, VT_TYPE, str_id(w, "cpu"));
	pb_uint(&vt, VT_UNIT, str_id(w, "nanoseconds"));
	pb_msg(&vt, WHYSLOW_FIELD, &x);
	pb_msg(b, PROFILE_PERIOD_TYPE, &vt);
	pb_buf_free(&x);
	pb_buf_free(&vt);
}

static int encode(const struct profile *p, struct pb_buf *out)
{
	struct writer w = { .err = 0 };
	struct pb_buf b = { 0 };
	uint64_t *ids = NULL;
	size_t i, depth = 1;
	int err;

	intern_init(&w.strs);
	str_id(&w, "");		/* string_table[0] */
	for (i = 0; i < p->n_stacks; i++)
		if (p->stacks[i].n_frames > depth)
			depth = p->stacks[i].n_frames;
	ids = calloc(depth, sizeof(*ids));
	if (!ids) {
		err = -ENOMEM;
		goto out;
	}
	put_value_type(&w, &b, PROFILE_SAMPLE_TYPE, "samples", "count");
	put_value_type(&w, &b, PROFILE_SAMPLE_TYPE, "cpu", "nanoseconds");
	put_value_type(&w, &b, PROFILE_SAMPLE_TYPE, "waits", "count");
	put_value_type(&w, &b, PROFILE_SAMPLE_TYPE, "offcpu", "nanoseconds");
	put_value_type(&w, &b, PROFILE_SAMPLE_TYPE, "wall", "nanoseconds");
	for (i = 0; i < p->n_stacks && !w.err; i++)
		put_sample(&w, &b, p, &p->stacks[i], ids);
	put_frames(&w, &b, p);
	pb_int(&b, PROFILE_TIME_NANOS, p->time_ns);
	pb_int(&b, PROFILE_DURATION_NANOS, p->wall_ns);
	put_period_type(&w, &b, p);
	pb_int(&b, PROFILE_PERIOD, p->period_ns);
	pb_int(&b, PROFILE_COMMENT, str_id(&w, p->command));
	pb_int(&b, PROFILE_DEFAULT_SAMPLE_TYPE, str_id(&w, "wall"));
	/* the strings last: every one is known by now */
	for (i = 0; i < w.strs.n; i++)
		pb_bytes(&b, PROFILE_STRING_TABLE, intern_key(&w.strs, i),
			 w.strs.lengths[i]);
	err = w.err ? w.err : b.err;
out:
	free(ids);
	intern_free(&w.strs);
	if (err)
		pb_buf_free(&b);
	else
		*out = b;
	return err;
}

int pprof_write(FILE *f, const struct profile *p)
{
	struct pb_buf raw = { 0 };
	z_stream z = { 0 };
	unsigned char out[READ_CHUNK];
	int err, zr;

	err = encode(p, &raw);
	if (err)
		return err;
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		pb_buf_free(&raw);
		return -ENOMEM;
	}
	z.next_in = raw.data;
	z.avail_in = raw.len;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		zr = deflate(&z, Z_FINISH);
		if (zr == Z_STREAM_ERROR) {
			err = -EIO;
			break;
		}
		if (fwrite(out, 1, sizeof(out) - z.avail_out, f) !=
		    sizeof(out) - z.avail_out) {
			err = -EIO;
			break;
		}
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	pb_buf_free(&raw);
	return err;
}

/* ---- reading ---------------------------------------------------------- */

/* ---- foreign and whyslow profiles share the standard parts ---- */

struct function_rec {
	uint64_t id;
	uint64_t name, filename;
	int64_t start_line;
};

struct mapping_rec {
	uint64_t id;
	uint64_t filename, build_id;
};

struct line_rec {
	uint64_t function_id;
	int64_t line;
};

struct location_rec {
	uint64_t id;
	uint64_t mapping_id;
	struct span extra;	/* whyslow's, data NULL when none */
	struct line_rec *lines;
	size_t n_lines;
	uint32_t first_frame;	/* profile frame of lines[n_lines - 1] */
};

struct tables {
	struct function_rec *fns;
	size_t n_fns;
	struct mapping_rec *maps;
	size_t n_maps;
	struct location_rec *locs;
	size_t n_locs;
};

static void tables_free(struct tables *t)
{
	size_t i;

	for (i = 0; i < t->n_locs; i++)
		free(t->locs[i].lines);
	free(t->fns);
	free(t->maps);
	free(t->locs);
}

static int cmp_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Records sorted by id (their first member); duplicate ids are refused. */
static int sort_ids(struct reader *rd, void *recs, size_t n, size_t size,
		    const char *what)
{
	size_t i;

	qsort(recs, n, size, cmp_id);
	for (i = 1; i < n; i++)
		if (!cmp_id((char *)recs + (i - 1) * size, (char *)recs + i * size))
			return pprof_fail(rd,
					"not a valid pprof profile: duplicate "
					"%s id", what);
	return 0;
}

static void *find_id(void *recs, size_t n, size_t size, uint64_t id)
{
	return id ? bsearch(&id, recs, n, size, cmp_id) : NULL;
}

static int read_functions(struct reader *rd, struct tables *t)
{
	size_t n = rd->top.n[PROFILE_FUNCTION], i;
	uint64_t v[5];
	int err;

	t->fns = pprof_calloc(rd, n + 1, sizeof(*t->fns));
	if (!t->fns)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = pprof_read_small(rd, &rd->top.of[PROFILE_FUNCTION][i], v, 5,
				 "function");
		if (err)
			return err;
		if (!v[0] || v[1] >= rd->n_strs || v[3] >= rd->n_strs)
			return pprof_fail(rd,
					"not a valid pprof profile: function %zu "
					"has no id or a bad string index", i);
		t->fns[i] = (struct function_rec){ .id = v[0], .name = v[1],
						   .filename = v[3],
						   .start_line = (int64_t)v[4] };
	}
	t->n_fns = n;
	return sort_ids(rd, t->fns, n, sizeof(*t->fns), "function");
}

static int read_mappings(struct reader *rd, struct tables *t)
{
	size_t n = rd->top.n[PROFILE_MAPPING], i;
	uint64_t v[6];
	int err;

	t->maps = pprof_calloc(rd, n + 1, sizeof(*t->maps));
	if (!t->maps)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		err = pprof_read_small(rd, &rd->top.of[PROFILE_MAPPING][i], v, 6,
				 "mapping");
		if (err)
			return err;
		if (!v[0] || v[4] >= rd->n_strs || v[5] >= rd->n_strs)
			return pprof_fail(rd,
					"not a valid pprof profile: mapping %zu "
					"has no id or a bad string index", i);
		t->maps[i] = (struct mapping_rec){ .id = v[0], .filename = v[4],
						   .build_id = v[5] };
	}
	t->n_maps = n;
	return sort_ids(rd, t->maps, n, sizeof(*t->maps), "mapping");
}

static int read_location(struct reader *rd, const struct span *sp,
			 struct location_rec *loc)
{
	struct pb_reader r;
	struct pb_field f;
	size_t cap = 0;
	uint64_t v[2];
	int got, err;

	pb_reader_init(&r, sp->data, sp->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num == LOCATION_ID && f.wire == PB_VARINT)
			loc->id = f.v;
		else if (f.num == LOCATION_MAPPING_ID && f.wire == PB_VARINT)
			loc->mapping_id = f.v;
		else if (f.num == WHYSLOW_FIELD && f.wire == PB_LEN)
			loc->extra = (struct span){ f.data, f.len };
		if (f.num != LOCATION_LINE || f.wire != PB_LEN)
			continue;
		err = pprof_read_small(rd, &(struct span){ f.data, f.len }, v, 2,
				 "line");
		if (err)
			return err;
		if (pprof_reserve(rd, (void **)&loc->lines, &cap, loc->n_lines,
				  sizeof(*loc->lines)))
			return -ENOMEM;
		loc->lines[loc->n_lines++] = (struct line_rec){
			.function_id = v[0], .line = (int64_t)v[1] };
	}
	if (got < 0)
		return pprof_malformed(rd, &r, "location");
	if (!loc->id)
		return pprof_fail(rd,
				"not a valid pprof profile: a location has "
				"no id");
	return 0;
}

static int read_locations(struct reader *rd, struct tables *t)
{
	size_t n = rd->top.n[PROFILE_LOCATION], i;
	int err;

	t->locs = pprof_calloc(rd, n + 1, sizeof(*t->locs));
	if (!t->locs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		t->n_locs = i + 1;
		err = read_location(rd, &rd->top.of[PROFILE_LOCATION][i],
				    &t->locs[i]);
		if (err)
			return err;
	}
	t->n_locs = n;
	return sort_ids(rd, t->locs, n, sizeof(*t->locs), "location");
}

static int read_tables(struct reader *rd, struct tables *t)
{
	int err = read_functions(rd, t);

	if (!err)
		err = read_mappings(rd, t);
	if (!err)
		err = read_locations(rd, t);
	return err;
}

/* One sample's parts, the location ids innermost first. */
struct sample_rec {
	uint64_t *locs;
	size_t n_locs, cap_locs;
	uint64_t vals[MAX_SAMPLE_TYPES];
	size_t n_vals;
	uint64_t pid, tid;
	uint64_t thread;	/* string index of its name, 0 none */
	bool truncated;
	struct span extra;	/* whyslow's, data NULL when none */
};

static int read_label(struct reader *rd, const struct pb_field *f,
		      struct sample_rec *s)
{
	uint64_t v[4];
	int err = pprof_read_small(rd, &(struct span){ f->data, f->len }, v, 4,
			     "label");

	if (err)
		return err;
	if (pprof_string_is(rd, v[0], "pid") || pprof_string_is(rd, v[0], "process_id"))
		s->pid = v[2];
	else if (pprof_string_is(rd, v[0], "tid") || pprof_string_is(rd, v[0], "thread_id"))
		s->tid = v[2];
	else if ((pprof_string_is(rd, v[0], "thread") ||
		  pprof_string_is(rd, v[0], "thread_name")) && v[1] < rd->n_strs)
		s->thread = v[1];
	return 0;
}

static int read_sample(struct reader *rd, const struct span *sp,
		       struct sample_rec *s)
{
	struct pb_values it;
	struct pb_reader r;
	struct pb_field f;
	uint64_t v;
	int got, err, more;

	s->n_locs = s->n_vals = 0;
	s->pid = s->tid = s->thread = 0;
	s->truncated = false;
	s->extra.data = NULL;
	pb_reader_init(&r, sp->data, sp->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num == SAMPLE_LABEL && f.wire == PB_LEN) {
			if ((err = read_label(rd, &f, s)))
				return err;
			continue;
		}
		if (f.num == WHYSLOW_FIELD && f.wire == PB_LEN) {
			s->extra = (struct span){ f.data, f.len };
			continue;
		}
		if (f.num != SAMPLE_LOCATION_ID && f.num != SAMPLE_VALUE)
			continue;
		pb_values_init(&it, &f);
		while ((more = pb_values_next(&it, &v)) > 0) {
			if (f.num == SAMPLE_VALUE) {
				if (s->n_vals == MAX_SAMPLE_TYPES)
					return pprof_fail(rd,
							"not a valid pprof "
							"profile: too many values "
							"in a sample");
				if (v > MAX_SAMPLE_VALUE)
					return pprof_fail(rd,
							"unsupported pprof "
							"profile: a sample value "
							"is negative or over 2^50");
				s->vals[s->n_vals++] = v;
			} else if (s->n_locs == MAX_STACK_DEPTH) {
				s->truncated = true;
			} else if (items_reserve((void **)&s->locs,
						 &s->cap_locs, s->n_locs,
						 sizeof(*s->locs))) {
				return -ENOMEM;
			} else {
				s->locs[s->n_locs++] = v;
			}
		}
		if (more < 0)
			return pprof_malformed(rd, &it.r, "packed values");
	}
	return got < 0 ? pprof_malformed(rd, &r, "sample") : 0;
}

/* ---- a profile of whyslow ---- */

static int ws_frames(struct reader *rd, const struct tables *t,
		     struct profile *out)
{
	size_t n_extra = t->n_locs;
	const struct function_rec *fn;
	const struct mapping_rec *map;
	struct location_rec *loc;
	struct frame *fr;
	uint64_t v[4];
	size_t i;
	int err;

	out->frames = pprof_calloc(rd, n_extra + 1, sizeof(*out->frames));
	if (!out->frames)
		return -ENOMEM;
	for (i = 0; i < n_extra; i++) {
		loc = find_id(t->locs, t->n_locs, sizeof(*loc), i + 1);
		if (!loc || loc->n_lines != 1 || !loc->extra.data ||
		    !(fn = find_id(t->fns, t->n_fns, sizeof(*fn),
				   loc->lines[0].function_id)))
			return pprof_fail(rd,
					"inconsistent whyslow data: location "
					"%zu", i + 1);
		map = find_id(t->maps, t->n_maps, sizeof(*map), loc->mapping_id);
		err = pprof_read_small(rd, &loc->extra, v, 4, "frame");
		if (err)
			return err;
		if (v[2] > CLASS_KERNEL)
			return pprof_fail(rd,
					"inconsistent whyslow data: frame class "
					"%llu", (unsigned long long)v[2]);
		fr = &out->frames[i];
		out->n_frames = i + 1;
		fr->cls = v[2];
		fr->resolved = v[3];
		fr->line = (int)loc->lines[0].line;
		fr->start_line = (int)fn->start_line;
		if ((err = pprof_string_at(rd, fn->name, false, &fr->name)) ||
		    (err = pprof_string_at(rd, fn->filename, true, &fr->file)) ||
		    (err = pprof_string_at(rd, v[0], false, &fr->module)) ||
		    (err = pprof_string_at(rd, v[1], true, &fr->path)) ||
		    (map && (err = pprof_string_at(rd, map->build_id, true,
					     &fr->build_id))))
			return err;
	}
	return 0;
}

static int ws_stack(struct reader *rd, const struct sample_rec *s,
		    struct profile *out)
{
	struct stack_sample *st = &out->stacks[out->n_stacks];
	uint64_t v[5];
	size_t i;
	int err;

	if (s->n_vals != VAL_COUNT || s->truncated || !s->extra.data)
		return pprof_fail(rd,
				"inconsistent whyslow data: a sample of %zu "
				"values%s", s->n_vals, s->extra.data ? "" :
				" without whyslow's field");
	err = pprof_read_small(rd, &s->extra, v, 5, "stack");
	if (err)
		return err;
	if (v[0] >= WAIT__COUNT)
		return pprof_fail(rd,
				"inconsistent whyslow data: wait reason %llu",
				(unsigned long long)v[0]);
	st->frames = pprof_stack_frames(rd, s->n_locs);
	if (!st->frames)
		return -ENOMEM;
	out->n_stacks++;
	for (i = 0; i < s->n_locs; i++) {
		if (!s->locs[i] || s->locs[i] > out->n_frames)
			return pprof_fail(rd,
					"inconsistent whyslow data: location "
					"id %llu", (unsigned long long)s->locs[i]);
		st->frames[s->n_locs - 1 - i] = s->locs[i] - 1;
	}
	st->n_frames = s->n_locs;
	st->pid = s->pid;
	st->tid = s->tid;
	st->reason = v[0];
	st->count = s->vals[st->reason == WAIT_NONE ? VAL_SAMPLES : VAL_WAITS];
	st->ns = s->vals[st->reason == WAIT_NONE ? VAL_CPU : VAL_OFFCPU];
	st->syscall = (int)(int64_t)v[1];
	st->truncated = v[3];
	st->kernel_mode = v[4];
	return v[2] ? pprof_string_at(rd, v[2], false, &st->target) : 0;
}

/* Collects the spans of one repeated field of a message. */
static int spans_of(struct reader *rd, const struct span *msg, uint32_t num,
		    struct span **out, size_t *n)
{
	struct pb_reader r;
	struct pb_field f;
	size_t cap = 0;
	int got;

	*out = NULL;
	*n = 0;
	pb_reader_init(&r, msg->data, msg->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num != num || f.wire != PB_LEN)
			continue;
		if (pprof_reserve(rd, (void **)out, &cap, *n, sizeof(**out)))
			return -ENOMEM;
		(*out)[(*n)++] = (struct span){ f.data, f.len };
	}
	return got < 0 ? pprof_malformed(rd, &r, "whyslow field") : 0;
}

static int ws_stacks(struct reader *rd, struct profile *out)
{
	struct sample_rec s = { 0 };
	size_t n = rd->top.n[PROFILE_SAMPLE], i;
	int err = 0;

	out->stacks = pprof_calloc(rd, n + 1, sizeof(*out->stacks));
	if (!out->stacks)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		err = read_sample(rd, &rd->top.of[PROFILE_SAMPLE][i], &s);
		if (!err)
			err = ws_stack(rd, &s, out);
	}
	free(s.locs);
	return err;
}

static int ws_comm(struct reader *rd, uint64_t i, char *comm, size_t size)
{
	const struct span *sp = pprof_string_ref(rd, i);

	if (!sp)
		return pprof_fail(rd, "inconsistent whyslow data: string %llu",
			    (unsigned long long)i);
	memset(comm, 0, size);
	memcpy(comm, sp->data, sp->len < size ? sp->len : size);
	return 0;
}

static int ws_tasks(struct reader *rd, const struct span *x,
		    struct profile *out)
{
	struct span *th = NULL, *pr = NULL;
	size_t n_th, n_pr, i;
	uint64_t v[4];
	int err;

	if ((err = spans_of(rd, x, WS_THREAD, &th, &n_th)) ||
	    (err = spans_of(rd, x, WS_PROCESS, &pr, &n_pr)))
		goto out;
	out->threads = pprof_calloc(rd, n_th + 1, sizeof(*out->threads));
	out->procs = pprof_calloc(rd, n_pr + 1, sizeof(*out->procs));
	err = -ENOMEM;
	if (!out->threads || !out->procs)
		goto out;
	err = 0;
	for (i = 0; i < n_th && !err; i++) {
		struct thread_info *t = &out->threads[i];

		err = pprof_read_small(rd, &th[i], v, 3, "thread");
		if (err)
			break;
		t->pid = v[0];
		t->tid = v[1];
		err = ws_comm(rd, v[2], t->comm, sizeof(t->comm));
		out->n_threads = i + 1;
	}
	for (i = 0; i < n_pr && !err; i++) {
		struct process_info *p = &out->procs[i];

		err = pprof_read_small(rd, &pr[i], v, 4, "process");
		if (err)
			break;
		out->n_procs = i + 1;
		p->pid = v[0];
		p->ppid = v[1];
		err = ws_comm(rd, v[2], p->comm, sizeof(p->comm));
		if (!err)
			err = pprof_string_at(rd, v[3], true, &p->exe);
	}
out:
	free(th);
	free(pr);
	return err;
}

static int ws_quality(struct reader *rd, const struct span *x,
		      struct profile_quality *q)
{
	struct span *sp;
	uint64_t v[64];
	size_t n;
	uint32_t k = 0;
	int err;

#define COUNT_QUALITY(f)	+1
	_Static_assert(0 QUALITY_FIELDS(COUNT_QUALITY) <= 64,
		       "the quality message outgrew its reader");
#undef COUNT_QUALITY
	err = spans_of(rd, x, WS_QUALITY, &sp, &n);
	if (err || !n) {
		free(sp);
		return err;
	}
	err = pprof_read_small(rd, &sp[n - 1], v, 64, "quality");
	free(sp);
	if (err)
		return err;
#define GET_QUALITY(f)	q->f = v[k++];
	QUALITY_FIELDS(GET_QUALITY)
#undef GET_QUALITY
	return 0;
}

static int ws_notes(struct reader *rd, const struct span *x,
		    struct profile *out)
{
	struct pb_reader r;
	struct pb_field f;
	size_t cap = 0;
	int got, err;

	pb_reader_init(&r, x->data, x->len);
	while ((got = pb_next(&r, &f)) > 0) {
		if (f.num != WS_NOTE || f.wire != PB_VARINT)
			continue;
		if (pprof_reserve(rd, (void **)&out->notes, &cap, out->n_notes + 1,
				  sizeof(*out->notes)))
			return -ENOMEM;
		err = pprof_string_at(rd, f.v, false, &out->notes[out->n_notes]);
		if (err)
			return err;
		out->n_notes++;
	}
	return got < 0 ? pprof_malformed(rd, &r, "note") : 0;
}

/* A site index as written (+1, 0 none), checked against the sites. */
static int ws_site(struct reader *rd, uint64_t v, size_t n_sites,
		   int32_t *site)
{
	if (v > n_sites)
		return pprof_fail(rd,
				"inconsistent whyslow data: site %llu of %zu",
				(unsigned long long)v, n_sites);
	*site = (int32_t)v - 1;
	return 0;
}

static int ws_io_sites(struct reader *rd, const struct span *sp, size_t n,
		       struct profile *out)
{
	struct io_summary *io = &out->io;
	struct pb_values it;
	struct pb_reader r;
	struct pb_field f;
	uint64_t v;
	size_t i, k;
	int got, more;

	io->sites = pprof_calloc(rd, n + 1, sizeof(*io->sites));
	if (!io->sites)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct io_site *s = &io->sites[i];
		size_t want = 0;

		io->n_sites = i + 1;
		pb_reader_init(&r, sp[i].data, sp[i].len);
		while ((got = pb_next(&r, &f)) > 0) {
			if (f.num == 1 && f.wire == PB_VARINT)
				s->pid = f.v;
			else if (f.num == 3 && f.wire == PB_VARINT)
				want = f.v;
		}
		if (got < 0)
			return pprof_malformed(rd, &r, "site");
		/* the frame count bounds the allocation by the input */
		if (want > sp[i].len)
			return pprof_fail(rd,
					"inconsistent whyslow data: a site of "
					"%zu frames", want);
		s->frames = pprof_calloc(rd, want + 1, sizeof(*s->frames));
		if (!s->frames)
			return -ENOMEM;
		pb_reader_init(&r, sp[i].data, sp[i].len);
		k = 0;
		while ((got = pb_next(&r, &f)) > 0) {
			if (f.num != 2)
				continue;
			pb_values_init(&it, &f);
			while ((more = pb_values_next(&it, &v)) > 0) {
				if (k >= want || v >= out->n_frames)
					return pprof_fail(rd,
							"inconsistent whyslow "
							"data: site frames");
				s->frames[k++] = v;
			}
			if (more < 0)
				return pprof_malformed(rd, &it.r, "site frames");
		}
		if (got < 0 || k != want)
			return pprof_fail(rd,
					"inconsistent whyslow data: site frames");
		s->n_frames = k;
	}
	return 0;
}

static int ws_io_rows(struct reader *rd, struct span *const *sp,
		      const size_t *n, struct io_summary *io)
{
	uint64_t v[40];
	uint32_t k;
	size_t i;
	int err = -ENOMEM;

	io->files = pprof_calloc(rd, n[0] + 1, sizeof(*io->files));
	io->endpoints = pprof_calloc(rd, n[1] + 1, sizeof(*io->endpoints));
	io->procs = pprof_calloc(rd, n[2] + 1, sizeof(*io->procs));
	io->spawns = pprof_calloc(rd, n[3] + 1, sizeof(*io->spawns));
	if (!io->files || !io->endpoints || !io->procs || !io->spawns)
		return err;
#define GET_ROW(f)	row->f = v[k++];
	for (i = 0; i < n[0]; i++) {
		struct io_file *row = &io->files[i];

		if ((err = pprof_read_small(rd, &sp[0][i], v, 40, "I/O row")))
			return err;
		io->n_files = i + 1;
		k = 0;
		IO_FILE_FIELDS(GET_ROW)
		if ((err = pprof_string_at(rd, v[IO_STR_FIELD - 1], false, &row->path)) ||
		    (err = ws_site(rd, v[IO_SITE_FIELD - 1], io->n_sites,
				   &row->site)))
			return err;
	}
	for (i = 0; i < n[1]; i++) {
		struct io_endpoint *row = &io->endpoints[i];

		if ((err = pprof_read_small(rd, &sp[1][i], v, 40, "I/O row")))
			return err;
		io->n_endpoints = i + 1;
		k = 0;
		IO_ENDPOINT_FIELDS(GET_ROW)
		if ((err = pprof_string_at(rd, v[IO_STR_FIELD - 1], false, &row->name)) ||
		    (err = ws_site(rd, v[IO_SITE_FIELD - 1], io->n_sites,
				   &row->site)) ||
		    (err = ws_comm(rd, v[IO_PROTO_FIELD - 1], row->proto,
				   sizeof(row->proto))))
			return err;
	}
	for (i = 0; i < n[2]; i++) {
		struct io_concurrency *row = &io->procs[i];

		if ((err = pprof_read_small(rd, &sp[2][i], v, 40, "I/O row")))
			return err;
		io->n_procs = i + 1;
		k = 0;
		IO_CONCURRENCY_FIELDS(GET_ROW)
	}
	for (i = 0; i < n[3]; i++) {
		struct io_spawn *row = &io->spawns[i];

		if ((err = pprof_read_small(rd, &sp[3][i], v, 40, "I/O row")))
			return err;
		io->n_spawns = i + 1;
		k = 0;
		IO_SPAWN_FIELDS(GET_ROW)
		if ((err = pprof_string_at(rd, v[IO_STR_FIELD - 1], false,
				     &row->program)) ||
		    (err = ws_site(rd, v[IO_SITE_FIELD - 1], io->n_sites,
				   &row->site)))
			return err;
	}
#undef GET_ROW
	return 0;
}

static int ws_io(struct reader *rd, const struct span *x, struct profile *out)
{
	static const uint32_t kinds[] = { WI_FILE, WI_ENDPOINT, WI_CONCURRENCY,
					  WI_SPAWN };
	struct span *io_msg = NULL, *rows[4] = { 0 }, *sites = NULL;
	size_t n_io, n[4] = { 0 }, n_sites = 0, i;
	uint64_t v[2];
	int err;

	err = spans_of(rd, x, WS_IO, &io_msg, &n_io);
	if (err || !n_io)
		goto out;
	if ((err = pprof_read_small(rd, &io_msg[n_io - 1], v, 2, "I/O")))
		goto out;
	out->io.traced = v[0];
	out->io.blocked_known = v[1];
	for (i = 0; i < 4 && !err; i++)
		err = spans_of(rd, &io_msg[n_io - 1], kinds[i], &rows[i], &n[i]);
	if (!err)
		err = spans_of(rd, &io_msg[n_io - 1], WI_SITE, &sites, &n_sites);
	if (!err)
		err = ws_io_sites(rd, sites, n_sites, out);
	if (!err)
		err = ws_io_rows(rd, rows, n, &out->io);
out:
	free(io_msg);
	for (i = 0; i < 4; i++)
		free(rows[i]);
	free(sites);
	return err;
}

static int read_whyslow(struct reader *rd, const struct tables *t,
			struct profile *out)
{
	const struct span *x = &rd->top.whyslow;
	uint64_t v[WS_TIME_NS];
	int err;

	err = pprof_read_small(rd, x, v, WS_TIME_NS, "whyslow data");
	if (err)
		return err;
	if (v[WS_VERSION - 1] != WS_FORMAT_VERSION)
		return pprof_fail(rd,
				"whyslow data of format version %llu; this "
				"whyslow reads version %d",
				(unsigned long long)v[WS_VERSION - 1],
				WS_FORMAT_VERSION);
	out->root_pid = v[WS_ROOT_PID - 1];
	out->wall_ns = v[WS_WALL_NS - 1];
	out->cpu_user_ns = v[WS_CPU_USER_NS - 1];
	out->cpu_sys_ns = v[WS_CPU_SYS_NS - 1];
	out->cpu_from_rusage = v[WS_CPU_FROM_RUSAGE - 1];
	out->frequency_hz = v[WS_FREQUENCY_HZ - 1];
	out->period_ns = v[WS_PERIOD_NS - 1];
	out->samples = v[WS_SAMPLES - 1];
	out->time_ns = v[WS_TIME_NS - 1];
	err = pprof_string_at(rd, v[WS_COMMAND - 1], false, &out->command);
	if (err)
		return err;
	err = ws_frames(rd, t, out);
	if (!err)
		err = ws_stacks(rd, out);
	if (!err)
		err = ws_tasks(rd, x, out);
	if (!err)
		err = ws_quality(rd, x, &out->quality);
	if (!err)
		err = ws_notes(rd, x, out);
	if (!err)
		err = ws_io(rd, x, out);
	return err;
}

/* ---- a profile of another tool ---- */

/* Which sample value measures time best: cpu, then wall, then any
 * nanoseconds; else the last type (counts), shown as samples. */
struct value_choice {
	size_t n_types;
	size_t time;		/* index of the value used */
	bool is_ns;
	int64_t count;		/* index of a count type, -1 none */
	char name[64];		/* "cpu/nanoseconds" for the note */
};

static int choose_value(struct reader *rd, struct value_choice *c)
{
	size_t n = rd->top.n[PROFILE_SAMPLE_TYPE], i;
	int best = -1, rank, best_rank = 0;
	uint64_t v[2];
	const struct span *type, *unit;
	int err;

	if (!n || n > MAX_SAMPLE_TYPES)
		return pprof_fail(rd,
				"not a valid pprof profile: %zu sample types", n);
	c->n_types = n;
	c->count = -1;
	for (i = 0; i < n; i++) {
		err = pprof_read_small(rd, &rd->top.of[PROFILE_SAMPLE_TYPE][i], v, 2,
				 "sample type");
		if (err)
			return err;
		if (v[0] >= rd->n_strs || v[1] >= rd->n_strs)
			return pprof_fail(rd,
					"not a valid pprof profile: bad sample "
					"type string index");
		rank = pprof_string_is(rd, v[1], "nanoseconds") ?
		       (pprof_string_is(rd, v[0], "cpu") ? 3 :
			pprof_string_is(rd, v[0], "wall") ? 2 : 1) : 0;
		if (rank > best_rank || best < 0 || (!rank && !best_rank)) {
			best = i;
			best_rank = rank;
		}
		if (pprof_string_is(rd, v[1], "count") && c->count < 0)
			c->count = i;
	}
	c->time = best;
	c->is_ns = best_rank > 0;
	pprof_read_small(rd, &rd->top.of[PROFILE_SAMPLE_TYPE][best], v, 2, "");
	type = pprof_string_ref(rd, v[0]);
	unit = pprof_string_ref(rd, v[1]);
	snprintf(c->name, sizeof(c->name), "%.*s/%.*s", (int)type->len,
		 (const char *)type->data, (int)unit->len,
		 (const char *)unit->data);
	return 0;
}

/* Frames of the foreign profile: one per (location, line), the lines of
 * a location innermost first as pprof stores them. */
static int foreign_frames(struct reader *rd, struct tables *t,
			  struct profile *out)
{
	size_t n = 0, i, j, k = 0;
	const struct function_rec *fn;
	const struct mapping_rec *map;
	const struct span *file;
	struct frame *fr;
	int err;

	for (i = 0; i < t->n_locs; i++)
		n += t->locs[i].n_lines ? t->locs[i].n_lines : 1;
	out->frames = pprof_calloc(rd, n + 1, sizeof(*out->frames));
	if (!out->frames)
		return -ENOMEM;
	for (i = 0; i < t->n_locs; i++) {
		struct location_rec *loc = &t->locs[i];
		size_t lines = loc->n_lines ? loc->n_lines : 1;

		map = find_id(t->maps, t->n_maps, sizeof(*map), loc->mapping_id);
		loc->first_frame = k;
		for (j = 0; j < lines; j++, k++) {
			fr = &out->frames[k];
			out->n_frames = k + 1;
			fn = loc->n_lines ? find_id(t->fns, t->n_fns, sizeof(*fn),
						    loc->lines[j].function_id) :
					    NULL;
			file = map ? pprof_string_ref(rd, map->filename) : NULL;
			if (fn && (err = pprof_string_at(rd, fn->name, false,
						   &fr->name)))
				return err;
			if (fn && (err = pprof_string_at(rd, fn->filename, true,
						   &fr->file)))
				return err;
			if (map && (err = pprof_string_at(rd, map->filename, true,
						    &fr->path)))
				return err;
			if (map && (err = pprof_string_at(rd, map->build_id, true,
						    &fr->build_id)))
				return err;
			fr->resolved = fr->name && fr->name[0];
			if (!fr->resolved) {
				free(fr->name);
				fr->name = pprof_strdup(rd, "[unknown]");
			}
			fr->module = pprof_strdup(rd, fr->path ? (strrchr(fr->path, '/') ?
				strrchr(fr->path, '/') + 1 : fr->path) :
				"[unknown]");
			if (!fr->name || !fr->module)
				return -ENOMEM;
			fr->line = loc->n_lines ? (int)loc->lines[j].line : 0;
			fr->start_line = fn ? (int)fn->start_line : 0;
			fr->cls = !strncmp(fr->name, "runtime.", 8) ?
				  CLASS_RUNTIME :
				  classify_mapping(file && file->len ?
						   fr->path : NULL, NULL);
		}
	}
	return 0;
}

static int note_foreign(struct profile *out, const struct value_choice *c)
{
	char *line;

	out->notes = calloc(2, sizeof(*out->notes));
	if (!out->notes ||
	    asprintf(&line, "read from a pprof profile of another tool: the "
		     "%s values are shown as on-CPU %s; waits, labels whyslow "
		     "does not know and data quality were not recorded",
		     c->name, c->is_ns ? "time" : "samples (one period each)") < 0)
		return -ENOMEM;
	out->notes[0] = line;
	out->n_notes = 1;
	return 0;
}

/* Threads and processes of the samples' pid/tid labels (0 when none). */
static int foreign_task(struct reader *rd, struct intern *in, void **arr,
			size_t *cap, const void *key, uint32_t len,
			size_t elem, int *added)
{
	int64_t i = intern_bytes(in, key, len, added);

	/* the intern's own tables: about 40 bytes an item */
	if (i < 0 || (*added && pprof_charge(rd, 40, 1)) ||
	    pprof_reserve(rd, arr, cap, i, elem))
		return rd->failed ? -EINVAL : -ENOMEM;
	return i;
}

/* Threads and processes of the samples' pid/tid labels (0 when none),
 * found through an intern: samples of other tools can be many. */
static int foreign_tasks(struct reader *rd, struct profile *out,
			 const uint64_t *threads)
{
	struct intern th, pr;
	size_t i, cap_th = 0, cap_pr = 0;
	int j, k, added, err = 0;

	intern_init(&th);
	intern_init(&pr);
	for (i = 0; i < out->n_stacks && !err; i++) {
		const struct stack_sample *st = &out->stacks[i];
		uint32_t key[2] = { st->pid, st->tid };

		j = foreign_task(rd, &th, (void **)&out->threads, &cap_th, key,
				 sizeof(key), sizeof(*out->threads), &added);
		if ((err = j < 0 ? j : 0))
			break;
		if (added) {
			out->threads[j].pid = st->pid;
			out->threads[j].tid = st->tid;
			if (threads[i])
				ws_comm(rd, threads[i], out->threads[j].comm,
					sizeof(out->threads[j].comm));
			out->n_threads++;
		}
		k = foreign_task(rd, &pr, (void **)&out->procs, &cap_pr, key,
				 sizeof(key[0]), sizeof(*out->procs), &added);
		if ((err = k < 0 ? k : 0) || !added)
			continue;
		out->procs[k].pid = st->pid;
		memcpy(out->procs[k].comm, out->threads[j].comm,
		       sizeof(out->procs[k].comm));
		out->n_procs++;
	}
	intern_free(&th);
	intern_free(&pr);
	return err;
}

static int foreign_stack(struct reader *rd, const struct tables *t,
			 const struct sample_rec *s,
			 const struct value_choice *c, uint64_t period,
			 struct profile *out)
{
	struct stack_sample *st = &out->stacks[out->n_stacks];
	const struct location_rec *loc;
	size_t i, n = 0, j;
	uint32_t *frames;

	if (s->n_vals != c->n_types)
		return pprof_fail(rd,
				"not a valid pprof profile: a sample has %zu "
				"values for %zu sample types", s->n_vals,
				c->n_types);
	for (i = 0; i < s->n_locs; i++) {
		loc = find_id(t->locs, t->n_locs, sizeof(*loc), s->locs[i]);
		if (!loc)
			return pprof_fail(rd,
					"not a valid pprof profile: a sample "
					"refers to location %llu, which does not "
					"exist", (unsigned long long)s->locs[i]);
		n += loc->n_lines ? loc->n_lines : 1;
	}
	frames = pprof_stack_frames(rd, n);
	if (!frames)
		return -ENOMEM;
	st->frames = frames;
	out->n_stacks++;
	/* sample locations innermost first; a location's lines too */
	for (i = s->n_locs; i-- > 0;) {
		size_t lines;

		loc = find_id(t->locs, t->n_locs, sizeof(*loc), s->locs[i]);
		lines = loc->n_lines ? loc->n_lines : 1;
		for (j = lines; j-- > 0;)
			*frames++ = loc->first_frame + j;
	}
	st->n_frames = n;
	st->pid = s->pid;
	st->tid = s->tid;
	st->syscall = -1;
	st->truncated = s->truncated;
	if (c->is_ns) {
		st->ns = s->vals[c->time];
		st->count = c->count >= 0 ? s->vals[c->count] :
			    (period ? st->ns / period : 1);
	} else {
		st->count = s->vals[c->time];
		if (st->count > MAX_SAMPLE_VALUE / period)
			return pprof_fail(rd,
					"unsupported pprof profile: a sample "
					"stands for over 2^50 ns");
		st->ns = st->count * period;
	}
	return 0;
}

static int read_foreign(struct reader *rd, struct tables *t,
			struct profile *out)
{
	struct value_choice c;
	struct sample_rec s = { 0 };
	uint64_t *threads = NULL, v[2], period;
	size_t n = rd->top.n[PROFILE_SAMPLE], i;
	int err;

	if ((err = choose_value(rd, &c)) || (err = foreign_frames(rd, t, out)))
		return err;
	/* the period counts in nanoseconds only when its type is time */
	period = rd->top.scalar[PROFILE_PERIOD];
	if (rd->top.n[PROFILE_PERIOD_TYPE] &&
	    !pprof_read_small(rd, &rd->top.of[PROFILE_PERIOD_TYPE]
				[rd->top.n[PROFILE_PERIOD_TYPE] - 1], v, 2, "") &&
	    !pprof_string_is(rd, v[1], "nanoseconds"))
		period = 0;
	if (!period || period > 60 * 1000000000ull)
		period = 10000000;	/* 100 Hz, Go's default */
	out->stacks = pprof_calloc(rd, n + 1, sizeof(*out->stacks));
	threads = pprof_calloc(rd, n + 1, sizeof(*threads));
	if (!out->stacks || !threads) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !err; i++) {
		err = read_sample(rd, &rd->top.of[PROFILE_SAMPLE][i], &s);
		threads[i] = s.thread;
		if (!err)
			err = foreign_stack(rd, t, &s, &c, period, out);
		if (!err) {
			out->samples += out->stacks[i].count;
			out->cpu_user_ns += out->stacks[i].ns;
		}
	}
	if (!err)
		err = foreign_tasks(rd, out, threads);
	if (!err)
		err = note_foreign(out, &c);
	out->period_ns = period;
	out->frequency_hz = 1000000000ull / period;
	out->wall_ns = rd->top.scalar[PROFILE_DURATION_NANOS] ?:
		       out->cpu_user_ns;
	out->time_ns = rd->top.scalar[PROFILE_TIME_NANOS];
	if (!err && !out->command)
		out->command = strdup("(a pprof profile)");
	if (!err && !out->command)
		err = -ENOMEM;
out:
	free(s.locs);
	free(threads);
	return err;
}

/* held: bytes of the file kept besides data (gzip'd), within the budget */
static int decode(const uint8_t *data, size_t len, size_t held,
		  struct profile *out, char *errbuf, size_t errlen)
{
	struct reader rd = { .err = errbuf, .errlen = errlen, .base = data,
			     .budget = 2 * len + PPROF_BUDGET_BASE };
	struct tables t = { 0 };
	int err, i;

	rd.budget -= held < rd.budget ? held : rd.budget;
	rd.limit = rd.budget;
	err = pprof_collect_top(&rd, data, len);
	if (err)
		goto out;
	rd.strs = rd.top.of[PROFILE_STRING_TABLE];
	rd.n_strs = rd.top.n[PROFILE_STRING_TABLE];
	if (!rd.n_strs || rd.strs[0].len) {
		err = pprof_fail(&rd, "not a pprof profile: no string table "
			   "starting with \"\"");
		goto out;
	}
	err = read_tables(&rd, &t);
	if (err)
		goto out;
	if (rd.top.has_whyslow)
		err = read_whyslow(&rd, &t, out);
	else
		err = read_foreign(&rd, &t, out);
out:
	tables_free(&t);
	for (i = 0; i < PROFILE_FIELDS; i++)
		free(rd.top.of[i]);
	if (err == -ENOMEM && !rd.failed)
		snprintf(errbuf, errlen, "out of memory");
	return rd.failed ? -EINVAL : err;
}

/* gunzip, at most PPROF_MAX_INFLATED bytes. */
static int inflate_all(const uint8_t *data, size_t len, struct pb_buf *out,
		       char *err, size_t errlen)
{
	z_stream z = { 0 };
	int zr = Z_OK;

	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return -ENOMEM;
	z.next_in = (uint8_t *)data;
	while (zr != Z_STREAM_END) {
		if (out->len >= PPROF_MAX_INFLATED) {
			snprintf(err, errlen, "over %u bytes once decompressed",
				 PPROF_MAX_INFLATED);
			zr = Z_DATA_ERROR;
			break;
		}
		if (!z.avail_in && len) {
			z.avail_in = len > UINT32_MAX ? UINT32_MAX : len;
			len -= z.avail_in;
		}
		if (out->cap - out->len < READ_CHUNK) {
			if (!out->cap)
				out->cap = READ_CHUNK;
			out->data = realloc(out->data, out->cap * 2);
			if (!out->data) {
				inflateEnd(&z);
				return -ENOMEM;
			}
			out->cap *= 2;
		}
		z.next_out = out->data + out->len;
		z.avail_out = out->cap - out->len;
		zr = inflate(&z, Z_NO_FLUSH);
		out->len = out->cap - z.avail_out;
		if (zr == Z_BUF_ERROR && !z.avail_in && !len) {
			snprintf(err, errlen, "truncated gzip data");
			break;
		}
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			snprintf(err, errlen, "corrupt gzip data (%s)",
				 z.msg ? z.msg : "inflate failed");
			break;
		}
	}
	inflateEnd(&z);
	if (zr != Z_STREAM_END && !err[0])
		snprintf(err, errlen, "corrupt gzip data");
	return zr == Z_STREAM_END ? 0 : -EINVAL;
}

/* Could a profile.proto start with this byte: the one-byte key of a field
 * 1..14 with the wire type profile.proto gives it? */
static bool plausible_key(uint8_t c)
{
	uint8_t num = c >> 3, wire = c & 7;

	if (c & 0x80)
		return false;	/* field 16 and up: only 100, never first */
	if (num == PROFILE_COMMENT)
		return wire == PB_LEN || wire == PB_VARINT;
	if ((num >= PROFILE_SAMPLE_TYPE && num <= PROFILE_STRING_TABLE) ||
	    num == PROFILE_PERIOD_TYPE)
		return wire == PB_LEN;
	return num >= PROFILE_DROP_FRAMES && num <= PROFILE_DEFAULT_SAMPLE_TYPE &&
	       wire == PB_VARINT;
}

int pprof_read(const uint8_t *data, size_t len, struct profile *out,
	       char *err, size_t errlen)
{
	struct pb_buf raw = { 0 };
	int ret;

	memset(out, 0, sizeof(*out));
	err[0] = '\0';
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		ret = inflate_all(data, len, &raw, err, errlen);
		if (!ret)
			ret = decode(raw.data, raw.len, len, out, err,
				     errlen);
		pb_buf_free(&raw);
	} else if (!len) {
		snprintf(err, errlen, "empty file");
		ret = -EINVAL;
	} else if (!plausible_key(data[0])) {
		snprintf(err, errlen, "not a pprof profile (neither gzip data "
			 "nor profile.proto)");
		ret = -EINVAL;
	} else {
		ret = decode(data, len, 0, out, err, errlen);
	}
	return ret;
}

int pprof_load(const char *path, struct profile *out, char *err,
	       size_t errlen)
{
	struct pb_buf buf = { 0 };
	struct stat st;
	ssize_t got;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	/* As the user, and a FIFO must not hang us. */
	fd = sudo_open_input(path);
	if (fd < 0 || fstat(fd, &st)) {
		ret = fd < 0 ? fd : -errno;
		snprintf(err, errlen, "%s", strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > PPROF_MAX_INFLATED) {
		snprintf(err, errlen, S_ISREG(st.st_mode) ? "file too large" :
			 "not a regular file");
		ret = -EINVAL;
		goto out;
	}
	do {
		if (buf.cap - buf.len < READ_CHUNK) {
			buf.cap = buf.cap ? buf.cap * 2 : READ_CHUNK * 4;
			buf.data = realloc(buf.data, buf.cap);
			if (!buf.data) {
				snprintf(err, errlen, "out of memory");
				ret = -ENOMEM;
				goto out;
			}
		}
		got = read(fd, buf.data + buf.len, buf.cap - buf.len);
		if (got > 0)
			buf.len += got;
	} while (got > 0 && buf.len <= PPROF_MAX_INFLATED);
	if (got < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(errno));
		goto out;
	}
	ret = pprof_read(buf.data, buf.len, out, err, errlen);
out:
	if (fd >= 0)
		close(fd);
	pb_buf_free(&buf);
	return ret;
}
