/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The critical path's summary (struct profile_critical) as one message of
 * whyslow's field-15 data, its number field in the message x that holds it.
 */
#ifndef WHYSLOW_PPROF_WHYSLOW_CRITICAL_H
#define WHYSLOW_PPROF_WHYSLOW_CRITICAL_H

#include <stdint.h>

#include "pprof/internal.h"
#include "pprof/protobuf.h"
#include "pprof/read.h"
#include "profile/profile.h"

/* Nothing when the profile has no critical path. */
void pprof_whyslow_critical_put(struct writer *w, struct pb_buf *x,
				uint32_t field, const struct profile_critical *c);
/* The last such message of x, lock frames checked against out's. */
int pprof_whyslow_critical_read(struct reader *rd, const struct span *x,
				uint32_t field, struct profile *out);

#endif
