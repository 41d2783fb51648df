/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A profile of another tool (a Go CPU profile, @datadog/pprof): its
 * samples read back as on-CPU samples of the sample type that best
 * measures time, with a note saying so.
 */
#ifndef WHYSLOW_PPROF_FOREIGN_H
#define WHYSLOW_PPROF_FOREIGN_H

#include "pprof/decode.h"
#include "profile/profile.h"

int pprof_foreign_read(struct reader *rd, struct tables *t,
		       struct profile *out);

#endif
