/* SPDX-License-Identifier: GPL-2.0 */
/* About 1 s of CPU in burn_first(), then a 1 s sleep: half the wall time
 * on the CPU, half asleep.  Usage: cpu_sleep [SECONDS] (default 1 each) */
#include <time.h>
#include "burn.h"

DEFINE_BURN(burn_first, 0x9e3779b97f4a7c15ull)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = arg_double(argc, argv, 1, 1.0), end = now() + secs;
	struct timespec nap = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };

	/* by time, not work: the CPU part is exactly as long as the sleep */
	while (now() < end)
		burn_sink += burn_first(BURN_ITERS_PER_SEC / 1000);
	nanosleep(&nap, NULL);
	return 0;
}
