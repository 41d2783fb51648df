// SPDX-License-Identifier: GPL-2.0
/*
 * An always_inline helper doing the work of a named function, built -O2
 * -g (see the Makefile): whyslow shows spin_outer → mix_step, the helper
 * on its own line.  Usage: inline_hot [MS] (default 300): runs MS
 * milliseconds of CPU, then prints its own CPU time in ns.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline __attribute__((always_inline)) uint64_t mix_step(uint64_t x,
							       uint64_t i)
{
	for (int k = 0; k < 64; k++) {
		x = x * 6364136223846793005ull + i;	/* MIX_LINE */
		x ^= x >> 29;
	}
	return x;
}

__attribute__((noinline)) uint64_t spin_outer(uint64_t iters)
{
	uint64_t x = 1;

	for (uint64_t i = 0; i < iters; i++) {
		x = mix_step(x, i);	/* CALL_LINE */
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t ms = argc > 1 ? strtoull(argv[1], NULL, 10) : 300;
	uint64_t start = cpu_ns(), x = 0;

	while (cpu_ns() - start < ms * 1000000ull)
		x += spin_outer(20000);
	printf("%llu %llu\n", (unsigned long long)(cpu_ns() - start),
	       (unsigned long long)(x & 1));
	return 0;
}
