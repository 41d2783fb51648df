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
#include "procmap.h"
#include "profile.h"
#include "symbolize.h"

struct collector;

struct collector *collector_new(void);
void collector_free(struct collector *c);

/* Counts one sample; its user frames resolve against t at its time. */
int collector_add(struct collector *c, const struct proc_table *t,
		  const struct ws_sample *s);

/* Adds one aggregated off-CPU key with its stacks (read from BPF maps). */
int collector_add_offcpu(struct collector *c, const struct proc_table *t,
			 const struct ws_offcpu_key *ok,
			 const struct ws_offcpu_val *ov,
			 const __u64 *kstack, int nk, const __u64 *ustack, int nu);

/* Fills out (frames, stacks, threads, procs, samples, quality frame counts);
 * the caller sets the rest. */
int collector_finish(struct collector *c, const struct proc_table *t,
		     struct symbolizer *sym, uint64_t period_ns,
		     struct profile *out);

#endif
