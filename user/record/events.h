/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ring buffer's events (samples, long waits, I/O) decoded and handed
 * to the collector, the off-CPU and the I/O stages, with the side-band
 * drained first so that every mapping a stack needs is known.
 */
#ifndef WHYSLOW_EVENTS_H
#define WHYSLOW_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proc/procmap.h"
#include "proc/sideband.h"
#include "python/attach.h"
#include "record/blocked.h"
#include "record/collect.h"
#include "record/io.h"
#include "record/iosites.h"
#include "record/offcpu.h"
#include "record/pystacks.h"
#include "record/stackfar.h"
#include "symbols/symbolize.h"

#define RECORD_EVENTS_FORKS	8	/* children of the last forks */

/* The stages events go to, owned by the recorder, and what the events
 * counted. */
struct record_events {
	struct sideband *sb;
	struct proc_table *procs;
	struct collector *coll;
	struct symbolizer *sym;
	struct py_attach *py;
	const struct offcpu_maps *offcpu;
	struct blocked_tasks *blocked;	/* -p's, whose first waits were
					 * seeded; NULL */
	struct io_trace *io;		/* NULL with --no-io */
	struct py_stacks *py_stacks;	/* threads' switch-out stacks */
	struct io_sites *sites;		/* NULL with --no-io */
	struct stack_splices *splices;	/* learnt from completed stacks */
	struct stack_far *far;		/* longer copies where needed */
	struct pyn_kinds kinds;		/* CPython's frames, named once */
	bool all;			/* -a */
	uint64_t last_drain_ns;
	uint64_t samples;
	uint64_t py_waits_lost;		/* waits whose Python stack was not
					 * received (ring buffer full) */
	uint64_t io_full, io_again;	/* site events with stacks, repeats */
	uint32_t forks[RECORD_EVENTS_FORKS];	/* ... a fork is seen once */
	unsigned int n_forks;
	uint64_t io_untold;		/* ... sent without stacks (burst) */
	int err;			/* the first -errno: stop */
	uint8_t stack[WS_STACK_COPY + WS_STACK_FAR_MAX];	/* a sample's
					 * copy with the stack past it */
};

/* New processes and mappings from the side-band, Python interpreters to
 * attach to. */
void record_events_drain(struct record_events *ev);

/* ring_buffer_sample_fn on a struct record_events: 0 or ev->err. */
int record_events_handle(void *ctx, void *data, size_t size);

#endif
