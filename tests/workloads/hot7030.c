/* SPDX-License-Identifier: GPL-2.0 */
/* Two functions burning CPU at exactly 70/30 by work, ~1 s in all.
 * Usage: hot7030 [SCALE]   (SCALE multiplies the work, default 1) */
#include <stdio.h>
#include "burn.h"

DEFINE_BURN(hot_seventy, 0x9e3779b97f4a7c15ull)
DEFINE_BURN(warm_thirty, 0xbf58476d1ce4e5b9ull)

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	/* 100 interleaved rounds, so any drift hits both functions alike. */
	uint64_t round = (uint64_t)(BURN_ITERS_PER_SEC / 100 * scale);

	for (int i = 0; i < 100; i++) {
		burn_sink += hot_seventy(round * 7 / 10);
		burn_sink += warm_thirty(round * 3 / 10);
	}
	return 0;
}
