// SPDX-License-Identifier: GPL-2.0
/* The I/O stage: events of io.bpf.c → profile.io tables, without BPF. */
#include "profile_fixture.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "record/collect.h"
#include "record/io.h"
#include "symbols/symbolize.h"

#define MS	1000000ull
#define T0	(1000 * MS)	/* ktime is never 0: 0 means "none" */

struct io_fixture {
	struct io_trace *io;
	struct collector *c;
	struct proc_table t;
	struct profile p;
};

static int setup(void **state)
{
	struct io_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->io = io_trace_new();
	f->c = collector_new();
	assert_non_null(f->io);
	assert_non_null(f->c);
	proc_table_init(&f->t);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct io_fixture *f = *state;

	io_trace_free(f->io);
	collector_free(f->c);
	proc_table_free(&f->t);
	profile_free(&f->p);
	free(f);
	return 0;
}

/* Sites carry no stack here: the tables are what is tested. */
static void finish(struct io_fixture *f, uint32_t root_pid, uint64_t end_ns)
{
	struct symbolizer *sym = symbolizer_new(NULL);

	assert_non_null(sym);
	assert_int_equal(collector_finish(f->c, &f->t, sym, FX_PERIOD_NS,
					  &f->p), 0);
	symbolizer_free(sym);
	assert_int_equal(io_trace_finish(f->io, &f->t, root_pid, end_ns, &f->p),
			 0);
}

static struct ws_target file_target(const char *path)
{
	struct ws_target t = { .kind = WS_TGT_FILE, .fd = 3 };

	snprintf(t.path, sizeof(t.path), "%s", path);
	return t;
}

static struct ws_target tcp_target(const char *addr, uint16_t port)
{
	struct ws_target t = { .kind = WS_TGT_TCP, .port = port, .fd = 4 };

	if (strchr(addr, ':')) {
		t.family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, t.addr), 1);
	} else {
		t.family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, t.addr), 1);
	}
	return t;
}

/* What happened at a site, counted at the site of pid's empty stack. */
static void site_event(struct io_fixture *f, const struct ws_io_what *w)
{
	int64_t site = collector_add_site(f->c, &f->t, w->pid, w->tid,
					  w->time_ns, NULL, 0, NULL);

	assert_true(site >= 0);
	assert_int_equal(io_trace_site(f->io, w, site), 0);
}

static void site(struct io_fixture *f, uint32_t op, uint32_t pid,
		 const struct ws_target *t, uint64_t dur, uint64_t off)
{
	struct ws_io_what w = { .op = op, .pid = pid, .tid = pid,
				.dur_ns = dur, .offcpu_ns = off };

	if (t)
		w.target = *t;
	site_event(f, &w);
}

static void fd_event(struct io_fixture *f, uint32_t type, uint32_t pid,
		     const struct ws_fd_stats *s)
{
	struct ws_fd_event ev = { .type = type, .pid = pid, .stats = *s };

	assert_int_equal(io_trace_fd(f->io, &ev), 0);
}

static const struct io_file *find_file(const struct profile *p,
				       const char *path)
{
	size_t i;

	for (i = 0; i < p->io.n_files; i++)
		if (!strcmp(p->io.files[i].path, path))
			return &p->io.files[i];
	fail_msg("no file %s", path);
	return NULL;
}

static void test_files(void **state)
{
	struct io_fixture *f = *state;
	struct ws_target a = file_target("/data/a.txt");
	struct ws_target b = file_target("/data/b.txt");
	struct ws_target pipe = { .kind = WS_TGT_PIPE };
	struct ws_fd_stats s = { .reads = 2, .read_bytes = 100, .read_ns = 7,
				 .writes = 1, .write_bytes = 5, .write_ns = 3,
				 .offcpu_ns = 4, .untimed = 2, .target = a };
	struct ws_fd_stats req = { .reads = 9, .untimed = 5, .client = 1,
				   .target = tcp_target("10.0.0.1", 80) };
	const struct io_file *fa, *fb;

	site(f, WS_IO_OPEN, 10, &a, 20, 1);
	site(f, WS_IO_OPEN, 10, &a, 30, 0);
	site(f, WS_IO_OPEN, 10, &b, 1000, 0);
	site(f, WS_IO_OPEN_FAILED, 10, &b, 5, 0);
	site(f, WS_IO_OPEN, 10, &pipe, 5, 0);	/* a FIFO: no file row */
	fd_event(f, WS_EV_FD, 10, &s);
	fd_event(f, WS_EV_FD, 10, &s);
	/* a request's figures so far: its untimed calls come with its close */
	fd_event(f, WS_EV_REQUEST, 10, &req);
	finish(f, 0, 100 * MS);

	assert_true(f->p.io.traced);
	assert_int_equal(f->p.quality.io_untimed, 2 * 2);
	assert_int_equal(f->p.quality.io_timed_every, WS_IO_TIME_EVERY);
	assert_int_equal(f->p.io.n_files, 2);
	/* by time, most first */
	assert_string_equal(f->p.io.files[0].path, "/data/b.txt");
	fa = find_file(&f->p, "/data/a.txt");
	assert_int_equal(fa->opens, 2);
	assert_int_equal(fa->failed_opens, 0);
	assert_int_equal(fa->reads, 4);
	assert_int_equal(fa->read_bytes, 200);
	assert_int_equal(fa->writes, 2);
	assert_int_equal(fa->write_bytes, 10);
	assert_int_equal(fa->time_ns, 20 + 30 + 2 * (7 + 3));
	assert_int_equal(fa->blocked_ns, 1 + 2 * 4);
	/* both opens came from the same (empty) stack */
	assert_int_not_equal(fa->site, IO_NO_SITE);
	assert_int_equal(fa->site_opens, 2);
	fb = find_file(&f->p, "/data/b.txt");
	assert_int_equal(fb->opens, 1);
	assert_int_equal(fb->failed_opens, 1);
	assert_int_equal(fb->time_ns, 1005);
}

/*
 * The processes that opened each file: pid 10 opens a.txt twice and from
 * a second thread, 11 once, 12 once without a site (its stacks not
 * sent): 3 processes; each opens its own /proc/PID/maps, one row
 * /proc/self/maps; another's /proc/11/status keeps its number; a failed
 * open is no opener.
 */
static void test_openers(void **state)
{
	struct io_fixture *f = *state;
	struct ws_target a = file_target("/data/a.txt");
	struct ws_target b = file_target("/data/b.txt");
	struct ws_target m10 = file_target("/proc/10/maps");
	struct ws_target m11 = file_target("/proc/11/maps");
	struct ws_target st11 = file_target("/proc/11/status");
	struct ws_io_what w = { .op = WS_IO_OPEN, .pid = 10, .tid = 20,
				.target = a };
	const struct io_file *fa, *fm;

	site(f, WS_IO_OPEN, 10, &a, 1, 0);
	site(f, WS_IO_OPEN, 10, &a, 1, 0);
	site_event(f, &w);
	site(f, WS_IO_OPEN, 11, &a, 1, 0);
	w.pid = w.tid = 12;
	assert_int_equal(io_trace_site(f->io, &w, -1), 0);
	site(f, WS_IO_OPEN_FAILED, 13, &b, 1, 0);
	site(f, WS_IO_OPEN, 10, &m10, 1, 0);
	site(f, WS_IO_OPEN, 11, &m11, 1, 0);
	site(f, WS_IO_OPEN, 10, &st11, 1, 0);
	finish(f, 0, 100 * MS);

	fa = find_file(&f->p, "/data/a.txt");
	assert_int_equal(fa->opens, 5);
	assert_int_equal(fa->procs, 3);
	/* the sites' stacks, all empty, are one site once symbolized; the
	 * processes were counted before */
	assert_int_equal(fa->site_opens, 4);
	assert_true(io_file_repeated(fa));
	assert_int_equal(find_file(&f->p, "/data/b.txt")->procs, 0);
	fm = find_file(&f->p, "/proc/self/maps");
	assert_int_equal(fm->opens, 2);
	assert_int_equal(fm->procs, 2);
	assert_false(io_file_repeated(fm));
	assert_int_equal(find_file(&f->p, "/proc/11/status")->procs, 1);
	assert_int_equal(f->p.io.n_files, 4);
}

/* A WS_EV_PATH event as the ring buffer hands it: size bytes. */
static void path_event(struct io_fixture *f, uint64_t id, const char *path,
		       uint8_t flags)
{
	struct ws_path_event *ev = calloc(1, sizeof(*ev));
	size_t len = strlen(path);

	assert_non_null(ev);
	ev->type = WS_EV_PATH;
	ev->pid = 10;
	ev->id = id;
	ev->len = len;
	ev->flags = flags;
	memcpy(ev->path, path, len + 1);
	assert_int_equal(io_trace_path(f->io, ev,
				       offsetof(struct ws_path_event, path) +
				       len + 1), 0);
	free(ev);
}

static void site_of(struct io_fixture *f, uint32_t op, uint64_t path_id,
		    const struct ws_target *t)
{
	struct ws_io_what w = { .op = op, .pid = 10, .tid = 10, .dur_ns = 1,
				.path_id = path_id, .target = *t };

	site_event(f, &w);
}

/*
 * Files are rows by their whole path (the path event the site and the
 * descriptor name), not by the last components their targets keep: 40
 * files that share "x/y/z/w.h" are 40 rows, each opened once.
 */
static void test_whole_paths(void **state)
{
	struct io_fixture *f = *state;
	struct ws_target tail = file_target("x/y/z/w.h");
	struct ws_fd_stats s = { .reads = 1, .read_bytes = 3, .target = tail };
	const struct io_file *row;
	char path[64];
	int i;

	for (i = 1; i <= 40; i++) {
		snprintf(path, sizeof(path), "/src/a/%d/x/y/z/w.h", i);
		path_event(f, i << 16, path, 0);
		site_of(f, WS_IO_OPEN, i << 16, &tail);
		s.path_id = i << 16;
		fd_event(f, WS_EV_FD, 10, &s);
	}
	finish(f, 0, 100 * MS);
	assert_int_equal(f->p.io.n_files, 40);
	for (i = 1; i <= 40; i++) {
		snprintf(path, sizeof(path), "/src/a/%d/x/y/z/w.h", i);
		row = find_file(&f->p, path);
		assert_int_equal(row->opens, 1);
		assert_int_equal(row->reads, 1);
		assert_int_equal(row->read_bytes, 3);
	}
}

/*
 * A cut path reads "…/" and what was read; a site whose path event was
 * lost falls back on its target's components, marked cut unless whole;
 * a failed open's name stays as given, and its id is not used again.
 */
static void test_cut_and_lost_paths(void **state)
{
	struct io_fixture *f = *state;
	struct ws_target tail = file_target("y/z.h");
	struct ws_target whole = file_target("/etc/hosts");
	struct ws_target given = file_target("rel/name.txt");
	struct ws_path_event bad = { .type = WS_EV_PATH, .id = 9, .len = 8 };

	path_event(f, 1, "/d1/d2/e.h", WS_PATH_CUT);
	site_of(f, WS_IO_OPEN, 1, &tail);
	site_of(f, WS_IO_OPEN, 2, &tail);	/* no event 2: lost */
	site_of(f, WS_IO_OPEN, 0, &whole);
	path_event(f, 3, "rel/name.txt", WS_PATH_GIVEN);
	site_of(f, WS_IO_OPEN_FAILED, 3, &given);
	site_of(f, WS_IO_OPEN_FAILED, 3, &given);
	/* shorter than its length says, or empty: no row */
	assert_int_equal(io_trace_path(f->io, &bad,
				       offsetof(struct ws_path_event, path) +
				       8), 0);
	bad.len = 0;
	assert_int_equal(io_trace_path(f->io, &bad, sizeof(bad)), 0);
	site_of(f, WS_IO_OPEN, 9, &whole);
	finish(f, 0, 100 * MS);

	assert_int_equal(f->p.io.n_files, 4);
	assert_int_equal(find_file(&f->p, "…/d1/d2/e.h")->opens, 1);
	assert_int_equal(find_file(&f->p, "…/y/z.h")->opens, 1);
	assert_int_equal(find_file(&f->p, "/etc/hosts")->opens, 2);
	assert_int_equal(find_file(&f->p, "rel/name.txt")->failed_opens, 2);
}

/* A request on a connection the process made, [start, end). */
static void request(struct io_fixture *f, uint32_t pid,
		    const struct ws_target *t, uint64_t start, uint64_t end)
{
	struct ws_fd_stats s = { .client = 1, .responded = 1,
				 .req_start = T0 + start, .last_recv_end = T0 + end,
				 .last_end = T0 + end + 1, .target = *t };

	fd_event(f, WS_EV_REQUEST, pid, &s);
}

static void test_serial_requests(void **state)
{
	struct io_fixture *f = *state;
	struct ws_target t = tcp_target("127.0.0.1", 8080);
	struct ws_fd_stats closed = { .client = 1, .req_start = T0 + 25 * MS,
				      .last_end = T0 + 30 * MS, .reads = 3,
				      .read_bytes = 300, .writes = 1,
				      .write_bytes = 40,
				      .target = t };
	const struct io_endpoint *e;
	const struct io_concurrency *c;

	site(f, WS_IO_CONNECT, 7, &t, 2 * MS, MS);
	site(f, WS_IO_CONNECT, 7, &t, 2 * MS, MS);
	request(f, 7, &t, 0, 10 * MS);
	request(f, 7, &t, 10 * MS, 20 * MS);	/* touches: not overlapping */
	/* closed before an answer: ends at its last syscall */
	fd_event(f, WS_EV_FD, 7, &closed);
	finish(f, 7, 100 * MS);

	assert_int_equal(f->p.io.n_endpoints, 1);
	e = &f->p.io.endpoints[0];
	assert_string_equal(e->name, "127.0.0.1:8080");
	assert_string_equal(e->proto, "tcp");
	assert_false(e->inbound);
	assert_int_equal(e->connections, 2);
	assert_int_equal(e->connect_ns, 4 * MS);
	assert_int_equal(e->blocked_ns, 2 * MS);
	assert_int_equal(e->receives, 3);
	assert_int_equal(e->bytes_received, 300);
	assert_int_equal(e->sends, 1);
	assert_int_equal(e->bytes_sent, 40);
	assert_int_equal(e->requests, 3);
	assert_int_equal(e->request_ns, 25 * MS);
	assert_int_equal(e->max_in_flight, 1);
	assert_int_equal(f->p.io.n_procs, 1);
	c = &f->p.io.procs[0];
	assert_int_equal(c->pid, 7);
	assert_int_equal(c->requests, 3);
	assert_int_equal(c->max_in_flight, 1);
	assert_int_equal(c->busy_ns, 25 * MS);
}

static void test_concurrent_requests(void **state)
{
	struct io_fixture *f = *state;
	struct ws_target a = tcp_target("10.0.0.1", 443);
	struct ws_target b = tcp_target("::1", 8443);
	const struct io_concurrency *c;
	size_t i;

	request(f, 3, &a, 0, 10 * MS);
	request(f, 3, &a, 5 * MS, 15 * MS);
	request(f, 3, &b, 6 * MS, 8 * MS);
	request(f, 3, &b, 40 * MS, 50 * MS);
	request(f, 4, &a, 0, 1 * MS);
	finish(f, 0, 100 * MS);

	assert_int_equal(f->p.io.n_procs, 2);
	c = &f->p.io.procs[0];		/* most request time first */
	assert_int_equal(c->pid, 3);
	assert_int_equal(c->requests, 4);
	assert_int_equal(c->request_ns, 32 * MS);
	assert_int_equal(c->busy_ns, 25 * MS);
	assert_int_equal(c->max_in_flight, 3);
	for (i = 0; i < f->p.io.n_endpoints; i++) {
		const struct io_endpoint *e = &f->p.io.endpoints[i];

		if (!strcmp(e->name, "[::1]:8443"))
			assert_int_equal(e->max_in_flight, 1);
		else if (!strcmp(e->name, "10.0.0.1:443"))
			assert_int_equal(e->max_in_flight, 2);
		else
			fail_msg("endpoint %s", e->name);
	}
}

static void test_inbound_and_unix(void **state)
{
	struct io_fixture *f = *state;
	struct ws_target peer = tcp_target("192.168.1.9", 51234);
	struct ws_target peer2 = tcp_target("192.168.1.9", 51235);
	struct ws_target ux = { .kind = WS_TGT_UNIX };
	struct ws_fd_stats s = { .inbound = 1, .reads = 1, .read_bytes = 9,
				 .target = peer };

	snprintf(ux.path, sizeof(ux.path), "/run/db.sock");
	site(f, WS_IO_ACCEPT, 5, &peer, 0, 0);
	site(f, WS_IO_ACCEPT, 5, &peer2, 0, 0);
	site(f, WS_IO_CONNECT, 5, &ux, MS, 0);
	fd_event(f, WS_EV_FD, 5, &s);
	finish(f, 0, MS);

	assert_int_equal(f->p.io.n_endpoints, 2);
	/* connect time first */
	assert_string_equal(f->p.io.endpoints[0].name, "/run/db.sock");
	assert_string_equal(f->p.io.endpoints[0].proto, "unix");
	/* the peers of a server, by address: ephemeral ports merged */
	assert_string_equal(f->p.io.endpoints[1].name, "192.168.1.9");
	assert_true(f->p.io.endpoints[1].inbound);
	assert_int_equal(f->p.io.endpoints[1].connections, 2);
	assert_int_equal(f->p.io.endpoints[1].bytes_received, 9);
	assert_int_equal(f->p.io.n_procs, 0);
}

static void exec_event(struct io_fixture *f, uint32_t pid, const char *path,
		       uint64_t time)
{
	struct ws_exec ev = { .type = WS_EV_EXEC, .pid = pid, .time_ns = time };

	snprintf(ev.filename, sizeof(ev.filename), "%s", path);
	assert_int_equal(io_trace_exec(f->io, &ev), 0);
}

static void exited(struct io_fixture *f, uint32_t pid, uint64_t when)
{
	struct proc *p = proc_table_get(&f->t, pid);

	assert_non_null(p);
	p->exited = true;
	p->exit_time = when;
}

static void test_spawns(void **state)
{
	struct io_fixture *f = *state;
	struct ws_io_what fork_ev = { .op = WS_IO_FORK, .pid = 1, .child = 2 };
	const struct io_spawn *s;

	site_event(f, &fork_ev);
	fork_ev.child = 3;
	site_event(f, &fork_ev);
	exec_event(f, 1, "./build.sh", 0);	/* the command: not a spawn */
	exec_event(f, 2, "/bin/true", 10 * MS);
	exited(f, 2, 12 * MS);
	exec_event(f, 3, "/bin/sh", 20 * MS);	/* sh -c, then exec of cc */
	exec_event(f, 3, "/usr/bin/cc", 21 * MS);
	exec_event(f, 4, "/bin/true", 40 * MS);	/* still running at the end */
	finish(f, 1, 50 * MS);

	assert_int_equal(f->p.io.n_spawns, 3);
	s = &f->p.io.spawns[0];		/* most wall first */
	assert_string_equal(s->program, "/usr/bin/cc");
	assert_int_equal(s->count, 1);
	assert_int_equal(s->wall_ns, 29 * MS);
	assert_int_not_equal(s->site, IO_NO_SITE);
	s = &f->p.io.spawns[1];
	assert_string_equal(s->program, "/bin/true");
	assert_int_equal(s->count, 2);
	assert_int_equal(s->wall_ns, 2 * MS + 10 * MS);
	assert_int_equal(s->site_count, 1);	/* pid 4 was not seen forked */
	s = &f->p.io.spawns[2];
	assert_string_equal(s->program, "/bin/sh");
	assert_int_equal(s->wall_ns, 1 * MS);
}

/* ---- spawns: union, CPU, runs at once, parent ---- */

static void fork_event(struct io_fixture *f, uint32_t parent, uint32_t child,
		       uint64_t time)
{
	struct ws_io_what ev = { .op = WS_IO_FORK, .pid = parent,
				 .tid = parent, .child = child,
				 .time_ns = time };

	site_event(f, &ev);
}

/* pid execs path at time, having used cpu of CPU so far. */
static void exec_cpu(struct io_fixture *f, uint32_t pid, const char *path,
		     uint64_t time, uint64_t cpu)
{
	struct ws_exec ev = { .type = WS_EV_EXEC, .pid = pid, .time_ns = time,
			      .cpu_ns = cpu };

	snprintf(ev.filename, sizeof(ev.filename), "%s", path);
	assert_int_equal(io_trace_exec(f->io, &ev), 0);
}

/* pid's last thread switched out for good at time, with cpu in all. */
static void exit_cpu(struct io_fixture *f, uint32_t pid, uint64_t time,
		     uint64_t cpu)
{
	struct ws_exit ev = { .type = WS_EV_EXIT, .pid = pid, .time_ns = time,
			      .cpu_ns = cpu };

	assert_int_equal(io_trace_exit(f->io, &ev), 0);
	exited(f, pid, time);
}

/* pid, a child of parent, runs path from start to end. */
static void run(struct io_fixture *f, uint32_t parent, uint32_t pid,
		const char *path, uint64_t start, uint64_t end)
{
	fork_event(f, parent, pid, start - 1);
	exec_cpu(f, pid, path, start, 0);
	exit_cpu(f, pid, end, 0);
}

static const struct io_spawn *spawn_row(const struct profile *p,
					const char *program)
{
	size_t i;

	for (i = 0; i < p->io.n_spawns; i++)
		if (!strcmp(p->io.spawns[i].program, program))
			return &p->io.spawns[i];
	fail_msg("no spawn %s", program);
	return NULL;
}

static void test_spawns_disjoint(void **state)
{
	struct io_fixture *f = *state;
	const struct io_spawn *s;

	exec_cpu(f, 1, "/bin/sh", 0, 0);
	run(f, 1, 2, "/bin/true", 10 * MS, 12 * MS);
	run(f, 1, 3, "/bin/true", 20 * MS, 25 * MS);
	finish(f, 1, 50 * MS);

	s = spawn_row(&f->p, "/bin/true");
	assert_int_equal(s->count, 2);
	assert_int_equal(s->wall_ns, 7 * MS);
	assert_int_equal(s->union_ns, 7 * MS);
	assert_int_equal(s->max_parallel, 1);
	assert_string_equal(s->parent, "/bin/sh");
}

/* make -j2: two at once, their overlap counted once */
static void test_spawns_overlapping(void **state)
{
	struct io_fixture *f = *state;
	const struct io_spawn *s;

	exec_cpu(f, 1, "/usr/bin/make", 0, 0);
	run(f, 1, 2, "/usr/bin/cc1", 10 * MS, 30 * MS);
	run(f, 1, 3, "/usr/bin/cc1", 20 * MS, 40 * MS);
	run(f, 1, 4, "/usr/bin/cc1", 40 * MS, 45 * MS);	/* touches */
	finish(f, 1, 50 * MS);

	s = spawn_row(&f->p, "/usr/bin/cc1");
	assert_int_equal(s->wall_ns, 45 * MS);
	assert_int_equal(s->union_ns, 35 * MS);
	assert_int_equal(s->max_parallel, 2);
}

/*
 * bash -c 'bash -c "bash -c ..."': each level inside the one above, one
 * through a subshell (forked, never exec'd): the time counts once, and a
 * run waiting for the one nested in it is not beside it.
 */
static void test_spawns_nested(void **state)
{
	struct io_fixture *f = *state;
	const struct io_spawn *s;

	exec_cpu(f, 1, "./script.sh", 0, 0);
	run(f, 1, 2, "/bin/bash", 10 * MS, 60 * MS);
	run(f, 2, 3, "/bin/bash", 20 * MS, 50 * MS);
	fork_event(f, 3, 4, 25 * MS);		/* a subshell of 3 */
	run(f, 4, 5, "/bin/bash", 30 * MS, 40 * MS);
	/* a sibling beside 3, with 3's nested run going: two at once */
	run(f, 2, 6, "/bin/bash", 35 * MS, 45 * MS);
	finish(f, 1, 100 * MS);

	s = spawn_row(&f->p, "/bin/bash");
	assert_int_equal(s->count, 4);
	assert_int_equal(s->wall_ns, (50 + 30 + 10 + 10) * MS);
	assert_int_equal(s->union_ns, 50 * MS);
	assert_int_equal(s->max_parallel, 2);
	assert_string_equal(s->parent, "./script.sh");
}

/* A pool: the parent waits while its workers of the same program run */
static void test_spawns_pool(void **state)
{
	struct io_fixture *f = *state;
	const struct io_spawn *s;

	exec_cpu(f, 1, "/bin/sh", 0, 0);
	run(f, 1, 2, "/usr/bin/python3", 10 * MS, 100 * MS);
	run(f, 2, 3, "/usr/bin/python3", 20 * MS, 80 * MS);
	run(f, 2, 4, "/usr/bin/python3", 20 * MS, 70 * MS);
	run(f, 2, 5, "/usr/bin/python3", 25 * MS, 90 * MS);
	finish(f, 1, 100 * MS);

	s = spawn_row(&f->p, "/usr/bin/python3");
	assert_int_equal(s->union_ns, 90 * MS);
	assert_int_equal(s->max_parallel, 3);
}

/*
 * A process exec'ing again (a shim exec'ing its program): two runs that
 * touch, each with its CPU: fork (the first) or exec to exec, exec to
 * exit.
 */
static void test_spawns_exec_again(void **state)
{
	struct io_fixture *f = *state;
	const struct io_spawn *s;

	exec_cpu(f, 1, "/bin/sh", 0, 0);
	fork_event(f, 1, 2, 9 * MS);
	exec_cpu(f, 2, "/bin/bash", 10 * MS, 1 * MS);
	exec_cpu(f, 2, "/bin/bash", 20 * MS, 4 * MS);
	exec_cpu(f, 2, "/usr/bin/gzip", 30 * MS, 6 * MS);
	exit_cpu(f, 2, 90 * MS, 60 * MS);
	finish(f, 1, 100 * MS);

	s = spawn_row(&f->p, "/bin/bash");
	assert_int_equal(s->count, 2);
	assert_int_equal(s->wall_ns, 20 * MS);
	assert_int_equal(s->union_ns, 20 * MS);
	assert_int_equal(s->max_parallel, 1);
	assert_int_equal(s->cpu_ns, 4 * MS + 2 * MS);
	s = spawn_row(&f->p, "/usr/bin/gzip");
	assert_int_equal(s->cpu_ns, 54 * MS);
	assert_int_equal(s->wall_ns, 60 * MS);
	/* the program before it in the same process did not run it */
	assert_string_equal(s->parent, "/bin/sh");
}

/*
 * The command a shim (pid 1: bash, then pyenv's bash, then python): the
 * runs over before its last exec are its prelude; one still going then,
 * or started after, is not, nor are the command's later runs.
 */
static void test_spawns_prelude(void **state)
{
	struct io_fixture *f = *state;

	exec_cpu(f, 1, "/home/u/.pyenv/shims/python3", 0, 0);
	run(f, 1, 2, "/usr/bin/bash", 2 * MS, 4 * MS);
	run(f, 1, 3, "/usr/bin/bash", 5 * MS, 9 * MS);
	run(f, 1, 4, "/usr/bin/readlink", 9 * MS, 10 * MS);
	exec_cpu(f, 1, "/home/u/.pyenv/libexec/pyenv", 10 * MS, 0);
	fork_event(f, 1, 5, 11 * MS);		/* a daemon it leaves */
	exec_cpu(f, 5, "/usr/bin/sleep", 12 * MS, 0);
	exec_cpu(f, 1, "/usr/bin/python3", 20 * MS, 0);
	run(f, 1, 6, "/usr/bin/bash", 30 * MS, 40 * MS);	/* os.system */
	finish(f, 1, 100 * MS);

	assert_int_equal(spawn_row(&f->p, "/usr/bin/bash")->count, 3);
	assert_int_equal(spawn_row(&f->p, "/usr/bin/bash")->prelude_count, 2);
	assert_int_equal(spawn_row(&f->p, "/usr/bin/readlink")->prelude_count,
			 1);
	assert_int_equal(spawn_row(&f->p,
				   "/home/u/.pyenv/libexec/pyenv")->prelude_count,
			 1);
	assert_int_equal(spawn_row(&f->p, "/usr/bin/sleep")->prelude_count, 0);
	assert_int_equal(spawn_row(&f->p, "/usr/bin/python3")->prelude_count,
			 0);
}

/*
 * A script runs python3 through pyenv's shim twice (pids 2 and 4): each
 * shim's runs before it exec'd python are its prelude, its script's
 * os.system() after is not; nor is what a wrapper outside a shims
 * directory (pid 7) ran before exec'ing gzip.
 */
static void test_spawns_prelude_of_shims_run(void **state)
{
	struct io_fixture *f = *state;
	uint32_t k;

	exec_cpu(f, 1, "/bin/sh", 0, 0);
	for (k = 0; k < 2; k++) {
		uint32_t shim = 2 + 2 * k, sub = 3 + 2 * k;
		uint64_t t = k * 40 * MS;

		fork_event(f, 1, shim, t + MS - 1);
		exec_cpu(f, shim, "/home/u/.pyenv/shims/python3", t + MS, 0);
		run(f, shim, sub, "/usr/bin/bash", t + 2 * MS, t + 4 * MS);
		exec_cpu(f, shim, "/home/u/.pyenv/libexec/pyenv", t + 5 * MS,
			 0);
		exec_cpu(f, shim, "/usr/bin/python3", t + 10 * MS, 0);
		exit_cpu(f, shim, t + 39 * MS, 0);
	}
	run(f, 4, 6, "/usr/bin/bash", 60 * MS, 62 * MS);	/* os.system */
	fork_event(f, 1, 7, 81 * MS - 1);
	exec_cpu(f, 7, "/usr/local/bin/wrapper", 81 * MS, 0);
	run(f, 7, 8, "/usr/bin/bash", 82 * MS, 84 * MS);
	exec_cpu(f, 7, "/usr/bin/gzip", 85 * MS, 0);
	finish(f, 1, 100 * MS);

	assert_int_equal(spawn_row(&f->p, "/usr/bin/bash")->count, 4);
	assert_int_equal(spawn_row(&f->p, "/usr/bin/bash")->prelude_count, 2);
	assert_int_equal(spawn_row(&f->p,
				   "/home/u/.pyenv/shims/python3")->prelude_count,
			 2);
	assert_int_equal(spawn_row(&f->p,
				   "/home/u/.pyenv/libexec/pyenv")->prelude_count,
			 2);
	assert_int_equal(spawn_row(&f->p, "/usr/bin/python3")->prelude_count,
			 0);
	assert_int_equal(spawn_row(&f->p,
				   "/usr/local/bin/wrapper")->prelude_count, 0);
}

/* A command that never exec'd again has no prelude: sh -c's loop. */
static void test_spawns_no_prelude(void **state)
{
	struct io_fixture *f = *state;

	exec_cpu(f, 1, "/bin/sh", 0, 0);
	run(f, 1, 2, "/usr/bin/grep", 2 * MS, 4 * MS);
	run(f, 1, 3, "/usr/bin/grep", 5 * MS, 9 * MS);
	finish(f, 1, 100 * MS);

	assert_int_equal(spawn_row(&f->p, "/usr/bin/grep")->prelude_count, 0);
}

/*
 * Drivers and the program they run; a pid reused after an exit; a run
 * cut by the end of the recording: each run its own CPU.
 */
static void test_spawns_parent_and_cpu(void **state)
{
	struct io_fixture *f = *state;
	const struct io_spawn *s;

	exec_cpu(f, 1, "/usr/bin/make", 0, 0);
	fork_event(f, 1, 2, 9 * MS);
	exec_cpu(f, 2, "/usr/bin/gcc", 10 * MS, 1 * MS);
	fork_event(f, 2, 3, 11 * MS);
	exec_cpu(f, 3, "/usr/lib/cc1", 12 * MS, 0);
	exit_cpu(f, 3, 40 * MS, 25 * MS);
	exit_cpu(f, 2, 42 * MS, 3 * MS);
	/* a second driver, and pid 3 again: a new process */
	fork_event(f, 1, 5, 44 * MS);
	exec_cpu(f, 5, "/usr/bin/gcc", 45 * MS, 0);
	fork_event(f, 5, 3, 50 * MS);
	exec_cpu(f, 3, "/usr/lib/cc1", 51 * MS, 0);
	exit_cpu(f, 3, 60 * MS, 7 * MS);
	exit_cpu(f, 5, 70 * MS, 4 * MS);
	/* not seen forked (under -p): from its exec; still running at the
	 * end: its CPU is not known */
	exec_cpu(f, 6, "/usr/bin/gcc", 80 * MS, 9 * MS);
	exit_cpu(f, 6, 81 * MS, 10 * MS);
	fork_event(f, 1, 4, 90 * MS);
	exec_cpu(f, 4, "/usr/lib/cc1", 95 * MS, 0);
	finish(f, 1, 100 * MS);

	s = spawn_row(&f->p, "/usr/lib/cc1");
	assert_int_equal(s->count, 3);
	assert_int_equal(s->cpu_ns, 32 * MS);
	assert_int_equal(s->wall_ns, (28 + 9 + 5) * MS);
	assert_int_equal(s->union_ns, (28 + 9 + 5) * MS);
	/* two of its three runs were gcc's */
	assert_string_equal(s->parent, "/usr/bin/gcc");
	s = spawn_row(&f->p, "/usr/bin/gcc");
	assert_int_equal(s->cpu_ns, (3 + 4 + 1) * MS);
	assert_int_equal(s->union_ns, (32 + 25 + 1) * MS);
	assert_string_equal(s->parent, "/usr/bin/make");
	/* most wall time first */
	assert_string_equal(f->p.io.spawns[0].program, "/usr/bin/gcc");
}

static void test_empty(void **state)
{
	struct io_fixture *f = *state;

	finish(f, 0, MS);
	assert_true(f->p.io.traced);
	assert_int_equal(f->p.io.n_files, 0);
	assert_int_equal(f->p.io.n_endpoints, 0);
	assert_int_equal(f->p.io.n_procs, 0);
	assert_int_equal(f->p.io.n_spawns, 0);
}

/*
 * A pipe written or read often gets a row, by its inode; one with few
 * calls is plumbing.  A file read gets its size at the end, read as it
 * is then; a kernel file is not opened for it.
 */
static void test_pipes_and_sizes(void **state)
{
	struct io_fixture *f = *state;
	char path[] = "/tmp/whyslow-io-XXXXXX";
	struct ws_target busy = { .kind = WS_TGT_PIPE, .ino = 77 };
	struct ws_target quiet = { .kind = WS_TGT_PIPE, .ino = 78 };
	struct ws_fd_stats s = { .writes = 1000, .write_bytes = 4000,
				 .write_ns = 50, .target = busy };
	const struct io_file *row;
	char data[1234] = { 0 };
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, sizeof(data)), sizeof(data));
	close(fd);
	fd_event(f, WS_EV_FD, 10, &s);
	fd_event(f, WS_EV_FD, 10, &s);
	s = (struct ws_fd_stats){ .writes = 999, .target = quiet };
	fd_event(f, WS_EV_FD, 10, &s);
	s = (struct ws_fd_stats){ .reads = 3, .read_bytes = 3702,
				  .target = file_target(path) };
	fd_event(f, WS_EV_FD, 10, &s);
	s.target = file_target("/dev/zero");
	fd_event(f, WS_EV_FD, 10, &s);
	finish(f, 10, T0);
	unlink(path);
	row = find_file(&f->p, "pipe:[77]");
	assert_int_equal(row->writes, 2000);
	assert_int_equal(row->write_bytes, 8000);
	assert_int_equal(row->time_ns, 100);
	assert_int_equal(row->opens, 0);
	assert_int_equal(f->p.io.n_files, 3);
	assert_int_equal(find_file(&f->p, path)->size, sizeof(data));
	assert_int_equal(find_file(&f->p, "/dev/zero")->size, 0);
	assert_int_equal(row->size, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_openers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipes_and_sizes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_whole_paths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_cut_and_lost_paths, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_serial_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_requests, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_inbound_and_unix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawns_disjoint, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns_overlapping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns_nested, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns_pool, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns_exec_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns_prelude, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns_prelude_of_shims_run,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_spawns_no_prelude, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spawns_parent_and_cpu,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
