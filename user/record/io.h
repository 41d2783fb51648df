/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O stage: events of bpf/io.bpf.c (where files were opened,
 * connections made, processes forked; descriptors' figures when closed;
 * requests; execs) → per-file, per-endpoint, per-program tables and the
 * requests-in-flight figures of profile.io.  The stacks of sites go to the
 * collector, which turns them into profile.io.sites; the tables here refer
 * to them by index.
 */
#ifndef WHYSLOW_IOTRACE_H
#define WHYSLOW_IOTRACE_H

#include <stdbool.h>
#include <stdint.h>
#include "record/collect.h"
#include "proc/procmap.h"
#include "profile/profile.h"
#include "whyslow.h"

struct io_trace;

struct io_trace *io_trace_new(void);
void io_trace_free(struct io_trace *io);

/* What happened at a site (an open, a connection, a fork...), counted;
 * site: its stack as collector_add_site() interned it, -1 none.  0 or
 * -errno. */
int io_trace_site(struct io_trace *io, const struct ws_io_what *ev,
		  int64_t site);

/* A file's whole path (WS_EV_PATH, size bytes), which later sites and
 * descriptor figures name by its id.  0 or -ENOMEM. */
int io_trace_path(struct io_trace *io, const struct ws_path_event *ev,
		  size_t size);

/* A descriptor's figures (closed, or found in the map once its process
 * exited), or a finished request (WS_EV_REQUEST).  0 or -errno. */
int io_trace_fd(struct io_trace *io, const struct ws_fd_event *ev);

/* An exec, and the exit of a process that exec'd: for spawns.  0 or
 * -ENOMEM. */
int io_trace_exec(struct io_trace *io, const struct ws_exec *ev);
int io_trace_exit(struct io_trace *io, const struct ws_exit *ev);
/* The thread that ended pid by exit_group(), as its exit told; 0 not
 * known (still running, killed, or not exec'd while traced). */
uint32_t io_trace_exit_tid(const struct io_trace *io, uint32_t pid);

/* A thread made in a traced process.  0 or -ENOMEM. */
int io_trace_thread(struct io_trace *io, const struct ws_thread_event *ev);

/* The threads made, sorted by tid (a reused tid: by time), *n of them.
 * The trace's own. */
const struct cp_birth *io_trace_births(struct io_trace *io, size_t *n);
/* ... and those not kept, past a bound: counted as I/O events dropped. */
uint64_t io_trace_births_dropped(const struct io_trace *io);

/*
 * Takes the entries of the BPF map io_fds (map_fd) that belong to
 * processes that exited, or all of them when all is set: their figures
 * are added and the entries deleted, so the map does not fill up and a
 * reused pid starts afresh.  0 or -errno.
 */
int io_trace_sweep(struct io_trace *io, int map_fd, const struct proc_table *t,
		   bool all);

/* A request on a connection a process made: from its first send to the
 * end of the last receive of its answer. */
struct io_request {
	uint32_t pid;
	uint32_t endpoint;	/* io_trace_peer() names it */
	uint64_t start;
	uint64_t end;
};

/* The requests seen so far (io_trace_sweep first, for those still in
 * flight), sorted by pid then start; *n of them.  The trace's own. */
const struct io_request *io_trace_requests(struct io_trace *io, size_t *n);
/* The same of the connections slow to make (IO_SLOW_CONNECT_NS), from
 * connect() to made, those past the trace's cap left out. */
const struct io_request *io_trace_slow_connects(struct io_trace *io,
						size_t *n);

/* An endpoint's peer: "127.0.0.1:8765", or a Unix socket's path (then
 * *unix_socket is set). */
const char *io_trace_peer(const struct io_trace *io, uint32_t endpoint,
			  bool *unix_socket);

/*
 * Fills out->io but its sites (see collector_finish): files, endpoints,
 * concurrency, spawns, sorted.  root_pid's first exec is the profiled
 * command, not a spawn.  Processes still running count until end_ns.
 * 0 or -ENOMEM.
 */
int io_trace_finish(struct io_trace *io, const struct proc_table *t,
		    uint32_t root_pid, uint64_t end_ns, struct profile *out);

#endif
