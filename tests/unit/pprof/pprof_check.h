/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pprof tests share: a profile encoded, pprof bytes decoded
 * (or refused), a whyslow profile with everything the writers show,
 * and a builder of the profiles other tools write.
 */
#ifndef WHYSLOW_PPROF_CHECK_H
#define WHYSLOW_PPROF_CHECK_H

#include "profile_fixture.h"
#include "output_check.h"

#include <errno.h>
#include <zlib.h>

#include "classify/wait.h"
#include "pprof/pprof.h"
#include "pprof/protobuf.h"
#include "report/report.h"

#define MS	1000000ull

static inline uint8_t *encode_profile(const struct profile *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(pprof_write(f, p), 0);
	assert_int_equal(fclose(f), 0);
	return (uint8_t *)buf;
}

static inline char *render_fmt(const struct profile *p, enum report_format fmt)
{
	struct report_opts opts = { .format = fmt };

	return report_text(p, &opts);
}

/* The profile.proto bytes of gzip'd gz, into out (cap bytes): length. */
static inline size_t gunzip(const uint8_t *gz, size_t len, uint8_t *out,
			    size_t cap)
{
	z_stream z = { 0 };

	assert_int_equal(inflateInit2(&z, 15 + 32), Z_OK);
	z.next_in = (uint8_t *)gz;
	z.avail_in = len;
	z.next_out = out;
	z.avail_out = cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	inflateEnd(&z);
	return cap - z.avail_out;
}

/* Decoding must succeed; the caller frees *out with profile_free. */
static inline void decode_ok(const uint8_t *data, size_t len,
			     struct profile *out)
{
	char err[256];
	int ret = pprof_read(data, len, out, err, sizeof(err));

	if (ret)
		fail_msg("pprof_read: %d %s", ret, err);
}

/* Decoding must fail cleanly, with a reason containing want. */
static inline void decode_fails(const uint8_t *data, size_t len,
				const char *want)
{
	struct profile p;
	char err[256];

	assert_int_equal(pprof_read(data, len, &p, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error \"%s\" lacks \"%s\"", err, want);
	profile_free(&p);
}

/* Everything the writers show, and then some: waits, threads, I/O. */
static inline struct profile *rich_profile(void)
{
	struct profile *p = fx_profile_70_30();
	uint32_t m = p->stacks[0].frames[0], k;
	int32_t site;
	struct io_file *f;
	struct io_endpoint *e;
	struct io_spawn *s;

	k = fx_frame(p, "tcp_recvmsg", "[kernel]", CLASS_KERNEL);
	p->frames[k].build_id = fx_strdup("abcdef0123");
	p->frames[m].start_line = 38;
	p->frames[m].path = fx_strdup("/home/u/demo");
	FX_WAIT(p, 100, 101, 12, WAIT_NETWORK, 600 * MS,
		"recv from 127.0.0.1:8080", m, k)->syscall = 45;
	FX_WAIT(p, 100, 101, 3, WAIT_CPU, 5 * MS, NULL, m)->truncated = true;
	FX_WAIT(p, 100, 101, 2, WAIT_GIL, 7 * MS, NULL, m);
	p->stacks[0].kernel_mode = true;
	p->procs[0].py_unbuffered = true;
	p->procs[0].args = fx_strdup("./demo -n 3 in.txt");
	p->n_cpus = 2;
	fx_thread(p, 100, 101, "worker");
	fx_note(p, "pid 7 (python3.9): CPython 3.9 is not supported");
	p->quality.offcpu = true;
	p->quality.lost_samples = 3;
	p->quality.io_dropped = 2;
	p->quality.untraced_forks = 6;
	p->quality.bpf_missed_runs = 7;
	p->quality.waits_end_unseen = 8;
	p->quality.io_untimed = 5;
	p->quality.io_timed_every = 8;
	p->quality.steal_ns = 410 * MS;
	p->quality.min_block_ns = 10000;
	p->quality.tracing_samples = 4;
	p->quality.tracing_ns = 4 * FX_PERIOD_NS;
	p->quality.whyslow_cpu_ns = 300 * MS;
	p->root_pid = 100;
	p->time_ns = 1764000000123456789ull;
	site = FX_IO_SITE(p, 100, m);
	f = fx_io_file(p, "/data/a.txt", 40, 30 * MS, site);
	f->reads = 80;
	f->read_bytes = 4000;
	f->failed_opens = 1;
	f->blocked_ns = 2 * MS;
	f->size = 400;
	e = fx_io_endpoint(p, "127.0.0.1:8080", "tcp", site);
	e->connections = 12;
	e->requests = 12;
	e->request_ns = 620 * MS;
	e->max_in_flight = 1;
	e->slow_connects = 2;
	e->slow_connect_ns = 1100 * MS;
	fx_io_proc(p, 100, 12, 620 * MS, 600 * MS, 1);
	fx_io_spawn(p, "/bin/true", 20, 40 * MS, IO_NO_SITE);
	s = fx_io_spawn(p, "/usr/lib/gcc/cc1", 4, 900 * MS, site);
	s->union_ns = 800 * MS;
	s->cpu_ns = 700 * MS;
	s->max_parallel = 2;
	s->parent = fx_strdup("/usr/bin/gcc");
	s->prelude_count = 3;
	p->io.blocked_known = true;
	return p;
}

/* ---- profiles of other tools, built with the wire helpers ---- */

struct builder {
	struct pb_buf b;
	const char **strs;
	size_t n_strs;
};

static inline uint64_t str_of(struct builder *bd, const char *s)
{
	size_t i;

	for (i = 0; i < bd->n_strs; i++)
		if (!strcmp(bd->strs[i], s))
			return i;
	bd->strs = realloc(bd->strs, (bd->n_strs + 1) * sizeof(*bd->strs));
	assert_non_null(bd->strs);
	bd->strs[bd->n_strs] = s;
	return bd->n_strs++;
}

static inline void value_type(struct builder *bd, uint32_t field,
			      const char *type, const char *unit)
{
	struct pb_buf vt = { 0 };

	pb_uint(&vt, 1, str_of(bd, type));
	pb_uint(&vt, 2, str_of(bd, unit));
	pb_msg(&bd->b, field, &vt);
	pb_buf_free(&vt);
}

static inline void function_sym(struct builder *bd, uint64_t id,
				const char *name, const char *system_name,
				const char *file)
{
	struct pb_buf m = { 0 };

	pb_uint(&m, 1, id);
	pb_uint(&m, 2, str_of(bd, name));
	if (system_name)
		pb_uint(&m, 3, str_of(bd, system_name));
	pb_uint(&m, 4, str_of(bd, file));
	pb_msg(&bd->b, 5, &m);
	pb_buf_free(&m);
}

static inline void function(struct builder *bd, uint64_t id, const char *name,
			    const char *file)
{
	function_sym(bd, id, name, NULL, file);
}

/* A location of one or two lines (an inlined callee first). */
static inline void location(struct builder *bd, uint64_t id, uint64_t fn,
			    int64_t line, uint64_t inlined_fn)
{
	struct pb_buf loc = { 0 }, l = { 0 };

	pb_uint(&loc, 1, id);
	pb_uint(&loc, 2, 1);
	if (inlined_fn) {
		pb_uint(&l, 1, inlined_fn);
		pb_int(&l, 2, 7);
		pb_msg(&loc, 4, &l);
		l.len = 0;
	}
	pb_uint(&l, 1, fn);
	pb_int(&l, 2, line);
	pb_msg(&loc, 4, &l);
	pb_msg(&bd->b, 4, &loc);
	pb_buf_free(&loc);
	pb_buf_free(&l);
}

static inline void sample(struct builder *bd, const uint64_t *locs, size_t n,
			  uint64_t count, uint64_t ns)
{
	struct pb_buf s = { 0 };
	uint64_t v[2] = { count, ns };

	pb_packed(&s, 1, locs, n);
	pb_packed(&s, 2, v, 2);
	pb_msg(&bd->b, 2, &s);
	pb_buf_free(&s);
}

static inline uint8_t *finish(struct builder *bd, size_t *len)
{
	size_t i;

	for (i = 0; i < bd->n_strs; i++)
		pb_bytes(&bd->b, 6, bd->strs[i], strlen(bd->strs[i]));
	assert_int_equal(bd->b.err, 0);
	free(bd->strs);
	*len = bd->b.len;
	return bd->b.data;
}

#endif
