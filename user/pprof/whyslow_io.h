/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The I/O tables (struct io_summary) as one message of whyslow's
 * field-15 data, its number field in the message x that holds it.
 */
#ifndef WHYSLOW_PPROF_WHYSLOW_IO_H
#define WHYSLOW_PPROF_WHYSLOW_IO_H

#include <stdint.h>

#include "pprof/internal.h"
#include "pprof/protobuf.h"
#include "pprof/read.h"
#include "profile/profile.h"

void pprof_whyslow_io_put(struct writer *w, struct pb_buf *x, uint32_t field,
			  const struct io_summary *io);
/* The last such message of x, its sites checked against out's frames. */
int pprof_whyslow_io_read(struct reader *rd, const struct span *x,
			  uint32_t field, struct profile *out);

#endif
