// SPDX-License-Identifier: GPL-2.0
/*
 * Which frame shows a stack, an I/O site or a spawned program's runs in
 * the tables, hints and verdict: where the reader's code is, else the
 * nearest code with a name.
 */
#include <string.h>

#include "lib/util.h"
#include "analyze/aggregate.h"
#include "classify/frame.h"

/* record/collect.c names such code "[unknown]" in module "[unknown]"; a
 * perf map's is in "[jit]". */
bool frame_anon(const struct frame *f)
{
	return !f->resolved && !f->path && f->module &&
	       !strcmp(f->module, "[unknown]");
}

bool frame_python_code(const struct frame *f)
{
	return f->file && !f->path && f->cls != CLASS_KERNEL &&
	       strncmp(f->file, "<frozen ", 8);
}

/* Go's system-call plumbing, which says nothing of what a goroutine
 * with no code of the program's (net/http's dialing) was doing. */
static bool go_plumbing(const char *name)
{
	static const char *const prefixes[] = {
		"runtime.", "runtime/internal/", "syscall.", "internal/",
	};
	size_t i;

	for (i = 0; name && i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* The innermost frame of frames[0..n) with a name, past Go's plumbing;
 * -1 none. */
static int64_t past_plumbing(const struct profile *p, const uint32_t *frames,
			     uint32_t n)
{
	const struct frame *f;

	while (n--) {
		f = &p->frames[frames[n]];
		if (f->cls != CLASS_KERNEL && !frame_anon(f) &&
		    !go_plumbing(f->name))
			return frames[n];
	}
	return -1;
}

int64_t display_frame(const struct profile *p, const uint32_t *frames,
		      uint32_t n)
{
	int64_t user = -1, anon = -1, py = -1, past;
	const struct frame *f;
	uint32_t i = n;

	while (i--) {
		f = &p->frames[frames[i]];
		if (f->cls == CLASS_APP)
			return frames[i];
		if (f->cls == CLASS_KERNEL)
			continue;
		if (py < 0 && frame_python_code(f))
			py = frames[i];
		if (!frame_anon(f) && user < 0)
			user = frames[i];
		else if (frame_anon(f) && anon < 0)
			anon = frames[i];
	}
	if (py >= 0)
		return py;
	if (user >= 0 && go_plumbing(p->frames[user].name) &&
	    (past = past_plumbing(p, frames, n)) >= 0)
		return past;
	return user >= 0 ? user : anon;
}

/* libc's way to start a process: where a stripped program (dash) forks,
 * the innermost frame with a name, and saying nothing of the caller. */
static bool spawn_machinery(const struct frame *f)
{
	static const char *const names[] = {
		"__vfork", "vfork", "fork", "__fork", "_Fork", "__libc_fork",
		"posix_spawn", "posix_spawnp", "__posix_spawn", "__spawni",
		"__spawnix", "__spawni_child", "system", "__libc_system",
		"do_system", "execve", "__execve", "execv", "execvp",
		"execvpe", "__execvpe", "execl", "execlp", "execle",
		"clone", "__clone", "clone3", "__clone3", "__clone_internal",
	};
	if (f->cls == CLASS_APP || f->cls == CLASS_KERNEL)
		return false;
	return name_in(f->name, names, ARRAY_SIZE(names));
}

int64_t site_display_frame(const struct profile *p, int32_t site)
{
	const struct io_site *s;
	int64_t frame;
	uint32_t n;

	if (site < 0 || (size_t)site >= p->io.n_sites)
		return -1;
	s = &p->io.sites[site];
	frame = display_frame(p, s->frames, s->n_frames);
	if (frame < 0 || !spawn_machinery(&p->frames[frame]))
		return frame;
	/* its first caller outside them, if the stack goes on */
	for (n = s->n_frames; n && s->frames[n - 1] != frame; n--)
		;
	while (n && (spawn_machinery(&p->frames[s->frames[n - 1]]) ||
		     p->frames[s->frames[n - 1]].cls == CLASS_KERNEL))
		n--;
	return n ? display_frame(p, s->frames, n) : -1;
}

int64_t spawn_display_frame(const struct profile *p, const struct io_spawn *s)
{
	int64_t frame = site_display_frame(p, s->site), up;
	size_t i;

	if (frame_in_source(p, frame) || !s->parent ||
	    !classify_shell(path_basename(s->parent)))
		return frame;
	for (i = 0; i < p->io.n_spawns; i++) {
		if (strcmp(p->io.spawns[i].program, s->parent))
			continue;
		up = site_display_frame(p, p->io.spawns[i].site);
		return frame_in_source(p, up) ? up : frame;
	}
	return frame;
}
