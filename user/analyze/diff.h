/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The noise rule of whyslow diff (see diff.c and the README), shared by
 * the Markdown/JSON diff and the differential flame graph.
 */
#ifndef WHYSLOW_DIFF_H
#define WHYSLOW_DIFF_H

#include <stdint.h>

/*
 * How big a change from before to after is within noise: before and after
 * in ns, of which n_before and n_after sampling periods of period_before
 * and period_after ns are sampled (0 for a traced or measured time).
 */
uint64_t diff_noise_ns(uint64_t before, uint64_t after, uint64_t n_before,
		       uint64_t n_after, uint64_t period_before,
		       uint64_t period_after);

#endif
