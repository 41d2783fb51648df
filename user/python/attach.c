// SPDX-License-Identifier: GPL-2.0
/* See pyattach.h. */
#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/intern.h"
#include "lib/util.h"
#include "profile/profile.h"
#include "python/attach.h"
#include "python/detect.h"

enum py_module_state {
	PY_MOD_UNKNOWN,
	PY_MOD_PYTHON,
	PY_MOD_UNSUPPORTED,
	PY_MOD_OTHER,
};

struct py_module {
	enum py_module_state state;
	struct python_info info;
};

/* How far the scan got in one process. */
struct py_proc_state {
	uint32_t pid;
	uint32_t gen;		/* exec generation scanned */
	size_t maps_seen;
	int32_t module;		/* the CPython runtime's module, -1 none */
	int minor;
	bool registered;	/* in the BPF map */
	bool reported;		/* named as unsupported */
	bool refused;		/* named as refused by the BPF map */
};

struct py_attach {
	int py_procs_fd;
	struct py_module *mods;
	size_t n_mods;
	struct intern pids;
	struct py_proc_state *procs;
	size_t cap_procs;
	char **unsupported;
	size_t n_unsupported;
	uint64_t registered;	/* processes ever put in the map */
};

struct py_attach *py_attach_new(int py_procs_fd)
{
	struct py_attach *pa = calloc(1, sizeof(*pa));

	if (!pa)
		return NULL;
	pa->py_procs_fd = py_procs_fd;
	intern_init(&pa->pids);
	return pa;
}

void py_attach_free(struct py_attach *pa)
{
	size_t i;

	if (!pa)
		return;
	for (i = 0; i < pa->n_unsupported; i++)
		free(pa->unsupported[i]);
	free(pa->unsupported);
	free(pa->mods);
	free(pa->procs);
	intern_free(&pa->pids);
	free(pa);
}

static const struct py_proc_state *find_state(const struct py_attach *pa,
					       uint32_t pid)
{
	int64_t i = intern_find(&pa->pids, &pid, sizeof(pid));

	return i < 0 ? NULL : &pa->procs[i];
}

int py_attach_minor(const struct py_attach *pa, uint32_t pid)
{
	const struct py_proc_state *st = find_state(pa, pid);

	return st && st->registered ? st->minor : 0;
}

int py_attach_proc(const struct py_attach *pa, uint32_t pid,
		   struct ws_py_proc *out)
{
	const struct py_proc_state *st = find_state(pa, pid);

	if (!st || !st->registered ||
	    bpf_map_lookup_elem(pa->py_procs_fd, &pid, out))
		return -ENOENT;
	return 0;
}

int32_t py_attach_module(const struct py_attach *pa, uint32_t pid)
{
	const struct py_proc_state *st = find_state(pa, pid);

	return st && st->registered ? st->module : -1;
}

size_t py_attach_unsupported(const struct py_attach *pa, char ***lines)
{
	*lines = pa->unsupported;
	return pa->n_unsupported;
}

static struct py_proc_state *get_state(struct py_attach *pa, uint32_t pid)
{
	size_t cap = pa->cap_procs ? pa->cap_procs : 16;
	struct py_proc_state *procs;
	int added;
	int64_t i = intern_bytes(&pa->pids, &pid, sizeof(pid), &added);

	if (i < 0)
		return NULL;
	if ((size_t)i >= pa->cap_procs) {
		while (cap <= (size_t)i)
			cap *= 2;
		procs = realloc(pa->procs, cap * sizeof(*procs));
		if (!procs)
			return NULL;
		pa->procs = procs;
		pa->cap_procs = cap;
	}
	if (added)
		pa->procs[i] = (struct py_proc_state){ .pid = pid, .module = -1 };
	return &pa->procs[i];
}

/* Only files named like an interpreter or libpython are opened: parsing
 * every mapped library of every process would cost far more. */
static bool may_be_python(const char *path)
{
	return cpython_file_name(path_basename(path));
}

static struct py_module *module_state(struct py_attach *pa,
				      const struct proc_table *t, int32_t id)
{
	struct py_module *m;
	int err;

	if (id < 0 || (size_t)id >= t->n_modules)
		return NULL;
	if ((size_t)id >= pa->n_mods) {
		m = realloc(pa->mods, t->n_modules * sizeof(*m));
		if (!m)
			return NULL;
		memset(m + pa->n_mods, 0, (t->n_modules - pa->n_mods) * sizeof(*m));
		pa->mods = m;
		pa->n_mods = t->n_modules;
	}
	m = &pa->mods[id];
	if (m->state != PY_MOD_UNKNOWN)
		return m;
	m->state = PY_MOD_OTHER;
	if (!may_be_python(t->modules[id].path))
		return m;
	err = python_detect(t->modules[id].path, &m->info);
	if (!err)
		m->state = PY_MOD_PYTHON;
	else if (err == PYTHON_E_UNSUPPORTED)
		m->state = PY_MOD_UNSUPPORTED;
	return m;
}

/* Takes line (from asprintf), dropped when there is no room for it. */
static void add_note(struct py_attach *pa, char *line)
{
	char **lines;

	lines = realloc(pa->unsupported,
			(pa->n_unsupported + 1) * sizeof(*lines));
	if (!lines) {
		free(line);
		return;
	}
	pa->unsupported = lines;
	pa->unsupported[pa->n_unsupported++] = line;
}

static void note_unsupported(struct py_attach *pa, const struct proc *p,
			     const struct python_info *info)
{
	char *line, version[32] = "of an unknown version";

	if (info->minor)
		snprintf(version, sizeof(version), "%d.%d", info->major ?: 3,
			 info->minor);
	if (asprintf(&line, "pid %u (%s): CPython %s%s%s"
		     PROFILE_NOTE_PY_NATIVE, p->pid, p->comm, version,
		     info->free_threaded ? " (free-threaded)" : "",
		     info->debug_build ? " (debug build)" : "") < 0)
		return;
	add_note(pa, line);
}

/* The BPF map refused the process (full: too many Python processes). */
static void note_refused(struct py_attach *pa, const struct proc *p,
			 const struct python_info *info, int err)
{
	char *line;

	if (asprintf(&line, "pid %u (%s): the BPF walker could not be given "
		     "its CPython %d.%d (%s); its stacks may be native only",
		     p->pid, p->comm, info->major, info->minor,
		     strerror(-err)) < 0)
		return;
	add_note(pa, line);
}

/* The walker's view from every current mapping of the runtime's file. */
static void register_proc(struct py_attach *pa, const struct proc *p,
			  struct py_proc_state *st, const struct py_module *m)
{
	struct ws_py_proc proc = { 0 };
	bool found = false;
	size_t i;
	int err;

	for (i = 0; i < p->n_maps; i++) {
		const struct mapping *map = &p->maps[i];

		if (map->gen == p->gen && map->module == st->module)
			found |= python_proc_add_mapping(&m->info, map->start,
							 map->end, map->pgoff,
							 &proc);
	}
	if (!found)
		return;
	if (bpf_map_update_elem(pa->py_procs_fd, &p->pid, &proc, BPF_ANY)) {
		err = -errno;
		if (!st->refused)
			note_refused(pa, p, &m->info, err);
		st->refused = true;
		return;
	}
	st->registered = true;
	st->minor = m->info.minor;
	pa->registered++;
}

static void scan_proc(struct py_attach *pa, const struct proc_table *t,
		      const struct proc *p)
{
	struct py_proc_state *st = get_state(pa, p->pid);
	struct py_module *m;
	size_t i;

	if (!st)
		return;
	if (st->gen != p->gen) {	/* exec: a new image, maybe not Python */
		if (st->registered)
			bpf_map_delete_elem(pa->py_procs_fd, &p->pid);
		*st = (struct py_proc_state){ .pid = p->pid, .gen = p->gen,
					      .module = -1 };
	}
	for (i = st->maps_seen; i < p->n_maps; i++) {
		if (p->maps[i].gen != p->gen || st->module >= 0)
			continue;
		m = module_state(pa, t, p->maps[i].module);
		if (m && m->state == PY_MOD_PYTHON)
			st->module = p->maps[i].module;
		if (m && m->state == PY_MOD_UNSUPPORTED && !st->reported) {
			note_unsupported(pa, p, &m->info);
			st->reported = true;
		}
	}
	/* _PyRuntime's data segment may be mapped after the code */
	if (st->module >= 0 && !st->registered && p->n_maps > st->maps_seen)
		register_proc(pa, p, st, &pa->mods[st->module]);
	st->maps_seen = p->n_maps;
}

bool py_attach_seen(const struct py_attach *pa)
{
	return pa && pa->registered;
}

struct scan_ctx {
	struct py_attach *pa;
	const struct proc_table *t;
};

static void scan_changed(const struct proc *p, void *ctx)
{
	struct scan_ctx *c = ctx;

	scan_proc(c->pa, c->t, p);
}

void py_attach_scan(struct py_attach *pa, struct proc_table *t)
{
	struct scan_ctx c = { pa, t };

	proc_table_each_changed(t, scan_changed, &c);
}
