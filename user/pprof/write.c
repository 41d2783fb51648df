// SPDX-License-Identifier: GPL-2.0
/*
 * struct profile → profile.proto, gzip-compressed.  See pprof.h for what
 * goes where, whyslow.c for whyslow's own fields, and the README ("Saved
 * profiles") for their layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "classify/wait.h"
#include "lib/intern.h"
#include "pprof/internal.h"
#include "pprof/pprof.h"
#include "pprof/protobuf.h"
#include "pprof/whyslow.h"

static void put_value_type(struct writer *w, struct pb_buf *b, uint32_t field,
			   const char *type, const char *unit)
{
	struct pb_buf vt = { 0 };

	pb_uint(&vt, VT_TYPE, pprof_str_id(w, type));
	pb_uint(&vt, VT_UNIT, pprof_str_id(w, unit));
	pb_msg(b, field, &vt);
	pb_buf_free(&vt);
}

static void put_label(struct writer *w, struct pb_buf *b, const char *key,
		      const char *str, int64_t num, bool is_num)
{
	struct pb_buf l = { 0 };

	pb_uint(&l, LABEL_KEY, pprof_str_id(w, key));
	if (is_num)
		pb_int(&l, LABEL_NUM, num);
	else
		pb_uint(&l, LABEL_STR, pprof_str_id(w, str));
	pb_msg(b, SAMPLE_LABEL, &l);
	pb_buf_free(&l);
}

static const char *thread_comm(const struct profile *p, uint32_t tid)
{
	size_t i;

	for (i = 0; i < p->n_threads; i++)
		if (p->threads[i].tid == tid)
			return p->threads[i].comm;
	return NULL;
}

/*
 * A frame and the frames inlined into it are one Location, its Lines
 * innermost first (pprof's convention).  Each frame has its own Location,
 * id frame + 1; each distinct run of a frame and its inlined ones one
 * more, numbered after those, which groups interns.
 */
static size_t sample_locations(struct writer *w, const struct profile *p,
			       const struct stack_sample *st,
			       struct intern *groups, uint64_t *ids)
{
	uint32_t i = st->n_frames, j;
	size_t n = 0;
	int added;
	int64_t g;

	while (i-- > 0) {
		for (j = i; j > 0 && p->frames[st->frames[j]].inlined; j--)
			;
		if (j == i) {
			ids[n++] = (uint64_t)st->frames[i] + 1;
			continue;
		}
		g = intern_bytes(groups, &st->frames[j],
				 (i - j + 1) * sizeof(*st->frames), &added);
		if (g < 0)
			w->err = g;
		ids[n++] = p->n_frames + 1 + (g < 0 ? 0 : g);
		i = j;
	}
	return n;
}

static void put_sample(struct writer *w, struct pb_buf *b,
		       const struct profile *p, const struct stack_sample *st,
		       struct intern *groups, uint64_t *ids)
{
	struct pb_buf s = { 0 };
	uint64_t v[VAL_COUNT] = { 0 };
	char comm[sizeof(p->threads[0].comm) + 1] = "";
	const char *c = thread_comm(p, st->tid);
	size_t n = sample_locations(w, p, st, groups, ids);

	pb_packed(&s, SAMPLE_LOCATION_ID, ids, n);
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
	if (st->syscall >= 0 && wait_syscall_name(st->syscall))
		put_label(w, &s, "syscall", wait_syscall_name(st->syscall), 0,
			  false);
	if (st->target)
		put_label(w, &s, "target", st->target, 0, false);
	pprof_whyslow_put_stack(w, &s, st);
	pb_msg(b, PROFILE_SAMPLE, &s);
	pb_buf_free(&s);
}

static const char *frame_file_name(const struct frame *f)
{
	return f->path ? f->path : f->module;
}

/* The profiled program's executable: pprof names it in its header. */
static const char *program_exe(const struct profile *p)
{
	size_t i;

	for (i = 0; i < p->n_procs; i++)
		if (p->procs[i].pid == p->root_pid && p->procs[i].exe)
			return p->procs[i].exe;
	for (i = 0; i < p->n_procs; i++)
		if (p->procs[i].exe)
			return p->procs[i].exe;
	return NULL;
}

/* A mapping: the span of its frames' addresses, whole pages. */
struct map_span {
	const struct frame *first;	/* its first frame, NULL none */
	uint64_t lo, hi;		/* hi 0: no address */
	uint64_t lo_offset;		/* lo's offset in the file, 0 none */
};

/*
 * One mapping per file of the frames (or module name), numbered from 1:
 * the program's executable first, the rest in order of first use;
 * map_ids[i] is frame i's.  Returns the number of mappings.
 */
static size_t number_mappings(struct writer *w, const struct profile *p,
			      uint64_t *map_ids, struct map_span *spans)
{
	const char *exe = program_exe(p), *name;
	struct intern files;
	const struct frame *f;
	size_t i, n;
	int added;
	int64_t k;

	intern_init(&files);
	if (exe && intern_bytes(&files, exe, strlen(exe), &added) < 0)
		w->err = -ENOMEM;
	for (i = 0; i < p->n_frames && !w->err; i++) {
		f = &p->frames[i];
		name = frame_file_name(f);
		k = intern_bytes(&files, name, strlen(name), &added);
		if (k < 0) {
			w->err = k;
			break;
		}
		map_ids[i] = (uint64_t)k + 1;
		if (!spans[k].first)
			spans[k].first = f;
		if (!f->addr)
			continue;
		if (!spans[k].hi || f->addr < spans[k].lo) {
			spans[k].lo = f->addr;
			spans[k].lo_offset = f->path ? f->addr_offset : 0;
		}
		if (f->addr >= spans[k].hi)
			spans[k].hi = f->addr + 1;
	}
	n = files.n;
	intern_free(&files);
	return n;
}

/*
 * A file's mapping is where the file itself puts its code (the layout of
 * its link: a program's that is not position-independent loads there,
 * the others as if at base 0), so a location's address is the one
 * objdump shows and pprof finds the code there (-disasm) whatever base
 * the process loaded it at; the offset is of the mapping's first page.
 */
static void put_mapping(struct writer *w, struct pb_buf *b, uint64_t id,
			const char *file, const struct map_span *sp)
{
	const struct frame *f = sp->first;
	struct pb_buf m = { 0 };
	uint64_t start = sp->lo & ~4095ull, limit = sp->hi;
	uint64_t delta = sp->lo - sp->lo_offset;	/* vaddr - offset */

	if (limit && __builtin_add_overflow(limit, 4095, &limit))
		limit = UINT64_MAX;
	limit = sp->hi ? limit & ~4095ull : 0;
	pb_uint(&m, MAPPING_ID, id);
	if (sp->hi) {
		pb_uint(&m, MAPPING_START, start);
		pb_uint(&m, MAPPING_LIMIT, limit);
		if (sp->lo_offset && start >= delta)
			pb_uint(&m, MAPPING_OFFSET, start - delta);
	}
	pb_uint(&m, MAPPING_FILENAME, pprof_str_id(w, file));
	pb_uint(&m, MAPPING_BUILD_ID, pprof_str_id(w, f ? f->build_id : NULL));
	pb_uint(&m, MAPPING_HAS_FUNCTIONS, 1);
	pb_msg(b, PROFILE_MAPPING, &m);
	pb_buf_free(&m);
}

static void put_mappings(struct writer *w, struct pb_buf *b,
			 const struct profile *p, uint64_t *map_ids)
{
	struct map_span *spans = calloc(p->n_frames + 2, sizeof(*spans));
	const char *exe = program_exe(p);
	size_t n, i;

	if (!spans) {
		w->err = -ENOMEM;
		return;
	}
	n = number_mappings(w, p, map_ids, spans);
	for (i = 0; i < n && !w->err; i++)
		put_mapping(w, b, i + 1, spans[i].first ?
			    frame_file_name(spans[i].first) : exe, &spans[i]);
	free(spans);
}

/*
 * A Python function's system_name: its name is no symbol, and equal to
 * it pprof would take "<module>" for a C++ name and strip its template
 * arguments.  The reader drops it again (decode.c).
 */
static const char *function_system_name(const struct frame *f, char *buf,
					size_t size)
{
	if (f->system_name)
		return f->system_name;
	if (f->path || !f->file || f->cls == CLASS_KERNEL ||
	    snprintf(buf, size, "%s:%s", f->file, f->name) >= (int)size)
		return f->name;
	return buf;
}

/* The Locations of groups (sample_locations): a frame's mapping, the
 * Lines of its run. */
static void put_groups(struct writer *w, struct pb_buf *b,
		       const struct profile *p, const struct intern *groups,
		       const uint64_t *map_ids)
{
	struct pb_buf loc = { 0 }, line = { 0 };
	const uint32_t *run;
	uint64_t addr;
	size_t g, j, n;

	for (g = 0; g < groups->n && !w->err; g++) {
		run = intern_key(groups, g);
		n = groups->lengths[g] / sizeof(*run);
		pb_uint(&loc, LOCATION_ID, p->n_frames + 1 + g);
		pb_uint(&loc, LOCATION_MAPPING_ID, map_ids[run[0]]);
		addr = p->frames[run[n - 1]].addr;	/* the innermost's */
		if (addr)
			pb_uint(&loc, LOCATION_ADDRESS, addr);
		for (j = n; j-- > 0;) {
			pb_uint(&line, LINE_FUNCTION_ID, (uint64_t)run[j] + 1);
			pb_int(&line, LINE_LINE, p->frames[run[j]].line);
			pb_msg(&loc, LOCATION_LINE, &line);
			line.len = 0;
		}
		pb_msg(b, PROFILE_LOCATION, &loc);
		loc.len = 0;
	}
	pb_buf_free(&loc);
	pb_buf_free(&line);
}

static void put_frames(struct writer *w, struct pb_buf *b,
		       const struct profile *p, const struct intern *groups)
{
	struct pb_buf loc = { 0 }, line = { 0 }, fn = { 0 };
	uint64_t *map_ids = calloc(p->n_frames + 1, sizeof(*map_ids));
	const struct frame *f;
	char sys[4096];
	size_t i;

	if (!map_ids) {
		w->err = -ENOMEM;
		return;
	}
	put_mappings(w, b, p, map_ids);
	for (i = 0; i < p->n_frames && !w->err; i++) {
		f = &p->frames[i];
		pb_uint(&line, LINE_FUNCTION_ID, i + 1);
		pb_int(&line, LINE_LINE, f->line);
		pb_uint(&loc, LOCATION_ID, i + 1);
		pb_uint(&loc, LOCATION_MAPPING_ID, map_ids[i]);
		if (f->addr)
			pb_uint(&loc, LOCATION_ADDRESS, f->addr);
		pb_msg(&loc, LOCATION_LINE, &line);
		pprof_whyslow_put_frame(w, &loc, f);
		pb_msg(b, PROFILE_LOCATION, &loc);
		pb_uint(&fn, FUNCTION_ID, i + 1);
		pb_uint(&fn, FUNCTION_NAME, pprof_str_id(w, f->name));
		pb_uint(&fn, FUNCTION_SYSTEM_NAME, pprof_str_id(w,
			function_system_name(f, sys, sizeof(sys))));
		pb_uint(&fn, FUNCTION_FILENAME, pprof_str_id(w, f->file));
		pb_int(&fn, FUNCTION_START_LINE, f->start_line);
		pb_msg(b, PROFILE_FUNCTION, &fn);
		line.len = loc.len = fn.len = 0;
	}
	put_groups(w, b, p, groups, map_ids);
	free(map_ids);
	pb_buf_free(&loc);
	pb_buf_free(&line);
	pb_buf_free(&fn);
}

static int encode(const struct profile *p, struct pb_buf *out)
{
	struct writer w = { .err = 0 };
	struct pb_buf b = { 0 };
	struct intern groups;
	uint64_t *ids = NULL;
	size_t i, depth = 1;
	int err;

	intern_init(&w.strs);
	intern_init(&groups);
	pprof_str_id(&w, "");		/* string_table[0] */
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
		put_sample(&w, &b, p, &p->stacks[i], &groups, ids);
	put_frames(&w, &b, p, &groups);
	pb_int(&b, PROFILE_TIME_NANOS, p->time_ns);
	pb_int(&b, PROFILE_DURATION_NANOS, p->wall_ns);
	pprof_whyslow_put_period_type(&w, &b, p);
	pb_int(&b, PROFILE_PERIOD, p->period_ns);
	pb_int(&b, PROFILE_COMMENT, pprof_str_id(&w, p->command));
	pb_int(&b, PROFILE_DEFAULT_SAMPLE_TYPE, pprof_str_id(&w, "wall"));
	/* the strings last: every one is known by now */
	for (i = 0; i < w.strs.n; i++)
		pb_bytes(&b, PROFILE_STRING_TABLE, intern_key(&w.strs, i),
			 w.strs.lengths[i]);
	err = w.err ? w.err : b.err;
out:
	free(ids);
	intern_free(&w.strs);
	intern_free(&groups);
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
