/* SPDX-License-Identifier: GPL-2.0 */
/* CPU-bound benchmark program for tools/bench.sh: ~1.4 s of pure user
 * time in two functions (70/30), no system calls in the loop. */
#include "burn.h"

DEFINE_BURN(bench_main_loop, 0x9e3779b97f4a7c15ull)
DEFINE_BURN(bench_side_loop, 0xbf58476d1ce4e5b9ull)

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t round = (uint64_t)(BURN_ITERS_PER_SEC * 1.4 / 100 * scale);

	for (int i = 0; i < 100; i++) {
		burn_sink += bench_main_loop(round * 7 / 10);
		burn_sink += bench_side_loop(round * 3 / 10);
	}
	return 0;
}
