/* SPDX-License-Identifier: GPL-2.0 */
/* Two functions burning CPU at exactly 70/30 by work, ~1 s in all.
 * Usage: hot7030 [SCALE]   (SCALE multiplies the work, default 1) */
#include <stdio.h>
#include "burn.h"

DEFINE_BURN(hot_seventy, 0x9e3779b97f4a7c15ull)
DEFINE_BURN(warm_thirty, 0xbf58476d1ce4e5b9ull)

#define ROUNDS	100

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t total = (uint64_t)(BURN_ITERS_PER_SEC * scale), done = 0, round;

	/*
	 * Interleaved rounds, so any drift hits both functions alike.  Their
	 * lengths vary (0.5x to 1.5x): rounds of one fixed length would beat
	 * against a fixed sampling period (99 Hz against 10 ms rounds) and
	 * alias, showing a split that is not there.
	 */
	for (int i = 0; i < ROUNDS && done < total; i++) {
		round = total / ROUNDS / 2 + (total / ROUNDS) * ((i * 37) % 100) / 100;
		if (i == ROUNDS - 1 || round > total - done)
			round = total - done;
		burn_sink += hot_seventy(round * 7 / 10);
		burn_sink += warm_thirty(round * 3 / 10);
		done += round;
	}
	return 0;
}
