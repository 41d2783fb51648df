/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Profiles built by hand for the unit tests, owned the way the record
 * stage owns them (every string malloc'd), so profile_free releases them.
 */
#ifndef WHYSLOW_PROFILE_FIXTURE_H
#define WHYSLOW_PROFILE_FIXTURE_H

#include <ftw.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "profile/profile.h"

#define FX_PERIOD_NS	10000000ull	/* 100 Hz */

static inline void *fx_grow(void *array, size_t n, size_t size)
{
	array = realloc(array, (n + 1) * size);
	assert_non_null(array);
	memset((char *)array + n * size, 0, size);
	return array;
}

static inline char *fx_strdup(const char *s)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	assert_non_null(copy);
	return copy;
}

static inline struct profile *fx_new(const char *command)
{
	struct profile *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	p->command = fx_strdup(command);
	p->wall_ns = 10500000000ull;
	p->cpu_user_ns = 9800000000ull;
	p->cpu_sys_ns = 200000000ull;
	p->cpu_from_rusage = true;
	p->frequency_hz = 100;
	p->period_ns = FX_PERIOD_NS;
	p->quality.requested_hz = 100;
	p->quality.max_hz = 100000;
	return p;
}

static inline void fx_free(struct profile *p)
{
	profile_free(p);
	free(p);
}

/* A frame with a source line; returns its index. */
static inline uint32_t fx_frame_at(struct profile *p, const char *name,
				   const char *module, enum frame_class cls,
				   const char *file, int line)
{
	struct frame *f;

	p->frames = fx_grow(p->frames, p->n_frames, sizeof(*p->frames));
	f = &p->frames[p->n_frames];
	f->name = fx_strdup(name);
	f->module = fx_strdup(module);
	f->file = fx_strdup(file);
	f->line = line;
	f->cls = cls;
	f->resolved = true;
	return p->n_frames++;
}

static inline uint32_t fx_frame(struct profile *p, const char *name,
				const char *module, enum frame_class cls)
{
	return fx_frame_at(p, name, module, cls, NULL, 0);
}

static inline struct stack_sample *fx_stack_n(struct profile *p, uint32_t pid,
					      uint32_t tid, uint64_t count,
					      const uint32_t *frames,
					      uint32_t n_frames)
{
	struct stack_sample *s;
	size_t i;

	p->stacks = fx_grow(p->stacks, p->n_stacks, sizeof(*p->stacks));
	s = &p->stacks[p->n_stacks++];
	s->pid = pid;
	s->tid = tid;
	s->count = count;
	s->ns = count * p->period_ns;
	s->n_frames = n_frames;
	s->frames = calloc(n_frames ? n_frames : 1, sizeof(*s->frames));
	assert_non_null(s->frames);
	for (i = 0; i < n_frames; i++) {
		s->frames[i] = frames[i];
		p->quality.frames_total += count;
		if (!p->frames[frames[i]].resolved)
			p->quality.frames_unresolved += count;
	}
	p->samples += count;
	return s;
}

/* FX_STACK(p, pid, tid, count, root, ..., leaf) */
#define FX_STACK(p, pid, tid, count, ...)				\
	fx_stack_n(p, pid, tid, count, (const uint32_t[]){ __VA_ARGS__ },\
		   sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))

/*
 * s made an off-CPU stack: count intervals waiting ns in all for reason,
 * on target (NULL for none).  FX_WAIT(p, pid, tid, count, reason, ns,
 * target, root, ..., leaf)
 */
static inline struct stack_sample *fx_wait(struct profile *p,
					   struct stack_sample *s,
					   enum wait_reason reason, uint64_t ns,
					   const char *target)
{
	p->samples -= s->count;
	s->reason = reason;
	s->ns = ns;
	s->syscall = -1;
	s->target = fx_strdup(target);
	return s;
}

#define FX_WAIT(p, pid, tid, count, reason, ns, target, ...)		\
	fx_wait(p, FX_STACK(p, pid, tid, count, __VA_ARGS__), reason, ns, \
		target)

static inline void fx_thread(struct profile *p, uint32_t pid, uint32_t tid,
			     const char *comm)
{
	p->threads = fx_grow(p->threads, p->n_threads, sizeof(*p->threads));
	p->threads[p->n_threads].pid = pid;
	p->threads[p->n_threads].tid = tid;
	strncpy(p->threads[p->n_threads].comm, comm,
		sizeof(p->threads[0].comm) - 1);
	p->n_threads++;
}

static inline void fx_proc(struct profile *p, uint32_t pid, uint32_t ppid,
			   const char *comm, const char *exe)
{
	p->procs = fx_grow(p->procs, p->n_procs, sizeof(*p->procs));
	p->procs[p->n_procs].pid = pid;
	p->procs[p->n_procs].ppid = ppid;
	strncpy(p->procs[p->n_procs].comm, comm, sizeof(p->procs[0].comm) - 1);
	p->procs[p->n_procs].exe = fx_strdup(exe);
	p->n_procs++;
	fx_thread(p, pid, pid, comm);
}

/* ---- I/O, as the record stage summarizes it ---- */

/* A site of pid: FX_IO_SITE(p, pid, root, ..., leaf); returns its index. */
static inline int32_t fx_io_site_n(struct profile *p, uint32_t pid,
				   const uint32_t *frames, uint32_t n_frames)
{
	struct io_site *s;

	p->io.sites = fx_grow(p->io.sites, p->io.n_sites, sizeof(*p->io.sites));
	s = &p->io.sites[p->io.n_sites];
	s->pid = pid;
	s->n_frames = n_frames;
	s->frames = calloc(n_frames ? n_frames : 1, sizeof(*s->frames));
	assert_non_null(s->frames);
	memcpy(s->frames, frames, n_frames * sizeof(*frames));
	return p->io.n_sites++;
}

#define FX_IO_SITE(p, pid, ...)						\
	fx_io_site_n(p, pid, (const uint32_t[]){ __VA_ARGS__ },	\
		     sizeof((const uint32_t[]){ __VA_ARGS__ }) /	\
		     sizeof(uint32_t))

/*
 * A file opened opens times, all from site (IO_NO_SITE: none), time_ns in
 * its syscalls, a byte read at each open (a file read, not only written);
 * the rest is the caller's to set, through the pointer, before the next
 * file.  Files are listed in the order they are added.
 */
static inline struct io_file *fx_io_file(struct profile *p, const char *path,
					 uint64_t opens, uint64_t time_ns,
					 int32_t site)
{
	struct io_file *f;

	p->io.traced = true;
	p->io.files = fx_grow(p->io.files, p->io.n_files, sizeof(*p->io.files));
	f = &p->io.files[p->io.n_files++];
	f->path = fx_strdup(path);
	f->opens = opens;
	f->time_ns = time_ns;
	f->read_bytes = opens;
	f->site = site;
	f->site_opens = site == IO_NO_SITE ? 0 : opens;
	return f;
}

/* An outbound endpoint connected to from site; the rest as above. */
static inline struct io_endpoint *fx_io_endpoint(struct profile *p,
						 const char *name,
						 const char *proto,
						 int32_t site)
{
	struct io_endpoint *e;

	p->io.traced = true;
	p->io.endpoints = fx_grow(p->io.endpoints, p->io.n_endpoints,
				  sizeof(*p->io.endpoints));
	e = &p->io.endpoints[p->io.n_endpoints++];
	e->name = fx_strdup(name);
	strncpy(e->proto, proto, sizeof(e->proto) - 1);
	e->site = site;
	return e;
}

static inline struct io_concurrency *fx_io_proc(struct profile *p,
						uint32_t pid,
						uint64_t requests,
						uint64_t request_ns,
						uint64_t busy_ns,
						uint32_t max_in_flight)
{
	struct io_concurrency *c;

	p->io.traced = true;
	p->io.procs = fx_grow(p->io.procs, p->io.n_procs, sizeof(*p->io.procs));
	c = &p->io.procs[p->io.n_procs++];
	c->pid = pid;
	c->requests = requests;
	c->request_ns = request_ns;
	c->busy_ns = busy_ns;
	c->max_in_flight = max_in_flight;
	return c;
}

/* program run count times for wall_ns in all, all forked from site. */
static inline struct io_spawn *fx_io_spawn(struct profile *p,
					   const char *program, uint64_t count,
					   uint64_t wall_ns, int32_t site)
{
	struct io_spawn *s;

	p->io.traced = true;
	p->io.spawns = fx_grow(p->io.spawns, p->io.n_spawns,
			       sizeof(*p->io.spawns));
	s = &p->io.spawns[p->io.n_spawns++];
	s->program = fx_strdup(program);
	s->count = count;
	s->wall_ns = wall_ns;
	s->site = site;
	s->site_count = site == IO_NO_SITE ? 0 : count;
	return s;
}

/* A line for Data quality, as the record stage adds them. */
static inline void fx_note(struct profile *p, const char *note)
{
	p->notes = fx_grow(p->notes, p->n_notes, sizeof(*p->notes));
	p->notes[p->n_notes++] = fx_strdup(note);
}

/* A new directory for the files of one test; malloc'd path. */
static inline char *fx_tmpdir(void)
{
	char *dir = fx_strdup("/tmp/whyslow-test-XXXXXX");

	assert_non_null(mkdtemp(dir));
	return dir;
}

/* dir/name holding len bytes of data; malloc'd path. */
static inline char *fx_write_file(const char *dir, const char *name,
				  const void *data, size_t len)
{
	char *path;
	FILE *f;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/*
 * dir/name holding head_len bytes of head, then a line of n 'é' (2 bytes
 * each), then tail; malloc'd path.
 */
static inline char *fx_write_long_line(const char *dir, const char *name,
				       const char *head, size_t head_len,
				       size_t n, const char *tail)
{
	char *text = NULL, *path;
	size_t len = 0, i;
	FILE *f;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	fwrite(head, 1, head_len, f);
	for (i = 0; i < n; i++)
		fputs("\xc3\xa9", f);
	fputs(tail, f);
	assert_int_equal(fclose(f), 0);
	path = fx_write_file(dir, name, text, len);
	free(text);
	return path;
}

static inline int fx_remove(const char *path, const struct stat *st,
			    int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

/* Removes dir and all below it, and frees its path. */
static inline void fx_rmtree(char *dir)
{
	assert_int_equal(nftw(dir, fx_remove, 8, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

/*
 * The 70/30 profile: "demo" spends 700 samples in burn_a (hot.c:12) and
 * 300 in burn_b (hot.c:30), both called from main.
 */
static inline struct profile *fx_profile_70_30(void)
{
	struct profile *p = fx_new("./demo --iterations 5");
	uint32_t main_f, a, b;

	fx_proc(p, 100, 1, "demo", "/home/u/demo");
	main_f = fx_frame_at(p, "main", "demo", CLASS_APP, "hot.c", 40);
	a = fx_frame_at(p, "burn_a", "demo", CLASS_APP, "hot.c", 12);
	b = fx_frame_at(p, "burn_b", "demo", CLASS_APP, "hot.c", 30);
	FX_STACK(p, 100, 100, 700, main_f, a);
	FX_STACK(p, 100, 100, 300, main_f, b);
	return p;
}

#endif
