// SPDX-License-Identifier: GPL-2.0
/* Per-process mapping history; see procmap.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "lib/util.h"
#include "proc/procfs.h"
#include "proc/procmap.h"

#define MAX_MAPS_PER_PROC	(1 << 20)	/* bound hostile mmap storms */
#define MAX_EXECS		4096

void proc_table_init(struct proc_table *t)
{
	memset(t, 0, sizeof(*t));
}

static void proc_free(struct proc *p)
{
	free(p->exe);
	free(p->args);
	free(p->exec_times);
	free(p->maps);
	free(p);
}

void proc_table_free(struct proc_table *t)
{
	size_t i;

	for (i = 0; i < t->n_slots; i++)
		if (t->slots[i])
			proc_free(t->slots[i]);
	for (i = 0; i < t->n_modules; i++)
		free(t->modules[i].path);
	free(t->slots);
	free(t->modules);
	free(t->changed);
	memset(t, 0, sizeof(*t));
}

/* p's image or mappings changed: listed once until the next clear. */
static void mark_changed(struct proc_table *t, struct proc *p)
{
	uint32_t *grown;
	size_t cap;

	if (p->changed)
		return;
	if (t->n_changed == t->cap_changed) {
		cap = t->cap_changed ? 2 * t->cap_changed : 64;
		grown = realloc(t->changed, cap * sizeof(*grown));
		if (!grown) {
			t->changed_all = true;
			return;
		}
		t->changed = grown;
		t->cap_changed = cap;
	}
	t->changed[t->n_changed++] = p->pid;
	p->changed = true;
}

void proc_table_each_changed(struct proc_table *t,
			     void (*fn)(const struct proc *p, void *ctx),
			     void *ctx)
{
	size_t i, n = t->changed_all ? t->n_slots : t->n_changed;
	struct proc *p;

	for (i = 0; i < n; i++) {
		p = t->changed_all ? t->slots[i] :
				     proc_table_find(t, t->changed[i]);
		if (!p)
			continue;
		p->changed = false;
		if (!p->exited)
			fn(p, ctx);
	}
	t->n_changed = 0;
	t->changed_all = false;
}

static size_t pid_slot(const struct proc_table *t, uint32_t pid)
{
	size_t i = (pid * 2654435761u) & (t->n_slots - 1);

	while (t->slots[i] && t->slots[i]->pid != pid)
		i = (i + 1) & (t->n_slots - 1);
	return i;
}

struct proc *proc_table_find(const struct proc_table *t, uint32_t pid)
{
	if (!t->n_slots)
		return NULL;
	return t->slots[pid_slot(t, pid)];
}

bool proc_table_runs(const struct proc_table *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->n_slots; i++)
		if (t->slots[i] && t->slots[i]->exe &&
		    !strcmp(t->slots[i]->exe, path))
			return true;
	return false;
}

static int grow_slots(struct proc_table *t)
{
	struct proc_table bigger = *t;
	size_t i;

	bigger.n_slots = t->n_slots ? t->n_slots * 2 : 256;
	bigger.slots = calloc(bigger.n_slots, sizeof(*bigger.slots));
	if (!bigger.slots)
		return -ENOMEM;
	for (i = 0; i < t->n_slots; i++)
		if (t->slots[i])
			bigger.slots[pid_slot(&bigger, t->slots[i]->pid)] = t->slots[i];
	free(t->slots);
	t->slots = bigger.slots;
	t->n_slots = bigger.n_slots;
	return 0;
}

struct proc *proc_table_get(struct proc_table *t, uint32_t pid)
{
	struct proc *p = proc_table_find(t, pid);

	if (p)
		return p;
	if ((t->n_procs + 1) * 2 > t->n_slots && grow_slots(t))
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	t->slots[pid_slot(t, pid)] = p;
	t->n_procs++;
	return p;
}

static int32_t intern_module(struct proc_table *t, const char *path,
			     uint64_t dev, uint64_t ino)
{
	struct module *m;
	size_t i;

	for (i = t->n_modules; i-- > 0;) {
		m = &t->modules[i];
		if (m->dev == dev && m->ino == ino && !strcmp(m->path, path))
			return i;
	}
	if (t->n_modules == t->cap_modules) {
		size_t cap = t->cap_modules ? t->cap_modules * 2 : 64;

		m = realloc(t->modules, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		t->modules = m;
		t->cap_modules = cap;
	}
	m = &t->modules[t->n_modules];
	m->path = strdup(path);
	if (!m->path)
		return -ENOMEM;
	m->dev = dev;
	m->ino = ino;
	return t->n_modules++;
}

static int add_mapping(struct proc *p, const struct mapping *m)
{
	if (p->n_maps >= MAX_MAPS_PER_PROC)
		return -E2BIG;
	if (p->n_maps == p->cap_maps) {
		size_t cap = p->cap_maps ? p->cap_maps * 2 : 32;
		struct mapping *maps = realloc(p->maps, cap * sizeof(*maps));

		if (!maps)
			return -ENOMEM;
		p->maps = maps;
		p->cap_maps = cap;
	}
	p->maps[p->n_maps++] = *m;
	return 0;
}

/* A pid seen in a FORK record is a new process, even if the pid was used
 * before: forget the previous owner's history. */
static void proc_reset(struct proc *p)
{
	free(p->exe);
	free(p->exec_times);
	free(p->args);
	p->exe = NULL;
	p->exec_times = NULL;
	p->args = NULL;
	p->gen = 0;
	p->n_maps = 0;
	p->exited = false;
	p->complete = false;
}

int proc_table_fork(struct proc_table *t, uint32_t ppid, uint32_t pid,
		    uint64_t time)
{
	struct proc *parent = proc_table_find(t, ppid);
	struct proc *child = proc_table_get(t, pid);
	struct mapping m;
	size_t i;
	int err;

	(void)time;
	if (!child)
		return -ENOMEM;
	proc_reset(child);
	mark_changed(t, child);
	child->ppid = ppid;
	if (!parent)
		return 0;
	child->complete = parent->complete;
	memcpy(child->comm, parent->comm, sizeof(child->comm));
	if (parent->exe && !(child->exe = strdup(parent->exe)))
		return -ENOMEM;
	if (parent->args && !(child->args = strdup(parent->args)))
		return -ENOMEM;
	for (i = 0; i < parent->n_maps; i++) {
		if (parent->maps[i].gen != parent->gen)
			continue;
		m = parent->maps[i];
		m.gen = 0;
		err = add_mapping(child, &m);
		if (err)
			return err;
	}
	return 0;
}

void proc_table_exec(struct proc_table *t, uint32_t pid, const char *comm,
		     uint64_t time)
{
	struct proc *p = proc_table_get(t, pid);
	uint64_t *times;

	if (!p)
		return;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	if (p->gen >= MAX_EXECS)
		return;
	mark_changed(t, p);
	times = realloc(p->exec_times, (p->gen + 1) * sizeof(*times));
	if (!times)
		return;
	p->exec_times = times;
	p->exec_times[p->gen++] = time;
	p->complete = true;
	free(p->exe);
	p->exe = NULL;	/* set by the first file mapping of the new image */
}

bool proc_path_anon(const char *path)
{
	static const char *const prefixes[] = {
		"//anon",	/* perf's name for any anonymous mapping */
		"[anon:",	/* named with PR_SET_VMA_ANON_NAME */
		"/memfd:",	/* JITs that map their code twice */
		"/dev/zero",	/* shared anonymous memory */
		"/anon_hugepage",
		"[heap]", "[stack]",
	};
	size_t i;

	if (!path[0])
		return true;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (!strncmp(path, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

int proc_table_mmap(struct proc_table *t, uint32_t pid, uint64_t start,
		    uint64_t len, uint64_t pgoff, uint64_t dev, uint64_t ino,
		    const char *path, bool exec, uint64_t time)
{
	struct proc *p = proc_table_get(t, pid);
	struct mapping m = {
		.start = start, .end = start + len, .pgoff = pgoff,
		.time = time, .module = -1, .exec = exec,
	};
	bool anon = proc_path_anon(path);

	if (!p)
		return -ENOMEM;
	if (m.end < m.start)
		return -EINVAL;
	if (anon && !exec)
		return 0;	/* data: nothing to resolve in it */
	m.gen = p->gen;
	if (!strcmp(path, "[vdso]")) {
		m.vdso = true;
	} else if (path[0] == '/' && !anon) {
		m.module = intern_module(t, path, dev, ino);
		if (m.module < 0)
			return m.module;
		if (exec && !p->exe && !(p->exe = strdup(path)))
			return -ENOMEM;
	}
	mark_changed(t, p);
	return add_mapping(p, &m);
}

/* The exec generation a sample taken at time belongs to. */
static uint32_t gen_at(const struct proc *p, uint64_t time)
{
	uint32_t g = p->gen;

	while (g > 0 && p->exec_times[g - 1] > time)
		g--;
	return g;
}

const struct mapping *proc_lookup(const struct proc *p, uint64_t addr,
				  uint64_t time)
{
	const struct mapping *best = NULL;
	uint32_t gen = gen_at(p, time);
	size_t i;

	/* Later mappings replace earlier ones over the same range (munmap
	 * is not reported), so the newest one not after the sample wins. */
	for (i = 0; i < p->n_maps; i++) {
		const struct mapping *m = &p->maps[i];

		if (!m->exec || m->gen != gen || addr < m->start ||
		    addr >= m->end || m->time > time)
			continue;
		if (!best || m->time >= best->time)
			best = m;
	}
	return best;
}

static void read_small_file(const char *path, char *buf, size_t size)
{
	bool cut;

	procfs_read(path, buf, size, &cut);	/* the first line is enough */
	buf[strcspn(buf, "\n")] = '\0';
}

/* A maps file cut short (a line too long, over PROCFS_MAPS_MAX) is counted:
 * frames in what it left out go unsymbolized. */
static int load_maps(struct proc_table *t, struct proc *p, const char *procfs)
{
	char path[64], perms[8], file[4096];
	unsigned long long start, end, off, ino;
	unsigned int major, minor;
	struct procfs_lines l;
	int err;

	snprintf(path, sizeof(path), "%s/%u/maps", procfs, p->pid);
	err = procfs_lines_open(&l, path, PROCFS_MAPS_MAX, PROCFS_MAPS_LINE);
	if (err)
		return err;
	while (!err && procfs_lines_next(&l)) {
		file[0] = '\0';
		if (sscanf(l.line, "%llx-%llx %7s %llx %x:%x %llu %4095[^\n]",
			   &start, &end, perms, &off, &major, &minor, &ino,
			   file) < 7)
			continue;
		/* code, and file-backed data (where runtimes keep state) */
		if (perms[2] != 'x' && file[0] != '/')
			continue;
		err = proc_table_mmap(t, p->pid, start, end - start, off,
				      makedev(major, minor), ino,
				      file, perms[2] == 'x', 0);
	}
	if (procfs_lines_close(&l))
		t->maps_cut++;
	return err;
}

bool proc_is_python(const char *program)
{
	return !strncmp(path_basename(program), "python", 6);
}

void proc_python_opts(struct proc *p, const char *procfs,
		      const char *program)
{
	int opts = proc_is_python(program) ?
		   procfs_pid_python_opts(procfs, p->pid) : 0;

	if (opts < 0)
		opts = 0;
	p->py_unbuffered = opts & PROCFS_PY_UNBUFFERED;
	p->py_command = opts & PROCFS_PY_COMMAND;
}

int proc_read_args(struct proc *p, const char *procfs)
{
	char args[PROCFS_ARGS_MAX];

	if (procfs_pid_cmdline(procfs, p->pid, args, sizeof(args)) ||
	    !args[0])
		return 0;
	free(p->args);
	p->args = strdup(args);
	return p->args ? 0 : -ENOMEM;
}

int proc_table_load(struct proc_table *t, uint32_t pid, const char *procfs)
{
	struct proc *p = proc_table_get(t, pid);
	char path[64], exe[4096];
	ssize_t n;

	if (!p)
		return -ENOMEM;
	mark_changed(t, p);
	p->complete = true;	/* tried once: a vanished process stays as is */
	snprintf(path, sizeof(path), "%s/%u/comm", procfs, pid);
	read_small_file(path, p->comm, sizeof(p->comm));
	p->ppid = procfs_pid_ppid(procfs, pid);
	snprintf(path, sizeof(path), "%s/%u/exe", procfs, pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		free(p->exe);
		p->exe = strdup(exe);
		proc_python_opts(p, procfs, exe);
	}
	if (proc_read_args(p, procfs))
		return -ENOMEM;
	return load_maps(t, p, procfs);
}
