/* SPDX-License-Identifier: GPL-2.0 */
/* Two functions burning CPU at exactly 70/30 by work, ~1 s in all.
 * Usage: hot7030 [SCALE]   (SCALE multiplies the work, default 1)
 * Prints on stderr the wall time each function really took
 * ("hot7030: hot_seventy_ns=H warm_thirty_ns=W"): on a noisy machine one
 * phase can be slowed more than the other, and tests compare the profile
 * with the run it saw. */
#include <stdio.h>
#include <time.h>
#include "burn.h"

DEFINE_BURN(hot_seventy, 0x9e3779b97f4a7c15ull)
DEFINE_BURN(warm_thirty, 0xbf58476d1ce4e5b9ull)

#define ROUNDS	100

int main(int argc, char **argv)
{
	double scale = arg_double(argc, argv, 1, 1.0);
	uint64_t total = (uint64_t)(BURN_ITERS_PER_SEC * scale), done = 0, round;
	uint64_t hot_ns = 0, warm_ns = 0, t0, t1;

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
		t0 = now_ns();
		burn_sink += hot_seventy(round * 7 / 10);
		t1 = now_ns();
		burn_sink += warm_thirty(round * 3 / 10);
		hot_ns += t1 - t0;
		warm_ns += now_ns() - t1;
		done += round;
	}
	fprintf(stderr, "hot7030: hot_seventy_ns=%llu warm_thirty_ns=%llu\n",
		(unsigned long long)hot_ns, (unsigned long long)warm_ns);
	return 0;
}
