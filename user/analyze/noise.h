/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The noise rule of whyslow diff (noise.c and the README), shared by the
 * comparison (diff.c) and the differential flame graph.
 */
#ifndef WHYSLOW_NOISE_H
#define WHYSLOW_NOISE_H

#include <stdint.h>

/*
 * How big a change from before to after is within noise: before and after
 * in ns, of which n_before and n_after sampling periods of period_before
 * and period_after ns are sampled (0 for a traced or measured time).
 */
uint64_t noise_ns(uint64_t before, uint64_t after, uint64_t n_before,
		  uint64_t n_after, uint64_t period_before,
		  uint64_t period_after);

#endif
