/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each traced process had mapped, and when.  Mappings are recorded as
 * they happen (perf side-band records, or /proc/PID/maps for processes that
 * already ran), with their time, so an address is resolved against the
 * mappings that existed when it was sampled — even after the process, or
 * the mapping, is gone.
 */
#ifndef WHYSLOW_PROCMAP_H
#define WHYSLOW_PROCMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A mapped file, shared by every process that maps it. */
struct module {
	char *path;
	uint64_t dev;
	uint64_t ino;
};

struct mapping {
	uint64_t start;
	uint64_t end;
	uint64_t pgoff;
	uint64_t time;		/* mmap time; 0 = before recording */
	uint32_t gen;		/* exec generation of the process */
	int32_t module;		/* index into modules, -1 for anon */
	bool vdso;
	bool exec;		/* code: the only kind stacks resolve against;
				 * file-backed data mappings are kept so
				 * runtimes (CPython) can be found in them */
};

struct proc {
	uint32_t pid;
	uint32_t ppid;
	char comm[16];
	char *exe;
	bool complete;		/* history known from fork, exec or /proc */
	bool exited;		/* its pid may be reused from now on */
	uint64_t exit_time;
	uint32_t gen;		/* number of execs seen */
	uint64_t *exec_times;	/* exec_times[g - 1]: start of generation g */
	bool py_unbuffered;	/* a Python with unbuffered output (procfs.h) */
	bool py_command;	/* a Python running -c code (procfs.h) */
	char *args;		/* its command line, joined (procfs.h), as of
				 * its last exec seen; NULL unknown */
	struct mapping *maps;
	size_t n_maps, cap_maps;
	bool changed;		/* listed in the table's changed[] */
};

struct proc_table {
	struct proc **slots;	/* open addressing on pid */
	size_t n_slots, n_procs;
	struct module *modules;
	size_t n_modules, cap_modules;
	uint64_t maps_cut;	/* /proc/PID/maps read cut short */
	/* Processes forked, exec'd, mapped or loaded since the last
	 * proc_table_each_changed(): who to look at again, not all. */
	uint32_t *changed;
	size_t n_changed, cap_changed;
	bool changed_all;	/* a change that could not be listed (no
				 * memory): any process may have changed */
};

void proc_table_init(struct proc_table *t);
void proc_table_free(struct proc_table *t);

struct proc *proc_table_find(const struct proc_table *t, uint32_t pid);
/* fn(p, ctx) on each process not exited that changed since the last call
 * (struct proc_table: forked, exec'd, mapped, loaded; every one when a
 * change could not be listed), then empties the list. */
void proc_table_each_changed(struct proc_table *t,
			     void (*fn)(const struct proc *p, void *ctx),
			     void *ctx);

/* Whether a process in the table runs the executable at path. */
bool proc_table_runs(const struct proc_table *t, const char *path);
/* The entry for pid, created empty when absent; NULL on ENOMEM. */
struct proc *proc_table_get(struct proc_table *t, uint32_t pid);

/* A new process: starts with a copy of the parent's current mappings. */
int proc_table_fork(struct proc_table *t, uint32_t ppid, uint32_t pid,
		    uint64_t time);
void proc_table_exec(struct proc_table *t, uint32_t pid, const char *comm,
		     uint64_t time);
/*
 * Whether a mapping's name is anonymous memory (perf's "//anon", "",
 * "[anon:NAME]", a memfd, ...): code there is JIT code, found by address
 * in the process's perf map, never an ELF file to open.
 */
bool proc_path_anon(const char *path);

/* Anonymous mappings other than code are not kept. */
int proc_table_mmap(struct proc_table *t, uint32_t pid, uint64_t start,
		    uint64_t len, uint64_t pgoff, uint64_t dev, uint64_t ino,
		    const char *path, bool exec, uint64_t time);
/* Load a running process from /proc/PID (maps, comm, exe, ppid, a
 * Python's options). */
int proc_table_load(struct proc_table *t, uint32_t pid, const char *procfs);

/* program (a path) is a Python interpreter: python3, python3.12, ... */
bool proc_is_python(const char *program);
/* p runs program: when a Python, its options from procfs ("/proc"):
 * py_unbuffered (PYTHONUNBUFFERED, -u), for the small_writes hint, and
 * py_command (-c, whose "<string>" is the user's code); else none. */
void proc_python_opts(struct proc *p, const char *procfs,
		      const char *program);

/* p's command line, read from procfs ("/proc") now: as its exec is
 * seen, while the process is there.  0 or -ENOMEM; a process gone leaves
 * it NULL. */
int proc_read_args(struct proc *p, const char *procfs);

/* The mapping that covered addr in pid at time, or NULL. */
const struct mapping *proc_lookup(const struct proc *p, uint64_t addr,
				  uint64_t time);

#endif
