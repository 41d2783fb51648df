/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The profile frames of each raw frame (an address): more than one where
 * functions were inlined there, the outermost first.  Stacks of raw
 * frames expand into stacks of profile frames.
 */
#ifndef WHYSLOW_RECORD_FRAMERUN_H
#define WHYSLOW_RECORD_FRAMERUN_H

#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"
#include "symbols/result.h"

/* One raw frame's profile frames: frame_runs.ids[first ..+ n). */
struct frame_run {
	uint32_t first;
	uint32_t n;
};

struct frame_runs {
	uint32_t *ids;
	size_t n_ids, cap_ids;
};

/* Appends profile frame id to run; 0 or -ENOMEM. */
int frame_runs_add(struct frame_runs *fr, struct frame_run *run, uint32_t id);

/* The profile frames of the raw frames raw[0..n) (indexes into map),
 * into a new array of *out_n; NULL on ENOMEM. */
uint32_t *frame_runs_expand(const struct frame_runs *fr,
			    const struct frame_run *map, const uint32_t *raw,
			    uint32_t n, uint32_t *out_n);

void frame_runs_free(struct frame_runs *fr);

/* cls, which f's mapping has, by the source file f's code was compiled
 * from (classify_source, with $GOROOT): Go's standard library is in the
 * program's own file; go_table: f was named from Go's function table,
 * with no file, and its package tells. */
enum frame_class frame_source_class(enum frame_class cls,
				    const struct frame *f, bool go_table);

/* The frame of a function inlined at outer's address, into out (its
 * strings borrowed from outer and in); out. */
struct frame *frame_inlined(const struct frame *outer,
			    const struct sym_inline *in, struct frame *out);

#endif
