/* SPDX-License-Identifier: GPL-2.0 */
/*
 * whyslow's own data in field 15 (README, "Saved profiles"): what pprof
 * has no field for, per frame in its Location, per stack in its Sample,
 * the rest (tasks, data quality, notes, the I/O tables) in the
 * period_type ValueType.  Written and read here, both ways.
 */
#ifndef WHYSLOW_PPROF_WHYSLOW_H
#define WHYSLOW_PPROF_WHYSLOW_H

#include "pprof/decode.h"
#include "pprof/internal.h"
#include "pprof/protobuf.h"
#include "profile/profile.h"

/* A frame's extra fields into its Location loc. */
void pprof_whyslow_put_frame(struct writer *w, struct pb_buf *loc,
			     const struct frame *f);
/* A stack's extra fields into its Sample; they mark it as whyslow's. */
void pprof_whyslow_put_stack(struct writer *w, struct pb_buf *sample,
			     const struct stack_sample *st);
/* period_type, cpu/nanoseconds, with the rest of whyslow's data. */
void pprof_whyslow_put_period_type(struct writer *w, struct pb_buf *b,
				   const struct profile *p);

/* A profile written by whyslow, its field 15 in rd->top.whyslow. */
int pprof_whyslow_read(struct reader *rd, const struct tables *t,
		       struct profile *out);

#endif
