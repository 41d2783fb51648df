// SPDX-License-Identifier: GPL-2.0
/*
 * whyslow's I/O tables in its field-15 data, written and read: files,
 * endpoints, per-process concurrency, spawned programs and the call
 * sites they point to.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pprof/whyslow_io.h"

enum { WI_TRACED = 1, WI_BLOCKED_KNOWN, WI_FILE, WI_ENDPOINT, WI_CONCURRENCY,
       WI_SPAWN, WI_SITE };

/* I/O rows: each field's number is its position in these lists. */
#define IO_FILE_FIELDS(X)						\
	X(opens) X(failed_opens) X(reads) X(read_bytes) X(writes)	\
	X(write_bytes) X(time_ns) X(blocked_ns) X(site_opens) X(size)	\
	X(syncs) X(sync_ns) X(directory) X(procs) X(sync_writes)	\
	X(sync_write_ns)
#define IO_ENDPOINT_FIELDS(X)						\
	X(inbound) X(connections) X(sends) X(receives) X(bytes_sent)	\
	X(bytes_received) X(connect_ns) X(send_ns) X(recv_ns)		\
	X(blocked_ns) X(requests) X(request_ns) X(max_in_flight)	\
	X(slow_connects) X(slow_connect_ns)
#define IO_CONCURRENCY_FIELDS(X)					\
	X(pid) X(requests) X(request_ns) X(busy_ns) X(max_in_flight)
#define IO_SPAWN_FIELDS(X)						\
	X(count) X(wall_ns) X(site_count) X(union_ns) X(cpu_ns)		\
	X(max_parallel) X(prelude_count)
/* after the numbers: the string, then the site (+1, 0 none) */
#define IO_STR_FIELD	30
#define IO_SITE_FIELD	31
#define IO_PROTO_FIELD	32
#define IO_PARENT_FIELD	33	/* a spawn's parent; none: absent */

void pprof_whyslow_io_put(struct writer *w, struct pb_buf *x, uint32_t field,
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
		pb_uint(&e, IO_STR_FIELD, pprof_str_id(w, row->path));
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
		pb_uint(&e, IO_STR_FIELD, pprof_str_id(w, row->name));
		pb_uint(&e, IO_SITE_FIELD, (uint64_t)(row->site + 1));
		pb_uint(&e, IO_PROTO_FIELD, pprof_str_id(w, proto));
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
		pb_uint(&e, IO_STR_FIELD, pprof_str_id(w, row->program));
		pb_uint(&e, IO_SITE_FIELD, (uint64_t)(row->site + 1));
		if (row->parent)
			pb_uint(&e, IO_PARENT_FIELD,
				pprof_str_id(w, row->parent));
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
	pb_msg(x, field, &b);
	pb_buf_free(&b);
	pb_buf_free(&e);
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
		    (err = pprof_string_copy(rd, v[IO_PROTO_FIELD - 1],
					     row->proto, sizeof(row->proto))))
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
		    (err = pprof_string_at(rd, v[IO_PARENT_FIELD - 1], true,
					   &row->parent)) ||
		    (err = ws_site(rd, v[IO_SITE_FIELD - 1], io->n_sites,
				   &row->site)))
			return err;
	}
#undef GET_ROW
	return 0;
}

int pprof_whyslow_io_read(struct reader *rd, const struct span *x,
			  uint32_t field, struct profile *out)
{
	static const uint32_t kinds[] = { WI_FILE, WI_ENDPOINT, WI_CONCURRENCY,
					  WI_SPAWN };
	struct span *io_msg = NULL, *rows[4] = { 0 }, *sites = NULL;
	size_t n_io, n[4] = { 0 }, n_sites = 0, i;
	uint64_t v[2];
	int err;

	err = pprof_spans_of(rd, x, field, &io_msg, &n_io);
	if (err || !n_io)
		goto out;
	if ((err = pprof_read_small(rd, &io_msg[n_io - 1], v, 2, "I/O")))
		goto out;
	out->io.traced = v[0];
	out->io.blocked_known = v[1];
	for (i = 0; i < 4 && !err; i++)
		err = pprof_spans_of(rd, &io_msg[n_io - 1], kinds[i],
				     &rows[i], &n[i]);
	if (!err)
		err = pprof_spans_of(rd, &io_msg[n_io - 1], WI_SITE, &sites,
				     &n_sites);
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
