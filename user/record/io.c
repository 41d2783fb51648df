// SPDX-License-Identifier: GPL-2.0
/* I/O events → profile.io; see iotrace.h. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "lib/idmap.h"
#include "lib/intern.h"
#include "lib/util.h"
#include "record/io.h"
#include "record/iocounts.h"
#include "record/iorows.h"
#include "record/spawns.h"
#include "classify/wait_event.h"

/* An endpoint as interned: fixed size, zero-padded. */
struct endpoint_key {
	char proto[8];
	uint32_t inbound;
	char name[WS_PATH_LEN + 8];
};

struct io_trace {
	struct intern files;		/* path strings */
	struct io_file *file;
	size_t cap_file;
	struct idmap path_rows;		/* a path event's id → its file row */
	struct intern endpoints;	/* struct endpoint_key */
	struct io_endpoint *endpoint;
	size_t cap_endpoint;
	struct io_counts counts;	/* rows by site */
	struct intern programs;		/* exec'd paths */
	struct io_request *reqs;
	size_t n_reqs, cap_reqs;
	struct io_request *slow;	/* connections slow to make, from
					 * connect() to made */
	size_t n_slow, cap_slow;
	struct spawn_trace spawns;	/* execs, exits, forks */
	struct cp_birth *births;	/* threads made */
	size_t n_births, cap_births;
	uint64_t births_dropped;	/* past IO_MAX_BIRTHS */
	uint64_t untimed;		/* reads and writes not timed */
};

struct io_trace *io_trace_new(void)
{
	struct io_trace *io = calloc(1, sizeof(*io));

	if (!io)
		return NULL;
	intern_init(&io->files);
	intern_init(&io->endpoints);
	io_counts_init(&io->counts);
	intern_init(&io->programs);
	return io;
}

void io_trace_free(struct io_trace *io)
{
	if (!io)
		return;
	intern_free(&io->files);
	intern_free(&io->endpoints);
	io_counts_free(&io->counts);
	intern_free(&io->programs);
	idmap_free(&io->path_rows);
	free(io->file);
	free(io->endpoint);
	free(io->reqs);
	free(io->slow);
	free(io->births);
	spawn_trace_free(&io->spawns);
	free(io);
}

/* The row of a file by its key: its path, len bytes. */
static int64_t file_index(struct io_trace *io, const char *path, size_t len)
{
	int added;
	int64_t i;

	if (!len)
		return -EINVAL;
	i = intern_bytes(&io->files, path, len, &added);
	if (i < 0 || intern_items_reserve((void **)&io->file, &io->cap_file, i,
					  sizeof(*io->file)))
		return -ENOMEM;
	io->file[i].site = IO_NO_SITE;
	return i;
}

/*
 * "/proc/self/…" for "/proc/<pid>/…" opened by process pid itself: the
 * kernel resolves /proc/self to the opener's number, which would give
 * the same file of every process its own row (grep reading its own maps
 * at each start).  NULL when path is not one.
 */
static char *proc_self_path(const char *path, size_t len, uint32_t pid)
{
	char prefix[32], *self;
	int n;

	if (len < 6 || memcmp(path, "/proc/", 6))
		return NULL;	/* most paths: no number to print */
	n = snprintf(prefix, sizeof(prefix), "/proc/%" PRIu32 "/", pid);
	if (n <= 0 || (size_t)n > len || memcmp(path, prefix, n))
		return NULL;
	if (asprintf(&self, "/proc/self/%.*s", (int)(len - n), path + n) < 0)
		return NULL;
	return self;
}

/*
 * The key of a path as read, by process pid: a cut one, which BPF sends
 * with its leading '/', gets "…" before it ("…/c/d.h"), so that it can
 * never be taken for a whole path; a whole one, or a name given to
 * open(), is itself, but for the process's own /proc directory.
 */
static int64_t path_index(struct io_trace *io, const char *path, size_t len,
			  bool cut, uint32_t pid)
{
	char *key;
	int64_t i;
	int n;

	if (!cut || !len) {
		key = proc_self_path(path, len, pid);
		if (!key)
			return file_index(io, path, len);
		i = file_index(io, key, strlen(key));
		free(key);
		return i;
	}
	n = asprintf(&key, "…%s%.*s", path[0] == '/' ? "" : "/", (int)len,
		     path);
	if (n < 0)
		return -ENOMEM;
	i = file_index(io, key, n);
	free(key);
	return i;
}

int io_trace_path(struct io_trace *io, const struct ws_path_event *ev,
		  size_t size)
{
	size_t head = offsetof(struct ws_path_event, path), len;
	int64_t i;

	if (size <= head || !ev->len || ev->len >= size - head)
		return 0;	/* not a path: ignored */
	len = strnlen(ev->path, ev->len);
	i = path_index(io, ev->path, len, ev->flags & WS_PATH_CUT, ev->pid);
	if (i == -EINVAL)
		return 0;
	return i < 0 ? i : idmap_put(&io->path_rows, ev->id, i);
}

/*
 * The row of a file: by its path event, else (that event was lost) by
 * the last components in its target, marked cut unless whole; given: the
 * name given to a failed open().  NULL when it has no name.
 */
static struct io_file *file_of(struct io_trace *io, uint64_t path_id,
			       const struct ws_target *t, bool given,
			       uint32_t pid)
{
	const char *path = t->path;
	size_t len = strnlen(path, WS_PATH_LEN);
	uint32_t row;
	int64_t i;

	if (idmap_get(&io->path_rows, path_id, &row))
		return &io->file[row];
	i = path_index(io, path, len, !given && len && path[0] != '/', pid);
	return i < 0 ? NULL : &io->file[i];
}

static bool is_file(const struct ws_target *t)
{
	return t->kind == WS_TGT_FILE || t->kind == WS_TGT_CHAR;
}

static bool is_endpoint(const struct ws_target *t)
{
	return t->kind == WS_TGT_TCP || t->kind == WS_TGT_UDP ||
	       t->kind == WS_TGT_UNIX;
}

static bool has_peer(const struct ws_target *t)
{
	static const uint8_t zero[16];

	return t->port || memcmp(t->addr, zero, sizeof(zero));
}

/* The row of a socket's peer; inbound: the peers of a server, by address. */
static int64_t endpoint_index(struct io_trace *io, const struct ws_target *t,
			      bool inbound)
{
	struct endpoint_key k;
	int added;
	int64_t i;

	memset(&k, 0, sizeof(k));
	k.inbound = inbound;
	if (t->kind == WS_TGT_UNIX) {
		strcpy(k.proto, "unix");
		memcpy(k.name, t->path, WS_PATH_LEN);
		if (!k.name[0])
			strcpy(k.name, "(unnamed)");
	} else {
		strcpy(k.proto, t->kind == WS_TGT_TCP ? "tcp" : "udp");
		if (has_peer(t))
			wait_event_format_peer(t, !inbound, k.name,
					       sizeof(k.name));
		else
			strcpy(k.name, "(unconnected)");
	}
	i = intern_bytes(&io->endpoints, &k, sizeof(k), &added);
	if (i < 0 ||
	    intern_items_reserve((void **)&io->endpoint, &io->cap_endpoint, i,
				 sizeof(*io->endpoint)))
		return -ENOMEM;
	io->endpoint[i].site = IO_NO_SITE;
	return i;
}

static int add_fork(struct io_trace *io, const struct ws_io_what *ev,
		    int64_t site)
{
	struct spawn_trace *st = &io->spawns;

	if (intern_items_reserve((void **)&st->forks, &st->cap_forks,
				 st->n_forks, sizeof(*st->forks)))
		return -ENOMEM;
	st->forks[st->n_forks++] = (struct spawn_fork){
		.child = ev->child, .parent = ev->pid, .site = (int32_t)site,
		.time = ev->time_ns,
	};
	return 0;
}

/* Slow connections kept, at most: those past it are counted, not in
 * their endpoint's wall time. */
#define IO_MAX_SLOW	65536

/* A connection made from start to end: counted, and kept, when slow. */
static int add_slow_connect(struct io_trace *io, uint32_t pid,
			    uint32_t endpoint, uint64_t start, uint64_t end)
{
	if (end < start || end - start < IO_SLOW_CONNECT_NS)
		return 0;
	io->endpoint[endpoint].slow_connects++;
	if (io->n_slow == IO_MAX_SLOW)
		return 0;
	if (intern_items_reserve((void **)&io->slow, &io->cap_slow,
				 io->n_slow, sizeof(*io->slow)))
		return -ENOMEM;
	io->slow[io->n_slow++] = (struct io_request){
		.pid = pid, .endpoint = endpoint, .start = start, .end = end,
	};
	return 0;
}

int io_trace_site(struct io_trace *io, const struct ws_io_what *ev,
		  int64_t site)
{
	struct io_endpoint *e;
	struct io_file *f;
	int64_t i;
	int err;

	switch (ev->op) {
	case WS_IO_OPEN:
	case WS_IO_OPEN_FAILED:
		/* a FIFO, a socket file: not a file */
		if (!is_file(&ev->target) ||
		    !(f = file_of(io, ev->path_id, &ev->target,
				  ev->op == WS_IO_OPEN_FAILED, ev->pid)))
			return 0;
		if (ev->op == WS_IO_OPEN) {
			f->opens++;
		} else {
			f->failed_opens++;
			/* no descriptor: its path is not seen again */
			idmap_del(&io->path_rows, ev->path_id);
		}
		f->time_ns += ev->dur_ns;
		f->blocked_ns += ev->offcpu_ns;
		return io_counts_add(&io->counts, ev->op == WS_IO_OPEN ?
				     IO_COUNT_FILE : IO_COUNT_FILE_FAILED,
				     f - io->file, site, ev->pid);
	case WS_IO_CONNECT:
	case WS_IO_ACCEPT:
		if (!is_endpoint(&ev->target))
			return 0;
		i = endpoint_index(io, &ev->target, ev->op == WS_IO_ACCEPT);
		if (i < 0)
			return i;
		e = &io->endpoint[i];
		e->connections++;
		if (ev->op == WS_IO_CONNECT) {
			e->connect_ns += ev->dur_ns;
			e->blocked_ns += ev->offcpu_ns;
			err = add_slow_connect(io, ev->pid, i,
					       ev->time_ns - ev->dur_ns,
					       ev->time_ns);
			if (err)
				return err;
		}
		return io_counts_add(&io->counts, IO_COUNT_ENDPOINT, i, site,
				     ev->pid);
	case WS_IO_FORK:
		return add_fork(io, ev, site);
	}
	return 0;
}

static int add_request(struct io_trace *io, uint32_t pid, uint32_t endpoint,
		       uint64_t start, uint64_t end)
{
	if (!start || end < start)
		return 0;
	if (intern_items_reserve((void **)&io->reqs, &io->cap_reqs, io->n_reqs,
				 sizeof(*io->reqs)))
		return -ENOMEM;
	io->reqs[io->n_reqs++] = (struct io_request){
		.pid = pid, .endpoint = endpoint, .start = start, .end = end,
	};
	return 0;
}

/* Threads' births kept, at most: 96 MiB of them. */
#define IO_MAX_BIRTHS	(4u << 20)

/* A pipe's descriptor with fewer reads and writes gets no row: plumbing
 * (a child's captured output), not a stream written in small pieces. */
#define IO_PIPE_MIN_CALLS	1000

/* A pipe's row, "pipe:[INODE]" as /proc/PID/fd names it; NULL when it
 * has too few calls for one. */
static struct io_file *pipe_of(struct io_trace *io,
			       const struct ws_fd_stats *s)
{
	char key[48];
	int64_t i;
	int n;

	if (s->reads + s->writes < IO_PIPE_MIN_CALLS)
		return NULL;
	n = snprintf(key, sizeof(key), "pipe:[%llu]",
		     (unsigned long long)s->target.ino);
	i = file_index(io, key, n);
	return i < 0 ? NULL : &io->file[i];
}

static void add_file_stats(struct io_file *f, const struct ws_fd_stats *s)
{
	f->reads += s->reads;
	f->read_bytes += s->read_bytes;
	f->writes += s->writes;
	f->write_bytes += s->write_bytes;
	f->time_ns += s->read_ns + s->write_ns;
	f->blocked_ns += s->offcpu_ns;
	f->syncs += s->syncs;
	f->sync_ns += s->sync_ns;
	if (s->dsync) {
		f->sync_writes += s->writes;
		f->sync_write_ns += s->write_ns;
	}
}

/* A non-blocking connect()'s wait for its connection: to its first use,
 * else (never made) to now, the descriptor's close. */
static int add_connect_wait(struct io_trace *io, uint32_t pid,
			    uint32_t endpoint, const struct ws_fd_stats *s,
			    uint64_t now)
{
	uint64_t ns = s->connect_wait_ns;

	if (s->connecting && now > s->born_ns)
		ns = now - s->born_ns;
	io->endpoint[endpoint].connect_ns += ns;
	return add_slow_connect(io, pid, endpoint, s->born_ns,
				s->born_ns + ns);
}

/* A descriptor's figures at now: to its file or endpoint row;
 * request_only: a request ended (WS_EV_REQUEST), the descriptor is still
 * open. */
static int add_fd_stats(struct io_trace *io, uint32_t pid,
			const struct ws_fd_stats *s, uint64_t now,
			bool request_only)
{
	struct io_endpoint *e;
	struct io_file *f;
	int64_t i;

	if (!request_only)
		io->untimed += s->untimed;
	if (s->target.kind == WS_TGT_PIPE) {
		if (!request_only && (f = pipe_of(io, s)))
			add_file_stats(f, s);
		return 0;
	}
	if (is_file(&s->target)) {
		if (request_only ||
		    !(f = file_of(io, s->path_id, &s->target, false, pid)))
			return 0;
		/* closed: its path is not seen again */
		idmap_del(&io->path_rows, s->path_id);
		add_file_stats(f, s);
		return 0;
	}
	if (!is_endpoint(&s->target))
		return 0;
	i = endpoint_index(io, &s->target, s->inbound);
	if (i < 0)
		return i;
	e = &io->endpoint[i];
	if (!request_only) {
		e->receives += s->reads;
		e->bytes_received += s->read_bytes;
		e->recv_ns += s->read_ns;
		e->sends += s->writes;
		e->bytes_sent += s->write_bytes;
		e->send_ns += s->write_ns;
		e->blocked_ns += s->offcpu_ns;
		if (s->client) {
			int err = add_connect_wait(io, pid, i, s, now);

			if (err)
				return err;
		}
	}
	if (!s->client)
		return 0;
	return add_request(io, pid, i, s->req_start, ws_request_end(s));
}

int io_trace_fd(struct io_trace *io, const struct ws_fd_event *ev)
{
	return add_fd_stats(io, ev->pid, &ev->stats, ev->time_ns,
			    ev->type == WS_EV_REQUEST);
}

int io_trace_exec(struct io_trace *io, const struct ws_exec *ev)
{
	struct spawn_trace *st = &io->spawns;
	size_t len = strnlen(ev->filename, sizeof(ev->filename));
	int added;
	int64_t prog;

	if (!len)
		return 0;
	prog = intern_bytes(&io->programs, ev->filename, len, &added);
	if (prog < 0 ||
	    intern_items_reserve((void **)&st->execs, &st->cap_execs,
				 st->n_execs, sizeof(*st->execs)))
		return -ENOMEM;
	st->execs[st->n_execs++] = (struct spawn_exec){
		.pid = ev->pid, .program = prog, .time = ev->time_ns,
		.cpu = ev->cpu_ns,
	};
	return 0;
}

int io_trace_exit(struct io_trace *io, const struct ws_exit *ev)
{
	struct spawn_trace *st = &io->spawns;

	if (intern_items_reserve((void **)&st->exits, &st->cap_exits,
				 st->n_exits, sizeof(*st->exits)))
		return -ENOMEM;
	st->exits[st->n_exits++] = (struct spawn_exit){
		.pid = ev->pid, .exit_tid = ev->exit_tid, .time = ev->time_ns,
		.cpu = ev->cpu_ns,
	};
	return 0;
}

uint32_t io_trace_exit_tid(const struct io_trace *io, uint32_t pid)
{
	const struct spawn_trace *st = &io->spawns;
	size_t i;

	for (i = st->n_exits; i-- > 0;)
		if (st->exits[i].pid == pid)
			return st->exits[i].exit_tid;
	return 0;
}

int io_trace_thread(struct io_trace *io, const struct ws_thread_event *ev)
{
	if (io->n_births >= IO_MAX_BIRTHS) {
		io->births_dropped++;
		return 0;
	}
	if (intern_items_reserve((void **)&io->births, &io->cap_births,
				 io->n_births, sizeof(*io->births)))
		return -ENOMEM;
	io->births[io->n_births++] = (struct cp_birth){
		.ts = ev->time_ns, .pid = ev->pid, .tid = ev->tid,
		.parent_tid = ev->parent_tid,
	};
	return 0;
}

static int cmp_birth(const void *a, const void *b)
{
	const struct cp_birth *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

const struct cp_birth *io_trace_births(struct io_trace *io, size_t *n)
{
	qsort(io->births, io->n_births, sizeof(*io->births), cmp_birth);
	*n = io->n_births;
	return io->births;
}

uint64_t io_trace_births_dropped(const struct io_trace *io)
{
	return io->births_dropped;
}

static bool sweep_wanted(const struct proc_table *t, uint32_t pid, bool all)
{
	const struct proc *p;

	if (all)
		return true;
	p = proc_table_find(t, pid);
	return p && p->exited;
}

int io_trace_sweep(struct io_trace *io, int map_fd, const struct proc_table *t,
		   bool all)
{
	struct ws_fd_key key, next, *keys = NULL;
	size_t n = 0, cap = 0, i;
	struct ws_fd_stats s;
	void *prev = NULL;
	int err = 0;

	/* Keys first: deleting while walking restarts a hash map's walk. */
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!sweep_wanted(t, key.pid, all))
			continue;
		if (intern_items_reserve((void **)&keys, &cap, n,
					 sizeof(*keys))) {
			err = -ENOMEM;
			goto out;
		}
		keys[n++] = key;
	}
	for (i = 0; i < n && !err; i++) {
		if (bpf_map_lookup_and_delete_elem(map_fd, &keys[i], &s) &&
		    (bpf_map_lookup_elem(map_fd, &keys[i], &s) ||
		     bpf_map_delete_elem(map_fd, &keys[i])))
			continue;
		/* when it ended is not known: a connection still in the
		 * making waited no time that is */
		err = add_fd_stats(io, keys[i].pid, &s, s.last_end, false);
	}
out:
	free(keys);
	return err;
}

/* ---- finishing ---- */

static int cmp_request(const void *a, const void *b)
{
	const struct io_request *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

const struct io_request *io_trace_requests(struct io_trace *io, size_t *n)
{
	qsort(io->reqs, io->n_reqs, sizeof(*io->reqs), cmp_request);
	*n = io->n_reqs;
	return io->reqs;
}

const struct io_request *io_trace_slow_connects(struct io_trace *io,
						size_t *n)
{
	qsort(io->slow, io->n_slow, sizeof(*io->slow), cmp_request);
	*n = io->n_slow;
	return io->slow;
}

const char *io_trace_peer(const struct io_trace *io, uint32_t endpoint,
			  bool *unix_socket)
{
	const struct endpoint_key *k;

	*unix_socket = false;
	if (endpoint >= io->endpoints.n)
		return "?";
	k = intern_key(&io->endpoints, endpoint);
	*unix_socket = !strcmp(k->proto, "unix");
	return k->name;
}

static char *key_string(const struct intern *in, size_t i)
{
	return strndup(intern_key(in, i), in->lengths[i]);
}

static int finish_files(struct io_trace *io, struct profile *out)
{
	size_t i;

	out->io.files = calloc(io->files.n + 1, sizeof(*out->io.files));
	if (!out->io.files)
		return -ENOMEM;
	for (i = 0; i < io->files.n; i++) {
		out->io.files[i] = io->file[i];
		out->io.files[i].site = IO_NO_SITE;
		out->io.files[i].path = key_string(&io->files, i);
		if (!out->io.files[i].path)
			return -ENOMEM;
		out->io.n_files++;
	}
	return 0;
}

/* Points where the number of requests in flight changes. */
struct edge {
	uint64_t t;
	int delta;
};

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->delta - y->delta;	/* ends first: touching is not overlap */
}

/*
 * Of the nr requests (or slow connections), those whose (pid or endpoint)
 * matches: how many at once at most, and for how long at least one was
 * in flight.
 */
static int in_flight(const struct io_request *reqs, size_t nr, bool by_pid,
		     uint32_t id, uint32_t *max, uint64_t *busy)
{
	struct edge *e = malloc((2 * nr + 1) * sizeof(*e));
	size_t n = 0, i;
	int cur = 0;

	if (!e)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		const struct io_request *r = &reqs[i];

		if ((by_pid ? r->pid : r->endpoint) != id)
			continue;
		e[n++] = (struct edge){ r->start, +1 };
		e[n++] = (struct edge){ r->end, -1 };
	}
	qsort(e, n, sizeof(*e), cmp_edge);
	*max = 0;
	*busy = 0;
	for (i = 0; i < n; i++) {
		if (cur > 0 && i > 0)
			*busy += e[i].t - e[i - 1].t;
		cur += e[i].delta;
		if (cur > 0 && (uint32_t)cur > *max)
			*max = cur;
	}
	free(e);
	return 0;
}

static int finish_endpoints(struct io_trace *io, struct profile *out)
{
	uint64_t busy;
	size_t i;

	out->io.endpoints = calloc(io->endpoints.n + 1,
				   sizeof(*out->io.endpoints));
	if (!out->io.endpoints)
		return -ENOMEM;
	for (i = 0; i < io->endpoints.n; i++) {
		const struct endpoint_key *k = intern_key(&io->endpoints, i);
		struct io_endpoint *e = &out->io.endpoints[i];

		*e = io->endpoint[i];
		e->site = IO_NO_SITE;
		memcpy(e->proto, k->proto, sizeof(e->proto));
		e->inbound = k->inbound;
		e->name = strndup(k->name, sizeof(k->name));
		if (!e->name)
			return -ENOMEM;
		out->io.n_endpoints++;
	}
	for (i = 0; i < io->n_reqs; i++) {
		struct io_endpoint *e = &out->io.endpoints[io->reqs[i].endpoint];

		e->requests++;
		e->request_ns += io->reqs[i].end - io->reqs[i].start;
	}
	for (i = 0; i < out->io.n_endpoints; i++) {
		struct io_endpoint *e = &out->io.endpoints[i];
		uint32_t most;

		if (e->requests && in_flight(io->reqs, io->n_reqs, false, i,
					     &e->max_in_flight, &busy))
			return -ENOMEM;
		if (e->slow_connects && in_flight(io->slow, io->n_slow, false,
						  i, &most,
						  &e->slow_connect_ns))
			return -ENOMEM;
	}
	return 0;
}

static int finish_concurrency(struct io_trace *io, struct profile *out)
{
	struct io_concurrency *c;
	size_t i, j;

	out->io.procs = calloc(io->n_reqs + 1, sizeof(*out->io.procs));
	if (!out->io.procs)
		return -ENOMEM;
	for (i = 0; i < io->n_reqs; i++) {
		for (j = 0; j < out->io.n_procs; j++)
			if (out->io.procs[j].pid == io->reqs[i].pid)
				break;
		c = &out->io.procs[j];
		if (j == out->io.n_procs) {
			c->pid = io->reqs[i].pid;
			out->io.n_procs++;
		}
		c->requests++;
		c->request_ns += io->reqs[i].end - io->reqs[i].start;
	}
	for (j = 0; j < out->io.n_procs; j++) {
		c = &out->io.procs[j];
		if (in_flight(io->reqs, io->n_reqs, true, c->pid,
			      &c->max_in_flight, &c->busy_ns))
			return -ENOMEM;
	}
	return 0;
}

static int finish_spawns(struct io_trace *io, const struct proc_table *t,
			 uint32_t root_pid, uint64_t end_ns, struct profile *out)
{
	struct spawn_run *runs = NULL;
	size_t i, n = 0;
	int err = -ENOMEM;

	out->io.spawns = calloc(io->programs.n + 1, sizeof(*out->io.spawns));
	if (!out->io.spawns)
		return -ENOMEM;
	for (i = 0; i < io->programs.n; i++) {
		out->io.spawns[i].site = IO_NO_SITE;
		out->io.spawns[i].program = key_string(&io->programs, i);
		if (!out->io.spawns[i].program)
			return -ENOMEM;
		out->io.n_spawns++;
	}
	if (spawn_runs(&io->spawns, t, root_pid, end_ns, &runs, &n))
		goto out;
	for (i = 0; i < n; i++)
		if (runs[i].spawn &&
		    io_counts_add(&io->counts, IO_COUNT_PROGRAM, runs[i].program,
				  spawn_fork_site(&io->spawns, runs[i].pid), 0))
			goto out;
	err = spawn_figures(runs, n, &io->spawns, t, end_ns, out->io.spawns,
			    out->io.n_spawns);
out:
	free(runs);
	return err;
}

int io_trace_finish(struct io_trace *io, const struct proc_table *t,
		    uint32_t root_pid, uint64_t end_ns, struct profile *out)
{
	int err;

	out->io.traced = true;
	out->quality.io_untimed = io->untimed;
	out->quality.io_timed_every = WS_IO_TIME_EVERY;
	if ((err = finish_files(io, out)) || (err = finish_endpoints(io, out)) ||
	    (err = finish_concurrency(io, out)) ||
	    (err = finish_spawns(io, t, root_pid, end_ns, out)))
		return err;
	/* Sites are picked while rows are still in intern order. */
	if ((err = io_counts_finish(&io->counts, &out->io)))
		return err;
	io_rows_finish(&out->io);
	return 0;
}
