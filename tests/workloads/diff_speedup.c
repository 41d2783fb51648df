/* SPDX-License-Identifier: GPL-2.0 */
/* Two functions burning CPU, for `whyslow diff`: fast_part does 0.2 s of
 * work, slow_part twice that, interleaved in rounds.
 * Usage: diff_speedup [SLOW_SCALE]   (multiplies slow_part's work only,
 * default 1: 0.5 makes slow_part 2x faster and leaves fast_part alone)
 * Prints on stderr the wall time each function really took
 * ("diff_speedup: fast_part_ns=F slow_part_ns=S"), for tests to compare
 * with what the profiles say on a noisy machine. */
#include <stdio.h>
#include <time.h>
#include "burn.h"

DEFINE_BURN(fast_part, 0x94d049bb133111ebull)
DEFINE_BURN(slow_part, 0x2545f4914f6cdd1dull)

#define ROUNDS	40

int main(int argc, char **argv)
{
	double slow_scale = arg_double(argc, argv, 1, 1.0);
	uint64_t fast = BURN_ITERS_PER_SEC / 5 / ROUNDS;
	uint64_t slow = (uint64_t)(2.0 * fast * slow_scale);
	uint64_t fast_ns = 0, slow_ns = 0, t0, t1;

	for (int i = 0; i < ROUNDS; i++) {
		t0 = now_ns();
		burn_sink += fast_part(fast);
		t1 = now_ns();
		burn_sink += slow_part(slow);
		fast_ns += t1 - t0;
		slow_ns += now_ns() - t1;
	}
	fprintf(stderr, "diff_speedup: fast_part_ns=%llu slow_part_ns=%llu\n",
		(unsigned long long)fast_ns, (unsigned long long)slow_ns);
	return 0;
}
