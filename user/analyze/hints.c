// SPDX-License-Identifier: GPL-2.0
/*
 * The hint rules.  Each looks at one kind of cost, fires only when that
 * cost is large enough to be worth a change, and then says how large it
 * is, which code it comes from and what would remove it.  The thresholds
 * are here and in the README's Hints table.  Shares are compared in
 * integers, so that a threshold is met exactly at its value.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "analyze/hints.h"
#include "analyze/procs.h"

/* repeated_opens: the same files opened again and again */
#define REPEAT_MIN_EXTRA	10	/* opens beyond each file's first */
#define REPEAT_MIN_PCT		5	/* their cost, % of wall time */
/* serial_network: requests made one at a time */
#define SERIAL_MIN_REQUESTS	3
#define SERIAL_MAX_IN_FLIGHT	1
#define SERIAL_MIN_BUSY_PCT	20	/* time with one in flight, % of wall */
#define SERIAL_AT_A_TIME	8	/* requests at once, in the estimate */
/* spawns: a program run many times */
#define SPAWN_MIN_COUNT		10
#define SPAWN_MIN_PCT		10	/* its runs' wall time, % of wall */
/* small_reads: a file read in small pieces */
#define SMALL_MIN_READS		10000
#define SMALL_MAX_MEAN		512	/* bytes a read, on average: below */
#define SMALL_MIN_PCT		5	/* the file's syscalls, % of wall */
/* hot_library_function: library code the application calls */
#define HOT_LIB_MIN_PCT		10	/* on-CPU time with it, % of all */
#define HOT_LIB_MIN_WALL_PCT	5	/* ... and % of wall time: CPU that
					 * is a sliver of a waiting program's
					 * time is not worth a hint */
#define HOT_LIB_MAX		2	/* hints of this rule, at most */

#define NUM_SIZE	32	/* a number formatted */
#define TIME_SIZE	(NUM_SIZE + 8)	/* ... with its unit */

/* The hints so far; err is sticky, so that a rule can run to its end. */
struct hint_list {
	const struct profile *p;
	const struct aggregate *agg;
	struct hint *list;
	size_t n;
	int err;
};

/* Who opened the repeated files most. */
struct opener {
	int64_t frame;		/* its busiest site's display frame, -1 */
	uint64_t opens;		/* from all its sites */
};

/* Files opened more than once, together. */
struct repeats {
	uint64_t opens;
	uint64_t files;
	uint64_t syscall_ns;
	struct opener by;
	uint64_t by_wall_ns;	/* wall time of the opener's function */
};

/* Scratch of the search for the app code that calls a function. */
struct callers {
	uint64_t *by_frame;	/* samples, by the calling frame */
	uint64_t *by_func;	/* samples, by its function */
	size_t *frame_stamp;	/* 1 + index of the last stack counted */
	size_t *func_stamp;
};

/* part is at least pct percent of whole, which is not nothing. */
static bool at_least_pct(uint64_t part, uint64_t whole, unsigned int pct)
{
	return whole &&
	       (unsigned __int128)part * 100 >= (unsigned __int128)whole * pct;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* 9801 as "9,801". */
static void fmt_count(char *buf, uint64_t n)
{
	char digits[24];
	int len, i, o = 0;

	len = snprintf(digits, sizeof(digits), "%" PRIu64, n);
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* One decimal below 10, none from there, never ".0": "4.1", "9", "28". */
static void fmt_number(char *buf, double v)
{
	size_t len;

	snprintf(buf, NUM_SIZE, v < 9.95 ? "%.1f" : "%.0f", v);
	len = strlen(buf);
	if (len > 2 && !strcmp(buf + len - 2, ".0"))
		buf[len - 2] = '\0';
}

static void fmt_pct(char *buf, uint64_t part, uint64_t whole)
{
	fmt_number(buf, pct_of(part, whole));
	strcat(buf, "%");
}

/* "850 ns", "1.4 µs", "52 ms", "3.82 s". */
static void fmt_time(char *buf, uint64_t ns)
{
	char num[NUM_SIZE];

	if (ns >= 999500000) {
		snprintf(buf, TIME_SIZE, "%.2f s", ns / 1e9);
	} else if (ns >= 999500) {
		fmt_number(num, ns / 1e6);
		snprintf(buf, TIME_SIZE, "%s ms", num);
	} else if (ns >= 1000) {
		fmt_number(num, ns / 1e3);
		snprintf(buf, TIME_SIZE, "%s µs", num);
	} else {
		snprintf(buf, TIME_SIZE, "%" PRIu64 " ns", ns);
	}
}

/* "read_file (amalg.py:24)", or without the line or file it lacks. */
static char *location(struct hint_list *h, int64_t frame)
{
	const struct frame *f;
	char *s = NULL;
	int n;

	if (frame < 0 || h->err)
		return NULL;
	f = &h->p->frames[frame];
	if (f->file && f->line > 0)
		n = asprintf(&s, "%s (%s:%d)", f->name, path_basename(f->file),
			     f->line);
	else if (f->file)
		n = asprintf(&s, "%s (%s)", f->name, path_basename(f->file));
	else
		n = asprintf(&s, "%s", f->name);
	if (n < 0) {
		h->err = -ENOMEM;
		return NULL;
	}
	return s;
}

static struct hint_field *add_field(struct hint *hint, const char *name,
				    enum hint_type type)
{
	struct hint_field *f;

	assert(hint->n_fields < HINT_MAX_FIELDS);
	f = &hint->fields[hint->n_fields++];
	f->name = name;
	f->type = type;
	return f;
}

static void field_uint(struct hint *hint, const char *name, uint64_t v)
{
	add_field(hint, name, HINT_UINT)->u = v;
}

static void field_real(struct hint *hint, const char *name, double v)
{
	add_field(hint, name, HINT_REAL)->d = v;
}

/* s is the hint's from now on; NULL is a string not known. */
static void field_own(struct hint *hint, const char *name, char *s)
{
	add_field(hint, name, HINT_STR)->s = s;
}

static void field_copy(struct hint_list *h, struct hint *hint, const char *name,
		       const char *s)
{
	char *copy = s ? strdup(s) : NULL;

	if (s && !copy)
		h->err = -ENOMEM;
	field_own(hint, name, copy);
}

/* A share of the wall time, or null when there is no code to have one. */
static void field_wall_pct(const struct hint_list *h, struct hint *hint,
			   const char *name, int64_t frame, uint64_t ns)
{
	if (frame < 0)
		add_field(hint, name, HINT_NULL);
	else
		field_real(hint, name, pct_of(ns, h->p->wall_ns));
}

/* The text, or NULL when out of memory, which push_hint notices. */
__attribute__((format(printf, 2, 3)))
static void hint_text(struct hint *hint, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&hint->text, fmt, ap);
	va_end(ap);
	if (n < 0)
		hint->text = NULL;
}

static void hint_clear(struct hint *hint)
{
	size_t i;

	for (i = 0; i < hint->n_fields; i++)
		if (hint->fields[i].type == HINT_STR)
			free(hint->fields[i].s);
	free(hint->text);
}

/* The hint into the list, or freed when anything failed on the way. */
static void push_hint(struct hint_list *h, struct hint *hint)
{
	struct hint *list;

	if (!hint->text)
		h->err = -ENOMEM;
	if (!h->err) {
		list = realloc(h->list, (h->n + 1) * sizeof(*list));
		if (list) {
			h->list = list;
			h->list[h->n++] = *hint;
			return;
		}
		h->err = -ENOMEM;
	}
	hint_clear(hint);
}

/* Wall time of the frame's function; 0 when it has no time at all. */
static uint64_t frame_wall_ns(const struct aggregate *agg, int64_t frame)
{
	uint32_t func = agg->frame_func[frame];

	return func == AGG_NO_FUNC ? 0 : func_wall_ns(&agg->funcs[func]);
}

/* ---- repeated_opens ---------------------------------------------------- */

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

/* The function that opened the files opened more than once most. */
static int find_opener(const struct profile *p, struct opener *top)
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
		if (io->files[i].opens < 2 || f < 0 || !io->files[i].site_opens)
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
		fmt_count(count, r->by.opens);
		snprintf(opened, sizeof(opened), "at least %s of them", count);
	}
	fmt_pct(wall, r->by_wall_ns, h->p->wall_ns);
	if (r->by_wall_ns)
		n = asprintf(&s, ", and %s, which opened %s, is on %s of wall "
			     "time", where, opened, wall);
	else
		n = asprintf(&s, ", and %s opened %s", where, opened);
	return n < 0 ? NULL : s;
}

static void repeated_opens_hint(struct hint_list *h, const struct repeats *r)
{
	struct hint hint = { .rule = "repeated_opens" };
	char opens[NUM_SIZE], files[NUM_SIZE], syscall[NUM_SIZE];
	char time[TIME_SIZE];
	double per_file = (double)r->opens / r->files;
	char *where = location(h, r->by.frame), *clause;

	fmt_count(opens, r->opens);
	fmt_count(files, r->files);
	fmt_pct(syscall, r->syscall_ns, h->p->wall_ns);
	fmt_time(time, r->syscall_ns);
	clause = opener_clause(h, r, where);
	if (clause)
		hint_text(&hint, "%s opens of %s distinct files, each opened "
			  "more than once (%.1f per file); their open, read "
			  "and write syscalls took %s of wall time (%s)%s: "
			  "caching the files' contents would remove most of "
			  "that.", opens, files, per_file, syscall, time,
			  clause);
	free(clause);
	field_uint(&hint, "opens", r->opens);
	field_uint(&hint, "files", r->files);
	field_real(&hint, "opens_per_file", per_file);
	field_uint(&hint, "syscall_ns", r->syscall_ns);
	field_real(&hint, "syscall_pct", pct_of(r->syscall_ns, h->p->wall_ns));
	field_own(&hint, "location", where);
	field_uint(&hint, "location_opens", r->by.opens);
	field_wall_pct(h, &hint, "location_wall_pct", r->by.frame,
		       r->by_wall_ns);
	push_hint(h, &hint);
}

/*
 * Files opened more than once: the opens beyond each one's first, and
 * what they cost: their syscalls, or the function that opened most of
 * them, whichever is more (it reads and parses them too).
 */
static void repeated_opens(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	struct repeats r = { 0 };
	uint64_t cost;
	size_t i;

	for (i = 0; i < io->n_files; i++) {
		if (io->files[i].opens < 2)
			continue;
		r.files++;
		r.opens += io->files[i].opens;
		r.syscall_ns += io->files[i].time_ns;
	}
	if (r.opens - r.files < REPEAT_MIN_EXTRA)
		return;
	if (find_opener(h->p, &r.by)) {
		h->err = -ENOMEM;
		return;
	}
	if (r.by.frame >= 0)
		r.by_wall_ns = frame_wall_ns(h->agg, r.by.frame);
	cost = r.syscall_ns > r.by_wall_ns ? r.syscall_ns : r.by_wall_ns;
	if (at_least_pct(cost, h->p->wall_ns, REPEAT_MIN_PCT))
		repeated_opens_hint(h, &r);
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
		fmt_count(count, e->requests);
		n = asprintf(&s, ", %s of them to %s", count, e->name);
	}
	return n < 0 ? NULL : s;
}

static void serial_text(const struct hint_list *h, struct hint *hint,
			const struct io_concurrency *c,
			const struct io_endpoint *e, const char *where,
			uint64_t k, double speedup)
{
	char prefix[64 + AGG_COMM_LEN], busy[NUM_SIZE], busy_time[TIME_SIZE];
	char wall[TIME_SIZE], requests[NUM_SIZE], mean[TIME_SIZE];
	char *to = endpoint_clause(e, c->requests);

	if (!to)
		return;
	serial_prefix(h, c->pid, prefix, sizeof(prefix));
	fmt_pct(busy, c->busy_ns, h->p->wall_ns);
	fmt_time(busy_time, c->busy_ns);
	fmt_time(wall, h->p->wall_ns);
	fmt_count(requests, c->requests);
	fmt_time(mean, c->request_ns / c->requests);
	hint_text(hint, "%s%s of wall time (%s of %s) had a request in "
		  "flight, never more than one at once: %s requests of %s on "
		  "average%s%s%s: issuing them %" PRIu64 " at a time could "
		  "cut wall time up to %.1f×.", prefix, busy, busy_time, wall,
		  requests, mean, to, where ? ", made from " : "",
		  where ? where : "", k, speedup);
	free(to);
}

static void serial_hint(struct hint_list *h, const struct io_concurrency *c)
{
	const struct io_endpoint *e = request_endpoint(&h->p->io, c->pid);
	struct hint hint = { .rule = "serial_network" };
	uint64_t k = min_u64(c->requests, SERIAL_AT_A_TIME);
	double speedup = serial_speedup(h->p->wall_ns, c->busy_ns, k);
	char *where = e ? location(h, site_display_frame(h->p, e->site)) : NULL;

	serial_text(h, &hint, c, e, where, k, speedup);
	field_uint(&hint, "pid", c->pid);
	field_uint(&hint, "requests", c->requests);
	field_uint(&hint, "mean_request_ns", c->request_ns / c->requests);
	field_uint(&hint, "busy_ns", c->busy_ns);
	field_real(&hint, "busy_pct", pct_of(c->busy_ns, h->p->wall_ns));
	field_uint(&hint, "max_in_flight", c->max_in_flight);
	field_copy(h, &hint, "endpoint", e ? e->name : NULL);
	field_own(&hint, "location", where);
	field_uint(&hint, "at_a_time", k);
	field_real(&hint, "speedup", speedup);
	push_hint(h, &hint);
}

/* A process whose requests went one at a time for much of the run. */
static void serial_network(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	const struct io_concurrency *c;
	size_t i;

	for (i = 0; i < io->n_procs; i++) {
		c = &io->procs[i];
		if (c->requests < SERIAL_MIN_REQUESTS ||
		    c->max_in_flight > SERIAL_MAX_IN_FLIGHT)
			continue;
		if (at_least_pct(c->busy_ns, h->p->wall_ns,
				 SERIAL_MIN_BUSY_PCT))
			serial_hint(h, c);
	}
}

/* ---- spawns ------------------------------------------------------------ */

static void spawn_hint(struct hint_list *h, const struct io_spawn *s)
{
	struct hint hint = { .rule = "spawns" };
	char count[NUM_SIZE], mean[TIME_SIZE], wall[TIME_SIZE], pct[NUM_SIZE];
	char *where = location(h, site_display_frame(h->p, s->site));

	fmt_count(count, s->count);
	fmt_time(mean, s->wall_ns / s->count);
	fmt_time(wall, s->wall_ns);
	fmt_pct(pct, s->wall_ns, h->p->wall_ns);
	hint_text(&hint, "%s ran %s times (%s on average, %s in all = %s of "
		  "wall time)%s%s: doing the work in-process or in fewer, "
		  "larger runs would remove most of it.", s->program, count,
		  mean, wall, pct, where ? ", spawned from " : "",
		  where ? where : "");
	field_copy(h, &hint, "program", s->program);
	field_uint(&hint, "count", s->count);
	field_uint(&hint, "mean_ns", s->wall_ns / s->count);
	field_uint(&hint, "wall_ns", s->wall_ns);
	field_real(&hint, "wall_pct", pct_of(s->wall_ns, h->p->wall_ns));
	field_own(&hint, "location", where);
	push_hint(h, &hint);
}

/* A program run many times, its runs a good part of the wall time. */
static void spawns(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	size_t i;

	for (i = 0; i < io->n_spawns; i++)
		if (io->spawns[i].count >= SPAWN_MIN_COUNT &&
		    at_least_pct(io->spawns[i].wall_ns, h->p->wall_ns,
				 SPAWN_MIN_PCT))
			spawn_hint(h, &io->spawns[i]);
}

/* ---- small_reads ------------------------------------------------------- */

static void small_reads_hint(struct hint_list *h, const struct io_file *f)
{
	struct hint hint = { .rule = "small_reads" };
	char reads[NUM_SIZE], mean[NUM_SIZE], pct[NUM_SIZE], time[TIME_SIZE];
	double mean_bytes = (double)f->read_bytes / f->reads;
	char *where = location(h, site_display_frame(h->p, f->site));

	fmt_count(reads, f->reads);
	fmt_number(mean, mean_bytes);
	fmt_pct(pct, f->time_ns, h->p->wall_ns);
	fmt_time(time, f->time_ns);
	hint_text(&hint, "%s reads of %s averaging %s byte%s took %s of wall "
		  "time (%s) in syscalls on the file%s%s: reading in larger "
		  "blocks (a buffered reader) would remove most of those "
		  "syscalls.", reads, f->path, mean,
		  strcmp(mean, "1") ? "s" : "", pct, time,
		  where ? ", opened from " : "", where ? where : "");
	field_copy(h, &hint, "path", f->path);
	field_uint(&hint, "reads", f->reads);
	field_uint(&hint, "read_bytes", f->read_bytes);
	field_real(&hint, "mean_bytes", mean_bytes);
	field_uint(&hint, "time_ns", f->time_ns);
	field_real(&hint, "time_pct", pct_of(f->time_ns, h->p->wall_ns));
	field_own(&hint, "location", where);
	push_hint(h, &hint);
}

/* A file read in many small pieces, its syscalls a part of the wall. */
static void small_reads(struct hint_list *h)
{
	const struct io_summary *io = &h->p->io;
	const struct io_file *f;
	size_t i;

	for (i = 0; i < io->n_files; i++) {
		f = &io->files[i];
		if (f->reads < SMALL_MIN_READS ||
		    f->read_bytes >= (unsigned __int128)f->reads * SMALL_MAX_MEAN)
			continue;
		if (at_least_pct(f->time_ns, h->p->wall_ns, SMALL_MIN_PCT))
			small_reads_hint(h, f);
	}
}

/* ---- hot_library_function ---------------------------------------------- */

/*
 * Library code the profile can name: a function of a Python module, or a
 * named function of a shared library; not the interpreter's internals.
 */
static bool library_frame(const struct frame *f)
{
	size_t len = f->file ? strlen(f->file) : 0;

	if (f->cls != CLASS_LIBRARY && f->cls != CLASS_RUNTIME)
		return false;
	if (len >= 3 && !strcmp(f->file + len - 3, ".py"))
		return true;
	return f->cls == CLASS_LIBRARY && f->resolved;
}

/* Samples of on-CPU stack idx where app code calls func directly. */
static void count_callers(const struct hint_list *h, size_t idx, uint32_t func,
			  struct callers *c)
{
	const struct stack_sample *s = &h->p->stacks[idx];
	const uint32_t *frame_func = h->agg->frame_func;
	uint32_t k, caller, cf;

	for (k = 1; k < s->n_frames; k++) {
		caller = s->frames[k - 1];
		if (frame_func[s->frames[k]] != func ||
		    h->p->frames[caller].cls != CLASS_APP)
			continue;
		/* Once per stack, even under recursion. */
		if (c->frame_stamp[caller] != idx + 1) {
			c->frame_stamp[caller] = idx + 1;
			c->by_frame[caller] += s->count;
		}
		cf = frame_func[caller];
		if (cf != AGG_NO_FUNC && c->func_stamp[cf] != idx + 1) {
			c->func_stamp[cf] = idx + 1;
			c->by_func[cf] += s->count;
		}
	}
}

/*
 * The app function that calls func directly in the most samples, and of
 * its frames (lines) the one that does most; -1 when no app code does.
 */
static int64_t find_caller(const struct hint_list *h, uint32_t func,
			   struct callers *c, uint64_t *samples)
{
	const struct profile *p = h->p;
	size_t i, best = 0;
	int64_t frame = -1;

	memset(c->by_frame, 0, p->n_frames * sizeof(*c->by_frame));
	memset(c->frame_stamp, 0, p->n_frames * sizeof(*c->frame_stamp));
	memset(c->by_func, 0, h->agg->n_funcs * sizeof(*c->by_func));
	memset(c->func_stamp, 0, h->agg->n_funcs * sizeof(*c->func_stamp));
	for (i = 0; i < p->n_stacks; i++)
		if (stack_on_cpu(&p->stacks[i]))
			count_callers(h, i, func, c);
	for (i = 1; i < h->agg->n_funcs; i++)
		if (c->by_func[i] > c->by_func[best])
			best = i;
	*samples = h->agg->n_funcs ? c->by_func[best] : 0;
	if (!*samples)
		return -1;
	for (i = 0; i < p->n_frames; i++)
		if (h->agg->frame_func[i] == best &&
		    (frame < 0 || c->by_frame[i] > c->by_frame[frame]))
			frame = i;
	return frame;
}

static void hot_library_hint(struct hint_list *h, const struct func_stat *fs,
			     int64_t caller, uint64_t samples)
{
	struct hint hint = { .rule = "hot_library_function" };
	uint64_t cpu = h->agg->time.ns[WAIT_NONE];
	char share[NUM_SIZE], time[TIME_SIZE], called[NUM_SIZE];
	char *where = location(h, caller);

	fmt_pct(share, fs->total_ns, cpu);
	fmt_time(time, fs->total_ns);
	fmt_pct(called, samples, fs->total);
	if (where)
		hint_text(&hint, "%s is on %s of on-CPU time (%s), %s of it "
			  "called directly from %s: calling it less often, or "
			  "caching its results, would save up to that.",
			  fs->name, share, time, called, where);
	field_copy(h, &hint, "function", fs->name);
	field_copy(h, &hint, "module", fs->module);
	field_uint(&hint, "cpu_ns", fs->total_ns);
	field_real(&hint, "cpu_pct", pct_of(fs->total_ns, cpu));
	field_own(&hint, "location", where);
	field_real(&hint, "caller_pct", pct_of(samples, fs->total));
	push_hint(h, &hint);
}

static int cmp_candidate(const void *a, const void *b, void *ctx)
{
	const struct func_stat *funcs = ctx;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	uint64_t na = funcs[ia].total_ns, nb = funcs[ib].total_ns;

	if (na != nb)
		return na < nb ? 1 : -1;
	return (ia > ib) - (ia < ib);
}

/* Library functions with at least HOT_LIB_MIN_PCT of on-CPU time and
 * HOT_LIB_MIN_WALL_PCT of wall time. */
static size_t hot_library_candidates(const struct hint_list *h, uint32_t *out,
				     bool *library)
{
	const struct aggregate *agg = h->agg;
	size_t i, n = 0;

	for (i = 0; i < h->p->n_frames; i++)
		if (agg->frame_func[i] != AGG_NO_FUNC &&
		    library_frame(&h->p->frames[i]))
			library[agg->frame_func[i]] = true;
	for (i = 0; i < agg->n_funcs; i++)
		if (library[i] && at_least_pct(agg->funcs[i].total_ns,
					       agg->time.ns[WAIT_NONE],
					       HOT_LIB_MIN_PCT) &&
		    at_least_pct(agg->funcs[i].total_ns, h->p->wall_ns,
				 HOT_LIB_MIN_WALL_PCT))
			out[n++] = i;
	qsort_r(out, n, sizeof(*out), cmp_candidate, agg->funcs);
	return n;
}

static void free_callers(struct callers *c)
{
	free(c->by_frame);
	free(c->by_func);
	free(c->frame_stamp);
	free(c->func_stamp);
}

/*
 * The library functions with most on-CPU time that application code calls
 * directly: where the application spends its CPU in code it did not
 * write, and the line that calls it.
 */
static void hot_library_functions(struct hint_list *h)
{
	size_t nf = h->p->n_frames ? h->p->n_frames : 1;
	size_t nu = h->agg->n_funcs ? h->agg->n_funcs : 1;
	struct callers c = {
		.by_frame = calloc(nf, sizeof(*c.by_frame)),
		.by_func = calloc(nu, sizeof(*c.by_func)),
		.frame_stamp = calloc(nf, sizeof(*c.frame_stamp)),
		.func_stamp = calloc(nu, sizeof(*c.func_stamp)),
	};
	uint32_t *cand = calloc(nu, sizeof(*cand));
	bool *library = calloc(nu, sizeof(*library));
	size_t i, n, fired = 0;
	uint64_t samples;
	int64_t caller;

	if (!c.by_frame || !c.by_func || !c.frame_stamp || !c.func_stamp ||
	    !cand || !library) {
		h->err = -ENOMEM;
		goto out;
	}
	n = hot_library_candidates(h, cand, library);
	for (i = 0; i < n && fired < HOT_LIB_MAX && !h->err; i++) {
		caller = find_caller(h, cand[i], &c, &samples);
		if (caller < 0)
			continue;
		hot_library_hint(h, &h->agg->funcs[cand[i]], caller, samples);
		fired++;
	}
out:
	free_callers(&c);
	free(cand);
	free(library);
}

/* ---- all rules --------------------------------------------------------- */

int build_hints(const struct profile *p, const struct aggregate *agg,
		struct hint **hints, size_t *n)
{
	struct hint_list h = { .p = p, .agg = agg };

	*hints = NULL;
	*n = 0;
	repeated_opens(&h);
	serial_network(&h);
	spawns(&h);
	small_reads(&h);
	hot_library_functions(&h);
	if (h.err) {
		hints_free(h.list, h.n);
		return h.err;
	}
	*hints = h.list;
	*n = h.n;
	return 0;
}

void hints_free(struct hint *hints, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		hint_clear(&hints[i]);
	free(hints);
}

const struct hint_field *hint_field(const struct hint *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->n_fields; i++)
		if (!strcmp(h->fields[i].name, name))
			return &h->fields[i];
	return NULL;
}
