/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding CPython in traced processes as they map it, and telling the BPF
 * walker where each one's _PyRuntime is.  Runs after every side-band
 * drain, so a process is known within milliseconds of its exec.
 */
#ifndef WHYSLOW_PYATTACH_H
#define WHYSLOW_PYATTACH_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>
#include "proc/procmap.h"
#include "whyslow.h"

struct py_attach;

/* py_procs_fd: the BPF map tgid -> struct ws_py_proc. */
struct py_attach *py_attach_new(int py_procs_fd);
void py_attach_free(struct py_attach *pa);

/* Looks at the processes changed since the last scan (forked, exec'd,
 * mapped: the table's changed list, which it clears), at the mappings
 * each added since. */
void py_attach_scan(struct py_attach *pa, struct proc_table *t);

/* A CPython process has been told to the BPF walker (since the start). */
bool py_attach_seen(const struct py_attach *pa);

/* CPython minor version of pid (10..13), 0 when not (known) CPython. */
int py_attach_minor(const struct py_attach *pa, uint32_t pid);

/* What the BPF walker was told of pid's CPython (its offsets and where
 * its _PyRuntime is) into out: 0, or -ENOENT when pid is none told. */
int py_attach_proc(const struct py_attach *pa, uint32_t pid,
		   struct ws_py_proc *out);

/* Module (index into proc_table.modules) of pid's CPython runtime, -1. */
int32_t py_attach_module(const struct py_attach *pa, uint32_t pid);

/* Processes running a CPython whyslow cannot walk, for Data quality:
 * "pid 1234 (python3.9): CPython 3.9 not supported". */
size_t py_attach_unsupported(const struct py_attach *pa, char ***lines);

#endif
