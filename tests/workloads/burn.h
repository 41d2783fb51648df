/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the test workloads (and the clock they measure their phases
 * with, now_ns).  Deterministic CPU burning: a fixed number of
 * iterations, not a fixed time, so the work split between functions is
 * exact whatever the machine's speed.
 *
 * DEFINE_BURN(name) defines `uint64_t name(uint64_t iters)`: a loop of a
 * 64-bit LCG step whose value goes through an empty asm, so the compiler
 * can neither fold nor vectorize the loop.  noinline keeps each function a
 * real frame of its own; the per-function constant keeps them distinct
 * (no identical-code folding).  About 1.1 ns an iteration on the CI VMs.
 *
 * The volatile local gives the function a stack slot: GCC 12 drops the
 * frame-pointer prologue of a leaf function that needs no stack, even with
 * -fno-omit-frame-pointer (and -mno-omit-leaf-frame-pointer), and the
 * frame-pointer unwinder then skips the leaf's caller.  With the slot the
 * prologue stays and stacks are complete: main -> name.
 */
#ifndef WORKLOAD_BURN_H
#define WORKLOAD_BURN_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define BURN_ITERS_PER_SEC 900000000ull	/* measured, CI VM */

#define DEFINE_BURN(name, inc)						\
	__attribute__((noinline)) uint64_t name(uint64_t iters)	\
	{								\
		volatile uint64_t frame_slot = iters;			\
		uint64_t x = (inc);					\
								\
		(void)frame_slot;					\
		for (uint64_t i = 0; i < iters; i++) {			\
			x = x * 6364136223846793005ull + (inc);		\
			__asm__ volatile("" : "+r"(x));			\
		}							\
		return x;						\
	}

/* The monotonic clock, for the phases workloads measure themselves. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Sink for results, so the calls themselves are never dropped. */
static volatile uint64_t burn_sink;

/* Optional scale argument: argv[i] as a positive double, else dflt. */
static inline double arg_double(int argc, char **argv, int i, double dflt)
{
	char *end;
	double v;

	if (argc <= i)
		return dflt;
	v = strtod(argv[i], &end);
	return (end != argv[i] && !*end && v > 0) ? v : dflt;
}

#endif
