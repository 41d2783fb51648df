// SPDX-License-Identifier: GPL-2.0
/* Release of a recorded profile. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "profile/profile.h"

static void free_frames(struct frame *frames, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(frames[i].name);
		free(frames[i].system_name);
		free(frames[i].module);
		free(frames[i].path);
		free(frames[i].file);
		free(frames[i].build_id);
	}
	free(frames);
}

static void free_io(struct io_summary *io)
{
	size_t i;

	for (i = 0; i < io->n_files; i++)
		free(io->files[i].path);
	free(io->files);
	for (i = 0; i < io->n_endpoints; i++)
		free(io->endpoints[i].name);
	free(io->endpoints);
	free(io->procs);
	for (i = 0; i < io->n_spawns; i++) {
		free(io->spawns[i].program);
		free(io->spawns[i].parent);
	}
	free(io->spawns);
	for (i = 0; i < io->n_sites; i++)
		free(io->sites[i].frames);
	free(io->sites);
}

int profile_add_note(struct profile *p, const char *note)
{
	char **n = reallocarray(p->notes, p->n_notes + 1, sizeof(*n));

	if (!n)
		return -ENOMEM;
	p->notes = n;
	n[p->n_notes] = strdup(note);
	if (!n[p->n_notes])
		return -ENOMEM;
	p->n_notes++;
	return 0;
}

void profile_critical_free(struct profile_critical *c)
{
	size_t i;

	for (i = 0; i < c->n_programs; i++) {
		free(c->programs[i].name);
		free(c->programs[i].pids);
	}
	free(c->programs);
	for (i = 0; i < c->n_launchers; i++) {
		free(c->launchers[i].name);
		free(c->launchers[i].interpreter);
		free(c->launchers[i].started);
	}
	free(c->launchers);
	free(c->locks);
	memset(c, 0, sizeof(*c));
}

/*
 * Frees what p owns, not p itself: the record stage may hand over a
 * profile that lives on the caller's stack.  p is left zeroed, so a
 * second call is harmless.
 */
void profile_free(struct profile *p)
{
	size_t i;

	if (!p)
		return;
	free_frames(p->frames, p->n_frames);
	for (i = 0; i < p->n_stacks; i++) {
		free(p->stacks[i].frames);
		free(p->stacks[i].target);
	}
	free(p->stacks);
	free(p->threads);
	for (i = 0; i < p->n_procs; i++) {
		free(p->procs[i].exe);
		free(p->procs[i].args);
	}
	free(p->procs);
	free_io(&p->io);
	profile_critical_free(&p->critical);
	for (i = 0; i < p->n_notes; i++)
		free(p->notes[i]);
	free(p->notes);
	free(p->command);
	memset(p, 0, sizeof(*p));
}

bool io_file_repeated(const struct io_file *f)
{
	return f->opens > 1 && f->opens > f->procs && f->path &&
	       f->path[0] == '/';
}

int64_t profile_app_leaf(const struct profile *p, const uint32_t *frames,
			 uint32_t n)
{
	while (n-- > 0)
		if (frames[n] < p->n_frames &&
		    p->frames[frames[n]].cls == CLASS_APP)
			return frames[n];
	return -1;
}

bool profile_name_unsampled(const char *name)
{
	return name && name[0] == '[' &&
	       (str_ends_with(name, CP_UNSAMPLED_SUFFIX "]") ||
		str_ends_with(name, CP_UNSEEN_SUFFIX "]"));
}
