/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF side as the record stage sees it: the one file that includes
 * the skeleton (as perf's util/bpf_off_cpu.c is the only includer of
 * off_cpu.skel.h).  It opens the programs with the knobs of the options,
 * loads and attaches them, and reads what they leave in their maps; the
 * loop and the life cycle of a recording stay in record.c.
 */
#ifndef WHYSLOW_RECORD_BPF_H
#define WHYSLOW_RECORD_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "record/collect.h"
#include "record/offcpu.h"
#include "whyslow.h"

struct record_bpf;

/* What the recording's options (record_opts) set in the programs. */
struct record_bpf_knobs {
	bool all;		/* -a */
	unsigned int freq;	/* -F: sizes the ring buffer */
	bool no_offcpu;
	bool no_io;
	bool fp_only;
	uint64_t min_block_ns;
	bool verbose;		/* libbpf's messages, the verifier log */
	bool python;		/* walk Python stacks from the start; else
				 * from record_bpf_load_python() on */
};

/* Opens and loads the programs set up for k; NULL with the error printed. */
struct record_bpf *record_bpf_open(const struct record_bpf_knobs *k);

/* Traces pid and its descendants (the -p targets, the command): 0, or
 * -errno of the map update. */
int record_bpf_trace(struct record_bpf *b, uint32_t pid);

/* Attaches the tracepoint programs.  0, or 1 with the error printed. */
int record_bpf_attach(struct record_bpf *b);

/* The sampler on the cpu-clock event of every CPU at freq Hz.  0, or 1
 * with the error printed. */
int record_bpf_attach_sampler(struct record_bpf *b, unsigned int freq);

/* Where the programs count time from: earlier is not the recording's. */
void record_bpf_set_start(struct record_bpf *b, uint64_t start_ns);

/* Map descriptors for the stages that read them. */
int record_bpf_events_fd(const struct record_bpf *b);
int record_bpf_py_procs_fd(const struct record_bpf *b);
int record_bpf_io_fds_fd(const struct record_bpf *b);
int record_bpf_io_site_rules_fd(const struct record_bpf *b);
int record_bpf_io_sites_fd(const struct record_bpf *b);
int record_bpf_stack_far_fd(const struct record_bpf *b);
int record_bpf_stack_far_exe_fd(const struct record_bpf *b);
struct offcpu_maps record_bpf_offcpu_maps(const struct record_bpf *b);

/* One of the per-CPU drop and time counters, summed over the CPUs. */
uint64_t record_bpf_counter(const struct record_bpf *b, enum ws_counter which);

/* CPU time the traced threads still on a CPU have run since
 * max(start_ns, their switch in) up to end. */
uint64_t record_bpf_oncpu_open_ns(const struct record_bpf *b,
				  uint64_t start_ns, uint64_t end);

/* How long the sampler's BPF program ran on traced tasks, 0 unknown. */
uint64_t record_bpf_sampler_ns(const struct record_bpf *b);
uint64_t record_bpf_missed_runs(const struct record_bpf *b);

/* The programs that walk Python stacks in place of those that do not, at
 * the first CPython process seen: a second instance of the object (its
 * verification waits until then), loaded in a thread while events are
 * read.  Once; nothing to do when they were loaded from the start.  0,
 * or -errno (the recording goes on without Python stacks, a warning
 * printed when the thread is joined, by record_bpf_read_py_codes()). */
int record_bpf_load_python(struct record_bpf *b);

/* The kernel's name of addr, as its %pB prints it (bpf/ksym.bpf.c), into
 * buf: 0, or -errno (-ENOENT: not loaded).  record_bpf_has_ksym(): it is,
 * and runs. */
int record_bpf_ksym(struct record_bpf *b, uint64_t addr, char *buf,
		    size_t size);
bool record_bpf_has_ksym(struct record_bpf *b);

/* The code objects the BPF side copied, into c.  0 or -errno. */
int record_bpf_read_py_codes(struct record_bpf *b, struct collector *c);

/* The names of the programs' functions, entry points and subprograms,
 * as the kernel names their JIT code (bpf_prog_<tag>_<name>):
 * NULL-terminated, valid until record_bpf_close; NULL out of memory. */
const char *const *record_bpf_func_names(struct record_bpf *b);

void record_bpf_close(struct record_bpf *b);

#endif
