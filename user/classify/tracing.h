/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel frames of the tracing machinery: the dispatch into BPF programs,
 * whyslow's programs and the helpers they call, and the perf output of
 * the side-band records whyslow asks for.  Everything a stack holds from
 * the outermost such frame on runs because the program was traced, not
 * because of what it does.
 */
#ifndef WHYSLOW_CLASSIFY_TRACING_H
#define WHYSLOW_CLASSIFY_TRACING_H

#include <stdbool.h>
#include <stdint.h>

#include "profile/profile.h"

/*
 * Is the kernel function name tracing code?  own: the names of the BPF
 * programs and subprograms whose JIT code counts as tracing ("io_exit" of
 * "bpf_prog_2a95c382818ef2cf_io_exit"), NULL-terminated; NULL: every BPF
 * program.  Programs not in own (a firewall's cgroup programs) still count
 * when a tracing frame called them.
 */
bool tracing_frame(const char *name, const char *const *own);

/*
 * How many of frames[0..n-1] (root first, indexes into p->frames) to keep:
 * all up to the outermost kernel frame that is tracing code, which is
 * where the program called into it; n when there is none.
 */
uint32_t tracing_cut(const struct profile *p, const uint32_t *frames,
		     uint32_t n, const char *const *own);

/*
 * The last of p->stacks, on-CPU: when it ran in tracing code, its samples
 * are whyslow's time, not the program's.  They are counted in
 * p->quality.tracing_samples and tracing_ns and the stack is removed
 * (p->n_stacks one less); true then.
 */
bool tracing_drop_last(struct profile *p, const char *const *own);

/*
 * A profile saved before whyslow cut its tracing frames, cut as the record
 * stage does now, with every BPF program counting as whyslow's: waits and
 * I/O sites cut back, on-CPU stacks in tracing code set apart (their
 * critical-path time with them: the path no longer adds up exactly).
 */
void tracing_strip(struct profile *p);

#endif
