/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Folded stacks read back (folded_read.c): "root;...;leaf COUNT" lines,
 * as whyslow, flamegraph.pl's stackcollapse scripts, inferno and py-spy
 * write them, into a profile of on-CPU samples.
 */
#ifndef WHYSLOW_FOLDED_READ_H
#define WHYSLOW_FOLDED_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"

#define FOLDED_LINE_MAX		(1u << 20)	/* bytes of one line */
#define FOLDED_MAX_FRAMES	65536		/* of one stack, recursions
						 * expanded */
#define FOLDED_MAX_COUNT	(1ull << 32)	/* samples of one line */
#define FOLDED_MAX_TOTAL	(1ull << 36)	/* ... of all: their ns fit */
#define FOLDED_PERIOD_NS	10000000ull	/* a sample, as the file gives
						 * no rate: 100 Hz, py-spy's */

/*
 * Whether data looks like folded stacks: text, its first line ending in
 * a space and a count.  A profile.proto (gzip'd or not) never does.
 */
bool folded_detect(const uint8_t *data, size_t len);

/*
 * The stacks of data into *out (zeroed first; free with profile_free,
 * also after an error): every line a stack of on-CPU samples, a sample
 * FOLDED_PERIOD_NS; a last frame "[wait:REASON]" (whyslow's) makes it a
 * wait of that many samples' time.  Frames: "_[k]" kernel, "name (f.py)"
 * or py-spy's "name (f.py:12)" Python, "name (x36)" a recursion.
 * 0, or -EINVAL with a sentence naming the line in err, or -ENOMEM.
 */
int folded_read(const uint8_t *data, size_t len, struct profile *out,
		char *err, size_t errlen);

#endif
