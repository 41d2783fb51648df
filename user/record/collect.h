/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Aggregates raw samples as they arrive: user addresses become
 * (file, offset) while the mappings are known, identical stacks are merged
 * and counted, so memory grows with distinct stacks, not with time.
 * collector_finish() symbolizes each distinct frame once and builds the
 * profile.
 */
#ifndef WHYSLOW_COLLECT_H
#define WHYSLOW_COLLECT_H

#include <linux/types.h>
#include "whyslow.h"
#include "proc/procmap.h"
#include "profile/profile.h"
#include "symbols/symbolize.h"
#include "record/critpath.h"
#include "record/pynative.h"
#include "record/pystacks.h"
#include "record/unwind.h"

struct collector;

/* A sample's Python stack and how to merge it with the native one.  A
 * stack of no frames still tells, by its truncated field, a walk that
 * ended at an invalid first frame. */
struct py_context {
	struct py_frames stack;
	int32_t module;		/* the CPython runtime's module index */
	int minor;		/* 3.minor */
	/* the runtime's frames named as they come (record/pynative.h);
	 * NULL: every native frame kept under the innermost Python one */
	struct symbolizer *sym;
	struct pyn_kinds *kinds;
	bool site;		/* an I/O site: native frames only up to the
				 * runtime's, whose C path to the syscall
				 * varies (specialized calls skip a frame) */
};

struct collector *collector_new(void);
void collector_free(struct collector *c);

/* The names of whyslow's BPF programs and subprograms (NULL-terminated,
 * kept until collector_finish): samples in their code, or in the tracing
 * code that runs them, are whyslow's (classify/tracing.h). */
void collector_set_own_progs(struct collector *c, const char *const *names);

/* No critical path will be asked for (-a, several -p): samples, waits
 * and execs are not kept on its timeline, 16-48 bytes each. */
void collector_skip_timeline(struct collector *c);

/* Why the CFI walk stopped on the next sample's user stack (reset by
 * collector_add): counted in Data quality when that stack is truncated. */
void collector_note_unwind(struct collector *c, enum unwind_stop why);

/* Counts one sample; its user frames (ustack, nu of them: the sample's,
 * maybe completed by unwind_complete) resolve against t at its time.
 * py: its Python stack, NULL when none. */
int collector_add(struct collector *c, const struct proc_table *t,
		  const struct ws_sample *s, const __u64 *ustack, int nu,
		  const struct py_context *py);

/* Adds one aggregated off-CPU key with its stacks (read from BPF maps). */
int collector_add_offcpu(struct collector *c, const struct proc_table *t,
			 const struct ws_offcpu_key *ok,
			 const struct ws_offcpu_val *ov,
			 const __u64 *kstack, int nk, const __u64 *ustack, int nu,
			 const struct py_context *py);

/* The off-CPU interval just added by collector_add_offcpu, on the
 * timeline: blocked [start, wake), runnable [wake, end), ended by
 * waker (tid 0: not seen). */
int collector_note_wait(struct collector *c, uint32_t tid, uint64_t start,
			uint64_t wake, uint64_t end,
			const struct ws_waker *waker);

/* pid exec'd program (the file exe, by its basename; NULL: not known) at
 * ts; program NULL: pid was forked at ts by parent's thread parent_tid. */
int collector_note_exec(struct collector *c, uint32_t pid, uint64_t ts,
			const char *program, const char *exe,
			uint32_t parent, uint32_t parent_tid);

/*
 * A stack where an I/O event happened (a file opened, a connection made,
 * a process forked), with no time of its own: returns its index in
 * profile.io.sites once finished, or -ENOMEM.
 */
int64_t collector_add_site(struct collector *c, const struct proc_table *t,
			   uint32_t pid, uint32_t tid, uint64_t time,
			   const __u64 *ustack, int nu,
			   const struct py_context *py);

/* A code object the BPF side copied: names Python frames at the end. */
int collector_add_py_code(struct collector *c, const struct ws_py_code_key *k,
			  const struct ws_py_code *code);

/* Fills out (frames, stacks, threads, procs, io.sites, samples, quality
 * frame counts);
 * the caller sets the rest. */
int collector_finish(struct collector *c, const struct proc_table *t,
		     struct symbolizer *sym, uint64_t period_ns,
		     struct profile *out);

/* After collector_finish: the timeline of samples, waits and execs, its
 * stacks out's (critpath.h), in *tl; NULL when none was kept, or (a note
 * says so) it overflowed.  0 or -ENOMEM. */
int collector_timeline(struct collector *c, struct profile *out,
		       struct cp_timeline **tl);

#endif
