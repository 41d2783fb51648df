// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules about I/O: files opened again and again or read in small
 * pieces, requests made one at a time (programs run many times are
 * hints_spawns.c's).  See hints.c for what a rule does; the thresholds are
 * in hints_rules.h and the README's Hints table.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/hints_rules.h"
#include "analyze/procs.h"
#include "classify/frame.h"

/* Files opened more than once, together. */
struct repeats {
	uint64_t opens;
	uint64_t files;
	uint64_t syscall_ns;
	struct opener by;
	uint64_t by_wall_ns;	/* wall time of the opener's function, but
				 * under other application functions */
	bool by_calls_app;	/* ... which took some of its time */
	uint64_t by_all_opens;	/* its opens of any file */
	uint64_t by_reopens;	/* ... beyond each repeated file's first */
	const struct io_file *most[2];	/* the two opened most */
};

/* A share of the wall time, or null when there is no code to have one. */
static void field_wall_pct(const struct hint_list *h, struct hint *hint,
			   const char *name, int64_t frame, uint64_t ns)
{
	if (frame < 0)
		hint_field_null(hint, name);
	else
		hint_field_real(hint, name, pct_of(ns, h->p->wall_ns));
}

/* What stack s adds to a function's wall time (aggregate_func_wall). */
static uint64_t stack_wall_ns(const struct aggregate *agg,
			      const struct stack_sample *s)
{
	/* waits for a CPU are the machine's, not the path's work */
	return agg->cp_known && s->reason == WAIT_CPU ? 0 :
	       stack_path_ns(agg, s);
}

/*
 * Wall time of the frame's function but what ran under another
 * application function it called (*calls_app: some did): of a main()
 * that reads files and counts their words in count(), the counting is no
 * cost of reading them again.  0 when it has no time at all.
 */
static uint64_t opener_wall_ns(const struct profile *p,
			       const struct aggregate *agg, int64_t frame,
			       bool *calls_app)
{
	uint32_t func = agg->frame_func[frame], k;
	const struct stack_sample *s;
	uint64_t ns = 0;
	size_t i;

	*calls_app = false;
	if (func == AGG_NO_FUNC)
		return 0;
	for (i = 0; i < p->n_stacks; i++) {
		s = &p->stacks[i];
		k = stack_func_position(agg, s, func);
		if (k == s->n_frames || !stack_wall_ns(agg, s))
			continue;
		if (hint_app_callee_below(p, agg, s, k))
			*calls_app = true;
		else
			ns += stack_wall_ns(agg, s);
	}
	return ns;
}

/* ---- repeated_opens ---------------------------------------------------- */

/*
 * Opened by the dynamic loader (its cache, shared libraries): each
 * process that starts opens them once, which is start-up, not rereading.
 */
static bool loader_file(const struct profile *p, const struct io_file *f)
{
	int64_t frame = site_display_frame(p, f->site);

	if (!strcmp(f->path, "/etc/ld.so.cache"))
		return true;
	return frame >= 0 && classify_loader_module(p->frames[frame].module);
}

/* One file opened more than once and read, not by the dynamic loader: a
 * file only written (a journal made and deleted at each commit) or never
 * read (a directory opened to fsync it) has no contents to cache, nor has
 * one that was read back no more than written (sort's temporary files:
 * written once, merged once). */
static bool reread_file(const struct profile *p, const struct io_file *f)
{
	return io_file_repeated(f) && f->read_bytes &&
	       f->read_bytes > f->write_bytes && !loader_file(p, f);
}

static int cmp_frame_function(const void *a, const void *b, void *ctx)
{
	const struct frame *frames = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	int c = cmp_identity(frames[ia].name, frames[ia].module,
			     frames[ib].name, frames[ib].module);

	return c ? c : (ia > ib) - (ia < ib);
}

/*
 * Frames that opened repeated files, by function: the function with the
 * most opens wins, and of its frames (lines) the one with the most.
 */
static void pick_opener(const struct profile *p, const uint64_t *by_frame,
			uint32_t *hit, size_t n_hit, struct opener *top)
{
	const struct frame *f;
	uint64_t opens;
	uint32_t best;
	size_t i, j;

	qsort_r(hit, n_hit, sizeof(*hit), cmp_frame_function, p->frames);
	for (i = 0; i < n_hit; i = j) {
		f = &p->frames[hit[i]];
		opens = 0;
		best = hit[i];
		for (j = i; j < n_hit &&
		     !cmp_identity(f->name, f->module, p->frames[hit[j]].name,
				   p->frames[hit[j]].module); j++) {
			opens += by_frame[hit[j]];
			if (by_frame[hit[j]] > by_frame[best])
				best = hit[j];
		}
		if (opens > top->opens) {
			top->opens = opens;
			top->frame = best;
		}
	}
}

/*
 * The function that opened the files counted most: those opened more
 * than once (not by the dynamic loader), or all of them.
 */
int hint_find_opener(const struct profile *p, bool repeated_only,
		     struct opener *top)
{
	const struct io_summary *io = &p->io;
	uint64_t *by_frame;
	uint32_t *hit;
	size_t i, n_hit = 0;
	int64_t f;
	int err = -ENOMEM;

	*top = (struct opener){ .frame = -1 };
	by_frame = calloc(p->n_frames ? p->n_frames : 1, sizeof(*by_frame));
	hit = calloc(io->n_files ? io->n_files : 1, sizeof(*hit));
	if (!by_frame || !hit)
		goto out;
	for (i = 0; i < io->n_files; i++) {
		f = site_display_frame(p, io->files[i].site);
		if ((repeated_only && !reread_file(p, &io->files[i])) ||
		    f < 0 || !io->files[i].site_opens)
			continue;
		if (!by_frame[f])
			hit[n_hit++] = f;
		by_frame[f] += io->files[i].site_opens;
	}
	pick_opener(p, by_frame, hit, n_hit, top);
	err = 0;
out:
	free(by_frame);
	free(hit);
	return err;
}

/* ", and read_file (a.py:24), which opened most of them, is on 28% ..." */
static char *opener_clause(const struct hint_list *h, const struct repeats *r,
			   const char *where)
{
	char opened[NUM_SIZE + 24], count[NUM_SIZE], wall[NUM_SIZE];
	char *s = NULL;
	int n;

	if (!where)
		return strdup("");
	if (r->by.opens * 2 > r->opens) {
		strcpy(opened, "most of them");
	} else {
		hint_fmt_count(count, r->by.opens);
		snprintf(opened, sizeof(opened), "at least %s of them", count);
	}
	hint_fmt_pct(wall, r->by_wall_ns, h->p->wall_ns);
	if (r->by_wall_ns)
		n = asprintf(&s, ", and %s, which opened %s, is on %s of wall "
			     "time%s", where, opened, wall, r->by_calls_app ?
			     " (not counting the program's functions it "
			     "calls)" : "");
	else
		n = asprintf(&s, ", and %s opened %s", where, opened);
	return n < 0 ? NULL : s;
}

/*
 * "36 opens of 12 distinct files, each opened more than once (3.0 per
 * file)"; when one file has more than twice the mean, the files opened
 * most instead of it: a mean of 390 said nothing of 2 files opened 1,535
 * times each beside 6 opened 4 to 39 times.
 */
static char *files_clause(const struct repeats *r)
{
	const struct io_file *a = r->most[0], *b = r->most[1];
	char opens[NUM_SIZE], files[NUM_SIZE], first[NUM_SIZE];
	char second[NUM_SIZE];
	char *spread = NULL, *s = NULL;
	int n;

	hint_fmt_count(opens, r->opens);
	if (r->files == 1)
		return asprintf(&s, "%s opens of one file, %s", opens,
				a->path) < 0 ? NULL : s;
	hint_fmt_count(files, r->files);
	hint_fmt_count(first, a->opens);
	hint_fmt_count(second, b->opens);
	if (a->opens * r->files <= 2 * r->opens)
		n = asprintf(&spread, "%.1f per file",
			     (double)r->opens / r->files);
	else if (b->opens * 4 < a->opens)
		n = asprintf(&spread, "the most: %s, %s times", a->path, first);
	else
		n = asprintf(&spread, "the most: %s %s times, %s %s", a->path,
			     first, b->path, second);
	if (n < 0)
		return NULL;
	if (asprintf(&s, "%s opens of %s distinct files, each opened more "
		     "than once (%s)", opens, files, spread) < 0)
		s = NULL;
	free(spread);
	return s;
}

static void repeated_opens_hint(struct hint_list *h, const struct repeats *r,
				uint64_t cost)
{
	struct hint hint = { .rule = "repeated_opens", .names_cause = true };
	char syscall[NUM_SIZE], time[TIME_SIZE];
	double per_file = (double)r->opens / r->files;
	char *where = hint_location(h, r->by.frame), *clause, *files;

	hint_fmt_pct(syscall, r->syscall_ns, h->p->wall_ns);
	hint_fmt_time(time, r->syscall_ns);
	clause = opener_clause(h, r, where);
	files = files_clause(r);
	if (clause && files)
		hint_text(&hint, "%s; their open, read and write syscalls "
			  "took %s of wall time (%s)%s: caching the files' "
			  "contents would remove most of that.", files,
			  syscall, time, clause);
	free(clause);
	free(files);
	hint_field_uint(&hint, "opens", r->opens);
	hint_field_uint(&hint, "files", r->files);
	hint_field_real(&hint, "opens_per_file", per_file);
	hint_field_copy(h, &hint, "most_opened", r->most[0]->path);
	hint_field_uint(&hint, "most_opened_opens", r->most[0]->opens);
	hint_field_uint(&hint, "syscall_ns", r->syscall_ns);
	hint_field_real(&hint, "syscall_pct",
			pct_of(r->syscall_ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_field_uint(&hint, "location_opens", r->by.opens);
	hint_field_real(&hint, "location_reopen_pct",
			pct_of(r->by_reopens, r->by_all_opens));
	field_wall_pct(h, &hint, "location_wall_pct", r->by.frame,
		       r->by_wall_ns);
	hint_field_real(&hint, "cost_pct", pct_of(cost, h->p->wall_ns));
	hint_push(h, &hint);
}

/* A file's busiest site is in the function of frame. */
static bool opened_in(const struct profile *p, const struct io_file *f,
		      int64_t frame)
{
	int64_t g = site_display_frame(p, f->site);

	return g >= 0 && !cmp_identity(p->frames[g].name, p->frames[g].module,
				       p->frames[frame].name,
				       p->frames[frame].module);
}

/* The opener's opens of any file, and of those its reopens. */
static void count_opener_opens(const struct profile *p, struct repeats *r)
{
	const struct io_file *f;
	size_t i;

	for (i = 0; i < p->io.n_files; i++) {
		f = &p->io.files[i];
		if (!f->site_opens || !opened_in(p, f, r->by.frame))
			continue;
		r->by_all_opens += f->site_opens;
		if (reread_file(p, f))
			r->by_reopens += f->site_opens - 1;
	}
}

/*
 * The part of the opener's wall time that went to reopening: its share
 * of the opens it made.  A read_file that only rereads has all its time
 * in them (Python's open() and read() cost more than their syscalls); a
 * directory walk that reopens a few of the thousands it opens, little.
 */
static uint64_t reopen_wall_ns(const struct repeats *r)
{
	if (!r->by_all_opens)
		return 0;
	return (unsigned __int128)r->by_wall_ns * r->by_reopens /
	       r->by_all_opens;
}

static void most_opened(const struct io_file **most, const struct io_file *f)
{
	if (!most[0] || f->opens > most[0]->opens) {
		most[1] = most[0];
		most[0] = f;
	} else if (!most[1] || f->opens > most[1]->opens) {
		most[1] = f;
	}
}

/*
 * Files opened more than once: the opens beyond each one's first, and
 * what they cost: their own open, read and write syscalls, or the part
 * of the wall time of the function that opened most of them that its
 * reopens are of its opens, whichever is more (caching would remove
 * both); not of code without a name, which may be anything (apt-get's
 * main dispatch, on 56% of the wall).  Only rows that are one file count
 * (io_file_repeated): a row of a cut path may be many files that end
 * alike, each opened once; nor what the dynamic loader opened, once in
 * each process started.
 */
void hint_repeated_opens(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	struct repeats r = { 0 };
	uint64_t cost;
	size_t i;

	for (i = 0; i < io->n_files; i++) {
		if (!reread_file(h->p, &io->files[i]))
			continue;
		most_opened(r.most, &io->files[i]);
		r.files++;
		r.opens += io->files[i].opens;
		r.syscall_ns += io->files[i].time_ns;
	}
	if (r.opens - r.files < REPEAT_MIN_EXTRA)
		return;
	if (hint_find_opener(h->p, true, &r.by)) {
		h->err = -ENOMEM;
		return;
	}
	if (r.by.frame >= 0) {
		if (h->p->frames[r.by.frame].resolved)
			r.by_wall_ns = opener_wall_ns(h->p, h->agg, r.by.frame,
						      &r.by_calls_app);
		count_opener_opens(h->p, &r);
	}
	cost = r.syscall_ns > reopen_wall_ns(&r) ? r.syscall_ns :
	       reopen_wall_ns(&r);
	if (hint_at_least_pct(cost, h->p->wall_ns, REPEAT_MIN_PCT))
		repeated_opens_hint(h, &r, cost);
}

/* ---- serial_network ---------------------------------------------------- */

static bool site_of_pid(const struct io_summary *io, int32_t site,
			uint32_t pid)
{
	return site >= 0 && (size_t)site < io->n_sites &&
	       io->sites[site].pid == pid;
}

static size_t requesting_procs(const struct io_summary *io)
{
	size_t i, n = 0;

	for (i = 0; i < io->n_procs; i++)
		n += io->procs[i].requests > 0;
	return n;
}

/*
 * The outbound endpoint with the most request time of those pid connected
 * to; endpoints are not kept per process, so that is known by where they
 * were connected from, or when pid is the only process with requests.
 */
static const struct io_endpoint *request_endpoint(const struct io_summary *io,
						  uint32_t pid)
{
	bool only = requesting_procs(io) == 1;
	const struct io_endpoint *e, *best = NULL;
	size_t i;

	for (i = 0; i < io->n_endpoints; i++) {
		e = &io->endpoints[i];
		if (e->inbound || !e->requests ||
		    !(only || site_of_pid(io, e->site, pid)))
			continue;
		if (!best || e->request_ns > best->request_ns)
			best = e;
	}
	return best;
}

/* Wall time if the busy time had gone k requests at a time: W / that. */
static double serial_speedup(uint64_t wall, uint64_t busy, uint64_t k)
{
	double w = wall, b = min_u64(busy, wall);

	return w / (w - b + b / k);
}

/* "In pid 7 (fetch), " when more than one process made requests. */
static void serial_prefix(const struct hint_list *h, uint32_t pid, char *buf,
			  size_t size)
{
	char comm[AGG_COMM_LEN];

	buf[0] = '\0';
	if (requesting_procs(&h->p->io) < 2)
		return;
	procs_comm(h->p, pid, comm);
	snprintf(buf, size, "In pid %" PRIu32 " (%s), ", pid, comm);
}

/* " to 127.0.0.1:8080", or ", 30 of them to ..." when it had only some. */
static char *endpoint_clause(const struct io_endpoint *e, uint64_t requests)
{
	char count[NUM_SIZE], *s = NULL;
	int n;

	if (!e)
		return strdup("");
	if (e->requests >= requests) {
		n = asprintf(&s, " to %s", e->name);
	} else {
		hint_fmt_count(count, e->requests);
		n = asprintf(&s, ", %s of them to %s", count, e->name);
	}
	return n < 0 ? NULL : s;
}

/* The estimate, and what bounds it when the server is known. */
struct serial_estimate {
	uint64_t k;		/* requests at a time */
	double speedup;		/* if the server keeps up */
	double bounded;		/* with its CPU on this machine's CPUs */
	uint32_t server_pid;	/* 0: no traced server on this machine */
	uint64_t server_cpu_ns;	/* its CPU, at most the busy time */
	uint64_t server_runq_ns;	/* its time waiting for a CPU */
	uint64_t cpu_floor_ns;	/* the least time that CPU can take */
};

/* An endpoint on this machine: loopback, or a Unix socket. */
static bool endpoint_local(const struct io_endpoint *e)
{
	return !strcmp(e->proto, "unix") || !strncmp(e->name, "127.", 4) ||
	       !strncmp(e->name, "[::1]", 5) ||
	       !strncmp(e->name, "localhost", 9);
}

/* Whether pid accepted connections in the profile: a server traced. */
static bool pid_serves(const struct io_summary *io, uint32_t pid)
{
	size_t i;

	for (i = 0; i < io->n_endpoints; i++)
		if (io->endpoints[i].inbound &&
		    site_of_pid(io, io->endpoints[i].site, pid))
			return true;
	return false;
}

/*
 * The traced processes on this machine that accepted connections, other
 * than the client: its server, when the client's endpoint is local too
 * (which of them served which port is not kept: all of them count).
 * Their on-CPU time and their time waiting for a CPU; the first one's
 * pid, 0 when none.
 */
static void local_server(const struct hint_list *h, uint32_t client,
			 const struct io_endpoint *e,
			 struct serial_estimate *est)
{
	const struct aggregate *agg = h->agg;
	size_t i;

	if (!e || !endpoint_local(e))
		return;
	for (i = 0; i < agg->n_procs; i++) {
		if (agg->procs[i].pid == client ||
		    !pid_serves(&h->p->io, agg->procs[i].pid))
			continue;
		if (!est->server_pid)
			est->server_pid = agg->procs[i].pid;
		est->server_cpu_ns += agg->procs[i].time.ns[WAIT_NONE];
		est->server_runq_ns += agg->procs[i].time.ns[WAIT_CPU];
	}
}

/*
 * W / (W − busy + busy / k), if the server answers k at once as fast as
 * one.  When it is traced here, its CPU for them cannot go faster than
 * this machine's CPUs allow, as busy as they were: it got the CPU for
 * cpu / (cpu + runnable) of the time it wanted it, so busy / k is at
 * least its CPU / min(k, CPUs × that share).
 */
static void serial_estimate(const struct hint_list *h,
			    const struct io_concurrency *c,
			    const struct io_endpoint *e,
			    struct serial_estimate *est)
{
	uint64_t wall = h->p->wall_ns, busy = min_u64(c->busy_ns, wall);
	double cpus = h->p->n_cpus, want, at_once;

	est->k = min_u64(c->requests, SERIAL_AT_A_TIME);
	est->speedup = serial_speedup(wall, busy, est->k);
	est->bounded = est->speedup;
	local_server(h, c->pid, e, est);
	if (!est->server_pid || !cpus || !est->server_cpu_ns)
		return;
	want = (double)est->server_cpu_ns + est->server_runq_ns;
	at_once = cpus * est->server_cpu_ns / want;
	at_once = at_once < est->k ? at_once : est->k;
	est->server_cpu_ns = min_u64(est->server_cpu_ns, busy);
	est->cpu_floor_ns = est->server_cpu_ns / at_once;
	if (est->cpu_floor_ns > (double)busy / est->k)
		est->bounded = (double)wall /
			       (wall - busy + (double)est->cpu_floor_ns);
}

/* ", if the server keeps up ...", or what bounds the estimate. */
static char *serial_assumption(const struct hint_list *h,
			       const struct serial_estimate *est)
{
	char comm[AGG_COMM_LEN], cpu[TIME_SIZE], floor[TIME_SIZE];
	char runq[TIME_SIZE], busy[TIME_SIZE + 64];
	char *s = NULL;
	int n;

	if (est->bounded >= est->speedup) {
		n = asprintf(&s, "up to %.1f×, if the server keeps up: that "
			     "assumes it answers %" PRIu64 " at once as fast "
			     "as one", est->speedup, est->k);
		return n < 0 ? NULL : s;
	}
	procs_comm(h->p, est->server_pid, comm);
	hint_fmt_time(cpu, est->server_cpu_ns);
	hint_fmt_time(runq, est->server_runq_ns);
	hint_fmt_time(floor, est->cpu_floor_ns);
	/* waits for a CPU worth naming: the CPUs were busy with others */
	if (est->server_runq_ns * 10 >= est->server_cpu_ns)
		snprintf(busy, sizeof(busy), " and waited %s for a CPU: "
			 "as busy as they were,", runq);
	else
		snprintf(busy, sizeof(busy), ", which");
	n = asprintf(&s, "up to %.1f×, not the %.1f× of a server that keeps "
		     "up: the server, traced here (%s, pid %" PRIu32 "), ran "
		     "%s of CPU for them%s this machine's %" PRIu32 " CPU%s "
		     "cannot do that in less than %s", est->bounded,
		     est->speedup, comm, est->server_pid, cpu, busy,
		     h->p->n_cpus, h->p->n_cpus == 1 ? "" : "s", floor);
	return n < 0 ? NULL : s;
}

static void serial_text(const struct hint_list *h, struct hint *hint,
			const struct io_concurrency *c,
			const struct io_endpoint *e, const char *where,
			const struct serial_estimate *est)
{
	char prefix[64 + AGG_COMM_LEN], busy[NUM_SIZE], busy_time[TIME_SIZE];
	char wall[TIME_SIZE], requests[NUM_SIZE], mean[TIME_SIZE];
	char *to = endpoint_clause(e, c->requests);
	char *up = serial_assumption(h, est);

	if (!to || !up)
		goto out;
	serial_prefix(h, c->pid, prefix, sizeof(prefix));
	hint_fmt_pct(busy, c->busy_ns, h->p->wall_ns);
	hint_fmt_time(busy_time, c->busy_ns);
	hint_fmt_time(wall, h->p->wall_ns);
	hint_fmt_count(requests, c->requests);
	hint_fmt_time(mean, c->request_ns / c->requests);
	hint_text(hint, "%s%s of wall time (%s of %s) had a request in "
		  "flight, never more than one at once: %s requests of %s on "
		  "average%s%s%s: issuing them %" PRIu64 " at a time could "
		  "cut wall time %s.", prefix, busy, busy_time, wall,
		  requests, mean, to, where ? ", made from " : "",
		  where ? where : "", est->k, up);
out:
	free(to);
	free(up);
}

static void serial_hint(struct hint_list *h, const struct io_concurrency *c)
{
	const struct io_endpoint *e = request_endpoint(&h->p->io, c->pid);
	struct hint hint = { .rule = "serial_network", .names_cause = true };
	struct serial_estimate est = { 0 };
	char *where = NULL;

	serial_estimate(h, c, e, &est);
	if (e)
		where = hint_location(h, site_display_frame(h->p, e->site));
	serial_text(h, &hint, c, e, where, &est);
	hint_field_uint(&hint, "pid", c->pid);
	hint_field_uint(&hint, "requests", c->requests);
	hint_field_uint(&hint, "mean_request_ns", c->request_ns / c->requests);
	hint_field_uint(&hint, "busy_ns", c->busy_ns);
	hint_field_real(&hint, "busy_pct", pct_of(c->busy_ns, h->p->wall_ns));
	hint_field_uint(&hint, "max_in_flight", c->max_in_flight);
	hint_field_copy(h, &hint, "endpoint", e ? e->name : NULL);
	hint_field_own(&hint, "location", where);
	hint_field_uint(&hint, "at_a_time", est.k);
	hint_field_real(&hint, "speedup", est.bounded);
	hint_field_real(&hint, "speedup_if_server_keeps_up", est.speedup);
	if (est.server_pid) {
		hint_field_uint(&hint, "server_pid", est.server_pid);
		hint_field_uint(&hint, "server_cpu_ns", est.server_cpu_ns);
		hint_field_uint(&hint, "server_runq_ns", est.server_runq_ns);
	} else {
		hint_field_null(&hint, "server_pid");
		hint_field_null(&hint, "server_cpu_ns");
		hint_field_null(&hint, "server_runq_ns");
	}
	hint_push(h, &hint);
}

/* A process whose requests went one at a time for much of the run. */
void hint_serial_network(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	const struct io_concurrency *c;
	size_t i;

	for (i = 0; i < io->n_procs; i++) {
		c = &io->procs[i];
		if (c->requests < SERIAL_MIN_REQUESTS ||
		    c->max_in_flight > SERIAL_MAX_IN_FLIGHT)
			continue;
		if (hint_at_least_pct(c->busy_ns, h->p->wall_ns,
				      SERIAL_MIN_BUSY_PCT))
			serial_hint(h, c);
	}
}

/* ---- slow_connects ----------------------------------------------------- */

static void slow_connects_hint(struct hint_list *h, const struct io_endpoint *e)
{
	struct hint hint = { .rule = "slow_connects", .names_cause = true };
	char *where = hint_location(h, site_display_frame(h->p, e->site));
	char slow[NUM_SIZE], all[NUM_SIZE], pct[NUM_SIZE], wall[TIME_SIZE];

	hint_fmt_count(slow, e->slow_connects);
	hint_fmt_count(all, e->connections);
	hint_fmt_pct(pct, e->slow_connect_ns, h->p->wall_ns);
	hint_fmt_time(wall, e->slow_connect_ns);
	hint_text(&hint, "%s of %s connections to %s took a second or more "
		  "to make (one of them was in the making for %s of wall time, "
		  "%s)%s%s: the server answered their SYN only when it was "
		  "sent again, a second later — its accept queue (the listen "
		  "backlog) was full, or packets were lost; a longer backlog "
		  "on the server (listen(fd, 128); Python's socketserver: "
		  "request_queue_size), fewer connections opened at once, or "
		  "reusing connections would remove that wait.", slow, all,
		  e->name, pct, wall, where ? ", made from " : "",
		  where ? where : "");
	hint_field_copy(h, &hint, "endpoint", e->name);
	hint_field_uint(&hint, "connections", e->connections);
	hint_field_uint(&hint, "slow_connects", e->slow_connects);
	hint_field_uint(&hint, "connect_ns", e->connect_ns);
	hint_field_uint(&hint, "wall_ns", e->slow_connect_ns);
	hint_field_real(&hint, "wall_pct",
			pct_of(e->slow_connect_ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}

/* Connections that waited for their SYN's retransmission, for a share of
 * the wall time. */
void hint_slow_connects(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	size_t i;

	for (i = 0; i < io->n_endpoints; i++)
		if (io->endpoints[i].slow_connects &&
		    hint_at_least_pct(io->endpoints[i].slow_connect_ns,
				      h->p->wall_ns, SLOW_CONNECT_MIN_PCT))
			slow_connects_hint(h, &io->endpoints[i]);
}

/* ---- small_reads ------------------------------------------------------- */

static void small_reads_hint(struct hint_list *h, const struct io_file *f)
{
	struct hint hint = { .rule = "small_reads", .names_cause = true };
	char reads[NUM_SIZE], mean[NUM_SIZE], pct[NUM_SIZE], time[TIME_SIZE];
	double mean_bytes = (double)f->read_bytes / f->reads;
	char *where = hint_location(h, site_display_frame(h->p, f->site));

	hint_fmt_count(reads, f->reads);
	hint_fmt_number(mean, mean_bytes);
	hint_fmt_pct(pct, f->time_ns, h->p->wall_ns);
	hint_fmt_time(time, f->time_ns);
	hint_text(&hint, "%s reads of %s averaging %s byte%s took %s of wall "
		  "time (%s) in syscalls on the file%s%s: reading in larger "
		  "blocks (a buffered reader) would remove most of those "
		  "syscalls.", reads, f->path, mean,
		  strcmp(mean, "1") ? "s" : "", pct, time,
		  where ? ", opened from " : "", where ? where : "");
	hint_field_copy(h, &hint, "path", f->path);
	hint_field_uint(&hint, "reads", f->reads);
	hint_field_uint(&hint, "read_bytes", f->read_bytes);
	hint_field_real(&hint, "mean_bytes", mean_bytes);
	hint_field_uint(&hint, "time_ns", f->time_ns);
	hint_field_real(&hint, "time_pct", pct_of(f->time_ns, h->p->wall_ns));
	hint_field_own(&hint, "location", where);
	hint_push(h, &hint);
}

/* A file read in many small pieces, its syscalls a part of the wall. */
void hint_small_reads(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	const struct io_file *f;
	size_t i;

	for (i = 0; i < io->n_files; i++) {
		f = &io->files[i];
		if (f->reads < SMALL_MIN_READS ||
		    f->read_bytes >= (unsigned __int128)f->reads * SMALL_MAX_MEAN)
			continue;
		if (hint_at_least_pct(f->time_ns, h->p->wall_ns,
				      SMALL_MIN_PCT))
			small_reads_hint(h, f);
	}
}
