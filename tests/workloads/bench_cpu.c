/* SPDX-License-Identifier: GPL-2.0 */
/* CPU-bound benchmark program for tools/bench.sh: ~1.4 s of pure user
 * time in two functions (70/30), no system calls in the loop.  Prints
 * "elapsed_ms=T" on stderr: its own time, without the tracer's start. */
#include <stdio.h>
#include <time.h>

#include "burn.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

DEFINE_BURN(bench_main_loop, 0x9e3779b97f4a7c15ull)
DEFINE_BURN(bench_side_loop, 0xbf58476d1ce4e5b9ull)

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t round = (uint64_t)(BURN_ITERS_PER_SEC * 1.4 / 100 * scale);
	double start = now_ms();

	for (int i = 0; i < 100; i++) {
		burn_sink += bench_main_loop(round * 7 / 10);
		burn_sink += bench_side_loop(round * 3 / 10);
	}
	fprintf(stderr, "elapsed_ms=%.1f\n", now_ms() - start);
	return 0;
}
